"""Keyword index: jieba tokens with a domain dictionary built from the corpus, scored by bm25s.

Plans answer questions with exact keywords (district names, indicator names, numbers), which a
small dense model blurs; BM25 over well-cut Chinese tokens is the backbone of retrieval here.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

# Plan vocabulary that jieba's general dictionary cuts wrongly; extended from each corpus.
DOMAIN_TERMS = (
    "社区卫生服务中心", "社区卫生服务站", "乡镇卫生院", "村卫生室", "卫生院", "家庭医生", "家庭医生签约",
    "签约服务", "医联体", "医共体", "分级诊疗", "执业（助理）医师", "执业助理医师", "执业医师", "注册护士",
    "全科医生", "全科医师", "公共卫生", "疾控中心", "疾病预防控制", "妇幼保健", "婴儿死亡率", "孕产妇死亡率",
    "人均预期寿命", "人均期望寿命", "预期寿命", "期望寿命", "健康素养", "床位数", "医护比", "医养结合",
    "互联网医院", "中医馆", "中医药", "三医联动", "医疗卫生机构", "卫生健康委", "卫健委", "责任单位",
    "补短板", "十四五", "十三五", "征求意见稿", "严重精神障碍", "托位数", "近视率", "吸烟率", "过早死亡率",
    "健康管理率", "系统管理率", "接种率", "住院日", "院前急救", "胸痛中心", "卒中中心", "发热门诊",
    "核酸检测", "医保联网", "医保", "滨海新区", "东丽区", "埇桥区", "振安区", "天津市", "宿州市", "丹东市",
)
STOPWORDS = frozenset(
    ["的", "了", "和", "与", "及", "等", "在", "是", "为", "对", "将", "把", "被", "由", "于", "以", "其", "之", "或", "也", "并", "而", "就", "都", "要", "会", "能", "可", "有", "个", "这", "那", "吗", "呢", "吧", "啊", "呀", "么", "什么", "多少", "哪些", "哪个", "怎么", "怎样", "如何", "是否", "请问", "一下", "我们", "你们", "他们", "目前", "现在", "里", "中", "上", "下", "请", "给", "说", "问", "告诉", "想", "知道", "一", "年度", "情况", "方面", "相关", "有关", "进行", "开展", "工作",
     # How a list is asked for ("一条一条说说都是啥"), not what it is about.
     "啥", "说说", "讲讲", "一条", "条条", "一条条", "一项", "项项", "一项项", "逐条",
     # What a word or item means ("具体指什么"), not what it is.
     "指",
     # "其中…" picks a part of what was just said; in a plan's sentence it opens a breakdown of anything.
     "其中"]
)
_PUNCT = re.compile(r"^[\W_]+$", re.UNICODE)
_TOKEN_FILE = "userdict.txt"
_BM25S_FILES = ("params.index.json", "vocab.index.json", "data.csc.index.npy", "indices.csc.index.npy",
                "indptr.csc.index.npy")
_LOCK = threading.Lock()
@functools.lru_cache(maxsize=1)
def _general_dictionary() -> tuple[dict[str, int], int]:
    """jieba's general dictionary (word frequencies, their total), read once per process: reading
    it again cost more than a second on each build switch and each test's index."""
    import jieba

    base = jieba.Tokenizer()
    base.initialize()
    return base.FREQ, base.total


def _fresh_jieba() -> Any:
    """A jieba tokenizer holding (a copy of) the general dictionary, not yet any domain term."""
    import jieba

    freq, total = _general_dictionary()
    tok = jieba.Tokenizer()
    tok.FREQ, tok.total, tok.initialized = dict(freq), total, True
    return tok


