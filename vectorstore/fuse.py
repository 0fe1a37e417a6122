"""Fusion of rankings: pure functions, no index access."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

RRF_K = 60  # Cormack et al.'s constant: damps the head so one retriever's rank 1 cannot dominate.


def rrf(rankings: Sequence[Sequence[int]], weights: Sequence[float] | None = None, k: int = RRF_K) -> dict[int, float]:
    """Weighted reciprocal-rank fusion of lists of item indices (best first).

    rrf([[3, 1], [1, 2]]) → {1: 1/62 + 1/61, 3: 1/61, 2: 1/62}
    """
    weights = weights or [1.0] * len(rankings)
    out: dict[int, float] = {}
    for w, ranking in zip(weights, rankings, strict=True):
        for r, idx in enumerate(ranking):
            out[idx] = out.get(idx, 0.0) + w / (k + r + 1)
    return out


def minmax(scores: np.ndarray, top: int | None = None) -> np.ndarray:
    """Scale scores to 0..1 over the candidates that matter (the top `top`), clipping the rest at 0.

    Dense similarities sit in a narrow band (about 0.75–1.0) while BM25 scores are unbounded, so
    raw scores cannot be added; scaling each over its own head makes them comparable.
    """
    if scores.size == 0:
        return scores
    n = min(top or scores.size, scores.size)
    hi = float(scores.max())
    lo = float(np.partition(scores, scores.size - n)[scores.size - n])  # the n-th highest
    if hi - lo < 1e-9:
        return np.where(scores >= hi, 1.0, 0.0).astype(np.float32)
    return np.clip((scores - lo) / (hi - lo), 0.0, 1.0).astype(np.float32)


def diversify(order: Sequence[int], groups: Sequence[str], k: int, want: Sequence[str]) -> list[int]:
    """Top-k that holds the best item of each wanted group before any group's second item.

    Used when a question names no plan (or several): the answer needs each plan's best passage,
    not five passages from the plan whose wording happens to match best.
    """
    pos = {i: r for r, i in enumerate(order)}
    chosen: list[int] = []
    for g in want:
        first = next((i for i in order if groups[i] == g), None)
        if first is not None and first not in chosen:
            chosen.append(first)
    out = sorted(chosen, key=pos.__getitem__)[:k]  # relevance order among the plans' best
    taken = set(out)
    for i in order:
        if len(out) >= k:
            break
        if i not in taken and i not in chosen:
            out.append(i)
    return out


def top_allowed(scores: np.ndarray, mask: np.ndarray, k: int) -> list[int]:
    """The k best allowed indices, best first, ties in index order (as a stable sort of all would give)."""
    s = np.where(mask, scores, -np.inf)
    if k < s.size:
        kth = np.partition(s, s.size - k)[s.size - k]
        cand = np.flatnonzero(s >= kth)
    else:
        cand = np.arange(s.size)
    order = cand[np.argsort(-s[cand], kind="stable")]
    return [int(i) for i in order[:k] if np.isfinite(s[i])]


def rank_of(masked: np.ndarray, i: int) -> int:
    """Where item i stands by ``masked`` scores (disallowed ones at -inf; 1 = first; ties in index order).

    rank_of(np.array([0.2, 0.9, 0.2]), 2) → 3
    """
    return int((masked > masked[i]).sum() + (masked[:i] == masked[i]).sum() + 1)
