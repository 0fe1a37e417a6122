"""OpenAIChatModel against a real HTTP server that speaks the OpenAI wire format."""

from __future__ import annotations

import socket
import time

import pytest
from fake_openai import MODEL_ID, FakeOpenAI

from assistant.generate import ChatModel, OpenAIChatModel
from assistant.selectmodel import chat_model_from_settings, health
from assistant.settings import Settings
from vectorstore.errors import ConfigError, GeneratorError

MESSAGES = [{"role": "system", "content": "只根据材料回答。"}, {"role": "user", "content": "规划期是哪几年？"}]


def make_model(server: FakeOpenAI, **kw: object) -> OpenAIChatModel:
    args: dict = {"model": MODEL_ID, "api_key": "sk-test", "timeout": 2.0, "max_retries": 2}
    args.update(kw)
    return OpenAIChatModel(server.base_url, **args)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_complete_returns_text_and_sends_the_request(fake_openai: FakeOpenAI) -> None:
    fake_openai.script.reply = "2021—2025年。"
    model = make_model(fake_openai)
    assert isinstance(model, ChatModel)
    out = model.complete(MESSAGES, max_tokens=50, temperature=0.2, stop=["\n\n"])
    assert out == "2021—2025年。"
    assert fake_openai.calls == 1
    sent = fake_openai.state.requests[0]
    assert sent["model"] == MODEL_ID
    assert sent["messages"] == MESSAGES
    assert sent["max_tokens"] == 50 and sent["temperature"] == 0.2 and sent["stop"] == ["\n\n"]
    assert not sent.get("stream")
    assert fake_openai.state.headers[0]["authorization"] == "Bearer sk-test"


def test_stream_yields_tokens_incrementally_in_order(fake_openai: FakeOpenAI) -> None:
    pieces = ["规划", "期为", "2021", "—", "2025", "年。"]
    fake_openai.script.tokens = pieces
    fake_openai.script.token_interval = 0.15
    model = make_model(fake_openai)
    start = time.monotonic()
    got, arrivals = [], []
    for piece in model.stream(MESSAGES, max_tokens=50):
        got.append(piece)
        arrivals.append(time.monotonic() - start)
    assert got == pieces
    assert fake_openai.state.requests[0]["stream"] is True
    # Incremental: the first piece arrived long before the last one was produced.
    assert arrivals[-1] - arrivals[0] > 0.5
    assert all(b >= a for a, b in zip(arrivals, arrivals[1:], strict=False))


def test_a_500_then_success_is_retried(fake_openai: FakeOpenAI) -> None:
    fake_openai.script.fail_first = 1
    fake_openai.script.reply = "好的"
    assert make_model(fake_openai).complete(MESSAGES, max_tokens=10) == "好的"
    assert fake_openai.calls == 2


def test_stream_is_retried_after_a_500_before_any_token(fake_openai: FakeOpenAI) -> None:
    fake_openai.script.fail_first = 2
    fake_openai.script.reply = "好的"
    assert "".join(make_model(fake_openai).stream(MESSAGES, max_tokens=10)) == "好的"
    assert fake_openai.calls == 3


def test_persistent_500_gives_generator_error_after_bounded_retries(fake_openai: FakeOpenAI) -> None:
    fake_openai.script.fail_first = 100
    model = make_model(fake_openai, max_retries=2)
    with pytest.raises(GeneratorError) as info:
        model.complete(MESSAGES, max_tokens=10)
    assert fake_openai.calls == 3  # 1 try + 2 retries
    msg = str(info.value)
    assert fake_openai.base_url in msg and "HTTP 500" in msg and "3 attempts" in msg


def test_persistent_500_when_streaming(fake_openai: FakeOpenAI) -> None:
    fake_openai.script.fail_first = 100
    with pytest.raises(GeneratorError, match="HTTP 502"):
        fake_openai.script.fail_status = 502
        list(make_model(fake_openai, max_retries=1).stream(MESSAGES, max_tokens=10))
    assert fake_openai.calls == 2


