"""指标: every plan's indicators as one filterable table (values as the plans wrote them), each row's
source passage one click away, one indicator compared across plans as a bar chart, and an Excel export."""

from __future__ import annotations

from typing import Any

import altair as alt
import streamlit as st

from ui.client import ApiError
from ui.common import api, show_passage

ATTRIBUTES = {"": "全部", "约束性": "约束性", "预期性": "预期性"}
SHOWN = ("规划", "类别", "指标", "单位", "基数", "目标", "属性", "来源")

st.title("指标", anchor=False)
st.caption("各规划“主要指标”表中的每一项（以及正文写明的目标），数值照录原文。选中一行可查看原文出处；"
           "选一项指标可比较各规划的基数与目标。")
client = api()
try:
    everything = client.indicators()
except ApiError as exc:
    st.error(f"无法读取指标：{exc.detail}")
    st.stop()
plans = {p["doc_id"]: p["plan"] for p in everything.get("plans", [])}

left, mid, right, far = st.columns([2, 2, 1, 2])
plan = left.selectbox("规划", ["", *plans], format_func=lambda d: plans.get(d, "全部规划"), key="ind_plan")
category = mid.text_input("类别（包含）", key="ind_category", placeholder="如：健康服务")
attribute = right.selectbox("属性", list(ATTRIBUTES), format_func=ATTRIBUTES.__getitem__, key="ind_attribute")
words = far.text_input("指标名称（包含）", key="ind_q", placeholder="如：床位")
try:
    found = client.indicators(plan=plan, category=category.strip(), attribute=attribute, q=words.strip())
except ApiError as exc:
    st.error(f"无法筛选指标：{exc.detail}")
    st.stop()
records: list[dict[str, Any]] = found.get("indicators", [])


def _value(r: dict[str, Any], role: str) -> str:
    return next((v["text"] for v in r["values"] if v["role"] == role), "")


table = [{
    "规划": r["plan"], "类别": r["category"], "指标": r["name"], "单位": r["unit"],
    "基数": _value(r, "baseline"), "目标": _value(r, "target"), "属性": r["attribute"],
    "来源": "指标表" if r["origin"] == "table" else "规划正文",
} for r in records]
st.caption(f"共 {len(table)} 项")
picked = st.dataframe(table, hide_index=True, width="stretch", on_select="rerun",
                      selection_mode="single-row", key="ind_table", column_order=SHOWN)
try:
    data = client.export_indicators("xlsx", plan=plan, category=category.strip(), attribute=attribute, q=words.strip())
    st.download_button("导出 Excel", data, file_name="主要指标.xlsx", key="ind_export",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
except ApiError as exc:
    st.error(f"无法导出：{exc.detail}")

# The source of a row: picked in the table, or chosen by name (a keyboard-friendly way to the same).
labels = [f"{r['plan']}｜{r['name']}" for r in records]
rows = picked.selection.rows if picked and picked.selection else []  # type: ignore[attr-defined]
source = st.selectbox("查看原文出处", ["", *range(len(records))], key="ind_source",
                      format_func=lambda i: "选择一项指标…" if i == "" else labels[int(i)])
chosen = rows[0] if rows else source
if chosen != "" and chosen is not None and int(chosen) < len(records):
    r = records[int(chosen)]
    st.markdown(f"**{r['plan']}｜{r['name']}** 的原文出处：")
    show_passage(str(r["chunk_id"]))

st.subheader("各规划比较", anchor=False)
keys: list[str] = everything.get("keys", [])
default = next((k for k in keys if k == (records[0]["key"] if records else "")), "")
key = st.selectbox("指标", ["", *keys], index=(keys.index(default) + 1) if default else 0, key="ind_key",
                   format_func=lambda k: k or "选择一项指标…")
if key:
    try:
        cmp = client.compare(key)
    except ApiError as exc:
        st.error(f"无法比较：{exc.detail}")
        st.stop()
    bars = []
    for e in cmp["plans"]:
        for role, label in (("baseline", "基数"), ("target", "目标")):
            if e.get(f"{role}_number") is not None:
                year = e.get(f"{role}_year")
                bars.append({"规划": e["plan"], "数值": e[f"{role}_number"], "类型": f"{year or ''}{label}",
                             "原文": e[role]})
    if len(cmp["units"]) > 1:
        st.warning(f"各规划的单位不同（{'、'.join(cmp['units'])}），柱高不能直接比较。")
    if bars:
        chart = alt.Chart(alt.Data(values=bars)).mark_bar().encode(
            x=alt.X("规划:N", title=None), xOffset="类型:N", y=alt.Y("数值:Q", title=key),
            color=alt.Color("类型:N", title=None), tooltip=["规划:N", "类型:N", "原文:N"],
        )
        st.altair_chart(chart, width="stretch", key="ind_chart")
    st.dataframe([{"规划": e["plan"], "指标": e["name"], "基数": e["baseline"] or "", "目标": e["target"] or "",
                   "属性": e["attribute"]} for e in cmp["plans"]], hide_index=True, width="stretch",
                 key="ind_compare")
    missing = [plans.get(d, d) for d in cmp["missing"]]
    if missing:
        st.caption("未设定该指标：" + "、".join(missing))
    unplotted = [e["plan"] for e in cmp["plans"] if e.get("target_number") is None]
    if unplotted:
        st.caption("目标不是单一数值、未画入图中：" + "、".join(unplotted))
