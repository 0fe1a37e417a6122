"""Declined for a reason the passages cannot show: a year past every plan's period, a topic no plan
has a word of, a table cell left blank, a count in a measure word no figure carries."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answerable import year_ok
from question.demands import count_evidence, demands
from question.lexicon import Lexicon
from question.scope import (
    beyond_period,
    content_words,
    described,
    holds,
    is_place_word,
    listed_examples,
    mention_topic,
    named_facilities,
    numbered_facilities,
    period_end,
    period_name,
    unmentioned,
    unnamed_facilities,
    unwritten_year,
)

REPO = Path(__file__).resolve().parents[2]
LEX = Lexicon.load(REPO / "lexicon")


def test_periods_and_years_past_them() -> None:
    assert [period_name(p) for p in ("2021-2025", "2016-2020", "2026-2030", "2021", "2020-2025", "")] == [
        "十四五", "十三五", "十五五", "", "", ""]
    assert period_end("2021-2025") == 2025 and period_end("2021") == 2021 and period_end("") is None
    periods = {"a": "2021-2025", "b": "2021"}
    assert beyond_period(("2035",), periods, ["到2025年达到"]) == "2035年（规划期为2021、2021—2025年）"
    assert beyond_period(("2025",), periods, []) == ""
    assert beyond_period(("2035",), periods, ["", "到2035年基本实现"]) == ""  # a plan sets a target for it


def test_mention_topics_and_the_words_no_plan_uses() -> None:
    assert mention_topic("振安规划里有没有提到宠物医院的管理？", LEX.mention_cues) == "宠物医院的管理"
    assert mention_topic("东丽区2025年床位目标是多少？", LEX.mention_cues) == ""
    # The cue may follow its topic, in the same sentence or after a sentence asking about it.
    assert mention_topic("东丽无障碍坡道这件事，规划里写了没？", LEX.mention_cues, ["东丽"]) == "无障碍坡道"
    assert mention_topic("下雪天路滑，有没有上门送药的安排？东丽规划中提没提？", LEX.mention_cues,
                         ["东丽"]) == "上门送药"
    assert mention_topic("规划里提没提？", LEX.mention_cues) == ""
    # "…了没有" as well as "…了没": the 有 closes the cue, it is no one-character topic.
    assert mention_topic("宠物美容店扎堆这事，埇桥规划里写了没有？", LEX.mention_cues, ["埇桥"]) == "宠物美容店扎堆"
    assert mention_topic("小区快递柜消毒，振安规划提了没有？", LEX.mention_cues, ["振安"]) == "小区快递柜消毒"
    # A pointing word after the verb points back at the clause before, as the bare cue does.
    assert mention_topic("听说社区要办老年食堂，东丽的规划提到这事没有？", LEX.mention_cues, ["东丽"]) == "听说社区要办老年食堂"
    assert mention_topic("社区要办老年食堂，东丽的规划讲到没有？", LEX.mention_cues, ["东丽"]) == "社区要办老年食堂"
    # "提没提过，…" asks whether it ever was: 过 is no word of the topic (过敏 is).
    assert mention_topic("振安规划提没提过，给村医涨补贴？", LEX.mention_cues) == "给村医涨补贴"
    assert mention_topic("卫生规划写没写过敏性鼻炎？", LEX.mention_cues) == "过敏性鼻炎"
    # A cue in two parts holds its topic between them.
    assert mention_topic("规划里有没有给中学生免费查视力的说法？", LEX.mention_cues) == "给中学生免费查视力"
    # "有没有…的安排" asks whether there is one: the thing arranged is the topic.
    assert mention_topic("规划里有没有给村卫生室配除颤仪的安排？", LEX.mention_cues) == "给村卫生室配除颤仪"
    # A verb left bare at the end does what the clause before the cue names.
    assert mention_topic("老人想配助听器，规划里有没有提到社区能配？", LEX.mention_cues) == "老人想配助听器，社区能配"
    assert mention_topic("老人想配助听器，规划里有没有提到社区能配助听器？", LEX.mention_cues) == "社区能配助听器"
    assert content_words("宠物医院的管理")[0].startswith("宠物") and "查看" not in content_words("让居民查看档案")
    plans = "加强医疗机构管理，推进电子健康档案向居民开放"
    assert unmentioned(content_words("宠物医院的管理"), plans.__contains__, lambda w: False).startswith("宠物")
    assert unmentioned(content_words("居民能查看电子健康档案"), plans.__contains__, lambda w: False) == ""


def test_a_description_in_the_writers_words_is_told_from_a_things_name() -> None:
    # A description's words are the writer's own: a word of it no plan writes says nothing of the thing.
    assert described("在工地上扛了多年水泥、腰腿落下毛病的师傅们盖个调养身体的去处", LEX.example_words, 20)
    assert not described("师傅们的调养去处", LEX.example_words, 20)
    # A name followed by an example, in another sentence or after 比如, is still a name.
    assert not described("宠物医院？去外地带着猫狗看病能不能直接在那边打疫苗的那种", LEX.example_words, 20)
    assert not described("宠物医院，比如去外地带着猫狗看病能不能直接在那边打疫苗的那种", LEX.example_words, 20)
    # Punctuation is no part of its length.
    assert not described("甲、乙、丙、丁、戊、己、庚、辛、壬、癸", LEX.example_words, 20)


def test_a_blank_cell_does_not_answer_its_year() -> None:
    row = "主要指标｜健康生活｜成人吸烟率（%）｜2020年 ——｜2025年 控制在20%以内"
    assert not year_ok(("2020",), row, True)
    assert year_ok(("2025",), row, True)
    assert year_ok(("2020", "2025"), "指标｜护士数｜2020年：1.59｜2025年：2.5", True)


def test_a_count_needs_its_measure_word_or_one_like_it() -> None:
    ev = count_evidence("家", LEX.measure_words)
    assert ev.search("建成3-4家社区医院") and ev.search("新建2所卫生院") and ev.search("床位数（个）｜2025年：36")
    assert not ev.search("提供中医药服务的比例（%）：100")
    (d,) = [d for d in demands("规划打算建几家社区医院？", lexicon=LEX) if d.kind == "count"]
    assert d.evidence.search("5家") and not d.evidence.search("98.5%")
    # a ratio per thousand people is a figure of its own: any number answers "每千人几个医生"
    per_capita = [d for d in demands("每千人口要有几个医生？", lexicon=LEX) if d.kind == "count"]
    assert all(d.evidence.search("2.8") for d in per_capita)
    # How many people: the plans count people as a share of them; other things not.
    (people,) = [d for d in demands("到2025年要让多少人接受健康教育？", lexicon=LEX) if d.kind == "count"]
    assert people.evidence.search("健康教育覆盖率达到90%以上") and people.evidence.search("培训300人")
    (staff,) = [d for d in demands("村里现在有几个人在当乡村医生？", lexicon=LEX) if d.kind == "count"]
    # "医务方面的人员": 方面 (lexicon/empty_nouns.txt) names no thing a count could be of.
    (medical,) = [d for d in demands("今年打算招几位医务方面的人员？", lexicon=LEX, plan_uses=lambda w: False)
                  if d.kind == "count"]
    (therapists,) = [d for d in demands("一共有多少名康复治疗师？", lexicon=LEX, plan_uses=lambda w: False)
                     if d.kind == "count"]
    assert medical.counted == "" and therapists.counted == "康复治疗师"
    assert staff.evidence.search("在岗乡村医生85名")  # 几个人: people, whatever the plan counts them in
    (area,) = [d for d in demands("这栋楼建成后占地多少亩？", lexicon=LEX) if d.kind == "area"]
    assert area.evidence.search("建筑面积1.2万平方米") and not area.evidence.search("距离不超过1.5公里")
    (homes,) = [d for d in demands("到2025年要建多少家养老院？", lexicon=LEX) if d.kind == "count"]
    assert not homes.evidence.search("入住率达到90%以上")
    # Ten thousand of people or things is no sum of money.
    (fee,) = [d for d in demands("养老院住一个月要交多少钱？", lexicon=LEX) if d.kind == "money"]
    assert fee.evidence.search("计划投入财政预算约30亿元") and fee.evidence.search("争取资金677万，")
    assert not fee.evidence.search("每3-5万服务人口设置一所") and not fee.evidence.search("覆盖2万常住人口")


def test_words_that_only_look_like_a_count_or_spell_money_apart() -> None:
    kinds = lambda q: [d.kind for d in demands(q, lexicon=LEX)]  # noqa: E731
    # "其余几个" points at the rest of a list just given; it asks no count.
    assert "count" not in kinds("其余几个街道是怎么安排的？") and "count" not in kinds("另外几项呢？")
    assert "count" in kinds("一共有几个街道？")
    # "多少家长": parents, not a count in 家 (an institution's measure word).
    parents = demands("到2025年要让多少家长学会带孩子？", lexicon=LEX)
    assert all(d.evidence.search("家长接受指导率达到90%以上") for d in parents)
    assert all(d.evidence.search("家长接受指导率达到90%以上") for d in demands("有多少家医院？", lexicon=LEX)) is False
    # Money asked with words between "多少" and "钱", or as what is thrown at something.
    assert "money" in kinds("区里准备拿多少财政的钱出来？") and "money" in kinds("这几年往医院砸多少？")


@pytest.mark.parametrize(("question", "why"), [
    ("振安区规划里，到2035年每千人口床位要达到多少？", "2035年"),
    ("东丽规划里有没有提到宠物医院的管理？", "宠物"),
    ("规划里有没有给中学生免费查视力的说法？", "中学生"),
    ("杭州道街社区卫生服务中心占地面积是多少？", "面积"),  # no plan gives an area
    # A count of a thing no plan writes is not any count in the measure word asked ("自动体外除颤仪40台").
    ("东丽区一共安置了多少台心电监护仪？", "心电监护仪"),
    ("振安区眼下总共配了几名康复治疗师？", "康复治疗师"),
    # The last plan's achievement ("新建成9个120院前急救站点") is no target of the year the period ends.
    ("到2025年东丽区准备建成多少个120院前急救站点？", "急救站点"),
])
def test_such_questions_are_declined_with_the_reason(full_index: Path, question: str, why: str) -> None:
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    ans = Assistant(Settings(data_dir=full_index, llm_mode="extractive")).answer(question)
    assert ans.refused, ans.text
    assert any(why in n for n in ans.notes), ans.notes


def test_a_facility_no_plan_names_is_found_and_a_named_one_is_not() -> None:
    plans = "推进东丽医院建设，建成社区医院，完善紧急医疗救治中心".__contains__
    suffixes = LEX.facility_suffixes
    assert unnamed_facilities("东丽区口腔医院哪年开业？", suffixes, ["东丽区"], plans, lambda t: False) == ["口腔医院"]
    assert unnamed_facilities("东丽医院哪年建成？", suffixes, ["东丽"], plans, lambda t: False) == []
    # A clause ending in a facility word is not a name; a synonym stands for the plans' word.
    assert unnamed_facilities("哪些社区中心能建成社区医院？", suffixes, [], plans, lambda t: False) == []
    assert unnamed_facilities("看病总往外地大医院跑怎么办？", suffixes, [], plans, lambda t: False) == []
    # Where from or how far ("离…远", "从…转来") is no part of a name.
    assert unnamed_facilities("我们村离县医院有二十里路，规划管不管？", suffixes, [], plans, lambda t: False) == []
    assert unnamed_facilities("病人从镇卫生院转上来要排队吗？", suffixes, [], plans, lambda t: False) == []
    # A count of facilities names none of them.
    assert unnamed_facilities("东丽有两家医院要扩建，是哪两家？", suffixes, ["东丽"], plans, lambda t: False) == []
    assert unnamed_facilities("区里新建3个中心都在哪？", suffixes, [], plans, lambda t: False) == []
    assert unnamed_facilities("那三所区医院能做检测吗？", suffixes, [], plans, lambda t: False) == []
    # After a count of several comes their kind in the writer's words; "一家…" introduces one by its name.
    assert unnamed_facilities("城东两家专科医院的门诊改造哪年完成？", suffixes, [], plans, lambda t: False) == []
    assert unnamed_facilities("东丽要新建一家区口腔医院吗？", suffixes, ["东丽"], plans, lambda t: False) == ["区口腔医院"]
    assert unnamed_facilities("东丽区口腔医院哪年开业？", suffixes, ["东丽区"], plans, lambda t: True) == []
    # A place's own facility ("市立医院") is a name; a level ("区级医院") is not.
    assert unnamed_facilities("宿州市立医院要扩建吗？", suffixes, ["宿州"], plans, lambda t: False,
                              LEX.places.suffixes) == [
        "宿州市立医院"]
    assert unnamed_facilities("东丽区级医院多吗？", suffixes, ["东丽", "东丽区"], plans, lambda t: False) == []
    # A numbered one is another facility than the plans' unnumbered one.
    numbered = "加强人民医院建设，第一医院扩建".__contains__
    assert unnamed_facilities("第四人民医院哪年扩建？", suffixes, [], numbered, lambda t: False) == ["第四人民医院"]
    assert unnamed_facilities("第一医院哪年扩建？", suffixes, [], numbered, lambda t: False) == []
    # ... also after a plan's name with its place word ("丹东市" of the city 丹东).
    assert unnamed_facilities("丹东市第九人民医院的门诊楼哪年完工？", suffixes, ["丹东"], numbered, lambda t: False,
                              LEX.places.suffixes) == ["第九人民医院"]
    # "那家" points at the facility it names: the words before it are the sentence's.
    assert unnamed_facilities("规划里要新建的那家口腔医院哪年开业？", suffixes, [], plans, lambda t: False) == ["口腔医院"]


def test_a_project_named_in_quotes_that_no_plan_writes_is_unnamed() -> None:
    plans = "实施“网底”工程，推进“智慧医院”项目".__contains__
    suffixes = LEX.facility_suffixes
    assert unnamed_facilities("规划里那个“白桦林康养园”项目哪年建成？", suffixes, [], plans, lambda t: False) == [
        "白桦林康养园"]
    assert unnamed_facilities("“网底”工程由谁负责？", suffixes, [], plans, lambda t: False) == []
    assert unnamed_facilities("“白桦林康养园”项目哪年建成？", suffixes, [], plans, lambda t: True) == []  # a known word


def test_a_facility_named_after_a_place_is_a_word_of_the_question() -> None:
    plans = "推进东丽医院建设，与天津中医药大学合作共建".__contains__
    names = ("东丽区", "东丽", "天津")
    got = named_facilities("东丽医院和天津中医药大学合作了什么？", LEX.facility_suffixes, names, plans)
    assert got == ("东丽医院", "天津中医药大学")
    assert named_facilities("东丽区儿童医院哪年开业？", LEX.facility_suffixes, names, plans) == ()
    # The longest name the plans write, not the first ending reached.
    longer = "推进振安区医院建设，完成振安区医院分院中心新建".__contains__
    assert named_facilities("振安区医院分院中心哪年建成？", LEX.facility_suffixes, ("振安区", "振安"), longer) == (
        "振安区医院分院中心",)


def test_a_place_inside_a_facility_another_named_plan_writes_names_no_plan(full_index: Path) -> None:
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    a = Assistant(Settings(data_dir=full_index, llm_mode="extractive"))
    live = a.live()
    qa = a.analyze("滨海新区中医医院和天津中医药大学是什么合作关系？", [], live)
    assert qa.plans == ("binhai",) and "滨海新区中医医院" in qa.facilities
    assert a.analyze("滨海新区和天津的基层规划都提到中医药大学吗？", [], live).several_plans
    # Named alone, it names no plan either: the plan that writes it is searched, or the conversation's.
    alone = a.analyze("天津中医药大学附属医院的共建，计划哪个月份完成？", [], live)
    assert alone.plans == () and "天津中医药大学" in alone.facilities
    after = a.answer("天津中医药大学附属医院的共建，计划哪个月份完成？",
                     [{"role": "user", "content": "滨海那边的中医院在评哪一级？"}, {"role": "assistant", "content": "…"}])
    assert not after.refused and after.citations[0].chunk.doc_id == "binhai", (after.text, after.notes)


def test_a_minor_word_of_the_writers_own_does_not_make_a_topic_unmentioned() -> None:
    plans = "开设疼痛门诊，加强医疗机构监管".__contains__
    idf = {"腰腿": 5.0, "疼痛": 4.5, "门诊": 2.0, "美容": 5.0, "医疗": 0.5, "机构": 0.5, "监管": 1.5}.__getitem__
    assert unmentioned(["腰腿", "疼痛", "门诊"], plans, lambda w: False, idf) == ""
    assert unmentioned(["医疗", "美容", "机构", "监管"], plans, lambda w: False, idf) == "美容"
    # A single character is no topic of its own: "病" of 冻疮病 does not outweigh the thing asked about.
    idf1 = {"冻疮": 6.7, "病": 4.3, "门诊": 4.0}.__getitem__
    assert unmentioned(["冻疮", "病", "门诊"], "看病，开设疼痛门诊".__contains__, lambda w: False, idf1) == "冻疮"
    # The last word is what the topic is about: the plans naming where it would be is not enough.
    idf2 = {"乡镇": 4.0, "卫生院": 4.0, "配备": 3.0, "营养师": 6.0}.__getitem__
    assert unmentioned(["乡镇", "卫生院", "配备", "营养师"], "乡镇卫生院配备设备".__contains__, lambda w: False,
                       idf2) == "营养师"
    assert mention_topic("社区有看腰腿疼的疼痛门诊吗？基层规划里提没提？", LEX.mention_cues, ["基层规划"]) == "看腰腿疼的疼痛门诊"
    assert mention_topic("床位有没有提高到6张？", [*LEX.mention_cues]) == ""


def test_a_topic_word_is_held_across_a_short_listing_gap() -> None:
    assert holds("防治碘缺乏等地方病。", "碘缺乏病") and holds("加强地方病防治", "地方病")
    assert not holds("碘缺乏。地方病防治", "碘缺乏病")  # not across a sentence
    assert not holds("建设儿童友好医院", "儿童医院") and not holds("新建医院", "医院楼")


def test_a_question_word_is_no_part_of_a_facility_name() -> None:
    plans = "宿州市第一人民医院新院区建设。"
    assert unnamed_facilities("宿州市第一人民医院是几级医院？", LEX.facility_suffixes, ["宿州市", "宿州"],
                              plans.__contains__, lambda w: False) == []


def test_section_roles_come_from_the_lexicon() -> None:
    assert LEX.role(("第一部分“十三五”发展的主要成就", "一、有序推进改革")) == "review"
    assert LEX.role(("二、重点问题", "1.基层服务能力不足")) == "problems"
    assert LEX.role(("第三章 主要任务", "一、建设社区医院")) == ""


def test_a_facility_named_by_its_number_is_found_when_the_plans_write_it() -> None:
    plans = "以天津市第三中心医院东丽分院带动金钟街社区卫生服务中心的发展".__contains__
    assert numbered_facilities("第三中心医院要在这边建院区吗？", LEX.facility_suffixes, plans) == ("第三中心医院",)
    assert numbered_facilities("第七中心医院要建院区吗？", LEX.facility_suffixes, plans) == ()


def test_the_asking_words_of_a_topic_are_no_topic_word():
    # jieba tags "怎么办" an idiom; as the topic's last word it made every such mention unmentioned.
    assert "怎么办" not in content_words("村医养老怎么办") and "养老" in content_words("村医养老怎么办")
    plans = "妥善解决老年乡村医生养老问题"
    assert unmentioned(content_words("老年乡村医生的养老咋办"), plans.__contains__, lambda w: False) == ""


def test_a_year_no_plan_writes_is_one_they_give_no_figure_of():
    periods = {"a": "2021-2025", "b": "2021"}
    assert unwritten_year(("2023",), periods, ["到2025年建成", "2021年完成"]) == "2023年"
    assert unwritten_year(("2023",), periods, ["2023年底前建成"]) == ""  # a plan writes it
    # The period's end and the year before it starts ("“十三五”末") are the plans' own years.
    assert unwritten_year(("2025",), periods, []) == "" and unwritten_year(("2020",), periods, []) == ""


def test_a_short_form_of_a_facility_the_plans_write_is_not_unnamed() -> None:
    from question.scope import shortened

    text = "推进社区卫生服务中心标准化建设，建设胸痛中心。"
    plans, suffixes = text.__contains__, LEX.facility_suffixes
    assert shortened("社区", "中心", text) and not shortened("儿童", "医院", text)
    assert not shortened("胸痛", "中心", "建设胸痛救治、卒中中心")  # a list of two is no name
    short = lambda core, kind: shortened(core, kind, text)  # noqa: E731
    assert unnamed_facilities("社区中心门诊要怎么改造？", suffixes, [], plans, lambda t: False, (), short) == []
    assert unnamed_facilities("社区中心门诊要怎么改造？", suffixes, [], plans, lambda t: False) == ["社区中心"]
    assert unnamed_facilities("儿童医院哪年建成？", suffixes, [], plans, lambda t: False, (), short) == ["儿童医院"]


def test_a_place_word_says_where_the_writer_is() -> None:
    assert is_place_word("村里") and is_place_word("家里") and is_place_word("街上")
    assert not is_place_word("门诊") and not is_place_word("老年人") and not is_place_word("卫生院")


def test_the_things_a_topic_lists_as_examples_of_a_kind() -> None:
    assert listed_examples("练八段锦、打五禽戏这类老功夫") == ["练八段锦", "打五禽戏"]
    assert listed_examples("灭蚊子、灭老鼠这些事") == ["灭蚊子", "灭老鼠"]
    assert listed_examples("宠物医院") == [] and listed_examples("社区、医院") == []
