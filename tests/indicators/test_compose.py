"""The store's answer when the table leaves a year open: the plan's prose may state that year's figure,
but only in the indicator's own terms."""

from __future__ import annotations

from dataclasses import replace

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


def test_a_number_asked_of_a_target_stated_in_words_is_declined_with_the_row(plans) -> None:
    rows = [r for r in plans["zhenan"][0] if r.norm == "健康预期寿命"]
    assert rows and rows[0].target is not None and rows[0].target.text == "同比例提高"
    zhenan = {"zhenan": Plan("zhenan", "振安区", "振安规划", text="")}
    ask = IndicatorAsk(Intent.VALUE, ("zhenan",), keys=(rows[0].key,), years=(2025,), named_docs=True)
    # Asked what the target is, the words are the answer.
    said = compose(ask, rows, zhenan)
    assert said is not None and not said.refused and "同比例提高" in said.text
    # Asked how many years, the row gives no number: declined, the row named and shown.
    got = compose(replace(ask, number=True), rows, zhenan)
    assert got is not None and got.refused and "“同比例提高”，未给出具体数值" in got.note
    assert got.nearby == (rows[0].chunk_id,)


def test_now_asked_of_a_row_with_a_target_only_is_declined_unless_the_prose_gives_a_figure(plans) -> None:
    rows = [r for r in plans["zhenan"][0] if r.norm == "健康预期寿命"]
    ask = IndicatorAsk(Intent.VALUE, ("zhenan",), keys=(rows[0].key,), baseline=True, named_docs=True)
    # Made-up prose: naming the indicator without a figure reports no 'now'; the store declines.
    silent = {"zhenan": Plan("zhenan", "振安区", "振安规划", text="十三五期间，健康预期寿命逐步提高。")}
    got = compose(ask, rows, silent)
    assert got is not None and got.refused and "未列出规划期前的基数" in got.note
    # A review giving a figure, under another name the lexicon knows, is left to retrieval.
    said = {"zhenan": Plan("zhenan", "振安区", "振安规划", text="十三五末，全区健康寿命达到70.5岁。")}
    assert compose(ask, rows, said, lambda key: ("健康寿命",)) is None


def test_an_age_the_question_writes_picks_the_row_of_that_age(plans) -> None:
    from pathlib import Path

    from indicators.ask import CUES_FILE, Cues, match_keys
    from indicators.names import IndicatorNames

    lexicon = Path(__file__).resolve().parents[2] / "lexicon"
    rows = plans["dongli"][0]
    names = IndicatorNames.load(lexicon / "indicator_names.txt")
    cues = Cues.load(lexicon / CUES_FILE)
    # Two rows alike but for the age: the one of the age written wins, whatever else the words share.
    keys = match_keys("东丽的7岁以下儿童系统管理率数值", (), rows, names, cues)
    assert keys and next(iter(keys)).startswith("7岁以下"), keys
    keys = match_keys("东丽的3岁以下儿童系统管理率数值", (), rows, names, cues)
    assert keys and next(iter(keys)).startswith("3岁以下"), keys
