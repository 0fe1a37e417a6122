"""The eval suite as the API and UI see it: the committed figures, the latest run, and a run started
on request (one at a time, in a background thread of the API process). No file paths leave here."""

from __future__ import annotations

import argparse
import json
import logging
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import eval.run as run_mod

log = logging.getLogger(__name__)


def committed() -> dict[str, Any]:
    """The figures and thresholds in eval/baseline.json: {set: {split: {suite: {config: {overall, by_kind, by_style}}}}}."""
    base = run_mod.load_baseline()
    return {"figures": base.get("figures", {}), "thresholds": base.get("thresholds", {}), "about": base.get("about", "")}


def _summary(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        log.warning("unreadable eval report %s", path.name)
        return None
    runs = {label: {suite: {k: v for k, v in res.items() if k != "items"} for suite, res in suites.items()}
            for label, suites in (data.get("runs") or {}).items()}
    return {"config": data.get("config", ""), "created": data.get("created", ""), "sample": data.get("sample", 0),
            "runs": runs}


def latest(reports_dir: Path | None = None) -> dict[str, Any]:
    """The newest report of each configuration ('hybrid', 'extractive', 'llm'), without per-item rows."""
    folder = reports_dir or run_mod.REPORTS
    newest: dict[str, tuple[float, Path]] = {}
    for p in folder.glob("*.json") if folder.is_dir() else ():
        config = p.stem.split("-", 2)[-1]
        mtime = p.stat().st_mtime
        if config not in newest or mtime > newest[config][0]:
            newest[config] = (mtime, p)
    out = {}
    for config, (_, p) in sorted(newest.items()):
        summary = _summary(p)
        if summary is not None and summary["runs"]:
            out[config] = summary
    return out


@dataclass(frozen=True)
class RunState:
    state: str = "idle"  # idle | running | done | failed
    started: str = ""
    finished: str = ""
    detail: str = ""
    failures: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"state": self.state, "started": self.started, "finished": self.finished, "detail": self.detail,
                "failures": list(self.failures)}


class EvalRunner:
    """Runs the retrieval and extractive answer suites on both sets and splits, one run at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state = RunState()

    @property
    def state(self) -> RunState:
        return self._state

    def start(self, settings: Any, sample: int = 0) -> bool:
        """Start a run in the background (``sample``: that many items per set and split, a quick
        check; 0: all); False when one is already running."""
        with self._lock:
            if self._state.state == "running":
                return False
            self._state = RunState("running", started=time.strftime("%Y-%m-%dT%H:%M:%S"))
        threading.Thread(target=self._run, args=(settings, sample), name="planqa-eval", daemon=True).start()
        return True

    def _run(self, settings: Any, sample: int) -> None:
        from eval.cli import evaluate

        args = argparse.Namespace(suite="all", set="all", split="both", config=None, limit=0, sample=sample)
        try:
            results = evaluate(settings, args)
            run_mod.write_report(results, sample=sample)
            baseline = run_mod.load_baseline()
            failures = () if sample else tuple(f for r in results for f in run_mod.check_thresholds(r, baseline))
            detail = (f"抽样运行（每个集合 {sample} 题），不与门槛比较" if sample else
                      "全部达到门槛 all thresholds met" if not failures else f"{len(failures)} 项指标低于门槛")
            done = replace(self._state, state="done", detail=detail, failures=failures)
        except Exception as exc:  # reported to the admin who started it, and logged with its traceback
            log.exception("eval run failed")
            done = replace(self._state, state="failed", detail=f"{type(exc).__name__}: {exc}")
        with self._lock:
            self._state = replace(done, finished=time.strftime("%Y-%m-%dT%H:%M:%S"))
