"""What a question asks for, read from its wording: its *demands*, each a figure of a kind (money,
beds, days, minutes, a count in a measure word, a rate or figure of a named indicator). The gate
(assistant/answerable.py) then needs one sentence or table row that meets each.

    demands("滨海新区妇女儿童医院建成后设多少张床位？总投资多少？") → [Demand(money), Demand(beds)]
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from question.lexicon import CUE_KINDS, Lexicon, alternation, shipped
from vectorstore.sections import ordinal

_NUM = r"\d[\d.,，]*\s*"
# "分几个方面/有几项": how many items a text has, which its items answer by being listed.
HOW_MANY_ITEMS = re.compile(r"(?<!哪)几(?:个方面|个部分|个板块|大块|大类|大部分|部分|方面|项|条|点|块|类)")
# "分别是哪几个村的卫生室", "是哪几所学校": which members of a group the plan counts, named one by one.
_MEMBER = "(?:个|家|所|名|位|座|处|类|种|项|条)"  # the measure words members are counted with
WHICH_MEMBERS = re.compile(rf"哪[几两二三四五六七八九十]+{_MEMBER}")
# A count of members ("2个中心乡镇卫生院", "3-4家社区医院") and the marks of members named ("A、B", "A和B").
MEMBERS_COUNTED = re.compile(rf"(?:\d+(?:[-~～至]\d+)?|[一二两三四五六七八九十]+){_MEMBER}")
MEMBERS_NAMED = re.compile(r"[、；;]|和|及|与")
_COUNTED_ITEMS = re.compile(r"([一二两三四五六七八九十]{1,3}|\d{1,2})(?:个|项|条|点|件|大|种|类|块|方面|部分)")


# "几项能力分别是什么": a list counted in the plan's words ("7大能力（…）") whose count the asker does not know.
_UNCOUNTED = re.compile(r"(?<!哪)几(?:个|项|条|点|件|大|种|类)([\u4e00-\u9fff]{2})")
# Words a count names no group by ("几个方面"): any text is parted into them.
NO_HEAD = ("方面", "部分", "板块")


_WHICH_HEAD = re.compile(r"哪(?:几|些)(?:个|家|所|项|条|类|种|座|处|块)?([\u4e00-\u9fff]{1,2})")


def member_heads(ask: str) -> tuple[str, ...]:
    """The noun a "which ones" question asks the members of, as two characters and as one: '设了哪几个
    区？' → ('区',); '有哪几家医院要扩建' → ('医院', '医')."""
    out: list[str] = []
    for m in _WHICH_HEAD.finditer(ask):
        head = m.group(1)
        if head not in NO_HEAD:
            out += [head, head[0]] if len(head) == 2 else [head]
    return tuple(dict.fromkeys(out))


def counted_heads(ask: str) -> tuple[str, ...]:
    """What a list question counts without a number: '重点提升的几项能力分别是什么' → ('能力',)."""
    return tuple(dict.fromkeys(m.group(1) for m in _UNCOUNTED.finditer(ask) if m.group(1) not in NO_HEAD))


def list_lengths(ask: str) -> set[int]:
    """The lengths a question gives a list: '哪七项', '一共九条' → {7, 9}."""
    return {n for m in _COUNTED_ITEMS.finditer(ask) if (n := ordinal(f"第{m.group(1)}条"))}


# Kept compiled: a list question asks for a dozen words and their synonyms, more than re's own cache keeps.
@functools.lru_cache(maxsize=4096)
def counted_of(head: str) -> re.Pattern[str]:
    """A sentence naming a group of any number of ``head``: '能力' → '7大能力', '九项能力'."""
    return re.compile(rf"(?<![\d.])(?:\d{{1,2}}|[一二三四五六七八九十两]{{1,3}})(?:个|项|条|点|件|大|种|类){re.escape(head)}")


def counts_of_asked(words: Sequence[str]) -> list[re.Pattern[str]]:
    """For a list question's words, the patterns of a sentence counting one of them ('…转变' → '“六个转变”：');
    the word ends the counted noun ('5种中医康复适宜技术' counts techniques, not 中医)."""
    return [_ending_count(w) for w in words]


