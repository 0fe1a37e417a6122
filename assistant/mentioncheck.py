"""Stage 4d — a mention checked by the model (wired in modelcheck.py): "是否提到X？" is answered only when
a model that can judge reads X in the plan's sentences, and a decline is answered after all when it
reads X, nearly surely, in the closest sentences.

Word overlap cannot tell an everyday description from the plan's own name for it ("抽血献爱心的小
站" is the plan's 献血点), nor a near topic from the one a plan names (a vaccine it does not name
beside one it does): the question's words decide both ways. A model asked "这段原文是否提到了X"
reads the meaning. The embedded 1.5B model judges loosely, so its word overrules the word checks only
at the odds in params.toml [judge]: an answer whose sentences it reads as not about X is declined,
a decline whose closest sentences it reads as about X, at high odds, is answered with them and a note
saying the model judged it.

    checked(judge, embedder, qa, found, g, Answer("有。规划原文：…", …), p) → Answer("规划文件中未找到相关内容。", …)
"""

from __future__ import annotations

from dataclasses import replace

from assistant.extract import Composed
from assistant.gate import Gate, decline
from assistant.judging import Judge, cited, closest, excerpt, yes_no, yes_odds
from assistant.params import JudgeParams
from assistant.quote import quoted
from assistant.retrieval import Retrieved
from assistant.types import Answer
from question.analysis import Message, QuestionAnalysis
from vectorstore.embed import Embedder

JUDGED_YES = "规划原文的说法与所问不同：经模型判断，以下原文说的是所问之事，请核对。"


def judge_messages(topic: str, text: str) -> list[Message]:
    """The yes/no question put to the model about one excerpt."""
    return yes_no("你判断规划原文是否提到了某件事。",
                  f"规划原文：{text}\n\n问题：这段原文是否提到了“{topic}”（意思相同、说法不同也算）？")


def mention_odds(judge: Judge, topic: str, text: str) -> float:
    """The model's odds that ``text`` mentions ``topic``: ('献血点', '…完善采供血机构与献血点布局…') → 0.97."""
    return yes_odds(judge, judge_messages(topic, text))


def checked(judge: Judge, embedder: Embedder, qa: QuestionAnalysis, found: Retrieved, g: Gate, ans: Answer,
            p: JudgeParams, *, reply: bool, generator: str) -> Answer:
    """The answer to a mention question as the model's reading confirms or overrules it (see the module
    docstring); one without a topic or passages as it is."""
    topic = qa.topic
    if not topic or not found.hits:
        return ans
    if not ans.refused:
        chosen = closest(embedder, topic, cited(ans), p)
        if not chosen or mention_odds(judge, topic, excerpt(chosen, p)) >= p.decline_below:
            return ans
        return decline(qa.standalone, reply, generator, g.params.nearby, hits=found.hits,
                       outside=f"经模型核对，引用的规划原文未提及“{topic}”。")
    if g.places or g.beyond or g.unwritten:
        return ans  # a place no plan covers, a year past the plans: no reading of a sentence changes that
    hits = [h for h in found.hits[: p.passages] if not qa.plans or h.chunk.doc_id in qa.plans]
    chosen = closest(embedder, topic, hits, p)
    if not chosen or mention_odds(judge, topic, excerpt(chosen, p)) < p.answer_above:
        return ans
    used = tuple(dict.fromkeys(c.hit_index for c in chosen))
    lines = "\n".join(f"{c.text.strip()}[{used.index(c.hit_index) + 1}]" for c in chosen)
    out = quoted(qa.standalone, Composed(lines, used), hits, reply=reply, note="", generator=generator,
                 nearby=g.params.nearby)
    return replace(out, notes=(*out.notes, JUDGED_YES))
