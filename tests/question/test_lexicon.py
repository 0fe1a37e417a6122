"""The word lists of lexicon/ load together, and a bad line in any of them is named by file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from question.lexicon import FILES, SHIPPED, Lexicon, LexiconError, alternation, load_groups, shipped
from tests.lexicons import append_line, copy_lexicon


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return copy_lexicon(tmp_path)



def test_every_list_is_loaded_from_the_folder() -> None:
    lex = Lexicon.load(SHIPPED)
    assert ("注册护士", "护士") in lex.synonyms and ("龋齿", "蛀牙", "虫牙") in lex.synonyms
    assert ("家", "所", "个", "座", "处", "间") in lex.measure_words
    assert {"上海", "内蒙古", "乌鲁木齐"} <= set(lex.places.other_places)
    assert set(lex.places.suffixes) == {"新区", "区", "县", "市"}
    assert {"社", "示范", "中心"} <= set(lex.places.not_place_prefixes)
    assert shipped() == lex and all((SHIPPED / f).is_file() for f in FILES)


@pytest.mark.parametrize(("name", "bad"), [
    ("synonyms.txt", "蛀牙 <虫牙>"),
    ("other_places.txt", "伊犁 州"),
    ("place_suffixes.txt", "区/县"),
    ("not_place_prefixes.txt", "一个超过二十个字的前缀一个超过二十个字的前缀"),
    ("measure_words.txt", "张 {"),
    ("intent_cues.txt", "list 哪些/哪几"),
])
def test_a_bad_line_in_any_list_is_named_with_its_file_and_line(folder: Path, name: str, bad: str) -> None:
    n = append_line(folder / name, bad)
    with pytest.raises(LexiconError, match=rf"^{name}:{n}: "):
        Lexicon.load(folder)


def test_a_synonym_alone_stands_in_for_nothing(folder: Path) -> None:
    n = append_line(folder / "synonyms.txt", "虫牙  # its group forgotten")
    with pytest.raises(LexiconError, match=rf"synonyms.txt:{n}: '虫牙' stands alone"):
        Lexicon.load(folder)
    assert load_groups(folder / "measure_words.txt")[-1] == ("张",)  # a measure word may be alone


def test_an_intent_line_names_a_known_intent_and_its_words(folder: Path) -> None:
    intents = dict(shipped().intent_cues)
    assert intents["list"][:1] == ("哪些",) and "怎么做" in intents["how"]
    n = append_line(folder / "intent_cues.txt", "budget 预算 经费")
    with pytest.raises(LexiconError, match=rf"intent_cues.txt:{n}: 'budget' is not an intent: start the line with"):
        Lexicon.load(folder)


def test_an_intent_cue_staff_add_changes_what_a_question_wants(folder: Path) -> None:
    from vectorstore.query import QueryAnalyzer

    asks = QueryAnalyzer((), (), Lexicon.load(folder).intent_cues).analyze("这几件事各是啥？").asks
    append_line(folder / "intent_cues.txt", "list 各是啥")
    assert (asks, QueryAnalyzer((), (), Lexicon.load(folder).intent_cues).analyze("这几件事各是啥？").asks) == ("", "list")


def test_a_missing_list_is_named(folder: Path) -> None:
    (folder / "other_places.txt").unlink()
    with pytest.raises(LexiconError, match="other_places.txt"):
        Lexicon.load(folder)
    with pytest.raises(LexiconError, match="PLANQA_LEXICON_DIR"):
        Lexicon.load(folder / "nowhere")


def test_an_alternation_tries_the_longest_word_first() -> None:
    assert alternation(("区", "新区", "县")) == "新区|区|县"
    assert alternation(("（甲）", "a.b")) == r"（甲）|a\.b"
