"""A "有没有提到…" answer quotes the plan's sentence naming the topic; asked for a figure as well, it
quotes the sentence giving that figure."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def assistant(full_index: Path):
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    return Assistant(Settings(data_dir=full_index, llm_mode="extractive"))


def test_a_figure_asked_with_a_mention_is_quoted_from_the_sentence_giving_it(assistant) -> None:
    # The writer's 拨120 and 急救车 are the plan's 院前急救; the minutes asked stand in a sentence of their own,
    # quoted beside the one naming the vehicle.
    ans = assistant.answer("埇桥这份规划写没写拨120后急救车要在多少分钟以内到？")
    assert not ans.refused and "15分钟" in ans.text, ans.text
    assert any("15分钟" in c.chunk.text for c in ans.citations)
