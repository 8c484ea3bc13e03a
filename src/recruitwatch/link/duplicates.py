"""Near-copies of one text (reprints, light rewrites) found with MinHash LSH (datasketch)."""

from __future__ import annotations

import numpy as np
from datasketch import MinHash, MinHashLSH

from ..text.tokens import WORD_RE

NUM_PERM = 64
SHINGLE = 5  # words per shingle
THRESHOLD = 0.7  # estimated Jaccard similarity of shingles above which two texts are copies
SEED = 1  # fixed: the same text always gets the same signature
SCHEME = "affine32"  # stored signatures are read back with the scheme that made them


def signature(text: str) -> MinHash:
    words = [w.lower() for w in WORD_RE.findall(text)]
    shingles = {" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}
    m = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    m.update_batch(s.encode("utf-8") for s in shingles if s)
    return m


def to_bytes(m: MinHash) -> bytes:
    return m.hashvalues.astype(np.uint64).tobytes()


def from_bytes(data: bytes) -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashvalues=np.frombuffer(data, dtype=np.uint64))


class DuplicateIndex:
    """Documents by signature: which earlier document is a copy of this one."""

    def __init__(self) -> None:
        self._lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        self._cluster: dict[int, int] = {}
        self._signatures: dict[int, MinHash] = {}

    def add(self, document_id: int, m: MinHash, cluster_id: int | None = None) -> int:
        """Index a document; returns its cluster (the id of the first copy seen)."""
        if cluster_id is None:
            matches = sorted(self._lsh.query(m))
            confirmed = [d for d in matches if self._signatures[d].jaccard(m) >= THRESHOLD]
            cluster_id = self._cluster[confirmed[0]] if confirmed else document_id
        key = document_id
        if key not in self._cluster:
            self._lsh.insert(key, m)
            self._signatures[key] = m
        self._cluster[key] = cluster_id
        return cluster_id

    def remove(self, document_id: int) -> None:
        """Forget a document whose transaction was rolled back (SQLite may give its id to another)."""
        if document_id in self._cluster:
            self._lsh.remove(document_id)
            del self._signatures[document_id], self._cluster[document_id]

    def __len__(self) -> int:
        return len(self._cluster)
