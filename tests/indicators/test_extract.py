"""Extraction at ingest: every indicator row of the plans' tables as a record, values verbatim,
categories carried down merged cells; targets stated in running text; odd tables read safely."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import make_fixtures as mf  # the plans' own tables, split from the raw text
import pytest
from indicatorplans import DOCS, extract_file

from indicators.types import Attribute, Origin, Role
from vectorstore.types import DocMeta

YONGQIAO = "suzhou-yongqiao-health-14th-fyp-draft.txt"
TABLES = {"dongli": (mf.DONGLI, "领域"), "yongqiao": (YONGQIAO, "指标"), "zhenan": (mf.DANDONG, "指标类别")}


def raw_rows(doc_id: str) -> list[list[str]]:
    """The indicator rows of a plan's table as its text file has them (header and category rows left out)."""
    name, first = TABLES[doc_id]
    rows = mf.table_rows(mf.table_block(name, first))
    return [r for r in rows[1:] if len(r) > 1]


@pytest.mark.parametrize(("doc_id", "count"), [("dongli", 14), ("yongqiao", 25), ("zhenan", 30)])
def test_every_indicator_row_of_the_tabled_plans_is_a_record(plans, doc_id: str, count: int) -> None:
    table = [r for r in plans[doc_id][0] if r.origin == Origin.TABLE]
    assert len(raw_rows(doc_id)) == count  # counted in the plan text itself
    assert len(table) == count and not plans[doc_id][1]
    for rec, raw in zip(table, raw_rows(doc_id), strict=True):
        assert rec.name in raw or rec.name in "".join(raw), (rec.name, raw)
        for v in rec.values:  # every value is its cell, as the export wrote it
            assert v.original in raw or v.original in "".join(raw), (v, raw)  # a cell run over lines
        chunk = next(c for c in plans[doc_id][2] if c.id == rec.chunk_id)
        assert chunk.kind == "table_row" and rec.name in chunk.text  # cited to its own row


def test_categories_follow_merged_cells(plans) -> None:
    def cats(doc_id: str) -> Counter[str]:
        return Counter(r.category for r in plans[doc_id][0] if r.origin == Origin.TABLE)

    assert cats("dongli") == {"健康水平": 4, "健康服务提供": 5, "健康服务结果": 5}
    assert cats("yongqiao") == {"健康水平": 5, "健康生活": 2, "资源配置": 6, "健康服务": 11, "健康保障": 1}
    # '健康水平和' / '健康保障' ran over two lines of one merged cell.
    assert cats("zhenan") == {"健康水平和健康保障": 6, "健康服务": 8, "妇幼健康": 6, "医疗服务": 2,
                              "医疗卫生服务体系": 5, "健康生活": 3}


def test_values_years_attributes_and_units(plans) -> None:
    by = {(r.doc_id, r.name): r for d in ("dongli", "yongqiao", "zhenan") for r in plans[d][0]}
    life = by[("dongli", "人均期望寿命（岁）")]
    assert (life.norm, life.unit, life.attribute) == ("人均期望寿命", "岁", Attribute.NONE)
    assert [(v.year, v.role, v.text) for v in life.values] == [(2020, Role.BASELINE, "81.15"), (2025, Role.TARGET, "82")]
    ratio = by[("dongli", "医护比")]
    assert [(v.text, v.original, v.comparison) for v in ratio.values] == [("1:0.7", "01:00.7", None),
                                                                          ("1:0.9", "01:00.9", None)]
    blank = by[("yongqiao", "每万人口公共卫生人员数（人）")]
    assert blank.baseline is not None and blank.baseline.blank and blank.baseline.text == "——"
    assert blank.attribute == Attribute.BINDING and blank.target is not None and blank.target.text == "8.3"
    yearly = by[("zhenan", "儿童青少年总体近视率")]
    assert yearly.target is not None and yearly.target.text == "力争每年下降0.5个百分点"
    assert yearly.target.comparison is None and yearly.baseline is None  # 振安's table has no 2020 column


