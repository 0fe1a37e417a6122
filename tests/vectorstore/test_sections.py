"""Questions naming a section of a plan: ordinals, headings, and the section's items on the real index."""

from __future__ import annotations

import pytest

from vectorstore.points import enumerated, runs
from vectorstore.retrieve import Corpus, Filters, HybridRetriever
from vectorstore.sections import core, ordinal


@pytest.mark.parametrize(("text", "n"), [
    ("重点问题中第三条说的是啥？", 3), ("第12项是什么", 12), ("第十一条", 11), ("第二十个方面", 20),
    ("第十条", 10), ("十三五期间", None), ("第一次会议", None),
    ("最后一项", -1), ("最后那个方面讲的什么", -1), ("最后这条呢", -1), ("最后一个", -1), ("最后要建成几所", None),
    # A rank needs no measure word; a "第一" of a name is none.
    ("几个难处里排第一的是哪个？", 1), ("排在第二位的是什么", 2), ("排第十一", 11), ("第一类疫苗", None), ("第一的", None),
])
def test_ordinal(text, n):
    assert ordinal(text) == n


@pytest.mark.parametrize(("heading", "want"), [
    ("（五）增强卫生健康事业发展动力", "增强卫生健康事业发展动力"),
    ("专栏1 公共卫生防控救治能力建设工程", "公共卫生防控救治能力建设工程"),
    ("12.深化公立医院综合改革", "深化公立医院综合改革"),
    ("第四部分“十四五”东丽区卫生健康改革规划重点任务", "十四五东丽区卫生健康改革规划重点任务"),
])
def test_core_drops_numbering_and_quotes(heading, want):
    assert core(heading) == want


@pytest.fixture(scope="module")
def corpus(full_index):
    return Corpus.open(full_index / "indexes" / "default")


def test_an_ordinal_picks_the_nth_item_of_the_named_section(corpus):
    m = corpus.sections.find("滨海补短板计划的重点问题中，第三条说的是啥？", ("binhai",))
    assert m is not None and m.heading == "二、重点问题" and m.ordinal == 3
    assert [corpus.chunks[i].text[:13] for i in m.picked] == ["3.龙头医院建设亟待加强。"]
    # Past the last item nothing is picked: the question is then answered by word search.
    assert corpus.sections.find("滨海重点问题的第九条是什么？", ("binhai",)).picked == ()


def test_a_list_question_picks_each_item_of_the_quoted_heading(corpus):
    m = corpus.sections.find("滨海计划里“增强卫生健康事业发展动力”下面有哪几项任务？", ("binhai",), wants_list=True)
    assert m is not None and m.wants_list
    assert [h for h, _ in m.items] == ["12.深化公立医院综合改革", "13.加大人才招聘引进和培养力度"]
    box = corpus.sections.find("振安专栏1有哪几项？", ("zhenan",), wants_list=True)
    assert box is not None and box.heading.startswith("专栏1")
    # One project a line, two lines to a passage: every line is an item.
    assert [h for h, _ in box.items] == ["建设现代化疾病预防控制体系。", "完善现有传染病监测体系。",
                                         "加强分级分层救治网络建设。", "强化卫生监督体系建设。"]


def test_no_section_when_none_is_named_or_several_plans_share_it(corpus):
    assert corpus.sections.find("东丽区2025年每千人口执业医师数目标是多少？", ("dongli",)) is None
    # "保障措施" heads a section in several plans; a question naming none of them is not structural.
    assert corpus.sections.find("保障措施包括哪些？", wants_list=True) is None


def test_a_heading_shared_with_plans_outside_the_scope_names_the_one_in_it(corpus):
    # A province's deployment holds many plans with the same headings; scoped to one plan (its
    # filters or default scope), "保障措施" is that plan's section, in the lookup and in the search.
    m = corpus.sections.find("保障措施包括哪些？", wants_list=True, among={"zhenan"})
    assert m is not None and m.doc_id == "zhenan" and m.heading == "四、保障措施" and len(m.items) >= 2
    found = HybridRetriever(corpus).find("保障措施包括哪些？", 5, Filters(doc_ids=("tianjin-primary",)))
    assert found.section is not None and found.section.heading == "六、保障措施" and found.picked == 3
    assert [h.chunk.section_path for h in found.hits[:3]] == [
        ("六、保障措施", "（一）加强组织领导"), ("六、保障措施", "（二）履行工作职责"), ("六、保障措施", "（三）强化宣传引导")]


