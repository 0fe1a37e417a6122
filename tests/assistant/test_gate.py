"""The gate reads a question with the synonyms the plans use before measuring what a passage covers."""

from __future__ import annotations

from assistant.gate import with_plan_words


def test_only_synonyms_some_plan_uses_join_the_question():
    used = frozenset({"床位", "床位数", "病床", "抗菌药物"})
    text = with_plan_words("每千人病床数是多少？", ("床位", "床位数", "一床难求"), used)
    assert "床位数" in text and "一床难求" not in text  # no passage can hold it
    text = with_plan_words("医院老给开消炎药吗？", ("抗菌药物", "抗生素"), used)
    assert "抗菌药物" in text and "抗生素" not in text
    assert "消炎药" in text  # the writer's own words all stay


def test_coverage_is_read_over_the_first_five_passages(full_index):
    # A citizen's message ranks the passage that answers it under ones sharing its everyday words.
    from dataclasses import replace

    from assistant.gate import Gate
    from assistant.pipeline import Assistant
    from assistant.retrieval import retrieve
    from assistant.settings import Settings

    a = Assistant(Settings(data_dir=full_index, llm_mode="extractive"))
    live = a.live()
    qa = a.analyze("振安乡村医生年老后的养老问题，规划里有没有安排？", [], live)
    found = retrieve(live.corpus, qa, a.filters(live, qa, None), a.params.retrieve)
    answering = [h for h in found.hits if "基本养老保险" in h.chunk.text]
    others = [h for h in found.hits if "基本养老保险" not in h.chunk.text]
    assert answering and len(others) >= 3
    hits = (*others[:3], answering[0])  # the answering passage fourth
    shipped = Gate(live, qa, hits, a.params.gate).coverage
    assert shipped == Gate(live, qa, hits, replace(a.params.gate, coverage_passages=5)).coverage
    assert shipped > Gate(live, qa, hits, replace(a.params.gate, coverage_passages=3)).coverage


def test_a_verb_with_an_ending_no_plan_writes_counts_as_its_verb():
    from assistant.gate import verb_of

    plans = "2021年，力争招聘引进300名各类专业技术人员。建设社区卫生服务中心。"
    assert verb_of("招进来", ("进来", "起来"), plans) == "招"
    assert verb_of("建起来", ("进来", "起来"), plans) == "建"
    assert verb_of("招聘", ("进来",), plans) == "招聘"  # the plans' own word stays
    assert verb_of("飞起来", ("起来",), plans) == "飞起来"  # no plan writes 飞


def test_a_figure_asked_with_such_a_verb_is_answered(full_index):
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    a = Assistant(Settings(data_dir=full_index, llm_mode="extractive"))
    ans = a.answer("滨海这边今年能招进来几个人？")
    assert not ans.refused and "300名" in ans.text, (ans.text, ans.notes)


def test_a_word_of_a_plans_alias_the_question_does_not_say_is_a_topic_word(full_index):
    # "基层" is in the alias "天津基层"; a question calling the plan "天津全市" asks about 基层 itself.
    from assistant.gate import Gate
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    a = Assistant(Settings(data_dir=full_index, llm_mode="extractive"))
    live = a.live()
    qa = a.analyze("天津全市在基层看病的人占到多大比例？", [], live)
    covers = Gate(live, qa, [], a.params.gate).covers
    assert covers("基层医疗卫生机构总诊疗人次占比") > covers("医疗卫生机构总诊疗人次占比")
    # The name it does say is no topic word: every passage of that plan would hold it.
    assert covers("天津全市总诊疗人次占比") == covers("总诊疗人次占比")