def test_delay_beyond_timeout_fails_quickly(fake_openai: FakeOpenAI) -> None:
    fake_openai.script.delay = 5.0
    model = make_model(fake_openai, timeout=0.3, max_retries=1)
    start = time.monotonic()
    with pytest.raises(GeneratorError) as info:
        model.complete(MESSAGES, max_tokens=10)
    elapsed = time.monotonic() - start
    assert elapsed < 2.0  # 2 attempts x 0.3 s + backoff, far below the 5 s delay
    assert "did not answer within 0.3 s" in str(info.value) and "PLANQA_LLM_TIMEOUT" in str(info.value)
    assert fake_openai.calls == 2


def test_stalled_stream_times_out(fake_openai: FakeOpenAI) -> None:
    fake_openai.script.tokens = ["一", "二", "三"]
    fake_openai.script.token_interval = 3.0
    model = make_model(fake_openai, timeout=0.3, max_retries=0)
    start = time.monotonic()
    with pytest.raises(GeneratorError, match="did not answer"):
        list(model.stream(MESSAGES, max_tokens=10))
    assert time.monotonic() - start < 2.0


def test_malformed_json_is_a_generator_error(fake_openai: FakeOpenAI) -> None:
    fake_openai.script.malformed = True
    with pytest.raises(GeneratorError, match="malformed") as info:
        make_model(fake_openai).complete(MESSAGES, max_tokens=10)
    assert fake_openai.base_url in str(info.value)
    assert fake_openai.calls == 1  # a broken body is not retried


def test_malformed_stream_chunk_is_a_generator_error(fake_openai: FakeOpenAI) -> None:
    fake_openai.script.malformed = True
    with pytest.raises(GeneratorError):
        list(make_model(fake_openai).stream(MESSAGES, max_tokens=10))


def test_no_choices_and_empty_content_are_generator_errors(fake_openai: FakeOpenAI) -> None:
    fake_openai.script.no_choices = True
    with pytest.raises(GeneratorError, match="no choices"):
        make_model(fake_openai).complete(MESSAGES, max_tokens=10)
    fake_openai.reset()
    fake_openai.script.reply = ""
    with pytest.raises(GeneratorError, match="empty reply"):
        make_model(fake_openai).complete(MESSAGES, max_tokens=10)
    with pytest.raises(GeneratorError, match="empty reply"):
        list(make_model(fake_openai).stream(MESSAGES, max_tokens=10))


def test_401_is_not_retried(fake_openai: FakeOpenAI) -> None:
    fake_openai.script.status = 401
    with pytest.raises(GeneratorError) as info:
        make_model(fake_openai, max_retries=3).complete(MESSAGES, max_tokens=10)
    assert fake_openai.calls == 1
    msg = str(info.value)
    assert "HTTP 401" in msg and "PLANQA_LLM_API_KEY" in msg and "sk-test" not in msg


def test_404_names_model_and_is_not_retried_when_streaming(fake_openai: FakeOpenAI) -> None:
    fake_openai.script.status = 404
    with pytest.raises(GeneratorError, match="PLANQA_LLM_MODEL"):
        list(make_model(fake_openai, max_retries=3).stream(MESSAGES, max_tokens=10))
    assert fake_openai.calls == 1


def test_stream_broken_mid_reply_is_a_generator_error_without_retry(fake_openai: FakeOpenAI) -> None:
    fake_openai.script.tokens = ["一", "二", "三", "四"]
    fake_openai.script.break_after = 2
    got: list[str] = []
    with pytest.raises(GeneratorError, match="mid-stream"):
        for piece in make_model(fake_openai).stream(MESSAGES, max_tokens=10):
            got.append(piece)
    assert got == ["一", "二"]
    assert fake_openai.calls == 1


def test_unreachable_endpoint_names_it() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    model = OpenAIChatModel(url, model="m", timeout=1.0, max_retries=1)
    start = time.monotonic()
    with pytest.raises(GeneratorError) as info:
        model.complete(MESSAGES, max_tokens=5)
    assert url in str(info.value) and "PLANQA_LLM_BASE_URL" in str(info.value)
    assert time.monotonic() - start < 5


