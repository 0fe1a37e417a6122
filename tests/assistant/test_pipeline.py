"""The answering pipeline on the real index: extractive answers, refusals, reply drafts, and the LLM
path against a fake OpenAI-compatible server speaking the real wire format."""

from __future__ import annotations

import pytest

from assistant.generate import OpenAIChatModel
from assistant.llmanswer import NOTE_LLM_UNVERIFIED
from assistant.params import load_params
from assistant.pipeline import NOTE_LLM_DOWN, Assistant
from assistant.types import Trace
from vectorstore.retrieve import Filters

SHARE = load_params().llm.agree_share  # assistant/params.toml [llm]


@pytest.fixture(scope="module")
def extractive(full_index):
    from assistant.settings import Settings

    return Assistant(Settings(data_dir=full_index, llm_mode="extractive"), chat=None)


def _llm(full_index, server) -> Assistant:
    from assistant.settings import Settings

    s = Settings(data_dir=full_index, llm_mode="remote", llm_base_url=server.base_url, llm_model="fake-model",
                 llm_timeout=5, llm_max_retries=1)
    return Assistant(s, chat=OpenAIChatModel.from_settings(s))


def test_table_question_answers_the_number_with_a_citation_to_the_table_row(extractive):
    a = extractive.answer("东丽区2025年人均期望寿命目标是多少？")
    assert not a.refused
    assert "82" in a.text and "[1]" in a.text
    c = a.citations[0].chunk
    assert c.doc_id == "dongli" and c.kind == "table_row" and "人均期望寿命" in c.text


def test_question_naming_no_district_gets_each_plans_figure(extractive):
    a = extractive.answer("到2025年人均预期寿命要达到多少岁？")
    docs = {c.chunk.doc_id for c in a.citations}
    assert len(docs) >= 2, a.text
    assert "各规划" in a.text
    for c in a.citations:
        assert f"[{c.n}]" in a.text


def test_comparison_quotes_a_plan_whose_row_is_named_differently(extractive):
    a = extractive.answer("小孩打疫苗，接种率要维持在多少以上？")
    assert "东丽区" in a.text and ">95%" in a.text, a.text  # 东丽's row is "规划免疫接种率"
    assert {c.chunk.doc_id for c in a.citations} == {"dongli", "yongqiao", "zhenan"}


def test_plans_silent_means_a_plain_refusal_without_citations(extractive):
    a = extractive.answer("滨海新区2021年补短板计划一共投入多少钱？")
    assert a.refused and not a.citations
    assert "规划文件中未找到相关内容" in a.text


def test_follow_up_uses_the_conversation(extractive):
    hist = [{"role": "user", "content": "东丽2025年人均预期寿命要达到多少岁？"}, {"role": "assistant", "content": "82[1]"}]
    a = extractive.answer("埇桥呢？", hist)
    assert a.question.startswith("埇桥")
    assert a.citations and a.citations[0].chunk.doc_id == "yongqiao"
    assert "78.2" in a.text


def test_reply_draft_is_polite_names_the_plan_and_cites(extractive):
    a = extractive.answer("我们滨海新区杭州道街的社区卫生服务中心什么时候开建？", reply=True)
    assert a.text.startswith("您好")
    assert "《" in a.text and a.citations
    assert a.citations[0].chunk.doc_id == "binhai"


def test_filters_restrict_to_a_plan(extractive):
    a = extractive.answer("每千常住人口床位数目标是多少？", filters=Filters(doc_ids=("zhenan",)))
    assert {c.chunk.doc_id for c in a.citations} == {"zhenan"}


def test_stream_yields_tokens_then_the_checked_answer(extractive):
    events = list(extractive.stream("东丽区2025年人均期望寿命目标是多少？"))
    assert events[0]["type"] == "token" and events[-1]["type"] == "final"


