"""The single-signal retrievers the hybrid was measured against (BM25, dense, plain RRF), and the
named configurations `planqa eval --compare` and `planqa search --retriever` know.

    make_retriever(corpus, "bm25").search("东丽2025年床位目标", 3) → [Hit(…, source="bm25"), …]
"""

from __future__ import annotations

from collections.abc import Sequence

from vectorstore.fuse import rrf, top_allowed
from vectorstore.retrieve import Corpus, Filters, HybridParams, HybridRetriever, Retriever
from vectorstore.types import Hit


class BM25Retriever:
    name = "bm25"

    def __init__(self, corpus: Corpus, expand: bool = True) -> None:
        self.corpus = corpus
        self.expand = expand

    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> list[Hit]:
        info = self.corpus.analyzer.analyze(query)
        s = self.corpus.bm25_scores(query, info.expansions if self.expand else ())
        m = self.corpus.mask(filters)
        return [Hit(self.corpus.chunks[i], float(s[i]), self.name) for i in top_allowed(s, m, k) if s[i] > 0]


class DenseRetriever:
    name = "dense"

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus

    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> list[Hit]:
        s = self.corpus.dense_scores(query)
        m = self.corpus.mask(filters)
        return [Hit(self.corpus.chunks[i], float(s[i]), self.name) for i in top_allowed(s, m, k)]


class RRFRetriever:
    """Plain reciprocal-rank fusion of BM25 and dense, kept as a measured reference point."""

    name = "rrf"

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus

    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> list[Hit]:
        c = self.corpus
        m = c.mask(filters)
        sb, sd = c.bm25_scores(query), c.dense_scores(query)
        fused = rrf([top_allowed(sb, m, 100), top_allowed(sd, m, 100)])
        order = sorted(fused, key=lambda i: -fused[i])[:k]
        return [Hit(c.chunks[i], fused[i], self.name) for i in order]


RETRIEVER_NAMES: Sequence[str] = ("bm25", "bm25+syn", "dense", "rrf", "hybrid-noroute", "hybrid")


def make_retriever(corpus: Corpus, name: str = "hybrid") -> Retriever:
    """Named configurations, as `planqa eval --compare` and `planqa search --retriever` know them."""
    if name == "bm25":
        return BM25Retriever(corpus, expand=False)
    if name == "bm25+syn":
        return BM25Retriever(corpus, expand=True)
    if name == "dense":
        return DenseRetriever(corpus)
    if name == "hybrid":
        return HybridRetriever(corpus)
    if name == "hybrid-noroute":
        return HybridRetriever(corpus, HybridParams(route=False, diversify=False))
    if name == "rrf":
        return RRFRetriever(corpus)
    raise ValueError(f"unknown retriever {name!r}; choose one of {', '.join(RETRIEVER_NAMES)}")
