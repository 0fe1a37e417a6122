"""A question about when a plan document was issued is answered from the document's own date line,
or declined, saying its text gives no date; a question about something the plan does is not one."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.docfacts import issue_line
from question.lexicon import shipped
from question.scope import asks_issue_date

_NOTICE = "甲县卫生局关于印发某计划的通知\n各乡镇：\n现将计划印发给你们。\n\n甲县卫生局\n2020年5月6日\n（此件公开）\n一、目标"


def test_the_date_line_and_its_signer_are_read_from_a_notice_or_a_colophon():
    assert issue_line(_NOTICE) == ("甲县卫生局", "2020年5月6日")
    assert issue_line("正文。\n乙区卫生健康委员会        2022年11月3日印发\n") == ("乙区卫生健康委员会", "2022年11月3日")
    # A sentence above the date signs nothing; a deadline inside a sentence is no date line.
    assert issue_line("请各单位按时上报。\n2020年5月6日") == ("", "2020年5月6日")
    assert issue_line("2021年6月30日前完成验收。\n到2025年底建成。") is None


def test_an_ask_about_the_document_alone_asks_its_date():
    words, names = shipped().document_words, ["乙区", "乙区规划"]
    titles = ["乙区卫生健康事业发展“十四五”规划"]
    assert asks_issue_date("乙区规划是哪一天正式发布的？", words, names, titles)
    assert asks_issue_date("此文何时下发？", words, names, titles)
    # A topic besides the document: when something in it is done, not when it was issued.
    assert not asks_issue_date("乙区什么时候发布体检补贴的办法？", words, names, titles)
    assert not asks_issue_date("乙区规划是谁印发的？", words, names, titles)  # no date asked


@pytest.fixture(scope="module")
def assistant(full_index: Path):
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    return Assistant(Settings(data_dir=full_index, llm_mode="extractive"))


def test_the_issue_date_is_quoted_from_the_plan_and_a_plan_without_one_is_declined(assistant):
    ans = assistant.answer("滨海搞的补短板工作计划，下发日期具体是？")
    assert not ans.refused and "2021年3月14日" in ans.text, ans.text
    assert [c.chunk.doc_id for c in ans.citations] == ["binhai"] and "2021年3月14日" in ans.citations[0].chunk.text
    # After a turn about the plan, "它" is that plan.
    turns = [{"role": "user", "content": "东丽那个卫生规划由谁编制？"},
             {"role": "assistant", "content": "由天津市东丽区卫生健康委员会印发。"}]
    ans = assistant.answer("它是哪一天发布的？", turns)
    assert "2021年8月31日" in ans.text and ans.citations[0].chunk.doc_id == "dongli", ans.text
    ans = assistant.answer("振安区这个卫生规划具体是哪天发布的？")
    assert ans.refused and "没有写明印发日期" in " ".join(ans.notes), (ans.text, ans.notes)
