"""规划文件: the indexed plans with their metadata; staff with the admin token upload and delete."""

from __future__ import annotations

import streamlit as st

from ui.client import ApiError
from ui.common import api, api_url, documents, refresh
from ui.render import KINDS, plan_label, plan_title, region_of, status_badge

base = api_url()
st.title("规划文件", anchor=False)
flash = st.session_state.pop("doc_flash", None)
if flash:
    (st.success if flash[0] == "ok" else st.error)(flash[1])
docs = documents(base)

if not docs:
    st.info("索引中还没有规划文件。工作人员可在下方上传，或在服务器上运行 `planqa ingest`。")
else:
    st.caption(f"共 {len(docs)} 份规划。标注【征求意见稿】的为草案，内容可能与正式文件不同。")
    rows = [{
        "标题": plan_title(d.get("title", ""), d.get("status", "")),
        "状态": d.get("status") or "正式",
        "地区": region_of(d),
        "省": d.get("province", ""), "市": d.get("city", ""), "区/县": d.get("district", ""),
        "发布机关": d.get("issuer", ""),
        "规划期": d.get("period", ""),
        "类型": KINDS.get(d.get("kind", ""), d.get("kind", "")),
        "段落数": d.get("n_chunks", 0),
        "表格行数": d.get("n_rows", 0),
        "文档ID": d.get("doc_id", ""),
    } for d in docs]
    st.dataframe(rows, hide_index=True, use_container_width=True)

    by_id = {d["doc_id"]: d for d in docs}
    pick = st.selectbox("查看规划详情", options=list(by_id), format_func=lambda i: plan_label(by_id[i]),
                        key="doc_detail", index=None, placeholder="选择一份规划")
    if pick:
        try:
            detail = api().document(pick)
        except ApiError as exc:
            st.error(exc.detail)
        else:
            status = detail.get("status", "")
            st.markdown(f"**《{plan_title(detail.get('title', ''), status)}》** {status_badge(status)}")
            st.caption(f"来源文件：{detail.get('source', '')} · {detail.get('chars', 0)} 字 · "
                       f"{detail.get('n_sections', 0)} 个章节 · {detail.get('n_tables', 0)} 张表格")
            for h in detail.get("outline", []):
                st.markdown(f"- {h}")

st.divider()
st.subheader("管理（工作人员）", anchor=False)
token = st.text_input("管理员令牌", type="password", key="admin_token",
                      help="服务端环境变量 PLANQA_ADMIN_TOKEN 的值")
if not token:
    st.caption("输入管理员令牌后可上传或删除规划文件。")
else:
    up = st.file_uploader("上传规划文件（.docx / .pdf / .txt / .md）", type=["docx", "pdf", "txt", "md"],
                          key="upload_file")
    if st.button("上传并建立索引", key="upload_go", disabled=up is None) and up is not None:
        with st.spinner("正在解析并建立索引，较大的文件可能需要一两分钟…"):
            try:
                res = api().upload(token, up.name, up.getvalue())
            except ApiError as exc:
                st.error(f"上传失败（HTTP {exc.status}）：{exc.detail}")
            else:
                refresh()
                rep = res.get("report", {})
                verb = {"added": "已新增", "updated": "已更新", "unchanged": "内容未变化"}.get(res.get("status", ""), "")
                st.session_state.doc_flash = ("ok", f"{verb}：{res.get('doc_id')}（索引共 {rep.get('chunks', 0)} "
                                              f"个段落，新向量化 {rep.get('embedded', 0)} 个，用时 {rep.get('seconds', 0)} 秒）")
                st.rerun()
    if docs:
        by_id = {d["doc_id"]: d for d in docs}
        victim = st.selectbox("删除规划", options=list(by_id), format_func=lambda i: plan_label(by_id[i]),
                              key="delete_pick", index=None, placeholder="选择要删除的规划")
        sure = st.checkbox("确认从索引中删除（上传的原文件一并删除）", key="delete_sure")
        if st.button("删除", key="delete_go", disabled=not (victim and sure), type="primary") and victim:
            try:
                api().delete(token, victim)
            except ApiError as exc:
                st.error(f"删除失败（HTTP {exc.status}）：{exc.detail}")
            else:
                refresh()
                st.session_state.doc_flash = ("ok", f"已删除：{victim}")
                st.session_state.pop("delete_pick", None)
                st.session_state.pop("delete_sure", None)
                st.rerun()
