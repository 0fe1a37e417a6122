"""The answer-path stage that asks the indicator store before retrieval's passages are composed.

    from_store("埇桥哪些指标是约束性的？", info, hits, build, words) → Answer(每一行引用其表格行) | None

In every generator mode: the store's figures are copied from the plan's cells, so no model is
asked to retell them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.cite import REFUSAL
from assistant.types import Answer, Citation
from indicators.ask import CUES_FILE, Cues, IndicatorAsk, Intent, ask
from indicators.compose import Plan, compose
from indicators.names import NAMES_FILE, IndicatorNames
from indicators.prose import in_prose
from indicators.types import Indicator, Origin
from indicators.values import period_years
from vectorstore.query import QueryInfo
from vectorstore.retrieve import Filters
from vectorstore.types import Chunk, Hit

GENERATOR = "indicators"


@dataclass(frozen=True)
class StoreWords:
    """The store's word lists: indicator names across plans and the cues of what is asked."""

    names: IndicatorNames
    cues: Cues

    @classmethod
    def load(cls, folder: Path) -> StoreWords:
        return cls(IndicatorNames.load(folder / NAMES_FILE), Cues.load(folder / CUES_FILE))


def _another_topic(q: str, records: Sequence[Indicator], build: object, table_words: Sequence[str]) -> bool:
    """Whether a question asking for indicators names a topic its plans' tables do not hold: most of
    its words besides the plan's name are neither a table's category nor in an indicator's name
    ('东丽区中医药服务能力提升定了哪几条指标' → True; '东丽规划的主要指标有哪些' → False). ``table_words``:
    the cues that ask for a plan's indicators whatever its table is about (lexicon/indicator_cues.txt)."""
    from question.scope import content_words

    names = [n for rec in build.docs.values()  # type: ignore[attr-defined]
             for n in (rec.meta.district, rec.meta.city, rec.meta.province, *rec.meta.aliases) if n]
    words = [w for w in content_words(q) if w not in table_words and not any(w in n or n in w for n in names)]
    if not words:
        return False
    table = " ".join(f"{r.caption} {r.category} {r.name}" for r in records)
    return sum(w in table for w in words) * 2 < len(words)


def plans_of(build: object, texts: Mapping[str, str] | None = None) -> dict[str, Plan]:
    """The indexed plans as the store's answers name them: {'dongli': Plan('dongli', '东丽区', …)}."""
    return {d: Plan(d, rec.meta.region, rec.meta.title, (texts or {}).get(d, ""),
                    (period_years(rec.meta.period) or (None,))[0])
            for d, rec in build.docs.items()}  # type: ignore[attr-defined]