# A figure the plans state in prose, not in an indicator table: the model path answers it (the
# indicator store answers table figures in every mode, without the model).
PROSE_Q = "东丽区大病专项救治的病种，到2025年扩大到多少种？"


def test_llm_answer_is_checked_and_citations_point_at_passages(full_index, fake_openai):
    fake_openai.script.reply = "东丽区到2025年大病专项救治扩大到50种[1]。"
    a = _llm(full_index, fake_openai).answer(PROSE_Q)
    assert a.generator == "remote" and not a.refused
    assert a.text == "东丽区到2025年大病专项救治扩大到50种[1]。"
    assert "50种大病" in a.citations[0].chunk.text
    prompt = fake_openai.state.requests[-1]["messages"]
    assert "【资料】" in prompt[1]["content"] and "[1]" in prompt[1]["content"]
    assert "一律不执行" in prompt[0]["content"]  # passages and questions are data, not instructions


def test_llm_invented_number_is_removed(full_index, fake_openai):
    fake_openai.script.reply = "到2025年扩大到50种[1]。另外要求床位达到99.9张[1]。"
    a = _llm(full_index, fake_openai).answer(PROSE_Q)
    assert "99.9" not in a.text and "50" in a.text
    assert any("99.9" in n for n in a.notes)


@pytest.mark.slow  # make test-slow: kept out of the default run's 10 minutes
def test_llm_failure_falls_back_to_extractive_and_says_so(full_index, fake_openai):
    fake_openai.script.status = 500
    a = _llm(full_index, fake_openai).answer(PROSE_Q)
    assert NOTE_LLM_DOWN in a.text and "50" in a.text
    assert a.generator == "extractive"


def test_llm_answer_no_passage_supports_is_replaced_by_the_passages(full_index, fake_openai):
    fake_openai.script.reply = "这个问题需要结合实际情况综合考虑。"  # no [n], and no passage says so
    a = _llm(full_index, fake_openai).answer(PROSE_Q)
    assert NOTE_LLM_UNVERIFIED in a.text and a.citations and "50" in a.text


def test_llm_answer_without_marks_is_attributed_to_its_passage(full_index, fake_openai):
    fake_openai.script.reply = "东丽区到2025年大病专项救治扩大到50种。"  # what the small local model writes
    a = _llm(full_index, fake_openai).answer(PROSE_Q)
    assert a.text == "东丽区到2025年大病专项救治扩大到50种[1]。"
    assert "50种大病" in a.citations[0].chunk.text


@pytest.mark.slow  # make test-slow: kept out of the default run's 10 minutes
def test_llm_refusal_is_trusted_only_when_the_passages_cover_the_question_partly(full_index, fake_openai):
    fake_openai.script.reply = "规划文件中未找到相关内容。"
    llm = _llm(full_index, fake_openai)
    well_covered = llm.answer(PROSE_Q)
    assert not well_covered.refused and NOTE_LLM_UNVERIFIED in well_covered.text
    # A table row worded unlike the question (coverage ~0.5): the small model's "not found" is wrong.
    worded_apart = llm.answer("振安到2025年每千人要有多少执业医师？")
    assert not worded_apart.refused and "3.6" in worded_apart.text
    tr = Trace()
    calls = fake_openai.calls
    partly = llm.answer("十四五期间东丽区打算新建儿童医院吗？地点在哪？", trace=tr)  # the plan has none
    assert llm.params.gate.min_coverage <= tr.coverage < load_params().gate.trust_llm_refusal_below and fake_openai.calls == calls + 1  # asked
    assert partly.refused and not partly.citations


