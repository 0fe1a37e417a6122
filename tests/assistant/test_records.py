"""Security and records: every write audited (refused ones too), the question log holding only what
users typed for its retention, secrets never shown, CORS limited to the UI's origin."""

from __future__ import annotations

import logging
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant import audit
from assistant.api import create_app
from assistant.generate import OpenAIChatModel
from assistant.pipeline import Assistant
from assistant.selectmodel import health
from assistant.settings import Settings

TOKEN = "records-admin"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PLAN = "测试市河西区卫生健康事业发展“十四五”规划\n一、发展目标\n到2025年，河西区每千常住人口床位数达到6张。\n"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def client(small_index: Path, tmp_path: Path) -> Iterator[tuple[TestClient, Settings]]:
    data = tmp_path / "data"
    shutil.copytree(small_index / "indexes", data / "indexes")
    s = Settings(data_dir=data, llm_mode="extractive", admin_token=TOKEN, question_log_days=30, ui_port=8501)
    with TestClient(create_app(s, Assistant(s, chat=None))) as c:
        yield c, s


@pytest.mark.slow  # make test-slow: kept out of the default run's 10 minutes
def test_every_write_is_audited_with_who_when_what_and_the_result(client: tuple[TestClient, Settings]) -> None:
    c, s = client
    assert c.post("/v1/documents", files={"file": ("hexi.txt", PLAN.encode())}, headers=AUTH).status_code == 200
    assert c.post("/v1/documents", files={"file": ("x.exe", b"MZ")}, headers=AUTH).status_code == 422
    assert c.delete("/v1/documents/hexi", headers={"Authorization": "Bearer guess"}).status_code == 403
    assert c.delete("/v1/documents/hexi", headers=AUTH).status_code == 200
    rows = c.get("/v1/admin/records", headers=AUTH).json()["rows"]
    got = [(r["actor"], r["action"], r["doc_id"], r["file"], r["result"].split(" ")[0]) for r in rows]
    assert got == [("admin", "upload", "hexi", "hexi.txt", "added"), ("admin", "upload", "", "x.exe", "422"),
                   ("anonymous", "DELETE /v1/documents/hexi", "", "", "403"), ("admin", "delete", "hexi", "", "deleted")]
    assert all(r["ts"].startswith(time.strftime("%Y-")) and r["client"] for r in rows)
    assert c.get("/v1/admin/records").status_code == 401  # the records are for admins only
    csv = c.get("/v1/admin/records", params={"format": "csv"}, headers=AUTH)
    assert csv.content.startswith("\ufeffts,actor,client,action,doc_id,file,result".encode())


def test_the_question_log_keeps_what_was_typed_for_its_days(client: tuple[TestClient, Settings]) -> None:
    c, s = client
    c.post("/v1/ask", json={"question": "  东丽区2025年每千常住人口注册护士数是多少？ "})
    c.post("/v1/chat/completions", json={"model": "planqa", "messages": [{"role": "user", "content": "振安呢？"}]})
    body = c.get("/v1/admin/records", params={"table": "questions"}, headers=AUTH).json()
    assert [r["question"] for r in body["rows"]] == ["东丽区2025年每千常住人口注册护士数是多少？", "振安呢？"]
    assert set(body["rows"][0]) == {"ts", "question"} and body["keep_days"] == 30  # no answer, no address
    with sqlite3.connect(s.audit_db) as con:  # a question from long ago
        con.execute("UPDATE questions SET epoch = epoch - 31 * 86400 WHERE id = 1")
    audit.record_question(s.audit_db, "新问题", keep_days=30)
    assert [r["question"] for r in audit.rows(s.audit_db, "questions")] == ["振安呢？", "新问题"]
    audit.record_question(s.audit_db, "不记录", keep_days=0)
    assert len(audit.rows(s.audit_db, "questions")) == 2


def test_secrets_are_never_shown_or_logged(fake_openai, caplog: pytest.LogCaptureFixture) -> None:
    s = Settings(llm_base_url=fake_openai.base_url, llm_model="m", llm_api_key="sk-very-secret",
                 admin_token="admin-very-secret")
    assert "very-secret" not in repr(s) and "very-secret" not in str(s.model_dump())
    with caplog.at_level(logging.DEBUG):
        OpenAIChatModel.from_settings(s).complete([{"role": "user", "content": "你好"}], max_tokens=5)
        health(s)
    assert "very-secret" not in caplog.text
    assert fake_openai.state.headers[-1]["authorization"] == "Bearer sk-very-secret"  # yet it is sent


def test_cors_allows_the_ui_origin_only(client: tuple[TestClient, Settings]) -> None:
    c, _ = client
    pre = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    ok = c.options("/v1/ask", headers={"Origin": "http://127.0.0.1:8501", **pre})
    assert ok.headers.get("access-control-allow-origin") == "http://127.0.0.1:8501"
    other = c.options("/v1/ask", headers={"Origin": "https://evil.example", **pre})
    assert "access-control-allow-origin" not in other.headers


@pytest.mark.slow  # make test-slow: kept out of the default run's 10 minutes
def test_cli_exports_the_records(client: tuple[TestClient, Settings], tmp_path: Path) -> None:
    c, s = client
    c.post("/v1/ask", json={"question": "东丽区的家庭医生签约怎么做？"})
    out = tmp_path / "questions.csv"
    env = {"PLANQA_DATA_DIR": str(s.data_dir), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-m", "assistant.cli", "audit", "export", str(out), "--table", "questions"],
                       cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "东丽区的家庭医生签约怎么做？" in out.read_text(encoding="utf-8-sig")
