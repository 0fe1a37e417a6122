"""PlanQA's own small types, shared by every stage; LangChain/Chroma types are converted at the edges."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

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


@dataclass(frozen=True)
class Hit:
    """A chunk found for a query, with the score of the retriever that found it."""

    chunk: Chunk
    score: float
    source: str  # "bm25" | "dense" | "hybrid" | ...
    ranks: Mapping[str, int] = field(default_factory=dict)  # each retriever's 1-based rank
    matched: tuple[str, ...] = ()  # query terms found in the chunk
