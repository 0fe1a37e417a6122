"""The vectors on a real Chroma server (`chroma run` on 127.0.0.1): the same builds, switching,
upload and delete as the embedded store, a refused foreign collection, and a server that goes away.

Passage vectors come from the session's embedding cache, so these ingests cost no embedding.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from chromaserver import ChromaServer
from fastapi.testclient import TestClient
from plancorpus import DOCS_SRC
from servers import free_port

from assistant.api import create_app
from assistant.pipeline import Assistant
from assistant.settings import Settings
from vectorstore.chroma import ChromaTarget
from vectorstore.errors import EmbeddingMismatchError, IndexDamagedError, StoreUnavailableError
from vectorstore.index import Build, IndexStore
from vectorstore.ingest import ingest
from vectorstore.manifest import MANIFEST_NAME
from vectorstore.retrieve import Corpus, HybridRetriever

BINHAI = "tianjin-binhai-2021-health-shortfall-plan.txt"
PRIMARY = "tianjin-primary-care-14th-fyp.txt"
DONGLI = "tianjin-dongli-health-14th-fyp.txt"
TOKEN = "server-admin"


def _docs(where: Path, *names: str) -> Path:
    where.mkdir(parents=True, exist_ok=True)
    for name in (*names, MANIFEST_NAME):
        shutil.copy(DOCS_SRC / name, where / name)
    return where


def _ours(server: ChromaServer, index: Path) -> set[str]:
    """The server's collections that belong to this index's builds."""
    target = server.target
    return {n for n in server.collections() if n.startswith(target.collection_name(index.name, "x")[:-1])}


def _expected(server: ChromaServer, index: Path) -> set[str]:
    builds = [p.name for p in (index / "builds").iterdir()]
    return {server.target.collection_name(index.name, b) for b in builds}


def test_a_server_build_searches_exactly_as_the_embedded_one(full_index: Path, full_index_server: Path,
                                                             chroma_server: ChromaServer) -> None:
    target = chroma_server.target
    build = Build(IndexStore(full_index_server / "indexes" / "default", target).current_dir(), target)
    assert json.loads((build.folder / "build.json").read_text())["vectors"]["store"] == target.url
    assert not (build.folder / "chroma").exists()  # nothing of the vectors on this disk
    assert build.collection.count() == len(build.retrievable)
    embedded = HybridRetriever(Corpus.open(full_index / "indexes" / "default"))
    server = HybridRetriever(Corpus.open(full_index_server / "indexes" / "default", chroma=target))
    for q in ("滨海新区要新建几家社区卫生服务中心", "宿州埇桥区床位数规划", "家庭医生签约服务覆盖率"):
        assert [h.chunk.text for h in server.search(q, 5)] == [h.chunk.text for h in embedded.search(q, 5)]


def test_ingest_upload_and_delete_switch_builds_and_collections_together(tmp_path: Path,
                                                                       chroma_server: ChromaServer) -> None:
    target = chroma_server.target
    index = tmp_path / "index"
    docs = _docs(tmp_path / "docs", BINHAI)
    first = ingest(index, [docs], chroma=target)
    assert first.added == ["binhai"] and _ours(chroma_server, index) == _expected(chroma_server, index)
    shutil.copy(DOCS_SRC / PRIMARY, docs / PRIMARY)
    second = ingest(index, [docs], chroma=target)  # an upload: one plan added, the other carried over
    assert second.added == ["tianjin-primary"] and second.unchanged == ["binhai"] and second.reused == first.chunks
    live = Build(IndexStore(index, target).current_dir(), target)
    assert live.collection.count() == second.chunks == first.chunks + live.docs["tianjin-primary"].n_chunks
    previous = Build(index / "builds" / first.build, target)  # a worker still on the old build reads it whole
    assert previous.collection.count() == first.chunks
    third = ingest(index, [], remove=["binhai"], chroma=target)
    assert third.removed == ["binhai"]
    live = Build(IndexStore(index, target).current_dir(), target)
    assert live.collection.get(where={"doc_id": "binhai"})["ids"] == []
    assert live.collection.count() == third.chunks
    # Only the live build and the one before it remain, on disk and on the server alike.
    assert len(list((index / "builds").iterdir())) == 2
    assert _ours(chroma_server, index) == _expected(chroma_server, index)
    assert target.collection_name(index.name, first.build) not in chroma_server.collections()


def test_a_build_made_for_the_other_store_says_how_to_fix(small_index: Path, chroma_server: ChromaServer) -> None:
    with pytest.raises(IndexDamagedError, match="PLANQA_CHROMA_HOST") as err:
        Corpus.open(small_index / "indexes" / "default", chroma=chroma_server.target)
    assert "embedded" in str(err.value) and chroma_server.target.url in str(err.value)


def test_a_collection_of_another_embedding_model_is_refused_and_left_untouched(
        tmp_path: Path, chroma_server: ChromaServer) -> None:
    target = chroma_server.target
    index = tmp_path / "index"
    report = ingest(index, [_docs(tmp_path / "docs", BINHAI)], chroma=target)
    live = IndexStore(index).current_id()
    name = target.collection_name(index.name, str(live))
    import chromadb
    import numpy as np

    # Another application's collection under the name the live build's vectors should have.
    client = chromadb.HttpClient(host=target.host, port=target.port)
    client.delete_collection(name)
    foreign = client.create_collection(name, metadata={"source": "another app"})
    foreign.add(ids=["a", "b"], embeddings=np.ones((2, 1024)), documents=["x", "y"])
    with pytest.raises(EmbeddingMismatchError, match="1024") as err:
        Corpus.open(index, chroma=target)
    assert "'default'" in str(err.value) and "untouched" in str(err.value)
    with pytest.raises(EmbeddingMismatchError):
        ingest(index, [tmp_path / "docs"], chroma=target)  # nothing carried over from it, nothing written
    assert IndexStore(index).current_id() == live and report.build == live
    again = client.get_collection(name)
    assert again.count() == 2 and again.metadata == {"source": "another app"}
    assert len(again.get(ids=["a"], include=["embeddings"])["embeddings"][0]) == 1024


def _settings(data: Path, target: ChromaTarget) -> Settings:
    return Settings(data_dir=data, llm_mode="extractive", admin_token=TOKEN, chroma_host=target.host,
                    chroma_port=target.port)


def test_an_unreachable_server_is_a_503_naming_it_and_the_api_recovers_without_a_restart(
        tmp_path: Path, hardening_record: Any) -> None:
    hardening_record.expect("chroma server", 2)
    server = ChromaServer(tmp_path / "chroma", free_port()).start()
    try:
        data = tmp_path / "data"
        ingest(data / "indexes" / "default", [_docs(tmp_path / "docs", DONGLI)], chroma=server.target)
        server.stop()
        s = _settings(data, server.target)
        c = TestClient(create_app(s, Assistant(s, chat=None)), raise_server_exceptions=False)
        question = {"question": "东丽区2025年人均期望寿命目标是多少？"}
        down = c.post("/v1/ask", json=question)
        assert down.status_code == 503, down.text
        assert server.target.url in down.json()["detail"] and "chroma run" in down.json()["detail"]
        ready = c.get("/readyz")
        assert ready.status_code == 503 and server.target.url in ready.json()["detail"]
        server.start()  # the same path and port: the API finds it on the next request
        up = c.post("/v1/ask", json=question)
        assert up.status_code == 200 and "82" in up.json()["answer"], up.text
        hardening_record.add("chroma server", "the Chroma server down when the API starts",
                             "503 naming the server and how to start it, on ask and /readyz; answers as soon "
                             "as it is back, without restarting the API")

        server.stop()  # mid-run: the loaded build keeps answering, a write is refused by name
        assert c.post("/v1/ask", json=question).status_code == 200
        before = IndexStore(data / "indexes" / "default").current_id()
        upload = c.post("/v1/documents", files={"file": (BINHAI, (DOCS_SRC / BINHAI).read_bytes())},
                        headers={"Authorization": f"Bearer {TOKEN}"})
        assert upload.status_code == 503 and server.target.url in upload.json()["detail"], upload.text
        assert IndexStore(data / "indexes" / "default").current_id() == before
        assert not (data / "uploads" / BINHAI).exists()
        server.start()
        upload = c.post("/v1/documents", files={"file": (BINHAI, (DOCS_SRC / BINHAI).read_bytes())},
                        headers={"Authorization": f"Bearer {TOKEN}"})
        assert upload.status_code == 200, upload.text
        assert upload.json()["doc_id"] in {d["doc_id"] for d in c.get("/v1/documents").json()["documents"]}
        hardening_record.add("chroma server", "the Chroma server stopped while the API serves",
                             "questions keep being answered from the loaded build; an upload is a 503 naming the "
                             "server, nothing changes; it succeeds once the server is back")
    finally:
        server.stop()


def test_an_unreachable_server_stops_an_ingest_before_anything_is_written(tmp_path: Path) -> None:
    target = ChromaTarget("127.0.0.1", free_port())
    with pytest.raises(StoreUnavailableError, match="chroma run"):
        ingest(tmp_path / "index", [_docs(tmp_path / "docs", BINHAI)], chroma=target)
    assert not list((tmp_path / "index" / "builds").glob("*"))


def _token_proxy(upstream: str, token: str) -> Any:
    """What a site puts in front of Chroma's server (which checks no token): a reverse proxy that
    forwards only requests bearing the token — an nginx `if ($http_authorization …)` in a few lines."""
    import httpx
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    http = httpx.AsyncClient(base_url=upstream, timeout=30)

    async def forward(request: Any) -> Response:
        if request.headers.get("authorization") != f"Bearer {token}":
            return Response('{"error":"Unauthorized"}', status_code=401, media_type="application/json")
        r = await http.request(request.method, request.url.path, params=request.query_params,
                               content=await request.body(),
                               headers={"content-type": request.headers.get("content-type", "application/json")})
        return Response(r.content, status_code=r.status_code, media_type=r.headers.get("content-type"))

    return Starlette(routes=[Route("/{path:path}", forward, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])])


@pytest.mark.slow  # make test-slow: kept out of the default run's 10 minutes
def test_a_token_reaches_a_server_behind_a_proxy_and_a_wrong_one_is_named(tmp_path: Path,
                                                                          chroma_server: ChromaServer) -> None:
    from servers import live_uvicorn

    with live_uvicorn(_token_proxy(f"http://127.0.0.1:{chroma_server.port}", "s3cret")) as url:
        port = int(url.rsplit(":", 1)[1])
        good = ChromaTarget("127.0.0.1", port, token="s3cret")
        report = ingest(tmp_path / "index", [_docs(tmp_path / "docs", BINHAI)], chroma=good)
        hits = HybridRetriever(Corpus.open(tmp_path / "index", chroma=good)).search("新建社区卫生服务中心", 3)
        assert report.documents == 1 and hits and hits[0].chunk.doc_id == "binhai"
        with pytest.raises(StoreUnavailableError, match="PLANQA_CHROMA_TOKEN"):
            Corpus.open(tmp_path / "index", chroma=ChromaTarget("127.0.0.1", port, token="wrong"))
