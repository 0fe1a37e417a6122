"""Word lists staff can edit (``lexicon/*.txt``): one entry per line, '#' starts a comment.

    load_words(Path("lexicon/ask_cues.txt")) → ("吗", "呢", "多少", …)

A bad line stops loading with its file and line named (LexiconError), so a typo in a list is
found when the service starts, not by a wrong answer later.
"""

from __future__ import annotations

import re
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
