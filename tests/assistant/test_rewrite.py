"""Follow-up questions become standalone ones, from the corpus's own plan names."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.referents import named_in_situation
from assistant.rewrite import rewrite
from question.lexicon import shipped
from vectorstore.manifest import load_manifest
from vectorstore.query import QueryAnalyzer

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def analyzer():
    return QueryAnalyzer(load_manifest(REPO / "docs_src").values())


def _hist(q: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": q}, {"role": "assistant", "content": "……[1]"}]


@pytest.mark.parametrize(
    ("first", "follow", "expect"),
    [
        ("东丽2025年人均期望寿命要达到多少岁？", "那滨海新区呢？", "滨海新区2025年人均期望寿命要达到多少岁？"),
        ("东丽区每千人口床位数到2025年打算提到多少？", "那2020年的呢？", "东丽区每千人口床位数到2020年打算提到多少？"),
        # A year in the place of the period's end the previous question named.
        ("振安区十三五末期注册护士一共有多少人？", "那2018年呢？", "振安区2018年注册护士一共有多少人？"),
        # A year said as a time ("…年的时候", "…年那会儿") is that year.
        ("东丽区每千常住人口注册护士数2025年定了多少？", "那2019年那会儿呢？", "东丽区每千常住人口注册护士数2019年定了多少？"),
        ("振安区每千人口医生数2025年的目标是多少？", "护士呢？", "振安区2025年护士的目标是多少？"),
        # An item word after the follow-up's own noun ("…这一项", "…那块") is that noun, not the last question's.
        ("振安区每千人口医生数2025年的目标是多少？", "护士这一项呢？", "振安区2025年护士的目标是多少？"),
        ("振安区每千人口医生数2025年的目标是多少？", "那护士那块呢？", "振安区2025年护士的目标是多少？"),
        ("振安2025年糖尿病患者基层规范管理率的目标是多少？", "那埇桥的目标定为多少？",
         "埇桥2025年糖尿病患者基层规范管理率的目标是多少？"),
        # A measure of the topic just asked about keeps the topic; a new topic only the plan.
        ("振安区规划里对家庭医生签约有什么安排？", "签约率要达到多少？", "振安区规划里对家庭医生签约率要达到多少"),
        ("振安区规划里对家庭医生签约有什么安排？", "护理院怎么建？", "振安区护理院怎么建"),
        # A comparison with another plan asks both; another plan alone replaces it.
        ("振安区婴儿死亡率目标是多少？", "比东丽高还是低？", "振安区和东丽婴儿死亡率目标是多少？"),
        ("振安区婴儿死亡率目标是多少？", "那东丽呢？", "东丽婴儿死亡率目标是多少？"),
        ("振安区婴儿死亡率目标是多少？", "东丽定得比它严还是宽？", "振安区和东丽婴儿死亡率目标是多少？"),
        # A verb opening continues the facility the last question opened with (after its plan's name).
        ("振安区医院分院什么时候建？", "建成后有多少床位？", "振安区医院分院建成后有多少床位"),
        ("振安区规划里新建项目有哪些？", "建成后有多少床位？", "振安区建成后有多少床位"),
        ("东丽区的社区卫生服务中心要建多少家？", "都建在哪些街道？", "东丽区社区卫生服务中心都建在哪些街道"),
        # Only who or when: asked of the previous subject.
        ("滨海新区中医医院一期工程哪年完工？", "谁负责？", "滨海新区中医医院一期工程谁负责"),
        # "这支队伍" points back like "这个": the previous question, then this one.
        ("振安区组建卫生应急队伍了吗？", "这支队伍一共几个人？", "振安区组建卫生应急队伍了吗，这支队伍一共几个人"),
        # An item by position of what the previous question quoted, asked in a question of its own.
        ("振安规划的“三个结合”分别是什么？", "第三个讲的什么？", "振安“三个结合”第三个讲的什么"),
        # Another part of the same kind put in the place of the one the question named.
        ("振安区西部的乡镇卫生院由哪家医院帮扶？", "那南边呢？", "振安区南部的乡镇卫生院由哪家医院帮扶？"),
        ("埇桥区要新建几家二级医院？", "三级医院呢？", "埇桥区要新建几家三级医院？"),
    ],
)
def test_follow_ups(analyzer, first, follow, expect):
    assert rewrite(follow, _hist(first), analyzer) == expect


def test_pronoun_keeps_the_previous_subject(analyzer):
    out = rewrite("这项工程的责任单位有哪些？", _hist("滨海新区中医医院一期工程计划几月份完成？"), analyzer)
    assert out.startswith("滨海新区中医医院一期工程") and "责任单位" in out


def test_no_history_or_standalone_question_is_unchanged(analyzer):
    assert rewrite("东丽区2025年人均期望寿命目标是多少？", [], analyzer) == "东丽区2025年人均期望寿命目标是多少？"
    q = "埇桥区每千常住人口床位数2025年目标是多少？"
    assert rewrite(q, _hist("东丽有几家社区卫生服务中心？"), analyzer) == q


def test_a_follow_up_naming_its_own_subject_puts_it_where_the_pronoun_was(analyzer):
    out = rewrite("那中医医院呢，它有什么新的服务？", _hist("东丽医院十三五期间改建后床位有多少张？"), analyzer)
    assert out == "东丽中医医院有什么新的服务？"
    # After another plan's name, the pronoun is still the previous question's subject.
    out = rewrite("那埇桥区呢，它的目标是多少？", _hist("振安区每千人口医生数2025年的目标是多少？"), analyzer)
    assert "每千人口医生数" in out


def test_what_keeps_its_last_character(analyzer):
    out = rewrite("第二项是什么？", _hist("滨海计划的重点任务有哪几项？"), analyzer)
    assert "是什么" in out and "哪几项" not in out


def test_this_hospital_is_the_one_the_last_answer_named(analyzer):
    history = [{"role": "user", "content": "振安的紧急医疗救治中心设在哪家医院？"},
               {"role": "assistant", "content": "振安区规划提出，依托丹东市第二人民医院建设紧急医疗救治中心。"}]
    assert rewrite("这家医院要扩建多少床位？", history, analyzer) == "振安丹东市第二人民医院要扩建多少床位？"
    # A branch or a campus the answer named is pointed at the same way ("这个分院", "那个院区").
    history = [{"role": "user", "content": "东丽那份规划要新建医院吗？"},
               {"role": "assistant", "content": "规划提出建设东丽中医医院分院。"}]
    assert rewrite("这个分院什么时候开诊？", history, analyzer).endswith("东丽中医医院分院什么时候开诊？")


def test_an_ask_pointing_at_a_facility_its_situation_named_names_it():
    situation = "我家就在附近，上个月陪老人去丹东市第二人民医院看病，感觉医院挺拥挤。"
    assert named_in_situation("规划里这家医院要扩建吗？", situation) == "规划里丹东市第二人民医院要扩建吗？"
    assert named_in_situation("规划里这家医院要扩建吗？", "") == "规划里这家医院要扩建吗？"
    assert named_in_situation("社区医院要扩建吗？", situation) == "社区医院要扩建吗？"


def test_how_long_it_takes_is_asked_of_the_previous_subject(analyzer):
    plans = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "docs_src").glob("*.txt"))
    got = rewrite("计划用多长时间完成？", _hist("东丽区社区医院建设有什么目标？"), analyzer, shipped().follow_up_words,
                  plan_uses=plans.__contains__)
    assert got == "东丽区社区医院建设计划用多长时间完成", got


def test_a_follow_up_of_follow_up_words_the_plans_also_write_keeps_the_topic(analyzer):
    # "实际" is written in the plans, but it asks more of the same thing: the indicator is kept.
    plans = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "docs_src").glob("*.txt"))
    got = rewrite("那前面那些年实际做到的是多少呢？", _hist("孕产妇死亡率埇桥2025年定的上限是多少？"), analyzer,
                  shipped().follow_up_words, alone_chars=8, plan_uses=plans.__contains__)
    assert "孕产妇死亡率" in got, got


def test_the_plans_end_said_without_a_year_is_asked_of_the_previous_indicator(analyzer):
    # "规划期末" is the time asked of, not a topic of its own; the year asked before is not carried.
    plans = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "docs_src").glob("*.txt"))
    got = rewrite("规划期末能到多少？", _hist("振安区2020年的注册护士数是多少？"), analyzer,
                  shipped().follow_up_words, alone_chars=8, plan_uses=plans.__contains__)
    assert "注册护士" in got and "2020" not in got and "规划期末" in got, got


def test_another_street_is_asked_the_previous_question(analyzer):
    from question.lexicon import shipped

    words = shipped().follow_up_words
    got = rewrite("那华明街那边呢？", _hist("东丽新立街有哪几个社区卫生服务站？"), analyzer, words)
    assert got == "东丽华明街有哪几个社区卫生服务站？"
    # Called by another of its names, the plan is still the one asked about.
    got = rewrite("东丽区那华明街呢？", _hist("东丽新立街有哪几个社区卫生服务站？"), analyzer, words)
    assert got == "东丽华明街有哪几个社区卫生服务站？"


@pytest.mark.parametrize(("first", "follow", "expect"), [
    ("东丽区对社区医院建设有什么打算？", "有没有给出具体数字？", "东丽区对社区医院建设有没有给出具体数字"),
    ("埇桥区孕产妇系统管理率的目标是多少？", "原来的基线是几？", "埇桥区孕产妇系统管理率原来的基线是几"),
    # Asked as of now, the target year is dropped.
    ("振安区2025年孕产妇死亡率目标是多少？", "现在是多少？", "振安区孕产妇死亡率现在是多少"),
    # So is it asked of the period before ("十三五末").
    ("振安区2025年孕产妇死亡率目标是多少？", "十三五末是多少？", "振安区孕产妇死亡率十三五末是多少"),
    # More of the same: the previous question, then this one.
    ("东丽区对社区医院建设有什么打算？", "还有别的吗？", "东丽区对社区医院建设有什么打算，别的"),
    # Another plan asked "how does it say": the previous question of that plan.
    ("东丽区对社区医院建设有什么打算？", "振安那边咋说？", "振安对社区医院建设有什么打算？"),
])
def test_a_follow_up_naming_no_subject_asks_about_the_previous_one(analyzer, first, follow, expect):
    from question.lexicon import shipped

    assert rewrite(follow, _hist(first), analyzer, shipped().follow_up_words) == expect
    # A follow-up with a word of its own names a new topic, on the same plan.
    assert rewrite("村卫生室怎么建？", _hist(first), analyzer, shipped().follow_up_words).endswith("村卫生室怎么建")


def test_asking_for_the_rest_of_a_list_is_not_asking_how_many(analyzer):
    from question.lexicon import shipped

    words = shipped()
    # "剩下的几项呢？" wants the remaining items of what was asked, not a count of them.
    got = rewrite("剩下的几项呢？", _hist("甲区规划里的“三项行动”有哪些？"), analyzer, words.follow_up_words,
                  more_cues=words.more_cues)
    assert got == "甲区规划里的“三项行动”有哪些，剩下的"


def test_asking_for_the_others_of_a_kind_is_the_previous_question_not_a_new_indicator(analyzer):
    from question.lexicon import shipped

    words = shipped()
    # "别的片区" names no indicator of its own ("护士呢？" would): the previous question, for the others.
    got = rewrite("别的片区呢？", _hist("甲区北边那一片的卫生院归哪家医院带？"), analyzer, words.follow_up_words,
                  more_cues=words.more_cues)
    assert got == "甲区北边那一片的卫生院归哪家医院带，别的片区"


def test_another_plans_figure_asked_with_a_comparison_is_the_same_question_for_both(analyzer):
    out = rewrite("滨海的是多少，和埇桥一样吗？", _hist("埇桥2025年每千常住人口注册护士数定的是多少？"), analyzer,
                  ("目标", "具体"))
    assert out == "滨海和埇桥2025年每千常住人口注册护士数定的是多少？"


def test_another_plan_then_a_question_of_its_own_asks_it_of_that_plan(analyzer):
    # "那X呢？" first puts X in the previous question's place; what follows asks more about it,
    # of X alone (not of both plans, which a comparison would).
    out = rewrite("那埇桥呢？这一项属于约束性指标吗？", _hist("振安区孕产妇系统管理率2025年要达到多少？"), analyzer)
    assert out.startswith("埇桥孕产妇系统管理率2025年要达到多少") and out.endswith("这一项属于约束性指标吗？")
    assert "振安" not in out


def test_this_matter_points_back_at_the_previous_question(analyzer):
    out = rewrite("这件事情该找哪个单位？", _hist("滨海新区中医医院一期工程计划几月份完成？"), analyzer)
    assert out.startswith("滨海新区中医医院一期工程计划几月份完成") and out.endswith("这件事情该找哪个单位")


def test_another_plan_with_this_indicator_is_the_same_question_for_it(analyzer):
    out = rewrite("那埇桥的这项指标呢？", _hist("振安区孕产妇系统管理率2025年要达到多少？"), analyzer,
                  shipped().follow_up_words)
    assert out == "埇桥孕产妇系统管理率2025年要达到多少？"
    out = rewrite("东丽这个数定的是多少？", _hist("振安区每千常住人口注册护士数2025年要达到多少？"), analyzer,
                  shipped().follow_up_words)
    assert out == "东丽每千常住人口注册护士数2025年要达到多少？"


def test_the_corresponding_indicator_of_another_plan_is_the_same_question_for_it(analyzer):
    out = rewrite("滨海新区对应的数定的多少？", _hist("东丽区孕产妇死亡率规划压到什么数？"), analyzer,
                  shipped().follow_up_words)
    assert out == "滨海新区孕产妇死亡率规划压到什么数？"


def test_an_ordinal_follow_up_counts_in_the_name_the_previous_question_quoted(analyzer):
    out = rewrite("第三个呢？", _hist("振安规划提出的“四个坚持”里第一个是什么？"), analyzer)
    assert out == "振安“四个坚持”第三个是什么？"


def test_these_two_point_back_at_what_the_previous_question_asked_about(analyzer):
    out = rewrite("这两家医院由谁牵头建设？", _hist("振安区今年要改造哪两家乡镇卫生院？"), analyzer)
    assert out.startswith("振安区今年要改造哪两家乡镇卫生院") and out.endswith("这两家医院由谁牵头建设")


@pytest.mark.parametrize(("first", "follow", "expect"), [
    # Another facility in the previous question's place: the same question of it, in its plan.
    ("滨海新区中医医院今年要完成什么工程？", "那第五中心医院呢？", "滨海新区第五中心医院今年要完成什么工程？"),
    ("东丽医院“十四五”要新增多少床位？", "那军粮城医院呢？", "东丽军粮城医院“十四五”要新增多少床位？"),
])
def test_another_facility_in_place_of_the_one_the_question_opened_with(analyzer, first, follow, expect):
    assert rewrite(follow, _hist(first), analyzer) == expect


def test_a_facility_named_after_a_question_about_no_facility_is_not_swapped_in(analyzer):
    # The previous question opened with a plan, not a facility: "卫生院呢" asks about another subject.
    assert "卫生院" in rewrite("那卫生院呢？", _hist("东丽区规划对医院有什么要求？"), analyzer)
    assert "医院有什么要求" not in rewrite("那卫生院呢？", _hist("东丽区规划对医院有什么要求？"), analyzer)


def test_it_is_the_facility_the_previous_question_opened_with(analyzer):
    out = rewrite("那它的中医科要怎么发展？", _hist("滨海新区中医医院今年要完成什么工程？"), analyzer)
    assert out == "滨海新区中医医院的中医科要怎么发展？"
    # After a question about no facility, 它 is still the previous question's subject.
    out = rewrite("它由哪个部门牵头？", _hist("东丽区家庭医生签约率要达到多少？"), analyzer)
    assert out.startswith("东丽区家庭医生签约率要达到多少") and out.endswith("它由哪个部门牵头")


@pytest.mark.parametrize(
    ("question", "alone"),
    [
        ("那埇桥呢？", False),
        ("换成振安区呢，托位有啥目标？", False),
        ("这家医院什么时候能建好？", False),
        ("第二个具体要做什么？", False),
        ("还有别的吗？", False),
        ("护士呢？", False),
        # Whole questions: their own topic, maybe pointing at a noun of their own.
        ("振安区2025年孕产妇系统管理率目标是多少？", True),
        ("东丽这个规划里乡村医生的待遇怎么保障？", True),
        ("我爸腿脚不好，住在埇桥乡下，去镇上拿药要走很远。村里看病这事规划里怎么说？", True),
        ("滨海计划讲了“三个优化”，这三个优化分别指什么？", True),
    ],
)
def test_a_question_naming_enough_of_its_own_stands_alone_in_a_conversation(analyzer, question, alone):
    from assistant.rewrite import stands_alone

    assert stands_alone(question, analyzer, shipped().follow_up_words, 8) is alone


def test_a_whole_question_is_not_rewritten_with_an_unrelated_previous_one(analyzer):
    q = "综合医院里开设老年医学科的要占到几成？"
    words = shipped().follow_up_words
    assert rewrite(q, _hist("东丽医院扩建以后病床能有多少张？"), analyzer, words, alone_chars=8) == q
    # A follow-up is still read with the question it follows.
    assert rewrite("那振安呢？", _hist("东丽医院扩建以后病床能有多少张？"), analyzer, words, alone_chars=8) \
        == "振安医院扩建以后病床能有多少张？"


def test_a_pointing_follow_up_naming_another_plan_asks_it_of_that_plan(analyzer):
    out = rewrite("东丽有这个规定吗？", _hist("滨海新区对新建社区卫生服务中心的面积有什么规定？"), analyzer)
    assert "东丽" in out and "滨海" not in out and "面积" in out, out


def test_asking_for_more_then_naming_it_asks_the_named_thing(analyzer):
    # "还有别的吗？" opens the message; the clause after it says what more is wanted.
    out = rewrite("还有别的吗？站点的呢？", _hist("东丽区社区卫生服务中心要新建几个？"), analyzer)
    assert "站点" in out and "别的" not in out, out


def test_another_year_asked_in_follow_up_words_keeps_the_question(analyzer):
    """"2020年的实际数据呢？" after a 2025 target: the same indicator, in 2020."""
    from question.lexicon import shipped

    got = rewrite("2020年的实际数据呢？", _hist("振安区每千人口床位数2025年的目标定的多少？"), analyzer,
                  shipped().follow_up_words)
    assert got == "振安区每千人口床位数2020年的目标定的多少？"


def test_a_follow_up_asking_with_sha_names_no_indicator_of_its_own(analyzer):
    """"啥" asks as "什么" does: the follow-up is read with the previous subject, not as '…是多少'."""
    got = rewrite("建完能派啥用场？", _hist("东丽区的急救站点能建起来吗？"), analyzer)
    assert "是多少" not in got and got.startswith("东丽区急救站")


def test_another_plan_asked_in_this_respect_is_the_previous_question_of_it(analyzer):
    words = shipped().follow_up_words
    first = "东丽区在控烟方面提了什么要求？"
    assert rewrite("那埇桥区在这方面定的是多少？", _hist(first), analyzer, words) == "埇桥区在控烟方面提了什么要求？"
    # a plan called by its city and its district at once ("丹东振安区") is one name
    assert rewrite("那丹东振安区这方面定的是多少？", _hist(first), analyzer, words) == "丹东振安区在控烟方面提了什么要求？"


def test_the_rest_of_a_list_is_asked_without_the_item_asked_for_by_position(analyzer):
    lex = shipped()
    first = "振安专栏2里有哪些建设内容？先讲第一项"
    assert rewrite("剩下那几项都是什么？", _hist(first), analyzer, lex.follow_up_words, 0, None, lex.more_cues) == \
        "振安专栏2里有哪些建设内容，剩下那几项都是什么"


def test_a_part_put_in_the_place_of_a_written_names_part_asks_of_that_name(analyzer):
    # Some plan writes both names with one ending: the follow-up's part takes the other's place.
    plans = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "docs_src").glob("*.txt"))
    words = shipped().follow_up_words
    got = rewrite("那5岁以下儿童的呢？", _hist("东丽区在婴儿死亡率上，二〇二五年的上限是多少呢？"), analyzer, words,
                  alone_chars=8, plan_uses=plans.__contains__)
    assert got == "东丽区在5岁以下儿童死亡率上，二〇二五年的上限是多少呢？", got
