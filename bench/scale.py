"""Scale benchmark: ingest time, index size, memory, search latency and gold retrieval quality at
1×, 10× and 100× the plans, with embedded Chroma and with a Chroma server.

Run: .venv/bin/python bench/scale.py --scales 1,10 --modes embedded,server     # ~30 min on 2 cores
     .venv/bin/python bench/scale.py --scales 100 --modes embedded   # ~1 h 45 min (the embedding)
     .venv/bin/python bench/scale.py --scales 100 --modes embedded --measure-only   # search again
     .venv/bin/python bench/scale.py --scales 100 --modes server --vectors-from-cache   # the same vectors, served

Gold test recall is measured twice: over every plan, and with the five real plans as the default
scope (a question naming no plan searched in them, one naming a plan routed among all).

Run it on an idle machine: the embedder's two threads slow down many times over when anything else
keeps a core busy; each row records how busy other work kept the cores as it started.

For each scale the corpus comes from bench/synth_corpus.py (1× is docs_src itself). Each (scale,
mode) gets a fresh data dir, so the embedding cache (<data_dir>/cache) starts cold and the first
ingest is honest; the same ingest is then run again on it unchanged (the re-ingest column). Server
mode starts its own `chroma run` on a free port. Rows are merged into bench/results/scale.json by
(scale, mode), so a later 100× run adds to the 1× and 10× ones; the table goes to stdout and to
scale.md, the latency plot to scale.png. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = REPO / "bench" / "results"
sys.path.insert(0, str(REPO / "bench"))

import synth_corpus  # noqa: E402

COLUMNS = ("scale", "mode", "docs", "passages", "ingest s", "passages/s", "re-ingest s", "index MB",
           "peak RSS MB", "search p50 ms", "search p95 ms", "gold test r@5", "R@1", "r@5 in scope", "R@1 in scope")
T0 = time.perf_counter()
ANSWER_SAMPLE = 40  # gold questions answered whole (extractive) for the answer latency


def log(msg: str) -> None:
    print(f"[{time.perf_counter() - T0:7.0f} s] {msg}", file=sys.stderr, flush=True)


def disk_mb(path: Path) -> float:
    """Space the files take on disk, as du counts it (Chroma's files are sparse)."""
    blocks = sum(f.stat().st_blocks for f in path.rglob("*") if f.is_file()) if path.exists() else 0
    return blocks * 512 / 2**20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def chroma_server(path: Path) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """A real `chroma run` on a free port, up once its heartbeat answers; stopped on the way out."""
    port = free_port()
    path.mkdir(parents=True, exist_ok=True)
    with open(path.parent / "chroma-server.log", "wb") as out:
        proc = subprocess.Popen([str(BIN / "chroma"), "run", "--path", str(path), "--port", str(port),
                                 "--host", "127.0.0.1"], stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"chroma server did not start; see {path.parent / 'chroma-server.log'}") from None
                time.sleep(0.5)
        log(f"chroma server on 127.0.0.1:{port} (pid {proc.pid})")
        yield port, proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def peak_rss_mb(pid: int) -> float:
    """A running process's peak resident memory so far (VmHWM)."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def busy_cores(seconds: float = 2.0) -> float:
    """Cores kept busy by other processes over a short idle moment of ours (from /proc/stat)."""
    def sample() -> list[int]:
        return [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]

    a = sample()
    time.sleep(seconds)
    d = [y - x for x, y in zip(a, sample(), strict=True)]
    idle = d[3] + d[4]  # idle + iowait
    return (1 - idle / max(1, sum(d))) * (os.cpu_count() or 1)


def cpu_marks() -> tuple[float, float]:
    """(CPU seconds the whole machine has spent busy, CPU seconds of this process and its reaped
    children): their difference over a row is what other work took from it."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    t = os.times()
    return ((sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK"),
            t.user + t.system + t.children_user + t.children_system)


def ingest(env: dict[str, str], log_file: Path, argv: list[str] | None = None, cwd: Path | None = None) -> dict[str, Any]:
    """`planqa ingest` as a child: wall time, its own peak RSS, what it printed.

    Not wait4's ru_maxrss: Linux carries the forking process's high-water mark into the child's
    across exec, so every child of this (by then 400 MB) process would report at least that. The
    child's own VmHWM is sampled instead; being a high-water mark, only a peak in its last 0.1 s
    could be missed."""
    t = time.perf_counter()
    with open(log_file, "ab") as err:
        proc = subprocess.Popen(argv or [str(BIN / "planqa"), "ingest"], env=env, cwd=cwd, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)

        def relay() -> None:  # the progress bars reach our stderr and the log as they come
            assert proc.stderr is not None
            while chunk := os.read(proc.stderr.fileno(), 4096):
                sys.stderr.buffer.write(chunk)
                sys.stderr.flush()
                err.write(chunk)

        peak = [0.0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.1):
                peak[0] = max(peak[0], peak_rss_mb(proc.pid))

        threads = [threading.Thread(target=f, daemon=True) for f in (relay, sample)]
        for th in threads:
            th.start()
        assert proc.stdout is not None
        out = proc.stdout.read().decode()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        for th in threads:
            th.join()
    seconds = time.perf_counter() - t
    if proc.returncode:
        log(f"ingest exited {proc.returncode}; see {log_file}")
    counts = {k: int(v) for k, v in re.findall(r"(documents|chunks|embedded|reused) (\d+)", out)}
    # CPU seconds besides wall time: on a shared host the wall time of one run swings by 1.5x with
    # the neighbours' load, the work done much less.
    return {"seconds": seconds, "cpu_s": usage.ru_utime + usage.ru_stime, "rss_mb": peak[0], "rc": proc.returncode,
            **counts}


def real_plans() -> tuple[str, ...]:
    """The ids of the five real plans (docs_src/manifest.json): the gold set's scope."""
    manifest = json.loads((synth_corpus.DOCS_SRC / "manifest.json").read_text(encoding="utf-8"))
    return tuple(d["doc_id"] for d in manifest["documents"])


def measure_search(data_dir: Path, docs_dir: Path, chroma_port: int | None, rounds: int = 2,
                   recall: bool = True) -> dict[str, float]:
    """Hybrid search p50/p95 over the gold questions (as scripts/bench_search.py) and recall on the
    gold test split as `planqa eval --suite retrieval` measures it (NaN when not ``recall``), twice:
    over every plan, and with the real plans as the default scope (PLANQA_DEFAULT_SCOPE: a question
    naming no plan is searched in them; one naming a plan is routed among all). In this process."""
    env = {"PLANQA_DATA_DIR": str(data_dir), "PLANQA_DOCS_DIR": str(docs_dir)}
    if chroma_port is not None:
        env |= {"PLANQA_CHROMA_HOST": "127.0.0.1", "PLANQA_CHROMA_PORT": str(chroma_port)}
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("PLANQA_CHROMA_")}
    os.environ.update(env)
    try:
        from assistant import default_scope
        from assistant.pipeline import Assistant
        from assistant.retrieval import situation_searched
        from assistant.settings import Settings
        from eval.gold import load_gold
        from eval.metrics import Passage, percentile
        from eval.run import gold_items, run_retrieval
        from vectorstore.retrieve import Corpus, Filters, HybridRetriever

        settings = Settings()
        t = time.perf_counter()
        retriever = HybridRetriever(Corpus.open(settings.index_dir, settings.embed_threads, chroma=settings.chroma))
        retriever.search("预热", 5)
        opened = time.perf_counter() - t
        log(f"index opened in {opened:.1f} s; timing {rounds} rounds of the gold questions")
        questions = [i.question for i in load_gold()]
        times = []
        for _ in range(rounds):
            for q in questions:
                t = time.perf_counter()
                retriever.search(q, 5)
                times.append((time.perf_counter() - t) * 1000)
        out = {"p50": percentile(times, 50), "p95": percentile(times, 95), "queries": len(times),
               "open_s": opened, "recall@5": math.nan, "recall@1": math.nan, "recall_suite_s": 0.0}
        if not recall:
            return out
        log("gold test split, retrieval suite: every plan, then the real plans as the default scope")
        t = time.perf_counter()
        assistant = Assistant(settings, chat=None)
        live = assistant.live()
        hybrid = HybridRetriever(live.corpus)
        scope = default_scope.resolve(real_plans(), live.corpus.build.docs)
        analyses: dict[str, Any] = {}  # each item analysed once for both runs (at 100× it is the cost)
        last: list[Any] = [None]  # run_retrieval searches the item it has just asked standalone() for
        analyse_ms: list[float] = []

        def standalone(it: Any) -> str:
            if it.id not in analyses:
                t0 = time.perf_counter()
                analyses[it.id] = assistant.analyze(it.question, list(it.history), live)
                analyse_ms.append((time.perf_counter() - t0) * 1000)
            last[0] = analyses[it.id]
            return str(last[0].standalone)

        def searcher(scoped: bool) -> Any:
            def search(q: str) -> list[Any]:
                qa = last[0]
                f = assistant.filters(live, qa, None, scope if scoped else Filters())
                hits = hybrid.find(q, 10, f, qa.info, situation_searched(qa)).hits
                return [Passage(h.chunk.id, h.chunk.doc_id, h.chunk.text) for h in hits]
            return search

        items = gold_items(dataset="gold", split="test")
        every = run_retrieval(items, searcher(False), "hybrid", standalone, "gold", "test")
        scoped = run_retrieval(items, searcher(True), "hybrid", standalone, "gold", "test")

        # A whole extractive answer (analysis, search, gate, composing) for a sample of the questions:
        # what a user waits for, beside the search alone.
        answer_ms = []
        for q in questions[:: max(1, len(questions) // ANSWER_SAMPLE)][:ANSWER_SAMPLE]:
            t0 = time.perf_counter()
            assistant.answer(q)
            answer_ms.append((time.perf_counter() - t0) * 1000)

        def kinds(suite: Any, tag: str) -> dict[str, float]:
            return {f"recall@5 {tag}{kind}": float(v["recall@5"]) for kind, v in suite.by_kind.items()}
        return out | kinds(every, "") | kinds(scoped, "scoped ") | {
            "recall@5": every.overall["recall@5"], "recall@1": every.overall["recall@1"],
            "scoped recall@5": scoped.overall["recall@5"], "scoped recall@1": scoped.overall["recall@1"],
            "analyse_p50_ms": percentile(analyse_ms, 50), "analyse_p95_ms": percentile(analyse_ms, 95),
            "answer_p50_ms": percentile(answer_ms, 50), "answer_p95_ms": percentile(answer_ms, 95),
            "recall_suite_s": time.perf_counter() - t}
    finally:
        for k in env:
            os.environ.pop(k, None)
        os.environ.update(saved)


def _ratio(x: float) -> float | None:
    return None if math.isnan(x) else round(x, 3)


class StandInEmbedder:
    """Unit vectors drawn from each text's hash: what search costs does not depend on the vectors'
    values, so a corpus too big to embed in a session still gets its latency, size and memory measured
    (never its retrieval quality, nor its ingest time)."""

    name = "stand-in"
    dim = 384

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            seed = int.from_bytes(hashlib.sha256(t.encode()).digest()[:8], "little")
            v = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
            out[i] = v / np.linalg.norm(v)
        return out


def stand_in_ingest() -> int:
    """`bench/scale.py _stand_in_ingest`: `planqa ingest` of PLANQA_DOCS_DIR with stand-in vectors."""
    from assistant.settings import Settings
    from vectorstore.ingest import ingest as run_ingest

    st = Settings()
    r = run_ingest(st.index_dir, [st.docs_dir], embedder=StandInEmbedder(), lexicon_dir=st.lexicon_dir,
                   chroma=st.chroma, dense=st.embed_text)
    print(f"documents {r.documents} · chunks {r.chunks} · embedded {r.embedded} · reused {r.reused}")
    return 0


def run_one(scale: int, mode: str, corpus: Path, work: Path, recall: bool = True,
            stand_in: bool = False, before: dict[str, Any] | None = None, cached: bool = False) -> dict[str, Any]:
    """One row; with ``before`` (the row of an earlier run whose build is still in its run dir) only
    the search and recall columns are measured again, on that build, and the ingest's are kept.
    ``cached``: the embedding cache is seeded from the embedded row's run of the same scale, so the
    model's vectors are used without embedding again (the ingest columns then measure the store)."""
    suffix = "-stand-in" if stand_in else "-cached-vectors" if cached else ""
    run = work / f"run-{scale}x-{mode}{suffix}"
    argv = [sys.executable, str(Path(__file__).resolve()), "_stand_in_ingest"] if stand_in else None
    recall = recall and not stand_in
    data = run / "data"  # fresh: its cache/embeddings.sqlite starts empty
    if before is None:
        shutil.rmtree(run, ignore_errors=True)
        run.mkdir(parents=True)
        if cached:
            seed = work / f"run-{scale}x-embedded" / "data" / "cache" / "embeddings.sqlite"
            if not seed.is_file():
                raise SystemExit(f"--vectors-from-cache: no {seed}; run the {scale}× embedded row first")
            (data / "cache").mkdir(parents=True)
            shutil.copy2(seed, data / "cache" / "embeddings.sqlite")
    elif not (data / "indexes").is_dir():
        raise SystemExit(f"--measure-only: no build in {run}; run the {scale}× {mode} row in full first")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANQA_")}
    env |= {"PLANQA_DATA_DIR": str(data), "PLANQA_DOCS_DIR": str(corpus), "HF_HUB_OFFLINE": "1"}
    others = busy_cores()
    if others > 0.3:  # another process on these 2 cores slows the embedder's threads many times over
        log(f"warning: {others:.1f} cores busy with other work before {scale}× {mode}: timings will be high")
    mark, wall = cpu_marks(), time.perf_counter()
    with contextlib.ExitStack() as stack:
        port, server_pid = None, 0
        if mode == "server":
            port, proc = stack.enter_context(chroma_server(run / "chroma"))
            server_pid = proc.pid
            env |= {"PLANQA_CHROMA_HOST": "127.0.0.1", "PLANQA_CHROMA_PORT": str(port)}
        if before is None:
            cache = "embedding cache seeded from the embedded run" if cached else "cold embedding cache"
            log(f"{scale}× {mode}: first ingest of {corpus} ({cache})")
            first = ingest(env, run / "ingest.log", argv)
            index_mb = disk_mb(data / "indexes") + disk_mb(run / "chroma")
            log(f"{scale}× {mode}: first ingest {first['seconds']:.0f} s, {first.get('chunks', 0)} passages; re-ingest")
            again = ingest(env, run / "ingest.log", argv)
            log(f"{scale}× {mode}: re-ingest {again['seconds']:.1f} s (embedded {again.get('embedded', '?')})")
        search = measure_search(data, corpus, port, recall=recall)
        server_rss = peak_rss_mb(server_pid) if server_pid else 0.0
    (busy0, ours0), (busy1, ours1) = mark, cpu_marks()
    other = max(0.0, (busy1 - busy0) - (ours1 - ours0)) / ((time.perf_counter() - wall) * (os.cpu_count() or 1))
    if other > 0.05:
        log(f"warning: other work took {other:.0%} of the CPU during {scale}× {mode}: its timings are high")
    if before is not None:
        return remeasured(before, search, other)
    passages = first.get("chunks", 0)
    row = {
        "scale": scale, "mode": _label(mode, stand_in, cached), "docs": first.get("documents", 0), "passages": passages,
        "ingest_s": round(first["seconds"], 1), "passages_per_s": round(passages / first["seconds"], 1),
        "reingest_s": round(again["seconds"], 1), "index_mb": round(index_mb, 1),
        "peak_rss_mb": round(first["rss_mb"]), "search_p50_ms": round(search["p50"], 1),
        "search_p95_ms": round(search["p95"], 1), "gold_test_recall@5": _ratio(search["recall@5"]),
        "gold_test_recall@1": _ratio(search["recall@1"]),
        **scoped_columns(search),
        "details": {"embedded": first.get("embedded"), "ingest_cpu_s": round(first.get("cpu_s", 0.0)), "reingest_embedded": again.get("embedded"),
                    "ingest_exit": [first["rc"], again["rc"]], "search_queries": search["queries"],
                    "server_peak_rss_mb": round(server_rss), "index_open_s": round(search["open_s"], 1),
                    **search_details(search),
                    "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
                    "other_busy_cores_before": round(others, 2), "other_cpu_share_during": round(other, 3), "loadavg_after": round(os.getloadavg()[0], 1),
                    "date": time.strftime("%Y-%m-%d %H:%M"), "commit": _commit()},
    }
    log(f"{scale}× {mode}: done {json.dumps({k: v for k, v in row.items() if k != 'details'}, ensure_ascii=False)}")
    return row


def _label(mode: str, stand_in: bool, cached: bool) -> str:
    return f"{mode} (stand-in vectors)" if stand_in else f"{mode} (cached vectors)" if cached else mode


def scoped_columns(search: dict[str, Any]) -> dict[str, Any]:
    return {"scoped_recall@5": _ratio(search.get("scoped recall@5", math.nan)),
            "scoped_recall@1": _ratio(search.get("scoped recall@1", math.nan))}


def search_details(search: dict[str, Any]) -> dict[str, Any]:
    out = {"recall_suite_s": round(search["recall_suite_s"], 1),
           "recall@5_by_kind": {k.split(" ", 1)[1]: round(v, 3) for k, v in search.items() if k.startswith("recall@5 ")}}
    for k in ("analyse_p50_ms", "analyse_p95_ms", "answer_p50_ms", "answer_p95_ms"):
        if k in search:  # the question analysis before each search; a whole extractive answer
            out[k] = round(search[k])
    return out


def remeasured(before: dict[str, Any], search: dict[str, Any], other: float) -> dict[str, Any]:
    """The earlier row with its search and recall columns measured again by this code."""
    details = before["details"] | search_details(search) | {
        "search_queries": search["queries"], "index_open_s": round(search["open_s"], 1),
        "search_measured": time.strftime("%Y-%m-%d %H:%M"), "search_commit": _commit(),
        "search_other_cpu_share": round(other, 3)}
    return before | {"search_p50_ms": round(search["p50"], 1), "search_p95_ms": round(search["p95"], 1),
                     "gold_test_recall@5": _ratio(search["recall@5"]), "gold_test_recall@1": _ratio(search["recall@1"]),
                     **scoped_columns(search), "details": details}


def _commit() -> str:
    """HEAD, marked '+dirty' when the code the ingest runs has uncommitted changes."""
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    dirty = subprocess.run(["git", "diff", "--quiet", "HEAD", "--", "assistant", "vectorstore", "indicators",
                            "question", "eval"], cwd=REPO).returncode
    return out.stdout.strip() + ("+dirty" if dirty else "")


def table(rows: list[dict[str, Any]]) -> str:
    keys = ("scale", "mode", "docs", "passages", "ingest_s", "passages_per_s", "reingest_s", "index_mb",
            "peak_rss_mb", "search_p50_ms", "search_p95_ms", "gold_test_recall@5", "gold_test_recall@1",
            "scoped_recall@5", "scoped_recall@1")
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in rows:
        cells = [f"{r['scale']}×" if k == "scale" else "—" if r.get(k) is None else str(r[k]) for k in keys]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for n, mode in enumerate(sorted({r["mode"] for r in rows})):
        rs = sorted((r for r in rows if r["mode"] == mode), key=lambda r: r["passages"])
        xs = [r["passages"] for r in rs]
        ax.plot(xs, [r["search_p50_ms"] for r in rs], "o-", color=f"C{n}", label=f"{mode} p50")
        ax.plot(xs, [r["search_p95_ms"] for r in rs], "s--", color=f"C{n}", label=f"{mode} p95")
        if n == 0:
            for r in rs:
                ax.annotate(f"{r['scale']}×", (r["passages"], r["search_p50_ms"]), textcoords="offset points",
                            xytext=(0, -14), ha="center")
    ax.set_xscale("log")
    ax.set_xlabel("corpus size (passages, log scale)")
    ax.set_ylabel("hybrid search latency (ms)")
    ax.set_title("PlanQA search latency against corpus size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", default="1,10,100", help="comma-separated multiples of the five plans")
    ap.add_argument("--modes", default="embedded,server", help="embedded, server or both")
    ap.add_argument("--work", type=Path, default=Path("/tmp/planqa-bench"), help="corpora and data dirs")
    ap.add_argument("--results", type=Path, default=RESULTS)
    ap.add_argument("--stand-in-vectors", action="store_true",
                    help="hash-drawn vectors instead of the model's: latency, size and memory only")
    ap.add_argument("--measure-only", action="store_true",
                    help="measure search and recall again on the builds an earlier run left in --work, "
                         "keeping that run's ingest columns (after a change to the query side)")
    ap.add_argument("--vectors-from-cache", action="store_true",
                    help="seed each row's embedding cache from the embedded row of its scale: the model's "
                         "vectors without embedding again (server mode at 100x in minutes); the row's "
                         "ingest time then measures the store, not the model")
    ap.add_argument("--no-recall", action="store_true",
                    help="skip the gold test recall: at 100× analysing each question takes about a minute")
    args = ap.parse_args()
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if unknown := set(modes) - {"embedded", "server"}:
        ap.error(f"unknown mode {sorted(unknown)}")
    args.results.mkdir(parents=True, exist_ok=True)
    store = args.results / "scale.json"
    rows: list[dict[str, Any]] = []
    for scale in scales:
        corpus = synth_corpus.DOCS_SRC if scale == 1 else args.work / f"corpus-{scale}x"
        if scale > 1 and not args.measure_only:
            synth_corpus.build(scale, corpus)
            log(f"{scale}× corpus written to {corpus}")
        for mode in modes:
            before = None
            if args.measure_only:
                stored = json.loads(store.read_text(encoding="utf-8")) if store.exists() else []
                label = _label(mode, args.stand_in_vectors, args.vectors_from_cache)
                before = next((r for r in stored if (r["scale"], r["mode"]) == (scale, label)), None)
                if before is None:
                    ap.error(f"--measure-only: {store} has no {scale}× {label} row")
            row = run_one(scale, mode, corpus, args.work, recall=not args.no_recall, stand_in=args.stand_in_vectors,
                          before=before, cached=args.vectors_from_cache)
            # Read again just before writing: another run (a long 100×) may have added rows meanwhile.
            rows = json.loads(store.read_text(encoding="utf-8")) if store.exists() else []
            rows = [r for r in rows if (r["scale"], r["mode"]) != (scale, row["mode"])] + [row]
            rows.sort(key=lambda r: (r["scale"], r["mode"]))
            store.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    text = table(rows)
    (args.results / "scale.md").write_text(text + "\n", encoding="utf-8")
    plot(rows, args.results / "scale.png")
    print(text)
    log(f"results in {args.results}/scale.json, scale.md, scale.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(stand_in_ingest() if sys.argv[1:2] == ["_stand_in_ingest"] else main())
