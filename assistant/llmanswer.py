"""Stage 4b — the model's answer, checked: the passages it reads, its streamed words, and the
checks that every figure is in a cited passage (else the verbatim passages instead).

The embedded 1.5B model reads a few best sentences (it reads ~20–50 prompt tokens/s here, and every
sentence that does not answer costs time and distracts it); a remote model reads the top passages.

    yield from model_answer(chat, …) → tokens as they come, then Answer("…82岁[1]", citations=(…,))
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import replace
from typing import Any

from assistant import quote
from assistant.cite import attribute, bigrams, check_answer, numbers
from assistant.extract import FIGURE, Candidate, compose, display, pair_share, region_label
from assistant.gate import Gate
from assistant.live import LiveIndex
from assistant.params import AnswerParams, LLMParams, QuoteParams
from assistant.retrieval import Retrieved
from assistant.types import Answer, Citation, Trace
from question.analysis import QuestionAnalysis
from vectorstore.query import QueryInfo
from vectorstore.types import Chunk, Hit

NOTE_LLM_UNVERIFIED = "模型回答未通过引用核验，以下为规划原文摘录。"


def focused(qa: QuestionAnalysis, hits: Sequence[Hit], scored: Sequence[Candidate], p: LLMParams,
            titles: bool = False) -> list[tuple[int, Chunk]]:
    """The context for the embedded model: the best sentences of the top passages (as the
    extractive scorer ranks them), kept in reading order under their passage. ``titles`` keeps each
    plan's full title (a reply draft must name the plan it relies on)."""
    order = sorted(range(len(scored)), key=lambda i: -scored[i].score)
    if qa.info.tense == "future":
        # Asked for a target, the model is not shown what the last plan achieved: given both, it
        # answered with the 2020 figure for the 2025 target.
        plan = [i for i in order if scored[i].role != "review"]
        order = plan or order
    keep: list[int] = []
    total = 0
    best = scored[order[0]].score if order else 0.0
    for i in order:
        n = len(scored[i].text)
        if keep and (total + n > p.local_context_chars or len(keep) >= p.local_sentences
                     or scored[i].score < p.local_min_ratio * best):
            continue
        keep.append(i)
        total += n
    by_hit: dict[int, list[int]] = {}
    for i in keep:  # passages numbered by their best sentence, sentences in reading order
        by_hit.setdefault(scored[i].hit_index, []).append(i)
    out = []
    for h, idx in by_hit.items():
        chunk = hits[h].chunk
        text = "".join(display(scored[i], hits[h]) if chunk.kind == "table_row" else scored[i].text
                       for i in sorted(idx))
        # A row's display already names its group and indicator; a heading that is the text is noise.
        section = () if chunk.kind == "table_row" or chunk.section_path[-1:] == (text.rstrip("；。"),) \
            else chunk.section_path[-1:]
        label = chunk.meta.get("title") if titles else region_label(hits[h])
        out.append((h, replace(chunk, text=text, section_path=section, meta={**chunk.meta, "title": label})))
    return out


def by_model(chat: Any, live: LiveIndex, qa: QuestionAnalysis, found: Retrieved, g: Gate, params: AnswerParams,
             *, local: bool, reply: bool, generator: str, tr: Trace, t0: float
             ) -> Generator[dict[str, Any], None, Answer]:
    """The model's answer for the question (see ``model_answer``), with the verbatim passages as
    its fallback and the gate's decline when a remote model rightly refuses."""
    return (yield from model_answer(
        chat, qa, found, local=local, reply=reply,
        scored=quote.scored(live, qa, found.hits, g.verdict, False, params.quote, found.preferred) if local else [],
        coverage=g.coverage, trust_refusal_below=params.gate.trust_llm_refusal_below, p=params.llm,
        quoting=params.quote,
        fallback=lambda note: quote.extractive(live, qa, found, g.verdict, params.quote, reply=reply, note=note,
                                               generator=generator, nearby=params.gate.nearby),
        declined=lambda: g.decline(reply, generator), generator=generator, tr=tr, t0=t0))


