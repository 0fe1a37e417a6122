"""A small OpenAI-compatible server around llama-cpp-python, for the embedded model.

Why not xllamacpp's built-in server: llama-cpp-python built from source with the instruction sets
proven on the machine (scripts/cpu_features.py) reads prompts faster than xllamacpp's generic
wheel with the same GGUF and threads (scripts/bench_llm.py), and prompt reading is most of the
time to first token.
Its own server needs extras we do not otherwise use, and we need only three endpoints:

- ``GET /health``: 200 once the model is loaded (the port opens only then);
- ``GET /v1/models``: the model's alias;
- ``POST /v1/chat/completions``: OpenAI's request and response, streaming as SSE. Logprobs only of
  a one-token reply (a judge's "是"/"否", assistant/judging.py): the model is loaded without
  ``logits_all``, which would keep every position's logits, so only the last position's are there
  to read; a longer reply asking for them gets a 400 saying so (xllamacpp's server has them all);
- ``POST /tokenize``: llama.cpp's own, for the benchmarks' token counts.

One request runs at a time (one model context); the next waits. llama-cpp-python keeps the KV
cache of the last prompt and evaluates only what differs, so the fixed system prompt is read once.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import threading
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import anyio
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

from vectorstore.errors import ConfigError


def _error(status: int, message: str) -> Any:
    return JSONResponse({"error": {"message": message, "type": "invalid_request_error", "code": status}},
                        status_code=status)


async def _json(request: Request) -> Any:
    """The request's JSON body, or None when it is not JSON."""
    try:
        return await request.json()
    except ValueError:
        return None


def _messages(body: Any) -> list[dict[str, str]] | str:
    """The request's messages, or what is wrong with them."""
    msgs = body.get("messages") if isinstance(body, dict) else None
    if not isinstance(msgs, list) or not msgs:
        return "'messages' must be a non-empty list of {role, content}"
    out = []
    for i, m in enumerate(msgs):
        if not isinstance(m, dict) or m.get("role") not in ("system", "user", "assistant") \
                or not isinstance(m.get("content"), str):
            return f"messages[{i}] must be {{'role': 'system'|'user'|'assistant', 'content': str}}"
        out.append({"role": m["role"], "content": m["content"]})
    return out


def create_app(llm: Any, alias: str, fault: str = "") -> FastAPI:
    """The FastAPI app serving ``llm`` (a ``llama_cpp.Llama``) under the model name ``alias``.

    ``fault='sigill'`` (a drill, see Settings.llm_fault_drill): the process dies with SIGILL on
    its first generation, as a build using an instruction the machine forbids does.
    """
    app = FastAPI(title="PlanQA local LLM", docs_url=None, redoc_url=None)
    lock = threading.Lock()

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/v1/models")
    def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": alias, "object": "model", "owned_by": "planqa"}]}

    @app.post("/tokenize")
    async def tokenize(request: Request) -> Any:
        body = await _json(request)
        if body is None:
            return _error(400, "the request body is not JSON")
        content = body.get("content") if isinstance(body, dict) else None
        if not isinstance(content, str):
            return _error(400, "'content' must be a string")
        def run() -> list[int]:
            with lock:
                return list(llm.tokenize(content.encode("utf-8"), add_bos=False))

        return {"tokens": await anyio.to_thread.run_sync(run)}

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Any:
        body = await _json(request)
        if body is None:
            return _error(400, "the request body is not JSON")
        msgs = _messages(body)
        if isinstance(msgs, str):
            return _error(400, msgs)
        if fault == "sigill":
            os.kill(os.getpid(), signal.SIGILL)
        try:
            max_tokens = int(body.get("max_tokens") or 256)
            temperature = float(body.get("temperature", 0.0) or 0.0)
        except (TypeError, ValueError):
            return _error(400, "'max_tokens' must be an integer and 'temperature' a number")
        stop = body.get("stop") or None
        kwargs = {"messages": msgs, "max_tokens": max(1, min(max_tokens, 2048)), "temperature": temperature,
                  "stop": stop, "seed": body.get("seed")}
        want_logprobs = bool(body.get("logprobs"))
        if want_logprobs and (kwargs["max_tokens"] != 1 or body.get("stream")):
            return _error(400, "logprobs are served only for a one-token reply without streaming (the model is "
                               "loaded without logits_all); set max_tokens to 1, or use PLANQA_LLM_RUNTIME=xllamacpp")
        try:
            top = int(body.get("top_logprobs") or 0)
        except (TypeError, ValueError):
            return _error(400, "'top_logprobs' must be an integer from 0 to 20")
        if not 0 <= top <= 20:
            return _error(400, f"'top_logprobs' must be an integer from 0 to 20, got {top}")
        if body.get("stream"):
            return StreamingResponse(_sse(llm, lock, kwargs, alias, request), media_type="text/event-stream")

        def run() -> Any:
            with lock:  # in a worker thread: the event loop keeps answering /health meanwhile
                out = llm.create_chat_completion(**kwargs)
                if want_logprobs:
                    out["choices"][0]["logprobs"] = _first_token_logprobs(llm, out, top, temperature == 0)
                return out

        try:
            out = await anyio.to_thread.run_sync(run)
        except LogprobsUnavailable as exc:
            return _error(500, str(exc))
        out["model"] = alias
        return out

    return app


