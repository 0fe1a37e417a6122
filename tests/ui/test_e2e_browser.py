"""End to end in a real headless Chromium: `python -m assistant.stack` (what `planqa run` runs)
starts the API and the Streamlit UI on free ports over the session's index, extractive answers;
the browser asks, opens the citation, gives a thumbs-up; the stack is then stopped like Ctrl-C
and must leave no process behind.

Needs Debian's chromium and a CJK font (scripts/setup-system.sh); never `playwright install`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
ARTIFACTS = REPO / "tests" / "artifacts"
QUESTION = "东丽区2025年人均期望寿命目标是多少？"
DONGLI_TITLE = "天津市东丽区卫生健康事业发展“十四五”规划"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"{CHROMIUM} is missing: run scripts/setup-system.sh (apt-get install chromium)"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children_of(pid: int) -> list[int]:
    """Every descendant process of pid (from /proc)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        kids = [c for c, pp in parents.items() if pp == p]
        out += kids
        todo += kids
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@dataclass
class Stack:
    proc: subprocess.Popen[str]
    ui_url: str
    api_url: str
    data_dir: Path
    output: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def stack(small_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """One stack for the module's tests; the last test stops it like Ctrl-C."""
    data = tmp_path_factory.mktemp("stack") / "stack-data"
    shutil.copytree(small_index / "indexes", data / "indexes")
    api_port, ui_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANQA_")}
    env.update(PLANQA_DATA_DIR=str(data), PLANQA_LLM_MODE="extractive", PLANQA_API_HOST="127.0.0.1",
               PLANQA_API_PORT=str(api_port), PLANQA_UI_PORT=str(ui_port), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "assistant.stack"], cwd=REPO, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    st = Stack(proc, f"http://127.0.0.1:{ui_port}", f"http://127.0.0.1:{api_port}", data)
    started = threading.Event()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            st.output.append(line)
            if "界面 UI:" in line:
                started.set()

    threading.Thread(target=pump, daemon=True).start()
    t0 = time.monotonic()
    while not started.wait(0.5):
        if proc.poll() is not None or time.monotonic() - t0 > 180:
            proc.kill()
            pytest.fail("the stack did not start:\n" + "".join(st.output[-40:]))
    print(f"\nstack up in {time.monotonic() - t0:.1f} s: {st.ui_url} {st.api_url}")
    try:
        yield st
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def _pick(page: Any, label: str, option: str) -> None:
    """Choose an option of a Streamlit selectbox by its label, as a user clicks it."""
    page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first.click()
    page.get_by_role("option", name=option).first.click()


@contextlib.contextmanager
def chromium_page(url: str, shot: str, height: int) -> Iterator[Any]:
    """A page of Debian's Chromium at the UI; a full-page screenshot goes to tests/artifacts/ at the end."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": height}, locale="zh-CN")
            page.goto(url)
            yield page
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
        finally:
            browser.close()
    print(f"screenshot: {ARTIFACTS / shot}")


@pytest.mark.slow  # make test-slow: kept out of the default run's 10 minutes
def test_indicators_page_filter_source_and_chart_in_chromium(stack: Stack) -> None:
    from playwright.sync_api import expect

    with chromium_page(stack.ui_url, "e2e-indicators.png", 2200) as page:
        page.locator('[data-testid="stSidebarNav"]').get_by_text("指标", exact=True).click(timeout=60_000)
        expect(page.get_by_role("heading", name="指标")).to_be_visible(timeout=60_000)
        expect(page.get_by_text("共 ", exact=False).first).to_be_visible(timeout=30_000)
        _pick(page, "规划", "东丽区")
        expect(page.get_by_text("共 15 项")).to_be_visible(timeout=30_000)  # 14 table rows + 1 target in text
        _pick(page, "查看原文出处", "东丽区｜人均期望寿命（岁）")
        cited = page.locator("tr.planqa-cited-row")
        expect(cited).to_contain_text("人均期望寿命（岁）", timeout=30_000)
        expect(page.get_by_text(f"《{DONGLI_TITLE}》")).to_be_visible()
        _pick(page, "指标", "人均预期寿命")
        chart = page.locator('[data-testid="stVegaLiteChart"]')
        expect(chart).to_be_visible(timeout=30_000)
        expect(chart.locator("canvas, svg").first).to_be_visible(timeout=30_000)


def test_ask_open_citation_thumbs_up_in_chromium(stack: Stack) -> None:
    from playwright.sync_api import expect

    with chromium_page(stack.ui_url, "e2e-chat.png", 1700) as page:
        box = page.get_by_placeholder("请输入您的问题，例如：东丽区2025年人均期望寿命目标是多少？")
        box.wait_for(timeout=60_000)
        expect(page.get_by_text("生成方式：原文摘录", exact=False)).to_be_visible(timeout=30_000)
        t0 = time.monotonic()
        box.fill(QUESTION)
        box.press("Enter")
        answer = page.locator('[data-testid="stChatMessage"]').nth(1)
        expect(answer).to_contain_text("82", timeout=60_000)
        chip = answer.get_by_role("radio", name="[1]")
        expect(chip).to_contain_text(DONGLI_TITLE, timeout=30_000)
        print(f"answer with citation shown after {time.monotonic() - t0:.2f} s")

        chip.click()
        expect(answer).to_contain_text(f"《{DONGLI_TITLE}》", timeout=30_000)
        expect(answer).to_contain_text("章节：")
        cited = answer.locator("tr.planqa-cited-row")
        expect(cited).to_contain_text("人均期望寿命（岁）", timeout=30_000)
        expect(answer.locator("table.planqa-table")).to_contain_text("婴儿死亡率")

        answer.get_by_role("radio", name="Thumbs up").click()
        expect(answer).to_contain_text("已记录您的评价", timeout=30_000)

    db = stack.data_dir / "feedback.sqlite3"
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT rating, question, answer, citations FROM feedback").fetchall()
    assert len(rows) == 1
    rating, question, answer_text, citations = rows[0]
    assert (rating, question) == ("up", QUESTION) and "82" in answer_text and DONGLI_TITLE in citations

    # Stop it like Ctrl-C: everything it started must go.
    kids = children_of(stack.proc.pid)
    assert kids, "the UI should run as a child process"
    stack.proc.send_signal(signal.SIGINT)
    assert stack.proc.wait(30) == 0, "".join(stack.output[-30:])
    deadline = time.monotonic() + 10
    while any(alive(k) for k in kids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [k for k in kids if alive(k)], "processes left behind after Ctrl-C"
    assert any("已停止" in line for line in stack.output)
