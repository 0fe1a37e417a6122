"""Beside word overlap — how close each candidate sentence is in meaning to a question or a topic.

A citizen's everyday words ("看完病拿手机交钱") share few words with the plan's sentence that
answers them ("…移动支付、诊间结算…"). Meaning search's vectors of each sentence (written with
the build, vectorstore/sentences.py) judge them another way: the gate takes a mention's topic as
written when one sentence stands far out among the passages' or is close outright (gate.Gate._standout),
and declines one no sentence of the passages comes near (gate.Gate._far).

    closeness(corpus, "振安看完病能拿手机交钱吗", candidates, hits) → [1.3, -0.4, …]  # standard scores
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from assistant.extract import Candidate
from vectorstore.retrieve import Corpus
from vectorstore.types import Hit

CLIPPED = "……"  # extract._clip's mark of a long sentence cut short


def cosines(corpus: Corpus, question: str, cands: Sequence[Candidate], hits: Sequence[Hit]) -> list[float | None]:
    """Each candidate's cosine with the question; None where the build holds no vector for its sentence."""
    by_chunk = corpus.sentence_cosines(question, [h.chunk.id for h in hits])
    return [_cosine(c.text, by_chunk.get(hits[c.hit_index].chunk.id, [])) for c in cands]


def closeness(corpus: Corpus, question: str, cands: Sequence[Candidate], hits: Sequence[Hit],
              found: Sequence[float | None] | None = None) -> list[float]:
    """Each candidate's cosine with the question (``found``, when computed already), as a standard
    score among the candidates (how many spreads above or below their mean); 0 where the build holds
    no vector for its sentence, or when the candidates do not differ."""
    if found is None:
        found = cosines(corpus, question, cands, hits)
    known = [v for v in found if v is not None]
    if len(known) < 2:
        return [0.0] * len(cands)
    mean, spread = statistics.fmean(known), statistics.pstdev(known)
    if spread <= 0:
        return [0.0] * len(cands)
    return [0.0 if v is None else (v - mean) / spread for v in found]


def _cosine(text: str, sentences: Sequence[tuple[str, float]]) -> float | None:
    """The highest cosine of the build's sentences that make up a candidate (a candidate may join a
    label, a closing '（责任单位：…）' or clauses the build cut apart; a long one is clipped)."""
    body = text.removesuffix(CLIPPED)
    held = [v for s, v in sentences if s in body or (len(body) >= len(s) // 2 and body in s)]
    return max(held) if held else None
