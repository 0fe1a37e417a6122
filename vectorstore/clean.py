"""Cleaning: undo what the Word-to-text conversion left in the plans, keeping the text faithful.

Only three things change: `[bookmark: …]` markers go, stray whitespace goes, and lines that Word
broke in the middle of a sentence are joined again. Everything a user reads stays as the plan
wrote it, so a citation can be quoted verbatim.
"""

from __future__ import annotations

import re

from vectorstore.headings import match_heading, numbers_on

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
# Characters that can end a complete line: sentence ends, closing brackets and quotes.
_TERMINAL = set("。；！？：!?;:）)”」』》】…")
_SPACES = re.compile(r"[ \u3000\u00a0\u2002\u2003\t]+$")
_LEAD = re.compile(r"^[ \u3000\u00a0\u2002\u2003]+")

# A line shorter than this that does not end a sentence is more likely a title than a broken line.
MIN_BROKEN_LINE = 18
# A numbered line this long without a sentence end is a numbered paragraph broken by Word,
# not a heading (Dongli: "（三）积极宣传区内卫生健康主题实践活动、治庸问责、“三好一满意”等活").
MIN_BROKEN_NUMBERED = 30
# In a table, a line without a tab continues the cell above when it is this short
# ("健康水平和" / "健康保障") or when the cell itself is a long, unfinished sentence.
MAX_CELL_TAIL = 12
MIN_BROKEN_CELL = 20


def strip_markers(line: str) -> str:
    """Drop Word bookmarks and surrounding blanks: '[bookmark: _Toc1]一、总则 ' → '一、总则'."""
    line = _BOOKMARK.sub("", line)
    if line.startswith("\t"):
        # A lone tab is an empty (merged) table cell and must survive.
        return "\t" + line.strip(" \t\u3000\u00a0")
    return _LEAD.sub("", _SPACES.sub("", line))


def _ends_sentence(text: str) -> bool:
    return bool(text) and text[-1] in _TERMINAL


def _should_join(prev: str, nxt: str, headings: dict[str, str] | None = None) -> bool:
    """Whether `nxt` continues the sentence that Word broke at the end of `prev`; ``headings``: the
    number of the last numbered line of each numbering style so far, when it was short (a heading)."""
    if not prev or not nxt or nxt.startswith("\t") or _ends_sentence(prev.rstrip()):
        return False
    if match_heading(nxt) is not None or nxt.startswith("#"):
        return False
    if prev.startswith("\t"):
        cell = prev.strip()
        return bool(cell) and (len(nxt) <= MAX_CELL_TAIL or len(cell) >= MIN_BROKEN_CELL)
    if prev.startswith("#"):
        return False
    if (m := match_heading(prev)) is not None:
        # A long numbered line after a heading numbered just before it ('（一）落实…' then '（二）完善…，
        # 建立健全…机制') is that heading's sibling, a heading too long for the rule, not a broken paragraph.
        return len(prev) >= MIN_BROKEN_NUMBERED and not numbers_on((headings or {}).get(m.kind), m.number)
    return len(prev) >= MIN_BROKEN_LINE


def clean_text(text: str) -> str:
    """Clean a canonical plan text.

    '[bookmark: _Toc1]一、总则\\n加强饮用水、大气（雾霾）、土壤等环境健康影响监测\\n与评价。'
    → '一、总则\\n加强饮用水、大气（雾霾）、土壤等环境健康影响监测与评价。'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    out: list[str] = []
    headings: dict[str, str] = {}
    for raw in text.split("\n"):
        line = strip_markers(raw)
        if out and _should_join(out[-1], line, headings):
            out[-1] = out[-1] + line
            continue
        if out and (m := match_heading(out[-1])) is not None:
            if len(out[-1]) < MIN_BROKEN_NUMBERED:
                headings[m.kind] = m.number
            else:
                headings.pop(m.kind, None)
        out.append(line)
    # Collapse runs of blank lines (keep one: a blank line ends a table row), trim the ends.
    collapsed: list[str] = []
    for line in out:
        if line.strip() == "" and not line.startswith("\t"):
            if collapsed and collapsed[-1] == "":
                continue
            line = ""
        collapsed.append(line)
    return "\n".join(collapsed).strip("\n") + "\n"
