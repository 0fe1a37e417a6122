"""The answer path's own small types: what an answer is, what it cites, and how it was reached."""

from __future__ import annotations

from dataclasses import dataclass, field

from vectorstore.types import Chunk, Hit


@dataclass(frozen=True)
class Citation:
    n: int
    chunk: Chunk


@dataclass(frozen=True)
class Answer:
    text: str
    citations: tuple[Citation, ...] = ()
    refused: bool = False
    generator: str = ""  # "local" | "remote" | "extractive" | "indicators" (the indicator store)
    notes: tuple[str, ...] = ()  # visible remarks, e.g. "LLM unreachable, extractive answer"
    question: str = ""  # the standalone question actually answered
    # With a decline: the passages that came closest, shown as "最接近的规划原文（未必回答该问题）" so
    # staff can judge for themselves. Not citations: nothing in the answer rests on them.
    nearby: tuple[Citation, ...] = ()


@dataclass
class Trace:
    """Timings and decisions of one answer, for the eval suite and the API's debug field (filled
    in as the answer is made; the caller reads it afterwards)."""

    standalone: str = ""
    stages: dict[str, float] = field(default_factory=dict)
    coverage: float = 0.0
    first_token: float | None = None
    hits: list[Hit] = field(default_factory=list)
