"""Local folders of saved articles: every .txt, .html and .htm file, recursively.

The walk is sorted at each level, so the same folder always yields the same
order, and it streams: no list of the whole tree is built first.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from .base import SourceError, SourceItem, register, utcnow
from .fetch import MAX_BYTES

MEDIA_TYPES = {".txt": "text/plain", ".html": "text/html", ".htm": "text/html"}


@register("folder")
def read_folder(path: str, *, max_bytes: int = MAX_BYTES) -> Iterator[SourceItem]:
    """Yield each text or HTML file under `path`; an unreadable one yields an item with `meta["error"]`."""
    root = Path(path).expanduser()
    if not root.is_dir():
        raise SourceError(f"{path} is not a folder; give a folder of .txt or .html files")
    root = root.resolve()
    # Symlinked folders are not followed (os.walk default), so a link cannot make a cycle.
    for directory, subdirs, files in os.walk(root):
        subdirs.sort()
        for name in sorted(files):
            media_type = MEDIA_TYPES.get(Path(name).suffix.lower())
            if media_type:
                yield _file_item(Path(directory, name), root, media_type, max_bytes)


def _file_item(file: Path, root: Path, media_type: str, max_bytes: int) -> SourceItem:
    meta: dict = {"relative_path": file.relative_to(root).as_posix()}
    raw = b""
    try:
        with file.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
        if len(raw) > max_bytes:
            raw = b""
            meta["error"] = (
                f"file is larger than the {max_bytes:,}-byte limit; split it or raise max_bytes"
            )
    except OSError as exc:
        meta["error"] = f"cannot read file ({exc.strerror or exc}); check its permissions"
    return SourceItem(
        source_kind="folder",
        locator=str(file),
        raw=raw,
        fetched_at=utcnow(),
        media_type=media_type,
        meta=meta,
    )
