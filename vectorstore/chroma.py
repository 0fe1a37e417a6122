"""Where a build's vectors live: embedded Chroma inside the build folder (the default), or one
Chroma server that every API worker and host shares (PLANQA_CHROMA_HOST / PLANQA_CHROMA_PORT).

One code path for both: a build names its collection; embedded builds keep it in <build>/chroma,
server builds as `planqa-<index>-<build id>` on the server, made with the build and dropped with it,
so switching CURRENT switches the vectors too. Every collection carries the embedding model and
dimension it was written with, and one written by another model is refused, never written to.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vectorstore.errors import EmbeddingMismatchError, StoreUnavailableError

COLLECTION = "planqa_chunks"  # an embedded build's one collection
EMBEDDER_KEY = "planqa:embedder"
DIM_KEY = "planqa:dim"


@dataclass(frozen=True)
class ChromaTarget:
    """Embedded (host "") or a server. Example: ChromaTarget("10.0.0.5", 8000).describe() →
    'the Chroma server at http://10.0.0.5:8000'."""

    host: str = ""
    port: int = 8000
    token: str = ""  # sent as "Authorization: Bearer …" (Chroma's own server has no auth: a proxy checks it)
    ssl: bool = False

    @property
    def server(self) -> bool:
        return bool(self.host)

    @property
    def url(self) -> str:
        return f"{'https' if self.ssl else 'http'}://{self.host}:{self.port}" if self.server else "embedded"

    def describe(self) -> str:
        return f"the Chroma server at {self.url}" if self.server else "the embedded Chroma store"

    def collection_name(self, index: str, build: str) -> str:
        """'planqa-default-20261202-090000-123-456789' on a server; an index name Chroma cannot take
        (or a long one) is replaced by its hash, so names stay valid and distinct."""
        if not self.server:
            return COLLECTION
        bid = build.removesuffix(".partial")
        safe = index if re.fullmatch(r"[A-Za-z0-9_-]{1,20}", index) else hashlib.sha1(index.encode()).hexdigest()[:12]
        return f"planqa-{safe}-{bid}"


_CLIENTS: dict[ChromaTarget, Any] = {}
_CLIENTS_LOCK = threading.Lock()  # Chroma's client is not safe to create from two threads at once


def client(target: ChromaTarget, folder: Path) -> Any:
    """A Chroma client for a build: persistent in `folder`/chroma, or the shared server's (made once
    per process, and again after the server was unreachable)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if not target.server:
        return chromadb.PersistentClient(path=str(folder / "chroma"), settings=settings)
    with _CLIENTS_LOCK:
        if target not in _CLIENTS:
            headers = {"Authorization": f"Bearer {target.token}"} if target.token else None
            try:
                _CLIENTS[target] = chromadb.HttpClient(host=target.host, port=target.port, ssl=target.ssl,
                                                       headers=headers, settings=settings)
            except Exception as exc:  # chromadb raises a bare ValueError (or an auth error) when it cannot connect
                raise unavailable(target, exc) from exc
        return _CLIENTS[target]


def forget(target: ChromaTarget) -> None:
    """Drop a server's client after a failure, so the next call connects afresh."""
    with _CLIENTS_LOCK:
        _CLIENTS.pop(target, None)


def unavailable(target: ChromaTarget, exc: BaseException) -> StoreUnavailableError:
    why = f"{type(exc).__name__}: {str(exc)[:160]}"
    said = f"{type(exc).__name__} {exc}".lower()
    if any(w in said for w in ("401", "403", "unauthorized", "forbidden", "auth")):
        fix = "check PLANQA_CHROMA_TOKEN against the token the server (or its proxy) expects"
    else:
        fix = (f"start it (`chroma run --path <folder> --host {target.host} --port {target.port}`) or unset "
               "PLANQA_CHROMA_HOST to use the embedded store")
    return StoreUnavailableError(f"{target.describe()} cannot be used ({why}); {fix}")


def is_connection_error(exc: BaseException) -> bool:
    """A failure of the server or the network, as opposed to a bad request."""
    import httpx

    return isinstance(exc, (httpx.TransportError, ConnectionError, TimeoutError)) or (
        isinstance(exc, ValueError) and "Could not connect" in str(exc))


def raise_if_down(target: ChromaTarget, exc: BaseException) -> None:
    """A server that does not answer becomes a StoreUnavailableError naming it (and its client is
    dropped, so the next call connects afresh); any other failure is left to the caller."""
    if target.server and is_connection_error(exc):
        forget(target)
        raise unavailable(target, exc) from exc


def open_collection(target: ChromaTarget, folder: Path, index: str, model: str, dim: int,
                    create: bool = False) -> Any:
    """The build's collection, always with our embedding function; one written by another embedding
    model or dimension is an EmbeddingMismatchError and is left as it is."""
    from chromadb.errors import NotFoundError as ChromaNotFound

    from vectorstore.embed import ChromaE5Function

    name = target.collection_name(index, folder.name)
    try:
        c = client(target, folder)
        try:  # never get_or_create: it would not tell us the collection was someone else's
            col = c.get_collection(name, embedding_function=ChromaE5Function())  # type: ignore[arg-type]
        except ChromaNotFound:
            if not create:
                raise
            col = c.create_collection(
                name, embedding_function=ChromaE5Function(),  # type: ignore[arg-type]
                metadata={"hnsw:space": "cosine", EMBEDDER_KEY: model, DIM_KEY: dim})
    except StoreUnavailableError:
        raise
    except Exception as exc:
        raise_if_down(target, exc)
        if "embedding function already exists" not in str(exc).lower():
            raise
        # Chroma's own record names another embedding function: opened without ours only to say whose.
        col = c.get_collection(name)
        ef = (col.configuration_json or {}).get("embedding_function") or {}
        raise EmbeddingMismatchError(_mismatch(
            target, name, f"the embedding function {ef.get('name', '?')!r}, dimension {_dim(col, dim)}",
            model, dim)) from exc
    meta = col.metadata or {}
    # Embedded builds written before the model was recorded are ours; on a shared server a
    # collection without our record is someone else's.
    theirs_model = meta.get(EMBEDDER_KEY, None if target.server else model)
    theirs_dim = _dim(col, int(meta.get(DIM_KEY, dim)))
    if (theirs_model, theirs_dim) != (model, dim):
        what = f"model {theirs_model!r}" if theirs_model else "an unrecorded model (not written by PlanQA)"
        raise EmbeddingMismatchError(_mismatch(target, name, f"{what}, dimension {theirs_dim}", model, dim))
    return col


def _dim(col: Any, default: int) -> int:
    """The dimension of the vectors a collection holds (`default` when it holds none)."""
    peek = col.get(limit=1, include=["embeddings"])["embeddings"]
    return len(peek[0]) if peek is not None and len(peek) else default


def _mismatch(target: ChromaTarget, name: str, theirs: str, model: str, dim: int) -> str:
    return (f"collection {name!r} in {target.describe()} holds vectors of {theirs}, but PlanQA embeds with "
            f"{model!r} (dimension {dim}); it was left untouched. Point PLANQA_CHROMA_HOST at PlanQA's own "
            "server, or build a new index with `planqa ingest --full`")


def drop_collection(target: ChromaTarget, index: str, build: str) -> None:
    """Delete a dropped build's server collection (an embedded one goes with its folder)."""
    if not target.server:
        return
    name = target.collection_name(index, build)
    try:
        client(target, Path(build)).delete_collection(name)
    except StoreUnavailableError:
        raise
    except Exception as exc:
        raise_if_down(target, exc)
        if "does not exist" not in str(exc).lower() and "not found" not in str(exc).lower():
            raise
