"""Reading and writing the domain objects. Only this package speaks SQL."""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterable

from sqlalchemy import delete, exists, func, or_, select, text, update
from sqlalchemy.orm import Session

from ..link.identity import aged_keys, native_keys, pair_keys, parse_aged, parse_native
from ..link.names import fold_name
from ..security.crypto import key_ring
from ..text.namekeys import parse_name
from ..text.search_keys import index_text
from .models import (
    CANDIDATE_CONTEXT,
    NAMES_CONTEXT,
    CandidateVictim,
    Document,
    DocumentOrganisation,
    Incident,
    IncidentChange,
    IncidentValue,
    Mention,
    Organisation,
    PossibleDuplicate,
    Report,
    Source,
    mention_said,
    utcnow,
)

LIST_FIELDS = ("victim_nationalities", "victim_names", "location_regions", "perpetrators", "methods", "outcomes")
SCALAR_FIELDS = ("victim_status", "victim_count", "location_country", "date")


def source(session: Session, kind: str, locator: str, *, name: str | None = None, watched: bool = False) -> Source:
    """The Source row for (kind, locator), created on first use."""
    found = session.scalar(select(Source).where(Source.kind == kind, Source.locator == locator))
    if found is None:
        found = Source(kind=kind, locator=locator, name=name, watched=watched)
        session.add(found)
        session.flush()
    elif watched and not found.watched:
        found.watched = True
    return found


def watched_sources(session: Session) -> list[Source]:
    return list(session.scalars(select(Source).where(Source.watched.is_(True)).order_by(Source.id)))


def known_hashes(session: Session, hashes: Iterable[str]) -> set[str]:
    hashes = list(hashes)
    found: set[str] = set()
    for i in range(0, len(hashes), 500):
        found.update(session.scalars(select(Document.sha256).where(Document.sha256.in_(hashes[i : i + 500]))))
    return found


def compress(raw: bytes) -> bytes:
    return zlib.compress(raw, 6)


def raw_bytes(document: Document) -> bytes:
    """The bytes exactly as received: their SHA-256 is the document's identity."""
    return zlib.decompress(document.raw)


def add_organisations(session: Session, document: Document, names: Iterable[str]) -> None:
    for name in sorted(set(names)):
        org = session.scalar(select(Organisation).where(Organisation.name == name))
        if org is None:
            org = Organisation(name=name)
            session.add(org)
            session.flush()
        session.add(DocumentOrganisation(document_id=document.id, organisation_id=org.id))


def add_report(session: Session, document: Document, record: dict, version: str) -> Report:
    """The document's new current report; incidents analysts entered by hand from the document move to it."""
    earlier = list(session.scalars(select(Report).where(Report.document_id == document.id, Report.current.is_(True))))
    for old in earlier:
        old.current = False
    report = Report(
        document_id=document.id,
        extractor_version=version,
        relevant=bool(record["relevant"]),
        relevance_score=float(record["relevance_score"]),
        record=record,
    )
    session.add(report)
    session.flush()
    if earlier:
        session.execute(update(Mention).where(Mention.report_id.in_([r.id for r in earlier]), Mention.entered.is_not(None))
                        .values(report_id=report.id))
    return report


def replace_report(session: Session, report: Report, record: dict) -> Report:
    """The same extractor version run again: new record, its old incident links dropped (to be linked anew)."""
    session.execute(delete(Mention).where(Mention.report_id == report.id, Mention.entered.is_(None)))  # analysts' entries stay
    session.execute(delete(CandidateVictim).where(CandidateVictim.report_id == report.id))
    report.record = record
    report.relevant = bool(record["relevant"])
    report.relevance_score = float(record["relevance_score"])
    session.flush()
    return report


def create_incident(session: Session, fields: dict, search_text: str, *, actor: str = "machine") -> Incident:
    incident = Incident(fields=fields, search_text=search_text)
    _denormalise(incident)
    session.add(incident)
    session.flush()
    _set_values(session, incident)
    session.add(IncidentChange(incident_id=incident.id, actor=actor, action="created", detail={"fields": without_names(fields)}))
    return incident