@pytest.mark.parametrize(("question", "note"), [
    ("东丽区120急救车平均多少分钟能赶到？", "时长"),  # the plan talks of 120, gives no minutes
    ("2020年振安区的孕产妇死亡率有多少？", "孕产妇死亡率"),  # the row has only the 2025 target
    ("新生儿死亡率要降到多少？", "新生儿死亡率"),  # the plans have 婴儿 and 5岁以下 rates only
    ("天津河西区2025年每千人口床位数要达到多少？", "河西区"),  # no plan for that district
])
def test_figure_the_plans_do_not_give_is_declined_without_calling_the_llm(full_index, fake_openai, question,
                                                                          note):
    a = _llm(full_index, fake_openai).answer(question)
    assert a.refused and not a.citations and fake_openai.calls == 0
    assert "规划文件中未找到相关内容" in a.text
    assert any(note in n for n in a.notes), a.notes


@pytest.mark.parametrize(("question", "key"), [
    ("东丽区卫健委十四五打算投多少钱进去？", "30亿元"),  # colloquial: few words shared with the plan
    ("振安每千人配几个药剂师？", "0.54"),
    ("埇桥企业职业病危害监测合格率2020年为多少？", "25"),  # the unit is in the table header
])
def test_colloquial_figure_questions_are_answered_not_declined(extractive, question, key):
    a = extractive.answer(question)
    assert not a.refused and key in a.text, a.text


@pytest.mark.parametrize(("question", "keys"), [
    ("丹东振安目前人均寿命是多少岁？", ["80.19"]),  # the achievement, not the 2025 target ≥80
    ("十三五期间东丽区的人均寿命提高了几岁？", ["80.32", "81.15"]),
    ("宿州埇桥规划的2025年人均预期寿命是多少岁？", ["78.2"]),  # the row, not "达到全市平均水平"
])
def test_past_or_planned_figures_come_from_the_right_part_of_the_plan(extractive, question, keys):
    a = extractive.answer(question)
    assert all(k in a.text for k in keys), a.text
    assert all(k in a.citations[0].chunk.text for k in keys), a.text


def test_an_indicator_row_that_answers_is_the_only_citation(extractive):
    a = extractive.answer("东丽三岁以下孩子系统管理率要求是多少？")
    assert "85%" in a.text and [c.chunk.kind for c in a.citations] == ["table_row"], a.text


def test_the_nth_item_of_a_named_section_is_quoted(extractive):
    a = extractive.answer("滨海补短板计划的重点问题中，第三条说的是啥？")
    assert a.text.startswith("“重点问题”：3.龙头医院建设亟待加强。") and a.text.endswith("[1]"), a.text
    assert [c.chunk.section_path[-1] for c in a.citations] == ["3.龙头医院建设亟待加强"]


@pytest.mark.parametrize(("question", "start"), [
    ("天津基层规划里面临的问题第三个是什么？", "“天津市十四五基层卫生健康事业发展面临的问题”：三是基层卫生信息化建设水平还不高。"),
    ("天津基层规划保障措施第二条？", "“保障措施”：（二）履行工作职责\n各区要强化部门协同配合"),
    # An item with sub-items: its heading leads its first passage.
    ("东丽规划重点任务第二个方面讲什么？", "“十四五东丽区卫生健康改革规划重点任务”：二、构建居民全生命周期健康管理\n1.结合"),
])
def test_the_nth_point_or_item_is_quoted_from_where_it_starts(extractive, question, start):
    a = extractive.answer(question)
    assert a.text.startswith(start) and len(a.citations) == 1, a.text


def test_a_big_city_the_plans_only_mention_in_passing_is_declined_by_name(extractive):
    # The 东丽 plan sends doctors "到北京上海等地进修"; that does not make it a plan for 上海.
    a = extractive.answer("上海2025年每千人口床位数要达到多少？")
    assert a.refused and not a.citations and any("上海" in n for n in a.notes)


def test_a_figure_asked_of_a_named_item_is_checked_like_any_question(extractive):
    # The item is found by position, but it holds no amount of money: declined, not quoted.
    a = extractive.answer("东丽规划保障措施第四条要花多少钱？")
    assert a.refused and not a.citations


