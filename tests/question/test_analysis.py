"""A question's intent, from the analysis of its words."""

from __future__ import annotations

from pathlib import Path

import pytest

from question.analysis import Intent, intent_of
from vectorstore.query import QueryInfo


@pytest.mark.parametrize(("plans", "indicator", "asks", "topic", "want"), [
    (("a",), True, "", "", Intent.FIGURE),
    ((), True, "", "", Intent.COMPARE),
    (("a", "b"), True, "", "", Intent.COMPARE),
    (("a",), False, "list", "", Intent.LIST),
    (("a",), True, "responsibility", "", Intent.RESPONSIBILITY),
    (("a",), False, "time", "", Intent.TIME),
    (("a",), True, "list", "献血屋", Intent.MENTION),
    (("a",), False, "", "", Intent.OPEN),
])
def test_intent(plans: tuple[str, ...], indicator: bool, asks: str, topic: str, want: Intent) -> None:
    assert intent_of(QueryInfo("问题", plans, (), indicator, (), asks), topic) is want


def test_details_no_plan_gives_are_demands_of_their_own() -> None:
    from question.demands import demands

    kinds = [d.kind for d in demands("区妇幼保健院的挂号电话是多少？")]
    assert kinds == ["phone"]
    assert [d.kind for d in demands("社区卫生服务中心几点开门？坐几路公交能到？")] == ["address", "hours"]
    assert demands("这一部分分了哪几点？") == []
    weekend = demands("社区医院周末也开门吗？")
    assert [d.kind for d in weekend] == ["weekdays"]
    assert weekend[0].evidence.search("周末及节假日照常接诊") and not weekend[0].evidence.search("全面开展家庭医生签约")
    ok = demands("急救电话是多少？")[0].evidence
    assert ok.search("急救电话：022-12345678") and not ok.search("拨打急救电话")


def test_how_long_until_help_arrives_asks_minutes_and_a_share_asks_a_rate() -> None:
    from question.demands import demands

    assert [d.kind for d in demands("半夜打电话叫急救车，多久能赶到？")] == ["minutes"]
    assert [d.kind for d in demands("护士里本科毕业的占比有要求吗？")] == ["rate"]
    assert demands("护士里本科毕业的占比有要求吗？")[0].evidence.search("本科学历提高到90%以上")
    assert demands("提高护士比例有哪些办法？") == []  # a share named, no figure asked
    # Money of which a share is asked ("…的钱占…多少") asks the share: a rate, not an amount in 元.
    (share,) = demands("住院时自己出的钱占全部费用多少？")
    assert share.kind == "rate" and share.evidence.search("比例控制在28%左右"), share


def test_how_far_asks_a_distance_and_a_word_after_a_mention_cue_is_no_topic() -> None:
    from question.demands import demands
    from question.lexicon import shipped
    from question.scope import mention_topic

    (far,) = demands("离家最近的卫生站有多远？")
    assert far.kind == "distance" and far.evidence.search("步行15分钟、800米范围内")
    assert not far.evidence.search("建设15分钟健康服务圈")
    cues = shipped().mention_cues
    assert mention_topic("规划里对卫生站离家多远有没有说法？", cues) == ""  # 说法: a stipulation
    assert mention_topic("规划里有没有说宠物医院？", cues) == "宠物医院"


def test_from_what_age_asks_an_age_and_is_no_indicator_name() -> None:
    from question.demands import demands

    (age,) = demands("多大岁数的老人每年能免费体检一次？")
    assert age.kind == "age" and not age.term and age.evidence.search("65岁及以上老年人")
    assert [d.kind for d in demands("市民平均能活到多少岁？")] != ["age"]  # life expectancy, an indicator


def test_how_many_of_a_facility_stays_a_figure_asked_with_a_list(full_index: Path) -> None:
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    a = Assistant(Settings(data_dir=full_index, llm_mode="extractive"))
    live = a.live()
    built = a.analyze("振安要新建几个村卫生室？都在哪些村？", [], live)
    assert built.intent is Intent.LIST and [d.counted for d in built.demands] == ["村卫生室"]
    # How many items a plan lists is answered by listing them.
    items = a.analyze("振安规划提出了几个主要目标？都是哪些？", [], live)
    assert items.intent is Intent.LIST and not items.demands and not items.amount_asked
    # …and it is no figure asked: the answer lists them.
    ans = a.answer("滨海这份计划列了几个短板？分别是哪些？")
    assert not ans.refused and ans.text.count("[") >= 5 and "基层医疗卫生服务能力不足" in ans.text, ans.text


def test_a_plan_the_situation_names_by_any_alias_scopes_the_ask(full_index: Path) -> None:
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    a = Assistant(Settings(data_dir=full_index, llm_mode="extractive"))
    live = a.live()
    # An area the manifest lists among a plan's aliases, told as where the writer works.
    qa = a.analyze("我在东疆保税港区的码头上班，经常加夜班。规划里床位目标定的是多少？", [], live)
    assert qa.plans == ("binhai",), qa.plans
    # A plan the ask names itself still wins over the one the situation names.
    other = a.analyze("我在东疆保税港区的码头上班，经常加夜班。东丽规划里床位目标定的是多少？", [], live)
    assert other.plans == ("dongli",), other.plans
    # An alias holding a shorter name (the city inside the area's name) scopes the ask by the whole alias.
    inside = a.analyze("我单位地处中新天津生态城内，平时管社区那摊事。规划里床位数目标是怎么定的？", [], live)
    assert inside.plans == ("binhai",), inside.plans


def test_a_mention_asked_of_no_thing_is_about_the_sentence_before_it(full_index: Path) -> None:
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    a = Assistant(Settings(data_dir=full_index, llm_mode="extractive"))
    live = a.live()
    # "…以后能让更多人享受到" names only whom: what is asked about is the screening the writer told of.
    qa = a.analyze("我老伴在埇桥乡下住，前年在镇上免费做过乳腺癌检查。规划里提没提过今后让更多人也能做？", [], live)
    assert "乳腺癌" in qa.standalone and qa.topic == "", (qa.standalone, qa.topic)
    # A topic naming a thing keeps its own sentence; the situation stays apart.
    own = a.analyze("我老伴在埇桥乡下住，前年在镇上免费做过乳腺癌检查。规划里有没有提到宫颈癌筛查？", [], live)
    assert "乳腺癌" not in own.standalone and "宫颈癌" in own.topic, (own.standalone, own.topic)