def model_answer(chat: Any, qa: QuestionAnalysis, found: Retrieved, *, local: bool, reply: bool,
                 scored: Sequence[Candidate], coverage: float, trust_refusal_below: float, p: LLMParams,
                 quoting: QuoteParams,
                 fallback: Callable[[str], Answer], declined: Callable[[], Answer], generator: str,
                 tr: Trace, t0: float) -> Generator[dict[str, Any], None, Answer]:
    """Stream the model's answer, then check it: every sentence cited, every figure in a cited
    passage. ``fallback(note)`` is the verbatim answer used when the model's cannot be verified,
    ``declined()`` the decline when a remote model rightly says the passages do not answer."""
    from assistant.prompt import answer_messages, shown

    hits, q = found.hits, qa.standalone
    if local:
        chosen = focused(qa, hits, scored, p, titles=reply)
        use = [hits[h] for h, _ in chosen]
        chunks = [c for _, c in chosen]
    else:
        # The top passages, and the plans' own indicator rows when several plans answer.
        rows = hits[len(hits) - found.plan_rows:] if found.plan_rows else ()
        use = list(hits[:p.llm_passages]) + [h for h in rows if h not in hits[:p.llm_passages]]
        chunks = [replace(h.chunk, text=h.chunk.text[:p.llm_passage_chars]) for h in use]
    msgs = answer_messages(q, chunks, reply, checked=local)
    t2 = time.perf_counter()
    parts: list[str] = []
    for piece in chat.stream(msgs, max_tokens=320 if reply else 220, temperature=0.0):
        if tr.first_token is None:
            tr.first_token = time.perf_counter() - t0
        parts.append(piece)
        yield {"type": "token", "text": piece}
    tr.stages["generate"] = time.perf_counter() - t2
    raw = "".join(parts).strip()
    texts = [shown(c) for c in chunks]  # numbers are checked against what the model was shown
    checked = check_answer(attribute(raw, texts, question=q), texts, q)
    if checked.refused and not local and coverage < trust_refusal_below:
        # The passages only partly cover the question and the model says they do not answer
        # it: decline (plausible-but-absent figures look exactly like this).
        return declined()
    if checked.refused or not checked.order:
        # Retrieval found passages that cover the question well, so a refusal or an
        # unverifiable answer from the model is replaced by the verbatim passages.
        return fallback(NOTE_LLM_UNVERIFIED)
    cites = [Citation(i + 1, use[k - 1].chunk) for i, k in enumerate(checked.order)]
    notes = tuple(f"已删除无法在引用段落中核实数字的句子：{s}" for s in checked.removed)
    text = checked.text
    if local and not reply:
        text = quote_if_disagreeing(text, cites, qa.info, hits, scored, quoting, p.agree_share, p.verbatim_share)
    return Answer(text, tuple(cites), False, generator, notes, q)


def quote_if_disagreeing(text: str, cites: list[Citation], info: QueryInfo, hits: Sequence[Hit],
                         scored: Sequence[Candidate], quoting: QuoteParams, share: float, verbatim: float) -> str:
    """The small model's answer, followed by the plan's own sentences unless it quotes them.

    The 1.5B model drops or swaps figures the best sentence has (a row's 2020 figure given as its
    2025 one; "3到4个" for "3-4个"), and its own words lose what the plan says ("约30亿元" told as
    "30亿元", "全科医生" as "全科大夫", a row's baseline left out). Unless its answer agrees with the
    extractive choice and holds ``verbatim`` of each of its lines' character pairs (0: agreeing is
    enough), that choice is quoted verbatim under "原文", so the reader sees the plan's words.
    ``cites`` is extended in place.
    """
    comp = compose(scored, hits, False, quoting, asks=info.asks)
    if not comp.text or agrees(text, comp.text, info, share) and quotes(text, comp.text, verbatim):
        return text
    mapping: dict[int, int] = {}
    for i, h in enumerate(comp.used, 1):
        chunk = hits[h].chunk
        same = next((c.n for c in cites if c.chunk.id == chunk.id), None)
        if same is None:
            same = len(cites) + 1
            cites.append(Citation(same, chunk))
        mapping[i] = same
    quote = re.sub(r"\[(\d+)\]", lambda m: f"[{mapping.get(int(m.group(1)), int(m.group(1)))}]", comp.text)
    return f"{text}\n原文：{quote}"


def quotes(answer: str, quoted: str, share: float) -> bool:
    """Whether an answer holds ``share`` of the character pairs of each line of a quoted choice:
    ('东丽计划投入财政预算约30亿元[1]。', '…计划投入财政预算约30亿元，…。[1]', 0.8) → False."""
    lines = (re.sub(r"\[\d+\]", "", line).strip() for line in quoted.splitlines())
    return all(pair_share(line, answer) >= share for line in lines if line)


_COLUMN = re.compile(r"(20\d\d)年(?:目标|底|末)?\s+([^，]+)")  # a table row's "2025年目标 ≥3.6"
# A figure's bound, before it ("不少于30人", "≤27%") or after it ("80%以上", "20%以内").
_BOUND_BEFORE = re.compile(r"(?:不少于|不低于|不超过|不高于|不多于|至少|最少|最多|起码|超过|高于|低于|少于|多于|"
                           r"[≤≥<>＜＞≦≧])\s*$")
_UNITS = re.compile(r"(?:责任单位|牵头单位|责任部门)[：:]([^）)]+)")
_GRADE = re.compile(r"[一二三四]级|[一二三][甲乙丙]等?")
_BOUND_AFTER = re.compile(r"^[^\d，。；、,]{0,3}?(?:以上|以下|以内|之内|左右)")


