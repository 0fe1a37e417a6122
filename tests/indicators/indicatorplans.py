"""The plans of docs_src through load → clean → parse → chunk → extract, as ingest runs it (test helpers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.extract import extract
from indicators.names import DEFAULT_LEXICON, NAMES_FILE, IndicatorNames
from indicators.types import Indicator, Unparsed
from vectorstore.clean import clean_text
from vectorstore.load import load_file
from vectorstore.manifest import load_manifest
from vectorstore.split import chunk_document
from vectorstore.structure import parse
from vectorstore.types import Chunk, DocMeta

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs_src"


def extract_file(path: Path, meta: DocMeta) -> tuple[list[Indicator], list[Unparsed], list[Chunk]]:
    """A plan file through load → clean → parse → chunk → extract, as ingest runs it."""
    text = clean_text(load_file(path).text)
    parsed = parse(text)
    chunks = chunk_document(meta, parsed, text)
    found, bad = extract(meta, parsed, chunks, IndicatorNames.load(DEFAULT_LEXICON / NAMES_FILE))
    return found, bad, chunks


@pytest.fixture(scope="session")
def metas() -> dict[str, DocMeta]:
    return {m.doc_id: m for m in load_manifest(DOCS).values()}


@pytest.fixture(scope="session")
def plans(metas: dict[str, DocMeta]) -> dict[str, tuple[list[Indicator], list[Unparsed], list[Chunk]]]:
    """Each plan's records, unparsed rows and chunks."""
    return {d: extract_file(DOCS / m.source, m) for d, m in metas.items()}
