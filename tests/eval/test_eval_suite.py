"""The regression gate: the retrieval suite and the extractive answer suite on the real index meet
the thresholds committed in eval/baseline.json, and `planqa eval` reports and fails as promised."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

import eval.run as run_mod
from eval.cli import run_eval
from eval.run import check_thresholds, load_baseline


def _args(**kw: object) -> argparse.Namespace:
    base = dict(suite="all", config=None, compare=None, no_report=False, write_baseline=False, limit=0, sample=0,
                set="all", split="both", style="", untimed=False)
    base.update(kw)
    return argparse.Namespace(**base)


@pytest.fixture()
def reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    out = tmp_path / "reports"
    monkeypatch.setattr(run_mod, "REPORTS", out)
    return out


def test_retrieval_and_answer_suites_meet_committed_thresholds(full_settings, reports, capsys):
    # The gate reads the test splits, for quality only: remembered vectors keep it within the 10 minutes.
    code = run_eval(full_settings, _args(split="test", untimed=True))
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "all thresholds met" in out.out
    written = sorted(p.name for p in reports.iterdir())
    assert any(n.endswith("-hybrid.json") for n in written)
    assert any(n.endswith("-extractive.md") for n in written)
    assert any(n.endswith(".png") for n in written)
    data = json.loads(next(reports.glob("*-hybrid.json")).read_text(encoding="utf-8"))
    assert set(data["runs"]) == {"gold/test", "realistic/test"}
    retrieval = data["runs"]["gold/test"]["retrieval"]
    assert retrieval["overall"]["recall@5"] >= 0.95
    assert set(retrieval["by_kind"]) >= {"table", "cross_doc", "ambiguous", "multi_turn"}
    assert "dongli" in retrieval["by_doc"]
    answers = json.loads(next(reports.glob("*-extractive.json")).read_text(encoding="utf-8"))["runs"]
    realistic = answers["realistic/test"]["answer"]
    assert {"citizen", "typo", "list", "followup", "mention_no"} <= set(realistic["by_style"])
    assert "list_completeness" in realistic["overall"] and "followup_key_recall" in realistic["overall"]
    assert set(answers["gold/test"]["answer"]["by_style"]) >= {"staff", "followup", "unanswerable"}
    assert "| gold/test | realistic/test |" in out.out.replace("  ", " ")
    assert "realistic/test latency: not measured (--untimed)" in out.out  # no warm seconds passed off as latency


@pytest.mark.slow  # make test-slow: kept out of the default run's 10 minutes
def test_gate_fails_when_a_metric_is_below_its_threshold(full_settings, reports, tmp_path, monkeypatch, capsys):
    strict = load_baseline()
    strict["thresholds"]["gold"]["test"]["retrieval"]["hybrid"]["all"]["recall@1"] = 1.01
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps(strict), encoding="utf-8")
    monkeypatch.setattr(run_mod, "BASELINE", path)
    code = run_eval(full_settings, _args(suite="retrieval", set="gold", split="test", no_report=True))
    assert code == 1
    assert "gold/test retrieval/hybrid all recall@1" in capsys.readouterr().err


@pytest.mark.slow  # make test-slow: kept out of the default run's 10 minutes
def test_compare_prints_the_naive_floor_beside_our_configurations(full_settings, reports, capsys):
    # 80 dev items: enough to see the floor well below (the full comparison is `planqa eval --compare`).
    assert run_eval(full_settings, _args(compare="naive,bm25,hybrid", set="gold", split="dev", limit=80,
                                         no_report=True)) == 0
    out = capsys.readouterr().out
    rows = {line.split("|")[1].strip(): line for line in out.splitlines() if line.startswith("| ")}
    assert {"naive", "bm25", "hybrid"} <= set(rows)

    def r1(name: str) -> float:
        return float(rows[name].split("|")[3])

    assert r1("hybrid") > r1("naive") + 0.1


def test_threshold_rules_read_maxima_and_minima():
    res = run_mod.SuiteResult("retrieval", "hybrid", {"recall@1": 0.5, "ctx_chars@5": 2500}, {}, {}, {},
                              by_style={"citizen": {"recall@1": 0.4}}, dataset="realistic", split="test")
    rules = {"thresholds": {"realistic": {"test": {"retrieval": {"hybrid": {
        "all": {"recall@1": 0.6, "ctx_chars@5<=": 1800}, "style:citizen": {"recall@1": 0.3}}}}}}}
    failures = check_thresholds(res, rules)
    assert len(failures) == 2 and any("maximum" in f for f in failures)
    assert check_thresholds(res, {"thresholds": {"realistic": {"dev": rules["thresholds"]["realistic"]["test"]}}}) == []


def test_llm_suite_runs_against_the_configured_endpoint(full_settings, reports, capsys):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "assistant"))
    from fake_openai import FakeOpenAI

    with FakeOpenAI() as server:
        server.script.reply = "规划文件中未找到相关内容。"
        s = full_settings.model_copy(update={"llm_mode": "remote", "llm_base_url": server.base_url,
                                             "llm_model": "fake", "llm_max_retries": 0})
        assert run_eval(s, _args(suite="answer", config="llm", limit=4, set="gold", split="dev", no_report=True)) == 0
        assert server.calls >= 1  # the suite's answers went through the endpoint
    assert "answer suite — llm (gold/dev 4 items)" in capsys.readouterr().out


def test_llm_suite_refuses_extractive_mode(full_settings, reports):
    from vectorstore.errors import ConfigError

    s = full_settings.model_copy(update={"llm_mode": "extractive"})
    with pytest.raises(ConfigError, match="PLANQA_LLM_MODE=extractive"):
        run_eval(s, _args(suite="answer", config="llm", limit=2, no_report=True))


def test_style_runs_only_those_items_and_a_misspelt_one_is_named(full_settings, reports, capsys):
    from eval.run import gold_items
    from vectorstore.errors import ConfigError

    n = sum(1 for it in gold_items(dataset="realistic", split="dev") if it.style_name == "typo")
    assert run_eval(full_settings, _args(suite="answer", set="realistic", split="dev", style="typo", no_report=True)) == 0
    assert f"answer suite — extractive (realistic/dev {n} items)" in capsys.readouterr().out
    with pytest.raises(ConfigError, match="unknown style.*folowup.*followup"):
        run_eval(full_settings, _args(suite="answer", set="realistic", split="dev", style="folowup", no_report=True))
