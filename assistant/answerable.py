"""Does the evidence carry what the question asks for?

Most questions the plans cannot answer still find good-looking passages: the plan names the
project but not its budget, has the indicator but not for the year asked, or has a different rate
("5岁以下儿童死亡率" for "新生儿死亡率"). Word overlap cannot see this; a figure of the right kind,
next to the right indicator and the thing asked about, can. So a question's *demands* are read
from its wording, and an answer needs one sentence (or table row) that meets each of them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from question.lexicon import PlaceWords, alternation

_NUM = r"\d[\d.,，]*\s*"
# Words that mark the end of the part of a question before an indicator ("东丽到2025年孕产妇系统管理率").
_BOUNDARY = re.compile(r".*(?:年|区|县|市|里|的|到|在|将|要|和|与|、|中|内|上|下|全|其|本|该|各|对|规划|计划)")
_QUALIFIER = re.compile(r"[（(][^）)]{0,12}[）)]|常住|全区|全市")
_ASKS_AMOUNT = re.compile(r"多少|几|多大|多高|多长|目标|达到|控制在|降到|降至|提高到|提升到|增加到|为多|是多")


@dataclass(frozen=True)
class Demand:
    """One thing the question asks for: a figure of a kind, maybe of a named indicator."""

    kind: str  # money | beds | days | minutes | rate | count | figure
    evidence: re.Pattern[str]  # what a sentence must contain to meet it
    term: str = ""  # the indicator it belongs to ("剖宫产率"), '' when the kind says enough


_KINDS: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    ("money", re.compile(r"多少钱|投资多少|总投资|投资额|预算|资金.{0,4}多少|多少.{0,3}资金|经费.{0,4}多少|"
                         r"补助标准|补贴标准|多少元|花多少|投入多少|几亿|几千万|多少万"),
     re.compile(_NUM + r"(?:万|亿)?元|" + _NUM + r"(?:万|亿)(?!人|名|户|例|次)|[（(](?:万|亿)?元[）)][^。；]{0,12}\d")),
    ("beds", re.compile(r"多少张|几张|床位数?(?:目标)?.{0,4}(?:多少|几)|(?:多少|几).{0,4}床"),
     re.compile(_NUM + r"张|[（(]张[）)][^。；]{0,12}\d")),
    ("days", re.compile(r"几天|多少天|住院日|天数"),
     re.compile(_NUM + r"(?:天|日)(?!内完成)|住院日[^。；]{0,8}\d")),
    ("minutes", re.compile(r"几分钟|多少分钟|多长时间"),
     re.compile(_NUM + r"分钟")),
    ("count", re.compile(r"(?:多少|(?<!哪)几)(?:个|家|所|名|人|支|台|辆|项|座|间|户|例|批|处)"),
     re.compile(r"\d|[一二两三四五六七八九十百千万]+(?:个|家|所|名|人|支|台|辆|项|座|间|户|例|批|处)")),
)
_PER_CAPITA = re.compile(r"每(?:一)?(?:[十百千万]|十万)")
_COUNT_WORD = re.compile(r"(?:多少|(?<!哪)几)(个|家|所|名|人|支|台|辆|项|座|间|户|例|批|处|种|张)")


def count_evidence(measure: str, groups: Sequence[Sequence[str]]) -> re.Pattern[str]:
    """A figure counted in the measure word asked or one interchangeable with it ('家' → 家|所|个…),
    in the text or in a table's header: '3-4家社区医院', '（个）…36'."""
    words = sorted({w for g in groups if measure in g for w in g} | {measure}, key=len, reverse=True)
    mw = "|".join(map(re.escape, words))
    return re.compile(rf"\d[\d.\-~～至]*\s*(?:万|千|余|多)?(?:{mw})|[一二两三四五六七八九十百千万]+(?:{mw})|"
                      rf"[（(](?:{mw})[）)][^。；]{{0,40}}\d")
_RATE_EVIDENCE = re.compile(_NUM + r"(?:%|％|‰)|/(?:10|十)?万|百分之|千分之|\d\s*[:：]\s*\d|"
                            r"[（(][^）)]{0,8}(?:%|％|‰|万)[）)][^。；]{0,40}\d")
_FIGURE_EVIDENCE = re.compile(r"\d")


def _indicator_terms(question: str) -> list[str]:
    """'东丽到2025年孕产妇系统管理率要达到多少' → ['孕产妇系统管理率']; indicators end in 率 or 数."""
    out = []
    for m in re.finditer(r"[\u4e00-\u9fff]{1,14}?(?:率|[^多少次]数|住院日)(?=[^\u4e00-\u9fff]|目标|是|要|达|为|有|"
                         r"多少|的|在|应|将|控制|到|提高|降|$)", question):
        term = _BOUNDARY.sub("", m.group(0))
        if len(term) >= 2 and term not in ("人数", "总数", "个数", "次数"):
            out.append(term)
    return out


