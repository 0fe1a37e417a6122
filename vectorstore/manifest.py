"""Document metadata: from `docs_src/manifest.json`, or inferred from a new document's title lines."""

from __future__ import annotations

import json
import re
from pathlib import Path

from vectorstore.errors import ConfigError
from vectorstore.types import DocMeta

MANIFEST_NAME = "manifest.json"

# A place name never holds the suffix of another level, so '宿州市埇桥区' gives 埇桥区, not 州市埇桥区.
_NAME = r"[^\W\d_a-zA-Z省市区县旗]"
# Provinces are a closed list: a pattern would read '贯彻落实省委' as the province '彻落实省'.
_PROVINCE = re.compile(
    r"(北京市|天津市|上海市|重庆市"
    r"|(?:河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|四川|贵州"
    r"|云南|陕西|甘肃|青海|台湾)省"
    r"|(?:内蒙古|广西壮族|西藏|宁夏回族|新疆维吾尔)自治区)"
)
_CITY = re.compile(rf"({_NAME}{{2,4}}?市)")
_DISTRICT = re.compile(rf"({_NAME}{{1,4}}?(?:新区|区|县|旗))")
_TITLE_WORDS = ("规划", "计划", "方案", "意见", "通知", "纲要")
_YEAR_RANGE = re.compile(r"(20\d\d)\s*[-—–至]\s*(20\d\d)")
_YEAR = re.compile(r"(20\d\d)年")


def load_manifest(docs_dir: Path) -> dict[str, DocMeta]:
    """Manifest entries keyed by source file name; {} when there is no manifest."""
    path = docs_dir / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = [DocMeta.from_dict(d) for d in data["documents"]]
    except (ValueError, KeyError, TypeError) as exc:  # ValueError: bad JSON or not UTF-8
        raise ConfigError(f"{path}: not a valid manifest ({exc}); fix the JSON or remove the file") from exc
    ids = [e.doc_id for e in entries]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ConfigError(f"{path}: duplicate doc_id {', '.join(dupes)}; give each document its own id")
    return {e.source: e for e in entries}


def slug(name: str) -> str:
    """A document id from a file name: 'Tianjin Plan (2021).txt' → 'tianjin-plan-2021'."""
    stem = Path(name).stem.lower()
    s = re.sub(r"[^0-9a-z\u4e00-\u9fa5]+", "-", stem).strip("-")
    return s or "doc"


def infer_meta(source: str, cleaned: str) -> DocMeta:
    """Metadata for a document the manifest does not list, read off its title lines.

    '宿州市埇桥区卫生健康事业发展“十四五”规划（征求意见稿）' → district 埇桥区, status 征求意见稿, five-year plan.
    """
    top = [
        "" if ln.startswith("\t") else ln.strip().lstrip("#").strip()  # '# 标题' from a Word heading style
        for ln in cleaned.split("\n")[:20]
    ]
    lines = [ln for ln in top if ln][:15]
    title = ""
    for k, ln in enumerate(top):
        if ln and any(w in ln for w in _TITLE_WORDS) and len(ln) <= 80:
            title = ln
            # A title set on two lines: '天津市东丽区卫生健康事业发展' / '“十四五”规划'.
            above = top[k - 1] if k else ""
            if above and above[-1] not in "。；：:;，," and len(above) + len(ln) <= 80:
                title = above + ln
            break
    if not title:
        title = lines[0][:80] if lines else Path(source).stem
    head = " ".join(lines)
    status = next((s for s in ("征求意见稿", "送审稿", "草案", "试行") if s in head), "")
    province = (_PROVINCE.search(title) or _PROVINCE.search(head))
    rest = title.replace(province.group(1), "", 1) if province else title  # '…自治区' is no district
    city = _CITY.search(rest)
    district = _DISTRICT.search(rest.replace("社区", ""))
    # The title says best which years the plan covers; a range further down may be another plan's.
    period = ""
    if m := _YEAR_RANGE.search(title):
        period = f"{m.group(1)}-{m.group(2)}"
    elif "十四五" in title:
        period = "2021-2025"
    elif "十五五" in title:
        period = "2026-2030"
    elif m2 := _YEAR.search(title):
        period = m2.group(1)
    elif m3 := _YEAR_RANGE.search(head):
        period = f"{m3.group(1)}-{m3.group(2)}"
    kind = "five_year_plan" if "五”" in title or "五\"" in title or "五规划" in title else (
        "annual_work_plan" if re.search(r"20\d\d年.*(计划|要点|方案)", title) else "plan"
    )
    issuer = ""
    for ln in lines:
        if re.search(r"(人民政府|办公室|委员会|卫生健康委)", ln) and ("关于" in ln or ln.endswith(("办公室", "委员会"))):
            issuer = ln.split("关于")[0]
            break
    prov = province.group(1) if province else ""
    dist = district.group(1) if district else ""
    short = dist.removesuffix("新区") if dist.endswith("新区") else dist[:-1]
    aliases = tuple(a for a in (dist, short if len(short) >= 2 else "") if a)
    return DocMeta(
        doc_id=slug(source),
        title=title,
        source=source,
        province=prov,
        city=city.group(1) if city else (prov if prov in ("北京市", "天津市", "上海市", "重庆市") else ""),
        district=dist,
        issuer=issuer,
        period=period,
        kind=kind,
        status=status,
        aliases=aliases,
    )
