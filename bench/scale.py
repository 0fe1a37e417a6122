"""Scale benchmark: ingest time, index size, memory, search latency and gold retrieval quality at
1×, 10× and 100× the plans, with embedded Chroma and with a Chroma server.

Run: .venv/bin/python bench/scale.py --scales 1,10 --modes embedded,server
     .venv/bin/python bench/scale.py --scales 100        # hours on 2 cores: run it in the background

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
import json
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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = REPO / "bench" / "results"
sys.path.insert(0, str(REPO / "bench"))

import synth_corpus  # noqa: E402

COLUMNS = ("scale", "mode", "docs", "passages", "ingest s", "passages/s", "re-ingest s", "index MB",
           "peak RSS MB", "search p50 ms", "search p95 ms", "gold test r@5", "R@1")
T0 = time.perf_counter()


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


def ingest(env: dict[str, str], log_file: Path) -> dict[str, Any]:
    """`planqa ingest` as a child: wall time, its own peak RSS (from wait4), what it printed."""
    t = time.perf_counter()
    with open(log_file, "ab") as err:
        proc = subprocess.Popen([str(BIN / "planqa"), "ingest"], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)

        def relay() -> None:  # the progress bars reach our stderr and the log as they come
            assert proc.stderr is not None
            while chunk := os.read(proc.stderr.fileno(), 4096):
                sys.stderr.buffer.write(chunk)
                sys.stderr.flush()
                err.write(chunk)

        relay_thread = threading.Thread(target=relay, daemon=True)
        relay_thread.start()
        assert proc.stdout is not None
        out = proc.stdout.read().decode()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        relay_thread.join()
    seconds = time.perf_counter() - t
    if proc.returncode:
        log(f"ingest exited {proc.returncode}; see {log_file}")
    counts = {k: int(v) for k, v in re.findall(r"(documents|chunks|embedded|reused) (\d+)", out)}
    return {"seconds": seconds, "rss_mb": usage.ru_maxrss / 1024, "rc": proc.returncode, **counts}


def measure_search(data_dir: Path, docs_dir: Path, chroma_port: int | None, rounds: int = 2) -> dict[str, float]:
    """Hybrid search p50/p95 over the gold questions (as scripts/bench_search.py) and recall on the
    gold test split (as `planqa eval --suite retrieval`), in this process."""
    env = {"PLANQA_DATA_DIR": str(data_dir), "PLANQA_DOCS_DIR": str(docs_dir)}
    if chroma_port is not None:
        env |= {"PLANQA_CHROMA_HOST": "127.0.0.1", "PLANQA_CHROMA_PORT": str(chroma_port)}
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("PLANQA_CHROMA_")}
    os.environ.update(env)
    try:
        from assistant.pipeline import Assistant
        from assistant.settings import Settings
        from eval.gold import load_gold
        from eval.metrics import Passage, percentile
        from eval.run import gold_items, run_retrieval
        from vectorstore.retrieve import Corpus, HybridRetriever

        settings = Settings()
        t = time.perf_counter()
        retriever = HybridRetriever(Corpus.open(settings.index_dir, settings.embed_threads, chroma=settings.chroma))
        retriever.search("预热", 5)
        log(f"index opened in {time.perf_counter() - t:.1f} s; timing {rounds} rounds of the gold questions")
        questions = [i.question for i in load_gold()]
        times = []
        for _ in range(rounds):
            for q in questions:
                t = time.perf_counter()
                retriever.search(q, 5)
                times.append((time.perf_counter() - t) * 1000)
        log("gold test split, retrieval suite")
        assistant = Assistant(settings, chat=None)
        hybrid = HybridRetriever(assistant.corpus)
        hybrid.search("预热", 1)
        suite = run_retrieval(
            gold_items(dataset="gold", split="test"),
            lambda q: [Passage(h.chunk.id, h.chunk.doc_id, h.chunk.text) for h in hybrid.search(q, 10)],
            "hybrid", lambda it: assistant.analyze(it.question, list(it.history)).standalone, "gold", "test")
        return {"p50": percentile(times, 50), "p95": percentile(times, 95), "queries": len(times),
                "recall@5": suite.overall["recall@5"], "recall@1": suite.overall["recall@1"],
                "rss_mb_bench": peak_rss_mb(os.getpid())}
    finally:
        for k in env:
            os.environ.pop(k, None)
        os.environ.update(saved)


def run_one(scale: int, mode: str, corpus: Path, work: Path) -> dict[str, Any]:
    run = work / f"run-{scale}x-{mode}"
    shutil.rmtree(run, ignore_errors=True)
    data = run / "data"  # fresh: its cache/embeddings.sqlite starts empty
    run.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANQA_")}
    env |= {"PLANQA_DATA_DIR": str(data), "PLANQA_DOCS_DIR": str(corpus), "HF_HUB_OFFLINE": "1"}
    others = busy_cores()
    if others > 0.3:  # another process on these 2 cores slows the embedder's threads many times over
        log(f"warning: {others:.1f} cores busy with other work before {scale}× {mode}: timings will be high")
    with contextlib.ExitStack() as stack:
        port, server_pid = None, 0
        if mode == "server":
            port, proc = stack.enter_context(chroma_server(run / "chroma"))
            server_pid = proc.pid
            env |= {"PLANQA_CHROMA_HOST": "127.0.0.1", "PLANQA_CHROMA_PORT": str(port)}
        log(f"{scale}× {mode}: first ingest of {corpus} (cold embedding cache)")
        first = ingest(env, run / "ingest.log")
        index_mb = disk_mb(data / "indexes") + disk_mb(run / "chroma")
        log(f"{scale}× {mode}: first ingest {first['seconds']:.0f} s, {first.get('chunks', 0)} passages; re-ingest")
        again = ingest(env, run / "ingest.log")
        log(f"{scale}× {mode}: re-ingest {again['seconds']:.1f} s (embedded {again.get('embedded', '?')})")
        search = measure_search(data, corpus, port)
        server_rss = peak_rss_mb(server_pid) if server_pid else 0.0
    passages = first.get("chunks", 0)
    row = {
        "scale": scale, "mode": mode, "docs": first.get("documents", 0), "passages": passages,
        "ingest_s": round(first["seconds"], 1), "passages_per_s": round(passages / first["seconds"], 1),
        "reingest_s": round(again["seconds"], 1), "index_mb": round(index_mb, 1),
        "peak_rss_mb": round(first["rss_mb"]), "search_p50_ms": round(search["p50"], 1),
        "search_p95_ms": round(search["p95"], 1), "gold_test_recall@5": round(search["recall@5"], 3),
        "gold_test_recall@1": round(search["recall@1"], 3),
        "details": {"embedded": first.get("embedded"), "reingest_embedded": again.get("embedded"),
                    "ingest_exit": [first["rc"], again["rc"]], "search_queries": search["queries"],
                    "server_peak_rss_mb": round(server_rss), "bench_peak_rss_mb": round(search["rss_mb_bench"]),
                    "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
                    "other_busy_cores_before": round(others, 2), "loadavg_after": round(os.getloadavg()[0], 1),
                    "date": time.strftime("%Y-%m-%d %H:%M"), "commit": _commit()},
    }
    log(f"{scale}× {mode}: done {json.dumps({k: v for k, v in row.items() if k != 'details'}, ensure_ascii=False)}")
    return row


def _commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    return out.stdout.strip()


def table(rows: list[dict[str, Any]]) -> str:
    keys = ("scale", "mode", "docs", "passages", "ingest_s", "passages_per_s", "reingest_s", "index_mb",
            "peak_rss_mb", "search_p50_ms", "search_p95_ms", "gold_test_recall@5", "gold_test_recall@1")
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in rows:
        cells = [f"{r['scale']}×" if k == "scale" else str(r[k]) for k in keys]
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
    args = ap.parse_args()
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if unknown := set(modes) - {"embedded", "server"}:
        ap.error(f"unknown mode {sorted(unknown)}")
    args.results.mkdir(parents=True, exist_ok=True)
    store = args.results / "scale.json"
    rows: list[dict[str, Any]] = json.loads(store.read_text(encoding="utf-8")) if store.exists() else []
    for scale in scales:
        corpus = synth_corpus.DOCS_SRC if scale == 1 else args.work / f"corpus-{scale}x"
        if scale > 1:
            synth_corpus.build(scale, corpus)
            log(f"{scale}× corpus written to {corpus}")
        for mode in modes:
            row = run_one(scale, mode, corpus, args.work)
            rows = [r for r in rows if (r["scale"], r["mode"]) != (scale, mode)] + [row]
            rows.sort(key=lambda r: (r["scale"], r["mode"]))
            store.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    text = table(rows)
    (args.results / "scale.md").write_text(text + "\n", encoding="utf-8")
    plot(rows, args.results / "scale.png")
    print(text)
    log(f"results in {args.results}/scale.json, scale.md, scale.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
