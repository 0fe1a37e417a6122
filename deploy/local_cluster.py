"""Start the deployment of deploy/systemd/ on this machine, as plain processes, and check it.

The unit files' own ExecStart and environment are run (paths /opt/planqa → this checkout and
/srv/planqa → a work folder): the Chroma server, the ingest job, two API units of
PLANQA_API_WORKERS processes each (the load balancer's upstreams, round-robined here), optionally
the model service. Then: both units answer alike; a plan uploaded through one is answered by the
other; with Chroma stopped questions are still answered and an upload is a 503 naming the server;
Chroma back, the upload goes through.

Run: .venv/bin/python deploy/local_cluster.py [--with-model] [--work /tmp/planqa-cluster]
"""

from __future__ import annotations

import argparse
import configparser
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
UNITS = REPO / "deploy" / "systemd"
HELD_OUT = "tianjin-binhai-2021-health-shortfall-plan.txt"  # uploaded through the API during the check
QUESTION = "东丽区2025年每千常住人口执业（助理）医师数目标是多少？"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def unit(name: str, work: Path, instance: str = "") -> tuple[list[str], dict[str, str]]:
    """A unit's command and environment, with this machine's paths."""
    cp = configparser.ConfigParser(strict=False, interpolation=None)
    cp.optionxform = str  # type: ignore[assignment,method-assign]
    cp.read(UNITS / name)
    svc = cp["Service"]

    def here(s: str) -> str:
        return s.replace("/opt/planqa/.venv/bin", str(Path(sys.executable).parent)).replace(
            "/opt/planqa", str(REPO)).replace("/srv/planqa", str(work)).replace("%i", instance)

    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANQA_")}
    for line in (REPO / "deploy" / "planqa.env").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            k, v = line.split("=", 1)
            env[k] = here(v)
    for assignment in svc.get("Environment", "").split():
        k, v = here(assignment).split("=", 1)
        env[k] = v
    return shlex.split(here(svc["ExecStart"])), env


class Cluster:
    def __init__(self, work: Path) -> None:
        self.work = work
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, instance: str = "", ready: str = "", extra: dict[str, str] | None = None) -> dict[str, str]:
        argv, env = unit(name, self.work, instance)
        env |= extra or {}
        label = name.replace("@", f"@{instance}")
        log(f"start {label}: {' '.join(argv)}")
        out = open(self.work / f"{label}.log", "ab")  # noqa: SIM115 -- lives as long as the process
        self.procs[label] = subprocess.Popen(argv, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
                                             start_new_session=True)
        if ready:
            wait_for(ready, self.procs[label], label)
        return env

    def stop(self, label: str) -> None:
        p = self.procs.pop(label, None)
        if p and p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()

    def stop_all(self) -> None:
        for label in list(self.procs)[::-1]:
            self.stop(label)


def wait_for(url: str, proc: subprocess.Popen[bytes], label: str, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{label} exited with {proc.returncode}; see its log")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{label} not ready at {url} after {seconds:.0f} s")


def ask(api: str, question: str) -> dict[str, Any]:
    r = httpx.post(f"{api}/v1/ask", json={"question": question}, timeout=600)
    r.raise_for_status()
    return dict(r.json())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=Path("/tmp/planqa-cluster"))
    ap.add_argument("--with-model", action="store_true", help="also start planqa-model.service (1.1 GB model)")
    args = ap.parse_args()
    work = args.work
    shutil.rmtree(work, ignore_errors=True)
    (work / "plans").mkdir(parents=True)
    for f in (REPO / "docs_src").iterdir():
        if f.name != HELD_OUT:
            shutil.copy(f, work / "plans" / f.name)
    c = Cluster(work)
    apis = ["http://127.0.0.1:8101", "http://127.0.0.1:8102"]
    results: list[tuple[str, str]] = []
    try:
        env = c.start("planqa-chroma.service", ready="http://127.0.0.1:8000/api/v2/heartbeat")
        token = env["PLANQA_ADMIN_TOKEN"]
        if args.with_model:
            c.start("planqa-model.service", ready="http://127.0.0.1:8765/health")
        t = time.perf_counter()
        argv, ienv = unit("planqa-ingest.service", work)
        subprocess.run(argv, env=ienv, cwd=REPO, check=True)
        results.append(("ingest job (4 plans, cold embedding cache)", f"{time.perf_counter() - t:.0f} s"))
        # Without the model service the units answer in the plans' own words.
        extra = {} if args.with_model else {"PLANQA_LLM_MODE": "extractive"}
        for api in apis:
            c.start("planqa-api@.service", api.rsplit(":", 1)[1], f"{api}/readyz", extra)
        ready = [httpx.get(f"{a}/readyz", timeout=30).json() for a in apis]
        assert all(r["index"]["vectors"] == "chroma server" for r in ready), ready
        answers = [ask(a, QUESTION) for a in apis]
        assert answers[0]["answer"] == answers[1]["answer"], answers
        results.append(("both API units, same question", f"same answer: {answers[0]['answer'][:60]}…"))

        up = httpx.post(f"{apis[0]}/v1/documents", headers={"Authorization": f"Bearer {token}"}, timeout=600,
                        files={"file": (HELD_OUT, (REPO / "docs_src" / HELD_OUT).read_bytes())})
        up.raise_for_status()
        doc_id = up.json()["doc_id"]
        other = httpx.get(f"{apis[1]}/v1/documents", timeout=30).json()["documents"]
        assert doc_id in {d["doc_id"] for d in other}, other
        cited = ask(apis[1], "滨海新区2021年要新建几家社区卫生服务中心？")
        assert any(ct["doc_id"] == doc_id for ct in cited["citations"]), cited
        results.append(("upload through unit 1", f"unit 2 lists {doc_id!r} and cites it at once (shared volume)"))

        c.stop("planqa-chroma.service")
        still = [ask(a, QUESTION)["answer"] == answers[0]["answer"] for a in apis]
        refused = httpx.post(f"{apis[1]}/v1/documents", headers={"Authorization": f"Bearer {token}"}, timeout=60,
                             files={"file": ("extra.txt", "河西区卫生规划\n到2025年，床位达到6张。\n".encode())})
        assert all(still) and refused.status_code == 503 and "8000" in refused.json()["detail"], refused.text
        results.append(("Chroma stopped", f"both units answer; an upload is 503: {refused.json()['detail'][:90]}…"))
        c.start("planqa-chroma.service", ready="http://127.0.0.1:8000/api/v2/heartbeat")
        again = httpx.post(f"{apis[1]}/v1/documents", headers={"Authorization": f"Bearer {token}"}, timeout=600,
                           files={"file": ("extra.txt", "河西区卫生规划\n到2025年，床位达到6张。\n".encode())})
        assert again.status_code == 200, again.text
        results.append(("Chroma back", "the same upload goes through, no API restarted"))
    finally:
        c.stop_all()
    print("| step | result |\n|---|---|")
    for step, res in results:
        print(f"| {step} | {res} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
