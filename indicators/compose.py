"""Answers from the indicator store: every figure copied from a record, every line cited to its row.

    compose(IndicatorAsk(VALUE, ('dongli',), keys=('人均预期寿命',)), records, plans)
      → StoreAnswer('东丽区规划：人均期望寿命（岁）：2020年 81.15，2025年 82[1]', cited=(row id,))

A question the store cannot settle (the plan it names sets no such indicator) gets None, and the
usual retrieval path answers. A figure the table leaves open, or a year it lacks, is declined
precisely, with the row shown as the closest passage.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from indicators.ask import IndicatorAsk, Intent
from indicators.prose import states_figure, states_year
from indicators.types import Indicator, Op, Origin, Role, Value
from indicators.values import with_unit

_NUM = re.compile(r"\d+(?:\.\d+)?")
# A target bound at the baseline's own figure ('<3.03' against 3.03) still says which way it goes.
_BOUND_KIND = {Op.GE: "下限", Op.GT: "下限", Op.LE: "上限", Op.LT: "上限", Op.APPROX: "约数", Op.EQ: "数值"}
_AT_BOUND = {Op.LT: "低于", Op.LE: "不高于", Op.GT: "高于", Op.GE: "不低于", Op.APPROX: "约等于", Op.EQ: "等于"}


@dataclass(frozen=True)
class Plan:
    doc_id: str
    label: str  # "东丽区"
    title: str
    text: str = ""  # the plan's cleaned text: a figure its table leaves open may stand in its prose
    start: int | None = None  # the first year of its period


@dataclass(frozen=True)
class StoreAnswer:
    text: str
    cited: tuple[str, ...]  # passage ids, [1] first
    refused: bool = False
    note: str = ""  # why it declines, precisely
    nearby: tuple[str, ...] = ()  # with a decline: the rows that came closest


class _Cites:
    def __init__(self) -> None:
        self.ids: list[str] = []

    def __call__(self, r: Indicator) -> str:
        if r.chunk_id not in self.ids:
            self.ids.append(r.chunk_id)
        return f"[{self.ids.index(r.chunk_id) + 1}]"


def value_label(v: Value) -> str:
    if v.label and v.label != "目标":
        return v.label
    return f"{v.year}年目标" if v.year else "目标"


def line(r: Indicator) -> str:
    """'人均期望寿命（岁）：2020年 81.15，2025年 82'; a sentence's: '全市每万名常住人口拥有4名全科医生（2025年目标，见规划正文）'."""
    if r.origin == Origin.TEXT:
        v = r.values[0]
        return f"{v.original}（{value_label(v)}，见规划正文）"
    vals = "，".join(f"{value_label(v)} {with_unit(v.text, r.unit) or '（空）'}" for v in r.values)
    attr = f"，{r.attribute.value}" if r.attribute.value else ""
    return f"{r.name}：{vals}{attr}"


def unit_of(r: Indicator, v: Value | None) -> str:
    """A value's unit ('/10万' and '1/10万' alike), else the indicator's."""
    return (v.comparison.unit if v and v.comparison and v.comparison.unit else r.unit).lstrip("1")


def per_plan(records: Sequence[Indicator], keys: Sequence[str]) -> dict[str, list[Indicator]]:
    """Each plan's records of the keys: its table rows, else its text targets."""
    out: dict[str, list[Indicator]] = {}
    for r in records:
        if r.key in keys:
            out.setdefault(r.doc_id, []).append(r)
    return {d: [r for r in rs if r.origin == Origin.TABLE] or rs for d, rs in out.items()}


def _sort_key(number: float | None) -> float:
    """Highest first; a target stated in words ('同比例提高') last."""
    return -number if number is not None else float("inf")


def _target_number(rs: Sequence[Indicator]) -> float | None:
    t = rs[0].target
    return t.comparison.number if t and t.comparison else None


def _asked_value(r: Indicator, ask: IndicatorAsk) -> tuple[Value | None, str]:
    """The value the question asks for and, when there is none, why: (None, '未列出2023年的数值')."""
    if ask.years:
        y = ask.years[-1]
        v = r.value(year=y)
        if v is None:
            have = "、".join(value_label(x) for x in r.values)
            return None, f"未列出{y}年的数值（只列有{have}）"
    elif ask.baseline:
        v = r.value(Role.BASELINE)
        if v is None:
            return None, f"未列出规划期前的基数（只列有{'、'.join(value_label(x) for x in r.values)}）"
    else:
        return None, ""
    if v.blank:
        return None, f"{value_label(v)}一栏为“{v.text or '空'}”，未给出数值"
    if ask.number and not re.search(r"\d", v.text):
        return None, f"{value_label(v)}一栏为“{v.text}”，未给出具体数值"
    return v, ""


