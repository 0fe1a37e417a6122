"""The retrieval Protocol, the corpus every retriever reads, and the hybrid that PlanQA uses (its choices
measured with `planqa eval --compare` against the single-signal retrievers of baselines.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import numpy as np

from vectorstore.chroma import ChromaTarget
from vectorstore.fuse import diversify, minmax, rank_of, top_allowed
from vectorstore.index import Build, IndexStore, open_build
from vectorstore.query import QueryAnalyzer, QueryInfo
from vectorstore.sections import SectionIndex, SectionMatch
from vectorstore.types import MEANING, WORDS, Chunk, Hit


@dataclass(frozen=True)
class Filters:
    """Restrict a search to some plans: by id, by region name, or by kind."""

    doc_ids: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()

    def allows(self, c: Chunk) -> bool:
        m = c.meta
        if self.doc_ids and c.doc_id not in self.doc_ids:
            return False
        if self.regions and not any(
            r and r in (m.get("region"), m.get("district"), m.get("city"), m.get("province"))
            for r in self.regions
        ):
            return False
        return not (self.kinds and m.get("doc_kind") not in self.kinds)

    @property
    def empty(self) -> bool:
        return not (self.doc_ids or self.regions or self.kinds)


@dataclass(frozen=True)
class Found:
    """What a search found: the hits, and the section the question names by its heading (with the
    number of hits, at the front, that are the items it names by position)."""

    hits: tuple[Hit, ...]
    section: SectionMatch | None = None
    picked: int = 0


class Retriever(Protocol):
    name: str

    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> list[Hit]: ...


class Corpus:
    """A loaded build plus what every retriever shares: the chunk list, analyzer and embedder.
    ``synonyms``: the groups of the lexicon in use (Lexicon.synonyms); None reads the shipped ones."""

    def __init__(self, build: Build, embed_threads: int = 2,
                 synonyms: Sequence[Sequence[str]] | None = None,
                 intents: Sequence[tuple[str, Sequence[str]]] | None = None,
                 roles: Sequence[tuple[str, Sequence[str]]] | None = None) -> None:
        from question.lexicon import section_role, shipped

        if synonyms is None or intents is None or roles is None:
            synonyms = shipped().synonyms if synonyms is None else synonyms
            intents = shipped().intent_cues if intents is None else intents
            roles = shipped().section_roles if roles is None else roles
        self.build = build
        self.chunks: list[Chunk] = build.retrievable
        self.doc_of = [c.doc_id for c in self.chunks]
        self._position = {c.id: i for i, c in enumerate(self.chunks)}
        self._doc_no = {d: n for n, d in enumerate(dict.fromkeys(self.doc_of))}
        self._doc_names = list(self._doc_no)
        self._doc_of_no = np.asarray([self._doc_no[d] for d in self.doc_of], dtype=np.int32)
        self.analyzer = QueryAnalyzer((r.meta for r in build.docs.values()), synonyms, intents)
        self._threads = embed_threads
        pos = {cid: i for i, cid in enumerate(build.bm25.ids)}
        self._bm25_order = np.asarray([pos[c.id] for c in self.chunks], dtype=np.int64)
        self.is_row = np.asarray([c.kind == "table_row" for c in self.chunks])
        # Each passage's section role from its headings (lexicon/section_roles.txt).
        role = [section_role(roles, c.section_path[:2]) for c in self.chunks]
        self.is_review = np.asarray([r == "review" for r in role])
        self.is_problems = np.asarray([r == "problems" for r in role])
        whole = "\n".join(c.text for c in self.chunks)
        # The synonym groups' words some passage uses ("抗菌药物", not "消炎药").
        self.used_words = frozenset(w for group in self.analyzer.synonyms for w in group if w in whole)
        self.sections = SectionIndex(self.chunks, roles)

    @classmethod
    def open(cls, index_dir: Path, embed_threads: int = 2,
             synonyms: Sequence[Sequence[str]] | None = None, chroma: ChromaTarget | None = None,
             intents: Sequence[tuple[str, Sequence[str]]] | None = None,
             roles: Sequence[tuple[str, Sequence[str]]] | None = None) -> Corpus:
        """The live build with every part loaded, so a damaged one fails here, by name, not on a query."""
        return cls(open_build(IndexStore(index_dir, chroma)), embed_threads, synonyms, intents, roles)

    def bm25_scores(self, text: str, expansions: Sequence[str] = (), w_syn: float = 0.3) -> np.ndarray:
        """BM25 of the question, plus a down-weighted BM25 of its synonyms: a synonym is evidence,
        but weaker than the user's own word (full weight let '目标'→'指标' noise outrank hits).
        A synonym standing in for a word the plans never use ('蛀牙' → '龋齿') is the only carrier
        of that word's meaning, so it keeps full weight."""
        s = self.build.bm25.scores(text)[self._bm25_order]
        full = self.stand_ins(text, expansions)
        if full:
            s = s + self.build.bm25.scores(" ".join(full))[self._bm25_order]
        # A synonym no plan uses ('老人体检') can only match through its pieces ('老人', '体检').
        weak = [e for e in expansions if e not in full and e in self.used_words]
        if weak and w_syn:
            s = s + w_syn * self.build.bm25.scores(" ".join(weak))[self._bm25_order]
        return s

    def stand_ins(self, text: str, expansions: Sequence[str]) -> list[str]:
        """The expansions that translate a question's everyday word into the plans' own:
        '小孩蛀牙率' → ['儿童', '龋齿'] (the plans write neither '小孩' nor '蛀牙')."""
        out: list[str] = []
        for group in self.analyzer.synonyms:
            said = [w for w in group if w in text]
            if said and not any(w in self.used_words for w in said):
                out += [w for w in group if w in expansions and w in self.used_words and w not in out]
        return out

    def dense_scores(self, text: str, mask: np.ndarray | None = None, sentence_weight: float = 0.0,
                     sentence_text: str = "") -> np.ndarray:
        """Cosine of the question with every passage, blended at ``sentence_weight`` with the cosine of
        ``sentence_text`` (else the question) with the passage's closest sentence (a build without
        sentence vectors: the passage's alone); with ``mask``, only the passages it allows are scored
        (the rest get the lowest of those): a search routed to one plan of hundreds multiplies that
        plan's vectors, not the corpus's."""
        from vectorstore.embed import shared_embedder

        embedder = shared_embedder(self._threads)
        q = embedder.query(text)
        vectors = self.build.vectors()
        sentences = self.build.sentences() if sentence_weight else None
        qs = embedder.query(sentence_text) if sentences is not None and sentence_text.strip() not in ("", text) else q
        rows = None if mask is None or mask.all() or not mask.any() else np.flatnonzero(mask)
        part = vectors @ q if rows is None else vectors[rows] @ q
        if sentences is not None:
            part = (1 - sentence_weight) * part + sentence_weight * sentences.best(qs, rows)
        if rows is None:
            return part
        out = np.full(len(vectors), part.min(), dtype=part.dtype)
        out[rows] = part
        return out

    def sentence_cosines(self, text: str, chunk_ids: Sequence[str]) -> dict[str, list[tuple[str, float]]]:
        """Each passage's sentences (as the build embedded them) with their cosine to ``text`` as a
        query; a passage the build holds no sentence vectors for is left out:
        ('看完病拿手机交钱', ['c1']) → {'c1': [('…开展智能预约挂号、…移动支付、诊间结算…等服务', 0.91), …]}."""
        from vectorstore.embed import shared_embedder
        from vectorstore.sentences import sentences_of

        sentences = self.build.sentences()
        at = {cid: self._position[cid] for cid in dict.fromkeys(chunk_ids) if cid in self._position}
        if sentences is None or not at:
            return {}
        q = shared_embedder(self._threads).query(text)
        out: dict[str, list[tuple[str, float]]] = {}
        for cid, i in at.items():
            said = sentences_of(self.chunks[i].text)
            cosines = sentences.of_chunk(i) @ q
            if len(said) == len(cosines):
                out[cid] = [(s, float(v)) for s, v in zip(said, cosines, strict=True)]
        return out

    def of_docs(self, doc_ids: Sequence[str]) -> np.ndarray:
        """Which passages belong to the given plans, as a mask over `chunks`."""
        wanted = [self._doc_no[d] for d in doc_ids if d in self._doc_no]
        return np.isin(self._doc_of_no, np.asarray(wanted, dtype=np.int32))

    def docs_in(self, mask: np.ndarray) -> frozenset[str] | None:
        """The plans ``mask`` allows any passage of; None when it allows every passage."""
        if mask.all():
            return None
        return frozenset(self._doc_names[n] for n in np.unique(self._doc_of_no[mask]))

    def mask(self, filters: Filters | None) -> np.ndarray:
        if filters is None or filters.empty:
            return np.ones(len(self.chunks), dtype=bool)
        if not (filters.regions or filters.kinds):
            # By plan only (a request's filters, a deployment's scope): one array operation, not a
            # check per passage of a province's hundreds of plans.
            return self.of_docs(filters.doc_ids)
        return np.asarray([filters.allows(c) for c in self.chunks])

    def matched_terms(self, tokens: Sequence[str], chunk: Chunk) -> tuple[str, ...]:
        """Query tokens (cut once per search) that stand in the chunk, for highlighting."""
        low = chunk.text.lower()
        return tuple(dict.fromkeys(t for t in tokens if len(t) >= 2 and t in low))




