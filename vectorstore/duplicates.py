"""The same plan arriving a second time under another name (a .docx beside its .txt, a re-upload
renamed): found by its title and its text, so answers do not cite one plan twice.

    same_plan(("东丽规划", text_a), ("东丽规划", text_b)) → 0.93   (share of shingles in common)
"""

from __future__ import annotations

import re

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


def same_plan(new: tuple[str, str], old: tuple[str, str]) -> float:
    """How surely two (title, text) pairs are one plan: the overlap when it passes the bar for
    their titles, else 0.0."""
    share = overlap(new[1], old[1])
    same_title = _NOISE.sub("", new[0]) == _NOISE.sub("", old[0]) and bool(new[0].strip())
    return share if share >= (SAME_TITLE_SHARE if same_title else ANY_TITLE_SHARE) else 0.0
