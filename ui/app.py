"""PlanQA's Streamlit UI: `streamlit run ui/app.py` (or `planqa ui`, or the whole stack: `planqa run`).

Talks to the API over HTTP at Settings().resolved_api_url (PLANQA_API_URL, else
http://PLANQA_API_HOST:PLANQA_API_PORT). Pages: 问答 (chat), 规划文件 (plans, staff upload/delete),
指标 (the indicator store:
table, source rows, comparison chart, Excel), 评测报告 (latest eval report).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run ui/app.py` puts only ui/ on the path
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

st.set_page_config(page_title="规划问答 PlanQA", page_icon=":material/health_and_safety:", layout="wide")

pages = [
    st.Page("pages/chat.py", title="问答", icon=":material/chat:", default=True),
    st.Page("pages/documents.py", title="规划文件", icon=":material/description:"),
    st.Page("pages/indicators.py", title="指标", icon=":material/table_chart:"),
    st.Page("pages/eval.py", title="评测报告", icon=":material/analytics:"),
]
st.navigation(pages).run()
