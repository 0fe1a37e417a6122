"""Whether a question asks the indicator store, and what: the analysis the store's answers read.

    ask("埇桥哪些指标是约束性的？", scope) → IndicatorAsk(intent=ATTRIBUTE_LIST, attribute=约束性, docs=('yongqiao',))
    ask("东丽每千人口执业医师数2025年目标？", scope) → IndicatorAsk(intent=VALUE, keys=('每千常住人口执业医师数',), years=(2025,))
    ask("东丽有哪些社区卫生服务中心？", scope) → None   (no indicator, no table structure: retrieval answers)

Cue words are data (``lexicon/indicator_cues.txt``); indicator names come from the store and the
name lexicon, so a new plan's table is understood without code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from indicators.names import IndicatorNames, bare
from indicators.types import Attribute, Indicator, Origin
from indicators.values import normalise
from question.lexicon import LexiconError
from vectorstore.sections import char_pairs

CUES_FILE = "indicator_cues.txt"
# A name counts as asked when this share of its character pairs is in the question (with its
# synonyms); a row retrieval ranked first needs less, since the passage search already agrees.
NAME_MATCH = 0.7
NAME_MATCH_RANKED = 0.45
_INTENTS = ("list", "count", "change", "versus", "rank", "high", "baseline", "per_capita", "table", "prose",
            "number")
SURE = 0.9  # a name written (nearly) as a plan or the lexicon writes it
_PER_CAPITA = re.compile(r"^每[百千万]")
_AGES = re.compile(r"(\d+)(?:周)?岁")  # the age a name is of ("3岁以下儿童…"), which tells two rows apart


class Intent(StrEnum):
    VALUE = "value"  # a plan's figure(s) for an indicator (each plan's, when several set it)
    CHANGE = "change"  # baseline against target
    RANK = "rank"  # which plan is highest / lowest
    CATEGORY_LIST = "category_list"
    ATTRIBUTE_LIST = "attribute_list"
    COUNT = "count"


@dataclass(frozen=True)
class Cues:
    words: dict[str, tuple[str, ...]]

    def has(self, intent: str, text: str) -> bool:
        return any(w in text for w in self.words.get(intent, ()))

    @classmethod
    def load(cls, path: Path) -> Cues:
        """'list: 哪些 哪几' lines → {'list': ('哪些', '哪几')}; an unknown intent or empty line is an error."""
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise LexiconError(f"cannot read lexicon file {path}: {exc}; it must be UTF-8 text") from exc
        words: dict[str, tuple[str, ...]] = {}
        for n, raw in enumerate(text.splitlines(), 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            name, sep, rest = line.partition(":")
            name = name.strip()
            if not sep or name not in _INTENTS or not rest.split():
                raise LexiconError(f"{path.name}:{n}: {line[:30]!r} is not a cue line: write one of "
                                   f"{', '.join(_INTENTS)}, a colon, then words separated by spaces")
            words[name] = tuple(dict.fromkeys(words.get(name, ()) + tuple(rest.split())))
        missing = [i for i in _INTENTS if i not in words]
        if missing:
            raise LexiconError(f"{path.name}: no line for {missing[0]!r}; every intent needs its words")
        return cls(words)


@dataclass(frozen=True)
class IndicatorAsk:
    intent: Intent
    docs: tuple[str, ...]  # the plans asked about ("" scope: every plan)
    keys: tuple[str, ...] = ()
    category: str = ""
    attribute: Attribute = Attribute.NONE
    years: tuple[int, ...] = ()
    baseline: bool = False  # no year named, but the figure before the plan is asked
    high: bool = True  # RANK: the highest (else the lowest)
    named_docs: bool = False  # the question named its plans
    number: bool = False  # a number is asked ("多少岁"), which a target in words ("同比例提高") does not give
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def sure(self) -> bool:
        """Whether the question names its indicator as the plans do (else retrieval must agree)."""
        return self.intent in (Intent.CATEGORY_LIST, Intent.ATTRIBUTE_LIST, Intent.COUNT) or \
            max(self.scores.values(), default=0.0) >= SURE


OWN_WORDS = 0.1  # before a name matched as well only through synonyms, and before the best-ranked row


@lru_cache(maxsize=8192)
def _name_pairs(variant: str) -> frozenset[str]:
    """A name's character pairs, once per name: every question compares against every record."""
    return frozenset(char_pairs(bare(variant)))


def name_score(variant: str, question_pairs: set[str]) -> float:
    """Share of a name's character pairs found in the question: '每千常住人口床位数' in '每千人口床位目标' ≈ 0.6."""
    pairs = _name_pairs(variant)
    return len(pairs & question_pairs) / len(pairs) if pairs else 0.0


