"""Extractive answers: pick the sentences and table rows of the top passages that answer the
question, copy them verbatim, and cite them. No LLM, so nothing can be invented.

Used when no LLM is configured, when the LLM fails (the answer says so), and in the fast tests.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

from assistant.params import QuoteParams
from vectorstore.headings import is_heading
from vectorstore.query import QueryInfo
from vectorstore.types import Chunk, Hit

_SENT = re.compile(r"(?<=[。；！？])")
_RESP = re.compile(r"^[（(](责任单位|牵头单位|配合单位)[:：]")
_RESP_CLAUSE = re.compile(r"[（(](?:责任单位|牵头单位|配合单位)[:：][^）)]*[）)]$")
_NUMBER = re.compile(r"\d")
# A figure, not a year or a list number: "2.8", "17.45万人", "80%" but not "2025年", "3.推进".
FIGURE = re.compile(r"(?<![\d.])(?!(?:19|20)\d\d(?![\d.]))\d+(?:\.\d+)?(?![\d.、]|年)")
# Sentences that carry what a question type asks for.
_WANTS = {
    "responsibility": re.compile(r"责任单位|牵头单位|负责|牵头"),
    # A year the converted text may space out ("到 2025 年").
    "time": re.compile(r"\d{4}\s?年|\d+\s?月|年底|年内|月底|以前|之前|前完成|期间|到\s?\d{4}"),
}
# "…是多少？" answered by a sentence without a figure (years and list numbers are not figures):
# on the gold set 0.8 → 0.6 → 0.45 gave citation precision 0.916 → 0.923 → 0.923, recall of keys rising.
MAX_SENTENCE = 220  # a longer sentence is cut at a comma near this length
LABEL_CHARS = 12  # a sentence this short without figures is a label for the next one
LABEL_MAX = 40  # a line's first sentence longer than this is a paragraph, not an item's label


@dataclass(frozen=True)
class Candidate:
    hit_index: int  # which passage (0-based in the hits given)
    text: str
    score: float = 0.0
    complete: bool = False  # meets every figure the question asks for on its own (answerable.py)
    matched: frozenset[str] = frozenset()  # the question's own words it holds (plan names, synonyms aside)
    role: str = ""  # its section's role (Lexicon.role): 'review', 'problems', '' for the plan's tasks


def candidates(hits: Sequence[Hit]) -> list[Candidate]:
    """Sentences of text passages and whole table rows, in passage order.

    A trailing '（责任单位：…）' stays with the sentence it belongs to, so "谁负责" gets both.
    """
    out: list[Candidate] = []
    for i, h in enumerate(hits):
        if h.chunk.kind == "table_row":
            out.append(Candidate(i, h.chunk.text))
            continue
        sents: list[str] = []
        lead = ""
        lines = h.chunk.text.split("\n")
        for li, line in enumerate(lines):
            line = line.strip()
            # Headings and box titles lead a passage for context; they are not answers themselves.
            if is_heading(line) or (li == 0 and line.startswith("专栏") and len(lines) > 1):
                continue
            for s in _SENT.split(line):
                s = s.strip()
                if not s:
                    continue
                if sents and (_RESP.match(s) or len(s) <= 4):
                    sents[-1] += s
                elif len(s) <= LABEL_CHARS and not _NUMBER.search(s):
                    lead += s  # "杏林人才培养行动。" labels the sentence after it
                else:
                    sents.append(lead + s)
                    lead = ""
        if lead and not sents:
            sents.append(lead)
        for s in sents:
            out.append(Candidate(i, _clip(s)))
    return out


def _clip(s: str) -> str:
    """Cut a long sentence at a comma near MAX_SENTENCE, keeping a trailing （责任单位：…）."""
    m = _RESP_CLAUSE.search(s)
    if m and m.start() > 0:
        return _clip(s[: m.start()]) + m.group(0)
    if len(s) <= MAX_SENTENCE:
        return s
    cut = max(s.rfind("，", 0, MAX_SENTENCE), s.rfind("；", 0, MAX_SENTENCE))
    return s[: cut + 1] + "……" if cut > 40 else s[:MAX_SENTENCE] + "……"


def carries(asks: str, text: str) -> bool:
    """Whether a sentence holds what a question of that kind asks for: ('time', '…到2025年基本建成…') → True;
    ('time', '加大控烟力度。') → False; False for a kind with no such words."""
    want = _WANTS.get(asks)
    return want is not None and bool(want.search(text))


def score_candidates(
    cands: Sequence[Candidate],
    info: QueryInfo,
    tokens: Callable[[str], list[str]],
    idf: Callable[[str], float],
    p: QuoteParams,
    compared: bool = False,
    stand_ins: Sequence[str] = (),
    amount_asked: bool = False,
    names: Sequence[str] = (),
    passages: Sequence[str] = (),
    situation: str = "",
    facilities: Sequence[str] = (),
    pointed: str = "",
    agreed: Collection[int] = (),
    far: Collection[int] = (),
) -> list[Candidate]:
    """Score = idf-weighted overlap with the question's words (synonyms count less), a bonus for
    figures when the question asks for one, for the year asked, and a prior for the
    passage's retrieval rank; divided by a gentle length penalty so a long sentence that mentions
    everything does not win over the one that answers. ``p``: params.toml [quote]. A synonym
    standing in for a word no plan uses (``stand_ins``: '中风' → '脑卒中') counts fully: it is the
    only carrier of that word's meaning. ``amount_asked``: the question wants a figure
    (QuestionAnalysis.amount_asked), so a sentence without one counts less. ``passages``: each
    hit's text; asked who is responsible, an item's closing '（责任单位：…）' answers for the whole
    item, so that sentence shares the words of its whole passage. ``facilities``: those named after
    a plan's place ('东丽医院', QuestionAnalysis.facilities), words of the question though they hold
    a plan's name. ``agreed``: the passages every retriever ranked first, whose prior counts more;
    ``far``: those meaning search ranked far down (quote.meaning_far), whose sentences count less."""
    q_terms = {t: 1.0 for t in tokens(info.text)}
    if pointed and p.pointed_weight != 1.0:
        asked = set(tokens(info.text.replace(pointed, " ")))
        q_terms.update({t: p.pointed_weight for t in q_terms if t not in asked})
    for f in facilities:
        q_terms[f] = 1.0
    for t in tokens(" ".join(stand_ins)):
        q_terms.setdefault(t, 1.0)
    own = set(q_terms)  # the question's words and the stand-ins for them, not their synonyms
    for t in tokens(" ".join(info.expansions)):
        q_terms.setdefault(t, 0.5)
    if p.situation_weight:
        for t in tokens(situation):
            q_terms.setdefault(t, p.situation_weight)
    how_much = amount_asked and info.asks != "responsibility"
    # The question's words that are plan names, found once (not per sentence: thousands at scale).
    named = {t for t in q_terms if t not in facilities and any(t in n or n in t for n in names)}
    scored = []
    for c in cands:
        low = c.text.lower()
        if info.asks == "responsibility" and passages and _RESP_CLAUSE.search(c.text):
            low = passages[c.hit_index].lower()
        held = [t for t in q_terms if t in low]
        # A plan's name in a sentence says little: search already kept to the plans a question names.
        overlap = sum(q_terms[t] * idf(t) * (p.plan_name_weight if t in named else 1.0) for t in held)
        # Multiplicative: the overlap sums idf weights (tens), so a fixed bonus would not count.
        factor = 1.0
        if info.indicator and FIGURE.search(c.text):
            factor *= 1.15
        elif how_much and not FIGURE.search(c.text):
            factor *= p.no_figure
        if carries(info.asks, c.text):
            factor *= 1.5
        for y in info.years:
            if y in c.text:
                factor *= 1.2
        if c.text.rstrip().endswith(("：", ":")):
            factor *= p.lead_in  # "…具体表现为：" announces the answer; the lines after it give it
        # Comparing plans, retrieval's ranking is across plans: each plan's own best sentence is wanted.
        prior = (p.rank_prior_compared if compared else p.rank_prior) / (1 + c.hit_index)
        if c.hit_index in agreed and not compared:
            # Word search and meaning search agreeing on a passage is surer than either ranking it first
            # alone: a message's everyday words can make another passage's sentence share more of them.
            prior *= p.agreed_prior
        if c.hit_index in far and not compared:
            # Found for the message's words, not for what it is about: a sentence of such a passage beat
            # the one answering in other words by overlap alone.
            factor *= p.meaning_far
        length = max(1.0, len(c.text) / 60) ** 0.3
        scored.append(Candidate(c.hit_index, c.text, factor * (overlap / length + prior),
                                matched=frozenset(held) & own - named))
    return scored


def question_terms(info: QueryInfo, tokens: Callable[[str], list[str]], ignore: Sequence[str] = ()) -> list[str]:
    """The question's words that coverage counts: names of the plans are left out because every
    passage of a named plan 'contains' them via its title. Found once per question: a province's
    index has thousands of names."""
    return [t for t in dict.fromkeys(tokens(info.text)) if not any(t in a or a in t for a in ignore)]


def coverage(terms: Sequence[str], text: str, idf: Callable[[str], float]) -> float:
    """Share (idf-weighted) of the question's words (``question_terms``) that a text contains."""
    if not terms:
        return 1.0
    total = sum(idf(t) for t in terms)
    low = text.lower()
    return sum(idf(t) for t in terms if t in low) / total if total else 0.0


