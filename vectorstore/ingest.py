"""Ingest: load → clean → parse → chunk → embed → a new index build, switched in atomically.

Unchanged documents (same cleaned-text hash under the same pipeline version) keep their chunks
and vectors from the live build, so a second ingest re-embeds nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from indicators.ask import CUES_FILE, Cues
from indicators.extract import EXTRACT_VERSION
from indicators.extract import extract as extract_indicators
from indicators.names import DEFAULT_LEXICON, NAMES_FILE, IndicatorNames
from indicators.store import STORE_NAME, IndicatorStore, write_store
from indicators.types import Indicator, Unparsed
from question.lexicon import Lexicon
from vectorstore.chroma import ChromaTarget, drop_collection
from vectorstore.clean import clean_text
from vectorstore.duplicates import TwinIndex
from vectorstore.errors import (
    IndexDamagedError,
    LoadError,
    NotFoundError,
    PlanQAError,
    StorageError,
    StoreUnavailableError,
)
from vectorstore.index import (
    EMBEDDER,
    RETRIEVABLE,
    Build,
    DenseText,
    DocRecord,
    IndexStore,
    chroma_metadata,
    chunk_to_json,
    dense_text,
    index_text,
    open_build,
    open_collection,
    vectors_record,
)
from vectorstore.manifest import MANIFEST_NAME, infer_meta, load_manifest
from vectorstore.split import chunk_document
from vectorstore.structure import parse
from vectorstore.types import Chunk, DocMeta

log = logging.getLogger(__name__)

# Bump when cleaning, parsing or chunking changes: every document is then re-chunked and re-embedded.
PIPELINE_VERSION = "2"
SKIP_NAMES = {MANIFEST_NAME, "README.md", "readme.md"}

Progress = Callable[[str, int, int], None]


@dataclass
class IngestReport:
    documents: int = 0
    sections: int = 0
    tables: int = 0
    rows: int = 0
    chunks: int = 0
    embedded: int = 0
    reused: int = 0
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    build: str = ""
    rows_per_doc: dict[str, int] = field(default_factory=dict)
    sizes: list[int] = field(default_factory=list)
    indicators: int = 0  # records in the new build's indicator store
    indicators_extracted: int = 0  # of them, read afresh (an unchanged plan's are carried over)
    unparsed: list[Unparsed] = field(default_factory=list)  # table rows kept as text only
    notes: list[str] = field(default_factory=list)  # what else the user should know

    def size_stats(self) -> dict[str, int]:
        s = sorted(self.sizes)
        if not s:
            return {}
        return {
            "min": s[0], "p10": s[len(s) // 10], "median": s[len(s) // 2],
            "p90": s[len(s) * 9 // 10], "max": s[-1],
            "under_150": sum(x < 150 for x in s), "over_500": sum(x > 500 for x in s),
        }


@dataclass
class _Prepared:
    meta: DocMeta
    path: Path
    cleaned: str
    content_hash: str


def discover(paths: Iterable[Path]) -> list[Path]:
    """The files under the given files and folders (manifest, READMEs, hidden files and Word's
    '~$' lock files skipped). A file of a type we cannot read is kept, so that the report names
    it instead of leaving the user to wonder why '规划.doc' never shows up."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(
                f for f in sorted(p.rglob("*"))
                if f.is_file() and f.name not in SKIP_NAMES and not f.name.startswith((".", "~$"))
                and not any(part.startswith(".") for part in f.relative_to(p).parts[:-1])
            )
        else:
            out.append(p)
    return out


def default_embed_cache(index_dir: Path) -> Path:
    """<data_dir>/cache/embeddings.sqlite beside <data_dir>/indexes/<name>."""
    return index_dir.parent.parent / "cache" / "embeddings.sqlite"


def _prepare(path: Path, manifests: dict[Path, dict[str, DocMeta]]) -> _Prepared:
    from vectorstore.load import load_file

    if not path.exists():
        raise LoadError(str(path), "file not found")
    loaded = load_file(path)
    cleaned = clean_text(loaded.text)
    if not cleaned.strip():
        raise LoadError(str(path), "no text left after cleaning")
    folder = path.parent.resolve()
    if folder not in manifests:
        manifests[folder] = load_manifest(folder)
    meta = manifests[folder].get(path.name) or infer_meta(path.name, cleaned)
    h = hashlib.sha256(
        (PIPELINE_VERSION + json.dumps(meta.as_dict(), ensure_ascii=False, sort_keys=True) + cleaned).encode()
    ).hexdigest()
    return _Prepared(meta, path, cleaned, h)


