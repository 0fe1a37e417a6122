"""The model's pick among the best sentences (assistant/modelchoice.py): where the words cover a question
little, the sentence the embedded model reads as answering, by a margin over the words' first, leads the
quotes (here those its unverifiable reply falls back to); within the margin the words' order stands; each prompt is put to the model once. Real index
and embedding model; the model is the fake OpenAI server speaking OpenAI's logprobs wire format. Our own
sentences."""

from __future__ import annotations

import re

from fake_openai import FakeOpenAI, set_odds, set_odds_when

from assistant.params import load_params
from assistant.types import Trace

LOOSE = "东丽区给环卫工人发什么福利？"  # one word of the plans' in it: passages that share it and answer nothing


def _asked(server: FakeOpenAI) -> list[str]:
    """The plan's sentences the model was asked about, in the order asked."""
    return [re.search(r"规划原文：(.*?)\n\n用户的问题", r["messages"][-1]["content"], re.S).group(1)
            for r in server.state.requests if r.get("logprobs")]


def _first_line(text: str) -> str:
    """The answer's first quoted line (after a note in brackets), without its marks."""
    return re.sub(r"\[\d+\]", "", next(line for line in text.splitlines() if not line.startswith("（")))


def _pick_sentences(assistant, fake_openai: FakeOpenAI) -> list[str]:
    """The sentences the pick reads for LOOSE (asked with even odds, so nothing is picked)."""
    set_odds(fake_openai, 0.5)
    tr = Trace()
    assistant.answer(LOOSE, trace=tr)
    assert tr.coverage < load_params().judge.choice_coverage, tr.coverage
    read = _asked(fake_openai)[: load_params().judge.choice_sentences]
    assert len(read) == load_params().judge.choice_sentences, read
    fake_openai.reset()
    return read


def test_the_sentence_the_model_reads_as_answering_leads_the_answer(judged_embedded, unjudged, fake_openai):
    first, *_, last = _pick_sentences(judged_embedded, fake_openai)
    words = unjudged.answer(LOOSE)
    assert _first_line(words.text).strip() == first.strip(), (words.text, first)
    set_odds(fake_openai, 0.3)
    set_odds_when(fake_openai, last, 0.95)
    a = judged_embedded.answer(LOOSE)
    assert not a.refused, a.text
    assert _first_line(a.text).strip() == last.strip(), (a.text, last)
    assert last.strip() in a.citations[0].chunk.text


def test_a_pick_within_the_margin_leaves_the_words_order(judged_embedded, unjudged, fake_openai):
    first, *_, last = _pick_sentences(judged_embedded, fake_openai)
    set_odds(fake_openai, 0.6)
    set_odds_when(fake_openai, last, 0.6 + load_params().judge.choice_margin / 2)
    a = judged_embedded.answer(LOOSE)
    assert a.text == unjudged.answer(LOOSE).text


def test_each_prompt_is_put_to_the_model_once(judged_embedded, fake_openai):
    *_, last = _pick_sentences(judged_embedded, fake_openai)
    set_odds(fake_openai, 0.3)
    set_odds_when(fake_openai, last, 0.95)
    judged_embedded.answer(LOOSE)
    prompts = [r["messages"][-1]["content"] for r in fake_openai.state.requests if r.get("logprobs")]
    assert len(prompts) >= load_params().judge.choice_sentences
    assert len(prompts) == len(set(prompts)), prompts


def test_the_other_sentences_are_not_read_when_the_first_surely_answers(judged_embedded, unjudged, fake_openai):
    first, *others = _pick_sentences(judged_embedded, fake_openai)
    set_odds(fake_openai, 0.3)
    set_odds_when(fake_openai, first, 0.95)
    a = judged_embedded.answer(LOOSE)
    assert a.text == unjudged.answer(LOOSE).text
    assert not any(o in asked for o in others for asked in _asked(fake_openai)), _asked(fake_openai)
