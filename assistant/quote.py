"""Stage 4a — the extractive answer: the plans' own sentences, verbatim, each cited.

The passages' sentences and table rows are scored for how well each answers the question (the
figure of the kind asked for, the tense, each plan's row when plans are compared), the best are
composed into the answer; a question naming a section's items gets the plan's own outline.

    extractive(live, qa, found, verdict, params) → Answer("…2025年：82[1]", citations=(…,))
"""

from __future__ import annotations

import re
from collections.abc import Container, Sequence
from dataclasses import replace

from assistant.answerable import Verdict
from assistant.extract import (
    Candidate,
    Composed,
    carries,
    compose,
    covered_share,
    pair_share,
    region_label,
    row_fields,
    score_candidates,
)
from assistant.extract import candidates as sentence_candidates
from assistant.gate import decline
from assistant.listing import counted, members_named
from assistant.live import LiveIndex
from assistant.outline import outline
from assistant.params import QuoteParams
from assistant.retrieval import Retrieved
from assistant.types import Answer, Citation
from question.analysis import Intent, QuestionAnalysis
from question.ask import without_yes_no
from question.demands import (
    HOW_MANY_ITEMS,
    MEMBERS_COUNTED,
    MEMBERS_NAMED,
    WHICH_MEMBERS,
    counted_of,
    counts_of_asked,
)
from vectorstore.sections import QUOTED
from vectorstore.types import MEANING, WORDS, Hit


def compared(qa: QuestionAnalysis, found: Retrieved) -> bool:
    """Whether the answer compares plans: none named alone, and passages from several."""
    return qa.several_plans and found.several_plans


def outlined(qa: QuestionAnalysis, found: Retrieved) -> Composed | None:
    """The answer to a question naming a section and asking what its Nth item or its items are
    (retrieval put them first): the plan's own headings, verbatim, whatever words they share
    with the question ("发展目标分哪几个方面" too: naming a section of targets is not asking for a
    figure). Asked how much, who or when about that item, the usual checks decide instead."""
    if found.section is None or not found.picked or qa.info.asks not in ("", "list", "how"):
        return None
    if qa.amount_asked and not (found.section.wants_list and found.section.ordinal is None
                                and HOW_MANY_ITEMS.search(qa.standalone)):
        return None
    comp = outline(found.hits, found.section, found.picked, told=qa.told)
    return comp if comp.text else None


