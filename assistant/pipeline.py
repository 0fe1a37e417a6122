"""The answering pipeline: standalone question → retrieval → confidence gate → generation →
checks → an Answer whose every claim cites a passage.

One `Assistant` per process (CLI command, API app, eval run), built from Settings and passed down.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from assistant.answerable import Verdict, judge, unknown_places
from assistant.cite import REFUSAL, attribute, bigrams, check_answer, numbers
from assistant.extract import (
    FIGURE,
    Candidate,
    Composed,
    compose,
    coverage,
    display,
    outline,
    region_label,
    score_candidates,
)
from assistant.extract import (
    candidates as sentence_candidates,
)
from assistant.fromstore import StoreWords, from_store
from assistant.live import LiveHolder, LiveIndex
from assistant.rewrite import rewrite
from assistant.settings import Settings
from question.ask import nothing_to_ask, split_ask
from question.lexicon import Lexicon
from question.places import Correction, PlaceSpeller
from question.scope import beyond_period, mention_topic, unmentioned
from vectorstore.errors import GeneratorError
from vectorstore.query import SYNONYMS, QueryInfo
from vectorstore.retrieve import Corpus, Filters, HybridRetriever
from vectorstore.sections import SectionMatch
from vectorstore.types import Answer, Chunk, Citation, Hit

log = logging.getLogger(__name__)

Message = Mapping[str, str]

# Below this share of the question's content words in the best passages, the plans are taken not
# to answer. Set on the gold set (scripts/sweep_refusal.py): with the demand checks of
# answerable.py doing most of the declining, 0.1 declines 15 of 16 unanswerable questions and 1 of
# 197 answerable ones; the 0.25 used before them declined 13 answerable, colloquial questions.
MIN_COVERAGE = 0.1
NEARBY = 3  # closest passages shown with a decline
# With chat="auto" and no LLM found, look again at most this often (a local model started in the
# background by `planqa run` is picked up once it answers).
RERESOLVE_SECONDS = 10.0
# A remote model's refusal is trusted when the best passages cover less than this share of the
# question. The embedded model's never is: the demand checks decline unanswerable questions before
# it is asked, and over the 213 gold questions its refusals past them were right once and wrong 10
# times (colloquial questions with covers of 0.14–0.27, the same band as the one it got right).
TRUST_LLM_REFUSAL_BELOW = 0.3
SUPPORT_BOOST = 1.3
# A plan's best indicator row joins a comparison when it scores this share of the best row's score.
# District completeness on the gold set: 0.897 without rows, 0.949 from 0.1 to 0.3, 0.923 at 0.5.
BEST_ROW_RATIO = 0.3
ROW_PREFERENCE = 1.2
# Sentences of a plan's "achievements" section, when the question asks about the past / the plan.
# Flat from 1.3/0.75 to 1.5/0.65 on the gold set; below 1.25/0.8 "现在…多少" picks the 2025 target.
TENSE_MATCH = 1.4
TENSE_MISMATCH = 0.7
_ACHIEVED = re.compile(r"成就|成效|回顾")
LOCAL_CONTEXT_CHARS = 260  # the embedded model's evidence: ~150 prompt tokens, ~3 s to read here
LOCAL_SENTENCES = 3
LOCAL_MIN_RATIO = 0.5  # a sentence scoring under half the best one is more distraction than evidence
LLM_PASSAGES = 3  # the local model reads ~20 tokens/s here: context is kept tight
LLM_PASSAGE_CHARS = 260
NOTE_LLM_DOWN = "大模型暂不可用，以下为规划原文摘录。"
CLARIFY = "请说明您想了解的具体问题，例如：东丽区2025年人均期望寿命目标是多少？"
NOTE_NOTHING_TO_ASK = "问题中没有可在规划中检索的中文内容。"
NOTE_LLM_UNVERIFIED = "模型回答未通过引用核验，以下为规划原文摘录。"


@dataclass
class Trace:
    """Timings and decisions of one answer, for the eval suite and the API's debug field."""

    standalone: str = ""
    stages: dict[str, float] = field(default_factory=dict)
    coverage: float = 0.0
    verdict: Verdict | None = None
    first_token: float | None = None
    hits: list[Hit] = field(default_factory=list)


