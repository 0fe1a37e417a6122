"""Checks after generation: citations point at given passages, numbers come from cited passages,
citations are renumbered in order of first use. Pure functions over text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

REFUSAL = "规划文件中未找到相关内容"
_CITE = re.compile(r"\[(\d{1,2})\]")
_CITE_GROUP = re.compile(r"(?:\[\d{1,2}\])+")
_NUM = re.compile(r"\d+(?:\.\d+)?")
_SENT = re.compile(r"(?<=[。；！？\n])")
_FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
# Numbers that are not claims: list markers ("1." at a line start) and the years of the plan period.
_LIST_MARK = re.compile(r"^\s*(?:[-•·]\s*)?\d{1,2}[.、．](?!\d)\s*")  # "2." yes, "2.6" no


@dataclass(frozen=True)
class Checked:
    text: str  # the answer with citations renumbered [1], [2], … in order of first use
    order: tuple[int, ...]  # order[i] = the original passage number (1-based) of new citation i+1
    removed: tuple[str, ...]  # sentences dropped because a number in them is in no cited passage
    invalid: tuple[int, ...]  # citation numbers that referred to no passage
    refused: bool


def is_refusal(text: str) -> bool:
    """'规划文件中未找到相关内容。' (alone or leading the answer) → True."""
    stripped = _CITE_GROUP.sub("", text).strip()
    return stripped.startswith(REFUSAL) or (REFUSAL in stripped and len(stripped) < len(REFUSAL) + 30)


def numbers(text: str) -> list[str]:
    """Figures a reader would check: '2025年达到2.8人[1]' → ['2025', '2.8'] (citation marks skipped)."""
    text = _LIST_MARK.sub("", _CITE_GROUP.sub("", text.translate(_FULLWIDTH)))
    return _NUM.findall(text)


def _number_in(num: str, passage: str) -> bool:
    """A number counts as found when it stands in the passage as a whole number, not inside another
    ('8' is not found in '2.8' or '18')."""
    p = passage.translate(_FULLWIDTH)
    return re.search(rf"(?<![\d.]){re.escape(num)}(?![\d]|\.\d)", p) is not None


_MEASURE = "个家所名人张台项支座间户例辆"
_NUM_MEASURE = re.compile(rf"(?<![\d.])(\d+(?:\.\d+)?)\s*([{_MEASURE}])")


def copy_units(sentence: str, pool: Sequence[str]) -> str:
    """A figure's measure word as the plan wrote it: the model writing '132家' for the plan's
    '132个医疗卫生机构' is set back to '132个'. Only when the passages use that number with exactly
    one measure word and never with the model's; the number itself is checked elsewhere."""
    def fix(m: re.Match[str]) -> str:
        num, unit = m.group(1), m.group(2)
        used = {u for p in pool for n, u in _NUM_MEASURE.findall(p.translate(_FULLWIDTH)) if n == num}
        if unit in used or len(used) != 1:
            return m.group(0)
        return num + used.pop()

    return _NUM_MEASURE.sub(fix, sentence)


def check_answer(answer: str, passages: Sequence[str], question: str = "") -> Checked:
    """Verify and renumber an LLM answer against the passages it was given.

    ('到2025年达到82岁[2]。', ['…', '…2025年：82']) → Checked(text='到2025年达到82岁[1]。', order=(2,), …)
    A sentence whose numbers are in none of its cited passages (or, when it cites none, in none of
    the given passages) is removed; numbers the question itself contains are never flagged.
    """
    n = len(passages)
    invalid: list[int] = []
    kept: list[str] = []
    removed: list[str] = []
    q_nums = set(numbers(question))
    for sent in _SENT.split(answer):
        if not sent.strip():
            if sent:
                kept.append(sent)
            continue
        if not _CITE_GROUP.sub("", sent).strip(" \t。；！？"):
            # Marks standing alone after a sentence ("…剂次[1]。[1][2]") support nothing.
            if sent.endswith("\n"):
                kept.append("\n")
            continue
        cited = []
        for m in _CITE.finditer(sent):
            k = int(m.group(1))
            if 1 <= k <= n:
                cited.append(k)
            elif k not in invalid:
                invalid.append(k)
        if len(cited) == 1:
            sent, cited = _repoint(sent, cited[0], passages)
        pool = [passages[k - 1] for k in cited] if cited else list(passages)
        bad = [x for x in numbers(sent) if x not in q_nums and not any(_number_in(x, p) for p in pool)]
        if bad:
            removed.append(sent.strip())
            continue
        if len(cited) > 1:
            sent, pool = _prune(sent, cited, passages, q_nums)
        sent = copy_units(sent, pool)
        kept.append(_CITE.sub(lambda m: m.group(0) if 1 <= int(m.group(1)) <= n else "", sent))
    text = "".join(kept).strip()
    order: list[int] = []
    for m in _CITE.finditer(text):
        k = int(m.group(1))
        if k not in order:
            order.append(k)
    text = _CITE.sub(lambda m: f"[{order.index(int(m.group(1))) + 1}]", text)
    text = _dedupe_marks(text)
    return Checked(text, tuple(order), tuple(removed), tuple(invalid), is_refusal(text) or not text)


