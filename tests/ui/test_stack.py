"""`planqa run`'s pieces that the browser test does not reach: first-run index build with progress,
busy ports, the children's environment. (The whole stack runs in test_e2e_browser.py.)"""

from __future__ import annotations

import io
import socket
from pathlib import Path

import pytest

from assistant.modelsupervisor import ModelSupervisor
from assistant.settings import Settings
from assistant.stack import (
    child_env,
    ensure_index,
    port_free,
    run_stack,
    streamlit_command,
)
from vectorstore.errors import ConfigError
from vectorstore.index import IndexStore

PLAN = """测试市河西区卫生健康事业发展“十四五”规划
一、发展目标
到2025年，河西区每千常住人口执业（助理）医师数达到3.6人。
"""


def test_first_run_builds_the_index_with_progress(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "hexi.txt").write_text(PLAN, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", docs_dir=docs, llm_mode="extractive")
    err = io.StringIO()
    assert ensure_index(settings, out=err) is True
    assert IndexStore(settings.index_dir).current_id() is not None
    log = err.getvalue()
    assert "首次运行" in log and "100%" in log and "索引已建立" in log and "1 documents" in log
    assert ensure_index(settings, out=io.StringIO()) is False  # there is one now: nothing to do


def test_first_run_without_documents(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="PLANQA_DOCS_DIR"):
        ensure_index(Settings(data_dir=tmp_path, docs_dir=tmp_path / "none"), out=io.StringIO())
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="no plan could be read"):
        ensure_index(Settings(data_dir=tmp_path, docs_dir=tmp_path / "empty"), out=io.StringIO())


def test_busy_port_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert not port_free("127.0.0.1", port)
        settings = Settings(data_dir=tmp_path, api_port=port, llm_mode="extractive")
        assert run_stack(settings) == 2
    err = capsys.readouterr().err
    assert f"port {port}" in err and "PLANQA_API_PORT" in err


def test_children_get_the_settings_not_the_admin_token(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path, api_port=9123, ui_port=9124, admin_token="secret", llm_mode="extractive")
    env = child_env(s, exclude=("admin_token",))
    assert env["PLANQA_DATA_DIR"] == str(tmp_path) and env["PLANQA_API_PORT"] == "9123"
    assert env["PLANQA_LLM_MODE"] == "extractive" and "PLANQA_ADMIN_TOKEN" not in env
    assert "PLANQA_LLM_GGUF" not in env  # None: not set at all
    cmd = streamlit_command(s)
    assert cmd[cmd.index("--server.port") + 1] == "9124" and cmd[cmd.index("--server.address") + 1] == "127.0.0.1"
    assert "--browser.gatherUsageStats" in cmd and cmd[cmd.index("--server.headless") + 1] == "true"


def test_local_model_only_when_asked_and_no_remote() -> None:
    assert ModelSupervisor.wanted(Settings(llm_mode="auto", llm_base_url=""))
    assert ModelSupervisor.wanted(Settings(llm_mode="local", llm_base_url=""))
    assert not ModelSupervisor.wanted(Settings(llm_mode="extractive"))
    assert not ModelSupervisor.wanted(Settings(llm_mode="auto", llm_base_url="http://127.0.0.1:9/v1"))
