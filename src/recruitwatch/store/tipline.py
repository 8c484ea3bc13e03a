"""The SQL of the tipline: which case a Telegram chat's appeal became, and which caseworkers' messages
have reached it. The chat id is sealed with the key ring and found by a keyed hash of it."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..security.crypto import key_ring
from .cases import TO_APPELLANT, _open
from .models import Case, CaseEvent, TiplineChat

CHAT_CONTEXT = "tipline.chat_id"


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
