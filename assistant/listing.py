"""Stage 4a, lists — a "哪几个方面 / 有哪些" question answered with the whole enumeration the best
passage starts, every point cited, instead of its first sentence.

The plans enumerate points inside a paragraph ("主要表现在：一是…；二是…；三是…"), often split
over two passages. A list question whose best passages start such a run gets all of it; a
question naming the section by its heading is answered by the outline (quote.outlined) first.

    listed(qa, found, sections) → (Composed("…主要表现在：[1]\\n一是…；[1]\\n二是…；[2]", (0, 5)), hits)
"""

from __future__ import annotations

import re
from collections.abc import Container, Sequence

from assistant.extract import Composed, pair_share
from assistant.retrieval import Retrieved
from question.analysis import Intent, QuestionAnalysis
from question.ask import without_excepted
from question.demands import list_lengths
from vectorstore.sections import LAST, QUOTED, SectionIndex, ordinal
from vectorstore.types import Chunk, Hit

BEST = 2  # only the best passages: a run lower down is about something else
LEAD_CHARS = 80  # the sentence that introduces the points, when it is short enough to quote


def listed(qa: QuestionAnalysis, found: Retrieved, sections: SectionIndex, chunks: Sequence[Chunk]
           ) -> tuple[Composed, tuple[Hit, ...]] | None:
    """The whole run of points the best passage starts, each cited, with the hits extended by the
    passages the run continues into; None when the question does not ask for a list or no best
    passage starts one."""
    if qa.intent != Intent.LIST or found.picked or qa.amount_asked:
        return None
    # "…一共九条？" names the list by its length: a run of that many points near the top is the one.
    for hit in found.hits[:NTH_HITS] if qa.list_sizes else ():
        if qa.plans and hit.chunk.doc_id not in qa.plans:
            continue
        as_long = [r for r in sections.runs_at(hit.chunk.id) if len(r) in qa.list_sizes]
        if as_long:
            return _cited(_wanted(qa.ask, as_long, chunks), found.hits, chunks)
    for hit in found.hits[:BEST]:
        if qa.plans and hit.chunk.doc_id not in qa.plans:
            continue
        found_runs = sections.runs_at(hit.chunk.id)
        if found_runs:
            return _cited(_wanted(qa.ask, found_runs, chunks), found.hits, chunks)
    return None


NTH_HITS = 3  # where an ordinal question's run may start: its name often ranks below a word match
MIN_SHARED_PAIRS = 3  # a run's introduction names what the question asks about (character pairs)


def nth_point(qa: QuestionAnalysis, found: Retrieved, sections: SectionIndex, chunks: Sequence[Chunk]
              ) -> tuple[Composed, tuple[Hit, ...]] | None:
    """The Nth point of the run a question names by its introduction: '东丽规划里“九项能力”的第二个是
    什么？' → '重点提升“九项能力”：[1]\n（2）提升重大传染病监测预警能力；[1]'; or of the run the previous
    answer gave ('第三点呢？'). None without an ordinal, when a heading's item was picked already, or
    when no run near the top is introduced by what the question names (a term it quotes, else a few
    of its character pairs) nor was given before."""
    n = ordinal(qa.standalone)
    if n is None or found.picked or qa.intent is Intent.LIST:
        return None
    quoted = [m.group(1) for m in QUOTED.finditer(qa.standalone)]
    grams = _pairs(qa.standalone)
    for hit in found.hits[:NTH_HITS]:
        if qa.plans and hit.chunk.doc_id not in qa.plans:
            continue
        for run in [*sections.runs_at(hit.chunk.id), *sections.runs_through(hit.chunk.id)]:
            intro = _intro(run, chunks)
            named = any(q in intro for q in quoted) if quoted else _shared(intro, grams) >= MIN_SHARED_PAIRS
            # "第二条讲的什么？" counts the points the previous answer gave: the run it retold.
            named = named or bool(qa.carried) and _retold(run, qa.carried)
            if named and (n == LAST or n <= len(run)):
                return _cited(run, found.hits, chunks, only=len(run) - 1 if n == LAST else n - 1)
    return None


def rest_of_run(qa: QuestionAnalysis, found: Retrieved, sections: SectionIndex, chunks: Sequence[Chunk]
                ) -> tuple[Composed, tuple[Hit, ...]] | None:
    """Asked for more ('余下那几点呢？') after an answer that gave some points of a numbered run, the run's
    other points, each cited (after the run's lead when their passage holds it): (told '…研究生以上学历提高
    到15%以上…') → '1.每千人口执业医师数…[1]\n3.…[2]\n4.…[3]'. None when nothing more is asked or no run
    near the top was partly given."""
    if not qa.told:
        return None
    for hit in found.hits[:NTH_HITS]:
        if qa.plans and hit.chunk.doc_id not in qa.plans:
            continue
        # Those starting here (or after its lead-in) and those it is a point of: the longest first.
        held = {tuple(r): r for r in (*sections.runs_at(hit.chunk.id), *sections.runs_holding(hit.chunk.id))}
        for run in sorted(held.values(), key=len, reverse=True):
            given = [_gave(point, qa.told) for _, point in run]
            if any(given) and not all(given):
                return _cited(run, found.hits, chunks, skip={k for k, g in enumerate(given) if g})
    return None