def update_incident(session: Session, incident: Incident, fields: dict, search_text: str, *, actor: str, action: str, detail: dict) -> None:
    """New field values (reviewed fields keep the analyst's value) with a history entry."""
    kept = {f: incident.fields.get(f) for f in incident.reviewed_fields or ()}
    merged = {**fields, **kept}
    if merged == incident.fields and search_text == incident.search_text:
        return
    before = incident.fields
    incident.fields = merged
    incident.search_text = search_text
    incident.updated_at = utcnow()
    _denormalise(incident)
    _set_values(session, incident)
    changed = {f: {"before": before.get(f), "after": merged.get(f)} for f in merged if before.get(f) != merged.get(f)}
    session.add(IncidentChange(incident_id=incident.id, actor=actor, action=action, detail={**detail, "changed": without_names(changed)}))


def refresh_incident(session: Session, incident: Incident, fields: dict, *, actor: str, action: str, detail: dict) -> dict:
    """Set exactly these fields (an analyst's decision: reviewed fields are not protected here),
    keeping the search text, the filter columns and the facet values in step; always writes history.

    Returns what changed: {field: {"before", "after"}}.
    """
    before = incident.fields or {}
    changed = {f: {"before": before.get(f), "after": fields.get(f)} for f in fields if before.get(f) != fields.get(f)}
    incident.fields = dict(fields)
    incident.search_text = incident_search_text(fields)
    _denormalise(incident)
    _set_values(session, incident)
    record_change(session, incident, actor=actor, action=action, detail={**detail, "changed": without_names(changed)})
    return changed


def record_change(session: Session, incident: Incident, *, actor: str, action: str, detail: dict) -> IncidentChange:
    """One history entry; also marks the incident as changed, so `updated` sorting and mirrors see it."""
    incident.updated_at = utcnow()
    change = IncidentChange(incident_id=incident.id, actor=actor, action=action, detail=detail)
    session.add(change)
    return change


UNSEARCHED_FIELDS = ("victim_names", "date")


def incident_search_text(fields: dict) -> str:
    """Every field value but the victims' names and the date.

    The public searches this text (and staff the documents' texts too), so it holds only
    what the public may read: names are encrypted at rest and found through `name_keys`
    (the `name` filter) or the documents; a day in here would answer a search for "14"
    though the public sees the month only (dates are filtered by `date_from`/`date_to`).
    Built alike for machine links and analysts' edits, so search finds both the same way.
    """
    words = []
    for field, value in fields.items():
        if field in UNSEARCHED_FIELDS:
            continue
        for v in value if isinstance(value, list) else [value]:
            if v not in (None, "", "unknown"):
                words.append(str(v))
    return index_text(" ".join(words), None, keyed=False)


def name_keys(name: str) -> set[str]:
    """Blind-index keys of a name: the whole name and each part, folded across scripts (Юсуф = Yusuf)."""
    folded = fold_name(name)
    parts = {folded, *folded.split()} - {""}
    ring = key_ring()
    return {ring.blind_index(part, NAMES_CONTEXT) for part in parts}


def name_query_key(name: str) -> str:
    """The key a name filter looks for: a whole name finds that name, one word finds any name with it."""
    return key_ring().blind_index(fold_name(name), NAMES_CONTEXT)


def without_names(detail: dict) -> dict:
    """A history detail with victims' names replaced by how many there were: history is not encrypted."""
    out = {}
    for key, value in detail.items():
        if key == "victim_names" and isinstance(value, list):
            out[key] = len(value)
        elif key == "victim_names" and isinstance(value, dict):  # {"before": [...], "after": [...]}
            out[key] = {k: len(v) if isinstance(v, list) else v for k, v in value.items()}
        elif isinstance(value, dict):
            out[key] = without_names(value)
        else:
            out[key] = value
    return out


PAIR_CONTEXT = "victim_name.pair"  # blind-index keys of pairs of name-word skeletons (candidates and incidents)


def pair_index_keys(names: Iterable[str], *, initials: bool = True) -> set[str]:
    """Blind-index keys of every pair of word skeletons of the names, and (`initials`) of each word
    with another's initial (link/identity.pair_keys)."""
    ring = key_ring()
    return {ring.blind_index(k, PAIR_CONTEXT) for name in names for k in pair_keys(name, initials=initials)}


