"""The eval suite over HTTP: committed figures and the latest run for the UI's 评测 page; admins start a run."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from assistant.api.admin import require_admin
from assistant.api.deps import ApiState, get_state

router = APIRouter()


class EvalRunRequest(BaseModel):
    sample: int = Field(0, ge=0, le=1000, description="items per set and split (a quick check); 0 runs them all")


@router.get("/v1/eval", tags=["eval"],
            summary="Committed dev/test figures by kind and style, the latest run of each configuration, a run's state")
def eval_summary(st: ApiState = Depends(get_state)) -> dict[str, Any]:
    from eval import service

    return {"committed": service.committed(), "latest": service.latest(), "run": st.eval_runner.state.to_json()}


@router.post("/v1/eval/runs", tags=["eval"], dependencies=[Depends(require_admin)], status_code=202,
             summary="Start the retrieval and extractive answer suites on both sets and splits (admin)")
def start_eval(body: EvalRunRequest | None = None, st: ApiState = Depends(get_state)) -> JSONResponse:
    if not st.eval_runner.start(st.settings, body.sample if body else 0):
        raise HTTPException(409, "评测正在运行，请等待其完成。An eval run is already running.")
    return JSONResponse({"run": st.eval_runner.state.to_json()}, status_code=202)
