"""Plan names mistyped by an input method, recognised by sound or by one character.

Citizens type districts with a pinyin or handwriting input method: "冬丽" and "东立" for 东丽,
"涌桥" for 埇桥, "镇安" for 振安, "滨每新区" for 滨海新区. No list of typos is kept: the names come from
the manifest (districts, their short forms, cities of city-wide plans, short aliases), and a span
of the question is read as one of them when

- it sounds the same (toneless pinyin, any reading of each character), or it is a full district
  name (ending in one of ``lexicon/place_suffixes.txt``: "…新区", "…区", "…县") with one
  character different; and
- it is not a word the plans themselves use, nor a word of jieba's dictionary ("动力" sounds like
  东丽), unless the district's own suffix follows ("镇安区");
- a short name (no suffix of its own) does not cut a word of the question in two: with hundreds of
  plans some name sounds like nearly any two characters ("的每" of "的每千人口", "五卫" of "十四五卫生"),
  while a mistyped name stands as a word of its own ("冬丽的床位").

    PlaceSpeller.from_docs(docs, plans_text, lexicon.places.suffixes).correct("冬丽区的床位目标？")
    → ("东丽区的床位目标？", (Correction("冬丽", "东丽"),))
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from question.lexicon import alternation
from vectorstore.types import DocMeta

_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
# A word jieba's dictionary counts this often is a word in its own right, not a misspelled name.
COMMON_WORD_FREQ = 100


@dataclass(frozen=True)
class Correction:
    wrong: str
    right: str

    @property
    def note(self) -> str:
        """'已按“东丽”理解“冬丽”。'"""
        return f"已按“{self.right}”理解“{self.wrong}”。"


def place_suffix(suffixes: Sequence[str]) -> re.Pattern[str]:
    """The ending of a place name, longest first: ('新区', '区', '县') → matches '新区' of '滨海新区'."""
    return re.compile(f"({alternation(suffixes)})$")


@lru_cache(maxsize=4096)
def _sounds(ch: str) -> frozenset[str]:
    from pypinyin import Style, pinyin

    return frozenset(pinyin(ch, style=Style.NORMAL, heteronym=True)[0])


@lru_cache(maxsize=256)
def _word_edges(text: str) -> frozenset[int]:
    """The positions inside a word (two characters or more, as jieba cuts ``text``):
    '的每千人口' → {2, 3} (inside 每千人), so a window ending at 2 cuts it; words of the dictionary only."""
    import jieba

    out: set[int] = set()
    at = 0
    # Without the HMM, which makes a word of unknown characters: "那永桥" of "那永桥的呢" (a slip of 埇桥).
    for w in jieba.dt.cut(text, HMM=False):
        if len(w) >= 2:
            out.update(range(at + 1, at + len(w)))
        at += len(w)
    return frozenset(out)


@lru_cache(maxsize=4096)
def _reading(ch: str) -> str:
    from pypinyin import Style, pinyin

    return str(pinyin(ch, style=Style.NORMAL)[0][0])


def _word_freq(word: str) -> int:
    import jieba

    jieba.dt.check_initialized()
    return int(jieba.dt.FREQ.get(word) or 0)


class PlaceSpeller:
    """Corrects misspelled plan names in a question (see the module docstring)."""

    def __init__(self, names: Mapping[str, str], plans_text: str, suffixes: Sequence[str]) -> None:
        """``names``: each plan name → the suffix its place takes ('东丽' → '区', '东丽区' → '');
        ``suffixes``: the endings of a place name (Lexicon.places.suffixes: '新区', '区', …)."""
        self.suffix = place_suffix(suffixes)
        self.suffix_of = {n: sfx for n, sfx in names.items() if 2 <= len(n) <= 6 and _CJK.match(n)}
        self.names = sorted(self.suffix_of, key=lambda n: (-len(n), n))
        self.plans_text = plans_text
        # A window can only be read as a name when its first or second character sounds like the
        # name's (a same-sounding span shares every sound; a one-character slip of a name of three or
        # more keeps one of the two): names by (length, position, sound), so a question is compared
        # with the few names it could be, not with every plan's of a province-wide index.
        self._by_sound: dict[tuple[int, int, str], list[str]] = {}
        for n in self.names:
            for pos in (0, 1):
                for sound in _sounds(n[pos]):
                    self._by_sound.setdefault((len(n), pos, sound), []).append(n)
        self._sizes = sorted({len(n) for n in self.names})

    @classmethod
    def from_docs(cls, docs: Iterable[DocMeta], plans_text: str, suffixes: Sequence[str]) -> PlaceSpeller:
        """The plans' names from their metadata: '东丽区' and its short form '东丽' (→ '区'), aliases."""
        suffix = place_suffix(suffixes)
        names: dict[str, str] = {}
        for d in docs:
            names.update({a: "" for a in d.aliases if len(a) <= 3})
            place = d.district or d.city
            if place:
                names[place] = ""
                short = suffix.sub("", place)
                if len(short) >= 2:
                    names[short] = place[len(short):]
        return cls(names, plans_text, suffixes)

    def correct(self, text: str) -> tuple[str, tuple[Correction, ...]]:
        """The question with misspelled plan names replaced, and what was replaced."""
        taken = [m.span() for n in self.names if n in text for m in re.finditer(re.escape(n), text)]
        fixes: list[tuple[int, str, str]] = []
        where = self._candidates(text)
        for name in (n for n in self.names if n in where):
            size = len(name)
            for i in sorted(where[name]):
                span = (i, i + size)
                window = text[i:i + size]
                # A name spelled right blocks overlapping windows, except a longer one holding it whole:
                # "滨海心区" misspells 滨海新区 though its "滨海" is right.
                if window == name or any(s < span[1] and span[0] < e
                                         and not (span[0] <= s and e <= span[1] and e - s < size)
                                         for s, e in taken):
                    continue
                if self._misspells(window, name, text[i + size:i + size + 2], lambda: _word_edges(text), i):
                    taken.append(span)
                    fixes.append((i, window, name))
        if not fixes:
            return text, ()
        out = text
        for i, wrong, right in sorted(fixes, reverse=True):
            out = out[:i] + right + out[i + len(wrong):]
        return out, tuple(Correction(w, r) for _, w, r in sorted(fixes))

    def _candidates(self, text: str) -> dict[str, set[int]]:
        """Each name a window of the text could misspell, with the windows' starts."""
        out: dict[str, set[int]] = {}
        for size in self._sizes:
            for i in range(len(text) - size + 1):
                for pos in (0, 1):
                    for sound in _sounds(text[i + pos]):
                        for name in self._by_sound.get((size, pos, sound), ()):
                            out.setdefault(name, set()).add(i)
        return out

    def _misspells(self, window: str, name: str, after: str, edges: Callable[[], frozenset[int]] = frozenset,
                   at: int = 0) -> bool:
        if not _CJK.match(window):
            return False
        # Each character read as one types it (its usual reading): an input method offers "冬" for
        # "dong"; a rare reading of either ("他" as tuo) is no slip.
        sounds = all(_reading(a) == _reading(b) for a, b in zip(window, name, strict=True))
        suffix = self.suffix.search(name)
        one_char = (suffix is not None and len(name) >= 3 and window.endswith(suffix.group(1))
                    and sum(a != b for a, b in zip(window, name, strict=True)) == 1)
        # The plans' own words are no misspelling; read last, as it scans every plan's text.
        if not (sounds or one_char) or window in self.plans_text:
            return False
        if one_char:
            return True  # a full district name, suffix and all
        own = self.suffix_of.get(name, "")
        if len(own) > 1 and after[:1] == own[-1]:
            # "宾海区": the short form of 滨海新区 people say, one word to the segmenter as "宾海新区" is not.
            return True
        inner = edges()
        if inner and (at in inner or at + len(window) in inner):
            return False  # the window starts or ends inside a word of the question
        if suffix is not None:
            return True
        if own and after.startswith(own):
            return True
        if after[:1] in ("区", "县", "市", "旗", "镇"):
            return False  # another place's own name: "镇安县" is a county, not 振安区
        return _word_freq(window) == 0


