"""Joining and verifying the local model's file: small real parts, real sha256, real files."""

from __future__ import annotations

import hashlib
import os
import sys
import types
from pathlib import Path

import pytest

from assistant import modelfile
from assistant.modelfile import ModelSpec, is_verified, join_parts, part_paths, prepare_model, resolve_gguf
from assistant.settings import Settings
from vectorstore.errors import ModelError


@pytest.fixture
def parts(tmp_path: Path) -> list[Path]:
    """Three part files of uneven sizes (one bigger than the copy chunk would be if it were small)."""
    out = []
    for i, size in enumerate([1000, 70_001, 3]):
        p = tmp_path / "parts" / f"part{i + 1:02d}.bin"
        p.parent.mkdir(exist_ok=True)
        p.write_bytes(os.urandom(size))
        out.append(p)
    return out


def spec_for(parts: list[Path], **override: object) -> ModelSpec:
    data = b"".join(p.read_bytes() for p in parts)
    fields: dict = {"filename": "tiny.gguf", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    fields.update(override)
    return ModelSpec(**fields)


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def test_join_concatenates_in_order_and_records_the_check(parts: list[Path], tmp_path: Path) -> None:
    spec = spec_for(parts)
    dest = tmp_path / "models" / spec.filename
    assert join_parts(parts, dest, spec) == dest
    assert dest.read_bytes() == b"".join(p.read_bytes() for p in parts)
    assert is_verified(dest, spec)
    assert leftovers(dest.parent) == ["tiny.gguf", "tiny.gguf.verified.json"]  # no temp file left


def test_hash_mismatch_refuses_and_leaves_nothing(parts: list[Path], tmp_path: Path) -> None:
    spec = spec_for(parts, sha256="0" * 64)
    dest = tmp_path / "models" / spec.filename
    with pytest.raises(ModelError, match="reinstall") as info:
        join_parts(parts, dest, spec)
    assert "0" * 64 in str(info.value)
    assert leftovers(dest.parent) == []


def test_size_mismatch_refuses_before_copying(parts: list[Path], tmp_path: Path) -> None:
    spec = spec_for(parts)
    spec = ModelSpec(spec.filename, spec.size + 1, spec.sha256)
    dest = tmp_path / "models" / spec.filename
    with pytest.raises(ModelError, match="add up to"):
        join_parts(parts, dest, spec)
    assert leftovers(dest.parent) == []


def test_prepare_uses_the_cache_without_rehashing(parts: list[Path], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    spec = spec_for(parts)
    path = prepare_model(settings, spec, parts)
    assert path == settings.cache_dir / "models" / spec.filename

    def no_hashing(*_: object) -> str:
        raise AssertionError("a verified cache must not be rehashed")

    monkeypatch.setattr(modelfile, "_hash_file", no_hashing)
    monkeypatch.setattr(modelfile, "join_parts", no_hashing)
    assert prepare_model(settings, spec, parts) == path


def test_prepare_rehashes_an_unrecorded_file_and_rebuilds_a_corrupt_one(parts: list[Path], tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    spec = spec_for(parts)
    path = prepare_model(settings, spec, parts)
    good = path.read_bytes()

    # Sidecar lost: the file is rehashed once and recorded again.
    Path(str(path) + ".verified.json").unlink()
    assert prepare_model(settings, spec, parts) == path and is_verified(path, spec)

    # Same size, different bytes (new mtime): no longer trusted, rebuilt from the parts.
    corrupt = bytearray(good)
    corrupt[10] ^= 0xFF
    path.write_bytes(bytes(corrupt))
    assert not is_verified(path, spec)
    assert prepare_model(settings, spec, parts) == path
    assert path.read_bytes() == good and is_verified(path, spec)


def test_prepare_with_bad_parts_leaves_no_model_in_use(parts: list[Path], tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    spec = spec_for(parts)
    parts[1].write_bytes(b"x" * parts[1].stat().st_size)  # same size, wrong bytes
    with pytest.raises(ModelError):
        prepare_model(settings, spec, parts)
    assert leftovers(settings.cache_dir / "models") == []


def test_part_paths_come_from_the_part_packages(parts: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    names = []
    for i, p in enumerate(parts):
        name = f"planqa_fake_part{i + 1}"
        module = types.ModuleType(name)
        module.get_part_path = (lambda p=p: str(p))  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, name, module)
        names.append(name)
    spec = spec_for(parts, part_modules=tuple(names))
    assert part_paths(spec) == parts
    missing = ModelSpec("x.gguf", 1, "0" * 64, part_modules=("planqa_no_such_part_module",))
    with pytest.raises(ModelError, match=r"\.\[local\]"):
        part_paths(missing)


def test_own_gguf_must_exist_and_be_gguf(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="PLANQA_LLM_GGUF"):
        resolve_gguf(Settings(llm_gguf=tmp_path / "nope.gguf"))
    not_gguf = tmp_path / "model.bin"
    not_gguf.write_bytes(b"PK\x03\x04 zip, not a model")
    with pytest.raises(ModelError, match="not a GGUF"):
        resolve_gguf(Settings(llm_gguf=not_gguf))
    own = tmp_path / "own.gguf"
    own.write_bytes(b"GGUF\x03\x00\x00\x00rest")
    assert resolve_gguf(Settings(llm_gguf=own, data_dir=tmp_path / "data")) == own
