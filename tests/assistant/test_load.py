"""Load (slow target): two API workers over one index, search at 20 concurrent clients and ask at 10
for 60 s each (scripts/bench_load.py, locust), while a plan is added and the live build switches.
Zero failed requests, and both workers serve the new build afterwards."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from servers import free_port

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

NEW_PLAN = "测试市河西区卫生健康事业发展“十四五”规划\n一、发展目标\n到2025年，河西区每千常住人口床位数达到6张。\n"


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def test_two_workers_under_load_with_a_re_ingest(full_index: Path, tmp_path: Path) -> None:
    if importlib.util.find_spec("locust") is None:  # not imported here: it patches the process with gevent
        pytest.skip("the load extra is not installed: scripts/setup.sh dev,local,load")
    from vectorstore.ingest import ingest

    data = tmp_path / "data"
    shutil.copytree(full_index / "indexes", data / "indexes")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANQA_")}
    env.update(PLANQA_DATA_DIR=str(data), PLANQA_API_PORT=str(port), PLANQA_API_WORKERS="2",
               PLANQA_LLM_MODE="extractive", PLANQA_LOG_LEVEL="WARNING")
    server = subprocess.Popen([sys.executable, "-m", "assistant.api"], cwd=REPO, env=env)
    docs = tmp_path / "new"
    docs.mkdir()
    (docs / "hexi.txt").write_text(NEW_PLAN, encoding="utf-8")

    def re_ingest() -> None:
        time.sleep(30)  # mid-way through the search phase
        ingest(data / "indexes" / "default", [docs])

    t = threading.Thread(target=re_ingest)
    try:
        t.start()
        out = subprocess.run([sys.executable, "scripts/bench_load.py", "--url", url, "--seconds", "60"], cwd=REPO,
                             env=env, capture_output=True, text=True, timeout=400)
        t.join()
        print(out.stdout)
        assert out.returncode == 0, out.stdout + out.stderr
        rows = [ln for ln in out.stdout.splitlines() if ln.startswith("| search") or ln.startswith("| ask")]
        assert len(rows) == 2 and all(r.split("|")[4].strip() == "0" for r in rows)  # zero failures
        seen = {tuple(sorted(d["doc_id"] for d in _get(f"{url}/v1/documents")["documents"])) for _ in range(8)}
        assert all("hexi" in ids for ids in seen), seen  # every worker serves the new build
    finally:
        server.terminate()
        server.wait(30)
