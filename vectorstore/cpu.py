"""Which x86 instruction sets this machine lets a process execute, proven by running each one.

A CPU (or the virtual machine around it) can advertise instructions in /proc/cpuinfo and CPUID
that a process may not use: a Xeon listing ``amx_tile`` killed llama.cpp built with
``-march=native`` with SIGILL on its first generation. So nothing here trusts a flag: for each
instruction set a tiny C program using it is compiled and run; only those that exit cleanly count.

Used for the two native builds: llama.cpp's (``scripts/cpu_features.py --cmake-args``, proven
again at run time by a short generation in ``assistant.modelsupervisor``) and the embedding
engine's (``vectorstore.engine``, proven by giving the wheel's vectors on probe texts).
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import tempfile
from pathlib import Path

# name → (compiler flags, C body using one instruction of the set, ggml CMake option)
_PROBES: dict[str, tuple[str, str, str]] = {
    "avx": ("-mavx", "__m256 a = _mm256_set1_ps(v); a = _mm256_add_ps(a, a); return (int)_mm256_cvtss_f32(a) - 4;",
            "GGML_AVX"),
    "avx2": ("-mavx2", "__m256i a = _mm256_set1_epi32((int)v); a = _mm256_add_epi32(a, a);"
             " return _mm256_extract_epi32(a, 0) - 4;", "GGML_AVX2"),
    "fma": ("-mavx -mfma", "__m256 a = _mm256_set1_ps(v); a = _mm256_fmadd_ps(a, a, a);"
            " return (int)_mm256_cvtss_f32(a) - 6;", "GGML_FMA"),
    "f16c": ("-mavx -mf16c", "__m128i h = _mm_cvtps_ph(_mm_set1_ps(v), 0); __m128 f = _mm_cvtph_ps(h);"
             " return (int)_mm_cvtss_f32(f) - 2;", "GGML_F16C"),
    "bmi2": ("-mbmi2", "return (int)_pdep_u64((unsigned long long)v, 3ULL) - 2;", "GGML_BMI2"),
    "avx_vnni": ("-mavx2 -mavxvnni", "__m256i a = _mm256_set1_epi32((int)v);"
                 " a = _mm256_dpbusd_avx_epi32(a, a, a); return _mm256_extract_epi32(a, 0) == 0;",
                 "GGML_AVX_VNNI"),
    "avx512": ("-mavx512f -mavx512cd -mavx512vl -mavx512dq -mavx512bw",
               "__m512i a = _mm512_set1_epi8((char)v); a = _mm512_add_epi8(a, a);"
               " __m512d d = _mm512_set1_pd(v); d = _mm512_and_pd(d, d);"
               " return _mm_cvtsi128_si32(_mm512_castsi512_si128(a)) == 0 || _mm512_reduce_add_pd(d) == 0;",
               "GGML_AVX512"),
    "avx512_vnni": ("-mavx512f -mavx512bw -mavx512vnni", "__m512i a = _mm512_set1_epi32((int)v);"
                    " a = _mm512_dpbusd_epi32(a, a, a); return _mm_cvtsi128_si32(_mm512_castsi512_si128(a)) == 0;",
                    "GGML_AVX512_VNNI"),
    "avx512_vbmi": ("-mavx512f -mavx512bw -mavx512vbmi", "__m512i a = _mm512_set1_epi8((char)v);"
                    " a = _mm512_permutexvar_epi8(a, a); return _mm_cvtsi128_si32(_mm512_castsi512_si128(a)) == 0;",
                    "GGML_AVX512_VBMI"),
    "avx512_bf16": ("-mavx512f -mavx512bw -mavx512vl -mavx512bf16", "__m512 a = _mm512_set1_ps(v);"
                    " __m512bh b = _mm512_cvtne2ps_pbh(a, a); __m512 z = _mm512_setzero_ps();"
                    " z = _mm512_dpbf16_ps(z, b, b); return _mm512_reduce_add_ps(z) == 0;", "GGML_AVX512_BF16"),
}
# Never enabled: AMX needs the kernel's permission per process and is the set seen to crash.
_ALWAYS_OFF = ("GGML_NATIVE", "GGML_AMX_TILE", "GGML_AMX_INT8", "GGML_AMX_BF16")
_PROGRAM = """#include <immintrin.h>
#include <stdlib.h>
int main(int argc, char **argv) {{ volatile float v = 2.0f + (float)(argc - 1); (void)argv; {body} }}
"""


def proven(compiler: str | None = None) -> list[str]:
    """The instruction sets a program compiled here ran with; [] off x86-64 or without a compiler."""
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return []
    cc = compiler or os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        return []
    ok: list[str] = []
    with tempfile.TemporaryDirectory(prefix="planqa-cpu-") as tmp:
        for name, (flags, body, _) in _PROBES.items():
            src, exe = Path(tmp, f"{name}.c"), Path(tmp, name)
            src.write_text(_PROGRAM.format(body=body), encoding="utf-8")
            built = subprocess.run([cc, "-O0", *flags.split(), str(src), "-o", str(exe)],
                                   capture_output=True, check=False)
            if built.returncode != 0:
                continue  # the compiler does not know the set: it cannot be used either
            try:
                ran = subprocess.run([str(exe)], capture_output=True, timeout=10, check=False)
            except subprocess.TimeoutExpired:
                continue
            if ran.returncode == 0:
                ok.append(name)
    return ok


def cmake_args(sets: list[str]) -> str:
    """ggml's CMake flags: each proven set on, every other one off, no compile-time probing."""
    on = {_PROBES[s][2] for s in sets}
    flags = [f"-D{opt}=OFF" for opt in _ALWAYS_OFF]
    flags += [f"-D{opt}={'ON' if opt in on else 'OFF'}" for _, _, opt in _PROBES.values()]
    return " ".join(flags)
