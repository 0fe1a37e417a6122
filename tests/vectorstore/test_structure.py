"""Parsing the real plans into sections: every numbering style they use, and the paths chunks get."""

from __future__ import annotations

from pathlib import Path

import pytest
from plancorpus import PLAN_IDS, SEP, Plan, path_of, pipeline

from vectorstore.clean import clean_text
from vectorstore.headings import is_heading, match_heading
from vectorstore.load import load_file
from vectorstore.structure import parse
from vectorstore.types import DocMeta

# (plan, heading line, level, path from the top) — one for each numbering style the plans use.
LEVELS = [
    ("dongli", "第一部分“十三五”东丽区卫生健康事业发展的主要成就", 0, ()),
    ("yongqiao", "第一章 规划背景与思路", 1, ()),
    ("yongqiao", "第一节  “十三五”发展成就", 2, ("第一章 规划背景与思路",)),
    ("yongqiao", "第四节  强化医疗人才队伍培养与引进", 2, ("第五章  建设整合型优质高效医疗服务体系",)),
    ("dongli", "一、有序推进医药卫生体制改革", 3, ("第一部分“十三五”东丽区卫生健康事业发展的主要成就",)),
    ("zhenan", "二、“十四五”时期发展总体要求", 3, ()),
    ("zhenan", "（二）指导思想", 4, ("二、“十四五”时期发展总体要求",)),
    (
        "dongli",
        "（一）加强人口监测，落实国家生育政策",
        4,
        ("第四部分“十四五”东丽区卫生健康改革规划重点任务", "二、构建居民全生命周期健康管理"),
    ),
    (
        "zhenan",
        "11.提升乡村健康服务能力和水平",
        5,
        ("三、“十四五”时期重点任务", "（二）完善医疗卫生服务体系"),
    ),
    (
        "tianjin-primary",
        "1.基层疫情防控成果显著",
        5,
        ("一、规划背景", "（一）天津市“十三五”基层卫生健康事业发展的主要成就"),
    ),
    ("binhai", "（五）增强卫生健康事业发展动力", 4, ("三、主要任务",)),
]


@pytest.mark.parametrize(("doc_id", "heading", "level", "parents"), LEVELS)
def test_each_numbering_style_is_a_heading_at_its_level(
    plans: dict[str, Plan], doc_id: str, heading: str, level: int, parents: tuple[str, ...]
) -> None:
    p = plans[doc_id]
    found = [s for s in p.parsed.sections if s.title == heading]
    assert len(found) == 1, [s.title for s in p.parsed.sections]
    section = found[0]
    assert section.level == level
    assert section.path == (*parents, heading)
    assert p.cleaned[section.start :].startswith(heading + "\n")


@pytest.mark.parametrize(
    ("doc_id", "n_sections", "levels"),
    [
        ("dongli", 97, {0, 3, 4}),
        ("yongqiao", 40, {1, 2}),
        ("zhenan", 64, {3, 4, 5}),
        ("binhai", 8, {3, 4}),
        ("tianjin-primary", 28, {3, 4, 5}),
    ],
)
def test_section_counts_and_levels_per_plan(
    plans: dict[str, Plan], doc_id: str, n_sections: int, levels: set[int]
) -> None:
    sections = plans[doc_id].parsed.sections
    assert len(sections) == n_sections
    assert {s.level for s in sections} == levels
    assert [s.start for s in sections] == sorted(s.start for s in sections)
    # yongqiao has 9 chapters, dongli 5 parts: the top level of the outline is complete.
    top = [s.title for s in sections if s.level == min(levels)]
    assert len(top) == {"dongli": 5, "yongqiao": 9, "zhenan": 4, "binhai": 3, "tianjin-primary": 6}[doc_id]


