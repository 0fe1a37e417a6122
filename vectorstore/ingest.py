"""Ingest: load → clean → parse → chunk → embed → a new index build, switched in atomically.

Unchanged documents (same cleaned-text hash under the same pipeline version) keep their chunks
and vectors from the live build, so a second ingest re-embeds nothing.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast

import numpy as np

from indicators.ask import CUES_FILE, Cues
from indicators.extract import EXTRACT_VERSION
from indicators.extract import extract as extract_indicators
from indicators.names import DEFAULT_LEXICON, NAMES_FILE, IndicatorNames
from indicators.store import STORE_NAME, IndicatorStore, write_store
from indicators.types import Indicator, Unparsed
from question.lexicon import Lexicon
from vectorstore.carry import lexicon_digest, nothing_changed, old_build, report_kept
from vectorstore.chroma import ChromaTarget, drop_collection
from vectorstore.duplicates import TwinIndex
from vectorstore.embed import Embedder
from vectorstore.errors import (
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
    open_collection,
    vectors_record,
)
from vectorstore.sentences import SentenceVectors
from vectorstore.sources import PIPELINE_VERSION, Prepared, discover, prepare, twin_of
from vectorstore.split import chunk_document
from vectorstore.structure import parse
from vectorstore.types import Chunk, DocMeta, IngestReport

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


def default_embed_cache(index_dir: Path) -> Path:
    """<data_dir>/cache/embeddings.sqlite beside <data_dir>/indexes/<name>."""
    return index_dir.parent.parent / "cache" / "embeddings.sqlite"


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
        old, recorded = old_build(store, full)
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
        prepared: dict[str, Prepared] = {}
        seen_paths: set[str] = set()
        for i, f in enumerate(files):
            note("load", i, len(files))
            try:
                p = prepare(f, manifests)
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
        final: dict[str, DocRecord | Prepared] = {}
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
            twin = twin_of(p, final, old, twins) if prev is None else None
            if twin is not None:
                twin_id, share = twin
                report.errors.append((str(p.path), (
                    f"已收录同一份规划《{p.meta.title}》（{twin_id}，正文{share:.0%}相同），未重复收录；如要替换，"
                    f"请先删除 {twin_id}（planqa ingest --remove {twin_id}，或 DELETE /v1/documents/{twin_id}）再导入。"
                    f" The same plan is already indexed as {twin_id!r}: remove it first to replace it.")))
                continue
            (report.updated if prev is not None else report.added).append(doc_id)
            final[doc_id] = p

        lexicon_hash = lexicon_digest(lexicon)
        if old is not None and not full and nothing_changed(old, old_docs, final, report, dense, lexicon_hash,
                                                              store.chroma):
            report_kept(old, report)
            report.seconds = time.perf_counter() - t0
            return report
        chunks: list[Chunk] = []
        records: list[DocRecord] = []
        indicators: list[Indicator] = []
        old_store = IndicatorStore(old.folder / STORE_NAME) if old is not None else None
        texts: dict[str, str] = {}
        fresh: list[Chunk] = []
        assert old is not None or all(isinstance(v, Prepared) for v in final.values())
        for doc_id, item in sorted(final.items()):
            if isinstance(item, Prepared):
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
        made: list[Embedder] = []

        def embedder_once() -> Embedder:
            # One embedder for passages and sentences, made only when something is embedded: a second
            # ingest of the same plans loads no model.
            if not made:
                made.append(cast(Embedder, embedder) if embedder else _cached(embed_cache, index_dir))
            return made[0]

        if fresh:
            emb = embedder_once()
            batch = 32
            # Shortest first: a batch pads every text to its longest, so like lengths waste least.
            todo = sorted(fresh, key=lambda c: len(dense_text(c, dense)))
            for i in range(0, len(todo), batch):
                note("embed", i, len(todo))
                part = todo[i : i + batch]
                for c, v in zip(part, emb.passages([dense_text(c, dense) for c in part]), strict=True):
                    vectors[c.id] = v
            note("embed", len(fresh), len(fresh))
        report.embedded = len(fresh)
        report.reused = len(reused_ids)
        sentences = _sentence_vectors([c for c in chunks if c.kind in RETRIEVABLE], old, fresh_ids, note,
                                      embedder_once)

        try:
            build = _write_build(store, chunks, records, texts, vectors, note, dense, lexicon_hash, indicators,
                                 report.unparsed, sentences)
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


def _cached(embed_cache: Path | None, index_dir: Path) -> Embedder:
    """The e5 embedder behind the machine's embedding cache."""
    from vectorstore.embed import CachedEmbedder, shared_embedder

    return CachedEmbedder(shared_embedder(), embed_cache or default_embed_cache(index_dir))


def _sentence_vectors(retrievable: list[Chunk], old: Build | None, fresh: set[str], note: Progress,
                      embedder: Callable[[], Embedder]) -> SentenceVectors:
    """The passages' sentence vectors: an unchanged passage's from the previous build, the others embedded."""
    prev = old.sentences() if old is not None else None
    known: dict[str, np.ndarray] = {}
    if prev is not None and old is not None:
        known = {c.id: prev.of_chunk(i) for i, c in enumerate(old.retrievable) if c.id not in fresh}
    return SentenceVectors.of(retrievable, lambda texts: embedder().passages(texts), known,
                              lambda done, total: note("embed sentences", done, total))


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
    sentences: SentenceVectors | None = None,
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
        if sentences is not None:
            sentences.save(folder)
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