def add_candidate_victims(session: Session, report: Report, names: Iterable[str], *, main: bool) -> int:
    """Keep the names a report that gave no incident may be about, each sealed under its blocking keys
    (`main`: the report's main victim, not pairs of words); how many names had two words to key them by."""
    ring = key_ring()
    kept = 0
    for name in dict.fromkeys(names):
        aged, native = parse_aged(name), parse_native(name)
        if aged is not None:  # a caseless given name with its age: keyed by both
            keys = {ring.blind_index(k, PAIR_CONTEXT) for k in aged_keys(aged[0], [aged[1]])}
        elif native is not None:  # a caseless given name after "a native of": keyed by the name
            keys = {ring.blind_index(k, PAIR_CONTEXT) for k in native_keys(native)}
        else:
            keys = pair_index_keys([name], initials=main)  # pairs of caseless words: a key each is enough
        if not keys:
            continue
        sealed = ring.encrypt(name, CANDIDATE_CONTEXT)
        session.add_all(CandidateVictim(report_id=report.id, key=k, name_enc=sealed, main=main) for k in sorted(keys))
        kept += 1
    session.flush()
    return kept


def rekey_candidate_victim(session: Session, report_id: int) -> None:
    """A report's candidate rows made again under the current key (after a key rotation)."""
    ring = key_ring()
    rows = list(session.scalars(select(CandidateVictim).where(CandidateVictim.report_id == report_id)))
    names = list(dict.fromkeys(ring.decrypt_text(r.name_enc, CANDIDATE_CONTEXT) for r in rows))
    main = any(r.main for r in rows)
    session.execute(delete(CandidateVictim).where(CandidateVictim.report_id == report_id))
    add_candidate_victims(session, session.get(Report, report_id), names, main=main)


def candidate_reports(session: Session, names: Iterable[str], *, main_only: bool = False) -> list[tuple[Report, list[str], bool]]:
    """Current reports with a kept candidate name sharing a blocking key with one of `names`: those
    names, and whether they are the report's main victim (`main_only`: only such; word pairs such as
    "Russia Ukraine" are shared by every caseless report of the war)."""
    return _candidate_rows(session, pair_index_keys(names), main_only=main_only)


def marked_candidate_reports(session: Session, raw_keys: Iterable[str]) -> list[tuple[Report, list[str]]]:
    """Current reports that kept a caseless given name marked by an age or a home (link/identity
    aged_keys, native_keys give `raw_keys`): those names, as kept."""
    ring = key_ring()
    keys = {ring.blind_index(k, PAIR_CONTEXT) for k in raw_keys}
    return [(report, names) for report, names, _main in _candidate_rows(session, keys)]


def _candidate_rows(session: Session, keys: set[str], *, main_only: bool = False) -> list[tuple[Report, list[str], bool]]:
    """Per current report with a candidate row under one of these blind keys: its names there, unsealed,
    and whether they are its main victim."""
    if not keys:
        return []
    ring = key_ring()
    query = (
        select(Report, CandidateVictim.name_enc, CandidateVictim.main)
        .join(CandidateVictim, CandidateVictim.report_id == Report.id)
        .where(CandidateVictim.key.in_(sorted(keys)), Report.current.is_(True))
        .order_by(Report.id)
    )
    rows = session.execute(query.where(CandidateVictim.main.is_(True)) if main_only else query)
    found: dict[int, tuple[Report, list[str], bool]] = {}
    for report, sealed, main in rows:
        name = ring.decrypt_text(sealed, CANDIDATE_CONTEXT)
        entry = found.setdefault(report.id, (report, [], bool(main)))
        if name not in entry[1]:
            entry[1].append(name)
    return list(found.values())


def incident_reports(session: Session, incident_id: int) -> list[Report]:
    """The current reports linked to an incident, oldest first."""
    linked = select(Mention.report_id).where(Mention.incident_id == incident_id)
    # By id, not DISTINCT over the rows: PostgreSQL has no equality for the record's json column.
    return list(session.scalars(
        select(Report).where(Report.id.in_(linked), Report.current.is_(True)).order_by(Report.id)
    ))


