"""Stage 2 — retrieval: the passages for one analysed question.

Hybrid search over the live build (plans named route it, a section named by its heading puts its
items first); a list question's counted list ("五个作用") comes first when the search missed it; when a
figure is compared across plans, each plan's own indicator row joins them.

    retrieve(corpus, qa, None, params) → Retrieved(hits=[东丽 row …], section=None, picked=0, plan_rows=0)
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from assistant.params import RetrieveParams
from question.analysis import Intent, QuestionAnalysis
from question.demands import NO_HEAD, counts_of_asked
from vectorstore.retrieve import Corpus, Filters, HybridRetriever
from vectorstore.sections import SectionMatch
from vectorstore.types import Hit

TOP_K = 5


@dataclass(frozen=True)
class Retrieved:
    hits: tuple[Hit, ...]
    section: SectionMatch | None = None  # the section the question names by its heading
    picked: int = 0  # the first `picked` hits are the items it names ("第三条", "包括哪几项")
    plan_rows: int = 0  # the last `plan_rows` hits are each plan's own indicator row (comparisons)
    preferred: str = ""  # the sentence a judging model picked to lead the answer (modelchoice.py)

    @property
    def several_plans(self) -> bool:
        return len({h.chunk.doc_id for h in self.hits}) > 1


def situation_searched(qa: QuestionAnalysis) -> str:
    """The situation read by meaning search with the ask; none for a "有没有提到X" question, which
    names its topic itself (the situation would only pull the search off it)."""
    return "" if qa.intent is Intent.MENTION else qa.context


def _counted_list(retriever: HybridRetriever, qa: QuestionAnalysis, filters: Filters | None,
                  hits: list[Hit]) -> Hit | None:
    """For a list question, the passage counting a group of one of its words ('东丽…在哪几方面起
    作用' → '…“五个作用”：（1）…'), to put first: the one found, else the best in the plans; a plan
    names the lists it gives by their count, and that name is what a question in the writer's words
    shares with them. None when the first passage counts it or none does."""
    # ... or one of their synonyms ("本事" → the plan's "九项能力"), only when no plan counts the writer's
    # own word: a synonym's count found ("九项能力" for "作用") is another list than the one asked.
    own = [w for w in dict.fromkeys(qa.list_words) if w not in NO_HEAD]
    synonyms = [w for w in dict.fromkeys(qa.info.expansions) if len(w) >= 2 and w not in NO_HEAD and w not in own]
    for words in (own, synonyms):
        counts = counts_of_asked(words)
        if not counts:
            continue
        # One pattern for all the words: each passage is read once, not once per word.
        counting = _any_of(tuple(c.pattern for c in counts))
        holding = next((h for h in hits if counting.search(h.chunk.text)), None)
        if holding is not None:
            # Found lower down, the plan's counted list still comes first.
            return holding if holding is not hits[0] else None
        found = retriever.best_matching(qa.standalone, functools.partial(_holds, counting), filters,
                                        situation_searched(qa), qa.carried)
        if found is not None:
            return found
    return None


@functools.lru_cache(maxsize=1024)
def _any_of(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern matching any of them."""
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def _holds(pattern: re.Pattern[str], text: str) -> bool:
    """Whether a passage's text holds the pattern (a counted list's name)."""
    return pattern.search(text) is not None


def retrieve(corpus: Corpus, qa: QuestionAnalysis, filters: Filters | None, params: RetrieveParams,
             k: int = TOP_K) -> Retrieved:
    """The ``k`` passages for the question (see the module docstring)."""
    retriever = HybridRetriever(corpus)
    situation = situation_searched(qa)
    found = retriever.find(qa.standalone, k, filters, qa.info, situation, qa.carried)
    hits = list(found.hits)
    if qa.intent is Intent.LIST and not found.picked and (counted := _counted_list(retriever, qa, filters, hits)):
        hits = [counted, *[h for h in hits if h.chunk.id != counted.chunk.id][:k - 1]]
    rows: list[Hit] = []
    info = qa.info
    if info.indicator and qa.several_plans and len({h.chunk.doc_id for h in hits}) > 1:
        # Comparing plans: each plan's own indicator row joins the passages (see best_rows).
        have = {h.chunk.id for h in hits}
        rows = [h for h in retriever.best_rows(qa.standalone, filters, params.best_row_ratio, situation,
                                                                 qa.carried)
                if h.chunk.id not in have and (not info.doc_ids or h.chunk.doc_id in info.doc_ids)]
    return Retrieved(tuple(hits + rows), found.section, found.picked, len(rows))
