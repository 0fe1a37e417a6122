"""The HTTP API over a real index (the 东丽 plan, real embeddings and Chroma), extractive answers.

In-process through TestClient for the contract, then under a real uvicorn on 127.0.0.1 for the
streaming (events read as they arrive) and the OpenAI client.
"""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from servers import live_uvicorn

from assistant import feedback
from assistant.api import create_app
from assistant.generate import OpenAIChatModel
from assistant.pipeline import Assistant
from assistant.settings import Settings

QUESTION = "东丽区2025年人均期望寿命目标是多少？"
DONGLI_TITLE = "天津市东丽区卫生健康事业发展“十四五”规划"
TOKEN = "s3cret-token"
NEW_PLAN = """测试市河西区卫生健康事业发展“十四五”规划
一、发展目标
到2025年，河西区每千常住人口执业（助理）医师数达到3.6人，建成15分钟健康服务圈。
二、重点任务
（一）加强基层医疗卫生服务
推进社区卫生服务中心标准化建设，每个街道至少设置1所社区卫生服务中心。
"""


def copy_data(src: Path, dst: Path) -> Path:
    """A private copy of a data dir's index (the session index stays untouched)."""
    shutil.copytree(src / "indexes", dst / "indexes")
    return dst




def sse_events(lines: Iterator[str]) -> Iterator[tuple[str, Any]]:
    event, data = "message", []
    for line in lines:
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].strip())
        elif not line and data:
            yield event, json.loads("\n".join(data))
            event, data = "message", []


# -- fixtures ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def settings(small_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data = copy_data(small_index, tmp_path_factory.mktemp("api-ro"))
    return Settings(data_dir=data, llm_mode="extractive", admin_token="", max_question_chars=200)


@pytest.fixture(scope="module")
def assistant(settings: Settings) -> Assistant:
    a = Assistant(settings)
    a.search("卫生健康", 1)  # open the index and load the embedder once for the module
    return a


@pytest.fixture(scope="module")
def client(settings: Settings, assistant: Assistant) -> Iterator[TestClient]:
    with TestClient(create_app(settings, assistant)) as c:
        yield c


@pytest.fixture(scope="module")
def admin_settings(small_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data = copy_data(small_index, tmp_path_factory.mktemp("api-admin"))
    return Settings(data_dir=data, llm_mode="extractive", admin_token=TOKEN, max_upload_mb=1)


@pytest.fixture(scope="module")
def admin(admin_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(admin_settings, Assistant(admin_settings))) as c:
        yield c


AUTH = {"Authorization": f"Bearer {TOKEN}"}


# -- answers ----------------------------------------------------------------------------------------
def test_ask_answers_with_numbered_citations(client: TestClient) -> None:
    r = client.post("/v1/ask", json={"question": QUESTION})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) >= {"answer", "refused", "generator", "notes", "question", "citations"}
    assert "82" in body["answer"] and "[1]" in body["answer"]
    assert body["refused"] is False and body["generator"] == "indicators"  # a figure of the indicator table, from the store
    assert body["question"] == QUESTION
    c = body["citations"][0]
    assert set(c) >= {"n", "chunk_id", "doc_id", "title", "status", "section", "text"}
    assert (c["n"], c["doc_id"], c["title"], c["status"]) == (1, "dongli", DONGLI_TITLE, "")
    assert "人均期望寿命" in c["text"] and "主要预期指标" in c["section"]


def test_ask_reply_mode_drafts_a_citizen_reply(client: TestClient) -> None:
    body = client.post("/v1/ask", json={"question": "东丽区如何推进家庭医生签约服务？", "mode": "reply"}).json()
    assert body["answer"].startswith("您好") and "《" + DONGLI_TITLE + "》" in body["answer"]
    assert body["citations"] and not body["refused"]


def test_ask_declines_what_the_plans_do_not_say(client: TestClient) -> None:
    body = client.post("/v1/ask", json={"question": "火星移民的规划是什么？"}).json()
    assert body["refused"] is True and body["citations"] == []
    assert "未找到" in body["answer"]