@functools.lru_cache(maxsize=4096)
def _ending_count(word: str) -> re.Pattern[str]:
    """counted_of(word) where the word ends the counted noun."""
    return re.compile(counted_of(word).pattern + r"(?![\u4e00-\u9fff])")


# Words that mark the end of the part of a question before an indicator ("东丽到2025年孕产妇系统管理率").
_BOUNDARY = re.compile(r".*(?:那边|这边|那个|这个|年|区|县|市|里|的|到|在|将|要|和|与|、|中|内|上|下|全|其|本|该|各|对|规划|计划)")
_ASKS_AMOUNT = re.compile(r"多少|几|多大|多高|多长|目标|达到|控制在|降到|降至|提高到|提升到|增加到|为多|是多")


class DemandKind(enum.StrEnum):
    """The kind of figure a demand asks for; each but the last three is read from lexicon/demand_cues.txt."""

    MONEY = "money"
    BEDS = "beds"
    DAYS = "days"
    DISTANCE = "distance"
    AREA = "area"  # of a building or a site ("建筑面积多大")
    AGE = "age"
    MINUTES = "minutes"
    PHONE = "phone"
    ADDRESS = "address"
    HOURS = "hours"
    WEEKDAYS = "weekdays"
    PROCEDURE = "procedure"
    TOTAL = "total"  # a total over a span of years
    WHEN = "when"  # a date or deadline
    DURATION = "duration"  # a span of time in any unit ("15分钟", "3到5年")
    FREQUENCY = "frequency"  # how often ("每年", "定期", "中期、末期")
    LEVEL = "level"  # a grade ("三级综合医院", "二级甲等")
    COUNT = "count"  # in a measure word (lexicon/measure_words.txt)
    RATE = "rate"
    FIGURE = "figure"  # of a named indicator


@dataclass(frozen=True)
class Demand:
    """One thing the question asks for: a figure of a kind, maybe of a named indicator."""

    kind: DemandKind
    evidence: re.Pattern[str]  # what a sentence must contain to meet it
    term: str = ""  # the indicator it belongs to ("剖宫产率"), '' when the kind says enough
    counted: str = ""  # what a count counts, when the plans name it ("多少家养老机构" → "养老机构")
    about: str = ""  # the one facility whose figure is asked ("第三中心医院…多少张床位"): a sentence must name it


