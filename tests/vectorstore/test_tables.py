"""Rebuilding the plans' indicator tables: a row read alone must say what, when and how much."""

from __future__ import annotations

from pathlib import Path

import pytest
from plancorpus import PLAN_IDS, Plan

from vectorstore.clean import clean_text, strip_markers
from vectorstore.load import load_file
from vectorstore.structure import parse
from vectorstore.tables import Table, build_table, clock_to_ratio, render_row

# Verified by reading the files: the rows of each indicator table, header and category rows excluded.
ROWS = {"dongli": 14, "yongqiao": 25, "zhenan": 30, "binhai": 0, "tianjin-primary": 0}
TABLES = {"dongli": 1, "yongqiao": 1, "zhenan": 1, "binhai": 0, "tianjin-primary": 0}


def grid(p: Plan) -> Table:
    tables = [b.table for b in p.parsed.blocks if b.table is not None and b.table.kind == "grid"]
    assert len(tables) == 1
    return tables[0]


def source_row_count(raw: str) -> int:
    """Rows as the export wrote them: blank-line groups with at least two cell lines, less one
    header per table (a category row such as '健康水平' has one cell and a 专栏 box one column)."""
    groups = "\n".join(strip_markers(line) for line in raw.split("\n")).split("\n\n")
    multi = [g for g in groups if sum(line.startswith("\t") for line in g.split("\n")) >= 2]
    return max(len(multi) - 1, 0)


@pytest.mark.parametrize("doc_id", PLAN_IDS)
def test_rows_and_tables_per_plan(plans: dict[str, Plan], doc_id: str) -> None:
    p = plans[doc_id]
    assert source_row_count(p.raw) == ROWS[doc_id]
    assert len(p.rows) == ROWS[doc_id]
    assert len(p.tables) == TABLES[doc_id]
    if not TABLES[doc_id]:
        assert "\t" not in p.raw  # 滨海 and 天津基层 really have no table: nothing was missed
        return
    table = p.tables[0]
    assert table.meta["table_index"] == 0
    assert {r.meta["table_id"] for r in p.rows} == {table.id}
    assert [r.meta["row"] for r in p.rows] == list(range(ROWS[doc_id]))
    # The display-only whole table holds every row's figures.
    for row in grid(p).rows:
        assert "｜".join(row) in table.text


@pytest.mark.parametrize(
    ("doc_id", "header", "caption", "path"),
    [
        (
            "dongli",
            ("领域", "指标", "2020年", "2025年"),
            "四、“十四五”东丽区卫生健康规划主要预期指标",
            ("第三部分“十四五”东丽区卫生健康规划指导思想、基本原则和主要目标", "四、“十四五”东丽区卫生健康规划主要预期指标"),
        ),
        (
            "yongqiao",
            ("指标", "2020年", "2025年", "属性"),
            "“十四五”时期卫生健康事业发展主要指标",
            ("第二章  总体思路", "第三节  发展目标"),
        ),
        (
            "zhenan",
            ("指标类别", "指标名称", "2025年目标", "指标性质"),
            "“十四五”时期卫生健康发展主要指标",
            ("二、“十四五”时期发展总体要求", "（四）“十四五”时期发展目标"),
        ),
    ],
)
def test_header_caption_and_section_of_each_table(
    plans: dict[str, Plan], doc_id: str, header: tuple[str, ...], caption: str, path: tuple[str, ...]
) -> None:
    p = plans[doc_id]
    table = grid(p)
    assert table.header == header
    assert table.caption == caption
    for chunk in [*p.rows, *p.tables]:
        assert chunk.section_path == path
        assert chunk.meta["caption"] == caption
    for row in p.rows:
        assert row.text.startswith(caption + "｜")  # retrieved alone, a row still names its table
        assert row.meta["header"] == "｜".join(header)


def test_dongli_life_expectancy_row(plans: dict[str, Plan]) -> None:
    row = plans["dongli"].row("人均期望寿命（岁）")
    assert row.text == "四、“十四五”东丽区卫生健康规划主要预期指标｜健康水平｜人均期望寿命（岁）｜2020年：81.15｜2025年：82"
    assert grid(plans["dongli"]).rows[0] == ("健康水平", "人均期望寿命（岁）", "81.15", "82")


def test_dongli_merged_field_cells_are_carried_down(plans: dict[str, Plan]) -> None:
    table = grid(plans["dongli"])
    fields = {row[1]: row[0] for row in table.rows}
    assert fields["婴儿死亡率（‰）"] == "健康水平"
    assert fields["医护比"] == "健康服务提供"
    assert fields["医院床位综合使用率"] == "健康服务结果"
    assert [row[0] for row in table.rows].count("健康水平") == 4
    assert "｜健康水平｜婴儿死亡率（‰）｜2020年：3.03｜2025年：<3.03" in plans["dongli"].row("婴儿死亡率（‰）").text


def test_yongqiao_beds_row(plans: dict[str, Plan]) -> None:
    row = plans["yongqiao"].row("每千常住人口床位数（张）")
    assert row.text.endswith("｜资源配置｜每千常住人口床位数（张）｜2020年：6.86｜2025年：6.9｜属性：约束性")
    table = grid(plans["yongqiao"])
    i = [r[0] for r in table.rows].index("每千常住人口床位数（张）")
    assert table.rows[i] == ("每千常住人口床位数（张）", "6.86", "6.9", "约束性")


