"""A follow-up naming an item by its position in the list the previous answer ran together in one
sentence is asked of that item."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.positional import by_position, inline_lists

_SPECIALTIES = "东丽医院将与市里的大医院合作，做强妇产科、儿科、感染科、急诊科、危重症医学科及高级别创伤科等学科。"


def test_the_items_a_sentence_runs_together_are_read_whole_and_in_order():
    assert inline_lists(_SPECIALTIES) == [["妇产科", "儿科", "感染科", "急诊科", "危重症医学科", "高级别创伤科"]]
    assert inline_lists("这项工程包括甲村改水行动和乙镇绿化行动两部分。") == [["甲村改水行动", "乙镇绿化行动"]]
    # Departments in charge are a run of three too, but a clause of one item is no list.
    assert inline_lists("规划提出，加快建设区域医疗中心。") == []


def test_a_position_names_that_item_in_its_place():
    assert by_position("第四个学科是哪个？", _SPECIALTIES).startswith("“急诊科”")
    assert by_position("最后一个呢？", _SPECIALTIES) == "“高级别创伤科”呢？"
    assert by_position("排第五的是哪个？", _SPECIALTIES) == "“危重症医学科”是哪个？"
    pair = "这项工程包括甲村改水行动和乙镇绿化行动两部分。"
    assert by_position("后面那项行动要做什么？", pair) == "“乙镇绿化行动”要做什么？"
    assert by_position("前一个呢？", pair) == "“甲村改水行动”呢？"


def test_a_kind_named_by_its_place_among_counted_items_is_named_without_its_count():
    counted = "全县共有机构90家，其中甲类中心12家、乙类站点30家、丙类诊室48家。"
    assert by_position("第二类有几家？", counted) == "“乙类站点”有几家？"
    assert by_position("最后一个呢？", counted) == "“丙类诊室”呢？"
    assert by_position("第五类有几家？", counted) == ""  # three were given


def test_no_item_is_named_beyond_the_list_or_without_a_position():
    assert by_position("第九个是哪个？", _SPECIALTIES) == ""  # six were given
    assert by_position("急诊科要建成什么水平？", _SPECIALTIES) == ""
    assert by_position("第二个呢？", "规划提出，加快建设区域医疗中心。") == ""
    # Numbered points are counted by their numbers, not by a run inside one of them.
    numbered = "共3条：1.做强妇产科、儿科、感染科、急诊科；2.建设胸痛中心；3.建设卒中中心。"
    assert by_position("第3条是什么？", numbered) == ""


@pytest.fixture(scope="module")
def assistant(full_index: Path):
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    return Assistant(Settings(data_dir=full_index, llm_mode="extractive"))


def test_the_fourth_of_the_answers_list_is_searched_and_quoted(assistant):
    turns = [{"role": "user", "content": "东丽医院跟哪家大医院合作，主要加强哪些科？"},
             {"role": "assistant", "content": _SPECIALTIES}]
    qa = assistant.analyze("第四个学科是哪个？", turns)
    assert "急诊科" in qa.standalone and qa.plans == ("dongli",), qa.standalone
    ans = assistant.answer("第四个学科是哪个？", turns)
    assert not ans.refused and "急诊科" in ans.text, ans.text
    assert any("急诊科" in c.chunk.text for c in ans.citations)
