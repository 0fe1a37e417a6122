"""Request bodies of the HTTP API and the conversions of PlanQA's types into JSON."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter

from assistant.types import Answer, Citation
from vectorstore.retrieve import Filters
from vectorstore.types import Chunk, Hit

# The plans (ids or place names) a question naming none is answered from (assistant/default_scope.py).
Scope = Annotated[list[str] | None, Field(
    max_length=500, examples=[["东丽区", "tianjin-primary"]],
    description="plans (ids or place names) a question naming none is answered from; "
                "null: the deployment's PLANQA_DEFAULT_SCOPE, []: every plan")]
SCOPE = TypeAdapter(Scope)


class Turn(BaseModel):
    role: Literal["user", "assistant", "system"]
    content: str = Field(max_length=20_000)


class FilterSpec(BaseModel):
    """Restrict to some plans: by doc id, region name (区/市/省) or kind (five_year_plan, ...)."""

    doc_ids: list[str] = Field(default_factory=list, max_length=100)
    regions: list[str] = Field(default_factory=list, max_length=100)
    kinds: list[str] = Field(default_factory=list, max_length=20)

    def to_filters(self) -> Filters | None:
        f = Filters(tuple(self.doc_ids), tuple(self.regions), tuple(self.kinds))
        return None if f.empty else f


class AskRequest(BaseModel):
    question: str = Field(examples=["东丽区2025年人均期望寿命目标是多少？"])
    history: list[Turn] = Field(default_factory=list, max_length=50)
    filters: FilterSpec | None = None
    scope: Scope = None
    mode: Literal["answer", "reply"] = Field(
        default="answer", description="'reply': a draft reply to a citizen, in the style of a government response")


class SearchRequest(BaseModel):
    question: str
    k: int = Field(default=0, ge=0, le=50, description="number of passages; 0 = settings.top_k")
    filters: FilterSpec | None = None
    scope: Scope = None
    history: list[Turn] = Field(default_factory=list, max_length=50)


class FeedbackRequest(BaseModel):
    question: str = Field(max_length=20_000)
    answer: str = Field(max_length=20_000)
    rating: Literal["up", "down"]
    comment: str = Field(default="", max_length=5_000)
    citations: list[dict[str, Any]] = Field(default_factory=list, max_length=50)
    generator: str = Field(default="", max_length=50)
    mode: str = Field(default="", max_length=20)


class FeedbackUpdate(BaseModel):
    comment: str | None = Field(default=None, max_length=5_000)
    rating: Literal["up", "down"] | None = None


class ChatMessage(BaseModel):
    role: str
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        """Plain text of the message (OpenAI's content-parts form keeps only its text parts)."""
        if isinstance(self.content, list):
            return "".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text")
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    """OpenAI's chat-completions body; sampling knobs are accepted and ignored."""

    model: str = "planqa"
    messages: list[ChatMessage] = Field(min_length=1, max_length=100)
    stream: bool = False
    model_config = {"extra": "allow"}


NEARBY_HEADING = "最接近的规划原文（未必回答该问题）"


def citation_json(c: Citation) -> dict[str, Any]:
    ch = c.chunk
    return {
        "n": c.n, "chunk_id": ch.id, "doc_id": ch.doc_id, "title": ch.title,
        "status": str(ch.meta.get("status", "")), "section": ch.section,
        "section_path": list(ch.section_path), "kind": ch.kind, "text": ch.text,
    }


def answer_json(a: Answer) -> dict[str, Any]:
    return {
        "answer": a.text, "refused": a.refused, "generator": a.generator, "notes": list(a.notes),
        "question": a.question, "citations": [citation_json(c) for c in a.citations],
        "nearby": [citation_json(c) for c in a.nearby],
    }


def hit_json(h: Hit) -> dict[str, Any]:
    ch: Chunk = h.chunk
    return {
        "chunk_id": ch.id, "doc_id": ch.doc_id, "title": ch.title, "status": str(ch.meta.get("status", "")),
        "section": ch.section, "text": ch.text, "score": round(float(h.score), 6), "kind": ch.kind,
        "ranks": dict(h.ranks), "matched": list(h.matched),
    }


def nearby_text(nearby: list[dict[str, Any]]) -> str:
    """With a decline: the closest passages, marked as not answering, for an OpenAI-style answer."""
    if not nearby:
        return ""
    lines = [NEARBY_HEADING + "："]
    for c in nearby:
        section = f" › {c['section']}" if c.get("section") else ""
        lines.append(f"- 《{c['title']}》{section}：{c['text']}")
    return "\n".join(lines)


def references_text(citations: list[dict[str, Any]]) -> str:
    """The '参考资料' list appended to an OpenAI-style answer."""
    if not citations:
        return ""
    lines = ["参考资料："]
    for c in citations:
        status = f"（{c['status']}）" if c.get("status") and c["status"] not in c["title"] else ""
        section = f" › {c['section']}" if c.get("section") else ""
        lines.append(f"[{c['n']}] 《{c['title']}》{status}{section}")
    return "\n".join(lines)