def scored(live: LiveIndex, qa: QuestionAnalysis, hits: Sequence[Hit], verdict: Verdict | None, multi: bool,
           p: QuoteParams, preferred: str = "") -> list[Candidate]:
    """The passages' sentences and rows, scored for how well each answers the question; the ``preferred``
    sentence (a judging model's pick, modelchoice.py) ``p.preferred_lead`` times the best other score."""
    info = qa.info
    lex = live.lexicon
    # "有没有…", "能不能…": the question form's 没有/不能 is no word of the topic, and it matched the
    # plans' statements of shortfalls ("…没有实现…").
    text = without_yes_no(info.text)
    if info.asks == "how":
        # "…具体要怎么做": the asking words ("做") are in every plan's sentence of what it will do.
        for cue in next((cues for name, cues in live.corpus.analyzer.intents if name == "how"), ()):
            text = text.replace(cue, " ")
    words = replace(info, text=text)
    stand_ins = live.corpus.stand_ins(info.text, info.expansions)
    out = score_candidates(sentence_candidates(hits), words, live.tokens(), live.idf(), p, compared=multi,
                           stand_ins=stand_ins, amount_asked=qa.amount_asked,
                           names=live.names(), passages=[h.chunk.text for h in hits],
                           situation=qa.context, facilities=qa.facilities, pointed=qa.pointed,
                           agreed=agreed_first(hits), far=meaning_far(hits, p.meaning_far_rank))
    out = [replace(c, role=lex.role(hits[c.hit_index].chunk.section_path[:2])) for c in out]
    if verdict is not None and verdict.supporting and not multi:
        # Sentences carrying the figure of the kind asked for beat ones that only share words
        # (not across plans: there each plan's own best sentence is wanted).
        # A sentence "answers on its own" only when figures are all the question asks for and
        # each demand names its indicator (a bare count is met by any digit).
        alone = not info.asks and all(d.term or d.kind != "count" for d in verdict.demands)
        good, whole = set(verdict.supporting), set(verdict.complete) if alone else set()
        out = [replace(c, score=c.score * p.support_boost, complete=i in whole) if i in good else c
               for i, c in enumerate(out)]
    if not multi:
        # A row whose indicator the question names only a piece of ("乡镇卫生院" of "乡镇卫生院、社区卫生服务
        # 中心、村卫生室…提供中医药服务的比例") states another indicator: it counts as much as it is named.
        said = (*info.expansions, *stand_ins)
        out = [replace(c, score=c.score * (1 - p.row_unnamed * (1 - _named_share(hits[c.hit_index], c.matched, said))))
               if hits[c.hit_index].chunk.kind == "table_row" else c for c in out]
    if qa.intent is Intent.LIST:
        # "具体是哪七项", "几项能力分别是什么": a sentence naming a group of that many, or counting that
        # thing ("…7大能力（发热门诊、…）"), holds the list; so does one naming three or more of the
        # things asked ("完成了哪些中心的建设" → "甲中心、乙中心、丙中心").
        # A head in the writer's word counts in the plans' too ("几项本事" → "7大能力").
        heads = [w for h in qa.list_heads for w in (h, *plan_words_for(h, lex.synonyms, live.corpus.used_words))]
        named = [counted(n) for n in qa.list_sizes] + [counted_of(h) for h in dict.fromkeys(heads)] + [
            members_named(h) for h in qa.member_heads] + counts_of_asked(qa.list_words)
        out = [replace(c, score=c.score * p.count_named) if any(x.search(c.text) for x in named) else c
               for c in out]
    if qa.told:
        # "还有别的吗？": what the previous answer gave is not the answer again; the rest is usually
        # written beside it ("建档率90.59%；…高血压患者规范管理率75.7%；…").
        of_hit: dict[int, list[str]] = {}
        for c in out:
            of_hit.setdefault(c.hit_index, []).append(c.text)
        told = [was_told(c.text, qa.told, [t for t in of_hit[c.hit_index] if t != c.text]) for c in out]
        beside = {c.hit_index for c, t in zip(out, told, strict=True) if t}
        out = [replace(c, score=c.score * (p.told if t else p.told_beside if c.hit_index in beside else 1.0))
               for c, t in zip(out, told, strict=True)]
    if qa.referent:
        # "这件事由谁负责？": the item the previous answer gave is what is asked about, and its passage
        # says the rest of it (its units, its date, its figures).
        # The sentence it gave is what is pointed at, not the answer ("这批钱都花在哪儿了？"): the rest
        # of its passage says more of it. Asked who or when, the sentence may end with the answer
        # ("…（责任单位：区卫健委）"), so it keeps its place when it holds a unit or a time.
        gave = [pair_share(c.text, qa.referent) >= TOLD_SHARE for c in out]
        given = {c.hit_index for c, g in zip(out, gave, strict=True) if g}
        out = [replace(c, score=c.score * p.referent * (p.referent_told if g and not carries(info.asks, c.text) else 1.0))
               if c.hit_index in given else c for c, g in zip(out, gave, strict=True)]
    quoted = [m.group(1) for m in QUOTED.finditer(qa.ask) if len(m.group(1)) >= 3]
    if quoted:
        # "…“智医助理”要做啥": a name the writer quotes is the plan's own; its sentence is about it.
        out = [replace(c, score=c.score * p.quoted) if any(x in c.text for x in quoted) else c for c in out]
    if info.asks == "how":
        out = [replace(c, score=c.score * p.how_row) if hits[c.hit_index].chunk.kind == "table_row" else c
               for c in out]
    if info.indicator and not info.asks:
        # An indicator row states the indicator, its unit and each year's figure: when it is
        # the best match for a figure question, a second sentence only adds a citation to check.
        out = [replace(c, complete=True) if hits[c.hit_index].chunk.kind == "table_row" else c for c in out]
    if info.tense:
        # Each plan reports what the last plan achieved before what this one sets out to do; the
        # same indicator appears in both with different figures.
        factor = p.tense_match if info.tense == "past" else p.tense_mismatch
        out = [replace(c, score=c.score * factor) if c.role == "review" else c for c in out]
    if info.tense == "past" and qa.amount_asked and not multi:
        # A row of targets only (振安's table) holds no figure of the past asked about.
        no_past = {i for i, h in enumerate(hits) if h.chunk.id in live.targets_only}
        out = [replace(c, score=c.score * p.row_without_past, complete=False) if c.hit_index in no_past else c
               for c in out]
    if info.tense != "past":
        # A statement of a shortfall is not what the plan will do about it.
        out = [replace(c, score=c.score * p.tense_mismatch) if c.role == "problems" else c for c in out]
    if info.tense == "future" and not multi:
        # Asked what is planned, the last plan's record does not join the answer from another passage.
        out = [replace(c, matched=frozenset()) if c.role == "review" else c for c in out]
    if multi and info.indicator:
        # Comparing plans: each plan's indicator table states its target in the same
        # form ("≥80%"), where the prose paraphrases it ("80%以上") or sums several targets.
        out = [replace(c, score=c.score * p.row_preference) if hits[c.hit_index].chunk.kind == "table_row"
               else c for c in out]
    if preferred:
        lead = p.preferred_lead * max((c.score for c in out if c.text != preferred), default=0.0)
        out = [replace(c, score=max(c.score, lead)) if c.text == preferred else c for c in out]
    return out


