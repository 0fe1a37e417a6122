"""The gold set is usable: counts per kind and per plan, and every snippet and key stands in its plan."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from eval.gold import KINDS, doc_lines, load_gold, validate
from vectorstore.manifest import load_manifest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def items():
    return load_gold()


@pytest.fixture(scope="module")
def lines():
    manifest = {m.doc_id: src for src, m in load_manifest(REPO / "docs_src").items()}
    return doc_lines(REPO / "docs_src", manifest)


def test_every_snippet_and_answer_key_stands_in_its_plan(items, lines):
    assert validate(items, lines) == []


def test_counts_meet_the_issue(items):
    kinds = Counter(i.kind for i in items)
    per_doc = Counter(d for i in items for d in set(i.docs))
    assert len(items) >= 150
    assert set(kinds) <= set(KINDS)
    assert kinds["unanswerable"] >= 15
    assert kinds["ambiguous"] >= 10
    assert kinds["cross_doc"] >= 10
    assert kinds["multi_turn"] >= 10
    for doc in ("dongli", "binhai", "yongqiao", "tianjin-primary", "zhenan"):
        assert per_doc[doc] >= 20, (doc, per_doc[doc])


def test_validator_catches_a_snippet_not_in_the_plan(items, lines):
    from dataclasses import replace

    good = next(i for i in items if i.kind == "table")
    bad = replace(good, id="broken", evidence=(("人均期望寿命（岁）", "99.99"),))
    assert any("99.99" in p for p in validate([bad], lines))


def test_multi_turn_items_carry_history(items):
    for it in items:
        if it.kind == "multi_turn":
            assert it.history and it.history[0]["role"] == "user"


def test_validator_catches_a_plan_that_district_completeness_could_never_count(items, lines):
    from dataclasses import replace

    amb = next(i for i in items if i.kind == "ambiguous")
    bad = replace(amb, id="keyless", evidence=((amb.evidence[0][0],), *amb.evidence[1:]))
    assert any("group 0 holds no answer key" in p for p in validate([bad], lines))
