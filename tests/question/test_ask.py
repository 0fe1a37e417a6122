"""A citizen's message is searched by what it asks, not by the situation it tells first."""

from __future__ import annotations

from pathlib import Path

import pytest

from question.ask import split_ask, without_yes_no
from question.lexicon import LexiconError, load_words

REPO = Path(__file__).resolve().parents[2]
CUES = load_words(REPO / "lexicon" / "ask_cues.txt")
NAMES = ("东丽区", "东丽", "埇桥区", "埇桥")


def test_the_situation_is_set_aside_and_the_place_it_names_is_kept() -> None:
    msg = "我是东丽的，前两年搬来的，孩子上小学了。眼睛越来越近视，学校也让多注意。规划里对学生视力有什么目标吗？"
    got = split_ask(msg, CUES, NAMES)
    assert got.ask == "东丽 规划里对学生视力有什么目标吗？"
    assert "孩子上小学了" in got.situation and got.focused


def test_a_short_ask_keeps_the_sentence_before_it() -> None:
    msg = "家里老人常年吃降压药，每月都要去社区开药。埇桥区这方面有安排吗？"
    got = split_ask(msg, CUES, NAMES)
    assert got.ask == msg  # "这方面有安排吗？" alone names no topic


def test_what_follows_the_question_belongs_to_the_ask() -> None:
    msg = "我家在埇桥乡下，孩子在城里念书。规划里对乡村医生的待遇有什么说法？比如养老保险之类的。"
    got = split_ask(msg, CUES, NAMES)
    assert got.ask == "埇桥 规划里对乡村医生的待遇有什么说法？比如养老保险之类的。"
    assert got.situation == "我家在埇桥乡下，孩子在城里念书。"


def test_the_writer_telling_of_themselves_after_the_question_is_situation() -> None:
    msg = "埇桥区对乡镇卫生院的牙科有什么打算？我住在镇上，牙疼了得跑县城。家里老人也常牙疼。"
    got = split_ask(msg, CUES, NAMES)
    assert got.ask == "埇桥区对乡镇卫生院的牙科有什么打算？"
    assert got.situation == "我住在镇上，牙疼了得跑县城。家里老人也常牙疼。"


def test_an_ask_pointing_back_keeps_the_sentence_it_points_at() -> None:
    cues_and_names = (CUES, NAMES, ("这类", "这样的"))
    got = split_ask("我妈得糖尿病十年了，天天打胰岛素。埇桥区对这类病人有什么管理办法？", *cues_and_names)
    assert got.ask == "我妈得糖尿病十年了，天天打胰岛素。埇桥区对这类病人有什么管理办法？"
    assert got.pointed == "我妈得糖尿病十年了，天天打胰岛素。" and got.situation == ""
    # Nothing pointed at: the situation stays apart.
    plain = split_ask("我妈得糖尿病十年了。埇桥区对老年人有什么管理办法？", *cues_and_names)
    assert plain.pointed == "" and plain.situation == "我妈得糖尿病十年了。"



@pytest.mark.parametrize(("told", "pointing_ask", "own_ask"), [
    # Solving with no object of its own solves the problem told; "…把X的问题解决掉" names what it solves.
    ("我老家在埇桥乡下的小村子，那儿卫生室常用药老是断货，看个感冒都得跑镇上。", "区里的规划打算怎么解决？",
     "规划里提没提过，要把乡镇卫生院缺医生的问题解决掉？"),
    # "把这个…" with no noun after 这个 is the thing told; "这个站" names its own thing.
    ("我们小区离镇上的卫生院要走一个多钟头，老人看病太不方便。", "镇里的规划有没有把这个写成要补的短板？",
     "镇里规划说的这个站要配几个人？"),
])
def test_an_ask_with_no_thing_of_its_own_points_back_at_what_was_told(told: str, pointing_ask: str, own_ask: str) -> None:
    from question.lexicon import shipped

    pointing = shipped().pointing_words
    got = split_ask(told + pointing_ask, CUES, NAMES, pointing)
    assert got.pointed == told and got.situation == "", got
    own = split_ask(told + own_ask, CUES, NAMES, pointing)
    assert own.pointed == "" and own.situation == told, own


def test_a_one_sentence_message_opening_with_who_the_writer_is_sets_that_aside() -> None:
    msg = "我是埇桥区人民医院的护工，院里说要建一个护理站，规划里这个站要配几个人？"
    got = split_ask(msg, CUES, NAMES)
    assert got.situation == "我是埇桥区人民医院的护工，"
    assert got.ask == "埇桥区 院里说要建一个护理站，规划里这个站要配几个人？"
    # An opening clause about someone else is what the question is about: the message stays whole.
    whole = "我家老人住埇桥那边，那边卫生院有没有上门服务？"
    assert split_ask(whole, CUES, NAMES).ask == whole


