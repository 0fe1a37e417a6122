"""Chunking the real plans: structure first (items whole, tables by row), then size."""

from __future__ import annotations

import re

import pytest
from plancorpus import PLAN_IDS, Plan, path_of, pipeline

from vectorstore.split import MAX_CHARS, sentences, split_long
from vectorstore.types import IngestReport

_ENDS = ("。", "；", "！", "？")


# --- numbered items -----------------------------------------------------------------------------------


def test_each_binhai_task_is_one_chunk_with_its_responsible_units(plans: dict[str, Plan]) -> None:
    p = plans["binhai"]
    tasks = [line for line in p.cleaned.split("\n") if re.match(r"^\d+\.", line) and "责任单位" in line]
    assert [int(t.split(".", 1)[0]) for t in tasks] == list(range(1, 14))
    for task in tasks:
        holders = [c for c in p.texts if task in c.text]
        assert len(holders) == 1, task[:20]
        chunk = holders[0]
        assert chunk.text == task  # each task is 120-200 chars: alone, not merged with a neighbour
        assert re.search(r"（责任单位：[^）]+）$", chunk.text)
        assert chunk.section_path[-1] == task.split("。", 1)[0]
    first = p.chunk_with("1.新建2家社区卫生服务中心。")
    assert first.text.endswith("力争年底以前具备开工条件。（责任单位：区卫生健康委、区财政局、区住房建设委、区政务服务办）")


@pytest.mark.parametrize("doc_id", PLAN_IDS)
def test_numbered_items_that_fit_stay_whole(plans: dict[str, Plan], doc_id: str) -> None:
    p = plans[doc_id]
    items = [b for b in p.parsed.blocks if b.kind == "item" and len(b.text) <= MAX_CHARS]
    for item in items:
        assert any(item.text in c.text for c in p.texts), item.text[:30]


def test_short_items_of_one_list_are_merged(plans: dict[str, Plan]) -> None:
    p = plans["dongli"]
    chunk = p.chunk_with("2.落实天津市卫生健康委关于社区卫生服务中心设备标准化配备标准")
    assert chunk.text.startswith("2.落实天津市卫生健康委")
    assert "\n3.通过针对在有服务能力的基层社区卫生服务机构加挂社区医院牌子的方式" in chunk.text
    assert len(chunk.text) <= 300


# --- size ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("doc_id", PLAN_IDS)
def test_no_retrievable_chunk_exceeds_the_cap(plans: dict[str, Plan], doc_id: str) -> None:
    p = plans[doc_id]
    assert max(len(c.text) for c in p.retrievable) <= MAX_CHARS
    assert min(len(c.text) for c in p.retrievable) > 0


def test_size_distribution(plans: dict[str, Plan], capsys: pytest.CaptureFixture[str]) -> None:
    lines = []
    every: list[int] = []
    for doc_id in PLAN_IDS:
        p = plans[doc_id]
        sizes = [len(c.text) for c in p.retrievable]
        every += sizes
        stats = IngestReport(sizes=sizes).size_stats()
        lines.append(f"{doc_id:16} text={len(p.texts):3} rows={len(p.rows):2} {stats}")
    overall = IngestReport(sizes=every).size_stats()
    lines.append(f"{'all':16} chunks={len(every)} {overall}")
    with capsys.disabled():
        print("\nchunk sizes (chars, text + table rows):\n  " + "\n  ".join(lines))
    assert overall["over_500"] == 0
    assert 100 <= overall["median"] <= 250
    assert overall["p90"] <= 400
    assert overall["under_150"] < len(every) * 0.6


# --- long paragraphs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc_id", "opening"),
    [
        ("dongli", "按照“1个核心平台、2个体系、3朵云、N个大数据应用”的架构来建设"),
        ("yongqiao", "人民群众健康水平明显提高，2020年全区居民人均期望寿命为77.7岁"),
        ("tianjin-primary", "“十四五”时期，基层卫生健康事业将转向高质量发展阶段"),
        ("zhenan", "推广复制三明市医改经验，加强统筹协调"),
    ],
)
def test_a_long_paragraph_is_split_at_sentence_ends_overlapping_one_sentence(
    plans: dict[str, Plan], doc_id: str, opening: str
) -> None:
    p = plans[doc_id]
    long_paras = [b for b in p.parsed.blocks if b.table is None and len(b.text) > MAX_CHARS]
    assert [opening in b.text[:80] for b in long_paras] == [True]  # the plan's one paragraph over the cap
    for block in long_paras:
        parts = sorted((c for c in p.texts if block.start <= c.start < block.end), key=lambda c: c.start)
        assert len(parts) >= 2
        assert [c.meta["part"] for c in parts] == list(range(len(parts)))
        assert all(c.meta["parts"] == len(parts) for c in parts)
        assert block.text.startswith(parts[0].text)
        assert block.text.endswith(parts[-1].text)
        for a, b in zip(parts, parts[1:], strict=False):
            assert a.text.endswith(_ENDS), a.text[-10:]  # cut at a sentence end
            last = sentences(a.text)[-1]
            assert b.text.startswith(last)  # the next piece repeats exactly one sentence
            assert b.start == a.end - len(last)
        # Together the pieces give the paragraph back.
        rebuilt = parts[0].text
        for b in parts[1:]:
            rebuilt += b.text[len(sentences(rebuilt)[-1]) :]
        assert rebuilt == block.text