def test_follow_up_uses_history(client: TestClient) -> None:
    history = [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": "2025年：82[1]"}]
    body = client.post("/v1/ask", json={"question": "婴儿死亡率呢？", "history": history}).json()
    assert "东丽" in body["question"] and "婴儿死亡率" in body["question"]
    assert "婴儿死亡率" in body["citations"][0]["text"]


def test_filters(client: TestClient) -> None:
    ok = client.post("/v1/ask", json={"question": QUESTION, "filters": {"doc_ids": ["dongli"]}})
    assert ok.status_code == 200 and "82" in ok.json()["answer"]
    elsewhere = client.post("/v1/ask", json={"question": QUESTION, "filters": {"regions": ["埇桥区"]}}).json()
    assert elsewhere["refused"] is True  # nothing from 东丽 may be used
    unknown = client.post("/v1/ask", json={"question": QUESTION, "filters": {"doc_ids": ["nope"]}})
    assert unknown.status_code == 404 and "nope" in unknown.json()["detail"]


def test_question_limits(client: TestClient, settings: Settings) -> None:
    long = client.post("/v1/ask", json={"question": "东" * (settings.max_question_chars + 1)})
    assert long.status_code == 413
    detail = long.json()["detail"]
    assert str(settings.max_question_chars) in detail and "字符" in detail and "characters" in detail
    for q in ("", "   \n"):
        empty = client.post("/v1/ask", json={"question": q})
        assert empty.status_code == 422 and "为空" in empty.json()["detail"]
    assert client.post("/v1/ask", json={}).status_code == 422
    assert client.post("/v1/ask", json={"question": QUESTION, "mode": "poem"}).status_code == 422
    assert client.post("/v1/search", json={"question": "东" * 500}).status_code == 413
    chat = client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "东" * 500}]})
    assert chat.status_code == 413


def test_search_returns_scored_hits(client: TestClient) -> None:
    r = client.post("/v1/search", json={"question": QUESTION, "k": 3})
    assert r.status_code == 200
    body = r.json()
    assert body["question"] == QUESTION and len(body["hits"]) == 3
    top = body["hits"][0]
    assert set(top) >= {"chunk_id", "doc_id", "title", "section", "text", "score", "kind", "ranks", "matched"}
    assert top["kind"] == "table_row" and "人均期望寿命" in top["text"]
    assert "bm25" in top["ranks"] and "寿命" in "".join(top["matched"])
    assert [h["score"] for h in body["hits"]] == sorted((h["score"] for h in body["hits"]), reverse=True)


def test_stream_in_process(client: TestClient) -> None:
    with client.stream("POST", "/v1/ask/stream", json={"question": QUESTION}) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        events = list(sse_events(r.iter_lines()))
    names = [e for e, _ in events]
    assert names[0] == "token" and names[-2:] == ["citations", "done"]
    final = events[-2][1]
    assert "82" in final["answer"] and final["citations"][0]["title"] == DONGLI_TITLE
    assert final == client.post("/v1/ask", json={"question": QUESTION}).json()


def test_stream_refuses_bad_requests_with_http_codes(client: TestClient) -> None:
    assert client.post("/v1/ask/stream", json={"question": ""}).status_code == 422
    assert client.post("/v1/ask/stream", json={"question": "东" * 300}).status_code == 413


class _BrokenChat:
    """An LLM that fails in a way the pipeline does not expect, after one token."""

    name = "remote:broken"

    def stream(self, messages: Any, **kw: Any) -> Iterator[str]:
        yield "东丽区"
        raise RuntimeError("boom")


# A figure stated in prose: answered by the model path (table figures come from the indicator store).
PROSE_QUESTION = "东丽区大病专项救治的病种，到2025年扩大到多少种？"


def test_stream_error_event(settings: Settings, assistant: Assistant) -> None:
    broken = Assistant(settings, chat=_BrokenChat())
    with TestClient(create_app(settings, broken), raise_server_exceptions=False) as c, \
            c.stream("POST", "/v1/ask/stream", json={"question": PROSE_QUESTION}) as r:
        events = list(sse_events(r.iter_lines()))
    assert [e for e, _ in events] == ["token", "error"]
    assert events[-1][1]["status"] == 500


