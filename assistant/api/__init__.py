"""PlanQA's HTTP API (FastAPI): `create_app(settings)` for tests and embedding, `serve(settings)`
for `planqa serve`. Run it directly with `python -m assistant.api` (settings from PLANQA_* env)."""

from assistant.api.app import create_app, make_server, serve

__all__ = ["create_app", "make_server", "serve"]
