"""`recruitwatch serve`: prepare the database (and the demo on first run), make a first admin, then run uvicorn."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from ..security.accounts import create_user
from ..security.roles import ADMIN
from ..settings import database_url
from ..store import accounts
from ..store.database import sessions, upgrade


def ensure_first_admin(url: str | None, console: Console) -> None:
    """On a database without users, an admin with a one-time password, printed once."""
    with sessions(url)() as session, session.begin():
        if accounts.user_count(session):
            return
        account = create_user(session, "admin", ADMIN)
    console.print(
        "[bold]First admin account[/bold]: user [bold]admin[/bold], one-time password "
        f"[bold]{account.one_time_password}[/bold] (you will be asked to choose your own at the first sign-in; "
        "`recruitwatch users reset-password admin` makes a new one)"
    )


def serve(host: str, port: int, *, url: str | None = None, demo: bool = False, secure_cookies: bool = False,
          workers: int = 1) -> None:
    import os

    import uvicorn

    from .app import create_app

    console = Console()
    if demo:
        from ..demo import run_demo

        run_demo(Path("out/incidents.jsonl"), url, show=False)
    else:
        upgrade(url)
    ensure_first_admin(url, console)
    console.print(f"RecruitWatch is serving on [bold]http://{host}:{port}[/bold]"
                  + (f" with {workers} worker processes" if workers > 1 else "") + " (Ctrl+C stops it)")
    # No access log: it would write every visitor's address, and people who appeal must leave none.
    options = {"host": host, "port": port, "log_level": "warning", "access_log": False, "proxy_headers": False}
    if workers <= 1:
        uvicorn.run(create_app(url, secure_cookies=secure_cookies), **options)
        return
    # Each worker process builds its own app from the settings (uvicorn re-imports it by name).
    os.environ["RECRUITWATCH_DATABASE_URL"] = url or database_url()
    os.environ["RECRUITWATCH_SECURE_COOKIES"] = "1" if secure_cookies else ""
    uvicorn.run("recruitwatch.web.app:app_from_environment", factory=True, workers=workers, **options)
