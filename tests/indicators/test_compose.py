"""The store's answer when the table leaves a year open: the plan's prose may state that year's figure,
but only in the indicator's own terms."""

from __future__ import annotations

from indicators.ask import IndicatorAsk, Intent
from indicators.compose import Plan, compose


def _doctors_per_thousand(plans) -> list:
    """东丽's table row for 每千常住人口执业医师数 (2020 and 2025 columns)."""
    return [r for r in plans["dongli"][0] if r.norm == "每千常住人口执业医师数" and len(r.values) == 2]


def test_a_total_in_the_prose_does_not_state_a_rate_per_thousand(plans) -> None:
    rows = _doctors_per_thousand(plans)
    ask = IndicatorAsk(Intent.VALUE, ("dongli",), keys=(rows[0].key,), years=(2023,), named_docs=True)
    # Made-up prose: a head count for 2023 is no figure per thousand people, so the store declines.
    total = {"dongli": Plan("dongli", "东丽区", "东丽规划", text="2023年，全区执业医师数达到900人。")}
    got = compose(ask, rows, total)
    assert got is not None and got.refused and "未列出2023年的数值" in got.note
    # The same figure stated per thousand people is the plan's own word for that year: retrieval answers.
    rate = {"dongli": Plan("dongli", "东丽区", "东丽规划", text="2023年，每千常住人口执业医师数达到2.5人。")}
    assert compose(ask, rows, rate) is None