def default_idf(n_docs: int, df: Callable[[str], int]) -> Callable[[str], float]:
    def idf(t: str) -> float:
        return math.log(1 + (n_docs - df(t) + 0.5) / (df(t) + 0.5))

    return idf


def region_label(hit: Hit) -> str:
    m = hit.chunk.meta
    return str(m.get("district") or m.get("city") or m.get("title") or hit.chunk.doc_id)


def row_fields(row: Chunk) -> list[str]:
    """A table row's cells without its caption: ['健康水平', '人均期望寿命（岁）', '2020年：81.15', …]."""
    parts = row.text.split("｜")
    caption = str(row.meta.get("caption", ""))
    return parts[1:] if caption and parts and parts[0] == caption else parts


def row_line(row: Chunk) -> str:
    """A table row as a sentence, values verbatim: '健康水平·人均期望寿命（岁）：2020年 81.15，2025年 82'."""
    parts = row_fields(row)
    labels = [p for p in parts if "：" not in p]
    values = [p.replace("：", " ", 1) for p in parts if "：" in p]
    return "·".join(labels) + ("：" + "，".join(values) if values else "")


def display(c: Candidate, hit: Hit) -> str:
    """How a chosen sentence is shown: a table row without its long caption."""
    return row_line(hit.chunk) if hit.chunk.kind == "table_row" else c.text


