"""An answer (not a mention) checked by a model that can judge (assistant/answercheck.py): when its
passages cover little of the question, the model's odds that their sentence nearest the question
answers it decide whether it stands or is declined with the closest passages; a question the words
cover well is not put to the model. Real index and embedding model; the model is the fake OpenAI
server speaking OpenAI's logprobs wire format. Our own sentences."""

from __future__ import annotations

from fake_openai import FakeOpenAI, set_odds

from assistant.answercheck import NOT_ANSWERED
from assistant.types import Trace

LOOSE = "东丽区给环卫工人发什么福利？"  # one word of the plans' in it: passages that share it and answer nothing
COVERED = "东丽规划的人均期望寿命（岁）一栏2025年填的是多少？"  # the indicator's row holds most of its words


def _judge_requests(server: FakeOpenAI) -> list[dict]:
    return [r for r in server.state.requests if r.get("logprobs")]


def test_the_words_alone_answer_a_question_they_cover_little_of(unjudged, fake_openai):
    tr = Trace()
    a = unjudged.answer(LOOSE, trace=tr)
    assert not a.refused and tr.coverage < 0.5, (a.text, tr.coverage)
    assert not _judge_requests(fake_openai)


def test_an_answer_the_model_reads_as_not_answering_is_declined_with_the_closest_passages(judged, fake_openai):
    set_odds(fake_openai, 0.1)
    a = judged.answer(LOOSE)
    assert a.refused and a.nearby, a.text
    assert NOT_ANSWERED in a.notes, a.notes
    asked = _judge_requests(fake_openai)[-1]["messages"][-1]["content"]
    assert "环卫工人" in asked and "规划原文：" in asked


def test_an_answer_the_model_reads_as_answering_stands(judged, unjudged, fake_openai):
    set_odds(fake_openai, 0.6)
    a = judged.answer(LOOSE)
    assert not a.refused and a.text == unjudged.answer(LOOSE).text


def test_a_question_the_words_cover_well_is_not_put_to_the_model(judged, fake_openai):
    set_odds(fake_openai, 0.01)
    a = judged.answer(COVERED)
    assert not a.refused and "82岁" in a.text, a.text
    assert not _judge_requests(fake_openai)


def test_a_model_that_cannot_judge_leaves_the_answer_standing(judged, unjudged, fake_openai):
    fake_openai.script.first_token = None  # an endpoint without logprobs
    a = judged.answer(LOOSE)
    assert not a.refused and a.text == unjudged.answer(LOOSE).text