_ENDINGS = "(?:街道|街|镇|乡)"  # of a street's, town's or township's name
_LOCAL = re.compile(rf"[\u4e00-\u9fff]{{2,4}}?{_ENDINGS}")
_SUFFIX = re.compile(rf"{_ENDINGS}$")
_NAMED_FREQ = 10  # a street's or town's name is no word of jieba's dictionary ("小城镇" is)
_NOT_LOCAL = set("的我们这那个在问说想听看去到要对给了住是有里家")


def local_place_plan(message: str, texts: Mapping[str, str], facility_suffixes: Sequence[str] = ()) -> str:
    """The one plan whose text names a street, town or township the message names ('我住青柳街…'
    → 'hexi' when only the 河西 plan writes 青柳街), or a facility by its own name ('在柳河口医院看病…'),
    or '' when none or several do: a citizen names where they live or are treated more often than
    their district."""
    found = _facility_plans(message, texts, facility_suffixes)
    for m in _LOCAL.finditer(message):
        name = m.group(0)
        # The match may start inside the sentence ("常去青柳街"): its longest tail a plan writes.
        for tail in (name[i:] for i in range(len(name) - 2) if name[i] not in _NOT_LOCAL):
            if _word_freq(tail[-2:]) >= COMMON_WORD_FREQ or _word_freq(tail) >= _NAMED_FREQ:
                continue  # a word, not a name: "医生下乡", "城乡", "商业街"
            docs = {doc for doc, text in texts.items() if tail in text}
            # "我家在甲庄街": a plan may write the street without its 街 ("甲庄、乙村社区卫生服务中心").
            bare = _SUFFIX.sub("", tail)
            if not docs and len(bare) >= 2 and _word_freq(bare) < _NAMED_FREQ:
                docs = {doc for doc, text in texts.items() if bare in text}
            if docs:
                found |= docs
                break
    for m in _FROM.finditer(message):
        # "我是柳林堡的": a place the writer is from, by the longest tail some plan writes as a name.
        name = m.group(1)
        tail = next((name[i:] for i in range(len(name) - 1) if any(name[i:] in t for t in texts.values())), "")
        if tail and (_word_freq(tail) < _NAMED_FREQ or _proper_name_first(tail)):
            found |= {doc for doc, text in texts.items() if tail in text}
    return found.pop() if len(found) == 1 else ""