def _mention_gate(full_index):
    """question → (its analysis, why the gate reads it as unmentioned, '' when it does not)."""
    from assistant.gate import Gate
    from assistant.pipeline import Assistant
    from assistant.retrieval import retrieve
    from assistant.settings import Settings

    a = Assistant(Settings(data_dir=full_index, llm_mode="extractive"))
    live = a.live()

    def outside(q: str):
        qa = a.analyze(q, [], live)
        found = retrieve(live.corpus, qa, a.filters(live, qa, None), a.params.retrieve)
        return qa, Gate(live, qa, found.hits, a.params.gate).outside

    return outside


def test_a_compound_of_a_word_the_lexicon_translates_and_a_plan_word_is_no_unmentioned_word(full_index):
    # "工资待遇" is one word to the segmenter; the primary-care plan writes 待遇, and 工资 is in a
    # synonym group whose 薪酬 it writes: the topic is mentioned in the plan's words.
    outside = _mention_gate(full_index)
    qa, why = outside("天津这份基层规划，写没写护士的工资待遇？")
    assert "工资待遇" in qa.topic_named
    assert why == ""
    # A compound neither of whose halves the plan writes or the lexicon knows stays unmentioned.
    assert "夜宵" in outside("天津这份基层规划，写没写护士的夜宵补助？")[1]


def test_a_grammar_character_glued_to_a_plan_word_or_a_verb_of_a_result_is_no_unmentioned_word(full_index):
    # Everyday speech glues grammar onto a word ("药能不能…" → 药能) and ends an ask with a verb of its
    # result ("…能赶到"); the plans say both in their own words. A thing no plan writes still is one.
    outside = _mention_gate(full_index)
    assert outside("天津这份基层规划，写没写慢性病的药能长期开？")[1] == ""
    assert outside("天津这份基层规划，写没写出诊的医生多久能赶到？")[1] == ""
    assert "夜宵" in outside("天津这份基层规划，写没写护士的夜宵补助？")[1]


def test_a_topic_ending_in_an_empty_noun_the_segmenter_tags_a_verb_is_judged_by_its_words(full_index):
    # "…这回事": 回事 points back at what the writer named; no plan writes it, and it is no verb asked.
    outside = _mention_gate(full_index)
    assert outside("东丽这份规划写没写献血这回事？")[1] == ""
    # A thing no plan writes is still unmentioned, judged by its own words, not by 回事.
    why = outside("天津这份基层规划，写没写护士的夜宵补助这回事？")[1]
    assert "未提及" in why and "回事”一词" not in why, why


def test_modal_and_measure_words_glued_to_a_verb_and_an_empty_noun_of_how_name_nothing_unmentioned(full_index):
    # "要学…" is cut 要学 and "…的做法" names only how: what the plans write is judged.
    outside = _mention_gate(full_index)
    assert outside("天津这份基层规划，写没写要学外地家庭医生签约的做法？")[1] == ""
    assert outside("振安这份规划写没写学三明医改的做法？")[1] == ""
    # An everyday phrase the lexicon translates ("从头到尾" → 全过程) is the plan's word.
    assert outside("东丽这份规划写没写预算绩效要从头到尾管？")[1] == ""
    # Everyday names the lexicon gives the plans' terms: tap water (末梢水), a private hospital (社会办医).
    assert outside("振安这份规划写没写要抽查水龙头的水质？")[1] == ""
    assert outside("振安这份规划写没写对私人开医院不设限？")[1] == ""



def test_a_description_naming_a_thing_the_lexicon_knows_and_no_plan_in_scope_writes_is_unmentioned(full_index):
    # A long description in the writer's words still names 医保报销, which the city-wide primary-care
    # plan never writes by any of its lexicon group's words.
    qa, why = _mention_gate(full_index)("天津市基层卫生那份规划提没提到，家里老人跟社区签约以后，在社区看病拿慢病药的时候医保报销能多给一些？")
    assert "未提及“医保报销”" in why, why
    # "大家" says whom a thing is for: the plan's 减盐、减油 are what the topic asks about.
    qa, why = _mention_gate(full_index)("东丽这份规划提没提号召大家饮食上减盐减油？")
    assert why == "", why
