"""问答: chat over the plans, answers streamed, every answer with its numbered citations."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.client import ApiError
from ui.common import api, api_url, documents, ready, show_passage
from ui.render import (
    PLACEHOLDER,
    citation_label,
    generator_status,
    md_escape,
    plan_label,
    region_of,
)

EXAMPLES = (
    "东丽区2025年人均期望寿命目标是多少？",
    "埇桥区“十四五”期间每千常住人口执业（助理）医师数要达到多少？",
    "滨海新区2021年补短板计划有哪些重点任务？",
)
HISTORY_TURNS = 8

ss = st.session_state
ss.setdefault("messages", [])
ss.setdefault("pending", "")
base = api_url()


def new_chat() -> None:
    ss.messages = []
    ss.pending = ""
    for k in [k for k in ss if str(k).startswith(("cite_", "fb_", "fbc_"))]:
        del ss[k]


# -- sidebar ----------------------------------------------------------------------------------------
with st.sidebar:
    st.button("新对话", icon=":material/add_comment:", on_click=new_chat, use_container_width=True, key="new_chat")
    rz = ready(base)
    if rz.get("status") == "down":
        st.error(f"问答服务不可用：{rz.get('detail', '')}")
    else:
        level, label, detail = generator_status(rz)
        shown = {"ok": st.success, "warn": st.warning, "error": st.error}[level]
        shown(f"生成方式：{label}", icon=":material/smart_toy:")
        idx = rz.get("index") or {}
        if idx.get("documents"):
            st.caption(f"已收录 {idx['documents']} 份规划，{idx.get('chunks', 0)} 个段落")
        if detail:
            st.caption(detail)
    docs = documents(base)
    by_id = {d["doc_id"]: d for d in docs}
    st.subheader("筛选范围")
    picked_docs = st.multiselect("规划文件", options=list(by_id), format_func=lambda i: plan_label(by_id[i]),
                                 key="filter_docs", placeholder="全部规划")
    regions = sorted({region_of(d) for d in docs if region_of(d)})
    picked_regions = st.multiselect("地区", options=regions, key="filter_regions", placeholder="全部地区")
    reply_mode = st.toggle("答复草稿模式", key="reply_mode",
                           help="为群众来信来电生成答复草稿（依据规划原文，不作规划以外的承诺）")


# -- one answer -------------------------------------------------------------------------------------
def send_rating(i: int) -> None:
    msg = ss.messages[i]
    value = ss.get(f"fb_{i}")
    if value is None:
        return
    rating = "up" if value == 1 else "down"
    try:
        if msg.get("feedback_id"):
            api().update_feedback(msg["feedback_id"], rating=rating)
        else:
            msg["feedback_id"] = api().feedback(
                msg.get("asked", msg.get("question", "")), msg["content"], rating,
                comment=ss.get(f"fbc_{i}", ""), citations=msg.get("citations", []),
                generator=msg.get("generator", ""), mode=msg.get("mode", "answer"))
        msg["rating"] = rating
        msg.pop("feedback_error", None)
    except ApiError as exc:
        msg["feedback_error"] = exc.detail


def send_comment(i: int) -> None:
    msg = ss.messages[i]
    text = str(ss.get(f"fbc_{i}", "")).strip()
    if not text or not msg.get("feedback_id"):
        return
    try:
        api().update_feedback(msg["feedback_id"], comment=text)
        msg["comment_sent"] = text
    except ApiError as exc:
        msg["feedback_error"] = exc.detail


def show_answer(i: int, msg: dict[str, Any]) -> None:
    st.markdown(md_escape(msg["content"]))
    for note in msg.get("notes", []):
        st.caption(f"注：{note}")
    if msg.get("mode") == "reply" and not msg.get("refused"):
        st.caption("答复草稿（右上角按钮可复制）：")
        st.code(msg["content"], language=None, wrap_lines=True)
    nearby = msg.get("nearby", [])
    if msg.get("refused") and nearby:
        with st.expander("最接近的规划原文（未必回答该问题）", expanded=False):
            for c in nearby:
                st.caption(citation_label(c).split("] ", 1)[-1])
                st.markdown(md_escape(str(c.get("text", ""))))
    cites = msg.get("citations", [])
    if cites:
        by_n = {c["n"]: c for c in cites}
        picked = st.pills("引用来源", options=list(by_n), format_func=lambda n: citation_label(by_n[n]),
                          key=f"cite_{i}", selection_mode="single")
        if picked is not None:
            show_passage(str(by_n[picked]["chunk_id"]))
    gen = {"extractive": "原文摘录", "local": "本地模型", "remote": "远程模型", "indicators": "指标库"}.get(msg.get("generator", ""), "")
    cols = st.columns([1, 5])
    with cols[0]:
        st.feedback("thumbs", key=f"fb_{i}", on_change=send_rating, args=(i,))
    with cols[1]:
        if gen:
            st.caption(f"回答方式：{gen}")
    if msg.get("rating"):
        st.caption("已记录您的评价，谢谢！" if not msg.get("comment_sent") else "已记录您的评价和意见，谢谢！")
        if not msg.get("comment_sent"):
            c1, c2 = st.columns([5, 1])
            c1.text_input("补充意见（可选）", key=f"fbc_{i}", placeholder="例如：数字与原文不符、引用不相关…")
            c2.button("提交意见", key=f"fbs_{i}", on_click=send_comment, args=(i,))
    if msg.get("feedback_error"):
        st.error(f"评价未能保存：{msg['feedback_error']}")


# -- the conversation -------------------------------------------------------------------------------
st.title("规划问答", anchor=False)
st.caption("依据卫生健康规划原文回答，每条回答都标注引用出处；点击引用可查看原文段落。")

if not ss.messages:
    st.markdown("**试试这些问题：**")
    for k, q in enumerate(EXAMPLES):
        if st.button(q, key=f"example_{k}"):
            ss.pending = q

for i, msg in enumerate(ss.messages):
    with st.chat_message(msg["role"]):
        if msg["role"] == "user":
            st.markdown(md_escape(msg["content"]))
        elif msg.get("error"):
            st.error(msg["content"])
        else:
            show_answer(i, msg)

typed = st.chat_input(PLACEHOLDER, key="question")
question = (typed or ss.pending or "").strip()
ss.pending = ""
if question:
    history = [{"role": m["role"], "content": m["content"]} for m in ss.messages if not m.get("error")]
    history = history[-HISTORY_TURNS:]
    ss.messages.append({"role": "user", "content": question})
    with st.chat_message("user"):
        st.markdown(md_escape(question))
    filters = {"doc_ids": list(picked_docs), "regions": list(picked_regions)}
    mode = "reply" if reply_mode else "answer"
    with st.chat_message("assistant"):
        box = st.empty()
        box.markdown("正在检索规划原文并组织回答…")
        text, final = "", None
        try:
            for event, data in api().ask_stream(question, history, filters, mode):
                if event == "token":
                    text += data.get("text", "")
                    box.markdown(md_escape(text) + " ▌")
                elif event == "citations":
                    final = data
                    box.markdown(md_escape(final["answer"]))
        except ApiError as exc:
            ss.messages.append({"role": "assistant", "error": True, "content": f"出错了：{exc.detail}"})
        else:
            if final is None:
                ss.messages.append({"role": "assistant", "error": True, "content": "回答未完成，请重试。"})
            else:
                ss.messages.append({"role": "assistant", "content": final["answer"], "asked": question,
                                    "mode": mode, **{k: v for k, v in final.items() if k != "answer"}})
    st.rerun()
