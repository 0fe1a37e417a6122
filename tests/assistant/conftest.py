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


def _with_model(data_dir: Path, server: FakeOpenAI, judges: bool, embedded: bool = False) -> object:
    from fake_openai import MODEL_ID

    from assistant.generate import OpenAIChatModel
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    model = OpenAIChatModel(server.base_url, model=MODEL_ID, timeout=5.0, max_retries=0, judges=judges,
                            embedded=embedded)
    return Assistant(Settings(data_dir=data_dir, llm_mode="extractive"), chat=model)


@pytest.fixture
def judged(full_index: Path, fake_openai: FakeOpenAI) -> object:
    """An assistant whose model (the fake server) is trusted to check answers (OpenAIChatModel.judges)."""
    return _with_model(full_index, fake_openai, judges=True)


@pytest.fixture
def unjudged(full_index: Path, fake_openai: FakeOpenAI) -> object:
    """The same model, not trusted to judge."""
    return _with_model(full_index, fake_openai, judges=False)


@pytest.fixture
def judged_embedded(full_index: Path, fake_openai: FakeOpenAI) -> object:
    """An assistant whose model (the fake server) answers as the embedded one does and checks answers."""
    return _with_model(full_index, fake_openai, judges=True, embedded=True)