RETOLD_SHARE = 0.6  # of a point's (first clause's) character pairs that an answer holds: it gave the point


def _gave(point: str, told: str) -> bool:
    """Whether an answer gave a point, quoted or in its own words: most of the character pairs of its
    first clause ('一是公共卫生体系亟待完善，…' → '一是公共卫生体系亟待完善') stand in the answer."""
    return pair_share(re.split(r"[，,；;。：:]", point, maxsplit=1)[0], told) >= RETOLD_SHARE


def _retold(run: Sequence[tuple[int, str]], told: str) -> bool:
    """Whether an answer gave most of this run's points (see _gave)."""
    return 2 * sum(_gave(point, told) for _, point in run) > len(run)


_DIGITS = "零一二三四五六七八九十"


def counted(n: int) -> re.Pattern[str]:
    """A sentence naming a group of n things: 7 → '7大能力', '七项…'."""
    spoken = _DIGITS[n] if n <= 10 else f"十{_DIGITS[n - 10]}" if n < 20 else str(n)
    return re.compile(rf"(?<![\d.])(?:{n}|{spoken})(?:个|项|条|点|件|大|种|类|块|方面|部分)")


def members_named(head: str) -> re.Pattern[str]:
    """A sentence naming three or more members ending in ``head``: '区' → '预约分诊区、健康之家区和全科诊疗区'."""
    h = re.escape(head)
    return re.compile(rf"(?:[^、，,。；;\s]{{1,10}}?{h}[、和及与]){{2,}}[^、，,。；;\s]{{1,10}}?{h}")


def _wanted(ask: str, found_runs: Sequence[Sequence[tuple[int, str]]], chunks: Sequence[Chunk]
            ) -> Sequence[tuple[int, str]]:
    """Of several runs starting in one passage, the one the question names: the run as long as the
    count it asks for ('“五个作用”是哪五个' → the five-point run), else the one whose introduction
    shares most of the question's character pairs ('…积极发挥“五个作用”：（1）…')."""
    if len(found_runs) == 1:
        return found_runs[0]
    ask = without_excepted(ask)  # "除了这九项，…哪几个作用": not the run set aside
    sizes = list_lengths(ask)
    grams = _pairs(ask)

    def score(run: Sequence[tuple[int, str]]) -> tuple[int, int]:
        return (len(run) in sizes, _shared(_intro(run, chunks), grams))

    return max(found_runs, key=score)


def _pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _shared(text: str, pairs: set[str]) -> int:
    """How many of ``text``'s character pairs stand in ``pairs`` (a question's)."""
    return sum(text[i : i + 2] in pairs for i in range(len(text) - 1))


def _intro(run: Sequence[tuple[int, str]], chunks: Sequence[Chunk]) -> str:
    """The words just before a run's first point: what the run enumerates ('…重点提升“九项能力”：')."""
    text = chunks[run[0][0]].text
    at = text.find(run[0][1])
    return text[max(0, at - 30) : at]


def _cited(run: Sequence[tuple[int, str]], found: Sequence[Hit], chunks: Sequence[Chunk], only: int | None = None,
           skip: Container[int] = ()) -> tuple[Composed, tuple[Hit, ...]]:
    """The run as lines (or its lead and point ``only``, or without the points ``skip``), each citing
    its passage; passages not among the hits are added to them."""
    hits = list(found)
    at = {h.chunk.id: n for n, h in enumerate(hits)}
    used: list[int] = []

    def cite(i: int) -> int:
        chunk = chunks[i]
        if chunk.id not in at:
            at[chunk.id] = len(hits)
            hits.append(Hit(chunk, 0.0, "list"))
        if at[chunk.id] not in used:
            used.append(at[chunk.id])
        return used.index(at[chunk.id]) + 1

    lead = _lead(chunks[run[0][0]].text, run[0][1])
    lines = [f"{lead}[{cite(run[0][0])}]"] if lead else []
    lines += [f"{point}[{cite(i)}]" for k, (i, point) in enumerate(run)
              if (only is None or k == only) and k not in skip]
    return Composed("\n".join(lines), tuple(used)), tuple(hits)


def _lead(text: str, first: str) -> str:
    """The sentence that introduces the first point ('…主要表现在：'), or '' when it is long."""
    before = text[: text.find(first)] if first in text else ""
    pieces = [x.strip() for x in re.split(r"(?<=[。；！？\n])", before) if x.strip()]
    return pieces[-1] if pieces and len(pieces[-1]) <= LEAD_CHARS else ""
