"""Fixtures for the indicator store tests: the plans of docs_src parsed once, with the real chunker."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "vectorstore"))  # make_fixtures: the plans' tables

from indicatorplans import metas, plans  # noqa: E402,F401  -- session fixtures