def test_bad_configuration_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="PLANQA_LLM_MODEL"):
        OpenAIChatModel("http://127.0.0.1:1/v1", model="")
    with pytest.raises(ConfigError, match="http"):
        OpenAIChatModel("api.deepseek.com", model="deepseek-chat")
    with pytest.raises(ConfigError, match="PLANQA_LLM_BASE_URL"):
        chat_model_from_settings(Settings(llm_mode="remote", llm_base_url=""))


def test_factory_picks_remote_local_or_none(fake_openai: FakeOpenAI) -> None:
    remote = chat_model_from_settings(Settings(llm_base_url=fake_openai.base_url, llm_model=MODEL_ID,
                                               llm_api_key="sk-x"))
    assert isinstance(remote, OpenAIChatModel) and remote.name == f"remote:{MODEL_ID}"
    assert "sk-x" not in repr(remote)
    assert chat_model_from_settings(Settings(llm_mode="extractive", llm_base_url=fake_openai.base_url)) is None
    # No remote URL: the "local" server is whatever answers /health + /v1/models on the local port.
    local = chat_model_from_settings(Settings(llm_local_port=fake_openai.port))
    assert isinstance(local, OpenAIChatModel) and local.model == MODEL_ID
    # What a model is, not its name: the embedded one (checked against the plan's sentences, trusted to judge with
    # the logprobs its server serves) and a remote one.
    assert local.embedded and local.judges and not remote.embedded and not remote.judges
    from assistant.chats import ChatPicker

    assert ChatPicker(Settings(), local).generator_name == "local"
    named_local = make_model(fake_openai, name="local:but-remote")
    assert ChatPicker(Settings(), named_local).generator_name == "remote"
    assert local.complete(MESSAGES, max_tokens=5) == fake_openai.script.reply
    assert chat_model_from_settings(Settings(llm_mode="local", llm_local_port=free_port())) is None
    assert chat_model_from_settings(Settings(llm_local_port=free_port())) is None


def test_health_reports_generator_and_reachability(fake_openai: FakeOpenAI) -> None:
    h = health(Settings(llm_base_url=fake_openai.base_url, llm_model=MODEL_ID, llm_api_key="sk-secret"))
    assert h["generator"] == "remote" and h["reachable"] is True and h["ok"] is True
    assert "sk-secret" not in repr(h)
    h = health(Settings(llm_base_url=f"http://127.0.0.1:{free_port()}/v1", llm_model="m"))
    assert h["generator"] == "remote" and h["reachable"] is False and h["ok"] is False
    h = health(Settings(llm_local_port=fake_openai.port))
    assert h["generator"] == "local" and h["ok"] is True and h["model"] == MODEL_ID
    h = health(Settings(llm_local_port=free_port()))
    assert h["generator"] == "extractive" and h["ok"] is True and "localmodel serve" in h["detail"]
    h = health(Settings(llm_mode="local", llm_local_port=free_port()))
    assert h["generator"] == "local" and h["ok"] is False
    assert health(Settings(llm_mode="extractive"))["generator"] == "extractive"


def test_odds_of_one_token_replies_come_from_the_first_tokens_logprobs(fake_openai: FakeOpenAI) -> None:
    fake_openai.script.first_token = {"是": 0.6, "否": 0.2, "不": 0.1, "Yes": 0.05}
    odds = make_model(fake_openai).odds(MESSAGES, ("是", "否"))
    assert odds == pytest.approx({"是": 0.75, "否": 0.25})  # among the options asked, summing to 1
    sent = fake_openai.state.requests[0]
    assert sent["max_tokens"] == 1 and sent["logprobs"] is True and sent["top_logprobs"] == 20


def test_odds_from_an_endpoint_without_logprobs_is_a_generator_error(fake_openai: FakeOpenAI) -> None:
    with pytest.raises(GeneratorError, match="no logprobs"):
        make_model(fake_openai).odds(MESSAGES, ("是", "否"))
    fake_openai.reset()
    fake_openai.script.first_token = {"好": 0.9, "行": 0.1}
    with pytest.raises(GeneratorError, match="none of 是/否"):
        make_model(fake_openai).odds(MESSAGES, ("是", "否"))
