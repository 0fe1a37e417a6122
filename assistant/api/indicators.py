"""The indicator store over HTTP: filter every plan's indicators, compare one across plans, export."""

from __future__ import annotations

import difflib
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import Response

from assistant.api.deps import ApiState, get_state
from assistant.fromstore import plans_of
from indicators.report import compare, rows, to_csv, to_xlsx
from indicators.types import Attribute, Indicator
from vectorstore.errors import NotFoundError

router = APIRouter()
_ATTRIBUTES = tuple(a.value for a in Attribute if a.value)


def _filtered(st: ApiState, plan: str, category: str, attribute: str, q: str) -> tuple[list[Indicator], Any]:
    build = st.corpus().build
    if plan and plan not in build.docs:
        raise NotFoundError(f"no plan {plan!r} in the index; use one of: {', '.join(sorted(build.docs))}")
    if attribute and attribute not in _ATTRIBUTES:
        raise HTTPException(422, f"attribute must be one of {', '.join(_ATTRIBUTES)} (属性只能是约束性或预期性), "
                                 f"not {attribute!r}")
    return build.indicators.find(doc_id=plan, category=category.strip(), attribute=attribute, q=q.strip()), build


@router.get("/v1/indicators", tags=["indicators"],
            summary="Every plan's indicators as records (values verbatim), filtered by plan, category, attribute or words")
def list_indicators(plan: str = Query("", description="a doc id, e.g. dongli"),
                    category: str = Query("", description="part of a category, e.g. 健康服务"),
                    attribute: str = Query("", description="约束性 or 预期性"),
                    q: str = Query("", max_length=100, description="part of an indicator name, e.g. 床位"),
                    st: ApiState = Depends(get_state)) -> dict[str, Any]:
    found, build = _filtered(st, plan, category, attribute, q)
    plans = plans_of(build)
    return {
        "count": len(found),
        "indicators": [{**r.as_dict(), "plan": plans[r.doc_id].label, "title": plans[r.doc_id].title}
                       for r in found],
        "plans": [{"doc_id": p.doc_id, "plan": p.label, "title": p.title} for p in plans.values()],
        "keys": sorted({r.key for r in build.indicators.all()}),
    }


@router.get("/v1/indicators/compare", tags=["indicators"],
            summary="One indicator across plans: each plan's baseline and target, the plans without it, the units")
def compare_indicator(key: str = Query(..., min_length=1, max_length=100, description="an indicator key, e.g. 人均预期寿命"),
                      st: ApiState = Depends(get_state)) -> dict[str, Any]:
    build = st.corpus().build
    records = build.indicators.all()
    keys = sorted({r.key for r in records})
    if key not in keys:
        close = difflib.get_close_matches(key, keys, n=3, cutoff=0.3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; GET /v1/indicators lists every key"
        raise NotFoundError(f"no indicator key {key!r}{hint}")
    return compare(records, key, plans_of(build))


@router.get("/v1/indicators/export", tags=["indicators"],
            summary="The filtered indicators as an Excel workbook (format=xlsx) or CSV (format=csv)")
def export_indicators(plan: str = "", category: str = "", attribute: str = "", q: str = "",
                      format: str = Query("xlsx", pattern="^(xlsx|csv)$"),
                      st: ApiState = Depends(get_state)) -> Response:
    found, build = _filtered(st, plan, category, attribute, q)
    table = rows(found, plans_of(build))
    if format == "csv":
        return Response(to_csv(table), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="indicators.csv"'})
    return Response(to_xlsx(table), media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": 'attachment; filename="indicators.xlsx"'})
