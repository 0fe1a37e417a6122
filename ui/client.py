"""The UI's HTTP client for the PlanQA API (the UI never imports the pipeline itself)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import httpx


class ApiError(Exception):
    """The API answered with an error, or could not be reached (status 0)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def _detail(r: httpx.Response) -> str:
    try:
        body = r.json()
    except ValueError:
        return r.text[:300] or f"HTTP {r.status_code}"
    d = body.get("detail", body) if isinstance(body, dict) else body
    if isinstance(d, list):  # FastAPI validation errors
        return "; ".join(str(e.get("msg", e)) if isinstance(e, dict) else str(e) for e in d)
    return str(d)


class ApiClient:
    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def _url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def _request(self, method: str, path: str, timeout: float | None = None, **kw: Any) -> Any:
        try:
            r = httpx.request(method, self._url(path), timeout=timeout or self.timeout, **kw)
        except httpx.HTTPError as exc:
            raise ApiError(0, f"无法连接问答服务 {self.base_url}（{type(exc).__name__}）。"
                              f"Cannot reach the PlanQA API at {self.base_url}.") from exc
        if r.status_code >= 400:
            raise ApiError(r.status_code, _detail(r))
        return r.json()

    # -- reads --------------------------------------------------------------------------------------
    def readyz(self) -> dict[str, Any]:
        """The readiness body, also when the API says 503 (no index)."""
        try:
            r = httpx.get(self._url("/readyz"), timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise ApiError(0, f"无法连接问答服务 {self.base_url}。Cannot reach the PlanQA API.") from exc
        try:
            body: dict[str, Any] = r.json()
        except ValueError as exc:
            raise ApiError(r.status_code, r.text[:300]) from exc
        return body

    def documents(self) -> list[dict[str, Any]]:
        return list(self._request("GET", "/v1/documents")["documents"])

    def document(self, doc_id: str) -> dict[str, Any]:
        return dict(self._request("GET", f"/v1/documents/{doc_id}"))

    def chunk(self, chunk_id: str) -> dict[str, Any]:
        return dict(self._request("GET", f"/v1/chunks/{chunk_id}"))

    def indicators(self, plan: str = "", category: str = "", attribute: str = "", q: str = "") -> dict[str, Any]:
        params = {"plan": plan, "category": category, "attribute": attribute, "q": q}
        return dict(self._request("GET", "/v1/indicators", params={k: v for k, v in params.items() if v}))

    def compare(self, key: str) -> dict[str, Any]:
        return dict(self._request("GET", "/v1/indicators/compare", params={"key": key}))

    def export_indicators(self, fmt: str = "xlsx", **filters: str) -> bytes:
        """The filtered indicators as an Excel workbook (or CSV), as the API writes it."""
        params = {"format": fmt, **{k: v for k, v in filters.items() if v}}
        try:
            r = httpx.get(self._url("/v1/indicators/export"), params=params, timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise ApiError(0, f"无法连接问答服务 {self.base_url}。Cannot reach the PlanQA API.") from exc
        if r.status_code >= 400:
            raise ApiError(r.status_code, _detail(r))
        return r.content

    # -- answers ------------------------------------------------------------------------------------
    @staticmethod
    def _ask_body(question: str, history: Sequence[Mapping[str, str]], filters: Mapping[str, Any] | None,
                  mode: str) -> dict[str, Any]:
        body: dict[str, Any] = {"question": question, "history": [dict(h) for h in history], "mode": mode}
        if filters and any(filters.values()):
            body["filters"] = dict(filters)
        return body

    def ask(self, question: str, history: Sequence[Mapping[str, str]] = (),
            filters: Mapping[str, Any] | None = None, mode: str = "answer") -> dict[str, Any]:
        return dict(self._request("POST", "/v1/ask", json=self._ask_body(question, history, filters, mode),
                                  timeout=180.0))

    def ask_stream(self, question: str, history: Sequence[Mapping[str, str]] = (),
                   filters: Mapping[str, Any] | None = None, mode: str = "answer") -> Iterator[tuple[str, Any]]:
        """(event, data) pairs as the server sends them: ('token', {'text'}) …, ('citations', answer),
        ('done', {}); an ('error', {...}) event or an HTTP error raises ApiError."""
        body = self._ask_body(question, history, filters, mode)
        timeout = httpx.Timeout(self.timeout, read=180.0)
        try:
            with httpx.stream("POST", self._url("/v1/ask/stream"), json=body, timeout=timeout) as r:
                if r.status_code >= 400:
                    r.read()
                    raise ApiError(r.status_code, _detail(r))
                event, data = "message", []
                for line in r.iter_lines():
                    if line.startswith("event:"):
                        event = line[6:].strip()
                    elif line.startswith("data:"):
                        data.append(line[5:].strip())
                    elif not line and data:
                        payload = json.loads("\n".join(data))
                        if event == "error":
                            raise ApiError(int(payload.get("status", 500)), str(payload.get("detail", "")))
                        yield event, payload
                        if event == "done":
                            return
                        event, data = "message", []
        except httpx.ConnectError as exc:
            raise ApiError(0, f"无法连接问答服务 {self.base_url}。Cannot reach the PlanQA API.") from exc
        except httpx.HTTPError as exc:
            raise ApiError(0, f"与问答服务的连接中断（{type(exc).__name__}）。"
                              f"The connection to the PlanQA API failed.") from exc

    # -- feedback -----------------------------------------------------------------------------------
    def feedback(self, question: str, answer: str, rating: str, comment: str = "",
                 citations: Sequence[Mapping[str, Any]] = (), generator: str = "", mode: str = "") -> int:
        body = {"question": question, "answer": answer, "rating": rating, "comment": comment,
                "citations": [dict(c) for c in citations], "generator": generator, "mode": mode}
        return int(self._request("POST", "/v1/feedback", json=body)["id"])

    def update_feedback(self, feedback_id: int, comment: str | None = None, rating: str | None = None) -> None:
        body = {k: v for k, v in (("comment", comment), ("rating", rating)) if v is not None}
        self._request("PATCH", f"/v1/feedback/{feedback_id}", json=body)

    # -- staff --------------------------------------------------------------------------------------
    @staticmethod
    def _auth(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"} if token else {}

    def upload(self, token: str, filename: str, data: bytes) -> dict[str, Any]:
        return dict(self._request("POST", "/v1/documents", headers=self._auth(token),
                                  files={"file": (filename, data)}, timeout=900.0))

    def delete(self, token: str, doc_id: str) -> dict[str, Any]:
        return dict(self._request("DELETE", f"/v1/documents/{doc_id}", headers=self._auth(token), timeout=900.0))

    # -- eval ---------------------------------------------------------------------------------------
    def eval_summary(self) -> dict[str, Any]:
        """Committed dev/test figures, the latest run of each configuration, and a run's state."""
        return dict(self._request("GET", "/v1/eval"))

    def start_eval(self, token: str, sample: int = 0) -> dict[str, Any]:
        return dict(self._request("POST", "/v1/eval/runs", headers=self._auth(token), json={"sample": sample}))