def _twin(new: _Prepared, final: dict[str, DocRecord | _Prepared], old: Build | None,
          twins: TwinIndex) -> tuple[str, float] | None:
    """An indexed (or just prepared) plan that is the same plan as ``new``, with their overlap."""
    for doc_id, item in final.items():
        if doc_id in twins:
            continue
        if isinstance(item, _Prepared):
            twins.add(doc_id, item.meta.title, item.cleaned)
        elif old is not None:
            twins.add(doc_id, item.meta.title, old.doc_text(doc_id))
    return twins.find(new.meta.title, new.cleaned, among=final)


def _old_build(store: IndexStore, full: bool) -> tuple[Build | None, list[Path]]:
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


def _lexicon_hash(folder: Path) -> str:
    """One hash of every word list: a change to any of them rebuilds even when no plan changed."""
    h = hashlib.sha256()
    for f in sorted(p for p in folder.iterdir() if p.is_file()):
        h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def _nothing_changed(old: Build, old_docs: dict[str, DocRecord], final: dict[str, DocRecord | _Prepared],
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
            and IndicatorStore(old.folder / STORE_NAME).version == EXTRACT_VERSION)


def _report_kept(old: Build, report: IngestReport) -> None:
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


def _under(path: str, folders: Sequence[Path]) -> bool:
    p = Path(path).resolve()
    return any(p.is_relative_to(f.resolve()) for f in folders)


