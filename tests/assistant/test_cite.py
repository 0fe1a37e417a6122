"""Citation and number checks on real plan passages."""

from __future__ import annotations

import pytest

from assistant.cite import check_answer, is_refusal, numbers

DONGLI_ROW = "“十四五”东丽区卫生健康规划主要预期指标｜健康水平｜人均期望寿命（岁）｜2020年：81.15｜2025年：82"
YONGQIAO_ROW = "“十四五”时期卫生健康事业发展主要指标｜资源配置｜每千常住人口床位数（张）｜2020年：6.86｜2025年：6.9｜属性：约束性"
BINHAI_ITEM = (
    "1.新建2家社区卫生服务中心。积极新建杭州道街、新城镇社区卫生服务中心，杭州道街社区卫生服务中心在确定资金来源、"
    "完成初步设计及施工招标后，争取年内具备开工条件。（责任单位：区卫生健康委、区财政局、区住房建设委、区政务服务办）"
)


def test_numbers_copied_from_the_cited_passage_pass_and_citations_are_renumbered():
    c = check_answer("东丽区2025年人均期望寿命目标为82岁[2]。", [YONGQIAO_ROW, DONGLI_ROW])
    assert c.text == "东丽区2025年人均期望寿命目标为82岁[1]。"
    assert c.order == (2,)
    assert not c.removed and not c.refused


def test_a_number_in_no_cited_passage_removes_its_sentence():
    c = check_answer("东丽区目标为82岁[1]。埇桥区目标为80岁[2]。", [DONGLI_ROW, YONGQIAO_ROW])
    assert "80岁" not in c.text
    assert c.removed == ("埇桥区目标为80岁[2]。",)
    assert c.order == (1,)


def test_a_number_must_stand_whole_in_the_passage():
    # "8" is not in "82" or "81.15": a model that writes 8 invented it.
    c = check_answer("目标为8岁[1]。", [DONGLI_ROW])
    assert c.removed and c.text == ""


def test_citation_to_a_passage_not_given_is_dropped():
    c = check_answer("新建2家社区卫生服务中心[1][7]。", [BINHAI_ITEM])
    assert c.invalid == (7,)
    assert c.text == "新建2家社区卫生服务中心[1]。"


def test_marks_to_a_passage_that_does_not_support_the_sentence_are_dropped():
    c = check_answer("滨海新区今年新建2家社区卫生服务中心[1][2]。", [BINHAI_ITEM, DONGLI_ROW])
    assert c.text == "滨海新区今年新建2家社区卫生服务中心[1]。" and c.order == (1,)
    # Each passage holding one of the sentence's figures keeps its mark.
    both = check_answer("床位6.9张，期望寿命82岁[1][2]。", [DONGLI_ROW, YONGQIAO_ROW])
    assert both.order == (1, 2)


def test_a_sentence_copied_from_another_passage_gets_that_passages_mark():
    achieved = ("三是卫生应急工作更加有力。依托区属医疗卫生机构组建了区级的卫生应急队伍2大类2支20人和涵盖多个专业工作组的"
                "市级专家咨询委员会，保证了突发公共事件卫生应急处置的专业技术能力支撑。")
    action = ("20.深入开展健康振安行动 完善专项行动组，组建健康振安行动专家咨询委员会，为实施健康振安行动提供专业技术支持，"
              "推动健康丹东各个专项行动深入开展。")
    c = check_answer("组建健康振安行动专家咨询委员会，为实施健康振安行动提供专业技术支持[1]。", [achieved, action])
    assert c.order == (2,) and c.text.endswith("[1]。")
    # A sentence that does come from the passage it cites keeps its mark.
    kept = check_answer("依托区属医疗卫生机构组建了市级专家咨询委员会[1]。", [achieved, action])
    assert kept.order == (1,)


def test_marks_standing_alone_after_the_last_sentence_are_dropped():
    c = check_answer("东丽区2025年人均期望寿命目标为82岁[1]。[1][2]", [DONGLI_ROW, YONGQIAO_ROW])
    assert c.text == "东丽区2025年人均期望寿命目标为82岁[1]。" and c.order == (1,)


