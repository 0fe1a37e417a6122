"""Pure formatting helpers of the UI (HTML for passages and tables, labels); no Streamlit here."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

PLACEHOLDER = "请输入您的问题，例如：东丽区2025年人均期望寿命目标是多少？"
GENERATORS = {"local": "本地模型", "remote": "远程模型", "extractive": "原文摘录（未使用大模型）"}
KINDS = {"five_year_plan": "五年规划", "annual_work_plan": "年度工作计划"}
MARK_STYLE = "background:#ffe58a;padding:0 2px;border-radius:2px"
_MD_SPECIAL = re.compile(r"([\\`*_~$#<>\[\]|])")


def md_escape(text: str) -> str:
    """Plan text shown as Markdown without Streamlit reading '*', '$' (LaTeX), '~' or '#' in it."""
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


def plan_title(title: str, status: str) -> str:
    """'埇桥区…规划（征求意见稿）' with status 征求意见稿 → the title without the repeated status."""
    suffix = f"（{status}）"
    return title[: -len(suffix)] if status and title.endswith(suffix) else title


def plan_label(doc: Mapping[str, Any]) -> str:
    """A plan's title with its draft status beside it: '埇桥区…规划 【征求意见稿】'."""
    status = str(doc.get("status") or "")
    title = plan_title(str(doc.get("title", "")), status)
    return f"{title} 【{status}】" if status else title


def status_badge(status: str) -> str:
    """Markdown badge for a draft status ('' when final)."""
    return f":orange-badge[{status}]" if status else ""


def citation_label(c: Mapping[str, Any], width: int = 30) -> str:
    """The chip under an answer: '[1] 天津市东丽区卫生健康事业发展… · 主要预期指标【征求意见稿】'."""
    status = str(c.get("status") or "")
    title = plan_title(str(c.get("title", "")), status)
    short = title if len(title) <= width else title[: width - 1] + "…"
    path = c.get("section_path") or [s for s in str(c.get("section", "")).split(" › ") if s]
    last = str(path[-1]) if path else ""
    last = last if len(last) <= 16 else last[:15] + "…"
    badge = f"【{status}】" if status else ""
    return f"[{c.get('n', '?')}] {short}{badge}" + (f" · {last}" if last else "")


def region_of(doc: Mapping[str, Any]) -> str:
    return str(doc.get("region") or doc.get("district") or doc.get("city") or doc.get("province") or "")


def _text_html(text: str) -> str:
    return html.escape(text.replace("\t", " ")).replace("\n", "<br>")


def passage_html(ctx: Mapping[str, Any]) -> str:
    """The cited passage highlighted with <mark> inside the text around it."""
    before, passage, after = (str(ctx.get(k) or "") for k in ("before", "passage", "after"))
    if not passage.strip():
        passage = str(ctx.get("text", ""))
    return (
        '<div class="planqa-passage" style="line-height:1.8;font-size:0.95rem">'
        f"…{_text_html(before)}<mark style=\"{MARK_STYLE}\">{_text_html(passage)}</mark>{_text_html(after)}…"
        "</div>"
    )


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.split("｜")]


def cited_row(table: str, chunk_text: str) -> int:
    """Index (among the table's data rows) of the row a table-row chunk came from; -1 if unknown."""
    lines = [ln for ln in table.splitlines() if "｜" in ln]
    for i, line in enumerate(lines[1:]):
        cells = [c for c in _cells(line) if c]
        if cells and all(c in chunk_text for c in cells):
            return i
    return -1


