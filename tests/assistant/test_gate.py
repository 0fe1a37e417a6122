"""The gate reads a question as the plans would word it before measuring how much a passage covers."""

from __future__ import annotations

from assistant.gate import in_plan_words

GROUPS = (("抗菌药物", "抗生素", "消炎药"), ("床位", "床位数", "病床", "一床难求"), ("互联网+护理服务", "护士上门"))


def test_everyday_words_are_replaced_by_the_plans_own_and_unknown_words_stay():
    used = frozenset({"抗菌药物", "床位", "床位数", "病床", "互联网+护理服务"})
    text = in_plan_words("医院老给开消炎药，护士上门有没有？", ("抗菌药物", "抗生素", "互联网+护理服务"), GROUPS, used)
    assert "消炎药" not in text and "护士上门" not in text  # no passage can hold them
    assert "抗菌药物" in text and "互联网+护理服务" in text
    assert "抗生素" not in text  # an expansion no plan uses weighs nothing either
    assert "医院老给开" in text  # words the lexicon cannot translate still count against a passage


def test_a_word_the_plans_use_is_kept_beside_its_group():
    used = frozenset({"床位", "床位数", "病床"})
    text = in_plan_words("每千人病床数是多少？", ("床位", "床位数", "一床难求"), GROUPS, used)
    assert "病床" in text and "床位数" in text and "一床难求" not in text
