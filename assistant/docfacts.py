"""Stage 4, for a question about a plan document itself rather than what it plans: when it was issued,
its document number, whom it was sent to, the office that issued it.

A notice opens with its number ("津滨政办发〔2021〕7号") and the line naming whom it is sent to
("各开发区管委会，各委局、各街镇、各单位："), and ends its front matter with the office that signs it
and a line holding only the date ("天津市滨海新区人民政府办公室" / "2021年3月14日"); that line, not a
deadline of the plan's tasks nor the year in its title, is the issue date. A plan whose text holds
no such line does not say it, and the answer says so with the closest passages.

    answer_document(live, qa, hits, reply=False, generator="extractive", nearby=3)
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
from question.analysis import DocFact, QuestionAnalysis
from vectorstore.types import Chunk, Hit

# The date alone on its line, or a colophon's "office  date印发" at the plan's end.
_DATE_LINE = re.compile(r"^[ \t\u3000]*(?:(\S{2,30})[ \t\u3000]+)?((?:19|20)\d{2}年\d{1,2}月\d{1,2}日)"
                        r"(?:印发|发布)?[ \t\u3000]*$", re.M)
SIGNER_CHARS = 30  # a longer line before the date is a sentence of the text, not the office signing it
_SENTENCE_END = ("。", "；", "：", "，", "！", "？")
_NUMBER_LINE = re.compile(r"^[ \t\u3000]*(\S{1,16}〔(?:19|20)\d{2}〕\d{1,4}号)[ \t\u3000]*$", re.M)
# Whom a notice is sent to: a short line of offices, separated by commas, ending in a colon.
_ADDRESSEES_LINE = re.compile(r"^[ \t\u3000]*([^\s。：:]{2,20}(?:[，,、][^\s。：:]{2,20})+)[：:][ \t\u3000]*$", re.M)
FRONT_CHARS = 1500  # a notice's front matter: lines further in are the plan's own text


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


def _holding(chunks: Sequence[Chunk], doc_id: str, value: str, signer: str = "") -> Chunk | None:
    """The first passage of the plan that holds a fact of its front matter (a date with its signer,
    when there is one)."""
    return next((c for c in chunks if c.doc_id == doc_id and value in c.text and signer in c.text), None)


def front_matter(text: str) -> dict[DocFact, str]:
    """The facts a plan text's front matter states, as written: {DocFact.NUMBER: '津滨政办发〔2021〕7号',
    DocFact.ADDRESSEES: '各开发区管委会，各委局…', DocFact.SIGNER: '…办公室', DocFact.DATE: '2021年3月14日'}."""
    out: dict[DocFact, str] = {}
    head = text[:FRONT_CHARS]
    if m := _NUMBER_LINE.search(head):
        out[DocFact.NUMBER] = m.group(1)
    if m := _ADDRESSEES_LINE.search(head):
        out[DocFact.ADDRESSEES] = m.group(1)
    if found := issue_line(text):
        signer, date = found
        out[DocFact.DATE] = date
        if signer:
            out[DocFact.SIGNER] = signer
    return out


_SAID = {DocFact.DATE: "于{}印发", DocFact.NUMBER: "文号为{}", DocFact.ADDRESSEES: "主送{}",
         DocFact.SIGNER: "由{}印发"}
_NAMED = {DocFact.DATE: "印发日期", DocFact.NUMBER: "文号", DocFact.ADDRESSEES: "主送单位", DocFact.SIGNER: "印发单位"}


def answer_document(live: LiveIndex, qa: QuestionAnalysis, hits: Sequence[Hit], *, reply: bool, generator: str,
                    nearby: int) -> Answer | None:
    """The facts of each plan document asked about, cited from its front matter; the decline naming
    the plans whose text gives none; None when the question does not ask one (see the module docstring)."""
    if not qa.document:
        return None
    # "此文何时印发？" naming no plan asks of the document the search found first.
    docs = qa.plans or tuple(h.chunk.doc_id for h in hits[:1])
    if not docs:
        return None
    lines: list[str] = []
    cited: list[Hit] = []
    missing: list[str] = []
    for doc_id in docs:
        title = str(live.corpus.build.docs[doc_id].meta.title)
        facts = front_matter(live.doc_texts.get(doc_id, ""))
        said: list[str] = []
        for fact in qa.document:
            if fact is DocFact.SIGNER and DocFact.DATE in qa.document and DocFact.DATE in facts:
                continue  # the date's line names its signer
            value = facts.get(fact)
            held = value and _holding(live.corpus.chunks, doc_id, value, facts.get(DocFact.SIGNER, "")
                                      if fact is DocFact.DATE else "")
            if not value or not held:
                missing.append(f"《{title}》文本中没有写明{_NAMED[fact]}")
                continue
            if held.id not in {h.chunk.id for h in cited}:
                cited.append(Hit(held, 1.0, "document"))
            n = 1 + [h.chunk.id for h in cited].index(held.id)
            if fact is DocFact.DATE and facts.get(DocFact.SIGNER):
                said.append(f"于{value}印发，落款为{facts[DocFact.SIGNER]}[{n}]")
            else:
                said.append(_SAID[fact].format(value) + f"[{n}]")
        if said:
            lines.append(f"《{title}》" + "，".join(said) + "。")
    none_given = "；".join(missing) + "。" if missing else ""
    if not lines:
        return decline(qa.standalone, reply, generator, nearby, outside=none_given, hits=hits)
    text = "\n".join([*lines, none_given] if none_given else lines)
    return quoted(qa.standalone, Composed(text, tuple(range(len(cited)))), cited, reply=reply, note="",
                  generator="extractive", nearby=nearby)
