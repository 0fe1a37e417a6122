"""A cited passage opened in its plan: the text around it, its section path and, for a table row,
the whole table.

    context(build, "3f2a…") → {"title": "天津市东丽区…规划", "section_path": [...], "before": …, "passage": …}
"""

from __future__ import annotations

from typing import Any

from vectorstore.types import Chunk


def context(build: Any, chunk_id: str, around: int = 300) -> dict[str, Any]:
    """A passage with its plan, section path and ``around`` characters either side."""
    c = build.chunk(chunk_id)
    doc = build.docs[c.doc_id]
    text = build.doc_text(c.doc_id)
    s, e = max(0, c.start - around), min(len(text), c.end + around)
    return {
        "chunk_id": c.id, "doc_id": c.doc_id, "title": doc.meta.title, "status": doc.meta.status,
        "section": c.section, "section_path": list(c.section_path), "kind": c.kind, "text": c.text,
        "before": text[s : c.start], "passage": text[c.start : c.end], "after": text[c.end : e],
        "table": _table_text(build, c),
    }


def _table_text(build: Any, c: Chunk) -> str | None:
    tid = c.meta.get("table_id") if c.kind == "table_row" else None
    return build.chunks[tid].text if tid and tid in build.chunks else None
