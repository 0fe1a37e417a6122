"""Reading a question: which plans it names, and whether it asks about the past or the plan."""

from __future__ import annotations

import pytest

from vectorstore.query import QueryAnalyzer, tense


@pytest.mark.parametrize(("question", "expected"), [
    ("十三五期间东丽区的人均寿命提高了几岁？", "past"),
    ("丹东振安目前人均寿命是多少岁？", "past"),
    ("2020年埇桥区居民平均能活多少岁？", "past"),
    ("东丽十三五期间实际签了多少人", "past"),
    ("宿州埇桥规划的2025年人均预期寿命是多少岁？", "future"),
    ("丹东振安里老年人健康管理率要达到多少？", "future"),
    ("振安区十四五期间的孕产妇死亡率目标是多少？", "future"),
    ("东丽区每千人口注册护士数目前多少，到2025年呢？", ""),  # asks both
    ("家庭医生签约先覆盖哪些人群？", ""),
    ("社区卫生服务中心下一步怎么发展？", "future"),
    ("以后村卫生室怎么建？", "future"),
    ("区中医院往后能评上三甲不？", "future"),
    ("接下来社区卫生服务站还建不建？", "future"),
])
def test_tense_of_a_question(question, expected):
    assert tense(question) == expected


def test_a_routed_search_reads_the_question_without_the_plans_names():
    from vectorstore.types import DocMeta

    docs = [DocMeta(doc_id="dongli", source="d.txt", title="天津市东丽区卫生健康事业发展“十四五”规划",
                    district="东丽区", city="天津市", aliases=("东丽", "东丽规划"))]
    qa = QueryAnalyzer(docs)
    text = qa.without_names("天津市东丽区卫生健康事业发展“十四五”规划对中医馆有什么安排？", ("dongli",))
    assert "中医馆" in text and "东丽" not in text and "卫生健康事业发展" not in text
    assert qa.without_names("东丽规划的中医馆", ("zhenan",)) == "东丽规划的中医馆"


def test_a_list_written_with_enumeration_commas_finds_its_joined_synonym():
    """The lexicon writes a list's joined form ("老人小孩"); a question writes it "老人、小孩"."""
    qa = QueryAnalyzer([], synonyms=[("一老一小", "老人小孩")])
    assert "一老一小" in qa.analyze("社区对老人、小孩有什么服务？").expansions
    assert qa.analyze("社区对老人有什么服务？").expansions == ()


def test_a_lexicon_phrase_written_with_a_de_between_its_words_is_found():
    """"新生儿疾病的筛查" says the lexicon's "新生儿疾病筛查"; a short word is not found across 的."""
    qa = QueryAnalyzer([], synonyms=[("新生儿疾病筛查", "足跟血"), ("患者", "病人")])
    assert "足跟血" in qa.analyze("有没有新生儿疾病的筛查？").expansions
    assert qa.analyze("得了这个毛病的人怎么办？").expansions == ()
