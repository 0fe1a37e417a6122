"""Indicator names: the unit and qualifiers stripped, and the same indicator under one key across plans.

    split_name("人均期望寿命（岁）") → ("人均期望寿命", "岁")
    split_name("每千常住人口执业（助理）医师数（人）") → ("每千常住人口执业医师数", "人")
    IndicatorNames.load(path).key("人均期望寿命") → "人均预期寿命"

Which names mean the same indicator is data (``lexicon/indicator_names.txt``), not code: staff add
a line when a new plan writes a known indicator in its own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from indicators.values import normalise
from question.lexicon import LexiconError

NAMES_FILE = "indicator_names.txt"
# The lexicon shipped with the project; entry points pass Settings.lexicon_dir instead.
DEFAULT_LEXICON = Path(__file__).resolve().parent.parent / "lexicon"
_BRACKET = re.compile(r"[（(][^（()）]*[)）]")
_TRAILING = re.compile(r"[（(]([^（()）]*)[)）]\s*$")
# A trailing bracket is the unit when it reads like one ('岁', '%', '1/10万', 'DDDs 100/人天%');
# '（助理）' at the end of a name would be a qualifier.
_UNITISH = re.compile(r"^(?:[%‰]|[岁张人个名家所床天日次种项元辆]|\d*/\d*[万千]?人?|.*[%‰/].*)$")
_NAME = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9、，,%‰/\-+（）()·]{2,80}$")


def split_name(name: str) -> tuple[str, str]:
    """The name without its unit and qualifiers, and the unit its trailing bracket gives ('' if none)."""
    text = normalise(name).replace("(", "（").replace(")", "）")
    unit = ""
    m = _TRAILING.search(text)
    if m and _UNITISH.match(m.group(1).replace(" ", "")):
        unit = m.group(1)
        text = text[: m.start()]
    return _BRACKET.sub("", text).strip(), unit


def bare(name: str) -> str:
    """A name as compared: units, qualifiers, spaces and punctuation gone."""
    return re.sub(r"[\s、，,·]", "", split_name(name)[0])


@dataclass(frozen=True)
class IndicatorNames:
    """Groups of names for one indicator; the first name of a group is its key."""

    groups: tuple[tuple[str, ...], ...]

    def key(self, name: str) -> str:
        """The group's first name for any of its names, else the name itself stripped."""
        b = bare(name)
        for group in self.groups:
            if any(bare(g) == b for g in group):
                return group[0]
        return split_name(name)[0]

    def variants(self, key: str) -> tuple[str, ...]:
        """Every name the lexicon knows for a key (the key alone when it has no group)."""
        for group in self.groups:
            if group[0] == key:
                return group
        return (key,)

    @classmethod
    def load(cls, path: Path) -> IndicatorNames:
        """One group per line, names separated by '='; '#' starts a comment."""
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise LexiconError(f"cannot read lexicon file {path}: {exc}; it must be UTF-8 text, "
                               f"one group of names per line separated by '='") from exc
        groups: list[tuple[str, ...]] = []
        seen: dict[str, int] = {}
        for n, raw in enumerate(text.splitlines(), 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            names = [w.strip() for w in line.split("=")]
            bad = [w for w in names if not _NAME.match(w)]
            if len(names) < 2 or bad:
                what = repr(bad[0]) if bad else "a single name"
                raise LexiconError(f"{path.name}:{n}: {what} is not a group: write two or more names of one "
                                   f"indicator separated by '=' (Chinese, digits or units, no spaces)")
            for w in names:
                b = bare(w)
                if b in seen and seen[b] != n:
                    raise LexiconError(f"{path.name}:{n}: {w!r} is already in the group of line {seen[b]}; "
                                       f"a name belongs to one group only")
                seen[b] = n
            groups.append(tuple(split_name(w)[0] for w in names))
        return cls(tuple(groups))
