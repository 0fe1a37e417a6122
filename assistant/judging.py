"""What the model's readings share (mentioncheck.py, answercheck.py, modelchoice.py): a model asked "是或否",
the plan's sentence it reads (the one nearest the question in meaning), and those sentences' vectors.

    closest(embedder, "献血点", hits, p) → [Candidate(…"完善采供血机构与献血点布局"…)]
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from assistant.extract import Candidate, candidates
from assistant.params import JudgeParams
from assistant.types import Answer
from question.analysis import Message
from vectorstore.embed import Embedder
from vectorstore.types import Hit

YES, NO = "是", "否"


class Judge(Protocol):
    """A model asked to choose among one-token replies (OpenAIChatModel.odds)."""

    def odds(self, messages: Sequence[Message], options: Sequence[str]) -> dict[str, float]: ...


def yes_no(task: str, question: str) -> list[Message]:
    """The messages asking the model one yes/no ``question`` about an excerpt, its ``task`` as the system's."""
    return [{"role": "system", "content": f"{task}只回答“{YES}”或“{NO}”。"},
            {"role": "user", "content": f"{question}只回答{YES}或{NO}。"}]


def yes_odds(judge: Judge, messages: Sequence[Message]) -> float:
    """The model's odds of "是" against "否" as its reply to ``messages``."""
    return judge.odds(messages, (YES, NO))[YES]


def cited(ans: Answer) -> list[Hit]:
    """The passages an answer cites, as the hits ``closest`` reads."""
    return [Hit(c.chunk, 0.0, "cited") for c in ans.citations]


def closest(embedder: Embedder, question: str, hits: Sequence[Hit], p: JudgeParams) -> list[Candidate]:
    """The ``p.sentences`` sentences of the passages nearest in meaning to the question, in the passages' order."""
    cands = [c for c in candidates(hits) if c.text.strip()]
    if not cands:
        return []
    sims = embedder.passages([c.text for c in cands]) @ embedder.query(question)
    return [cands[int(i)] for i in sorted(np.argsort(-sims)[: p.sentences])]


def excerpt(chosen: Sequence[Candidate], p: JudgeParams) -> str:
    """The sentences as the model reads them: joined, cut at ``p.chars``."""
    return "".join(c.text.strip() for c in chosen)[: p.chars]


@functools.lru_cache(maxsize=4)
def sentence_vectors(threads: int, cache: Path) -> Embedder:
    """The e5 embedder behind the ingest's vector cache: a plan's sentence is embedded once per machine,
    not at every question whose passages the model reads."""
    from vectorstore.embed import CachedEmbedder, shared_embedder

    return CachedEmbedder(shared_embedder(threads), cache)


class NotingJudge:
    """A judge that notes the odds of the first option each time it is asked (the sweeps of scripts/)."""

    def __init__(self, judge: Judge) -> None:
        self.judge = judge
        self.noted: list[float] = []

    def odds(self, messages: Sequence[Message], options: Sequence[str]) -> dict[str, float]:
        out = self.judge.odds(messages, options)
        self.noted.append(out[options[0]])
        return out


class RememberingJudge:
    """A judge that asks the model once per distinct prompt (the model's pick and the answer check may read the
    same sentence for one question: modelchoice.py)."""

    def __init__(self, judge: Judge) -> None:
        self.judge = judge
        self._seen: dict[tuple[str, ...], dict[str, float]] = {}

    @property
    def asked(self) -> int:
        """How many distinct prompts the model was asked."""
        return len(self._seen)

    def odds(self, messages: Sequence[Message], options: Sequence[str]) -> dict[str, float]:
        key = (*(m["content"] for m in messages), "|", *options)
        if key not in self._seen:
            self._seen[key] = self.judge.odds(messages, options)
        return self._seen[key]


def remembering(judge: Judge | None) -> Judge | None:
    """One question's judge: ``judge`` asking each prompt once, or None without one."""
    return None if judge is None else RememberingJudge(judge)
