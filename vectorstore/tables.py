"""Rebuilding the tables that Word's text export flattened to one cell per line.

In the export each cell is a line starting with a tab and a blank line ends a row; merged cells
come out empty (or are left out) in the rows they span, and a cell that ran over two lines was
already joined by cleaning. We rebuild rows, carry merged cells down, find the header row, and
render each row as a self-contained line: a row read alone must still say which indicator, which
year and which plan table it belongs to, because it is retrieved alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Word read ratio cells such as "1:0.9" as times and wrote them back as "01:00.9" (mm:ss.f).
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2}(?:\.\d+)?)$")
# Header cells naming what a row is about; their values are shown bare, the others as "header：value".
_LABEL_HEADERS = re.compile(r"指标|领域|类别|名称|项目|序号|类型|内容|任务|分类")
_YEARISH = re.compile(r"\d{4}年|目标|属性|性质|现状|基期|基数|单位|备注")


def clock_to_ratio(cell: str) -> str | None:
    """Undo Word's time conversion of a ratio cell: '01:00.9' → '1:0.9'; other text → None."""
    m = _CLOCK.match(cell.strip())
    if not m:
        return None
    left = int(m.group(1))
    right = float(m.group(2))
    right_s = f"{right:g}" if right != int(right) else str(int(right))
    return f"{left}:{right_s}"


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # body rows, merged cells filled, ratio cells shown as ratios
    originals: tuple[tuple[str, ...], ...]  # the same rows as the export wrote them
    groups: tuple[str, ...] = ()  # the category a row falls under when categories are their own rows
    kind: str = "grid"  # "grid" | "box" (a one-column 专栏 box)
    start: int = 0
    end: int = 0
    row_spans: tuple[tuple[int, int], ...] = field(default=())
    # Per body row: how many leading cells it lacked and got from the row above (merged cells, or
    # a row that lost cells: then even its label is the row above's, and no value can be placed).
    padded: tuple[int, ...] = field(default=())