def _repoint(sent: str, k: int, passages: Sequence[str]) -> tuple[str, list[int]]:
    """A sentence copied from another passage than the one it cites gets that passage's number.

    The small model sometimes writes passage 2's sentence and marks it [1]. When another passage
    holds all the sentence's figures and shares at least half its character pairs, and twice as
    many as the cited one, the mark is moved there.
    """
    body = _CITE_GROUP.sub("", sent)
    grams = bigrams(body)
    if len(grams) < 6:
        return sent, [k]
    nums = [x for x in numbers(body) if len(x) > 1 or "." in x]

    here = _share(grams, passages[k - 1])
    best, best_k = here, k
    for m, p in enumerate(passages, 1):
        if m != k and all(_number_in(x, p) for x in nums) and (share := _share(grams, p)) > best:
            best, best_k = share, m
    if best_k == k or best < 0.5 or best < 2 * here:
        return sent, [k]
    return _CITE.sub(lambda mt: f"[{best_k}]" if int(mt.group(1)) == k else mt.group(0), sent), [best_k]


def _prune(sent: str, cited: list[int], passages: Sequence[str], q_nums: set[str],
           min_overlap: float = 0.2) -> tuple[str, list[str]]:
    """Drop a sentence's marks to passages that do not support it, when another cited one does.

    A passage supports a sentence when it holds one of the sentence's figures or shares at least
    ``min_overlap`` of its character pairs. The small model tends to append every passage it was
    shown ('…[1][2]'); a reader checking [2] would find nothing of the sentence there.
    """
    nums = [x for x in numbers(sent) if x not in q_nums]
    grams = bigrams(_CITE_GROUP.sub("", sent))

    def supports(k: int) -> bool:
        p = passages[k - 1]
        return any(_number_in(x, p) for x in nums) or _share(grams, p) >= min_overlap

    keep = [k for k in cited if supports(k)]
    if not keep or len(keep) == len(cited):
        return sent, [passages[k - 1] for k in cited]
    drop = set(cited) - set(keep)
    return _CITE.sub(lambda m: "" if int(m.group(1)) in drop else m.group(0), sent), [passages[k - 1] for k in keep]


def _dedupe_marks(text: str) -> str:
    """'[1][1]' → '[1]'; '[2][1]' → '[1][2]'."""
    def fix(m: re.Match[str]) -> str:
        nums = sorted({int(x) for x in _CITE.findall(m.group(0))})
        return "".join(f"[{x}]" for x in nums)

    return _CITE_GROUP.sub(fix, text)


def _share(grams: set[str], passage: str) -> float:
    """Share of a sentence's character pairs that stand in the passage."""
    return len(grams & bigrams(passage)) / max(1, len(grams))


def bigrams(text: str) -> set[str]:
    """Character pairs of a text's words (digits and punctuation left out): how wording is compared."""
    t = re.sub(r"[\s，。；：、“”（）()《》\[\]0-9.]+", "", text)
    return {t[i : i + 2] for i in range(len(t) - 1)}


def attribute(answer: str, passages: Sequence[str], min_overlap: float = 0.35, question: str = "") -> str:
    """Add [n] to sentences the model left uncited, pointing at the passage that supports them.

    Small local models often answer correctly but drop the marks ('东丽区2025年目标是82岁。').
    A sentence is given the passage that holds all its numbers and shares the most character
    bigrams with it; a sentence no passage supports this way is left uncited, so the checks that
    follow treat it as unverifiable.
    """
    out: list[str] = []
    for sent in _SENT.split(answer):
        body = sent.strip()
        if not body or _CITE.search(sent) or is_refusal(body):
            out.append(sent)
            continue
        nums = [x for x in numbers(body) if len(x) > 1 or "." in x]
        # Words echoed from the question are no evidence of where the rest came from.
        grams = bigrams(body) - bigrams(question) or bigrams(body)
        best, best_score = 0, 0.0
        holders = 0
        for k, p in enumerate(passages, 1):
            if nums and not all(_number_in(x, p) for x in nums):
                continue
            holders += 1
            score = _share(grams, p)
            if score > best_score or not best:
                best, best_score = k, score
        # A sentence whose figures all stand in the passage needs less wording in common, and none
        # when only one passage has them ("…病床数打算提到2.6张。" and the row "…床位数（张）…2.6").
        need = 0.0 if nums and holders == 1 else min_overlap / 3 if nums else min_overlap
        if best and best_score >= need:
            stripped = sent.rstrip()
            tail = sent[len(stripped):]
            end = stripped[-1] if stripped and stripped[-1] in "。；！？" else ""
            core = stripped[: len(stripped) - len(end)] if end else stripped
            out.append(f"{core}[{best}]{end}{tail}")
        else:
            out.append(sent)
    return "".join(out)
