"""A question's intent, from the analysis of its words."""

from __future__ import annotations

import pytest

from question.analysis import Intent, intent_of
from vectorstore.query import QueryInfo


@pytest.mark.parametrize(("plans", "indicator", "asks", "topic", "want"), [
    (("a",), True, "", "", Intent.FIGURE),
    ((), True, "", "", Intent.COMPARE),
    (("a", "b"), True, "", "", Intent.COMPARE),
    (("a",), False, "list", "", Intent.LIST),
    (("a",), True, "responsibility", "", Intent.RESPONSIBILITY),
    (("a",), False, "time", "", Intent.TIME),
    (("a",), True, "list", "献血屋", Intent.MENTION),
    (("a",), False, "", "", Intent.OPEN),
])
def test_intent(plans: tuple[str, ...], indicator: bool, asks: str, topic: str, want: Intent) -> None:
    assert intent_of(QueryInfo("问题", plans, (), indicator, (), asks), topic) is want
