"""A real Chroma server for tests: `chroma run` (the binary the chromadb wheel ships) on 127.0.0.1."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx

from vectorstore.chroma import ChromaTarget, forget


def chroma_binary() -> str:
    here = Path(sys.executable).parent / "chroma"
    found = str(here) if here.exists() else shutil.which("chroma")
    if not found:
        raise RuntimeError("the `chroma` command is missing: it comes with the chromadb wheel (pip install -e .)")
    return found


class ChromaServer:
    """`chroma run --path <path> --port <port>`; stop() and start() again keep the path and port,
    as an operator restarting the server would."""

    def __init__(self, path: Path, port: int) -> None:
        self.path = path
        self.port = port
        self.target = ChromaTarget("127.0.0.1", port)
        self._proc: subprocess.Popen[bytes] | None = None
        self.log = path.parent / f"chroma-{port}.log"

    def start(self) -> ChromaServer:
        with open(self.log, "ab") as out:
            self._proc = subprocess.Popen(
                [chroma_binary(), "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            if self._proc.poll() is not None:
                raise RuntimeError(f"chroma run exited with {self._proc.returncode}: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"chroma run did not answer on port {self.port}: {self.log.read_text()[-2000:]}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(5)
        self._proc = None
        forget(self.target)  # this process's client goes with the server it talked to

    def collections(self) -> set[str]:
        import chromadb

        c = chromadb.HttpClient(host="127.0.0.1", port=self.port)
        return {col.name for col in c.list_collections()}
