"""Stage 4, for a question about a plan document itself rather than what it plans: when it was issued.

A notice ends its front matter with the office that signs it and a line holding only the date
("天津市滨海新区人民政府办公室" / "2021年3月14日"); that line, not a deadline of the plan's tasks nor
the year in its title, is the issue date. A plan whose text holds no such line does not say when it
was issued, and the answer says so with the closest passages.

    issued(live, qa, hits, reply=False, generator="extractive", nearby=3)
    → Answer("《滨海新区2021年卫生健康事业补短板工作计划》于2021年3月14日印发，落款为天津市滨海新区人民政府办公室。[1]")
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.extract import Composed
from assistant.gate import decline
from assistant.live import LiveIndex
from assistant.quote import quoted
from assistant.types import Answer
from question.analysis import QuestionAnalysis
from vectorstore.types import Chunk, Hit

# The date alone on its line, or a colophon's "office  date印发" at the plan's end.
_DATE_LINE = re.compile(r"^[ \t\u3000]*(?:(\S{2,30})[ \t\u3000]+)?((?:19|20)\d{2}年\d{1,2}月\d{1,2}日)"
                        r"(?:印发|发布)?[ \t\u3000]*$", re.M)
SIGNER_CHARS = 30  # a longer line before the date is a sentence of the text, not the office signing it
_SENTENCE_END = ("。", "；", "：", "，", "！", "？")


def issue_line(text: str) -> tuple[str, str] | None:
    """A plan text's first line of only a date (or of the office and the date), and the office signing
    it, on that line or the one above ('' when that is a sentence):
    '…\\n天津市滨海新区人民政府办公室\\n2021年3月14日\\n…' → ('天津市滨海新区人民政府办公室', '2021年3月14日');
    '东丽区卫生健康委员会    2021年8月31日印发' → ('东丽区卫生健康委员会', '2021年8月31日'); None when there is none."""
    m = _DATE_LINE.search(text)
    if m is None:
        return None
    above = [ln.strip() for ln in text[:m.start()].splitlines() if ln.strip()]
    signer = m.group(1) or (above[-1] if above else "")
    if len(signer) > SIGNER_CHARS or signer.endswith(_SENTENCE_END):
        signer = ""
    return signer, m.group(2)


def _holding(chunks: Sequence[Chunk], doc_id: str, signer: str, date: str) -> Chunk | None:
    """The first passage of the plan that holds its date line (with its signer, when there is one)."""
    return next((c for c in chunks if c.doc_id == doc_id and date in c.text and signer in c.text), None)


def issued(live: LiveIndex, qa: QuestionAnalysis, hits: Sequence[Hit], *, reply: bool, generator: str,
           nearby: int) -> Answer | None:
    """The issue date of each plan asked about, cited from its date line; the decline naming the plans
    whose text gives none; None when the question does not ask it (see the module docstring)."""
    if not qa.issue_date:
        return None
    # "此文何时印发？" naming no plan asks of the document the search found first.
    docs = qa.plans or tuple(h.chunk.doc_id for h in hits[:1])
    if not docs:
        return None
    lines, cited, undated = [], [], []
    for doc_id in docs:
        title = str(live.corpus.build.docs[doc_id].meta.title)
        found = issue_line(live.doc_texts.get(doc_id, ""))
        chunk = _holding(live.corpus.chunks, doc_id, *found) if found else None
        if found is None or chunk is None:
            undated.append(f"《{title}》")
            continue
        signer, date = found
        cited.append(Hit(chunk, 1.0, "document"))
        by = f"，落款为{signer}" if signer else ""
        lines.append(f"《{title}》于{date}印发{by}。[{len(cited)}]")
    none_given = f"{'、'.join(undated)}文本中没有写明印发日期。" if undated else ""
    if not lines:
        return decline(qa.standalone, reply, generator, nearby, outside=none_given, hits=hits)
    text = "\n".join([*lines, none_given] if none_given else lines)
    return quoted(qa.standalone, Composed(text, tuple(range(len(cited)))), cited, reply=reply, note="",
                  generator="extractive", nearby=nearby)
