"""The real embedded model (Qwen2.5-Coder-1.5B GGUF from PyPI parts, llama.cpp) answering a table
question on the real index with the right number and a citation. Slow: `make test-slow`."""

from __future__ import annotations

import importlib.util
import socket

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("xllamacpp") is None and importlib.util.find_spec("llama_cpp") is None,
                       reason="no llama.cpp runtime: scripts/setup.sh dev,local"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_local_model_answers_a_prose_figure_question_with_the_number_and_citation(full_index):
    from assistant.localmodel import LocalModelServer
    from assistant.pipeline import Assistant
    from assistant.settings import REPO_ROOT, Settings
    from assistant.types import Trace

    model_settings = Settings(data_dir=REPO_ROOT / "data", llm_local_port=_free_port(), llm_ctx=2048)
    with LocalModelServer.from_settings(model_settings):
        s = Settings(data_dir=full_index, llm_mode="local", llm_local_port=model_settings.llm_local_port)
        a = Assistant(s)
        assert a.generator_name == "local"
        tr = Trace()
        # Prose, not a table row: a table's figures are answered from the indicator store.
        ans = a.answer("东丽区规划里，大病专项救治的病种到2025年扩大到多少种？", trace=tr)
    assert not ans.refused
    assert "50" in ans.text, ans.text
    assert ans.citations and ans.citations[0].chunk.doc_id == "dongli"
    assert any("大病" in c.chunk.text and "50" in c.chunk.text for c in ans.citations)
    assert ans.generator == "local"
    print(f"local model answer: {ans.text!r} generator={ans.generator} first token {tr.first_token:.1f} s, "
          f"total {tr.stages.get('total', 0):.1f} s")