def agreed_first(hits: Sequence[Hit]) -> set[int]:
    """The passages that every retriever of a hybrid ranked first (none for a single retriever)."""
    return {i for i, h in enumerate(hits) if len(h.ranks) > 1 and all(r == 1 for r in h.ranks.values())}


def meaning_far(hits: Sequence[Hit], rank: int) -> set[int]:
    """The passages word search found that meaning search ranked below ``rank`` or not at all (none
    when there is no meaning search)."""
    if not any(MEANING in h.ranks for h in hits):
        return set()
    return {i for i, h in enumerate(hits) if WORDS in h.ranks and h.ranks.get(MEANING, rank + 1) > rank}


TOLD_SHARE = 0.5  # of a sentence's character pairs in the previous answer: it was told already


_FIGURE = re.compile(r"(?<![\d.])(?!(?:19|20)\d\d年)\d+(?:\.\d+)?%?")
MIN_LISTED = 3  # items of a clause's "甲、乙、丙" enumeration


def untold_items(text: str, told: str) -> bool:
    """Whether a sentence enumerates things ("甲、乙、丙…") of which the previous answer gave only some:
    ('…提供分时段预约诊疗、智能导医分诊、候诊提醒、移动支付等线上服务。', '…分时段预约诊疗、智能导医分诊等…') → True."""
    for clause in re.split(r"[，,；;。：:]", text):
        items = clause.split("、")
        shares = [pair_share(i, told) >= TOLD_SHARE for i in items if len(i) > 1]
        if len(items) >= MIN_LISTED and any(shares) and not all(shares):
            return True
    return False


def plan_words_for(word: str, synonyms: Sequence[Sequence[str]], used: Container[str]) -> list[str]:
    """The words the plans use for a writer's word, by the lexicon's groups: ('本事', …) → ['能力']."""
    return [w for g in synonyms if word in g for w in g if w != word and w in used]


def was_told(text: str, told: str, siblings: Sequence[str] = ()) -> bool:
    """Whether a sentence gives what the previous answer gave: most of its character pairs stand in
    it, or it states figures (not years) and each of them is the previous answer's: ('…，到2025年，推广
    不少于5种…，80%以上…', '推广不少于5种…80%以上…') → True. Of a sentence written like the other
    sentences of its passage (``siblings``: "西部地区以甲医院带动…的发展；北部地区以乙医院带动…"), the
    pairs they lack must stand in it too: the pattern they share says nothing of which one was told."""
    if untold_items(text, told):
        return False  # the rest of its list is what "还有别的吗" asks for
    if pair_share(text, told) >= TOLD_SHARE and _own_share(text, told, siblings) >= TOLD_SHARE:
        return True
    figures = set(_FIGURE.findall(text))
    if figures and figures <= set(_FIGURE.findall(told)):
        return True
    # A sentence the answer gave a clause of, the rest of it a lead-in with nothing counted ("（一）发挥区域
    # 优势，…突出特色东部地区以甲医院带动…"): the clause is what it says of the thing asked.
    return not figures and any(len(c) >= TOLD_CLAUSE_CHARS and pair_share(c, text) >= TOLD_CLAUSE_SHARE
                               for c in re.split(r"[，,；;。：:]", told))


def _own_share(text: str, told: str, siblings: Sequence[str]) -> float:
    """pair_share of the sentence's character pairs its siblings lack (of all, when under MIN_OWN_PAIRS)."""
    pairs = [text[i : i + 2] for i in range(len(text) - 1) if not text[i : i + 2].isascii()]
    own = [p for p in pairs if not any(p in s for s in siblings)]
    use = own if len(own) >= MIN_OWN_PAIRS else pairs
    return sum(p in told for p in use) / len(use) if use else 0.0


MIN_OWN_PAIRS = 4  # fewer pairs of its own than this: the sentence is judged by all of its pairs
TOLD_CLAUSE_CHARS = 12  # a clause of the previous answer this long says one thing of its own
TOLD_CLAUSE_SHARE = 0.9  # of its character pairs in a sentence: the sentence holds it


def _named_share(hit: Hit, matched: frozenset[str], said: Sequence[str]) -> float:
    """Share of a row's indicator name the question's words (or their synonyms) cover, by character."""
    labels = [f for f in row_fields(hit.chunk) if "：" not in f]
    name = re.sub(r"[（(][^）)]*[）)]", "", labels[-1]) if labels else ""
    return covered_share(name, (*matched, *said)) if name else 1.0