def ingest(
    index_dir: Path,
    paths: Sequence[Path],
    *,
    full: bool = False,
    remove: Sequence[str] = (),
    progress: Progress | None = None,
    embedder: object | None = None,
    embed_cache: Path | None = None,
    lexicon_dir: Path | None = None,
    chroma: ChromaTarget | None = None,
    dense: DenseText = DenseText.PATH,
) -> IngestReport:
    """Bring the index in line with the given files and folders.

    A folder is synced: documents once ingested from it whose file is gone are removed. A file that
    fails to load is reported and, if it was indexed before, its previous version stays.
    `remove` deletes documents by id. Returns what happened; raises only for unusable settings (a
    lexicon file with a bad line among them: nothing is written and the live build keeps serving).
    """
    t0 = time.perf_counter()
    report = IngestReport()
    # Every word list is checked before anything is written: the service reads the lists again when
    # it opens the new build, so a bad line stops the ingest here and the live build keeps serving.
    lexicon = lexicon_dir or DEFAULT_LEXICON
    names = IndicatorNames.load(lexicon / NAMES_FILE)
    Cues.load(lexicon / CUES_FILE)
    Lexicon.load(lexicon)
    store = IndexStore(index_dir, chroma)
    note = progress or (lambda stage, i, n: None)
    with store.lock():
        old, recorded = _old_build(store, full)
        if recorded:
            report.notes.append(f"the live build could not be opened: every plan re-read from its file, "
                                f"{len(recorded)} of them from the paths it had recorded")
            paths = [*paths, *(p for p in recorded if p.resolve() not in {q.resolve() for q in paths})]
        old_docs = dict(old.docs) if old else {}
        unknown = [d for d in remove if d not in old_docs]
        if unknown:
            raise NotFoundError(f"no document {unknown[0]!r} in the index; `planqa docs` lists the ids")

        files = discover(paths)
        manifests: dict[Path, dict[str, DocMeta]] = {}
        prepared: dict[str, _Prepared] = {}
        seen_paths: set[str] = set()
        for i, f in enumerate(files):
            note("load", i, len(files))
            try:
                p = _prepare(f, manifests)
            except PlanQAError as exc:
                report.errors.append((str(f), str(exc)))
                seen_paths.add(str(f.resolve()))  # a broken file must not delete its indexed version
                continue
            if p.meta.doc_id in prepared:
                other = prepared[p.meta.doc_id].path
                report.errors.append((str(f), f"doc_id {p.meta.doc_id!r} already used by {other}; rename one"))
                continue
            prepared[p.meta.doc_id] = p
            seen_paths.add(str(f.resolve()))
        note("load", len(files), len(files))

        folders = [p for p in paths if p.is_dir()]
        final: dict[str, DocRecord | _Prepared] = {}
        for doc_id, rec in old_docs.items():
            if doc_id in remove or doc_id not in prepared and _under(rec.path, folders) and str(Path(rec.path).resolve()) not in seen_paths:
                report.removed.append(doc_id)
            else:
                final[doc_id] = rec
        twins = TwinIndex()  # every plan shingled once, however many arrive
        for doc_id, p in prepared.items():
            if doc_id in remove:
                continue  # removing by id wins over the file still being in a synced folder
            prev = old_docs.get(doc_id)
            if prev is not None and prev.content_hash == p.content_hash and not full:
                report.unchanged.append(doc_id)
                # Keep chunks and vectors, but note where the file is now (the folder may have moved).
                final[doc_id] = dataclasses.replace(prev, path=str(p.path.resolve()))
                continue
            twin = _twin(p, final, old, twins) if prev is None else None
            if twin is not None:
                twin_id, share = twin
                report.errors.append((str(p.path), (
                    f"已收录同一份规划《{p.meta.title}》（{twin_id}，正文{share:.0%}相同），未重复收录；如要替换，"
                    f"请先删除 {twin_id}（planqa ingest --remove {twin_id}，或 DELETE /v1/documents/{twin_id}）再导入。"
                    f" The same plan is already indexed as {twin_id!r}: remove it first to replace it.")))
                continue
            (report.updated if prev is not None else report.added).append(doc_id)
            final[doc_id] = p

        lexicon_hash = _lexicon_hash(lexicon)
        if old is not None and not full and _nothing_changed(old, old_docs, final, report, dense, lexicon_hash,
                                                              store.chroma):
            _report_kept(old, report)
            report.seconds = time.perf_counter() - t0
            return report
        chunks: list[Chunk] = []
        records: list[DocRecord] = []
        indicators: list[Indicator] = []
        old_store = IndicatorStore(old.folder / STORE_NAME) if old is not None else None
        texts: dict[str, str] = {}
        fresh: list[Chunk] = []
        assert old is not None or all(isinstance(v, _Prepared) for v in final.values())
        for doc_id, item in sorted(final.items()):
            if isinstance(item, _Prepared):
                parsed = parse(item.cleaned)
                doc_chunks = chunk_document(item.meta, parsed, item.cleaned)
                fresh.extend(c for c in doc_chunks if c.kind in RETRIEVABLE)
                texts[doc_id] = item.cleaned
                rec = DocRecord(
                    meta=item.meta,
                    content_hash=item.content_hash,
                    path=str(item.path.resolve()),
                    n_chunks=sum(c.kind in RETRIEVABLE for c in doc_chunks),
                    n_rows=sum(c.kind == "table_row" for c in doc_chunks),
                    n_tables=sum(c.kind == "table" for c in doc_chunks),
                    n_sections=len(parsed.sections),
                    chars=len(item.cleaned),
                )
                found, unparsed = extract_indicators(item.meta, parsed, doc_chunks, names)
                indicators += found
                report.unparsed += unparsed
                report.indicators_extracted += len(found)
            else:
                assert old is not None and old_store is not None
                doc_chunks = old.doc_chunks(doc_id)
                texts[doc_id] = old.doc_text(doc_id)
                rec = item
                if old_store.version == EXTRACT_VERSION:
                    # An unchanged plan's records are carried over, regrouped by today's name lexicon.
                    indicators += [dataclasses.replace(r, key=names.key(r.name)) for r in old_store.by_doc(doc_id)]
                    report.unparsed += [u for u in old_store.unparsed() if u.doc_id == doc_id]
                else:  # written by another extractor version (or none): read them from the stored text
                    found, unparsed = extract_indicators(item.meta, parse(texts[doc_id]), doc_chunks, names)
                    indicators += found
                    report.unparsed += unparsed
                    report.indicators_extracted += len(found)
            chunks.extend(doc_chunks)
            records.append(rec)

        if old is not None and old.info.get("dense", DenseText.PATH) != dense:
            # The old vectors embed other text: every passage is embedded anew (the cache keys on the text).
            fresh = [c for c in chunks if c.kind in RETRIEVABLE]
            report.notes.append(f"the dense index now embeds {dense.value!r} text: every passage re-embedded")
        fresh_ids = {c.id for c in fresh}
        reused_ids = [c.id for c in chunks if c.kind in RETRIEVABLE and c.id not in fresh_ids]
        vectors: dict[str, np.ndarray] = {}
        if reused_ids and old is not None:
            at = {c.id: i for i, c in enumerate(old.retrievable)}
            old_vectors = old.vectors()
            for cid, v in ((cid, old_vectors[at[cid]]) for cid in reused_ids):
                vectors[cid] = v
        if fresh:
            from vectorstore.embed import CachedEmbedder, shared_embedder

            emb = embedder or CachedEmbedder(shared_embedder(), embed_cache or default_embed_cache(index_dir))
            batch = 32
            # Shortest first: a batch pads every text to its longest, so like lengths waste least.
            todo = sorted(fresh, key=lambda c: len(dense_text(c, dense)))
            for i in range(0, len(todo), batch):
                note("embed", i, len(todo))
                part = todo[i : i + batch]
                for c, v in zip(part, emb.passages([dense_text(c, dense) for c in part]), strict=True):  # type: ignore[attr-defined]
                    vectors[c.id] = v
            note("embed", len(fresh), len(fresh))
        report.embedded = len(fresh)
        report.reused = len(reused_ids)

        try:
            build = _write_build(store, chunks, records, texts, vectors, note, dense, lexicon_hash, indicators,
                                 report.unparsed)
        except OSError as exc:  # the disk full, a quota, a read-only volume
            raise StorageError(
                f"the new index build could not be written ({exc.strerror or exc}); nothing changed: the index "
                f"still serves its previous build. Free space where the index lives and ingest again") from exc
        report.indicators = len(indicators)
        report.build = build.name
        report.documents = len(records)
        report.sections = sum(r.n_sections for r in records)
        report.tables = sum(r.n_tables for r in records)
        report.rows = sum(r.n_rows for r in records)
        report.rows_per_doc = {r.meta.doc_id: r.n_rows for r in records}
        retrievable = [c for c in chunks if c.kind in RETRIEVABLE]
        report.chunks = len(retrievable)
        report.sizes = [len(c.text) for c in retrievable]
    report.seconds = time.perf_counter() - t0
    return report


