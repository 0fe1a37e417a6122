"""A question about a plan document itself (when it was issued, its number, whom it was sent to, who
issued it) is answered from the document's front matter, or declined, saying its text does not give
it; a question about something the plan does is not one."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.docfacts import front_matter, issue_line
from question.analysis import DocFact
from question.document import document_facts
from question.lexicon import shipped

_NOTICE = "甲县卫生局关于印发某计划的通知\n各乡镇，各院：\n现将计划印发给你们。\n\n甲县卫生局\n2020年5月6日\n（此件公开）\n一、目标"


def test_the_date_line_and_its_signer_are_read_from_a_notice_or_a_colophon():
    assert issue_line(_NOTICE) == ("甲县卫生局", "2020年5月6日")
    assert issue_line("正文。\n乙区卫生健康委员会        2022年11月3日印发\n") == ("乙区卫生健康委员会", "2022年11月3日")
    # A sentence above the date signs nothing; a deadline inside a sentence is no date line.
    assert issue_line("请各单位按时上报。\n2020年5月6日") == ("", "2020年5月6日")
    assert issue_line("2021年6月30日前完成验收。\n到2025年底建成。") is None


def test_an_ask_about_the_document_alone_asks_its_facts():
    words, names = shipped().document_words, ["乙区", "乙区规划"]
    titles = ["乙区卫生健康事业发展“十四五”规划"]
    assert document_facts("乙区规划是哪一天正式发布的？", words, names, titles) == (DocFact.DATE,)
    assert document_facts("此文何时下发？", words, names, titles) == (DocFact.DATE,)
    # A topic besides the document: when something in it is done, not when it was issued.
    assert document_facts("乙区什么时候发布体检补贴的办法？", words, names, titles) == ()
    assert document_facts("乙区规划是谁印发的？", words, names, titles) == (DocFact.SIGNER,)
    assert document_facts("这份规划何时下发？文号呢？", words, names, titles) == (DocFact.DATE, DocFact.NUMBER)
    assert document_facts("乙区规划下发到了哪些单位？", words, names, titles) == (DocFact.ADDRESSEES,)
    assert document_facts("乙区规划由谁负责落实家庭医生签约？", words, names, titles) == ()


def test_a_notices_front_matter_gives_its_number_addressees_signer_and_date():
    notice = "甲卫发〔2020〕12号\n\n" + _NOTICE
    assert front_matter(notice) == {DocFact.NUMBER: "甲卫发〔2020〕12号", DocFact.ADDRESSEES: "各乡镇，各院",
                                    DocFact.SIGNER: "甲县卫生局", DocFact.DATE: "2020年5月6日"}
    # A plan's own text, with no front matter, states none of them.
    assert front_matter("一、总体要求\n到2025年，各乡镇卫生院达标。\n") == {}


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


def test_the_number_and_addressees_are_quoted_from_the_notice_and_a_plan_without_them_is_declined(assistant):
    ans = assistant.answer("补短板计划（滨海）发文字号及主送单位？")
    assert not ans.refused and "津滨政办发〔2021〕7号" in ans.text and "各开发区管委会" in ans.text, ans.text
    assert all(c.chunk.doc_id == "binhai" for c in ans.citations)
    ans = assistant.answer("埇桥卫生规划文号？")
    assert ans.refused and "没有写明文号" in " ".join(ans.notes), (ans.text, ans.notes)
