"""Stage 4, a section's outline — a question naming a section by its heading answered from the
plan's own structure: its Nth item, or each item's label, each line cited.

    outline(hits, SectionMatch(“重点问题”, ordinal 3), picked=1) → Composed("“重点问题”：3.龙头医院建设亟待加强。…[1]", (0,))
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.extract import LABEL_MAX, Composed, pair_share
from assistant.listing import RETOLD_SHARE
from vectorstore.headings import is_heading, match_heading
from vectorstore.sections import SectionMatch, title
from vectorstore.sections import core as heading_core
from vectorstore.types import Hit

_SENT = re.compile(r"(?<=[。；！？])")


def outline(hits: Sequence[Hit], named: SectionMatch, picked: int, max_chars: int = 200, told: str = "") -> Composed:
    """A question naming a section by its heading, answered from the plan's own structure, each
    line cited: the Nth item ('第三条' → '“重点问题”：3.龙头医院建设亟待加强。第五中心医院…[1]')
    or each item's label ('包括哪几项' → '12.深化公立医院综合改革。[1]', '13.加大人才…[2]').
    Only the first ``picked`` hits, those retrieval picked by position, are used. ``told``: the
    previous answer, when the question asks for the rest ('还有呢？'): the items it gave are left out
    ('“重点项目”还包括：（四）…'), unless it gave them all."""
    used = list(range(min(picked, len(hits))))
    if not used:
        return Composed("", ())
    name = re.sub(r"[“”]", "", title(named.heading))  # it is quoted as a whole
    # A box is named by its number too, as the plan and its readers name it ("专栏1“…”").
    m = match_heading(named.heading)
    box = re.sub(r"\s", "", m.number) if m and m.kind == "box" else ""
    said = f"{box}“{name}”" if box[2:].isdigit() else f"“{name}”"
    if named.ordinal is not None:
        subs = _sub_items(hits, used, named)
        if subs:
            # "第三块讲了些什么" of an item made of numbered sub-items: each of them, not the first alone.
            lines = [f"{said}{named.items[named.ordinal - 1][0]}："] + [f"{_cut(body, max_chars)}[{k}]" for k, (_, body) in enumerate(subs, 1)]
            return Composed("\n".join(lines), tuple(i for i, _ in subs))
        # No "第3条" of our own: every figure in an answer is one the cited passage holds.
        return Composed(f"{said}：{_item(hits[used[0]].chunk.text, named, max_chars)}[1]", (used[0],))
    items = _item_labels(hits, used, named)
    rest = [(i, [x for x in labels if pair_share(x, told) < RETOLD_SHARE]) for i, labels in items] if told else items
    left, every = (sum(len(labels) for _, labels in part) for part in (rest, items))
    fewer = 0 < left < every  # some items were told, not all of them
    lines = [f"{said}还包括：" if fewer else f"{said}包括："]
    order: list[int] = []
    for i, labels in rest if fewer else items:
        if labels:
            order.append(i)
            lines += [f"{label}[{len(order)}]" for label in labels]
    return Composed("\n".join(lines), tuple(order)) if order else Composed("", ())


def _item_labels(hits: Sequence[Hit], used: Sequence[int], named: SectionMatch) -> list[tuple[int, list[str]]]:
    """Each used hit with the labels of the section's items it holds, in order."""
    out = []
    for i in used:
        text = hits[i].chunk.text
        mine = [label for n, (label, _) in enumerate(named.items) if named.item_chunk_id(n) == hits[i].chunk.id]
        if named.enumerated:
            labels = mine
        elif mine and not any(heading_core(x) in heading_core(text[:80]) for x in mine):
            # An item whose passage does not show its heading starts with its first sub-item
            # ('1.新建…' under '（一）夯实基层医疗卫生服务基础'): the item is named by its heading.
            labels = mine
        else:
            labels = _labels(text, heading_core(named.heading))
        if named.heading.startswith("专栏"):
            # A box's item is a project named in one short sentence, its content after it on the
            # same line ('城市医疗集团建设。配合牵头三级公立医院…'): the name alone says nothing done.
            labels = [_box_line(text, label) for label in labels]
        out.append((i, labels))
    return out