class Tokenizer:
    """jieba with the corpus's user dictionary; search-mode cuts so '社区卫生服务中心' also yields '社区'."""

    def __init__(self, terms: Iterable[str] = ()) -> None:
        import jieba

        jieba.setLogLevel(60)
        self._jieba = _fresh_jieba()
        self.terms = sorted({t for t in (*DOMAIN_TERMS, *terms) if t and 2 <= len(t) <= 20})
        for t in self.terms:
            self._jieba.add_word(t, freq=20000)

    def tokens(self, text: str) -> list[str]:
        """'东丽区人均期望寿命' → ['东丽', '东丽区', '人均', '期望', '寿命', '人均期望寿命', …]"""
        with _LOCK:
            words = self._jieba.lcut_for_search(text)
        out = []
        for w in words:
            w = w.strip().lower()
            if not w or w in STOPWORDS or _PUNCT.match(w):
                continue
            out.append(w)
        return out

    def save(self, folder: Path) -> None:
        (folder / _TOKEN_FILE).write_text("\n".join(f"{t} 20000" for t in self.terms) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> Tokenizer:
        path = folder / _TOKEN_FILE
        terms = [ln.split(" ")[0] for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
        return cls(terms)


def corpus_terms(texts: Iterable[str], extra: Iterable[str] = ()) -> list[str]:
    """Domain terms found in the corpus: table indicator names without their units, names of places."""
    found: set[str] = set(extra)
    plans = [e for e in found if len(e) >= 2]
    for t in texts:
        for m in re.finditer(r"每(?:千|万)(?:常住)?人口[\u4e00-\u9fa5（）()]{2,14}?数", t):
            found.add(m.group(0))
        for m in re.finditer(r"[\u4e00-\u9fa5]{2,8}(?:街道?|镇|乡)(?=社区卫生服务中心|卫生院)", t):
            found.add(m.group(0))
        # "带动甲庄、乙村街社区卫生服务中心": the streets of a list, each a name a citizen writes alone
        # ("我家在甲庄街").
        for m in re.finditer(r"(?:带动|包括|覆盖|[，,；;：:])((?:[\u4e00-\u9fa5]{2,4}、)+[\u4e00-\u9fa5]{2,4}?)(?:街道?|镇)?"
                             r"(?=社区卫生服务中心|卫生院)", t):
            # Not one holding a plan's name ("甲区湖"): cut whole, it would no longer say that plan's name.
            found.update(i for i in m.group(1).split("、") if not any(n in i and n != i for n in plans))
        # A rate stated with its figure ("居民签约率100%"): kept whole, so a question's "签约率定了…"
        # is not read as the word "率定" (calibrate) and loses the rate it asks about.
        for m in re.finditer(r"[\u4e00-\u9fa5]{2}率(?=\s*(?:达到|提高到|提升到|超过|不低于|保持在|控制在|为|\d))", t):
            found.add(m.group(0))
    return sorted(found)


class BM25Index:
    """bm25s over pre-tokenised chunks; scores every chunk so fusion can see the whole ranking."""

    def __init__(self, tokenizer: Tokenizer, ids: Sequence[str], retriever: object) -> None:
        self.tokenizer = tokenizer
        self.ids = list(ids)
        self._retriever = retriever

    @classmethod
    def build(cls, tokenizer: Tokenizer, ids: Sequence[str], texts: Sequence[str]) -> BM25Index:
        import bm25s

        corpus_tokens = [tokenizer.tokens(t) or ["∅"] for t in texts]
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        retriever.index(corpus_tokens, show_progress=False)
        return cls(tokenizer, ids, retriever)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk, in `ids` order."""
        toks = self.tokenizer.tokens(query)
        if not toks:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self._retriever.get_scores(toks), dtype=np.float32)  # type: ignore[attr-defined]

    def doc_freq(self) -> Counter[str]:
        """Passages holding each token, read from the index's own matrix (a token's column holds
        one entry per passage that has it): {'东丽': 120, …}."""
        vocab = self._retriever.vocab_dict  # type: ignore[attr-defined]
        indptr = self._retriever.scores["indptr"]  # type: ignore[attr-defined]
        return Counter({t: int(indptr[i + 1] - indptr[i]) for t, i in vocab.items()
                        if t not in ("", "∅") and i + 1 < len(indptr)})

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._retriever.save(str(folder / "bm25s"))  # type: ignore[attr-defined]
        (folder / "bm25_ids.json").write_text(json.dumps(self.ids), encoding="utf-8")
        self.tokenizer.save(folder)

    @staticmethod
    def check(folder: Path, passages: int) -> None:
        """The saved index is whole (its files there, one id per passage) without loading jieba or
        the score matrix; raises OSError or ValueError like `load`."""
        ids = json.loads((folder / "bm25_ids.json").read_text(encoding="utf-8"))
        if len(ids) != passages:
            raise ValueError(f"the BM25 index holds {len(ids)} passages, the build {passages}")
        for name in (_TOKEN_FILE, *(f"bm25s/{part}" for part in _BM25S_FILES)):
            (folder / name).stat()

    @classmethod
    def load(cls, folder: Path) -> BM25Index:
        import bm25s

        # Memory-mapped: API workers on one host share the build's score matrix through the page cache.
        retriever = bm25s.BM25.load(str(folder / "bm25s"), mmap=True)
        ids = json.loads((folder / "bm25_ids.json").read_text(encoding="utf-8"))
        return cls(Tokenizer.load(folder), ids, retriever)
