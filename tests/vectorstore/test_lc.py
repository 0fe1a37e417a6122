"""LangChain adapters over the real index: a BaseRetriever and a langchain_chroma vector store."""

from __future__ import annotations


def test_planqa_retriever_in_a_langchain_chain(full_index):
    from vectorstore.lc import PlanQARetriever

    r = PlanQARetriever.from_index(full_index / "indexes" / "default", k=3)
    docs = r.invoke("东丽区2025年人均期望寿命目标是多少？")
    assert len(docs) == 3
    assert docs[0].metadata["doc_id"] == "dongli" and "82" in docs[0].page_content
    assert docs[0].metadata["section"] and docs[0].metadata["title"].startswith("天津市东丽区")


def test_langchain_chroma_reads_our_collection_with_our_embeddings(full_index):
    from vectorstore.lc import langchain_chroma

    store = langchain_chroma(full_index / "indexes" / "default")
    docs = store.similarity_search("埇桥区每千常住人口床位数", k=5, filter={"doc_id": "yongqiao"})
    assert docs and all(d.metadata["doc_id"] == "yongqiao" for d in docs)
    assert any("床位" in d.page_content for d in docs)
