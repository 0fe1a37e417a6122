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

from question.ask import ASKS_WHAT
from question.demands import Demand, DemandKind
from question.lexicon import PlaceWords, alternation
from question.scope import NOT_IN_NAME

_QUALIFIER = re.compile(r"[（(][^）)]{0,12}[）)]|常住|全区|全市")


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
    '新生儿死亡率' in '5岁以下儿童死亡率' → 0.4. A shortened name whose every word the text writes in
    that order, close together, is the text's indicator: '基层机构达标率' in '基层医疗卫生机构标准化建设达标率' → 1.0."""
    norm = _norm(text)
    best = 0.0
    for v in _variants(_norm(term), synonyms):
        grams = _bigrams(v)
        if grams:
            best = max(best, sum(g in norm for g in grams) / len(grams))
        if best < 1.0 and (spread := _spread(v)) is not None and spread.search(norm):
            return 1.0
    return best


@functools.lru_cache(maxsize=4096)
def _spread(term: str) -> re.Pattern[str] | None:
    """The term's words in order with a few characters between each ('基层.{0,8}机构.{0,8}达标率');
    None for a term of fewer than three words (two words apart may each belong to another name)."""
    import jieba

    words = [w for w in jieba.cut(term) if w.strip()]
    if len(words) < 3 or any(len(w) < 2 for w in words):
        return None
    return re.compile(".{0,8}".join(map(re.escape, words)))


def meets(demand: Demand, text: str, min_term: float = 0.7, *, synonyms: Sequence[Sequence[str]],
          plan_writes: Callable[[str], bool] = lambda w: False) -> bool:
    """Whether one sentence or row meets a demand: its indicator named, with a figure of its kind.
    ``plan_writes``: whether the sentence's own plan writes a word; a plan that writes the counted
    word itself means something else by its synonyms (the 天津 plan's 社区医院 are upgraded
    社区卫生服务中心, so "多少家社区医院" is not counted by "社区卫生服务中心124家")."""
    # 0.7: "婴儿死亡率" shares 3 of 5 pairs with "新生儿死亡率" and is a different indicator.
    if demand.term and term_match(demand.term, text, synonyms) < min_term:
        return False
    counted_in = () if demand.counted and plan_writes(demand.counted) else synonyms
    if demand.counted and term_match(demand.counted, text, counted_in) < min_term:
        return False  # "11家社区卫生服务中心" does not count 养老机构
    if demand.counted and demand.kind is DemandKind.COUNT and counted_in:
        # Counted in another word of its group, the count must be in a clause with that word:
        # "…急救站点，…自动体外除颤仪40台" counts no 救护车 though both are about emergency care.
        return any(demand.evidence.search(c) and term_match(demand.counted, c, counted_in) >= min_term
                   for c in _CLAUSE.split(text))
    if demand.kind is DemandKind.WHEN:
        # A date is the sentence's own: a section's "“十四五”时期重点任务" dates no project under it.
        text = text.rsplit("\n", 1)[-1]
    # The unit is looked for in the raw text: it often sits in a table's header ("死亡率（‰）").
    return bool(demand.evidence.search(text))


_CLAUSE = re.compile(r"[，,；;。\n]")
_INCLUDES = re.compile(r"(?:主要|其中)?(?:包括|包含|涵盖)")


def _around_list(text: str) -> tuple[str, str] | None:
    """The text before the first "包括" and what it lists after it; None without one."""
    m = _INCLUDES.search(text)
    return (text[:m.start()], text[m.end():]) if m else None


def listed_only(text: str, about: str) -> bool:
    """Whether a text names ``about`` only among the things it lists after "包括": ('…二级单位共18个，其中
    卫生医疗机构包括东丽医院、中医医院…', '东丽医院') → True (the text is about all of them)."""
    parts = _around_list(text)
    return parts is not None and about in parts[1] and about not in parts[0]


def summed_over(sentence: str, about: str, figure: re.Pattern[str]) -> bool:
    """Whether a sentence's figure is a total over several things, the one asked about only among
    those it lists after it: ('建设资金累计1.96亿元，主要包括东丽医院一期…及三期综合楼建设项目…', '东丽医院') → True."""
    parts = _around_list(sentence)
    return (parts is not None and about in parts[1] and about not in parts[0]
            and bool(figure.search(parts[0])) and not figure.search(parts[1]))


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
        return "、".join(f"“{d.term}”的数值" if d.term else f"“{d.counted}”的数量" if d.counted else _KIND_NAMES[d.kind]
                        for d in self.unmet)