@dataclass(frozen=True)
class HybridParams:
    """Knobs of the hybrid; the defaults are the measured best on the gold set."""

    w_bm25: float = 0.6
    # `scripts/sweep_retrieval.py w_dense 0.3,0.4,0.5,0.6` (2026-12-05, dev): realistic R@1 0.814 / 0.807 /
    # 0.798 / 0.769, gold 0.854 / 0.837 / 0.846 / 0.821; answers (`planqa eval --suite answer --split dev`)
    # at 0.2 / 0.3 / 0.4: realistic answer-key recall 0.901 / 0.907 / 0.904, follow-ups 0.929 / 0.940 /
    # 0.936, citation precision 0.928 / 0.933 / 0.933; gold dev unchanged. Kept at 0.4: at 0.3 the realistic
    # test split (aggregates) fell 0.856 → 0.853 answer-key recall, 0.827 → 0.816 follow-ups, so dev's gain
    # of a few items is noise, not a better weight.
    w_dense: float = 0.4
    norm_top: int = 30  # min-max scale each retriever over its own top-N
    route: bool = True  # restrict to the plans a question names
    row_bonus: float = 0.1  # indicator questions: favour table rows
    diversify: bool = True  # no plan named: each plan's best passage in the top-k
    cover_ratio: float = 0.75  # a plan is "relevant" when its best fused score reaches this share of the top
    expand: bool = True  # synonym expansion for BM25
    w_syn: float = 0.3  # weight of synonym matches relative to the question's own words
    dense_weight_named: float | None = None  # dense weight when plans are named (None = same)
    sections: bool = True  # a question naming a heading gets that section (its Nth item, its items)
    section_bonus: float = 0.3  # a named section's passages, when no item of it is asked for
    unnamed_bm25: bool = True  # routed to the plans it names: BM25 reads the question without their names
    # Dense score of the whole message (situation + ask) blended into the ask's. Realistic dev
    # (`planqa eval --suite answer --split dev`, 2026-12-02): 0 / 0.3 / 0.5 → key recall 0.895 all,
    # citation precision 0.896 / 0.896 / 0.899; citizen items' passage first 40 / — / 41 of 50.
    w_situation: float = 0.5
    # A question about the past ("现在…", "2020年…") favours the passages of a plan's review sections,
    # one about what is planned sets them and the problems sections back (as assistant/quote.py
    # weighs sentences, here for the passages' order). `scripts/sweep_retrieval.py tense_bonus
    # 0,0.1,0.2,0.3,0.4,0.6` (2026-12-03): gold dev R@1 0.805 / 0.805 / 0.821 / 0.837 / 0.837 / 0.837,
    # realistic dev R@1 0.765 / 0.778 / 0.784 / 0.784 / 0.784 / 0.778, recall@5 flat. Answers
    # (`planqa eval --suite answer --split dev`) at 0.2: gold key recall 0.959 → 0.967, realistic
    # 0.871 → 0.874, lists 0.919 → 0.940, wrongly declined unchanged; at 0.4 realistic 0.868 and
    # wrongly declined 0.022 → 0.028 ("要花多少钱" reads as future and loses the review passage).
    tense_bonus: float = 0.2
    # Word search of a follow-up also reads the question it continues (QuestionAnalysis.carried), at
    # this weight: "具体由谁来建？" after "…建不建智慧住院？" names no topic of its own. `planqa eval --suite
    # answer --split dev` (2026-12-03) at 0 / 0.15 / 0.3 / 0.5 / 0.8: realistic follow-up key recall
    # 0.878 / 0.878 / 0.888 / 0.888 / 0.888, nothing else changed.
    w_carried: float = 0.3
    # Meaning search scores a passage by the question's cosine with it and with its closest sentence
    # (vectorstore/sentences.py), blended at this weight of the sentence: a question about one sentence of a
    # 500-character passage sits closer to that sentence than to the passage's average.
    # `scripts/sweep_retrieval.py w_sentence 0.3,0.7` and the eval at 0 and 0.5 (2026-12-06, dev): realistic
    # recall@1 0.805 / 0.829 / 0.839 / 0.839 at 0 / 0.3 / 0.5 / 0.7, gold 0.837 / 0.870 / 0.862 / 0.862.
    w_sentence: float = 0.5