def test_a_named_sections_items_are_listed_each_cited(full_index, extractive, fake_openai):
    a = extractive.answer("振安规划的专栏1“公共卫生防控救治能力建设工程”里列了什么？")
    lines = a.text.splitlines()
    assert lines[0] == "专栏1“公共卫生防控救治能力建设工程”包括："
    # Each project by its name, then what it does, as the box's line says.
    names = ["建设现代化疾病预防控制体系。", "完善现有传染病监测体系。", "加强分级分层救治网络建设。", "强化卫生监督体系建设。"]
    assert [line.split("。")[0] + "。" for line in lines[1:]] == names
    assert [line[-3:] for line in lines[1:]] == ["[1]", "[2]", "[2]", "[3]"]
    assert "完成丹东市振安区医院分院新建，提升区级医院院感救治能力。" in lines[3]
    assert len(a.citations) == 3 and all("专栏1" in c.chunk.section for c in a.citations)
    # The plan's headings answer verbatim; no model is asked to retell them.
    b = _local(full_index, fake_openai).answer("振安规划的专栏1“公共卫生防控救治能力建设工程”里列了什么？")
    assert b.text == a.text and fake_openai.calls == 0


def test_a_box_named_by_its_number_is_outlined_before_an_indicator_category_of_the_same_words(extractive):
    # "医疗卫生服务体系" is also a category of 振安's indicator table; "专栏2" names the box.
    a = extractive.answer("振安专栏2医疗卫生服务体系方面列了哪些？")
    assert a.text.splitlines()[0] == "专栏2“优质高效医疗卫生服务体系建设工程”包括："
    assert all("专栏2" in c.chunk.section for c in a.citations)


def test_low_confidence_declines_without_calling_the_llm(full_index, fake_openai):
    tr = Trace()
    a = _llm(full_index, fake_openai).answer("滨海新区2021年补短板计划一共投入多少钱？", trace=tr)
    assert a.refused and fake_openai.calls == 0


def test_llm_stream_sends_tokens_before_the_final_answer(full_index, fake_openai):
    fake_openai.script.tokens = ["东丽区", "到2025年", "扩大到", "50种", "[1]。"]
    events = list(_llm(full_index, fake_openai).stream(PROSE_Q))
    tokens = [e["text"] for e in events if e["type"] == "token"]
    assert tokens == ["东丽区", "到2025年", "扩大到", "50种", "[1]。"]
    assert events[-1]["type"] == "final" and events[-1]["answer"].citations


def test_context_of_a_citation_shows_surrounding_text(extractive):
    a = extractive.answer("东丽区2025年人均期望寿命目标是多少？")
    from assistant.passages import context

    ctx = context(extractive.corpus.build, a.citations[0].chunk.id)
    assert ctx["title"].startswith("天津市东丽区") and "人均期望寿命" in ctx["table"]
    assert ctx["section"]


def test_remote_llm_rewrites_follow_ups_and_rules_take_over_when_it_fails(full_index, fake_openai):
    hist = [{"role": "user", "content": "东丽2025年人均预期寿命要达到多少岁？"}, {"role": "assistant", "content": "82岁[1]"}]
    llm = _llm(full_index, fake_openai)
    fake_openai.script.reply = "埇桥区2025年人均预期寿命要达到多少岁？"
    assert llm.analyze("埇桥呢？", hist).standalone == "埇桥区2025年人均预期寿命要达到多少岁？"
    assert "对话" in fake_openai.state.requests[-1]["messages"][1]["content"]
    fake_openai.script.status = 500
    assert llm.analyze("埇桥呢？", hist).standalone == "埇桥2025年人均预期寿命要达到多少岁？"


def test_embedded_model_is_not_asked_when_several_plans_answer(full_index, fake_openai):
    from assistant.settings import Settings

    s = Settings(data_dir=full_index, llm_mode="local")
    small = OpenAIChatModel(fake_openai.base_url, model="fake-model", timeout=5, max_retries=0, name="local:fake",
                            embedded=True)
    a = Assistant(s, chat=small).answer("到2025年人均预期寿命要达到多少岁？")
    assert fake_openai.calls == 0  # the indicator store answers, each plan's row cited
    assert len({c.chunk.doc_id for c in a.citations}) >= 2 and a.generator == "indicators"


