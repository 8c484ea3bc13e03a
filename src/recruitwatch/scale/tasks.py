"""What Dask workers run: pure functions of a partition, with no database.

Two passes per partition. `scan` reads it and returns the SHA-256 identity of
every item (cheap: reading and hashing), so the driver can look them up and a
re-run sends no work for documents already stored. `prepare_partition` reads
it again and does the expensive part (decoding, screening, extraction, index
words, signatures) for the items the driver did not already have.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..ingest import Prepared, prepare
from ..sources.base import SourceError, SourceItem
from ..sources.jsonl import DAMAGED, MAX_LINE_BYTES, line_item, read_lines, too_long_item
from ..sources.warc import read_warc
from .partitions import Partition


@dataclass
class Scan:
    lines: int  # lines in the range (JSON Lines), for numbering the next range's lines
    hashes: list[str]
    error: str | None = None


@dataclass
class PreparedPartition:
    prepared: list[Prepared] = field(default_factory=list)
    skipped: int = 0  # already stored, or met earlier in this partition
    error: str | None = None


def scan(part: Partition) -> Scan:
    """Line count and identities of a partition's items."""
    result = Scan(0, [])
    try:
        if part.kind == "jsonl":
            for number, raw in _lines(part):
                result.lines = number
                if raw is None:  # a line over the limit: its item has no bytes
                    result.hashes.append(hashlib.sha256(b"").hexdigest())
                elif raw.strip():
                    result.hashes.append(hashlib.sha256(raw).hexdigest())
        else:
            result.hashes.extend(hashlib.sha256(item.raw).hexdigest() for item in read_warc(part.path))
    except SourceError as exc:
        result.error = str(exc)
    return result


def prepare_partition(part: Partition, first_line: int, skip: frozenset[str]) -> PreparedPartition:
    """Each new item prepared for storing, in reading order; `skip` holds identities already stored."""
    result, seen = PreparedPartition(), set(skip)
    try:
        for item in items(part, first_line):
            sha = hashlib.sha256(item.raw).hexdigest()
            # Unreadable items without bytes share an identity: each must still reach the report.
            if sha in seen and not (item.meta.get("error") and sha not in skip):
                result.skipped += 1
                continue
            seen.add(sha)
            prepared = prepare(item, sha)
            # The raw bytes travel compressed (raw_compressed is what is stored): half the pickling.
            result.prepared.append(dataclasses.replace(prepared, item=dataclasses.replace(prepared.item, raw=b"")))
    except SourceError as exc:
        result.error = str(exc)
    return result


def items(part: Partition, first_line: int = 1) -> Iterator[SourceItem]:
    """The partition's items exactly as the whole-file readers give them (same locators, same line numbers)."""
    if part.kind == "warc":
        yield from read_warc(part.path)
        return
    file = Path(part.path)
    for number, raw in _lines(part):
        line = first_line + number - 1
        if raw is None:
            yield too_long_item(f"{file}#line-{line}", line, MAX_LINE_BYTES)
        elif raw.strip():
            yield line_item(raw, f"{file}#line-{line}", line)


def _lines(part: Partition) -> Iterator[tuple[int, bytes | None]]:
    """(number within the range, line without its end) for every line, blank ones too; None for one
    over the limit (see `read_lines`)."""
    gz = part.path.lower().endswith(".gz")
    try:
        handle = gzip.open(part.path, "rb") if gz else open(part.path, "rb")  # noqa: SIM115
    except OSError as exc:
        raise SourceError(f"cannot open {part.path} ({exc.strerror or exc}); check the path") from None
    with handle:
        handle.seek(part.start)
        position, number = part.start, 0
        lines = read_lines(handle, MAX_LINE_BYTES)
        try:
            while part.end is None or position < part.end:
                found = next(lines, None)
                if found is None:
                    return
                raw, size = found
                position += size
                number += 1
                yield number, raw
        except DAMAGED as exc:  # a truncated or corrupt .gz
            raise SourceError(f"{part.path} is damaged after line {number} ({exc}); check the file") from None
