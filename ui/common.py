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


def show_passage(chunk_id: str) -> None:
    """A cited passage in its plan: title, section path, and the text around it (or its whole table,
    the cited row marked)."""
    from ui.render import md_escape, passage_html, plan_title, status_badge, table_html

    try:
        ctx = chunk(api_url(), chunk_id)
    except ApiError as exc:
        st.error(f"无法打开引用段落：{exc.detail}")
        return
    with st.container(border=True, key=f"passage_{chunk_id}"):
        status = str(ctx.get("status") or "")
        st.markdown(f"**《{md_escape(plan_title(ctx.get('title', ''), status))}》** {status_badge(status)}")
        path = ctx.get("section_path") or []
        if path:
            st.caption("章节：" + " › ".join(path))
        if ctx.get("table"):
            st.markdown(f"引用的表格行：<mark>{md_escape(str(ctx.get('text', '')))}</mark>", unsafe_allow_html=True)
            st.html(table_html(str(ctx["table"]), str(ctx.get("text", ""))))
        else:
            st.html(passage_html(ctx))
