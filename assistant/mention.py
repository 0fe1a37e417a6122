"""Stage 4c, mentions — "规划里有没有提到X？" answered with the sentences that name X, not with the
passage that best matches the whole question.

A mention question is about its topic's words; the best-scoring passage for the whole message can be
about something nearby ("改善城乡人居环境…" for "农村改厕所"). The sentences among the passages found
that hold the most of the topic's content words are quoted, each cited; "有。" is put in front later
(finish.py) only when they hold every one of them.

    mentioned_in(qa, hits) → Composed("…全面推进厕所革命。[1]", (0,)) or None
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.extract import Composed
from assistant.extract import candidates as sentence_candidates
from question.analysis import Intent, QuestionAnalysis
from question.scope import holds
from vectorstore.types import Hit

MAX_SENTENCES = 2


def mentioned_in(qa: QuestionAnalysis, hits: Sequence[Hit], synonyms: Sequence[Sequence[str]] = (),
                 said_as: str = "") -> Composed | None:
    """The (at most two) sentences of the plans asked about holding most of the topic's words (or
    a word of their ``synonyms`` group: '倾诉' is held by '心灵驿站'), in the passages' order of
    relevance; None when the question is no mention question or none holds any of its words. An
    empty head noun ('地方' of '能让老人歇脚的地方') is no word of the topic (QuestionAnalysis.topic_named).
    ``said_as``: the sentence the gate found saying the topic in the plan's own words, quoted alone."""
    words = qa.topic_named or qa.topic_words
    if qa.intent != Intent.MENTION or not words:
        return None
    # A word inside a lexicon phrase the topic writes ("资质" of "没资质") is also held by that phrase's
    # group ("非法行医").
    ways = {w: (w, *(x for g in synonyms if w in g or any(w in p and p in qa.topic for p in g)
                     for x in g if x != w)) for w in words}
    scored = []
    for n, c in enumerate(sentence_candidates(hits)):
        if qa.plans and hits[c.hit_index].chunk.doc_id not in qa.plans:
            continue
        # One character ("人" of "给人看病") sits in many unrelated words ("用人单位"): it counts half.
        held = sum((1.0 if len(w) > 1 else 0.5) * any(holds(c.text, x) for x in ways[w]) for w in words)
        if c.text == said_as:
            held = float(len(words) + 1)  # the plan's own words for the topic (Gate._standout): quoted alone
        if held:
            scored.append((-held, c.hit_index, n, c))
    if not scored:
        return None
    best = min(s[0] for s in scored)
    # Among equals, one holding the topic's words together ("智慧医院", not "智慧…医院") comes first.
    phrase = "".join(words)
    tied = sorted((s for s in scored if s[0] == best), key=lambda s: (phrase not in s[3].text, s[1], s[2]))
    first = tied[0]
    # Another passage's sentence joins only with a topic word the first lacks: else it only adds a
    # citation to check. One character ("事" of "改厕所的事") is in too many words to name anything.
    lacks = {w for w in words if len(w) > 1 and not holds(first[3].text, w)}
    chosen = [first, *[s for s in tied[1:] if s[1] == first[1] or any(holds(s[3].text, w) for w in lacks)]]
    chosen = chosen[:MAX_SENTENCES]
    def has_figure(text: str) -> bool:
        return any(d.evidence.search(text) for d in qa.demands)

    if qa.demands and not any(has_figure(s[3].text) for s in chosen):
        # "提没提过…，今年打算培养多少人": the figure asked stands in a sentence of its own ("2021年，…培养
        # 40名…"), which the mention answer quotes too: the best-scoring one (no sort of every sentence).
        figure = min((s for s in scored if has_figure(s[3].text)), key=lambda s: s[:3], default=None)
        if figure is None:
            # Or in one saying the message's words the lexicon translates ("打120" → 院前急救), which
            # answers alone: the sentences holding the topic's words give no figure.
            figure = next(((0.0, c.hit_index, n, c) for n, c in enumerate(sentence_candidates(hits))
                           if (not qa.plans or hits[c.hit_index].chunk.doc_id in qa.plans)
                           and has_figure(c.text) and any(holds(c.text, e) for e in qa.info.expansions)), None)
            chosen = [] if figure is not None else chosen
        if figure is not None:
            chosen.append(figure)
    used: list[int] = []
    lines = []
    for _, hit_index, _, c in chosen:
        if hit_index not in used:
            used.append(hit_index)
        lines.append(f"{c.text.strip()}[{used.index(hit_index) + 1}]")
    return Composed("\n".join(lines), tuple(used))
