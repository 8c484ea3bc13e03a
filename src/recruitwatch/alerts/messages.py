"""The texts of an alert, pure: e-mail subject and body, the Atom feed, and the webhook's signed JSON.

Each takes the items already cut to what the owner may be told (items.py) and
the owner's interface language; nothing here reads the store or the network.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from ..web.i18n import translations
from .items import MAX_LISTED, Item

ATOM = "http://www.w3.org/2005/Atom"
SIGNATURE_HEADER = "X-RecruitWatch-Signature"
TIMESTAMP_HEADER = "X-RecruitWatch-Timestamp"


@dataclass(frozen=True)
class Batch:
    """One message's worth: the search it is for, when it was found, and what it says."""

    batch_id: int
    search_id: int
    search_name: str
    created_at: dt.datetime
    items: list[Item]
    search_url: str
    unsubscribe_url: str


def subject(batch: Batch, lang: str) -> str:
    ngettext = translations(lang).ngettext
    count = len(batch.items)
    return ngettext("RecruitWatch: %(count)d incident for “%(name)s”",
                      "RecruitWatch: %(count)d incidents for “%(name)s”", count) % {"count": count, "name": batch.search_name}


def _kind(kind: str, lang: str) -> str:
    _ = translations(lang).gettext
    return _("Verified") if kind == "verified" else _("New")


def body(batch: Batch, lang: str) -> str:
    """The plain text of an e-mail (and of a feed entry): each incident's kind, heading and address."""
    _ = translations(lang).gettext
    lines = [_("New or newly verified incidents match your saved search “%(name)s”.") % {"name": batch.search_name}, ""]
    for item in batch.items[:MAX_LISTED]:
        lines += [f"{_kind(item.kind, lang)}: {item.heading}", f"  {item.url}"]
    rest = len(batch.items) - MAX_LISTED
    if rest > 0:
        lines += ["", _("… and %(count)d more: %(url)s") % {"count": rest, "url": batch.search_url}]
    lines += ["", _("Alerts show what the public pages show; names and quotes are seen only after signing in."),
              _("Saved search: %(url)s") % {"url": batch.search_url},
              _("Stop these alerts: %(url)s") % {"url": batch.unsubscribe_url}]
    return "\n".join(lines) + "\n"


def email(batch: Batch, lang: str, *, sender: str, to: str) -> EmailMessage:
    """One e-mail per batch, with one-click unsubscribing (RFC 8058) that mail programs offer as a button."""
    message = EmailMessage()
    message["Subject"] = subject(batch, lang)
    message["From"] = sender
    message["To"] = to
    message["Date"] = format_datetime(batch.created_at)
    message["Message-ID"] = make_msgid("alert-batch-" + str(batch.batch_id))
    message["List-Unsubscribe"] = f"<{batch.unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body(batch, lang))
    return message


def _iso(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def atom(search_name: str, feed_url: str, search_url: str, batches: list[Batch], lang: str, updated: dt.datetime) -> bytes:
    """An Atom feed with one entry per batch, newest first (RFC 4287)."""
    ET.register_namespace("", ATOM)

    def sub(parent, tag, text=None, **attributes):
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        if text is not None:
            element.text = text
        return element

    feed = ET.Element(f"{{{ATOM}}}feed")
    sub(feed, "title", f"RecruitWatch: {search_name}")
    sub(feed, "id", search_url)
    sub(feed, "updated", _iso(updated))
    sub(feed, "link", href=feed_url, rel="self")
    sub(feed, "link", href=search_url)
    author = sub(feed, "author")
    sub(author, "name", "RecruitWatch")
    for batch in batches:
        entry = sub(feed, "entry")
        sub(entry, "title", subject(batch, lang))
        sub(entry, "id", f"{search_url}#batch-{batch.batch_id}")
        sub(entry, "updated", _iso(batch.created_at))
        sub(entry, "link", href=batch.items[0].url if len(batch.items) == 1 else search_url)
        sub(entry, "content", body(batch, lang), type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def webhook_body(batch: Batch) -> bytes:
    payload = {
        "event": "recruitwatch.alert",
        "saved_search": {"id": batch.search_id, "name": batch.search_name, "url": batch.search_url},
        "batch": {"id": batch.batch_id, "created_at": _iso(batch.created_at)},
        "incidents": [asdict(item) for item in batch.items[:MAX_LISTED]],
        "more": max(0, len(batch.items) - MAX_LISTED),
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def signature(key: str, timestamp: int, payload: bytes) -> str:
    """'sha256=' and the HMAC-SHA256 of 'timestamp.body' under the search's webhook key: the receiver
    recomputes it and refuses an old timestamp, so a captured request cannot be replayed later."""
    mac = hmac.new(key.encode("utf-8"), str(timestamp).encode("ascii") + b"." + payload, hashlib.sha256)
    return "sha256=" + mac.hexdigest()
