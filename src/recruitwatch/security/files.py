"""Files that hold personal data, readable by their owner only (0600, new folders 0700), whatever the umask.

The database (and SQLite's -wal and -shm files, which take the database's
mode), backups and the incidents `demo` writes name migrants and prisoners;
under the usual umask (022) they would be readable by every account on the
machine. Folders and files that already exist keep the mode they have, except
files rewritten whole (`open_private`), which are tightened too.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO


def private_folder(path: Path) -> None:
    """Create `path` and each missing parent with mode 0700; existing folders are left as they are."""
    missing = []
    while not path.exists() and path != path.parent:
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:  # made meanwhile by another process: theirs
            continue
        os.chmod(folder, 0o700)  # the umask may have taken bits from mkdir's mode


def create_private(path: Path) -> bool:
    """Create `path` empty with mode 0600 (and its missing folders 0700) unless it exists; True if made."""
    private_folder(path.parent)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    try:
        os.fchmod(descriptor, 0o600)
    finally:
        os.close(descriptor)
    return True


def open_private(path: Path) -> IO[str]:
    """`path` opened to be written from scratch as UTF-8 text, with mode 0600 even if it existed."""
    private_folder(path.parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(descriptor, 0o600)
        return os.fdopen(descriptor, "w", encoding="utf-8")
    except BaseException:
        os.close(descriptor)
        raise