def incidents_for_name_words(session: Session, words: Iterable[str]) -> list[Incident]:
    """Incidents (not rejected or merged away) whose victim names have a word with a skeleton of one of `words`."""
    return _linkable(session, _ids_by_names(session, list(words), ("victim_name_skeletons",)))


def incidents_for_names(session: Session, names: Iterable[str]) -> list[Incident]:
    """Incidents (not rejected or merged away) whose victim names share a blocking key with `names`:
    a pair of word skeletons, or (stores indexed before those keys) a folded word."""
    return _linkable(session, _ids_by_names(session, list(names), ("victim_names", "victim_name_pairs")))


_NAME_KEYS = {  # incident_values field -> its blind-index keys of some names
    "victim_names": lambda names: {key for name in names for part in fold_name(name).split() for key in name_keys(part)},
    "victim_name_pairs": lambda names: pair_index_keys(names),
    "victim_name_skeletons": lambda names: skeleton_index_keys(names),
}


def _ids_by_names(session: Session, names: list[str], fields: Iterable[str]) -> set[int]:
    """Ids of incidents with a key of `names` in one of `fields`: one indexed lookup per field
    (an OR of them makes SQLite scan)."""
    ids: set[int] = set()
    for field in fields:
        keys = _NAME_KEYS[field](names)
        if keys:
            ids.update(session.scalars(select(IncidentValue.incident_id).where(
                IncidentValue.field == field, IncidentValue.value.in_(sorted(keys)))))
    return ids


def _linkable(session: Session, ids: Iterable[int], nationalities: set[str] = frozenset()) -> list[Incident]:
    """These incidents, less the rejected and the merged away, by id; with `nationalities`, only
    those that share one or have none (the value rows say so: loading and decrypting an incident
    that another nationality rules out cost more than all the decisions)."""
    ids = sorted(set(ids))
    if not ids:
        return []
    query = select(Incident).where(Incident.id.in_(ids), Incident.merged_into.is_(None), Incident.review_state != "rejected")
    if nationalities:
        def stated(*also):
            return exists().where(IncidentValue.incident_id == Incident.id, IncidentValue.field == "victim_nationalities", *also)
        query = query.where(or_(~stated(), stated(IncidentValue.value.in_(sorted(nationalities)))))
    return list(session.scalars(query.order_by(Incident.id)))


def add_mention(session: Session, report: Report, position: int, incident: Incident, score: float, reason: str,
                comparisons: dict | None = None) -> Mention:
    mention = Mention(report_id=report.id, position=position, incident_id=incident.id, link_score=score,
                      link_reason=reason, comparisons=comparisons)
    session.add(mention)
    session.flush()
    return mention


def remove_mentions(session: Session, report: Report, reason: str, *, why: str) -> int:
    """Take back the report's links made for `reason` (each noted in its incident's history); how many."""
    found = list(session.scalars(select(Mention).where(Mention.report_id == report.id, Mention.link_reason == reason)))
    for mention in found:
        incident = session.get(Incident, mention.incident_id)
        record_change(session, incident, actor="machine", action="unlinked", detail={"report_id": report.id, "why": why})
        session.delete(mention)
    session.flush()
    session.expire(report, ["mentions"])
    return len(found)


def _denormalise(incident: Incident) -> None:
    fields = incident.fields
    incident.location_country = fields.get("location_country")
    incident.date = fields.get("date")
    incident.date_precision = {10: "day", 7: "month", 4: "year"}.get(len(incident.date or ""))
    incident.place_precision = (
        "region" if fields.get("location_regions") else "country" if fields.get("location_country") else None
    )


def reindex_values(session: Session, incident: Incident) -> None:
    """Rebuild an incident's filter and facet rows (after a key rotation changes the name keys)."""
    _set_values(session, incident)


