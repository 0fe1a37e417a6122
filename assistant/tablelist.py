"""Questions about an indicator table's structure, answered from its rows, every row cited.

"埇桥哪些指标是约束性的？" or "振安“医疗卫生服务体系”这一类有哪些指标？" want every row of one plan's
table whose attribute cell (属性 / 指标性质) or category cell (领域 / 指标类别, carried down merged
cells) says so; word search returns the one row that shares most words. The rows are the
index's own ``table_row`` passages ("caption｜category｜name｜2020年：…｜2025年：…｜属性：约束性").

    rows_asked("埇桥哪些指标是约束性的？", rows_of_yongqiao) → TableList("约束性", [row, row, …])
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.extract import row_fields, row_line
from vectorstore.types import Chunk

_LISTS = re.compile(r"哪些|哪几|有什么|都有|包括|包含|列出|一共|几项|多少项|多少个")
_ATTRIBUTES = ("约束性", "预期性")


@dataclass(frozen=True)
class TableList:
    what: str  # the category or attribute asked
    rows: tuple[Chunk, ...]


def _category(row: Chunk) -> str:
    fields = [f for f in row_fields(row) if "：" not in f]
    return fields[0] if len(fields) >= 2 else ""


def rows_asked(question: str, rows: Sequence[Chunk]) -> TableList | None:
    """The rows a list question about one plan's indicator table wants, or None when it asks none."""
    if "指标" not in question or not _LISTS.search(question) or not rows:
        return None
    for attr in _ATTRIBUTES:
        if attr in question:
            picked = tuple(r for r in rows if re.search(rf"[：:]\s*{attr}", r.text))
            return TableList(attr, picked) if picked else None
    q = re.sub(r"\s", "", question)
    categories = sorted({c for r in rows if (c := _category(r))}, key=len, reverse=True)
    for cat in categories:
        name = re.sub(r"\s", "", cat)
        # A merged cell reads "健康水平和健康保障"; a question may name either half of it.
        parts = [name, *[p for p in re.split(r"和|与|及", name) if len(p) >= 2]]
        if any(p in q for p in parts):
            return TableList(cat, tuple(r for r in rows if _category(r) == cat))
    return None


def compose_list(found: TableList, plan: str) -> tuple[str, tuple[Chunk, ...]]:
    """The answer text, one cited line per row, and the rows in citation order."""
    kind = "指标性质" if found.what in _ATTRIBUTES else "类别"
    # No count or numbering of our own: every figure in an answer is one a cited passage holds.
    head = f"{plan}规划主要指标中，{kind}为“{found.what}”的指标如下："
    lines = [head] + [f"- {row_line(r)}[{i}]" for i, r in enumerate(found.rows, 1)]
    return "\n".join(lines), found.rows
