"""A "有没有提到…" question checked by a model that can judge (assistant/mentioncheck.py): its odds, read
from the first token's logprobs over OpenAI's wire protocol, decline an answer whose sentences it reads
as not about the topic and answer a decline whose closest sentences it reads, nearly surely, as about
it. Real index and embedding model; the model is the fake OpenAI server. Our own sentences."""

from __future__ import annotations

import pytest
from fake_openai import set_odds

from assistant.mentioncheck import JUDGED_YES
from assistant.pipeline import Assistant
from assistant.settings import Settings

NAMED = "东丽区卫生规划中是否提到献血点？"  # the plan's own word: the word checks answer it
UNWRITTEN = "东丽区卫生规划中是否提到采血车？"  # a word no plan writes: the word checks decline it
ELSEWHERE = "南开区卫生规划中是否提到献血点？"  # a district no plan covers


@pytest.fixture(scope="module")
def words_only(full_index):
    return Assistant(Settings(data_dir=full_index, llm_mode="extractive"), chat=None)


def test_the_word_checks_alone_answer_the_plans_word_and_decline_an_unwritten_one(words_only):
    assert not words_only.answer(NAMED).refused
    assert words_only.answer(UNWRITTEN).refused


def test_an_answer_the_model_reads_as_not_about_the_topic_is_declined_saying_so(judged, fake_openai):
    set_odds(fake_openai, 0.2)
    a = judged.answer(NAMED)
    assert a.refused and a.nearby, a.text
    assert any("经模型核对" in n and "献血点" in n for n in a.notes), a.notes
    sent = fake_openai.state.requests[-1]
    assert sent["logprobs"] and "献血点" in sent["messages"][-1]["content"]


def test_an_answer_the_model_confirms_stands(judged, unjudged, fake_openai):
    set_odds(fake_openai, 0.7)
    a = judged.answer(NAMED)
    assert not a.refused and a.text == unjudged.answer(NAMED).text


def test_a_decline_the_model_reads_as_mentioned_is_answered_with_the_sentences_it_read(judged, fake_openai):
    set_odds(fake_openai, 0.95)
    a = judged.answer(UNWRITTEN)
    assert not a.refused and a.citations, a.text
    assert JUDGED_YES in a.notes
    judged_text = fake_openai.state.requests[-1]["messages"][-1]["content"]
    body = [line.rsplit("[", 1)[0] for line in a.text.splitlines() if line.endswith("]")]
    assert body and all(line in judged_text for line in body), (a.text, judged_text)


def test_a_decline_the_model_is_unsure_of_stays_declined(judged, fake_openai):
    set_odds(fake_openai, 0.6)
    assert judged.answer(UNWRITTEN).refused


def test_a_district_no_plan_covers_stays_declined_whatever_the_model_reads(judged, fake_openai):
    set_odds(fake_openai, 0.99)
    assert judged.answer(ELSEWHERE).refused


def test_a_model_that_cannot_judge_leaves_the_word_checks_standing(judged, unjudged, fake_openai):
    fake_openai.script.first_token = None  # an endpoint without logprobs
    a = judged.answer(NAMED)
    assert not a.refused and a.text == unjudged.answer(NAMED).text
    assert judged.answer(UNWRITTEN).refused
