"""Ingest, stage 2 — what the live build lets an ingest keep: the build unchanged plans are carried
over from, and whether anything changed at all (same plans, word lists, pipeline and vector store),
in which case the live build keeps serving.

    nothing_changed(old, old_docs, final, report, dense, lexicon_digest(Path("lexicon")), chroma) → True
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from indicators.extract import EXTRACT_VERSION
from indicators.store import STORE_NAME, IndicatorStore
from vectorstore.chroma import ChromaTarget
from vectorstore.errors import IndexDamagedError
from vectorstore.index import Build, DenseText, DocRecord, IndexStore, open_build
from vectorstore.sources import PIPELINE_VERSION, Prepared
from vectorstore.types import IngestReport


def old_build(store: IndexStore, full: bool) -> tuple[Build | None, list[Path]]:
    """The live build that unchanged plans are carried over from, and, when it cannot be opened and
    a full ingest was asked for, the plan files it had recorded (re-read instead). A damaged build
    stops any other ingest with an IndexDamagedError that says to run a full one."""
    if store.current_id() is None:
        return None, []
    try:
        return open_build(store, load=False), []
    except IndexDamagedError:
        if not full:
            raise
    try:
        docs = json.loads((store.current_dir() / "docs.json").read_text(encoding="utf-8"))
        recorded = [Path(d["path"]) for d in docs]
    except (OSError, ValueError, KeyError, TypeError):
        recorded = []  # its record is damaged too: only the files given are read
    return None, [p for p in recorded if p.exists()]


def lexicon_digest(folder: Path) -> str:
    """One hash of every word list: a change to any of them rebuilds even when no plan changed."""
    h = hashlib.sha256()
    for f in sorted(p for p in folder.iterdir() if p.is_file()):
        h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def nothing_changed(old: Build, old_docs: dict[str, DocRecord], final: dict[str, DocRecord | Prepared],
                     report: IngestReport, dense: DenseText, lexicon_hash: str, chroma: ChromaTarget) -> bool:
    """An ingest that would write the live build again: same plans from the same files, same word
    lists, same pipeline and vector store. It keeps the live build instead (an unchanged nightly
    re-ingest costs reading and hashing the files, not a rebuild)."""
    if report.added or report.updated or report.removed or final.keys() != old_docs.keys():
        return False
    if any(not isinstance(r, DocRecord) or r.path != old_docs[d].path for d, r in final.items()):
        return False  # a moved folder: the build records where each plan now is
    info = old.info
    return (info.get("pipeline_version") == PIPELINE_VERSION and info.get("dense") == dense.value
            and info.get("lexicon") == lexicon_hash
            and info.get("vectors", {}).get("store", "embedded") == chroma.url
            and IndicatorStore(old.folder / STORE_NAME).version == EXTRACT_VERSION
            and old.sentences() is not None)  # a build from before sentence vectors gets them


def report_kept(old: Build, report: IngestReport) -> None:
    records = list(old.docs.values())
    retrievable = old.retrievable
    report.build = old.folder.name
    report.documents = len(records)
    report.sections = sum(r.n_sections for r in records)
    report.tables = sum(r.n_tables for r in records)
    report.rows = sum(r.n_rows for r in records)
    report.rows_per_doc = {r.meta.doc_id: r.n_rows for r in records}
    report.chunks = report.reused = len(retrievable)
    report.sizes = [len(c.text) for c in retrievable]
    kept = IndicatorStore(old.folder / STORE_NAME)
    report.indicators = len(kept.all())
    report.unparsed = kept.unparsed()
    report.notes.append(f"nothing changed: the live build {old.folder.name} keeps serving")
