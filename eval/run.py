"""`planqa eval`: run the retrieval and answer suites, print tables, write reports, gate on thresholds."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.gold import GoldItem, load_gold
from eval.metrics import (
    AnswerResult,
    Passage,
    RetrievalResult,
    aggregate,
    answer_scores,
    percentile,
    retrieval_scores,
)

EVAL_DIR = Path(__file__).resolve().parent
BASELINE = EVAL_DIR / "baseline.json"
REPORTS = EVAL_DIR / "reports"
RETRIEVAL_COLUMNS = ("recall@1", "recall@3", "recall@5", "recall@10", "mrr@10", "ctx_chars@5")
ANSWER_COLUMNS = (
    "answer_key_recall", "citation_precision", "citation_recall", "number_faithfulness",
    "refusal_correct", "false_refusal", "district_completeness", "answer_chars",
)


@dataclass
class SuiteResult:
    suite: str
    config: str
    overall: dict[str, Any]
    by_kind: dict[str, dict[str, Any]]
    by_doc: dict[str, dict[str, Any]]
    latency: dict[str, float]
    items: list[dict[str, Any]] = field(default_factory=list)


def _by_kind(item: GoldItem) -> list[str]:
    return [f"kind:{item.kind}"]


def _by_doc(item: GoldItem) -> list[str]:
    return [f"doc:{d}" for d in item.docs] or ["doc:(none)"]


def _split(agg: dict[str, dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    kinds = {k.removeprefix("kind:"): v for k, v in agg.items() if k.startswith("kind:")}
    docs = {k.removeprefix("doc:"): v for k, v in agg.items() if k.startswith("doc:")}
    return agg.get("all", {}), kinds, docs


SearchFn = Callable[[str], Sequence[Passage]]


def run_retrieval(items: Sequence[GoldItem], search: SearchFn, config: str, standalone: Callable[[GoldItem], str]) -> SuiteResult:
    """Retrieval suite: every answerable item's (standalone) question through `search`."""
    results: list[RetrievalResult] = []
    for it in items:
        if not it.answerable:
            continue
        q = standalone(it)
        t = time.perf_counter()
        passages = search(q)
        results.append(RetrievalResult(it, passages, time.perf_counter() - t, q))
    rows = [(r.item, retrieval_scores(r)) for r in results]
    agg = aggregate(rows, lambda i: _by_kind(i) + _by_doc(i))
    overall, kinds, docs = _split(agg)
    secs = [r.seconds * 1000 for r in results]
    latency = {"search_p50_ms": percentile(secs, 50), "search_p95_ms": percentile(secs, 95)}
    items_out = [
        {
            "id": r.item.id, "kind": r.item.kind, "query": r.query, **s,
            "top": [p.chunk_id for p in r.passages[:5]],
        }
        for r, (_, s) in zip(results, rows, strict=True)
    ]
    return SuiteResult("retrieval", config, overall, kinds, docs, latency, items_out)


AnswerFn = Callable[[GoldItem], AnswerResult]


def _p50_p95(name: str, seconds: Sequence[float]) -> dict[str, float]:
    return {f"{name}_p50_s": percentile(seconds, 50), f"{name}_p95_s": percentile(seconds, 95)}


def run_answers(items: Sequence[GoldItem], answer: AnswerFn, config: str, progress: Callable[[int, int], None] | None = None) -> SuiteResult:
    """Answer suite: every item (answerable or not) through the answering pipeline."""
    results: list[AnswerResult] = []
    for n, it in enumerate(items):
        if progress:
            progress(n, len(items))
        results.append(answer(it))
    rows = [(r.item, answer_scores(r)) for r in results]
    agg = aggregate(rows, lambda i: _by_kind(i) + _by_doc(i))
    overall, kinds, docs = _split(agg)
    median_chars = percentile([s["answer_chars"] or 0.0 for _, s in rows], 50)
    overall["answer_chars_median"] = median_chars
    latency: dict[str, float] = {**_p50_p95("answer", [r.seconds for r in results]),
                                 "answer_median_chars": median_chars}
    firsts = [r.first_token_seconds for r in results if r.first_token_seconds is not None]
    if firsts:
        latency.update(_p50_p95("first_token", firsts))
    for st in sorted({k for r in results for k in r.stages}):
        latency.update(_p50_p95(st, [r.stages[st] for r in results if st in r.stages]))
    items_out = [
        {"id": r.item.id, "kind": r.item.kind, "answer": r.answer, "refused": r.refused, **s,
         "cited": [p.chunk_id for p in r.cited]}
        for r, (_, s) in zip(results, rows, strict=True)
    ]
    return SuiteResult("answer", config, overall, kinds, docs, latency, items_out)


def fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3f}" if abs(v) < 10 else f"{v:.0f}"
    return str(v)


