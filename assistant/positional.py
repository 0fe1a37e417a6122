"""Stage 1d, an item by its position in the previous answer — "排第五的是哪个？", "后面那个具体讲什么？"
after an answer that listed the items in one sentence ("加强针灸、推拿、骨伤…等专科", "包括甲行动和乙行动
两部分"): the follow-up is asked of that item, named in the position's place.

An answer listing its items on numbered lines or by the headings of a section is read through the
section's outline (understand.inherit_section); this stage reads the items a sentence runs together,
which only the answer the user saw gives in that order.

    by_position('第五个科叫什么？', '…加强针灸、推拿、骨伤、风湿、肛肠、皮肤等专科建设。')
    → '“肛肠”科叫什么？'
"""

from __future__ import annotations

import re
import statistics

from vectorstore.sections import LAST, ORDINAL, numeral

# The first or the second of two things said just before: "后面那个", "前一个", "后者".
_OF_TWO = re.compile(r"(?:(?P<last>后面那|后边那|后一|后者)|(?P<first>前面那|前边那|前一|前者|头一))(?:个|项|条|种)?")
# Where the items of a "、" run stop: "…康复等专科", "…和危重症医学科".
_RUN_END = re.compile(r"等|以及|及|和|与|共|在内")
# "包括甲行动和乙行动两部分": two items and their count.
_PAIR = re.compile(r"(?:包括|分为|分成|分|有|是|即)([^，。；：、]{2,24}?)(?:和|与|及|以及)([^，。；：、]{2,24}?)"
                   r"(?:两|二)(?:部分|项|个|方面|类|块|大|条|种)")
# An answer that numbers its items ("1.…；2.…", "（一）…", "一是…二是…") counts them by those numbers.
_NUMBERED = re.compile(r"(?:^|[\s；;：:。，,])(?:\d{1,2}[.．、]|[（(][一二三四五六七八九十\d]{1,2}[)）]|[一二三四五六七八九十]是)")
# "第四类", "第二种": a kind among the items a sentence listed (no section of a plan is numbered by 类).
_KIND = re.compile(r"第([一二两三四五六七八九十\d]{1,2})(?:类|种)")
# "社区卫生服务中心124家": an item given with its figure is named without it.
_FIGURE_END = re.compile(r"\d[\d.,]*\s*(?:万|千)?(?:家|个|所|张|名|人|项|座|处|%|％)?$")
_CLAUSES = re.compile(r"[，,。；;：:！!？?\n]")
_MOST_CHARS = 14  # an item longer than this is a clause, not a name in a list


def inline_lists(answer: str) -> list[list[str]]:
    """The lists an answer runs together in one clause, in its order: '做强妇产科、儿科、感染科及创伤科等学科'
    → [['妇产科', '儿科', '感染科', '创伤科']]; '包括甲行动和乙行动两部分' → [['甲行动', '乙行动']]."""
    found = [[a.strip(), b.strip()] for a, b in _PAIR.findall(answer)]
    for clause in _CLAUSES.split(answer):
        parts = clause.split("、")
        if len(parts) < 3 or any(not p or len(p) > _MOST_CHARS for p in parts[1:-1]):
            continue
        middle = parts[1:-1]
        size = round(statistics.median(len(p) for p in middle))
        head = parts[0][-size:]
        tail = parts[-1]
        end = _RUN_END.search(tail)
        last = [tail[: end.start()]] if end else [tail if len(tail) <= _MOST_CHARS else tail[:size]]
        if end and end.group(0) in ("以及", "及", "和", "与"):
            # "…、急诊科及高级别创伤科等学科": one more item after the joining word.
            rest = tail[end.end():]
            stop = re.search(r"等|共|在内", rest)
            last.append(rest[: stop.start()] if stop else rest[:size])
        items = [p for p in (head, *middle, *last) if p]
        if len(items) >= 3:
            found.append(items)
    return found


def by_position(ask: str, answer: str) -> str:
    """The follow-up with the item its position names put in that place, '' when it names none or
    the previous answer ran no list that long (see the module docstring)."""
    at = ORDINAL.search(ask) or _KIND.search(ask)
    span = at or _OF_TWO.search(ask)
    if span is None or not answer or len(_NUMBERED.findall(answer)) >= 2:
        return ""
    if at is not None:
        n = numeral(at.group(1)) if at.group(1) else LAST
        fitting = [xs for xs in inline_lists(answer) if n == LAST or len(xs) >= n >= 1]
        item = _FIGURE_END.sub("", fitting[0][-1] if n == LAST else fitting[0][n - 1]) if fitting else ""
    else:
        pairs = [xs for xs in inline_lists(answer) if len(xs) == 2]
        item = (pairs[0][-1] if span.group("last") else pairs[0][0]) if pairs else ""
    if not item:
        return ""
    start, end = span.span()
    # "排在第三个的", "后面那个行动": the words around the position name no more than the item does.
    start -= 2 if ask[max(0, start - 2):start] == "排在" else 1 if ask[max(0, start - 1):start] == "排" else 0
    after = ask[end:]
    # "后面那个行动" of "乙行动": the item's own last word.
    head = next((n for n in range(4, 0, -1) if item.endswith(after[:n]) and re.fullmatch(r"[\u4e00-\u9fff]+", after[:n])), 0)
    after = after[head:]
    after = re.sub(r"^的(?=是)", "", after)
    return f"{ask[:start]}“{item}”{after}"
