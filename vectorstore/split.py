"""Chunking: structure first, then size.

A numbered item stays whole when it fits, short paragraphs of one section are merged, long ones
are split at sentence ends, and only a split paragraph overlaps (by one sentence) so that no
sentence loses the one before it. Table rows are chunks of their own; a whole table is kept as a
display-only chunk.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from vectorstore.headings import item_label
from vectorstore.structure import Block, Parsed
from vectorstore.tables import Table, render_row, render_table
from vectorstore.types import Chunk, DocMeta, content_id

MAX_CHARS = 500  # a passage longer than this is split
TARGET_CHARS = 360  # pieces of a split paragraph aim at this size
MERGE_CHARS = 300  # short paragraphs of one section are merged up to this size
MIN_ITEM_CHARS = 60  # a numbered item shorter than this joins its next sibling

_SENTENCE_END = re.compile(r"(?<=[。；！？])")


@dataclass
class _Unit:
    text: str
    start: int
    end: int
    path: tuple[str, ...]
    kind: str


def sentences(text: str) -> list[str]:
    """'甲。乙；丙' → ['甲。', '乙；', '丙']"""
    return [s for s in _SENTENCE_END.split(text) if s]


def split_long(text: str, target: int = TARGET_CHARS, cap: int = MAX_CHARS) -> list[tuple[int, int]]:
    """(start, end) spans of pieces of a long paragraph, cut at sentence ends, one sentence overlap."""
    sents = sentences(text)
    bounds, off = [], 0
    for sent in sents:
        bounds.append((off, off + len(sent)))
        off += len(sent)
    pieces: list[tuple[int, int]] = []
    i = 0
    while i < len(bounds):
        j = i
        while j + 1 < len(bounds) and bounds[j + 1][1] - bounds[i][0] <= target:
            j += 1
        s, e = bounds[i][0], bounds[j][1]
        if e - s > cap:  # one very long sentence: cut it at the cap
            e = s + cap
            pieces.append((s, e))
            if e >= bounds[j][1]:
                i = j + 1
            else:
                bounds[i] = (e, bounds[i][1])
            continue
        pieces.append((s, e))
        if j + 1 >= len(bounds):
            break
        # Overlap: the next piece starts with this piece's last sentence, unless that is all it has.
        i = j if j > i else j + 1
    return pieces


def _units(blocks: tuple[Block, ...], cleaned: str) -> Iterator[_Unit]:
    for b in blocks:
        if b.table is not None and b.table.kind == "box":
            first = True
            for (row,), (rs, _re) in zip(b.table.rows, b.table.row_spans, strict=False):
                off = rs
                for para in row.split("\n"):
                    para = para.strip()
                    if para:
                        at = cleaned.find(para, off)
                        at = off if at < 0 else at
                        # The box title leads its first entry: "专栏1 …\n建设现代化疾病预防控制体系。…"
                        text = f"{b.table.caption}\n{para}" if first else para
                        yield _Unit(text, at, at + len(para), b.path + (item_label(para),), "box")
                        first = False
                        off = at + len(para)
        elif b.table is None:
            yield _Unit(b.text, b.start, b.end, b.path, b.kind)


def _merge(units: list[_Unit], cleaned: str) -> list[_Unit]:
    out: list[_Unit] = []
    for u in units:
        if out:
            last = out[-1]
            same_para_section = u.kind == last.kind == "para" and u.path == last.path
            short_items = (
                u.kind == last.kind
                and u.kind in ("item", "box")
                and u.path[:-1] == last.path[:-1]
                and len(last.text) < MIN_ITEM_CHARS
            )
            if (same_para_section or short_items) and len(last.text) + len(u.text) + 1 <= MERGE_CHARS:
                path = last.path if same_para_section else last.path[:-1] + (last.path[-1],)
                # Box entries are cells, not adjacent lines: join them; elsewhere quote the source.
                text = last.text + "\n" + u.text if u.kind == "box" else cleaned[last.start : u.end]
                out[-1] = _Unit(text, last.start, u.end, path, last.kind)
                continue
        out.append(u)
    return out


def _base_meta(meta: DocMeta) -> dict[str, object]:
    return {
        "title": meta.title,
        "region": meta.region,
        "province": meta.province,
        "city": meta.city,
        "district": meta.district,
        "doc_kind": meta.kind,
        "status": meta.status,
    }


def table_chunks(doc: DocMeta, table: Table, path: tuple[str, ...], index: int) -> list[Chunk]:
    """One chunk per row (retrievable) and one for the whole table (display only)."""
    base = _base_meta(doc)
    table_text = render_table(table)
    table_id = content_id(doc.doc_id, "table", str(table.start), table_text)
    out = [
        Chunk(
            id=table_id,
            doc_id=doc.doc_id,
            section_path=path,
            text=table_text,
            kind="table",
            start=table.start,
            end=table.end,
            meta={**base, "table_id": table_id, "table_index": index, "caption": table.caption},
        )
    ]
    for i in range(len(table.rows)):
        text = render_row(table, i)
        s, e = table.row_spans[i]
        out.append(
            Chunk(
                id=content_id(doc.doc_id, "row", str(s), text),
                doc_id=doc.doc_id,
                section_path=path,
                text=text,
                kind="table_row",
                start=s,
                end=e,
                meta={
                    **base,
                    "table_id": table_id,
                    "row": i,
                    "caption": table.caption,
                    "header": "｜".join(table.header),
                },
            )
        )
    return out


def chunk_document(doc: DocMeta, parsed: Parsed, cleaned: str) -> list[Chunk]:
    """Chunks of one parsed document, in reading order.

    A 东丽 indicator row becomes a chunk such as
    '…主要预期指标｜健康水平｜人均期望寿命（岁）｜2020年：81.15｜2025年：82'.
    """
    base = _base_meta(doc)
    chunks: list[Chunk] = []
    pending: list[_Unit] = []
    n_tables = 0

    def flush() -> None:
        for u in _merge(pending, cleaned):
            spans = [(0, len(u.text))] if len(u.text) <= MAX_CHARS else split_long(u.text)
            verbatim = cleaned[u.start : u.end] == u.text
            for k, (s, e) in enumerate(spans):
                piece = u.text[s:e]
                text = piece.strip()
                if not text:
                    continue
                if verbatim:
                    start = u.start + s + (len(piece) - len(piece.lstrip()))
                    end = start + len(text)
                else:  # a box passage (its title, then its cells): the span covers the cells
                    start, end = u.start, u.end
                chunks.append(
                    Chunk(
                        id=content_id(doc.doc_id, "text", str(start), text),
                        doc_id=doc.doc_id,
                        section_path=u.path,
                        text=text,
                        kind="text",
                        start=start,
                        end=end,
                        meta={**base, "unit": u.kind, "part": k, "parts": len(spans)},
                    )
                )
        pending.clear()

    for b in parsed.blocks:
        if b.table is not None and b.table.kind == "grid":
            flush()
            chunks.extend(table_chunks(doc, b.table, b.path, n_tables))
            n_tables += 1
        else:
            pending.extend(_units((b,), cleaned))
    flush()
    return chunks
