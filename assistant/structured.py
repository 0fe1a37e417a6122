"""Stage 4, before any sentence is scored: answers the plans' structure gives whole, or the decline.

In order: a question about the document itself (docfacts.py), the indicator store (a figure, a
comparison, a table's list of indicators), the outline of a section the question names, the whole
'一是…二是…' run a list question's best passage starts — else, when the gate does not pass, the
decline with the closest passages. None: sentences decide.

    structured(live, qa, found, g, words, None, reply=False, generator="extractive", nearby=3)
    → Answer("“重点项目”包括：\\n（一）社区医院建设[1]\\n…") or None
"""

from __future__ import annotations

import re

from assistant import docfacts, listing, quote
from assistant.fromstore import StoreWords, from_store
from assistant.gate import Gate
from assistant.live import LiveIndex
from assistant.mention import mentioned_in
from assistant.retrieval import Retrieved
from assistant.types import Answer
from question.analysis import Intent, QuestionAnalysis
from vectorstore.retrieve import Filters
from vectorstore.sections import core


def structured(live: LiveIndex, qa: QuestionAnalysis, found: Retrieved, g: Gate, words: StoreWords,
               filters: Filters | None, *, reply: bool, generator: str, nearby: int) -> Answer | None:
    """The answer from the store or the plan's structure, the decline, or None (see the module docstring)."""
    hits = found.hits
    # "此计划几号印发？": the document's own front matter, or that its text gives none.
    ans = None if g.out_of_scope else docfacts.answer_document(live, qa, hits, reply=reply, generator=generator, nearby=nearby)
    if ans is not None:
        return ans
    # "余下那几点呢？" after an answer that gave some points of a numbered run: the rest of that run.
    rest = None if g.out_of_scope else listing.rest_of_run(qa, found, live.corpus.sections, live.corpus.chunks)
    if rest is not None:
        return quote.quoted(qa.standalone, rest[0], rest[1], reply=reply, note="", generator="extractive",
                            nearby=nearby)
    if not g.out_of_scope:
        outline = quote.outlined(qa, found)
        if outline is not None and _named_in_full(qa, found):
            # A long heading quoted whole ('“优质高效医疗卫生服务体系建设工程”专栏') names that section even
            # when it holds an indicator category's name ('医疗卫生服务体系'): the longer name wins.
            return quote.quoted(qa.standalone, outline, hits, reply=reply, note="", generator="extractive",
                                nearby=nearby)
        # Asked how a target is to be met, the store's row restates the target: the prose says how.
        # "其中重症病房的床位…": the whole's row is not the part's figure, so the store reads the part alone.
        ans = None if qa.intent is Intent.HOW else from_store(
            qa.part or qa.standalone, qa.info, list(hits), live.corpus.build, words, live.doc_texts,
            lambda: g.passes(of_year=False), reply, filters, qa.ask)  # the store says itself which years a row has
        if ans is not None:
            return ans
        if outline is not None:
            return quote.quoted(qa.standalone, outline, hits, reply=reply, note="", generator="extractive",
                                nearby=nearby)
    # "第三点呢？": the Nth point of a run the question or the previous answer names is there or not,
    # whatever share of the question's few words the passages hold.
    point = None if g.out_of_scope else listing.nth_point(qa, found, live.corpus.sections, live.corpus.chunks)
    if point is None and not g.passes():
        return g.decline(reply, generator)
    items = point or listing.listed(qa, found, live.corpus.sections, live.corpus.chunks)
    if items is not None:
        comp, cited = items
        return quote.quoted(qa.standalone, comp, cited, reply=reply, note="", generator="extractive", nearby=nearby)
    named = mentioned_in(qa, hits, live.synonyms, g.said_as)
    if named is not None:
        return quote.quoted(qa.standalone, named, hits, reply=reply, note="", generator="extractive", nearby=nearby)
    return None


FULL_NAME_CHARS = 8  # a heading this long, named whole, is no shorter name's accident
_BOX = re.compile(r"专栏\s*\d+")


def _named_in_full(qa: QuestionAnalysis, found: Retrieved) -> bool:
    """Whether the question names its section by the heading's whole title (not by its ending or
    in its own words), and the title is long enough to be that section's name alone."""
    if found.section is None:
        return False
    asked = re.sub(r"[\s“”\"'‘’《》「」『』（）()、，,。？?！!：:；;·的]", "", qa.ask)
    box = _BOX.match(found.section.heading)
    if box and re.sub(r"\s", "", box.group(0)) in asked:
        return True  # "专栏2里有哪些工程": a box named by its own number
    name = core(found.section.heading).replace("的", "")
    return len(name) >= FULL_NAME_CHARS and name in asked