def test_yongqiao_category_rows_become_the_group_of_the_rows_below(plans: dict[str, Plan]) -> None:
    table = grid(plans["yongqiao"])
    by_indicator = dict(zip((r[0] for r in table.rows), table.groups, strict=True))
    assert by_indicator["人均预期寿命（岁）"] == "健康水平"
    assert by_indicator["15岁以上人群吸烟率（%）"] == "健康生活"
    assert by_indicator["每千常住人口床位数（张）"] == "资源配置"
    assert by_indicator["产前筛查率（%）"] == "健康服务"
    assert by_indicator["个人卫生支出占卫生总费用比例（%）"] == "健康保障"
    assert list(dict.fromkeys(table.groups)) == ["健康水平", "健康生活", "资源配置", "健康服务", "健康保障"]
    # A category is no row of its own: no row is just '健康水平' with empty figures.
    assert not [r for r in table.rows if r[0] in set(table.groups)]
    assert "【资源配置】" in plans["yongqiao"].tables[0].text


def test_zhenan_two_line_cell_is_one_cell_carried_down(plans: dict[str, Plan]) -> None:
    table = grid(plans["zhenan"])
    assert table.rows[0] == ("健康水平和健康保障", "人均预期寿命", "≥80岁", "预期性")
    assert table.rows[1] == ("健康水平和健康保障", "健康预期寿命", "同比例提高", "预期性")
    assert [r[0] for r in table.rows[:6]] == ["健康水平和健康保障"] * 6
    row = plans["zhenan"].row("健康预期寿命")
    assert row.text == "“十四五”时期卫生健康发展主要指标｜健康水平和健康保障｜健康预期寿命｜2025年目标：同比例提高｜指标性质：预期性"
    assert not [c for c in plans["zhenan"].rows if "｜健康保障｜" in c.text or "健康水平和｜" in c.text]


def test_zhenan_three_line_cell_is_one_value(plans: dict[str, Plan]) -> None:
    row = plans["zhenan"].row("儿童青少年总体近视率")
    assert "2025年目标：力争每年下降0.5个百分点｜指标性质：约束性" in row.text


@pytest.mark.parametrize(("col", "shown", "original"), [(2, "1:0.7", "01:00.7"), (3, "1:0.9", "01:00.9")])
def test_ratio_cells_word_turned_into_times_read_as_ratios(
    plans: dict[str, Plan], col: int, shown: str, original: str
) -> None:
    table = grid(plans["dongli"])
    i = [r[1] for r in table.rows].index("医护比")
    assert table.rows[i][col] == shown
    assert table.originals[i][col] == original
    text = plans["dongli"].row("医护比").text
    assert f"{table.header[col]}：{shown}（原表格显示为“{original}”）" in text
    assert original in text  # a reader comparing with the published table still finds it


@pytest.mark.parametrize("doc_id", ["dongli", "yongqiao", "zhenan"])
def test_row_offsets_point_at_the_row_in_the_cleaned_text(plans: dict[str, Plan], doc_id: str) -> None:
    p = plans[doc_id]
    table = grid(p)
    for chunk, row, orig in zip(p.rows, table.rows, table.originals, strict=True):
        span = p.cleaned[chunk.start : chunk.end]
        label = row[1] if doc_id != "yongqiao" else row[0]
        assert p.cleaned[chunk.start - 1] == "\t"  # starts at the row's first cell ...
        assert label in span
        assert span.split("\n")[-1] == "\t" + orig[-1]  # ... and ends with its last one, whole


@pytest.mark.parametrize(
    ("cell", "ratio"),
    [
        ("01:00.9", "1:0.9"),
        ("01:00.7", "1:0.7"),
        (" 01:00.5 ", "1:0.5"),
        ("01:01.5", "1:1.5"),
        ("1:02", "1:2"),
        ("01:00.25", "1:0.25"),
        ("81.15", None),
        ("1:0.9", None),  # already a ratio: left as it is
        ("≥80岁", None),
        ("2020年", None),
        ("", None),
        ("01:00.9元", None),
    ],
)
def test_clock_to_ratio(cell: str, ratio: str | None) -> None:
    assert clock_to_ratio(cell) == ratio


def test_render_row_labels_values_and_skips_empty_cells() -> None:
    lines = ["\t指标", "\t2020年", "\t2025年", "\t属性", "", "\t医护比", "\t01:00.7", "\t", "\t预期性"]
    offsets = []
    off = 0
    for line in lines:
        offsets.append((off, line))
        off += len(line) + 1
    table = build_table(offsets, "主要指标")
    assert table.rows == (("医护比", "1:0.7", "", "预期性"),)
    assert render_row(table, 0) == "主要指标｜医护比｜2020年：1:0.7（原表格显示为“01:00.7”）｜属性：预期性"


def test_word_table_with_merged_title_row_rebuilds_as_the_plan_text(dongli_docx: Path, plans: dict[str, Plan]) -> None:
    """The .docx excerpt: the title merged over all columns is the caption, not the header."""
    parsed = parse(clean_text(load_file(dongli_docx).text))
    tables = [b.table for b in parsed.blocks if b.table is not None and b.table.kind == "grid"]
    assert len(tables) == 1
    table = tables[0]
    assert table.caption == "“十四五”东丽区卫生健康规划主要预期指标"
    assert table.header == ("领域", "指标", "2020年", "2025年")
    assert table.rows == grid(plans["dongli"]).rows  # the same 14 rows as the plan's own text
    assert render_row(table, 0) == "“十四五”东丽区卫生健康规划主要预期指标｜健康水平｜人均期望寿命（岁）｜2020年：81.15｜2025年：82"
