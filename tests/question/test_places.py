"""Mistyped plan names are read as the plans' own, by sound or by one character, and nothing else is."""

from __future__ import annotations

from pathlib import Path

import pytest

from question.lexicon import shipped
from question.places import Correction, PlaceSpeller, local_place_plan
from vectorstore.manifest import load_manifest
from vectorstore.types import DocMeta

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def speller() -> PlaceSpeller:
    manifest = load_manifest(REPO / "docs_src")
    text = "\n".join((REPO / "docs_src" / src).read_text(encoding="utf-8-sig") for src in manifest)
    return PlaceSpeller.from_docs(manifest.values(), text, shipped().places.suffixes)


@pytest.mark.parametrize(("typed", "meant"), [
    ("冬丽区今年新建几个社区医院？", "东丽区今年新建几个社区医院？"),   # homophone, full name
    ("俺是东立的老住户", "俺是东丽的老住户"),                          # homophone, short name
    ("勇桥那边乡镇卫生院怎么改？", "埇桥那边乡镇卫生院怎么改？"),
    ("振按区的妇幼保健", "振安区的妇幼保健"),                          # another tone
    ("滨每新区的急救站", "滨海新区的急救站"),                          # a look-alike: one character, with the suffix
    ("田津全市基层医疗", "天津全市基层医疗"),
    ("那永桥呢？", "那埇桥呢？"),                                      # a follow-up: "那" glued to it is no word
    ("那冬丽的呢", "那东丽的呢"),
    ("滨海心区的急救站", "滨海新区的急救站"),                          # its short name 滨海 spelled right
    ("彬海区的急救站建了几个？", "滨海区的急救站建了几个？"),           # 滨海新区 as people say it, with 区
])
def test_a_misspelled_plan_name_is_read_as_the_plans_own(speller: PlaceSpeller, typed: str, meant: str) -> None:
    fixed, fixes = speller.correct(typed)
    assert fixed == meant
    assert len(fixes) == 1 and fixes[0].right in meant and fixes[0].wrong in typed


@pytest.mark.parametrize("text", [
    "增强卫生健康事业发展动力有哪些任务？",  # 动力 sounds like 东丽 but is a common word, and the plans use it
    "我住在陕西镇安县，能看病吗？",            # 镇安县 is a county of its own
    "东丽区和埇桥区的床位",                   # spelled right
    "南开区的目标是多少？",                   # another district entirely
])
def test_words_and_other_places_are_left_alone(speller: PlaceSpeller, text: str) -> None:
    assert speller.correct(text) == (text, ())


def test_among_many_plans_a_name_that_sounds_like_part_of_two_words_is_no_slip() -> None:
    # A province's index holds hundreds of plans, so some short name sounds like almost any two
    # characters: made-up places 荻湄 (di mei), 雾圩 (wu wei) and 黛坨 (dai tuo) beside 东丽.
    docs = [DocMeta(doc_id=f"p{n}", title=f"{d}区卫生健康规划", source="x.txt", district=f"{d}区")
            for n, d in enumerate(("东丽", "荻湄", "雾圩", "黛坨"))]
    speller = PlaceSpeller.from_docs(docs, "", shipped().places.suffixes)
    for text in ("每千人口床位的每千人口是多少？",   # 的每 ends inside 每千人口
                 "十四五卫生健康改革由谁负责？",      # 五卫 cuts 十四五 and 卫生
                 "我带他去社区看病"):               # 他 reads tuo only rarely
        assert speller.correct(text) == (text, ()), text
    assert speller.correct("冬丽的床位目标？")[0] == "东丽的床位目标？"
    assert speller.correct("荻梅区的床位目标？")[0] == "荻湄区的床位目标？"


def test_the_correction_is_noted_for_the_reader() -> None:
    assert Correction("冬丽", "东丽").note == "已按“东丽”理解“冬丽”。"


