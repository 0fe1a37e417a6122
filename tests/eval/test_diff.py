"""`planqa eval-diff`: two reports' figures with each change's interval, dev items listed, test items never."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.cli import main
from eval.diff import moved


def _item(i: int, key: float | None, refused: bool = False, style: str = "citizen") -> dict[str, Any]:
    return {"id": f"made-up-{i:03d}", "kind": "fact", "style": style, "answer": "…", "refused": refused,
            "answer_key_recall": None if refused else key, "false_refusal": 1.0 if refused else 0.0,
            "citation_precision": None if refused else key, "cited": []}


def _report(path: Path, runs: dict[str, list[dict[str, Any]]]) -> Path:
    path.write_text(json.dumps({"config": "extractive", "runs": {
        label: {"answer": {"overall": {}, "items": items}} for label, items in runs.items()}}), encoding="utf-8")
    return path


def test_a_large_consistent_gain_is_marked_sure_and_a_small_one_is_not(tmp_path: Path) -> None:
    before = [_item(i, 0.0 if i < 60 else 1.0) for i in range(200)]
    after = [_item(i, 1.0) for i in range(200)]
    rows = {r.metric: r for r in moved({"answer": {"items": before}}, {"answer": {"items": after}})}
    key = rows["answer_key_recall"]
    assert (round(key.old, 2), round(key.new, 2), key.better, key.worse) == (0.7, 1.0, 60, 0)
    assert key.sure and key.low > 0.2
    one = [_item(i, 1.0 if i == 0 else it["answer_key_recall"]) for i, it in enumerate(before)]
    small = {r.metric: r for r in moved({"answer": {"items": before}}, {"answer": {"items": one}})}
    assert small["answer_key_recall"].better == 1 and not small["answer_key_recall"].sure


def test_fewer_wrong_declines_count_as_better(tmp_path: Path) -> None:
    before = [_item(i, 1.0, refused=i < 10) for i in range(100)]
    after = [_item(i, 1.0, refused=i < 2) for i in range(100)]
    fr = {r.metric: r for r in moved({"answer": {"items": before}}, {"answer": {"items": after}})}["false_refusal"]
    assert (fr.old, fr.new, fr.better, fr.worse) == (0.1, 0.02, 8, 0)


def test_cli_lists_changed_dev_items_but_never_test_items(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dev_old = [_item(1, 0.0), _item(2, 1.0)]
    dev_new = [_item(1, 1.0), _item(2, 1.0)]
    test_old = [_item(101, 0.0), _item(102, 1.0)]
    test_new = [_item(101, 1.0), _item(102, 0.0)]
    old = _report(tmp_path / "old.json", {"realistic/dev": dev_old, "realistic/test": test_old})
    new = _report(tmp_path / "new.json", {"realistic/dev": dev_new, "realistic/test": test_new})
    assert main(["eval-diff", str(old), str(new), "--items"]) == 0
    out = capsys.readouterr().out
    assert "## realistic/dev — answer (2 items in both)" in out
    assert "| answer_key_recall | 0.500 | 1.000 | +0.500 |" in out
    assert "made-up-001 [citizen] answer_key_recall 0→1" in out
    assert "made-up-101" not in out and "made-up-102" not in out
    assert "its items are not listed" in out


def test_bad_files_get_a_message_saying_what_to_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = _report(tmp_path / "good.json", {"gold/dev": [_item(1, 1.0)]})
    md = tmp_path / "report.md"
    md.write_text("# Eval report", encoding="utf-8")
    assert main(["eval-diff", str(md), str(good)]) == 2
    assert "pass the .json `planqa eval` wrote" in capsys.readouterr().err
    assert main(["eval-diff", str(tmp_path / "missing.json"), str(good)]) == 2
    assert "no such report" in capsys.readouterr().err
    other = _report(tmp_path / "other.json", {"gold/test": [_item(1, 1.0)]})
    assert main(["eval-diff", str(other), str(good)]) == 2
    assert "share no run" in capsys.readouterr().err
