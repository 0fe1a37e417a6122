"""The service's records: an audit log of writes (who, when, what plan, with what result) and a
question log that keeps only what users typed, for a number of days.

    record_write(db, actor="admin", client="10.0.0.5", action="upload", doc_id="hexi", file="hexi.txt", result="added")
    record_question(db, "东丽区2025年人均期望寿命目标是多少？", keep_days=30)
    rows(db, "writes") → [{"ts": "2026-12-02T04:30:00", "actor": "admin", …}, …]

Both live in one SQLite file beside the feedback database; exports go through `planqa audit export`
and the admin API. A question log of 0 days keeps nothing.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS writes (
  id INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL, actor TEXT NOT NULL, client TEXT,
  action TEXT NOT NULL, doc_id TEXT, file TEXT, result TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS questions (
  id INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL, epoch REAL NOT NULL, question TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_questions_epoch ON questions(epoch);
"""
TABLES = {"writes": ("ts", "actor", "client", "action", "doc_id", "file", "result"),
          "questions": ("ts", "question")}


_READY: set[Path] = set()  # files whose tables this process has made sure of (each question writes here)


@contextmanager
def _db(path: Path) -> Iterator[sqlite3.Connection]:
    if path not in _READY:
        path.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(path, timeout=10) as con:
            con.executescript(_SCHEMA)
        _READY.add(path)
    con = sqlite3.connect(path, timeout=10)  # several API workers write here
    try:
        yield con
        con.commit()
    finally:
        con.close()


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S")


def record_write(path: Path, *, actor: str, client: str, action: str, doc_id: str = "", file: str = "",
                 result: str) -> None:
    """One write to the index (upload, delete, re-index), successful or refused."""
    with _db(path) as con:
        con.execute("INSERT INTO writes (ts, actor, client, action, doc_id, file, result) VALUES (?,?,?,?,?,?,?)",
                    (_now(), actor, client, action, doc_id, file, result))


def record_question(path: Path, question: str, keep_days: int) -> None:
    """The question as typed, nothing else; questions older than ``keep_days`` go at the same time."""
    if keep_days <= 0:
        return
    with _db(path) as con:
        now = time.time()
        con.execute("INSERT INTO questions (ts, epoch, question) VALUES (?,?,?)", (_now(), now, question))
        con.execute("DELETE FROM questions WHERE epoch < ?", (now - keep_days * 86400,))


def rows(path: Path, table: str) -> list[dict[str, Any]]:
    """Every row of 'writes' or 'questions', oldest first."""
    if table not in TABLES:
        raise ValueError(f"no audit table {table!r}; use one of {', '.join(TABLES)}")
    if not path.exists():
        return []
    cols = TABLES[table]
    with _db(path) as con:
        return [dict(zip(cols, r, strict=True)) for r in con.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY id")]


def to_csv(path: Path, table: str) -> bytes:
    """A table as UTF-8 CSV with a BOM (Excel opens it right)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(TABLES[table]))
    w.writeheader()
    w.writerows(rows(path, table))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
