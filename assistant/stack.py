"""`planqa run`: the whole service from one command.

1. builds the index from settings.docs_dir on first run (progress bars on stderr);
2. starts the API (uvicorn, in a thread of this process) and the Streamlit UI (a child process);
3. waits until both answer, prints the URLs;
4. with llm_mode auto/local and no remote endpoint, starts the local LLM in the background if the
   `local` extra is installed, under `ModelSupervisor` (proven by a smoke generation, restarted
   when it dies): the UI never waits for it, answers are extractive until it is loaded (the
   Assistant looks for it again every few seconds);
5. on Ctrl-C or SIGTERM stops the UI, the API and the model, leaving no process behind (the
   children follow `assistant.children`'s orphan rule, so even a SIGKILL of this process does).

Also `python -m assistant.stack` (settings from the PLANQA_* environment).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import IO, Any

import httpx
from pydantic import SecretStr

from assistant.children import Child, describe_exit
from assistant.settings import REPO_ROOT, Settings
from vectorstore.errors import ConfigError, PlanQAError

log = logging.getLogger(__name__)

UI_SCRIPT = REPO_ROOT / "ui" / "app.py"
START_TIMEOUT = 90.0
STOP_TIMEOUT = 10.0
STAGES = {"load": "读取文档 load", "embed": "向量化 embed", "store": "写入索引 store"}


# -- index ------------------------------------------------------------------------------------------
def ensure_index(settings: Settings, out: IO[str] = sys.stderr) -> bool:
    """Build the index from settings.docs_dir if there is none; True when one was built."""
    from vectorstore.index import IndexStore

    if IndexStore(settings.index_dir).current_id() is not None:
        return False
    from tqdm import tqdm

    from vectorstore.ingest import discover, ingest

    docs = settings.docs_dir
    if not docs.is_dir():
        raise ConfigError(f"no index at {settings.index_dir} and no documents folder {docs}: "
                          f"set PLANQA_DOCS_DIR to the folder of plan files")
    if not discover([docs]):
        raise ConfigError(f"no plan could be read from {docs}: it holds no files; add .txt/.md/.docx/.pdf plans")
    print(f"首次运行：正在从 {docs} 建立索引 (first run: building the index) …", file=out, flush=True)
    bars: dict[str, Any] = {}

    def progress(stage: str, i: int, n: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(total=n, desc=STAGES.get(stage, stage), file=out, unit="",
                                     dynamic_ncols=True, leave=True)
        bar.total = n
        bar.n = i
        bar.refresh()

    try:
        report = ingest(settings.index_dir, [docs], progress=progress, lexicon_dir=settings.lexicon_dir,
                        chroma=settings.chroma, dense=settings.embed_text)
    except ValueError as exc:  # e.g. every file failed to load: nothing to index
        raise ConfigError(f"no plan could be read from {docs}: {exc}") from exc
    finally:
        for bar in bars.values():
            bar.close()
    for path, err in report.errors:
        print(f"  跳过 skipped {Path(path).name}: {err}", file=out)
    if report.documents == 0:
        raise ConfigError(f"no plan could be read from {docs}: add .txt/.md/.docx/.pdf files")
    print(f"索引已建立 index built: {report.documents} documents, {report.chunks} passages, "
          f"{report.seconds:.0f} s", file=out, flush=True)
    return True


# -- children ---------------------------------------------------------------------------------------
def child_env(settings: Settings, exclude: tuple[str, ...] = ()) -> dict[str, str]:
    """The environment for a child process: PLANQA_* set from `settings` (which may differ from
    this process's environment, e.g. after command-line overrides)."""
    env = dict(os.environ)
    for name, value in settings.model_dump().items():
        key = f"PLANQA_{name.upper()}"
        if name in exclude or value is None:
            env.pop(key, None)
        else:
            env[key] = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
    env["PYTHONPATH"] = str(REPO_ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def streamlit_command(settings: Settings) -> list[str]:
    """The Streamlit UI's arguments to Python (run as a `Child`, so it cannot outlive this process)."""
    return [
        "-m", "streamlit", "run", str(UI_SCRIPT), "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.port", str(settings.ui_port), "--server.address", settings.api_host,
        "--server.fileWatcherType", "none", "--client.toolbarMode", "minimal",
    ]


def _connect_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "", "::") else host


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host if host not in ("", "::") else "0.0.0.0", port))
        except OSError:
            return False
    return True


