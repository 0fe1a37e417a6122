"""The keyword index's words: a plan's own rate names stay whole in questions."""

from __future__ import annotations

from vectorstore.bm25 import Tokenizer, corpus_terms


def test_a_rate_the_plans_state_with_its_figure_is_one_word() -> None:
    terms = corpus_terms(["到2025年，居民签约率达到80%，孕产妇系统管理率保持在90%以上。"])
    assert {"签约率", "管理率"} <= set(terms)
    words = Tokenizer(terms).tokens("家庭医生签约率定了多少？")
    assert "签约率" in words and "率定" not in words
    assert "率定" in Tokenizer().tokens("家庭医生签约率定了多少？")  # what the general dictionary does
