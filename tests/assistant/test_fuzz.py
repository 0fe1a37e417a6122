"""The whole API fuzzed from its own OpenAPI spec with schemathesis: no request, however odd, gets a
5xx (extractive answers, so it is fast). The default run tries a few cases per operation; the slow
target (`make test-slow`) many more (PLANQA_FUZZ_EXAMPLES)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from assistant.api import create_app
from assistant.pipeline import Assistant
from assistant.settings import Settings

EXAMPLES = int(os.environ.get("PLANQA_FUZZ_EXAMPLES", "10"))
ADMIN = "fuzz-admin-token"


@pytest.fixture(scope="module")
def api_schema(small_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    data = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(small_index / "indexes", data / "indexes")
    s = Settings(data_dir=data, llm_mode="extractive", admin_token=ADMIN)
    from assistant import feedback

    feedback.init(s.feedback_db)
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(s, Assistant(s, chat=None)))


def _fuzz(operation: Any, headers: dict[str, str]) -> list[str]:
    """Server errors met on one operation (each with what was sent)."""
    found: list[str] = []

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        response = case.call(headers=headers)
        if response.status_code >= 500:
            found.append(f"{case.method} {case.formatted_path} {case.query or ''} {str(case.body)[:120]!r} → "
                         f"{response.status_code} {response.text[:200]}")

    run()
    return found


@pytest.mark.slow  # make test-slow: kept out of the default run's 10 minutes
def test_no_request_gets_a_server_error(api_schema: Any) -> None:
    errors: list[str] = []
    labels = []
    for result in api_schema.get_all_operations():
        op = result.ok()
        labels.append(op.label)
        if op.label == "POST /v1/eval/runs":
            continue  # starts a whole eval run in the background: covered by its own test
        # Writes with the admin token, so upload and delete are reached (on a private copy).
        errors += _fuzz(op, {"Authorization": f"Bearer {ADMIN}"} if op.method.upper() in ("POST", "DELETE") else {})
    assert {"POST /v1/ask", "POST /v1/ask/stream", "POST /v1/chat/completions", "GET /v1/indicators"} <= set(labels)
    assert not errors, "\n".join(errors)