# -- documents and passages -------------------------------------------------------------------------
def test_documents(client: TestClient) -> None:
    docs = client.get("/v1/documents").json()["documents"]
    assert [d["doc_id"] for d in docs] == ["dongli"]
    d = docs[0]
    assert (d["title"], d["district"], d["city"], d["province"]) == (DONGLI_TITLE, "东丽区", "天津市", "天津市")
    assert d["period"] == "2021-2025" and d["kind"] == "five_year_plan" and d["status"] == ""
    assert d["n_chunks"] > 100 and d["n_rows"] == 14 and "path" not in d
    one = client.get("/v1/documents/dongli").json()
    assert one["title"] == DONGLI_TITLE and any("主要目标" in h for h in one["outline"])
    missing = client.get("/v1/documents/nope")
    assert missing.status_code == 404 and "nope" in missing.json()["detail"]


def test_chunk_context(client: TestClient) -> None:
    cite = client.post("/v1/ask", json={"question": QUESTION}).json()["citations"][0]
    ctx = client.get(f"/v1/chunks/{cite['chunk_id']}").json()
    assert ctx["title"] == DONGLI_TITLE and ctx["section_path"][-1].endswith("主要预期指标")
    assert ctx["kind"] == "table_row" and "人均期望寿命（岁）｜81.15｜82" in ctx["table"]
    assert {"before", "passage", "after"} <= set(ctx)
    text_cite = client.post("/v1/ask", json={"question": "东丽区如何推进家庭医生签约服务？"}).json()["citations"][0]
    tctx = client.get(f"/v1/chunks/{text_cite['chunk_id']}").json()
    assert tctx["table"] is None and "家庭医生" in tctx["passage"] and tctx["before"] and tctx["after"]
    assert client.get("/v1/chunks/0000000000000000").status_code == 404


# -- health -----------------------------------------------------------------------------------------
def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ready" and body["index"]["loaded"] and body["index"]["documents"] == 1
    assert body["generator"]["generator"] == "extractive" and body["active_generator"] == "extractive"
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/ask", "/v1/ask/stream", "/v1/search", "/v1/documents", "/v1/chat/completions"} <= set(paths)


def test_without_an_index(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path / "empty", llm_mode="extractive")
    with TestClient(create_app(s)) as c:  # the Assistant is built at startup
        assert c.get("/healthz").status_code == 200
        r = c.get("/readyz")
        assert r.status_code == 503 and r.json()["status"] == "no_index" and "planqa ingest" in r.json()["detail"]
        assert c.post("/v1/ask", json={"question": QUESTION}).status_code == 503
        assert c.post("/v1/ask/stream", json={"question": QUESTION}).status_code == 503
        assert c.get("/v1/documents").json()["documents"] == []


# -- OpenAI compatibility ---------------------------------------------------------------------------
def test_chat_completions(client: TestClient) -> None:
    assert [m["id"] for m in client.get("/v1/models").json()["data"]][0] == "planqa"
    msgs = [{"role": "system", "content": "ignored"}, {"role": "user", "content": QUESTION}]
    body = client.post("/v1/chat/completions", json={"model": "planqa", "messages": msgs}).json()
    assert body["object"] == "chat.completion"
    content = body["choices"][0]["message"]["content"]
    assert "82" in content and "参考资料" in content and DONGLI_TITLE in content
    assert body["citations"][0]["title"] == DONGLI_TITLE
    with client.stream("POST", "/v1/chat/completions",
                       json={"model": "planqa", "messages": msgs, "stream": True}) as r:
        lines = [ln for ln in r.iter_lines() if ln.startswith("data: ")]
    assert lines[-1] == "data: [DONE]"
    chunks = [json.loads(ln[6:]) for ln in lines[:-1]]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert "".join(c["choices"][0]["delta"].get("content", "") for c in chunks) == content
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop" and chunks[-1]["citations"] == body["citations"]
    no_user = client.post("/v1/chat/completions", json={"messages": [{"role": "assistant", "content": "hi"}]})
    assert no_user.status_code == 422


def test_chat_completions_history_and_reply_model(client: TestClient) -> None:
    msgs = [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": "2025年：82[1]"},
            {"role": "user", "content": "婴儿死亡率呢？"}]
    body = client.post("/v1/chat/completions", json={"model": "planqa", "messages": msgs}).json()
    assert "婴儿死亡率" in body["choices"][0]["message"]["content"]
    reply = client.post("/v1/chat/completions", json={"model": "planqa-reply", "messages": msgs[:1]}).json()
    assert reply["choices"][0]["message"]["content"].startswith("您好")


