"""Which chat model the settings select, and whether it answers (for /readyz).

Example::

    model = chat_model_from_settings(Settings(llm_mode="extractive"))   # → None: answers quote the plans
    health(Settings())["generator"]                                     # → "local" when the embedded model is up
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from assistant.generate import ChatModel, OpenAIChatModel
from assistant.settings import Settings

log = logging.getLogger(__name__)
def _local_root(settings: Settings) -> str:
    return f"http://127.0.0.1:{settings.llm_local_port}"


def probe_local(settings: Settings, timeout: float = 1.0) -> str | None:
    """The model id the local server serves, or None if nothing usable answers on its port."""
    root = _local_root(settings)
    try:
        health = httpx.get(f"{root}/health", timeout=timeout)
        if health.status_code != 200:  # 503 while the model is still loading
            return None
        models = httpx.get(f"{root}/v1/models", timeout=timeout)
        data = models.json().get("data") or []
        return str(data[0]["id"]) if data else "local"
    except (httpx.HTTPError, ValueError, KeyError, TypeError, AttributeError):
        return None


def local_chat_model(settings: Settings, model_id: str) -> OpenAIChatModel:
    return OpenAIChatModel(f"{_local_root(settings)}/v1", model=model_id, timeout=settings.llm_local_timeout,
                           max_retries=settings.llm_max_retries, name=f"local:{model_id}",
                           embedded=True, judges=True)


def chat_model_from_settings(settings: Settings) -> ChatModel | None:
    """The generator the settings ask for, or None for extractive answers.

    - ``extractive``: None.
    - ``remote``: the PLANQA_LLM_BASE_URL endpoint (ConfigError if it is not set).
    - ``auto``: the remote endpoint if PLANQA_LLM_BASE_URL is set, else the local server if it
      answers on 127.0.0.1:PLANQA_LLM_LOCAL_PORT, else None.
    - ``local``: the local server if it answers, else None.
    """
    mode = settings.llm_mode
    if mode == "extractive":
        return None
    if mode == "remote" or (mode == "auto" and settings.llm_base_url):
        return OpenAIChatModel.from_settings(settings)
    model_id = probe_local(settings)
    if model_id is None:
        log.info("no local LLM server answers on %s; answers will be extractive", _local_root(settings))
        return None
    return local_chat_model(settings, model_id)


def health(settings: Settings, timeout: float = 3.0) -> dict[str, Any]:
    """Which generator the settings select and whether it answers (for /readyz).

    Keys: ``mode``, ``generator`` ("remote" | "local" | "extractive"), ``endpoint``, ``model``,
    ``reachable`` (an HTTP answer came back), ``ok`` (usable for generation), ``detail``.
    Never raises and never includes the API key.
    """
    mode = settings.llm_mode
    info: dict[str, Any] = {"mode": mode, "generator": "extractive", "endpoint": None, "model": None,
                            "reachable": None, "ok": True, "detail": ""}
    if mode == "extractive":
        info["detail"] = "PLANQA_LLM_MODE=extractive: answers quote the passages, no LLM"
        return info
    if mode == "remote" or (mode == "auto" and settings.llm_base_url):
        base = settings.llm_base_url.rstrip("/")
        info.update(generator="remote", endpoint=base or None, model=settings.llm_model or None)
        if not base:
            info.update(reachable=False, ok=False, detail="PLANQA_LLM_MODE=remote but PLANQA_LLM_BASE_URL is not set")
            return info
        if not settings.llm_model:
            info.update(ok=False, detail="PLANQA_LLM_MODEL is not set")
        key = settings.llm_api_key.get_secret_value()
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        try:
            r = httpx.get(f"{base}/models", headers=headers, timeout=min(timeout, settings.llm_timeout))
        except httpx.HTTPError as exc:
            info.update(reachable=False, ok=False,
                        detail=f"cannot reach {base}/models ({type(exc).__name__}): check PLANQA_LLM_BASE_URL")
            return info
        info["reachable"] = True
        if r.status_code in (401, 403):
            info.update(ok=False, detail=f"HTTP {r.status_code} from {base}/models: check PLANQA_LLM_API_KEY")
        elif r.status_code >= 500:
            info.update(ok=False, detail=f"HTTP {r.status_code} from {base}/models: the server is in trouble")
        elif info["ok"]:
            info["detail"] = f"HTTP {r.status_code} from {base}/models"
        return info
    # local, or auto without a remote endpoint
    from assistant.modelsupervisor import ModelState, read_status

    root = _local_root(settings)
    model_id = probe_local(settings, timeout=min(timeout, 2.0))
    status = read_status(settings)
    if status is not None:
        info["local_model"] = status.to_json()
    if model_id is not None:
        runtime = f" (runtime {status.runtime})" if status is not None and status.runtime else ""
        info.update(generator="local", endpoint=f"{root}/v1", model=model_id, reachable=True, ok=True,
                    detail=f"local llama.cpp server is up{runtime}")
        return info
    hint = f"no local LLM server answers on {root} (start it: python -m assistant.localmodel serve)"
    if status is not None and status.state in (ModelState.STARTING, ModelState.RESTARTING, ModelState.FAILED):
        what = {ModelState.STARTING: "本地模型加载中", ModelState.RESTARTING: "本地模型重启中",
                ModelState.FAILED: "本地模型不可用"}[status.state]
        hint = f"{what}（{status.reason}）" if status.reason else what
    if mode == "local":
        info.update(generator="local", endpoint=f"{root}/v1", reachable=False, ok=False, detail=hint)
    else:
        info.update(detail=f"{hint}; answers are extractive" if status is None else f"{hint}，暂以原文摘录回答")
    return info
