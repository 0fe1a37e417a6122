"""The Streamlit UI's logic through streamlit.testing's AppTest, against the real API on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from ui.client import ApiClient
from ui.render import PLACEHOLDER

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "ui" / "app.py")
QUESTION = "东丽区2025年人均期望寿命目标是多少？"
DONGLI_TITLE = "天津市东丽区卫生健康事业发展“十四五”规划"
TIMEOUT = 90


@pytest.fixture
def at(live_api: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    monkeypatch.setenv("PLANQA_API_URL", live_api.url)
    st.cache_data.clear()  # AppTest runs share the process's caches
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    app.run()
    assert not app.exception, app.exception
    yield app
    st.cache_data.clear()


def texts(app: AppTest) -> str:
    """Every piece of text on the page (markdown, captions, alerts, code, html)."""
    parts: list[str] = []
    for kind in ("markdown", "caption", "success", "info", "warning", "error", "code", "html", "title"):
        parts += [str(e.value) for e in getattr(app, kind)]
    return "\n".join(parts)


def ask(app: AppTest, question: str) -> AppTest:
    app.chat_input[0].set_value(question).run()
    assert not app.exception, app.exception
    return app


def test_chat_page_layout(at: AppTest) -> None:
    assert at.chat_input[0].placeholder == PLACEHOLDER
    assert "规划问答" in at.title[0].value
    side = at.sidebar
    assert any("原文摘录" in s.value for s in side.success)  # generator status from /readyz
    assert any("1 份规划" in c.value for c in side.caption)
    plans = side.multiselect(key="filter_docs")
    assert list(plans.options) == [DONGLI_TITLE]  # labels: titles, with a draft's status beside them
    assert list(side.multiselect(key="filter_regions").options) == ["东丽区"]
    assert side.toggle(key="reply_mode").label == "答复草稿模式"
    assert side.button(key="new_chat").label == "新对话"


def test_ask_shows_answer_citation_and_passage(at: AppTest) -> None:
    ask(at, QUESTION)
    msgs = at.chat_message
    assert [m.name for m in msgs] == ["user", "assistant"]
    answer = msgs[1]
    assert "82" in answer.markdown[0].value and "\\[1\\]" in answer.markdown[0].value
    chips = at.button_group(key="cite_1")
    label = str(chips.options[0])
    assert label.startswith("[1] ") and DONGLI_TITLE in label
    chips.set_value(1).run()
    assert not at.exception
    page = texts(at)
    assert f"《{DONGLI_TITLE}》" in page
    assert "章节：" in page and "主要预期指标" in page
    table = next(h.value for h in at.html if "planqa-table" in h.value)
    assert 'class="planqa-cited-row"' in table and "人均期望寿命（岁）" in table and "婴儿死亡率" in table


def test_text_passage_is_highlighted_in_its_context(at: AppTest) -> None:
    ask(at, "东丽区如何推进家庭医生签约服务？")
    at.button_group(key="cite_1").set_value(1).run()
    html = next(h.value for h in at.html if "planqa-passage" in h.value)
    before, marked = html.split("<mark", 1)
    assert len(before) > 50 and "家庭医生" in marked.split("</mark>")[0] and "</mark>" in marked


def test_follow_up_and_new_chat(at: AppTest) -> None:
    ask(at, QUESTION)
    ask(at, "婴儿死亡率呢？")
    assert len(at.chat_message) == 4
    assert "婴儿死亡率" in at.chat_message[3].markdown[0].value  # history went to the API
    at.sidebar.button(key="new_chat").click().run()
    assert len(at.chat_message) == 0
    assert any("试试这些问题" in m.value for m in at.markdown)


def test_example_question_button(at: AppTest) -> None:
    at.button(key="example_0").click().run()
    assert not at.exception
    assert "82" in at.chat_message[1].markdown[0].value


def test_reply_mode_gives_a_copyable_draft(at: AppTest) -> None:
    at.sidebar.toggle(key="reply_mode").set_value(True).run()
    ask(at, "东丽区如何推进家庭医生签约服务？")
    code = at.chat_message[1].code
    assert code and code[0].value.startswith("您好") and "《" + DONGLI_TITLE + "》" in code[0].value


def test_refusal_has_no_citations(at: AppTest) -> None:
    ask(at, "火星移民的规划是什么？")
    assert "未找到" in at.chat_message[1].markdown[0].value
    assert len(at.button_group) == 0 and len(at.feedback) == 1  # thumbs, but no citation chips


def test_too_long_question_shows_the_limit(at: AppTest, live_api: Any) -> None:
    ask(at, "东" * (live_api.settings.max_question_chars + 5))
    err = at.chat_message[1].error[0].value
    assert "问题过长" in err and str(live_api.settings.max_question_chars) in err


def test_thumbs_and_comment_are_stored(at: AppTest, live_api: Any) -> None:
    ask(at, QUESTION)
    at.feedback(key="fb_1").set_value(1).run()
    assert not at.exception
    assert any("已记录您的评价" in c.value for c in at.caption)
    at.text_input(key="fbc_1").set_value("很清楚").run()
    at.button(key="fbs_1").click().run()
    with sqlite3.connect(live_api.settings.feedback_db) as db:
        row = db.execute("SELECT rating, question, answer, comment, citations FROM feedback ORDER BY id DESC").fetchone()
    rating, question, answer, comment, citations = row
    assert (rating, question, comment) == ("up", QUESTION, "很清楚") and "82" in answer
    assert json.loads(citations)[0]["title"] == DONGLI_TITLE
    at.feedback(key="fb_1").set_value(0).run()  # changing one's mind updates the same record
    with sqlite3.connect(live_api.settings.feedback_db) as db:
        assert db.execute("SELECT rating FROM feedback ORDER BY id DESC").fetchone()[0] == "down"


def test_api_down(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("PLANQA_API_URL", f"http://127.0.0.1:{port}")
    st.cache_data.clear()
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    app.run()
    assert any("问答服务不可用" in e.value for e in app.sidebar.error)
    ask(app, QUESTION)
    assert "无法连接" in app.chat_message[1].error[0].value
    st.cache_data.clear()


@pytest.mark.slow  # make test-slow: kept out of the default run's 10 minutes
def test_documents_page_lists_plans_and_staff_upload_delete(at: AppTest, live_api: Any) -> None:
    at.switch_page("pages/documents.py").run()
    assert not at.exception
    df = at.dataframe[0].value
    assert list(df["标题"]) == [DONGLI_TITLE] and list(df["地区"]) == ["东丽区"] and list(df["状态"]) == ["正式"]
    assert not at.file_uploader  # staff controls only after the token
    at.selectbox(key="doc_detail").set_value("dongli").run()
    assert any("主要目标" in m.value for m in at.markdown)

    at.text_input(key="admin_token").set_value("wrong").run()
    plan = "测试市河西区卫生健康事业发展“十四五”规划（征求意见稿）\n一、发展目标\n到2025年，河西区每千常住人口床位数达到6张。\n"
    at.file_uploader(key="upload_file").set_value(("hexi.txt", plan.encode(), "text/plain")).run()
    at.button(key="upload_go").click().run()
    assert any("HTTP 403" in e.value for e in at.error)

    at.text_input(key="admin_token").set_value("ui-admin-token").run()
    at.button(key="upload_go").click().run()
    assert not at.exception
    assert any("已新增" in s.value and "hexi" in s.value for s in at.success)
    df = at.dataframe[0].value
    assert "征求意见稿" in list(df["状态"])
    assert {d["doc_id"] for d in ApiClient(live_api.url).documents()} == {"dongli", "hexi"}

    at.selectbox(key="delete_pick").set_value("hexi").run()
    at.checkbox(key="delete_sure").check().run()
    at.button(key="delete_go").click().run()
    assert any("已删除" in s.value for s in at.success)
    assert [d["doc_id"] for d in ApiClient(live_api.url).documents()] == ["dongli"]


def test_eval_page_shows_committed_figures_and_an_admin_run(at: AppTest, live_api: Any, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    import eval.run as run_mod

    monkeypatch.setattr(run_mod, "REPORTS", tmp_path / "reports")  # the API runs in this process
    at.switch_page("pages/eval.py").run()
    assert not at.exception, at.exception
    page = texts(at)
    assert "尚未运行过评测" in page
    assert str(REPO) not in page and str(tmp_path) not in page  # no file paths shown
    overall = at.dataframe[0].value
    assert overall["基线 test"].notna().all() and overall["最新 test"].isna().all()

    at.text_input(key="eval_token").set_value("wrong").run()
    at.button(key="eval_start").click().run()
    assert any("无法开始评测" in e.value for e in at.error)

    client = ApiClient(live_api.url)
    client.start_eval(live_api.settings.admin_token.get_secret_value(), sample=3)  # the button runs all; a sample keeps this short
    deadline = time.monotonic() + TIMEOUT
    while client.eval_summary()["run"]["state"] == "running" and time.monotonic() < deadline:
        time.sleep(0.5)
    assert client.eval_summary()["run"]["state"] == "done"
    at.run()
    assert not at.exception, at.exception
    assert "抽样" in texts(at)
    assert at.dataframe[0].value["最新 test"].notna().any()
    at.radio(key="eval_set").set_value("realistic").run()
    styles = at.dataframe[1].value
    assert set(styles["类别"]) & {"citizen", "typo", "list", "colloquial"}


def test_indicators_page_filters_opens_a_rows_source_and_compares(at: AppTest) -> None:
    at.switch_page("pages/indicators.py").run()
    assert not at.exception, at.exception
    table = at.dataframe(key="ind_table").value
    assert len(table) >= 14 and "人均期望寿命（岁）" in list(table["指标"])
    at.selectbox(key="ind_plan").set_value("dongli").run()
    at.text_input(key="ind_category").set_value("健康水平").run()
    table = at.dataframe(key="ind_table").value
    assert list(table["指标"]) == ["人均期望寿命（岁）", "婴儿死亡率（‰）", "孕产妇死亡率（‰）", "居民健康素养水平（％）"]
    assert list(table["基数"])[0] == "81.15" and list(table["目标"])[0] == "82"
    assert "共 4 项" in texts(at)
    at.selectbox(key="ind_source").set_value(0).run()  # the first row's source
    assert not at.exception, at.exception
    page = texts(at)
    assert f"《{DONGLI_TITLE}》" in page and "章节：" in page
    assert any("planqa-cited-row" in str(h.proto.body) for h in at.get("html"))  # its row marked in the table
    at.selectbox(key="ind_key").set_value("人均预期寿命").run()
    assert not at.exception, at.exception
    assert at.get("vega_lite_chart")  # the bar chart of baseline and target
    compare = at.dataframe[-1].value  # the comparison table under the chart
    assert list(compare["基数"]) == ["81.15"] and list(compare["目标"]) == ["82"]
    at.selectbox(key="ind_attribute").set_value("约束性").run()
    assert len(at.dataframe(key="ind_table").value) == 0 and "共 0 项" in texts(at)  # 东丽 marks no attribute
