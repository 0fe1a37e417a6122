"""The LLM layer: one ``ChatModel`` protocol and an OpenAI-compatible client.

``OpenAIChatModel`` talks to any OpenAI-compatible ``/chat/completions`` endpoint — DeepSeek,
DashScope (compatible mode), vLLM, Ollama, or our own local llama.cpp server
(``python -m assistant.localmodel serve``). It has a timeout, bounded retries (connection errors,
timeouts and HTTP 5xx only; never 4xx), SSE streaming, and turns every failure into a
``GeneratorError`` that names the endpoint and says what to check.

Example::

    model = OpenAIChatModel("http://127.0.0.1:8081/v1", model="qwen")
    model.complete([{"role": "user", "content": "你好"}], max_tokens=64)   # → "你好！有什么可以帮您？"

``assistant.selectmodel`` picks the model the settings ask for.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import httpx
import openai

from assistant.settings import Settings
from vectorstore.errors import ConfigError, GeneratorError

Message = Mapping[str, str]
"""One chat message: {"role": "system" | "user" | "assistant", "content": "..."}."""

_DETAIL_CHARS = 300


@runtime_checkable
class ChatModel(Protocol):
    """What the answer pipeline needs from a generator."""

    name: str

    def complete(self, messages: Sequence[Message], *, max_tokens: int, temperature: float = 0.0,
                 stop: Sequence[str] | None = None) -> str:
        """The whole reply as one string (never empty); GeneratorError on any failure."""
        ...

    def stream(self, messages: Sequence[Message], *, max_tokens: int, temperature: float = 0.0,
               stop: Sequence[str] | None = None) -> Iterator[str]:
        """The reply piece by piece as the endpoint produces it; GeneratorError on any failure."""
        ...


class OpenAIChatModel:
    """A ChatModel over an OpenAI-compatible endpoint, via the ``openai`` client.

    ``base_url`` is the API root including its version path, e.g. ``https://api.deepseek.com/v1``,
    ``https://dashscope.aliyuncs.com/compatible-mode/v1``, ``http://127.0.0.1:11434/v1`` (Ollama),
    ``http://127.0.0.1:8765/v1`` (local). ``timeout`` bounds each attempt's wait for the response
    (for a stream: for each next piece); ``max_retries`` more attempts follow a connection error,
    a timeout, an HTTP 429 or 5xx: the ``openai`` client's own retries, with its backoff (and the
    server's Retry-After). A stream is retried only before its first piece.
    """

    def __init__(self, base_url: str, *, model: str, api_key: str = "", timeout: float = 60.0,
                 max_retries: int = 2, name: str | None = None,
                 extra_body: Mapping[str, Any] | None = None, embedded: bool = False, judges: bool = False) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ConfigError(f"PLANQA_LLM_BASE_URL={base_url!r} is not an http(s) URL: use e.g. "
                              f"https://api.deepseek.com/v1")
        if not model:
            raise ConfigError(f"no model name for the LLM endpoint {base_url}: set PLANQA_LLM_MODEL "
                              f"(e.g. deepseek-chat, qwen-plus, or the name your vLLM/Ollama serves)")
        if timeout <= 0:
            raise ConfigError(f"PLANQA_LLM_TIMEOUT={timeout} must be positive (seconds)")
        if max_retries < 0:
            raise ConfigError(f"PLANQA_LLM_MAX_RETRIES={max_retries} must be 0 or more")
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.timeout = timeout
        self.max_retries = max_retries
        self.extra_body = dict(extra_body or {})
        self.name = name or f"{model}@{self.base_url}"
        # What the model is, not what it is called: the small embedded model gets the few best sentences
        # and has its answer checked against them (assistant/llmanswer.py); a model trusted to judge with
        # ``odds`` (assistant/judging.py: mentions and answers checked) serves the first token's logprobs
        # and had its readings measured on the eval set (the embedded model's were).
        self.embedded = embedded
        self.judges = judges
        self._client = openai.OpenAI(base_url=self.base_url, api_key=api_key or "not-needed",
                                     timeout=timeout, max_retries=max_retries)

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenAIChatModel:
        """The remote endpoint of PLANQA_LLM_BASE_URL / _API_KEY / _MODEL / _TIMEOUT / _MAX_RETRIES."""
        if not settings.llm_base_url:
            raise ConfigError("PLANQA_LLM_BASE_URL is not set: set it to an OpenAI-compatible endpoint, "
                              "e.g. https://api.deepseek.com/v1")
        return cls(settings.llm_base_url, model=settings.llm_model, api_key=settings.llm_api_key.get_secret_value(),
                   timeout=settings.llm_timeout, max_retries=settings.llm_max_retries,
                   name=f"remote:{settings.llm_model}")

    def __repr__(self) -> str:  # never shows the API key
        return f"OpenAIChatModel(base_url={self.base_url!r}, model={self.model!r})"

    # ---------------------------------------------------------------- public API

    def complete(self, messages: Sequence[Message], *, max_tokens: int, temperature: float = 0.0,
                 stop: Sequence[str] | None = None) -> str:
        kwargs = self._request(messages, max_tokens, temperature, stop)
        return self._complete_once(kwargs)

    def stream(self, messages: Sequence[Message], *, max_tokens: int, temperature: float = 0.0,
               stop: Sequence[str] | None = None) -> Iterator[str]:
        kwargs = self._request(messages, max_tokens, temperature, stop)
        return self._stream(kwargs)

    def odds(self, messages: Sequence[Message], options: Sequence[str]) -> dict[str, float]:
        """How likely the reply's first token is each of the one-token ``options``, among them:
        ([…这段原文是否提到了“献血点”…], ("是", "否")) → {"是": 0.97, "否": 0.03}. GeneratorError when the
        endpoint gives no logprobs or none of the options is among its twenty likeliest first tokens."""
        kwargs = {**self._request(messages, 1, 0.0, None), "logprobs": True, "top_logprobs": 20}
        try:
            reply = self._client.chat.completions.create(**kwargs)
        except Exception as exc:
            raise self._translate(exc) from exc
        try:
            tops = reply.choices[0].logprobs.content[0].top_logprobs  # type: ignore[union-attr,index]
        except (AttributeError, IndexError, TypeError) as exc:
            raise self._malformed("it has no logprobs of the first token") from exc
        mass = {o: sum(math.exp(t.logprob) for t in tops if t.token.strip() == o) for o in options}
        total = sum(mass.values())
        if total <= 0:
            raise GeneratorError(f"the LLM endpoint {self.base_url} gave none of {'/'.join(options)} among its "
                                 f"likeliest first tokens: check that PLANQA_LLM_MODEL ({self.model!r}) is a chat model")
        return {o: m / total for o, m in mass.items()}

    def close(self) -> None:
        self._client.close()

    # ---------------------------------------------------------------- internals

    def _request(self, messages: Sequence[Message], max_tokens: int, temperature: float,
                 stop: Sequence[str] | None) -> dict[str, Any]:
        if not messages:
            raise ValueError("messages must not be empty")
        if max_tokens < 1:
            raise ValueError(f"max_tokens must be at least 1, got {max_tokens}")
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": [dict(m) for m in messages],
            "max_tokens": max_tokens,
            "temperature": temperature,
        }
        if stop:
            kwargs["stop"] = list(stop)
        if self.extra_body:
            kwargs["extra_body"] = dict(self.extra_body)
        return kwargs

    def _complete_once(self, kwargs: dict[str, Any]) -> str:
        try:
            raw = self._client.chat.completions.with_raw_response.create(**kwargs)
            body_text = raw.http_response.text
        except Exception as exc:
            raise self._translate(exc) from exc
        try:
            body = json.loads(body_text)
        except ValueError as exc:
            raise self._malformed(f"the body is not JSON: {body_text[:120]!r}") from exc
        return self._content_of(body)

    def _content_of(self, body: Any) -> str:
        if not isinstance(body, dict):
            raise self._malformed(f"expected a JSON object, got {type(body).__name__}")
        if "error" in body and not body.get("choices"):
            raise GeneratorError(f"the LLM endpoint {self.base_url} returned an error: "
                                 f"{_short(json.dumps(body['error'], ensure_ascii=False))}")
        choices = body.get("choices")
        if not isinstance(choices, list) or not choices:
            raise self._malformed("it has no choices")
        first = choices[0]
        message = first.get("message") if isinstance(first, dict) else None
        content = message.get("content") if isinstance(message, dict) else None
        if not isinstance(content, str) or not content.strip():
            reason = first.get("finish_reason") if isinstance(first, dict) else None
            raise GeneratorError(
                f"the LLM endpoint {self.base_url} returned an empty reply (finish_reason={reason!r}): "
                f"check that max_tokens leaves room for an answer and that PLANQA_LLM_MODEL "
                f"({self.model!r}) is a chat model"
            )
        return content

    def _stream(self, kwargs: dict[str, Any]) -> Iterator[str]:
        try:
            chunks = self._client.chat.completions.create(stream=True, **kwargs)  # retried by the client
        except Exception as exc:
            raise self._translate(exc) from exc
        yielded = False
        try:
            with chunks:
                for chunk in chunks:
                    piece = _delta_text(chunk)
                    if piece:
                        yielded = True
                        yield piece
        except GeneratorError:
            raise
        except Exception as exc:
            err = self._translate(exc)
            if yielded:  # never retried: the text already handed out would repeat
                raise GeneratorError(f"{err} (the reply broke off mid-stream)") from exc
            raise err from exc
        if not yielded:
            raise GeneratorError(f"the LLM endpoint {self.base_url} streamed an empty reply: check "
                                 f"that PLANQA_LLM_MODEL ({self.model!r}) is a chat model")

    def _malformed(self, what: str) -> GeneratorError:
        return GeneratorError(f"the LLM endpoint {self.base_url} returned a malformed chat completion "
                              f"({what}): check that PLANQA_LLM_BASE_URL points at an OpenAI-compatible "
                              f"API root (usually ending in /v1)")

    def _translate(self, exc: Exception) -> GeneratorError:
        """Map an exception from the client to a GeneratorError that says what to check."""
        if isinstance(exc, GeneratorError):
            return exc
        err = self._classify(exc)
        err.__cause__ = exc
        return err

    def _classify(self, exc: Exception) -> GeneratorError:
        url = self.base_url
        tries = f" (after {self.max_retries + 1} attempts)" if self.max_retries else ""
        if isinstance(exc, openai.APITimeoutError):
            return GeneratorError(
                f"the LLM endpoint {url} did not answer within {self.timeout:g} s{tries}: check that the "
                f"server is up and not overloaded, or raise PLANQA_LLM_TIMEOUT")
        if isinstance(exc, openai.APIConnectionError):
            cause = exc.__cause__ or exc
            return GeneratorError(
                f"cannot reach the LLM endpoint {url} ({type(cause).__name__}: {_short(str(cause))}){tries}: "
                f"check PLANQA_LLM_BASE_URL and that the server is running (for the local model: "
                f"python -m assistant.localmodel serve)")
        if isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            detail = _short(_error_detail(exc))
            if status >= 500:
                return GeneratorError(
                    f"the LLM endpoint {url} failed with HTTP {status} ({detail}){tries}: the server side is "
                    f"in trouble; check its logs or try later")
            hint = {
                400: f"check PLANQA_LLM_MODEL ({self.model!r}) and that the prompt fits the model's context",
                401: "check PLANQA_LLM_API_KEY",
                403: "check PLANQA_LLM_API_KEY and that the account may use this model",
                404: f"check PLANQA_LLM_MODEL ({self.model!r}) and that PLANQA_LLM_BASE_URL is the API "
                     f"root (usually ending in /v1)",
                429: "rate limit or quota reached; check the account's quota or wait",
            }.get(status, "check PLANQA_LLM_BASE_URL, PLANQA_LLM_MODEL and PLANQA_LLM_API_KEY")
            return GeneratorError(f"the LLM endpoint {url} rejected the request with HTTP {status} "
                                  f"({detail}): {hint}")
        if isinstance(exc, openai.APIResponseValidationError | ValueError | KeyError | TypeError |
                      AttributeError | httpx.DecodingError):
            return self._malformed(f"{type(exc).__name__}: {_short(str(exc))}")
        if isinstance(exc, openai.OpenAIError | httpx.HTTPError | OSError):
            return GeneratorError(
                f"the LLM endpoint {url} failed ({type(exc).__name__}: {_short(str(exc))}): check "
                f"PLANQA_LLM_BASE_URL and that the server is running")
        return GeneratorError(f"the LLM endpoint {url} failed unexpectedly ({type(exc).__name__}: "
                              f"{_short(str(exc))})")


def _delta_text(chunk: Any) -> str:
    """The content piece of one streamed chunk; chunks without choices (e.g. usage) give ''."""
    choices = getattr(chunk, "choices", None)
    if choices is None:
        raise ValueError(f"stream chunk has no choices: {_short(repr(chunk))}")
    if not choices:
        return ""
    delta = getattr(choices[0], "delta", None)
    content = getattr(delta, "content", None) if delta is not None else None
    return content if isinstance(content, str) else ""


def _error_detail(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and err.get("message"):
            return str(err["message"])
        return json.dumps(err, ensure_ascii=False)
    if body:
        return str(body)
    try:
        return exc.response.text or exc.message
    except Exception:
        return exc.message


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _DETAIL_CHARS else text[: _DETAIL_CHARS - 1] + "…"