def table_html(table: str, chunk_text: str) -> str:
    """The whole table (caption, header, rows) with the cited row highlighted."""
    lines = table.splitlines()
    caption = lines[0] if lines and "｜" not in lines[0] else ""
    rows = [_cells(ln) for ln in lines if "｜" in ln]
    if not rows:
        return f"<pre>{html.escape(table)}</pre>"
    hit = cited_row(table, chunk_text)
    head = "".join(f'<th style="border:1px solid #ccc;padding:4px 8px">{html.escape(c)}</th>' for c in rows[0])
    body = []
    for i, r in enumerate(rows[1:]):
        style = f' style="{MARK_STYLE}" class="planqa-cited-row"' if i == hit else ""
        tds = "".join(f'<td style="border:1px solid #ccc;padding:4px 8px">{html.escape(c)}</td>' for c in r)
        body.append(f"<tr{style}>{tds}</tr>")
    cap = f'<caption style="caption-side:top;font-weight:600;padding:4px">{html.escape(caption)}</caption>' if caption else ""
    return (f'<table class="planqa-table" style="border-collapse:collapse;font-size:0.9rem">{cap}'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")


def generator_status(ready: Mapping[str, Any]) -> tuple[str, str, str]:
    """(level, label, detail) for the sidebar: level is 'ok', 'warn' or 'error'."""
    gen = ready.get("generator") or {}
    active = str(ready.get("active_generator") or gen.get("generator") or "extractive")
    label = GENERATORS.get(active, active)
    if gen.get("model") and active != "extractive":
        label += f"（{gen['model']}）"
    detail = str(gen.get("detail", ""))
    if ready.get("status") != "ready":
        return "error", "索引未就绪", str(ready.get("detail", detail))
    if gen.get("ok") is False:
        return "warn", f"{label}：不可用，暂以原文摘录回答", detail
    local = gen.get("local_model") or {}
    if gen.get("reachable") is not True and local.get("state") in ("restarting", "failed"):
        what = "本地模型重启中" if local["state"] == "restarting" else "本地模型不可用"
        return "warn", f"{what}，暂以原文摘录回答", str(local.get("reason") or detail)
    if gen.get("generator") == "local" and active == "extractive":
        return "warn", "本地模型加载中，暂以原文摘录回答", detail
    if active == "local" and local.get("runtime"):
        label += f" · {local['runtime']}"
    return "ok", label, detail


SETS = {"gold": "基准集", "realistic": "真实咨询集"}
SUITES = {("retrieval", "hybrid"): "检索（混合检索）", ("answer", "extractive"): "回答（原文摘录）",
          ("answer", "llm"): "回答（本地模型）"}
METRICS = {
    "recall@1": "首位命中率 R@1", "recall@5": "前5命中率 R@5", "mrr@10": "MRR@10",
    "answer_key_recall": "要点召回", "citation_precision": "引用准确率", "number_faithfulness": "数字有出处",
    "refusal_correct": "无答案正确拒答", "false_refusal": "误拒率", "district_completeness": "各区齐全",
    "list_completeness": "列表完整度", "followup_key_recall": "追问要点召回",
    "mid_chat_key_recall": "对话中独立提问要点召回",
}
GROUPS = {"by_kind": "按问题类型", "by_style": "按提问风格"}


def figure_rows(committed: Mapping[str, Any], latest: Mapping[str, Any], dataset: str, suite: str, config: str,
                group: str | None, metric: str) -> list[dict[str, Any]]:
    """Rows for the eval page: committed dev and test beside the latest run's dev and test.

    group None: one row per metric (``metric`` ignored); 'by_kind'/'by_style': one row per kind or
    style for ``metric``. Missing figures are None (shown blank).
    """
    def part(tree: Mapping[str, Any], split: str) -> Mapping[str, Any]:
        node = (tree.get(dataset) or {}).get(split) or {}
        return (node.get(suite) or {}).get(config) or {}

    figs = committed.get("figures") or {}
    run = ((latest.get(config) or {}).get("runs") or {})
    cols = {"基线 dev": part(figs, "dev"), "基线 test": part(figs, "test"),
            "最新 dev": (run.get(f"{dataset}/dev") or {}).get(suite) or {},
            "最新 test": (run.get(f"{dataset}/test") or {}).get(suite) or {}}
    rows: list[dict[str, Any]] = []
    if group is None:
        names = [m for m in METRICS if any(m in (c.get("overall") or {}) for c in cols.values())]
        for m in names:
            rows.append({"指标": METRICS[m], **{k: (c.get("overall") or {}).get(m) for k, c in cols.items()}})
        return rows
    keys = sorted({k for c in cols.values() for k in (c.get(group) or {})})
    for k in keys:
        row: dict[str, Any] = {"类别": k}
        for name, c in cols.items():
            cell = (c.get(group) or {}).get(k) or {}
            row[name] = cell.get(metric)
        row["题数"] = ((cols["基线 test"].get(group) or {}).get(k) or {}).get("n") or \
            ((cols["最新 test"].get(group) or {}).get(k) or {}).get("n")
        rows.append(row)
    return rows
