"""The embedded default LLM served locally: an OpenAI-compatible llama.cpp server in a child process.

``LocalModelServer`` runs it on 127.0.0.1:<llm_local_port>: ``assistant.llamaserver`` over
llama-cpp-python (compiled for this CPU, about twice xllamacpp's prompt-reading speed here) when it
is installed, else xllamacpp's own server (prebuilt wheel). Talk to it with
``assistant.generate.OpenAIChatModel``. The model file itself (joined from PyPI parts and verified)
comes from ``assistant.modelfile``.

Command line::

    python -m assistant.localmodel prepare   # join + verify the default model (once, ~10 s)
    python -m assistant.localmodel verify    # re-check the cached file (full rehash)
    python -m assistant.localmodel serve     # prepare, then serve until Ctrl-C / SIGTERM
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import httpx

from assistant.children import Child, describe_exit
from assistant.modelfile import DEFAULT_MODEL, INSTALL_HINT, models_dir, resolve_gguf, verify_file
from assistant.settings import Settings
from vectorstore.errors import ConfigError, ModelError

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------------
# Serving
# --------------------------------------------------------------------------------------------


def server_is_up(port: int, timeout: float = 1.0) -> bool:
    """True when an llama.cpp server on 127.0.0.1:port answers /health with 200 (model loaded)."""
    try:
        r = httpx.get(f"http://127.0.0.1:{port}/health", timeout=timeout)
    except httpx.HTTPError:
        return False
    return r.status_code == 200


class LocalModelServer:
    """llama.cpp's OpenAI-compatible server for one GGUF, in a child process on 127.0.0.1.

    Example::

        with LocalModelServer.from_settings(settings) as srv:   # starts and waits until loaded
            model = OpenAIChatModel(srv.base_url, model=srv.alias)
    """

    def __init__(self, gguf: Path, *, port: int, n_ctx: int = 4096, threads: int = 2, runtime: str = "auto",
                 alias: str = "local", log_path: Path | None = None, ready_timeout: float = 120.0,
                 fault_drill: str = "") -> None:
        if not 0 < port < 65536:
            raise ConfigError(f"PLANQA_LLM_LOCAL_PORT={port} is not a TCP port: use e.g. 8765")
        if n_ctx < 256:
            raise ConfigError(f"PLANQA_LLM_CTX={n_ctx} is too small: use at least 256 (default 4096)")
        if threads < 1:
            raise ConfigError(f"PLANQA_LLM_THREADS={threads} must be at least 1")
        self.gguf = Path(gguf)
        self.port = port
        self.n_ctx = n_ctx
        self.threads = threads
        self.runtime = runtime  # resolved at start(): constructing one needs no runtime installed
        self.alias = alias
        self.log_path = log_path
        self.ready_timeout = ready_timeout
        drill_fault(fault_drill, "llama-cpp-python")  # a bad drill is refused here, not in the child
        self.fault_drill = fault_drill
        self._child: Child | None = None

    @classmethod
    def from_settings(cls, settings: Settings, gguf: Path | None = None, runtime: str | None = None) -> LocalModelServer:
        path = gguf if gguf is not None else resolve_gguf(settings)
        alias = DEFAULT_MODEL.alias if settings.llm_gguf is None else path.stem
        return cls(path, port=settings.llm_local_port, n_ctx=settings.llm_ctx, threads=settings.llm_threads,
                   runtime=runtime or settings.llm_runtime, alias=alias,
                   log_path=models_dir(settings) / "llm-server.log", fault_drill=settings.llm_fault_drill)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def pid(self) -> int | None:
        return self._child.pid if self._child is not None else None

    @property
    def returncode(self) -> int | None:
        """How the last server process ended (None while it runs or before the first start)."""
        return self._child.returncode if self._child is not None else None

    def running(self) -> bool:
        return self._child is not None and self._child.running()

    def start(self) -> None:
        """Spawn the server process (returns at once; call wait_ready to wait for the model)."""
        if self.running():
            return
        if server_is_up(self.port, timeout=0.5):
            raise ModelError(f"something already serves on 127.0.0.1:{self.port}: stop it, or set "
                             f"PLANQA_LLM_LOCAL_PORT to a free port")
        runtime = self.runtime = resolve_runtime(self.runtime)
        argv = ["-m", "assistant.localmodel", "_child", "--gguf", str(self.gguf),
                "--port", str(self.port), "--ctx", str(self.n_ctx), "--threads", str(self.threads),
                "--alias", self.alias, "--runtime", runtime]
        if self.fault_drill:
            argv += ["--fault-drill", self.fault_drill]
        repo_root = str(Path(__file__).resolve().parent.parent)
        env = dict(os.environ)
        # llama.cpp's OpenMP threads otherwise spin between tokens; on a shared 2-core machine that
        # spinning starves the other thread and generation collapses. Passive waiting costs nothing
        # measurable when the machine is idle.
        env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        env["PYTHONPATH"] = repo_root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self._child = Child(f"local LLM server ({runtime})", argv, env=env, cwd=Path(repo_root),
                            log_path=self.log_path)
        self._child.start()

    def wait_ready(self, timeout: float | None = None) -> None:
        """Block until /health answers 200; ModelError if the child dies or ``timeout`` passes."""
        if self._child is None:
            raise ModelError("LocalModelServer.wait_ready() called before start()")
        deadline = time.monotonic() + (self.ready_timeout if timeout is None else timeout)
        while True:
            if not self.running():
                raise ModelError(f"the local LLM server ({self.runtime}) {describe_exit(self.returncode)} while "
                                 f"loading {self.gguf.name}{self._log_tail()}")
            if server_is_up(self.port, timeout=1.0):
                return
            if time.monotonic() > deadline:
                self.stop()
                raise ModelError(f"the local LLM server did not become ready on 127.0.0.1:{self.port} "
                                 f"within {timeout or self.ready_timeout:.0f} s{self._log_tail()}")
            time.sleep(0.2)

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate the server (SIGTERM, then SIGKILL after ``timeout``); safe to call twice."""
        if self._child is not None:
            self._child.stop(timeout)

    def _log_tail(self, lines: int = 15) -> str:
        tail = self._child.log_tail(lines) if self._child is not None else ""
        return f"; last lines of {self.log_path}:\n{tail}" if tail else ""

    def __enter__(self) -> LocalModelServer:
        self.start()
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


