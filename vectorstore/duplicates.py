"""The same plan arriving a second time under another name (a .docx beside its .txt, a re-upload
renamed): found by its title and its text, so answers do not cite one plan twice.

    same_plan(("东丽规划", text_a), ("东丽规划", text_b)) → 0.93   (share of shingles in common)
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable

import numpy as np

SHINGLE = 8
# Same title and this much of the shorter text in common: the same plan in another format (Word
# tables flatten differently from the text export, so the texts never match exactly).
SAME_TITLE_SHARE = 0.6
# Without the same title, only a near copy counts.
ANY_TITLE_SHARE = 0.9
_NOISE = re.compile(r"[\s\u3000“”\"'‘’《》【】\[\]（）()·｜|：:，,。；;、]+")


def _shingles(text: str) -> set[str]:
    t = _NOISE.sub("", text)
    return {t[i:i + SHINGLE] for i in range(max(1, len(t) - SHINGLE + 1))}


def overlap(a: str, b: str) -> float:
    """Share of the shorter text's 8-character shingles that the other holds (punctuation and
    spacing ignored)."""
    sa, sb = _shingles(a), _shingles(b)
    return len(sa & sb) / max(1, min(len(sa), len(sb)))


PERMS = 64  # MinHash permutations: enough to tell "maybe the same plan" from "clearly another"
_RNG = np.random.default_rng(20211)
# Multiply-shift hashing of 32-bit keys: (a·h + b) mod 2^64 (numpy wraps), its high 32 bits.
_A = _RNG.integers(0, np.iinfo(np.uint64).max, PERMS, dtype=np.uint64, endpoint=True) | np.uint64(1)
_B = _RNG.integers(0, np.iinfo(np.uint64).max, PERMS, dtype=np.uint64, endpoint=True)
MARGIN = 0.15  # below the bar by more than this (estimated), a pair is not checked exactly
# Only the closest estimates are checked exactly: a corpus of near-twins (one district's plan copied
# for the next, names and figures changed) would otherwise be compared pair by pair again.
EXACT_CHECKS = 3


def _signature(text: str) -> tuple[np.ndarray, int]:
    """MinHash of the text's shingles, and how many shingles it has."""
    sh = _shingles(text)
    h = np.fromiter((zlib.crc32(x.encode()) for x in sh), dtype=np.uint64, count=len(sh))
    return ((h[:, None] * _A + _B) >> np.uint64(32)).min(axis=0), len(sh)


class TwinIndex:
    """Finds the plan a new text is the same plan as, among many, without comparing it with each:
    MinHash signatures (computed once a plan) estimate every plan's overlap at once, and only the
    plans estimated near the bar are compared exactly. Linear in the corpus, where pairwise was
    quadratic (500 plans: minutes of shingling)."""

    def __init__(self) -> None:
        self._ids: list[str] = []
        self._at: dict[str, int] = {}
        self._titles: list[str] = []
        self._texts: list[str] = []
        self._sigs: list[np.ndarray] = []
        self._sizes: list[int] = []

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._at

    def add(self, doc_id: str, title: str, text: str) -> None:
        sig, n = _signature(text)
        self._at[doc_id] = len(self._ids)
        self._ids.append(doc_id)
        self._titles.append(_NOISE.sub("", title))
        self._texts.append(text)
        self._sigs.append(sig)
        self._sizes.append(n)

    def find(self, title: str, text: str, among: Iterable[str] | None = None) -> tuple[str, float] | None:
        """The first indexed plan (of `among`, if given) that is the same plan, with their overlap."""
        if not self._ids:
            return None
        sig, n = _signature(text)
        jaccard = (np.vstack(self._sigs) == sig).mean(axis=1)
        sizes = np.asarray(self._sizes, dtype=np.float64)
        # |A∩B| from the Jaccard estimate and the sizes, as a share of the smaller set.
        share = jaccard * (sizes + n) / (1 + jaccard) / np.maximum(1, np.minimum(sizes, n))
        norm = _NOISE.sub("", title)
        allowed = set(among) if among is not None else None
        checked = 0
        for i in np.argsort(-share):
            bar = SAME_TITLE_SHARE if (norm == self._titles[i] and title.strip()) else ANY_TITLE_SHARE
            if share[i] < SAME_TITLE_SHARE - MARGIN or checked == EXACT_CHECKS:
                break
            if share[i] < bar - MARGIN or (allowed is not None and self._ids[i] not in allowed):
                continue
            checked += 1
            exact = same_plan((title, text), (self._titles[i] or " ", self._texts[i]), same_title=bar == SAME_TITLE_SHARE)
            if exact:
                return self._ids[i], exact
        return None


def same_plan(new: tuple[str, str], old: tuple[str, str], same_title: bool | None = None) -> float:
    """How surely two (title, text) pairs are one plan: the overlap when it passes the bar for
    their titles, else 0.0."""
    share = overlap(new[1], old[1])
    if same_title is None:
        same_title = _NOISE.sub("", new[0]) == _NOISE.sub("", old[0]) and bool(new[0].strip())
    return share if share >= (SAME_TITLE_SHARE if same_title else ANY_TITLE_SHARE) else 0.0