def _clause_run(scored: Sequence[Candidate], at: int, max_chars: int = 400) -> set[int]:
    """The ids of the candidates a "；" chains to the one at ``at`` in its passage (itself included),
    up to ``max_chars``."""
    lo = hi = at
    hit = scored[at].hit_index

    def joined(i: int) -> bool:  # candidate i ends with "；" and the next is of its passage
        return scored[i].text.rstrip().endswith("；") and i + 1 < len(scored) and scored[i + 1].hit_index == hit

    while lo > 0 and scored[lo - 1].hit_index == hit and joined(lo - 1):
        lo -= 1
    while joined(hi):
        hi += 1
    if hi == lo or sum(len(c.text) for c in scored[lo:hi + 1]) > max_chars:
        return {id(scored[at])}
    return {id(c) for c in scored[lo:hi + 1]}


@dataclass(frozen=True)
class Composed:
    text: str
    used: tuple[int, ...]  # hit indices in citation order


def compose(scored: Sequence[Candidate], hits: Sequence[Hit], multi_doc: bool, p: QuoteParams,
            asks: str = "", max_chars: int = 200) -> Composed:
    """The answer from the best candidates: one per plan when plans differ, else the best one and up to
    ``p.same_passage_sentences`` more of its passage (or one of another passage of its plan).

    Across plans, another plan's indicator row joins at ``p.per_doc_ratio`` of the best score, its
    prose only at ``p.prose_ratio``: a row names the same indicator with its figures, while prose that
    merely shares words (0.55–0.72 on the gold set) was another topic every time.

    A second sentence is added only when the first does not already answer on its own (a
    ``complete`` candidate): otherwise it only adds a citation the reader must check.
    Citations are numbered by first use; a plan's label leads its line when several plans answer.
    """
    if not scored:
        return Composed("", ())
    ranked = sorted(scored, key=lambda c: -c.score)
    best = ranked[0].score
    chosen: list[Candidate] = []
    if multi_doc:
        seen_docs: set[str] = set()
        for c in ranked:
            doc = hits[c.hit_index].chunk.doc_id
            row = hits[c.hit_index].chunk.kind == "table_row"
            if doc not in seen_docs and c.score >= (p.per_doc_ratio if row else p.prose_ratio) * best:
                chosen.append(c)
                seen_docs.add(doc)
    elif asks == "list":
        # "有哪些措施": the best passage's items in reading order, as many as fit.
        top = ranked[0]
        pos = {id(c): i for i, c in enumerate(scored)}
        # The clauses a "；" joins to the best one are the rest of its enumeration ("提升…门诊医疗服务能力；
        # 提升急诊急救能力建设；加强住院能力建设…。"), whatever words they share with the question.
        run = _clause_run(scored, pos[id(top)])
        same = [c for c in scored if c.hit_index == top.hit_index and (c.score >= 0.5 * best or id(c) in run)]
        total = 0
        for c in sorted(same, key=lambda c: (id(c) not in run, -c.score)):
            if c is top or id(c) in run or total + len(c.text) <= max_chars + 60:
                chosen.append(c)
                total += len(c.text)
        chosen.sort(key=lambda c: pos[id(c)])
    else:
        top = ranked[0]
        chosen.append(top)
        extra = p.same_passage_sentences
        for c in [] if top.complete else ranked[1:2 + extra]:
            same_doc = hits[c.hit_index].chunk.doc_id == hits[top.hit_index].chunk.doc_id
            # A second sentence from another passage must hold a word of the question the first does
            # not (a synonym's is not enough): else it only adds a citation to check ("…300名…" then
            # a sentence sharing nothing but the plan's name). A single character ("完" of "做完")
            # names nothing on its own. From the same passage it costs no citation and goes on at a
            # lower bar.
            own_passage = c.hit_index == top.hit_index
            if len(chosen) > 1 and not own_passage:
                continue  # after a second sentence only its passage's own, which cost no citation
            bar = p.second_ratio_same if own_passage else p.second_ratio
            adds = any(len(w) > 1 and covered_share(w, top.matched) < 1 for w in c.matched - top.matched)
            if same_doc and (own_passage or adds) and c.score >= bar * best and c.text not in {x.text for x in chosen} and \
                    sum(len(x.text) for x in chosen) + len(c.text) <= max_chars:
                chosen.append(c)
                if not own_passage or len(chosen) > extra:
                    break
    return render(chosen, hits, multi_doc)


