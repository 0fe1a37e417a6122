"""The extractive composer on real plan sentences: which sentences make the answer."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.extract import FIGURE, Candidate, compose
from assistant.params import load_params
from vectorstore.types import Chunk, Hit

ROW = ("四、“十四五”东丽区卫生健康规划主要预期指标｜健康服务结果｜3岁以下儿童系统管理率｜2020年：85%｜2025年：85%")
PROSE = ("（五）深入实施妇女儿童健康促进计划，提高孕产妇系统管理率和管理质量，孕产妇住院分娩率保持在100%的水平，"
         "婴儿死亡率保持在3.03‰以下的水平。")


def _hit(doc: str, text: str, kind: str = "text", district: str = "") -> Hit:
    chunk = Chunk(id=f"{doc}-{abs(hash(text)) % 10**8}", doc_id=doc, section_path=("指标",), text=text,
                  kind=kind, meta={"district": district or doc})
    return Hit(chunk, 1.0, "hybrid")


@pytest.mark.parametrize(("text", "figures"), [
    ("到2025年人均预期寿命等居民主要健康指标达到或超过全市平均水平。", []),  # a year is not a figure
    ("人均预期寿命（岁）｜2020年：77.7｜2025年：＞78.2", ["77.7", "78.2"]),
    ("3.推进中医医院（东丽湖院区）建设", []),  # nor is a list number
    ("（六）家庭医生有效签约17.45万人", ["17.45"]),
    ("出台《健康振安行动（2021-2030年）》", []),
    ("1.新建2家社区卫生服务中心。", ["2"]),
])
def test_figures_are_not_years_or_list_numbers(text, figures):
    assert FIGURE.findall(text) == figures


def test_a_row_that_answers_on_its_own_gets_no_second_citation():
    hits = [_hit("dongli", ROW, "table_row"), _hit("dongli", PROSE)]
    asked = frozenset({"系统管理率"})
    row = Candidate(0, ROW, 10.0, complete=True, matched=asked)
    prose = Candidate(1, PROSE, 9.0, matched=asked | {"孕产妇"})
    alone = compose([row, prose], hits, False, load_params().quote)
    assert alone.used == (0,) and "[2]" not in alone.text
    # Without the mark the near-scoring sentence of the same plan joins, as before.
    both = compose([Candidate(0, ROW, 10.0, matched=asked), prose], hits, False, load_params().quote)
    assert both.used == (0, 1)


def test_a_second_passage_joins_only_with_a_word_of_the_question_the_first_lacks():
    first = "2021年，力争招聘引进300名各类专业技术人员，培养40名具有发展潜力的中青年业务骨干。"
    other = "力争6月底以前完成中医医院一期工程，积极推进二期工程建设。"
    hits = [_hit("binhai", first), _hit("binhai", other)]
    top = Candidate(0, first, 10.0, matched=frozenset({"招聘", "2021"}))
    nothing_new = compose([top, Candidate(1, other, 9.0, matched=frozenset({"2021"}))], hits, False,
                          load_params().quote)
    assert nothing_new.used == (0,), nothing_new.text
    new_word = compose([top, Candidate(1, other, 9.0, matched=frozenset({"中医医院"}))], hits, False,
                       load_params().quote)
    assert new_word.used == (0, 1)


def test_a_list_answer_takes_the_clauses_a_semicolon_chains_to_the_best_one():
    clauses = ["服务能力进一步提高。提升基层医疗卫生机构门诊医疗服务能力；", "提升急诊急救能力建设；",
               "加强住院能力建设；", "提升检验检查服务能力。", "服务质量进一步提升。"]
    hits = [_hit("tianjin-primary", "".join(clauses))]
    cands = [Candidate(0, t, s) for t, s in zip(clauses, (10.0, 2.0, 2.0, 2.0, 3.0), strict=True)]
    out = compose(cands, hits, False, load_params().quote, asks="list")
    assert all(t in out.text for t in clauses[:4]) and "服务质量" not in out.text, out.text
    # Not asked for a list, the best clause answers alone.
    assert "急诊急救" not in compose(cands, hits, False, load_params().quote).text


def test_another_plans_prose_joins_a_comparison_only_when_it_scores_close():
    rows = [_hit("dongli", ROW, "table_row", "东丽区"),
            _hit("zhenan", "妇幼健康｜3岁以下儿童健康管理率｜2025年目标：≥90%", "table_row", "振安区"),
            _hit("yongqiao", "做实家庭医生签约服务。推动家庭医生服务标准化建设。", district="埇桥区")]
    cands = [Candidate(0, rows[0].chunk.text, 10.0), Candidate(1, rows[1].chunk.text, 6.0),
             Candidate(2, rows[2].chunk.text, 6.5)]
    out = compose(cands, rows, True, load_params().quote)
    assert out.used == (0, 1), out.text  # the row at 0.6 of the best joins, the prose at 0.65 does not
    assert "东丽区" in out.text and "振安区" in out.text and "埇桥区" not in out.text
    close = compose([*cands[:2], Candidate(2, rows[2].chunk.text, 8.0)], rows, True, load_params().quote)
    assert close.used == (0, 2, 1)


def test_a_lead_in_line_scores_below_the_same_words_as_a_statement():
    from assistant.extract import score_candidates
    from vectorstore.query import QueryInfo

    lead = "“十三五”期间，东丽区卫生健康事业取得了令人瞩目的成就，具体表现为："
    plain = "“十三五”期间，东丽区卫生健康事业取得了令人瞩目的成就。"
    info = QueryInfo("东丽十三五期间卫生健康事业取得了哪些成就", ("dongli",), (), False, ())
    words = ["十三五", "期间", "东丽", "卫生健康", "事业", "成就"]
    a, b = score_candidates([Candidate(0, lead), Candidate(0, plain)], info,
                            lambda t: [w for w in words if w in t], lambda t: 1.0, load_params().quote)
    assert a.score < b.score


def test_asked_who_is_responsible_an_items_closing_units_answer_for_the_whole_item():
    from assistant.extract import score_candidates
    from vectorstore.query import QueryInfo

    # The item the question is about names its units after its last sentence; another item's
    # sentence shares more words with the question itself.
    item = ["3.改造2所乡镇卫生院。完成甲镇卫生院门诊楼改造。",
            "乙镇卫生院年底前完成设备更新。（责任单位：区卫生健康委、区财政局）"]
    other = "丙镇乡镇卫生院门诊楼改造年内完成。（责任单位：有关街镇）"
    info = QueryInfo("改造的是哪2所乡镇卫生院，门诊楼改造归哪些部门负责", (), (), False, (), asks="responsibility")
    words = ["改造", "乡镇", "卫生院", "门诊楼", "部门", "负责"]
    cands = [Candidate(0, item[0]), Candidate(0, item[1]), Candidate(1, other)]
    args = (info, lambda t: [w for w in words if w in t], lambda t: 1.0, load_params().quote)
    scored = score_candidates(cands, *args, passages=["".join(item), other])
    assert max(scored, key=lambda c: c.score).text == item[1]
    plain = score_candidates(cands, *args)  # sentence by sentence, the other item's units would win
    assert plain[2].score > plain[1].score


def test_a_topic_only_the_situation_names_picks_the_sentence_about_it():
    from dataclasses import replace

    from assistant.extract import score_candidates
    from vectorstore.query import QueryInfo

    # The ask ("社区能帮这个忙吗") names no topic; the situation told before it does (戒烟).
    quit_smoking = "社区卫生服务中心开设戒烟门诊，为吸烟者提供戒烟咨询和干预服务。"
    other = "社区卫生服务中心推进家庭医生签约服务，提升服务能力。"
    info = QueryInfo("社区卫生服务中心能帮这个忙吗", (), (), False, ())
    words = ["社区卫生服务中心", "帮", "忙", "戒烟", "吸烟", "签约", "我爸"]
    p = load_params().quote
    cands = [Candidate(0, other), Candidate(0, quit_smoking)]  # two sentences of one passage
    args = (info, lambda t: [w for w in words if w in t], lambda t: 1.0)
    told = score_candidates(cands, *args, replace(p, situation_weight=0.4), situation="我爸戒烟戒了好几回都没成。")
    assert max(told, key=lambda c: c.score).text == quit_smoking
    # Without the situation nothing tells them apart but length.
    bare = score_candidates(cands, *args, replace(p, situation_weight=0.4))
    assert max(bare, key=lambda c: c.score).text == other
    unweighted = score_candidates(cands, *args, replace(p, situation_weight=0.0), situation="我爸戒烟戒了好几回都没成。")
    assert max(unweighted, key=lambda c: c.score).text == other


def test_the_situation_sentence_an_ask_points_at_counts_less_than_the_ask():
    from dataclasses import replace

    from assistant.extract import score_candidates
    from vectorstore.query import QueryInfo

    # The ask keeps the sentence it points back at ("这种"), whose words must not outweigh its own (康复).
    pointed = "我爸在粉尘车间干了多年，肺不好，常咳嗽。"
    rehab = "对尘肺病患者做好康复安排。"
    dust = "粉尘车间工人咳嗽、肺部不适的监测全覆盖。"
    info = QueryInfo(pointed + "对这种病有什么康复安排", (), (), False, ())
    words = ["粉尘", "车间", "肺", "咳嗽", "康复", "安排"]
    p = load_params().quote
    cands = [Candidate(0, dust), Candidate(0, rehab)]
    args = (info, lambda t: [w for w in words if w in t], lambda t: 1.0)
    weighed = score_candidates(cands, *args, replace(p, pointed_weight=0.55), pointed=pointed)
    assert max(weighed, key=lambda c: c.score).text == rehab
    whole = score_candidates(cands, *args, replace(p, pointed_weight=1.0), pointed=pointed)
    assert max(whole, key=lambda c: c.score).text == dust


def test_a_plan_name_repeated_in_a_sentence_counts_less_than_the_topic():
    from dataclasses import replace

    from assistant.extract import score_candidates
    from vectorstore.query import QueryInfo

    named = "推进甲区中医医院与甲区人民医院共建。"
    topic = "完成第一医院的互联网医院建设。"
    info = QueryInfo("甲区互联网医院建设", ("jia",), (), False, ())
    words = ["甲区", "互联网", "医院", "建设"]
    idf = {"甲区": 3.0, "互联网": 2.0}
    p = load_params().quote
    cands = [Candidate(0, named), Candidate(0, topic)]
    args = (info, lambda t: [w for w in words if w in t], lambda t: idf.get(t, 1.0))
    halved = score_candidates(cands, *args, replace(p, plan_name_weight=0.5), names=["甲区"])
    assert max(halved, key=lambda c: c.score).text == topic
    full = score_candidates(cands, *args, replace(p, plan_name_weight=1.0), names=["甲区"])
    assert max(full, key=lambda c: c.score).text == named


def test_a_second_passage_adding_only_a_single_character_of_the_question_does_not_join():
    first = "在区级公立医院、乡镇卫生院推广日间服务，提高日间手术比例。"
    other = "完善医共体模式下乡村卫生人才引留用机制。"
    hits = [_hit("yongqiao", first), _hit("yongqiao", other)]
    top = Candidate(0, first, 10.0, matched=frozenset({"手术", "日间"}))
    alone = compose([top, Candidate(1, other, 9.5, matched=frozenset({"完"}))], hits, False, load_params().quote)
    assert alone.used == (0,), alone.text
    word = compose([top, Candidate(1, other, 9.5, matched=frozenset({"人才"}))], hits, False, load_params().quote)
    assert word.used == (0, 1)
    # A compound of words the first already holds ("日间手术" of 日间, 手术) adds nothing either.
    compound = compose([top, Candidate(1, other, 9.5, matched=frozenset({"日间手术", "手术"}))], hits, False,
                       load_params().quote)
    assert compound.used == (0,), compound.text


def test_a_facility_named_after_the_place_counts_as_a_word_of_the_question():
    from assistant.extract import score_candidates
    from vectorstore.query import QueryInfo

    # Split into words, "东丽医院" is the plan's name and "医院": only the facility tells them apart.
    own = "东丽医院改建后床位增至500张。"
    other = "全区医院床位数为2537张。"
    info = QueryInfo("东丽医院有多少张床位", (), (), False, ())
    words = ["东丽", "医院", "床位", "张"]
    args = (info, lambda t: [w for w in words if w in t], lambda t: 2.0 if t == "东丽医院" else 1.0,
            load_params().quote)
    cands = [Candidate(0, other), Candidate(1, own)]  # retrieval ranked the other passage first
    plain = score_candidates(cands, *args, names=("东丽",))
    assert max(plain, key=lambda c: c.score).text == other
    named = score_candidates(cands, *args, names=("东丽",), facilities=("东丽医院",))
    assert max(named, key=lambda c: c.score).text == own


def test_a_row_counts_by_how_much_of_its_indicator_the_question_names():
    from dataclasses import replace

    from assistant.quote import _named_share

    row = _hit("yongqiao", "主要指标｜健康服务｜乡镇卫生院、村卫生室提供中医药服务的比例（%）｜2020年：100｜2025年：100",
               "table_row")
    row = Hit(replace(row.chunk, meta={"caption": "主要指标"}), 1.0, "hybrid")
    piece = _named_share(row, frozenset({"乡镇卫生院"}), ())
    whole = _named_share(row, frozenset({"乡镇卫生院", "村卫生室", "中医药服务", "比例"}), ("提供",))
    assert piece < 0.4 and whole >= 0.9


def test_a_mention_quotes_another_passage_only_for_a_topic_word_the_first_lacks():
    from assistant.mention import mentioned_in
    from question.analysis import Intent, QuestionAnalysis
    from vectorstore.query import QueryInfo

    first = "优化居民电子健康档案面向居民本人开放使用的服务渠道。"
    same_words = "到2025年，居民电子健康档案建档率达到90%。"
    more = "推进电子健康档案与互联网医院的互通共享。"
    info = QueryInfo("规划有没有提到居民电子健康档案", (), (), False, ())
    qa = QuestionAnalysis(message="", ask="", standalone="", info=info, intent=Intent.MENTION,
                          topic="居民电子健康档案", topic_words=("居民", "电子", "健康档案"))
    alone = mentioned_in(qa, [_hit("tianjin", first), _hit("tianjin", same_words)])
    assert alone is not None and alone.used == (0,), alone
    qa2 = replace(qa, topic_words=("居民", "电子", "健康档案", "互联网医院"))
    both = mentioned_in(qa2, [_hit("tianjin", first), _hit("tianjin", more)])
    assert both is not None and both.used == (0, 1), both


def test_a_mention_is_not_quoted_for_a_one_character_word_inside_another_word():
    from assistant.mention import mentioned_in
    from question.analysis import Intent, QuestionAnalysis
    from vectorstore.query import QueryInfo

    # "人" of "给人看病" sits in "用人单位"; the sentence naming the topic's other word comes first.
    loose = "全面推进用人单位职业卫生标准化建设。"
    named = "加大打击非法行医力度。"
    info = QueryInfo("规划管没管给人非法行医的", (), (), False, ())
    qa = QuestionAnalysis(message="", ask="", standalone="", info=info, intent=Intent.MENTION,
                          topic="给人非法行医", topic_words=("人", "非法行医"))
    got = mentioned_in(qa, [_hit("binhai", loose), _hit("binhai", named)])
    assert got is not None and got.used == (1,), got


def test_a_mention_word_inside_a_lexicon_phrase_is_held_by_that_phrases_group():
    from assistant.mention import mentioned_in
    from question.analysis import Intent, QuestionAnalysis
    from vectorstore.query import QueryInfo

    # "资质" is a word of the topic's "没资质", which the lexicon puts beside the plans' "非法行医".
    loose = "全面推进用人单位职业卫生标准化建设。"
    named = "加大打击非法行医力度。"
    info = QueryInfo("计划里管不管没资质却给人开药的", (), (), False, ())
    qa = QuestionAnalysis(message="", ask="", standalone="", info=info, intent=Intent.MENTION,
                          topic="没资质却给人开药的", topic_words=("资质", "人", "开药"))
    group = [("非法行医", "黑诊所", "没资质")]
    got = mentioned_in(qa, [_hit("binhai", loose), _hit("binhai", named)], group)
    assert got is not None and got.used == (1,), got


def test_more_sentences_of_the_best_passage_join_it_but_no_third_passage():
    from dataclasses import replace

    passage = "推广不少于5种中医康复技术。80%以上基层机构提供中医康复服务。家庭医生团队都能提供中医服务。"
    hits = [_hit("dongli", passage), _hit("dongli", "另一段：中医馆建设。")]
    first, second, third = (s + "。" for s in passage.split("。")[:3])
    cands = [Candidate(0, first, 10.0, matched=frozenset({"中医", "康复"})),
             Candidate(0, second, 9.0, matched=frozenset({"中医", "康复"})),
             Candidate(0, third, 8.0, matched=frozenset({"中医"})),
             Candidate(1, "另一段：中医馆建设。", 8.5, matched=frozenset({"中医馆"}))]
    p = load_params().quote
    three = compose(cands, hits, False, replace(p, same_passage_sentences=2))
    assert first in three.text and second in three.text and third in three.text and three.used == (0,)
    two = compose(cands, hits, False, replace(p, same_passage_sentences=1))
    assert third not in two.text and two.used == (0,)


def test_the_passage_both_searches_rank_first_outweighs_a_sentence_sharing_more_everyday_words():
    from assistant.extract import score_candidates
    from assistant.quote import agreed_first
    from vectorstore.query import QueryInfo

    # The message's everyday words (手机, 网上, 预约) fill a sentence of the second passage; word and
    # meaning search both put the first passage first.
    helped = "重点解决老年人运用智能技术就医的困难。"
    signing = "居民可通过手机客户端网上预约签约家庭医生。"
    hits = [Hit(_hit("dongli", helped).chunk, 1.0, "hybrid", ranks={"bm25": 1, "dense": 1}),
            Hit(_hit("dongli", signing).chunk, 0.9, "hybrid", ranks={"bm25": 2, "dense": 3})]
    info = QueryInfo("我们老年人不会用手机网上预约，居民就医有什么打算", ("dongli",), (), False, ())
    words = ["老年人", "就医", "手机", "网上", "预约", "居民"]
    args = (info, lambda t: [w for w in words if w in t], lambda t: 1.0, load_params().quote)
    cands = [Candidate(0, helped), Candidate(1, signing)]
    assert agreed_first(hits) == {0}
    agreed = score_candidates(cands, *args, agreed=agreed_first(hits))
    assert max(agreed, key=lambda c: c.score).text == helped
    assert max(score_candidates(cands, *args), key=lambda c: c.score).text == signing
    # First by one search only is no agreement.
    alone = [Hit(hits[0].chunk, 1.0, "hybrid", ranks={"bm25": 1, "dense": 4}), hits[1]]
    assert agreed_first(alone) == set()


def test_a_passage_meaning_search_ranks_far_down_counts_less_than_its_shared_words():
    from assistant.extract import score_candidates
    from assistant.quote import meaning_far
    from vectorstore.query import QueryInfo

    # Word search ranks first a passage sharing as many of the message's words; meaning search puts it
    # 40th and the passage that answers first.
    booking = "居民可通过手机客户端网上预约签约家庭医生。"
    helped = "重点解决老年人运用智能技术就医的困难。"
    hits = [Hit(_hit("dongli", booking).chunk, 1.0, "hybrid", ranks={"bm25": 1, "dense": 40}),
            Hit(_hit("dongli", helped).chunk, 0.9, "hybrid", ranks={"bm25": 2, "dense": 1}),
            Hit(_hit("dongli", "推进老年友善医疗机构建设。").chunk, 0.8, "hybrid", ranks={"bm25": 3}),
            Hit(_hit("dongli", "东丽区卫生健康指标。").chunk, 0.7, "hybrid", ranks={})]
    # Far: ranked below the cut by meaning search, or found by word search alone; a passage with no
    # ranks (joined by the plan's structure) is not judged, nor is any without meaning search.
    assert meaning_far(hits, 10) == {0, 2}
    assert meaning_far(hits, 50) == {2}
    assert meaning_far([Hit(hits[0].chunk, 1.0, "bm25", ranks={"bm25": 1})], 10) == set()
    info = QueryInfo("我不会用手机网上预约，老年人智能就医有什么打算", ("dongli",), (), False, ())
    words = ["老年人", "就医", "智能", "手机", "网上", "预约"]
    p = load_params().quote
    args = (info, lambda t: [w for w in words if w in t], lambda t: 1.0)
    cands = [Candidate(0, booking), Candidate(1, helped)]
    best = max(score_candidates(cands, *args, replace(p, meaning_far=1.0)), key=lambda c: c.score)
    assert best.text == booking
    best = max(score_candidates(cands, *args, p, far=meaning_far(hits, p.meaning_far_rank)), key=lambda c: c.score)
    assert best.text == helped
    # Comparing plans, each plan's own best sentence is wanted whatever meaning search ranked first.
    best = max(score_candidates(cands, *args, p, compared=True, far={0}), key=lambda c: c.score)
    assert best.text == booking


def test_a_second_passage_sharing_only_the_word_that_picks_a_part_does_not_join():
    from assistant.extract import score_candidates
    from vectorstore.bm25 import Tokenizer
    from vectorstore.query import QueryInfo

    # "其中…" picks a part of what was said before; a plan's "其中" opens a breakdown of anything.
    lacking = "乙区社区医院普遍缺少全科医生。"
    breakdown = "乙区共有医疗卫生机构12家，其中社区医院5家。"
    hits = [_hit("dongli", lacking), _hit("dongli", breakdown)]
    info = QueryInfo("其中社区医院主要缺什么", (), (), False, ())
    p = load_params().quote
    scored = score_candidates([Candidate(0, lacking), Candidate(1, breakdown)], info, Tokenizer().tokens,
                              lambda t: 1.0, p)
    out = compose(scored, hits, False, p)
    assert out.used == (0,) and "全科医生" in out.text, out
