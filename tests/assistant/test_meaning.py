"""Closeness in meaning of each candidate sentence to the question (real index, real embedding model)."""

from __future__ import annotations

from pathlib import Path

from assistant.extract import Candidate, candidates
from assistant.meaning import closeness
from vectorstore.retrieve import Corpus
from vectorstore.types import Chunk, Hit


def _hits(corpus: Corpus, *needles: str) -> list[Hit]:
    return [Hit(next(c for c in corpus.chunks if n in c.text), 1.0, "hybrid") for n in needles]


def test_the_sentence_saying_the_everyday_words_in_the_plans_own_is_the_closest(full_index: Path) -> None:
    corpus = Corpus.open(full_index / "indexes" / "default")
    hits = _hits(corpus, "移动支付、诊间结算", "门诊共济保障机制")
    cands = candidates(hits)
    near = closeness(corpus, "振安区看完病能不能拿手机直接交钱？", cands, hits)
    best = max(zip(cands, near, strict=True), key=lambda x: x[1])[0]
    assert "移动支付" in best.text, best.text
    assert len(near) == len(cands) and min(near) < 0 < max(near)


def test_a_sentence_the_build_has_no_vector_for_counts_as_average(full_index: Path) -> None:
    corpus = Corpus.open(full_index / "indexes" / "default")
    hits = _hits(corpus, "移动支付、诊间结算")
    stranger = Hit(Chunk(id="not-in-the-build", doc_id="zhenan", text="一段索引里没有的文字。", section_path=(),
                         kind="text"), 1.0, "hybrid")
    cands = [*candidates(hits), Candidate(1, "一段索引里没有的文字。")]
    near = closeness(corpus, "手机付款", cands, [*hits, stranger])
    assert near[-1] == 0.0 and any(v != 0.0 for v in near[:-1])
    assert closeness(corpus, "手机付款", [Candidate(0, "一段索引里没有的文字。")], [stranger]) == [0.0]
