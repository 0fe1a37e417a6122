"""A fake OpenAI-compatible server, run for real on 127.0.0.1 (uvicorn in a thread, free port).

Speaks the wire format of ``POST /v1/chat/completions`` (JSON, or SSE when ``"stream": true``:
``data: {chunk}`` lines carrying ``choices[0].delta.content``, then ``data: [DONE]``) and
``GET /v1/models``. Each test scripts it through ``server.script``::

    with FakeOpenAI() as server:
        server.script.reply = "你好"
        server.script.fail_first = 1        # HTTP 500 for the first call
        ... OpenAIChatModel(server.base_url, model="fake") ...
        assert server.calls == 2
"""

from __future__ import annotations

import asyncio
import json
import math
import socket
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse

MODEL_ID = "fake-model"


@dataclass
class Script:
    """How the next calls are answered. ``reset()`` restores these defaults."""

    reply: str = "你好，世界"
    tokens: list[str] | None = None  # stream pieces; default: one per character of ``reply``
    delay: float = 0.0  # seconds before answering (headers included)
    token_interval: float = 0.0  # seconds between streamed pieces
    fail_first: int = 0  # answer HTTP ``fail_status`` to the first N calls
    fail_status: int = 500
    status: int | None = None  # answer every call with this HTTP status (e.g. 401)
    malformed: bool = False  # 200 with a body that is not JSON (or, streaming, a broken chunk)
    no_choices: bool = False  # 200 with valid JSON but an empty "choices" list
    break_after: int | None = None  # streaming: drop the connection after this many pieces
    # With "logprobs": true, the first token's likeliest tokens and their probabilities
    # (choices[0].logprobs.content[0].top_logprobs), e.g. {"是": 0.9, "否": 0.1}; None: no logprobs.
    first_token: dict[str, float] | None = None
    # The same, for a request whose last message holds the text: the first that matches wins.
    first_token_when: list[tuple[str, dict[str, float]]] = field(default_factory=list)


@dataclass
class FakeState:
    script: Script = field(default_factory=Script)
    calls: int = 0
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)


def _chunk(content: str | None, finish: str | None = None, role: bool = False) -> str:
    delta: dict[str, Any] = {}
    if role:
        delta["role"] = "assistant"
    if content is not None:
        delta["content"] = content
    body = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": MODEL_ID,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"


def build_app(state: FakeState) -> FastAPI:
    app = FastAPI()

    @app.get("/v1/models")
    async def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "owned_by": "fake"}]}

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Response:
        s = state.script
        state.calls += 1
        n = state.calls
        body = await request.json()
        state.requests.append(body)
        state.headers.append(dict(request.headers))
        if s.delay:
            await asyncio.sleep(s.delay)
        if n <= s.fail_first:
            return JSONResponse({"error": {"message": f"scripted failure {n}", "type": "server_error"}},
                                status_code=s.fail_status)
        if s.status is not None:
            return JSONResponse({"error": {"message": f"scripted status {s.status}",
                                           "type": "invalid_request_error"}}, status_code=s.status)
        if body.get("stream"):
            return StreamingResponse(_stream(s), media_type="text/event-stream")
        if s.malformed:
            return PlainTextResponse("<html>definitely not json", media_type="application/json")
        choices = [] if s.no_choices else [{
            "index": 0, "message": {"role": "assistant", "content": s.reply}, "finish_reason": "stop"}]
        last = str((body.get("messages") or [{}])[-1].get("content", ""))
        first = next((odds for text, odds in s.first_token_when if text in last), s.first_token)
        if choices and body.get("logprobs") and first is not None:
            tops = sorted(first.items(), key=lambda kv: -kv[1])[: int(body.get("top_logprobs") or 0)]
            entry = lambda tok, p: {"token": tok, "logprob": math.log(p), "bytes": list(tok.encode())}  # noqa: E731
            choices[0]["message"]["content"] = tops[0][0] if tops else s.reply
            choices[0]["logprobs"] = {"content": [{**entry(*tops[0]), "top_logprobs": [entry(*t) for t in tops]}]
                                      if tops else [], "refusal": None}
        return JSONResponse({
            "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()),
            "model": body.get("model", MODEL_ID), "choices": choices,
            "usage": {"prompt_tokens": 10, "completion_tokens": len(s.reply), "total_tokens": 10 + len(s.reply)},
        })

    async def _stream(s: Script) -> AsyncIterator[str]:
        pieces = s.tokens if s.tokens is not None else list(s.reply)
        yield _chunk(None, role=True)
        for i, piece in enumerate(pieces):
            if s.break_after is not None and i >= s.break_after:
                raise RuntimeError("scripted connection drop")
            if s.malformed and i == 1:
                yield "data: {not json\n\n"
                return
            if s.token_interval:
                await asyncio.sleep(s.token_interval)
            yield _chunk(piece)
        yield _chunk(None, finish="stop")
        yield "data: [DONE]\n\n"

    return app


class FakeOpenAI:
    """The fake server in a background thread; ``base_url`` ends in /v1."""

    def __init__(self) -> None:
        self.state = FakeState()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        config = uvicorn.Config(build_app(self.state), log_level="warning", lifespan="off",
                                timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]},
                                        daemon=True, name="fake-openai")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def script(self) -> Script:
        return self.state.script

    @property
    def calls(self) -> int:
        return self.state.calls

    def reset(self) -> None:
        self.state.script = Script()
        self.state.calls = 0
        self.state.requests.clear()
        self.state.headers.clear()

    def start(self) -> FakeOpenAI:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("fake OpenAI server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)
        self._sock.close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def set_odds(server: FakeOpenAI, yes: float) -> None:
    """The fake model's first-token odds of "是" (and of "否", the rest) for the next judge requests."""
    server.script.first_token = {"是": yes, "否": 1 - yes}


def set_odds_when(server: FakeOpenAI, text: str, yes: float) -> None:
    """The fake model's odds of "是" for the judge requests whose prompt holds ``text`` (others as set_odds)."""
    server.script.first_token_when.append((text, {"是": yes, "否": 1 - yes}))
