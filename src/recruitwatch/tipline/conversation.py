"""One chat's conversation as a pure step function: what the person sent in, what the bot says back,
and what should happen (an appeal made, a reply to a caseworker, the chat forgotten).

The questions are the appeal form's (cases.anonymise.QUESTIONS) and the help
pages' (legal.guidance), asked one at a time with buttons; the bot layer
does the I/O (Telegram, files, the store) and keeps each chat's `Chat` in
memory only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..cases.anonymise import QUESTIONS
from ..cases.files import MAX_FILES
from ..legal import guidance
from ..store.cases import MAX_MESSAGE, MAX_SHORT, MAX_STORY
from .texts import languages, texts

APPEAL_QUESTIONS = tuple(QUESTIONS)  # nationality, citizen, situation
GUESSES = {"uz": "uz", "ru": "ru", "tg": "tg", "ky": "ky", "en": "en", "kk": "ru", "be": "ru", "uk": "ru"}
FALLBACK_LANGUAGE = "ru"
COMMANDS = ("start", "language", "cancel", "forget")


@dataclass(frozen=True)
class Attachment:
    """A file already received and checked by the bot layer (type by its first bytes, size)."""

    name: str
    media_type: str
    data: bytes


@dataclass(frozen=True)
class Incoming:
    text: str | None = None  # a message's text or a file's caption
    command: str | None = None  # "start" for /start; "" for an unknown one
    attachment: Attachment | None = None
    refused_file: str | None = None  # the appeal strings' key saying why a file was not taken
    has_file: bool = False  # a file came (received or refused)
    client_language: str | None = None  # the Telegram app's language, only to pick the first message's


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[str, ...] = ()  # a one-time keyboard; () removes any


@dataclass(frozen=True)
class Action:
    """What the bot layer must do after replying: make the appeal, pass a message to the caseworker,
    show a help answer, or forget the chat's links."""

    kind: str  # appeal | reply | rights | forget
    values: dict = field(default_factory=dict)


@dataclass
class Chat:
    step: str = "new"
    lang: str = FALLBACK_LANGUAGE
    story: str = ""
    name: str | None = None
    contact: str | None = None
    answers: dict[str, str] = field(default_factory=dict)
    rights: dict[str, str] = field(default_factory=dict)
    files: list[Attachment] = field(default_factory=list)
    consent: bool = False

    def reset(self) -> None:
        lang = self.lang
        self.__init__()
        self.lang = lang

    def state(self) -> dict:
        """Everything but the files, for the store (files are kept apart, each once)."""
        return {"step": self.step, "lang": self.lang, "story": self.story, "name": self.name, "contact": self.contact,
                "answers": self.answers, "rights": self.rights, "consent": self.consent}

    @classmethod
    def from_state(cls, state: dict, files: list[Attachment]) -> Chat:
        chat = cls(**{k: state[k] for k in ("step", "lang", "story", "name", "contact", "answers", "rights", "consent")
                      if k in state})
        chat.files = list(files)
        if chat.lang not in languages() or chat.step.split(":")[0] not in (*_STEPS, "new"):
            return cls()  # a state from another version of the tipline: begin again
        return chat


def step(chat: Chat, message: Incoming, *, linked: bool, max_files: int = MAX_FILES, max_mb: int = 5) -> tuple[list[Reply], Action | None]:
    """Advance the chat by one incoming message. `linked`: the chat has an appeal to write to."""
    if chat.step == "new":
        chat.lang = GUESSES.get((message.client_language or "").split("-")[0].lower(), FALLBACK_LANGUAGE)
        chat.step = "language"
        return [Reply(texts(chat.lang)("safety")), _language_menu(chat)], None
    t = texts(chat.lang)
    if message.command is not None:
        return _command(chat, message.command, linked)
    if message.has_file and not accepts_files(chat):
        return [Reply(t("files_not_now")), *_prompt(chat, linked, max_files, max_mb)], None
    if message.refused_file:
        return [Reply(t(message.refused_file, count=max_files, size=max_mb)), *_prompt(chat, linked, max_files, max_mb)], None
    handler = _STEPS.get(chat.step.split(":")[0])
    return handler(chat, message, linked, max_files, max_mb)


def accepts_files(chat: Chat) -> bool:
    """Whether the current step takes a file (the bot downloads one only then)."""
    return chat.step.split(":")[0] in ("story", "files", "reply")


# -- commands and menus


def _command(chat: Chat, command: str, linked: bool) -> tuple[list[Reply], Action | None]:
    t = texts(chat.lang)
    if command == "start":
        chat.reset()
        chat.step = "language"
        return [Reply(t("safety")), _language_menu(chat)], None
    if command == "language":
        chat.step = "language"
        return [_language_menu(chat)], None
    if command == "cancel":
        chat.reset()
        chat.step = "menu"
        return [Reply(t("cancelled")), menu(chat, linked)], None
    if command == "forget":
        chat.reset()
        chat.step = "menu"
        return [Reply(t("forgotten")), menu(chat, False)], Action("forget")
    return [Reply(t("unknown_command")), *_prompt(chat, linked)], None


