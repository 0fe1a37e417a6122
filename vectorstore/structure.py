"""Parsing a cleaned plan into headings, paragraphs and tables, each with its section path."""

from __future__ import annotations

import re
from dataclasses import dataclass

from vectorstore.headings import (
    MAX_HEADING_CHARS,
    HeadingMatch,
    is_heading,
    item_label,
    match_heading,
    numbers_on,
)
from vectorstore.tables import Table, build_table
from vectorstore.types import Section

# A caption is the short line right above a table: "“十四五”时期卫生健康发展主要指标".
MAX_CAPTION_CHARS = 60
# Headings from 第X节 down lead into their first paragraph's passage; parts and chapters do not.
LEAD_MIN_RANK = 2


@dataclass(frozen=True)
class Block:
    kind: str  # "para" | "item" | "table"
    text: str
    start: int
    end: int
    path: tuple[str, ...]
    table: Table | None = None
    label: str = ""  # for numbered items: "1.新建2家社区卫生服务中心"


@dataclass(frozen=True)
class Parsed:
    title: str
    blocks: tuple[Block, ...]
    sections: tuple[Section, ...]


def _lines_with_offsets(text: str) -> list[tuple[int, str]]:
    out, off = [], 0
    for line in text.split("\n"):
        out.append((off, line))
        off += len(line) + 1
    return out


_ENTRY = re.compile(r"^[^。；！？：:\s]{2,24}。\S")


def _box_entry(region: list[tuple[int, str]], line: str) -> bool:
    """Whether ``line``, after exactly one blank line, goes on a 专栏 box whose entries all read "name。
    what it does" ('农村基层服务能力提升。全区重点建强…')."""
    if len(region) < 3 or region[-1][1].strip() or not region[-2][1].strip() or is_heading(line):
        return False
    cells = [ln.strip() for _, ln in region if ln.strip()]
    title = match_heading(cells[0]) if cells else None
    if title is None or title.kind != "box" or len(cells) < 2:
        return False
    return all(_ENTRY.match(c) for c in cells[1:]) and bool(_ENTRY.match(line.strip()))


def parse(text: str) -> Parsed:
    """Split a cleaned document into blocks.

    '一、总则\\n（一）目标\\n到2025年……。' → blocks [para '到2025年……。' with path ('一、总则', '（一）目标')]
    """
    lines = _lines_with_offsets(text)
    stack: list[tuple[int, str]] = []  # (rank, heading text)
    blocks: list[Block] = []
    sections: list[Section] = []
    title = ""
    i = 0
    prev_text = ""
    lead: tuple[int, int] | None = None  # (offset, rank) of a heading still waiting for its first paragraph
    numbers: dict[int, str] = {}  # the number of the last heading of each rank on the stack
    while i < len(lines):
        off, line = lines[i]
        if line.startswith("\t"):
            j = i
            region: list[tuple[int, str]] = []
            while j < len(lines):
                o, ln = lines[j]
                if ln.startswith("\t") or ln.strip() == "":
                    region.append((o, ln))
                elif region and region[-1][1].strip() and not is_heading(ln):
                    # A paragraph inside a cell (专栏 boxes): it follows a cell line or another such
                    # paragraph with no blank line between; a box can hold several.
                    region.append((o, ln))
                elif _box_entry(region, ln):
                    # After one blank line, a paragraph shaped like the box's entries ("杏林人才培养行动。
                    # 全科医生…") is its last entry, not the section's text.
                    region.append((o, ln))
                else:
                    break
                j += 1
            while region and region[-1][1].strip() == "":
                region.pop()
            caption = prev_text if 0 < len(prev_text) <= MAX_CAPTION_CHARS and not prev_text.endswith("。") else ""
            table = build_table(region, caption)
            path = tuple(h for _, h in stack)
            if table.kind == "box" and table.caption:
                path = path + (table.caption,)
            if table.rows:
                blocks.append(Block("table", table.caption, table.start, table.end, path, table))
            i = j
            prev_text = ""
            continue
        stripped = line.strip()
        if not stripped:
            i += 1
            continue
        m = match_heading(stripped)
        if not title:
            title = m.body if m is not None and m.kind == "markdown" else stripped
        is_head = m is not None and (is_heading(stripped) or _next_sibling(m, stripped, stack, numbers))
        if m is not None and is_head:
            # A Markdown heading ('## 主要指标', from Word heading styles) is shown without its '#'.
            heading = m.body if m.kind == "markdown" else stripped
            while stack and stack[-1][0] >= m.rank:
                stack.pop()
            stack.append((m.rank, heading))
            numbers = {r: n for r, n in numbers.items() if r < m.rank} | {m.rank: m.number}
            sections.append(Section(heading, m.rank, off, tuple(h for _, h in stack)))
            stripped = heading  # a table right below takes it as its caption
            lead = (off, m.rank) if m.rank >= LEAD_MIN_RANK and m.kind != "box" else None
        elif m is not None:
            label = item_label(stripped)
            parent = tuple(h for r, h in stack if r < m.rank)
            blocks.append(Block("item", stripped, off, off + len(line), parent + (label,), label=label))
        else:
            # The first paragraph under a short heading ("12.健全中医药服务体系") starts with that
            # heading, so the passage read alone still says what it is about.
            start = lead[0] if lead is not None else off
            blocks.append(Block("para", text[start : off + len(line)].strip(), start, off + len(line), tuple(h for _, h in stack)))
        if not is_head:
            lead = None
        prev_text = stripped
        i += 1
    return Parsed(title, tuple(blocks), tuple(sections))


def _next_sibling(m: HeadingMatch, line: str, stack: list[tuple[int, str]], numbers: dict[int, str]) -> bool:
    """Whether a numbered line too long for a heading is one all the same: it holds no sentence and
    numbers on from the heading just before it of its rank ('（一）落实…' then '（二）完善监测预警系统，
    发挥大数据优势，建立健全…机制', 38 characters), so it is that heading's sibling, not a list item."""
    if all(r != m.rank for r, _ in stack) or len(line) > 2 * MAX_HEADING_CHARS or "。" in line or "；" in line:
        return False
    return numbers_on(numbers.get(m.rank), m.number)
