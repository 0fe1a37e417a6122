"""The store as tables people read: one row per indicator, one indicator compared across plans, and
CSV / Excel export (API, CLI and the UI's 指标 page all use these).

    rows(records, plans) → [{'规划': '东丽区', '类别': '健康水平', '指标': '人均期望寿命（岁）', …}, …]
    compare(records, '人均预期寿命', plans) → {'key': …, 'plans': [{'doc_id': 'dongli', 'target': '82', …}, …],
                                               'missing': ['binhai', 'tianjin-primary'], 'units': ['岁']}
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from indicators.compose import Plan, per_plan, unit_of, value_label
from indicators.types import Indicator, Origin

COLUMNS = ("规划", "类别", "指标", "单位", "基数", "目标", "全部数值", "属性", "来源", "指标键", "段落编号")


def _values_text(r: Indicator) -> str:
    return "；".join(f"{value_label(v)} {v.text or '（空）'}" for v in r.values)


def row(r: Indicator, plans: Mapping[str, Plan]) -> dict[str, Any]:
    """One record as a flat row, values verbatim."""
    p = plans.get(r.doc_id)
    return {
        "规划": p.label if p else r.doc_id, "类别": r.category, "指标": r.name, "单位": r.unit,
        "基数": r.baseline.text if r.baseline else "", "目标": r.target.text if r.target else "",
        "全部数值": _values_text(r), "属性": r.attribute.value,
        "来源": "指标表" if r.origin == Origin.TABLE else "规划正文", "指标键": r.key, "段落编号": r.chunk_id,
    }


def rows(records: Sequence[Indicator], plans: Mapping[str, Plan]) -> list[dict[str, Any]]:
    return [row(r, plans) for r in records]


def compare(records: Sequence[Indicator], key: str, plans: Mapping[str, Plan]) -> dict[str, Any]:
    """Every plan's records of one key (table rows before text targets), the plans without it, and
    the units found (more than one: the figures do not compare directly)."""
    per = per_plan(records, (key,))
    out: list[dict[str, Any]] = []
    units: list[str] = []
    for d, rs in per.items():
        r = rs[0]
        t, b = r.target, r.baseline
        unit = unit_of(r, t)
        if unit and unit not in units:
            units.append(unit)
        out.append({
            "doc_id": d, "plan": plans[d].label if d in plans else d, "title": plans[d].title if d in plans else "",
            "name": r.name, "unit": unit, "attribute": r.attribute.value, "origin": r.origin.value,
            "baseline": b.text if b else None, "baseline_year": b.year if b else None,
            "baseline_number": b.comparison.number if b and b.comparison else None,
            "target": t.text if t else None, "target_year": t.year if t else None,
            "target_number": t.comparison.number if t and t.comparison else None,
            "target_op": t.comparison.op.value if t and t.comparison else None,
            "chunk_id": r.chunk_id, "records": [x.as_dict() for x in rs],
        })
    out.sort(key=lambda e: -float(e["target_number"]) if e["target_number"] is not None else float("inf"))
    return {"key": key, "plans": out, "missing": [d for d in plans if d not in per], "units": units}


def to_csv(table: Sequence[Mapping[str, Any]]) -> bytes:
    """UTF-8 with a BOM, so Excel opens the Chinese columns right."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(COLUMNS))
    w.writeheader()
    for r in table:
        w.writerow({k: r.get(k, "") for k in COLUMNS})
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(table: Sequence[Mapping[str, Any]], title: str = "主要指标") -> bytes:
    """An Excel workbook with one sheet; values are written as text, as the plans wrote them."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title[:31]
    ws.append(list(COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in table:
        ws.append([str(r.get(k, "")) for k in COLUMNS])
    for col, width in zip("ABCDEFGHIJK", (10, 16, 40, 8, 12, 16, 36, 8, 8, 28, 18), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
