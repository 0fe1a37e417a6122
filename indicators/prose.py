"""Where a plan's prose states what its indicator table holds: the sentence that names the
indicator with one of its row's figures, or with a year.

    in_prose("…2025年，居民健康素养水平达到25%以上。…", row(居民健康素养水平, 21.7 / ＞25), row.target)
      → ["2025年，居民健康素养水平达到25%以上"]

Plans often state a target twice, once in the table ("＞25") and once in their own words ("25%以上");
a reader quoting the plan may want either, so a table answer shows both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from indicators.types import Indicator, Role, Value
from indicators.values import five_year_name
from vectorstore.sections import char_pairs

_NUM = re.compile(r"\d+(?:\.\d+)?")
_SENTENCE = re.compile(r"[。；;\n]")
_PER_HEAD = re.compile(r"^每[百千万](?:常住)?人口")
# A sentence longer than this is a paragraph the splitter could not cut: quoting it would bury the figure.
_MAX_CHARS = 160
# The share of the indicator name's character pairs a sentence must hold when it words the name its
# own way ("适龄儿童疫苗接种率" for a table's "适龄儿童免疫规划疫苗接种率").
_PAIR_SHARE = 0.7


def _sentences(text: str) -> Iterator[str]:
    for s in _SENTENCE.split(text):
        s = s.strip()
        if 6 <= len(s) <= _MAX_CHARS:
            yield s


_NUMERALS = str.maketrans("一二三四五六七八九", "123456789")


def names(sentence: str, r: Indicator) -> bool:
    """Whether a sentence names the indicator: its name, its name less 'per thousand people' with the
    per-head words nearby, or most of its character pairs; numerals read alike ('三岁以下', '3岁以下')."""
    norm, sentence = r.norm.translate(_NUMERALS), sentence.translate(_NUMERALS)
    core = _PER_HEAD.sub("", norm)
    if norm in sentence:
        return True
    if core != norm:  # a rate per thousand people is stated per thousand people, not as a total
        return len(core) >= 2 and core in sentence and norm[1] in sentence
    pairs = char_pairs(norm)
    return len(pairs) >= 3 and len(pairs & char_pairs(sentence)) >= _PAIR_SHARE * len(pairs)


def _of_time(s: str, v: Value, start: int | None) -> bool:
    """Whether a sentence speaks of the value's time: its year, or the five-year period it belongs to
    (the last period's review gives a baseline, this period's aims a target)."""
    if v.year and str(v.year) in s:
        return True
    if start is None or v.role is Role.OTHER:
        return False
    name = five_year_name(start if v.role is Role.TARGET else start - 5)
    return bool(name) and name in s


def in_prose(text: str, r: Indicator, v: Value | None, start: int | None = None, limit: int = 2) -> list[str]:
    """The plan's sentences (at most ``limit``) naming the indicator with the figure of its value ``v``,
    of that value's time (``start``: the plan's first year). '3.03‰以下' in the last period's review
    does not state the target '<3.03'."""
    m = _NUM.search(v.text) if v is not None and not v.blank else None
    if v is None or m is None:
        return []
    out: list[str] = []
    figure = m.group(0)
    for s in _sentences(text):
        if figure not in s:  # most sentences: no regex run on them
            continue
        held = {n.group(0) for n in _NUM.finditer(s)}
        if figure in held and names(s, r) and _of_time(s, v, start) and s not in out:
            out.append(s)
            if len(out) == limit:
                break
    return out


def states_year(text: str, r: Indicator, year: int) -> bool:
    """Whether the prose names the indicator (its name, or its name less 'per thousand people' with
    the per-head words) in a sentence with that year and a figure: then retrieval answers, and the
    table's silence about the year does not settle the question."""
    core = _PER_HEAD.sub("", r.norm)
    per_head = r.norm[:2] if core != r.norm else ""
    for sent in _SENTENCE.split(text):
        if str(year) in sent and (r.norm in sent or len(core) >= 2 and core in sent and per_head in sent) \
                and _NUM.search(sent.replace(str(year), "")):
            return True
    return False


def states_figure(text: str, r: Indicator, variants: Sequence[str] = ()) -> bool:
    """Whether any sentence of the prose names the indicator (or one of its names' ``variants``) with
    a figure that is not a year: a baseline the table leaves out may be reported in the plan's review
    of the last period."""
    for s in _sentences(text):
        if (names(s, r) or any(v in s for v in variants)) and _NUM.search(re.sub(r"(?:19|20)\d{2}年?", "", s)):
            return True
    return False
