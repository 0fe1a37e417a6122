"""Reading value cells and column headers: what can be known, never a wrong number."""

from __future__ import annotations

import pytest

from indicators.names import split_name
from indicators.types import Comparison, Op, Role
from indicators.values import column, parse_value, period_years, with_unit


@pytest.mark.parametrize(("cell", "expected"), [
    ("≥80岁", Comparison(Op.GE, 80.0, "岁")),
    ("≤10.5/10万", Comparison(Op.LE, 10.5, "/10万")),
    ("≤4.5‰", Comparison(Op.LE, 4.5, "‰")),
    ("27%左右", Comparison(Op.APPROX, 27.0, "%")),
    ("＜0.17%", Comparison(Op.LT, 0.17, "%")),
    ("＞78.2", Comparison(Op.GT, 78.2, "")),
    ("控制在20%以内", Comparison(Op.LE, 20.0, "%")),
    ("70以上", Comparison(Op.GE, 70.0, "")),
    ("9张左右", Comparison(Op.APPROX, 9.0, "张")),
    ("0", Comparison(Op.EQ, 0.0, "")),
    ("超过 2.8人", Comparison(Op.GT, 2.8, "人")),
])
def test_a_cell_that_states_one_comparison_is_read(cell: str, expected: Comparison) -> None:
    assert parse_value(cell) == expected


@pytest.mark.parametrize("cell", [
    "——", "", "同比例提高", "上升趋势减缓", "力争每年下降0.5个百分点", "力争每年降低1个百分点以上",
    "100、100、98.5、100", "全部达到100", "1:0.9", "01:00.9",
])
def test_a_cell_stating_no_single_level_gives_no_number(cell: str) -> None:
    assert parse_value(cell) is None


def test_the_unit_of_the_name_is_used_when_the_cell_has_none() -> None:
    assert parse_value("2.8", "人") == Comparison(Op.EQ, 2.8, "人")
    assert parse_value("≥80岁", "年") == Comparison(Op.GE, 80.0, "岁")  # the cell's own unit wins


@pytest.mark.parametrize(("header", "year", "role"), [
    ("2020年", 2020, Role.BASELINE),
    ("2025年", 2025, Role.TARGET),
    ("2025年目标", 2025, Role.TARGET),
    ("2023年", 2023, Role.OTHER),
    ("目标值", None, Role.TARGET),  # a header with no year: the target, its year unknown
    ("现状", None, Role.BASELINE),
    ("数值", None, Role.OTHER),
])
def test_columns_get_their_year_and_role_from_the_header_and_the_plans_period(header: str, year: int | None,
                                                                               role: Role) -> None:
    assert column(header, (2021, 2025)) == (year, role)


def test_periods_from_the_manifest() -> None:
    assert period_years("2021-2025") == (2021, 2025)
    assert period_years("2021") == (2021, 2021)
    assert period_years("") is None


@pytest.mark.parametrize(("name", "norm", "unit"), [
    ("人均期望寿命（岁）", "人均期望寿命", "岁"),
    ("每千常住人口执业（助理）医师数（人）", "每千常住人口执业医师数", "人"),
    ("居民健康素养水平（％）", "居民健康素养水平", "%"),
    ("孕产妇死亡率（1/10万）", "孕产妇死亡率", "1/10万"),
    ("每千人口药师（士）数", "每千人口药师数", ""),
    ("以乡（镇、街道）为单位适龄儿童免疫规划疫苗接种率", "以乡为单位适龄儿童免疫规划疫苗接种率", ""),
])
def test_names_lose_their_unit_and_qualifiers(name: str, norm: str, unit: str) -> None:
    assert split_name(name) == (norm, unit)


@pytest.mark.parametrize(("cell", "unit", "shown"), [
    ("90", "%", "90%"), ("≥70", "％", "≥70％"), ("2.6", "张", "2.6张"), ("6.21", "1/10万", "6.21/10万"),
    ("85左右", "%", "85左右"), ("——", "%", "——"), ("1:0.9", "", "1:0.9"), ("<40", "DDDs100/人天%", "<40"),
])
def test_a_bare_figure_is_shown_with_its_columns_unit_and_words_as_written(cell: str, unit: str, shown: str) -> None:
    assert with_unit(cell, unit) == shown


def test_a_period_is_named_as_plans_name_it() -> None:
    from indicators.values import five_year_name

    assert five_year_name(2021) == "十四五" and five_year_name(2016) == "十三五" and five_year_name(2011) == "十二五"
    assert five_year_name(2026) == "十五五"
    assert five_year_name(2022) == ""  # no period begins then
