"""Keeps the embedded model answering: proves a runtime before trusting it, restarts it when it dies.

A llama.cpp build can start, load the model and answer /health, then die with SIGILL on its first
generation (an instruction the CPU advertises but the virtual machine does not allow). So:

1. each runtime in order (the native build first, then xllamacpp's wheel) is started and must
   write a few tokens (the smoke generation) before it is declared ready;
2. a runtime that fails twice on start (or dies again within ``stable_after`` seconds of being
   ready) is abandoned for the next one; the choice and the reasons are logged;
3. a server that dies later is restarted with backoff; meanwhile answers are extractive, with the
   notice, because the pipeline's chat model cannot connect;
4. every transition is written to ``<cache>/models/llm-status.json``, which /readyz and the UI read
   (so an API in another process sees it too).

    sup = ModelSupervisor(settings); sup.start(); sup.wait_ready(600)   # → ModelStatus(state=READY, …)
"""

from __future__ import annotations

import contextlib
import enum
import json
import logging
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx

from assistant.children import describe_exit
from assistant.localmodel import RUNTIMES, LocalModelServer, installed_runtimes
from assistant.modelfile import models_dir, resolve_gguf
from assistant.settings import Settings
from vectorstore.errors import ConfigError, ModelError

log = logging.getLogger(__name__)

BACKOFF = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
SMOKE_PROMPT = [{"role": "user", "content": "你好"}]


class ModelState(enum.StrEnum):
    STARTING = "starting"
    READY = "ready"
    RESTARTING = "restarting"
    FAILED = "failed"
    STOPPED = "stopped"


@dataclass(frozen=True)
class ModelStatus:
    """What the supervisor last did, as /readyz shows it."""

    state: ModelState
    runtime: str | None = None
    reason: str = ""
    restarts: int = 0
    abandoned: dict[str, str] = field(default_factory=dict)
    pid: int | None = None
    updated: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "state": self.state.value}


def status_path(settings: Settings) -> Path:
    return models_dir(settings) / "llm-status.json"


def read_status(settings: Settings) -> ModelStatus | None:
    """The last status a supervisor wrote, or None when none has run (or the file is unreadable)."""
    try:
        raw = json.loads(status_path(settings).read_text(encoding="utf-8"))
        return ModelStatus(state=ModelState(raw["state"]), runtime=raw.get("runtime"),
                           reason=str(raw.get("reason", "")), restarts=int(raw.get("restarts", 0)),
                           abandoned=dict(raw.get("abandoned") or {}), pid=raw.get("pid"),
                           updated=float(raw.get("updated", 0.0)))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def runtime_order(wanted: str) -> list[str]:
    """The runtimes to try, best first: the one asked for (if installed), then the others installed."""
    if wanted != "auto" and wanted not in RUNTIMES:
        raise ConfigError(f"PLANQA_LLM_RUNTIME={wanted!r} is not a runtime: use auto, {' or '.join(RUNTIMES)}")
    have = installed_runtimes()
    first = [wanted] if wanted in have else []
    return first + [r for r in have if r not in first]


def smoke(server: LocalModelServer, timeout: float = 180.0) -> None:
    """A few tokens from the server; ModelError when it cannot write them or dies doing so."""
    text, err = None, ""
    try:
        r = httpx.post(f"{server.base_url}/chat/completions", timeout=timeout,
                       json={"model": server.alias, "messages": SMOKE_PROMPT, "max_tokens": 4, "temperature": 0})
        if r.status_code == 200:
            text = r.json()["choices"][0]["message"]["content"]
        else:
            err = f"HTTP {r.status_code}"
    except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
        err = f"{type(exc).__name__}: {exc}"
    time.sleep(0.2)  # a crash during the reply can take a moment to reap
    if not server.running():
        raise ModelError(f"runtime {server.runtime} {describe_exit(server.returncode)} during its smoke generation")
    if not isinstance(text, str):
        raise ModelError(f"runtime {server.runtime} could not write a smoke generation ({err or 'no text'})")