def _write_build(
    store: IndexStore,
    chunks: list[Chunk],
    records: list[DocRecord],
    texts: dict[str, str],
    vectors: dict[str, np.ndarray],
    note: Progress,
    dense: DenseText,
    lexicon_hash: str,
    indicators: Sequence[Indicator] = (),
    unparsed: Sequence[Unparsed] = (),
) -> Path:
    """Write a complete new build beside the live one and switch to it; a failure leaves no trace."""
    from vectorstore.bm25 import BM25Index, Tokenizer, corpus_terms

    folder = store.new_build_dir()
    try:
        (folder / "texts").mkdir()
        for doc_id, text in texts.items():
            (folder / "texts" / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        with open(folder / "chunks.jsonl", "w", encoding="utf-8") as fh:
            for c in chunks:
                fh.write(json.dumps(chunk_to_json(c), ensure_ascii=False) + "\n")
        (folder / "docs.json").write_text(
            json.dumps([r.as_dict() for r in records], ensure_ascii=False, indent=1), encoding="utf-8"
        )
        retrievable = [c for c in chunks if c.kind in RETRIEVABLE]
        collection = open_collection(folder, store.chroma, create=True)
        step = 256
        for i in range(0, len(retrievable), step):
            note("store", i, len(retrievable))
            part = retrievable[i : i + step]
            collection.add(
                ids=[c.id for c in part],
                documents=[c.text for c in part],
                metadatas=[chroma_metadata(c) for c in part],
                embeddings=np.vstack([vectors[c.id] for c in part]),
            )
        note("store", len(retrievable), len(retrievable))
        aliases = [a for r in records for a in (r.meta.district, r.meta.city, *r.meta.aliases) if a]
        tokenizer = Tokenizer(corpus_terms((c.text for c in retrievable), aliases))
        BM25Index.build(tokenizer, [c.id for c in retrievable], [index_text(c) for c in retrievable]).save(folder / "bm25")
        write_store(folder / STORE_NAME, indicators, unparsed, EXTRACT_VERSION)
        (folder / "build.json").write_text(
            json.dumps(
                {
                    "pipeline_version": PIPELINE_VERSION,
                    "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
                    "documents": len(records),
                    "chunks": len(retrievable),
                    "embedder": EMBEDDER,
                    "dense": dense.value,
                    "lexicon": lexicon_hash,
                    "vectors": vectors_record(folder, store.chroma),
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        return store.publish(folder)
    except BaseException:
        try:
            drop_collection(store.chroma, store.root.name, folder.name)
        except StoreUnavailableError as exc:  # the server went away mid-write: its collection stays, named by the build
            log.warning("could not drop the half-written build's collection: %s", exc)
        shutil.rmtree(folder, ignore_errors=True)  # a half-written build is of no use to anyone
        raise