def demands(question: str, names: Sequence[str] = (), measures: Sequence[Sequence[str]] = ()) -> list[Demand]:
    """What a question asks for: '滨海新区妇女儿童医院建成后设多少张床位？总投资多少？' → [money, beds];
    '孕产妇系统管理率要保持在多少以上？' → [rate of 孕产妇系统管理率]; a question asking for no amount → []."""
    q = question.replace(" ", "")
    for n in names:  # plan names end where an indicator's name begins ("埇桥产妇死亡率")
        q = q.replace(n, "的")
    out = [Demand(kind, ev) for kind, ask, ev in _KINDS if ask.search(q)]
    counted = _COUNT_WORD.search(q)
    if counted and (_PER_CAPITA.search(q) or q[counted.end():counted.end() + 3] == "百分点"):
        counted = None  # "每千人几个医生" asks a ratio, "几个百分点" a rate: any figure counts
    if counted and measures:  # "多少家" needs a figure in 家 (or 所, 个…), not any digit
        out = [d for d in out if d.kind != "count"]
        if counted.group(1) != "张" or not any(d.kind == "beds" for d in out):
            out.append(Demand("count", count_evidence(counted.group(1), measures)))
    if not _ASKS_AMOUNT.search(q):
        return out
    for term in _indicator_terms(q):
        if term.endswith("率"):
            out.append(Demand("rate", _RATE_EVIDENCE, term))
        elif not any(d.kind in ("beds", "days", "money") for d in out):
            out.append(Demand("figure", _FIGURE_EVIDENCE, term))
    return out


def _norm(text: str) -> str:
    return _QUALIFIER.sub("", text)


def _bigrams(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1)]


def _variants(term: str, synonyms: Sequence[Sequence[str]]) -> Iterable[str]:
    """The term and its forms with each synonym the plans use ('医生' ↔ '医师')."""
    yield term
    for group in synonyms:
        for w in group:
            if w in term and len(w) >= 2:
                for alt in group:
                    if alt != w:
                        yield term.replace(w, alt)


def term_match(term: str, text: str, synonyms: Sequence[Sequence[str]]) -> float:
    """Share of the indicator's character pairs found in the text, best over its forms with the
    ``synonyms`` (Lexicon.synonyms): '每千人口执业医师数' in '每千常住人口执业（助理）医师数' → 1.0;
    '新生儿死亡率' in '5岁以下儿童死亡率' → 0.4."""
    norm = _norm(text)
    best = 0.0
    for v in _variants(_norm(term), synonyms):
        grams = _bigrams(v)
        if grams:
            best = max(best, sum(g in norm for g in grams) / len(grams))
    return best


def meets(demand: Demand, text: str, min_term: float = 0.7, *, synonyms: Sequence[Sequence[str]]) -> bool:
    """Whether one sentence or row meets a demand: its indicator named, with a figure of its kind."""
    # 0.7: "婴儿死亡率" shares 3 of 5 pairs with "新生儿死亡率" and is a different indicator.
    if demand.term and term_match(demand.term, text, synonyms) < min_term:
        return False
    # The unit is looked for in the raw text: it often sits in a table's header ("死亡率（‰）").
    return bool(demand.evidence.search(text))


_BLANK_CELL = re.compile(r"^(?:——|—|－|-|/|／|无|空)?$")


def year_ok(years: Sequence[str], text: str, is_row: bool) -> bool:
    """A table row answers a year only when it has that year's column ('2020年' absent → not) and
    the cell is not left blank ('2020年 ——')."""
    if not is_row or not years:
        return True
    cells = {y: v.strip() for y, v in re.findall(r"(20\d\d)年[：:\s]*([^，,；;｜|\n]*)", text)}
    if not cells:
        return True
    return all(y in cells and not _BLANK_CELL.match(cells[y]) for y in years)


@dataclass(frozen=True)
class Verdict:
    answerable: bool
    unmet: tuple[Demand, ...] = ()
    supporting: tuple[int, ...] = ()  # positions of the sentences that meet a demand
    complete: tuple[int, ...] = ()  # positions of the sentences that meet every demand alone
    demands: tuple[Demand, ...] = ()

    @property
    def reason(self) -> str:
        """'“剖宫产率”的数值' / '金额': what was asked for and not found."""
        return "、".join(f"“{d.term}”的数值" if d.term else _KIND_NAMES[d.kind] for d in self.unmet)


