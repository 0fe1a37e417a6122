"""Metrics of the eval suite: pure functions over gold items and what the system returned."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from eval.gold import GoldItem, matching_groups

KS = (1, 3, 5, 10)
REFUSAL_MARK = "规划文件中未找到相关内容"
_NUM = re.compile(r"\d+(?:\.\d+)?")
_NORMALISE = str.maketrans({"＜": "<", "＞": ">", "％": "%", "：": ":", "，": ",", "（": "(", "）": ")", "～": "~"})


# "一个百分点" and "1个百分点" say one thing: the plans write both (the prose and the table of one target).
_COUNTED = re.compile(r"(?<![\d.])([一二两三四五六七八九])(?=[个项名家所种张支])")
_DIGIT = {c: str(i) for i, c in enumerate("一二三四五六七八九", 1)} | {"两": "2"}


def norm(text: str) -> str:
    """Compare text as a reader would: full-width signs equal half-width ones, spaces ignored, a
    small count in Chinese numerals equal to its digit ('降低一个百分点' = '降低1个百分点')."""
    text = re.sub(r"\s+", "", text.translate(_NORMALISE))
    return _COUNTED.sub(lambda m: _DIGIT[m.group(1)], text)


# "X以上" and "≥X" state one target: by the convention of Chinese official documents 以上/以下
# include the figure itself. A plan writes the prose form in its text and the sign in its table,
# so an answer quoting the table row holds the key the prose gave, and the other way round.
_BOUND = re.compile(r"^(?:不低于|不少于|不高于|不超过)?(\d+(?:\.\d+)?)([%‰]?)(以上|以下)?$")
_SIGN = {"以上": "≥", "以下": "≤", "不低于": "≥", "不少于": "≥", "不高于": "≤", "不超过": "≤"}
_SIGNED = re.compile(r"^([≥≤])(\d+(?:\.\d+)?)([%‰]?)$")


def key_forms(key: str) -> tuple[str, ...]:
    """The normalised key and the other way of writing the same bound: '65%以上' → ('65%以上',
    '≥65%', '≥65'); '≥80%' → ('≥80%', '80%以上', '≥80'); anything else → (key,)."""
    k = norm(key)
    m = _BOUND.match(k)
    if m and (m.group(3) or not k[0].isdigit()):
        word = m.group(3) or next(w for w in _SIGN if k.startswith(w))
        sign = _SIGN[word]
        return (k, f"{sign}{m.group(1)}{m.group(2)}", f"{sign}{m.group(1)}")
    m = _SIGNED.match(k)
    if m:
        word = "以上" if m.group(1) == "≥" else "以下"
        return (k, f"{m.group(2)}{m.group(3)}{word}", f"{m.group(1)}{m.group(2)}")
    return (k,)


def key_in(key: str, text: str) -> bool:
    """Whether normalised ``text`` holds the key in any of its forms; a bare sign and figure
    ('≥65') only where neither a digit nor a word follows: '≥650' and '≥65岁' do not hold '65%以上'."""
    forms = key_forms(key)
    if forms[0] in text:
        return True
    return any(re.search(re.escape(f) + r"(?![\d.\u4e00-\u9fff])", text) for f in forms[1:])


@dataclass(frozen=True)
class Passage:
    chunk_id: str
    doc_id: str
    text: str


@dataclass
class RetrievalResult:
    item: GoldItem
    passages: Sequence[Passage]
    seconds: float = 0.0
    query: str = ""


def retrieval_scores(r: RetrievalResult) -> dict[str, float]:
    """recall@k and MRR@10 over evidence groups; top-5 context size in characters."""
    it = r.item
    found_at: dict[int, int] = {}  # group → first rank holding it
    for rank, p in enumerate(r.passages[:10], 1):
        for g in matching_groups(it, p.doc_id, p.text):
            found_at.setdefault(g, rank)
    out: dict[str, float] = {}
    n = len(it.evidence)
    for k in KS:
        if it.needs_all_groups:
            out[f"recall@{k}"] = sum(1 for rk in found_at.values() if rk <= k) / max(1, min(n, k))
        else:
            out[f"recall@{k}"] = 1.0 if any(rk <= k for rk in found_at.values()) else 0.0
    first = min(found_at.values()) if found_at else None
    out["mrr@10"] = 1.0 / first if first else 0.0
    out["ctx_chars@5"] = float(sum(len(p.text) for p in r.passages[:5]))
    return out


@dataclass
class AnswerResult:
    item: GoldItem
    answer: str
    refused: bool
    cited: Sequence[Passage]  # the passages the answer cites, in citation order
    seconds: float = 0.0
    first_token_seconds: float | None = None
    stages: Mapping[str, float] = field(default_factory=dict)
    mid_chat_answer: str | None = None  # the answer when asked right after an unrelated turn


def numbers_in(text: str) -> list[str]:
    """Numbers a reader would check: '每千人口2.8人，2025年' → ['2.8', '2025']; citation marks [1] skipped."""
    text = re.sub(r"\[\d+\]", "", text)
    return _NUM.findall(text)


def answer_scores(r: AnswerResult) -> dict[str, float | None]:
    """Per-item answer metrics; None where a metric does not apply to the item."""
    it = r.item
    ans = norm(r.answer)
    out: dict[str, float | None] = {}
    if it.answerable:
        keys = [k for k in it.answer_keys if k]
        out["answer_key_recall"] = sum(key_in(k, ans) for k in keys) / len(keys) if keys else None
        out["false_refusal"] = 1.0 if r.refused else 0.0
        out["refusal_correct"] = None
        if r.cited:
            # A passage holding one item of a whole list the question asks for supports the answer too.
            good = [p for p in r.cited if matching_groups(it, p.doc_id, p.text) or p.doc_id in it.docs and any(
                key_in(k, norm(p.text)) for k in (*keys, *it.list_items))]
            out["citation_precision"] = len(good) / len(r.cited)
        else:
            out["citation_precision"] = None
        got = {g for p in r.cited for g in matching_groups(it, p.doc_id, p.text)}
        if it.needs_all_groups:
            out["citation_recall"] = len(got) / max(1, len(it.evidence))
        else:
            out["citation_recall"] = 1.0 if got or any(
                p.doc_id in it.docs and any(key_in(k, norm(p.text)) for k in keys) for p in r.cited
            ) else 0.0
        if it.kind == "multi_turn":
            out["followup_key_recall"] = out["answer_key_recall"]
        if r.mid_chat_answer is not None and keys:
            mid = norm(r.mid_chat_answer)
            out["mid_chat_key_recall"] = sum(key_in(k, mid) for k in keys) / len(keys)
        if it.list_items:
            cited_all = norm(" ".join(p.text for p in r.cited))
            out["list_completeness"] = sum(norm(x) in ans and norm(x) in cited_all
                                           for x in it.list_items) / len(it.list_items)
        if it.kind == "ambiguous":
            per_doc = []
            for gi, _doc in enumerate(it.docs):
                keys_here = [k for k in keys if _key_in_doc_group(it, gi, k)]
                per_doc.append(1.0 if keys_here and all(key_in(k, ans) for k in keys_here) else 0.0)
            out["district_completeness"] = sum(per_doc) / len(per_doc) if per_doc else None
    else:
        out["refusal_correct"] = 1.0 if r.refused else 0.0
    nums = [n for n in numbers_in(r.answer)]
    if nums and not r.refused:
        cited_text = norm(" ".join(p.text for p in r.cited))
        derived = _derived(numbers_in(cited_text), len(r.cited))
        out["number_faithfulness"] = sum(n in cited_text or n in derived for n in nums) / len(nums)
    else:
        out["number_faithfulness"] = None
    out["answer_chars"] = float(len(re.sub(r"\[\d+\]", "", r.answer)))
    return out


def _derived(cited: list[str], n_cited: int) -> set[str]:
    """Figures an answer may compute from its passages: how many passages it lists, and the
    difference of two cited figures ('2.8' and '2.29' → '0.51'; a target against its baseline)."""
    from decimal import Decimal, InvalidOperation

    out = {str(n_cited)}
    vals = []
    for n in dict.fromkeys(cited):
        try:
            vals.append(Decimal(n))
        except InvalidOperation:
            continue
    for a in vals:
        for b in vals:
            if a > b:
                out.add(format((a - b).normalize(), "f"))
    return out


def _key_in_doc_group(it: GoldItem, gi: int, key: str) -> bool:
    """Whether an answer key belongs to the plan of evidence group gi (it stands in that group's snippets)."""
    return any(norm(key) in norm(s) for s in it.evidence[gi]) if gi < len(it.evidence) else False


def aggregate(
    rows: Iterable[tuple[GoldItem, Mapping[str, float | None]]],
    by: Callable[[GoldItem], Iterable[str]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Mean of every metric overall ('all') and per group (kind, document), skipping None."""
    sums: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    counts: dict[str, int] = defaultdict(int)
    for item, scores in rows:
        groups = ["all", *(by(item) if by else ())]
        for g in groups:
            counts[g] += 1
            for name, v in scores.items():
                if v is not None:
                    sums[g][name].append(float(v))
    out: dict[str, dict[str, Any]] = {}
    for g, metrics in sums.items():
        out[g] = {name: sum(vs) / len(vs) for name, vs in metrics.items()}
        out[g]["n"] = counts[g]
    return out


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    i = min(len(s) - 1, max(0, round(q / 100 * (len(s) - 1))))
    return s[i]
