"""The Telegram tipline, run for real (our code and python-telegram-bot) against a fake Bot API server
on 127.0.0.1: a whole appeal in each language, files, a caseworker's answer reaching the chat and the
person's answer reaching the case, the help questionnaire, a flood, and hostile input."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from recruitwatch.store import cases as case_store
from recruitwatch.store.database import sessions, transaction
from recruitwatch.store.models import (
    AuditEntry,
    Base,
    Case,
    CaseFile,
    TiplineChat,
    TiplinePendingFile,
)
from recruitwatch.tipline.bot import Tipline
from recruitwatch.tipline.texts import languages, strings, texts

from .fake_bot_api import TOKEN, FakeBotApi

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
OGG = b"OggS\x00\x02" + b"\x00" * 200
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 200
EXE = b"MZ\x90\x00" + b"\x00" * 200


@pytest.fixture
def api():
    fake = FakeBotApi()
    yield fake
    fake.close()


@pytest.fixture
def tipline(db_url, api):
    from telegram import Bot

    bot = Bot(TOKEN, base_url=f"{api.url}/bot", base_file_url=f"{api.url}/file/bot")
    line = Tipline(bot, sessions(db_url), base="https://rw.example.org")

    def run(*coroutines):
        async def go():
            async with bot:
                return [await c() for c in coroutines]
        return asyncio.run(go())

    line.run_now = run
    return line


def _poll(tipline) -> None:
    tipline.run_now(tipline.poll_once)


def _say(api, tipline, chat_id: int, text: str | None = None, **extra) -> list[dict]:
    """One message from the person; what the bot answered to it."""
    before = len(api.sent_to(chat_id))
    api.message(chat_id, text, **extra)
    _poll(tipline)
    return api.sent_to(chat_id)[before:]


def _photo(file_id: str, size: int | None = None) -> dict:
    return {"photo": [{"file_id": file_id, "file_unique_id": file_id, "width": 10, "height": 10,
                       **({"file_size": size} if size is not None else {})}]}


def _voice(file_id: str) -> dict:
    return {"voice": {"file_id": file_id, "file_unique_id": file_id, "duration": 3, "mime_type": "audio/ogg"}}


def _document(file_id: str, name: str, mime: str, size: int | None = None) -> dict:
    return {"document": {"file_id": file_id, "file_unique_id": file_id, "file_name": name, "mime_type": mime,
                         **({"file_size": size} if size is not None else {})}}


def _to_menu(api, tipline, chat_id: int, lang: str) -> None:
    first = _say(api, tipline, chat_id, "/start")
    assert "Telegram" in first[0]["text"] and "/forget" in first[0]["text"]  # the warning comes before anything else
    assert first[1]["buttons"] == list(languages().values())
    answer = _say(api, tipline, chat_id, languages()[lang])
    assert answer[-1]["buttons"][:2] == [texts(lang)("title"), texts(lang)("menu_rights")]


@pytest.mark.parametrize("lang", ["uz", "uz-Cyrl", "ru", "tg", "ky", "en"])
def test_a_whole_appeal_in_each_language_becomes_a_case(api, tipline, db_url, lang):
    t = texts(lang)
    chat_id = 5000 + list(languages()).index(lang)
    _to_menu(api, tipline, chat_id, lang)
    assert _say(api, tipline, chat_id, t("title"))[-1]["text"] == t("story_prompt")
    asked = _say(api, tipline, chat_id, "Police took my son Bekzod in Moscow and told him to sign a contract.")
    assert asked[-1]["text"] == t("nationality_label") and t("nationality.UZ") in asked[-1]["buttons"]
    assert _say(api, tipline, chat_id, t("nationality.UZ"))[-1]["text"] == t("citizen_label")
    assert _say(api, tipline, chat_id, t("citizen.no"))[-1]["text"] == t("situation_label")
    assert _say(api, tipline, chat_id, t("situation.police_pressure_contract"))[-1]["text"] == t("name_label")
    _say(api, tipline, chat_id, t("skip"))
    assert _say(api, tipline, chat_id, "+7 900 000 00 00")[-1]["buttons"] == [t("done")]
    api.add_file(f"p{chat_id}", JPEG)
    api.add_file(f"v{chat_id}", OGG)
    got = _say(api, tipline, chat_id, **_photo(f"p{chat_id}"))
    assert got[-1]["text"] == t("file_received", count=1, max=3), got
    assert _say(api, tipline, chat_id, **_voice(f"v{chat_id}"))[-1]["text"] == t("file_received", count=2, max=3)
    assert _say(api, tipline, chat_id, t("done"))[-1]["text"] == t("consent_label")
    assert _say(api, tipline, chat_id, t("consent_yes"))[-1]["text"] == t("confirm_prompt")
    done = _say(api, tipline, chat_id, t("send"))
    assert t("done_title") in done[0]["text"] and t("answer_here") in done[0]["text"]
    code = done[0]["text"].split(f"{t('code_label')}: ")[1].split()[0]
    secret = done[0]["text"].split(f"{t('secret_label')}: ")[1].split()[0]

    with sessions(db_url)() as session:
        case = case_store.verify_secret(session, code, secret)  # the status page works with them
        assert case is not None and case.language == lang and case.status == "new"
        assert case.answers == {"nationality": "UZ", "citizen": "no", "situation": "police_pressure_contract"}
        assert case.consent_to_link and not case.anonymous
        details = case_store.details(case)
        assert details["name"] is None and details["contact"] == "+7 900 000 00 00" and "Bekzod" in details["story"]
        assert sorted(f.media_type for f in session.scalars(select(CaseFile).where(CaseFile.case_id == case.id))) == [
            "audio/ogg", "image/jpeg"]
        assert session.scalar(select(TiplineChat).where(TiplineChat.case_id == case.id)) is not None
        entry = session.scalars(select(AuditEntry).where(AuditEntry.object_type == "case")).all()[-1]
        assert entry.detail == {"via": "tipline", "files": 2}


def test_the_bot_keeps_no_user_name_phone_or_chat_id_in_clear(api, tipline, db_url):
    t = texts("en")
    chat_id = 987654321
    _to_menu(api, tipline, chat_id, "en")
    for text in (t("title"), "They beat him in the colony until he signed.", t("not_said"), t("not_said"), t("not_said"),
                 t("skip"), t("skip"), t("done"), t("consent_no"), t("send")):
        _say(api, tipline, chat_id, text)
    with sessions(db_url)() as session:
        dumped = []
        for table in Base.metadata.sorted_tables:
            dumped += [str(tuple(row)) for row in session.execute(select(table))]
    everything = "\n".join(dumped)
    assert "colony" not in everything  # the story is sealed
    for kept_nowhere in ("zarina_secret", "Zarina", "998901234567", str(chat_id)):
        assert kept_nowhere not in everything, kept_nowhere


def test_a_caseworkers_message_reaches_the_chat_and_the_answer_reaches_the_case(api, tipline, db_url):
    t = texts("ru")
    chat_id = 4242
    _to_menu(api, tipline, chat_id, "ru")
    for text in (t("title"), "Мужа задержали в Екатеринбурге.", t("nationality.TJ"), t("citizen.no"),
                 t("situation.police_pressure_contract"), t("skip"), t("skip"), t("done"), t("consent_no"), t("send")):
        _say(api, tipline, chat_id, text)
    with transaction(db_url) as session:
        case = session.scalar(select(Case))
        case_store.message_appellant(session, case, "Позвоните нам по телефону горячей линии.", actor="carol")
        code = case.code
    assert tipline.run_now(tipline.send_caseworker_messages) == [1]
    delivered = api.sent_to(chat_id)[-1]["text"]
    assert code in delivered and "горячей линии" in delivered
    assert tipline.run_now(tipline.send_caseworker_messages) == [0]  # once

    _say(api, tipline, chat_id, t("menu_message"))
    api.add_file("doc1", b"%PDF-1.4\n%fake\n")
    _say(api, tipline, chat_id, "Вот повестка.", **_document("doc1", "повестка.pdf", "application/pdf"))
    with sessions(db_url)() as session:
        case = session.scalar(select(Case))
        assert [m["text"] for m in case_store.conversation(session, case)] == [
            "Позвоните нам по телефону горячей линии.", "Вот повестка."]
        assert session.scalar(select(CaseFile).where(CaseFile.case_id == case.id)).media_type == "application/pdf"

    forgotten = _say(api, tipline, chat_id, "/forget")
    assert forgotten[0]["text"] == t("forgotten") and t("menu_message") not in forgotten[-1]["buttons"]
    with transaction(db_url) as session:
        case_store.message_appellant(session, session.scalar(select(Case)), "Ещё вопрос", actor="carol")
    assert tipline.run_now(tipline.send_caseworker_messages) == [0]  # no longer linked: nothing goes to the chat


def test_rights_and_risks_in_the_chat_cite_their_sources(api, tipline):
    from recruitwatch.legal import guidance

    chat_id = 777
    _to_menu(api, tipline, chat_id, "uz")
    questions = guidance.questions("uz")
    _say(api, tipline, chat_id, texts("uz")("menu_rights"))
    _say(api, tipline, chat_id, next(o.label for o in questions[0].options if o.value == "UZ"))
    _say(api, tipline, chat_id, next(o.label for o in questions[1].options if o.value == "no"))
    _say(api, tipline, chat_id, next(o.label for o in questions[2].options if o.value == "no"))  # no lawful stay
    answer = _say(api, tipline, chat_id, next(o.label for o in questions[3].options if o.value == "summons"))
    text = "\n".join(m["text"] for m in answer)
    page = guidance.answer_for({"nationality": "UZ", "russian_citizen": "no", "lawful_stay": "no", "situation": "summons"}, "uz")
    assert all(s.text in text for s in page.statements)
    assert all(code in text for code in page.codes)
    assert "https://rw.example.org/help/uz/sources" in text
    assert all(len(m["text"]) <= 4096 for m in answer)

    # a Russian citizen is not asked about lawful stay
    _say(api, tipline, chat_id, texts("uz")("menu_rights"))
    _say(api, tipline, chat_id, next(o.label for o in questions[0].options if o.value == "TJ"))
    asked = _say(api, tipline, chat_id, next(o.label for o in questions[1].options if o.value == "yes"))
    assert asked[-1]["text"] == questions[3].text


def test_a_flood_from_one_chat_is_throttled_with_one_warning(api, tipline):
    chat_id = 31337
    for n in range(45):
        api.message(chat_id, f"spam {n}")
    _poll(tipline)
    sent = api.sent_to(chat_id)
    warnings = [m for m in sent if m["text"] == texts("ru")("too_fast")]
    assert len(warnings) == 1
    assert len(sent) - 1 <= 2 * tipline.limits.messages_per_chat.limit  # at most two answers per message let through
    api.message(31338, "/start")  # another chat is not held up
    _poll(tipline)
    assert api.sent_to(31338)


def test_hostile_input_gets_a_clear_answer_and_loses_nothing(api, tipline, db_url):
    t = texts("en")
    chat_id = 666
    _to_menu(api, tipline, chat_id, "en")
    assert _say(api, tipline, chat_id, "/rm_rf")[0]["text"] == t("unknown_command")
    _say(api, tipline, chat_id, t("title"))
    assert _say(api, tipline, chat_id, "A" * 200_000)[0]["text"] == t("story_too_long")
    _say(api, tipline, chat_id, "He was sent to the front after signing in detention.")
    for text in (t("not_said"), t("not_said"), t("not_said"), t("skip"), t("skip")):
        _say(api, tipline, chat_id, text)
    api.add_file("exe", EXE)
    assert _say(api, tipline, chat_id, **_document("exe", "contract.pdf", "application/pdf"))[0]["text"] == t("file_mismatch")
    assert _say(api, tipline, chat_id, **_document("big", "scan.pdf", "application/pdf", size=50_000_000))[0]["text"] == \
        t("file_too_large", count=3, size=5)
    sticker = {"sticker": {"file_id": "s1", "file_unique_id": "s1", "width": 1, "height": 1, "is_animated": False,
                           "is_video": False, "type": "regular"}}
    assert _say(api, tipline, chat_id, **sticker)[0]["text"] == t("file_type", count=3, size=5)
    api.add_file("vid", MP4)
    video_note = {"video_note": {"file_id": "vid", "file_unique_id": "vid", "length": 240, "duration": 2}}
    assert _say(api, tipline, chat_id, **video_note)[0]["text"] == t("file_received", count=1, max=3)
    assert _say(api, tipline, chat_id, "what?")[0]["text"] == t("choose_option")
    for text in (t("done"), t("consent_no"), t("send")):
        _say(api, tipline, chat_id, text)
    with sessions(db_url)() as session:
        case = session.scalar(select(Case))
        assert [f.media_type for f in session.scalars(select(CaseFile))] == ["video/mp4"]
        assert "front" in case_store.details(case)["story"]
    assert "getFile" in api.calls and api.calls.count("getFile") == 2  # the oversized file was never fetched
    assert _say(api, tipline, 999, "hello", chat_type="group") == []  # groups are not a tipline


def test_every_tipline_string_has_every_language_and_the_same_placeholders():
    import re

    for key, entry in strings().items():
        assert set(entry) == {"en", "ru", "uz", "tg", "ky"}, key
        wanted = set(re.findall(r"\{(\w+)\}", entry["en"]))
        for lang, text in entry.items():
            assert set(re.findall(r"\{(\w+)\}", text)) == wanted, (key, lang)
        assert "/forget" in texts("uz-Cyrl")("safety") and "{" not in texts("uz-Cyrl")("files_prompt", count=3, size=5)


def test_the_command_answers_what_is_waiting_and_never_prints_the_token(api, db_url, tmp_path):
    from .conftest import run_cli

    api.message(1001, "/start", language="tg")
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    done = run_cli("tipline", "--once", "--api-url", api.url, "--token-file", str(token_file),
                   env={"RECRUITWATCH_DATABASE_URL": db_url})
    output = (done.stdout + done.stderr).decode()
    assert done.returncode == 0, output
    assert api.sent_to(1001)[0]["text"] == texts("tg")("safety")  # the Telegram app's language picks the first message's
    assert TOKEN.split(":")[1] not in output

    refused = run_cli("tipline", "--once", env={"RECRUITWATCH_DATABASE_URL": db_url, "RECRUITWATCH_TELEGRAM_TOKEN": "",
                                                  "RECRUITWATCH_TELEGRAM_TOKEN_FILE": ""})
    assert refused.returncode == 2 and b"no bot token" in refused.stderr
    bad = run_cli("tipline", "--once", env={"RECRUITWATCH_DATABASE_URL": db_url, "RECRUITWATCH_TELEGRAM_TOKEN": "secret-words"})
    assert bad.returncode == 2 and b"secret-words" not in bad.stderr + bad.stdout


def test_a_conversation_survives_a_restart_of_the_tipline(api, tipline, db_url):
    t = texts("ky")
    chat_id = 2024
    _to_menu(api, tipline, chat_id, "ky")
    for text in (t("title"), "Уулум түрмөдө келишимге кол койдурушту.", t("nationality.KG"), t("citizen.no"),
                 t("situation.relative_prisoner_pressed"), t("skip"), t("skip")):
        _say(api, tipline, chat_id, text)
    api.add_file("p1", JPEG)
    _say(api, tipline, chat_id, **_photo("p1"))

    restarted = Tipline(tipline.bot, sessions(db_url), base="https://rw.example.org")  # a new process: nothing in memory
    restarted.run_now, restarted.offset = tipline.run_now, tipline.offset
    assert _say(api, restarted, chat_id, t("done"))[-1]["text"] == t("consent_label")
    _say(api, restarted, chat_id, t("consent_yes"))
    assert t("done_title") in _say(api, restarted, chat_id, t("send"))[0]["text"]
    with sessions(db_url)() as session:
        case = session.scalar(select(Case))
        assert case.answers["situation"] == "relative_prisoner_pressed" and case.language == "ky"
        assert [f.media_type for f in session.scalars(select(CaseFile))] == ["image/jpeg"]
        assert session.scalars(select(TiplinePendingFile)).all() == []  # the files went with the appeal


def test_a_failure_inside_one_message_is_said_and_the_next_messages_go_on(api, tipline, monkeypatch):
    from recruitwatch.tipline import bot as bot_module

    t = texts("en")
    chat_id = 8080
    _to_menu(api, tipline, chat_id, "en")
    real = bot_module.step
    calls = {"n": 0}

    def broken_once(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("the store went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(bot_module, "step", broken_once)
    assert _say(api, tipline, chat_id, t("title"))[-1]["text"] == t("failed")
    assert _say(api, tipline, chat_id, t("title"))[-1]["text"] == t("story_prompt")  # the same again now works
