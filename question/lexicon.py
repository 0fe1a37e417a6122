"""Word lists staff can edit (``lexicon/*.txt``): one entry per line, '#' starts a comment.

    load_words(Path("lexicon/ask_cues.txt")) → ("吗", "呢", "多少", …)

A bad line stops loading with its file and line named (LexiconError), so a typo in a list is
found when the service starts, not by a wrong answer later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from vectorstore.errors import ConfigError

_ENTRY = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9（）()·\-]{1,20}$")


class LexiconError(ConfigError):
    """A lexicon file that cannot be read, or a line in it that is not an entry."""


def load_words(path: Path) -> tuple[str, ...]:
    """The entries of one list, in file order, without duplicates."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"cannot read lexicon file {path}: {exc}; it must be UTF-8 text, one entry per line") from exc
    out: list[str] = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if not _ENTRY.match(line):
            raise LexiconError(f"{path.name}:{n}: {line!r} is not an entry: one word per line (Chinese, letters or "
                               f"digits, at most 20 characters, no spaces); fix or delete the line")
        if line not in out:
            out.append(line)
    if not out:
        raise LexiconError(f"{path.name} holds no entries: add one word per line")
    return tuple(out)


def load_groups(path: Path) -> tuple[tuple[str, ...], ...]:
    """Groups of interchangeable entries, one group per line separated by spaces: '家 所 个' → ('家', '所', '个')."""
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
        out.append(tuple(dict.fromkeys(words)))
    if not out:
        raise LexiconError(f"{path.name} holds no groups: add one group of words per line")
    return tuple(out)


@dataclass(frozen=True)
class Lexicon:
    """Every list under ``lexicon/``, loaded and checked together."""

    ask_cues: tuple[str, ...]
    mention_cues: tuple[str, ...]
    measure_words: tuple[tuple[str, ...], ...]

    @classmethod
    def load(cls, folder: Path) -> Lexicon:
        """Lexicon.load(Path("lexicon")) → Lexicon(ask_cues=("吗", …), mention_cues=("有没有提到", …), …)"""
        if not folder.is_dir():
            raise LexiconError(f"no lexicon folder {folder}: set PLANQA_LEXICON_DIR to the folder holding "
                               f"ask_cues.txt, mention_cues.txt and measure_words.txt")
        return cls(load_words(folder / "ask_cues.txt"), load_words(folder / "mention_cues.txt"),
                   load_groups(folder / "measure_words.txt"))
