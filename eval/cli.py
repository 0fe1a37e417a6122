"""`planqa eval`: wiring of the suites to the real index and pipeline, printing and gating."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections.abc import Iterator, Sequence
from typing import Any

from assistant.settings import Settings
from eval.gold import GoldItem
from eval.metrics import AnswerResult, Passage
from eval.run import (
    ANSWER_COLUMNS,
    BASELINE,
    RETRIEVAL_COLUMNS,
    SuiteResult,
    check_thresholds,
    compare_to_baseline,
    gold_items,
    load_baseline,
    run_answers,
    run_retrieval,
    table,
    write_report,
)
from vectorstore.errors import ConfigError


def _retrieval(assistant: Any, settings: Settings, name: str, items: Sequence[GoldItem]) -> SuiteResult:
    from vectorstore.retrieve import make_retriever

    if name == "naive":
        from eval.naive import NaiveRetriever

        retriever: Any = NaiveRetriever(settings.docs_dir)
    else:
        retriever = make_retriever(assistant.corpus, name)
    retriever.search("预热", 1)  # load the models before timing

    def search(q: str) -> list[Passage]:
        return [Passage(h.chunk.id, h.chunk.doc_id, h.chunk.text) for h in retriever.search(q, 10)]

    def standalone(it: GoldItem) -> str:
        return assistant.standalone(it.question, list(it.history))

    return run_retrieval(items, search, name, standalone)


def _answers(assistant: Any, name: str, items: Sequence[GoldItem]) -> SuiteResult:
    from assistant.pipeline import Trace

    def answer(it: GoldItem) -> AnswerResult:
        tr = Trace()
        t = time.perf_counter()
        a = assistant.answer(it.question, list(it.history), trace=tr)
        cited = [Passage(c.chunk.id, c.chunk.doc_id, c.chunk.text) for c in a.citations]
        return AnswerResult(it, a.text, a.refused, cited, time.perf_counter() - t, tr.first_token, tr.stages)

    def progress(i: int, n: int) -> None:
        if sys.stderr.isatty() or i % 25 == 0:
            print(f"\ranswer suite {i}/{n}", end="", file=sys.stderr, flush=True)

    res = run_answers(items, answer, name, progress)
    print(file=sys.stderr)
    return res


@contextlib.contextmanager
def _llm_running(settings: Settings) -> Iterator[Any]:
    """The chat model the settings select, answering for the duration: a remote endpoint or a
    running local server as they are; otherwise the embedded model is started here and stopped
    afterwards."""
    from assistant.generate import chat_model_from_settings

    if settings.llm_mode == "extractive":
        raise ConfigError("PLANQA_LLM_MODE=extractive: unset it (or set auto/local/remote) to evaluate an LLM")
    chat = chat_model_from_settings(settings)
    if chat is not None:
        yield chat
        return
    from assistant.modelsupervisor import supervised

    print("starting the embedded model for the LLM suite...", file=sys.stderr)
    with supervised(settings):
        yield chat_model_from_settings(settings)


def run_eval(settings: Settings, args: argparse.Namespace) -> int:
    """Run the asked suites; print tables; write reports; exit 1 when a threshold fails."""
    from assistant.pipeline import Assistant

    items = gold_items()
    if args.limit:
        items = items[: args.limit]
    if getattr(args, "sample", 0) and args.sample < len(items):
        step = len(items) / args.sample
        items = [items[int(i * step)] for i in range(args.sample)]
    baseline = load_baseline()
    results: list[SuiteResult] = []

    if args.compare:
        names = [n.strip() for n in args.compare.split(",") if n.strip()]
        a = Assistant(settings, chat=None)
        cmp = [_retrieval(a, settings, n, items) for n in names]
        print(table({r.config: {**r.overall, **r.latency} for r in cmp}, (*RETRIEVAL_COLUMNS, "search_p50_ms", "search_p95_ms"), "config"))
        print()
        kinds = sorted({k for r in cmp for k in r.by_kind})
        for metric in ("recall@1", "recall@5"):
            rows = {k: {r.config: r.by_kind.get(k, {}).get(metric) for r in cmp} | {"n": cmp[0].by_kind.get(k, {}).get("n", "")} for k in kinds}
            print(f"{metric} by kind")
            print(table(rows, names, "kind"))
            print()
        if not args.no_report:
            for p in write_report(cmp):
                print(f"report: {p}")
        return 0

    if args.suite in ("retrieval", "all"):
        a = Assistant(settings, chat=None)
        name = args.config if args.config and args.suite == "retrieval" else "hybrid"
        results.append(_retrieval(a, settings, name, items))
    if args.suite in ("answer", "all"):
        mode = args.config if args.config and args.suite == "answer" else "extractive"
        if mode == "extractive":
            a = Assistant(settings, chat=None)
            results.append(_answers(a, mode, items))
        elif mode == "llm":
            with _llm_running(settings) as chat:
                results.append(_answers(Assistant(settings, chat=chat), mode, items))
        else:
            raise ConfigError(f"unknown answer config {mode!r}; use extractive or llm")

    failures: list[str] = []
    for r in results:
        cols = RETRIEVAL_COLUMNS if r.suite == "retrieval" else ANSWER_COLUMNS
        print(f"## {r.suite} suite — {r.config} ({len(r.items)} items)")
        print(table({"all": r.overall}, cols, "scope"))
        print()
        print(table(r.by_kind, cols, "kind"))
        print()
        print(table(r.by_doc, cols, "doc"))
        print()
        print("latency: " + ", ".join(f"{k} {v:.3f}" for k, v in r.latency.items()))
        for m, (old, new) in compare_to_baseline(r, baseline).items():
            arrow = "↑" if new > old + 1e-9 else "↓" if new < old - 1e-9 else "="
            print(f"  baseline {m}: {old:.3f} → {new:.3f} {arrow}")
        print()
        if not args.limit and not getattr(args, "sample", 0):
            failures += check_thresholds(r, baseline)
    if not args.no_report and results:
        for p in write_report(results):
            print(f"report: {p}")
    if args.write_baseline:
        _write_baseline(baseline, results)
    for f in failures:
        print(f"FAIL {f}", file=sys.stderr)
    if failures:
        print(f"{len(failures)} metric(s) below threshold", file=sys.stderr)
        return 1
    print("all thresholds met")
    return 0


def _write_baseline(baseline: dict[str, Any], results: Sequence[SuiteResult]) -> None:
    figures = baseline.setdefault("figures", {})
    for r in results:
        figures.setdefault(r.suite, {})[r.config] = {
            k: round(v, 4) for k, v in r.overall.items() if isinstance(v, float)
        } | {f"kind:{k}:" + m: round(v[m], 4) for k, v in r.by_kind.items() for m in ("recall@5",) if m in v}
    BASELINE.write_text(json.dumps(baseline, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"baseline written: {BASELINE}")
