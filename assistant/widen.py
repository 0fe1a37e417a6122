"""Stage 2b — a second look before declining for a missing figure: when the passages found carry no
figure of the kind asked for, the next ones down the ranking are read, and those holding one join.

A colloquial question often ranks the passage with the figure sixth or seventh, under passages that
share its everyday words. Taking more passages for every question would add noise to every answer;
only the passages that meet the unmet demand are added, after the first ones.

    widened(live, qa, found, None, params) → (Retrieved(hits=(…the first 5…, the 7th: "…15分钟…"), …), Gate)
"""

from __future__ import annotations

from dataclasses import replace

from assistant.extract import candidates as sentence_candidates
from assistant.gate import Gate
from assistant.live import LiveIndex
from assistant.params import AnswerParams
from assistant.retrieval import Retrieved, retrieve
from question.analysis import QuestionAnalysis
from vectorstore.retrieve import Filters

WIDER_K = 10  # how far down the ranking the second look goes


def widened(live: LiveIndex, qa: QuestionAnalysis, found: Retrieved, filters: Filters | None,
            params: AnswerParams) -> tuple[Retrieved, Gate]:
    """The passages found, with the further ones that carry a figure the question asks for when
    none of the first did (see the module docstring), and the gate over the passages returned (the
    next stages read it rather than judge the same passages again)."""
    if found.picked and found.section is not None and found.section.ordinal is not None:
        # "保障措施第四条要花多少钱": the item named by its position answers, or nothing does; a figure
        # elsewhere in the passages is another item's.
        return found, Gate(live, qa, found.hits[:found.picked], params.gate)
    gate = Gate(live, qa, found.hits, params.gate)
    if not qa.demands or not found.hits or found.picked or found.plan_rows or gate.out_of_scope \
            or gate.verdict.answerable:
        return found, gate
    have = {h.chunk.id for h in found.hits}
    more = [h for h in retrieve(live.corpus, qa, filters, params.retrieve, k=WIDER_K).hits if h.chunk.id not in have]
    if not more:
        return found, gate
    hits = (*found.hits, *more)
    wide = Gate(live, qa, hits, params.gate)
    if not wide.verdict.answerable:
        return found, gate
    every = sentence_candidates(hits)
    meeting = {every[i].hit_index for i in wide.verdict.supporting}
    n = len(found.hits)
    kept = replace(found, hits=(*found.hits, *(h for i, h in enumerate(hits) if i >= n and i in meeting)))
    return kept, Gate(live, qa, kept.hits, params.gate)
