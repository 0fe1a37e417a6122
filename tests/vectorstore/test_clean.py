"""Cleaning on the real plans: what the Word export broke is mended, and nothing else changes."""

from __future__ import annotations

import pytest
from plancorpus import PLAN_IDS, Plan, source_lines

from vectorstore.clean import clean_text, strip_markers
from vectorstore.headings import is_heading

_BLANKS = " \t\u3000\u00a0\u2002\u2003"


def _lines(text: str) -> list[str]:
    return text.split("\n")


# --- bookmarks ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("doc_id", PLAN_IDS)
def test_no_bookmark_is_left_and_the_text_after_one_starts_a_line(plans: dict[str, Plan], doc_id: str) -> None:
    p = plans[doc_id]
    assert "bookmark" not in p.cleaned
    cleaned_lines = _lines(p.cleaned)
    for raw in p.raw.split("\n"):
        if "[bookmark:" in raw:
            text = strip_markers(raw)
            assert text and any(line.startswith(text) for line in cleaned_lines), raw


def test_bookmarks_in_front_of_headings_items_and_dates_go(plans: dict[str, Plan]) -> None:
    assert plans["dongli"].raw.count("[bookmark:") == 45
    lines = _lines(plans["dongli"].cleaned)
    assert "第一部分“十三五”东丽区卫生健康事业发展的主要成就" in lines
    assert "第四部分“十四五”东丽区卫生健康改革规划重点任务" in lines
    assert "四、“十四五”东丽区卫生健康规划主要预期指标" in lines  # ' [bookmark: …]' with a space before
    # '[bookmark: _GoBack]' in front of a numbered item (振安) and of a date (滨海).
    assert "43.加快康复护理和健康旅游业发展" in _lines(plans["zhenan"].cleaned)
    assert "2021年3月14日" in _lines(plans["binhai"].cleaned)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("[bookmark: _Toc1]一、总则 ", "一、总则"),
        ("[bookmark: _Toc6319613][bookmark: _Toc17833844]“十三五”期间，", "“十三五”期间，"),
        ("\u3000\u3000坚持党的全面领导。\u3000", "坚持党的全面领导。"),
        ("\t", "\t"),  # an empty (merged) table cell
        ("\t81.15 ", "\t81.15"),
        (" \t建立传染病智慧化多点触发监测预警平台。", "\t建立传染病智慧化多点触发监测预警平台。"),  # 振安 line 325
    ],
)
def test_strip_markers(line: str, expected: str) -> None:
    assert strip_markers(line) == expected


# --- broken sentences ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "做好健康扶贫成果与乡村振兴有效衔接。",
        "构建“分级、分层、分流”的重大疫情救治体系。",
        "加强饮用水、大气（雾霾）、土壤等环境健康影响监测与评价。",
        "深化卫生专业技术人员职称制度改革",
    ],
)
def test_zhenan_sentences_broken_by_word_are_joined_again(plans: dict[str, Plan], sentence: str) -> None:
    p = plans["zhenan"]
    assert sentence not in p.raw  # the export really broke it ...
    assert sentence in p.cleaned  # ... and cleaning mends it
    assert sentence in "".join(c.text for c in p.chunks_with(sentence))  # so one chunk quotes it whole


def test_a_joined_sentence_ends_its_line_where_the_plan_does(plans: dict[str, Plan]) -> None:
    lines = _lines(plans["zhenan"].cleaned)
    joined = [ln for ln in lines if "做好健康扶贫成果与乡村振兴有效衔接" in ln]
    assert len(joined) == 1
    assert joined[0].startswith("坚持强基层惠民生。")
    assert joined[0].endswith("做好健康扶贫成果与乡村振兴有效衔接。")


# --- headings -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc_id", "heading", "next_line_start"),
    [
        ("zhenan", "（二）指导思想", "深入贯彻落实党的十九大"),
        ("zhenan", "11.提升乡村健康服务能力和水平", "优化县域资源配置"),
        ("zhenan", "二、“十四五”时期发展总体要求", "（一）“十四五”时期面临的形势"),
        ("yongqiao", "第一节  “十三五”发展成就", ""),
        ("dongli", "一、有序推进医药卫生体制改革", "（一）分级诊疗"),
        ("binhai", "三、主要任务", "（一）夯实基层医疗卫生服务基础"),
        ("tianjin-primary", "1.基层疫情防控成果显著", ""),
    ],
)
def test_headings_are_not_glued_to_the_paragraph_below(
    plans: dict[str, Plan], doc_id: str, heading: str, next_line_start: str
) -> None:
    lines = _lines(plans[doc_id].cleaned)
    assert heading in lines
    if next_line_start:
        nxt = next(ln for ln in lines[lines.index(heading) + 1 :] if ln)
        assert nxt.startswith(next_line_start)