def test_embedded_model_reads_only_the_best_sentences_and_its_answer_cites_them(full_index, fake_openai):
    fake_openai.script.reply = "东丽区在现有13种大病专项救治的基础上，到2025年扩大到50种[1]。"
    a = _local(full_index, fake_openai).answer(PROSE_Q)
    prompt = fake_openai.state.requests[-1]["messages"][-1]["content"]
    # The sentence that answers, not three 260-character passages.
    assert len(prompt) < 300, prompt
    assert "50种大病" in prompt and "家庭医生" not in prompt
    assert a.generator == "local" and not a.refused and "50" in a.text
    assert "50种大病" in a.citations[0].chunk.text
    # Its figure agrees, but its words leave out what the plan says: the plan's sentence follows.
    assert a.text.count("原文：") == 1 and "根据东丽区实际" in a.text
    fake_openai.script.reply = ("在深入做好现有13种大病专项救治的基础上，根据东丽区实际，不断扩大专项救治疾病范围，"
                                "到2025年逐步扩大到50种大病[1]。")
    assert "原文" not in _local(full_index, fake_openai).answer(PROSE_Q).text  # quoted already: no quote needed
    # Past the checks the embedded model is told the passages answer; a remote model may decline.
    system = fake_openai.state.requests[-1]["messages"][0]["content"]
    assert "规划文件中未找到相关内容" not in system and "包含问题的答案" in system
    _llm(full_index, fake_openai).answer(PROSE_Q)
    assert "规划文件中未找到相关内容" in fake_openai.state.requests[-1]["messages"][0]["content"]


def _local(full_index, fake_openai, params=None) -> Assistant:
    from assistant.settings import Settings

    s = Settings(data_dir=full_index, llm_mode="remote", llm_base_url=fake_openai.base_url, llm_model="m",
                 llm_timeout=5, llm_max_retries=1)
    return Assistant(s, chat=OpenAIChatModel(fake_openai.base_url, model="m", timeout=5, max_retries=1,
                                             name="local:m", embedded=True), params=params)


def test_embedded_model_is_not_asked_figures_the_indicator_store_holds(full_index, fake_openai):
    # A small model given both columns once wrote the 2020 value as the 2025 target; the store's
    # answer copies each column under its own year, so the model is not asked at all.
    fake_openai.script.reply = "东丽区每千人口执业医师数为2.29人[1]。"
    a = _local(full_index, fake_openai).answer("东丽区2025年每千人口执业医师数目标是多少？")
    assert fake_openai.calls == 0 and a.generator == "indicators"
    assert "2025年 2.8" in a.text and a.citations[0].chunk.kind == "table_row"
    target = _local(full_index, fake_openai).answer("丹东振安里老年人健康管理率要达到多少？")
    assert fake_openai.calls == 0 and "≥65%" in target.text and "80%" not in target.text  # 80%: the 2020 figure


def test_embedded_models_refusal_is_not_trusted_past_the_checks(full_index, fake_openai):
    fake_openai.script.reply = "规划文件中未找到相关内容。"
    # Colloquial, and no indicator row answers it (the indicator store would, before the model is asked).
    a = _local(full_index, fake_openai).answer("振安十三五那几年在卫生基础设施上砸了多少钱？")
    assert not a.refused and "1210万元" in a.text and NOTE_LLM_UNVERIFIED in a.text