def test_the_word_version_of_a_plan_gives_the_same_records(plans, metas, tmp_path: Path) -> None:
    """The 东丽 table as Word writes it (领域 merged down, a cell wrapped into two paragraphs, the
    ratio cells as clock times) is extracted exactly like the plan's text export."""
    path = tmp_path / "dongli.docx"
    mf.make_docx(path)
    found, bad, _ = extract_file(path, metas["dongli"])
    got = [(r.category, r.name, [(v.label, v.text, v.original) for v in r.values])
           for r in found if r.origin == Origin.TABLE]
    want = [(r.category, r.name, [(v.label, v.text, v.original) for v in r.values])
            for r in plans["dongli"][0] if r.origin == Origin.TABLE]
    assert got == want and not bad


def test_targets_stated_in_running_text(plans) -> None:
    primary = plans["tianjin-primary"][0]
    assert [r.values[0].text for r in primary] == ["达到90%", "达到80%", "达到80%", "达到80%", "4名"]
    assert all(r.origin == Origin.TEXT and r.values[0].year == 2025 and r.sentence.startswith("到2025年") or
               "到2025年" in r.sentence for r in primary)
    doctors = primary[-1]
    assert doctors.values[0].original == "全市每万名常住人口拥有4名全科医生" and doctors.key == "每万人口全科医生数"
    chunk = next(c for c in plans["tianjin-primary"][2] if c.id == doctors.chunk_id)
    assert doctors.values[0].original in chunk.text
    binhai = plans["binhai"][0]  # an annual plan: its year is the plan's own
    assert [(r.name, r.values[0].year, r.values[0].text) for r in binhai] == [
        ("街镇心灵驿站、社区心理咨询室建成率", 2021, "达到100%")]


def test_past_figures_in_text_are_not_targets(plans) -> None:
    texts = [r.sentence for d in plans for r in plans[d][0] if r.origin == Origin.TEXT]
    assert texts and not any("十三五" in s or "截至" in s for s in texts)
    assert not any(r.values[0].text == "保持在60%以上" for r in plans["tianjin-primary"][0])  # 十三五末 achieved


ODD = """演示区卫生健康“十四五”规划
一、主要指标
（一）目标值
\t指标
\t目标值
\t属性

\t人均预期寿命（岁）
\t≥80
\t预期性

\t医护比
\t01:00.9
\t约束性

（二）基数对照
\t指标
\t2020年
\t2025年

\t每千人口床位数（张）
\t5.1
\t6

\t孕产妇死亡率
\t8

\t居民健康素养水平（%）
\t——
\t30

二、任务分工
\t项目
\t责任单位

\t建设社区医院
\t区卫生健康委
"""


def test_odd_tables_give_what_can_be_known_and_never_a_wrong_number(tmp_path: Path) -> None:
    path = tmp_path / "demo.txt"
    path.write_text(ODD, encoding="utf-8")
    meta = DocMeta("demo", "演示区卫生健康“十四五”规划", "demo.txt", district="演示区", period="2021-2025")
    found, bad, _ = extract_file(path, meta)
    by = {r.name: r for r in found}
    assert set(by) == {"人均预期寿命（岁）", "医护比", "每千人口床位数（张）", "居民健康素养水平（%）"}
    life = by["人均预期寿命（岁）"].values[0]
    assert (life.label, life.year, life.role, life.text) == ("目标值", None, Role.TARGET, "≥80")  # no year known
    ratio = by["医护比"].values[0]
    assert (ratio.text, ratio.original, ratio.comparison) == ("1:0.9", "01:00.9", None)
    assert [v.text for v in by["居民健康素养水平（%）"].values] == ["——", "30"]
    # A row short of a cell: which year its '8' belongs to is unknown, so it is kept as text only.
    assert len(bad) == 1 and "孕产妇死亡率" in bad[0].text and "cells" in bad[0].reason
    assert not any("建设社区医院" in r.name for r in found)  # a table without values by year is no indicator table


def test_every_plan_file_reads_without_unparsed_rows(plans) -> None:
    assert {d: len(p[1]) for d, p in plans.items()} == {d: 0 for d in plans}
    assert sorted(p.name for p in DOCS.glob("*.txt")) == sorted(m for m in (mf.DONGLI, mf.DANDONG, mf.BINHAI, YONGQIAO,
                                                                            "tianjin-primary-care-14th-fyp.txt"))
