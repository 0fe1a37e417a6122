"""Stage 5 — the answer as the reader gets it: a "有没有提到…" question answered "有。" first when the
cited passages hold every content word of its topic (else a note names the word they do not write, so
staff judge whether the closest passage speaks of the same thing), and the notes on how the message was read.

    finish(qa, Answer("…设立献血屋…[1]", …)) → Answer("有。规划原文：\\n…设立献血屋…[1]", notes=("已按“东丽区”理解“冬丽区”。",))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assistant.types import Answer
from question.analysis import Intent, QuestionAnalysis
from question.scope import holds

MENTIONED = "有。规划原文："


def finish(qa: QuestionAnalysis, ans: Answer) -> Answer:
    """The answer with the mention confirmed (see the module docstring) and the reading notes."""
    if qa.intent == Intent.MENTION and not ans.refused and ans.citations:
        cited = "".join(c.chunk.text for c in ans.citations)
        if mentioned(qa.topic_words, cited):
            ans = replace(ans, text=f"{MENTIONED}\n{ans.text}")
        elif words := unwritten(qa.topic_named or qa.topic_words, cited):
            said = "、".join(f"“{w}”" for w in words)
            ans = replace(ans, notes=(*ans.notes, f"引用的原文没有写到{said}：它是与所问最接近的段落，请核对说的是否同一件事。"))
    return replace(ans, notes=(*ans.notes, *qa.notes)) if qa.notes else ans


def mentioned(words: Sequence[str], cited: str) -> bool:
    """Whether the cited passages' text holds every content word of the topic (QuestionAnalysis.topic_words)."""
    return bool(words) and all(holds(cited, w) for w in words)


def unwritten(words: Sequence[str], cited: str, most: int = 3) -> list[str]:
    """The (first ``most``) topic words of two or more characters the cited passages' text does not write."""
    return [w for w in dict.fromkeys(words) if len(w) > 1 and not holds(cited, w)][:most]
