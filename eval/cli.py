"""`planqa eval`: wiring of the suites to the real index and pipeline, printing and gating."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import sys
import time
from collections.abc import Iterator, Sequence
from typing import Any

from assistant.settings import Settings
from eval.gold import SETS, SPLITS, STYLES, GoldItem
from eval.metrics import AnswerResult, Passage
from eval.run import (
    ANSWER_COLUMNS,
    BASELINE,
    HEADLINE,
    RETRIEVAL_COLUMNS,
    SuiteResult,
    baseline_entry,
    check_thresholds,
    compare_to_baseline,
    gold_items,
    load_baseline,
    run_answers,
    run_retrieval,
    table,
    unrelated_turns,
    write_report,
)
from vectorstore.errors import ConfigError


def _retrieval(assistant: Any, settings: Settings, name: str, items: Sequence[GoldItem], dataset: str = "gold",
               split: str = "all", timed: bool = True) -> SuiteResult:
    from assistant.retrieval import situation_searched
    from vectorstore.baselines import make_retriever
    from vectorstore.embed import forget_queries

    if name == "naive":
        from eval.naive import NaiveRetriever

        retriever: Any = NaiveRetriever(settings.docs_dir)
    else:
        retriever = make_retriever(assistant.corpus, name)
    retriever.search("预热", 1)  # load the models before timing

    analyses: dict[str, Any] = {}  # the hybrid searches as the assistant does: with the analysis and situation

    live = assistant.live()

    def search(q: str) -> list[Passage]:
        if timed:
            forget_queries()  # timed as a first ask, not one the answer suite or a repeat remembered
        qa = analyses.get(q)
        hits = (retriever.find(q, 10, assistant.filters(live, qa, None), qa.info,
                               situation_searched(qa)).hits
                if qa is not None and hasattr(retriever, "find") else retriever.search(q, 10))
        return [Passage(h.chunk.id, h.chunk.doc_id, h.chunk.text) for h in hits]

    def standalone(it: GoldItem) -> str:
        qa = assistant.analyze(it.question, list(it.history))
        analyses[qa.standalone] = qa
        return str(qa.standalone)

    return run_retrieval(items, search, name, standalone, dataset, split)


def _answers(assistant: Any, name: str, items: Sequence[GoldItem], dataset: str = "gold",
             split: str = "all", timed: bool = True) -> SuiteResult:
    from assistant.types import Trace
    from vectorstore.embed import forget_queries

    # Asked again after an unrelated turn: extractive runs only (a model would double a long run).
    before = unrelated_turns(items) if name == "extractive" else {}

    def answer(it: GoldItem) -> AnswerResult:
        tr = Trace()
        if timed:
            forget_queries()  # timed as a first ask; the repeats within one answer are remembered as in use
        t = time.perf_counter()
        a = assistant.answer(it.question, list(it.history), trace=tr)
        seconds = time.perf_counter() - t
        # A citation shows its passage under its section path (the UI, API and batch output do), so an
        # item an answer names by its heading ('（一）夯实基层…') is backed by the passage under it.
        cited = [Passage(c.chunk.id, c.chunk.doc_id, f"{c.chunk.section}\n{c.chunk.text}") for c in a.citations]
        mid = assistant.answer(it.question, list(before[it.id])).text if it.id in before else None
        return AnswerResult(it, a.text, a.refused, cited, seconds, tr.first_token, tr.stages, mid)

    def progress(i: int, n: int) -> None:
        if sys.stderr.isatty() or i % 25 == 0:
            print(f"\ranswer suite {i}/{n}", end="", file=sys.stderr, flush=True)

    res = run_answers(items, answer, name, progress, dataset, split)
    print(file=sys.stderr)
    return res


@contextlib.contextmanager
def _llm_running(settings: Settings) -> Iterator[Any]:
    """The chat model the settings select, answering for the duration: a remote endpoint or a
    running local server as they are; otherwise the embedded model is started here and stopped
    afterwards."""
    from assistant.selectmodel import chat_model_from_settings

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


def _pick(items: list[GoldItem], args: argparse.Namespace) -> list[GoldItem]:
    styles = _styles(args)
    if styles:
        items = [it for it in items if it.style_name in styles]
    if args.limit:
        items = items[: args.limit]
    if getattr(args, "sample", 0) and args.sample < len(items):
        step = len(items) / args.sample
        items = [items[int(i * step)] for i in range(args.sample)]
    return items


def _styles(args: argparse.Namespace) -> set[str]:
    """The styles `--style` names, each checked: a misspelt one would silently select nothing."""
    names = {s.strip() for s in (getattr(args, "style", "") or "").split(",") if s.strip()}
    unknown = sorted(names - set(STYLES))
    if unknown:
        raise ConfigError(f"unknown style(s) {', '.join(unknown)}; use some of {', '.join(STYLES)}")
    return names


def _datasets(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(set, split) pairs asked for: `--set all --split both` → gold/dev, gold/test, realistic/dev, realistic/test."""
    sets = list(SETS) if getattr(args, "set", "all") in (None, "all") else [args.set]
    split = getattr(args, "split", "both") or "both"
    splits = list(SPLITS) if split == "both" else [split]
    return [(d, sp) for d in sets for sp in splits]