RUNTIMES = ("llama-cpp-python", "xllamacpp")
_RUNTIME_MODULES = {"llama-cpp-python": "llama_cpp", "xllamacpp": "xllamacpp"}


def installed_runtimes() -> list[str]:
    """The llama.cpp builds importable here, fastest first."""
    import importlib.util

    return [r for r in RUNTIMES if importlib.util.find_spec(_RUNTIME_MODULES[r]) is not None]


def resolve_runtime(name: str) -> str:
    """'auto' → the fastest installed llama.cpp build; a named one must be installed.

    llama-cpp-python (compiled for this CPU) reads prompts about twice as fast as xllamacpp's
    prebuilt wheel here, so it wins when both are present.
    """
    wanted = RUNTIMES if name == "auto" else (name,)
    if name != "auto" and name not in RUNTIMES:
        raise ConfigError(f"PLANQA_LLM_RUNTIME={name!r} is not a runtime: use auto, {' or '.join(RUNTIMES)}")
    have = [r for r in installed_runtimes() if r in wanted]
    if have:
        return have[0]
    raise ModelError(f"{' or '.join(wanted)} is not installed, so the local model cannot be served: "
                     f"{INSTALL_HINT}")


def drill_fault(drill: str, runtime: str) -> str:
    """The fault this runtime should play ('sigill' or ''), from PLANQA_LLM_FAULT_DRILL='sigill:<runtime>'."""
    if not drill:
        return ""
    fault, _, target = drill.partition(":")
    if fault != "sigill" or target not in RUNTIMES:
        raise ConfigError(f"PLANQA_LLM_FAULT_DRILL={drill!r} is not a drill: use sigill:llama-cpp-python")
    if target == "xllamacpp":
        raise ConfigError("PLANQA_LLM_FAULT_DRILL: xllamacpp's server is native code and cannot play a fault; "
                          "use sigill:llama-cpp-python")
    return fault if target == runtime else ""


