"""The scale benchmark's synthetic corpus (bench/synth_corpus.py) at 2×: the same every run, real
plans untouched, variants that are other plans (names, figures) and still parse like their source."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from vectorstore.clean import clean_text
from vectorstore.duplicates import same_plan
from vectorstore.manifest import load_manifest
from vectorstore.structure import Parsed, parse

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))

import synth_corpus  # noqa: E402

DOCS = REPO / "docs_src"
REAL = json.loads((DOCS / "manifest.json").read_text(encoding="utf-8"))["documents"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "corpus-2x"
    synth_corpus.build(2, out)
    return out


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _variants(corpus: Path) -> list[tuple[dict, dict]]:
    """(variant entry, its source's entry) pairs."""
    entries = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))["documents"]
    by_id = {m["doc_id"]: m for m in REAL}
    return [(e, by_id[e["doc_id"].rsplit("-v", 1)[0]]) for e in entries if e["doc_id"] not in by_id]


_NUMBER = re.compile(r"\d+(?:\.\d+)?[%％‰]?")


def _form(number: str) -> tuple[int, bool]:
    """How a number is written: its decimals and whether it is a share ('80.19%' → (2, True))."""
    return len(number.rstrip("%％‰").partition(".")[2]), number[-1] in "%％‰"


def _shape(p: Parsed) -> tuple[list[int], list[tuple[str, int, int, int]]]:
    """Heading levels and blocks (kind, depth, table rows and columns), without their words."""
    return [s.level for s in p.sections], [
        (b.kind, len(b.path), len(b.table.rows) if b.table else 0, len(b.table.header) if b.table else 0)
        for b in p.blocks
    ]


def test_the_same_corpus_every_run(corpus: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    synth_corpus.build(2, again)
    assert _files(again) == _files(corpus)


def test_real_plans_and_entries_unchanged(corpus: Path) -> None:
    entries = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))["documents"]
    assert entries[: len(REAL)] == REAL
    for m in REAL:
        assert (corpus / m["source"]).read_bytes() == (DOCS / m["source"]).read_bytes()
    assert len(entries) == 2 * len(REAL)


def test_manifest_loads_with_the_projects_loader(corpus: Path) -> None:
    metas = load_manifest(corpus)
    assert len(metas) == 2 * len(REAL)
    assert all((corpus / source).is_file() for source in metas)
    assert len({m.title for m in metas.values()}) == len(metas)


def test_variants_name_no_real_place(corpus: Path) -> None:
    real = {n for m in REAL for n in (m["district"], m["city"], *m["aliases"]) if n}
    for v, src in _variants(corpus):
        made_up = [n for n in (v["district"], v["city"], *v["aliases"]) if n]
        assert made_up and not [n for n in made_up if any(r in n or n in r for r in real)], v
        text = (corpus / v["source"]).read_text(encoding="utf-8")
        own = {src["district"], src["district"].removesuffix("新区").removesuffix("区"), src["city"],
               src["city"].removesuffix("市")} - {""}
        assert not [n for n in own if n in text or n in v["title"]], (v["doc_id"], own)
        assert (v["district"] or v["city"]) in v["title"]


def test_variants_move_the_figures_and_keep_the_shape(corpus: Path) -> None:
    for v, src in _variants(corpus):
        old = clean_text((DOCS / src["source"]).read_text(encoding="utf-8"))
        new = clean_text((corpus / v["source"]).read_text(encoding="utf-8"))
        pairs = list(zip(_NUMBER.findall(old), _NUMBER.findall(new), strict=True))
        assert all(_form(a) == _form(b) for a, b in pairs), v["doc_id"]
        moved = [(a, b) for a, b in pairs if a != b and not re.fullmatch(r"20\d\d", a)]
        assert len(moved) >= 5, (v["doc_id"], moved)  # the annual plan has few figures; most are item numbers
        assert _shape(parse(old)) == _shape(parse(new)), v["doc_id"]
        # Not so alike that the ingest's duplicate check refuses the variant as its source again.
        assert same_plan((v["title"], new), (src["title"], old)) == 0.0, v["doc_id"]