def _set_values(session: Session, incident: Incident) -> None:
    session.execute(delete(IncidentValue).where(IncidentValue.incident_id == incident.id))
    values = set()
    fields = incident.fields
    for field in LIST_FIELDS:
        if field == "victim_names":
            values.update((field, key) for name in fields.get(field) or () for key in name_keys(name))
            for keyed in ("victim_name_pairs", "victim_name_skeletons"):  # blocking keys for linking
                values.update((keyed, key) for key in _NAME_KEYS[keyed](fields.get(field) or ()))
            continue
        values.update((field, str(v)) for v in fields.get(field) or ())
    for field in SCALAR_FIELDS:
        value = incident.fields.get(field)
        if value not in (None, "", "unknown"):
            values.add((field, str(value)))
    session.add_all(IncidentValue(incident_id=incident.id, field=f, value=v[:128]) for f, v in sorted(values))


def incident_documents(session: Session, incident_ids: list[int]) -> dict[int, list[tuple[Document, Mention]]]:
    """For each incident, the documents whose current reports mention it, oldest first."""
    rows = session.execute(
        select(Mention, Document)
        .join(Report, Mention.report_id == Report.id)
        .join(Document, Report.document_id == Document.id)
        .where(Mention.incident_id.in_(incident_ids), Report.current.is_(True))
        .order_by(Document.published, Document.id)
    )
    out: dict[int, list[tuple[Document, Mention]]] = {i: [] for i in incident_ids}
    for mention, document in rows:
        out[mention.incident_id].append((document, mention))
    return out


def blocked_incidents(
    session: Session, fields: dict, nearby_regions: set[str], date_window: tuple[str, str] | None, also: set[int],
) -> list[Incident]:
    """The incidents a new incident could be linked to (blocking, so a store of any size answers
    from its indexes): those sharing a victim name's word (folded or as a consonant skeleton) or a
    pair of its words, those in one of `nearby_regions` dated within `date_window` (ISO dates) or undated
    and reported within it, and
    the incidents `also` (near-copies'), of a shared nationality or none; never rejected or merged
    away. link/incidents.decide links nothing else: a name must agree, or region and date must,
    or the text be a near-copy."""
    ids = set(also) | _ids_by_names(session, fields.get("victim_names") or [], _NAME_KEYS)
    if nearby_regions and date_window:
        # Without a name, a link needs the region and the date (decide): incidents in a nearby
        # region, dated within the window (a year-only date within its years).
        low, high = date_window
        in_region = select(IncidentValue.incident_id).where(
            IncidentValue.field == "location_regions", IncidentValue.value.in_(sorted(nearby_regions)))
        dated = or_(
            (func.length(Incident.date) > 4) & (Incident.date >= low[:7]) & (Incident.date <= high),
            (func.length(Incident.date) == 4) & (Incident.date >= low[:4]) & (Incident.date <= high[:4]),
        )
        # Undated incidents of those regions count where reported within the window: outlets that
        # date a raid and outlets that do not (the window of an undated report is its publication's).
        reported = (
            select(Mention.incident_id).join(Report, Mention.report_id == Report.id)
            .join(Document, Report.document_id == Document.id)
            .where(Document.published >= dt.date.fromisoformat(low), Document.published <= dt.date.fromisoformat(high))
        )
        undated = Incident.date.is_(None) & Incident.id.in_(reported)
        ids.update(session.scalars(select(Incident.id).where(Incident.id.in_(in_region), or_(dated, undated))))
    return _linkable(session, ids, set(fields.get("victim_nationalities") or ()))


def mention_records(session: Session, incident_ids: Iterable[int]) -> dict[int, list[dict]]:
    """Per incident, what each of its relevant reports said of it (the record's incident: contract
    fields and victim details, no evidence): linking compares mention with mention, never with the
    merged record, which drifts as reports are added. Earlier extractor versions' reports count too:
    a document extracted again meets what its own earlier report said."""
    ids = sorted(set(incident_ids))
    found: dict[int, list[dict]] = {i: [] for i in ids}
    if not ids:
        return found
    rows = session.execute(
        select(Mention.incident_id, Mention.position, Mention.entered, Report.record)
        .join(Report, Mention.report_id == Report.id)
        .where(Mention.incident_id.in_(ids), or_(Report.relevant.is_(True), Mention.entered.is_not(None)))
        .order_by(Mention.id)
    )
    for incident_id, position, entered, record in rows:
        said = mention_said(entered, record, position)
        if said is not None:
            found[incident_id].append({k: v for k, v in said.items() if k != "evidence"})
    return found