def from_store(q: str, info: QueryInfo, hits: Sequence[Hit], build: object, words: StoreWords,
               texts: Mapping[str, str], agrees: Callable[[], bool], reply: bool = False,
               filters: Filters | None = None, written: str = "") -> Answer | None:
    """The store's answer, or None when the question is not one it settles. ``texts`` are the
    plans' texts; ``agrees`` says whether retrieval's passages answer the question, asked only
    when the question names its indicator loosely ('新生儿死亡率' is not '婴儿死亡率'); ``written``: the
    writer's own words, whose indicator name comes before one the synonyms match as well."""
    records = build.indicators.all()  # type: ignore[attr-defined]
    chunks = build.chunks  # type: ignore[attr-defined]
    plans = plans_of(build, texts)
    if filters is not None and not filters.empty:  # the plans a request is restricted to
        records = [r for r in records if r.chunk_id in chunks and filters.allows(chunks[r.chunk_id])]
        kept = {r.doc_id for r in records}
        plans = {d: p for d, p in plans.items() if d in kept}
    if not records:
        return None
    ranked = [h.chunk.id for h in hits if h.chunk.kind == "table_row"]
    asked = ask(q, info.doc_ids, info.years, info.expansions, records, words.names, words.cues,
                figure=info.indicator, ranked=ranked, past=info.tense == "past", written=written)
    if asked is None or not asked.sure and not agrees():
        return None
    if asked.intent is Intent.CATEGORY_LIST and not asked.category and not asked.keys and \
            _another_topic(q, [r for r in records if not asked.docs or r.doc_id in asked.docs], build,
                           words.cues.words["table"]):
        return None  # "中医药服务能力提升定了哪几条指标": targets the prose lists, not the whole table
    got = compose(asked, records, plans, words.names.variants)
    if got is None:
        return None
    if got.refused:
        text = (f"您好！感谢您的关注。经查阅现行卫生健康规划文件，{REFUSAL}：{got.note}如需进一步了解，请咨询相关主管部门。"
                if reply else f"{REFUSAL}：{got.note}")
        nearby = tuple(Citation(i + 1, chunks[c]) for i, c in enumerate(got.nearby) if c in chunks)
        return Answer(text, (), True, GENERATOR, (got.note,), q, nearby)
    cited, text = list(got.cited), got.text
    if asked.intent is Intent.VALUE:
        text += _in_prose(records, asked, cited, chunks, texts, plans)
    elif asked.intent in (Intent.COUNT, Intent.CATEGORY_LIST) and not asked.category:
        text += _count_in_prose(records, asked, cited, chunks, texts)
    cites = tuple(Citation(i + 1, chunks[c]) for i, c in enumerate(cited))
    if reply:
        text = (f"您好！感谢您对卫生健康工作的关注。经查阅规划文件中的主要指标，相关内容如下：\n{text}\n"
                "以上为规划文件的原文数值，具体实施安排以主管部门后续公布的信息为准。")
    return Answer(text, cites, False, GENERATOR, (), q)


def _in_prose(records: Sequence[Indicator], asked: IndicatorAsk, cited: list[str], chunks: Mapping[str, Chunk],
              texts: Mapping[str, str], plans: Mapping[str, Plan]) -> str:
    """The plans' sentences stating the cited rows' figures in their own words, each cited ('' when
    none): '\n规划正文：2025年，居民健康素养水平达到25%以上[2]'. Appends their passages to ``cited``."""
    rows = [r for r in records if r.origin == Origin.TABLE and r.key in asked.keys and r.chunk_id in cited]
    lines: list[str] = []
    several = len({r.doc_id for r in rows}) > 1
    for r in rows:
        v = r.baseline if asked.baseline else r.value(year=asked.years[-1]) if asked.years else r.target
        plan = plans.get(r.doc_id)
        for s in in_prose(texts.get(r.doc_id, ""), r, v, plan.start if plan else None):
            at = next((c.id for c in chunks.values() if c.doc_id == r.doc_id and c.kind != "table_row"
                       and s in c.text), None)
            if at is None:
                continue
            if at not in cited:
                cited.append(at)
            label = f"{plans[r.doc_id].label}规划正文" if several and r.doc_id in plans else "规划正文"
            line = f"{label}：{s}[{cited.index(at) + 1}]"
            if line not in lines:
                lines.append(line)
    return "".join(f"\n{ln}" for ln in lines)


def _count_in_prose(records: Sequence[Indicator], asked: IndicatorAsk, cited: list[str], chunks: Mapping[str, Chunk],
                    texts: Mapping[str, str]) -> str:
    """A plan's sentence stating how many indicators its table holds, in its own words ('…等6类30个发展
    关键指标'), cited ('' when no plan states it): the count a reader may quote. Appends its passage."""
    lines: list[str] = []
    for doc in dict.fromkeys(r.doc_id for r in records if r.origin == Origin.TABLE):
        if asked.docs and doc not in asked.docs:
            continue
        n = sum(r.doc_id == doc and r.origin == Origin.TABLE for r in records)
        said = re.search(rf"[^。；\n]*(?<!\d){n}(?:个|项)[^。；\n]{{0,12}}指标[^。；\n]*", texts.get(doc, ""))
        at = next((c.id for c in chunks.values() if c.doc_id == doc and c.kind != "table_row"
                   and said and said.group(0).strip() in c.text), None) if said else None
        if said is None or at is None:
            continue
        if at not in cited:
            cited.append(at)
        lines.append(f"规划正文：{said.group(0).strip()}[{cited.index(at) + 1}]")
    return "".join(f"\n{ln}" for ln in lines)
