"""The indicator store: one SQLite file inside each index build, written with it and switched with it.

    write_store(build / "indicators.sqlite", records, unparsed)
    IndicatorStore(build / "indicators.sqlite").find(doc_id="dongli", attribute="约束性") → [Indicator, …]

It lives in the build folder, so the CURRENT switch that makes a new Chroma and BM25 index live
makes its indicators live in the same instant; a reader holds a read-only connection.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from indicators.types import Attribute, Comparison, Indicator, Op, Origin, Role, Unparsed, Value

STORE_NAME = "indicators.sqlite"
_SCHEMA = """
CREATE TABLE indicators (
  id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, origin TEXT NOT NULL, caption TEXT, category TEXT,
  name TEXT NOT NULL, norm TEXT NOT NULL, key TEXT NOT NULL, unit TEXT, attribute TEXT,
  chunk_id TEXT NOT NULL, position INTEGER, sentence TEXT, values_json TEXT NOT NULL
);
CREATE INDEX ix_indicators_doc ON indicators(doc_id);
CREATE INDEX ix_indicators_key ON indicators(key);
CREATE TABLE unparsed (doc_id TEXT, chunk_id TEXT, text TEXT, reason TEXT);
CREATE TABLE info (name TEXT PRIMARY KEY, value TEXT);
"""
_COLUMNS = ("id", "doc_id", "origin", "caption", "category", "name", "norm", "key", "unit", "attribute",
            "chunk_id", "position", "sentence", "values_json")


def write_store(path: Path, records: Iterable[Indicator], unparsed: Iterable[Unparsed] = (),
                version: str = "") -> int:
    """Write a new store file (the build folder is not live yet); returns the number of records.
    ``version`` is the extractor's: records of another version are read afresh by the next ingest."""
    con = sqlite3.connect(path)
    try:
        con.executescript(_SCHEMA)
        con.execute("INSERT INTO info VALUES ('extract_version', ?)", (version,))
        rows = [(r.id, r.doc_id, r.origin.value, r.caption, r.category, r.name, r.norm, r.key, r.unit,
                 r.attribute.value, r.chunk_id, r.position, r.sentence, r.values_json()) for r in records]
        con.executemany(f"INSERT OR REPLACE INTO indicators VALUES ({','.join('?' * len(_COLUMNS))})", rows)
        con.executemany("INSERT INTO unparsed VALUES (?,?,?,?)",
                        [(u.doc_id, u.chunk_id, u.text, u.reason) for u in unparsed])
        con.commit()
    finally:
        con.close()
    return len(rows)


def _value(d: dict[str, Any]) -> Value:
    c = d.get("comparison")
    comp = Comparison(Op(c["op"]), float(c["number"]), c.get("unit", "")) if c else None
    return Value(d["label"], d.get("year"), Role(d["role"]), d["text"], d.get("original", d["text"]), comp)


def _record(row: Sequence[Any]) -> Indicator:
    d = dict(zip(_COLUMNS, row, strict=True))
    return Indicator(
        id=d["id"], doc_id=d["doc_id"], origin=Origin(d["origin"]), caption=d["caption"] or "",
        category=d["category"] or "", name=d["name"], norm=d["norm"], key=d["key"], unit=d["unit"] or "",
        values=tuple(_value(v) for v in json.loads(d["values_json"])), attribute=Attribute(d["attribute"] or ""),
        chunk_id=d["chunk_id"], position=int(d["position"] or 0), sentence=d["sentence"] or "",
    )


class IndicatorStore:
    """Read-only access to one build's indicators (an absent file reads as an empty store)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._records: list[Indicator] | None = None

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)

    @property
    def exists(self) -> bool:
        return self.path.exists()

    def all(self) -> list[Indicator]:
        """Every record, by plan then position (read once: a build never changes)."""
        if self._records is None:
            if not self.exists:
                self._records = []
            else:
                con = self._connect()
                try:
                    rows = con.execute(f"SELECT {','.join(_COLUMNS)} FROM indicators ORDER BY doc_id, position").fetchall()
                finally:
                    con.close()
                self._records = [_record(r) for r in rows]
        return self._records

    def find(self, doc_id: str = "", category: str = "", attribute: str = "", q: str = "", key: str = "",
             origin: str = "") -> list[Indicator]:
        """Records matching every filter given: category and q match part of the text ('床位' finds
        '每千常住人口床位数'); doc_id, attribute, key and origin match exactly."""
        out = []
        for r in self.all():
            if doc_id and r.doc_id != doc_id or attribute and r.attribute.value != attribute \
                    or key and r.key != key or origin and r.origin.value != origin:
                continue
            if category and category not in r.category:
                continue
            if q and not any(q in t for t in (r.name, r.norm, r.key, r.category)):
                continue
            out.append(r)
        return out

    def by_doc(self, doc_id: str) -> list[Indicator]:
        return [r for r in self.all() if r.doc_id == doc_id]

    def keys(self) -> dict[str, list[Indicator]]:
        """Records grouped by key, keys in order of first appearance."""
        out: dict[str, list[Indicator]] = {}
        for r in self.all():
            out.setdefault(r.key, []).append(r)
        return out

    @property
    def version(self) -> str:
        """The extractor version that wrote the records ('' for none, or a store from before versions)."""
        if not self.exists:
            return ""
        con = self._connect()
        try:
            row = con.execute("SELECT value FROM info WHERE name = 'extract_version'").fetchone()
        except sqlite3.OperationalError:
            return ""
        finally:
            con.close()
        return str(row[0]) if row else ""

    def unparsed(self) -> list[Unparsed]:
        if not self.exists:
            return []
        con = self._connect()
        try:
            return [Unparsed(*row) for row in con.execute("SELECT doc_id, chunk_id, text, reason FROM unparsed")]
        finally:
            con.close()
