"""Answers from the indicator store through the whole answer path (the session's five-plan index,
no model): figures copied from their cells, every line cited to its row, precise declines."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.pipeline import Assistant
from assistant.settings import Settings
from vectorstore.retrieve import Filters


@pytest.fixture(scope="module")
def assistant(full_index: Path) -> Assistant:
    return Assistant(Settings(data_dir=full_index, llm_mode="extractive"), chat=None)


def _rows(ans) -> list[str]:
    return [c.chunk.doc_id for c in ans.citations if c.chunk.kind == "table_row"]


def test_a_plans_figure_is_its_row_with_its_columns_unit(assistant: Assistant) -> None:
    a = assistant.answer("请问东丽规划里每千常住人口注册护士数到2025年定为多少人？")
    assert a.generator == "indicators" and not a.refused
    assert "2020年 1.59人，2025年 2.5人[1]" in a.text and _rows(a) == ["dongli"]
    assert "注册护士" in a.citations[0].chunk.text


def test_baseline_against_target_says_up_or_down_and_by_how_much(assistant: Assistant) -> None:
    a = assistant.answer("埇桥的每千常住人口注册护士数，2025年目标比2020年多了多少？")
    assert "2020年 2.89" in a.text and "2025年 3.1" in a.text and "提高0.21人" in a.text
    b = assistant.answer("东丽婴儿死亡率2025年的目标和2020年比是升还是降？")
    assert "<3.03" in b.text and "低于基数" in b.text and "上限" in b.text  # a bound, not a figure


def test_two_plans_set_against_each_other_give_each_plans_figure(assistant: Assistant) -> None:
    a = assistant.answer("埇桥和东丽对比一下：人均预期寿命各要到多少岁？")
    assert sorted(_rows(a)) == ["dongli", "yongqiao"] and "82岁" in a.text and "78.2" in a.text
    assert "基数" not in a.text  # the plans are compared, not each target with its baseline
    b = assistant.answer("东丽区人均预期寿命，目标跟基数对比一下呢？")
    assert "提高0.85岁" in b.text and _rows(b) == ["dongli"]


def test_a_category_is_listed_whole_each_row_cited(assistant: Assistant) -> None:
    a = assistant.answer("振安主要指标表中“妇幼健康”这一类列了哪几项？")
    lines = [ln for ln in a.text.splitlines() if ln.startswith("- ")]
    assert len(lines) == 6 == len(a.citations) and _rows(a) == ["zhenan"] * 6
    assert all(f"[{i}]" in ln for i, ln in enumerate(lines, 1))
    assert "0-6岁儿童健康管理率" in a.text and "每千人口3岁以下婴幼儿托位数" in a.text


def test_every_indicator_of_an_attribute_and_a_count(assistant: Assistant) -> None:
    a = assistant.answer("埇桥的主要指标里有哪些属于预期性指标？")
    assert "共17项" in a.text and len(a.citations) == 17 and all("预期性" in c.chunk.text for c in a.citations)
    n = assistant.answer("东丽的主要指标表一共有几项指标？")
    assert "共14项" in n.text and len(n.citations) == 14 and "【健康服务结果】" in n.text


def test_no_plan_named_gives_each_plans_figure_and_names_the_plans_without_it(assistant: Assistant) -> None:
    a = assistant.answer("每千常住人口注册护士数各区的目标是多少？")
    assert sorted(_rows(a)) == ["dongli", "yongqiao", "zhenan"]
    assert all(x in a.text for x in ("≥3.8", "3.1", "2.5")) and "未设定该指标：滨海新区、天津市" in a.text
    assert a.text.index("≥3.8") < a.text.index("3.1") < a.text.index("2.5")  # sorted by target


def test_the_highest_or_lowest_with_the_comparison_it_rests_on(assistant: Assistant) -> None:
    a = assistant.answer("三个区里哪个区的每千常住人口注册护士数目标最低？")
    assert a.text.startswith("按目标值比较，东丽区最低（2.5）") and "上下限" in a.text  # '≥3.8' is a floor
    b = assistant.answer("孕产妇死亡率的目标哪个区最高？")
    assert "单位不同" in b.text and "最高" not in b.text.split("。")[0]  # ‰ against /10万: no ranking


def test_precise_declines_show_the_row(assistant: Assistant) -> None:
    blank = assistant.answer("埇桥2020年的个人卫生支出占卫生总费用比例是多少？")
    assert blank.refused and "“——”" in blank.notes[0] and not blank.citations
    assert blank.nearby and "个人卫生支出" in blank.nearby[0].chunk.text
    year = assistant.answer("东丽2023年每千常住人口注册护士数是多少？")
    assert year.refused and "未列出2023年的数值" in year.notes[0]
    unmarked = assistant.answer("东丽哪些指标是约束性的？")
    assert unmarked.refused and "未标注约束性或预期性" in unmarked.notes[0]


def test_what_the_store_cannot_settle_goes_to_retrieval(assistant: Assistant) -> None:
    a = assistant.answer("天津基层规划里每千常住人口注册护士数的目标是多少？")  # that plan sets no such figure
    assert a.generator != "indicators"
    b = assistant.answer("东丽区有哪些社区卫生服务中心要新建？")  # no indicator at all
    assert b.generator != "indicators"


def test_a_follow_up_keeps_the_indicator_and_changes_the_plan(assistant: Assistant) -> None:
    hist = [{"role": "user", "content": "东丽规划里每千常住人口注册护士数2025年定为多少？"},
            {"role": "assistant", "content": "东丽区规划：每千常住人口注册护士数（人）：2020年 1.59，2025年 2.5[1]"}]
    a = assistant.answer("那振安呢？", hist)
    assert a.generator == "indicators" and "≥3.8" in a.text and _rows(a) == ["zhenan"]


def test_a_name_written_in_full_is_its_row_not_one_its_synonyms_also_name(assistant: Assistant) -> None:
    # "预期寿命" is a synonym of "人均预期寿命"; the question writes another row's whole name around it.
    a = assistant.answer("振安规划给健康预期寿命设了什么目标值？")
    assert a.generator == "indicators" and "健康预期寿命" in a.text and "同比例提高" in a.text, a.text
    assert "人均预期寿命" not in a.text, a.text


def test_request_filters_and_reply_drafts(assistant: Assistant) -> None:
    a = assistant.answer("每千常住人口注册护士数的目标是多少？", filters=Filters(doc_ids=("yongqiao",)))
    assert _rows(a) == ["yongqiao"] and "未设定" not in a.text
    r = assistant.answer("请问东丽规划里每千常住人口注册护士数到2025年定为多少人？", reply=True)
    assert r.text.startswith("您好") and "2.5" in r.text and r.citations


def test_a_plans_indicators_are_its_table_unless_a_topic_the_table_lacks_is_named(assistant: Assistant) -> None:
    whole = assistant.answer("东丽规划的主要指标都有哪些？")
    assert whole.generator == "indicators" and "人均期望寿命" in whole.text and "医护比" in whole.text
    # 中医 targets are in the plan's prose; no row of its table is about 中医药服务.
    topic = assistant.answer("东丽区中医药服务能力提升定了哪几条指标？")
    assert topic.generator != "indicators" and "医护比" not in topic.text, topic.text


def test_a_target_the_plan_also_writes_in_its_prose_quotes_that_sentence_too(assistant: Assistant) -> None:
    # The table writes "＞25"; the plan's own sentence "…达到25%以上" is what a reader may want to quote.
    a = assistant.answer("宿州埇桥那份规划，居民健康素养水平在2025年定到多少？")
    assert a.generator == "indicators" and "＞25%" in a.text
    prose = [ln for ln in a.text.splitlines() if ln.startswith("规划正文：")]
    assert prose and "居民健康素养水平达到25%以上" in prose[0], a.text
    n = int(prose[0].rsplit("[", 1)[1].rstrip("]"))
    cited = a.citations[n - 1].chunk
    assert cited.kind != "table_row" and "达到25%以上" in cited.text


def test_a_sentence_of_the_last_periods_review_does_not_stand_for_the_target(assistant: Assistant) -> None:
    # "婴儿死亡率保持在3.03‰以下" reviews the years before the plan; the target "<3.03" is the table's alone.
    a = assistant.answer("东丽区的婴儿死亡率，规划期末目标设的是多少？")
    assert a.generator == "indicators" and "<3.03" in a.text
    assert "规划正文" not in a.text, a.text


def test_the_prose_sentence_is_found_with_its_numerals_written_in_characters(assistant: Assistant) -> None:
    # The table names "3岁以下"; the plan's sentence writes "三岁以下".
    a = assistant.answer("宿州埇桥规划里每千人口3岁以下婴幼儿托位数，2025年的目标定了多少？")
    assert a.generator == "indicators"
    assert any(ln.startswith("规划正文：") and "三岁以下婴幼儿托位数达到千人口3.4个" in ln for ln in a.text.splitlines()), a.text


def test_a_count_of_a_plans_indicators_quotes_the_plans_own_sentence_stating_it(assistant: Assistant) -> None:
    ans = assistant.answer("振安那份规划的主要指标总共是几项？")
    assert not ans.refused and "指标共30项" in ans.text and "6类30个" in ans.text, ans.text
    assert any("6类30个" in c.chunk.text and c.chunk.kind != "table_row" for c in ans.citations)
    # A plan whose prose states no count is answered from its table alone.
    ans = assistant.answer("东丽那份规划的主要指标总共是几项？")
    assert not ans.refused and "指标共14项" in ans.text and "规划正文" not in ans.text, ans.text