def _first_token_logprobs(llm: Any, out: dict[str, Any], top: int, greedy: bool) -> dict[str, Any]:
    """OpenAI's ``logprobs`` of a one-token reply, from the logits llama.cpp keeps of the last position
    it read: those the reply's token was drawn from (a one-token reply is not read back in)."""
    import llama_cpp
    import numpy as np

    logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits(llm.ctx), shape=(llm.n_vocab(),)).astype(np.float64)
    logp = logits - logits.max()
    logp -= np.log(np.exp(logp).sum())

    def entry(token: int) -> dict[str, Any]:
        raw = llm.detokenize([token])
        return {"token": raw.decode("utf-8", "replace"), "logprob": float(logp[token]), "bytes": list(raw)}

    said = out["choices"][0]["message"]["content"] or ""
    said_ids = llm.tokenize(said.encode("utf-8"), add_bos=False, special=True) if said else []
    token = int(said_ids[0]) if said_ids else int(logp.argmax())
    if greedy and token != int(logp.argmax()):
        # The logits read are not the ones the reply came from (a llama-cpp-python that reads the reply
        # back in): better no figures than wrong ones.
        raise LogprobsUnavailable(f"cannot serve logprobs with this llama-cpp-python: the last logits pick "
                                  f"{entry(int(logp.argmax()))['token']!r}, the reply is {said!r}; use "
                                  f"PLANQA_LLM_RUNTIME=xllamacpp")
    chosen = entry(token)
    chosen["top_logprobs"] = [entry(int(t)) for t in np.argsort(-logp)[:top]]
    return {"content": [chosen], "refusal": None}


class LogprobsUnavailable(RuntimeError):
    """The runtime's logits cannot be tied to the reply."""


_END = object()


async def _sse(llm: Any, lock: threading.Lock, kwargs: dict[str, Any], alias: str,
               request: Request) -> AsyncIterator[str]:
    """OpenAI's streaming wire format: one ``data: {chunk}`` event per token, then ``data: [DONE]``.

    The model runs in its own thread and hands tokens over a queue; this generator never holds the
    lock. When the client goes away (a closed browser tab, a caller's timeout) the thread stops at
    its next token and frees the model. A generator that held the lock across ``yield`` stayed
    suspended after a disconnect until garbage collection, and every later request waited forever.
    """
    cid = f"chatcmpl-{uuid.uuid4().hex[:16]}"
    chunks: queue.Queue[Any] = queue.Queue()
    cancel = threading.Event()

    def work() -> None:
        try:
            with lock:
                for chunk in llm.create_chat_completion(stream=True, **kwargs):
                    if cancel.is_set():
                        break
                    chunks.put(chunk)
        except Exception as exc:  # re-raised below, in the response, which ends the stream
            chunks.put(exc)
        finally:
            chunks.put(_END)

    threading.Thread(target=work, name="llm-stream", daemon=True).start()
    try:
        while (chunk := await anyio.to_thread.run_sync(chunks.get)) is not _END:
            if isinstance(chunk, Exception):
                raise chunk
            if await request.is_disconnected():
                return
            chunk["id"], chunk["model"] = cid, alias
            yield f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"
        yield "data: [DONE]\n\n"
    finally:
        cancel.set()


def serve(gguf: str, port: int, n_ctx: int, threads: int, alias: str, stop: threading.Event,
          fault: str = "") -> None:
    """Load the model, then serve on 127.0.0.1:port until ``stop`` is set (blocks)."""
    try:
        import llama_cpp
        import uvicorn
    except ImportError as exc:
        raise ConfigError(f"llama-cpp-python is not installed ({exc}): run scripts/setup.sh dev,local") from exc
    t0 = time.monotonic()
    llm = llama_cpp.Llama(model_path=gguf, n_ctx=n_ctx, n_threads=threads, n_threads_batch=threads,
                          n_batch=512, verbose=False)
    print(f"planqa local LLM server (llama-cpp-python): loaded {gguf} in {time.monotonic() - t0:.1f} s",
          flush=True)
    config = uvicorn.Config(create_app(llm, alias, fault), host="127.0.0.1", port=port, log_level="warning",
                            access_log=False)
    server = uvicorn.Server(config)
    def watch() -> None:
        stop.wait()
        server.should_exit = True

    threading.Thread(target=watch, daemon=True).start()
    print(f"planqa local LLM server: http://127.0.0.1:{port} model={gguf}", flush=True)
    server.run()
