"""The same indicator written differently in different plans groups under one key, by the name
lexicon (lexicon/indicator_names.txt) plus normalisation; different indicators never do."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from indicators.names import IndicatorNames
from question.lexicon import LexiconError

# Every indicator that more than one plan sets, as (plan, name without unit or qualifier).
SAME = [
    {("dongli", "人均期望寿命"), ("yongqiao", "人均预期寿命"), ("zhenan", "人均预期寿命")},
    {("dongli", "婴儿死亡率"), ("yongqiao", "婴儿死亡率"), ("zhenan", "婴儿死亡率")},
    {("dongli", "孕产妇死亡率"), ("yongqiao", "孕产妇死亡率"), ("zhenan", "孕产妇死亡率")},
    {("dongli", "居民健康素养水平"), ("yongqiao", "居民健康素养水平"), ("zhenan", "居民健康素养水平")},
    {("dongli", "每千常住人口医疗卫生机构床位数"), ("yongqiao", "每千常住人口床位数"), ("zhenan", "每千常住人口床位数")},
    {("dongli", "每千常住人口执业医师数"), ("yongqiao", "每千常住人口执业医师数"), ("zhenan", "每千常住人口执业医师数")},
    {("dongli", "每千常住人口注册护士数"), ("yongqiao", "每千常住人口注册护士数"), ("zhenan", "每千常住人口注册护士数")},
    {("dongli", "规划免疫接种率"), ("yongqiao", "以乡为单位适龄儿童免疫规划疫苗接种率"),
     ("zhenan", "以乡为单位适龄儿童免疫规划疫苗接种率")},
    {("dongli", "孕产妇系统管理率"), ("zhenan", "孕产妇系统管理率")},
    {("yongqiao", "5岁以下儿童死亡率"), ("zhenan", "5岁以下儿童死亡率")},
    {("yongqiao", "重大慢性病过早死亡率"), ("zhenan", "因心脑血管疾病、癌症、慢性呼吸系统疾病和糖尿病导致的过早死亡率")},
    {("yongqiao", "15岁以上人群吸烟率"), ("zhenan", "15岁以上人群吸烟率")},
    {("tianjin-primary", "每万名常住人口全科医生数"), ("yongqiao", "每万人口全科医师数"), ("zhenan", "每万人口全科医生数")},
    {("yongqiao", "每千人口3岁以下婴幼儿托位数"), ("zhenan", "每千人口3岁以下婴幼儿托位数")},
    {("yongqiao", "产前筛查率"), ("zhenan", "产前筛查率")},
    {("yongqiao", "儿童青少年总体近视率"), ("zhenan", "儿童青少年总体近视率")},
    {("tianjin-primary", "老年人健康管理率"), ("yongqiao", "65岁以上老年人健康管理率"),
     ("yongqiao", "65岁及以上老年人城乡社区规范健康管理率"), ("zhenan", "65岁及以上老人城乡社区规范化健康管理服务率"),
     ("zhenan", "65岁及以上老年人城乡社区规范健康管理服务率")},
    {("yongqiao", "艾滋病全人群感染率"), ("zhenan", "艾滋病全人群感染率")},
    {("yongqiao", "社区在册居家严重精神障碍患者健康管理率"), ("zhenan", "严重精神障碍管理率")},
    {("yongqiao", "工作场所职业病危害因素监测合格率"), ("zhenan", "工作场所职业病危害因素监测合格率")},
    {("yongqiao", "抗菌药物使用强度"), ("zhenan", "抗菌药物使用强度")},
    {("yongqiao", "个人卫生支出占卫生总费用比例"), ("zhenan", "个人卫生支出占卫生总费用比例")},
    {("tianjin-primary", "高血压患者规范管理率"), ("zhenan", "高血压患者基层规范管理服务率")},
    {("tianjin-primary", "糖尿病患者规范管理率"), ("zhenan", "2型糖尿病患者基层规范管理服务率")},
]


def test_every_pair_of_indicators_across_the_five_plans(plans) -> None:
    records = [r for d in plans for r in plans[d][0]]
    group = {member: i for i, g in enumerate(SAME) for member in g}
    assert {(r.doc_id, r.norm) for r in records} >= set(group)  # every listed name is extracted
    checked = 0
    for a, b in itertools.combinations(records, 2):
        if a.doc_id == b.doc_id:
            continue
        ga, gb = group.get((a.doc_id, a.norm)), group.get((b.doc_id, b.norm))
        expected = ga is not None and ga == gb
        assert (a.key == b.key) == expected, (a.doc_id, a.name, a.key, b.doc_id, b.name, b.key)
        checked += 1
    assert checked > 2000


@pytest.mark.parametrize(("one", "other"), [
    ("健康预期寿命", "人均预期寿命"),  # years in good health, not life expectancy
    ("每万人口公共卫生人员数（人）", "每千常住人口公共卫生人员数"),  # per 10 000 against per 1 000
    ("孕产妇系统管理率和3岁以下儿童系统管理率（%）", "孕产妇系统管理率"),  # two indicators in one row
    ("高血压、2型糖尿病患者基层规范管理服务率（%）", "高血压患者基层规范管理服务率"),
    ("3岁以下儿童健康管理率", "3岁以下儿童系统管理率"),
])
def test_indicators_that_only_look_alike_stay_apart(plans, one: str, other: str) -> None:
    keys = {r.name: r.key for d in plans for r in plans[d][0]}
    assert keys[one] != keys[other]


def test_a_lexicon_line_that_is_not_a_group_is_named(tmp_path: Path) -> None:
    f = tmp_path / "indicator_names.txt"
    f.write_text("# 注释\n人均预期寿命 = 人均期望寿命\n每千人口床位数\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"indicator_names.txt:3: a single name"):
        IndicatorNames.load(f)
    f.write_text("人均预期寿命 = 人均期望寿命\n平均寿命 = 人均期望寿命\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r":2: '人均期望寿命' is already in the group of line 1"):
        IndicatorNames.load(f)
    f.write_text("人均预期寿命 = <script>\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r":1: '<script>' is not a group"):
        IndicatorNames.load(f)


def test_the_first_name_of_a_group_is_its_key(tmp_path: Path) -> None:
    f = tmp_path / "indicator_names.txt"
    f.write_text("人均预期寿命 = 人均期望寿命（岁）\n", encoding="utf-8")
    names = IndicatorNames.load(f)
    assert names.key("人均期望寿命（岁）") == names.key("人均期望寿命") == "人均预期寿命"
    assert names.key("婴儿死亡率（‰）") == "婴儿死亡率"  # no group: the name without its unit
