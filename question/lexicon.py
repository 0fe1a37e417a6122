"""Word lists staff can edit (``lexicon/*.txt``): one entry per line, '#' starts a comment.

    load_words(Path("lexicon/ask_cues.txt")) → ("吗", "呢", "多少", …)

A bad line stops loading with its file and line named (LexiconError), so a typo in a list is
found when the service starts or at the next ingest, not by a wrong answer later.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from vectorstore.errors import ConfigError

_ENTRY = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9（）()·\-+＋]{1,20}$")  # "+": "互联网+护理服务"
# Every file a Lexicon reads (the indicator lists are read by indicators/).
FILES = ("ask_cues.txt", "mention_cues.txt", "intent_cues.txt", "measure_words.txt", "synonyms.txt",
         "other_places.txt", "place_suffixes.txt", "not_place_prefixes.txt", "not_place_followers.txt",
         "facility_suffixes.txt", "follow_up_words.txt", "demand_cues.txt", "not_measures.txt",
         "section_roles.txt", "pointing_words.txt", "place_partners.txt", "more_cues.txt",
         "empty_nouns.txt", "verb_complements.txt", "example_words.txt", "home_words.txt",
         "glued_characters.txt", "result_complements.txt", "document_words.txt")
INTENTS = ("responsibility", "time", "list", "how")  # the intents intent_cues.txt may name
ROLES = ("review", "problems", "projects")  # the section roles section_roles.txt may name
DOCUMENT_KINDS = ("issued", "when", "document", "number", "addressees", "signer")  # the kinds of word document_words.txt may name
# The kinds of figure demand_cues.txt may name (question/demands.py DemandKind; counts come from measure words).
CUE_KINDS = ("money", "beds", "days", "distance", "area", "age", "minutes", "phone", "address", "hours", "weekdays",
             "procedure", "total", "when", "level", "duration", "frequency")
_CUE = re.compile(r"^(?:[\u4e00-\u9fffA-Za-z0-9]+…)*[\u4e00-\u9fffA-Za-z0-9]+$")  # "资金…多少": … a short gap
# The lexicon shipped with the project. Entry points pass Settings.lexicon_dir; code given no lists
# (scripts, the LangChain retriever) reads this one.
SHIPPED = Path(__file__).resolve().parent.parent / "lexicon"


class LexiconError(ConfigError):
    """A lexicon file that cannot be read, or a line in it that is not an entry."""


def load_words(path: Path, gaps: bool = False) -> tuple[str, ...]:
    """The entries of one list, in file order, without duplicates; ``gaps``: an entry may hold one
    '…' ("有没有…的说法")."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"cannot read lexicon file {path}: {exc}; it must be UTF-8 text, one entry per line") from exc
    out: list[str] = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if not _ENTRY.match(line.replace("…", "", 1) if gaps else line):
            raise LexiconError(f"{path.name}:{n}: {line!r} is not an entry: one word per line (Chinese, letters or "
                               f"digits, at most 20 characters, no spaces{'; one …' if gaps else ''}); fix or delete the line")
        if line not in out:
            out.append(line)
    if not out:
        raise LexiconError(f"{path.name} holds no entries: add one word per line")
    return tuple(out)


