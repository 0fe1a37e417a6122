"""Thumbs up/down on answers, kept in SQLite and exported for the people who improve the plans' QA.

    init(db)                                  # create the table (idempotent)
    add(db, question=..., answer=..., rating="up", comment="", citations=[...]) -> id
    update(db, id, comment="数字有误")          # a comment written after the thumb, or the thumb flipped
    export(settings_or_db, "feedback.xlsx")  # .jsonl / .csv / .xlsx by suffix -> number of records

`db` is a Settings object (its PLANQA_DATABASE_URL server, else the SQLite file Settings.feedback_db)
or a SQLite file's path (assistant/recordsdb.py).
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from assistant.recordsdb import Conn, RecordsDB
from assistant.settings import Settings
from vectorstore.errors import BadRequestError, NotFoundError

RATINGS = ("up", "down")
COLUMNS = ("id", "created", "rating", "question", "answer", "comment", "citations", "generator", "mode")
EXPORT_SUFFIXES = (".jsonl", ".csv", ".xlsx")
MAX_TEXT = 20_000  # a stored field never grows beyond this many characters

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    citations TEXT NOT NULL DEFAULT '[]',
    generator TEXT NOT NULL DEFAULT '',
    mode TEXT NOT NULL DEFAULT ''
)
"""

DbRef = Settings | Path | str


def database(db: DbRef) -> RecordsDB:
    """Where the ratings are kept."""
    return RecordsDB.of(db, db.feedback_db if isinstance(db, Settings) else Path(db))


@contextmanager
def _connect(db: DbRef) -> Iterator[Conn]:
    with database(db).connect(_SCHEMA) as conn:
        yield conn


def init(db: DbRef) -> str:
    """Create the database and table if missing; returns where they are (a file or a server)."""
    with _connect(db):
        pass
    return database(db).where


def add(db: DbRef, *, question: str, answer: str, rating: str, comment: str = "",
        citations: Sequence[Mapping[str, Any]] | None = None, generator: str = "", mode: str = "") -> int:
    """Store one rating; returns its id. BadRequestError for a rating other than 'up'/'down'."""
    if rating not in RATINGS:
        raise BadRequestError(f"rating must be 'up' or 'down', not {rating!r}")
    row = (
        time.strftime("%Y-%m-%dT%H:%M:%S"), rating, question[:MAX_TEXT], answer[:MAX_TEXT],
        comment[:MAX_TEXT], json.dumps(list(citations or []), ensure_ascii=False)[:MAX_TEXT], generator, mode,
    )
    with _connect(db) as conn:
        return conn.insert(
            "INSERT INTO feedback (created, rating, question, answer, comment, citations, generator, mode)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)


def update(db: DbRef, feedback_id: int, *, comment: str | None = None, rating: str | None = None) -> None:
    """Change the comment and/or rating of a stored record (a comment written after the thumb, or
    the thumb flipped); NotFoundError for an unknown id."""
    if rating is not None and rating not in RATINGS:
        raise BadRequestError(f"rating must be 'up' or 'down', not {rating!r}")
    with _connect(db) as conn:
        if not conn.rows("SELECT id FROM feedback WHERE id = ?", (feedback_id,)):
            raise NotFoundError(f"no feedback record {feedback_id}")
        if comment is not None:
            conn.execute("UPDATE feedback SET comment = ? WHERE id = ?", (comment[:MAX_TEXT], feedback_id))
        if rating is not None:
            conn.execute("UPDATE feedback SET rating = ? WHERE id = ?", (rating, feedback_id))


def records(db: DbRef, limit: int | None = None) -> list[dict[str, Any]]:
    """Every stored rating, oldest first (citations decoded back into a list)."""
    if not database(db).exists():
        return []
    sql = "SELECT * FROM feedback ORDER BY id"
    with _connect(db) as conn:
        out = conn.rows(sql + (f" DESC LIMIT {int(limit)}" if limit else ""))
    if limit:
        out.reverse()
    for r in out:
        with suppress(ValueError):
            r["citations"] = json.loads(r["citations"])
    return out


def export(db: DbRef, path: Path | str) -> int:
    """Write every record to `path` as JSON lines, CSV (UTF-8 with BOM, opens in Excel) or XLSX,
    chosen by the suffix; returns how many records were written."""
    out = Path(path)
    suffix = out.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise BadRequestError(f"cannot export feedback to {out.name!r}: use a .jsonl, .csv or .xlsx file name")
    rows = records(db)
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".jsonl":
        with out.open("w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        return len(rows)
    flat = [[_cell(r.get(c)) for c in COLUMNS] for r in rows]
    if suffix == ".csv":
        with out.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(COLUMNS)
            w.writerows(flat)
        return len(rows)
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "feedback"
    ws.append(list(COLUMNS))
    for line in flat:
        ws.append(line)
    wb.save(out)
    return len(rows)


def _cell(v: Any) -> Any:
    if isinstance(v, list | dict):
        return json.dumps(v, ensure_ascii=False)
    return v
