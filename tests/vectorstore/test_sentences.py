"""Sentence vectors: a passage's sentences, and its closest sentence's cosine with a question."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vectorstore.sentences import SentenceVectors, sentences_of
from vectorstore.types import Chunk


def _chunk(cid: str, text: str) -> Chunk:
    return Chunk(id=cid, doc_id="d", text=text, section_path=("一、任务",), kind="text")


def test_a_passage_is_split_into_its_sentences_and_short_pieces_are_left_out() -> None:
    assert sentences_of("（一）目标。到2030年，村卫生室全部达标；乡镇卫生院设康复科！") == [
        "到2030年，村卫生室全部达标", "乡镇卫生院设康复科"]
    assert sentences_of("一、总则") == ["一、总则"]  # too short to split: the passage itself


def _unit(*xs: float) -> np.ndarray:
    v = np.asarray(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_each_passage_scores_its_closest_sentence_over_all_or_some_passages() -> None:
    vec = {"甲句子第一句": _unit(1, 0, 0), "甲句子第二句": _unit(0, 1, 0), "乙句子只有一句": _unit(0, 0, 1)}
    sv = SentenceVectors.of([_chunk("a", "甲句子第一句。甲句子第二句。"), _chunk("b", "乙句子只有一句")],
                            lambda texts: np.vstack([vec[t] for t in texts]))
    assert list(sv.starts) == [0, 2]
    q = _unit(0.2, 1, 0.5)
    best = sv.best(q)
    assert best[0] == pytest.approx(float(vec["甲句子第二句"] @ q)) and best[1] == pytest.approx(float(vec["乙句子只有一句"] @ q))
    assert sv.best(q, np.asarray([1])) == pytest.approx(best[1:])


def test_known_passages_are_not_embedded_again_and_the_vectors_load_as_saved(tmp_path: Path) -> None:
    asked: list[str] = []

    def embed(texts: list[str]) -> np.ndarray:
        asked.extend(texts)
        return np.vstack([_unit(1, len(t), 0) for t in texts])

    known = {"a": np.vstack([_unit(0, 0, 1)])}
    sv = SentenceVectors.of([_chunk("a", "旧的段落没有变。"), _chunk("b", "新的段落第一句。新的段落第二句长一些。")], embed, known)
    assert asked == ["新的段落第一句", "新的段落第二句长一些"]
    assert np.array_equal(sv.of_chunk(0), known["a"])
    sv.save(tmp_path)
    back = SentenceVectors.load(tmp_path, passages=2)
    assert back is not None and np.allclose(back.vectors, sv.vectors, atol=1e-3)
    assert SentenceVectors.load(tmp_path / "none", passages=2) is None
    with pytest.raises(ValueError, match="not the build's 3"):
        SentenceVectors.load(tmp_path, passages=3)