# What a sentence or row must hold to meet a demand of each kind read from the cue list.
_EVIDENCE: dict[DemandKind, re.Pattern[str]] = {
    DemandKind.MONEY: re.compile(_NUM + r"(?:万|亿)?元|" + _NUM + r"(?:万|亿)(?!人|名|户|例|次|服务人口|常住|居民|平方|亩|台|剂|份|册|张)|"
                                 r"[（(](?:万|亿)?元[）)][^。；]{0,12}\d"),
    DemandKind.BEDS: re.compile(_NUM + r"张|[（(]张[）)][^。；]{0,12}\d"),
    DemandKind.DAYS: re.compile(_NUM + r"(?:天|日)(?!内完成)|住院日[^。；]{0,8}\d"),
    DemandKind.DISTANCE: re.compile(_NUM + r"(?:公里|千米|米|km)|[（(](?:公里|千米|米)[）)][^。；]{0,12}\d"),
    DemandKind.AREA: re.compile(_NUM + r"(?:万)?(?:平方米|平方公里|平米|㎡|亩|公顷)"),
    DemandKind.AGE: re.compile(_NUM + r"(?:周)?岁|[（(]岁[）)][^。；]{0,40}\d"),
    DemandKind.MINUTES: re.compile(_NUM + r"分钟"),
    # Not a year: "2025年" dates, "3到5年" lasts.
    DemandKind.DURATION: re.compile(r"(?<![\d.])\d{1,3}(?:\.\d+)?\s*(?:[-－—~～到至]\s*\d{1,3}\s*)?"
                                    r"(?:分钟|小时|天|周|个月|年)|[一二两三四五六七八九十半]+(?:个月|年|天|周)"),
    # How often: every so long, a yearly or periodic round, or the rounds named ("年度评估", "中期检查").
    DemandKind.FREQUENCY: re.compile(r"每(?:\d+|[一两二三四五六半])?(?:年|个?月|季度?|周|天|日)|年度|季度|定期|中期|"
                                     r"(?:\d+|[一二两三四五六七八九十半])(?:年|个月|周|天)一次"),
    DemandKind.PHONE: re.compile(r"(?:电话|热线)[^。；]{0,8}\d{3,}|(?<!\d)\d{3,4}[-－]\d{7,8}(?!\d)"),
    DemandKind.ADDRESS: re.compile(r"\d+号|(?:公交|地铁)[^。；]{0,6}\d+(?:路|号线)|\d+路(?:车|公交)"),
    DemandKind.HOURS: re.compile(r"\d{1,2}\s*[:：]\s*\d{2}|\d{1,2}(?:点|时)(?:至|到|-|—)|24小时"),
    DemandKind.WEEKDAYS: re.compile(r"(?:周|星期|礼拜)[一二三四五六日天末]|工作日|节假日"),
    # A plan states a procedure only where it says where or how one applies.
    DemandKind.PROCEDURE: re.compile(r"(?:携带|提交|凭)[^。；]{0,20}(?:证|材料|卡)|办理(?:地点|窗口)|窗口[^。；]{0,6}办理|"
                                     r"通过[^。；]{0,20}(?:平台|网站|窗口|客户端|小程序|APP)[^。；]{0,20}(?:申请|办理|预约)"),
    DemandKind.TOTAL: re.compile(r"(?:累计|合计|共计|总计|总额|共有?)[^。；]{0,8}\d"),
    # A hospital's grade or a level of government or care ("建成三级综合医院", "二级甲等", "区级").
    DemandKind.LEVEL: re.compile(r"[一二三]级|[一二三][甲乙丙]|[甲乙丙]等|[省市区县乡镇村]级(?!别)"),
    # A year, a month, or the plan's period or the year's end as a deadline ("力争6月底以前完成", "十四五期间").
    DemandKind.WHEN: re.compile(r"(?:19|20)\d\d|\d{1,2}月|[一二三四五六七八九十]{1,2}月|年底|年末|年内|年中|上半年|下半年|"
                                r"今年|明年|“?十[三四五]五”?(?:期间|末|时期)|期间|以前|之前|前完成|截至|届时"),
}
_GAP = r"[^，。？！；,.?!;\s]{0,4}"
# "哪几个" asks which; "好几个", "十几个", "这几个" say many; "其余几个", "其他几项", "另外几家", "剩下几个"
# point at the rest of what was named.
_NOT_ASKING = r"(?<![哪好十这那余他它外下])"


def cue_pattern(cues: Sequence[str]) -> re.Pattern[str]:
    """The cue words of one kind as a pattern: ('资金…多少', '几天') → 资金<gap>多少|(?<!哪)几天."""
    def one(cue: str) -> str:
        body = _GAP.join(re.escape(part) for part in cue.split("…"))
        return f"{_NOT_ASKING}{body}" if cue.startswith("几") else body
    return re.compile("|".join(one(c) for c in sorted(cues, key=len, reverse=True)))


assert set(CUE_KINDS) <= set(DemandKind), "every kind demand_cues.txt may name is a DemandKind"


