"""A section's points: a paragraph's numbered points ("一是…二是…", "（1）…", "①…") and a section's
unnumbered items led by "——" or a short sentence, each with the passage that tells it.

    enumerated([(7, "…一是供给不足。…二是模式仍需转变。")]) → [(7, "一是供给不足。"), (7, "二是…")]
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五 (Word's chineseCounting)."""
    if not 0 < n < 10000:
        return str(n)
    out, gap = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            out += ("零" if gap else "") + "零一二三四五六七八九"[digit] + unit
            gap = False
        elif out:
            gap = True
    return out[1:] if out.startswith("一十") else out


def chinese_number(s: str) -> int | None:
    """'三' → 3, '十二' → 12, '二十' → 20; None when it is no numeral."""
    if "十" in s:
        tens, _, ones = s.partition("十")
        return _DIGITS.get(tens, 1) * 10 + _DIGITS.get(ones, 0)
    return _DIGITS.get(s)

# How the plans enumerate points inside one paragraph: "一是…。二是…。", "：（1）…；（2）…", "①…②…".
# Each family numbers its own runs; a point runs to its sentence's end or the next marker.
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_FAMILIES = (
    re.compile(r"(?:^|(?<=[。；：:\n]))\s*(?P<n>[一二三四五六七八九十]{1,2})是"),
    re.compile(r"(?:^|(?<=[。；：:，,\n]))\s*(?P<n>[（(]\d{1,2}[）)])"),
    re.compile(rf"(?:^|(?<=[。；：:，,\n]))\s*(?P<n>[{_CIRCLED}])"),
    # "1.…；\n2.…；" numbered lines (a heading's own number is read by the outline, not here).
    re.compile(r"(?:^|(?<=\n))\s*(?P<n>\d{1,2})(?=[.．、])"),
)


_INLINE_POINT = re.compile(r"(?<=[：:；;。])\s*(?=\d{1,2}[.．、](?!\d))")


def as_lines(text: str) -> str:
    """Points numbered inline, as a chat answer writes them, put on lines of their own, as the plans
    number them: '有2项：1.甲；2.乙。' → '有2项：\n1.甲；\n2.乙。' ("2.8" stays a number)."""
    return _INLINE_POINT.sub("\n", text)


def _number(marker: str) -> int | None:
    """'三' (of 三是) → 3, '（12）' → 12, '④' → 4."""
    if marker in _CIRCLED:
        return _CIRCLED.index(marker) + 1
    digits = marker.strip("（）()")
    return int(digits) if digits.isdigit() else chinese_number(digits)


def _points(text: str, family: re.Pattern[str]) -> list[tuple[int, str]]:
    """Each marker of one family in a text with its number and point: '（1）甲；（2）乙。' →
    [(1, '（1）甲；'), (2, '（2）乙。')]."""
    marks = list(family.finditer(text))
    out = []
    for k, m in enumerate(marks):
        start = m.start("n")
        stop = marks[k + 1].start("n") if k + 1 < len(marks) else len(text)
        end = re.search(r"[。；]", text[start:stop])
        n = _number(m.group("n"))
        if n is not None:
            out.append((n, text[start : start + end.end()] if end else text[start:stop].rstrip("，, \n")))
    return out


_LEAD = re.compile(r"^(?:——)?[^。；！？!?：:]{2,24}[。；]")


def leads(passages: Sequence[tuple[int, str]], heading: str) -> list[tuple[int, str]]:
    """A section's unnumbered items: paragraphs led by "——" or by a short sentence that a body
    follows ('——以人为本，健康优先。以人民…', '公共卫生保障能力显著增强。全面提升…'), each its lead with
    its passage; fewer than two: none."""
    out: list[tuple[int, str]] = []
    for i, text in passages:
        for line in (ln.strip() for ln in text.splitlines()):
            m = _LEAD.match(line)
            if m and line != heading.strip() and (line.startswith("——") or len(line) > len(m.group(0))):
                out.append((i, m.group(0)))
    return out if len(out) >= 2 else []


def runs(passages: Sequence[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Every run of numbered points in the passages ('一是…二是…', '（1）…（2）…', '①…②…'), in
    reading order, each point its first sentence with its passage; a run ends where its numbering
    starts again or skips."""
    found: list[tuple[tuple[int, int], list[tuple[int, str]]]] = []  # (where it starts, run)
    for family in _FAMILIES:
        out: list[list[tuple[int, str]]] = []
        starts: list[tuple[int, int]] = []
        for order, (i, text) in enumerate(passages):
            for n, point in _points(text, family):
                if n == 1:
                    out.append([(i, point)])
                    starts.append((order, text.find(point)))
                elif out and n == len(out[-1]) + 1:
                    out[-1].append((i, point))
        found += [(at, r) for at, r in zip(starts, out, strict=True) if len(r) >= 2]
    return [r for _, r in sorted(found, key=lambda t: t[0])]


def enumerated(passages: Sequence[tuple[int, str]]) -> list[tuple[int, str]]:
    """The numbered points of a section ('一是…', '（1）…', '①…'), each its first sentence with its
    passage, when they run 1, 2, 3 in order (across passages, as a long paragraph is split): '…一是
    基层服务供给不足的问题依然存在。与…二是…' → [(i, '一是基层服务供给不足的问题依然存在。'), (i, '二是…'), …].
    A second list starting again at 1 makes the numbering ambiguous: none (for that marker)."""
    texts = dict(passages)
    for family in _FAMILIES:
        out: list[tuple[int, str]] = []
        for i, text in passages:
            for n, point in _points(text, family):
                if out and n == len(out) and out[-1][1] == point and texts[out[-1][0]].rstrip().endswith(point):
                    # The passage before only closes with the point's first sentence (passages overlap):
                    # the point is told in this one.
                    out[-1] = (i, point)
                    continue
                if n == 1 and out:
                    out = []
                    break
                if n == len(out) + 1:
                    out.append((i, point))
            else:
                continue
            break
        if len(out) >= 2:
            return out
    return []
