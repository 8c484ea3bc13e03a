"""Backfill inputs cut into partitions: units of work small enough to spread over a cluster.

A WARC file, or a gzipped JSON Lines file, is one partition (neither can be
entered in the middle without an index). A plain JSON Lines file larger than
`chunk_bytes` is cut into byte ranges that start at a line start, so one big
dump keeps every worker busy. Partitions are numbered in a fixed order (the
patterns in the order given, the files of each sorted): the order in which the
driver stores them, so the same input always gives the same incidents.

Files are named by absolute path: every worker must see them at that path
(one machine, or a shared file system).
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path

from ..sources.base import SourceError
from ..sources.jsonl import PIECE_BYTES

CHUNK_BYTES = 4 * 1024 * 1024  # ~1,000 news articles: about a second of a worker's time
KINDS = {".warc": "warc", ".warc.gz": "warc", ".arc.gz": "warc", ".jsonl": "jsonl", ".ndjson": "jsonl",
         ".jsonl.gz": "jsonl", ".ndjson.gz": "jsonl"}


@dataclass(frozen=True)
class Partition:
    """Lines [start, end) of a JSON Lines file (end None: to the end), or a whole archive."""

    index: int  # the storing order
    kind: str  # "warc" or "jsonl"
    path: str  # absolute
    start: int = 0
    end: int | None = None


def kind_of(path: str) -> str | None:
    name = path.lower()
    return next((kind for suffix, kind in KINDS.items() if name.endswith(suffix)), None)


def expand(patterns: list[str]) -> list[str]:
    """The files the patterns name (globs with ** allowed, folders searched), each once, in order."""
    files: list[str] = []
    for pattern in patterns:
        path = os.path.expanduser(pattern)
        if glob.has_magic(path):
            found = [p for p in sorted(glob.glob(path, recursive=True)) if os.path.isfile(p) and kind_of(p)]
        elif os.path.isdir(path):
            found = sorted(str(p) for p in Path(path).rglob("*") if p.is_file() and kind_of(str(p)))
        elif os.path.isfile(path):
            if not kind_of(path):
                raise SourceError(f"{pattern}: not a WARC (.warc, .warc.gz) or JSON Lines (.jsonl, .jsonl.gz) file")
            found = [path]
        else:
            raise SourceError(f"{pattern}: no such file or folder")
        if not found:
            raise SourceError(f"{pattern}: no WARC or JSON Lines files match")
        files.extend(os.path.abspath(p) for p in found)
    return list(dict.fromkeys(files))


def plan(files: list[str], chunk_bytes: int = CHUNK_BYTES) -> list[Partition]:
    """Every file's partitions, numbered in order."""
    parts: list[Partition] = []
    for path in files:
        kind = kind_of(path)
        if kind == "jsonl" and not path.lower().endswith(".gz"):
            bounds = _line_starts(path, chunk_bytes)
            for start, end in zip(bounds, [*bounds[1:], None], strict=True):
                parts.append(Partition(len(parts), kind, path, start, end))
        else:
            parts.append(Partition(len(parts), kind, path))
    return parts


def _line_starts(path: str, chunk_bytes: int) -> list[int]:
    """Offsets about `chunk_bytes` apart, each moved forward to the start of a line."""
    size = os.path.getsize(path)
    starts = [0]
    with open(path, "rb") as handle:
        for target in range(chunk_bytes, size, chunk_bytes):
            if target <= starts[-1]:
                continue  # a line longer than a chunk
            handle.seek(target - 1)
            while (piece := handle.readline(PIECE_BYTES)) and not piece.endswith(b"\n"):
                pass  # to the end of the line that holds byte target-1, however long, a piece at a time
            position = handle.tell()
            if position >= size:
                break
            starts.append(position)
    return starts