@functools.lru_cache(maxsize=8)
def _asks(cues: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[tuple[DemandKind, re.Pattern[str]], ...]:
    return tuple((DemandKind(kind), cue_pattern(words)) for kind, words in cues)


@functools.lru_cache(maxsize=8)
def _count_word(measures: tuple[tuple[str, ...], ...]) -> re.Pattern[str]:
    """'多少家', '几个' (not '哪几个' or '好几个'): a count in one of the measure words."""
    words = {w for g in measures for w in g}
    return re.compile(rf"(?:多少|{_NOT_ASKING}几)({alternation(words)})")


_PER_CAPITA = re.compile(r"每(?:一)?(?:[十百千万]|十万)")
# "每万人全科医生…多少": what a ratio per head of population counts, up to what the question asks of it.
_PER_WHAT = re.compile(_PER_CAPITA.pattern + r"名?(?:常住)?(?:人口|居民|人)(?:中|里|拥有|有)?"
                       r"([\u4e00-\u9fff]{2,8}?)(?=目标|指标|要|达|是|为|有|定|设|多少|几|的|应|将|到|提高|在|[^\u4e00-\u9fff]|$)")
_ANY_COUNT = re.compile(r"\d|[一二两三四五六七八九十百千万]")
_COUNTED_END = re.compile(r"[？?，,。！!；;的吗呢啊了是在有要和与及或]")


def count_evidence(measure: str, groups: Sequence[Sequence[str]]) -> re.Pattern[str]:
    """A figure counted in the measure word asked or one interchangeable with it ('家' → 家|所|个…),
    in the text or in a table's header: '3-4家社区医院', '（个）…36'."""
    words = sorted({w for g in groups if measure in g for w in g} | {measure}, key=len, reverse=True)
    mw = "|".join(map(re.escape, words))
    # "第二人民医院" is an ordinal in a name, not two people.
    return re.compile(rf"(?<![第\d])\d[\d.\-~～至]*\s*(?:万|千|余|多)?(?:{mw})|(?<![第一二两三四五六七八九十百千万])"
                      rf"[一二两三四五六七八九十百千万]+(?:{mw})|"
                      rf"[（(](?:{mw})[）)][^。；]{{0,40}}\d")
_RATE_EVIDENCE = re.compile(_NUM + r"(?:%|％|‰)|/(?:10|十)?万|百分之|千分之|\d\s*[:：]\s*\d|"
                            r"[（(][^）)]{0,8}(?:%|％|‰|万)[）)][^。；]{0,40}\d")
_FIGURE_EVIDENCE = re.compile(r"\d")
_ASKING = re.compile(r"多大|多少|几")  # "多大岁数" is a question, not an indicator's name
_SHARE = re.compile(r"占比|比例|百分比|百分之几|百分之多少|几成|占[^，。？?！!]{0,8}?(?:多少|几)")
_REQUIRED = re.compile(r"(?:有|定|提)(?:没有|了)?(?:什么)?要求|要求(?:是|多|达)")


def _indicator_terms(question: str) -> list[str]:
    """'东丽到2025年孕产妇系统管理率要达到多少' → ['孕产妇系统管理率']; indicators end in 率 or 数."""
    out = []
    for m in re.finditer(r"[\u4e00-\u9fff]{1,14}?(?:率|[^多少次]数|住院日)(?=[^\u4e00-\u9fff]|目标|是|要|达|为|有|定|设|订|"
                         r"多少|的|在|应|将|控制|到|提高|降|$)", question):
        term = _BOUNDARY.sub("", m.group(0))
        if len(term) >= 2 and term not in ("人数", "总数", "个数", "次数") and not _ASKING.search(term):
            out.append(term)
    return out


def _names_thing(text: str) -> bool:
    """Whether a span is nouns only ('全科医生'), not words about them ('大概', '能有')."""
    import jieba.posseg

    return all(w.flag.startswith("n") for w in jieba.posseg.cut(text))


def _counted(q: str, end: int, plan_uses: Callable[[str], bool], empty: Sequence[str] = ()) -> str:
    """What a count counts, when the plans write it (or a word interchangeable with it): '多少家养老机构' →
    '养老机构' if a plan uses it, else '' (a writer's own word for a thing imposes nothing)."""
    tail = q[end:]
    stop = _COUNTED_END.search(tail)
    noun = tail[: stop.start() if stop else len(tail)]
    # A thing no plan writes ("几名康复治疗师", "几台心电监护仪") is counted nowhere in them; a writer's word
    # about the thing ("能有", "大概") names none.
    return noun if 2 <= len(noun) <= 10 and (plan_uses(noun) or _names_thing(noun) and not any(
        e in noun for e in empty)) else ""


def demands(question: str, names: Sequence[str] = (), lexicon: Lexicon | None = None,
            plan_uses: Callable[[str], bool] | None = None) -> list[Demand]:
    """What a question asks for: '滨海新区妇女儿童医院建成后设多少张床位？总投资多少？' → [money, beds];
    '孕产妇系统管理率要保持在多少以上？' → [rate of 孕产妇系统管理率]; a question asking for no amount → [].
    ``lexicon``: the live build's word lists (cues, measure words); ``plan_uses``: whether a plan in
    scope uses a word or one of its synonyms, so a count names what it counts ('多少家养老机构')."""
    lex = lexicon or shipped()
    q = question.replace(" ", "")
    for n in names:  # plan names end where an indicator's name begins ("埇桥产妇死亡率")
        q = q.replace(n, "的")
    out = [Demand(kind, _EVIDENCE[kind]) for kind, ask in _asks(lex.demand_cues) if ask.search(q)]
    if any(d.kind == DemandKind.FREQUENCY for d in out):
        # "多长时间评一次" asks how often, not how long one round lasts.
        out = [d for d in out if d.kind not in (DemandKind.DURATION, DemandKind.MINUTES, DemandKind.DAYS)]
    counted = _count_word(lex.measure_words).search(q)
    if counted and any(q.startswith(w, counted.start(1)) for w in lex.not_measures):
        counted = None  # "多少人口": a population, not a count in 人
    if counted and (_PER_CAPITA.search(q) or q[counted.end():counted.end() + 3] == "百分点"):
        # "每千人几个医生" asks a ratio, "几个百分点" a rate: any figure counts
        out.append(Demand(DemandKind.COUNT, _ANY_COUNT))
    elif counted and (counted.group(1) != "张" or not any(d.kind == DemandKind.BEDS for d in out)):
        # "多少家" needs a figure in 家 (or 所, 个…), not any digit
        noun = _counted(q, counted.end(), plan_uses, lex.empty_nouns) if plan_uses else ""
        measure = counted.group(1)
        if q[counted.end():counted.end() + 1] == "人" and measure != "人":
            measure = "人"  # "有几个人": people, counted in 名 or 位 as much as in 个
        evidence = count_evidence(measure, lex.measure_words)
        if not noun and any(measure in g and "人" in g for g in lex.measure_words):
            # "要让多少人接受指导": the plans count people as a share of them ("…指导率达到95%以上").
            evidence = re.compile(f"{evidence.pattern}|{_RATE_EVIDENCE.pattern}")
        out.append(Demand(DemandKind.COUNT, evidence, counted=noun))
    if _SHARE.search(q) and (_ASKS_AMOUNT.search(q) or _REQUIRED.search(q)):
        # "自己付的钱在总费用里占多少": the money is what the share is of; a share is asked.
        out = [d for d in out if d.kind != DemandKind.MONEY]
        if not any(d.kind in (DemandKind.RATE, DemandKind.COUNT) for d in out):
            # "…有研究生学历的占比有要求吗": a share asked for names no indicator a plan would write.
            out.append(Demand(DemandKind.RATE, _RATE_EVIDENCE))
    if not _ASKS_AMOUNT.search(q):
        return out
    for term in _indicator_terms(q):
        if term.endswith("率"):
            out.append(Demand(DemandKind.RATE, _RATE_EVIDENCE, term))
        elif not any(d.kind in (DemandKind.BEDS, DemandKind.DAYS, DemandKind.MONEY) for d in out):
            out.append(Demand(DemandKind.FIGURE, _FIGURE_EVIDENCE, term))
    per = _PER_WHAT.search(q) if not out else None
    if per and not _ASKING.search(per.group(1)) and _names_thing(per.group(1)):
        # "每千人口营养师定了多少": a ratio of what it names, which a sentence giving another ratio
        # ("每千人口执业医师数提高到2.8") does not answer.
        out.append(Demand(DemandKind.FIGURE, _FIGURE_EVIDENCE, per.group(1)))
    return out
