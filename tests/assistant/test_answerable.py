"""Demand checks on real plan sentences: a question asking for a figure is answered only by a
sentence carrying a figure of that kind, of that indicator, for that year."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.answerable import judge, meets, term_match, unknown_places
from question.demands import DemandKind, demands
from question.lexicon import SHIPPED, Lexicon, LexiconError, shipped

ZHENAN_BEDS = "“十四五”时期卫生健康发展主要指标｜医疗卫生服务体系｜每千常住人口床位数｜2025年目标：9张左右｜指标性质：预期性"
ZHENAN_MATERNAL = "“十四五”时期卫生健康发展主要指标｜健康水平和健康保障｜孕产妇死亡率｜2025年目标：≤10.5/10万｜指标性质：预期性"
ZHENAN_BRANCH = "推进丹东市振安区医院分院新建项目。"
YQ_INFANT = "“十四五”时期卫生健康事业发展主要指标｜健康水平｜婴儿死亡率（‰）｜2020年：1.62｜2025年：＜5.2｜属性：预期性"
YQ_WORKPLACE = ("“十四五”时期卫生健康事业发展主要指标｜健康服务｜工作场所职业病危害因素监测合格率（%）｜2020年：25｜"
                "2025年：85｜属性：预期性")
YQ_DOCTORS = "“十四五”时期卫生健康事业发展主要指标｜资源配置｜每千常住人口执业（助理）医师数（人）｜2020年：2.05｜2025年：2.6｜属性：约束性"
DONGLI_BUDGET = "（一）东丽区卫生健康委“十四五”期间计划投入财政预算约30亿元，改善就医环境，提升医疗服务质量。"
BINHAI_BUILDING = "推进基础设施建设，6月底以前新门急诊楼工程完成竣工验收，加快推进新扩建及改造工程。"
DONGLI_120 = "新建成9个120院前急救站点，在公共场所安置了自动体外除颤仪40台，提升东丽区120出车效率。"


def _everything(_: str) -> float:
    return 1.0


@pytest.mark.parametrize(("question", "kinds"), [
    ("振安区医院分院建好以后有多少张床位，总投资多少？", {"beds", "money"}),
    ("剖宫产率的上限定在多少？", {"rate"}),
    ("东丽区120急救车平均多少分钟能赶到？", {"minutes"}),
    ("埇桥的三级医院，病人平均住几天院？", {"days"}),
    ("东丽准备挂牌几家社区医院？", {"count"}),
    ("埇桥规划每千人口医生数2025年定的多少？", {"figure"}),
    ("东丽有哪几个街道评上了国家卫生街道？", set()),  # a list, not an amount
    ("滨海新区第五中心医院新门急诊楼什么时候竣工？", {"when"}),  # a date or deadline
    ("婚前医学检查证明到哪里办？需要带什么证件？", {"procedure"}),  # an office's procedure
    ("每个村卫生室一年能拿到多少运行经费？", {"money"}),
    ("振安新生儿死亡率定的目标？", {"rate"}),
    ("滨海和埇桥的护士，谁的工资更高？", {"money"}),  # a salary is an amount of money
    ("乡村医生的待遇怎么提高？", set()),
])
def test_what_a_question_asks_for(question, kinds):
    assert {d.kind for d in demands(question, ["埇桥", "振安", "东丽"])} == kinds


def test_plan_names_are_not_part_of_the_indicator():
    (d,) = demands("埇桥产妇死亡率到2025年须控制在多少？", ["埇桥"])
    assert d.term == "产妇死亡率"


@pytest.mark.parametrize(("term", "text", "same"), [
    ("每千人口执业医师数", YQ_DOCTORS, True),  # qualifiers and 常住 do not count
    ("每千人口医生数", YQ_DOCTORS, True),  # the plans' synonym
    ("企业职业病危害监测合格率", YQ_WORKPLACE, True),
    ("新生儿死亡率", YQ_INFANT, False),  # a different indicator sharing 死亡率
    ("每千人口药师数", YQ_DOCTORS, False),
])
def test_indicator_names_match_loosely_but_not_across_indicators(term, text, same):
    assert (term_match(term, text, shipped().synonyms) >= 0.7) is same


def test_an_indicator_written_with_a_synonym_staff_added_matches() -> None:
    lex = shipped()
    assert term_match("每千人口郎中数", YQ_DOCTORS, lex.synonyms) < 0.7
    assert term_match("每千人口郎中数", YQ_DOCTORS, (*lex.synonyms, ("医师", "郎中"))) >= 0.7


@pytest.mark.parametrize(("question", "sentences", "answerable"), [
    # The plan names the project, not its money or beds.
    ("振安区医院分院建好以后有多少张床位，总投资多少？", [(ZHENAN_BRANCH, False)], False),
    ("滨海新区第五中心医院的新门急诊楼要花多少钱？", [(BINHAI_BUILDING, False)], False),
    ("东丽区120急救车平均多少分钟能赶到？", [(DONGLI_120, False)], False),
    # A fee asked ("交多少…费") is money: a plan naming the service without its price does not answer.
    ("振安区医院分院看门诊要交多少挂号费？", [(ZHENAN_BRANCH, False)], False),
    # Another indicator sharing words is not an answer.
    ("新生儿死亡率要降到多少？", [(YQ_INFANT, True)], False),
    # The row has no column for the year asked.
    ("2020年振安区的孕产妇死亡率有多少？", [(ZHENAN_MATERNAL, True)], False),
    # Units in a table header count; budgets in 亿元 count.
    ("埇桥企业职业病危害监测合格率2020年为多少？", [(YQ_WORKPLACE, True)], True),
    ("东丽区卫健委在十四五期间预计投入多少钱？", [(DONGLI_BUDGET, False)], True),
    ("振安区2025年孕产妇死亡率目标是多少？", [(ZHENAN_MATERNAL, True)], True),
    ("振安到2025年每千人口床位数要达到多少？", [(ZHENAN_BEDS, True)], True),
])
def test_judge_on_real_plan_sentences(question, sentences, answerable):
    years = [y for y in ("2020", "2025") if y in question]
    v = judge(demands(question, ["振安", "埇桥", "东丽", "滨海新区"]), sentences, years, _everything,
              synonyms=shipped().synonyms)
    assert v.answerable is answerable, v
    if not answerable:
        assert v.reason  # says what is missing, for the refusal's note


def test_a_figure_about_something_else_does_not_answer():
    # The beds row has 张 but is about the district's beds per 1000 people, not the new branch.
    def covers(s: str) -> float:
        return 0.9 if "分院" in s else 0.2

    v = judge(demands("振安区医院分院建好以后有多少张床位？"), [(ZHENAN_BRANCH, False), (ZHENAN_BEDS, True)], [],
              covers, synonyms=shipped().synonyms)
    assert not v.answerable


def _share_of(words: tuple[str, ...]):
    """A stand-in for the gate's coverage: the share of the question's words a text holds."""
    return lambda s: sum(w in s for w in words) / len(words)


def _judged(question: str, sentences: list[str], covers, **kw):
    return judge(demands(question), [(x, False) for x in sentences], [], covers, synonyms=shipped().synonyms, **kw)


def test_a_figure_given_in_the_sentence_after_its_topic_answers():
    # The plan names who is trained in one sentence and how many in the next.
    topic = "有计划、有重点地选送中青年业务骨干到市直属医院、国内知名医疗机构或高等院校研修深造。"
    figure = "2021年，力争招聘引进300名各类专业技术人员，培养40名具有发展潜力的中青年业务骨干。"
    covers = _share_of(("选送", "骨干", "研修", "深造", "中青年"))
    question = "医院的中青年骨干选送出去研修深造，一年能有多少人？"
    # The figure's own sentence covers too little of the question; read with the one before, it answers.
    assert not _judged(question, [topic, figure], covers).answerable
    read = _judged(question, [topic, figure], covers, context=["", topic])
    assert read.answerable and read.supporting == (1,)


def test_a_figure_sentence_is_not_held_to_itself_read_with_the_sentence_after_it():
    # The figure opens its passage; the next sentence, read with it, counts its words too. That pair
    # must not set the bar the figure's own sentence has to reach.
    figure = "城市每3-4个居委会设1个卫生服务站，农村1.5公里范围内设1个标准化村卫生室。"
    after = "社区医院与乡镇卫生院承担常见病和多发病的诊疗。"
    question = "乡下人家出门走多远能到村卫生室？"
    v = _judged(question, [figure, after], _share_of(("农村", "村卫生室", "社区", "卫生院", "诊疗")),
                context=["", figure])
    assert v.answerable and v.supporting == (0,)
    # A sentence that on its own covers far more of the question still sets the bar.
    close = "农村村卫生室、社区医院和乡镇卫生院的诊疗服务全面覆盖。"
    assert not _judged(question, [figure, close], lambda s: 1.0 if s == close else 0.2).answerable


def test_a_sentence_set_aside_still_sets_how_near_the_rest_must_come():
    # The sentence most about the question was set aside (the last period's review); a count sentence
    # about something else must not be judged against the weak ones left.
    about = "乡镇卫生院标准化建设达标率达到100%。"
    other = "全区新建应急物资储备库3个。"

    def covers(s: str) -> float:
        return 0.9 if "乡镇卫生院" in s else 0.2

    question = "乡镇卫生院还要新建几个？"
    assert judge(demands(question), [(other, False)], [], covers, synonyms=shipped().synonyms).answerable
    assert not judge(demands(question), [(other, False)], [], covers, synonyms=shipped().synonyms,
                     best=covers(about)).answerable


@pytest.mark.parametrize(("question", "unknown"), [
    ("天津河西区2025年每千人口床位数要达到多少？", ["天津河西区"]),
    ("和平区有什么卫生规划？", ["和平区"]),
    ("麻烦了解一下区卫生健康委明年打算招几个人？", []),  # 了 begins 了解: "解一下区" is no name
    ("具体到和平区，明年打算招几个人？", ["和平区"]),
    ("东丽区2025年每千人口执业医师数目标是多少？", []),
    ("东丽和埇桥区的床位目标分别是多少？", []),
    ("我们小区附近的社区卫生服务中心会改建吗？", []),
    ("天津全市的基层医疗怎么规划？", []),
    ("上海2025年每千人口床位数要达到多少？", ["上海"]),
    ("北京家庭医生签约率要达到多少？", ["北京"]),  # the 东丽 plan sends doctors to 北京 to train
    ("河北省的孕产妇死亡率目标？", ["河北"]),
    ("天津河北区的床位目标？", ["天津河北区"]),
    ("辽宁丹东振安的床位目标？", []),
    ("天津新建几家社区卫生服务中心？", []),
    ("滨海新建杭州道街社区卫生服务中心，责任单位有哪些？", []),  # a street of 滨海, not 杭州
    ("南京路上的医院要改建吗？", []),
    ("孩子生病总得往市里跑，以后区里会不会建儿童医院？", []),  # the writer's own city and district
    ("县级医院和市属医院有什么分工？", []),
    # A partner or destination of the plans' own place, not the place asked about.
    ("规划里有没有写到跟北京、河北的医院搞合作？", []),
    ("有没有安排医生去上海进修？", []),
    ("北京和上海的床位目标是多少？", ["北京", "上海"]),
    # A place after a word of the sentence ("落到"), and a question word before a place's ending.
    ("这个比例落到河西区是多少？", ["河西区"]),
    ("门诊分成几块，都是哪些区？", []),
    ("新楼建好后病房要隔成哪几块区域？", []),  # a question word inside is no name's
    ("要建的病区是哪个片区？", []),
    ("振安和东丽俩区的床位目标谁高？", []),  # the places named before it, counted
    # "咱区", "我们区": the writer's own district, after a period's name or not.
    ("想问问十三五末咱区的床位有多少张？", []),
    ("我们区的护士够不够？", []),
    # A time word before the district as a level of government ("…期间区财政…") is no name.
    ("十四五期间区财政给卫生投多少？", []),
    ("目前县医院有几家？", []),
    ("看个病总要跑到市外去，规划管吗？", []),  # 市外: outside the writer's city
])
def test_places_no_plan_mentions(question, unknown):
    corpus = "天津市东丽区卫生健康规划 宿州市埇桥区 丹东市振安区 滨海新区 社区卫生服务中心 城区 到北京上海等地进修学习 杭州道街"
    regions = ("天津市", "安徽省", "宿州市", "辽宁省", "丹东市")
    assert unknown_places(question, corpus.__contains__, regions, places=shipped().places) == unknown


def test_a_question_naming_a_plan_may_name_other_provinces():
    corpus = "东丽区 做好北京、湖北、河北、黑龙江等地返津人员排查"
    assert unknown_places("东丽对湖北返津人员怎么排查？", corpus.__contains__, ("天津市",), plan_named=True,
                          places=shipped().places) == []
    assert unknown_places("湖北的返津人员怎么排查？", corpus.__contains__, ("天津市",), places=shipped().places) == ["湖北"]


def test_a_plan_compared_with_a_city_no_plan_covers_names_that_city():
    corpus = "东丽区 每千常住人口床位数"
    for question in ("东丽每千人口床位数跟南京比少多少？", "东丽的床位数比南京高吗？"):
        assert unknown_places(question, corpus.__contains__, ("天津市",), plan_named=True,
                              places=shipped().places) == ["南京"], question
    # Working with a city is no comparison with it.
    assert unknown_places("东丽跟南京的医院有合作吗？", corpus.__contains__, ("天津市",), plan_named=True,
                          places=shipped().places) == []


# -- the place lists are data (lexicon/): a staff edit changes what is read as a place ----------------

PLACES_CORPUS = "天津市东丽区卫生健康规划 丹东市振安区 社区卫生服务中心"


@pytest.fixture
def edited(tmp_path: Path):
    """A copy of the shipped lexicon/ and a function appending lines to one of its files."""
    folder = tmp_path / "lexicon"
    shutil.copytree(SHIPPED, folder)

    def add(name: str, *lines: str) -> Lexicon:
        with open(folder / name, "a", encoding="utf-8") as fh:
            fh.write("".join(f"{line}\n" for line in lines))
        return Lexicon.load(folder)

    return add


def test_a_province_added_to_other_places_is_declined_by_name(edited) -> None:
    question = "伊犁对独居老人的上门医疗有什么安排？"
    assert unknown_places(question, PLACES_CORPUS.__contains__, ("天津市",), places=shipped().places) == []
    lex = edited("other_places.txt", "伊犁  # 伊犁哈萨克自治州")
    assert unknown_places(question, PLACES_CORPUS.__contains__, ("天津市",), places=lex.places) == ["伊犁"]


def test_a_not_place_prefix_added_stops_a_word_being_read_as_a_place(edited) -> None:
    question = "部队营区卫生所今年怎么建设？"
    assert unknown_places(question, PLACES_CORPUS.__contains__, ("天津市",), places=shipped().places) == ["部队营区"]
    lex = edited("not_place_prefixes.txt", "营  # 营区")
    assert unknown_places(question, PLACES_CORPUS.__contains__, ("天津市",), places=lex.places) == []


def test_a_place_suffix_added_reads_names_ending_in_it(edited) -> None:
    question = "鄂托克前旗的急救站点建了几个？"
    assert unknown_places(question, PLACES_CORPUS.__contains__, ("天津市",), places=shipped().places) == []
    lex = edited("place_suffixes.txt", "旗")
    assert unknown_places(question, PLACES_CORPUS.__contains__, ("天津市",), places=lex.places) == ["鄂托克前旗"]


def test_a_determiner_before_a_word_like_a_place_names_no_place() -> None:
    # "各片区" / "每个山区": 各 and 每 are not-place prefixes themselves; "南山区" keeps its own name.
    assert unknown_places("辖区内各片区的家庭医生团队怎么分？", PLACES_CORPUS.__contains__, ("天津市",),
                          places=shipped().places) == []
    assert unknown_places("南山区的家庭医生团队怎么分？", PLACES_CORPUS.__contains__, ("天津市",),
                          places=shipped().places) == ["南山区"]


# -- figures asked for, from lexicon/demand_cues.txt and the measure words ------------------------------

def _kinds(question: str, **kw: object) -> list[str]:
    return [d.kind.value for d in demands(question, **kw)]  # type: ignore[arg-type]


def test_demand_cues_are_read_from_the_lexicon(edited) -> None:
    assert "minutes" in _kinds("120救护车到达的时间规划里有要求吗？")
    assert "procedure" in _kinds("申请家庭病床要提交哪些证明？")
    assert "total" in _kinds("十四五期间新增的床位累计有多少张？")
    assert _kinds("区里的献血屋在哪条街？") == ["address"]
    assert _kinds("献血屋晚上开到几点？") == []
    lex = edited("demand_cues.txt", "hours 开到几点")
    assert _kinds("献血屋晚上开到几点？", lexicon=lex) == ["hours"]
    # 哪几 asks which, not how many
    assert "age" not in _kinds("哪几岁以下的孩子免费？")


def test_a_count_names_what_it_counts_only_when_the_plans_use_that_word() -> None:
    plans = "新建2所养老机构。建成11家社区卫生服务中心。"

    def uses(word: str) -> bool:
        return word in plans

    (count,) = demands("全区要新建多少家养老机构？", plan_uses=uses)
    assert count.kind == "count" and count.counted == "养老机构"
    assert not meets(count, "建成11家社区卫生服务中心。", synonyms=()) and meets(count, "新建2所养老机构。", synonyms=())
    # A thing no plan writes is counted nowhere in them: another thing's count is no answer.
    (unwritten,) = demands("全区要新建多少家老年公寓？", plan_uses=uses)
    assert unwritten.counted == "老年公寓" and not meets(unwritten, "建成11家社区卫生服务中心。", synonyms=())
    (loose,) = demands("全区要新建多少家才够用？", plan_uses=uses)  # the writer's words about it impose nothing
    assert loose.counted == "" and meets(loose, "建成11家社区卫生服务中心。", synonyms=())
    assert not [d for d in demands("东丽区现在有多少人口？", plan_uses=uses) if d.kind == "count"]


@pytest.mark.parametrize(("line", "message"), [("speed 多快", "'speed' is not a kind of figure"),
                                                ("money 多少?", r"'多少\?': write the kind, then cue words")])
def test_a_bad_demand_cue_line_names_the_file_and_line(edited, line: str, message: str) -> None:
    with pytest.raises(LexiconError, match=rf"demand_cues.txt:\d+: {message}"):
        edited("demand_cues.txt", line)


def test_a_plan_writing_the_counted_word_itself_is_not_counted_by_its_synonym():
    # 社区医院 and 社区卫生服务中心 are one group of the lexicon (citizens say one for the other), but a
    # plan that writes 社区医院 itself means an upgraded centre by it: its count of centres is no count
    # of 社区医院.
    from question.demands import Demand, count_evidence

    ask = Demand(DemandKind.COUNT, count_evidence("家", shipped().measure_words), counted="社区医院")
    centres = "全市共有社区卫生服务中心124家、乡镇卫生院143家。"
    assert meets(ask, centres, synonyms=shipped().synonyms)
    assert not meets(ask, centres, synonyms=shipped().synonyms, plan_writes=lambda w: w == "社区医院")
    v = judge([ask], [(centres, False)], [], lambda s: 1.0, synonyms=shipped().synonyms,
              writes=[lambda w: w == "社区医院"])
    assert not v.answerable
    upgraded = "到2025年，建成社区医院30家。"
    assert meets(ask, upgraded, synonyms=shipped().synonyms, plan_writes=lambda w: w == "社区医院")


def test_a_partner_word_added_makes_a_province_after_it_a_partner(edited) -> None:
    question = "规划里有没有提到联合广东的医院办专科？"
    assert unknown_places(question, PLACES_CORPUS.__contains__, ("天津市",), places=shipped().places) == ["广东"]
    lex = edited("place_partners.txt", "联合")
    assert unknown_places(question, PLACES_CORPUS.__contains__, ("天津市",), places=lex.places) == []


def test_a_figure_of_one_named_facility_needs_a_sentence_naming_it():
    from dataclasses import replace

    rate = "健康服务提供｜每千常住人口医疗卫生机构床位数（张）｜2020年：2.16｜2025年：2.6"
    own = "东丽医院通过改建新增床位至500张。"
    (beds,) = demands("第三中心医院的新院区建好了能有多少张床位？")
    assert judge([beds], [(rate, True), (own, False)], [], _everything, synonyms=shipped().synonyms).answerable
    about = replace(beds, about="第三中心医院")
    v = judge([about], [(rate, True), (own, False)], [], _everything, synonyms=shipped().synonyms)
    assert not v.answerable and v.reason == "床位数"
    named = "天津市第三中心医院东丽分院设置床位300张。"
    assert judge([about], [(named, False)], [], _everything, synonyms=shipped().synonyms).answerable


def test_a_total_over_several_projects_is_no_figure_of_one_of_them():
    from assistant.answerable import listed_only, summed_over
    from question.demands import _EVIDENCE, Demand

    money = _EVIDENCE[DemandKind.MONEY]
    total = "全区共投入建设资金3.2亿元，主要包括滨海医院门诊楼改造及两个社区卫生服务中心新建项目。"
    assert summed_over(total, "滨海医院", money)
    assert not summed_over("滨海医院门诊楼改造投资1.5亿元，包括设备购置。", "滨海医院", money)
    assert listed_only("区属单位共9家，其中医院包括滨海医院、中医医院。", "滨海医院")
    assert not listed_only("滨海医院下设3个院区，包括南院区。", "滨海医院")
    d = Demand(DemandKind.MONEY, money, about="滨海医院")
    sentences = [(total, False)]
    assert not judge([d], sentences, (), _everything, synonyms=()).answerable


def test_a_when_question_needs_a_date_or_deadline():
    (d,) = demands("振安区医院分院哪年能开诊？", ["振安"])
    assert meets(d, "力争2023年底前完成振安区医院分院主体工程。", synonyms=())
    assert meets(d, "“十四五”期间建成振安区医院分院。", synonyms=())
    assert not meets(d, "推进振安区医院分院建设，完善配套设施。", synonyms=())
    # The section a sentence sits under dates the plan's tasks, not this project.
    assert not meets(d, "三、“十四五”时期重点任务\n推进振安区医院分院建设，完善配套设施。", synonyms=())
    assert meets(d, "三、重点任务\n“十四五”期间建成振安区医院分院。", synonyms=())


@pytest.mark.parametrize("question", ["东丽医院的新院区具体建在哪？", "区中医医院的针灸门诊周末开不开？"])
def test_where_a_project_is_built_or_whether_it_opens_at_weekends_is_a_practical_detail(question):
    assert {d.kind for d in demands(question, ["东丽"])} & {DemandKind.ADDRESS, DemandKind.WEEKDAYS}


def test_a_grade_asked_needs_a_sentence_naming_a_grade():
    (d,) = [x for x in demands("军粮城医院以后要升成什么等级的医院？", ["东丽"]) if x.kind is DemandKind.LEVEL]
    assert meets(d, "推动军粮城医院创建二级甲等综合医院。", synonyms=())
    assert not meets(d, "做强急诊科及高级别创伤科等学科。", synonyms=())  # 级别 is no grade


def test_how_long_in_any_unit_is_met_by_a_span_not_a_year():
    (d,) = demands("东丽的胸痛中心多长时间内建成？", ["东丽"])
    assert d.kind is DemandKind.DURATION
    assert meets(d, "力争用3到5年时间建成胸痛中心。", synonyms=()) and meets(d, "患者15分钟内得到救治。", synonyms=())
    assert not meets(d, "到2025年建成胸痛中心。", synonyms=())  # a year dates, it does not last


def test_how_often_is_met_by_a_round_of_time_not_by_how_long():
    (d,) = demands("东丽的慢病患者多长时间随访一次？", ["东丽"])
    assert d.kind is DemandKind.FREQUENCY  # not also a duration the same words ask
    assert meets(d, "对实施情况开展年度评估和中期检查。", synonyms=())
    assert meets(d, "为签约居民每年提供一次免费体检。", synonyms=()) and meets(d, "每3个月随访一次。", synonyms=())
    assert not meets(d, "力争用3到5年时间建成胸痛中心。", synonyms=())  # how long, not how often


def test_a_ratio_per_head_is_of_what_it_names():
    # "每千人口X" without 数: the ratio of X, which another ratio of the plans does not answer.
    (d,) = demands("东丽每千人口营养师目标是多少？", ["东丽"])
    assert d.term == "营养师"
    syn = shipped().synonyms
    assert not meets(d, "每千人口执业医师数提高到2.8的水平；", synonyms=syn)
    assert meets(d, "每千常住人口营养师数达到0.5人。", synonyms=syn)
    (doctors,) = demands("滨海每万人全科医生要配多少？", ["滨海"])
    assert meets(doctors, "全市每万名常住人口拥有4名全科医生。", synonyms=syn)
    assert meets(demands("每千人口大夫要到多少？")[0], "每千常住人口执业（助理）医师数（人）：2025年 3.6", synonyms=syn)
    # Words about the ratio name nothing it counts.
    assert all(d.term != "大概" for d in demands("东丽每千人口大概要到多少？", ["东丽"]))


def test_a_count_of_a_word_the_plan_writes_only_by_its_synonym_is_in_one_clause_with_it():
    # 救护车 is in the lexicon's group of 急救; a plan writing no 救护车 counts its ambulances in a clause
    # naming emergency care, not in a clause about another thing of the same sentence.
    from question.demands import Demand, count_evidence

    ask = Demand(DemandKind.COUNT, count_evidence("辆", shipped().measure_words), counted="救护车")
    assert meets(ask, "配齐急救车辆，新增急救车12辆。", synonyms=shipped().synonyms)
    assert not meets(ask, "新建成9个院前急救站点，安置了除颤仪40台。", synonyms=shipped().synonyms)


def test_of_sentences_giving_a_figure_the_one_dated_the_year_asked_supports_it():
    # Both sentences give a share; only one gives the share of the year asked.
    undated = "全区共有诊所48家，比上一个五年增长了12.5%。"
    dated = "2018年，社区门诊量占全区门诊总量的40.2%。"
    v = judge(demands("2018年社区门诊量在全区占多少？"), [(undated, False), (dated, False)], ["2018"],
              _everything, synonyms=shipped().synonyms)
    assert v.answerable and v.supporting == (1,), v
    # With no sentence dated that year, every sentence giving the figure still supports it.
    v = judge(demands("2019年社区门诊量在全区占多少？"), [(undated, False), (dated, False)], ["2019"],
              _everything, synonyms=shipped().synonyms)
    assert v.supporting == (0, 1), v