def extractive(live: LiveIndex, qa: QuestionAnalysis, found: Retrieved, verdict: Verdict | None, p: QuoteParams,
               *, reply: bool, note: str, generator: str, nearby: int) -> Answer:
    """The best sentences, verbatim and cited (a decline when none is left)."""
    multi = compared(qa, found)
    comp = compose(scored(live, qa, found.hits, verdict, multi, p, found.preferred), found.hits, multi, p,
                   asks=qa.info.asks)
    return quoted(qa.standalone, comp, found.hits, reply=reply, note=note, generator=generator, nearby=nearby)


def unanswered(live: LiveIndex, qa: QuestionAnalysis, found: Retrieved, verdict: Verdict | None, p: QuoteParams,
               *, reply: bool, generator: str, nearby: int) -> Answer | None:
    """The decline of a question the best sentences turn out not to answer, whichever composer would
    answer it (the pipeline runs this before either); None for any other question:
    - asked which members of a group the plan only counts (see only_counted): the plan gives only the
      number, the counting sentence's passage first;
    - asked for a figure the best sentences do not carry (see lacking_figure)."""
    counting, figure = bool(WHICH_MEMBERS.search(qa.ask)), asks_figure(qa)
    if not counting and not figure:
        return None
    multi, hits = compared(qa, found), found.hits
    comp = compose(scored(live, qa, hits, verdict, multi, p), hits, multi, p, asks=qa.info.asks)
    first = [hits[h] for h in comp.used] + [h for i, h in enumerate(hits) if i not in comp.used]
    count = only_counted(qa, comp.text) if counting else ""
    if count:
        return decline(qa.standalone, reply, generator, nearby, outside=f"规划只写了数量（{count}），未列出具体是哪些。",
                       hits=first)
    missing = lacking_figure(qa, comp.text) if figure else ""
    return decline(qa.standalone, reply, generator, nearby, missing, hits=first) if missing else None


def asks_figure(qa: QuestionAnalysis) -> bool:
    """Whether a question asks for figures of a kind (not "剩下的几个呢？", which asks for the rest of a list)."""
    return qa.intent is Intent.FIGURE and bool(qa.demands) and not qa.told


def lacking_figure(qa: QuestionAnalysis, text: str) -> str:
    """What kind of figure a figure question asks for that the answer's sentences do not carry
    ('…盖新楼花多少？', '推动…异地新建及原址改造工程…[1]') → '金额'; '' when they carry each kind, or
    there is no answer. The gate found the kind somewhere in the passages, but in a sentence that
    answers the question less well than these: quoting them would answer something else."""
    body = re.sub(r"\[\d+\]", "", text)
    unmet = tuple(d for d in qa.demands if not d.evidence.search(body))
    return Verdict(False, unmet).reason if body and unmet else ""


def only_counted(qa: QuestionAnalysis, text: str) -> str:
    """The count an answer gives when the question asks which members it has and the answer is one
    sentence counting them without naming any ('分别是哪几个村的卫生室？', '…建强36个村卫生室。[1]')
    → '36个'; '' otherwise."""
    if not WHICH_MEMBERS.search(qa.ask) or not text or "\n" in text.strip():
        return ""
    body = re.sub(r"\[\d+\]", "", text)
    counts = [m.group(0) for m in MEMBERS_COUNTED.finditer(body)]
    if not counts or MEMBERS_NAMED.search(body):
        return ""
    return next((c for c in counts if c in qa.ask), counts[0])  # the count the question repeats, if any


def quoted(question: str, comp: Composed, hits: Sequence[Hit], *, reply: bool, note: str, generator: str,
           nearby: int) -> Answer:
    """An answer made of verbatim plan sentences, each cited (or a reply draft quoting them)."""
    if not comp.text:
        return decline(question, reply, generator, nearby, hits=hits)
    cites = tuple(Citation(i + 1, hits[h].chunk) for i, h in enumerate(comp.used))
    text = comp.text
    if reply:
        text = reply_from_extract(text, [hits[h] for h in comp.used])
    if note:
        text = f"（{note}）\n{text}"
    return Answer(text, cites, False, generator, (note,) if note else (), question)


def reply_from_extract(body: str, hits: Sequence[Hit]) -> str:
    """A citizen reply draft in the plain style of a government response, quoting the plan."""
    first = hits[0].chunk
    title = str(first.meta.get("title", ""))
    section = first.section_path[-1] if first.section_path else ""
    where = f"《{title}》" + (f"“{section}”部分" if section else "")
    regions = "、".join(dict.fromkeys(region_label(h) for h in hits))
    return (
        f"您好！感谢您对{regions}卫生健康工作的关注。经查阅{where}，规划中的相关内容如下：\n{body}\n"
        "以上为规划文件的原文内容，具体实施安排以主管部门后续公布的信息为准。"
    )
