"""Answers by what a question wants: a whole list, "有。" for a mention, a follow-up's item from the
section the previous question named. Real index, extractive answers, our own sentences."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from assistant.finish import MENTIONED
from assistant.pipeline import Assistant
from assistant.settings import Settings
from question.analysis import Intent


@pytest.fixture(scope="module")
def assistant(full_index):
    return Assistant(Settings(data_dir=full_index, llm_mode="extractive"), chat=None)


def _lines_cited(text: str) -> bool:
    return all(re.search(r"\[\d+\]$", line) for line in text.splitlines() if line and not line.endswith("："))


def test_a_list_found_by_search_is_given_whole_each_point_cited(assistant):
    a = assistant.answer("埇桥的规划认为本区卫生健康事业和群众需求比还差在哪些地方？")
    assert not a.refused
    for point in ("一是公共卫生体系亟待完善", "二是优质医疗资源总量不足", "三是“一老一小”", "四是中医药发展基础还比较薄弱"):
        assert point in a.text, a.text
    assert _lines_cited(a.text) and a.citations


def test_a_list_split_over_passages_cites_each_passage(assistant):
    a = assistant.answer("天津市基层卫生规划认为“十四五”基层卫生发展有哪些短板问题？")
    assert "一是基层服务供给不足" in a.text and "四是基层卫生重大传染病防控能力" in a.text, a.text
    assert len(a.citations) >= 2 and _lines_cited(a.text)


def test_a_heading_named_with_or_without_de_lists_its_items(assistant):
    a = assistant.answer("滨海计划里增强卫生健康事业的发展动力下面有哪几项？")
    assert "12.深化公立医院综合改革" in a.text and "13.加大人才招聘引进和培养力度" in a.text


def test_a_heading_named_in_other_words_lists_its_items(assistant):
    a = assistant.answer("滨海在卫生健康事业发展动力增强上有哪些任务？")
    assert "12.深化公立医院综合改革" in a.text and "13.加大人才招聘引进和培养力度" in a.text, a.text


def test_an_ordinal_before_the_heading_locates_it(assistant):
    a = assistant.answer("天津基层规划第四部分主要任务有哪些？")
    items = [ln for ln in a.text.splitlines() if ln.startswith("（")]
    assert len(items) == 5 and items[0].startswith("（一）全面提高基层医疗服务水平"), a.text


def test_a_follow_up_naming_only_a_position_takes_the_previous_section(assistant):
    history = [{"role": "user", "content": "滨海计划里“增强卫生健康事业发展动力”下面有哪几项任务？"},
               {"role": "assistant", "content": "包括两项。"}]
    a = assistant.answer("第二项是什么？", history)
    assert "13.加大人才招聘引进和培养力度" in a.text and "12.深化" not in a.text, a.text


def test_a_mention_question_is_answered_yes_first_or_declined_naming_the_topic(assistant):
    yes = assistant.answer("埇桥规划有没有提到家庭医生签约？")
    assert yes.text.startswith(MENTIONED) and "家庭医生签约" in yes.text and yes.citations
    no = assistant.answer("埇桥规划有没有提到宠物医院？")
    assert no.refused and any("宠物" in n for n in no.notes) and no.nearby
    # A word of the lexicon is no help when no plan asked about uses any word of its group: only
    # 振安's plan writes 长期护理保险, so 东丽's is declined, naming it.
    other = assistant.answer("东丽规划里有没有提到长期护理保险？")
    assert other.refused and any("长期护理保险" in n for n in other.notes), other.text
    assert assistant.answer("振安规划里有没有提到长期护理保险？").text.startswith(MENTIONED)


@pytest.mark.parametrize("question", [
    "这几份规划里，哪份说过要给宠物看病？",  # "说过" asks whether a plan said it
    "东丽的规划里是否有专门针对宠物医院的安排？",  # "有专门针对…" too
    "五份规划里有没有哪份说要给宠物打疫苗？",  # "有没有哪份说…": which plan says it
    "振安规划说没说要管管宠物看病的事？",  # "说没说", the everyday "提没提"
    "东丽那份卫生规划管不管给宠物看病？",  # "管不管": does it deal with it at all
    "滨海补短板那份有没有安排给宠物猫免费绝育？",  # "有没有安排": whether a plan provides for it
])
def test_mentions_asked_in_more_words_are_declined_naming_the_topic(assistant, question):
    a = assistant.answer(question)
    assert a.refused and any("宠物" in n for n in a.notes), a.text


def test_an_everyday_word_for_bad_conduct_is_the_plans_word(assistant):
    # "歪风" is the writer's word for the plans' "不正之风" (lexicon/synonyms.txt).
    a = assistant.answer("振安规划有没有提到歪风？")
    assert not a.refused and "不正之风" in a.text.splitlines()[0], a.text


def test_a_decline_says_what_was_searched_and_shows_the_closest_passages(assistant):
    a = assistant.answer("东丽区医院食堂的菜谱有哪些？")
    assert a.refused and a.nearby
    assert any(n.startswith("已检索：") and "菜谱" in n and "东丽" not in n for n in a.notes), a.notes
    # A follow-up naming only a plan and asking words still says what it searched for.
    history = [{"role": "user", "content": "滨海新区要建几个发热门诊？"}, {"role": "assistant", "content": "规划文件中未找到相关内容。"}]
    b = assistant.answer("那振安区定的是哪几个？", history)
    assert b.refused and any(n.startswith("已检索：“") for n in b.notes), b.notes
    # Opening a conversation, a plan's name alone asks nothing yet.
    assert assistant.answer("埇桥区呢？").text.startswith("请说明您想了解的具体问题")


def test_a_part_named_by_its_number_lists_its_items_by_their_headings(assistant):
    # "第二部分" is part of the heading itself, so it names the part, not its second item; each item
    # is given by its heading, not by the first line under it.
    a = assistant.answer("东丽规划第二部分讲形势与挑战，下面分了哪几块？")
    assert "一、东丽区卫生健康事业面临的形势" in a.text and "二、东丽区卫生健康事业面临的挑战" in a.text, a.text
    assert _lines_cited(a.text) and len(a.citations) == 2


def test_a_mention_is_answered_with_the_sentence_naming_the_topic(assistant):
    a = assistant.answer("我在振安一家医院做信息科。振安规划里写没写智慧医院？")
    assert a.text.startswith(MENTIONED) and "智慧医院" in a.text and _lines_cited(a.text.split("\n", 1)[1]), a.text


def test_a_follow_up_of_a_follow_up_continues_the_question_it_follows(assistant):
    first = "埇桥区2025年每千常住人口床位数目标是多少？"
    turns = [{"role": "user", "content": first}, {"role": "assistant", "content": assistant.answer(first).text},
             {"role": "user", "content": "那振安呢？"}]
    turns.append({"role": "assistant", "content": assistant.answer("那振安呢？", turns[:2]).text})
    a = assistant.answer("它算约束性指标吗？", turns)
    assert "预期性" in a.text and a.citations and a.citations[0].chunk.doc_id == "zhenan", a.text
    assert "床位" in a.citations[0].chunk.text


def test_the_last_item_of_a_listed_section_is_its_last(assistant):
    first = "滨海新区补短板计划的重点问题有哪些？"
    turns = [{"role": "user", "content": first}, {"role": "assistant", "content": assistant.answer(first).text}]
    a = assistant.answer("最后一个呢？", turns)
    assert "5.公立医院改革需要持续深化" in a.text and "4." not in a.text, a.text


@pytest.mark.parametrize(("question", "figure"), [
    ("埇桥乡下老人打急救电话，急救车多久能赶到，规划有要求吗？", "15分钟"),  # how long, not when
    ("东丽的卫生专业技术人员里研究生占比有没有要求？", "15%以上"),  # a share names no indicator
    ("东丽区对居民签约率定了什么目标？", "签约率100%"),  # "率定" is no word here
    # "远" of the asking "多远" is no topic word: "远程会诊…" set the bar the answer fell under.
    ("我家在天津农村，老人走路慢。天津基层规划里村卫生室要隔多远就有一个？", "1.5公里"),
    # Money asked as what will be spent, the plan's period as "五年里" (lexicon/synonyms.txt).
    ("东丽区卫健委五年里要掏多少钱搞卫生？", "30亿元"),
    ("东丽区在卫生上打算砸多少钱？", "30亿元"),  # money "thrown at" something
])
def test_a_figure_asked_in_everyday_shapes_is_quoted_first(assistant, question, figure):
    a = assistant.answer(question)
    assert not a.refused and figure in a.text.splitlines()[0], a.text


def test_a_topic_word_inside_an_everyday_phrase_of_the_lexicon_is_not_known_by_it(assistant):
    # "片子" sits inside the lexicon's "拍片子" (→ 医学影像, which the plans write), but the question
    # does not say "拍片子": no plan names the topic, so the answer says so instead of quoting
    # whatever the loose match found.
    a = assistant.answer("规划里有没有提到片子？")
    assert a.refused and any("片子" in n for n in a.notes), a.text
    # The whole everyday phrase, written in the question, is translated into the plans' word.
    b = assistant.answer("规划里有没有提到拍片子？")
    assert not b.refused, b.notes


@pytest.mark.parametrize(("question", "written"), [
    # "…的时候" says when (lexicon/empty_nouns.txt): no plan writes 时候, and it is no thing asked about.
    ("天津那份基层卫生规划提没提签约的时候给老人建档？", "建档"),
    # "管管" (a verb said twice) is no word of the plans, and no thing asked about.
    ("东丽的卫生规划提没提管管公共场所吸烟？", "公共场所禁烟"),
    # "村里" (a place word) says where the old people live; the plan writes their family doctors.
    ("东丽区那份规划写没写村里的老年人能签约家庭医生？", "家庭医生"),
    # "…这类老功夫" is the writer's word for the kind; the plan writes 八段锦, one of the things listed.
    ("东丽那份规划讲没讲带着大家练八段锦、打五禽戏这类老功夫？", "八段锦"),
])
def test_a_mention_is_judged_by_its_things_not_by_the_writers_other_words(assistant, question, written):
    a = assistant.answer(question)
    assert not a.refused and written in a.text, (a.text, a.notes)


def test_a_figure_of_the_past_is_not_quoted_from_a_row_giving_only_targets(assistant):
    # 振安's table gives 2025 targets only; its review of the last period states the figure then.
    a = assistant.answer("振安区2型糖尿病的基层规范管理服务率，十三五末做到了多少？")
    assert not a.refused and "74.74%" in a.text, a.text


def test_a_count_inside_a_mentions_topic_is_the_writers_several_not_a_question(assistant):
    # "几家医院" describes the thing asked about; the mention is answered without any count.
    a = assistant.answer("请问振安区的卫生规划说没说过由几家医院一起组成医疗集团？")
    assert not a.refused and "医疗集团" in a.text, (a.text, a.notes)


def test_a_word_saying_how_is_no_thing_the_plans_leave_out(assistant):
    # "专门" (which the segmenter tags a noun) says how the clinic would be run, not what it is; a decline
    # naming it as the word no plan writes sends staff after the wrong word.
    a = assistant.answer("请问滨海的计划写没写医院要专门设看发烧的门诊？")
    assert not any("“专门”" in n for n in a.notes), a.notes


def test_what_the_last_period_did_is_no_answer_when_the_plans_period_is_asked_by_name(assistant):
    # 东丽's review of the last period counts the defibrillators placed; its plan sets no number for
    # the years to come. Named by the period's name, the question asks the latter.
    a = assistant.answer("东丽在十四五这五年里，公共场所要再放多少台自动除颤仪？")
    assert a.refused, a.text
    b = assistant.answer("东丽十三五那几年往公共场所配了多少台除颤仪？")
    assert not b.refused and "40台" in b.text, (b.text, b.notes)


def test_a_mention_of_a_thing_no_plan_names_is_declined_though_its_care_is_named(assistant):
    # 治疗 and 药品供应 stand in the plans for other patients; 血友病 stands in none, and it is
    # what the question asks about (the words before 的).
    a = assistant.answer("现有规划里有没有提到血友病人的治疗和药品供应？")
    assert a.refused and any("血友病" in n for n in a.notes), (a.text, a.notes)
    # Split by the segmenter as 罕见/病患者 (a piece of 糖尿病患者), the first word still says whose.
    b = assistant.answer("这些规划有没有提到罕见病患者就医用药的保障？")
    assert b.refused and any("罕见" in n for n in b.notes), (b.text, b.notes)
    # Without 的 the first word says whose as well.
    c = assistant.answer("规划里有没有讲冷门病患者治疗用药怎么办？")
    assert c.refused and any("冷门" in n for n in c.notes), (c.text, c.notes)


def test_provinces_listed_as_partners_are_found_under_the_plans_short_form(assistant):
    # 埇桥's plan writes 沪苏浙; the lexicon's joined "上海江苏浙江" stands for the three listed with 、, and
    # places after 跟 are partners of the plan's own place, not places no plan is for.
    a = assistant.answer("规划里有没有提到引进上海、江苏、浙江的优质医疗资源？")
    assert not a.refused and "沪苏浙" in a.text and a.citations, a.text
    b = assistant.answer("规划里有没有跟上海、江苏、浙江的医院合作的安排？")
    assert not b.refused and "沪苏浙" in b.text, b.text
    assert assistant.answer("上海2025年每千人口床位数是多少？").refused


def test_asked_point_by_point_a_named_enumeration_is_given_whole(assistant):
    # "一条一条讲讲" asks for the list as "有哪些" does: every point of "（1）…（9）", each cited.
    a = assistant.answer("东丽规划里的“九项能力”，能一条一条讲讲吗？")
    assert all(f"（{n}）" in a.text for n in range(1, 10)), a.text
    assert _lines_cited(a.text)


def test_a_follow_up_naming_nothing_is_read_with_the_question_it_continues(assistant):
    history = [{"role": "user", "content": "东丽区“十三五”期间核酸检测采样队伍组建起来了吗？"},
               {"role": "assistant", "content": "组建了。"}]
    a = assistant.answer("一共多少人？", history)
    assert "1340人的核酸检测采样队伍" in a.text, a.text


def test_only_a_follow_up_that_needs_it_carries_the_previous_question(assistant):
    history = [{"role": "user", "content": "东丽区“十三五”期间核酸检测采样队伍组建起来了吗？"},
               {"role": "assistant", "content": "组建了。"}]
    # Naming nothing of its own, it is asked of the previous question's topic, read whole.
    counted = assistant.analyze("一共多少人？", history)
    assert counted.carried == "" and "核酸检测采样队伍" in counted.standalone, counted.standalone
    # Naming a thing of its own in the same plan, the previous question is read with it softly.
    assert assistant.analyze("家庭医生有多少个？", history).carried == history[0]["content"]
    # A whole question of its own, and an item asked by position, are read alone.
    assert assistant.analyze("埇桥区2025年每千常住人口床位数要达到多少？", history).carried == ""
    assert assistant.analyze("第二个呢？", history).carried == ""


def test_the_time_of_a_pointed_at_situation_is_not_the_time_asked_about(assistant):
    qa = assistant.analyze("我在东丽一家社区医院上班，我们中心去年刚评上先进。像我们这样的中心今后往哪个方向建？")
    assert qa.pointed and "去年" in qa.pointed
    assert qa.info.tense == "future"


def test_a_whole_question_asked_after_an_unrelated_one_is_answered_as_if_asked_first(assistant):
    # Staff ask one question after another in one chat: the last one's plan or words must not leak in.
    history = [{"role": "user", "content": "东丽医院扩建完床位总数是多少？"},
               {"role": "assistant", "content": "东丽医院通过改建新增床位至500张。[1]"}]
    for q in ("居民健康素养水平2025年要达到多少？",
              "我妈在振安乡下住，血压一直偏高，每月去卫生院拿药。规划里对这类慢病病人的管理有什么要求？"):
        alone, after = assistant.answer(q), assistant.answer(q, history)
        assert after.text == alone.text, (after.text, alone.text)
        assert assistant.analyze(q, history).carried == ""
    several = assistant.answer("居民健康素养水平2025年要达到多少？", history)
    assert "东丽" in several.text and "埇桥" in several.text, several.text


def test_a_mention_question_asking_about_this_is_about_the_sentence_before(assistant):
    q = "我爸今年六十五了，住在东丽，想去打个免费的流感疫苗。区里的规划有没有提到这个？"
    qa = assistant.analyze(q)
    assert "流感疫苗" in qa.pointed and qa.topic == ""
    a = assistant.answer(q)
    assert not a.refused and "流感疫苗" in a.text, a.text
    # Also when the plan comes between the cue and what it points at ("…规划对这个…").
    q2 = "我爸今年六十五了，住在东丽，想去打个免费的流感疫苗。东丽那边的规划对这个有没有安排？"
    assert "流感疫苗" in assistant.analyze(q2).pointed and assistant.analyze(q2).topic == ""
    assert "流感疫苗" in assistant.answer(q2).text


def test_asked_how_after_a_target_the_answer_is_the_prose_not_the_row_again(assistant):
    history = [{"role": "user", "content": "东丽区居民健康素养水平2025年的目标定的是多少？"},
               {"role": "assistant", "content": "东丽区规划：居民健康素养水平（％）：2020年 23.71%，2025年 27%[1]"}]
    a = assistant.answer("那具体要怎么做呢？", history)
    assert not a.refused and "健康素养" in a.text, a.text
    assert a.citations and all(c.chunk.kind != "table_row" for c in a.citations), a.text
    figure = assistant.answer("东丽区居民健康素养水平2025年的目标定的是多少？")
    assert "27%" in figure.text and figure.citations[0].chunk.kind == "table_row"  # asked for it, the row


def test_a_whole_question_going_on_with_the_last_topic_keeps_its_plan(assistant):
    history = [{"role": "user", "content": "埇桥区的家庭医生签约服务有什么安排？"},
               {"role": "assistant", "content": "埇桥区推进“互联网+”家庭医生签约服务，实行网上签约。[1]"}]
    qa = assistant.analyze("签约之后家庭医生在网上都能提供哪些服务？", history)
    assert qa.info.doc_ids == ("yongqiao",), qa.standalone
    # Its situation's words are no topic of the question before: a new topic is asked of every plan.
    told = [{"role": "user", "content": "我家老人腿脚不好，看病要人陪。埇桥区的托位数量到2025年定了多少？"},
            {"role": "assistant", "content": "埇桥区到2025年底，三岁以下婴幼儿托位数达到千人口3.4个。[1]"}]
    other = assistant.analyze("规划里对老人的健康管理率定了多少？", told)
    assert other.info.doc_ids == (), other.standalone
    # "…那项" names its own thing as an item of the list the conversation went through: that plan's.
    rows = [{"role": "user", "content": "振安区每千常住人口注册护士数2025年定了多少？"},
            {"role": "assistant", "content": "振安区目标为每千常住人口注册护士数≥3.8（预期性）。[1]"}]
    item = assistant.analyze("孕产妇死亡率那项属于约束性还是预期性，目标定了多少？", rows)
    assert item.info.doc_ids == ("zhenan",), item.standalone


def test_a_follow_up_asking_of_another_time_does_not_carry_the_last_questions_words(assistant):
    history = [{"role": "user", "content": "振安区高血压管得怎么样了？"},
               {"role": "assistant", "content": "“十三五”末高血压患者规范管理率是75.7%。[1]"},
               {"role": "user", "content": "2025年的目标呢？"},
               {"role": "assistant", "content": "2025年高血压、糖尿病患者基层规范服务管理率都要达到80%以上。[1]"}]
    # The question before asked of 2025, this one of now: the figure of now comes first.
    a = assistant.answer("糖尿病那个现在有多少？", history)
    assert "74.74%" in a.text.splitlines()[0], a.text


def test_a_follow_up_pointing_at_the_last_answer_is_answered_by_what_is_beside_it(assistant):
    history = [{"role": "user", "content": "埇桥区级医院在公共卫生防控救治方面要建哪几项能力？"},
               {"role": "assistant", "content": "完成区级医疗机构公共卫生防控救治7大能力（发热门诊、可转换病区、"
                                                "可转换ICU、生物安全实验室、传染病检测、医疗废弃物处理、急诊急救）建设。[1]"}]
    a = assistant.answer("它说的实验室按什么标准建？", history)
    assert "生物安全二级标准" in a.text.splitlines()[0], a.text  # not the sentence it points at, again
    # Asked which departments, the sentence pointed at may end with them: a question of who.
    for who in ("具体是哪几个部门？", "这个归谁管？"):
        assert assistant.analyze(who, history).intent is Intent.RESPONSIBILITY, who


def test_a_follow_up_naming_another_indicator_keeps_the_period_asked_about(assistant):
    history = [{"role": "user", "content": "振安区“十三五”期间注册护士一共有多少人？"},
               {"role": "assistant", "content": "……[1]"}]
    assert "十三五" in assistant.analyze("执业医师呢？", history).standalone


def test_a_mention_quotes_no_second_passage_for_a_one_character_word(assistant):
    a = assistant.answer("埇桥规划有没有提修厕所的事？")
    assert a.text.startswith("有。") and "厕所革命" in a.text, a.text
    assert len(a.citations) == 1, a.text  # a passage holding "事" (of 事业) is no second mention


def test_a_list_named_by_its_length_is_the_run_of_that_many_points(assistant):
    a = assistant.answer("东丽这边要抓的几项能力据说是九条，分别是啥？")
    assert "（1）提升公共卫生应急反应能力" in a.text and "（9）" in a.text, a.text
    assert _lines_cited(a.text)


def test_a_list_named_by_its_length_finds_the_sentence_naming_that_many(assistant):
    a = assistant.answer("埇桥的区级医疗机构防控救治有七个方面的能力，都是哪些？")
    assert "7大能力（发热门诊、可转换病区" in a.text.splitlines()[0], a.text


def test_a_list_counted_in_the_writers_word_finds_the_plans_count(assistant):
    # "本领" is the lexicon's everyday word for the plans' "能力": "那几项本领" asks for the "7大能力".
    a = assistant.answer("埇桥区的区级医疗机构防控救治那几项本领都是什么？")
    assert "7大能力（发热门诊、可转换病区" in a.text.splitlines()[0], a.text


def test_asking_for_more_is_not_declined_for_its_own_words(assistant):
    # "别的" is no word of any plan: counted as a topic word it pulled the coverage under the bar.
    history = [{"role": "user", "content": "埇桥区对孩子健康有什么打算？"},
               {"role": "assistant", "content": "埇桥区规划提出加强儿童保健服务。[1]"}]
    assert not assistant.answer("还有别的吗？", history).refused


def test_everyday_words_for_shortfalls_find_the_plans_problems(assistant):
    a = assistant.answer("按天津的基层规划，基层卫生有什么毛病？")
    assert "一是基层服务供给不足的问题依然存在" in a.text, a.text


def test_asked_for_more_the_answer_is_not_what_was_just_told(assistant):
    history = [{"role": "user", "content": "东丽的中医应急救援队伍要多少人？"},
               {"role": "assistant", "content": "东丽区规划提出成立1支不少于30人的中医疫病和紧急医学救援队伍。[1]"}]
    a = assistant.answer("中医方面还有其他的数字吗？", history)
    assert "30人" not in a.text and re.search(r"\d", a.text), a.text


def test_asked_for_more_after_part_of_a_list_the_sentence_with_the_rest_is_quoted(assistant):
    # The answer gave the sentence's first three principles and most of its words: the rest of its list
    # ("采储结合、节约高效") is what "还有别的吗" asks for, not another passage.
    history = [{"role": "user", "content": "东丽的应急物资保障按什么原则？"},
               {"role": "assistant", "content": "应急物资保障按照集中管理、统一调拨、平时服务等原则，健全相关工作机制和"
                                                "应急预案，做到关键时刻调得出、用得上。"}]
    a = assistant.answer("还有别的吗？", history)
    assert "采储结合、节约高效" in a.text, a.text


def test_asking_for_the_rest_of_numbered_points_gives_the_points_not_told(assistant):
    # Points 3 and 4 of that run are passages of their own, read by the chunker as headings.
    history = [{"role": "user", "content": "东丽区卫生人才方面有哪几条量化要求？"},
               {"role": "assistant", "content": "规划提出每千人口执业医师数提高到2.8的水平；正高级专业技术人员力争提高至"
                                                "4%以上，副高级提高至12%以上。"}]
    a = assistant.answer("剩下的几条呢？", history)
    assert [line[:2] for line in a.text.splitlines()] == ["2.", "3.", "5."] and _lines_cited(a.text), a.text
    assert "研究生以上学历" in a.text and "区级名医10名" in a.text and "2.8" not in a.text, a.text


def test_asking_for_the_other_areas_gives_the_sentences_written_alike_not_the_one_told(assistant):
    # The plan writes each area's sentence alike ("…地区以…带动…社区卫生服务中心的发展"): most of a
    # sibling's character pairs are in the answer given, yet it was not given.
    history = [{"role": "user", "content": "张贵庄一带的社区中心，东丽规划让哪家医院扶持？"},
               {"role": "assistant", "content": "西部地区以中医医院（张贵庄院区）带动万新、张贵庄社区卫生服务中心的发展。"}]
    a = assistant.answer("别的片区呢？", history)
    assert "北部地区以中医医院（东丽湖院区）" in a.text and "中部地区以东丽医院" in a.text, a.text
    assert "张贵庄院区" not in a.text and _lines_cited(a.text), a.text


def test_a_name_the_question_quotes_keeps_the_answer_on_it(assistant):
    # After an answer about family doctors, "“治未病服务包”" is the plan's own name: every sentence quoted
    # is about that service, none only about Chinese medicine in general.
    history = [{"role": "user", "content": "东丽区签了家庭医生能得到哪些服务？"},
               {"role": "assistant", "content": "东丽区规划提出做实家庭医生签约服务。"}]
    a = assistant.answer("那“治未病服务包”呢？", history)
    lines = a.text.splitlines()
    assert "治未病服务包" in lines[0] and all("治未病服务" in line for line in lines), a.text


def test_a_box_lists_each_project_with_what_it_does(assistant):
    a = assistant.answer("振安规划专栏3的内容有哪些？")
    assert "杏林人才培养行动。全科医生特设岗位计划招收向中医医师倾斜。" in a.text, a.text


def test_everyday_words_for_a_sections_role_list_that_section(assistant):
    # "短处" is no heading's word: lexicon/section_roles.txt holds it for the problems role.
    a = assistant.answer("滨海新区那份计划里，眼下的短处都是哪几条？")
    assert "“重点问题”包括：" in a.text and "5.公立医院改革需要持续深化。" in a.text, a.text


def test_a_position_after_an_answer_that_gave_points_is_that_answers_point(assistant):
    history = [{"role": "user", "content": "天津基层卫生眼下差在哪儿？"},
               {"role": "assistant", "content": "一是基层服务供给不足的问题依然存在；二是基层服务模式转变仍需持续加快；"
                                                "三是基层卫生信息化建设水平还不高；四是基层卫生重大传染病防控能力仍需持续提升。"}]
    a = assistant.answer("第二个展开讲讲", history)
    assert "二是基层服务模式转变仍需持续加快" in a.text and "一是" not in a.text, a.text


def test_a_part_of_a_figure_is_not_answered_with_the_whole(assistant):
    history = [{"role": "user", "content": "东丽区每千常住人口执业医师到2025年定的多少？"},
               {"role": "assistant", "content": "东丽区每千常住人口执业（助理）医师数2025年目标2.8人。[1]"}]
    a = assistant.answer("其中儿科医生要配多少个？", history)
    assert a.refused and "2.8" not in a.text, a.text
    # A part the plan names with its own date is answered from the sentence naming it.
    history = [{"role": "user", "content": "滨海2021年要新建几家社区卫生服务中心？"},
               {"role": "assistant", "content": "新建2家社区卫生服务中心。[1]"}]
    b = assistant.answer("其中新城镇那家什么时候能开工？", history)
    assert "力争年底以前具备开工条件" in b.text, b.text


def test_a_position_after_an_answer_listing_a_sections_headings_is_that_items_sub_items(assistant):
    """The answer named the items of 主要任务 by their headings; its third is quoted by each of its
    numbered sub-items, each cited, not by the first alone."""
    history = [{"role": "user", "content": "滨海今年这份计划要干的事分几类？"},
               {"role": "assistant", "content": "包括（一）夯实基层医疗卫生服务基础、（二）提升卫生健康信息化水平、"
                                                "（三）加强区域龙头医院建设、（四）进一步健全公共卫生服务体系、（五）增强卫生健康事业发展动力等五项。"}]
    a = assistant.answer("第三块讲了些什么？", history)
    assert not a.refused, a.text
    assert "6.推进第五中心医院" in a.text and "7.推进滨海新区中医医院" in a.text, a.text
    assert "8.加强重大疾病防控能力" not in a.text and _lines_cited(a.text)
    assert len(a.citations) == 2


def test_a_position_after_an_answer_naming_a_box_is_that_boxs_entry(assistant):
    history = [{"role": "user", "content": "振安规划的专栏里都写了些啥？"},
               {"role": "assistant", "content": "专栏1“公共卫生防控救治能力建设工程”包括：建设现代化疾病预防控制体系；"
                                                "完善现有传染病监测体系；加强分级分层救治网络建设；强化卫生监督体系建设。"}]
    a = assistant.answer("第三条具体说说？", history)
    assert "振安区医院分院新建" in a.text, a.text


def test_a_mention_ending_in_an_empty_noun_is_judged_by_the_words_before_it(assistant):
    a = assistant.answer("滨海规划里有没有提到能让人接受心理疏导的地方？")
    assert not a.refused and "心理咨询室" in a.text, a.text


def test_a_list_counted_without_its_number_is_the_sentence_counting_it(assistant):
    a = assistant.answer("埇桥规划里区级医疗机构的几大能力是指哪些？")
    assert "7大能力（发热门诊" in a.text and "急诊急救）" in a.text, a.text


def test_asking_for_more_after_an_answer_giving_one_item_lists_that_items_section(assistant):
    history = [{"role": "user", "content": "滨海今年在信息化上要干什么？"},
               {"role": "assistant", "content": "计划提出建成区域卫生健康信息平台：依托政务云数据中心，建成滨海新区全民健康信息平台。"}]
    a = assistant.answer("还有其他的吗？", history)
    assert "积极推进“互联网+医疗服务”的应用" in a.text and _lines_cited(a.text), a.text


def test_a_list_asked_in_the_writers_words_is_the_group_the_plan_counts(assistant):
    # Few of its words are the plan's, but it asks the items of a thing the plan counts ("九项能力").
    a = assistant.answer("东丽规划里要提升的各项能力，劳驾逐条念给我听听")
    assert not a.refused and "九项能力" in a.text and "提升社区护理能力" in a.text and _lines_cited(a.text), a.text


def test_which_projects_lists_the_plans_key_projects_section(assistant):
    # No heading says "具体项目"; the section of key projects is what is asked (lexicon/section_roles.txt).
    a = assistant.answer("天津的基层规划安排了哪些具体项目？")
    assert not a.refused and "基层数字健共体建设" in a.text and "示范性社区培训基地建设" in a.text, a.text


def test_a_box_named_in_its_own_words_lists_every_item_of_the_box(assistant):
    # "专栏" with some of the box's words, not its number: the box's items, each cited.
    a = assistant.answer("振安区有关中医药发展的那个专栏包括哪几项？")
    assert a.text.startswith("专栏3“中医药传承创新工程”包括："), a.text
    assert "中医药服务能力提升行动" in a.text and "杏林人才培养行动" in a.text and _lines_cited(a.text)
    # A box whose words hold a table's category ("医疗服务") is still the box, not that category's indicators.
    a = assistant.answer("振安规划中写优质医疗服务体系的专栏列了哪几项？")
    assert a.text.startswith("专栏2“优质高效医疗卫生服务体系建设工程”包括："), a.text
    assert "农村基层服务能力提升" in a.text and "三级医院平均住院日" not in a.text, a.text


def test_a_list_the_plan_names_by_its_count_is_found_for_a_list_question_in_other_words(assistant):
    # "五个作用" is how the plan names the list; the question shares only its head word with it.
    a = assistant.answer("东丽要求卫生系统担起哪些作用？")
    assert "网底作用" in a.text and "保驾护航作用" in a.text, a.text
    assert all(c.chunk.doc_id == "dongli" for c in a.citations)
    # ... also when the question has a synonym of its head word ("本领" for the plan's "九项能力")
    b = assistant.answer("东丽区要重点练好医务人员哪些本领？")
    assert "公共卫生应急反应能力" in b.text and "社区护理能力" in b.text, b.text


def test_a_thing_described_in_the_writers_words_is_quoted_with_the_words_the_plan_does_not_write(assistant):
    # A description's words are the writer's own: one no plan writes does not make the thing unmentioned.
    a = assistant.answer("振安规划里有没有说，让大家坐在家里就能挂号、问诊、开药还把药送上门的那种医院？")
    assert not a.refused and "互联网医院" in a.text, (a.text, a.notes)
    # It is no "有。": the note names the words the quote lacks, for staff to judge.
    assert not a.text.startswith(MENTIONED) and any("没有写到" in n and "“家里”" in n for n in a.notes), a.notes
    # A thing's name, followed by an example of it, is still judged by its name.
    b = assistant.answer("振安规划里有没有提到宠物医院？比如带猫狗去打针、看病的那种地方")
    assert b.refused and any("未提及“宠物医院”" in n for n in b.notes), b.notes  # named without its example


def test_a_word_the_segmenter_joined_from_two_plan_words_does_not_make_a_topic_unmentioned(assistant):
    # "街道社区" is one token to the segmenter, and no plan writes it; 东丽's plan writes 街道 and 社区.
    a = assistant.answer("东丽区的规划提没提街道社区的卫生服务？")
    assert not a.refused and "街道" in a.text and "社区" in a.text and a.citations, (a.text, a.notes)
    # A word of which only one piece is written still is unmentioned.
    b = assistant.answer("东丽区的规划提没提社区宠物门诊？")
    assert b.refused, b.text


def test_a_topic_ending_in_a_deed_no_plan_writes_is_unmentioned(assistant):
    # The plan writes 医院 and 病床, never 拍卖: what is to be done decides.
    a = assistant.answer("埇桥那份规划说没说把医院的旧病床拍卖？")
    assert a.refused and any("“拍卖”" in n for n in a.notes), (a.text, a.notes)
    assert a.nearby  # the closest passages are still shown


def test_the_nth_point_of_a_list_an_answer_numbered_inline_is_the_plans_nth(assistant):
    # The answer numbered its points in one line ("有5项：1.…；2.…"); the plan's fourth point is a
    # passage of its own after the list's lead-in and first points.
    history = [{"role": "user", "content": "东丽的人才建设，五年后该有个什么水平，分几项？"},
               {"role": "assistant", "content": "有5项：1.每千人口执业医师数提高到2.8；2.卫生专业技术人员研究生以上学历的比例；"
                                                "3.45岁以下临床医疗等专业人员的学历；4.正高级专业技术人员占比；5.打造市级名医、区级名医。"}]
    a = assistant.answer("其中第四项具体定的数是多少？", history)
    assert "4%以上" in a.text and "12%以上" in a.text and a.citations, a.text


def test_a_question_opening_with_it_is_asked_of_the_plan_before_it(assistant):
    # Long enough to be a question of its own, but "它" is the thing just asked about in 埇桥's plan:
    # no other plan's passage is put beside it.
    history = [{"role": "user", "content": "埇桥区要不要建一个治未病方面的指导中心？"},
               {"role": "assistant", "content": "是的，支持区级公立中医医院建设中医治未病服务指导中心。"}]
    a = assistant.answer("它今后负责带着乡镇和村里哪几类机构开展中医药健康管理？", history)
    assert a.citations and {c.chunk.doc_id for c in a.citations} == {"yongqiao"}, a.text
    assert "村卫生室" in a.text, a.text


def test_a_mention_asking_a_figure_quotes_the_sentence_holding_it(assistant):
    # The passage names the training of young staff first and gives this year's number after it.
    a = assistant.answer("滨海新区补短板工作计划提没提过选送骨干去进修，今年打算培养多少人？")
    assert not a.refused and "40名" in a.text, (a.text, a.notes)


def test_a_topic_of_only_asking_words_is_judged_as_a_question_not_as_an_unmentioned_thing(assistant):
    # "一般" and "多长时间" name nothing a plan could leave out; 埇桥 sets the ambulance's response time.
    a = assistant.answer("宿州埇桥的规划说过没有，急救车一般多长时间可以到？")
    assert not a.refused and "15分钟" in a.text, (a.text, a.notes)


def test_a_purpose_after_the_topic_is_no_part_of_it(assistant):
    # "，好让…" says why; the thing asked about is a housing scheme, which 滨海's plan never writes.
    a = assistant.answer("请问滨海新区的计划提到过给社区里的医护人员盖宿舍楼或者廉租房，好让外地来的年轻人安心留下工作？")
    assert a.refused and any("宿舍" in n for n in a.notes), (a.text, a.notes)


def test_the_last_of_the_goals_listed_is_told_as_the_plan_writes_it(assistant):
    first = "天津市基层卫生健康十四五规划定了哪些发展目标？"
    turns = [{"role": "user", "content": first}, {"role": "assistant", "content": assistant.answer(first).text}]
    a = assistant.answer("最后那条怎么写的？", turns)
    assert "服务质量进一步提升" in a.text and "服务网络" not in a.text, a.text


def test_the_same_year_points_back_at_the_plan_just_asked_about(assistant):
    history = [{"role": "user", "content": "请问天津市管基层卫生的那个规划里，高血压病人管理得规范的，2025年要占多大比例？"},
               {"role": "assistant", "content": "到2025年，高血压患者规范管理率达到80%。[1]"}]
    a = assistant.answer("同一年糖尿病人这个比例呢？", history)
    assert not a.refused and {c.chunk.doc_id for c in a.citations} == {"tianjin-primary"}, a.text


def test_a_mention_in_words_no_plan_writes_is_answered_by_the_sentence_that_means_it(full_index):
    # "眼睛", "小孩子": no plan of 埇桥 writes them; one sentence stands far out in meaning as the thing asked.
    question = "埇桥规划里写没写把小孩子的眼睛近视管起来？"
    on = Assistant(Settings(data_dir=full_index, llm_mode="extractive"), chat=None)
    a = on.answer(question)
    assert not a.refused and "儿童青少年近视综合防控" in a.text and len(a.citations) == 1, (a.text, a.notes)
    assert not a.text.startswith(MENTIONED) and any("没有写到" in n and "“眼睛”" in n for n in a.notes), a.notes
    # Without the meaning check the writer's word declines it, as a topic no plan names still is.
    off = Assistant(Settings(data_dir=full_index, llm_mode="extractive"), chat=None,
                    params=replace(on.params, gate=replace(on.params.gate, meaning_standout=1000.0)))
    assert off.answer(question).refused
    assert on.answer("埇桥那份规划说没说把医院的旧病床拍卖？").refused
