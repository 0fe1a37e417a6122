"""The live index as one question sees it: the build and everything derived from it, built once per
build and never changed, so a question that starts on one build ends on it even when an ingest
switches CURRENT while it is being answered.

    live = LiveIndex.open(settings)      # or Assistant.live()
    live.corpus.build.name, live.idf(), live.names(), live.speller.correct("冬丽区…"), live.synonyms

The word lists of PLANQA_LEXICON_DIR are read with the build (an ingest has just checked them), so
a question also keeps the lexicon it started with.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assistant import default_scope
from assistant.extract import default_idf
from assistant.settings import Settings
from indicators.types import Origin
from question.lexicon import Lexicon
from question.places import PlaceSpeller
from vectorstore.errors import StoreUnavailableError
from vectorstore.index import IndexStore
from vectorstore.retrieve import Corpus, Filters

log = logging.getLogger(__name__)
RETRY_SWITCH_S = 5.0  # a build switch that failed on an unreachable server is tried again after this


@dataclass(frozen=True)
class LiveIndex:
    build_id: str | None
    corpus: Corpus
    df: Counter[str]  # passages holding each token
    doc_texts: dict[str, str]  # each plan's text
    plan_text: str  # every plan's text and title, for "does any plan say X"
    regions: tuple[str, ...]  # the provinces and cities the plans are for
    speller: PlaceSpeller
    lexicon: Lexicon  # the word lists the corpus and the speller were built with
    scope: Filters | None = None  # PLANQA_DEFAULT_SCOPE's plans in this build (None: every plan)
    # The lexicon's asking words no plan writes ("多远", "别的"): no topic words of a question (gate.py).
    asking: re.Pattern[str] | None = None
    # The indicator tables' own words (captions, categories, attributes, column labels: "约束性", "目标").
    table_words: str = ""
    # The passages of indicator rows that give targets only, no figure from before their plan's period
    # (振安's table): the store's table records with a target and no baseline column.
    targets_only: frozenset[str] = frozenset()

    @classmethod
    def open(cls, settings: Settings) -> LiveIndex:
        """The current build, opened and analysed (IndexDamagedError when it cannot be read,
        LexiconError naming the file and line when a word list has a bad line)."""
        lexicon = Lexicon.load(settings.lexicon_dir)
        corpus = Corpus.open(settings.index_dir, settings.embed_threads, lexicon.synonyms, settings.chroma,
                             lexicon.intent_cues, lexicon.section_roles)
        build = corpus.build
        texts = {d: build.doc_text(d) for d in build.docs}
        rows = [r for r in build.indicators.all() if r.origin is Origin.TABLE]
        plan_text = "\n".join([*texts.values()] + [str(d.meta.title) for d in build.docs.values()])
        return cls(
            build_id=corpus.build.folder.name,  # the build actually opened, whatever CURRENT says now
            corpus=corpus,
            df=build.bm25.doc_freq(),
            doc_texts=texts,
            plan_text=plan_text,
            regions=tuple({r for d in build.docs.values() for r in (d.meta.province, d.meta.city) if r}),
            speller=PlaceSpeller.from_docs([d.meta for d in build.docs.values()], plan_text,
                                           lexicon.places.suffixes),
            lexicon=lexicon,
            scope=default_scope.resolve(default_scope.parse(settings.default_scope), build.docs),
            asking=_asking_words(lexicon, plan_text),
            table_words=" ".join(f"{r.caption} {r.category} {r.attribute.value} {' '.join(v.label for v in r.values)}"
                                 for r in rows),
            targets_only=frozenset(r.chunk_id for r in rows if r.target is not None and r.baseline is None),
        )

    @property
    def synonyms(self) -> tuple[tuple[str, ...], ...]:
        """The synonym groups questions are expanded with: (("预期寿命", "期望寿命", …), …)."""
        return self.lexicon.synonyms

    def idf(self) -> Any:
        return default_idf(len(self.corpus.chunks), lambda t: self.df.get(t, 0))

    def names(self) -> list[str]:
        """Every name a plan is known by (districts, titles, aliases)."""
        return [a for a, _ in self.corpus.analyzer.aliases]

    def city_names(self) -> list[str]:
        """The plans' city names, longest first ('天津市', '天津', …)."""
        cities = {d.meta.city for d in self.corpus.build.docs.values() if d.meta.city}
        return sorted(cities | {c.removesuffix("市") for c in cities}, key=len, reverse=True)

    def label(self, doc_id: str) -> str:
        """How a plan is named in a question: its district, else its city, else its title."""
        meta = self.corpus.build.docs[doc_id].meta
        return str(meta.district or meta.city or meta.title)

    def first_name(self, doc_id: str) -> str:
        """The first alias the manifest gives a plan, else its district, city or title."""
        return str(next(iter(self.corpus.build.docs[doc_id].meta.aliases), "") or self.label(doc_id))

    def titles(self) -> list[str]:
        """Each plan's title: ["天津市东丽区卫生健康事业发展“十四五”规划", …]."""
        return [str(d.meta.title) for d in self.corpus.build.docs.values()]

    def tokens(self) -> Callable[[str], list[str]]:
        return self.corpus.build.bm25.tokenizer.tokens  # type: ignore[no-any-return]


def _asking_words(lexicon: Lexicon, plan_text: str) -> re.Pattern[str] | None:
    """The words that ask for a kind of figure ("多远", "多少钱") or for more ("别的"), less those a plan
    writes: found once per build, not per question."""
    # A cue opening with a word the plans write ("投入多少") asks about that word: only cues wholly of
    # asking words are no topic ("多少钱" of "投入多少钱" still is).
    words = [c for _, cues in lexicon.demand_cues for c in cues if "…" not in c and c not in plan_text
             and not any(c[:n] in plan_text for n in range(2, len(c)))]
    words += [w for w in lexicon.follow_up_words if len(w) > 1 and w not in plan_text]
    return re.compile("|".join(map(re.escape, sorted(set(words), key=len, reverse=True)))) if words else None


class LiveHolder:
    """The LiveIndex of the current build, reopened when an ingest switches CURRENT; one reopening at
    a time, and a question keeps the snapshot it started with."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._live: LiveIndex | None = None
        self._lock = threading.Lock()
        self._unavailable_at = 0.0  # when a switch last failed on an unreachable vector store

    def get(self) -> LiveIndex:
        bid = IndexStore(self.settings.index_dir).current_id()
        live = self._live
        if live is not None and live.build_id == bid:
            return live
        with self._lock:
            live = self._live
            if live is None or live.build_id != IndexStore(self.settings.index_dir).current_id():
                if live is not None and time.monotonic() - self._unavailable_at < RETRY_SWITCH_S:
                    return live
                try:
                    live = LiveIndex.open(self.settings)
                except StoreUnavailableError as exc:
                    if live is None:
                        raise  # nothing to answer from: a 503 naming the server, retried next request
                    # The new build's vectors are on a server that went away: the build in memory
                    # keeps answering (its vectors are loaded) and the switch is tried again.
                    log.warning("still serving build %s: %s", live.build_id, exc)
                    self._unavailable_at = time.monotonic()
                    return live
                self._live = live
            return live
