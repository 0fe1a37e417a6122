"""Fixtures for the assistant tests: a real fake OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fake_openai import FakeOpenAI  # noqa: E402


@pytest.fixture(autouse=True)
def _no_llm_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests build their own Settings: a developer's PLANQA_LLM_* must not leak into them."""
    import os

    for key in list(os.environ):
        if key.upper().startswith("PLANQA_LLM_"):
            monkeypatch.delenv(key)


@pytest.fixture(scope="session")
def _fake_server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def fake_openai(_fake_server: FakeOpenAI) -> Iterator[FakeOpenAI]:
    """The fake server, with its script and call count reset for this test."""
    _fake_server.reset()
    yield _fake_server
    _fake_server.reset()