def test_the_answer_reads_the_corrected_plan_and_says_so(full_index: Path) -> None:
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    a = Assistant(Settings(data_dir=full_index, llm_mode="extractive"))
    ans = a.answer("冬丽区规划里，2025年每千常住人口注册护士数是多少？")
    assert "2.5" in ans.text and ans.citations and ans.citations[0].chunk.doc_id == "dongli", ans.text
    assert "已按“东丽区”理解“冬丽区”。" in ans.notes
    assert a.analyze("冬丽区规划里，2025年每千常住人口注册护士数是多少？").standalone.startswith("东丽区")


def test_the_place_suffixes_of_the_lexicon_give_a_plan_its_short_name() -> None:
    banner = DocMeta("wushen", "乌审旗卫生健康规划", "wushen.txt", district="乌审旗")
    assert "乌审" not in PlaceSpeller.from_docs([banner], "", shipped().places.suffixes).names
    assert PlaceSpeller.from_docs([banner], "", shipped().places.suffixes).correct("巫审那边的卫生院")[1] == ()
    speller = PlaceSpeller.from_docs([banner], "", (*shipped().places.suffixes, "旗"))  # a staff edit
    assert "乌审" in speller.names and speller.correct("巫审那边的卫生院")[0] == "乌审那边的卫生院"


def test_a_street_or_town_only_one_plan_writes_names_that_plan() -> None:
    texts = {"hexi": "推进青柳街社区卫生服务中心建设。推广石桥镇经验。", "beichen": "柳林街社区卫生服务中心。",
             "city": "各街道、乡镇均建有基层医疗卫生机构。"}
    assert local_place_plan("我住青柳街，离医院远。新的卫生服务中心哪年建好？", texts) == "hexi"
    assert local_place_plan("我老家在石桥镇，老人看病难。", texts) == "hexi"
    assert local_place_plan("我住柳林街，常去青柳街买菜。", texts) == ""  # two plans: none chosen
    assert local_place_plan("我们街道的社区医院什么时候建？", texts) == ""  # no name, only a word


def test_words_ending_like_a_street_or_town_name_no_plan() -> None:
    texts = {"hexi": "鼓励医生下乡，推进城乡一体化，建设商业街健康驿站。", "city": "全市各区。"}
    for message in ("想问问医生下乡的事", "城乡居民医保怎么交？", "商业街附近有没有药店？"):
        assert local_place_plan(message, texts) == ""


def test_a_hospital_by_its_own_name_names_the_plan_writing_it() -> None:
    texts = {"hexi": "完成汉沽安定医院智慧门诊建设。与市胸科医院合作。", "city": "推进社区医院建设。"}
    assert local_place_plan("上周陪老人去汉沽安定医院复查，人太多。", texts, ("医院",)) == "hexi"
    # A kind of hospital ("胸科医院"), a count of them ("一家社区医院"): no hospital of one plan.
    assert local_place_plan("我去胸科医院复查过。", texts, ("医院",)) == ""
    assert local_place_plan("我家附近有一家社区医院。", texts, ("医院",)) == ""
    assert local_place_plan("上周陪老人去汉沽安定医院复查，人太多。", texts) == ""  # no facility words given


def test_where_the_writer_says_they_are_from_names_the_plan_writing_that_place() -> None:
    texts = {"hexi": "柳林堡医院带动周边社区卫生服务中心。加强农村卫生工作。", "city": "全市推进分级诊疗。"}
    assert local_place_plan("我是柳林堡的，老人看病难，规划有啥安排？", texts) == "hexi"
    assert local_place_plan("家住天津柳林堡，离医院远。", texts) == "hexi"
    # A word ("农村") only one plan happens to write is no place of that plan.
    assert local_place_plan("我是农村的，看病不方便。", texts) == ""


def test_a_street_a_plan_writes_without_its_suffix_names_that_plan() -> None:
    # A plan lists streets before one 社区卫生服务中心 and drops their 街; the writer says where they live.
    texts = {"hexi": "以区中医院带动柳林堡、青河湾社区卫生服务中心的发展。", "city": "各街道均建有基层医疗卫生机构。"}
    assert local_place_plan("我家在柳林堡街，头疼脑热都去社区。哪家医院带我们这个中心？", texts) == "hexi"
    assert local_place_plan("我家在商业街，想问问社区医院的事。", texts) == ""  # a word, not a name
