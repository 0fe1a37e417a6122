"""The naive floor every configuration must beat: LangChain's RecursiveCharacterTextSplitter
(500 characters, 50 overlap) over the raw plan text, jieba BM25, no structure, no cleaning."""

from __future__ import annotations

from pathlib import Path

from vectorstore.bm25 import STOPWORDS
from vectorstore.manifest import load_manifest
from vectorstore.retrieve import Filters
from vectorstore.types import Chunk, Hit, content_id


class NaiveRetriever:
    name = "naive"

    def __init__(self, docs_dir: Path) -> None:
        import bm25s
        import jieba
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        jieba.setLogLevel(60)
        self._jieba = jieba.Tokenizer()
        splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)
        self.chunks: list[Chunk] = []
        for source, meta in load_manifest(docs_dir).items():
            text = (docs_dir / source).read_text(encoding="utf-8-sig")
            for i, piece in enumerate(splitter.split_text(text)):
                self.chunks.append(
                    Chunk(content_id(meta.doc_id, str(i), piece), meta.doc_id, (), piece, meta={"title": meta.title})
                )
        self._bm25 = bm25s.BM25()
        self._bm25.index([self._tok(c.text) for c in self.chunks], show_progress=False)

    def _tok(self, text: str) -> list[str]:
        toks = [t.strip() for t in self._jieba.lcut(text) if t.strip() and t.strip() not in STOPWORDS]
        return toks or ["∅"]

    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> list[Hit]:
        scores = self._bm25.get_scores(self._tok(query))
        order = sorted(range(len(self.chunks)), key=lambda i: -scores[i])
        hits = [Hit(self.chunks[i], float(scores[i]), self.name) for i in order if filters is None or filters.allows(self.chunks[i])]
        return hits[:k]