def pair_share(text: str, other: str) -> float:
    """Share of a text's Chinese character pairs that stand in ``other``: ('中医康复服务', '…能够提供中医康复
    服务…') → 1.0; 0.0 for a text with no such pair."""
    pairs = [text[i : i + 2] for i in range(len(text) - 1) if not text[i : i + 2].isascii()]
    return sum(p in other for p in pairs) / len(pairs) if pairs else 0.0


def covered_share(text: str, words: Iterable[str]) -> float:
    """Share of a text's characters inside some occurrence of the words: ('家庭医生签约', {'家庭', '医生',
    '签约'}) → 1.0 (a compound of words already matched adds nothing); ('乡镇卫生院提供中医药服务的比例',
    {'乡镇卫生院'}) → 0.33."""
    if not text:
        return 1.0
    covered = [False] * len(text)
    for w in words:
        at = text.find(w) if w else -1
        while at != -1:
            covered[at:at + len(w)] = [True] * len(w)
            at = text.find(w, at + 1)
    return sum(covered) / len(text)


def render(chosen: Sequence[Candidate], hits: Sequence[Hit], multi_doc: bool) -> Composed:
    """Chosen sentences as answer lines, each cited; labelled by plan when several plans answer.
    Citations are numbered by first use."""
    order: list[int] = []
    lines: list[str] = []
    labelled = multi_doc and len({hits[c.hit_index].chunk.doc_id for c in chosen}) > 1
    for c in chosen:
        if c.hit_index not in order:
            order.append(c.hit_index)
        n = order.index(c.hit_index) + 1
        body = display(c, hits[c.hit_index])
        lines.append(f"- {region_label(hits[c.hit_index])}：{body}[{n}]" if labelled else f"{body}[{n}]")
    text = "各规划的规定不同：\n" + "\n".join(lines) if labelled else "\n".join(lines)
    return Composed(text, tuple(order))
