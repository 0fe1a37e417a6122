"""The audit log of writes and the question log over HTTP, for admins (CSV for Excel, or JSON)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from assistant import audit
from assistant.api.admin import require_admin
from assistant.api.deps import ApiState, get_state

router = APIRouter()


@router.get("/v1/admin/records", tags=["admin"], dependencies=[Depends(require_admin)],
            summary="The audit log of writes (table=writes) or the question log (table=questions), admin only")
def records(table: str = Query("writes", pattern="^(writes|questions)$"),
            format: str = Query("json", pattern="^(json|csv)$"), st: ApiState = Depends(get_state)) -> Any:
    db = st.settings
    if format == "csv":
        return Response(audit.to_csv(db, table), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{table}.csv"'})
    body: dict[str, Any] = {"table": table, "rows": audit.rows(db, table)}
    if table == "questions":
        body["keep_days"] = st.settings.question_log_days
    return body