@pytest.mark.parametrize(
    ("doc_id", "sentence", "path"),
    [
        (
            "dongli",
            "推动用人单位全面落实主体责任，督促用人单位建立健全职业健康工作责任制",
            "第四部分“十四五”东丽区卫生健康改革规划重点任务 › 二、构建居民全生命周期健康管理 › （四）推进职业病防治工作",
        ),
        (
            "dongli",
            "在开展原有基本医疗和公共卫生服务的同时，推动标准化儿童保健、妇女保健门诊建设",
            "第四部分“十四五”东丽区卫生健康改革规划重点任务 › 三、优化医疗服务体系建设，持续推进分级诊疗工作"
            " › （三）不断扩展社区卫生服务机构的服务内容",
        ),
        (
            "dongli",
            "以习近平新时代中国特色社会主义思想为指导，全面贯彻党的十九大",
            "第三部分“十四五”东丽区卫生健康规划指导思想、基本原则和主要目标 › 一、“十四五”东丽区卫生健康规划指导思想",
        ),
        (
            "yongqiao",
            "2020年全区居民人均期望寿命为77.7岁",
            "第一章 规划背景与思路 › 第一节  “十三五”发展成就",
        ),
        (
            "zhenan",
            "深入贯彻落实党的十九大、十九届历次全会和党的二十大精神",
            "二、“十四五”时期发展总体要求 › （二）指导思想",
        ),
        (
            "zhenan",
            "优化县域资源配置，为乡村振兴战略提供健康保障。",
            "三、“十四五”时期重点任务 › （二）完善医疗卫生服务体系 › 11.提升乡村健康服务能力和水平",
        ),
        (
            "tianjin-primary",
            "自新冠肺炎疫情发生以来，天津市持续加强基层医疗卫生机构疫情防控工作",
            "一、规划背景 › （一）天津市“十三五”基层卫生健康事业发展的主要成就 › 1.基层疫情防控成果显著",
        ),
    ],
)
def test_a_known_sentence_is_filed_under_its_headings(
    plans: dict[str, Plan], doc_id: str, sentence: str, path: str
) -> None:
    assert path_of(plans[doc_id].chunk_with(sentence)) == path


def test_a_numbered_item_with_a_body_is_filed_under_its_own_label(plans: dict[str, Plan]) -> None:
    # '1.新建2家…。' carries a sentence: a list item, not a heading; its label ends the path.
    chunk = plans["binhai"].chunk_with("积极新建杭州道街、新城镇社区卫生服务中心")
    assert chunk.section_path == ("三、主要任务", "（一）夯实基层医疗卫生服务基础", "1.新建2家社区卫生服务中心")
    assert not is_heading("1.新建2家社区卫生服务中心。积极新建杭州道街、新城镇社区卫生服务中心。")
    # A numbered item is a sibling of the heading before it at its own level, not its child.
    item = plans["dongli"].chunk_with("（二）完善监测预警系统")
    assert item.section_path[:2] == (
        "第一部分“十三五”东丽区卫生健康事业发展的主要成就",
        "五、扎实推进疫情常态化防控工作",
    )
    assert not any(h.startswith("（一）") for h in item.section_path)


@pytest.mark.parametrize("doc_id", PLAN_IDS)
def test_every_chunk_is_filed_under_the_headings_above_it(plans: dict[str, Plan], doc_id: str) -> None:
    p = plans[doc_id]
    titles = {s.title for s in p.parsed.sections}
    for c in p.retrievable:
        above = [s for s in p.parsed.sections if s.start <= c.start]  # a passage may open with its heading
        headings = tuple(h for h in c.section_path if h in titles)
        if not above:
            assert headings == (), path_of(c)
            continue
        last = above[-1].path
        assert headings == last[: len(headings)], (c.text[:30], path_of(c), SEP.join(last))
        if c.kind == "text" and c.meta["unit"] == "para":
            assert c.section_path == last, (c.text[:30], path_of(c), SEP.join(last))


# --- 专栏 boxes ----------------------------------------------------------------------------------------

BOXES = {
    "专栏1 公共卫生防控救治能力建设工程": [
        "建设现代化疾病预防控制体系。",
        "完善现有传染病监测体系。",
        "加强分级分层救治网络建设。",
        "强化卫生监督体系建设。",
    ],
    "专栏2 优质高效医疗卫生服务体系建设工程": [
        "夯实医疗卫生服务基础建设。",
        "城市医疗集团建设。",
        "农村基层服务能力提升。",
        "加强全人群全生命周期医疗健康保障。",
    ],
    # The second entry follows a blank line without its cell's tab: still the box's.
    "专栏3 中医药传承创新工程": ["中医药服务能力提升行动。", "杏林人才培养行动。"],
}