def add_possible_duplicate(session: Session, incident: Incident, other: Incident, score: float, comparisons: dict) -> bool:
    """Ask an analyst whether two incidents are one, unless that pair was asked before (either way round)."""
    asked = session.scalar(select(PossibleDuplicate.id).where(or_(
        (PossibleDuplicate.incident_id == incident.id) & (PossibleDuplicate.other_id == other.id),
        (PossibleDuplicate.incident_id == other.id) & (PossibleDuplicate.other_id == incident.id),
    )))
    if asked is not None:
        return False
    session.add(PossibleDuplicate(incident_id=incident.id, other_id=other.id, score=score, comparisons=comparisons))
    session.flush()
    return True


def kept_apart(session: Session, incident_ids: Iterable[int]) -> set[int]:
    """Incidents an analyst said are not the same as any of these: linking never joins them."""
    ids = sorted(set(incident_ids))
    if not ids:
        return set()
    rows = session.execute(select(PossibleDuplicate.incident_id, PossibleDuplicate.other_id).where(
        PossibleDuplicate.state == "apart",
        or_(PossibleDuplicate.incident_id.in_(ids), PossibleDuplicate.other_id.in_(ids)),
    ))
    return {x for pair in rows for x in pair} - set(ids)


ANALYSTS_LINKS = ("merged from incident ", "split off from incident ")  # link reasons review.py writes


def document_incidents(session: Session, document_id: int) -> dict[int, tuple[int, bool]]:
    """Where this document's earlier reports put each of their incidents: position -> the live incident
    it is in now (after analysts' merges), and whether analysts vouched for its sources (it was
    verified, or they merged or split sources into it), the latest report's link winning. Rejected
    ones are left out."""
    rows = session.execute(
        select(Mention.position, Incident.id, Incident.merged_into, Incident.review_state, Mention.link_reason)
        .join(Report, Mention.report_id == Report.id).join(Incident, Incident.id == Mention.incident_id)
        .where(Report.document_id == document_id).order_by(Report.id, Mention.id)
    )
    placed: dict[int, int] = {}
    for position, incident_id, merged_into, state, _reason in rows:
        live = _live_incident(session, incident_id) if merged_into is not None else (incident_id if state != "rejected" else None)
        if live is not None:
            placed[position] = live
    vouched = set(session.scalars(select(Incident.id).where(Incident.id.in_(sorted(set(placed.values()))), or_(
        Incident.review_state == "verified",
        Incident.id.in_(select(Mention.incident_id).where(or_(*(Mention.link_reason.startswith(r) for r in ANALYSTS_LINKS)))),
    )))) if placed else set()
    return {position: (incident_id, incident_id in vouched) for position, incident_id in placed.items()}


def _live_incident(session: Session, incident_id: int) -> int | None:
    """The incident a merged-away one ended in (merges chain), unless that one is rejected."""
    seen = set()
    while incident_id not in seen:
        seen.add(incident_id)
        incident = session.get(Incident, incident_id)
        if incident is None or incident.review_state == "rejected":
            return None
        if incident.merged_into is None:
            return incident.id
        incident_id = incident.merged_into
    return None


def skeleton_index_keys(names: Iterable[str]) -> set[str]:
    """Blind-index keys of each word skeleton of the names (Valcárcel and Valcarsel share no
    folded word, but one skeleton)."""
    ring = key_ring()
    return {ring.blind_index(w.skeleton, PAIR_CONTEXT) for name in names for w in parse_name(name).full_words
            if len(w.skeleton) >= 2}


def tidy_incident_search(session: Session) -> None:
    """Merge SQLite's incident search index into one segment, dropping the entries of old texts.

    Incidents' search texts change with every linked report, and FTS5 keeps each old text's
    entries until a merge: on a store of 20,000 incidents edited once each, a prefix search
    took 3.2 ms before and 0.01 ms after (the merge itself 29 ms). PostgreSQL's GIN index
    needs no such step.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("INSERT INTO incidents_fts(incidents_fts) VALUES ('optimize')"))

