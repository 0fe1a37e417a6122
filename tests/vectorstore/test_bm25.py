"""The keyword index's words: a plan's own rate names stay whole in questions."""

from __future__ import annotations

from vectorstore.bm25 import Tokenizer, corpus_terms


def test_a_rate_the_plans_state_with_its_figure_is_one_word() -> None:
    terms = corpus_terms(["到2025年，居民签约率达到80%，孕产妇系统管理率保持在90%以上。"])
    assert {"签约率", "管理率"} <= set(terms)
    words = Tokenizer(terms).tokens("家庭医生签约率定了多少？")
    assert "签约率" in words and "率定" not in words
    assert "率定" in Tokenizer().tokens("家庭医生签约率定了多少？")  # what the general dictionary does


def test_the_streets_a_plan_lists_before_a_centre_are_words_but_not_one_holding_a_plans_name() -> None:
    terms = corpus_terms(["西部以区中医院带动柳林堡、青河湾、河西湖街社区卫生服务中心的发展。"], ["河西", "河西区"])
    assert {"柳林堡", "青河湾"} <= set(terms) and "河西湖" not in terms
    assert "柳林堡" in Tokenizer(terms).tokens("我家在柳林堡街")
    assert "河西" in Tokenizer(terms).tokens("河西湖街的社区医院")  # still a question about the 河西 plan
