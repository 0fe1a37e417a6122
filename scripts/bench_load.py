"""Load on the API, 127.0.0.1 only: locust (headless, as a library) drives search with 20 concurrent
clients for 60 s, then ask (extractive) with 10; prints requests, failures, throughput and
p50/p95/p99 per phase, and exits 1 on any failed request.

    python scripts/bench_load.py                      # starts the API itself (1 worker) on a free port
    python scripts/bench_load.py --workers 2          # two uvicorn workers over the same index
    python scripts/bench_load.py --url http://127.0.0.1:8000 --seconds 30

The index is PLANQA_DATA_DIR's (`planqa ingest` first). Questions are this script's own, written
for load, not taken from the eval sets.
"""

from __future__ import annotations

# locust patches the standard library with gevent on import: it comes first.
from locust import HttpUser, constant, task  # isort: skip
from locust.env import Environment  # isort: skip

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
QUESTIONS = (
    "东丽区卫生健康规划里每千常住人口注册护士数是多少",
    "振安区对家庭医生签约服务有什么安排",
    "埇桥区乡镇卫生院建设的目标",
    "天津市基层卫生规划中社区医院建设怎么推进",
    "滨海新区补短板计划里互联网医院由谁负责",
    "婴儿死亡率各区的目标",
    "东丽区中医药服务体系建设",
    "振安区每千人口托位数",
    "埇桥区公共卫生应急能力建设项目",
    "天津基层卫生人才队伍怎么加强",
)


class SearchUser(HttpUser):
    wait_time = constant(0)

    @task
    def search(self) -> None:
        self.client.post("/v1/search", json={"question": random.choice(QUESTIONS), "k": 5}, name="search")


class AskUser(HttpUser):
    wait_time = constant(0)

    @task
    def ask(self) -> None:
        self.client.post("/v1/ask", json={"question": random.choice(QUESTIONS) + "？"}, name="ask")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ready(url: str, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the API at {url} did not become ready in {timeout:.0f} s (is there an index? `planqa ingest`)")


def phase(url: str, user: type[HttpUser], users: int, seconds: float) -> dict[str, float]:
    """Run one kind of client at a concurrency for a while; its figures."""
    env = Environment(user_classes=[user], host=url)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.spawn_later(seconds, runner.quit)
    runner.greenlet.join()
    s = env.stats.total
    return {"requests": s.num_requests, "failures": s.num_failures, "rps": s.num_requests / seconds,
            "p50": s.get_response_time_percentile(0.5), "p95": s.get_response_time_percentile(0.95),
            "p99": s.get_response_time_percentile(0.99)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", help="an API already running (default: start one on a free port)")
    p.add_argument("--workers", type=int, default=1, help="uvicorn worker processes of the API started here")
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--search-users", type=int, default=20)
    p.add_argument("--ask-users", type=int, default=10)
    args = p.parse_args(argv)
    server = None
    url = args.url
    if not url:
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        env = {**os.environ, "PLANQA_API_HOST": "127.0.0.1", "PLANQA_API_PORT": str(port),
               "PLANQA_API_WORKERS": str(args.workers), "PLANQA_LLM_MODE": "extractive", "PLANQA_LOG_LEVEL": "WARNING",
               "HF_HUB_OFFLINE": "1"}
        server = subprocess.Popen([sys.executable, "-m", "assistant.api"], cwd=REPO, env=env)
    try:
        _ready(url)
        rows = [("search", args.search_users, phase(url, SearchUser, args.search_users, args.seconds)),
                ("ask (extractive)", args.ask_users, phase(url, AskUser, args.ask_users, args.seconds))]
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
    who = f"{args.workers} worker(s) started here" if server is not None else "an API already running"
    print(f"\nload on {url} ({who}), {args.seconds:.0f} s per phase")
    print("| phase | clients | requests | failures | req/s | p50 ms | p95 ms | p99 ms |")
    print("|---|---|---|---|---|---|---|---|")
    for name, users, r in rows:
        print(f"| {name} | {users} | {r['requests']:.0f} | {r['failures']:.0f} | {r['rps']:.1f} | {r['p50']:.0f} "
              f"| {r['p95']:.0f} | {r['p99']:.0f} |")
    failed = sum(r["failures"] for _, _, r in rows)
    if failed:
        print(f"{failed:.0f} requests failed", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
