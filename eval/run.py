"""`planqa eval`: run the retrieval and answer suites, print tables, write reports, gate on thresholds."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.gold import SETS, GoldItem, load_gold
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
    "refusal_correct", "false_refusal", "district_completeness", "list_completeness", "followup_key_recall",
    "mid_chat_key_recall", "answer_chars",
)
HEADLINE = {"retrieval": "recall@5", "answer": "answer_key_recall"}


@dataclass
class SuiteResult:
    suite: str
    config: str
    overall: dict[str, Any]
    by_kind: dict[str, dict[str, Any]]
    by_doc: dict[str, dict[str, Any]]
    latency: dict[str, float]
    items: list[dict[str, Any]] = field(default_factory=list)
    by_style: dict[str, dict[str, Any]] = field(default_factory=dict)
    dataset: str = "gold"
    split: str = "all"

    @property
    def label(self) -> str:
        """'realistic/test'"""
        return f"{self.dataset}/{self.split}"

    def breakdown(self) -> dict[str, Any]:
        """What a report or the baseline keeps of a run: overall, by kind, by style, by plan."""
        return {"overall": self.overall, "by_kind": self.by_kind, "by_style": self.by_style, "by_doc": self.by_doc,
                "latency": self.latency}


def _groups(item: GoldItem) -> list[str]:
    return [f"kind:{item.kind}", f"style:{item.style_name}", *_by_doc(item)]


def _by_doc(item: GoldItem) -> list[str]:
    return [f"doc:{d}" for d in item.docs] or ["doc:(none)"]


def _split(agg: dict[str, dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]:
    def part(prefix: str) -> dict[str, Any]:
        return {k.removeprefix(prefix): v for k, v in sorted(agg.items()) if k.startswith(prefix)}

    return agg.get("all", {}), part("kind:"), part("doc:"), part("style:")


SearchFn = Callable[[str], Sequence[Passage]]


def run_retrieval(items: Sequence[GoldItem], search: SearchFn, config: str, standalone: Callable[[GoldItem], str],
                  dataset: str = "gold", split: str = "all") -> SuiteResult:
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
    overall, kinds, docs, styles = _split(aggregate(rows, _groups))
    secs = [r.seconds * 1000 for r in results]
    latency = {"search_p50_ms": percentile(secs, 50), "search_p95_ms": percentile(secs, 95)}
    items_out = [
        {
            "id": r.item.id, "kind": r.item.kind, "query": r.query, **s,
            "top": [p.chunk_id for p in r.passages[:5]],
        }
        for r, (_, s) in zip(results, rows, strict=True)
    ]
    return SuiteResult("retrieval", config, overall, kinds, docs, latency, items_out, styles, dataset, split)


AnswerFn = Callable[[GoldItem], AnswerResult]


def _p50_p95(name: str, seconds: Sequence[float]) -> dict[str, float]:
    return {f"{name}_p50_s": percentile(seconds, 50), f"{name}_p95_s": percentile(seconds, 95)}


def run_answers(items: Sequence[GoldItem], answer: AnswerFn, config: str,
                progress: Callable[[int, int], None] | None = None, dataset: str = "gold",
                split: str = "all") -> SuiteResult:
    """Answer suite: every item (answerable or not) through the answering pipeline."""
    results: list[AnswerResult] = []
    for n, it in enumerate(items):
        if progress:
            progress(n, len(items))
        results.append(answer(it))
    rows = [(r.item, answer_scores(r)) for r in results]
    overall, kinds, docs, styles = _split(aggregate(rows, _groups))
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
        {"id": r.item.id, "kind": r.item.kind, "style": r.item.style_name, "answer": r.answer, "refused": r.refused,
         **s, "cited": [p.chunk_id for p in r.cited]}
        for r, (_, s) in zip(results, rows, strict=True)
    ]
    return SuiteResult("answer", config, overall, kinds, docs, latency, items_out, styles, dataset, split)


def fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3f}" if abs(v) < 10 else f"{v:.0f}"
    return str(v)


def table(rows: Mapping[str, Mapping[str, Any]], columns: Sequence[str], first: str = "", counts: bool = True) -> str:
    """A Markdown table: one row per key, the given metric columns (and n, unless ``counts`` is off)."""
    cols = [c for c in columns if any(c in r for r in rows.values())]
    lead = ["n"] if counts else []
    lines = ["| " + " | ".join([first, *lead, *cols]) + " |", "|---" * (len(cols) + 1 + len(lead)) + "|"]
    for name, r in rows.items():
        cells = [name, *([str(r.get("n", ""))] if counts else []), *(fmt(r.get(c, "")) for c in cols)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def load_baseline() -> dict[str, Any]:
    return json.loads(BASELINE.read_text(encoding="utf-8")) if BASELINE.exists() else {}


def _at(tree: Mapping[str, Any], *keys: str) -> Any:
    for k in keys:
        tree = tree.get(k, {}) if isinstance(tree, Mapping) else {}
    return tree


def check_thresholds(res: SuiteResult, baseline: Mapping[str, Any]) -> list[str]:
    """Metrics below their committed minimum (or above a committed maximum: keys ending in '<=').

    Rules live under thresholds/<set>/<split>/<suite>/<config>/<scope>, scope 'all', 'kind:…' or 'style:…'.
    """
    rules = _at(baseline, "thresholds", res.dataset, res.split, res.suite, res.config)
    failures = []
    for scope, metrics in rules.items():
        kind, _, name_ = scope.partition(":")
        got_all = res.overall if scope == "all" else (res.by_kind if kind == "kind" else res.by_style).get(name_, {})
        for metric, limit in metrics.items():
            name = metric.removesuffix("<=")
            got = got_all.get(name)
            where = f"{res.label} {res.suite}/{res.config} {scope} {name}"
            if got is None:
                failures.append(f"{where}: not measured")
            elif metric.endswith("<=") and got > limit:
                failures.append(f"{where} = {got:.3f} > maximum {limit}")
            elif not metric.endswith("<=") and got < limit:
                failures.append(f"{where} = {got:.3f} < threshold {limit}")
    return failures


def compare_to_baseline(res: SuiteResult, baseline: Mapping[str, Any]) -> dict[str, tuple[float, float]]:
    base = _at(baseline, "figures", res.dataset, res.split, res.suite, res.config, "overall")
    return {m: (base[m], res.overall[m]) for m in base if m in res.overall}


def baseline_entry(res: SuiteResult) -> dict[str, Any]:
    """A run's figures as the baseline keeps them (rounded; no latencies, which vary by machine)."""
    def rounded(d: Mapping[str, Any]) -> dict[str, Any]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in d.items()}

    return {"overall": rounded(res.overall), "by_kind": {k: rounded(v) for k, v in res.by_kind.items()},
            "by_style": {k: rounded(v) for k, v in res.by_style.items()}}


