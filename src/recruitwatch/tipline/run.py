"""Starting the tipline: the bot token (from a file or the environment, never echoed) and the loop."""

from __future__ import annotations

import os
import re
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot

from ..errors import UsageError
from .bot import Tipline

DEFAULT_API_URL = "https://api.telegram.org"
_TOKEN = re.compile(r"\d{3,20}:[A-Za-z0-9_-]{20,100}")


def read_token(path: Path | None = None) -> str:
    """The token from --token-file, RECRUITWATCH_TELEGRAM_TOKEN_FILE or RECRUITWATCH_TELEGRAM_TOKEN, in that order."""
    path = path or (Path(os.environ["RECRUITWATCH_TELEGRAM_TOKEN_FILE"]) if os.environ.get("RECRUITWATCH_TELEGRAM_TOKEN_FILE") else None)
    if path is not None:
        try:
            token = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise UsageError(f"cannot read the bot token file {path} ({exc.strerror})") from None
    else:
        token = (os.environ.get("RECRUITWATCH_TELEGRAM_TOKEN") or "").strip()
    if not token:
        raise UsageError("no bot token: give --token-file, or set RECRUITWATCH_TELEGRAM_TOKEN_FILE or "
                         "RECRUITWATCH_TELEGRAM_TOKEN (BotFather gives the token)")
    if not _TOKEN.fullmatch(token):
        raise UsageError("the bot token does not look like one BotFather gives (digits, a colon, letters)")
    return token


def make_bot(token: str, api_url: str | None = None) -> Bot:
    api = (api_url or os.environ.get("RECRUITWATCH_TELEGRAM_API_URL") or DEFAULT_API_URL).rstrip("/")
    return Bot(token, base_url=f"{api}/bot", base_file_url=f"{api}/file/bot")


async def run(bot: Bot, make_session: sessionmaker[Session], *, once: bool = False) -> None:
    tipline = Tipline(bot, make_session)
    if once:
        async with bot:
            await tipline.poll_once(timeout=0)
            await tipline.send_caseworker_messages()
        return
    await tipline.run()
