"""Answer-key matching: a bound written in words ("以上") and as a sign ("≥") is one key."""

from __future__ import annotations

import pytest

from eval.metrics import key_in, norm


@pytest.mark.parametrize(("key", "answer"), [
    ("65%以上", "健康管理服务率：2025年目标 ≥65%，预期性"),
    ("70%以上", "健康管理率（%）：2020年 70以上，2025年 ≥70，预期性"),
    ("≥80%", "规范管理率达到80%以上"),
    ("不低于95%", "达标率≥95％"),
    ("5‰以下", "婴儿死亡率控制在≤5‰"),
    ("每年降低一个百分点以上", "近视率：力争每年降低1个百分点以上"),  # the prose's numeral, the table's digit
    ("新建两所", "新建2所学校"),
])
def test_a_bound_in_words_and_as_a_sign_is_one_key(key, answer):
    assert key_in(key, norm(answer))


@pytest.mark.parametrize(("key", "answer"), [
    ("65%以上", "服务率≥650人"),  # another figure
    ("65%以上", "≥65岁老年人"),  # an age, not the rate
    ("25%以上", "居民健康素养水平＞25"),  # strictly above is not the same bound
    ("80%", "≥8%"),
    ("降低一个百分点", "降低11个百分点"),  # a digit before it makes another count
])
def test_other_figures_and_strict_bounds_do_not_hold_the_key(key, answer):
    assert not key_in(key, norm(answer))
