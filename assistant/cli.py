"""`planqa …`: the command line. Heavy imports live inside the commands so `--help` is instant."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from assistant.cliargs import parser
from assistant.settings import Settings
from vectorstore.errors import PlanQAError


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    args = parser().parse_args(argv)
    try:
        settings = Settings()
        return int(COMMANDS[args.command](settings, args) or 0)
    except PlanQAError as exc:
        print(f"planqa {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _filters(args: argparse.Namespace) -> Any:
    from vectorstore.retrieve import Filters

    return Filters(tuple(args.doc), tuple(args.region), tuple(args.kind))


def _scope(a: Any, args: argparse.Namespace) -> Any:
    """--scope as Filters: None keeps PLANQA_DEFAULT_SCOPE, 'all' is every plan."""
    from assistant import default_scope

    values = None if args.scope is None else () if args.scope.strip().lower() == "all" else default_scope.parse(args.scope)
    return default_scope.requested(values, a.corpus.build.docs, source="--scope")


def cmd_ingest(settings: Settings, args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from vectorstore.ingest import ingest

    bars: dict[str, Any] = {}

    def progress(stage: str, i: int, n: int) -> None:
        if args.quiet or n == 0:
            return
        label = {"load": "读取", "embed": "向量化", "store": "写入"}.get(stage, stage)
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(total=n, desc=label, file=sys.stderr, unit="项")
        bar.n = i
        bar.refresh()
        if i >= n:
            bar.close()

    paths = list(args.paths) or ([] if args.remove else [settings.docs_dir])
    r = ingest(settings.index_dir, paths, full=args.full, remove=args.remove, progress=progress,
               lexicon_dir=settings.lexicon_dir, chroma=settings.chroma, dense=settings.embed_text)
    for path, reason in r.errors:
        print(f"error: {path}: {reason}", file=sys.stderr)
    for note in r.notes:
        print(f"note: {note}", file=sys.stderr)
    sizes = r.size_stats()
    print(
        f"documents {r.documents} · sections {r.sections} · tables {r.tables} · rows {r.rows} · chunks {r.chunks} "
        f"· embedded {r.embedded} · reused {r.reused} · {r.seconds:.1f} s"
    )
    for label, ids in (("added", r.added), ("updated", r.updated), ("unchanged", r.unchanged), ("removed", r.removed)):
        if ids:
            print(f"  {label}: {', '.join(ids)}")
    print(f"  rows per plan: {r.rows_per_doc}")
    print(f"  indicators: {r.indicators} ({r.indicators_extracted} read afresh)")
    for u in r.unparsed:
        print(f"  row kept as text only ({u.doc_id}): {u.reason}: {u.text[:80]}")
    print(f"  chunk size (chars): {sizes}")
    print(f"  index: {settings.index_dir} (build {r.build})")
    return 1 if r.errors else 0


def _assistant(settings: Settings, extractive: bool = False) -> Any:
    from assistant.pipeline import Assistant

    return Assistant(settings, chat=None if extractive else "auto")


def cmd_docs(settings: Settings, args: argparse.Namespace) -> int:
    from vectorstore.index import Build, IndexStore

    build = Build(IndexStore(settings.index_dir).current_dir(), settings.chroma)
    docs = [r.as_dict() for r in build.docs.values()]
    if args.json:
        print(json.dumps(docs, ensure_ascii=False, indent=1))
        return 0
    for d in docs:
        status = f"（{d['status']}）" if d["status"] and d["status"] not in d["title"] else ""
        region = " ".join(x for x in (d["province"], d["city"], d["district"]) if x)
        print(f"{d['doc_id']:<16} {d['title']}{status}")
        print(f"{'':<16} {region} · {d['kind']} · {d['period']} · {d['n_chunks']} chunks, {d['n_rows']} table rows")
    return 0


def cmd_show(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.passages import context

    ctx = context(_assistant(settings, extractive=True).corpus.build, args.chunk_id)
    if args.json:
        print(json.dumps(ctx, ensure_ascii=False, indent=1))
        return 0
    status = f"（{ctx['status']}）" if ctx["status"] and ctx["status"] not in ctx["title"] else ""
    print(f"《{ctx['title']}》{status}\n{ctx['section']}\n")
    print(f"…{ctx['before'][-200:]}\033[1;33m{ctx['passage']}\033[0m{ctx['after'][:200]}…")
    if ctx.get("table"):
        print("\n" + ctx["table"])
    return 0


def _highlight(text: str, terms: Sequence[str]) -> str:
    if not sys.stdout.isatty():
        return text
    for t in sorted(set(terms), key=len, reverse=True):
        text = text.replace(t, f"\033[1;31m{t}\033[0m")
    return text


def _questions(args: argparse.Namespace) -> list[dict[str, Any]]:
    from assistant.batch import read_questions
    from vectorstore.errors import BadRequestError

    if args.questions:
        return read_questions(args.questions)
    if not args.question:
        raise BadRequestError("give a question in quotes or --questions FILE")
    return [{"id": "1", "question": args.question, "history": []}]


def cmd_search(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.batch import hit_json, iter_progress
    from vectorstore.baselines import make_retriever

    a = _assistant(settings, extractive=True)
    retriever = make_retriever(a.corpus, args.retriever)
    scope = _scope(a, args)
    rows = []
    qs = _questions(args)
    for q in iter_progress(qs, len(qs), bool(args.questions) and not args.json):
        qa = a.analyze(q["question"], q["history"])
        standalone = qa.standalone
        hits = retriever.search(standalone, args.k, a.filters(a.live(), qa, _filters(args), scope))
        rows.append({"id": q["id"], "question": q["question"], "hits": [hit_json(h) for h in hits]})
        if not (args.json or args.out):
            print(f"问：{q['question']}" + (f"（按：{standalone}）" if standalone != q["question"] else ""))
            for i, h in enumerate(hits, 1):
                print(f"[{i}] {h.score:.3f} 《{h.chunk.title}》 {h.chunk.section}")
                print("    " + _highlight(h.chunk.text.replace("\n", "\n    "), h.matched))
                if args.explain:
                    print(f"    ranks: {dict(h.ranks)} · matched: {', '.join(h.matched)}")
            print()
    return _emit(rows, args, "results")


def _emit(rows: list[dict[str, Any]], args: argparse.Namespace, what: str) -> int:
    """Batch output: --out FILE (.jsonl/.csv/.xlsx) or --json lines; plain output was printed already."""
    from assistant.batch import write_rows

    if args.out:
        write_rows(args.out, rows)
        print(f"wrote {len(rows)} {what} to {args.out}", file=sys.stderr)
    elif args.json:
        for r in rows:
            print(json.dumps(r, ensure_ascii=False))
    return 0


def cmd_ask(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.batch import answer_json, iter_progress

    a = _assistant(settings, extractive=args.extractive)
    scope = _scope(a, args)
    qs = _questions(args)
    rows = []
    for q in iter_progress(qs, len(qs), bool(args.questions) and not args.json):
        ans = a.answer(q["question"], q["history"], _filters(args), reply=args.reply, scope=scope)
        rows.append({"id": q["id"], "question": q["question"], **answer_json(ans)})
        if not (args.json or args.out):
            print(ans.text)
            for c in ans.citations:
                print(f"  [{c.n}] 《{c.chunk.title}》 {c.chunk.section}\n      {c.chunk.text[:160]}")
            for note in ans.notes:
                print(f"  注：{note}")
            print(f"  （生成方式：{ans.generator}）\n")
    return _emit(rows, args, "answers")


def cmd_eval(settings: Settings, args: argparse.Namespace) -> int:
    from eval.cli import run_eval

    return run_eval(settings, args)


def cmd_eval_diff(settings: Settings, args: argparse.Namespace) -> int:
    from eval.diff import load_report, render

    print(render(load_report(args.old), load_report(args.new), list_items=args.items))
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.api import serve

    serve(settings)
    return 0


def cmd_ui(settings: Settings, args: argparse.Namespace) -> int:
    import subprocess

    from assistant.settings import REPO_ROOT

    return subprocess.call([
        sys.executable, "-m", "streamlit", "run", str(REPO_ROOT / "ui" / "app.py"), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.port", str(settings.ui_port),
        "--server.address", settings.api_host,
    ])


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.stack import run_stack

    return int(run_stack(settings) or 0)


def cmd_feedback(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.feedback import export

    n = export(settings, args.file)
    print(f"wrote {n} feedback records to {args.file}")
    return 0


def cmd_indicators(settings: Settings, args: argparse.Namespace) -> int:
    import difflib

    from assistant.fromstore import plans_of
    from indicators.report import COLUMNS, compare, rows, to_csv, to_xlsx
    from vectorstore.errors import ConfigError, NotFoundError
    from vectorstore.index import Build, IndexStore

    build = Build(IndexStore(settings.index_dir).current_dir(), settings.chroma)
    plans = plans_of(build)
    records = build.indicators.all()
    if args.compare:
        keys = sorted({r.key for r in records})
        if args.compare not in keys:
            close = difflib.get_close_matches(args.compare, keys, n=3, cutoff=0.3)
            raise NotFoundError(f"no indicator key {args.compare!r}; "
                                + (f"did you mean {', '.join(close)}?" if close else "run `planqa indicators` for the keys"))
        got = compare(records, args.compare, plans)
        if args.json:
            print(json.dumps(got, ensure_ascii=False, indent=1))
            return 0
        print(f"{got['key']}" + (f"（单位不同：{'、'.join(got['units'])}，不能直接比较）" if len(got["units"]) > 1 else ""))
        for e in got["plans"]:
            print(f"  {e['plan']}：{e['name']}  基数 {e['baseline'] or '—'}  目标 {e['target'] or '—'}  {e['attribute']}")
        if got["missing"]:
            print(f"  未设定：{'、'.join(plans[d].label for d in got['missing'])}")
        return 0
    if args.plan and args.plan not in build.docs:
        raise NotFoundError(f"no plan {args.plan!r}; use one of {', '.join(sorted(build.docs))}")
    table = rows(build.indicators.find(doc_id=args.plan, category=args.category, attribute=args.attribute, q=args.q), plans)
    if args.out:
        suffix = args.out.suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise ConfigError(f"--out {args.out}: write .xlsx or .csv")
        args.out.write_bytes(to_xlsx(table) if suffix == ".xlsx" else to_csv(table))
        print(f"wrote {len(table)} indicators to {args.out}")
        return 0
    if args.json:
        print(json.dumps(table, ensure_ascii=False, indent=1))
        return 0
    for r in table:
        print("｜".join(str(r[k]) for k in COLUMNS[:8] if k != "全部数值"))
    print(f"{len(table)} indicators")
    return 0


def cmd_audit(settings: Settings, args: argparse.Namespace) -> int:
    from assistant import audit

    if args.file.suffix.lower() == ".json":
        args.file.write_text(json.dumps(audit.rows(settings, args.table), ensure_ascii=False, indent=1),
                             encoding="utf-8")
    else:
        args.file.write_bytes(audit.to_csv(settings, args.table))
    print(f"wrote {len(audit.rows(settings, args.table))} {args.table} rows to {args.file}")
    return 0


def cmd_model(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.localmodel import main as model_main

    return int(model_main([args.action]) or 0)


COMMANDS = {
    "ingest": cmd_ingest, "docs": cmd_docs, "show": cmd_show, "search": cmd_search, "ask": cmd_ask,
    "eval": cmd_eval, "eval-diff": cmd_eval_diff, "serve": cmd_serve, "ui": cmd_ui, "run": cmd_run, "feedback": cmd_feedback,
    "model": cmd_model, "indicators": cmd_indicators, "audit": cmd_audit,
}

if __name__ == "__main__":
    raise SystemExit(main())
