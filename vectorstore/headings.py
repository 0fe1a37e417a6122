"""Recognising the numbering of Chinese official documents: 第X部分, 第X章, 第X节, 一、, （一）, 1., （1）, 专栏.

Chinese government documents number their levels in a fixed order (GB/T 9704: 一、 → （一） →
1. → （1）), with 部分/章/节 above them, so a numbering style says its own depth; we rank by style
rather than guessing depth from indentation, which the text export lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CN = "〇零一二三四五六七八九十百两"
_NUM = rf"[{_CN}\d]+"

# (kind, rank, pattern); lower rank = higher level. The pattern's group 1 is the number.
_PATTERNS: tuple[tuple[str, int, re.Pattern[str]], ...] = (
    ("part", 0, re.compile(rf"^第({_NUM})部分\s*")),
    ("chapter", 1, re.compile(rf"^第({_NUM})章\s*")),
    ("section", 2, re.compile(rf"^第({_NUM})节\s*")),
    ("cn", 3, re.compile(rf"^([{_CN}]+)[、．.]\s*")),
    ("paren_cn", 4, re.compile(rf"^[（(]([{_CN}]+)[）)]\s*")),
    ("num", 5, re.compile(r"^(\d{1,3})(?:[、．]|\.(?!\d))\s*")),
    ("paren_num", 6, re.compile(r"^[（(](\d{1,3})[）)]\s*")),
    ("circled", 7, re.compile(r"^([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])\s*")),
    ("box", 8, re.compile(r"^(专栏\s*\d*)\s*")),
)
_MARKDOWN = re.compile(r"^(#{1,6})\s+(.*)$")

# Numbered lines longer than this, or holding a full stop, are list items with a body,
# not headings: "1.新建2家社区卫生服务中心。积极新建杭州道街……（责任单位：区卫生健康委）".
MAX_HEADING_CHARS = 36


@dataclass(frozen=True)
class HeadingMatch:
    kind: str
    rank: int
    number: str
    body: str  # the text after the number


def heading_number(number: str) -> int | None:
    """A heading's number as an integer: '二' → 2, '12' → 12, '十一' → 11; None for a box's or a Markdown one."""
    from vectorstore.points import chinese_number

    return int(number) if number.isdigit() else chinese_number(number)


def numbers_on(before: str | None, number: str) -> bool:
    """Whether a heading's number follows the one before it of its style: ('一', '二') → True."""
    a = heading_number(before) if before is not None else None
    return a is not None and heading_number(number) == a + 1


def match_heading(line: str) -> HeadingMatch | None:
    """Numbering at the start of a line: '（二）指导思想' → HeadingMatch('paren_cn', 4, '二', '指导思想')."""
    text = line.strip()
    if not text:
        return None
    md = _MARKDOWN.match(text)
    if md:
        return HeadingMatch("markdown", len(md.group(1)) - 1, md.group(1), md.group(2).strip())
    for kind, rank, pat in _PATTERNS:
        m = pat.match(text)
        if m:
            body = text[m.end() :]
            if kind == "box" and body.startswith(("：", ":")):
                return None
            return HeadingMatch(kind, rank, m.group(1), body)
    return None


def is_heading(line: str) -> bool:
    """Whether a numbered line is a heading (short, no sentence inside) rather than a list item."""
    text = line.strip()
    m = match_heading(text)
    if m is None:
        return False
    if m.kind in ("part", "chapter", "section", "markdown", "box"):
        return True
    if text.endswith(("。", "；")):
        return False
    return len(text) <= MAX_HEADING_CHARS and "。" not in text and "；" not in text


def item_label(text: str, limit: int = 30) -> str:
    """Short label of a numbered list item for a section path: its first clause, capped."""
    text = text.strip()
    for stop in ("。", "；", "：", "，"):
        i = text.find(stop)
        if 0 < i <= limit:
            return text[:i]
    return text if len(text) <= limit else text[:limit] + "…"