@pytest.mark.parametrize("box", sorted(BOXES))
def test_every_entry_of_a_zhenan_box_has_the_box_in_its_path(plans: dict[str, Plan], box: str) -> None:
    p = plans["zhenan"]
    for entry in BOXES[box]:
        chunk = p.chunk_with(entry)
        assert box in chunk.section_path, (entry, path_of(chunk))
        assert chunk.section_path[0] == "三、“十四五”时期重点任务"
        assert "\t" not in chunk.text
        # Only the box's own title may lead the passage; no other box's text leaks in.
        assert chunk.text.replace(box, "").count("专栏") == 0


def test_box_entries_are_split_per_entry_not_pasted_together(plans: dict[str, Plan]) -> None:
    p = plans["zhenan"]
    first = p.chunk_with("建设现代化疾病预防控制体系。")
    assert first.section_path[-1] == "建设现代化疾病预防控制体系"
    assert "建设现代化疾病预防控制体系。改善和加强疾病预防控制机构业务用房" in first.text
    assert "加强分级分层救治网络建设" not in first.text  # entries of 60+ chars are chunks of their own
    # The broken line inside the box ('推进卫生' / '监督执法') was mended by cleaning.
    assert "推进卫生监督执法智能化应用。" in p.chunk_with("强化卫生监督体系建设。").text


def test_a_box_that_lost_its_title_keeps_all_its_entries(plans: dict[str, Plan]) -> None:
    """振安 40.: the export left a titleless one-column box; its entries must stay retrievable."""
    p = plans["zhenan"]
    for entry in ("建立传染病智慧化多点触发监测预警平台。", "建设数字健康全民信息平台。", "深化互联网智慧便民服务。"):
        chunk = p.chunk_with(entry)
        assert chunk.section_path[:3] == (
            "三、“十四五”时期重点任务",
            "（八）发展数字健康和智慧医疗",
            "40.强化网络信息与数据安全",
        )
        assert "\t" not in chunk.text


@pytest.mark.parametrize("doc_id", PLAN_IDS)
def test_no_passage_is_lost_between_the_blocks(plans: dict[str, Plan], doc_id: str) -> None:
    """Every sentence of the cleaned text is in a retrievable chunk; headings live in the paths."""
    p = plans[doc_id]
    text = "\n".join(c.text for c in p.retrievable)
    headers = {cell for b in p.parsed.blocks if b.table is not None for cell in b.table.header}
    missing = []
    for line in p.cleaned.split("\n"):
        body = line.strip()
        if not body or (not line.startswith("\t") and is_heading(body)) or body in headers:
            continue
        for sentence in body.replace("。", "。\n").split("\n"):
            if sentence and sentence not in text:
                missing.append(sentence[:40])
    assert missing == []


# --- styles no plan uses ------------------------------------------------------------------------------


def test_paren_number_and_circled_levels_below_dot_numbers() -> None:
    """No plan of the corpus numbers a fourth level （1）/①, so a small file does."""
    text = "\n".join(
        [
            "一、主要任务",
            "（一）完善服务体系",
            "1.加强基层医疗卫生机构建设",
            "（1）社区卫生服务中心",
            "到2025年，每个街道办事处设置一所社区卫生服务中心。",
            "①标准化建设",
            "基层医疗卫生机构标准化建设达标率95%以上。",
            "（2）乡镇卫生院",
            "推进乡镇卫生院标准化建设。",
            "2.强化人才队伍",
            "加强基层人才队伍建设。",
        ]
    )
    meta = DocMeta(doc_id="synthetic", title="四级编号", source="synthetic.txt")
    p = pipeline(meta, text)
    levels = {s.title: s.level for s in p.parsed.sections}
    assert levels == {
        "一、主要任务": 3,
        "（一）完善服务体系": 4,
        "1.加强基层医疗卫生机构建设": 5,
        "（1）社区卫生服务中心": 6,
        "①标准化建设": 7,
        "（2）乡镇卫生院": 6,
        "2.强化人才队伍": 5,
    }
    top = ("一、主要任务", "（一）完善服务体系")
    assert p.chunk_with("每个街道办事处").section_path == (*top, "1.加强基层医疗卫生机构建设", "（1）社区卫生服务中心")
    assert p.chunk_with("达标率95%").section_path == (
        *top, "1.加强基层医疗卫生机构建设", "（1）社区卫生服务中心", "①标准化建设"
    )
    assert p.chunk_with("推进乡镇卫生院").section_path == (*top, "1.加强基层医疗卫生机构建设", "（2）乡镇卫生院")
    assert p.chunk_with("加强基层人才队伍").section_path == (*top, "2.强化人才队伍")


