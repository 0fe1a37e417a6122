"""Questions, search, documents, passages and feedback."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from starlette.datastructures import UploadFile

from assistant import audit, default_scope, feedback
from assistant.api.admin import (
    UPLOAD_OPENAPI,
    audited,
    delete_document,
    require_admin,
    store_and_ingest,
    too_big,
    upload_limit,
)
from assistant.api.deps import ApiState, get_state, status_for
from assistant.api.schemas import (
    AskRequest,
    FeedbackRequest,
    FeedbackUpdate,
    FilterSpec,
    SearchRequest,
    Turn,
    answer_json,
    hit_json,
)
from assistant.passages import context
from assistant.settings import Settings
from vectorstore.errors import IndexMissingError, NotFoundError, PlanQAError, StoreUnavailableError
from vectorstore.index import DocRecord
from vectorstore.retrieve import Filters

log = logging.getLogger(__name__)
router = APIRouter()
MAX_HISTORY = 12  # turns sent on to the pipeline (the rewriter only needs the last few)


# -- request checks ---------------------------------------------------------------------------------
def check_question(question: str, settings: Settings) -> str:
    """The question stripped and within limits; each one asked is kept in the question log."""
    q = _checked(question, settings)
    _log_question(settings, q)
    return q


def _log_question(settings: Settings, q: str) -> None:
    """The question log is a record, not part of the answer: a records database that does not
    answer is logged and the question still answered."""
    try:
        audit.record_question(settings, q, settings.question_log_days)
    except StoreUnavailableError as exc:
        log.warning("question not logged: %s", exc)


def _checked(question: str, settings: Settings) -> str:
    q = question.strip()
    if not q:
        raise HTTPException(422, "问题不能为空，请输入您的问题。The question is empty: please ask a question.")
    n, limit = len(q), settings.max_question_chars
    if n > limit:
        raise HTTPException(
            413, f"问题过长：最多 {limit} 个字符，当前 {n} 个字符，请精简后再提问。"
                 f"Question too long: {n} characters, the limit is {limit} (PLANQA_MAX_QUESTION_CHARS).")
    return q


def history_of(turns: Sequence[Turn]) -> list[dict[str, str]]:
    return [{"role": t.role, "content": t.content} for t in turns if t.role != "system"][-MAX_HISTORY:]


def filters_of(spec: FilterSpec | None, st: ApiState) -> Filters | None:
    """The Filters of a request; a doc id the index does not hold is a 404, not a silent refusal."""
    if spec is None:
        return None
    if spec.doc_ids:
        docs = st.corpus().build.docs
        unknown = [d for d in spec.doc_ids if d not in docs]
        if unknown:
            raise NotFoundError(f"no document {unknown[0]!r} in the index; GET /v1/documents lists the ids "
                                f"({', '.join(sorted(docs))})")
    return spec.to_filters()


def scope_of(values: list[str] | None, st: ApiState) -> Filters | None:
    """A request's scope: None keeps PLANQA_DEFAULT_SCOPE, [] is every plan; a value naming no plan is a 422."""
    try:
        return default_scope.requested(values, st.corpus().build.docs, source="scope")
    except default_scope.ScopeError as exc:
        raise HTTPException(422, str(exc)) from exc


def sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


# -- answering --------------------------------------------------------------------------------------
@router.post("/v1/ask", tags=["answers"], summary="Answer a question with numbered citations")
def ask(req: AskRequest, st: ApiState = Depends(get_state)) -> dict[str, Any]:
    """`{"question": "东丽区2025年人均期望寿命目标是多少？"}` → `{"answer": "…2025年：82[1]", "citations": [...]}`"""
    q = check_question(req.question, st.settings)
    st.corpus()
    f = filters_of(req.filters, st)
    ans = st.assistant.answer(q, history_of(req.history), f, reply=req.mode == "reply", scope=scope_of(req.scope, st))
    return answer_json(ans)


@router.post("/v1/ask/stream", tags=["answers"], summary="Answer as server-sent events",
             response_class=StreamingResponse,
             responses={200: {"content": {"text/event-stream": {}},
                              "description": "`event: token` {text} …, `event: citations` {answer object}, "
                                             "`event: done`; on failure `event: error` {detail, status}"}})
def ask_stream(req: AskRequest, st: ApiState = Depends(get_state)) -> StreamingResponse:
    """Tokens as they are written, then the checked answer (its text replaces the tokens)."""
    q = check_question(req.question, st.settings)
    st.corpus()
    f = filters_of(req.filters, st)
    events = st.assistant.stream(q, history_of(req.history), f, reply=req.mode == "reply",
                                 scope=scope_of(req.scope, st))

    def gen() -> Iterator[str]:
        try:
            for ev in events:
                if ev["type"] == "token":
                    yield sse("token", {"text": ev["text"]})
                elif ev["type"] == "final":
                    yield sse("citations", answer_json(ev["answer"]))
            yield sse("done", {})
        except PlanQAError as exc:
            log.warning("stream failed: %s", exc)
            yield sse("error", {"detail": str(exc), "error": type(exc).__name__, "status": status_for(exc)})
        except Exception as exc:
            log.exception("stream failed")
            yield sse("error", {"detail": f"内部错误 internal error: {type(exc).__name__}", "status": 500})
        finally:
            close = getattr(events, "close", None)
            if close is not None:
                close()

    return StreamingResponse(gen(), media_type="text/event-stream", headers=SSE_HEADERS)