def test_order_of_first_use_and_duplicate_marks():
    c = check_answer("床位6.9张[2][2]，期望寿命82岁[1]。", [DONGLI_ROW, YONGQIAO_ROW])
    assert c.text == "床位6.9张[1]，期望寿命82岁[2]。"
    assert c.order == (2, 1)


def test_numbers_from_the_question_are_not_flagged():
    c = check_answer("您问的2035年目标，规划中未提及；2025年目标为82岁[1]。", [DONGLI_ROW], question="2035年目标是多少")
    assert "2035" in c.text


@pytest.mark.parametrize("text", ["规划文件中未找到相关内容。", "规划文件中未找到相关内容"])
def test_refusal_is_recognised(text):
    assert is_refusal(text)
    assert check_answer(text, [DONGLI_ROW]).refused


def test_numbers_skip_citation_marks_and_list_markers():
    assert numbers("1. 到2025年达到2.8人[3]") == ["2025", "2.8"]


def test_uncited_sentences_get_the_passage_that_supports_them():
    from assistant.cite import attribute

    out = attribute("东丽区2025年人均期望寿命目标是82岁。埇桥床位目标6.9张。", [DONGLI_ROW, YONGQIAO_ROW])
    assert out == "东丽区2025年人均期望寿命目标是82岁[1]。埇桥床位目标6.9张[2]。"


def test_a_figure_only_one_passage_holds_attributes_the_sentence_to_it():
    from assistant.cite import attribute

    rows = ["健康服务提供·每千常住人口医疗卫生机构床位数（张）：2020年 2.16，2025年 2.6",
            "1.每千人口执业医师数提高到2.8的水平；"]
    # Few words in common ("病床数" for "床位数"), but 2.6 stands only in the first row.
    assert attribute("东丽十四五期间每千人口病床数打算提到2.6张。", rows) == "东丽十四五期间每千人口病床数打算提到2.6张[1]。"


def test_a_decimal_at_the_start_of_a_line_is_a_figure_not_a_list_marker():
    assert numbers("2.6张[1]") == ["2.6"] and numbers("2.新建社区医院") == []
    c = check_answer("2.6张[1]", ["健康服务提供·每千常住人口医疗卫生机构床位数（张）：2020年 2.16，2025年 2.6"])
    assert c.text == "2.6张[1]" and not c.removed


def test_words_echoed_from_the_question_do_not_count_as_support():
    from assistant.cite import attribute

    q = "滨海补短板计划的重点问题中，第三条说的是啥？"
    passages = ["3.龙头医院建设亟待加强。第五中心医院基础设施急需改善、学科建设管理需要强化。", "一、工作目标 着力解决制约卫生健康事业发展的基础性、紧迫性问题。"]
    out = attribute("滨海补短板计划的重点问题中，第三条说的是“龙头医院建设亟待加强”。", passages, question=q)
    assert out.endswith("[1]。")


def test_unsupported_sentence_stays_uncited_and_is_then_removed():
    from assistant.cite import attribute

    out = attribute("东丽区目标是99岁。", [DONGLI_ROW])
    assert "[" not in out
    assert check_answer(out, [DONGLI_ROW]).removed


ZHENAN_BASE = "截至2020年底，全区共有医疗卫生机构132个，其中医院5家，实有床位450张。"


@pytest.mark.parametrize(("answer", "expected"), [
    ("振安区有132家医疗卫生机构[1]。", "振安区有132个医疗卫生机构[1]。"),  # the plan says 132个
    ("医院5所[1]。", "医院5家[1]。"),
    ("床位450张[1]。", "床位450张[1]。"),  # already as written
    ("共有机构132个，医院5家[1]。", "共有机构132个，医院5家[1]。"),
])
def test_measure_words_are_copied_from_the_plan(answer, expected):
    assert check_answer(answer, [ZHENAN_BASE]).text == expected
