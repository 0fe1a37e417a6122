"""Sentence vectors: every passage's sentences embedded on their own, so meaning search can score a
passage by its closest sentence as well as by the whole.

A 500-character passage embeds as the average of what it says; a question about one of its
sentences ("村医的养老怎么保障") sits closer to that sentence than to the passage. Written with
each build (``sentences-v1.npy``, ``sentence-starts-v1.npy``); a build made before them searches by
passages alone.

    sv = SentenceVectors.of(chunks, embed)        # at ingest
    sv.best(query_vector)                         # → each passage's closest sentence, e.g. [0.91, 0.87, …]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vectorstore.types import Chunk

# The split's version is in the names: a build whose sentences were cut another way is read as having none,
# so the next ingest embeds them anew (through the embedding cache) instead of carrying rows that no longer fit.
VECTORS, STARTS = "sentences-v1.npy", "sentence-starts-v1.npy"
_SENTENCE = re.compile(r"[^。；！？!?\n]+")
MIN_CHARS = 6  # shorter pieces ("（一）", "2020年：") say nothing on their own
BATCH = 64


def sentences_of(text: str) -> list[str]:
    """A passage's sentences, at least one: '一、目标。到2025年，签约率达到75%。' → ['到2025年，签约率达到75%']."""
    found = [s.strip() for s in _SENTENCE.findall(text)]
    found = [s for s in found if len(s) >= MIN_CHARS]
    return found or [text.strip() or "　"]


@dataclass(frozen=True)
class SentenceVectors:
    """The sentences' vectors, passage after passage (in the build's retrievable order); ``starts[i]``
    is where passage i's sentences begin."""

    vectors: np.ndarray  # (sentences, dim) float32, L2-normalised
    starts: np.ndarray  # (passages,) int64, increasing, starts[0] == 0

    @classmethod
    def of(cls, chunks: Sequence[Chunk], embed: Callable[[list[str]], np.ndarray],
           known: Mapping[str, np.ndarray] | None = None,
           note: Callable[[int, int], None] = lambda done, total: None) -> SentenceVectors:
        """The vectors of the chunks' sentences; a chunk in ``known`` (its id → its sentences' vectors,
        from the previous build) is not embedded again."""
        known = known or {}
        texts = {c.id: sentences_of(c.text) for c in chunks}
        todo = sorted({s for c in chunks if c.id not in known for s in texts[c.id]}, key=len)
        got: dict[str, np.ndarray] = {}
        for i in range(0, len(todo), BATCH):
            note(i, len(todo))
            part = todo[i : i + BATCH]
            got.update(zip(part, embed(part), strict=True))
        note(len(todo), len(todo))
        rows = [known[c.id] if c.id in known else np.vstack([got[s] for s in texts[c.id]]) for c in chunks]
        lengths = np.asarray([len(r) for r in rows], dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64) if rows else lengths
        vectors = np.vstack(rows).astype(np.float32) if rows else np.zeros((0, 0), dtype=np.float32)
        return cls(vectors, starts)

    def of_chunk(self, i: int) -> np.ndarray:
        """Passage i's sentence vectors."""
        end = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.vectors)
        return self.vectors[self.starts[i] : end]

    def best(self, q: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Each passage's highest cosine with ``q`` over its sentences; with ``rows`` (passage indices,
        increasing) only those passages are scored and the result is theirs, in that order."""
        if rows is None:
            return np.maximum.reduceat(self.vectors @ q, self.starts) if len(self.starts) else np.zeros(0)
        ends = np.append(self.starts[1:], len(self.vectors))
        lengths = ends[rows] - self.starts[rows]
        offsets = np.cumsum(lengths) - lengths
        idx = np.arange(int(lengths.sum())) - np.repeat(offsets, lengths) + np.repeat(self.starts[rows], lengths)
        return np.maximum.reduceat(self.vectors[idx] @ q, offsets) if len(rows) else np.zeros(0)

    def save(self, folder: Path) -> None:
        # float16 halves the file; the cosines it changes move in the fourth decimal.
        np.save(folder / VECTORS, self.vectors.astype(np.float16))
        np.save(folder / STARTS, self.starts)

    @classmethod
    def load(cls, folder: Path, passages: int) -> SentenceVectors | None:
        """The build's sentence vectors, or None for a build written before them (ValueError when
        they do not fit its ``passages``)."""
        if not check(folder, passages):
            return None
        return cls(np.load(folder / VECTORS).astype(np.float32), np.load(folder / STARTS))


def check(folder: Path, passages: int) -> bool:
    """Whether a build has sentence vectors, read without loading them: ValueError when they do not
    fit its ``passages``."""
    if not (folder / VECTORS).exists():
        return False
    rows = np.load(folder / VECTORS, mmap_mode="r").shape[0]
    starts = np.load(folder / STARTS)
    if len(starts) != passages or (passages and (starts[0] != 0 or np.any(np.diff(starts) <= 0)
                                                 or starts[-1] >= rows)):
        raise ValueError(f"{VECTORS} holds sentences for {len(starts)} passages, not the build's {passages}")
    return True
