"""评测报告: the newest eval report under eval/reports (by modification time)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import streamlit as st

from assistant.settings import REPO_ROOT
from ui.render import latest_report, report_charts

SUITES = {"retrieval": "检索评测", "answer": "回答评测"}

st.title("评测报告", anchor=False)
reports_dir = Path(os.environ.get("PLANQA_EVAL_REPORTS_DIR") or REPO_ROOT / "eval" / "reports")
path = latest_report(reports_dir)
if path is None:
    st.info(f"尚无评测报告：运行 `planqa eval` 生成，报告保存在 {reports_dir}。")
    st.stop()
try:
    report = json.loads(path.read_text(encoding="utf-8"))
except (OSError, ValueError) as exc:
    st.error(f"无法读取评测报告 {path.name}：{exc}")
    st.stop()

st.caption(f"最新报告：{path.name} · 配置 {report.get('config', '?')} · 生成于 {report.get('created', '?')}")
suites = report.get("suites", {})
if not suites:
    st.warning("报告中没有评测结果。")
charts = report_charts(path, list(suites))
for name, res in suites.items():
    st.subheader(SUITES.get(name, name))
    overall = res.get("overall", {})
    if overall:
        st.markdown("**总体指标**")
        st.dataframe([{"指标": k, "数值": v} for k, v in overall.items()], hide_index=True)
    by_kind = res.get("by_kind", {})
    if by_kind:
        st.markdown("**按问题类型**")
        st.dataframe([{"类型": k, **v} for k, v in by_kind.items()], hide_index=True, use_container_width=True)
    if name in charts:
        st.image(str(charts[name]), caption=f"{SUITES.get(name, name)}：按问题类型")
    latency = res.get("latency", {})
    if latency:
        st.caption("耗时：" + "，".join(f"{k} {v}" for k, v in latency.items()))