@router.post("/v1/search", tags=["answers"], summary="The passages retrieval finds, with scores")
def search(req: SearchRequest, st: ApiState = Depends(get_state)) -> dict[str, Any]:
    q = check_question(req.question, st.settings)
    st.corpus()
    f = filters_of(req.filters, st)
    standalone, hits = st.assistant.search(q, req.k or st.settings.top_k, f, history_of(req.history),
                                           scope_of(req.scope, st))
    return {"question": standalone, "hits": [hit_json(h) for h in hits]}


# -- documents --------------------------------------------------------------------------------------
def doc_json(rec: DocRecord) -> dict[str, Any]:
    d = rec.as_dict()
    d.pop("path", None)  # a server path is nobody's business
    d.pop("content_hash", None)
    d["region"] = rec.meta.region
    d["draft"] = bool(rec.meta.status)
    return d


@router.get("/v1/documents", tags=["documents"], summary="The indexed plans with their metadata")
def list_documents(st: ApiState = Depends(get_state)) -> dict[str, Any]:
    try:
        build = st.corpus().build
    except IndexMissingError:
        return {"documents": [], "build": None}
    docs = sorted(build.docs.values(), key=lambda r: (r.meta.province, r.meta.city, r.meta.district, r.meta.title))
    return {"documents": [doc_json(r) for r in docs], "build": build.folder.name}


@router.get("/v1/documents/{doc_id}", tags=["documents"], summary="One plan: metadata and outline")
def get_document(doc_id: str, st: ApiState = Depends(get_state)) -> dict[str, Any]:
    build = st.corpus().build
    rec = build.docs.get(doc_id)
    if rec is None:
        raise NotFoundError(f"no document {doc_id!r}; GET /v1/documents lists the ids")
    outline = list(dict.fromkeys(c.section_path[0] for c in build.doc_chunks(doc_id) if c.section_path))
    return {**doc_json(rec), "outline": outline}


@router.get("/v1/chunks/{chunk_id}", tags=["documents"],
            summary="A cited passage with its plan, section path, surrounding text and table")
def get_chunk(chunk_id: str, st: ApiState = Depends(get_state)) -> dict[str, Any]:
    st.corpus()
    return context(st.assistant.corpus.build, chunk_id)


@router.post("/v1/documents", tags=["documents"], dependencies=[Depends(require_admin)],
             summary="Upload a plan (.docx .pdf .txt .md) and index it (admin)", openapi_extra=UPLOAD_OPENAPI)
async def upload_document(request: Request, st: ApiState = Depends(get_state)) -> dict[str, Any]:
    limit = upload_limit(st.settings)
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit + 256 * 1024:  # multipart framing is small
        raise HTTPException(413, too_big(st.settings))
    form = await request.form(max_files=1, max_fields=5)
    try:
        up = form.get("file")
        with audited(request, "upload") as note:
            if not isinstance(up, UploadFile) or not up.filename:
                raise HTTPException(422, "请选择要上传的文件（表单字段 file）。Missing the multipart field 'file'.")
            note["file"] = up.filename
            body = await run_in_threadpool(store_and_ingest, st, up.file, up.filename)
            note.update(doc_id=body["doc_id"], result=body["status"])
            return body
    finally:
        await form.close()


@router.delete("/v1/documents/{doc_id}", tags=["documents"], dependencies=[Depends(require_admin)],
               summary="Remove a plan from the index (admin)")
def remove_document(doc_id: str, request: Request, st: ApiState = Depends(get_state)) -> dict[str, Any]:
    with audited(request, "delete", doc_id=doc_id) as note:
        body = delete_document(st, doc_id)
        note["result"] = "deleted"
        return body


# -- feedback ---------------------------------------------------------------------------------------
@router.post("/v1/feedback", tags=["feedback"], summary="Thumbs up/down on an answer")
def post_feedback(req: FeedbackRequest, st: ApiState = Depends(get_state)) -> dict[str, Any]:
    fid = feedback.add(st.settings, question=req.question, answer=req.answer, rating=req.rating,
                       comment=req.comment, citations=req.citations, generator=req.generator, mode=req.mode)
    return {"id": fid, "stored": True}


@router.patch("/v1/feedback/{feedback_id}", tags=["feedback"], summary="Add a comment to a rating, or flip it")
def update_feedback(req: FeedbackUpdate,
                    feedback_id: int = Path(..., ge=1, le=2**63 - 1, description="the id POST /v1/feedback returned"),
                    st: ApiState = Depends(get_state)) -> dict[str, Any]:
    feedback.update(st.settings, feedback_id, comment=req.comment, rating=req.rating)
    return {"id": feedback_id, "stored": True}


@router.get("/v1/feedback", tags=["feedback"], dependencies=[Depends(require_admin)],
            summary="The latest ratings (admin)")
def list_feedback(limit: int = 100, st: ApiState = Depends(get_state)) -> dict[str, Any]:
    return {"feedback": feedback.records(st.settings, limit=max(1, min(limit, 1000)))}