class Assistant:
    """Answers questions over the current index. `chat` is an OpenAI-compatible ChatModel or None
    (extractive); 'auto' picks from the settings on first use."""

    def __init__(self, settings: Settings, chat: Any = "auto", min_coverage: float = MIN_COVERAGE) -> None:
        self.settings = settings
        self._chat = chat
        self._auto = isinstance(chat, str) and chat == "auto"
        self._resolved_at = float("-inf")
        self._live = LiveHolder(settings)
        self._lexicon: Lexicon | None = None
        self._store_words: StoreWords | None = None
        self.min_coverage = min_coverage

    # -- index ------------------------------------------------------------------------------
    def live(self) -> LiveIndex:
        """The live index and what is derived from it, reopened when an ingest has switched CURRENT;
        one question uses one snapshot from start to end."""
        return self._live.get()

    @property
    def corpus(self) -> Corpus:
        """The live index's corpus (for callers outside a question: API state, eval, search)."""
        return self.live().corpus

    @property
    def lexicon(self) -> Lexicon:
        """The word lists under PLANQA_LEXICON_DIR, read once (LexiconError names a bad line)."""
        if self._lexicon is None:
            self._lexicon = Lexicon.load(self.settings.lexicon_dir)
        return self._lexicon

    @property
    def store_words(self) -> StoreWords:
        """The indicator store's word lists under PLANQA_LEXICON_DIR, read once."""
        if self._store_words is None:
            self._store_words = StoreWords.load(self.settings.lexicon_dir)
        return self._store_words

    @property
    def speller(self) -> PlaceSpeller:
        """Reads mistyped plan names ('涌桥') as the plans' own ('埇桥'), for the live index."""
        return self.live().speller

    @property
    def chat(self) -> Any:
        if (isinstance(self._chat, str) and self._chat == "auto") or (
            self._auto and self._chat is None and self.settings.llm_mode in ("auto", "local")
            and time.monotonic() - self._resolved_at >= RERESOLVE_SECONDS
        ):
            from assistant.generate import chat_model_from_settings

            self._resolved_at = time.monotonic()
            self._chat = chat_model_from_settings(self.settings)
        return self._chat

    def _local_down(self) -> bool:
        """Whether the embedded model is wanted but its supervisor reports it restarting or failed."""
        from assistant.modelsupervisor import ModelState, ModelSupervisor, read_status

        if not ModelSupervisor.wanted(self.settings):
            return False
        status = read_status(self.settings)
        return status is not None and status.state in (ModelState.RESTARTING, ModelState.FAILED)

    @property
    def generator_name(self) -> str:
        chat = self.chat
        if chat is None:
            return "extractive"
        return "local" if str(getattr(chat, "name", "")).startswith("local") else "remote"

    # -- retrieval ----------------------------------------------------------------------------
    def standalone(self, question: str, history: Sequence[Message] = (), live: LiveIndex | None = None) -> str:
        """The follow-up rewritten into a whole question: by a remote LLM when one is configured,
        else (and whenever it fails or drifts) by rules; the embedded model is too slow here to
        spend a second call on it."""
        if not history:
            return question.strip()
        ruled = rewrite(question, history, (live or self.live()).corpus.analyzer)
        if self.generator_name != "remote":
            return ruled
        from assistant.prompt import rewrite_messages

        try:
            out = self.chat.complete(rewrite_messages(question, history), max_tokens=80).strip()
        except GeneratorError as exc:
            log.warning("LLM rewrite failed, using rules: %s", exc)
            return ruled
        out = out.splitlines()[0].strip().strip("“”\"") if out else ""
        # A rewrite that lost the question or grew into an answer is not used.
        return out if 4 <= len(out) <= 3 * len(ruled) + 20 else ruled

    def prepared(self, question: str, history: Sequence[Message] = (), live: LiveIndex | None = None
                 ) -> tuple[str, list[Message], tuple[Correction, ...]]:
        """The message as the pipeline reads it: plan names spelled as the plans do, the asking
        sentences apart from the situation; ('冬丽区的床位目标？', []) → ('东丽区的床位目标？', [], (冬丽区→东丽区,))."""
        speller = (live or self.live()).speller
        question, fixes = speller.correct(question)
        question = split_ask(question, self.lexicon.ask_cues, speller.names).ask
        turns = [{**t, "content": speller.correct(t["content"])[0]} if t.get("role") == "user" else t
                 for t in history]
        return question, turns, fixes

    def search_query(self, question: str, history: Sequence[Message] = ()) -> str:
        """What retrieval searches for this message (see ``prepared`` and ``standalone``)."""
        live = self.live()
        q, turns, _ = self.prepared(question, history, live)
        return self.standalone(q, turns, live)

    def search(self, question: str, k: int = 5, filters: Filters | None = None,
               history: Sequence[Message] = ()) -> tuple[str, list[Hit]]:
        """('东丽2025年人均期望寿命目标？') → (same question, [Hit(东丽 indicator row …), …])"""
        live = self.live()
        q, turns, _ = self.prepared(question, history, live)
        q = self.standalone(q, turns, live)
        return q, HybridRetriever(live.corpus).search(q, k, filters)

    # -- answering ----------------------------------------------------------------------------
    def answer(self, question: str, history: Sequence[Message] = (), filters: Filters | None = None,
               reply: bool = False, trace: Trace | None = None) -> Answer:
        """Answer with citations, or decline: '东丽区2025年人均期望寿命目标是多少？' → '…2025年：82[1]'."""
        final: Answer | None = None
        for ev in self.stream(question, history, filters, reply, trace):
            if ev["type"] == "final":
                final = ev["answer"]
        assert final is not None
        return final

    def stream(self, question: str, history: Sequence[Message] = (), filters: Filters | None = None,
               reply: bool = False, trace: Trace | None = None) -> Iterator[dict[str, Any]]:
        """Events: {'type':'token','text':…} while the answer is written, then
        {'type':'final','answer':Answer} once it is checked (its text replaces the tokens).
        Misspelled plan names ('冬丽区') are read as the plan's ('东丽区') first, with a note."""
        if nothing_to_ask(question):
            ans = Answer(CLARIFY, (), True, "extractive", (NOTE_NOTHING_TO_ASK,), question.strip())
            yield {"type": "token", "text": ans.text}
            yield {"type": "final", "answer": ans}
            return
        live = self.live()
        question, history, fixes = self.prepared(question, history, live)
        for ev in self._stream(live, question, history, filters, reply, trace):
            if ev["type"] == "final" and fixes:
                ans = ev["answer"]
                ev = {**ev, "answer": replace(ans, notes=(*ans.notes, *(f.note for f in fixes)))}
            yield ev

    def _stream(self, live: LiveIndex, question: str, history: Sequence[Message], filters: Filters | None,
                reply: bool, trace: Trace | None) -> Iterator[dict[str, Any]]:
        tr = trace or Trace()
        t0 = time.perf_counter()
        q = self.standalone(question, history, live)
        tr.standalone = q
        corpus = live.corpus
        info = corpus.analyzer.analyze(q)
        t1 = time.perf_counter()
        retriever = HybridRetriever(corpus)
        hits = retriever.search(q, 5, filters)
        if info.indicator and self._multi_doc(info, hits):
            # Comparing plans: each plan's own indicator row joins the passages (see best_rows).
            have = {h.chunk.id for h in hits}
            hits += [h for h in retriever.best_rows(q, filters, BEST_ROW_RATIO)
                     if h.chunk.id not in have and (not info.doc_ids or h.chunk.doc_id in info.doc_ids)]
        tr.stages["retrieve"] = time.perf_counter() - t1
        tr.hits = hits
        tr.coverage = self._confidence(live, info, hits)
        places = unknown_places(q, live.plan_text.__contains__, live.regions, plan_named=bool(info.doc_ids))
        outside = "" if places else self._outside(live, q, info)
        ans = None if places or outside else from_store(
            q, info, hits, corpus.build, self.store_words, live.doc_texts,
            lambda: bool(hits) and tr.coverage >= self.min_coverage and self._verdict(live, q, info, hits).answerable,
            reply,
            filters)
        structure = self._structure(info, hits, retriever.section) if not (ans or places or outside) else None
        verdict = Verdict(True) if ans or structure is not None else Verdict(False) if places or outside or not hits \
            else self._verdict(live, q, info, hits)
        tr.verdict = verdict
        if ans is None and structure is not None:
            ans = self._quoted(q, structure, hits, reply, "", "extractive")
        elif ans is None and (not hits or tr.coverage < self.min_coverage or not verdict.answerable):
            ans = self._refusal(q, reply, verdict.reason, places, outside, hits)
        if ans is not None:
            tr.stages["total"] = time.perf_counter() - t0
            tr.first_token = tr.stages["total"]
            yield {"type": "token", "text": ans.text}
            yield {"type": "final", "answer": ans}
            return
        chat = self.chat
        if chat is not None and self.generator_name == "local" and self._multi_doc(info, hits):
            # Several plans answer: the embedded 1.5B model names one district and drops the
            # others (0 of 2 complete in the measured sample), so each plan's passage is quoted.
            chat = None
        if chat is not None:
            try:
                ans = yield from self._llm_answer(live, chat, q, info, hits, reply, tr, t0)
                tr.stages["total"] = time.perf_counter() - t0
                yield {"type": "final", "answer": ans}
                return
            except GeneratorError as exc:
                log.warning("LLM failed, answering extractively: %s", exc)
                note = NOTE_LLM_DOWN
                if self._auto:  # look for it again shortly (a restarted local server comes back)
                    self._chat, self._resolved_at = None, time.monotonic()
        else:
            note = NOTE_LLM_DOWN if self._auto and self._local_down() else ""
        t2 = time.perf_counter()
        ans = self._extractive(live, q, info, hits, reply, note, verdict)
        tr.stages["generate"] = time.perf_counter() - t2
        tr.stages["total"] = time.perf_counter() - t0
        if tr.first_token is None:
            tr.first_token = tr.stages["total"]
        yield {"type": "token", "text": ans.text}
        yield {"type": "final", "answer": ans}

    def _structure(self, info: QueryInfo, hits: Sequence[Hit], named: SectionMatch | None) -> Composed | None:
        """The answer to a question naming a section and asking what its Nth item or its items are
        (retrieval put them first): the plan's own headings, verbatim, whatever words they share
        with the question. Asked for a figure, a unit or a date in that item, the usual checks
        decide instead."""
        if named is None or not hits or hits[0].source != "section" or info.indicator \
                or info.asks not in ("", "list"):
            return None
        comp = outline(hits, named)
        return comp if comp.text else None

    def _covers(self, live: LiveIndex, info: QueryInfo) -> Callable[[str], float]:
        """How much of the question a text covers: its own words, or (discounted) their synonyms;
        plan names are ignored."""
        tok = live.tokens()
        names = live.names()
        idf = live.idf()
        expanded = replace(info, text=info.expanded)

        def covers(text: str) -> float:
            return max(coverage(info, text, tok, idf, names), coverage(expanded, text, tok, idf, names) * 0.9)

        return covers

    def _outside(self, live: LiveIndex, q: str, info: QueryInfo) -> str:
        """Why the plans in scope cannot answer whatever passage is found ('' when they may): a year
        after every plan's period, or a "有没有提到…" topic no plan has a word of."""
        build = live.corpus.build
        scope = [d for d in build.docs.values() if not info.doc_ids or d.meta.doc_id in info.doc_ids]
        year = beyond_period(info.years, {d.meta.doc_id: d.meta.period for d in scope},
                             [live.doc_texts[d.meta.doc_id] for d in scope])
        if year:
            return f"所查规划未设定{year}的目标或数值。"
        topic = mention_topic(q, self.lexicon.mention_cues)
        if topic:
            word = unmentioned(topic, live.plan_text.__contains__,
                               lambda t: any(t in w for group in SYNONYMS for w in group))
            if word:
                return f"现有规划文件均未提及“{topic}”（未出现“{word}”一词）。"
        return ""

    def _confidence(self, live: LiveIndex, info: QueryInfo, hits: Sequence[Hit]) -> float:
        """How much of the question the best of the top-3 passages covers (plan names ignored)."""
        covers = self._covers(live, info)
        return max((covers(f"{h.chunk.section}\n{h.chunk.text}") for h in hits[:3]), default=0.0)

    def _verdict(self, live: LiveIndex, q: str, info: QueryInfo, hits: Sequence[Hit]) -> Verdict:
        """Whether the passages carry the kind of figure the question asks for (see answerable.py);
        only the plans a question names count, so another district's figure never answers it."""
        every = sentence_candidates(hits)
        pos = [i for i, c in enumerate(every) if not info.doc_ids or hits[c.hit_index].chunk.doc_id in info.doc_ids]
        sents = [(f"{hits[every[i].hit_index].chunk.section}\n{every[i].text}",
                  hits[every[i].hit_index].chunk.kind == "table_row") for i in pos]
        v = judge(q, sents, info.years, self._covers(live, info), live.names(), measures=self.lexicon.measure_words)
        # Positions among the candidates of all hits, so the extractive answer can prefer them.
        return replace(v, supporting=tuple(pos[i] for i in v.supporting), complete=tuple(pos[i] for i in v.complete))

    def _multi_doc(self, info: QueryInfo, hits: Sequence[Hit]) -> bool:
        return len(info.doc_ids) != 1 and len({h.chunk.doc_id for h in hits}) > 1

    def _scored(self, live: LiveIndex, info: QueryInfo, hits: Sequence[Hit], verdict: Verdict | None,
                multi: bool) -> list[Candidate]:
        """The passages' sentences and rows, scored for how well each answers the question."""
        scored = score_candidates(sentence_candidates(hits), info, live.tokens(), live.idf())
        if verdict is not None and verdict.supporting and not multi:
            # Sentences carrying the figure of the kind asked for beat ones that only share words
            # (not across plans: there each plan's own best sentence is wanted).
            # A sentence "answers on its own" only when figures are all the question asks for and
            # each demand names its indicator (a bare count is met by any digit).
            alone = not info.asks and all(d.term or d.kind != "count" for d in verdict.demands)
            good, whole = set(verdict.supporting), set(verdict.complete) if alone else set()
            scored = [replace(c, score=c.score * SUPPORT_BOOST, complete=i in whole) if i in good else c
                      for i, c in enumerate(scored)]
        if info.indicator and not info.asks:
            # An indicator row states the indicator, its unit and each year's figure: when it is
            # the best match for a figure question, a second sentence only adds a citation to check.
            scored = [replace(c, complete=True) if hits[c.hit_index].chunk.kind == "table_row" else c
                      for c in scored]
        if info.tense:
            # Each plan reports what the last plan achieved ("十三五…成就") before what this one
            # sets out to do; the same indicator appears in both with different figures.
            want_past = info.tense == "past"
            scored = [replace(c, score=c.score * (TENSE_MATCH if want_past else TENSE_MISMATCH))
                      if _ACHIEVED.search(hits[c.hit_index].chunk.section) else c for c in scored]
        if multi and info.indicator:
            # Comparing plans' targets: each plan's indicator table states its target in the same
            # form ("≥80%"), where the prose paraphrases it ("80%以上") or sums several targets.
            scored = [replace(c, score=c.score * ROW_PREFERENCE) if hits[c.hit_index].chunk.kind == "table_row"
                      else c for c in scored]
        return scored

    def _extractive(self, live: LiveIndex, q: str, info: QueryInfo, hits: Sequence[Hit], reply: bool, note: str = "",
                    verdict: Verdict | None = None, generator: str = "extractive") -> Answer:
        multi = self._multi_doc(info, hits)
        comp = compose(self._scored(live, info, hits, verdict, multi), hits, multi, asks=info.asks)
        return self._quoted(q, comp, hits, reply, note, generator)

    def _quoted(self, q: str, comp: Composed, hits: Sequence[Hit], reply: bool, note: str,
                generator: str) -> Answer:
        """An answer made of verbatim plan sentences, each cited (or a reply draft quoting them)."""
        if not comp.text:
            return self._refusal(q, reply, hits=hits)
        cites = tuple(Citation(i + 1, hits[h].chunk) for i, h in enumerate(comp.used))
        text = comp.text
        if reply:
            text = reply_from_extract(text, [hits[h] for h in comp.used])
        if note:
            text = f"（{note}）\n{text}"
        return Answer(text, cites, False, generator, (note,) if note else (), q)

    def _refusal(self, q: str, reply: bool, missing: str = "", places: Sequence[str] = (), outside: str = "",
                 hits: Sequence[Hit] = ()) -> Answer:
        notes: tuple[str, ...] = ()
        if places:
            notes = (f"现有规划文件均未提及{'、'.join(places)}。",)
        elif outside:
            notes = (outside,)
        elif missing:
            notes = (f"检索到的规划段落中没有问题所问的{missing}。",)
        text = (
            f"您好！感谢您的关注。经查阅现行卫生健康规划文件，{REFUSAL}，暂无法就此事项作出具体答复，"
            "也不能作出规划以外的承诺。如需进一步了解，请咨询相关主管部门。"
            if reply else f"{REFUSAL}。"
        )
        nearby = tuple(Citation(i + 1, h.chunk) for i, h in enumerate(hits[:NEARBY]))
        return Answer(text, (), True, self.generator_name, notes, q, nearby)

    def _focused(self, info: QueryInfo, hits: Sequence[Hit], scored: Sequence[Candidate],
                 titles: bool = False) -> list[tuple[int, Chunk]]:
        """The context for the embedded model: the best sentences of the top passages (as the
        extractive scorer ranks them), kept in reading order under their passage, at most
        LOCAL_CONTEXT_CHARS in all. The model reads ~50 prompt tokens/s here, so every sentence
        that does not answer costs a second before the first word, and distracts a 1.5B model.
        ``titles`` keeps each plan's full title (a reply draft must name the plan it relies on)."""
        order = sorted(range(len(scored)), key=lambda i: -scored[i].score)
        if info.tense == "future":
            # Asked for a target, the model is not shown what the last plan achieved: given both, it
            # answered "老年人健康管理率 80%" (2020) for the 2025 target "65%以上".
            plan = [i for i in order if not _ACHIEVED.search(hits[scored[i].hit_index].chunk.section)]
            order = plan or order
        keep: list[int] = []
        total = 0
        best = scored[order[0]].score if order else 0.0
        for i in order:
            n = len(scored[i].text)
            if keep and (total + n > LOCAL_CONTEXT_CHARS or len(keep) >= LOCAL_SENTENCES
                         or scored[i].score < LOCAL_MIN_RATIO * best):
                continue
            keep.append(i)
            total += n
        by_hit: dict[int, list[int]] = {}
        for i in keep:  # passages numbered by their best sentence, sentences in reading order
            by_hit.setdefault(scored[i].hit_index, []).append(i)
        out = []
        for h, idx in by_hit.items():
            chunk = hits[h].chunk
            text = "".join(display(scored[i], hits[h]) if chunk.kind == "table_row" else scored[i].text
                           for i in sorted(idx))
            # A row's display already names its group and indicator; a heading that is the text is noise.
            section = () if chunk.kind == "table_row" or chunk.section_path[-1:] == (text.rstrip("；。"),) \
                else chunk.section_path[-1:]
            label = chunk.meta.get("title") if titles else region_label(hits[h])
            short = replace(chunk, text=text, section_path=section, meta={**chunk.meta, "title": label})
            out.append((h, short))
        return out

    def _llm_answer(self, live: LiveIndex, chat: Any, q: str, info: QueryInfo, hits: Sequence[Hit], reply: bool,
                    tr: Trace, t0: float) -> Generator[dict[str, Any], None, Answer]:
        from assistant.prompt import answer_messages, shown

        local = self.generator_name == "local"
        # The embedded model's sentences, scored once for its context and for the "原文" check.
        scored = self._scored(live, info, hits, tr.verdict, False) if local else []
        if local:
            focused = self._focused(info, hits, scored, titles=reply)
            use = [hits[h] for h, _ in focused]
            chunks = [c for _, c in focused]
        else:
            # The top passages, and the plans' own indicator rows when several plans answer.
            use = list(hits[:LLM_PASSAGES]) + [h for h in hits[LLM_PASSAGES:] if h.source == "rows"]
            chunks = [replace(h.chunk, text=h.chunk.text[:LLM_PASSAGE_CHARS]) for h in use]
        msgs = answer_messages(q, chunks, reply, checked=local)
        t2 = time.perf_counter()
        parts: list[str] = []
        for piece in chat.stream(msgs, max_tokens=320 if reply else 220, temperature=0.0):
            if tr.first_token is None:
                tr.first_token = time.perf_counter() - t0
            parts.append(piece)
            yield {"type": "token", "text": piece}
        tr.stages["generate"] = time.perf_counter() - t2
        raw = "".join(parts).strip()
        texts = [shown(c) for c in chunks]  # numbers are checked against what the model was shown
        checked = check_answer(attribute(raw, texts, question=q), texts, q)
        if checked.refused and not local and tr.coverage < TRUST_LLM_REFUSAL_BELOW:
            # The passages only partly cover the question and the model says they do not answer
            # it: decline (plausible-but-absent figures look exactly like this).
            return replace(self._refusal(q, reply, hits=hits), generator=self.generator_name)
        if checked.refused or not checked.order:
            # Retrieval found passages that cover the question well, so a refusal or an
            # unverifiable answer from the model is replaced by the verbatim passages.
            return self._extractive(live, q, info, hits, reply, NOTE_LLM_UNVERIFIED, tr.verdict, self.generator_name)
        cites = [Citation(i + 1, use[k - 1].chunk) for i, k in enumerate(checked.order)]
        notes = tuple(f"已删除无法在引用段落中核实数字的句子：{s}" for s in checked.removed)
        text = checked.text
        if local and not reply:
            text = self._quote_if_disagreeing(text, cites, info, hits, scored)
        return Answer(text, tuple(cites), False, self.generator_name, notes, q)

    def _quote_if_disagreeing(self, text: str, cites: list[Citation], info: QueryInfo, hits: Sequence[Hit],
                              scored: Sequence[Candidate]) -> str:
        """The small model's answer, followed by the plan's own sentence when the two disagree.

        Measured on the gold set, the 1.5B model drops or swaps figures the best sentence has
        ("2025年 6.21" where the row reads "2020年 6.21，2025年 ＜14.5"; "3到4个" for "3-4个"). When
        a figure of the extractive choice is missing from the model's answer, that choice is quoted
        verbatim under "原文", so the reader sees the plan's words. ``cites`` is extended in place.
        """
        comp = compose(scored, hits, False, asks=info.asks)
        if not comp.text or _agrees(text, comp.text, info):
            return text
        mapping: dict[int, int] = {}
        for i, h in enumerate(comp.used, 1):
            chunk = hits[h].chunk
            same = next((c.n for c in cites if c.chunk.id == chunk.id), None)
            if same is None:
                same = len(cites) + 1
                cites.append(Citation(same, chunk))
            mapping[i] = same
        quote = re.sub(r"\[(\d+)\]", lambda m: f"[{mapping.get(int(m.group(1)), int(m.group(1)))}]", comp.text)
        return f"{text}\n原文：{quote}"

    # -- documents ----------------------------------------------------------------------------
    def context(self, chunk_id: str, around: int = 300) -> dict[str, Any]:
        """A passage with its plan, section path and the text around it, for opening a citation."""
        build = self.corpus.build
        c = build.chunk(chunk_id)
        doc = build.docs[c.doc_id]
        text = build.doc_text(c.doc_id)
        s, e = max(0, c.start - around), min(len(text), c.end + around)
        return {
            "chunk_id": c.id, "doc_id": c.doc_id, "title": doc.meta.title, "status": doc.meta.status,
            "section": c.section, "section_path": list(c.section_path), "kind": c.kind, "text": c.text,
            "before": text[s : c.start], "passage": text[c.start : c.end], "after": text[c.end : e],
            "table": _table_text(build, c),
        }