_KIND_NAMES = {"money": "金额", "beds": "床位数", "days": "天数", "minutes": "时长", "rate": "比率",
               "count": "数量", "figure": "数值"}


def judge(question: str, sentences: Sequence[tuple[str, bool]], years: Sequence[str],
          covers: Callable[[str], float], names: Sequence[str] = (), rel_cover: float = 0.6,
          measures: Sequence[Sequence[str]] = (), *, synonyms: Sequence[Sequence[str]]) -> Verdict:
    """Whether the sentences (text, is_table_row) answer what the question asks for.

    Each demand needs a sentence that meets it, is about what the question is about (covers at
    least ``rel_cover`` of what the best-covering sentence covers: colloquial questions share few
    words with any sentence, so an absolute bar would refuse them) and, for a table row, has the
    year asked. A question without demands is always answerable here; other checks decide it.
    ``synonyms``: the live lexicon's groups (LiveIndex.synonyms).
    """
    syn = synonyms
    ds = demands(question, names, measures)
    if not ds or not sentences:
        return Verdict(not ds)
    cov = [covers(s) for s, _ in sentences]
    bar = rel_cover * max(cov)
    unmet = []
    supporting: list[int] = []
    met: list[set[int]] = []
    for d in ds:
        ok = [i for i, (s, row) in enumerate(sentences)
              if cov[i] >= bar and meets(d, s, synonyms=syn) and year_ok(years, s, row)]
        met.append(set(ok))
        if ok:
            supporting.extend(i for i in ok if i not in supporting)
        else:
            unmet.append(d)
    complete = tuple(i for i in supporting if all(i in m for m in met))
    return Verdict(not unmet, tuple(unmet), tuple(supporting), complete, tuple(ds))


# A span holding one of these characters is a piece of a sentence ("想问问区里", "我们这个县"), not a name.
_NOT_IN_NAME = "[的我们这那个在问说想听看去到要对给了住是有里]"


@functools.lru_cache(maxsize=8)
def _place_patterns(words: PlaceWords) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The lists of ``lexicon/`` as patterns: a place name ("南开区"), a word ending like one that is
    not one ("社区", "城市", "全市": a not-place prefix and a one-character ending), and a province or
    big city ("上海"). Built once per lexicon."""
    place = re.compile(rf"[\u4e00-\u9fff]{{2,4}}?(?:{alternation(words.suffixes)})")
    one_char = [s for s in words.suffixes if len(s) == 1]
    not_place = [f"(?:{alternation(words.not_place_prefixes)})(?:{alternation(one_char)})$"] if one_char else []
    return place, re.compile("|".join([*not_place, _NOT_IN_NAME])), re.compile(alternation(words.other_places))


def unknown_places(question: str, mentioned: Callable[[str], bool], regions: Iterable[str] = (),
                   plan_named: bool = False, *, places: PlaceWords) -> list[str]:
    """Districts or cities a question names that no plan mentions at all, and provinces or big
    cities that are none of the plans' ``regions``: a question about '天津南开区' or '上海' is not
    answered by the 东丽 plan however well the words match.
    '天津南开区2030年每千人口床位数要达到多少？' → ['天津南开区'] when no plan text contains it;
    '上海2030年每千人口床位数要达到多少？' → ['上海'] unless a plan's city or province is 上海.
    A question naming one of the plans is about that plan: '东丽对湖北返津人员…' → [].
    ``places``: the live lexicon's place lists (LiveIndex.lexicon.places)."""
    place, not_place, elsewhere = _place_patterns(places)
    own = {re.sub(r"(省|市|自治区|特别行政区)$", "", r) for r in regions if r}  # the plans' own provinces, cities
    out: list[str] = []
    for m in place.finditer(question):
        name = m.group(0)
        if not_place.search(name) or mentioned(name):
            continue
        # "天津南开区": a known city prefix does not make the district known.
        if not any(mentioned(name[i:]) for i in range(1, len(name) - 1)):
            out.append(name)
    # Provinces and big cities named without 市 ("上海", "河北省", "广州"): the plans mention some in
    # passing ("选派优秀医生到北京上海等地进修"), which does not make them cover those places.
    # "杭州道街", "南京路": a big city's name inside a local one (the plans write "杭州道") is not it.
    for m in () if plan_named else elsewhere.finditer(question):
        name, after = m.group(0), question[m.end() : m.end() + 1]
        if name in own or after and (after in "道路街巷里桥村镇乡" or mentioned(name + after)):
            continue
        if not any(name in o or o in name for o in out):
            out.append(name)
    return out
