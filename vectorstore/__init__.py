"""Loading, cleaning, chunking and indexing of plan documents (Chroma + jieba BM25)."""