def test_a_citizen_pointing_back_at_their_situation_is_answered_about_it(full_index: Path) -> None:
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    a = Assistant(Settings(data_dir=full_index, llm_mode="extractive"))
    ans = a.answer("我是天津河西区的，我妈得糖尿病十年了，天天打胰岛素。埇桥区对这类病人有什么管理办法？")
    assert not ans.refused and "糖尿病" in ans.text.splitlines()[0], ans.text


def test_a_citizen_asking_of_their_own_district_no_plan_covers_is_declined(full_index: Path) -> None:
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    a = Assistant(Settings(data_dir=full_index, llm_mode="extractive"))
    # "咱们区" is the district the writer names: the city plan's figures are not that district's.
    ans = a.answer("我在天津南开区住了二十年，咱们区规划里全科医生按每万人配几名？")
    assert ans.refused and "南开区" in " ".join(ans.notes), (ans.text, ans.notes)
    # A district a plan covers, asked the same way, is answered from its plan.
    ans = a.answer("我在天津东丽区住了二十年，咱们区规划的千人床位数目标定在多少？")
    assert not ans.refused and "2.6" in ans.text, ans.text


def test_a_blank_baseline_asked_against_its_target_is_declined(full_index: Path) -> None:
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    a = Assistant(Settings(data_dir=full_index, llm_mode="extractive"))
    ans = a.answer("埇桥2020年儿童青少年总体近视率是多少？想和2025年的目标对比一下。")
    assert ans.refused and "——" in ans.text, ans.text


@pytest.mark.parametrize("msg", [
    "东丽区2025年每千人口床位数目标是多少？",                 # one sentence
    "东丽区的床位目标是多少？埇桥区呢？",                     # every sentence asks
    "请介绍东丽区的卫生规划。",                                # no situation, no question mark: kept whole
])
def test_a_plain_question_is_left_whole(msg: str) -> None:
    assert split_ask(msg, CUES, NAMES).ask == msg.strip()


def test_a_bad_lexicon_line_is_named_with_its_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "ask_cues.txt"
    bad.write_text("# cues\n吗\n有 没有\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"ask_cues.txt:3: '有 没有'"):
        load_words(bad)
    (tmp_path / "empty.txt").write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="no entries"):
        load_words(tmp_path / "empty.txt")


def test_a_citizen_message_is_answered_from_what_it_asks(full_index: Path) -> None:
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    a = Assistant(Settings(data_dir=full_index, llm_mode="extractive"))
    ans = a.answer("我在东丽开了个小饭馆，每天忙到半夜，身体也有点吃不消。"
                   "想问问区里规划对健康素养水平，2025年要提到多少？")
    assert not ans.refused and "27" in ans.text and ans.citations[0].chunk.doc_id == "dongli", ans.text


def test_an_a_not_a_question_form_is_no_topic_word() -> None:
    assert without_yes_no("区里有没有献血屋？") == "区里 献血屋？"
    assert without_yes_no("能不能在社区打疫苗") == " 在社区打疫苗"
    assert without_yes_no("没有实现联网结算") == "没有实现联网结算"  # a plan's own 没有 stays


def test_these_people_points_back_at_who_the_writer_said_they_are() -> None:
    from question.lexicon import shipped

    got = split_ask("我在东丽的村卫生室干了十几年。规划对这些人的收入有啥说法？", CUES, NAMES, shipped().pointing_words)
    assert got.pointed == "我在东丽的村卫生室干了十几年。"


def test_the_part_a_question_asks_of_a_whole() -> None:
    from question.ask import asked_part

    assert asked_part("那其中中医床位有多少张？") == "中医床位有多少张？"
    assert asked_part("东丽区床位数目标是多少？") == ""


def test_asking_for_related_policies_points_back_at_the_situation() -> None:
    """"有没有相关措施" names no topic of its own: it is the situation's."""
    from question.lexicon import shipped

    msg = "我姐姐前年确诊严重精神障碍，每天靠药物控制。振安区规划里对此有没有相关措施？"
    got = split_ask(msg, CUES, ("振安区", "振安"), shipped().pointing_words)
    assert got.pointed == "我姐姐前年确诊严重精神障碍，每天靠药物控制。"
    assert "严重精神障碍" in got.ask