_KIND_NAMES = {"money": "金额", "beds": "床位数", "days": "天数", "distance": "距离", "area": "面积", "age": "年龄", "minutes": "时长",
               "rate": "比率", "count": "数量", "figure": "数值", "phone": "联系电话", "address": "地址或乘车路线",
               "hours": "开放时间", "procedure": "办理地点、流程或所需材料", "total": "合计数",
               "weekdays": "坐诊日期", "when": "时间", "level": "级别", "duration": "时长",
               "frequency": "频次"}


def judge(demanded: Sequence[Demand], sentences: Sequence[tuple[str, bool]], years: Sequence[str],
          covers: Callable[[str], float], rel_cover: float = 0.6, *, synonyms: Sequence[Sequence[str]],
          context: Sequence[str] = (), writes: Sequence[Callable[[str], bool]] = (),
          agreed: Sequence[bool] = (), best: float = 0.0) -> Verdict:
    """Whether the sentences (text, is_table_row) answer what the question asks for (its
    ``demanded`` figures, QuestionAnalysis.demands).

    Each demand needs a sentence that meets it, is about what the question is about (covers at
    least ``rel_cover`` of what the best-covering sentence covers: colloquial questions share few
    words with any sentence, so an absolute bar would refuse them) and, for a table row, has the
    year asked. A question without demands is always answerable here; other checks decide it.
    ``synonyms``: the live lexicon's groups (LiveIndex.synonyms). ``context``: text each sentence
    is read with for what it is about (its section, the sentence before it), not for its figure.
    ``writes``: for each sentence, whether its plan writes a word (see ``meets``). ``agreed``: for
    each sentence, whether word and meaning search both rank its passage near the top: its sentences
    need half the bar (an everyday question shares few words with the sentence that answers it).
    ``best``: the coverage of a sentence set aside before judging (the last period's review for a
    figure still to be done): it still sets the bar, so what is left is not judged among itself.
    """
    ds = list(demanded)
    if not ds or not sentences:
        return Verdict(not ds)
    around = list(context) or [""] * len(sentences)
    own = list(writes) or [lambda w: False] * len(sentences)
    near = list(agreed) or [False] * len(sentences)
    alone = [covers(s) for s, _ in sentences]
    cov = [covers(f"{c}\n{s}") if c else a for (s, _), c, a in zip(sentences, around, alone, strict=True)]
    # The bar is set by the best-covering sentence alone: read with the sentence before it, a sentence
    # also counts that one's words, and a pair would set a bar no single sentence has to reach.
    bar = rel_cover * max(*alone, best)
    unmet = []
    supporting: list[int] = []
    met: list[set[int]] = []
    for d in ds:
        ok = [i for i, (s, row) in enumerate(sentences)
              if cov[i] >= (bar / 2 if near[i] else bar) and meets(d, s, synonyms=synonyms, plan_writes=own[i]) and year_ok(years, s, row)
              and (not d.about or (d.about in s and not summed_over(s, d.about, d.evidence))
                   or (d.about in around[i] and not listed_only(around[i], d.about)))]
        # "那2017年呢": of the sentences giving such a figure, those dated the year asked give that
        # year's; an undated one gives some other year's.
        dated = [i for i in ok if any(f"{y}年" in sentences[i][0] for y in years)]
        ok = dated or ok
        met.append(set(ok))
        if ok:
            supporting.extend(i for i in ok if i not in supporting)
        else:
            unmet.append(d)
    complete = tuple(i for i in supporting if all(i in m for m in met))
    return Verdict(not unmet, tuple(unmet), tuple(supporting), complete, tuple(ds))


_NOT_IN_NAME = f"[{NOT_IN_NAME}]"  # a span holding one is a piece of a sentence, not a name
_COUNTED = re.compile(r"[俩两几]个?[\u4e00-\u9fff]$")


@functools.lru_cache(maxsize=8)
def _place_patterns(words: PlaceWords) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The lists of ``lexicon/`` as patterns: a place name ("南开区"), a word ending like one that is
    not one ("社区", "城市", "全市": a not-place prefix and a one-character ending), and a province or
    big city ("上海"). Built once per lexicon."""
    place = re.compile(rf"[\u4e00-\u9fff]{{2,4}}?(?:{alternation(words.suffixes)})")
    one_char = [s for s in words.suffixes if len(s) == 1]
    not_place = [f"(?:{alternation(words.not_place_prefixes)})(?:{alternation(one_char)})$"] if one_char else []
    # A partner word, then perhaps other places of a list ("跟上海、江苏…"), right before the place.
    partner = re.compile(rf"(?:{alternation(words.partners)})(?:[\u4e00-\u9fff]{{2,4}}[、和及])*$" if words.partners
                         else r"(?!)")
    return (place, re.compile("|".join([*not_place, _NOT_IN_NAME])), re.compile(alternation(words.other_places)),
            partner)


@functools.lru_cache(maxsize=256)
def _word_ends(text: str) -> frozenset[int]:
    """Where the segmenter's words of a text end: '想了解一下' → {1, 3, 5}."""
    import jieba

    return frozenset(end for _, _, end in jieba.tokenize(text))


