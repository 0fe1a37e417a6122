"""What every API module shares: the per-app state, how PlanQA's errors map to HTTP codes, and the
dependency that hands a request its state. Routes, admin and the app factory all import from here,
so none of them imports another's module to get at these."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, HTTPException, Request

from assistant.pipeline import Assistant
from assistant.settings import Settings
from eval.service import EvalRunner
from vectorstore.errors import (
    BadRequestError,
    ConfigError,
    GeneratorError,
    IndexDamagedError,
    IndexMissingError,
    LoadError,
    ModelError,
    NotFoundError,
    PlanQAError,
    StorageError,
    StoreUnavailableError,
)
from vectorstore.retrieve import Corpus

STATUS_FOR: tuple[tuple[type[PlanQAError], int], ...] = (
    (NotFoundError, 404),
    (IndexMissingError, 503),
    (IndexDamagedError, 503),
    (StoreUnavailableError, 503),
    (StorageError, 507),
    (GeneratorError, 502),
    (LoadError, 422),
    (BadRequestError, 400),
    (ModelError, 503),
    (ConfigError, 500),
)
HEALTH_TTL = 5.0  # /readyz probes the LLM endpoint at most this often


def status_for(exc: PlanQAError) -> int:
    for cls, code in STATUS_FOR:
        if isinstance(exc, cls):
            return code
    return 500


@dataclass
class ApiState:
    settings: Settings
    assistant: Assistant
    started: float = field(default_factory=time.time)
    _health: tuple[float, dict[str, Any]] | None = None
    _health_lock: threading.Lock = field(default_factory=threading.Lock)
    eval_runner: EvalRunner = field(default_factory=EvalRunner)

    def corpus(self) -> Corpus:
        """The Assistant's live corpus, (re)opened whole and one opening at a time (assistant/live.py:
        Chroma's client is not safe to create from two threads at once). Every request touching the
        index calls this first. IndexMissingError without an index, IndexDamagedError for a bad one."""
        return self.assistant.corpus

    def generator_health(self) -> dict[str, Any]:
        """assistant.generate.health, cached for HEALTH_TTL seconds (the UI polls /readyz)."""
        from assistant.selectmodel import health

        with self._health_lock:
            now = time.monotonic()
            if self._health is None or now - self._health[0] > HEALTH_TTL:
                self._health = (now, health(self.settings, timeout=2.0))
            return dict(self._health[1])


def get_state(request: Request) -> ApiState:
    return get_app_state(request.app)


def get_app_state(app: FastAPI) -> ApiState:
    st = app.state.planqa
    if st is None:
        raise HTTPException(503, "the service is starting")
    assert isinstance(st, ApiState)
    return st
