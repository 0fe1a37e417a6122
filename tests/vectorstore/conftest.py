"""Fixtures for the ingestion tests: the real plans of docs_src, read once per session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from plancorpus import PLAN_IDS, Plan, plan  # noqa: E402


@pytest.fixture(scope="session")
def plans() -> dict[str, Plan]:
    """Every plan of docs_src loaded, cleaned, parsed and chunked by the real pipeline."""
    return {doc_id: plan(doc_id) for doc_id in PLAN_IDS}


@pytest.fixture(scope="session")
def dongli_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 东丽 excerpt as Word writes it (heading styles, numbering, merged-cell table, 专栏 box)."""
    import make_fixtures

    path = tmp_path_factory.mktemp("docx") / "dongli.docx"
    make_fixtures.make_docx(path)
    return path
