"""The embedded model's OpenAI-compatible server (llama-cpp-python runtime): bad requests get a
clear 400 in OpenAI's error shape before the model is touched. The real model answering through
it is in test_localmodel.py (slow)."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from servers import live_uvicorn

from assistant.llamaserver import create_app


class _Untouchable:
    """The model must not be called for a request that is wrong."""

    def create_chat_completion(self, **_: object) -> None:
        raise AssertionError("the model was called for an invalid request")


@pytest.fixture(scope="module")
def url():
    with live_uvicorn(create_app(_Untouchable(), "qwen-test")) as u:
        yield u


def test_health_and_models_name_the_alias(url):
    assert httpx.get(f"{url}/health").status_code == 200
    models = httpx.get(f"{url}/v1/models").json()
    assert [m["id"] for m in models["data"]] == ["qwen-test"]


@pytest.mark.parametrize(("body", "fix"), [
    ({}, "'messages' must be a non-empty list"),
    ({"messages": []}, "'messages' must be a non-empty list"),
    ({"messages": [{"role": "robot", "content": "你好"}]}, "messages[0] must be"),
    ({"messages": [{"role": "user", "content": ["你好"]}]}, "messages[0] must be"),
    ({"messages": [{"role": "user", "content": "你好"}], "max_tokens": "很多"}, "'max_tokens' must be an integer"),
    # the model runs without logits_all: logprobs of a longer reply get a 400 that says so (it was a bare 500)
    ({"messages": [{"role": "user", "content": "你好"}], "logprobs": True}, "set max_tokens to 1"),
    ({"messages": [{"role": "user", "content": "你好"}], "logprobs": True, "max_tokens": 1, "top_logprobs": 50},
     "'top_logprobs' must be an integer from 0 to 20"),
])
def test_bad_requests_get_a_400_saying_what_to_fix(url, body, fix):
    r = httpx.post(f"{url}/v1/chat/completions", json=body)
    assert r.status_code == 400
    assert fix in r.json()["error"]["message"]


def test_a_body_that_is_not_json_is_a_400(url):
    r = httpx.post(f"{url}/v1/chat/completions", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400 and "not JSON" in r.json()["error"]["message"]


def test_tokenize_needs_text(url):
    r = httpx.post(f"{url}/tokenize", json={"content": 42})
    assert r.status_code == 400 and "'content' must be a string" in r.json()["error"]["message"]


class _Slow:
    """A model that writes one token every 50 ms, 200 of them (10 s in all), or answers after 2 s."""

    def __init__(self) -> None:
        self.closed = threading.Event()

    def create_chat_completion(self, stream: bool = False, **_: object) -> object:
        if not stream:
            time.sleep(2)
            return {"object": "chat.completion", "choices": [{"index": 0, "message": {"role": "assistant",
                                                                                        "content": "好"}}]}

        def tokens():
            try:
                for _ in range(200):
                    time.sleep(0.05)
                    yield {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": "字"}}]}
            finally:
                self.closed.set()

        return tokens()


def test_a_client_leaving_mid_stream_frees_the_model_for_the_next_request():
    slow = _Slow()
    msgs = {"messages": [{"role": "user", "content": "你好"}]}
    with live_uvicorn(create_app(slow, "qwen-test")) as u:
        with httpx.stream("POST", f"{u}/v1/chat/completions", json={**msgs, "stream": True}, timeout=5) as r:
            first = next(r.iter_lines())
            assert first.startswith("data: ") and "字" in first
        # Gone after one token: the model stops within moments, not after its 10 s answer (and not
        # never, as when the stream held the model's lock while suspended).
        t = time.monotonic()
        r = httpx.post(f"{u}/v1/chat/completions", json=msgs, timeout=5)
        assert r.status_code == 200 and r.json()["choices"][0]["message"]["content"] == "好"
        assert time.monotonic() - t < 4.5 and slow.closed.wait(1)


def test_health_answers_while_the_model_is_writing():
    with live_uvicorn(create_app(_Slow(), "qwen-test")) as u:
        pending = threading.Thread(target=httpx.post, args=(f"{u}/v1/chat/completions",),
                                   kwargs={"json": {"messages": [{"role": "user", "content": "你好"}]}, "timeout": 5})
        pending.start()
        time.sleep(0.2)
        t = time.monotonic()
        assert httpx.get(f"{u}/health", timeout=5).status_code == 200
        assert time.monotonic() - t < 1  # not after the 2 s answer
        pending.join()