def bounded(num: str, text: str) -> bool:
    """Whether the figure stands in the text with a bound: ('30', '成立1支不少于30人的…') → True;
    ('30', '这支队伍有30人') → False."""
    for m in re.finditer(rf"(?<![\d.]){re.escape(num)}(?![\d]|\.\d)", text):
        if _BOUND_BEFORE.search(text[max(0, m.start() - 4): m.start()]) or _BOUND_AFTER.search(text[m.end():]):
            return True
    return False


def agrees(answer: str, quoted: str, info: QueryInfo, share: float) -> bool:
    """Whether a model's answer carries the figure of the plan's best sentence: for a table row the
    value of the year asked (else the last year's, the target), for prose any of its figures.
    '东丽…82岁' agrees with '…2020年 81.15，2025年 82'; '2025年 6.21' does not with '…2025年 ＜14.5'."""
    have = set(numbers(answer))
    asked = set(numbers(info.text))
    prose: list[str] = []
    plain: list[str] = []
    for line in quoted.splitlines():
        cols = _COLUMN.findall(line)
        if not cols:
            plain.append(re.sub(r"\[\d+\]", "", line).strip())
            # "（1）由单纯…": an item's mark is no figure the model must repeat.
            prose += [n for n in numbers(_asked_clauses(_MARKS.sub("", line), info.text)) if not re.fullmatch(r"20\d\d", n)
                      and n not in asked]
            continue
        pick = [v for y, v in cols if y in info.years] or [cols[-1][1]]
        wanted = [n for v in pick for n in numbers(v)]
        if wanted and not all(n in have for n in wanted):
            return False
        # "≤27%" told as "27%": the figure is the plan's, its meaning is not.
        if any(bounded(n, v) and not bounded(n, answer) for v in pick for n in numbers(v)):
            return False
    clauses = _asked_clauses(quoted, info.text)
    if any(n in have and bounded(n, clauses) and not bounded(n, answer) for n in prose):
        return False  # "不少于10项" told as "10项"
    if info.asks == "list" and not lists_all(answer, quoted):
        return False
    if info.asks == "responsibility":
        # "这项工作由谁牵头？" answered with the first of four units: the plan's list of units is the answer.
        units = [u.strip() for m in _UNITS.finditer(quoted) for u in re.split(r"[、，,]", m.group(1)) if u.strip()]
        if any(u not in answer for u in units):
            return False
    # "建的是几级实验室？" answered "三级" where the plan says 二级: a grade is a figure too.
    grades = set(_GRADE.findall(clauses))
    if grades and set(_GRADE.findall(answer)) - grades:
        return False
    # Prose: one shared figure shows the model read the same sentences (its figures were checked).
    if prose:
        return any(n in have for n in prose)
    # Prose without figures: a paraphrase keeping few of the best sentence's words ("以宿州市第一人民医院为依托，
    # 加快市级区域专科医疗中心建设" told as "该医院将加强专科建设") may have lost what it says.
    # (A list's items and the units responsible were checked above: they are what such an answer gives.)
    first = next((line for line in plain if line), "")
    return not first or info.asks in ("list", "responsibility") or pair_share(first, answer) >= share


_ITEM_MARK = re.compile(r"^(?:[（(]?\d{1,2}[)）.、]|[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+[是、]|[-—·•]+)\s*")
_MARKS = re.compile(r"[（(]\d{1,2}[)）]")
ITEM_SHARE = 0.5  # of an item's character pairs, the share an answer naming it holds


def lists_all(answer: str, quoted: str) -> bool:
    """Whether an answer names every item of the plan's list that the extractive answer quotes line by line
    ('（1）由单纯疾病诊疗…；[1]\n（2）…' against a model's answer giving the first three of six)."""
    # A line's lead-in ("努力实现“六个转变”：", "- 振安区：") is not an item.
    lines = [_ITEM_MARK.sub("", re.sub(r"\[\d+\]", "", line).strip().rsplit("：", 1)[-1].strip())
             for line in quoted.splitlines()]
    items = [re.split(r"[，。；：]", line)[0] for line in lines if line]
    items = [i for i in items if len(i) >= 4]
    return len(items) < 2 or all(pair_share(i, answer) >= ITEM_SHARE for i in items)


def _asked_clauses(sentence: str, question: str) -> str:
    """The clauses of a sentence that share most words with the question, where the sentence pairs
    several subjects with figures: '乡镇卫生院…比例达到100%，村卫生室…比例达到75%' asked about
    '村卫生室' → '村卫生室…比例达到75%'. A model that copied the other clause's figure disagrees."""
    clauses = [c for c in re.split(r"[，；。]", sentence) if FIGURE.search(c)]
    if len(clauses) < 2:
        return sentence
    asked = bigrams(question)
    shared = [len(bigrams(c) & asked) for c in clauses]
    return "，".join(c for c, n in zip(clauses, shared, strict=True) if n == max(shared))