def split_rows(lines: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Group (offset, line) pairs of a table region into rows; a blank line ends a row.

    Each cell keeps the offset of its own text, so that text[off : off + len(cell)] == cell."""
    rows: list[list[tuple[int, str]]] = []
    cur: list[tuple[int, str]] = []
    for off, line in lines:
        if line.startswith("\t"):
            cur.append((off + 1, line[1:]))
        elif line.strip() == "":
            if cur:
                rows.append(cur)
            cur = []
        elif cur:
            # A paragraph that cleaning could not join continues the cell (专栏 box bullets).
            cur.append((off - 1, "\n" + line))
        else:
            # A box's last entry after a blank line, written without its cell's tab.
            cur = [(off, line)]
    if cur:
        rows.append(cur)
    return rows


def _merge_continuations(cells: list[tuple[int, str]]) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for off, c in cells:
        if c.startswith("\n") and out:
            out[-1] = (out[-1][0], out[-1][1] + c)
        else:
            out.append((off, c))
    return out


def build_table(lines: list[tuple[int, str]], caption: str = "") -> Table:
    """Rebuild one table from its cleaned lines (each a (offset, text) pair)."""
    raw_rows = [_merge_continuations(r) for r in split_rows(lines)]
    raw_rows = [r for r in raw_rows if any(c.strip() for _, c in r)]
    start = lines[0][0] if lines else 0
    end = lines[-1][0] + len(lines[-1][1]) if lines else 0
    if not raw_rows:
        return Table(caption, (), (), (), start=start, end=end)
    width = max(len(r) for r in raw_rows)
    if width == 1:
        cells = [r[0][1].strip() for r in raw_rows]
        # A box opens with its title ('专栏1 …'); one whose title was lost opens with an entry.
        titled = _is_box_title(cells[0])
        body = raw_rows[1:] if titled else raw_rows
        return Table(
            caption=cells[0] if titled else "",
            header=(),
            rows=tuple((c,) for c in cells[len(cells) - len(body) :]),
            originals=tuple((c,) for c in cells[len(cells) - len(body) :]),
            kind="box",
            start=start,
            end=end,
            row_spans=tuple((r[0][0], r[-1][0] + len(r[-1][1])) for r in body),
        )
    if len(raw_rows[0]) == 1 and len(raw_rows) > 1:
        # A title row merged across the table (Word: '“十四五”…主要预期指标' over all columns).
        title = raw_rows[0][0][1].strip()
        caption = title if not caption or caption in title or title in caption else f"{caption} {title}"
        raw_rows = raw_rows[1:]
    header = tuple(c.strip() for _, c in raw_rows[0])
    header = header + ("",) * (width - len(header))
    rows: list[tuple[str, ...]] = []
    originals: list[tuple[str, ...]] = []
    groups: list[str] = []
    spans: list[tuple[int, int]] = []
    padded: list[int] = []
    above: list[str] = [""] * width
    group = ""
    for r in raw_rows[1:]:
        cells = [c.strip() for _, c in r]
        if len(cells) == 1 and width > 2:
            group = cells[0]  # a category row spanning the table ("健康水平")
            continue
        # A row short of cells lost its leading merged cells: pad on the left.
        padded.append(width - len(cells))
        cells = [""] * (width - len(cells)) + cells
        filled = [c if c else above[i] for i, c in enumerate(cells)]
        # Only leading label columns inherit from above; an empty value cell stays empty.
        for i, c in enumerate(cells):
            if not c and i > 0 and any(cells[:i]):
                filled[i] = ""
        above = filled
        shown = [clock_to_ratio(c) or c for c in filled]
        rows.append(tuple(shown))
        originals.append(tuple(filled))
        groups.append(group)
        spans.append((r[0][0], r[-1][0] + len(r[-1][1])))
    return Table(
        caption=caption,
        header=header,
        rows=tuple(rows),
        originals=tuple(originals),
        groups=tuple(groups),
        start=start,
        end=end,
        row_spans=tuple(spans),
        padded=tuple(padded),
    )


def _is_box_title(cell: str) -> bool:
    """'专栏1 公共卫生防控救治能力建设工程' is a title; '建立传染病…平台。以传染病为重点…' is an entry."""
    return cell.startswith("专栏") or (len(cell) <= 40 and "\n" not in cell and not cell.endswith(("。", "；")))


def _is_label_column(header: str, index: int) -> bool:
    if _YEARISH.search(header):
        return False
    return index == 0 or bool(_LABEL_HEADERS.search(header))


def render_row(table: Table, i: int) -> str:
    """One row as a self-contained line.

    '“十四五”主要指标｜健康水平｜人均期望寿命（岁）｜2020年：81.15｜2025年：82'
    """
    row, orig = table.rows[i], table.originals[i]
    parts: list[str] = [table.caption] if table.caption else []
    if table.groups and table.groups[i]:
        parts.append(table.groups[i])
    for j, cell in enumerate(row):
        if not cell:
            continue
        head = table.header[j] if j < len(table.header) else ""
        shown = cell
        if orig[j] != cell:
            shown = f"{cell}（原表格显示为“{orig[j]}”）"
        if not head or _is_label_column(head, j):
            parts.append(shown)
        else:
            parts.append(f"{head}：{shown}")
    return "｜".join(parts)


def render_table(table: Table) -> str:
    """The whole table as Markdown-like text for display."""
    if table.kind == "box":
        return "\n".join([table.caption, *(f"· {r[0]}" for r in table.rows)])
    lines = [table.caption] if table.caption else []
    lines.append("｜".join(table.header))
    last_group = ""
    for i, row in enumerate(table.rows):
        g = table.groups[i] if table.groups else ""
        if g and g != last_group:
            lines.append(f"【{g}】")
            last_group = g
        lines.append("｜".join(row))
    return "\n".join(lines)
