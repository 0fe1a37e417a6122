"""Serving the local model: settings checked, a broken model's failure reported, the real model answering."""

from __future__ import annotations

import importlib.util
import socket
from pathlib import Path

import pytest

from assistant import localmodel
from assistant.localmodel import LocalModelServer
from assistant.modelfile import DEFAULT_MODEL
from assistant.settings import Settings
from vectorstore.errors import ConfigError, ModelError


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])




def test_server_settings_are_checked(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="PLANQA_LLM_LOCAL_PORT"):
        LocalModelServer(tmp_path / "m.gguf", port=0)
    with pytest.raises(ConfigError, match="PLANQA_LLM_CTX"):
        LocalModelServer(tmp_path / "m.gguf", port=8765, n_ctx=16)
    srv = LocalModelServer(tmp_path / "m.gguf", port=8765)
    assert srv.base_url == "http://127.0.0.1:8765/v1"
    with pytest.raises(ModelError, match="before start"):
        srv.wait_ready(1)
    srv.stop()  # harmless when never started


def _runtime_missing(runtime: str) -> bool:
    return importlib.util.find_spec({"xllamacpp": "xllamacpp", "llama-cpp-python": "llama_cpp"}[runtime]) is None


RUNTIME_PARAMS = [
    pytest.param(r, marks=pytest.mark.skipif(_runtime_missing(r), reason=f"{r} is not installed (scripts/setup.sh "
                                                                       f"dev,local)"))
    for r in localmodel.RUNTIMES
]


def test_runtime_choice_is_checked() -> None:
    with pytest.raises(ConfigError, match="PLANQA_LLM_RUNTIME='vllm'"):
        localmodel.resolve_runtime("vllm")
    if not _runtime_missing("llama-cpp-python"):
        assert localmodel.resolve_runtime("auto") == "llama-cpp-python"  # the faster one wins


@pytest.mark.parametrize("runtime", RUNTIME_PARAMS)
def test_server_that_cannot_load_reports_why(tmp_path: Path, runtime: str) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF\x03\x00\x00\x00" + b"\x00" * 64)
    srv = LocalModelServer(broken, port=free_port(), log_path=tmp_path / "srv.log", runtime=runtime)
    srv.start()
    with pytest.raises(ModelError, match="exited") as info:
        srv.wait_ready(timeout=30)
    assert "cannot load" in str(info.value)  # the child's own message, from the log tail
    assert not srv.running()
    srv.stop()


def test_cli_help_and_verify_without_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        localmodel.main(["--help"])
    assert info.value.code == 0
    assert "examples:" in capsys.readouterr().out
    monkeypatch.setenv("PLANQA_DATA_DIR", str(tmp_path))
    assert localmodel.main(["verify"]) == 1
    assert "prepare" in capsys.readouterr().err


def _local_extra_missing() -> str | None:
    for name in ("xllamacpp", *DEFAULT_MODEL.part_modules):
        if importlib.util.find_spec(name) is None:
            return f"the `local` extra is not installed ({name} missing): pip install -e '.[local]'"
    return None


@pytest.mark.slow
@pytest.mark.skipif(_local_extra_missing() is not None, reason=str(_local_extra_missing()))
@pytest.mark.parametrize("runtime", RUNTIME_PARAMS)
def test_real_model_answers_in_chinese(runtime: str) -> None:
    from assistant.generate import OpenAIChatModel

    settings = Settings(llm_local_port=free_port(), llm_ctx=2048, llm_runtime=runtime)
    with LocalModelServer.from_settings(settings) as srv:
        model = OpenAIChatModel(srv.base_url, model=srv.alias, timeout=120, max_retries=0)
        answer = model.complete(
            [{"role": "system", "content": "你是一个简洁的中文助手。"},
             {"role": "user", "content": "材料：“到2025年，每千人口医疗卫生机构床位数达到6.5张。”\n"
                                         "问题：到2025年每千人口床位数目标是多少？请用中文回答。"}],
            max_tokens=48,
        )
        assert any("\u4e00" <= ch <= "\u9fff" for ch in answer), answer
        assert "6.5" in answer, answer
        streamed = "".join(model.stream([{"role": "user", "content": "用中文说“你好”。"}], max_tokens=8))
        assert streamed.strip()
        # The judge's reading (assistant/mentioncheck.py), on each runtime: odds from the first token's logprobs.
        from assistant.mentioncheck import mention_odds

        about = mention_odds(model, "孩子出生后的几样手续一次办好", "推动出生医学证明、儿童预防接种、户口登记、医保参保等“出生一件事”联办。")
        other = mention_odds(model, "孩子出生后的几样手续一次办好", "强化严重精神障碍登记报告和服务管理。")
        assert about > 0.8 > other, (about, other)
        # The answer check's reading (assistant/answercheck.py): a sentence giving what is asked against one
        # sharing only a word with it.
        from assistant.answercheck import answer_odds

        asked = "规划打算把床位数提到每千人几张？"
        answers = answer_odds(model, asked, "到2025年，每千人口医疗卫生机构床位数达到6.5张。")
        shares = answer_odds(model, asked, "推进医疗卫生机构食堂服务规范化管理。")
        assert answers > 0.5 > shares, (answers, shares)
    assert not srv.running()
