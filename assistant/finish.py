"""Stage 5 — the answer as the reader gets it: a "有没有提到…" question answered "有。" first when the
cited passages hold every content word of its topic, and the notes on how the message was read.

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
    if qa.intent == Intent.MENTION and not ans.refused and ans.citations and mentioned(qa.topic_words, ans):
        ans = replace(ans, text=f"{MENTIONED}\n{ans.text}")
    return replace(ans, notes=(*ans.notes, *qa.notes)) if qa.notes else ans


def mentioned(words: Sequence[str], ans: Answer) -> bool:
    """Whether the cited passages hold every content word of the topic (QuestionAnalysis.topic_words)."""
    cited = "".join(c.chunk.text for c in ans.citations)
    return bool(words) and all(holds(cited, w) for w in words)
