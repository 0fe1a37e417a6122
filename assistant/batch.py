"""The batch contract: questions in from JSONL/CSV/XLSX, one JSON object per answer out.

Kept stable for staff answering a day's inquiries and for outside checks:
search → {"id","question","hits":[{"chunk_id","doc_id","title","section","text","score"}]}
ask    → {"id","question","answer","refused","citations":[{"n","chunk_id","doc_id","title","section","text"}],"nearby":[…]}
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from assistant.types import Answer
from vectorstore.errors import BadRequestError
from vectorstore.types import Hit


def read_questions(path: Path) -> list[dict[str, Any]]:
    """Questions from a file: JSONL ({"id","question","history"?}) or CSV/XLSX with a 'question' column.

    'inquiries.xlsx' with columns 编号, question → [{'id': 'row-2', 'question': '…'}, …]
    """
    if not path.exists():
        raise BadRequestError(f"{path}: file not found")
    suffix = path.suffix.lower()
    rows: list[dict[str, Any]]
    if suffix in (".jsonl", ".json"):
        rows = []
        for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BadRequestError(f"{path}:{n}: not JSON ({exc.msg}); write one object per line") from exc
            if not isinstance(obj, dict):
                raise BadRequestError(f"{path}:{n}: expected an object like {{\"id\": \"1\", \"question\": \"…\"}}")
            rows.append(obj)
    elif suffix == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = [dict(r) for r in csv.DictReader(fh)]
    elif suffix in (".xlsx", ".xlsm"):
        rows = _read_xlsx(path)
    else:
        raise BadRequestError(f"{path}: unsupported questions file {suffix!r}; use .jsonl, .csv or .xlsx")
    out = []
    for i, r in enumerate(rows, 1):
        q = str(r.get("question") or "").strip()
        if "question" not in r:
            raise BadRequestError(f"{path}: row {i} has no 'question' field/column")
        if not q:
            continue
        hist = r.get("history") or []
        if isinstance(hist, str):
            hist = json.loads(hist) if hist.strip().startswith("[") else []
        out.append({"id": str(r.get("id") or i), "question": q, "history": hist})
    return out


def _read_xlsx(path: Path) -> list[dict[str, Any]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise BadRequestError(f"{path}: not a readable .xlsx file ({exc})") from exc
    ws = wb.active
    it = ws.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(it, ())]
    if "question" not in header:
        raise BadRequestError(f"{path}: the first row must name a 'question' column (found {header})")
    rows = [{h: ("" if v is None else v) for h, v in zip(header, row, strict=False) if h} for row in it]
    wb.close()
    return rows


def hit_json(h: Hit) -> dict[str, Any]:
    c = h.chunk
    return {
        "chunk_id": c.id, "doc_id": c.doc_id, "title": c.title, "section": c.section,
        "text": c.text, "score": round(h.score, 4), "kind": c.kind,
    }


def answer_json(a: Answer) -> dict[str, Any]:
    return {
        "answer": a.text,
        "refused": a.refused,
        "generator": a.generator,
        "notes": list(a.notes),
        "standalone_question": a.question,
        "citations": [
            {
                "n": c.n, "chunk_id": c.chunk.id, "doc_id": c.chunk.doc_id, "title": c.chunk.title,
                "status": str(c.chunk.meta.get("status", "")), "section": c.chunk.section, "text": c.chunk.text,
            }
            for c in a.citations
        ],
        "nearby": [
            {"chunk_id": c.chunk.id, "doc_id": c.chunk.doc_id, "title": c.chunk.title, "section": c.chunk.section,
             "text": c.chunk.text}
            for c in a.nearby
        ],
    }


def write_rows(path: Path, rows: Sequence[Mapping[str, Any]]) -> None:
    """Write result objects as .jsonl, or flattened to .csv/.xlsx (citations in their own columns)."""
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix in (".jsonl", ".json"):
        with open(path, "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        return
    flat = [_flatten(r) for r in rows]
    columns = list(dict.fromkeys(k for r in flat for k in r))
    if suffix == ".csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=columns)
            w.writeheader()
            w.writerows(flat)
    elif suffix == ".xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.append(columns)
        for r in flat:
            ws.append([r.get(c, "") for c in columns])
        wb.save(path)
    else:
        raise BadRequestError(f"{path}: unsupported output {suffix!r}; use .jsonl, .csv or .xlsx")


def _flatten(r: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in r.items():
        if k in ("citations", "hits", "nearby") and isinstance(v, list):
            label = {"citations": "citation", "hits": "hit", "nearby": "nearby"}[k]
            for i, c in enumerate(v, 1):
                out[f"{label}_{i}"] = f"《{c.get('title', '')}》{c.get('section', '')}：{c.get('text', '')}"
        elif isinstance(v, (list, dict)):
            out[k] = json.dumps(v, ensure_ascii=False)
        else:
            out[k] = v
    return out


def iter_progress(items: Iterable[Any], total: int, enabled: bool) -> Iterable[Any]:
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, total=total, file=__import__("sys").stderr, unit="问")
