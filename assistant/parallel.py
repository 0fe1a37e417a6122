"""The previous question asked of the part a follow-up puts in its place: a side of a district ("那南边
呢？"), a name of the same kind ("那二级医院呢？"), a street or town ("那万新街呢？"), or a part of a name
the plans write ("高血压的呢？" after "…糖尿病患者…率…", when a plan writes both names).

    parallel('那南边', '甲区西部的卫生院由谁帮扶？', uses) → '甲区南部的卫生院由谁帮扶？'
"""

from __future__ import annotations

import re
from collections.abc import Callable

# What a follow-up adds around the part it names ("…的目标是多少"): not the part itself.
FILLER = re.compile(r"(定的|定为|规划的|的目标|目标|的)?(是|为)?(多少|几|什么|怎样|怎么样|如何)?$")
_SIDE = re.compile(r"([东西南北])(?:部|边|面|侧|片)")
_SUBDIVISIONS = "街镇乡村"  # the endings of a district's streets and towns
_THERE = re.compile(r"(?:那边|这边|那块|那里|那儿)(?=[呢吗？?]*$)")  # "万新街那边呢": the place itself
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_WORD = re.compile(r"[\u4e00-\u9fff\d]+")
_NAME = re.compile(r"[\u4e00-\u9fff\d]*[\u4e00-\u9fff][\u4e00-\u9fff\d]*")  # "5岁以下儿童"
_LEAD = re.compile(r"^(?:那么|那|还有)")
# A name's shared ending ("管理率", "患者…管理率") is this long; the part before it this long at most.
KIND_CHARS = (2, 6)
PART_CHARS = 6


def parallel(rest: str, prev: str, plan_uses: Callable[[str], bool] | None = None) -> str:
    """The previous question with the follow-up's part in the place of its own (see the module
    docstring): ('二级医院', '要建几家三级医院？') → '要建几家二级医院？'; '' when the previous question
    names no such part."""
    part = FILLER.sub("", _LEAD.sub("", rest))
    side = _SIDE.fullmatch(part)
    if side:
        m = _SIDE.search(prev)
        return prev[: m.start(1)] + side.group(1) + prev[m.end(1):] if m and m.group(1) != side.group(1) else ""
    for k in range(len(part) - 1, max(1, len(part) // 2 - 1), -1):
        # A shared ending of two or more characters, not shorter than what differs, is the kind ("级医院");
        # what comes before it, the part ("第五中心医院" against "中医医院" differs in more than it shares).
        head, lead = part[-k:], part[:-k]
        at = prev.find(head)
        if at >= len(lead) and _WORD.fullmatch(prev[at - len(lead): at]) and \
                prev[at - len(lead): at] != lead:
            return prev[: at - len(lead)] + part + prev[at + k:]
    place = FILLER.sub("", _LEAD.sub("", _THERE.sub("", rest)))
    if len(place) >= 3 and place[-1] in _SUBDIVISIONS:
        # "那万新街呢？" after "…金钟街的…": one character ends the name of a street or town.
        m = next((x for x in re.finditer(rf"[\u4e00-\u9fff]{{{len(place) - 1}}}{place[-1]}", prev)
                  if x.group(0) != place), None)
        if m:
            return prev[: m.start()] + place + prev[m.end():]
    return written_parallel(part, prev, plan_uses) if plan_uses is not None else ""


def written_parallel(part: str, prev: str, plan_uses: Callable[[str], bool]) -> str:
    """The previous question with ``part`` in the place of the part of a name it writes, when a plan
    writes both names: ('高血压', '甲区糖尿病患者随访率要到几成？', uses) → '甲区高血压患者随访率要到几成？';
    '' when no plan writes the part with an ending of the previous question's."""
    if len(part) < 2 or not _NAME.fullmatch(part):
        return ""
    for k in range(KIND_CHARS[1], KIND_CHARS[0] - 1, -1):  # the longest shared ending first
        for s in range(2, len(prev) - k + 1):
            tail = prev[s:s + k]
            if not _CJK.fullmatch(tail) or part + tail in prev or not plan_uses(part + tail):
                continue
            for n in range(min(PART_CHARS, s), 1, -1):  # the longest part the plans write with that ending
                old = prev[s - n:s]
                if _NAME.fullmatch(old) and part not in old and old not in part and plan_uses(old + tail):
                    return prev[:s - n] + part + prev[s:]
    return ""
