"""What a follow-up inherits from the conversation: the plan, the topic, what it asks itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answerable import term_match
from question.demands import demands


@pytest.fixture(scope="module")
def assistant(full_index: Path):
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    return Assistant(Settings(data_dir=full_index, llm_mode="extractive"))


def _turns(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    out = []
    for q, a in pairs:
        out += [{"role": "user", "content": q}, {"role": "assistant", "content": a}]
    return out


def test_a_question_naming_no_plan_is_of_the_plan_its_answer_quoted(assistant):
    turns = _turns(("中医医院一期工程几月份完工？", "滨海新区的计划是年内完成一期工程。"))
    qa = assistant.analyze("由哪些单位负责？", turns)
    assert qa.plans == ("binhai",), qa.standalone


def test_the_plan_of_an_earlier_exchange_carries_over_a_turn_naming_none(assistant):
    # The middle question is whole on its own and names no plan; the conversation is still 振安's.
    turns = _turns(("振安区老年人的健康服务怎么安排？", "……"), ("社区卫生服务中心能不能开展康复治疗服务？", "……"))
    qa = assistant.analyze("护理服务呢？", turns)
    assert qa.plans == ("zhenan",), qa.standalone


def test_a_city_named_in_an_answer_is_no_plan_of_the_conversation(assistant):
    turns = _turns(("区里有哪些学科要提升？", "力争2个学科达到天津市先进水平。"))
    assert assistant.analyze("都有哪些学科？", turns).plans == ()


def test_a_follow_up_naming_nothing_of_its_own_keeps_the_previous_topic(assistant):
    turns = _turns(("振安区财政对卫生的投入这几年增加了多少？", "……"))
    qa = assistant.analyze("平均每年增长多少？", turns)
    assert "财政" in qa.standalone and qa.plans == ("zhenan",), qa.standalone
    # Asked as of now, the target year the previous question named is not asked.
    now = assistant.analyze("这个目前多少？", _turns(("东丽区健康素养水平2025年目标是多少？", "……")))
    assert "健康素养" in now.standalone and "2025" not in now.standalone, now.standalone


def test_what_a_follow_up_asks_is_its_own_question_word(assistant):
    turns = _turns(("埇桥由哪家医院牵头建设胸痛中心？", "由埇桥区人民医院牵头。"))
    qa = assistant.analyze("它还要建什么平台？", turns)
    # 它 is the hospital the answer named.
    assert qa.info.asks != "responsibility" and "埇桥区人民医院" in qa.standalone, (qa.info, qa.standalone)


def test_an_indicator_named_after_a_pointing_word_and_by_a_shortened_name():
    (rate,) = demands("那边孕产妇系统管理率定的多少？")
    assert rate.term == "孕产妇系统管理率"
    assert term_match("妇幼机构达标率", "妇幼保健机构标准化建设达标率95%以上", ()) == 1.0
    assert term_match("新生儿死亡率", "5岁以下儿童死亡率", ()) < 0.7


def test_which_members_of_a_count_the_plan_never_names_is_declined_with_the_count(assistant):
    from assistant.quote import only_counted

    qa = assistant.analyze("区里打算新建的是哪几家卫生院？")
    assert only_counted(qa, "新建3家乡镇卫生院。[1]") == "3家"
    assert only_counted(qa, "新建甲镇、乙镇、丙镇3家乡镇卫生院。[1]") == ""  # named: the answer
    a = assistant.answer("振安要建强的36个村卫生室分别是哪几个村的？")
    assert a.refused and "规划只写了数量（36个）" in " ".join(a.notes), (a.text, a.notes)
    assert "36个村卫生室" in a.nearby[0].chunk.text  # the counting sentence is shown to judge by
    # A list the plan does name is given.
    named = assistant.answer("东丽的“九项能力”是哪几项？")
    assert not named.refused and "（9）" in named.text


def test_a_money_cue_opening_with_a_plan_word_keeps_that_word_as_the_topic(assistant):
    # "投入多少" asks how much money, yet 投入 is what the plan's sentence is about.
    a = assistant.answer("东丽十四五卫生投入多少钱？")
    assert not a.refused and "约30亿元" in a.text, a.text


def test_a_pronoun_follow_up_asks_about_the_item_the_previous_answer_gave(assistant):
    turns = _turns(("滨海今年社区卫生服务中心建设有哪些安排？",
                    "积极新建杭州道街、新城镇社区卫生服务中心，力争年底以前具备开工条件。"))
    a = assistant.answer("这件事由谁负责？", turns)
    assert "区住房建设委" in a.text and "新城镇社区卫生服务中心" in a.text, a.text



def test_asked_when_the_sentence_just_given_without_a_time_is_not_given_again(assistant):
    # The sentence the previous answer gave holds no time; the one of its passage that does answers.
    told = "深入开展控烟宣传教育，加大控烟力度，开展控烟戒烟履约服务，推进公共场所控烟立法，实现公共场所全面禁烟。"
    turns = _turns(("埇桥规划在控烟上打算怎么做？", told))
    a = assistant.answer("这些事要做到哪一年？", turns)
    assert "到2025年" in a.text and "全面禁烟" not in a.text, a.text

def test_lexicon_cues_for_a_dedicated_passage_and_people_counted_with_ge():
    from question.lexicon import shipped
    from question.scope import mention_topic

    lex = shipped()
    assert mention_topic("滨海规划里有专门讲宠物医院吗？", lex.mention_cues) == "宠物医院"
    (count,) = demands("区里打算培养几个骨干医生？", lexicon=lex)
    assert count.evidence.search("培养骨干医生20名")


def test_a_clause_opening_with_na_after_the_situation_goes_on_from_before(assistant):
    from assistant.rewrite import stands_alone

    analyzer = assistant.live().corpus.analyzer
    assert not stands_alone("我住在镇上，那镇卫生院能不能做手术？", analyzer, (), 8)
    assert stands_alone("我住在镇上，那些镇卫生院都能做手术吗？", analyzer, (), 8)


def test_which_ones_prefers_the_sentence_naming_three_or_more_of_them(assistant):
    from question.demands import member_heads

    assert member_heads("东丽医院完成了哪些中心的建设？") == ("中心", "中")
    assert member_heads("分别有哪几个方面？") == ()
    a = assistant.answer("东丽医院已经有了哪几个中心？")
    first = a.text.splitlines()[0]
    assert "危重孕产妇中心、胸痛中心、卒中中心" in first, a.text


def test_it_after_a_which_facility_question_is_the_facility_the_answer_named(assistant):
    turns = _turns(("埇桥要创建成三甲的是哪家医院？", "宿州市第一人民医院。"))
    qa = assistant.analyze("依托它还要加快建设什么？", turns)
    assert "宿州市第一人民医院" in qa.standalone and qa.plans == ("yongqiao",), qa.standalone
    # Asked what else, the sentence the answer gave is not the answer again.
    assert "市级区域专科医疗中心" in assistant.answer("依托它还要加快建设什么？", turns).text


def test_it_after_a_verb_points_back_too(assistant):
    turns = _turns(("振安规划说要新建的是哪家医院？", "丹东市振安区医院分院。"))
    qa = assistant.analyze("建成它为的是提升什么？", turns)
    assert "丹东市振安区医院" in qa.standalone and qa.plans == ("zhenan",), qa.standalone
    assert "院感救治能力" in assistant.answer("建成它为的是提升什么？", turns).text


def test_a_town_of_a_district_names_its_plan_over_the_citys(assistant):
    # "天津" names the city-wide plan; 杭州道街 is written only by the 滨海新区 plan, a district of 天津.
    qa = assistant.analyze("我住天津杭州道街，这一片规划的新卫生中心，哪年能动工？")
    assert qa.plans == ("binhai",), qa.standalone


def test_they_after_a_which_two_question_are_the_two_the_answer_named(assistant):
    turns = _turns(("补短板计划说互联网医院由哪两家医院来建？", "第五中心医院和泰达医院。"))
    qa = assistant.analyze("它俩在住院服务上还要达到什么标准？", turns)
    assert "第五中心医院和泰达医院" in qa.standalone and qa.plans == ("binhai",), qa.standalone


def test_a_hospital_named_by_its_own_name_names_the_plan_writing_it_over_the_citys(assistant):
    # "天津" names the city-wide plan; 塘沽传染病医院 (塘沽 is a place) is written only by the 滨海新区 plan.
    qa = assistant.analyze("我爸去年在天津塘沽传染病医院住过院，床位紧。这家医院以后有啥建设安排？")
    assert qa.plans == ("binhai",), qa.standalone
    # A kind of hospital a plan happens to name ("胸科医院") is no hospital of one district.
    qa = assistant.analyze("我在天津胸科医院做过支架。基层这块对心脏病人有啥安排？")
    assert qa.plans == ("tianjin-primary",), qa.standalone


def test_and_what_else_after_a_list_asked_in_part_gives_the_rest_of_it(assistant):
    turns = _turns(("天津市基层卫生健康规划里有哪些重点项目？先挑两个说说。", "（一）社区医院建设；（二）标准化全科门诊服务流程建设。"))
    answer = assistant.answer("还有呢？", turns)
    assert not answer.refused
    assert "示范性社区培训基地建设" in answer.text and "搭建人才培养信息化管理平台" in answer.text, answer.text
    assert "慢性病医防融合" in answer.text and "社区医院建设" not in answer.text, answer.text  # the rest only
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))


def test_a_figure_of_a_year_the_plan_never_writes_is_declined_by_that_year(assistant):
    answer = assistant.answer("2023年东丽区得建成几家社区卫生服务中心？")
    assert answer.refused and "2023年" in " ".join(answer.notes), (answer.text, answer.notes)
    assert answer.nearby, "the closest passages are shown to judge by"
    # The period's whole target answers a question of the period.
    assert not assistant.answer("十四五时期东丽区得建成几家社区卫生服务中心？").refused
    # A follow-up asking another year: the year the message writes is the one looked for.
    turns = _turns(("东丽区要培养多少名区级名医？", "……"))
    answer = assistant.answer("2022年要培养多少？", turns)
    assert answer.refused and "2022年" in " ".join(answer.notes), (answer.text, answer.notes)
    # An indicator row says itself which years it has.
    answer = assistant.answer("2022年振安区居民健康素养水平定在多少？")
    assert answer.refused and "只列有2025年目标" in answer.text, answer.text


def test_a_figure_question_whose_best_sentences_carry_no_such_figure_is_declined(assistant):
    from assistant.quote import asks_figure, lacking_figure

    qa = assistant.analyze("东丽区给妇幼保健中心盖新楼要花多少？")
    assert asks_figure(qa)
    # The building's sentence is what the question is about, but it states no amount: quoting it
    # would answer another question.
    assert lacking_figure(qa, "推进妇幼保健中心新楼建设，完善服务功能。[1]") == "金额"
    assert lacking_figure(qa, "妇幼保健中心新楼建设投入约2亿元。[1]") == ""
    # "剩下的几个呢？" after a list asks for the rest of it, not for a count.
    turns = _turns(("东丽“九项能力”包括哪些？", "（1）提升公共卫生应急反应能力；（2）提升重大传染病监测预警能力；"))
    assert not asks_figure(assistant.analyze("剩下的几个呢？", turns))


def test_a_follow_up_asking_what_was_achieved_is_not_the_target_asked_before(assistant):
    # The year and the target the question before asked for are carried over; the follow-up's own
    # words ask what was achieved, which the plan's review states (its table gives only the target).
    turns = _turns(("振安孕产妇系统管理这一项，2025年该到啥水平？", "振安区规划：孕产妇系统管理率：2025年目标 ≥90%，预期性[1]"))
    qa = assistant.analyze("那前几年已经做到多少了？", turns)
    assert qa.info.tense == "past" and qa.info.years == (), (qa.standalone, qa.info)
    a = assistant.answer("那前几年已经做到多少了？", turns)
    assert "90.03%" in a.text and "2025年目标" not in a.text, a.text