@pytest.mark.parametrize("doc_id", PLAN_IDS)
def test_only_pieces_of_one_split_paragraph_overlap(plans: dict[str, Plan], doc_id: str) -> None:
    texts = sorted(plans[doc_id].texts, key=lambda c: c.start)
    for a, b in zip(texts, texts[1:], strict=False):
        if b.start < a.end:
            assert a.meta["parts"] > 1 and b.meta["part"] == a.meta["part"] + 1, (a.text[:20], b.text[:20])


def test_split_long_on_a_run_without_sentence_ends() -> None:
    text = "医疗卫生服务体系" * 150  # 1200 chars, no 。: cut at the cap, no overlap, nothing lost
    spans = split_long(text)
    assert [e - s for s, e in spans] == [500, 500, 200]
    assert "".join(text[s:e] for s, e in spans) == text


def test_sentences() -> None:
    assert sentences("甲。乙；丙") == ["甲。", "乙；", "丙"]
    assert sentences("到2025年？是！") == ["到2025年？", "是！"]
    assert sentences("") == []


# --- offsets and ids ----------------------------------------------------------------------------------


@pytest.mark.parametrize("doc_id", PLAN_IDS)
def test_text_chunk_offsets_point_into_the_cleaned_text(plans: dict[str, Plan], doc_id: str) -> None:
    p = plans[doc_id]
    for c in p.texts:
        span = p.cleaned[c.start : c.end]
        if c.meta["unit"] != "box":
            assert span == c.text, (c.text[:30], path_of(c))
            continue
        # A 专栏 passage: the box title may lead it, then its entries, each one quoted whole.
        lines = c.text.split("\n")
        if lines[0].startswith("专栏"):
            assert lines[0] in c.section_path
            lines = lines[1:]
        assert span.startswith(lines[0]) and span.endswith(lines[-1]), (c.text[:30], span[:30])
        assert all(line in span for line in lines)


@pytest.mark.parametrize("doc_id", PLAN_IDS)
def test_ids_are_stable_across_runs_and_unique(plans: dict[str, Plan], doc_id: str) -> None:
    p = plans[doc_id]
    again = pipeline(p.meta, p.raw)
    assert [c.id for c in again.chunks] == [c.id for c in p.chunks]
    assert len({c.id for c in p.chunks}) == len(p.chunks)


def test_ids_are_unique_across_the_corpus(plans: dict[str, Plan]) -> None:
    ids = [c.id for p in plans.values() for c in p.chunks]
    assert len(set(ids)) == len(ids)


def test_an_edit_changes_the_id_of_the_edited_chunk_only(plans: dict[str, Plan]) -> None:
    p = plans["binhai"]
    old = p.chunk_with("1.新建2家社区卫生服务中心。")
    edited = pipeline(p.meta, p.raw.replace("积极新建杭州道街、新城镇", "积极新建杭州道街、新河街"))
    new = edited.chunk_with("积极新建杭州道街、新河街")
    assert new.id != old.id
    before, after = {c.id for c in p.chunks}, {c.id for c in edited.chunks}
    assert before - after == {old.id}  # same length text before and after it: every other id stays
    assert after - before == {new.id}


def test_every_chunk_carries_its_plan_metadata(plans: dict[str, Plan]) -> None:
    for p in plans.values():
        for c in p.chunks:
            assert c.doc_id == p.doc_id
            assert c.meta["title"] == p.meta.title
            assert c.meta["region"] == p.meta.region
            assert c.meta["doc_kind"] == p.meta.kind
            assert c.meta["status"] == p.meta.status
    assert plans["yongqiao"].texts[0].meta["status"] == "征求意见稿"
    assert plans["tianjin-primary"].texts[0].meta["region"] == "天津市"