class ModelSupervisor(threading.Thread):
    """Starts, proves, watches and restarts the embedded model server (see the module docstring)."""

    def __init__(self, settings: Settings, out: IO[str] | None = None, *, backoff: Sequence[float] = BACKOFF,
                 stable_after: float = 60.0, ready_timeout: float = 900.0) -> None:
        super().__init__(name="planqa-model-supervisor", daemon=True)
        self.settings = settings
        self.out = out
        self.backoff = tuple(backoff)
        self.stable_after = stable_after
        self.ready_timeout = ready_timeout
        self.server: LocalModelServer | None = None
        self._halt = threading.Event()
        self._lock = threading.Lock()
        self._changed = threading.Condition()
        self._status = ModelStatus(ModelState.STARTING, updated=time.time())
        self._restarts = 0
        self._abandoned: dict[str, str] = {}

    @staticmethod
    def wanted(settings: Settings) -> bool:
        return settings.llm_mode in ("auto", "local") and not settings.llm_base_url

    @property
    def status(self) -> ModelStatus:
        return self._status

    # -- the loop --------------------------------------------------------------------------------
    def run(self) -> None:
        try:
            self._supervise()
        except (ModelError, ConfigError) as exc:
            self._set(ModelState.FAILED, None, str(exc))
        finally:
            if self._halt.is_set():
                self._set(ModelState.STOPPED, None, "stopped")

    def _supervise(self) -> None:
        order = runtime_order(self.settings.llm_runtime)
        if not order:
            raise ModelError("no llama.cpp runtime is installed (llama-cpp-python or xllamacpp): "
                             "run scripts/setup.sh dev,local")
        gguf = resolve_gguf(self.settings)  # joins + verifies the default model on first use
        early_deaths: Counter[str] = Counter()
        attempt = 0
        while not self._halt.is_set():
            live = [r for r in order if r not in self._abandoned]
            if not live:
                reasons = "; ".join(f"{r}: {why}" for r, why in self._abandoned.items())
                raise ModelError(f"every runtime failed ({reasons}); answers stay extractive")
            runtime = live[0]
            reason = self._status.reason if attempt else ""
            self._set(ModelState.STARTING if not attempt else ModelState.RESTARTING, runtime, reason)
            srv = LocalModelServer.from_settings(self.settings, gguf, runtime=runtime)
            with self._lock:
                if self._halt.is_set():
                    return
                self.server = srv
                srv.start()
            try:
                srv.wait_ready(self.ready_timeout)
                smoke(srv)
            except ModelError as exc:
                srv.stop()
                if self._halt.is_set():
                    return
                early_deaths[runtime] += 1
                self._failed(runtime, str(exc).split("; last lines")[0], early_deaths[runtime])
                attempt += 1
                self._sleep(attempt)
                continue
            ready_at = time.monotonic()
            self._set(ModelState.READY, runtime, f"runtime {runtime} passed its smoke generation", pid=srv.pid)
            while not self._halt.wait(0.25) and srv.running():
                pass
            if self._halt.is_set():
                return
            why = f"runtime {runtime} {describe_exit(srv.returncode)}"
            srv.stop()
            self._restarts += 1
            early = time.monotonic() - ready_at < self.stable_after
            early_deaths[runtime] += 1 if early else 0
            self._failed(runtime, why, early_deaths[runtime])
            attempt = attempt + 1 if early else 1  # a server that ran a while restarts at once
            self._sleep(attempt)

    def _failed(self, runtime: str, why: str, deaths: int) -> None:
        if deaths >= 2:
            self._abandoned[runtime] = why
            log.error("abandoning runtime %s after %d failures: %s", runtime, deaths, why)
            self._say(f"本地模型运行时 {runtime} 两次失败，已弃用 (abandoned: {why})")
        else:
            log.warning("local model: %s; restarting", why)
            self._say(f"本地模型异常，正在重启 (local LLM: {why}; restarting)")
        self._set(ModelState.RESTARTING, runtime, why)

    def _sleep(self, attempt: int) -> None:
        self._halt.wait(self.backoff[min(attempt, len(self.backoff)) - 1] if self.backoff else 0.0)

    # -- status ----------------------------------------------------------------------------------
    def _set(self, state: ModelState, runtime: str | None, reason: str, pid: int | None = None) -> None:
        status = ModelStatus(state, runtime, reason, self._restarts, dict(self._abandoned), pid, time.time())
        path = status_path(self.settings)
        with contextlib.suppress(OSError):  # a read-only cache only costs the status display
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(status.to_json(), ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
        if state == ModelState.READY:
            log.info("local model ready on runtime %s (pid %s)", runtime, pid)
            self._say(f"本地模型已就绪 local LLM ready on 127.0.0.1:{self.settings.llm_local_port} ({runtime})")
        with self._changed:
            self._status = status
            self._changed.notify_all()

    def _say(self, msg: str) -> None:
        if self.out is not None:
            print(msg, file=self.out, flush=True)

    def wait_ready(self, timeout: float) -> ModelStatus:
        """Block until the model is ready, the supervisor gave up, or ``timeout``; the status then."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._status.state not in (ModelState.READY, ModelState.FAILED, ModelState.STOPPED):
                left = deadline - time.monotonic()
                if left <= 0 or not self.is_alive() and self._status.state != ModelState.READY:
                    break
                self._changed.wait(min(left, 1.0))
        return self._status

    def stop(self) -> None:
        """Stop supervising and stop the server; safe at any point."""
        with self._lock:
            self._halt.set()
            srv = self.server
        if srv is not None:
            srv.stop()
        if self.is_alive() and threading.current_thread() is not self:
            self.join(15)


@contextlib.contextmanager
def supervised(settings: Settings, timeout: float = 900.0, out: IO[str] | None = sys.stderr) -> Iterator[ModelSupervisor]:
    """The embedded model, proven and supervised, for the duration; ModelError if it never gets ready."""
    sup = ModelSupervisor(settings, out)
    sup.start()
    try:
        status = sup.wait_ready(timeout)
        if status.state != ModelState.READY:
            raise ModelError(f"the local model did not get ready: {status.reason or status.state.value}")
        yield sup
    finally:
        sup.stop()