# -- feedback ---------------------------------------------------------------------------------------
def test_feedback_stored_and_exported(client: TestClient, settings: Settings, tmp_path: Path) -> None:
    cites = client.post("/v1/ask", json={"question": QUESTION}).json()["citations"]
    r = client.post("/v1/feedback", json={"question": QUESTION, "answer": "2025年：82[1]", "rating": "up",
                                          "citations": cites, "generator": "extractive"})
    assert r.status_code == 200
    fid = r.json()["id"]
    down = client.post("/v1/feedback", json={"question": "q2", "answer": "a2", "rating": "down",
                                             "comment": "数字有误"}).json()["id"]
    assert client.patch(f"/v1/feedback/{down}", json={"comment": "引用不相关"}).status_code == 200
    assert client.patch("/v1/feedback/99999", json={"comment": "x"}).status_code == 404
    assert client.post("/v1/feedback", json={"question": "q", "answer": "a", "rating": "meh"}).status_code == 422
    with sqlite3.connect(settings.feedback_db) as db:
        rows = db.execute("SELECT id, rating, question, comment FROM feedback ORDER BY id").fetchall()
    assert (fid, "up", QUESTION, "") in rows and (down, "down", "q2", "引用不相关") in rows

    n = feedback.export(settings, tmp_path / "fb.jsonl")
    recs = [json.loads(ln) for ln in (tmp_path / "fb.jsonl").read_text(encoding="utf-8").splitlines()]
    assert n == len(recs) >= 2 and recs[0]["citations"][0]["title"] == DONGLI_TITLE
    assert feedback.export(settings.feedback_db, tmp_path / "fb.csv") == n
    with (tmp_path / "fb.csv").open(encoding="utf-8-sig") as fh:
        table = list(csv.DictReader(fh))
    assert table[0]["question"] == QUESTION and table[-1]["comment"] == "引用不相关"
    assert feedback.export(settings, str(tmp_path / "fb.xlsx")) == n
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "fb.xlsx").active
    assert ws is not None
    values = list(ws.iter_rows(values_only=True))
    assert values[0][:4] == ("id", "created", "rating", "question") and values[1][3] == QUESTION
    with pytest.raises(Exception, match=r"\.jsonl, \.csv or \.xlsx"):
        feedback.export(settings, tmp_path / "fb.txt")


# -- staff operations -------------------------------------------------------------------------------
def test_admin_disabled_without_a_configured_token(client: TestClient) -> None:
    r = client.post("/v1/documents", files={"file": ("a.txt", NEW_PLAN.encode())}, headers=AUTH)
    assert r.status_code == 403 and "PLANQA_ADMIN_TOKEN" in r.json()["detail"]
    assert client.delete("/v1/documents/dongli", headers=AUTH).status_code == 403


