"""Editable copies of the shipped word lists, for tests that change a list as staff would."""

from __future__ import annotations

import shutil
from pathlib import Path

from question.lexicon import SHIPPED


def copy_lexicon(tmp_path: Path) -> Path:
    """A copy of lexicon/ under tmp_path, to edit."""
    d = tmp_path / "lexicon"
    shutil.copytree(SHIPPED, d)
    return d


def append_line(path: Path, line: str) -> int:
    """Append a line to a list; its line number."""
    text = path.read_text(encoding="utf-8")
    text = text if text.endswith("\n") else text + "\n"
    path.write_text(text + line + "\n", encoding="utf-8")
    return text.count("\n") + 1
