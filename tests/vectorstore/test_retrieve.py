"""Hybrid retrieval over the real index: each plan's own indicator row for comparisons."""

from __future__ import annotations

import pytest

from vectorstore.retrieve import Corpus, Filters, HybridRetriever


@pytest.fixture(scope="module", params=["embedded", "chroma server"])
def retriever(request):
    """The same tests on both stores: embedded Chroma in the build, and a real `chroma run` server."""
    if request.param == "embedded":
        return HybridRetriever(Corpus.open(request.getfixturevalue("full_index") / "indexes" / "default"))
    data = request.getfixturevalue("full_index_server")
    return HybridRetriever(Corpus.open(data / "indexes" / "default",
                                       chroma=request.getfixturevalue("chroma_server").target))


def test_best_rows_give_each_plan_its_own_indicator_row(retriever):
    rows = retriever.best_rows("小孩打疫苗，接种率要维持在多少以上？")
    by_doc = {h.chunk.doc_id: h.chunk.text for h in rows}
    assert all(h.chunk.kind == "table_row" for h in rows)
    # 东丽's row is named differently ("规划免疫接种率") from the other two plans' rows.
    assert "规划免疫接种率" in by_doc["dongli"] and ">95%" in by_doc["dongli"]
    assert "疫苗接种率" in by_doc["yongqiao"] and "疫苗接种率" in by_doc["zhenan"]
    assert [h.score for h in rows] == sorted((h.score for h in rows), reverse=True)


def test_best_rows_leave_out_rows_far_below_the_best(retriever):
    everything = retriever.best_rows("每万人口配几名全科医生？", min_ratio=0.0)
    close = retriever.best_rows("每万人口配几名全科医生？", min_ratio=0.9)
    assert len(close) < len(everything)
    assert "全科医" in close[0].chunk.text


def test_best_rows_keep_to_the_filtered_plans(retriever):
    rows = retriever.best_rows("孕产妇死亡率控制目标是多少？", Filters(doc_ids=("zhenan",)))
    assert [h.chunk.doc_id for h in rows] == ["zhenan"] and "孕产妇死亡率" in rows[0].chunk.text


def test_everyday_words_are_searched_as_the_plans_write_them(retriever):
    # The plans write "儿童龋齿率", never "小孩" or "蛀牙": those synonyms carry the question alone.
    assert retriever.corpus.stand_ins("12岁小孩蛀牙率", ("儿童", "孩子", "龋齿")) == ["儿童", "龋齿"]
    # "医生" stands in the plans itself, so "执业医师" stays a weaker synonym.
    assert retriever.corpus.stand_ins("医生多少", ("执业医师",)) == []
    hits = retriever.search("振安12岁小孩的蛀牙率有没有指标？", 5)
    assert any("龋齿率控制在25%以下" in h.chunk.text for h in hits)


def test_the_gates_word_counts_are_those_of_the_passages_the_keyword_index_holds(small_index):
    """How many passages hold each word (the gate's weights) is read from the index, and equals a
    count over the passages themselves: a word every passage has is rare nowhere."""
    from collections import Counter

    from vectorstore.index import index_text

    corpus = Corpus.open(small_index / "indexes" / "default")
    bm25 = corpus.build.bm25
    counted = Counter(t for c in corpus.chunks for t in set(bm25.tokenizer.tokens(index_text(c))))
    assert bm25.doc_freq() == counted
    assert counted["东丽"] > 10 and counted["献血"] >= 1


def _first_review(retriever: HybridRetriever, question: str) -> int:
    """The rank (1 = first) of the first passage from a review section ("…发展成就"), 99 when none."""
    c = retriever.corpus
    hits = retriever.search(question, 10)
    return next((n for n, h in enumerate(hits, 1) if c.is_review[c.chunks.index(h.chunk)]), 99)


def test_a_question_about_the_past_brings_the_review_section_forward(retriever):
    from dataclasses import replace

    flat = HybridRetriever(retriever.corpus, replace(retriever.p, tense_bonus=0.0))
    past = "振安区过去五年家庭医生签约服务做到了什么程度？"
    # Brought among the five passages an answer reads (coverage_passages), from further down.
    assert _first_review(retriever, past) <= 5 and _first_review(retriever, past) < _first_review(flat, past)
    # Asked what is planned, no review passage is brought forward.
    planned = "振安区到2025年要把家庭医生签约服务做到什么程度？"
    assert _first_review(retriever, planned) >= _first_review(flat, planned)


def test_a_follow_up_is_searched_with_the_question_it_continues(retriever):
    # "具体由谁来建？" names no topic; the question before it (智慧住院) does, read by both searches.
    before = "滨海新区今年建不建智慧住院？"
    alone = retriever.find("滨海新区具体由谁来建？", 3)
    carried = retriever.find("滨海新区具体由谁来建？", 3, context=before, carried=before)
    assert "智慧住院" in carried.hits[0].chunk.text
    assert "智慧住院" not in alone.hits[0].chunk.text


def test_meaning_search_finds_a_long_passage_by_one_of_its_sentences(retriever):
    # One clause of a long passage about the plan's weaknesses: the passage's own vector averages all it
    # says, its sentence's vector is the clause's (both stores: the sentences live in the build folder).
    import numpy as np

    c = retriever.corpus
    ask = "中医药发展基础还比较薄弱，特色优势发挥还不充分"
    at = next(i for i, ch in enumerate(c.chunks) if ask in ch.text)

    def rank(scores: np.ndarray) -> int:
        return int((scores > scores[at]).sum()) + 1

    assert rank(c.dense_scores(ask, None, 0.5)) == 1
    assert rank(c.dense_scores(ask)) > 1
    # Routed to its plan, the same: the sentences of the allowed passages only are scored.
    mask = c.of_docs(["yongqiao"])
    assert rank(np.where(mask, c.dense_scores(ask, mask, 0.5), -1)) == 1
