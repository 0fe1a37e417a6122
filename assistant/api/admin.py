"""Staff operations: the bearer-token check, uploading a plan into the index, removing one."""

from __future__ import annotations

import contextlib
import hmac
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from assistant import audit
from assistant.api.deps import ApiState, get_app_state, status_for
from assistant.settings import Settings
from vectorstore.errors import LoadError, NotFoundError, PlanQAError

SUFFIXES = (".docx", ".pdf", ".txt", ".md")
_bearer = HTTPBearer(auto_error=False, description="PLANQA_ADMIN_TOKEN")

UPLOAD_OPENAPI: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["file"],
            "properties": {"file": {"type": "string", "format": "binary",
                                    "description": "a plan as .docx, .pdf, .txt or .md"}},
        }}},
    }
}


def client_of(request: Request) -> str:
    """Who sent a request, as far as the server can tell: the peer's address."""
    return request.client.host if request.client else ""


def audited(request: Request, action: str, doc_id: str = "", file: str = "") -> Any:
    """Record an admin write when it ends, with its outcome: `with audited(request, "upload") as note: …`."""
    settings = get_app_state(request.app).settings

    @contextlib.contextmanager
    def run() -> Iterator[dict[str, str]]:
        note = {"doc_id": doc_id, "file": file, "result": "error"}
        try:
            yield note
        except HTTPException as exc:
            note["result"] = f"{exc.status_code} {str(exc.detail)[:200]}"
            raise
        except PlanQAError as exc:
            note["result"] = f"{status_for(exc)} {str(exc)[:200]}"
            raise
        finally:
            audit.record_write(settings, actor="admin", client=client_of(request), action=action,
                               doc_id=note["doc_id"], file=note["file"], result=note["result"])

    return run()