_COMPARED_AFTER = re.compile(r"(?:的[^，。？?！!]{0,8})?(?:比|相比|对比|差|高|低|强|弱)")


def _compared_with(question: str, start: int, end: int) -> bool:
    """Whether the place at question[start:end] is what a plan's figure is compared with: '跟南京比',
    '比南京高', '和南京的相比'."""
    return start > 0 and question[start - 1] in "跟和与同较比" and bool(_COMPARED_AFTER.match(question, end))


def unknown_places(question: str, mentioned: Callable[[str], bool], regions: Iterable[str] = (),
                   plan_named: bool = False, *, places: PlaceWords) -> list[str]:
    """Districts or cities a question names that no plan mentions at all, and provinces or big
    cities that are none of the plans' ``regions``: a question about '天津南开区' or '上海' is not
    answered by the 东丽 plan however well the words match.
    '天津南开区2030年每千人口床位数要达到多少？' → ['天津南开区'] when no plan text contains it;
    '上海2030年每千人口床位数要达到多少？' → ['上海'] unless a plan's city or province is 上海.
    A question naming one of the plans is about that plan: '东丽对湖北返津人员…' → []; unless it compares
    the plan with such a place: '东丽每千人口床位数跟南京比少多少？' → ['南京'].
    ``places``: the live lexicon's place lists (LiveIndex.lexicon.places)."""
    place, not_place, elsewhere, partner = _place_patterns(places)
    own = {re.sub(r"(省|市|自治区|特别行政区)$", "", r) for r in regions if r}  # the plans' own provinces, cities
    out: list[str] = []
    for m in place.finditer(question):
        name = m.group(0)
        # "…具体到和平区": the search starts too early; the name is what follows the sentence's last
        # word that no name holds ("到").
        inside = [c.end() for c in re.finditer(_NOT_IN_NAME, name[:-1])]
        if inside and len(name) - inside[-1] >= 3:
            if m.start() + inside[-1] not in _word_ends(question):
                continue  # "麻烦了解一下区卫生健康委…": 了 begins a word (了解), so no name follows it
            name = name[inside[-1]:]
            if ASKS_WHAT.match(name):
                continue  # "都是哪些区": a question, no name
        asked = [c.end() for c in ASKS_WHAT.finditer(name[:-1])]
        if asked:
            # "分成哪几块区域": no name holds a question word; a name can only follow the last one.
            name = name[asked[-1]:]
            if len(name) < 3:
                continue
        if _COUNTED.search(name):
            continue  # "甲和乙俩区": the places named before it, counted
        if name[-1] in places.suffixes and question[m.end() : m.end() + 1] in places.not_place_followers:
            continue  # "往市里跑", "以后区里": the city or district the writer lives in, not a name
        bad = not_place.search(name)
        # An ending like "山区" makes a name no place when it is a word of its own after a name
        # ("东丽社区") or the whole name; after one character it is the name's own ("砀山县", "南山区").
        # …unless that one character is itself a determiner ("各片区", "每山区"): then no name at all.
        if bad and (bad.start() != 1 or bad.end() != len(name) or len(bad.group(0)) < 2
                    or name[0] in places.not_place_prefixes) or mentioned(name):
            continue
        # "天津南开区": a known city prefix does not make the district known.
        if not any(mentioned(name[i:]) for i in range(1, len(name) - 1)):
            out.append(name)
    # Provinces and big cities named without 市 ("上海", "河北省", "广州"): the plans mention some in
    # passing ("选派优秀医生到北京上海等地进修"), which does not make them cover those places.
    # "杭州道街", "南京路": a big city's name inside a local one (the plans write "杭州道") is not it.
    for m in elsewhere.finditer(question):
        name, after = m.group(0), question[m.end() : m.end() + 1]
        compared = _compared_with(question, m.start(), m.end())
        if plan_named and not compared:
            continue  # "东丽对湖北返津人员…": about the plan named; "东丽…跟南京比" asks of 南京 too
        if name in own or after and (after in "道路街巷里桥村镇乡" or mentioned(name + after)):
            continue
        if partner.search(question[: m.start()]) and not compared:
            continue  # "跟上海、江苏那边的大医院合作": what the plan's own place does with them
        if not any(name in o or o in name for o in out):
            out.append(name)
    return out
