"""What a question asks of a plan document itself rather than of what it plans: when it was issued,
its document number, whom it was sent to, who signed it (assistant/docfacts.py answers from the
document's front matter).

    document_facts("滨海那个计划何时下发？文号呢？", words, names, titles) → (DocFact.DATE, DocFact.NUMBER)
    document_facts("东丽哪年发布家庭医生签约的政策？", …) → ()   (a topic besides the document)
"""

from __future__ import annotations

from collections.abc import Sequence

from question.analysis import DocFact
from question.scope import content_words

Words = Sequence[tuple[str, Sequence[str]]]


def document_facts(ask: str, words: Words, names: Sequence[str], titles: Sequence[str]) -> tuple[DocFact, ...]:
    """The facts of the plan document an ask wants, and nothing of what it plans; () when it asks of
    a topic besides the document. ``words``: lexicon/document_words.txt; ``names``/``titles``: the
    plans' own. A date is asked with an "issued" word and a "when" word; a signer with an "issued"
    word and a "signer" word; a number or the addressees by their own words."""
    kinds = dict(words)

    def has(kind: str) -> bool:
        return any(w in ask for w in kinds.get(kind, ()))

    issued = has("issued")
    asked = tuple(f for f, ok in ((DocFact.DATE, issued and has("when")), (DocFact.NUMBER, has("number")),
                                  (DocFact.ADDRESSEES, has("addressees")), (DocFact.SIGNER, issued and has("signer")))
                  if ok)
    if not asked:
        return ()
    rest = ask
    for w in sorted({*names, *(w for ws in kinds.values() for w in ws)}, key=len, reverse=True):
        rest = rest.replace(w, " ")
    # A word of the title ("补短板" of "…补短板工作计划") names the document, not a topic in it.
    return () if [w for w in content_words(rest) if not any(w in t for t in titles)] else asked
