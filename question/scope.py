"""Questions the plans cannot answer whatever the passages say: a year past every plan's period,
or a topic ("有没有提到罕见病？") that no plan uses a word of.

    beyond_period(("2030",), {"dongli": "2021-2025"}, ["…到2025年…"]) → "2030年（规划期为2021—2025年）"
    unmentioned(content_words("罕见病的用药保障"), plan_text.__contains__, known) → "罕见"
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence

_PERIOD = re.compile(r"(20\d\d)(?:\s*[-—–~～至]\s*(20\d\d))?")
_TRAILING = re.compile(r"(?:的)?(?:内容|方面|这块|这一块|这方面|相关|事情|问题|情况|工作)?[吗呢吧？?。！!\s]*$")


def period_end(period: str) -> int | None:
    """'2021-2025' → 2025; '2021' → 2021; '' → None."""
    m = _PERIOD.search(period or "")
    if not m:
        return None
    return int(m.group(2) or m.group(1))


def beyond_period(years: Sequence[str], periods: Mapping[str, str], plan_texts: Sequence[str]) -> str:
    """The first year asked that lies after every plan's period and that no plan sets a target for
    ('到2030年'), told with the periods; '' when the plans cover the years asked."""
    ends = [e for e in (period_end(p) for p in periods.values()) if e is not None]
    if not ends or not years:
        return ""
    last = max(ends)
    for y in years:
        target = re.compile(rf"到{y}年|{y}年(?:目标|末|底|[：:])")
        if int(y) > last and not any(target.search(t) for t in plan_texts):
            spans = sorted({p.replace("-", "—") for p in periods.values() if p})
            return f"{y}年（规划期为{'、'.join(spans)}年）"
    return ""


def mention_topic(question: str, cues: Iterable[str]) -> str:
    """What a "有没有提到…" question asks about, or '' when it does not ask that."""
    for cue in sorted(cues, key=len, reverse=True):
        i = question.find(cue)
        if i >= 0:
            return _TRAILING.sub("", question[i + len(cue):]).strip("，, ：:")
    return ""


# Parts of speech that carry what a topic is about (jieba's tags): nouns, adjectives, idioms,
# nominal verbs, foreign words; plain verbs ("查看", "保障") and function words do not.
_CONTENT_TAGS = ("n", "a", "i", "l", "vn", "eng", "s", "j", "nz")


def content_words(topic: str) -> list[str]:
    """'对医疗美容机构的监管' → ['医疗', '美容', '机构', '监管']"""
    import jieba.posseg

    return [w.word for w in jieba.posseg.cut(topic)
            if len(w.word) >= 2 and (w.flag in _CONTENT_TAGS or w.flag.startswith(("n", "a")))]


def unmentioned(words: Sequence[str], in_plans: Callable[[str], bool], known: Callable[[str], bool]) -> str:
    """The first of a topic's content ``words`` that no plan contains (and that no synonym stands
    in for), or '' when the plans use every one of them."""
    for w in words:
        if not in_plans(w) and not known(w):
            return w
    return ""
