"""Stage 4 (last) — the answer checked by the model, when the model answering can judge (the embedded
one): a mention by mentioncheck.py, any other answer by answercheck.py. With no such model, or when it
fails, the answer stands as the word checks made it.

    judged(model, qa, found, g, Answer("…[1]", …), params.judge, reply=False, settings=s) → the answer, or its decline
"""

from __future__ import annotations

import logging

from assistant import answercheck, mentioncheck
from assistant.gate import Gate
from assistant.judging import Judge, sentence_vectors
from assistant.params import JudgeParams
from assistant.retrieval import Retrieved
from assistant.settings import Settings
from assistant.types import Answer
from question.analysis import Intent, QuestionAnalysis
from vectorstore.errors import GeneratorError

log = logging.getLogger(__name__)


def judged(judge: Judge | None, qa: QuestionAnalysis, found: Retrieved, g: Gate, ans: Answer, p: JudgeParams, *,
           reply: bool, settings: Settings) -> Answer:
    """The answer checked by the model that can judge, if there is one; as it is when there is none or
    the model fails (the word checks stand)."""
    if judge is None:
        return ans
    from vectorstore.ingest import default_embed_cache

    vectors = sentence_vectors(settings.embed_threads, default_embed_cache(settings.index_dir))
    check = mentioncheck.checked if qa.intent is Intent.MENTION else answercheck.checked
    try:
        return check(judge, vectors, qa, found, g, ans, p, reply=reply, generator=ans.generator)
    except GeneratorError as exc:
        log.warning("the model could not check the answer; it stands as the word checks made it: %s", exc)
        return ans