def write_report(results: Sequence[SuiteResult], out_dir: Path | None = None, stamp: str | None = None,
                 sample: int = 0) -> list[Path]:
    """eval/reports/<timestamp>-<config>.json and .md (every set and split of the run), with per-kind charts."""
    out_dir = out_dir or REPORTS
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = stamp or time.strftime("%Y%m%d-%H%M%S")
    written: list[Path] = []
    by_config: dict[str, list[SuiteResult]] = {}
    for r in results:
        by_config.setdefault(r.config, []).append(r)
    for config, rs in by_config.items():
        base = out_dir / f"{stamp}-{config}"
        runs: dict[str, dict[str, Any]] = {}
        for r in rs:
            runs.setdefault(r.label, {})[r.suite] = {**r.breakdown(), "items": r.items}
        data = {"config": config, "created": time.strftime("%Y-%m-%dT%H:%M:%S"), "sample": sample, "runs": runs}
        base.with_suffix(".json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        md = [f"# Eval report — {config} — {data['created']}", ""]
        for r in rs:
            cols = RETRIEVAL_COLUMNS if r.suite == "retrieval" else ANSWER_COLUMNS
            md += [f"## {r.label} — {r.suite}", "", table({"all": r.overall}, cols, "scope"), "", "### by kind", "",
                   table(r.by_kind, cols, "kind"), "", "### by style", "", table(r.by_style, cols, "style"), "",
                   "### by document", "", table(r.by_doc, cols, "doc"), "",
                   "### latency", "", "\n".join(f"- {k}: {fmt(v)}" for k, v in r.latency.items())
                   or "not measured (an --untimed run)", ""]
            png = base.parent / f"{base.name}-{r.dataset}-{r.split}-{r.suite}.png"
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

    metric = HEADLINE[r.suite]
    kinds = [k for k, v in r.by_kind.items() if metric in v]
    if not kinds:
        return False
    vals = [r.by_kind[k][metric] for k in kinds]
    fig, ax = plt.subplots(figsize=(8, 3.5))
    ax.bar(kinds, vals, color="#3b6ea5")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel(metric)
    ax.set_title(f"{r.label} {r.config}: {metric} by kind")
    for i, v in enumerate(vals):
        ax.text(i, v + 0.02, f"{v:.2f}", ha="center", fontsize=8)
    plt.xticks(rotation=30, ha="right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def unrelated_turns(items: Sequence[GoldItem]) -> dict[str, tuple[Mapping[str, str], ...]]:
    """For each answerable question that stands alone, an earlier turn about something else: the
    item before it in a fixed shuffle (by sha256 of the id), its question and reference answer.
    Staff ask one question after another in one chat; an answer must not lean on the last one."""
    order = sorted(items, key=lambda i: hashlib.sha256(i.id.encode()).hexdigest())
    out: dict[str, tuple[Mapping[str, str], ...]] = {}
    for prev, it in zip(order[-1:] + order[:-1], order, strict=True):
        if it.answerable and not it.history and it.answer_keys and prev.id != it.id:
            out[it.id] = ({"role": "user", "content": prev.question},
                          {"role": "assistant", "content": prev.reference_answer})
    return out


def gold_items(kinds: Sequence[str] = (), dataset: str = "gold", split: str = "all") -> list[GoldItem]:
    """The items of one set ('gold' or 'realistic'), one split ('dev', 'test') or both ('all')."""
    items = load_gold(SETS[dataset])
    return [i for i in items if (not kinds or i.kind in kinds) and split in ("all", i.split)]