def compose(ask: IndicatorAsk, records: Sequence[Indicator], plans: Mapping[str, Plan],
            variants: Callable[[str], Sequence[str]] = lambda key: ()) -> StoreAnswer | None:
    """The store's answer to an analysed question, or None when retrieval should answer instead.
    ``variants``: an indicator key's other names (the name lexicon), as prose may write them."""
    scope = [r for r in records if not ask.docs or r.doc_id in ask.docs]
    if ask.intent in (Intent.CATEGORY_LIST, Intent.ATTRIBUTE_LIST, Intent.COUNT):
        return _listing(ask, scope, plans)
    per = per_plan(scope, ask.keys)
    if not per or any(d not in per for d in ask.docs):
        return None  # a plan the question names sets no such indicator: its prose may still say
    if ask.intent == Intent.RANK and len(per) > 1:
        return _rank(ask, per, plans)
    if ask.intent == Intent.CHANGE:
        return _change(ask, per, plans)
    return _value(ask, per, plans, variants)


def _label(plans: Mapping[str, Plan], doc_id: str) -> str:
    p = plans.get(doc_id)
    return p.label if p else doc_id


def _value(ask: IndicatorAsk, per: dict[str, list[Indicator]], plans: Mapping[str, Plan],
           variants: Callable[[str], Sequence[str]]) -> StoreAnswer | None:
    cite = _Cites()
    order = sorted(per, key=lambda d: _sort_key(_target_number(per[d])))
    lines: list[str] = []
    declines: list[str] = []
    for d in order:
        for r in per[d]:
            v, why = _asked_value(r, ask)
            year = ask.years[-1] if ask.years else None
            if why and year is None and r.baseline is None and (
                    (p := plans.get(d)) is None or states_figure(p.text, r, variants(r.key))):
                # 'Now' asked of a table with targets only: the plan's review of the last period
                # ("十三五…成就") reports such figures in prose, often without a year. A plan whose
                # prose gives no figure of it has no 'now' to find.
                return None
            if why and year is not None and (p := plans.get(d)) is not None and states_year(p.text, r, year):
                return None  # the prose states, for that year, what the table leaves open
            if why:
                declines.append(f"{_label(plans, d)}规划中“{r.name}”{why}")
            lines.append(f"{line(r)}{cite(r)}")
    if declines and len(declines) == sum(len(rs) for rs in per.values()):
        return StoreAnswer("", (), True, "；".join(declines) + "。", tuple(cite.ids))
    if len(per) == 1:
        d = order[0]
        text = f"{_label(plans, d)}规划：" + "；".join(lines)
    else:
        text = "各规划的设定不同：\n" + "\n".join(
            f"- {_label(plans, d)}：{ln}" for d, ln in zip([d for d in order for _ in per[d]], lines, strict=True))
        absent = [] if ask.named_docs else [d for d in plans if d not in per]
        if absent:
            text += "\n- 未设定该指标：" + "、".join(_label(plans, d) for d in absent)
    if declines:
        text += "\n（" + "；".join(declines) + "。）"
    return StoreAnswer(text, tuple(cite.ids))


def _decimal(v: Value) -> Decimal | None:
    m = _NUM.search(v.text)
    return Decimal(m.group(0)) if m and v.comparison else None


def _change(ask: IndicatorAsk, per: dict[str, list[Indicator]], plans: Mapping[str, Plan]) -> StoreAnswer | None:
    cite = _Cites()
    parts: list[str] = []
    declines: list[str] = []
    for d, rs in per.items():
        r = rs[0]
        if any(r.value(year=y) is None for y in ask.years):
            return None  # a change between other years ('比2015年'): the plan's prose may state it
        b, t = r.baseline, r.target
        who = f"{_label(plans, d)}规划中“{r.name}”"
        if b is None or t is None:
            declines.append(f"{who}只列有{'、'.join(value_label(x) for x in r.values)}，没有可对照的基数和目标")
            cite(r)
            continue
        if b.blank or t.blank:
            blank = b if b.blank else t
            declines.append(f"{who}{value_label(blank)}一栏为“{blank.text or '空'}”，无法比较")
            cite(r)
            continue
        bn, tn = _decimal(b), _decimal(t)
        head = f"{who}：{value_label(b)} {with_unit(b.text, r.unit)}，{value_label(t)} {with_unit(t.text, r.unit)}{cite(r)}"
        if bn is None or tn is None or b.comparison is None or t.comparison is None:
            parts.append(f"{head}（不是单一数值，未作比较）")
            continue
        unit = unit_of(r, t)
        if b.comparison.op == Op.EQ and t.comparison.op == Op.EQ:
            diff = tn - bn
            move = "持平" if diff == 0 else f"{'提高' if diff > 0 else '降低'}{abs(diff)}{unit}"
            parts.append(f"{head}，目标比基数{move}。")
        else:
            rel = "高于" if tn > bn else "低于" if tn < bn else _AT_BOUND[t.comparison.op]
            parts.append(f"{head}，目标数值{rel}基数（“{t.text}”为目标的{_BOUND_KIND[t.comparison.op]}）。")
    if not parts:
        return StoreAnswer("", (), True, "；".join(declines) + "。", tuple(cite.ids))
    text = "\n".join(parts)
    if declines:
        text += "\n（" + "；".join(declines) + "。）"
    return StoreAnswer(text, tuple(cite.ids))


