"""Reading a question: which plans it names, and whether it asks about the past or the plan."""

from __future__ import annotations

import pytest

from vectorstore.query import tense


@pytest.mark.parametrize(("question", "expected"), [
    ("东丽区人均寿命在十三五期间涨了多少？", "past"),
    ("丹东振安现在人均寿命大概多少岁？", "past"),
    ("埇桥区老百姓2020年平均能活到多少岁？", "past"),
    ("东丽十三五期间实际签了多少人", "past"),
    ("宿州埇桥的规划里，到2025年人均预期寿命要达到多少？", "future"),
    ("丹东振安里老年人健康管理率要达到多少？", "future"),
    ("振安区十四五期间的孕产妇死亡率目标是多少？", "future"),
    ("东丽区每千人注册护士现在有多少，2025年要达到多少？", ""),  # asks both
    ("家庭医生签约优先照顾哪些人？", ""),
])
def test_tense_of_a_question(question, expected):
    assert tense(question) == expected
