"""The Telegram side of the tipline: long polling, files, appeals into cases, caseworkers' messages out.

Built on python-telegram-bot's `Bot` (its HTTP client is httpx, which the
project already uses; aiogram would bring aiohttp and its own stack), with our
own loop rather than its `Application`: one loop polls for messages and, between
polls, sends caseworkers' messages, with no scheduler to add.

What is kept: an appeal made here is an appeal like one from the web form
(store.cases: sealed, audited, in the caseworkers' queue) plus a TiplineChat
row holding the chat id sealed, so answers can reach it. Nothing else: no phone
number, user name or display name is read into storage, conversations in
progress are kept sealed in the store, so a restart loses nothing, and are
deleted when they end or after a day untouched; no message content or chat id
is logged.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot, Message, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError

from ..cases.files import DEFAULT_MAX_FILE_BYTES, MAX_FILES, MEGABYTE, FileRefused, check_file
from ..cases.workflow import CaseError
from ..settings import base_url
from ..store import audit, cases
from ..store import tipline as links
from ..store.models import Case, CaseEvent, TiplineChat
from ..web.ratelimit import RateLimiter, Rule
from .conversation import (
    COMMANDS,
    Action,
    Attachment,
    Chat,
    Incoming,
    Reply,
    accepts_files,
    menu,
    step,
)
from .rights import answer_messages
from .texts import texts

logger = logging.getLogger(__name__)

ACTOR = "tipline"
TEXT_LIMIT = 4096  # Telegram's limit for one message
KEEP_IDLE = dt.timedelta(hours=24)  # a conversation untouched this long is forgotten, files and all
PURGE_EVERY = 600  # seconds between looks for such conversations


@dataclass(frozen=True)
class TiplineLimits:
    max_files: int = MAX_FILES
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    messages_per_chat: Rule = Rule(20, 60)  # a flood from one chat gets one warning, then silence
    appeals_per_chat: Rule = Rule(5, 600)  # as the web form per address


class Tipline:
    def __init__(self, bot: Bot, make_session: sessionmaker[Session], *, limits: TiplineLimits | None = None,
                 base: str | None = None, clock=time.monotonic) -> None:
        self.bot = bot
        self.make_session = make_session
        self.limits = limits or TiplineLimits()
        self.base = base or base_url()
        self.clock = clock
        self.purged_at = float("-inf")
        self.limiter = RateLimiter(clock=clock)
        self.warned: set[str] = set()
        self.offset: int | None = None

    # -- polling

    async def poll_once(self, timeout: float = 0) -> int:
        """Fetch and handle one batch of updates; how many there were."""
        updates = await self.bot.get_updates(offset=self.offset, timeout=timeout, allowed_updates=["message"])
        for update in updates:
            self.offset = update.update_id + 1
            try:
                await self.handle(update)
            except TelegramError as exc:  # one chat's failure never stops the others
                logger.warning("could not answer an update (%s)", type(exc).__name__)
            except Exception:  # a bug or a store failure: this message is lost, the next ones are not
                logger.exception("could not handle an update (its content is not logged)")
                await self._sorry(update)
        return len(updates)

    async def _sorry(self, update: Update) -> None:
        """Tell the person something went wrong, so they try again instead of waiting."""
        message = update.message
        if message is None or message.chat is None or message.chat.type != "private":
            return
        try:
            lang = self._load(message.chat.id).lang
        except Exception:  # noqa: BLE001 - the store itself may be what failed
            lang = "ru"
        try:
            await self._send(message.chat.id, Reply(texts(lang)("failed")))
        except Exception:  # noqa: BLE001 - nothing more to do for this update
            logger.warning("could not tell a chat of a failure")

    async def run(self, *, poll_timeout: float = 25, stop: asyncio.Event | None = None) -> None:
        stop = stop or asyncio.Event()
        async with self.bot:
            while not stop.is_set():
                try:
                    await self.poll_once(timeout=poll_timeout)
                    await self.send_caseworker_messages()
                except RetryAfter as exc:
                    await asyncio.sleep(_seconds(exc.retry_after))
                except NetworkError as exc:
                    logger.warning("Telegram could not be reached (%s); trying again", type(exc).__name__)
                    await asyncio.sleep(5)
                except Exception:  # the store down a moment, say: keep the tipline running
                    logger.exception("tipline round failed; trying again")
                    await asyncio.sleep(5)

    # -- one message

    async def handle(self, update: Update) -> None:
        message = update.message
        if message is None or message.chat is None or message.chat.type != "private":
            return  # groups and channels are not a tipline
        chat_id = message.chat.id
        chat = self._load(chat_id)
        if not await self._allowed(chat_id, chat):
            return
        incoming = await self._incoming(message, chat)
        with self.make_session() as session:
            linked = links.latest_case(session, chat_id) is not None
        kept = len(chat.files)
        replies, action = step(chat, incoming, linked=linked, max_files=self.limits.max_files,
                               max_mb=max(1, self.limits.max_file_bytes // MEGABYTE))
        self._save(chat_id, chat, kept)
        for reply in replies:
            await self._send(chat_id, reply)
        if action is not None:
            await self._act(chat_id, chat, action)

    def _load(self, chat_id: int) -> Chat:
        """The chat's conversation from the store (it survives a restart), or a new one."""
        with self.make_session() as session:
            if self.clock() - self.purged_at > PURGE_EVERY:
                links.purge_idle(session, KEEP_IDLE)
                session.commit()
                self.purged_at = self.clock()
            state, files = links.load_conversation(session, chat_id)
        if state is None:
            return Chat()
        return Chat.from_state(state, [Attachment(*f) for f in files])

    def _save(self, chat_id: int, chat: Chat, kept: int) -> None:
        """The conversation after a step: its state, and the files it gained (none kept once it is reset)."""
        with self.make_session() as session:
            if not chat.files:
                links.drop_files(session, chat_id)
            added = chat.files[kept:] if len(chat.files) > kept else []
            links.save_conversation(session, chat_id, chat.state(), [(f.name, f.media_type, f.data) for f in added])
            session.commit()

    async def _allowed(self, chat_id: int, chat: Chat) -> bool:
        key = "chat:" + self.limiter.pseudonym(str(chat_id))
        wait = self.limiter.check({key: self.limits.messages_per_chat})
        if wait is None:
            self.warned.discard(key)
            return True
        if key not in self.warned:  # one warning per flood, then silence until it is over
            self.warned.add(key)
            await self._send(chat_id, Reply(texts(chat.lang)("too_fast")))
        return False

    async def _incoming(self, message: Message, chat: Chat) -> Incoming:
        client_language = message.from_user.language_code if message.from_user else None
        text = message.text or message.caption
        if message.text and message.text.startswith("/"):
            word = message.text[1:].split()[0].split("@")[0].lower() if len(message.text) > 1 else ""
            return Incoming(command=word if word in COMMANDS else "",
                            client_language=client_language)
        found = _file_of(message)
        if found is None:
            return Incoming(text=text, client_language=client_language)
        if not accepts_files(chat):
            return Incoming(text=text, has_file=True, client_language=client_language)
        file_id, name, declared, size = found
        if file_id is None:
            return Incoming(text=text, has_file=True, refused_file="file_type", client_language=client_language)
        if size is not None and size > self.limits.max_file_bytes:
            return Incoming(text=text, has_file=True, refused_file="file_too_large", client_language=client_language)
        try:
            data = bytes(await (await self.bot.get_file(file_id)).download_as_bytearray())
        except TelegramError:
            return Incoming(text=text, has_file=True, refused_file="file_unreadable", client_language=client_language)
        try:
            media_type = check_file(name, declared, data, self.limits.max_file_bytes)
        except FileRefused as exc:
            return Incoming(text=text, has_file=True, refused_file=exc.key or "file_type", client_language=client_language)
        return Incoming(text=text, has_file=True, attachment=Attachment(name, media_type, data), client_language=client_language)

    async def _send(self, chat_id: int, reply: Reply) -> None:
        markup = (ReplyKeyboardMarkup([[b] for b in reply.buttons], one_time_keyboard=True, resize_keyboard=True)
                  if reply.buttons else ReplyKeyboardRemove())
        try:
            await self.bot.send_message(chat_id, reply.text[:TEXT_LIMIT], reply_markup=markup)
        except RetryAfter as exc:
            await asyncio.sleep(_seconds(exc.retry_after))
            await self.bot.send_message(chat_id, reply.text[:TEXT_LIMIT], reply_markup=markup)

    # -- what a conversation asks for

    async def _act(self, chat_id: int, chat: Chat, action: Action) -> None:
        if action.kind == "appeal":
            await self._appeal(chat_id, chat, action.values)
        elif action.kind == "reply":
            await self._reply(chat_id, chat, action.values)
        elif action.kind == "rights":
            for text in answer_messages(action.values["answers"], action.values["language"], self.base):
                await self._send(chat_id, Reply(text))
            await self._send(chat_id, self._menu(chat_id, chat))
        elif action.kind == "forget":
            with self.make_session() as session:
                removed = links.forget(session, chat_id)
                audit.record(session, actor=cases.PUBLIC_ACTOR, action=audit.DELETE, object_type="tipline_chat",
                             detail={"links_removed": removed})
                links.drop_conversation(session, chat_id)
                session.commit()

    def _menu(self, chat_id: int, chat: Chat) -> Reply:
        """The conversation's own menu, with "write to my caseworker" while the chat has an appeal."""
        with self.make_session() as session:
            return menu(chat, links.latest_case(session, chat_id) is not None)

    async def _appeal(self, chat_id: int, chat: Chat, values: dict) -> None:
        t = texts(chat.lang)
        key = "appeal:" + self.limiter.pseudonym(str(chat_id))
        wait = self.limiter.check({key: self.limits.appeals_per_chat})
        if wait is not None:
            await self._send(chat_id, Reply(t("too_many", minutes=max(1, round(wait / 60)))))
            return
        files: list[Attachment] = values["files"]
        with self.make_session() as session:
            try:
                created = cases.create_case(session, story=values["story"], name=values["name"], contact=values["contact"],
                                            answers=values["answers"], language=values["language"], consent=values["consent"])
                for attachment in files:
                    cases.add_file(session, created.case, attachment.name, attachment.media_type, attachment.data,
                                   max_bytes=self.limits.max_file_bytes)
                links.link(session, created.case, chat_id, values["language"])
                audit.record(session, actor=cases.PUBLIC_ACTOR, action=audit.CREATE, object_type="case",
                             object_id=created.case.id, detail={"via": "tipline", "files": len(files)})
                session.commit()
            except CaseError as exc:
                session.rollback()
                await self._send(chat_id, Reply(f"{t('not_sent')} {t(exc.key or 'bad_form', count=self.limits.max_files, size=max(1, self.limits.max_file_bytes // MEGABYTE))}"))
                await self._send(chat_id, self._menu(chat_id, chat))
                return
        await self._send(chat_id, Reply("\n".join((
            t("done_title"), "", f"{t('code_label')}: {created.code}", f"{t('secret_label')}: {created.secret}", "",
            t("write_down"), "", t("answer_here")))))
        await self._send(chat_id, self._menu(chat_id, chat))

    async def _reply(self, chat_id: int, chat: Chat, values: dict) -> None:
        t = texts(chat.lang)
        with self.make_session() as session:
            case = links.latest_case(session, chat_id)
            if case is None:
                await self._send(chat_id, Reply(t("no_case")))
                return
            try:
                cases.appellant_reply(session, case, values["text"])
                for attachment in values["files"]:
                    cases.add_file(session, case, attachment.name, attachment.media_type, attachment.data,
                                   max_bytes=self.limits.max_file_bytes)
                audit.record(session, actor=cases.PUBLIC_ACTOR, action=audit.CREATE, object_type="case", object_id=case.id,
                             detail={"action": "reply", "via": "tipline", "files": len(values["files"])})
                session.commit()
            except CaseError as exc:
                session.rollback()
                await self._send(chat_id, Reply(t(exc.key or "bad_form")))
                return
        await self._send(chat_id, Reply(t("reply_sent")))
        await self._send(chat_id, self._menu(chat_id, chat))

    # -- caseworkers' messages out

    async def send_caseworker_messages(self) -> int:
        """Send caseworkers' new messages to the chats their appeals came from; how many were sent."""
        sent = 0
        with self.make_session() as session:
            pending = [(row.id, event.id) for row, _case, event in links.unsent(session)]
        for row_id, event_id in pending:
            with self.make_session() as session:
                row, event = session.get(TiplineChat, row_id), session.get(CaseEvent, event_id)
                if row is None or event_id <= row.last_event_id:
                    continue  # forgotten (/forget) or sent since
                case = session.get(Case, row.case_id)
                text = f"{texts(row.language)('case_message', code=case.code)}\n\n{links.message_text(event)}"
                try:
                    await self.bot.send_message(links.chat_id_of(row), text[:TEXT_LIMIT])
                    result = "sent"
                except Forbidden:  # the person blocked the bot or deleted the account: no retrying
                    result = "refused by Telegram"
                except RetryAfter as exc:
                    await asyncio.sleep(_seconds(exc.retry_after))
                    break
                except NetworkError:
                    break  # the next round tries again
                links.mark_sent(row, event)
                audit.record(session, actor=ACTOR, action=audit.UPDATE, object_type="case", object_id=case.id,
                             detail={"action": "message delivered by tipline", "event": event.id, "result": result})
                session.commit()
                sent += result == "sent"
        return sent


def _seconds(retry_after) -> float:
    return retry_after.total_seconds() if hasattr(retry_after, "total_seconds") else float(retry_after)


def _file_of(message: Message) -> tuple[str | None, str, str | None, int | None] | None:
    """(file id, name, declared type, size) of the file a message carries; file id None for a kind
    never taken (stickers, animations); None when it carries no file."""
    if message.photo:
        photo = message.photo[-1]  # the largest size
        return photo.file_id, "photo.jpg", "image/jpeg", photo.file_size
    if message.document:
        d = message.document
        return d.file_id, d.file_name or "document", d.mime_type, d.file_size
    if message.voice:
        return message.voice.file_id, "voice.ogg", message.voice.mime_type or "audio/ogg", message.voice.file_size
    if message.video_note:
        return message.video_note.file_id, "video-message.mp4", "video/mp4", message.video_note.file_size
    if message.video:
        v = message.video
        return v.file_id, v.file_name or "video.mp4", v.mime_type or "video/mp4", v.file_size
    if message.audio:
        a = message.audio
        return a.file_id, a.file_name or "audio", a.mime_type, a.file_size
    if message.sticker or message.animation:
        return None, "", None, None
    return None