def load_groups(path: Path, min_words: int = 1) -> tuple[tuple[str, ...], ...]:
    """Groups of interchangeable entries, one group per line separated by spaces: '家 所 个' → ('家', '所', '个').
    ``min_words``: fewer words on a line is an error (a synonym alone stands in for nothing)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"cannot read lexicon file {path}: {exc}; it must be UTF-8 text, one group per line") from exc
    out: list[tuple[str, ...]] = []
    for n, raw in enumerate(text.splitlines(), 1):
        words = raw.split("#", 1)[0].split()
        if not words:
            continue
        bad = [w for w in words if not _ENTRY.match(w)]
        if bad:
            raise LexiconError(f"{path.name}:{n}: {bad[0]!r} is not an entry: words separated by spaces "
                               f"(Chinese, letters or digits, at most 20 characters each)")
        group = tuple(dict.fromkeys(words))
        if len(group) < min_words:
            raise LexiconError(f"{path.name}:{n}: {group[0]!r} stands alone: write {min_words} or more words of "
                               f"one meaning on the line, separated by spaces, or delete it")
        out.append(group)
    if not out:
        raise LexiconError(f"{path.name} holds no groups: add one group of words per line")
    return tuple(out)


def load_intents(path: Path, names: Sequence[str] = INTENTS,
                 what: str = "an intent") -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each line of intent_cues.txt as (intent, its cue words): 'list 哪些 哪几' → ('list', ('哪些', '哪几'));
    section_roles.txt likewise with ``names`` its roles."""
    out = []
    for group in load_groups(path, min_words=2):
        if group[0] not in names:
            n = _line_of(path, group[0])
            raise LexiconError(f"{path.name}:{n}: {group[0]!r} is not {what}: start the line with one of "
                               f"{', '.join(names)}, then its cue words")
        out.append((group[0], group[1:]))
    return tuple(out)


