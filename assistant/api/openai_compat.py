"""OpenAI-compatible chat completions, so existing chat clients can use PlanQA as a 'model'.

The last user message is the question and the turns before it the history. The answer carries a
'参考资料' list at its end and a top-level `citations` field. Model `planqa-reply` drafts a reply to
a citizen. With `stream: true` only the checked answer is sent (an LLM's raw tokens can still be
replaced by the citation check, and an OpenAI client cannot take text back), in pieces, then
`data: [DONE]`.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import StreamingResponse
from pydantic import ValidationError

from assistant.api.deps import ApiState, get_state, status_for
from assistant.api.routes import MAX_HISTORY, SSE_HEADERS, check_question, filters_of, scope_of
from assistant.api.schemas import (
    SCOPE,
    ChatCompletionRequest,
    FilterSpec,
    answer_json,
    nearby_text,
    references_text,
)
from assistant.types import Answer
from vectorstore.errors import PlanQAError

log = logging.getLogger(__name__)
router = APIRouter(tags=["openai"])
MODELS = ("planqa", "planqa-reply")
PIECE = 24  # characters per streamed delta


def _content(ans: Answer, aj: dict[str, Any]) -> str:
    """The answer, then its references (or, with a decline, the closest passages)."""
    tail = references_text(aj["citations"]) or nearby_text(aj["nearby"])
    return f"{ans.text}\n\n{tail}" if tail else ans.text


@router.get("/v1/models", summary="The models this server answers as")
def models() -> dict[str, Any]:
    now = int(time.time())
    return {"object": "list",
            "data": [{"id": m, "object": "model", "created": now, "owned_by": "planqa"} for m in MODELS]}


def _data(obj: Any) -> str:
    """One server-sent event in OpenAI's stream format."""
    return f"data: {json.dumps(obj, ensure_ascii=False)}\n\n"


@router.post("/v1/chat/completions", summary="OpenAI-compatible chat completion over the plans",
             response_model=None)
def chat_completions(req: ChatCompletionRequest, st: ApiState = Depends(get_state)) -> Any:
    msgs = [m for m in req.messages if m.role in ("user", "assistant")]
    last = max((i for i, m in enumerate(msgs) if m.role == "user"), default=None)
    if last is None:
        raise HTTPException(422, "messages 中没有用户提问。No user message in 'messages'.")
    question = check_question(msgs[last].text(), st.settings)
    st.corpus()  # no index: a 503 now, also for a stream
    history = [{"role": m.role, "content": m.text()} for m in msgs[:last]][-MAX_HISTORY:]
    extra = req.model_extra or {}
    spec = FilterSpec.model_validate(extra["filters"]) if isinstance(extra.get("filters"), dict) else None
    filters = filters_of(spec, st)
    try:
        scope = scope_of(SCOPE.validate_python(extra.get("scope")), st)
    except ValidationError as exc:
        raise HTTPException(422, "scope 应为规划编号或地名的列表，如 [\"东丽区\"]。'scope' must be a list of plan ids "
                                 f"or place names: {exc.errors()[0]['msg']}") from exc
    reply = req.model.endswith("-reply")
    cid, created, model = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time()), req.model or "planqa"

    if not req.stream:
        ans = st.assistant.answer(question, history, filters, reply=reply, scope=scope)
        aj = answer_json(ans)
        return {
            "id": cid, "object": "chat.completion", "created": created, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": _content(ans, aj)},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            "citations": aj["citations"], "refused": ans.refused, "generator": ans.generator,
        }

    def chunk(delta: dict[str, Any], finish: str | None = None, **more: Any) -> str:
        return _data({"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                      "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **more})

    def gen() -> Iterator[str]:
        yield chunk({"role": "assistant", "content": ""})
        try:
            # The whole checked answer is sent in pieces: its text can change after the tokens.
            final = st.assistant.answer(question, history, filters, reply=reply, scope=scope)
            aj = answer_json(final)
            text = _content(final, aj)
            for i in range(0, len(text), PIECE):
                yield chunk({"content": text[i : i + PIECE]})
            yield chunk({}, "stop", citations=aj["citations"], refused=final.refused, generator=final.generator)
        except PlanQAError as exc:
            log.warning("chat completion stream failed: %s", exc)
            yield _data({"error": {"message": str(exc), "type": type(exc).__name__, "code": status_for(exc)}})
        except Exception as exc:
            log.exception("chat completion stream failed")
            yield _data({"error": {"message": f"internal error: {type(exc).__name__}", "type": "internal",
                                   "code": 500}})
        yield "data: [DONE]\n\n"

    return StreamingResponse(gen(), media_type="text/event-stream", headers=SSE_HEADERS)
