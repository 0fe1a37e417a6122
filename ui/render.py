"""Pure formatting helpers of the UI (HTML for passages and tables, labels); no Streamlit here."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
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


def latest_report(reports_dir: Path) -> Path | None:
    """The newest eval report (JSON) by modification time, or None."""
    files = [p for p in reports_dir.glob("*.json") if p.is_file()] if reports_dir.is_dir() else []
    return max(files, key=lambda p: p.stat().st_mtime) if files else None


def report_charts(report: Path, suites: Sequence[str]) -> dict[str, Path]:
    """The per-kind chart PNG written next to a report for each suite: <stem>-<suite>.png."""
    out = {}
    for s in suites:
        png = report.with_name(f"{report.stem}-{s}.png")
        if png.is_file():
            out[s] = png
    return out
