"""The live index reads the word lists of PLANQA_LEXICON_DIR with its build: a group of synonyms
staff add to lexicon/synonyms.txt is searched with, and a bad line is named when the build opens."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.live import LiveIndex
from assistant.settings import Settings
from question.lexicon import LexiconError
from tests.lexicons import append_line, copy_lexicon
from vectorstore.retrieve import HybridRetriever

# "烂牙" is a citizen's word for the plans' "龋齿"; no plan and no shipped synonym group has it.
QUESTION = "振安中小学生的烂牙率要控制在多少？"


@pytest.fixture
def lexicon(tmp_path: Path) -> Path:
    return copy_lexicon(tmp_path)



@pytest.mark.slow  # make test-slow: kept out of the default run's 10 minutes
def test_a_synonym_group_staff_add_finds_the_passage_in_the_plans_words(full_index: Path, lexicon: Path) -> None:
    before = LiveIndex.open(Settings(data_dir=full_index, lexicon_dir=lexicon))
    assert before.corpus.analyzer.analyze(QUESTION).expansions == ()
    assert not any("龋齿" in h.chunk.text for h in HybridRetriever(before.corpus).search(QUESTION, 5))

    append_line(lexicon / "synonyms.txt", "龋齿 烂牙")
    live = LiveIndex.open(Settings(data_dir=full_index, lexicon_dir=lexicon))
    assert ("龋齿", "烂牙") in live.synonyms and live.lexicon.synonyms == live.synonyms
    info = live.corpus.analyzer.analyze(QUESTION)
    assert info.expansions == ("龋齿",) and live.corpus.stand_ins(QUESTION, info.expansions) == ["龋齿"]
    hits = HybridRetriever(live.corpus).search(QUESTION, 5)
    assert any(h.chunk.doc_id == "zhenan" and "龋齿" in h.chunk.text for h in hits[:3]), [h.chunk.text[:30] for h in hits]


def test_a_bad_line_is_named_when_the_build_is_opened(full_index: Path, lexicon: Path) -> None:
    n = append_line(lexicon / "synonyms.txt", "龋齿 虫牙;牙洞")
    with pytest.raises(LexiconError, match=rf"synonyms.txt:{n}: '虫牙;牙洞'"):
        LiveIndex.open(Settings(data_dir=full_index, lexicon_dir=lexicon))