def _language_menu(chat: Chat) -> Reply:
    return Reply(texts(chat.lang)("choose_language"), tuple(languages().values()))


def _menu_options(chat: Chat, linked: bool) -> dict[str, str]:
    t = texts(chat.lang)
    options = {"appeal": t("title"), "rights": t("menu_rights")}
    if linked:
        options["message"] = t("menu_message")
    return options


def menu(chat: Chat, linked: bool) -> Reply:
    return Reply(texts(chat.lang)("menu_prompt"), tuple(_menu_options(chat, linked).values()))


def _chosen(text: str | None, options: dict[str, str]) -> str | None:
    """The option whose button label (or value) was sent back."""
    typed = " ".join((text or "").split()).casefold()
    for value, label in options.items():
        if typed in (label.casefold(), value.casefold()):
            return value
    return None


def _prompt(chat: Chat, linked: bool, max_files: int = MAX_FILES, max_mb: int = 5) -> list[Reply]:
    """What the current step asks, again (after a command it did not expect, or a refused file)."""
    t = texts(chat.lang)
    kind, _, question = chat.step.partition(":")
    if kind == "language":
        return [_language_menu(chat)]
    if kind == "story":
        return [Reply(t("story_prompt"))]
    if kind == "ask":
        return [_appeal_question(chat, question)]
    if kind == "name":
        return [Reply(t("name_label"), (t("skip"),))]
    if kind == "contact":
        return [Reply(f"{t('contact_label')}\n{t('contact_hint')}", (t("skip"),))]
    if kind == "files":
        return [Reply(t("files_prompt", count=max_files, size=max_mb), (t("done"),))]
    if kind == "consent":
        return [Reply(t("consent_label"), (t("consent_yes"), t("consent_no")))]
    if kind == "confirm":
        return [Reply(t("confirm_prompt"), (t("send"), t("cancel")))]
    if kind == "rights":
        return [_rights_question(chat, question)]
    if kind == "reply":
        return [Reply(t("reply_prompt"), (t("cancel"),))]
    return [menu(chat, linked)]


# -- steps


def _on_language(chat, message, linked, max_files, max_mb):
    code = _chosen(message.text, languages())
    if code is None:
        return [Reply(texts(chat.lang)("choose_option")), _language_menu(chat)], None
    before, chat.lang = chat.lang, code
    chat.step = "menu"
    replies = [] if code == before else [Reply(texts(code)("safety"))]
    return [*replies, menu(chat, linked)], None


def _on_menu(chat, message, linked, max_files, max_mb):
    t = texts(chat.lang)
    choice = _chosen(message.text, _menu_options(chat, linked))
    if choice == "appeal":
        chat.reset()
        chat.step = "story"
    elif choice == "rights":
        chat.rights = {}
        chat.step = "rights:" + guidance.questions(chat.lang)[0].id
    elif choice == "message":
        chat.step = "reply"
    else:
        return [Reply(t("choose_option")), menu(chat, linked)], None
    return _prompt(chat, linked, max_files, max_mb), None


def _on_story(chat, message, linked, max_files, max_mb):
    t = texts(chat.lang)
    text = (message.text or "").strip()
    if message.attachment is not None:
        chat.files.append(message.attachment)
    if not text and not chat.files:
        return [Reply(t("story_required")), *_prompt(chat, linked)], None
    if len(text) > MAX_STORY:
        return [Reply(t("story_too_long")), *_prompt(chat, linked)], None
    chat.story = text or t("story_in_files")
    chat.step = "ask:" + APPEAL_QUESTIONS[0]
    return _prompt(chat, linked), None


def _appeal_options(chat: Chat, question: str) -> dict[str, str]:
    t = texts(chat.lang)
    return {**{value: t(f"{question}.{value}") for value in QUESTIONS[question]}, "": t("not_said")}


def _appeal_question(chat: Chat, question: str) -> Reply:
    return Reply(texts(chat.lang)(f"{question}_label"), tuple(_appeal_options(chat, question).values()))


def _on_ask(chat, message, linked, max_files, max_mb):
    question = chat.step.split(":", 1)[1]
    value = _chosen(message.text, _appeal_options(chat, question))
    if value is None:
        return [Reply(texts(chat.lang)("choose_option")), *_prompt(chat, linked)], None
    if value:
        chat.answers[question] = value
    position = APPEAL_QUESTIONS.index(question)
    chat.step = "ask:" + APPEAL_QUESTIONS[position + 1] if position + 1 < len(APPEAL_QUESTIONS) else "name"
    return _prompt(chat, linked), None


