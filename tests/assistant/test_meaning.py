"""Closeness in meaning of each candidate sentence to the question (real index, real embedding model)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


def _assistants(full_index: Path) -> tuple[Any, Any]:
    from dataclasses import replace

    from assistant.params import load_params
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    p = load_params()
    off = replace(p, gate=replace(p.gate, meaning_close=1.0, mention_far=0.0))
    settings = Settings(data_dir=full_index, llm_mode="extractive")
    return Assistant(settings, chat=None, params=p), Assistant(settings, chat=None, params=off)


def test_a_mention_in_everyday_words_close_in_meaning_to_the_first_passage_is_answered(full_index: Path) -> None:
    tuned, off = _assistants(full_index)
    question = "埇桥规划说没说让乡村医生帮着家庭医生干活？"  # no plan writes "干活"
    ans = tuned.answer(question)
    assert not ans.refused and "村医作为家庭医生的助理" in ans.text, (ans.text, ans.notes)
    assert off.answer(question).refused


def test_a_mention_whose_passages_are_far_in_meaning_is_declined_saying_so(full_index: Path) -> None:
    tuned, off = _assistants(full_index)
    question = "埇桥规划提没提电子烟？"  # its words 电子, 烟 each stand in the plan, apart
    ans = tuned.answer(question)
    assert ans.refused and "相去较远" in " ".join(ans.notes), (ans.text, ans.notes)
    assert ans.nearby, "the closest passages are still shown"
    assert not off.answer(question).refused