BOX_LINE_CHARS = 90  # a box item's line, cut at a sentence end before this


def _box_line(text: str, label: str) -> str:
    """A box item's line from its name on: '农村基层服务能力提升。' → '农村基层服务能力提升。全区重点建强
    2个中心乡镇卫生院，36个村卫生室。'; a long line is cut at a sentence end (else kept to its name)."""
    at = text.find(label)
    if at < 0:
        return label
    end = text.find("\n", at)
    line = text[at : end if end >= 0 else len(text)].strip()
    if len(line) <= BOX_LINE_CHARS:
        return line
    cut = line.rfind("。", 0, BOX_LINE_CHARS)
    return line[: cut + 1] if cut >= len(label) else label


MAX_SUB_ITEMS = 6  # an item's sub-items quoted one by one; more than this is a section, not an item


def _sub_items(hits: Sequence[Hit], used: Sequence[int], named: SectionMatch) -> list[tuple[int, str]]:
    """The passages of the Nth item when each opens with a sub-heading of its own ('4.建成区域卫生健康
    信息平台。…', '5.积极推进…' under '（二）提升卫生健康信息化水平'), the item's own heading line left out;
    [] when the item is one passage, a run of points, or too long to quote by its parts."""
    if named.enumerated or not 2 <= len(used) <= MAX_SUB_ITEMS:
        return []
    item = heading_core(named.items[named.ordinal - 1][0]) if named.ordinal else ""
    out = []
    for i in used:
        lines = [x.strip() for x in hits[i].chunk.text.split("\n") if x.strip()]
        if lines and heading_core(lines[0]) == item:
            lines = lines[1:]
        first = _SENT.split(lines[0])[0] if lines else ""
        if not (match_heading(first) and len(first) <= LABEL_MAX):
            return []
        out.append((i, "\n".join(lines)))
    return out


def _cut(body: str, max_chars: int) -> str:
    """A passage cut at a sentence end near ``max_chars``."""
    if len(body) <= max_chars:
        return body
    cut = body.rfind("。", 0, max_chars)
    return body[: cut + 1] + "……" if cut > 40 else body[:max_chars] + "……"


def _item(text: str, named: SectionMatch, max_chars: int) -> str:
    """The Nth item's text: from its label to the next point ("三是…" up to "四是"), or its first
    passage under its heading, cut at a sentence end near ``max_chars``."""
    assert named.ordinal is not None
    label = named.items[named.ordinal - 1][0]
    if named.enumerated:
        start = max(0, text.find(label))
        nxt = text.find(named.items[named.ordinal][0], start + 1) if named.ordinal < len(named.items) else -1
        if nxt <= start and label.startswith("——"):
            # A "——" item is one paragraph: the last one ends with its line, not with the passage
            # (a table's caption may follow it).
            nxt = text.find("\n", start)
        body = text[start : nxt if nxt > start else len(text)]
    else:
        # An item with sub-items: its first passage starts at "1.…", so its own heading leads.
        body = text if heading_core(label) in heading_core(text[:80]) else f"{label}\n{text}"
    return "\n".join(x.strip() for x in _cut(body, max_chars).splitlines() if x.strip())  # a heading keeps its line


def _labels(text: str, title: str) -> list[str]:
    """Each item's label in a passage: a heading line, or a line's short first sentence
    ('12.深化公立医院综合改革。完善…' → '12.深化公立医院综合改革。'); the section's own title is skipped."""
    out: list[str] = []
    headed = False  # once a heading leads, the lines after it are bodies (or a closing signature)
    for line in (x.strip() for x in text.split("\n")):
        if not line or heading_core(line) == title:
            continue
        if is_heading(line):
            out.append(line)
            headed = True
            continue
        first = _SENT.split(line)[0]
        if not headed and len(first) <= LABEL_MAX:
            out.append(first)
    return out