def _skipped(chat: Chat, text: str | None) -> bool:
    return _chosen(text, {"skip": texts(chat.lang)("skip")}) == "skip"


def _on_name(chat, message, linked, max_files, max_mb):
    text = (message.text or "").strip()
    if len(text) > MAX_SHORT:
        return [Reply(texts(chat.lang)("name_too_long")), *_prompt(chat, linked)], None
    chat.name = None if _skipped(chat, text) or not text else text
    chat.step = "contact"
    return _prompt(chat, linked), None


def _on_contact(chat, message, linked, max_files, max_mb):
    text = (message.text or "").strip()
    if len(text) > MAX_SHORT:
        return [Reply(texts(chat.lang)("contact_too_long")), *_prompt(chat, linked)], None
    chat.contact = None if _skipped(chat, text) or not text else text
    chat.step = "files"
    return _prompt(chat, linked, max_files, max_mb), None


def _on_files(chat, message, linked, max_files, max_mb):
    t = texts(chat.lang)
    if message.attachment is not None:
        if len(chat.files) >= max_files:
            return [Reply(t("too_many_files", max=max_files), (t("done"),))], None
        chat.files.append(message.attachment)
        return [Reply(t("file_received", count=len(chat.files), max=max_files), (t("done"),))], None
    if _chosen(message.text, {"done": t("done"), "skip": t("skip")}) is None:
        return [Reply(t("choose_option")), *_prompt(chat, linked, max_files, max_mb)], None
    chat.step = "consent"
    return _prompt(chat, linked), None


def _on_consent(chat, message, linked, max_files, max_mb):
    t = texts(chat.lang)
    choice = _chosen(message.text, {"yes": t("consent_yes"), "no": t("consent_no")})
    if choice is None:
        return [Reply(t("choose_option")), *_prompt(chat, linked)], None
    chat.consent = choice == "yes"
    chat.step = "confirm"
    return _prompt(chat, linked), None


def _on_confirm(chat, message, linked, max_files, max_mb):
    t = texts(chat.lang)
    choice = _chosen(message.text, {"send": t("send"), "cancel": t("cancel")})
    if choice is None:
        return [Reply(t("choose_option")), *_prompt(chat, linked)], None
    if choice == "cancel":
        chat.reset()
        chat.step = "menu"
        return [Reply(t("cancelled")), menu(chat, linked)], None
    action = Action("appeal", {"story": chat.story, "name": chat.name, "contact": chat.contact, "answers": dict(chat.answers),
                               "consent": chat.consent, "files": list(chat.files), "language": chat.lang})
    chat.reset()
    chat.step = "menu"
    return [], action  # the bot answers with the case code, or says why the appeal was refused


def _rights_options(chat: Chat, question_id: str) -> dict[str, str]:
    question = next(q for q in guidance.questions(chat.lang) if q.id == question_id)
    return {o.value: o.label for o in question.options}


def _rights_question(chat: Chat, question_id: str) -> Reply:
    question = next(q for q in guidance.questions(chat.lang) if q.id == question_id)
    return Reply(question.text, tuple(o.label for o in question.options))


def _on_rights(chat, message, linked, max_files, max_mb):
    question_id = chat.step.split(":", 1)[1]
    value = _chosen(message.text, _rights_options(chat, question_id))
    if value is None:
        return [Reply(texts(chat.lang)("choose_option")), *_prompt(chat, linked)], None
    chat.rights[question_id] = value
    questions = guidance.questions(chat.lang)
    later = [q for q in questions[[q.id for q in questions].index(question_id) + 1:] if not q.skipped(chat.rights)]
    if later:  # a question the answers so far make moot (lawful stay, for a citizen) is not asked
        chat.step = "rights:" + later[0].id
        return _prompt(chat, linked), None
    answers, chat.rights = dict(chat.rights), {}
    chat.step = "menu"
    return [], Action("rights", {"answers": answers, "language": chat.lang})


def _on_reply(chat, message, linked, max_files, max_mb):
    t = texts(chat.lang)
    if _chosen(message.text, {"cancel": t("cancel")}) == "cancel":
        chat.step = "menu"
        return [Reply(t("cancelled")), menu(chat, linked)], None
    text = (message.text or "").strip()
    files = [message.attachment] if message.attachment is not None else []
    if not text and not files:
        return [Reply(t("message_required")), *_prompt(chat, linked)], None
    if len(text) > MAX_MESSAGE:
        return [Reply(t("message_too_long")), *_prompt(chat, linked)], None
    chat.step = "menu"
    return [], Action("reply", {"text": text or t("story_in_files"), "files": files})


_STEPS = {
    "language": _on_language, "menu": _on_menu, "story": _on_story, "ask": _on_ask, "name": _on_name,
    "contact": _on_contact, "files": _on_files, "consent": _on_consent, "confirm": _on_confirm,
    "rights": _on_rights, "reply": _on_reply,
}