@pytest.mark.parametrize("doc_id", PLAN_IDS)
def test_every_heading_line_of_a_plan_stays_a_line_of_its_own(plans: dict[str, Plan], doc_id: str) -> None:
    raw_lines = plans[doc_id].raw.split("\n")
    headings = [
        line for raw, line in zip(raw_lines, source_lines(doc_id), strict=True)
        if not strip_markers(raw).startswith("\t") and is_heading(line)
    ]
    assert headings
    cleaned = set(_lines(plans[doc_id].cleaned))
    assert [h for h in headings if h not in cleaned] == []


# --- tables -------------------------------------------------------------------------------------------


def test_zhenan_table_cell_run_over_two_lines_is_one_line(plans: dict[str, Plan]) -> None:
    p = plans["zhenan"]
    assert "\t健康水平和\n健康保障\n" in p.raw
    lines = _lines(p.cleaned)
    assert "\t健康水平和健康保障" in lines
    assert "健康保障" not in lines


def test_cells_run_over_three_lines_are_joined_too(plans: dict[str, Plan]) -> None:
    p = plans["zhenan"]
    assert "\t力争每年\n下降0.5个\n百分点\n" in p.raw
    assert "\t力争每年下降0.5个百分点" in _lines(p.cleaned)


@pytest.mark.parametrize(("doc_id", "empty_cells"), [("dongli", 11), ("zhenan", 24), ("yongqiao", 0)])
def test_empty_table_cells_survive(plans: dict[str, Plan], doc_id: str, empty_cells: int) -> None:
    p = plans[doc_id]
    in_source = sum(strip_markers(line) == "\t" for line in p.raw.split("\n"))
    assert in_source == empty_cells
    assert _lines(p.cleaned).count("\t") == empty_cells


def test_a_blank_line_still_ends_each_table_row(plans: dict[str, Plan]) -> None:
    cleaned = plans["dongli"].cleaned
    assert "\t\n\t医护比\n\t01:00.7\n\t01:00.9\n\n\t健康服务结果\n" in cleaned


# --- faithfulness -------------------------------------------------------------------------------------


@pytest.mark.parametrize("doc_id", PLAN_IDS)
def test_cleaned_text_is_the_source_lines_only_joined(plans: dict[str, Plan], doc_id: str) -> None:
    """Every non-empty cleaned line is one source line, or consecutive ones joined, in order; no
    source text is dropped, changed or moved (so any passage can be quoted verbatim)."""
    source = [line for line in source_lines(doc_id) if line]
    i = 0
    for line in _lines(plans[doc_id].cleaned):
        want = line.strip(_BLANKS)
        if not want:
            continue
        got = ""
        start = i
        while len(got) < len(want) and i < len(source):
            got += source[i]
            i += 1
        assert got == want, f"{doc_id}: cleaned line {want[:40]!r} is not source lines {start}..{i}"
    assert i == len(source), f"{doc_id}: source text after line {i} missing from the cleaned text"


@pytest.mark.parametrize("doc_id", PLAN_IDS)
def test_cleaning_is_idempotent(plans: dict[str, Plan], doc_id: str) -> None:
    cleaned = plans[doc_id].cleaned
    assert clean_text(cleaned) == cleaned
    assert "\n\n\n" not in cleaned
    assert cleaned.endswith("\n") and not cleaned.startswith("\n")


def test_line_ends_of_windows_and_old_mac_files_are_normalised() -> None:
    text = "一、总则\r\n加强饮用水、大气（雾霾）、土壤等环境健康影响监测\r与评价。\r\n"
    assert clean_text("\ufeff" + text) == "一、总则\n加强饮用水、大气（雾霾）、土壤等环境健康影响监测与评价。\n"


def test_a_long_numbered_line_after_its_numbered_sibling_heading_is_not_glued_to_the_next() -> None:
    """'（二）…' numbering on from a short heading '（一）…' stands as a line of its own, however long;
    after a long '（一）…' paragraph a long '（二）…' line broken by Word is still joined."""
    headed = "\n".join([
        "（一）建设发热门诊",
        "二级以上医院全部设置发热门诊。",
        "（二）健全传染病监测网络，发挥信息平台作用，建立多部门协同的预警机制",
        "完成流行病学调查队伍建设。",
    ])
    assert clean_text(headed).split("\n")[2] == "（二）健全传染病监测网络，发挥信息平台作用，建立多部门协同的预警机制"
    listed = "\n".join([
        "（一）通过报刊、网络等媒体广泛宣传卫生健康政策和全区卫生健康工作的新进展。",
        "（二）积极宣传区内卫生健康主题实践活动、治庸问责、“三好一满意”等活",
        "动，营造良好氛围。",
    ])
    assert clean_text(listed).split("\n")[1].endswith("等活动，营造良好氛围。")
