"""The embedding model's query vectors: a repeated text is remembered, never shared for writing."""

from __future__ import annotations

import numpy as np

from vectorstore.embed import E5Embedder


def test_a_repeated_query_is_remembered_as_the_same_vector_and_the_memory_is_bounded():
    e = E5Embedder(remembered=2)
    calls: list[str] = []
    model_query = e._model.query

    def counted(text: str) -> object:
        calls.append(text)
        return model_query(text)

    e._model.query = counted  # count the model's runs, not ours
    first = e.query("乡镇卫生院与村卫生室一体化管理")
    first[:] = 0.0  # a caller writing into its vector changes no one else's
    again = e.query("乡镇卫生院与村卫生室一体化管理")
    assert calls == ["乡镇卫生院与村卫生室一体化管理"]
    assert np.isclose(np.linalg.norm(again), 1.0, atol=1e-3)

    e.query("基层中医药适宜技术推广")
    e.query("公共场所控烟")  # the third text pushes out the least recently asked
    e.query("乡镇卫生院与村卫生室一体化管理")
    assert calls.count("乡镇卫生院与村卫生室一体化管理") == 2

    e.forget_queries()
    e.query("公共场所控烟")
    assert calls.count("公共场所控烟") == 2