def _table_text(build: Any, c: Any) -> str | None:
    tid = c.meta.get("table_id") if c.kind == "table_row" else None
    return build.chunks[tid].text if tid and tid in build.chunks else None


def reply_from_extract(body: str, hits: Sequence[Hit]) -> str:
    """A citizen reply draft in the plain style of a government response, quoting the plan."""
    first = hits[0].chunk
    title = str(first.meta.get("title", ""))
    section = first.section_path[-1] if first.section_path else ""
    where = f"《{title}》" + (f"“{section}”部分" if section else "")
    regions = "、".join(dict.fromkeys(region_label(h) for h in hits))
    return (
        f"您好！感谢您对{regions}卫生健康工作的关注。经查阅{where}，规划中的相关内容如下：\n{body}\n"
        "以上为规划文件的原文内容，具体实施安排以主管部门后续公布的信息为准。"
    )


_COLUMN = re.compile(r"(20\d\d)年(?:目标|底|末)?\s+([^，]+)")  # a table row's "2025年目标 ≥3.6"


def _agrees(answer: str, quoted: str, info: QueryInfo) -> bool:
    """Whether a model's answer carries the figure of the plan's best sentence: for a table row the
    value of the year asked (else the last year's, the target), for prose any of its figures.
    '东丽…82岁' agrees with '…2020年 81.15，2025年 82'; '2025年 6.21' does not with '…2025年 ＜14.5'."""
    have = set(numbers(answer))
    asked = set(numbers(info.text))
    prose: list[str] = []
    for line in quoted.splitlines():
        cols = _COLUMN.findall(line)
        if not cols:
            prose += [n for n in numbers(_asked_clauses(line, info.text)) if not re.fullmatch(r"20\d\d", n)
                      and n not in asked]
            continue
        pick = [v for y, v in cols if y in info.years] or [cols[-1][1]]
        wanted = [n for v in pick for n in numbers(v)]
        if wanted and not all(n in have for n in wanted):
            return False
    # Prose: one shared figure shows the model read the same sentences (its figures were checked).
    return not prose or any(n in have for n in prose)


def _asked_clauses(sentence: str, question: str) -> str:
    """The clauses of a sentence that share most words with the question, where the sentence pairs
    several subjects with figures: '乡镇卫生院…比例达到100%，村卫生室…比例达到75%' asked about
    '村卫生室' → '村卫生室…比例达到75%'. A model that copied the other clause's figure disagrees."""
    clauses = [c for c in re.split(r"[，；。]", sentence) if FIGURE.search(c)]
    if len(clauses) < 2:
        return sentence
    asked = bigrams(question)
    shared = [len(bigrams(c) & asked) for c in clauses]
    return "，".join(c for c, n in zip(clauses, shared, strict=True) if n == max(shared))