def test_search_puts_the_named_item_first_and_respects_filters(corpus):
    r = HybridRetriever(corpus)
    hits = r.search("滨海补短板计划的重点问题中，第三条说的是啥？", 5)
    assert hits[0].source == "section" and hits[0].chunk.text.startswith("3.龙头医院建设亟待加强")
    assert all(h.source != "section" for h in hits[1:])
    hits = r.search("滨海补短板计划的重点问题中，第三条说的是啥？", 5, Filters(doc_ids=("dongli",)))
    assert all(h.source != "section" and h.chunk.doc_id == "dongli" for h in hits)


def test_points_of_a_paragraph_are_numbered_across_its_passages():
    first = "要求更高。一是供给不足。与需求相比，设备老化。二是模式转变仍需加快。"
    second = "三是信息化水平还不高。我市…仍有差距。四是防控能力仍需提升。"
    assert enumerated([(7, first), (8, second)]) == [
        (7, "一是供给不足。"), (7, "二是模式转变仍需加快。"), (8, "三是信息化水平还不高。"), (8, "四是防控能力仍需提升。")]
    # Passages overlap: a point whose first sentence only closes one passage is told in the next.
    closing = "要求更高。一是供给不足。与需求相比，设备老化。二是模式仍需转变。三是信息化水平还不高。"
    assert enumerated([(7, closing), (8, second)])[2] == (8, "三是信息化水平还不高。")
    # Two lists in one section cannot be numbered as one; a lone "一是" is no list; "统一是" no point.
    assert enumerated([(1, "一是甲。二是乙。"), (2, "一是丙。二是丁。")]) == []
    assert enumerated([(1, "一是甲。")]) == [] and enumerated([(1, "统一是甲。二是乙。")]) == []


def test_an_ordinal_names_a_section_by_its_ending_and_picks_its_nth_point(corpus):
    m = corpus.sections.find("天津基层规划里面临的问题第三个是什么？", ("tianjin-primary",))
    assert m is not None and m.enumerated and m.heading.endswith("面临的问题")
    assert m.items[2][0] == "三是基层卫生信息化建设水平还不高。"
    # …in the passage that tells it, not the one before that only closes with its first sentence.
    assert "信息互联互通" in corpus.chunks[m.items[2][1][0]].text
    # Without an ordinal, a heading's ending is only a topic: "社区卫生服务中心" names no section.
    assert corpus.sections.find("滨海新区社区卫生服务中心有哪些？", ("binhai",), wants_list=True) is None


def test_unnumbered_items_are_read_from_dashes_and_short_leads():
    from vectorstore.points import leads

    text = "第二节  原则\n\n——以人为本，健康优先。以人民为中心。\n\n——预防为主，医防融合。坚持预防为主。"
    assert leads([(3, text)], "第二节  原则") == [(3, "——以人为本，健康优先。"), (3, "——预防为主，医防融合。")]
    prose = "公共卫生能力显著增强。全面提升疾控水平。\n服务质量提高。配置更加均衡。\n到2025年，基本建成覆盖城乡、布局均衡的体系，群众获得感明显增强。"
    assert [label for _, label in leads([(1, prose)], "目标")] == ["公共卫生能力显著增强。", "服务质量提高。"]
    assert leads([(1, "只有一条。后面是正文。")], "x") == []  # one lead is no list


def test_a_list_question_lists_a_sections_unnumbered_items_each_cited(full_index):
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    ans = Assistant(Settings(data_dir=full_index, llm_mode="extractive")).answer("埇桥规划里的基本原则一共是哪几条？")
    lines = ans.text.splitlines()
    assert lines[0] == "“基本原则”包括："
    assert [ln.split("。")[0] for ln in lines[1:]] == ["——以人为本，健康优先", "——预防为主，医防融合",
                                                       "——均衡布局，强化基层", "——加强整合，提质增效",
                                                       "——整体联动，共建共享"]
    assert all(c.chunk.doc_id == "yongqiao" and "基本原则" in c.chunk.section for c in ans.citations)