@pytest.mark.parametrize(
    ("line", "kind", "number", "heading"),
    [
        ("第一部分“十三五”东丽区卫生健康事业发展的主要成就", "part", "一", True),
        ("第二章  总体思路", "chapter", "二", True),
        ("第三节  加强重大疾病防控", "section", "三", True),
        ("十、积极推进健康产业发展", "cn", "十", True),
        ("（二）指导思想", "paren_cn", "二", True),
        ("11.提升乡村健康服务能力和水平", "num", "11", True),
        ("（1）社区卫生服务中心", "paren_num", "1", True),
        ("专栏1 公共卫生防控救治能力建设工程", "box", "专栏1", True),
        ("## 主要预期指标", "markdown", "##", True),
        ("1.新建2家社区卫生服务中心。积极新建杭州道街、新城镇社区卫生服务中心。", "num", "1", False),
        ("（七）辖区人均期望寿命由2015年的80.32岁上升至2020年的81.15岁。", "paren_cn", "七", False),
    ],
)
def test_match_heading_and_is_heading(line: str, kind: str, number: str, heading: bool) -> None:
    m = match_heading(line)
    assert m is not None and (m.kind, m.number) == (kind, number)
    assert is_heading(line) is heading


@pytest.mark.parametrize("line", ["2.16", "2025年，每千常住人口", "专栏：说明", "“十四五”时期", ""])
def test_lines_that_are_not_numbered(line: str) -> None:
    assert match_heading(line) is None


# --- Word headings ------------------------------------------------------------------------------------


def test_word_heading_styles_give_paths_without_markdown_marks(dongli_docx: Path) -> None:
    cleaned = clean_text(load_file(dongli_docx).text)
    parsed = parse(cleaned)
    assert parsed.title == "天津市东丽区卫生健康事业发展“十四五”规划"
    paths = [b.path for b in parsed.blocks] + [s.path for s in parsed.sections]
    assert not [p for p in paths if any(h.startswith("#") for h in p)]
    table = next(b for b in parsed.blocks if b.table is not None and b.table.kind == "grid")
    assert table.path == (
        "第四部分“十四五”东丽区卫生健康改革规划重点任务",
        "“十四五”东丽区卫生健康规划主要预期指标",
    )


def test_a_long_numbered_line_between_sibling_headings_is_a_heading_too() -> None:
    """A line longer than a heading usually is, with no sentence in it, that numbers on from the
    heading before it of its rank, is that heading's sibling; a numbered line with a sentence is an item."""
    text = "\n".join(
        [
            "三、强化疾病防控",
            "（一）建设发热门诊",
            "二级以上医院全部设置发热门诊。",
            "（二）健全传染病监测网络，发挥信息平台作用，建立多部门协同、多渠道汇集的预警机制",
            "完成流行病学调查队伍建设。",
            "（三）做好疫苗接种",
            "1.加强冷链建设。全面完成冷链设备更新，确保疫苗储运安全，提升预防接种门诊服务能力水平。",
            "3.开展接种人员培训，提升全区预防接种门诊工作人员业务能力和服务水平，做到持证上岗",
        ]
    )
    p = pipeline(DocMeta(doc_id="synthetic", title="编号续接", source="synthetic.txt"), text)
    titles = [s.title for s in p.parsed.sections]
    assert "（二）健全传染病监测网络，发挥信息平台作用，建立多部门协同、多渠道汇集的预警机制" in titles
    assert titles.index("（三）做好疫苗接种") == len(titles) - 1  # "1.…。…" has a sentence; "3." skips 2
