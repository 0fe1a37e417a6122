"""The real plans of docs_src run through the ingestion stages, for the tests to look at.

Each plan is loaded, cleaned, parsed and chunked exactly as `vectorstore.ingest` does, once per
process. Helpers find the chunk that holds a sentence a reader would search for.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from vectorstore.clean import clean_text
from vectorstore.load import load_file
from vectorstore.manifest import load_manifest
from vectorstore.split import chunk_document
from vectorstore.structure import Parsed, parse
from vectorstore.types import Chunk, DocMeta

REPO = Path(__file__).resolve().parents[2]
DOCS_SRC = REPO / "docs_src"
MANIFEST: dict[str, DocMeta] = load_manifest(DOCS_SRC)  # keyed by file name
META: dict[str, DocMeta] = {m.doc_id: m for m in MANIFEST.values()}
PLAN_IDS: tuple[str, ...] = tuple(sorted(META))
SEP = " › "

_BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
_BLANKS = " \t\u3000\u00a0\u2002\u2003"


@dataclass(frozen=True, repr=False)
class Plan:
    meta: DocMeta
    raw: str  # the file as loaded
    cleaned: str
    parsed: Parsed
    chunks: tuple[Chunk, ...]

    def __repr__(self) -> str:  # keeps failure reports readable: a plan is 10-70 KB of text
        return f"Plan({self.doc_id!r}, {len(self.cleaned)} chars, {len(self.chunks)} chunks)"

    @property
    def doc_id(self) -> str:
        return self.meta.doc_id

    @property
    def texts(self) -> list[Chunk]:
        return [c for c in self.chunks if c.kind == "text"]

    @property
    def rows(self) -> list[Chunk]:
        return [c for c in self.chunks if c.kind == "table_row"]

    @property
    def tables(self) -> list[Chunk]:
        return [c for c in self.chunks if c.kind == "table"]

    @property
    def retrievable(self) -> list[Chunk]:
        return [c for c in self.chunks if c.kind in ("text", "table_row")]

    def chunks_with(self, needle: str, kind: str = "text") -> list[Chunk]:
        return [c for c in self.chunks if c.kind == kind and needle in c.text]

    def chunk_with(self, needle: str, kind: str = "text") -> Chunk:
        """The one chunk of `kind` whose text holds `needle` (fails if none or several)."""
        found = self.chunks_with(needle, kind)
        assert len(found) == 1, f"{self.doc_id}: {len(found)} {kind} chunks hold {needle!r}"
        return found[0]

    def row(self, indicator: str) -> Chunk:
        """The table-row chunk of an indicator, e.g. '人均期望寿命（岁）'."""
        found = [c for c in self.rows if f"｜{indicator}｜" in c.text]
        assert len(found) == 1, f"{self.doc_id}: {len(found)} rows for {indicator!r}"
        return found[0]


def source_lines(doc_id: str) -> list[str]:
    """The plan file's lines with Word's bookmarks removed and surrounding blanks stripped."""
    return [_BOOKMARK.sub("", line).strip(_BLANKS) for line in plan(doc_id).raw.split("\n")]


def path_of(chunk: Chunk) -> str:
    return SEP.join(chunk.section_path)


@functools.cache
def plan(doc_id: str) -> Plan:
    meta = META[doc_id]
    raw = load_file(DOCS_SRC / meta.source).text
    cleaned = clean_text(raw)
    parsed = parse(cleaned)
    return Plan(meta, raw, cleaned, parsed, tuple(chunk_document(meta, parsed, cleaned)))


def pipeline(meta: DocMeta, raw: str) -> Plan:
    """Run the stages on any text (a changed copy of a plan, a synthetic case)."""
    cleaned = clean_text(raw)
    parsed = parse(cleaned)
    return Plan(meta, raw, cleaned, parsed, tuple(chunk_document(meta, parsed, cleaned)))
