"""The indicator store is written with each index build, switched with it, and carried over for
unchanged plans; a bad name lexicon stops an ingest before anything changes."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from indicators.store import STORE_NAME, IndicatorStore
from question.lexicon import LexiconError
from vectorstore.index import Build, IndexStore
from vectorstore.ingest import ingest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    d = tmp_path / "docs"
    d.mkdir()
    for name in ("tianjin-dongli-health-14th-fyp.txt", "dandong-zhenan-health-14th-fyp.txt", "manifest.json"):
        shutil.copy(REPO / "docs_src" / name, d / name)
    return d


@pytest.fixture
def lexicon(tmp_path: Path) -> Path:
    d = tmp_path / "lexicon"
    shutil.copytree(REPO / "lexicon", d)
    return d


def _current(index: Path) -> Build:
    return Build(IndexStore(index).current_dir())


@pytest.mark.slow  # make test-slow: kept out of the default run's 10 minutes
def test_the_store_lives_in_the_build_and_follows_uploads_and_deletes(tmp_path: Path, docs: Path,
                                                                        lexicon: Path) -> None:
    index = tmp_path / "index"
    first = ingest(index, [docs], lexicon_dir=lexicon)
    build = _current(index)
    assert (build.folder / STORE_NAME).exists() and first.indicators == first.indicators_extracted
    counts = {d: len(build.indicators.by_doc(d)) for d in build.docs}
    assert counts["dongli"] >= 14 and counts["zhenan"] >= 30 and first.indicators == sum(counts.values())
    for r in build.indicators.all():  # every record cites a passage of its own build
        assert build.chunk(r.chunk_id).doc_id == r.doc_id

    again = ingest(index, [docs], lexicon_dir=lexicon)  # nothing changed: nothing re-extracted
    assert again.indicators == first.indicators and again.indicators_extracted == 0
    held = _current(index)  # the build a server has open when the next ingest switches
    assert [r.as_dict() for r in held.indicators.all()] == [r.as_dict() for r in build.indicators.all()]

    gone = ingest(index, [], remove=["zhenan"], lexicon_dir=lexicon)
    now = _current(index)
    assert gone.indicators == counts["dongli"] and {r.doc_id for r in now.indicators.all()} == {"dongli"}
    # A server still holding the earlier build reads that build's records, whole.
    assert {r.doc_id for r in IndicatorStore(held.folder / STORE_NAME).all()} == {"dongli", "zhenan"}


@pytest.mark.slow  # make test-slow: kept out of the default run's 10 minutes
def test_an_edited_name_lexicon_regroups_unchanged_plans_without_re_reading_them(tmp_path: Path, docs: Path,
                                                                                lexicon: Path) -> None:
    index = tmp_path / "index"
    ingest(index, [docs], lexicon_dir=lexicon)
    names = lexicon / "indicator_names.txt"
    names.write_text(names.read_text(encoding="utf-8") + "院感发生率 = 院内感染发生率\n", encoding="utf-8")
    report = ingest(index, [docs], lexicon_dir=lexicon)
    assert report.indicators_extracted == 0
    assert [r.key for r in _current(index).indicators.find(q="院内感染")] == ["院感发生率"]


@pytest.mark.slow  # make test-slow: kept out of the default run's 10 minutes
def test_a_store_of_another_extractor_version_is_read_afresh(tmp_path: Path, docs: Path, lexicon: Path) -> None:
    index = tmp_path / "index"
    first = ingest(index, [docs], lexicon_dir=lexicon)
    with sqlite3.connect(_current(index).folder / STORE_NAME) as con:
        con.execute("UPDATE info SET value = 'old' WHERE name = 'extract_version'")
    report = ingest(index, [docs], lexicon_dir=lexicon)
    assert report.embedded == 0 and report.indicators_extracted == first.indicators


def test_a_bad_lexicon_line_stops_the_ingest_and_the_live_index_keeps_serving(tmp_path: Path, docs: Path,
                                                                               lexicon: Path) -> None:
    index = tmp_path / "index"
    ingest(index, [docs], lexicon_dir=lexicon)
    live = IndexStore(index).current_id()
    (lexicon / "indicator_names.txt").write_text("人均预期寿命 = 人均期望寿命\n只有一个名字\n", encoding="utf-8")
    (docs / "tianjin-dongli-health-14th-fyp.txt").unlink()
    with pytest.raises(LexiconError, match=r"indicator_names.txt:2"):
        ingest(index, [docs], lexicon_dir=lexicon)
    assert IndexStore(index).current_id() == live and "dongli" in _current(index).docs