def _run_child(gguf: str, port: int, n_ctx: int, threads: int, alias: str,
               runtime: str = "xllamacpp", fault_drill: str = "") -> int:
    """Inside the child process: start the runtime's HTTP server and live until SIGTERM (sent by
    the parent, or by the kernel when the parent dies: see assistant.children)."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    if runtime == "llama-cpp-python":
        from assistant.llamaserver import serve

        try:
            serve(gguf, port, n_ctx, threads, alias, stop, fault=drill_fault(fault_drill, runtime))
        except ValueError as exc:  # llama_cpp raises ValueError for a file it cannot load
            print(f"planqa local LLM server: cannot load {gguf}: {exc}", flush=True)
            return 1
        os._exit(0)
    import xllamacpp as xlc

    params = xlc.CommonParams()
    params.model.path = gguf
    params.hostnames = ["127.0.0.1"]
    params.port = port
    params.n_ctx = n_ctx
    params.n_parallel = 1
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.model_alias = {alias}
    params.offline = True  # never reach a model hub
    params.ui = False
    params.endpoint_metrics = True
    params.cache_ram_mib = 1024  # host-RAM prompt cache (default 8 GiB); ~28 KB/token for this model
    try:
        server = xlc.Server(params)  # starts serving in background threads
    except RuntimeError as exc:
        print(f"planqa local LLM server: cannot load {gguf}: {exc}", flush=True)
        return 1
    print(f"planqa local LLM server (xllamacpp): {server.listening_address} model={gguf}", flush=True)
    while not stop.wait(1.0):
        pass
    os._exit(0)  # llama.cpp's server threads do not join cleanly; the OS frees everything


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m assistant.localmodel",
        description="Prepare, verify or serve PlanQA's local LLM (OpenAI-compatible, 127.0.0.1 only).",
        epilog=(
            "examples:\n"
            "  python -m assistant.localmodel prepare            # join + verify the default model\n"
            "  python -m assistant.localmodel verify             # full sha256 re-check\n"
            "  PLANQA_LLM_LOCAL_PORT=8765 python -m assistant.localmodel serve\n"
            "  curl http://127.0.0.1:8765/v1/models\n"
            "settings: PLANQA_DATA_DIR (cache), PLANQA_LLM_GGUF (own model), PLANQA_LLM_LOCAL_PORT,\n"
            "PLANQA_LLM_CTX, PLANQA_LLM_THREADS, PLANQA_LLM_RUNTIME (auto | llama-cpp-python | xllamacpp)"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("prepare", help="join the model parts into the cache and verify them (idempotent)")
    sub.add_parser("verify", help="rehash the cached default model (or check PLANQA_LLM_GGUF exists)")
    serve = sub.add_parser("serve", help="prepare, then serve on 127.0.0.1:PLANQA_LLM_LOCAL_PORT until stopped")
    serve.add_argument("--ready-timeout", type=float, default=180.0, help="seconds to wait for the model to load")
    child = sub.add_parser("_child")  # internal: the server process itself
    child.add_argument("--gguf", required=True)
    child.add_argument("--port", type=int, required=True)
    child.add_argument("--ctx", type=int, required=True)
    child.add_argument("--threads", type=int, required=True)
    child.add_argument("--alias", default="local")
    child.add_argument("--runtime", choices=RUNTIMES, default="xllamacpp")
    child.add_argument("--fault-drill", default="")
    args = parser.parse_args(argv)

    if args.command == "_child":
        return _run_child(args.gguf, args.port, args.ctx, args.threads, args.alias, args.runtime,
                          args.fault_drill)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    settings = Settings()
    try:
        if args.command == "prepare":
            t0 = time.monotonic()
            path = resolve_gguf(settings)
            print(f"ready: {path} ({time.monotonic() - t0:.1f} s)")
        elif args.command == "verify":
            if settings.llm_gguf is not None:
                print(f"ok: {resolve_gguf(settings)} (your own file; not hash-checked)")
            else:
                path = models_dir(settings) / DEFAULT_MODEL.filename
                if not path.is_file():
                    raise ModelError(f"{path} does not exist yet: run `python -m assistant.localmodel prepare`")
                verify_file(path, DEFAULT_MODEL)
                print(f"ok: {path} sha256 {DEFAULT_MODEL.sha256}")
        else:
            from assistant.modelsupervisor import ModelState, supervised

            stop = threading.Event()
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: stop.set())
            t0 = time.monotonic()
            with supervised(settings, timeout=args.ready_timeout) as sup:
                print(f"serving at http://127.0.0.1:{settings.llm_local_port}/v1 on runtime {sup.status.runtime} "
                      f"(ready in {time.monotonic() - t0:.1f} s; restarted if it dies); Ctrl-C to stop", flush=True)
                while not stop.wait(1.0):
                    if sup.status.state == ModelState.FAILED:
                        raise ModelError(sup.status.reason)
    except (ModelError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