def require_admin(request: Request, cred: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> None:
    """`Authorization: Bearer <PLANQA_ADMIN_TOKEN>`: 401 without it, 403 when wrong or not configured."""
    settings = get_app_state(request.app).settings
    token = settings.admin_token.get_secret_value()
    refused = "403 admin disabled" if not token else "401 no token" if cred is None else \
        "" if hmac.compare_digest(cred.credentials.encode(), token.encode()) else "403 wrong token"
    if refused:  # a refused attempt at a write is audited too
        audit.record_write(settings, actor="anonymous", client=client_of(request),
                           action=f"{request.method} {request.url.path}", result=refused)
    if not token:
        raise HTTPException(403, "管理功能未启用：请设置环境变量 PLANQA_ADMIN_TOKEN 并重启服务。"
                                 "Admin operations are disabled: set PLANQA_ADMIN_TOKEN and restart the service.")
    if cred is None:
        raise HTTPException(401, "需要管理员令牌。Missing 'Authorization: Bearer <PLANQA_ADMIN_TOKEN>'.",
                            headers={"WWW-Authenticate": "Bearer"})
    if not hmac.compare_digest(cred.credentials.encode(), token.encode()):
        raise HTTPException(403, "管理员令牌不正确。Wrong admin token.")


def upload_limit(settings: Settings) -> int:
    return settings.max_upload_mb * 1024 * 1024


def too_big(settings: Settings) -> str:
    return (f"文件过大：上传上限为 {settings.max_upload_mb} MB。"
            f"File too large: the upload limit is {settings.max_upload_mb} MB (PLANQA_MAX_UPLOAD_MB).")


def uploads_dir(settings: Settings) -> Path:
    return settings.data_dir / "uploads"


def safe_name(filename: str) -> str:
    """The file's own name, without folders or characters a file system or shell would trip on."""
    name = re.split(r"[\\/]", filename)[-1].strip()
    name = re.sub(r"[\x00-\x1f<>:\"|?*]", "_", name).lstrip(".~$ ")
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise HTTPException(422, f"不支持的文件类型 {suffix or '（无后缀）'}：请上传 .docx、.pdf、.txt 或 .md 文件。"
                                 f"Unsupported file type {suffix or '(none)'!r}: upload .docx, .pdf, .txt or .md.")
    if len(name) > 150:
        name = name[: 150 - len(suffix)] + suffix
    return name


def _report_json(report: Any, name: str, tmp_names: tuple[str, ...]) -> dict[str, Any]:
    errors = []
    for path, msg in report.errors:
        for t in tmp_names:  # never show server paths
            msg = msg.replace(t, name)
        errors.append({"file": name if path in tmp_names else Path(path).name, "error": msg})
    return {
        "documents": report.documents, "chunks": report.chunks, "embedded": report.embedded,
        "reused": report.reused, "added": report.added, "updated": report.updated,
        "unchanged": report.unchanged, "removed": report.removed, "errors": errors,
        "seconds": round(report.seconds, 2), "build": report.build,
        "indicators": report.indicators, "indicators_extracted": report.indicators_extracted,
        "rows_kept_as_text": [{"doc_id": u.doc_id, "chunk_id": u.chunk_id, "text": u.text, "reason": u.reason}
                              for u in report.unparsed],
    }


def store_and_ingest(st: ApiState, src: IO[bytes], filename: str) -> dict[str, Any]:
    """Copy the upload aside, check that it loads, then put it under <data_dir>/uploads and ingest it.

    A file that does not load is a 422 and changes nothing: neither the index nor an earlier upload
    of the same name.
    """
    from vectorstore.clean import clean_text
    from vectorstore.ingest import ingest
    from vectorstore.load import load_file

    settings = st.settings
    name = safe_name(filename)
    up = uploads_dir(settings)
    incoming = up / ".incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=incoming))
    try:
        tmp = work / name
        limit, size = upload_limit(settings), 0
        with tmp.open("wb") as out:
            while block := src.read(1024 * 1024):
                size += len(block)
                if size > limit:
                    raise HTTPException(413, too_big(settings))
                out.write(block)
        try:
            if not clean_text(load_file(tmp).text).strip():
                raise LoadError(str(tmp), "no text left after cleaning")
        except LoadError as exc:
            raise HTTPException(422, f"{name}: {exc.reason}") from exc
        dest = up / name
        backup = work / (name + ".previous")
        existed = dest.exists()
        if existed:
            os.replace(dest, backup)
        os.replace(tmp, dest)
        try:
            report = ingest(settings.index_dir, [dest], lexicon_dir=settings.lexicon_dir, chroma=settings.chroma,
                            dense=settings.embed_text)
        except BaseException:
            _restore(dest, backup, existed)
            raise
        body = _report_json(report, name, (str(dest), str(dest.resolve()), str(tmp)))
        ids = report.added + report.updated + report.unchanged
        if report.errors or not ids:
            _restore(dest, backup, existed)
            detail = "; ".join(e["error"] for e in body["errors"]) or "the file was not indexed"
            raise HTTPException(422, f"{name}: {detail}")
        doc_id = ids[0]
        state = "added" if report.added else "updated" if report.updated else "unchanged"
        rec = st.corpus().build.docs.get(doc_id)
        from assistant.api.routes import doc_json

        return {"doc_id": doc_id, "status": state, "file": name, "bytes": size,
                "document": doc_json(rec) if rec else None, "report": body}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _restore(dest: Path, backup: Path, existed: bool) -> None:
    with contextlib.suppress(FileNotFoundError):
        dest.unlink()
    if existed and backup.exists():
        os.replace(backup, dest)


def delete_document(st: ApiState, doc_id: str) -> dict[str, Any]:
    """Remove a plan from the index; its file goes too if it was uploaded (docs_dir files are kept)."""
    from vectorstore.ingest import ingest

    settings = st.settings
    build = st.corpus().build
    rec = build.docs.get(doc_id)
    if rec is None:
        raise NotFoundError(f"no document {doc_id!r}; GET /v1/documents lists the ids")
    if len(build.docs) == 1:
        raise HTTPException(409, f"不能删除最后一份规划 {doc_id}：请先上传其他规划。"
                                 f"Cannot delete {doc_id!r}, the only document in the index: upload another first.")
    report = ingest(settings.index_dir, [], remove=[doc_id], lexicon_dir=settings.lexicon_dir,
                    chroma=settings.chroma, dense=settings.embed_text)
    path = Path(rec.path)
    up = uploads_dir(settings).resolve()
    file_removed = False
    if path.resolve().is_relative_to(up) and path.exists():
        path.unlink()
        file_removed = True
    return {"deleted": doc_id, "file_removed": file_removed,
            "report": _report_json(report, path.name, (str(path),))}
