"""What every page shares: the API client and short-lived caches of what the API lists."""

from __future__ import annotations

from typing import Any

import streamlit as st

from assistant.settings import Settings
from ui.client import ApiClient, ApiError


def api_url() -> str:
    return Settings().resolved_api_url


def api() -> ApiClient:
    return ApiClient(api_url())


@st.cache_data(ttl=10, show_spinner=False)
def ready(base_url: str) -> dict[str, Any]:
    try:
        return ApiClient(base_url).readyz()
    except ApiError as exc:
        return {"status": "down", "detail": exc.detail}


@st.cache_data(ttl=30, show_spinner=False)
def documents(base_url: str) -> list[dict[str, Any]]:
    try:
        return ApiClient(base_url).documents()
    except ApiError:
        return []


@st.cache_data(ttl=300, show_spinner=False)
def chunk(base_url: str, chunk_id: str) -> dict[str, Any]:
    return ApiClient(base_url).chunk(chunk_id)


def refresh() -> None:
    """Forget the cached lists (after an upload or delete)."""
    ready.clear()
    documents.clear()
    chunk.clear()
