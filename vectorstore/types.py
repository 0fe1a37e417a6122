"""PlanQA's own small types, shared by every stage; LangChain/Chroma types are converted at the edges."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from indicators.types import Unparsed

ChunkKind = Literal["text", "table_row", "table"]


def content_id(*parts: str, length: int = 16) -> str:
    """Stable id from content: the same text in the same place always gets the same id."""
    h = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return h[:length]


@dataclass(frozen=True)
class DocMeta:
    """What the manifest (or title inference) says about one plan document."""

    doc_id: str
    title: str
    source: str  # file name inside the docs folder
    province: str = ""
    city: str = ""
    district: str = ""
    issuer: str = ""
    period: str = ""  # e.g. "2021-2025" or "2021"
    kind: str = ""  # "five_year_plan" | "annual_work_plan" | ...
    status: str = ""  # e.g. "征求意见稿"; empty when final
    aliases: tuple[str, ...] = ()

    @property
    def region(self) -> str:
        """The most specific region name: district, else city, else province."""
        return self.district or self.city or self.province

    def as_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "source": self.source,
            "province": self.province,
            "city": self.city,
            "district": self.district,
            "issuer": self.issuer,
            "period": self.period,
            "kind": self.kind,
            "status": self.status,
            "aliases": list(self.aliases),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> DocMeta:
        known = {k: d[k] for k in cls.__dataclass_fields__ if k in d}
        known["aliases"] = tuple(known.get("aliases", ()))
        return cls(**known)


@dataclass(frozen=True)
class LoadedText:
    """A file read into PlanQA's canonical plain-text form.

    Canonical form: one paragraph per line; a table is a run of lines that start with a tab, one cell
    per line, a blank line ends a row (the form Word's text export gives and the plans ship in);
    Markdown-style '#' headings are allowed for headings that carry no number of their own.
    """

    path: str
    text: str
    fmt: str  # "txt" | "md" | "docx" | "pdf"
    encoding: str = "utf-8"


@dataclass(frozen=True)
class Section:
    """A heading found in a cleaned document, with its position."""

    title: str
    level: int
    start: int  # offset of the heading line in the cleaned text
    path: tuple[str, ...]


@dataclass(frozen=True)
class Chunk:
    """One retrievable unit: a passage, one table row, or a whole table (display only)."""

    id: str
    doc_id: str
    section_path: tuple[str, ...]
    text: str  # exactly what is indexed and shown
    kind: ChunkKind = "text"
    start: int = 0  # character offsets into the cleaned document
    end: int = 0
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def section(self) -> str:
        return " › ".join(self.section_path)

    @property
    def title(self) -> str:
        return str(self.meta.get("title", ""))


# The keys of a hybrid Hit.ranks: word search (jieba BM25) and meaning search (the embedder).
WORDS, MEANING = "bm25", "dense"


@dataclass(frozen=True)
class Hit:
    """A chunk found for a query, with the score of the retriever that found it."""

    chunk: Chunk
    score: float
    source: str  # "bm25" | "dense" | "hybrid" | ...
    ranks: Mapping[str, int] = field(default_factory=dict)  # each retriever's 1-based rank
    matched: tuple[str, ...] = ()  # query terms found in the chunk


@dataclass
class IngestReport:
    """What an ingest did: counts, plans added, updated, unchanged or removed, errors by file, notes."""

    documents: int = 0
    sections: int = 0
    tables: int = 0
    rows: int = 0
    chunks: int = 0
    embedded: int = 0
    reused: int = 0
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    build: str = ""
    rows_per_doc: dict[str, int] = field(default_factory=dict)
    sizes: list[int] = field(default_factory=list)
    indicators: int = 0  # records in the new build's indicator store
    indicators_extracted: int = 0  # of them, read afresh (an unchanged plan's are carried over)
    unparsed: list[Unparsed] = field(default_factory=list)  # table rows kept as text only
    notes: list[str] = field(default_factory=list)  # what else the user should know

    def size_stats(self) -> dict[str, int]:
        s = sorted(self.sizes)
        if not s:
            return {}
        return {
            "min": s[0], "p10": s[len(s) // 10], "median": s[len(s) // 2],
            "p90": s[len(s) * 9 // 10], "max": s[-1],
            "under_150": sum(x < 150 for x in s), "over_500": sum(x > 500 for x in s),
        }
