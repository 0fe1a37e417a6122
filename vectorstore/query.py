"""Query understanding built from the corpus and manifest, not per question.

Finds which plans a question names (districts, cities, plan names and their loose forms such as
"东丽" or "天津基层规划"), expands synonyms the plans use interchangeably (the groups of
``lexicon/synonyms.txt``, passed in), and notices indicator and year questions so that table rows
can be favoured.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from vectorstore.types import DocMeta

# Groups of words the plans use for the same thing: ("床位", "床位数", "病床").
Synonyms = tuple[tuple[str, ...], ...]


_INDICATOR_HINTS = re.compile(
    r"每千|每万|率|寿命|床位|医师|医生|护士|比例|人数|数量|多少|目标|指标|达到|控制在|以下|以上|比重|占比"
)
_YEAR = re.compile(r"(20\d\d)年?")
# Whether a question asks what was achieved (the plans' "十三五…成就" sections) or what is planned.
_PAST = re.compile(r"十三五|现在|目前|现有|已经|去年|实际|截至|截止到|过去|以来|涨了|升了|降了|提高了|下降了|"
                   r"取得|成效|成绩|20(?:1\d|20)年")
_FUTURE = re.compile(r"十四五|2025|20[2-3][1-9]年|要|目标|将|计划|打算|力争|争取|控制在|提高到|提升到|降到|降至|"
                     r"达到多少|会不会|能不能|是否|下一步|今后|以后|往后|日后|接下来|将来|未来")


def tense(text: str) -> str:
    """'十三五期间签了多少人？' → 'past'; '2025年目标是多少？' → 'future'; both or neither → ''."""
    past, future = bool(_PAST.search(text)), bool(_FUTURE.search(text))
    return "past" if past and not future else "future" if future and not past else ""


@dataclass(frozen=True)
class QueryInfo:
    text: str
    doc_ids: tuple[str, ...]  # plans the question names, in the order named
    expansions: tuple[str, ...]  # extra terms from synonym groups
    indicator: bool  # asks for a figure or target
    years: tuple[str, ...]
    asks: str = ""  # "responsibility" | "time" | "list" | ""
    tense: str = ""  # "past" (what was achieved) | "future" (what is planned) | ""

    @property
    def expanded(self) -> str:
        return self.text + (" " + " ".join(self.expansions) if self.expansions else "")


class QueryAnalyzer:
    """Built once per index from its documents' metadata and the synonym groups of the lexicon."""

    def __init__(self, docs: Iterable[DocMeta], synonyms: Sequence[Sequence[str]] = (),
                 intents: Sequence[tuple[str, Sequence[str]]] | None = None) -> None:
        self.synonyms: Synonyms = tuple(tuple(g) for g in synonyms)
        if intents is None:
            from question.lexicon import shipped

            intents = shipped().intent_cues
        # What kind of answer a question wants (lexicon/intent_cues.txt): the first intent whose cue it holds.
        self.intents = tuple((name, tuple(cues)) for name, cues in intents)
        self.aliases: list[tuple[str, str]] = []  # (alias, doc_id), longest first
        for d in docs:
            names = {d.district, d.title, *d.aliases}
            if d.district:
                short = re.sub(r"(新区|区|县|旗)$", "", d.district)
                if len(short) >= 2:
                    names.add(short)
            if not d.district and d.city:
                # A city-wide plan answers for its city: "天津市" and the loose "天津".
                names.add(d.city)
                names.add(re.sub(r"市$", "", d.city))
            for n in names:
                if n and len(n) >= 2:
                    self.aliases.append((n, d.doc_id))
        self.aliases.sort(key=lambda a: -len(a[0]))
        self._aliases_of: dict[str, list[str]] = {}  # doc_id → its aliases, longest first
        for alias, doc_id in self.aliases:
            self._aliases_of.setdefault(doc_id, []).append(alias)

    def doc_mentions(self, text: str) -> tuple[str, ...]:
        """Plans named in a question, in order: '东丽和埇桥的床位目标' → ('dongli', 'yongqiao')."""
        found: list[tuple[int, str]] = []
        taken: list[tuple[int, int]] = []
        for alias, doc_id in self.aliases:  # plain finds: a regex per alias misses re's cache at 500 plans
            s = text.find(alias)
            while s != -1:
                e = s + len(alias)
                if not any(s < te and ts < e for ts, te in taken):
                    taken.append((s, e))
                    found.append((s, doc_id))
                s = text.find(alias, e)
        out: list[str] = []
        for _, d in sorted(found):
            if d not in out:
                out.append(d)
        return tuple(out)

    def without_names(self, text: str, doc_ids: Sequence[str]) -> str:
        """The text without the names of the given plans: '滨海补短板计划对妇幼保健有什么安排' →
        '对妇幼保健有什么安排' (a search already kept to those plans gains nothing from their names,
        and their title's words would favour the passages that repeat it)."""
        for alias in sorted((a for d in doc_ids for a in self._aliases_of.get(d, ())), key=len, reverse=True):
            text = text.replace(alias, " ")
        return text

    def analyze(self, text: str) -> QueryInfo:
        """'东丽2025年医生目标？' → doc_ids ('dongli',), expansions incl. '执业（助理）医师', indicator True."""
        expansions: list[str] = []
        # "上海、江苏、浙江" is also read as one word: the lexicon writes a list's joined form ("上海江苏浙江").
        joined = text.replace("、", "")
        # "宫颈癌的疫苗" says the lexicon's "宫颈癌疫苗" with a 的 between its words (two words joined:
        # a short one would match across "毛病的人" as "病人").
        plain = joined.replace("的", "")
        for group in self.synonyms:
            if any(w in text or w in joined or (len(w) >= 4 and w in plain) for w in group):
                expansions.extend(w for w in group if w not in text and w not in expansions)
        return QueryInfo(
            text=text,
            doc_ids=self.doc_mentions(text),
            expansions=tuple(expansions),
            indicator=bool(_INDICATOR_HINTS.search(text)),
            years=tuple(dict.fromkeys(_YEAR.findall(text))),
            asks=next((name for name, cues in self.intents if any(c in text for c in cues)), ""),
            tense=tense(text),
        )