# Where a writer says they live or come from, and the name that follows ("我是柳林堡的", "家住天津柳林堡，").
_FROM = re.compile(r"(?:我是|我住|住在|家住|家在|我家在|老家在?|来自)([\u4e00-\u9fff]{2,5}?)"
                   r"(?=的|人|那边|这边|那块|这块|附近|一带|[，,。；;！!])")


_PROPER = ("ns", "nr", "nz")  # jieba's tags of a place's, a person's and another proper name
_NAME_MAX = 8  # characters of a facility's own name before its suffix ("柳河口安定")


def _facility_plans(message: str, texts: Mapping[str, str], suffixes: Sequence[str]) -> set[str]:
    """The plans writing a facility the message names by its own name, the longest name a plan writes
    ('天津柳河口医院' → the plan writing 柳河口医院), when that name opens with a proper name
    (``_proper_name_first``); a kind of facility ('胸科医院', '社区医院') names none."""
    found: set[str] = set()
    for suffix in sorted(set(suffixes), key=len, reverse=True):
        for m in re.finditer(re.escape(suffix), message):
            spans = (message[i:m.end()] for i in range(max(0, m.start() - _NAME_MAX), m.start() - 1))
            name = next((s for s in spans if any(s in t for t in texts.values())), "")
            if name and _proper_name_first(name[: -len(suffix)]):
                found |= {doc for doc, text in texts.items() if name in text}
    return found


def _proper_name_first(head: str) -> bool:
    """Whether a facility's name opens with a place's or a proper name ('汉沽安定' of 汉沽安定医院), not
    with a kind ('胸科', '社区'), a count ('一家社区…') or a number ('第五中心', which several cities have)."""
    import jieba.posseg

    first = next(iter(jieba.posseg.cut(head)), None)
    return first is not None and len(first.word) >= 2 and first.flag in _PROPER