def evaluate(settings: Settings, args: argparse.Namespace, chat: Any = None) -> list[SuiteResult]:
    """The suites asked for, on every (set, split) asked for; `chat` answers the llm config."""
    from assistant.pipeline import Assistant

    results: list[SuiteResult] = []
    plain = Assistant(settings, chat=None)
    timed = not getattr(args, "untimed", False)
    for dataset, split in _datasets(args):
        items = _pick(gold_items(dataset=dataset, split=split), args)
        if args.suite in ("retrieval", "all"):
            name = args.config if args.config and args.suite == "retrieval" else "hybrid"
            results.append(_retrieval(plain, settings, name, items, dataset, split, timed))
        if args.suite in ("answer", "all"):
            mode = args.config if args.config and args.suite == "answer" else "extractive"
            if mode not in ("extractive", "llm"):
                raise ConfigError(f"unknown answer config {mode!r}; use extractive or llm")
            a = plain if mode == "extractive" else Assistant(settings, chat=chat)
            results.append(_answers(a, mode, items, dataset, split, timed))
    # Seconds of asks that reused remembered vectors are no latency anyone would see: none is reported.
    return results if timed else [dataclasses.replace(r, latency={}) for r in results]


def side_by_side(results: Sequence[SuiteResult], columns: Sequence[str]) -> str:
    """One row per metric, one column per set/split: dev and test read side by side."""
    rows = {m: {r.label: r.overall.get(m) for r in results} for m in columns
            if any(m in r.overall for r in results)}
    return table(rows, [r.label for r in results], "metric", counts=False)


def by_group(results: Sequence[SuiteResult], group: str, metric: str) -> str:
    """A headline metric per kind or style, one column per set/split."""
    names = sorted({k for r in results for k in getattr(r, group)})
    rows = {k: {r.label: getattr(r, group).get(k, {}).get(metric) for r in results} for k in names}
    for k in names:
        rows[k]["n"] = "/".join(str(getattr(r, group).get(k, {}).get("n", 0)) for r in results)
    return table(rows, [r.label for r in results], group.removeprefix("by_"))


def run_eval(settings: Settings, args: argparse.Namespace) -> int:
    """Run the asked suites; print dev and test side by side; write reports; exit 1 when a threshold fails."""
    from assistant.pipeline import Assistant

    baseline = load_baseline()
    if args.compare:
        names = [n.strip() for n in args.compare.split(",") if n.strip()]
        a = Assistant(settings, chat=None)
        cmp: list[SuiteResult] = []
        for dataset, split in _datasets(args):
            items = _pick(gold_items(dataset=dataset, split=split), args)
            here = [_retrieval(a, settings, n, items, dataset, split) for n in names]
            cmp += here
            print(f"## {dataset}/{split} ({len(here[0].items)} items)")
            print(table({r.config: {**r.overall, **r.latency} for r in here},
                        (*RETRIEVAL_COLUMNS, "search_p50_ms", "search_p95_ms"), "config"))
            print()
        if not args.no_report:
            for p in write_report(cmp):
                print(f"report: {p}")
        return 0

    if args.suite == "answer" and args.config == "llm":
        with _llm_running(settings) as chat:
            results = evaluate(settings, args, chat)
    else:
        results = evaluate(settings, args)

    failures: list[str] = []
    for suite, config in dict.fromkeys((r.suite, r.config) for r in results):
        rs = [r for r in results if (r.suite, r.config) == (suite, config)]
        cols = RETRIEVAL_COLUMNS if suite == "retrieval" else ANSWER_COLUMNS
        print(f"## {suite} suite — {config} (" + ", ".join(f"{r.label} {len(r.items)}" for r in rs) + " items)")
        print(side_by_side(rs, cols))
        print()
        for group in ("by_kind", "by_style"):
            print(f"{HEADLINE[suite]} {group.replace('_', ' ')}")
            print(by_group(rs, group, HEADLINE[suite]))
            print()
        for r in rs:
            print(f"{r.label} latency: " + (", ".join(f"{k} {v:.3f}" for k, v in r.latency.items())
                                            or "not measured (--untimed)"))
            moved = [f"{m} {old:.3f}→{new:.3f}" for m, (old, new) in compare_to_baseline(r, baseline).items()
                     if abs(new - old) > 1e-9]
            if moved:
                print(f"  vs baseline: {', '.join(moved)}")
        print()
        if not args.limit and not getattr(args, "sample", 0) and not _styles(args):
            for r in rs:
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
        figures.setdefault(r.dataset, {}).setdefault(r.split, {}).setdefault(r.suite, {})[r.config] = baseline_entry(r)
    BASELINE.write_text(json.dumps(baseline, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"baseline written: {BASELINE}")