Scores = tuple[QueryInfo, np.ndarray, dict[str, np.ndarray], np.ndarray]  # info, fused, parts, mask


class HybridRetriever:
    """BM25 and dense scores, min-max scaled over each one's head and added with weights.

    Why a weighted sum and not plain RRF: on these plans dense alone finds the right passage first
    far less often than BM25, and RRF gives both rankings equal say, dragging exact keyword hits
    (district names, indicator names) down. Scaled scores keep BM25's margin where it is confident
    and let dense break ties and rescue paraphrases. Routing by named plan and the table-row bonus
    for indicator questions encode the structure of plan questions, not the wording of any one.
    """

    name = "hybrid"

    def __init__(self, corpus: Corpus, params: HybridParams | None = None) -> None:
        self.corpus = corpus
        self.p = params or HybridParams()
        # The last query's scores: `best_rows` after `search` for the same question reuses them
        # instead of embedding the question and scoring BM25 a second time.
        self._last: tuple[tuple[str, Filters | None, str, str], Scores] | None = None

    def scores(self, query: str, filters: Filters | None = None, info: QueryInfo | None = None,
               context: str = "", carried: str = "") -> Scores:
        if self._last is not None and self._last[0] == (query, filters, context, carried):
            return self._last[1]
        out = self._scores(query, filters, info, context, carried)
        self._last = ((query, filters, context, carried), out)
        return out

    def _scores(self, query: str, filters: Filters | None, info: QueryInfo | None, context: str = "",
                carried: str = "") -> Scores:
        c, p = self.corpus, self.p
        info = info or c.analyzer.analyze(query)
        mask = c.mask(filters)
        words = query
        if p.route and info.doc_ids and (filters is None or not filters.doc_ids):
            named = c.of_docs(info.doc_ids)
            if (mask & named).any():
                mask = mask & named
                if p.unnamed_bm25:
                    words = c.analyzer.without_names(query, info.doc_ids)
        sb = c.bm25_scores(words, info.expansions if p.expand else (), p.w_syn)
        if carried and p.w_carried:
            before = c.analyzer.without_names(carried, c.analyzer.doc_mentions(carried))
            sb = sb + p.w_carried * c.bm25_scores(before)
        # A short sentence naming the plan ("…本区中医医院二期…") is no closer to a question about that plan:
        # its sentences are compared with the question without the plan's names, as word search reads it.
        sd = c.dense_scores(query, mask, p.w_sentence, words)
        if context and p.w_situation:
            # Meaning search also reads the whole message: the situation a citizen tells ("我爸前年
            # 脑梗，出院后在家练走路") says what a short ask ("社区能做康复吗？") is about. Word search
            # keeps to the ask, where the situation's words would outweigh it.
            sd = (1 - p.w_situation) * sd + p.w_situation * c.dense_scores(context + query, mask, p.w_sentence,
                                                                              context + words)
        wd = p.w_dense if (p.dense_weight_named is None or not info.doc_ids) else p.dense_weight_named
        fused = p.w_bm25 * minmax(np.where(mask, sb, 0), p.norm_top) + wd * minmax(
            np.where(mask, sd, sd.min()), p.norm_top
        )
        if info.indicator and p.row_bonus:
            fused = fused + p.row_bonus * c.is_row
        if p.tense_bonus and info.tense:
            fused = fused + (p.tense_bonus if info.tense == "past" else -p.tense_bonus) * c.is_review
        if p.tense_bonus and info.tense == "future":
            fused = fused - p.tense_bonus * c.is_problems
        return info, fused, {WORDS: sb, MEANING: sd}, mask

    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> list[Hit]:
        return list(self.find(query, k, filters).hits)

    def find(self, query: str, k: int = 5, filters: Filters | None = None, info: QueryInfo | None = None,
             context: str = "", carried: str = "") -> Found:
        """The hits and the section the question names: '“重点问题”第三条是什么？' → Found(hits with
        that item first, section=SectionMatch(“重点问题”, ordinal 3), picked=1). ``info``: the
        question's analysis when the caller has it (QuestionAnalysis.info), else made here;
        ``context``: the situation the message told before the question (see w_situation);
        ``carried``: the question a follow-up continues (see w_carried)."""
        c, p = self.corpus, self.p
        info, fused, parts, mask = self.scores(query, filters, info, context, carried)
        named = c.sections.find(query, info.doc_ids, info.asks == "list", c.docs_in(mask)) if p.sections else None
        picked = [i for i in named.picked if mask[i]] if named else []
        if named and not picked:
            fused = fused.copy()
            fused[list(named.chunks)] += p.section_bonus
        order = top_allowed(fused, mask, max(k * 8, 40))
        if not order:
            return Found((), named, 0)
        if picked:
            # The item or items the question names by position come first, each as strong as the best.
            top = float(fused[order[0]])
            fused = fused.copy()
            fused[picked] = top
            first = set(picked)
            hits = self._hits(info, fused, parts, mask, picked + [i for i in order if i not in first],
                              max(k, len(picked)))
            hits = [replace(h, source="section") if n < len(picked) else h for n, h in enumerate(hits)]
            return Found(tuple(hits), named, len(picked))
        if p.diversify and len(info.doc_ids) != 1:
            best: dict[str, float] = {}
            for i in order:
                best.setdefault(c.doc_of[i], float(fused[i]))
            top = float(fused[order[0]])
            want = list(info.doc_ids) or [d for d, s in best.items() if s >= p.cover_ratio * top]
            order = diversify(order, c.doc_of, k, want)
        return Found(tuple(self._hits(info, fused, parts, mask, order, k)), named, 0)

    def _hits(self, info: QueryInfo, fused: np.ndarray, parts: dict[str, np.ndarray], mask: np.ndarray,
              order: Sequence[int], k: int) -> list[Hit]:
        """The first k of ``order`` as hits, with each retriever's rank and the query words they hold."""
        c = self.corpus
        q_tokens = c.build.bm25.tokenizer.tokens(info.expanded)
        masked = {name: np.where(mask, s, -np.inf) for name, s in parts.items()}
        return [
            Hit(chunk=c.chunks[i], score=float(fused[i]), source=self.name,
                ranks={name: rank_of(m, i) for name, m in masked.items()},
                matched=c.matched_terms(q_tokens, c.chunks[i]))
            for i in order[:k]
        ]

    def best_matching(self, query: str, holds: Callable[[str], bool], filters: Filters | None = None,
                      context: str = "", carried: str = "") -> Hit | None:
        """The best-scored passage for the question whose text ``holds`` something, or None."""
        c = self.corpus
        _, fused, _, mask = self.scores(query, filters, context=context, carried=carried)
        for i in top_allowed(fused, mask, len(c.chunks)):
            if holds(c.chunks[i].text):
                return Hit(c.chunks[i], float(fused[i]), "counted")
        return None

    def best_rows(self, query: str, filters: Filters | None = None, min_ratio: float = 0.3,
                  context: str = "", carried: str = "") -> list[Hit]:
        """Each plan's best indicator-table row for the question, best first: '高血压病人规范管理率'
        → 振安's '高血压患者基层规范管理服务率｜≥80%' row, 埇桥's '…服务率（%）｜≥70' row.

        Comparing plans needs each plan's own figure, and a plan's best *passage* is often prose
        that paraphrases its table ("80%以上" for "≥80%") or lists many targets at once. Rows under
        ``min_ratio`` of the best row's score are other indicators and are left out.
        """
        c = self.corpus
        _, fused, _, mask = self.scores(query, filters, context=context, carried=carried)
        rows = mask & c.is_row
        if not rows.any():
            return []
        best: dict[str, int] = {}
        for i in top_allowed(fused, rows, 200):
            best.setdefault(c.doc_of[i], i)
        top = max(float(fused[i]) for i in best.values())
        return [Hit(c.chunks[i], float(fused[i]), "rows") for i in sorted(best.values(), key=lambda i: -fused[i])
                if float(fused[i]) >= min_ratio * top]
