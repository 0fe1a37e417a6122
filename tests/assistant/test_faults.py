"""Faults: the LLM provider failing every way it can, a damaged index build, a disk that fills up
during an ingest. Each ends in a visible notice or a clear error, and nothing that served is lost."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from servers import free_port

from assistant.api import create_app
from assistant.generate import OpenAIChatModel
from assistant.pipeline import NOTE_LLM_DOWN, Assistant
from assistant.settings import Settings
from vectorstore.errors import IndexDamagedError, StorageError
from vectorstore.index import IndexStore
from vectorstore.ingest import ingest
from vectorstore.retrieve import Corpus

PROSE_Q = "东丽区大病专项救治的病种，到2025年扩大到多少种？"  # answered by the model path (prose)
TOKEN = "faults-admin"
REPO = Path(__file__).resolve().parents[2]


LLM_FAULTS = {"down": "the endpoint down", "500": "HTTP 500 on every try", "slow": "slower than the timeout",
              "malformed": "a body that is not JSON", "broken_stream": "the stream broken off after two pieces"}


@pytest.mark.parametrize("fault", list(LLM_FAULTS))
def test_every_llm_fault_ends_in_the_plans_own_words_with_a_notice(full_index: Path, fake_openai: Any,
                                                                   fault: str, hardening_record: Any) -> None:
    hardening_record.expect("LLM fault", len(LLM_FAULTS))
    base = fake_openai.base_url
    if fault == "down":
        base = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    elif fault == "500":
        fake_openai.script.status = 500
    elif fault == "slow":
        fake_openai.script.delay = 3.0  # past the 1 s timeout
    elif fault == "malformed":
        fake_openai.script.malformed = True
    else:
        fake_openai.script.reply, fake_openai.script.break_after = "东丽区到2025年扩大到50种[1]。", 2
    s = Settings(data_dir=full_index, llm_mode="remote", llm_base_url=base, llm_model="m", llm_timeout=1,
                 llm_max_retries=0)
    a = Assistant(s, chat=OpenAIChatModel.from_settings(s)).answer(PROSE_Q)
    assert NOTE_LLM_DOWN in a.text and NOTE_LLM_DOWN in a.notes, (fault, a.text)
    assert "50种大病" in a.text and a.citations and a.generator == "extractive"
    hardening_record.add("LLM fault", LLM_FAULTS[fault], "the plan's own sentence, cited, with the notice "
                         f"“{NOTE_LLM_DOWN}”")


@pytest.fixture
def data(small_index: Path, tmp_path: Path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(small_index / "indexes", d / "indexes")
    return d


def _damage(data: Path) -> str:
    build = IndexStore(data / "indexes" / "default").current_dir()
    (build / "chroma" / "chroma.sqlite3").write_bytes(b"not a database" * 100)
    return build.name


def test_a_damaged_build_is_a_503_naming_it_and_a_full_ingest_rebuilds_it(data: Path, tmp_path: Path,
                                                                         hardening_record: Any) -> None:
    hardening_record.expect("index fault", 3)
    name = _damage(data)
    with pytest.raises(IndexDamagedError, match=name):
        Corpus.open(data / "indexes" / "default")
    s = Settings(data_dir=data, llm_mode="extractive", admin_token=TOKEN)
    c = TestClient(create_app(s, Assistant(s, chat=None)), raise_server_exceptions=False)
    ask = c.post("/v1/ask", json={"question": "东丽区2025年人均期望寿命目标是多少？"})
    upload = c.post("/v1/documents", files={"file": ("x.txt", "河西区规划\n到2025年，床位达到6张。\n".encode())},
                    headers={"Authorization": f"Bearer {TOKEN}"})
    for r in (ask, upload, c.get("/v1/documents"), c.get("/readyz")):
        assert r.status_code == 503, r.text
        assert str(data) not in r.text  # no server paths
    assert name in ask.json()["detail"] and "planqa ingest --full" in ask.json()["detail"]
    assert not (data / "uploads" / "x.txt").exists()  # the refused upload is not kept
    with pytest.raises(IndexDamagedError, match="--full"):
        ingest(data / "indexes" / "default", [])  # an incremental ingest cannot carry plans over
    report = ingest(data / "indexes" / "default", [], full=True)  # the recorded plan files are re-read
    assert report.documents == 1 and report.notes and not report.errors
    ok = TestClient(create_app(s, Assistant(s, chat=None))).post(
        "/v1/ask", json={"question": "东丽区2025年人均期望寿命目标是多少？"}).json()
    assert "82" in ok["answer"] and ok["citations"]
    hardening_record.add("index fault", "a damaged Chroma database in the live build",
                         "503 naming the build (no paths) on ask, upload, documents and /readyz; the upload is not "
                         "kept; `planqa ingest --full` rebuilds from the recorded plan files")


def test_an_ingest_that_finds_nothing_changed_still_refuses_a_build_missing_its_keyword_index(data: Path) -> None:
    index = data / "indexes" / "default"
    build = IndexStore(index).current_dir()
    (build / "bm25" / "bm25s" / "indptr.csc.index.npy").unlink()
    with pytest.raises(IndexDamagedError, match=f"{build.name}.*indptr.*--full"):
        ingest(index, [])
    assert ingest(index, [], full=True).documents == 1


def test_a_full_disk_during_an_ingest_is_a_clear_error_and_the_old_index_serves(
        data: Path, monkeypatch: pytest.MonkeyPatch, hardening_record: Any) -> None:
    import vectorstore.ingest as ingest_mod

    def no_space(*a: Any, **kw: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    index = data / "indexes" / "default"
    live = IndexStore(index).current_id()
    monkeypatch.setattr(ingest_mod, "write_store", no_space)
    with pytest.raises(StorageError, match="No space left on device.*previous build"):
        ingest(index, [REPO / "docs_src" / "tianjin-binhai-2021-health-shortfall-plan.txt"])
    assert IndexStore(index).current_id() == live
    assert not [p for p in (index / "builds").iterdir() if p.name.endswith(".partial")]  # nothing half-written
    s = Settings(data_dir=data, llm_mode="extractive", admin_token=TOKEN)
    c = TestClient(create_app(s, Assistant(s, chat=None)))
    r = c.post("/v1/documents", files={"file": ("河西.txt", "测试市河西区卫生健康规划\n到2025年，河西区床位达到6张。\n".encode())},
               headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 507 and "No space left" in r.json()["detail"]
    assert not (data / "uploads" / "河西.txt").exists()
    assert "82" in c.post("/v1/ask", json={"question": "东丽区2025年人均期望寿命目标是多少？"}).json()["answer"]
    hardening_record.add("index fault", "the disk full while an ingest writes its build",
                         "StorageError (HTTP 507) saying so; no half-written build left; the old build serves")


def test_a_question_is_answered_from_the_build_it_started_on(data: Path, fake_openai: Any,
                                                             hardening_record: Any) -> None:
    """An ingest that switches the live build while an answer streams: the answer keeps its build
    (passages, texts, idf: one snapshot); the next question sees the new one."""
    from vectorstore.index import Build

    fake_openai.script.tokens = ["东丽区", "到2025年", "扩大到50种", "[1]。"]
    fake_openai.script.token_interval = 0.2
    s = Settings(data_dir=data, llm_mode="remote", llm_base_url=fake_openai.base_url, llm_model="m",
                 llm_timeout=5, llm_max_retries=0)
    a = Assistant(s, chat=OpenAIChatModel.from_settings(s))
    index = data / "indexes" / "default"
    first = a.live().build_id
    events = a.stream(PROSE_Q)
    assert next(events)["type"] == "token"  # retrieval is done, the model is writing
    docs = data / "more"
    docs.mkdir()
    (docs / "hexi.txt").write_text("测试市河西区卫生健康事业发展“十四五”规划\n一、发展目标\n到2025年，河西区每千常住人口床位数达到6张。\n",
                                   encoding="utf-8")
    ingest(index, [docs])  # CURRENT switches now
    final = [e for e in events if e["type"] == "final"][0]["answer"]
    old = Build(index / "builds" / str(first))
    assert final.citations and all(c.chunk.id in old.chunks for c in final.citations)
    assert "50" in final.text and a.live().build_id != first and "hexi" in a.live().corpus.build.docs
    hardening_record.add("index fault", "a re-ingest switching the build while an answer streams",
                         "the answer stays on the build it started on; the next question uses the new one")
