"""The embedded model's OpenAI-compatible server (llama-cpp-python runtime): bad requests get a
clear 400 in OpenAI's error shape before the model is touched. The real model answering through
it is in test_localmodel.py (slow)."""

from __future__ import annotations

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
