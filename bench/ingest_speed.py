"""Ingest speed against quality, side by side in one run: a first ingest of the five plans with a cold
embedding cache, then the retrieval quality on the gold test split, for
- the code of an earlier revision (--baseline-rev, default 6b096e6: the revision current when the
  scale issue measured "today"), run from a git worktree with this venv — the wheel's embedding
  engine, as then;
- this code with each dense-text choice (PLANQA_EMBED_TEXT = path, tag, passage) and the engine
  `python -m vectorstore.engine status` names (the one built and proven for this CPU, if any).
BM25 reads the title and path in every case. The rev_query_recall columns are the earlier
revision's own query code searching each row's index: the same question analysis on both indexes,
so they show what the ingest changed in retrieval apart from what the question side changed since.

Run: .venv/bin/python bench/ingest_speed.py [--variants path,tag,passage] [--baseline-rev REV|'']
(about 3 minutes a row on 2 cores)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from scale import REPO, busy_cores, ingest, log, measure_search  # noqa: E402

_CLI = "import sys; from assistant.cli import main; sys.exit(main(sys.argv[1:]))"

RESULTS = Path(__file__).resolve().parent / "results"


def _fresh(work: Path, name: str, env: dict[str, str]) -> tuple[Path, dict[str, str], float]:
    """A new data dir (its embedding cache starts empty), the child's environment, and how busy other
    work keeps the cores as the row starts."""
    data = work / f"speed-{name}" / "data"
    shutil.rmtree(data.parent, ignore_errors=True)
    data.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANQA_")} | {"PLANQA_DATA_DIR": str(data)} | env
    others = busy_cores()
    if others > 0.3:
        log(f"warning: {others:.1f} cores busy with other work before {name!r}: its timing will be high")
    return data, env, others


def _row(label: str, engine: str, first: dict[str, Any], again: dict[str, Any], recall5: float, recall1: float,
         p50: float, others: float) -> dict[str, Any]:
    n = first.get("chunks", 0)
    return {"embed_text": label, "engine": engine, "passages": n, "ingest_s": round(first["seconds"], 1),
            "ingest_cpu_s": round(first["cpu_s"], 1), "passages_per_s": round(n / first["seconds"], 2),
            "passages_per_cpu_s": round(n / first["cpu_s"], 2), "reingest_s": round(again["seconds"], 1),
            "reingest_share": round(again["seconds"] / first["seconds"], 3),
            "gold_test_recall@5": round(recall5, 3), "gold_test_recall@1": round(recall1, 3),
            "search_p50_ms": round(p50, 1), "other_busy_cores_before": round(others, 2)}


def run(variant: str, work: Path, engine: str, rev_tree: Path | None = None) -> dict[str, Any]:
    """This code's first ingest and recall with one dense-text choice; with ``rev_tree``, also the
    recall of that revision's query code on the index this code built (the ingest's own effect on
    retrieval, apart from what the question analysis changed since)."""
    data, env, others = _fresh(work, variant, {"PLANQA_DOCS_DIR": str(REPO / "docs_src"),
                                               "PLANQA_EMBED_TEXT": variant})
    first = ingest(env, data.parent / "ingest.log")
    again = ingest(env, data.parent / "ingest.log")
    os.environ["PLANQA_EMBED_TEXT"] = variant
    try:
        search = measure_search(data, REPO / "docs_src", None)
    finally:
        os.environ.pop("PLANQA_EMBED_TEXT", None)
    row = _row(variant, engine, first, again, search["recall@5"], search["recall@1"], search["p50"], others)
    if rev_tree is not None:
        figures = _rev_recall(rev_tree, env)
        row |= {"rev_query_recall@5": round(figures["recall@5"], 3), "rev_query_recall@1": round(figures["recall@1"], 3)}
    return row


def _rev_recall(tree: Path, env: dict[str, str]) -> dict[str, float]:
    """`planqa eval --suite retrieval --set gold --split test` of the revision in ``tree`` over the
    data dir ``env`` names."""
    env = env | {"PLANQA_DOCS_DIR": str(tree / "docs_src"), "PYTHONPATH": str(tree)}
    # From the tree: `python -c` puts the working directory before PYTHONPATH, so run anywhere
    # else it would import this checkout's code instead of the revision's.
    out = subprocess.run([sys.executable, "-c", _CLI, "eval", "--suite", "retrieval", "--set", "gold", "--split",
                          "test", "--no-report"], env=env, cwd=tree, capture_output=True, text=True, check=False).stdout

    def figure(name: str) -> float:
        found = re.search(rf"{re.escape(name)} (?:[\d.]+→)?([\d.]+)", out)
        return float(found.group(1)) if found else float("nan")
    return {k: figure(k) for k in ("recall@5", "recall@1", "search_p50_ms")}


def worktree(rev: str, work: Path) -> Path:
    tree = work / f"rev-{rev}"
    if tree.exists():
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], check=False)
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), rev], check=True,
                   capture_output=True)
    return tree


def run_revision(rev: str, tree: Path, work: Path) -> dict[str, Any]:
    """An earlier revision's own ingest and retrieval eval, from its worktree, on this venv's packages."""
    data, env, others = _fresh(work, f"rev-{rev}", {"PLANQA_DOCS_DIR": str(tree / "docs_src"),
                                                    "PYTHONPATH": str(tree)})
    py = [sys.executable, "-c", _CLI]
    first = ingest(env, data.parent / "ingest.log", [*py, "ingest"], cwd=tree)
    again = ingest(env, data.parent / "ingest.log", [*py, "ingest"], cwd=tree)
    figures = _rev_recall(tree, env)
    row = _row(f"path @ {rev}", "wheel", first, again, figures["recall@5"], figures["recall@1"],
               figures["search_p50_ms"], others)
    return row | {"rev_query_recall@5": row["gold_test_recall@5"], "rev_query_recall@1": row["gold_test_recall@1"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variants", default="path,tag,passage")
    ap.add_argument("--baseline-rev", default="6b096e6", help="an earlier revision to run first ('' for none)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/planqa-bench"))
    args = ap.parse_args()
    from vectorstore.engine import native_library

    engine = native_library()
    log(f"this code embeds with {'the native engine ' + engine.name if engine else 'the wheel engine'}")
    tree = worktree(args.baseline_rev, args.work) if args.baseline_rev else None
    try:
        rows = [run_revision(args.baseline_rev, tree, args.work)] if tree is not None else []
        rows += [run(v.strip(), args.work, engine.name if engine else "wheel", tree)
                 for v in args.variants.split(",") if v.strip()]
    finally:
        if tree is not None:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], check=False)
    base = rows[0]
    cols = list(rows[0])
    lines = ["| " + " | ".join(cols) + " | speed vs first |", "|" + "---|" * (len(cols) + 1)]
    lines += ["| " + " | ".join(str(r[c]) for c in cols) + f" | {r['passages_per_s'] / base['passages_per_s']:.2f}× "
              f"(CPU {r['passages_per_cpu_s'] / base['passages_per_cpu_s']:.2f}×) |" for r in rows]
    print("\n".join(lines))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "ingest_speed.json"
    out.write_text(json.dumps({"date": time.strftime("%Y-%m-%d %H:%M"), "rows": rows}, ensure_ascii=False, indent=1))
    (RESULTS / "ingest_speed.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    log(f"written {out} and ingest_speed.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