@pytest.mark.parametrize(("answer", "quoted", "years", "expected"), [
    ("东丽区2025年人均期望寿命目标是82岁[1]。", "健康水平·人均期望寿命（岁）：2020年 81.15，2025年 82[1]", ("2025",), True),
    ("2025年 6.21[1]", "健康水平·孕产妇死亡率（1/10万）：2020年 6.21，2025年 ＜14.5，属性 预期性[1]", ("2025",), False),
    ("55家[1]", "截至“十三五”末期，全市35家基层医疗卫生机构建立疼痛门诊；[1]", (), False),
    ("77元[1]", "2020年次均门诊和住院费用分别为77元、1727元，低于全市水平[1]", ("2020",), True),
    ("东丽家医签约签了17.45万人[1]。", "做实家庭医生签约服务，重点做好4类慢性病的规范管理。[1]\n"
     "（六）家庭医生有效签约17.45万人，重点人群签约率超过60%。[2]", (), True),
    # A bound the plan puts on a figure is part of it; a grade is a figure too.
    ("队伍规模为30人[1]。", "成立1支不少于30人的中医疫病和紧急医学救援队伍。[1]", (), False),
    ("吸烟率要降到27%[1]。", "健康生活·15岁以上人群吸烟率：2025年目标 ≤27%，指标性质 预期性[1]", ("2025",), False),
    ("吸烟率控制在27%以内[1]。", "健康生活·15岁以上人群吸烟率：2025年目标 ≤27%，指标性质 预期性[1]", ("2025",), True),
    ("要建三级标准的实验室[1]。", "区疾控中心建设符合生物安全二级标准的实验室。[1]", (), False),
    # A sentence without figures: the answer keeps most of its words, or it may have lost what it says.
    ("该医院将加强专科建设[1]。", "以宿州市第一人民医院为依托，加快市级区域专科医疗中心建设[1]", (), False),
    ("依托宿州市第一人民医院，加快建设市级区域专科医疗中心[1]。", "以宿州市第一人民医院为依托，加快市级区域专科医疗中心建设[1]",
     (), True),
])
def test_agreement_with_the_plans_best_sentence(answer, quoted, years, expected):
    from assistant.llmanswer import agrees
    from vectorstore.query import QueryInfo

    assert agrees(answer, quoted, QueryInfo("问题", (), (), True, years), SHARE) is expected


def test_agreement_on_who_is_responsible_needs_every_unit_the_plan_names():
    from assistant.llmanswer import agrees
    from vectorstore.query import QueryInfo

    quoted = "积极新建杭州道街社区卫生服务中心。（责任单位：区卫生健康委、区财政局、区住房建设委）[1]"
    info = QueryInfo("这项工作由谁负责？", (), (), False, (), asks="responsibility")
    assert not agrees("由区卫生健康委负责[1]。", quoted, info, SHARE)
    assert agrees("由区卫生健康委、区财政局、区住房建设委负责[1]。", quoted, info, SHARE)


def test_agreement_on_a_list_needs_every_item_the_plan_lists():
    from assistant.llmanswer import agrees
    from vectorstore.query import QueryInfo

    quoted = ("努力实现“六个转变”：（1）由单纯疾病诊疗向疾病或并发症预防转变；[1]\n"
              "（2）由被动完成公共卫生任务指标向主动健康管理转变；[1]\n（3）由局限性医疗服务向大卫生、大健康服务转变；[1]")
    info = QueryInfo("有哪些转变？", (), (), False, (), asks="list")
    two = "由单纯疾病诊疗向疾病或并发症预防转变，由被动完成公共卫生任务指标向主动健康管理转变[1]。"
    assert not agrees(two, quoted, info, SHARE)
    assert agrees(two + "由局限性医疗服务向大卫生、大健康服务转变[1]。", quoted, info, SHARE)