def table(rows: Mapping[str, Mapping[str, Any]], columns: Sequence[str], first: str = "") -> str:
    """A Markdown table: one row per key, the given metric columns (and n)."""
    cols = [c for c in columns if any(c in r for r in rows.values())]
    head = f"| {first} | n | " + " | ".join(cols) + " |"
    sep = "|---" * (len(cols) + 2) + "|"
    lines = [head, sep]
    for name, r in rows.items():
        lines.append(f"| {name} | {r.get('n', '')} | " + " | ".join(fmt(r.get(c, '')) for c in cols) + " |")
    return "\n".join(lines)


def load_baseline() -> dict[str, Any]:
    return json.loads(BASELINE.read_text(encoding="utf-8")) if BASELINE.exists() else {}


def check_thresholds(res: SuiteResult, baseline: Mapping[str, Any]) -> list[str]:
    """Metrics below their committed minimum (or above a committed maximum: keys ending in '<=')."""
    rules = baseline.get("thresholds", {}).get(res.suite, {}).get(res.config, {})
    failures = []
    for scope, metrics in rules.items():
        got_all = res.overall if scope == "all" else res.by_kind.get(scope.removeprefix("kind:"), {})
        for metric, limit in metrics.items():
            name = metric.removesuffix("<=")
            got = got_all.get(name)
            if got is None:
                failures.append(f"{res.suite}/{res.config} {scope} {name}: not measured")
            elif metric.endswith("<=") and got > limit:
                failures.append(f"{res.suite}/{res.config} {scope} {name} = {got:.3f} > maximum {limit}")
            elif not metric.endswith("<=") and got < limit:
                failures.append(f"{res.suite}/{res.config} {scope} {name} = {got:.3f} < threshold {limit}")
    return failures


def compare_to_baseline(res: SuiteResult, baseline: Mapping[str, Any]) -> dict[str, tuple[float, float]]:
    base = baseline.get("figures", {}).get(res.suite, {}).get(res.config, {})
    return {m: (base[m], res.overall[m]) for m in base if m in res.overall}


def write_report(results: Sequence[SuiteResult], out_dir: Path | None = None, stamp: str | None = None) -> list[Path]:
    """eval/reports/<timestamp>-<config>.json and .md, with a per-kind bar chart PNG."""
    out_dir = out_dir or REPORTS
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = stamp or time.strftime("%Y%m%d-%H%M%S")
    written: list[Path] = []
    by_config: dict[str, list[SuiteResult]] = {}
    for r in results:
        by_config.setdefault(r.config, []).append(r)
    for config, rs in by_config.items():
        base = out_dir / f"{stamp}-{config}"
        data = {
            "config": config,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "suites": {
                r.suite: {"overall": r.overall, "by_kind": r.by_kind, "by_doc": r.by_doc, "latency": r.latency, "items": r.items}
                for r in rs
            },
        }
        base.with_suffix(".json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        md = [f"# Eval report — {config} — {data['created']}", ""]
        for r in rs:
            cols = RETRIEVAL_COLUMNS if r.suite == "retrieval" else ANSWER_COLUMNS
            md += [f"## {r.suite}", "", table({"all": r.overall}, cols, "scope"), "", "### by kind", "",
                   table(r.by_kind, cols, "kind"), "", "### by document", "", table(r.by_doc, cols, "doc"), "",
                   "### latency", "", "\n".join(f"- {k}: {fmt(v)}" for k, v in r.latency.items()), ""]
            png = base.parent / f"{base.name}-{r.suite}.png"
            if _chart(r, png):
                md += [f"![{r.suite} by kind]({png.name})", ""]
                written.append(png)
        base.with_suffix(".md").write_text("\n".join(md), encoding="utf-8")
        written += [base.with_suffix(".json"), base.with_suffix(".md")]
    return written


def _chart(r: SuiteResult, path: Path) -> bool:
    """Per-kind bar chart of the suite's headline metric."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metric = "recall@5" if r.suite == "retrieval" else "answer_key_recall"
    kinds = [k for k, v in r.by_kind.items() if metric in v]
    if not kinds:
        return False
    vals = [r.by_kind[k][metric] for k in kinds]
    fig, ax = plt.subplots(figsize=(8, 3.5))
    ax.bar(kinds, vals, color="#3b6ea5")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel(metric)
    ax.set_title(f"{r.config}: {metric} by kind")
    for i, v in enumerate(vals):
        ax.text(i, v + 0.02, f"{v:.2f}", ha="center", fontsize=8)
    plt.xticks(rotation=30, ha="right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def gold_items(kinds: Sequence[str] = ()) -> list[GoldItem]:
    items = load_gold()
    return [i for i in items if not kinds or i.kind in kinds]
