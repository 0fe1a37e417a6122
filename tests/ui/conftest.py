"""Fixtures for the UI tests: the real API, over the session's small index, on 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from servers import live_uvicorn

from assistant.api import create_app
from assistant.pipeline import Assistant
from assistant.settings import Settings

ADMIN_TOKEN = "ui-admin-token"


@dataclass
class LiveApi:
    url: str
    settings: Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_api(small_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    """The API (extractive answers, admin token set) under uvicorn in a thread, on a copy of the
    session index so that uploads and feedback stay private to the UI tests."""
    data = tmp_path_factory.mktemp("ui-api")
    shutil.copytree(small_index / "indexes", data / "indexes")
    settings = Settings(data_dir=data, llm_mode="extractive", admin_token=ADMIN_TOKEN)
    app = create_app(settings, Assistant(settings))
    with live_uvicorn(app) as url:
        yield LiveApi(url, settings)
