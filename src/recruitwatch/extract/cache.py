"""A disk cache for compiled lexicons, so a cold `recruitwatch extract` does not lemmatise every form again.

Keyed by the package version and a hash of the data files: editing a lexicon
invalidates it. A cache that cannot be read or written is simply not used.
"""

from __future__ import annotations

import logging
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .. import __version__
from .data_files import data_fingerprint

logger = logging.getLogger(__name__)
T = TypeVar("T")


def cache_dir() -> Path:
    configured = os.environ.get("RECRUITWATCH_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "recruitwatch"


def cached(name: str, packages: tuple[str, ...], build: Callable[[], T]) -> T:
    """build() once per data version; later processes load the pickle."""
    if os.environ.get("RECRUITWATCH_NO_CACHE"):
        return build()
    key = "-".join([__version__] + [data_fingerprint(p) for p in packages])
    path = cache_dir() / f"{name}-{key}.pickle"
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except FileNotFoundError:
        pass
    except Exception as exc:  # a truncated or foreign file: rebuild it
        logger.debug("ignoring unreadable cache %s: %s", path, exc)
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False) as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(fh.name, path)
    except OSError as exc:
        logger.debug("cannot write cache %s: %s", path, exc)
    return value
