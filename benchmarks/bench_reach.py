"""Reach: how fast the tipline answers, and how soon an alert goes out, on this machine.

- Tipline: a whole appeal in each of the six languages (with a photo and a voice
  message), against the fake Bot API server of the tests on 127.0.0.1; each
  message's time is one `poll_once` (fetch the update, handle it, store the
  conversation, send the answers). Target: under 1 s each.
- Alerts: the sender's loop (`alerts.runner.run`, 1 s between rounds) and a
  webhook receiver on 127.0.0.1; the time from committing a matching incident
  to the signed request arriving. Target: within one polling interval. Then
  1,000 matching incidents in one go: how many requests they make (target: 1).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_bot_api import TOKEN, FakeBotApi  # noqa: E402
from tests.store_helpers import new_incident  # noqa: E402
from tests.webhook_receiver import Receiver  # noqa: E402

from recruitwatch.alerts import runner  # noqa: E402
from recruitwatch.security.accounts import create_user  # noqa: E402
from recruitwatch.store import queries  # noqa: E402
from recruitwatch.store import saved_searches as saved  # noqa: E402
from recruitwatch.store.database import sessions, transaction, upgrade  # noqa: E402
from recruitwatch.store.models import utcnow  # noqa: E402
from recruitwatch.tipline.bot import Tipline  # noqa: E402
from recruitwatch.tipline.texts import languages, texts  # noqa: E402

INTERVAL = 1.0
FLOOD = 1_000


def _conversation(lang: str) -> list[dict]:
    t = texts(lang)
    said = [{"text": "/start"}, {"text": languages()[lang]}, {"text": t("title")},
            {"text": "They took my brother's passport and told him to sign a contract."},
            {"text": t("nationality.UZ")}, {"text": t("citizen.no")}, {"text": t("situation.police_pressure_contract")},
            {"text": t("skip")}, {"text": t("skip")},
            {"photo": [{"file_id": "photo", "file_unique_id": "photo", "width": 10, "height": 10}]},
            {"voice": {"file_id": "voice", "file_unique_id": "voice", "duration": 2, "mime_type": "audio/ogg"}},
            {"text": t("done")}, {"text": t("consent_yes")}, {"text": t("send")}]
    return said


def tipline_latency(url: str) -> dict:
    from telegram import Bot

    api = FakeBotApi()
    api.add_file("photo", b"\xff\xd8\xff\xe0" + b"\x00" * 50_000)
    api.add_file("voice", b"OggS\x00\x02" + b"\x00" * 50_000)
    bot = Bot(TOKEN, base_url=f"{api.url}/bot", base_file_url=f"{api.url}/file/bot")
    line = Tipline(bot, sessions(url))
    times = []

    async def go():
        async with bot:
            for n, lang in enumerate(languages()):
                for message in _conversation(lang):
                    api.message(10_000 + n, **message)
                    start = time.perf_counter()
                    await line.poll_once()
                    times.append(time.perf_counter() - start)

    asyncio.run(go())
    api.close()
    times.sort()
    return {"tipline_messages": len(times), "tipline_ms_p50": round(1000 * statistics.median(times), 1),
            "tipline_ms_p95": round(1000 * times[int(0.95 * (len(times) - 1))], 1), "tipline_ms_max": round(1000 * times[-1], 1)}


def _incidents(url: str, first: int, count: int) -> None:
    with transaction(url) as session:
        for n in range(first, first + count):
            new_incident(session, n, victim_nationalities=["UZ"], victim_status="migrant_worker", location_country="RU",
                         location_regions=["RU-MOW"], methods=["raid_detention"], outcomes=["signed_contract"], date="2025-03-01")


def alert_latency(url: str) -> dict:
    receiver = Receiver(default=204)
    with transaction(url) as session:
        user = create_user(session, "watcher", "analyst", password="correct horse battery").user
        search = saved.create(session, user, "UZ", {"nationality": ["UZ"]})
        saved.set_channels(search, email=None, webhook_url=receiver.url)
        session.flush()
        from recruitwatch.alerts.items import query_of
        saved.start_watching(session, search, queries.matching_states(session, query_of(search)), utcnow())
    stop = threading.Event()
    thread = threading.Thread(target=runner.run, args=(sessions(url),), daemon=True,
                              kwargs={"interval": INTERVAL, "once": False, "allow_private": True,
                                      "sleep": lambda s: stop.wait(s)})
    thread.start()
    _incidents(url, 1, 1)  # a running sender: its first alert (imports, connections, labels) is behind it
    assert receiver.wait(1, 10 * INTERVAL)
    delays = []
    for n in range(1, 8):
        time.sleep(0.15 * n)  # at different points of the interval
        start = time.monotonic()
        _incidents(url, 1 + n, 1)
        assert receiver.wait(n + 1, 10 * INTERVAL)
        delays.append(receiver.times[n] - start)
    before = len(receiver.requests)
    _incidents(url, 100, FLOOD)
    receiver.wait(before + 1, 30 * INTERVAL)
    time.sleep(3 * INTERVAL)  # any further message would have come by now
    stop.set()
    thread.join(10)
    flood = [json.loads(body) for _headers, body in receiver.requests[before:]]
    told = sum(len(payload["incidents"]) + payload["more"] for payload in flood)
    receiver.close()
    return {"alert_interval_s": INTERVAL, "alert_delay_s_max": round(max(delays), 2),
            "alert_delay_s_median": round(statistics.median(delays), 2),
            "alert_flood_incidents": FLOOD, "alert_flood_messages": len(flood), "alert_flood_incidents_told": told}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        import os

        os.environ.setdefault("RECRUITWATCH_KEY_FILE", str(Path(folder) / "key"))
        url = f"sqlite:///{folder}/reach.db"
        upgrade(url)
        figures = tipline_latency(url)
        figures.update(alert_latency(url))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
