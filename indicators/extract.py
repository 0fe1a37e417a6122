"""Extraction at ingest: a plan's indicator tables (and targets in its running text) as records.

Reads the tables as ``vectorstore.tables`` rebuilt them (merged cells carried down, Word's clock
times shown as ratios) and cites each record to the row's own passage:

    '领域｜指标｜2020年｜2025年' / '健康水平｜人均期望寿命（岁）｜81.15｜82'
      → Indicator(category='健康水平', name='人均期望寿命（岁）', norm='人均期望寿命', unit='岁',
                  values=(2020 基数 '81.15', 2025 目标 '82'), …)
    '到2025年，居民健康档案规范化电子建档率达到90%，…' → Indicator(origin=TEXT, norm='居民健康档案规范化电子建档率', …)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from indicators.names import IndicatorNames, split_name
from indicators.types import Attribute, Indicator, Origin, Role, Unparsed, Value
from indicators.values import column, normalise, parse_value, period_years
from vectorstore.structure import Parsed
from vectorstore.tables import Table
from vectorstore.types import Chunk, DocMeta, content_id

# Bump when extraction changes: the next ingest reads every plan's indicators afresh.
EXTRACT_VERSION = "1"
_CATEGORY = re.compile(r"领域|类别|分类|类型")
_ATTRIBUTE = re.compile(r"属性|性质")
_UNIT_HEAD = re.compile(r"^单位$|计量单位")
_NAME_HEAD = re.compile(r"指标|名称|项目")
_VALUE_HEAD = re.compile(r"(?:19|20)\d\d|目标|基数|基期|现状|基线|预期值|规划值")
# Sections that report what the last plan achieved: their figures are not this plan's targets.
_PAST_SECTION = re.compile(r"成就|成效|回顾|现状|基础|形势")
_PAST_WORDS = re.compile(r"十三五|截至|截止|末期|已经|较20\d\d")
_BY_YEAR = re.compile(r"(?:到|至|于)?(20\d\d)年(?:底|末)?(?:前|以前)?")
_CLAUSE = re.compile(
    r"^(?P<name>.+?)(?P<verb>达到|提高到|提升到|降低到|降至|控制在|超过|不低于|不少于|保持在)\s*"
    r"(?P<value>[<>≥≤＜＞]?\s*\d+(?:\.\d+)?\s*(?:%|％|‰|[岁张人个名家所])?(?:以上|以下|以内|左右)?)$"
)
_HAVE = re.compile(r"^(?P<per>.*每[千万]\S*?人口)拥有(?P<value>\d+(?:\.\d+)?[名个张家所位])(?P<what>[\u4e00-\u9fff]{2,8})$")
_SCOPE = re.compile(r"^(?:到|至)?(?:20\d\d年(?:底|末)?(?:前)?)?[，,]?(?:全市|全区|全县|全省|力争|基本|确保|各|所有)*")
_INDICATOR_END = re.compile(r"(?:率|数|比例|比重|水平|寿命|强度|人次|占比)$")


@dataclass(frozen=True)
class Columns:
    category: int | None
    name: int
    attribute: int | None
    unit: int | None
    values: tuple[int, ...]


def columns(header: Sequence[str]) -> Columns | None:
    """Which column holds what; None when the table states no values by year or target."""
    cat = next((i for i, h in enumerate(header) if _CATEGORY.search(h) and not _ATTRIBUTE.search(h)), None)
    attr = next((i for i, h in enumerate(header) if _ATTRIBUTE.search(h)), None)
    unit = next((i for i, h in enumerate(header) if _UNIT_HEAD.search(h.strip())), None)
    taken = {cat, attr, unit}
    values = tuple(i for i, h in enumerate(header) if i not in taken and _VALUE_HEAD.search(h))
    if not values:
        return None
    rest = [i for i in range(len(header)) if i not in taken and i not in values]
    name = next((i for i in rest if _NAME_HEAD.search(header[i])), rest[0] if rest else None)
    if name is None:
        return None
    return Columns(cat, name, attr, unit, values)


def _row_chunks(chunks: Sequence[Chunk]) -> dict[int, dict[int, Chunk]]:
    """Each grid table's row passages by row number, the tables numbered as chunking numbered them."""
    index = {str(c.meta.get("table_id")): int(c.meta.get("table_index", -1)) for c in chunks if c.kind == "table"}
    out: dict[int, dict[int, Chunk]] = {}
    for c in chunks:
        if c.kind == "table_row" and str(c.meta.get("table_id")) in index:
            out.setdefault(index[str(c.meta["table_id"])], {})[int(c.meta.get("row", -1))] = c
    return out


