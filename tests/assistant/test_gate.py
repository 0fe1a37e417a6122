"""The gate reads a question with the synonyms the plans use before measuring what a passage covers."""

from __future__ import annotations

from assistant.gate import with_plan_words


def test_only_synonyms_some_plan_uses_join_the_question():
    used = frozenset({"床位", "床位数", "病床", "抗菌药物"})
    text = with_plan_words("每千人病床数是多少？", ("床位", "床位数", "一床难求"), used)
    assert "床位数" in text and "一床难求" not in text  # no passage can hold it
    text = with_plan_words("医院老给开消炎药吗？", ("抗菌药物", "抗生素"), used)
    assert "抗菌药物" in text and "抗生素" not in text
    assert "消炎药" in text  # the writer's own words all stay
