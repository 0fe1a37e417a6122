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


# -- the splits and the realistic set ----------------------------------------------------------------
REALISTIC_STYLES = {"citizen", "colloquial", "typo", "list", "table_structure", "mention_yes", "mention_no",
                    "followup", "unanswerable"}


@pytest.fixture(scope="module")
def realistic():
    from eval.gold import REALISTIC_DIR

    return load_gold(REALISTIC_DIR)


def test_the_realistic_set_stands_in_the_plans_and_covers_every_style(realistic, lines):
    assert validate(realistic, lines) == []
    assert len(realistic) >= 150
    styles = Counter(i.style for i in realistic)
    assert set(styles) == REALISTIC_STYLES, styles
    assert all(n >= 8 for n in styles.values()), styles
    for it in realistic:
        if it.style == "list":
            assert len(it.list_items) >= 2, it.id
        if it.style == "followup":
            assert it.kind == "multi_turn" and it.history, it.id
        if it.style == "mention_no":
            assert it.kind == "unanswerable", it.id


def test_both_sets_are_split_into_dev_and_test_within_every_kind(items, realistic):
    for group in (items, realistic):
        splits = Counter(i.split for i in group)
        # Waves written only to widen the tuning split, each measured once before tuning as an unseen
        # estimate (eval/realistic/README.md), lower the test share; the gate still needs a test
        # split of real size: 100 items and a fifth of the set. (A quarter until waves 33 and 34: moving
        # their items to test afterwards could only take those never read one by one — the ones
        # answered right — and would flatter the gate.)
        assert set(splits) == {"dev", "test"} and splits["test"] >= max(100, 0.2 * len(group)), splits
        for kind in {i.kind for i in group}:
            here = Counter(i.split for i in group if i.kind == kind)
            assert here["test"] >= 1 or sum(here.values()) < 3, (kind, here)


def test_the_validator_names_a_bad_split_style_and_list_item(items, lines):
    from dataclasses import replace

    good = next(i for i in items if i.kind == "list")
    bad = replace(good, id="bad", split="train", style="shouting", list_items=("不在规划里的一项内容", "另一项"))
    problems = " ".join(validate([bad], lines))
    assert "split" in problems and "shouting" in problems and "不在规划里的一项内容" in problems


def _code_files() -> list[Path]:
    roots = [REPO / d for d in ("assistant", "vectorstore", "ui", "eval", "tests", "scripts", "docs_src")]
    out = [REPO / "README.md"]
    for root in roots:
        out += [p for p in root.rglob("*") if p.suffix in (".py", ".md", ".json", ".toml", ".txt")
                and "gold" not in p.parts and "realistic" not in p.parts and "reports" not in p.parts
                and p.name != "baseline.json"]
    return out


def test_no_eval_question_is_written_into_code_tests_or_prompts(items, realistic):
    """A question the code has seen cannot tell whether the code over-fits: tests use sentences of
    their own. Every user turn of every item, dev and test, of both sets is checked."""
    questions = {}
    for it in (*items, *realistic):
        for q in (it.question, *(t["content"] for t in it.history if t.get("role") == "user")):
            core = q.strip("？?。！! ")
            if len(core) >= 8:
                questions[core] = it.id
    found = []
    for path in _code_files():
        text = path.read_text(encoding="utf-8", errors="ignore")
        found += [f"{path.relative_to(REPO)}: {iid} ({q})" for q, iid in questions.items() if q in text]
    assert not found, "eval questions in code:\n" + "\n".join(found)


def test_the_sweeps_two_halves_of_realistic_dev_are_fixed_and_about_even():
    # A change kept only when both halves move cannot have been fitted to the items diagnosed.
    import importlib.util

    from eval.run import gold_items

    spec = importlib.util.spec_from_file_location("sweep_params", REPO / "scripts/sweep_params.py")
    assert spec and spec.loader
    sweep = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sweep)
    ids = [it.id for it in gold_items(dataset="realistic", split="dev")]
    halves = [sweep.half(i) for i in ids]
    assert set(halves) == {0, 1}
    assert 0.45 < sum(halves) / len(ids) < 0.55
    assert sweep.half("rl0-demo-001") == 1  # fixed across runs and machines, unlike Python's salted hash()
