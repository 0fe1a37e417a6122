"""Which facility a follow-up's pronoun or demonstrative means: the one the previous question opens
with, the one the previous answer named when the question asked which, or the one named in the
writer's situation ("这家医院" after "我妈在甲市人民医院住过院").

    answered_facility('哪所医院要升级？', [… assistant: '甲市人民医院。'], analyzer) → '甲市人民医院'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from vectorstore.points import chinese_number
from vectorstore.query import QueryAnalyzer

# The words a follow-up opens with ("那么…", "还有…"), no part of what it names.
LEAD = re.compile(r"^(那么|那|还有|另外|再问一下|再问|然后|请问)[，,\s]*")



def named_before(head: str, history: Sequence[Mapping[str, str]], longest: bool = False) -> str:
    """The last facility ending in ``head`` named in the earlier turns (most recent first): ('医院',
    [… assistant: '依托丹东市第二人民医院建设…']) → '丹东市第二人民医院'. A name is the run of nouns,
    numerals and modifiers (jieba's tags) that ends in the head noun; of a turn's names the last, or
    with ``longest`` the longest (a proper name beats "那家医院" of "觉得那家医院挺好")."""
    for turn in reversed(history):
        names = _names(head, turn.get("content", ""))
        if names:
            return max(names, key=len) if longest else names[-1]
    return ""


def _names(head: str, text: str) -> list[str]:
    """The facilities ending in ``head`` a text names, in order (see named_before)."""
    import jieba.posseg

    names: list[str] = []
    run: list[tuple[str, str]] = []
    for w in jieba.posseg.cut(text):
        if w.flag.startswith("n") or w.flag in ("m", "j", "b", "a", "vn"):
            run.append((w.word, w.flag))
            if w.word.endswith(head):
                while run and run[0][1] == "vn":
                    run.pop(0)  # "建设…中心": a leading verb-noun is the action, not the name
                name = "".join(t for t, _ in run)
                if len(name) > len(head) + 1:
                    names.append(name)
        else:
            run = []
    return names


def named_in_situation(ask: str, situation: str) -> str:
    """An ask pointing at a facility its situation named, made to name it: ('这家医院的床位
    规划里有啥安排？', '我妈在甲市人民医院住过院。') → '甲市人民医院的床位规划里有啥安排？'."""
    this = THIS_FACILITY.search(ask)
    name = named_before(this.group(1), [{"content": situation}], longest=True) if this and situation else ""
    return ask.replace(this.group(0), name, 1) if this and name else ask


FACILITY_HEADS = ("医院", "卫生院", "中心")
# "这家医院", "这个分院", "该中心": a demonstrative before a facility's or project's head noun points at one just named.
THIS_FACILITY = re.compile(f"(?:这家|这所|这个|那家|那个|该|此)({'|'.join(('分院', '院区', *FACILITY_HEADS, '工程', '项目', '基地'))})")
# A noun run ending in one of these names a facility a follow-up may continue ("振安区医院分院").
_HEADS = re.compile(f"(?:{'|'.join((*FACILITY_HEADS, '分院', '院区', '站', '室', '基地'))})$")


def subject_facility(prev: str, analyzer: QueryAnalyzer) -> str:
    """The facility a question opens with, its subject: '东丽医院的床位要加到多少？' → '东丽医院';
    '东丽区规划对医院有什么要求？' → '' (no facility's own name first)."""
    for head in FACILITY_HEADS:
        name = named_before(head, [{"content": prev}], longest=True)
        at = prev.find(name) if name else -1
        if at < 0:
            continue
        before = prev[:at]
        for alias, _ in analyzer.aliases:
            before = before.replace(alias, "")
        if not LEAD.sub("", before).strip("的，, "):
            return name
    return ""


# A question asking which facility ("哪家医院", "什么中心", "哪两家医院"): its answer names it (them).
_WHICH_FACILITY = re.compile(f"(?:哪|什么|啥)([两二三四五六七八九十几]?)[家个所座]?({'|'.join(FACILITY_HEADS)})")


def answered_facility(prev: str, history: Sequence[Mapping[str, str]], analyzer: QueryAnalyzer) -> str:
    """The facility the previous answer named when the previous question asked which one: ('哪所医院
    要升级？', [… assistant: '…甲市人民医院创建成三级医院。']) → '甲市人民医院'; '' otherwise."""
    which = _WHICH_FACILITY.search(prev)
    answer = history[-1] if history and history[-1].get("role") == "assistant" else None
    text = answer.get("content", "") if answer else ""
    several = list(dict.fromkeys(_names(which.group(2), text))) if which and which.group(1) else []
    if which and len(several) > 1:
        # "哪两家医院" answered "甲医院和乙医院的互联网医院…": the first two it names ("哪几家": all).
        return "和".join(several[:chinese_number(which.group(1))])
    name = named_before(which.group(2), [answer], longest=True) if which and answer else ""
    at = text.find(name) if name else -1
    for alias, _ in sorted(analyzer.aliases, key=lambda a: -len(a[0])):
        # A plan's name the word cutter splits ("埇|桥区人民医院") is the start of the facility's name.
        start = text.rfind(alias, 0, at + len(alias)) if at > 0 else -1
        if 0 <= start < at < start + len(alias):
            return text[start:at] + name
    return name


def facility_opening(prev: str, analyzer: QueryAnalyzer) -> str:
    """The run of nouns a question opens with (after its plan's name), when it names a facility:
    '振安区医院分院什么时候建？' → '振安区医院分院'; '甲区的卫生院共几家？' → '甲区卫生院' (甲区 a plan's name);
    '' otherwise."""
    import jieba.posseg

    plan = next((a for a, _ in sorted(analyzer.aliases, key=lambda x: -len(x[0])) if prev.startswith(a)), "")
    if plan and prev[len(plan):].startswith("的"):
        prev = prev[len(plan):].lstrip("的")
    else:
        plan = ""
    words = []
    for w in jieba.posseg.cut(prev):
        if not (w.flag.startswith("n") or w.flag == "j"):
            break
        words.append(w.word)
    opening = "".join(words)
    return plan + opening if _HEADS.search(opening) else ""
