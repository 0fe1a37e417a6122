"""Stage 4e — any other answer checked by the model (wired in modelcheck.py): an answer whose passages
cover little of the question is declined when a model that can judge reads, in their sentence nearest
the question, no answer to it.

The gate passes a question once its words are found often enough (params.toml [gate]); a citizen's
everyday words let through passages that share a word and answer something else ("医院" of a
question about a hospital canteen's menu). Where the words cover the question well, they are trusted;
where they cover little, the model's reading decides. The embedded 1.5B model judges loosely and
says "否" to some right answers too, so only its low odds decline, at the coverage and odds in
params.toml [judge]; the decline shows the closest passages, as every decline does.

    checked(judge, embedder, qa, found, g, Answer("…医院食堂…[1]", …), p) → Answer("规划文件中未找到相关内容。", …)
"""

from __future__ import annotations

from assistant.gate import Gate, decline
from assistant.judging import Judge, cited, closest, excerpt, yes_no, yes_odds
from assistant.params import JudgeParams
from assistant.retrieval import Retrieved
from assistant.types import Answer
from question.analysis import Intent, Message, QuestionAnalysis
from vectorstore.embed import Embedder

NOT_ANSWERED = "经模型核对，找到的规划原文没有回答所问；以下为最接近的原文，请核对。"


def answer_messages(question: str, text: str) -> list[Message]:
    """The yes/no question put to the model about one excerpt and the user's question."""
    return yes_no("你判断规划原文能否回答用户的问题。", f"规划原文：{text}\n\n用户的问题：{question}\n\n这段原文是否回答了这个问题？")


def answer_odds(judge: Judge, question: str, text: str) -> float:
    """The model's odds that ``text`` answers ``question``: ('东丽区的床位目标？', '…床位达到…张') → 0.9."""
    return yes_odds(judge, answer_messages(question, text))


def checked(judge: Judge, embedder: Embedder, qa: QuestionAnalysis, found: Retrieved, g: Gate, ans: Answer,
            p: JudgeParams, *, reply: bool, generator: str) -> Answer:
    """The answer as it is, or declined when its passages cover less than ``p.answered_coverage`` of the
    question and the model's odds that their sentence nearest it answers it are below ``p.answered_below``."""
    if ans.refused or not ans.citations or qa.intent is Intent.MENTION or g.coverage >= p.answered_coverage:
        return ans
    chosen = closest(embedder, qa.standalone, cited(ans), p)
    if not chosen or answer_odds(judge, qa.standalone, excerpt(chosen, p)) >= p.answered_below:
        return ans
    return decline(qa.standalone, reply, generator, g.params.nearby, hits=found.hits, outside=NOT_ANSWERED)
