"""Document metadata: the shipped manifest, and what is inferred for a plan it does not list."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from plancorpus import DOCS_SRC, META, PLAN_IDS, Plan

from vectorstore.errors import ConfigError
from vectorstore.manifest import MANIFEST_NAME, infer_meta, load_manifest, slug
from vectorstore.sources import prepare
from vectorstore.types import DocMeta


def test_manifest_lists_every_plan_with_its_region() -> None:
    manifest = load_manifest(DOCS_SRC)
    assert sorted(manifest) == sorted(p.name for p in DOCS_SRC.glob("*.txt"))
    assert sorted(m.doc_id for m in manifest.values()) == sorted(PLAN_IDS)
    dongli = manifest["tianjin-dongli-health-14th-fyp.txt"]
    assert (dongli.province, dongli.city, dongli.district, dongli.region) == ("天津市", "天津市", "东丽区", "东丽区")
    assert (dongli.kind, dongli.period, dongli.status) == ("five_year_plan", "2021-2025", "")
    yongqiao = META["yongqiao"]
    assert (yongqiao.province, yongqiao.city, yongqiao.region) == ("安徽省", "宿州市", "埇桥区")
    assert yongqiao.status == "征求意见稿"
    assert "甬桥" in yongqiao.aliases  # the common miswriting of 埇
    binhai = META["binhai"]
    assert (binhai.kind, binhai.period) == ("annual_work_plan", "2021")
    assert "津滨政办发〔2021〕7号" in binhai.issuer
    assert META["tianjin-primary"].region == "天津市"  # a city-wide plan: no district
    zhenan = META["zhenan"]
    assert (zhenan.province, zhenan.city, zhenan.region) == ("辽宁省", "丹东市", "振安区")


def test_manifest_metadata_round_trips_through_a_dict() -> None:
    for meta in META.values():
        assert DocMeta.from_dict(json.loads(json.dumps(meta.as_dict(), ensure_ascii=False))) == meta


@pytest.mark.parametrize("doc_id", PLAN_IDS)
def test_inference_from_the_title_lines_agrees_with_the_manifest(plans: dict[str, Plan], doc_id: str) -> None:
    """What a plan would get without a manifest entry: never a wrong place, kind or period."""
    listed = META[doc_id]
    guessed = infer_meta(listed.source, plans[doc_id].cleaned)
    assert guessed.district == listed.district
    assert (guessed.kind, guessed.period, guessed.status) == (listed.kind, listed.period, listed.status)
    for field in ("province", "city"):
        assert getattr(guessed, field) in ("", getattr(listed, field)), field
    assert guessed.title.startswith(listed.title[:6]) or listed.title[:6] in guessed.title


def test_a_title_set_on_two_lines_is_read_whole(plans: dict[str, Plan]) -> None:
    guessed = infer_meta("x.txt", plans["dongli"].cleaned)
    assert guessed.title == "天津市东丽区卫生健康事业发展“十四五”规划"
    assert (guessed.city, guessed.district, guessed.aliases) == ("天津市", "东丽区", ("东丽区", "东丽"))


def test_a_new_plan_without_a_manifest_entry_gets_metadata_from_its_title(tmp_path: Path) -> None:
    shutil.copy(DOCS_SRC / MANIFEST_NAME, tmp_path / MANIFEST_NAME)  # a manifest that does not list it
    path = tmp_path / "宿州埇桥2022工作要点.txt"
    path.write_text(
        "宿州市埇桥区2022年卫生健康工作要点（征求意见稿）\n"
        "\n"
        "一、总体要求\n"
        "2022年，全区卫生健康工作以习近平新时代中国特色社会主义思想为指导，\n"
        "深入实施健康埇桥行动。\n",
        encoding="utf-8",
    )
    meta = prepare(path, {}).meta
    assert meta.doc_id == "宿州埇桥2022工作要点"
    assert meta.source == path.name
    assert meta.title == "宿州市埇桥区2022年卫生健康工作要点（征求意见稿）"
    assert (meta.city, meta.district, meta.region) == ("宿州市", "埇桥区", "埇桥区")
    assert meta.status == "征求意见稿"
    assert meta.kind == "annual_work_plan"
    assert meta.period == "2022"
    assert set(meta.aliases) == {"埇桥区", "埇桥"}


@pytest.mark.parametrize(
    ("title", "province", "city", "district", "period", "kind"),
    [
        ("天津市东丽区卫生健康事业发展“十四五”规划", "天津市", "天津市", "东丽区", "2021-2025", "five_year_plan"),
        ("滨海新区2021年卫生健康事业补短板工作计划", "", "", "滨海新区", "2021", "annual_work_plan"),
        ("辽宁省丹东市振安区卫生健康发展规划（2021-2025年）", "辽宁省", "丹东市", "振安区", "2021-2025", "plan"),
        ("内蒙古自治区呼和浩特市新城区卫生健康“十五五”规划", "内蒙古自治区", "呼和浩特市", "新城区", "2026-2030",
         "five_year_plan"),
        ("北京市朝阳区2023年社区卫生服务工作方案", "北京市", "北京市", "朝阳区", "2023", "annual_work_plan"),
        ("# 振安区“十四五”卫生健康发展规划", "", "", "振安区", "2021-2025", "five_year_plan"),
    ],
)
def test_infer_meta_reads_places_periods_and_kinds(
    title: str, province: str, city: str, district: str, period: str, kind: str
) -> None:
    body = "\n贯彻落实省委、省政府决策部署，落实《妇女儿童健康提升计划（2021-2030年）》。\n"
    meta = infer_meta("plan.txt", title + "\n" + body)
    assert meta.title == title.lstrip("# ")
    assert (meta.province, meta.city, meta.district, meta.period, meta.kind) == (
        province, city, district, period, kind
    )


def test_slug() -> None:
    assert slug("Tianjin Plan (2021).txt") == "tianjin-plan-2021"
    assert slug("振安区规划.docx") == "振安区规划"
    assert slug("___.pdf") == "doc"


def test_no_manifest_means_every_plan_is_inferred(tmp_path: Path) -> None:
    assert load_manifest(tmp_path) == {}


def _write(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _shipped() -> dict[str, list[dict[str, object]]]:
    data = json.loads((DOCS_SRC / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("truncated", "not a valid manifest"),
        ("no_documents_key", "not a valid manifest"),
        ("entry_without_doc_id", "not a valid manifest"),
        ("duplicate_doc_id", "duplicate doc_id binhai"),
        ("saved_as_gbk", "not a valid manifest"),
        ("aliases_not_a_list", "not a valid manifest"),
    ],
)
def test_a_broken_manifest_is_a_config_error_naming_the_file(tmp_path: Path, case: str, reason: str) -> None:
    path = tmp_path / MANIFEST_NAME
    shipped = _shipped()
    docs = shipped["documents"]
    if case == "truncated":
        path.write_text((DOCS_SRC / MANIFEST_NAME).read_text(encoding="utf-8")[:300], encoding="utf-8")
    elif case == "no_documents_key":
        _write(path, {"docs": docs})
    elif case == "entry_without_doc_id":
        _write(path, {"documents": [{k: v for k, v in docs[0].items() if k != "doc_id"}]})
    elif case == "duplicate_doc_id":
        _write(path, {"documents": [*docs, {**docs[1], "source": "copy.txt"}]})
    elif case == "saved_as_gbk":  # what Notepad on a Chinese Windows writes
        path.write_bytes(json.dumps(shipped, ensure_ascii=False).encode("gbk"))
    elif case == "aliases_not_a_list":
        _write(path, {"documents": [{**docs[0], "aliases": 3}]})
    with pytest.raises(ConfigError) as info:
        load_manifest(tmp_path)
    message = str(info.value)
    assert str(path) in message
    assert reason in message