def table_records(meta: DocMeta, table: Table, rows: dict[int, Chunk], names: IndicatorNames,
                  start: int = 0) -> tuple[list[Indicator], list[Unparsed]]:
    """One record per indicator row of one table; rows that cannot be read come back as Unparsed."""
    cols = columns(table.header)
    if cols is None:
        return [], []
    period = period_years(meta.period)
    found: list[Indicator] = []
    bad: list[Unparsed] = []
    for i, row in enumerate(table.rows):
        chunk = rows.get(i)
        if chunk is None:
            continue
        cells = list(row) + [""] * (len(table.header) - len(row))
        orig = list(table.originals[i]) + [""] * (len(table.header) - len(table.originals[i]))
        name = cells[cols.name].strip()
        if table.padded and table.padded[i] > cols.name:
            bad.append(Unparsed(meta.doc_id, chunk.id, chunk.text, f"the row has {len(table.header) - table.padded[i]} "
                                f"cells for {len(table.header)} columns: which column each value belongs to is unknown"))
            continue
        if not name or _VALUE_HEAD.fullmatch(name):
            bad.append(Unparsed(meta.doc_id, chunk.id, chunk.text, "no indicator name in its name column"))
            continue
        norm, unit = split_name(name)
        if cols.unit is not None and cells[cols.unit].strip():
            unit = cells[cols.unit].strip()
        values: list[Value] = []
        for j in cols.values:
            label = table.header[j]
            year, role = column(label, period)
            text = cells[j].strip()
            values.append(Value(label, year, role, text, orig[j].strip(), parse_value(text, unit)))
        if all(v.blank for v in values):
            bad.append(Unparsed(meta.doc_id, chunk.id, chunk.text, "every value cell of the row is empty"))
            continue
        category = cells[cols.category].strip() if cols.category is not None else ""
        if not category and table.groups:
            category = table.groups[i]
        attr_text = cells[cols.attribute].strip() if cols.attribute is not None else ""
        attribute = next((a for a in Attribute if a.value and a.value in attr_text), Attribute.NONE)
        found.append(Indicator(
            id=content_id(meta.doc_id, "indicator", chunk.id), doc_id=meta.doc_id, origin=Origin.TABLE,
            caption=table.caption, category=category, name=name, norm=norm, key=names.key(name),
            unit=normalise(unit), values=tuple(values), attribute=attribute, chunk_id=chunk.id,
            position=start + len(found),
        ))
    return found, bad


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。；;！!\n])", text) if s.strip()]


def text_records(meta: DocMeta, chunks: Sequence[Chunk], names: IndicatorNames,
                 start: int = 0) -> list[Indicator]:
    """Targets stated in running text: '到2025年，…老年人健康管理率达到80%，…' → one record per clause."""
    period = period_years(meta.period)
    if period is None:
        return []
    out: list[Indicator] = []
    seen: set[tuple[str, str]] = set()
    for c in chunks:
        if c.kind != "text" or any(_PAST_SECTION.search(s) for s in c.section_path):
            continue
        for sent in _sentences(c.text):
            years = [int(y) for y in _BY_YEAR.findall(sent)]
            if years:
                year = years[0]
                if year < period[0]:
                    continue
            elif meta.kind == "annual_work_plan":
                year = period[1]  # an annual plan's tasks are that year's targets
            else:
                continue
            if _PAST_WORDS.search(sent):
                continue
            for clause in re.split(r"[，,；;。]", sent):
                rec = _clause_record(meta, c, clause.strip(), sent.strip(), year, names, start + len(out))
                if rec is not None and (rec.norm, rec.values[0].text) not in seen:
                    seen.add((rec.norm, rec.values[0].text))
                    out.append(rec)
    return out


def _clause_record(meta: DocMeta, chunk: Chunk, clause: str, sentence: str, year: int,
                   names: IndicatorNames, position: int) -> Indicator | None:
    m = _CLAUSE.match(clause)
    if m:
        subject = _SCOPE.sub("", m.group("name")).strip()
        value = clause[m.start("verb"):].strip()  # as the sentence states it: '超过 2.8人'
    else:
        # '每万名常住人口拥有4名全科医生' names its indicator on both sides of the figure.
        h = _HAVE.match(clause)
        if not h:
            return None
        subject = _SCOPE.sub("", h.group("per")).strip() + h.group("what") + "数"
        value = h.group("value")
    comparison = parse_value(value)
    norm, unit = split_name(subject)
    if comparison is None or not _INDICATOR_END.search(norm) or len(norm) < 3:
        return None
    # 'original' keeps the whole clause: the figure reads right only with its words ('拥有4名全科医生').
    v = Value("目标", year, Role.TARGET, value, clause, comparison)
    return Indicator(
        id=content_id(meta.doc_id, "indicator-text", chunk.id, subject, value), doc_id=meta.doc_id,
        origin=Origin.TEXT, caption=chunk.section, category="", name=subject, norm=norm,
        key=names.key(subject), unit=normalise(unit or comparison.unit), values=(v,), attribute=Attribute.NONE,
        chunk_id=chunk.id, position=position, sentence=sentence,
    )


def extract(meta: DocMeta, parsed: Parsed, chunks: Sequence[Chunk],
            names: IndicatorNames) -> tuple[list[Indicator], list[Unparsed]]:
    """Every indicator of one plan: its tables' rows first, then the targets in its text."""
    rows = _row_chunks(chunks)
    found: list[Indicator] = []
    bad: list[Unparsed] = []
    n = 0
    for b in parsed.blocks:
        if b.table is not None and b.table.kind == "grid":
            recs, skipped = table_records(meta, b.table, rows.get(n, {}), names, len(found))
            found += recs
            bad += skipped
            n += 1
    found += text_records(meta, chunks, names, len(found))
    return found, bad