def _rank(ask: IndicatorAsk, per: dict[str, list[Indicator]], plans: Mapping[str, Plan]) -> StoreAnswer:
    cite = _Cites()
    rows = [(d, rs[0]) for d, rs in per.items()]
    comparable = [(d, r) for d, r in rows if r.target and r.target.comparison]
    others = [(d, r) for d, r in rows if not (r.target and r.target.comparison)]
    units = {unit_of(r, r.target) for _, r in comparable} - {""}
    years = {r.target.year for _, r in comparable if r.target}
    comparable.sort(key=lambda dr: _sort_key(_target_number([dr[1]])))
    if not ask.high:
        comparable.reverse()
    listing = "\n".join(f"- {_label(plans, d)}：{line(r)}{cite(r)}" for d, r in comparable + others)
    if len(units) > 1:
        head = f"各规划该指标的单位不同（{'、'.join(sorted(units))}），不能直接比较高低。各规划的目标："
    elif len(comparable) < 2:
        head = "各规划的目标不全是数值，无法比较高低："
    else:
        d, r = comparable[0]
        assert r.target is not None
        word = "最高" if ask.high else "最低"
        head = f"按目标值比较，{_label(plans, d)}{word}（{r.target.text}）。"
        notes = []
        if len(years) > 1:
            notes.append("各规划的目标年份不同（" + "、".join(str(y) for y in sorted(y for y in years if y)) + "）")
        if any(r.target and r.target.comparison and r.target.comparison.op != Op.EQ for _, r in comparable):
            notes.append("带“≥”“＜”“左右”等的目标是上下限或约数，比较按其数值")
        if notes:
            head += "注意：" + "；".join(notes) + "。"
        head += "各规划的目标："
    text = f"{head}\n{listing}"
    if others and len(units) <= 1:
        text += "\n（" + "、".join(_label(plans, d) for d, _ in others) + "的目标不是单一数值，未参与比较。）"
    return StoreAnswer(text, tuple(cite.ids))


def _listing(ask: IndicatorAsk, scope: Sequence[Indicator], plans: Mapping[str, Plan]) -> StoreAnswer | None:
    rows = [r for r in scope if r.origin == Origin.TABLE]
    if not rows and ask.intent != Intent.ATTRIBUTE_LIST and not ask.category:
        rows = list(scope)  # the plans have no table: the targets their text states
    if ask.category:
        rows = [r for r in rows if r.category == ask.category]
    if ask.intent == Intent.ATTRIBUTE_LIST:
        marked = {r.doc_id for r in rows if r.attribute.value}
        unmarked = [d for d in dict.fromkeys(r.doc_id for r in rows) if d not in marked]
        rows = [r for r in rows if r.attribute == ask.attribute]
        if not rows and ask.named_docs:
            tabled = {r.doc_id for r in scope if r.origin == Origin.TABLE}
            without = [d for d in ask.docs if d not in tabled]
            why = "；".join(
                [f"{'、'.join(_label(plans, d) for d in unmarked)}规划的指标表未标注约束性或预期性"] * bool(unmarked)
                + [f"{'、'.join(_label(plans, d) for d in without)}规划没有主要指标表，未把指标标为约束性或预期性"]
                * bool(without))
            return StoreAnswer("", (), True, why + "。") if why else None
        if not rows:
            return None
    if not rows:
        return None
    cite = _Cites()
    by_doc: dict[str, list[Indicator]] = {}
    for r in rows:
        by_doc.setdefault(r.doc_id, []).append(r)
    what = f"“{ask.category}”类" if ask.category else ""
    if ask.intent == Intent.ATTRIBUTE_LIST:
        what += f"{ask.attribute.value}"
    blocks = []
    for d, rs in by_doc.items():
        head = f"{_label(plans, d)}规划主要指标中，{what}指标共{len(rs)}项：" if rs[0].origin == Origin.TABLE \
            else f"{_label(plans, d)}规划没有指标表，正文中写明的目标有{len(rs)}项："
        body: list[str] = []
        cats = list(dict.fromkeys(r.category for r in rs))
        for cat in cats:
            if len(cats) > 1 and cat:
                body.append(f"【{cat}】")  # a whole table keeps its categories
            body += [f"- {line(r)}{cite(r)}" for r in rs if r.category == cat]
        blocks.append("\n".join([head, *body]))
    return StoreAnswer("\n".join(blocks), tuple(cite.ids))
