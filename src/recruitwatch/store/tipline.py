"""The SQL of the tipline: which case a Telegram chat's appeal became, and which caseworkers' messages
have reached it. The chat id is sealed with the key ring and found by a keyed hash of it."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..security.crypto import key_ring
from .cases import TO_APPELLANT, _open
from .models import Case, CaseEvent, TiplineChat, TiplineConversation, TiplinePendingFile, utcnow

CHAT_CONTEXT = "tipline.chat_id"
STATE_CONTEXT = "tipline.conversation"
FILE_NAME_CONTEXT = "tipline.file_name"
FILE_CONTEXT = "tipline.file_content"


def chat_key(chat_id: int) -> str:
    return key_ring().blind_index(str(chat_id), CHAT_CONTEXT)


def link(session: Session, case: Case, chat_id: int, language: str) -> TiplineChat:
    row = TiplineChat(case_id=case.id, chat_enc=key_ring().encrypt(str(chat_id), CHAT_CONTEXT), chat_key=chat_key(chat_id),
                      language=language[:8], last_event_id=0)
    session.add(row)
    session.flush()
    return row


def latest_case(session: Session, chat_id: int) -> Case | None:
    """The chat's most recent appeal, if the chat is still linked to one."""
    row = session.scalar(select(TiplineChat).where(TiplineChat.chat_key == chat_key(chat_id)).order_by(TiplineChat.id.desc()).limit(1))
    return session.get(Case, row.case_id) if row is not None else None


def has_chat(session: Session, case: Case) -> bool:
    """Whether a caseworker's message to this case also goes to a Telegram chat."""
    return session.scalar(select(TiplineChat.id).where(TiplineChat.case_id == case.id)) is not None


def forget(session: Session, chat_id: int) -> int:
    """Unlink the chat from every appeal (the appeals stay); how many links were removed."""
    result = session.execute(delete(TiplineChat).where(TiplineChat.chat_key == chat_key(chat_id)))
    return result.rowcount or 0


def unsent(session: Session, limit: int = 100) -> list[tuple[TiplineChat, Case, CaseEvent]]:
    """Caseworkers' messages to appellants not yet sent to their chats, oldest first."""
    query = (select(TiplineChat, Case, CaseEvent)
             .join(Case, TiplineChat.case_id == Case.id)
             .join(CaseEvent, CaseEvent.case_id == Case.id)
             .where(CaseEvent.kind == TO_APPELLANT, CaseEvent.id > TiplineChat.last_event_id)
             .order_by(CaseEvent.id).limit(limit))
    return [tuple(row) for row in session.execute(query)]


def chat_id_of(row: TiplineChat) -> int:
    return int(key_ring().decrypt_text(row.chat_enc, CHAT_CONTEXT))


def message_text(event: CaseEvent) -> str:
    return _open(event.text_enc, "event") or ""


def mark_sent(row: TiplineChat, event: CaseEvent) -> None:
    row.last_event_id = max(row.last_event_id, event.id)


# -- conversations in progress


def load_conversation(session: Session, chat_id: int) -> tuple[dict | None, list[tuple[str, str, bytes]]]:
    """The sealed state of the chat's conversation, if one is in progress, and its files (name, type, bytes)."""
    key = chat_key(chat_id)
    row = session.get(TiplineConversation, key)
    if row is None:
        return None, []
    ring = key_ring()
    files = [(ring.decrypt_text(f.name_enc, FILE_NAME_CONTEXT), f.media_type, ring.decrypt(f.content_enc.decode("ascii"), FILE_CONTEXT))
             for f in session.scalars(select(TiplinePendingFile).where(TiplinePendingFile.chat_key == key).order_by(TiplinePendingFile.id))]
    return json.loads(ring.decrypt_text(row.state_enc, STATE_CONTEXT)), files


def save_conversation(session: Session, chat_id: int, state: dict, new_files: list[tuple[str, str, bytes]] = ()) -> None:
    key = chat_key(chat_id)
    ring = key_ring()
    sealed = ring.encrypt(json.dumps(state, ensure_ascii=False), STATE_CONTEXT)
    row = session.get(TiplineConversation, key)
    if row is None:
        session.add(TiplineConversation(chat_key=key, state_enc=sealed, updated_at=utcnow()))
    else:
        row.state_enc, row.updated_at = sealed, utcnow()
    session.add_all(TiplinePendingFile(chat_key=key, name_enc=ring.encrypt(name, FILE_NAME_CONTEXT), media_type=media_type,
                                       content_enc=ring.encrypt(data, FILE_CONTEXT).encode("ascii"))
                    for name, media_type, data in new_files)


def drop_files(session: Session, chat_id: int) -> None:
    session.execute(delete(TiplinePendingFile).where(TiplinePendingFile.chat_key == chat_key(chat_id)))


def drop_conversation(session: Session, chat_id: int) -> None:
    key = chat_key(chat_id)
    session.execute(delete(TiplinePendingFile).where(TiplinePendingFile.chat_key == key))
    session.execute(delete(TiplineConversation).where(TiplineConversation.chat_key == key))


def purge_idle(session: Session, idle: dt.timedelta) -> int:
    """Forget conversations untouched for `idle`, with their files; how many."""
    before = utcnow() - idle
    keys = select(TiplineConversation.chat_key).where(TiplineConversation.updated_at < before)
    session.execute(delete(TiplinePendingFile).where(TiplinePendingFile.chat_key.in_(keys)))
    return session.execute(delete(TiplineConversation).where(TiplineConversation.updated_at < before)).rowcount or 0
