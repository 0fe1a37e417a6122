"""Measure what a user waits for: question → first token and → complete answer, over the streaming
API (POST /v1/ask/stream, read as it arrives), p50/p95 over ~20 plan questions from the gold set.

By default starts the API in this process (uvicorn thread, free port) over the index of
PLANQA_DATA_DIR, once with extractive answers and, if a local LLM answers on
127.0.0.1:PLANQA_LLM_LOCAL_PORT, once more with it. Or measure a running API with --url.

    PLANQA_DATA_DIR=/tmp/pqdata .venv/bin/python scripts/bench_e2e.py
    .venv/bin/python scripts/bench_e2e.py -n 20 --modes extractive,local
    .venv/bin/python scripts/bench_e2e.py --url http://127.0.0.1:8000     # e.g. `planqa run`
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant.settings import Settings  # noqa: E402

FALLBACK = [
    "东丽区2025年人均期望寿命目标是多少？",
    "东丽区如何推进家庭医生签约服务？",
    "滨海新区2021年补短板计划有哪些重点任务？",
    "埇桥区“十四五”期间每千常住人口执业（助理）医师数要达到多少？",
    "振安区的规划期是哪几年？",
]


def questions(n: int) -> list[str]:
    """n questions spread over the gold files (answerable ones first), else a fixed list."""
    items: list[dict[str, Any]] = []
    for f in sorted((REPO / "eval" / "gold").glob("*.jsonl")):
        items += [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    qs = [i["question"] for i in items if i.get("answer_keys") and not i.get("history")]
    if not qs:
        return (FALLBACK * (n // len(FALLBACK) + 1))[:n]
    step = max(1, len(qs) // n)
    return qs[::step][:n]


def ask(url: str, q: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    first = None
    final: dict[str, Any] = {}
    event = ""
    with httpx.stream("POST", f"{url}/v1/ask/stream", json={"question": q}, timeout=300) as r:
        r.raise_for_status()
        for line in r.iter_lines():
            if line.startswith("event:"):
                event = line[6:].strip()
                if event == "token" and first is None:
                    first = time.perf_counter() - t0
            elif line.startswith("data:") and event == "citations":
                final = json.loads(line[5:])
            elif line.startswith("data:") and event == "error":
                raise RuntimeError(line)
    total = time.perf_counter() - t0
    return {"first": first if first is not None else total, "total": total,
            "refused": bool(final.get("refused")), "generator": final.get("generator", "?")}


def pct(xs: list[float], p: float) -> float:
    s = sorted(xs)
    k = (len(s) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def run(url: str, qs: list[str], label: str) -> dict[str, Any]:
    ask(url, qs[0])  # warm-up, not counted
    rows = []
    for i, q in enumerate(qs, 1):
        r = ask(url, q)
        rows.append(r)
        print(f"  [{i:2d}/{len(qs)}] first {r['first']*1000:7.0f} ms  total {r['total']*1000:7.0f} ms  "
              f"{r['generator']}{' refused' if r['refused'] else ''}  {q[:30]}", file=sys.stderr, flush=True)
    first = [r["first"] for r in rows]
    total = [r["total"] for r in rows]
    out = {
        "mode": label, "n": len(rows), "generators": sorted({r["generator"] for r in rows}),
        "refused": sum(r["refused"] for r in rows),
        "first_token_ms": {"p50": pct(first, 0.5) * 1000, "p95": pct(first, 0.95) * 1000,
                           "mean": statistics.mean(first) * 1000, "max": max(first) * 1000},
        "complete_ms": {"p50": pct(total, 0.5) * 1000, "p95": pct(total, 0.95) * 1000,
                        "mean": statistics.mean(total) * 1000, "max": max(total) * 1000},
    }
    return out


class InProcessApi:
    """The real API (create_app + uvicorn) in a thread on a free port."""

    def __init__(self, settings: Settings) -> None:
        import uvicorn

        from assistant.api import create_app

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(create_app(settings), log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                r = httpx.get(f"{self.url}/readyz", timeout=5)
                if r.status_code == 200:
                    return self.url
                if r.status_code == 503 and r.json().get("status") == "no_index":
                    raise SystemExit(f"no index: {r.json().get('detail')}")
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise SystemExit("the API did not become ready")

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


def table(results: list[dict[str, Any]]) -> str:
    lines = ["| mode | n | generator | first token p50 | p95 | complete p50 | p95 | refused |",
             "|---|---|---|---|---|---|---|---|"]
    for r in results:
        f, c = r["first_token_ms"], r["complete_ms"]
        lines.append(f"| {r['mode']} | {r['n']} | {','.join(r['generators'])} | {f['p50']:.0f} ms | {f['p95']:.0f} ms "
                     f"| {c['p50']:.0f} ms | {c['p95']:.0f} ms | {r['refused']} |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=20, help="number of questions (default 20)")
    ap.add_argument("--url", help="measure this running API instead of starting one")
    ap.add_argument("--modes", default="extractive,local",
                    help="in-process modes to try: extractive, local (skipped unless a local LLM answers)")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    qs = questions(args.n)
    results = []
    if args.url:
        print(f"measuring {args.url} over {len(qs)} questions", file=sys.stderr)
        results.append(run(args.url.rstrip("/"), qs, "running"))
    else:
        from assistant.selectmodel import probe_local

        base = Settings()
        for mode in [m.strip() for m in args.modes.split(",") if m.strip()]:
            if mode == "local" and probe_local(base) is None:
                print(f"local: skipped, no LLM answers on 127.0.0.1:{base.llm_local_port} "
                      f"(start it: python -m assistant.localmodel serve)", file=sys.stderr)
                continue
            settings = base.model_copy(update={"llm_mode": mode})
            print(f"{mode}: index {settings.index_dir}, {len(qs)} questions", file=sys.stderr)
            with InProcessApi(settings) as url:
                results.append(run(url, qs, mode))
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