def match_keys(question: str, expansions: Sequence[str], records: Sequence[Indicator], names: IndicatorNames,
               cues: Cues, ranked: Sequence[str] = (), written: str = "") -> dict[str, float]:
    """Keys the question names, with their scores (best first). ``ranked`` are row passage ids in
    retrieval's order: their keys need a lower score. A per-population rate ('每千常住人口床位数')
    is named only by a question that names a population base ('每千人', '千人口'), not by one
    asking a total ('多少张床位'). A name ``written`` whole (the writer's own words; the question's
    when empty) comes first (OWN_WORDS)."""
    q = normalise(question)
    own = char_pairs(normalise(written or question))
    qpairs = char_pairs(q)
    for e in expansions:
        qpairs |= char_pairs(normalise(e))
    top = set(ranked[:1])
    scores: dict[str, float] = {}
    per_capita = cues.has("per_capita", q)
    written_ages = _AGES.findall(q)
    for r in records:
        if not per_capita and _PER_CAPITA.match(bare(r.norm)):
            continue
        if written_ages and (ages := _AGES.findall(r.norm)) and not set(ages) & set(written_ages):
            continue  # "7岁以下的" is not the row of "3岁以下", however alike the rest of the names
        variants = {r.norm, r.key, *names.variants(r.key)}
        s = max(name_score(v, qpairs) for v in variants)
        need = NAME_MATCH_RANKED if r.chunk_id in top else NAME_MATCH
        if s >= need:
            # Of names the synonyms match alike, the one the question writes in its own words: "健康预期寿命"
            # is that row, not "人均预期寿命", which the group of "预期寿命" names too.
            said = OWN_WORDS if max(name_score(v, own) for v in variants) >= SURE else 0.0
            scores[r.key] = max(scores.get(r.key, 0.0), s + said + (0.05 if r.chunk_id in top else 0.0))
    return dict(sorted(scores.items(), key=lambda kv: -kv[1]))


def _category(q: str, records: Sequence[Indicator]) -> str:
    """The longest category a question names (or half of one: '健康水平和健康保障' by '健康保障')."""
    cats = sorted({r.category for r in records if r.category}, key=len, reverse=True)
    for c in cats:
        parts = [c, *[p for p in re.split(r"和|与|及|、", c) if len(p) >= 2 and p != c]]
        if any(p in q for p in parts):
            return c
    return ""


def ask(question: str, doc_ids: Sequence[str], years: Sequence[str], expansions: Sequence[str],
        records: Sequence[Indicator], names: IndicatorNames, cues: Cues, figure: bool,
        ranked: Sequence[str] = (), past: bool = False, written: str = "") -> IndicatorAsk | None:
    """What the question asks of the store, or None when it is not a question about indicators.

    ``figure`` says the question asks for a figure at all (the question analysis decides);
    ``ranked`` are the ids of retrieved row passages, best first; ``past`` says it asks about what
    was achieved, not planned (a change then is the last period's, which only the prose reports);
    ``written``: the words the writer wrote themselves (a follow-up's, not the question it inherits)."""
    q = normalise(question)
    scope = [r for r in records if not doc_ids or r.doc_id in doc_ids]
    if not scope:
        return None
    ys = tuple(int(y) for y in years)
    attribute = next((a for a in (Attribute.BINDING, Attribute.EXPECTED) if a.value in q), Attribute.NONE)
    listing, counting = cues.has("list", q), cues.has("count", q)
    tables = [r for r in scope if r.origin == Origin.TABLE]
    keys = match_keys(q, expansions, scope, names, cues, ranked, written)
    base = IndicatorAsk(Intent.VALUE, tuple(doc_ids), years=ys, named_docs=bool(doc_ids), scores=keys)
    if (listing or counting) and attribute and not keys and not tables and doc_ids:
        # The plans named have no indicator table, so nothing in them is marked 约束性 or 预期性.
        return replace(base, intent=Intent.ATTRIBUTE_LIST, attribute=attribute)
    if (listing or counting) and cues.has("prose", q) and "指标" not in q:
        return None  # "写防控救治的专栏列了哪几项": the box's items, not a table category's indicators
    if (listing or counting) and tables:
        category = _category(q, tables)
        if attribute and not keys:
            return replace(base, intent=Intent.ATTRIBUTE_LIST, attribute=attribute, category=category)
        if category and (not keys or max(keys.values()) < 0.95):
            return replace(base, intent=Intent.COUNT if counting and not listing else Intent.CATEGORY_LIST,
                           category=category)
        if not keys and "指标" in q:
            return replace(base, intent=Intent.COUNT if counting else Intent.CATEGORY_LIST)
    if (listing or counting) and not keys and "指标" in q and doc_ids and not attribute:
        # A plan without a table states its targets in prose ('（二）主要指标 到2025年，…达到90%').
        return replace(base, intent=Intent.COUNT if counting else Intent.CATEGORY_LIST)
    if not keys or not (figure or attribute or ys):
        return None
    if past and not ys and not cues.has("baseline", q):
        return None  # what the last period achieved ('十三五期间…提高了几岁'): its review section says
    chosen = (next(iter(keys)),)  # the best-scoring key
    if cues.has("rank", q) and len({r.doc_id for r in scope if r.key in chosen}) > 1:
        return replace(base, intent=Intent.RANK, keys=chosen, high=cues.has("high", q))
    # "两个区比一比": set against each other, two plans named are what is compared; one plan's figure
    # is set against its own baseline.
    if cues.has("change", q) or (cues.has("versus", q) and len(doc_ids) < 2):
        return None if past else replace(base, intent=Intent.CHANGE, keys=chosen)
    return replace(base, keys=chosen, attribute=attribute, baseline=cues.has("baseline", q),
                   number=cues.has("number", q))
