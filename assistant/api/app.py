"""The FastAPI application: state, startup, error translation, health and readiness.

PlanQAError subclasses are turned into HTTP statuses here and only here (see STATUS_FOR).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from assistant import feedback
from assistant.api.deps import ApiState, get_app_state, status_for
from assistant.pipeline import Assistant
from assistant.settings import Settings
from vectorstore.errors import IndexMissingError, PlanQAError, StoreUnavailableError
from vectorstore.index import IndexStore

log = logging.getLogger(__name__)

DESCRIPTION = """PlanQA（规划问答）: answers questions about government health plans, citing the passages it used.

* `POST /v1/ask`, `POST /v1/ask/stream` (server-sent events), `POST /v1/search`
* `GET /v1/documents`, `GET /v1/chunks/{id}`; staff: `POST /v1/documents` (upload), `DELETE /v1/documents/{id}`
  with `Authorization: Bearer $PLANQA_ADMIN_TOKEN`
* OpenAI-compatible: `POST /v1/chat/completions`, `GET /v1/models` (model `planqa`, or `planqa-reply` for reply drafts)
* `POST /v1/feedback`; `GET /healthz`, `GET /readyz`
* `GET /v1/eval` (committed dev/test figures, the latest run); `POST /v1/eval/runs` (admin) starts a run
"""


def _warm(st: ApiState) -> None:
    """Open the index and load the embedder in the background, so the first question is quick."""
    try:
        st.corpus()
        st.assistant.search("卫生健康规划", 1)
    except IndexMissingError:
        log.warning("no index at %s yet: build it with `planqa ingest` or upload a plan", st.settings.index_dir)
    except Exception:  # a broken index is reported by /readyz and each request, not by startup
        log.exception("warming the index failed")


def _init_records(settings: Settings) -> None:
    """The feedback tables made at start; a records server down at start is logged, and each write
    tries again (a 503 naming the server until it answers)."""
    try:
        log.info("feedback kept in %s", feedback.init(settings))
    except StoreUnavailableError as exc:
        log.warning("%s", exc)


def create_app(settings: Settings, assistant: Assistant | None = None) -> FastAPI:
    """The API over one Assistant; the Assistant is built at startup unless one is given."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if app.state.planqa is None:
            app.state.planqa = ApiState(settings, assistant or Assistant(settings))
        _init_records(settings)
        threading.Thread(target=_warm, args=(app.state.planqa,), name="planqa-warm", daemon=True).start()
        yield

    app = FastAPI(title="PlanQA 规划问答 API", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.planqa = ApiState(settings, assistant) if assistant is not None else None

    @app.exception_handler(PlanQAError)
    async def planqa_error(request: Request, exc: PlanQAError) -> JSONResponse:
        code = status_for(exc)
        if code >= 500 and code not in (502, 503):
            log.error("%s on %s: %s", type(exc).__name__, request.url.path, exc)
        return JSONResponse({"detail": str(exc), "error": type(exc).__name__}, status_code=code)

    @app.get("/healthz", tags=["health"], summary="The process is up")
    def healthz() -> dict[str, Any]:
        return {"status": "ok", "uptime_s": round(time.time() - get_app_state(app).started, 1)}

    @app.get("/readyz", tags=["health"], summary="Index loaded and generator status (503 without an index)")
    def readyz() -> JSONResponse:
        st = get_app_state(app)
        gen = st.generator_health()
        body: dict[str, Any] = {"status": "ready", "generator": gen,
                                "index": {"name": settings.index,
                                          "vectors": "chroma server" if settings.chroma.server else "embedded"}}
        bid = IndexStore(settings.index_dir).current_id()
        if bid is None:
            body.update(status="no_index", detail=f"no index {settings.index!r} yet: build it with "
                        "`planqa ingest`, or upload a plan (POST /v1/documents)")
            return JSONResponse(body, status_code=503)
        try:
            corpus = st.corpus()
        except PlanQAError as exc:  # says what to do: the build to rebuild, the Chroma server to start
            body.update(status="index_error", detail=str(exc))
            return JSONResponse(body, status_code=503)
        except Exception as exc:
            log.exception("cannot open the index at %s", settings.index_dir)
            body.update(status="index_error", detail=f"cannot open index build {bid} ({type(exc).__name__}); "
                        "the server log names the folder: rebuild it with `planqa ingest`")
            return JSONResponse(body, status_code=503)
        body["index"].update(build=bid, loaded=True, documents=len(corpus.build.docs), chunks=len(corpus.chunks))
        body["active_generator"] = st.assistant.generator_name
        return JSONResponse(body)

    from assistant.api.evaluation import router as eval_router
    from assistant.api.indicators import router as indicators_router
    from assistant.api.openai_compat import router as openai_router
    from assistant.api.records import router as records_router
    from assistant.api.routes import router

    app.include_router(router)
    app.include_router(eval_router)
    app.include_router(indicators_router)
    app.include_router(openai_router)
    app.include_router(records_router)
    from fastapi.middleware.cors import CORSMiddleware

    # Only the UI's origin (or PLANQA_CORS_ORIGINS) may call the API from a browser.
    app.add_middleware(CORSMiddleware, allow_origins=settings.allowed_origins, allow_credentials=False,
                       allow_methods=["GET", "POST", "PATCH", "DELETE"], allow_headers=["Authorization", "Content-Type"])
    return app


def make_server(settings: Settings, app: FastAPI | None = None) -> Any:
    """A uvicorn.Server for the app on settings.api_host:api_port (run it with .run() or in a thread)."""
    import uvicorn

    config = uvicorn.Config(
        app or create_app(settings), host=settings.api_host, port=settings.api_port,
        log_level=settings.log_level.lower(), timeout_graceful_shutdown=5,
    )
    return uvicorn.Server(config)


def app_from_env() -> FastAPI:
    """The app for one of several uvicorn worker processes: each builds its Settings from PLANQA_*."""
    return create_app(Settings())


def serve(settings: Settings) -> None:
    """`planqa serve`: the API on settings.api_host:api_port until Ctrl-C; PLANQA_API_WORKERS > 1
    runs that many worker processes (uvicorn's own supervisor) over the same index."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    print(f"PlanQA API: http://{settings.api_host}:{settings.api_port}  (docs: /docs, "
          f"{settings.api_workers} worker{'s' if settings.api_workers > 1 else ''})", flush=True)
    if settings.api_workers == 1:
        make_server(settings).run()
        return
    import uvicorn

    uvicorn.run("assistant.api.app:app_from_env", factory=True, host=settings.api_host, port=settings.api_port,
                workers=settings.api_workers, log_level=settings.log_level.lower(), timeout_graceful_shutdown=5)