def wait_http(url: str, stop: threading.Event, timeout: float = START_TIMEOUT,
              alive: Callable[[], bool] = lambda: True) -> bool:
    """Poll `url` until it answers 200; False on timeout, stop, or when `alive()` turns False."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not stop.is_set() and alive():
        try:
            if httpx.get(url, timeout=2.0).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        stop.wait(0.25)
    return False


def _start_model(settings: Settings, out: IO[str]) -> Any:
    """The supervised embedded model, loading in the background (None when not wanted or installed)."""
    from assistant.localmodel import installed_runtimes, server_is_up
    from assistant.modelsupervisor import ModelSupervisor

    if not ModelSupervisor.wanted(settings):
        return None
    if server_is_up(settings.llm_local_port):
        print(f"本地模型已在运行 local LLM already serving on 127.0.0.1:{settings.llm_local_port}", file=out)
        return None
    if not installed_runtimes():
        print("未安装本地模型（scripts/setup.sh dev,local），使用原文摘录回答 "
              "(local LLM not installed: extractive answers)", file=out)
        return None
    print("本地模型加载中（后台）… local LLM loading in the background", file=out, flush=True)
    sup = ModelSupervisor(settings, out)
    sup.start()
    return sup


# -- the stack --------------------------------------------------------------------------------------
def run_stack(settings: Settings, out: IO[str] = sys.stdout) -> int:
    """Build the index if missing, start API + UI (+ the local LLM in the background), wait for
    Ctrl-C/SIGTERM, stop everything. Returns the exit code."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=settings.log_level.upper(),
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # readiness polls are not news
    try:
        for what, port, env in (("API", settings.api_port, "PLANQA_API_PORT"), ("UI", settings.ui_port, "PLANQA_UI_PORT")):
            if not port_free(settings.api_host, port):
                raise ConfigError(f"port {port} on {settings.api_host} is in use, so the {what} cannot start: "
                                  f"stop what runs there or set {env}")
        ensure_index(settings)
    except PlanQAError as exc:
        print(f"PlanQA: {exc}", file=sys.stderr)
        return 2

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    host = _connect_host(settings.api_host)
    api_url, ui_url = f"http://{host}:{settings.api_port}", f"http://{host}:{settings.ui_port}"
    logs = settings.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    ui = Child("UI", streamlit_command(settings), env=child_env(settings, exclude=("admin_token",)),
               cwd=REPO_ROOT, log_path=logs / "ui.log")
    server: Any = None
    api_thread: threading.Thread | None = None
    model: Any = None
    code = 0
    try:
        from assistant.api import make_server

        server = make_server(settings)
        api_thread = threading.Thread(target=server.run, name="planqa-api", daemon=True)
        api_thread.start()
        ui.start()
        api_ok = wait_http(f"{api_url}/healthz", stop, alive=api_thread.is_alive)
        ui_ok = api_ok and wait_http(f"{ui_url}/_stcore/health", stop, alive=ui.running)
        if stop.is_set():
            return 130
        if not (api_ok and ui_ok):
            which = "API" if not api_ok else f"UI (log: {logs / 'ui.log'})"
            print(f"PlanQA: the {which} did not start within {START_TIMEOUT:.0f} s", file=sys.stderr)
            return 1
        model = _start_model(settings, out)
        gen = {"extractive": "原文摘录 extractive", "remote": f"远程模型 remote {settings.llm_base_url}"}.get(
            settings.llm_mode, "本地模型（后台加载）/ 原文摘录 local LLM when loaded, else extractive")
        if settings.llm_mode == "auto" and settings.llm_base_url:
            gen = f"远程模型 remote {settings.llm_base_url}"
        print(f"\nPlanQA 规划问答 已启动 running:\n"
              f"  界面 UI:   {ui_url}\n"
              f"  接口 API:  {api_url}   (文档 docs: {api_url}/docs)\n"
              f"  生成方式:  {gen}\n"
              f"按 Ctrl-C 停止 (Ctrl-C to stop)\n", file=out, flush=True)
        while not stop.wait(0.5):
            if not ui.running():
                print(f"PlanQA: the UI {describe_exit(ui.returncode)} (log: {logs / 'ui.log'})", file=sys.stderr)
                code = 1
                break
            if not api_thread.is_alive():
                print("PlanQA: the API stopped", file=sys.stderr)
                code = 1
                break
        return code
    finally:
        print("正在停止 stopping …", file=out, flush=True)
        if model is not None:
            model.stop()
        ui.stop(STOP_TIMEOUT)
        if server is not None:
            server.should_exit = True
        if api_thread is not None:
            api_thread.join(STOP_TIMEOUT)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        print("已停止 stopped", file=out, flush=True)


def main() -> int:
    return run_stack(Settings())


if __name__ == "__main__":
    sys.exit(main())
