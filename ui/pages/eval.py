"""评测: the committed dev and test figures of both eval sets by kind and style, the latest run
beside them, and (for admins) a button that starts a run. Everything comes from the API."""

from __future__ import annotations

import time

import streamlit as st

from ui.client import ApiError
from ui.common import api
from ui.render import GROUPS, METRICS, SETS, SUITES, figure_rows

STATES = {"idle": "未运行", "running": "运行中…", "done": "已完成", "failed": "失败"}

st.title("评测", anchor=False)
st.caption("“基线”为随版本提交的评测数据；dev 集用于调参，test 集是发布门槛，只看总体数字。"
           "“最新”为本服务最近一次运行的结果。")
try:
    summary = api().eval_summary()
except ApiError as exc:
    st.error(f"无法读取评测数据：{exc.detail}")
    st.stop()

committed, latest, run = summary.get("committed") or {}, summary.get("latest") or {}, summary.get("run") or {}
if latest:
    st.caption("最新运行：" + "；".join(
        f"{cfg} {v.get('created', '')}" + (f"（抽样，每集 {v['sample']} 题）" if v.get("sample") else "")
        for cfg, v in latest.items()))
else:
    st.caption("本服务尚未运行过评测，“最新”列为空。")

dataset = st.radio("评测集", list(SETS), format_func=SETS.__getitem__, horizontal=True, key="eval_set")
figures = committed.get("figures") or {}
present = [(s, c) for (s, c) in SUITES
           if any(((figures.get(dataset) or {}).get(sp) or {}).get(s, {}).get(c) for sp in ("dev", "test"))
           or any(f"{dataset}/{sp}" in ((latest.get(c) or {}).get("runs") or {}) for sp in ("dev", "test"))]
if not present:
    st.info("该评测集还没有数据。")
for suite, config in present:
    st.subheader(SUITES[(suite, config)], anchor=False)
    rows = figure_rows(committed, latest, dataset, suite, config, None, "")
    st.dataframe(rows, hide_index=True, use_container_width=True, key=f"overall_{suite}_{config}")
    metrics = [m for m in METRICS if any(r["指标"] == METRICS[m] for r in rows)]
    left, right = st.columns(2)
    group = left.radio("分组", list(GROUPS), format_func=GROUPS.__getitem__, horizontal=True,
                       key=f"group_{suite}_{config}")
    metric = right.selectbox("指标", metrics, format_func=METRICS.__getitem__, key=f"metric_{suite}_{config}")
    if metric:
        st.dataframe(figure_rows(committed, latest, dataset, suite, config, group, metric), hide_index=True,
                     use_container_width=True, key=f"groups_{suite}_{config}")

st.divider()
with st.expander("运行评测（管理员）", expanded=run.get("state") == "running"):
    state = str(run.get("state", "idle"))
    st.write(f"状态：{STATES.get(state, state)}" + (f"（开始于 {run['started']}）" if run.get("started") else ""))
    if run.get("detail"):
        (st.error if state == "failed" else st.info)(str(run["detail"]))
    for f in run.get("failures") or []:
        st.caption(f)
    token = st.text_input("管理员令牌", type="password", key="eval_token")
    if st.button("开始评测（检索 + 原文摘录回答，两套评测集的 dev 与 test）", key="eval_start", disabled=state == "running"):
        try:
            api().start_eval(token)
            st.success("评测已开始，约需数分钟；稍后刷新本页查看结果。")
            time.sleep(0.5)
        except ApiError as exc:
            st.error(f"无法开始评测：{exc.detail}")