@pytest.mark.slow  # make test-slow: kept out of the default run's 10 minutes
def test_upload_and_delete(admin: TestClient, admin_settings: Settings) -> None:
    files = {"file": ("hexi-plan.txt", NEW_PLAN.encode())}
    assert admin.post("/v1/documents", files=files).status_code == 401
    wrong = admin.post("/v1/documents", files=files, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403

    r = admin.post("/v1/documents", files=files, headers=AUTH)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "added" and body["doc_id"] == "hexi-plan" and body["report"]["errors"] == []
    assert body["report"]["documents"] == 2 and body["document"]["district"] == "河西区"
    stored = admin_settings.data_dir / "uploads" / "hexi-plan.txt"
    assert stored.read_text(encoding="utf-8") == NEW_PLAN
    assert {d["doc_id"] for d in admin.get("/v1/documents").json()["documents"]} == {"dongli", "hexi-plan"}
    ans = admin.post("/v1/ask", json={"question": "河西区2025年每千常住人口执业（助理）医师数目标是多少？",
                                      "filters": {"doc_ids": ["hexi-plan"]}}).json()
    assert "3.6" in ans["answer"] and ans["citations"][0]["doc_id"] == "hexi-plan"

    # A file that does not load: 422 with the loader's reason; the earlier upload and index stay.
    broken = admin.post("/v1/documents", files={"file": ("hexi-plan.txt", b"  \n")}, headers=AUTH)
    assert broken.status_code == 422 and "hexi-plan.txt" in broken.json()["detail"]
    assert "empty" in broken.json()["detail"] and "/" not in broken.json()["detail"].split(":")[0]
    bad_pdf = admin.post("/v1/documents", files={"file": ("规划.pdf", b"%PDF-1.4 not really")}, headers=AUTH)
    assert bad_pdf.status_code == 422 and "规划.pdf" in bad_pdf.json()["detail"]
    assert stored.read_text(encoding="utf-8") == NEW_PLAN
    assert len(admin.get("/v1/documents").json()["documents"]) == 2
    doc = admin.post("/v1/documents", files={"file": ("old.doc", b"binary")}, headers=AUTH)
    assert doc.status_code == 422 and ".doc" in doc.json()["detail"]
    big = admin.post("/v1/documents", files={"file": ("big.txt", "规划".encode() * 700_000)}, headers=AUTH)
    assert big.status_code == 413 and "1 MB" in big.json()["detail"]
    assert admin.post("/v1/documents", data={"x": "1"}, headers=AUTH).status_code == 422

    assert admin.delete("/v1/documents/hexi-plan").status_code == 401
    gone = admin.delete("/v1/documents/hexi-plan", headers=AUTH)
    assert gone.status_code == 200 and gone.json()["file_removed"] is True
    assert not stored.exists()
    assert [d["doc_id"] for d in admin.get("/v1/documents").json()["documents"]] == ["dongli"]
    assert admin.delete("/v1/documents/hexi-plan", headers=AUTH).status_code == 404
    last = admin.delete("/v1/documents/dongli", headers=AUTH)
    assert last.status_code == 409  # never leave an empty index behind
    assert admin.post("/v1/ask", json={"question": QUESTION}).json()["citations"][0]["doc_id"] == "dongli"


# -- under a real server ----------------------------------------------------------------------------
def test_stream_over_uvicorn_extractive(settings: Settings, assistant: Assistant) -> None:
    with live_uvicorn(create_app(settings, assistant)) as url, \
            httpx.stream("POST", f"{url}/v1/ask/stream", json={"question": QUESTION}, timeout=60) as r:
        names = [e for e, _ in sse_events(r.iter_lines())]
    assert names.index("token") < names.index("citations") < names.index("done")


def test_stream_over_uvicorn_arrives_incrementally(settings: Settings, fake_openai: Any) -> None:
    """With an LLM writing slowly, each token reaches the client as it is written, before the
    checked answer and its citations."""
    fake_openai.script.tokens = ["东丽区到2025年", "大病专项救治", "扩大到50种", "[1]。"]
    fake_openai.script.token_interval = 0.4
    llm = Assistant(settings, chat=OpenAIChatModel(fake_openai.base_url, model="fake-model", name="remote:fake"))
    arrivals: list[tuple[str, float, Any]] = []
    with live_uvicorn(create_app(settings, llm)) as url:
        t0 = time.monotonic()
        with httpx.stream("POST", f"{url}/v1/ask/stream", json={"question": PROSE_QUESTION}, timeout=60) as r:
            for event, data in sse_events(r.iter_lines()):
                arrivals.append((event, time.monotonic() - t0, data))
    names = [e for e, _, _ in arrivals]
    assert names == ["token"] * 4 + ["citations", "done"], names
    first_token, citations = arrivals[0][1], arrivals[4][1]
    assert citations - first_token > 0.9, arrivals  # 3 more intervals of 0.4 s came after the first token
    final = arrivals[4][2]
    assert final["generator"] == "remote" and "50" in final["answer"] and final["citations"][0]["doc_id"] == "dongli"


def test_openai_client_against_the_server(settings: Settings, assistant: Assistant) -> None:
    import openai

    with live_uvicorn(create_app(settings, assistant)) as url:
        oc = openai.OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0)
        assert "planqa" in [m.id for m in oc.models.list().data]
        done = oc.chat.completions.create(model="planqa", messages=[{"role": "user", "content": QUESTION}])
        assert "82" in (done.choices[0].message.content or "")
        pieces = [ch.choices[0].delta.content or "" for ch in oc.chat.completions.create(
            model="planqa", messages=[{"role": "user", "content": QUESTION}], stream=True) if ch.choices]
        assert "".join(pieces) == done.choices[0].message.content