def load_demand_cues(path: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each line of demand_cues.txt as (kind, its cues), lines of one kind joined:
    'money 多少钱 资金…多少' → ('money', ('多少钱', '资金…多少'))."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"cannot read lexicon file {path}: {exc}; it must be UTF-8 text, one kind per line") from exc
    cues: dict[str, list[str]] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        words = raw.split("#", 1)[0].split()
        if not words:
            continue
        kind, *rest = words
        if kind not in CUE_KINDS:
            raise LexiconError(f"{path.name}:{n}: {kind!r} is not a kind of figure: start the line with one of "
                               f"{', '.join(CUE_KINDS)}, then its cue words")
        bad = [w for w in rest if not _CUE.match(w) or len(w) > 20]
        if bad or not rest:
            raise LexiconError(f"{path.name}:{n}: {(bad or [kind])[0]!r}: write the kind, then cue words separated by "
                               f"spaces (Chinese, letters or digits; '…' for a short gap inside one)")
        cues.setdefault(kind, []).extend(w for w in rest if w not in cues[kind])
    if not cues:
        raise LexiconError(f"{path.name} holds no cues: add a line 'kind cue cue …'")
    return tuple((k, tuple(v)) for k, v in cues.items())


def _line_of(path: Path, first: str) -> int:
    """The line number where a group starts with ``first``."""
    for n, raw in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        words = raw.split("#", 1)[0].split()
        if words and words[0] == first:
            return n
    return 0


def section_role(roles: Iterable[tuple[str, Sequence[str]]], path: Sequence[str]) -> str:
    """A section's role from its headings and the lexicon's role words ('review', 'problems', '' for
    a plan's tasks): ('第一章 发展基础', '一、“十三五”主要成就') → 'review'. The first role whose word
    stands in a heading decides."""
    return next((role for role, words in roles if any(w in h for h in path for w in words)), "")


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of the words, longest first so '新区' is tried before '区': ('区', '新区') → '新区|区'."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class PlaceWords:
    """The lists that tell a place name in a question (assistant/answerable.py, question/places.py)."""

    other_places: tuple[str, ...]  # provinces and big cities: "上海", "河北"
    suffixes: tuple[str, ...]  # endings of a place name: "新区", "区", "县", "市"
    not_place_prefixes: tuple[str, ...]  # "社" of "社区", "全" of "全市": not a place
    not_place_followers: tuple[str, ...] = ()  # "里" of "市里", "级" of "区级": the level, not a name
    partners: tuple[str, ...] = ()  # "跟" of "跟上海…合作": a partner or destination, not what is asked
    home: tuple[str, ...] = ()  # "我们区", "本县": the ask means the place the writer's situation names


@dataclass(frozen=True)
class Lexicon:
    """Every list under ``lexicon/``, loaded and checked together."""

    ask_cues: tuple[str, ...]
    mention_cues: tuple[str, ...]
    intent_cues: tuple[tuple[str, tuple[str, ...]], ...]
    measure_words: tuple[tuple[str, ...], ...]
    synonyms: tuple[tuple[str, ...], ...]
    places: PlaceWords
    facility_suffixes: tuple[str, ...]  # "医院", "中心", "工程": the endings of a named facility or project
    follow_up_words: tuple[str, ...] = ()  # "具体", "目标值": a follow-up of only these names no new topic
    demand_cues: tuple[tuple[str, tuple[str, ...]], ...] = ()  # ("money", ("多少钱", "资金…多少")), …
    not_measures: tuple[str, ...] = ()  # "人口": a measure word's character starting a noun of its own
    section_roles: tuple[tuple[str, tuple[str, ...]], ...] = ()  # ("review", ("成就", …)), ("problems", …)
    pointing_words: tuple[str, ...] = ()  # "这类", "这样的": an ask pointing back at the situation's last sentence
    more_cues: tuple[str, ...] = ()  # "还有别的", "其他": a follow-up asking for what was not told yet
    empty_nouns: tuple[str, ...] = ()  # "地方" of "能让老人歇脚的地方": a head that names no thing of its own
    verb_complements: tuple[str, ...] = ()  # "进来" of "招进来": a verb's ending, its verb the word that counts
    example_words: tuple[str, ...] = ()  # "比如": what follows illustrates a topic, it is not part of it
    glued_characters: tuple[str, ...] = ()  # "能" of "药能": grammar the segmenter glued to a word
    result_complements: tuple[str, ...] = ()  # "到" of "赶到": a verb's result, said otherwise by the plans
    # ("issued", ("印发", …)), ("when", …), ("document", …): a question about the plan document itself
    document_words: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def role(self, path: Sequence[str]) -> str:
        """A section's role from its headings ('review', 'problems', '' for a plan's tasks):
        ('第一章 发展基础', '一、“十三五”主要成就') → 'review'."""
        return section_role(self.section_roles, path)

    @classmethod
    def load(cls, folder: Path) -> Lexicon:
        """Lexicon.load(Path("lexicon")) → Lexicon(ask_cues=("吗", …), synonyms=(("预期寿命", "期望寿命", …), …), …)"""
        if not folder.is_dir():
            raise LexiconError(f"no lexicon folder {folder}: set PLANQA_LEXICON_DIR to the folder holding "
                               f"{', '.join(FILES)}")
        places = PlaceWords(load_words(folder / "other_places.txt"), load_words(folder / "place_suffixes.txt"),
                            load_words(folder / "not_place_prefixes.txt"),
                            load_words(folder / "not_place_followers.txt"), load_words(folder / "place_partners.txt"),
                            load_words(folder / "home_words.txt"))
        return cls(load_words(folder / "ask_cues.txt"), load_words(folder / "mention_cues.txt", gaps=True),
                   load_intents(folder / "intent_cues.txt"), load_groups(folder / "measure_words.txt"),
                   load_groups(folder / "synonyms.txt", min_words=2), places,
                   load_words(folder / "facility_suffixes.txt"), load_words(folder / "follow_up_words.txt"),
                   load_demand_cues(folder / "demand_cues.txt"), load_words(folder / "not_measures.txt"),
                   load_intents(folder / "section_roles.txt", ROLES, "a section role"),
                   load_words(folder / "pointing_words.txt"), load_words(folder / "more_cues.txt"),
                   load_words(folder / "empty_nouns.txt"), load_words(folder / "verb_complements.txt"),
                   load_words(folder / "example_words.txt"), load_words(folder / "glued_characters.txt"),
                   load_words(folder / "result_complements.txt"),
                   load_intents(folder / "document_words.txt", DOCUMENT_KINDS, "a kind of document word"))


@functools.cache
def shipped() -> Lexicon:
    """The project's own lexicon/, read once: shipped().synonyms[0] → ("预期寿命", "期望寿命", …)."""
    return Lexicon.load(SHIPPED)