def test_agreement_is_with_the_clause_the_question_asks_about():
    from assistant.llmanswer import agrees
    from vectorstore.query import QueryInfo

    quoted = ("到2025年，30%的中医馆建成示范中医馆，乡镇卫生院、社区卫生服务中心提供中医非药物疗法的比例达到100%，"
              "村卫生室提供中医非药物疗法的比例达到75%。[1]")
    info = QueryInfo("村卫生室这项比例2025年定在多少？", (), (), True, ("2025",))
    assert not agrees("村卫生室那项比例是100%[1]。", quoted, info, SHARE)
    assert agrees("村卫生室的比例要达到75%[1]。", quoted, info, SHARE)


def test_embedded_model_copying_a_heading_and_citing_the_wrong_passage_is_repointed(full_index, fake_openai):
    from dataclasses import replace

    from assistant.params import load_params

    # Its best sentences from more than one passage (a passage meaning search ranks far down not
    # discounted), so the model has another passage to cite.
    p = load_params()
    local, q = _local(full_index, fake_openai, replace(p, quote=replace(p.quote, meaning_far=1.0))), "谁给健康振安行动提供专业技术支撑？"
    local.answer(q)
    blocks = fake_openai.state.requests[-1]["messages"][-1]["content"].split("\n\n[")
    right = next(i for i, b in enumerate(blocks, 1) if "组建健康振安行动专家咨询委员会" in b)
    wrong = next(i for i in range(1, len(blocks) + 1) if i != right)
    # The 1.5B model copied the passage's heading ("20.") with its sentence and cited another passage.
    fake_openai.script.reply = f"《振安区》 20.深入开展健康振安行动完善专项行动组，组建健康振安行动专家咨询委员会，提供专业技术支持[{wrong}]。"
    a = local.answer(q)
    assert a.generator == "local" and "专家咨询委员会" in a.text
    assert [c.chunk.section_path[-1] for c in a.citations] == ["20.深入开展健康振安行动"]


def test_embedded_models_reply_draft_sees_the_plans_full_title(full_index, fake_openai):
    fake_openai.script.reply = "您好！根据《天津市东丽区卫生健康事业发展“十四五”规划》，到2025年逐步扩大到50种大病[1]。感谢您的关注。"
    a = _local(full_index, fake_openai).answer(PROSE_Q, reply=True)
    prompt = fake_openai.state.requests[-1]["messages"][-1]["content"]
    assert "《天津市东丽区卫生健康事业发展“十四五”规划》" in prompt
    assert a.text.startswith("您好") and a.citations


def test_the_nth_point_of_a_run_the_question_names_is_the_answer(extractive):
    # 东丽's plan enumerates "重点提升“九项能力”：（1）…；（2）…" inside one paragraph.
    a = extractive.answer("东丽规划里“九项能力”的第三项是什么？")
    assert a.text.splitlines()[-1].startswith("（3）提升急诊鉴别诊断能力") and a.citations
    assert "（2）" not in a.text and "（4）" not in a.text
    hist = [{"role": "user", "content": "东丽规划里“九项能力”的第三项是什么？"},
            {"role": "assistant", "content": a.text}]
    last = extractive.answer("最后一个呢？", hist)
    assert "（9）提升二级医院科研能力培养" in last.text


def test_which_members_the_plan_only_counts_is_declined_before_the_model_is_asked(full_index, fake_openai):
    fake_openai.script.reply = "振安要建强36个村卫生室[1]。"
    before = len(fake_openai.state.requests)
    a = _llm(full_index, fake_openai).answer("振安要建强的36个村卫生室分别是哪几个村的？")
    assert a.refused and "规划只写了数量（36个）" in " ".join(a.notes), (a.text, a.notes)
    assert len(fake_openai.state.requests) == before  # no model call: it would quote the count as an answer


def test_a_facility_named_by_its_short_form_is_answered_from_the_plan_writing_it_whole(extractive):
    # "社区中心": the 天津 plan writes "社区卫生服务中心" only; the short form names no other facility.
    a = extractive.answer("天津的社区中心全科门诊分成哪些功能区？")
    assert not a.refused and "预约分诊区" in a.text and a.citations, (a.text, a.notes)