def test_points_numbered_in_brackets_or_circles_are_runs_too():
    text = "全年做好“三件事”：（1）建好档案；（2）管好药品；（3）用好设备。同时落实“两个机制”：①月报；②年检。"
    found = runs([(4, text)])
    assert found == [[(4, "（1）建好档案；"), (4, "（2）管好药品；"), (4, "（3）用好设备。")],
                     [(4, "①月报；"), (4, "②年检。")]]
    # A bracketed number inside a sentence that does not follow a clause break is no point.
    assert runs([(1, "见附件(1)与附件(2)。")]) == []
    assert enumerated([(2, "主要做法：（1）甲，（2）乙。")]) == [(2, "（1）甲"), (2, "（2）乙。")]


def test_numbered_lines_after_a_lead_in_are_the_run_it_introduces():
    from vectorstore.sections import SectionIndex
    from vectorstore.types import Chunk

    sec = ("八、人才", "（三）队伍建设")
    chunks = [Chunk("a", "plan", sec, "培养骨干人才。到2025年主要指标达到以下水平："),
              Chunk("b", "plan", sec, "1.医师数提高到3的水平；\n2.本科学历提高到90%以上；"),
              # The chunker read the fourth point as a heading: its passage sits one section deeper.
              Chunk("c", "plan", sec, "3.全部达到本科学历；"),
              Chunk("d", "plan", (*sec, "4.名医5名"), "4.名医5名；\n5.进修10人。"),
              Chunk("e", "plan", ("九、信息化",), "1.建设平台；2.互联互通。")]
    found = SectionIndex(chunks).runs_at("a")
    assert [p for _, p in found[0]] == ["1.医师数提高到3的水平；", "2.本科学历提高到90%以上；", "3.全部达到本科学历；",
                                        "4.名医5名；", "5.进修10人。"]
    assert SectionIndex(chunks).runs_at("c") == []  # a run starts in the passage or right after its lead-in


def test_a_list_question_names_a_long_heading_by_its_rarer_words(corpus):
    # Only "十三五" and "成就" of the heading are in the question; the heading's other words
    # (卫生、健康、发展) stand in most headings and say little.
    m = corpus.sections.find("东丽规划总结“十三五”成就时分了哪几块？", ("dongli",), wants_list=True)
    assert m is not None and m.heading.endswith("主要成就") and m.wants_list and len(m.items) == 7
    some = corpus.sections.find("东丽规划有哪些措施？", ("dongli",), wants_list=True)
    assert some is None or "措施" in some.heading


def test_a_list_asked_of_a_sections_role_picks_that_section(corpus):
    # "短板" is a word of the problems role (lexicon/section_roles.txt); the plan calls it "重点问题".
    m = corpus.sections.find("滨海这份计划指出了哪几方面的短板？", ("binhai",), wants_list=True)
    assert m is not None and m.heading == "二、重点问题" and len(m.items) >= 5
    m = corpus.sections.find("滨海这份计划里的问题主要有哪些？", ("binhai",), wants_list=True)
    assert m is not None and m.heading == "二、重点问题"
    # ... or how many there are ("不足之处一共几条？")
    m = corpus.sections.find("滨海计划说的不足一共几条？", ("binhai",), wants_list=True)
    assert m is not None and m.heading == "二、重点问题"
    # A list of measures about a problem is no list of the problems.
    assert corpus.sections.find("滨海对看病难的问题有哪些措施？", ("binhai",), wants_list=True) is None
    # Two sections of the role in one plan ("…面临的形势", "…面临的挑战"): the surer word decides.
    m = corpus.sections.find("东丽卫生事业的拦路虎主要有哪几个？", ("dongli",), wants_list=True)
    assert m is not None and m.heading.endswith("面临的挑战") and len(m.items) == 4
