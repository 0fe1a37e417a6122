"""The service's records: an audit log of writes (who, when, what plan, with what result) and a
question log that keeps only what users typed, for a number of days.

    record_write(db, actor="admin", client="10.0.0.5", action="upload", doc_id="hexi", file="hexi.txt", result="added")
    record_question(db, "东丽区2025年人均期望寿命目标是多少？", keep_days=30)
    rows(db, "writes") → [{"ts": "2026-12-02T04:30:00", "actor": "admin", …}, …]

Both live in one SQLite file beside the feedback database, or in the PostgreSQL database every host
shares when PLANQA_DATABASE_URL is set (assistant/recordsdb.py); ``db`` is a Settings object or a
SQLite file's path. Exports go through `planqa audit export` and the admin API. A question log of 0
days keeps nothing.
"""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path
from typing import Any

from assistant.recordsdb import RecordsDB
from assistant.settings import Settings

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


AuditRef = Settings | Path


def database(db: AuditRef) -> RecordsDB:
    """Where the logs are kept."""
    return RecordsDB.of(db, db.audit_db if isinstance(db, Settings) else Path(db))


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S")


def record_write(db: AuditRef, *, actor: str, client: str, action: str, doc_id: str = "", file: str = "",
                 result: str) -> None:
    """One write to the index (upload, delete, re-index), successful or refused."""
    with database(db).connect(_SCHEMA) as con:
        con.execute("INSERT INTO writes (ts, actor, client, action, doc_id, file, result) VALUES (?,?,?,?,?,?,?)",
                    (_now(), actor, client, action, doc_id, file, result))


def record_question(db: AuditRef, question: str, keep_days: int) -> None:
    """The question as typed, nothing else; questions older than ``keep_days`` go at the same time."""
    if keep_days <= 0:
        return
    with database(db).connect(_SCHEMA) as con:
        now = time.time()
        con.execute("INSERT INTO questions (ts, epoch, question) VALUES (?,?,?)", (_now(), now, question))
        con.execute("DELETE FROM questions WHERE epoch < ?", (now - keep_days * 86400,))


def rows(db: AuditRef, table: str) -> list[dict[str, Any]]:
    """Every row of 'writes' or 'questions', oldest first."""
    if table not in TABLES:
        raise ValueError(f"no audit table {table!r}; use one of {', '.join(TABLES)}")
    where = database(db)
    if not where.exists():
        return []
    with where.connect(_SCHEMA) as con:
        return con.rows(f"SELECT {', '.join(TABLES[table])} FROM {table} ORDER BY id")


def to_csv(db: AuditRef, table: str) -> bytes:
    """A table as UTF-8 CSV with a BOM (Excel opens it right)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(TABLES[table]))
    w.writeheader()
    w.writerows(rows(db, table))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
