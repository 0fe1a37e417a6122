"""Stage 3b — the model's pick among the best sentences (wired in pipeline.py, before either composer):
where the question's words cover the passages little, a model that can judge reads the few sentences
the word scorer ranks first, and the one it reads as answering the question, clearly more surely than
the first, is quoted first.

A citizen's words make a sentence that shares them outscore the one that answers: asked which
hospital leads a street's health centre, a sentence naming the street in a list of buildings to put up
beats the one saying which hospital leads it. Word overlap cannot tell them apart; a
model asked "这段原文是否回答了这个问题？" (answercheck.py's question) can. The embedded 1.5B model says "是"
to loosely related sentences too, so its pick counts only by a margin of odds (params.toml [judge]);
the sentence then leads the quotes or the embedded model's reading, and the others may still join it.
A remote model composing reads whole passages: the pipeline does not ask for a pick then.

    chosen(judge, live, qa, found, g, params) → Retrieved(hits=…, preferred="强化儿童视力的筛查和管理；")
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from assistant import quote
from assistant.answercheck import answer_odds
from assistant.extract import Candidate
from assistant.gate import Gate
from assistant.judging import Judge, excerpt
from assistant.live import LiveIndex
from assistant.params import AnswerParams
from assistant.retrieval import Retrieved
from question.analysis import Intent, QuestionAnalysis
from vectorstore.errors import GeneratorError

log = logging.getLogger(__name__)


def best_sentences(scored: Sequence[Candidate], n: int) -> list[Candidate]:
    """The ``n`` best-scored sentences, each text once, best first."""
    out: list[Candidate] = []
    for c in sorted(scored, key=lambda c: -c.score):
        if c.text.strip() and all(c.text != o.text for o in out):
            out.append(c)
        if len(out) == n:
            break
    return out


def chosen(judge: Judge | None, live: LiveIndex, qa: QuestionAnalysis, found: Retrieved, g: Gate,
           params: AnswerParams) -> Retrieved:
    """The passages found, with the sentence the model picks as ``preferred`` when it picks another than the
    word scorer's first (see the module docstring); as found without a judging model, for a mention or a
    comparison, where the words cover the question well, or when the model fails."""
    p = params.judge
    if judge is None or qa.intent is Intent.MENTION or g.coverage >= p.choice_coverage or quote.compared(qa, found):
        return found
    top = best_sentences(quote.scored(live, qa, found.hits, g.verdict, False, params.quote), p.choice_sentences)
    if len(top) < 2:
        return found
    try:
        first = answer_odds(judge, qa.standalone, excerpt(top[:1], p))
        if first >= 1 - p.choice_margin:
            return found  # no other sentence can beat it by the margin: they are not read
        others = [answer_odds(judge, qa.standalone, excerpt([c], p)) for c in top[1:]]
    except GeneratorError as exc:
        log.warning("the model could not read the best sentences; the words' order stands: %s", exc)
        return found
    best = max(range(len(others)), key=lambda i: (others[i], -i))
    if others[best] - first <= p.choice_margin:
        return found
    return replace(found, preferred=top[best + 1].text)
