"""The UI's pure formatting helpers: labels, highlighted passages and tables, status, reports."""

from __future__ import annotations

from ui.render import (
    citation_label,
    cited_row,
    figure_rows,
    generator_status,
    md_escape,
    passage_html,
    plan_label,
    table_html,
)

TABLE = """四、主要预期指标
领域｜指标｜2020年｜2025年
健康水平｜人均期望寿命（岁）｜81.15｜82
健康水平｜婴儿死亡率（‰）｜3.03｜<3.03"""
ROW = "四、主要预期指标｜健康水平｜婴儿死亡率（‰）｜2020年：3.03｜2025年：<3.03"


def test_plan_label_shows_draft_status_once() -> None:
    draft = {"title": "埇桥区卫生健康事业发展“十四五”规划（征求意见稿）", "status": "征求意见稿"}
    assert plan_label(draft) == "埇桥区卫生健康事业发展“十四五”规划 【征求意见稿】"
    assert plan_label({"title": "振安区规划", "status": ""}) == "振安区规划"


def test_citation_label() -> None:
    c = {"n": 2, "title": "天津市东丽区卫生健康事业发展“十四五”规划", "status": "",
         "section_path": ["第三部分", "四、“十四五”东丽区卫生健康规划主要预期指标"]}
    label = citation_label(c)
    assert label.startswith("[2] 天津市东丽区卫生健康事业发展“十四五”规划 · 四、")
    assert label.endswith("…")
    draft = citation_label({"n": 1, "title": "埇桥规划（征求意见稿）", "status": "征求意见稿", "section": "一 › 二"})
    assert draft == "[1] 埇桥规划【征求意见稿】 · 二"


def test_table_highlights_the_cited_row() -> None:
    assert cited_row(TABLE, ROW) == 1
    html = table_html(TABLE, ROW)
    assert html.count("planqa-cited-row") == 1
    marked = html.split('class="planqa-cited-row"')[1].split("</tr>")[0]
    assert "婴儿死亡率（‰）" in marked and "&lt;3.03" in marked  # escaped
    assert "<caption" in html and "四、主要预期指标" in html
    assert cited_row(TABLE, "无关的文字") == -1 and "planqa-cited-row" not in table_html(TABLE, "无关")


def test_passage_marked_inside_its_context_and_escaped() -> None:
    html = passage_html({"before": "前文<b>\n", "passage": "被引用的段落", "after": "\n后文"})
    assert "前文&lt;b&gt;<br>" in html and "<mark" in html and "被引用的段落</mark>" in html
    assert html.index("前文") < html.index("<mark") < html.index("后文")


def test_md_escape_keeps_plan_text_literal() -> None:
    assert md_escape("2025年：82[1]") == "2025年：82\\[1\\]"
    assert md_escape("费用$5~$8 *重点*") == "费用\\$5\\~\\$8 \\*重点\\*"


def test_generator_status() -> None:
    ready = {"status": "ready", "active_generator": "extractive",
             "generator": {"generator": "extractive", "ok": True, "detail": ""}}
    assert generator_status(ready)[:2] == ("ok", "原文摘录（未使用大模型）")
    loading = {"status": "ready", "active_generator": "extractive",
               "generator": {"generator": "local", "ok": False, "detail": "no local LLM"}}
    assert generator_status(loading)[0] == "warn"
    local = {"status": "ready", "active_generator": "local",
             "generator": {"generator": "local", "ok": True, "model": "qwen", "detail": "up"}}
    assert generator_status(local)[:2] == ("ok", "本地模型（qwen）")
    assert generator_status({"status": "no_index", "detail": "build it"})[0] == "error"


def test_eval_rows_put_committed_dev_and_test_beside_the_latest_run() -> None:
    committed = {"figures": {"realistic": {
        "dev": {"answer": {"extractive": {"overall": {"answer_key_recall": 0.8, "n": 10},
                                          "by_style": {"citizen": {"answer_key_recall": 0.7, "n": 4}}}}},
        "test": {"answer": {"extractive": {"overall": {"answer_key_recall": 0.75, "n": 10},
                                           "by_style": {"citizen": {"answer_key_recall": 0.6, "n": 5}}}}}}}}
    latest = {"extractive": {"created": "2026-12-01T10:00:00", "runs": {"realistic/test": {"answer": {
        "overall": {"answer_key_recall": 0.9}, "by_style": {"typo": {"answer_key_recall": 1.0, "n": 2}}}}}}}
    overall = figure_rows(committed, latest, "realistic", "answer", "extractive", None, "")
    assert overall == [{"指标": "要点召回", "基线 dev": 0.8, "基线 test": 0.75, "最新 dev": None, "最新 test": 0.9}]
    styles = figure_rows(committed, latest, "realistic", "answer", "extractive", "by_style", "answer_key_recall")
    assert [r["类别"] for r in styles] == ["citizen", "typo"]
    assert styles[0]["基线 test"] == 0.6 and styles[0]["题数"] == 5 and styles[1]["最新 test"] == 1.0
    assert figure_rows(committed, {}, "gold", "answer", "extractive", None, "") == []
