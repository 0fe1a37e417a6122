"""`planqa eval-diff OLD NEW`: two eval reports' figures side by side, with how sure each difference is.

On a few hundred items a change of a few thousandths is within what resampling the same items gives:
each difference comes with its 95% interval from a paired bootstrap over the items both reports
answered, and with the number of items the metric scores better and worse. Dev items that changed can be
listed by id; test items never are (the test split is looked at only in aggregate).

    moved(old_run, new_run) → [Moved(metric='answer_key_recall', old=0.912, new=0.915, low=-0.001,
                                      high=0.007, better=9, worse=2), …]
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from eval.run import ANSWER_COLUMNS, RETRIEVAL_COLUMNS
from vectorstore.errors import PlanQAError

# What each suite's difference is shown for: a length is no quality to be sure of.
METRICS = {"answer": tuple(m for m in ANSWER_COLUMNS if m != "answer_chars"),
           "retrieval": tuple(m for m in RETRIEVAL_COLUMNS if m != "ctx_chars@5")}
LOWER_IS_BETTER = frozenset({"false_refusal"})
RESAMPLES = 2000
# A flip between answered and declined is listed with the dev items that changed.
LISTED = ("answer_key_recall", "citation_precision", "refused", "recall@5")


class ReportError(PlanQAError):
    """A file that is not an eval report, or two reports with no run in common."""


@dataclass(frozen=True)
class Moved:
    metric: str
    old: float
    new: float
    low: float  # the 95% interval of new - old
    high: float
    better: int  # items the new report scores better on (higher, or lower where lower is better)
    worse: int

    @property
    def sure(self) -> bool:
        """Whether the interval leaves out no change at all."""
        return self.low > 0 or self.high < 0


def load_report(path: Path) -> dict[str, Any]:
    """A report's runs: {'realistic/dev': {'answer': {…, 'items': […]}}, …}; a clear error for anything else."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"{path}: no such report; `planqa eval` writes them to eval/reports/*.json") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportError(f"{path}: not an eval report ({exc}); pass the .json `planqa eval` wrote, not the .md") from None
    runs = data.get("runs") if isinstance(data, dict) else None
    if not isinstance(runs, dict):
        raise ReportError(f"{path}: no 'runs' in it; pass a report `planqa eval` wrote to eval/reports/*.json")
    return runs


def _values(items: Mapping[str, Mapping[str, Any]], ids: Sequence[str], metric: str) -> np.ndarray:
    """The metric of each item, NaN where it does not apply (a declined answer has no citation precision)."""
    out = np.full(len(ids), np.nan)
    for i, item_id in enumerate(ids):
        v = items[item_id].get(metric)
        if isinstance(v, bool):
            v = float(v)
        if isinstance(v, (int, float)):
            out[i] = float(v)
    return out


def _mean(values: np.ndarray, axis: int | None = None) -> Any:
    """Means over the items a metric applies to, as the report's figures are (NaN where it applies to none)."""
    counts = np.sum(~np.isnan(values), axis=axis)
    sums = np.nansum(values, axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / counts


def moved(old: Mapping[str, Any], new: Mapping[str, Any], suite: str = "answer", seed: int = 0) -> list[Moved]:
    """Each metric of one run (one set and split) in two reports, over the items both answered."""
    a = {it["id"]: it for it in old[suite]["items"]}
    b = {it["id"]: it for it in new[suite]["items"]}
    ids = [i for i in b if i in a]
    if not ids:
        return []
    picks = np.random.default_rng(seed).integers(0, len(ids), size=(RESAMPLES, len(ids)))
    out = []
    for m in METRICS[suite]:
        va, vb = _values(a, ids, m), _values(b, ids, m)
        if np.all(np.isnan(va)) or np.all(np.isnan(vb)):
            continue  # a metric one report does not measure (mid-chat answers: extractive runs only)
        both = ~np.isnan(va) & ~np.isnan(vb)
        deltas = _mean(vb[picks], axis=1) - _mean(va[picks], axis=1)
        deltas = deltas[~np.isnan(deltas)]
        low, high = (float(x) for x in np.percentile(deltas, [2.5, 97.5])) if deltas.size else (0.0, 0.0)
        up, down = int(np.sum(vb[both] > va[both])), int(np.sum(vb[both] < va[both]))
        out.append(Moved(m, float(_mean(va)), float(_mean(vb)), low, high,
                         *((down, up) if m in LOWER_IS_BETTER else (up, down))))
    return out


def changed(old: Mapping[str, Any], new: Mapping[str, Any], suite: str = "answer") -> list[str]:
    """The items of a run whose key figures changed: 'rl-x-001 answer_key_recall 0→1, refused True→False'."""
    a = {it["id"]: it for it in old[suite]["items"]}
    lines = []
    for it in new[suite]["items"]:
        before = a.get(it["id"])
        if before is None:
            continue
        diffs = [f"{m} {_show(before.get(m))}→{_show(it.get(m))}" for m in LISTED
                 if m in it and before.get(m) != it.get(m)]
        if diffs:
            lines.append(f"{it['id']} [{it.get('style', it.get('kind', ''))}] " + ", ".join(diffs))
    return lines


def _show(v: Any) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v)


def render(old_runs: Mapping[str, Any], new_runs: Mapping[str, Any], list_items: bool = False) -> str:
    """Every run and suite both reports hold, as tables; the dev items that changed when ``list_items``."""
    parts = []
    for label in (k for k in new_runs if k in old_runs):
        for suite in (s for s in ("retrieval", "answer") if s in new_runs[label] and s in old_runs[label]):
            rows = moved(old_runs[label], new_runs[label], suite)
            n = len({it["id"] for it in new_runs[label][suite]["items"]}
                    & {it["id"] for it in old_runs[label][suite]["items"]})
            parts.append(f"## {label} — {suite} ({n} items in both)\n")
            parts.append("| metric | old | new | change | 95% interval | items better | items worse |")
            parts.append("|---|---|---|---|---|---|---|")
            for r in rows:
                mark = " *" if r.sure else ""
                parts.append(f"| {r.metric} | {r.old:.3f} | {r.new:.3f} | {r.new - r.old:+.3f}{mark} | "
                             f"{r.low:+.3f} … {r.high:+.3f} | {r.better} | {r.worse} |")
            if list_items:
                if label.endswith("/test"):
                    parts.append("\n(test split: only the figures above; its items are not listed)")
                else:
                    parts += ["", *changed(old_runs[label], new_runs[label], suite)]
            parts.append("")
    if not parts:
        raise ReportError("the two reports share no run (set/split and suite); run `planqa eval` with the same "
                          "--set and --split for both")
    parts.append("* the 95% interval leaves out no change: unlikely to be resampling noise alone.")
    return "\n".join(parts)
