"""The answering pipeline, wired from its stages: question (understand.py) → retrieve
(retrieval.py) → gate (gate.py) → compose (the indicator store, the plan's outline, quote.py, or
the model in llmanswer.py, a judging model's pick leading: modelchoice.py) → checked by the model
(modelcheck.py) → an Answer whose every claim cites a passage.
One `Assistant` per process (CLI command, API app, eval run), built from Settings and passed down."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Iterator, Sequence
from typing import Any

from assistant import default_scope, gate, llmanswer, modelcheck, modelchoice, quote
from assistant.chats import ChatPicker
from assistant.finish import finish
from assistant.fromstore import StoreWords
from assistant.judging import Judge, remembering
from assistant.live import LiveHolder, LiveIndex
from assistant.params import AnswerParams, load_params
from assistant.retrieval import Retrieved, retrieve
from assistant.settings import Settings
from assistant.structured import structured
from assistant.types import Answer, Trace
from assistant.understand import analyze, names_only_a_plan
from assistant.widen import widened
from question.analysis import Message, QuestionAnalysis
from question.ask import nothing_to_ask
from vectorstore.errors import GeneratorError
from vectorstore.retrieve import Corpus, Filters, HybridRetriever
from vectorstore.types import Hit

log = logging.getLogger(__name__)

NOTE_LLM_DOWN = "大模型暂不可用，以下为规划原文摘录。"
CLARIFY = "请说明您想了解的具体问题，例如：东丽区2025年人均期望寿命目标是多少？"
NOTE_NOTHING_TO_ASK = "问题中没有可在规划中检索的内容（只有标点、外文，或只有规划名称）。"


class Assistant:
    """Answers questions over the current index. `chat` is an OpenAI-compatible ChatModel or None
    (extractive); 'auto' picks from the settings on first use and looks again when it fails."""

    def __init__(self, settings: Settings, chat: Any = "auto", params: AnswerParams | None = None) -> None:
        self.settings = settings
        self.params = params or load_params()
        self.chats = ChatPicker(settings, chat)
        self._live = LiveHolder(settings)

    def live(self) -> LiveIndex:
        """The live index, reopened when an ingest switches CURRENT; one question uses one snapshot."""
        return self._live.get()

    @property
    def corpus(self) -> Corpus:
        return self.live().corpus

    @functools.cached_property
    def store_words(self) -> StoreWords:
        """The indicator store's word lists under PLANQA_LEXICON_DIR, read once."""
        return StoreWords.load(self.settings.lexicon_dir)

    @property
    def generator_name(self) -> str:
        return self.chats.generator_name

    def analyze(self, question: str, history: Sequence[Message] = (), live: LiveIndex | None = None) -> QuestionAnalysis:
        """'冬丽区的床位目标？' → QuestionAnalysis(standalone='东丽区的床位目标？', plans=('dongli',), …)"""
        return analyze(question, history, live or self.live(), self.chats.rewriter(), self.params.follow_up)

    def search(self, question: str, k: int = 5, filters: Filters | None = None,
               history: Sequence[Message] = (), scope: Filters | None = None) -> tuple[str, list[Hit]]:
        """('东丽2025年人均期望寿命目标？') → (same question, [Hit(东丽 indicator row …), …])"""
        live = self.live()
        qa = self.analyze(question, history, live)
        return qa.standalone, HybridRetriever(live.corpus).search(qa.standalone, k, self.filters(live, qa, filters, scope))

    @staticmethod
    def filters(live: LiveIndex, qa: QuestionAnalysis, filters: Filters | None, scope: Filters | None = None) -> Filters | None:
        """What one question is searched with: the request's filters, else its scope (a request's own,
        else PLANQA_DEFAULT_SCOPE; ``Filters()`` for every plan) when the question names no plan."""
        return default_scope.applied(live.scope if scope is None else scope, filters, qa)

    def answer(self, question: str, history: Sequence[Message] = (), filters: Filters | None = None,
               reply: bool = False, trace: Trace | None = None, scope: Filters | None = None) -> Answer:
        """Answer with citations, or decline: '东丽区2025年人均期望寿命目标是多少？' → '…2025年：82[1]'."""
        return [ev["answer"] for ev in self.stream(question, history, filters, reply, trace, scope) if ev["type"] == "final"][-1]

    def stream(self, question: str, history: Sequence[Message] = (), filters: Filters | None = None,
               reply: bool = False, trace: Trace | None = None, scope: Filters | None = None) -> Iterator[dict[str, Any]]:
        """Events: {'type':'token','text':…} while the answer is written, then
        {'type':'final','answer':Answer} once it is checked (its text replaces the tokens)."""
        tr, t0 = trace or Trace(), time.perf_counter()
        live = None if nothing_to_ask(question) else self.live()
        if live is None or not history and names_only_a_plan(question, live):  # "埇桥区呢？" opening a chat
            yield from _done(Answer(CLARIFY, (), True, "extractive", (NOTE_NOTHING_TO_ASK,), question.strip()), tr, t0)
            return
        qa = self.analyze(question, history, live)
        filters = self.filters(live, qa, filters, scope)
        t1, tr.standalone = time.perf_counter(), qa.standalone
        found, g = widened(live, qa, retrieve(live.corpus, qa, filters, self.params.retrieve), filters, self.params)
        tr.stages["retrieve"], tr.hits = time.perf_counter() - t1, list(found.hits)
        judge = remembering(self.chats.judge())
        for ev in self._compose(live, qa, found, g, filters, reply, tr, t0, judge):
            yield {**ev, "answer": finish(qa, modelcheck.judged(judge, qa, found, g, ev["answer"], self.params.judge,
                                                               reply=reply, settings=self.settings))} if ev["type"] == "final" else ev

    def _compose(self, live: LiveIndex, qa: QuestionAnalysis, found: Retrieved, g: gate.Gate, filters: Filters | None,
                 reply: bool, tr: Trace, t0: float, judge: Judge | None) -> Iterator[dict[str, Any]]:
        p = self.params
        tr.coverage = g.coverage
        # Which members of a group the plan only counts, or a figure the best sentences lack: declined
        # whichever composer answers (a model would quote the count as if it named them, or the sentences).
        ans = structured(live, qa, found, g, self.store_words, filters, reply=reply, generator=self.generator_name,
                         nearby=p.gate.nearby) or quote.unanswered(live, qa, found, g.verdict, p.quote, reply=reply,
                                                                   generator=self.generator_name, nearby=p.gate.nearby)
        if ans is not None:
            yield from _done(ans, tr, t0)
            return
        chat, local = self.chats.current(), self.generator_name == "local"
        if chat is not None and local and quote.compared(qa, found):
            chat = None  # the embedded 1.5B model names one plan and drops the others: each is quoted
        found = modelchoice.chosen(judge if chat is None or local else None, live, qa, found, g, p)  # not when a remote model reads passages
        note = NOTE_LLM_DOWN if chat is None and self.chats.local_down() else ""
        if chat is not None:
            try:
                ans = yield from llmanswer.by_model(chat, live, qa, found, g, p, local=local, reply=reply,
                                                    generator=self.generator_name, tr=tr, t0=t0)
                tr.stages["total"] = time.perf_counter() - t0
                yield {"type": "final", "answer": ans}
                return
            except GeneratorError as exc:
                log.warning("LLM failed, answering extractively: %s", exc)
                note = NOTE_LLM_DOWN
                self.chats.failed()
        t2 = time.perf_counter()
        ans = quote.extractive(live, qa, found, g.verdict, p.quote, reply=reply, note=note, generator="extractive",
                               nearby=p.gate.nearby)
        tr.stages["generate"] = time.perf_counter() - t2
        yield from _done(ans, tr, t0)


def _done(ans: Answer, tr: Trace, t0: float) -> Iterator[dict[str, Any]]:
    """A whole answer as the stream's last events."""
    tr.stages["total"] = time.perf_counter() - t0
    if tr.first_token is None:
        tr.first_token = tr.stages["total"]
    yield {"type": "token", "text": ans.text}
    yield {"type": "final", "answer": ans}
