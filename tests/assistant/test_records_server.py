"""Feedback and the audit logs in one PostgreSQL database that several API hosts share
(PLANQA_DATABASE_URL): a real PostgreSQL 16 server on 127.0.0.1, started by the test (the
binaries ship in the pgserver wheel), and two API apps with their own data folders."""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant import audit, feedback
from assistant.api import create_app
from assistant.pipeline import Assistant
from assistant.settings import Settings
from vectorstore.errors import ConfigError, StoreUnavailableError

TOKEN = "records-admin"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PASSWORD = "s3cret-pw"


class Postgres:
    """A PostgreSQL server listening on 127.0.0.1 only, stopped and started again at will."""

    def __init__(self, root: Path) -> None:
        import pgserver

        self.data = root / "pgdata"
        made = pgserver.get_server(self.data, cleanup_mode="stop")  # initdb, as another user when root
        self.user = made.system_user
        made.cleanup()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.binary = Path(pgserver.__file__).parent / "pginstall" / "bin" / "postgres"
        self.url = f"postgresql://postgres:{PASSWORD}@127.0.0.1:{self.port}/postgres"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        import psycopg

        self.proc = subprocess.Popen(
            [str(self.binary), "-D", str(self.data), "-h", "127.0.0.1", "-p", str(self.port),
             "-c", "unix_socket_directories="], user=self.user, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(self.url, connect_timeout=2):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(30)
            self.proc = None


@pytest.fixture(scope="module")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Postgres]:
    pg = Postgres(tmp_path_factory.mktemp("pg"))
    pg.start()
    yield pg
    pg.stop()


def _host(small_index: Path, folder: Path, url: str) -> Settings:
    data = folder / "data"
    shutil.copytree(small_index / "indexes", data / "indexes")
    return Settings(data_dir=data, llm_mode="extractive", admin_token=TOKEN, question_log_days=30,
                    database_url=url)


def test_two_hosts_share_feedback_and_the_audit_log(postgres: Postgres, small_index: Path, tmp_path: Path) -> None:
    a, b = _host(small_index, tmp_path / "a", postgres.url), _host(small_index, tmp_path / "b", postgres.url)
    with TestClient(create_app(a, Assistant(a, chat=None))) as ca, \
            TestClient(create_app(b, Assistant(b, chat=None))) as cb:
        made = ca.post("/v1/feedback", json={"question": "东丽区床位目标？", "answer": "……[1]", "rating": "down",
                                             "comment": "数字有误"})
        assert made.status_code == 200, made.text
        fid = made.json()["id"]
        assert cb.patch(f"/v1/feedback/{fid}", json={"comment": "已核对，数字无误", "rating": "up"}).status_code == 200
        seen = {r["id"]: r for r in ca.get("/v1/feedback", headers=AUTH).json()["feedback"]}
        assert seen[fid]["comment"] == "已核对，数字无误" and seen[fid]["rating"] == "up"
        cb.post("/v1/ask", json={"question": "东丽区2025年每千常住人口注册护士数是多少？"})
        assert cb.delete("/v1/documents/nosuch", headers={"Authorization": "Bearer guess"}).status_code == 403
        writes = ca.get("/v1/admin/records", headers=AUTH).json()["rows"]
        assert ("anonymous", "DELETE /v1/documents/nosuch") in [(r["actor"], r["action"]) for r in writes]
        asked = ca.get("/v1/admin/records", params={"table": "questions"}, headers=AUTH).json()["rows"]
        assert "东丽区2025年每千常住人口注册护士数是多少？" in [r["question"] for r in asked]
    # Neither host wrote a file of its own: the records are on the server.
    assert not a.feedback_db.exists() and not b.audit_db.exists()
    assert feedback.records(a)[-1]["id"] == fid and audit.rows(b, "writes")


def test_the_server_down_is_a_503_naming_it_and_nothing_is_lost(postgres: Postgres, small_index: Path,
                                                               tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    s = _host(small_index, tmp_path, postgres.url)
    with TestClient(create_app(s, Assistant(s, chat=None))) as c:
        first = c.post("/v1/feedback", json={"question": "问题一", "answer": "回答一", "rating": "up"}).json()["id"]
        postgres.stop()
        try:
            down = c.post("/v1/feedback", json={"question": "问题二", "answer": "回答二", "rating": "up"})
            assert down.status_code == 503
            detail = down.json()["detail"]
            assert f"127.0.0.1:{postgres.port}" in detail and "PLANQA_DATABASE_URL" in detail
            assert PASSWORD not in detail
            with caplog.at_level(logging.WARNING):
                asked = c.post("/v1/ask", json={"question": "东丽区2025年每千常住人口注册护士数是多少？"})
            assert asked.status_code == 200 and asked.json()["answer"]  # answers go on; the log waits
            assert "question not logged" in caplog.text and PASSWORD not in caplog.text
        finally:
            postgres.start()
        again = c.post("/v1/feedback", json={"question": "问题三", "answer": "回答三", "rating": "down"})
        assert again.status_code == 200  # recovered without restarting the API
        kept = [r["question"] for r in c.get("/v1/feedback", headers=AUTH).json()["feedback"]]
        assert "问题一" in kept and "问题三" in kept and "问题二" not in kept
        assert first in [r["id"] for r in feedback.records(s)]


def test_a_database_url_that_is_not_postgresql_is_refused_naming_the_fix() -> None:
    with pytest.raises(ConfigError, match="only PostgreSQL"):
        Settings(database_url="mysql://planqa:pw@db1/planqa")


def test_an_unreachable_server_is_named_without_its_password(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    settings = Settings(data_dir=tmp_path, database_url=f"postgresql://planqa:{PASSWORD}@127.0.0.1:{port}/planqa")
    with pytest.raises(StoreUnavailableError) as err:
        feedback.add(settings, question="问", answer="答", rating="up")
    assert f"127.0.0.1:{port}/planqa" in str(err.value) and PASSWORD not in str(err.value)
