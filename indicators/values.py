"""Reading a value cell or a column header, never guessing a number.

    parse_value("≥80岁") → Comparison(≥, 80.0, "岁")
    parse_value("27%左右") → Comparison(≈, 27.0, "%")
    parse_value("力争每年下降0.5个百分点") → None   (a yearly change, not a level)
    column("2020年", period=(2021, 2025)) → (2020, Role.BASELINE)
"""

from __future__ import annotations

import re

from indicators.types import Comparison, Op, Role
from vectorstore.points import chinese_numeral

_WIDTH = str.maketrans({"％": "%", "＞": ">", "＜": "<", "＝": "=", "．": ".", "：": ":", "（": "(", "）": ")"})
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# Words before or after the number that state how it compares; anything else left over means the
# cell says more than a comparison ("力争每年下降…", "全部达到…") and no comparison is read from it.
_PREFIX = (
    ("≥", Op.GE), (">=", Op.GE), ("不低于", Op.GE), ("不少于", Op.GE), ("≤", Op.LE), ("<=", Op.LE),
    ("不高于", Op.LE), ("不超过", Op.LE), (">", Op.GT), ("超过", Op.GT), ("高于", Op.GT), ("<", Op.LT),
    ("低于", Op.LT), ("控制在", Op.LE), ("达到", Op.GE), ("保持在", Op.GE), ("提高到", Op.EQ), ("提升到", Op.EQ),
    ("降低到", Op.LE), ("降至", Op.LE), ("=", Op.EQ), ("约", Op.APPROX),
)
_SUFFIX = (("以上", Op.GE), ("及以上", Op.GE), ("以下", Op.LE), ("以内", Op.LE), ("左右", Op.APPROX))
# Units a cell may carry after its number; a per-population rate keeps its base ('/10万').
_UNIT = re.compile(r"^(?:%|‰|[岁张人个名家所辆床天日年次种项元])?")
_BASE = re.compile(r"/(?:10|100)?[万千]人?$")
_YEAR = re.compile(r"(20\d\d|19\d\d)\s*年")
_RATIO = re.compile(r"^\d+(?:\.\d+)?\s*:\s*\d+(?:\.\d+)?$")


def normalise(text: str) -> str:
    """Full-width signs as ASCII, spaces dropped: '＜ 5.2％' → '<5.2%'."""
    return re.sub(r"\s+", "", text.translate(_WIDTH))


def parse_value(cell: str, unit: str = "") -> Comparison | None:
    """The comparison a cell states, or None when it states none or more than one.

    ``unit`` is the indicator's own (from its name), used when the cell has none."""
    text = normalise(cell)
    if not text or _RATIO.match(text):
        return None  # a ratio ('1:0.9') is shown as written, not read as one number
    base = _BASE.search(text)  # '≤10.5/10万': the rate's base is part of the unit, not a second number
    if base:
        text = text[: base.start()]
    numbers = _NUMBER.findall(text)
    if len(numbers) != 1:
        return None
    m = _NUMBER.search(text)
    assert m is not None
    before, after = text[: m.start()], text[m.end() :]
    op = Op.EQ
    for word, o in _PREFIX:
        if before.endswith(word):
            before, op = before[: -len(word)], o
            break
    if before:
        return None
    u = _UNIT.match(after)
    cell_unit = (u.group(0) if u else "") + (base.group(0) if base else "")
    after = after[len(cell_unit) :]
    for word, o in _SUFFIX:
        if after == word:
            if op not in (Op.EQ, Op.GE, Op.LE) or (op != Op.EQ and op != o):
                return None
            after, op = "", o
            break
    if after:
        return None
    return Comparison(op, float(m.group(0)), cell_unit or normalise(unit))


def column(header: str, period: tuple[int, int] | None) -> tuple[int | None, Role]:
    """A value column's year and role: '2025年目标' → (2025, TARGET); '2020年' in a 2021–2025 plan →
    (2020, BASELINE); a header with no year → (None, TARGET if it says 目标 else OTHER)."""
    m = _YEAR.search(header)
    year = int(m.group(1)) if m else None
    if re.search(r"目标|预期|规划值", header):
        return year, Role.TARGET
    if re.search(r"基数|基期|现状|基线", header):
        return year, Role.BASELINE
    if year is None or period is None:
        return year, Role.OTHER
    start, end = period
    if year < start:
        return year, Role.BASELINE
    if year >= end:
        return year, Role.TARGET
    return year, Role.OTHER


def period_years(period: str) -> tuple[int, int] | None:
    """The manifest's period as years: '2021-2025' → (2021, 2025); '2021' → (2021, 2021)."""
    years = [int(y) for y in re.findall(r"(?:19|20)\d\d", period)]
    if not years:
        return None
    return years[0], years[-1]


def five_year_name(start: int) -> str:
    """The five-year plan period a year begins, as plans name it: 2021 → '十四五', 2016 → '十三五'; ''
    for a year that begins none (the periods run 1966–1970, 1971–1975, … as the third, fourth, …)."""
    n, off = divmod(start - 1966, 5)
    return "" if off or not 0 <= n <= 16 else f"{chinese_numeral(n + 3)}五"


_BARE = re.compile(r"[<>≤≥＜＞≦≧]?\s*\d+(?:\.\d+)?")


def with_unit(text: str, unit: str) -> str:
    """A bare figure with the unit its column heading gives: ('≥90', '%') → '≥90%'; ('2.6', '张') → '2.6张'.
    A figure with words ('85左右') is kept as the plan writes it."""
    m = _BARE.fullmatch(text.strip())
    unit = unit[1:] if unit.startswith("1/") else unit  # '（1/10万）': 6.21/10万
    if not unit or len(unit) > 4 or re.search(r"[A-Za-z]", unit) or m is None:
        return text
    return f"{text.strip()}{unit}"
