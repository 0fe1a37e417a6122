"""Stage 3 — the gate: may the passages found answer the question, and if not, the decline.

A question is declined, with what was looked for and the closest passages, when it names a place
no plan covers, asks for a year past every plan's period, asks whether the plans mention a topic
none of them uses a word of (or whose passages are all far from it in meaning), or when the best
passages cover too little of it or lack the kind of figure it asks for (answerable.py).

    Gate(live, qa, hits, params).decline(reply=False, generator="extractive") → "所查规划未设定2035年的目标或数值。" or ""
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Container, Sequence
from dataclasses import replace

from assistant.answerable import Verdict, judge, unknown_places
from assistant.cite import REFUSAL
from assistant.extract import candidates as sentence_candidates
from assistant.extract import coverage, question_terms
from assistant.live import LiveIndex
from assistant.meaning import closeness, cosines
from assistant.params import GateParams
from assistant.types import Answer, Citation
from question.analysis import Intent, QuestionAnalysis
from question.ask import ASKS_WHAT
from question.demands import counts_of_asked
from question.scope import (
    beyond_period,
    content_words,
    described,
    holds,
    is_place_word,
    listed_examples,
    named_part,
    period_end,
    period_name,
    shortened,
    trailing_verb,
    unmentioned,
    unnamed_facilities,
    unwritten_year,
    without_empty_head,
)
from vectorstore.types import DocMeta, Hit


class Gate:
    """The checks for one question and its passages, each computed at most once."""

    def __init__(self, live: LiveIndex, qa: QuestionAnalysis, hits: Sequence[Hit], params: GateParams) -> None:
        self.live, self.qa, self.hits, self.params = live, qa, hits, params
        info = qa.info
        # A place the situation names ("我住外区，…") is where the writer lives, not what is asked, unless
        # the ask means it ("…我们区要建几所？").
        asked = qa.standalone.replace(qa.pointed, " ") if qa.pointed else qa.standalone
        if any(w in qa.ask for w in live.lexicon.places.home):
            asked = f"{qa.message} {asked}"
        self.places = tuple(unknown_places(asked, live.plan_text.__contains__, live.regions,
                                           plan_named=bool(info.doc_ids), places=live.lexicon.places))
        # The sentence saying a mention's topic in the plan's own words (_standout), to answer with.
        self.outside, self.said_as = ("", "") if self.places else self._outside()
        covers = self.covers
        self.coverage = max((covers(f"{h.chunk.section}\n{h.chunk.text}") for h in hits[:params.coverage_passages]),
                            default=0.0)

    @functools.cached_property
    def covers(self) -> Callable[[str], float]:
        """How much of the question a text covers: its own words, or (discounted) their synonyms;
        plan names are ignored."""
        live, info = self.live, self.qa.info
        # The words asking for a kind of figure ("多远", "多少钱") or for more ("别的") are no topic: "远"
        # of 远程 is no answer, and no plan writes "别的".
        if live.asking is not None:
            info = replace(info, text=live.asking.sub(" ", info.text))
        tok, plain_idf = live.tokens(), live.idf()
        # The names the question calls its plans by: "基层" of the alias "天津基层" is a topic word of a
        # question that does not say "天津基层" ("…基层的诊疗量占全市的多少").
        names = [a for a in live.names() if a in self.qa.info.text]
        expanded = replace(info, text=with_plan_words(info.text, info.expansions, live.corpus.used_words))
        absent, plans, single = self.params.absent_weight, live.plan_text, self.params.single_char_weight

        def idf(term: str) -> float:
            # A word no plan uses ("消炎药", "吊瓶") is the writer's, not the plans': no passage can
            # hold it, so at full weight it would decline every everyday question. A single
            # character ("花…钱") is rare in the plans' prose, so its idf is high, yet on its own it
            # names little: at full weight "花钱必问效" would outweigh "投入财政预算约30亿元".
            w = plain_idf(term) if absent == 1.0 or term in plans else plain_idf(term) * absent
            return w * single if len(term) == 1 else w

        # A facility named after the place ("东丽医院") is a word of the question, not the plan's name.
        facilities = list(self.qa.facilities)
        own = question_terms(info, tok, names) + facilities
        widened = question_terms(expanded, tok, names) + facilities
        # "招进来" is no plan's word but its verb is ("招聘"): the question asks about 招.
        endings = live.lexicon.verb_complements
        own = [verb_of(t, endings, plans) for t in own]
        widened = [verb_of(t, endings, plans) for t in widened]
        # An ask keeping the sentence it points back at is searched with it; its own words alone still
        # count, so the situation's words cannot lower the share below what the ask alone covers.
        asked = question_terms(replace(info, text=info.text.replace(self.qa.pointed, " ")), tok, names) + facilities \
            if self.qa.pointed else own
        if not any(len(t) > 1 and not ASKS_WHAT.search(t) for t in (*own, *widened)):
            # "那乙区定的是哪几个？": asking words and single characters ("定") name no topic, and any
            # passage holding them would cover "all" of it.
            return lambda text: 0.0
        return lambda text: max(coverage(own, text, idf), coverage(widened, text, idf) * 0.9,
                                coverage(asked, text, idf))

    @property
    def out_of_scope(self) -> bool:
        """A place no plan covers, a year past every period, or an unmentioned topic."""
        return bool(self.places or self.outside)

    @functools.cached_property
    def verdict(self) -> Verdict:
        """Whether the passages carry the kind of figure the question asks for (see answerable.py);
        only the plans a question names count, so another district's figure never answers it."""
        hits, info = self.hits, self.qa.info
        if self.out_of_scope or not hits:
            return Verdict(False)
        every = sentence_candidates(hits)

        def text(i: int) -> str:
            return f"{hits[every[i].hit_index].chunk.section}\n{every[i].text}"

        def before(i: int) -> str:
            # What a sentence is about is read with the sentence before it in its passage: a plan
            # names the topic, then gives the figure ("…选送中青年业务骨干…。2021年，…培养40名…").
            return every[i - 1].text if i and every[i - 1].hit_index == every[i].hit_index else ""

        pos = [i for i, c in enumerate(every) if not info.doc_ids or hits[c.hit_index].chunk.doc_id in info.doc_ids]
        best = 0.0
        if self._asks_target_year():
            # "2025年计划新增几处": what the last plan achieved is no figure of what this one sets out to do.
            # Its sentence most about the question still sets how near the rest must come.
            role = self.live.lexicon.role
            review = {i for i in pos if role(hits[every[i].hit_index].chunk.section_path[:2]) == "review"}
            best = max((self.covers(f"{before(i)}\n{text(i)}") for i in review), default=0.0)
            pos = [i for i in pos if i not in review]
        sents = [(text(i), hits[every[i].hit_index].chunk.kind == "table_row") for i in pos]
        context = [before(i) for i in pos]
        # Which counted nouns each plan writes itself, looked up once per plan, not once per sentence.
        counted = {d.counted for d in self.qa.demands if d.counted}
        texts = self.live.doc_texts
        written = {doc: frozenset(w for w in counted if w in texts.get(doc, ""))
                   for doc in {h.chunk.doc_id for h in hits}}
        writes = [written[hits[every[i].hit_index].chunk.doc_id].__contains__ for i in pos]
        agreed = [self._agreed(every[i].hit_index) for i in pos]
        v = judge(self.qa.demands, sents, info.years, self.covers, self.params.about_share,
                  synonyms=self.live.synonyms, context=context,
                  writes=writes, agreed=agreed, best=best)
        # Positions among the candidates of all hits, so the extractive answer can prefer them.
        return replace(v, supporting=tuple(pos[i] for i in v.supporting), complete=tuple(pos[i] for i in v.complete))

    def _asks_target_year(self) -> bool:
        """Whether a figure is asked of a year the message writes that ends a plan's period in scope
        ('2025年计划新增几处？'), or of the period by its name ('十四五还打算建几处？'), as something
        still to be done."""
        qa = self.qa
        if not qa.amount_asked or qa.info.tense != "future":
            return False
        metas = self._scope[0]
        ends = {period_end(m.period) for m in metas}
        named = {n for n in (period_name(m.period) for m in metas) if n}
        return any(int(y) in ends and y in qa.message for y in qa.info.years) or any(n in qa.message for n in named)

    @functools.cached_property
    def unwritten(self) -> str:
        """A figure asked of a year no plan in scope writes ('甲区2024年要建几所？'): '所查规划未写2024年的
        目标或数值。', else ''. Only a year the message writes itself: one the rewrite carried over from
        the question before was answered there. The indicator store, which says which years a row
        has, answers before this is read."""
        if not self.qa.amount_asked:
            return ""
        metas, texts = self._scope
        year = unwritten_year([y for y in self.qa.info.years if y in self.qa.message],
                              {m.doc_id: m.period for m in metas}, texts)
        return f"所查规划未写{year}的目标或数值。" if year else ""

    @functools.cached_property
    def _scope(self) -> tuple[list[DocMeta], list[str]]:
        """The plans the question is about (all of them when it names none) and their texts."""
        info, live = self.qa.info, self.live
        metas = [d.meta for d in live.corpus.build.docs.values() if not info.doc_ids or d.meta.doc_id in info.doc_ids]
        return metas, [live.doc_texts[m.doc_id] for m in metas]

    def passes(self, *, of_year: bool = True) -> bool:
        """Whether the passages may answer: in scope, covering enough, carrying what is asked (and,
        unless ``of_year`` is False, of a year the plans write)."""
        return (not self.out_of_scope and not (of_year and self.unwritten) and bool(self.hits) and self.verdict.answerable
                and (self.coverage >= self.params.min_coverage or self._agreed_figure() or self._counted_list()))

    def _counted_list(self) -> bool:
        """A list question in the writer's words ('…把这些转变都列出来') shares few words with the plan's,
        yet asks for the items of a thing one of its first passages counts ('努力实现“六个转变”：（1）…'):
        the plan's counted list is what it asks for."""
        if self.qa.intent is not Intent.LIST:
            return False
        counts = counts_of_asked(self.qa.list_words)
        return any(c.search(h.chunk.text) for h in self.hits[:3] for c in counts)

    def _agreed_figure(self) -> bool:
        """A figure question in everyday words ('打120叫救护车…多长时间之内赶到？') shares few words with
        the plan's ('院前急救…平均反应时间少于15分钟'): its passage is still found when word and meaning
        search both rank it near the top, and a figure of the kind asked stands in it."""
        return bool(self.verdict.demands and self.verdict.supporting) and any(
            self._agreed(i) for i in range(len(self.hits)))

    def _agreed(self, i: int) -> bool:
        """Whether the i-th passage is among the first ``agree_rank`` and both searches rank it that high."""
        n, h = self.params.agree_rank, self.hits[i]
        return i < n and bool(h.ranks) and max(h.ranks.values()) <= n

    @functools.cached_property
    def beyond(self) -> str:
        """A year after every plan's period in scope: '所查规划未设定2035年的目标或数值。', else ''."""
        scope, texts = self._scope
        year = beyond_period(self.qa.info.years, {m.doc_id: m.period for m in scope}, texts)
        return f"所查规划未设定{year}的目标或数值。" if year else ""

    def _outside(self) -> tuple[str, str]:
        """Why the plans in scope cannot answer whatever passage is found ('' when they may): a year
        after every plan's period, or a "有没有提到…" topic no plan has a word of; and the sentence that
        says such a topic in the plan's own words (_standout), when one does."""
        live = self.live
        scope, texts = self._scope
        if self.beyond:
            return self.beyond, ""

        def in_scope(term: str) -> bool:
            return any(holds(t, term) for t in texts)

        asked = self.qa.standalone
        joined = asked.replace("、", "")  # "上海、江苏、浙江" holds the lexicon's "上海江苏浙江"

        def known(term: str) -> bool:
            # A word the lexicon translates into one the plans in scope use ('看牙' → '口腔'), or a
            # piece of such a phrase the question writes ('刚生' of '刚生完孩子'); a group none of whose
            # words they use ("家庭医生" where no plan in scope has one) is no help. Only a phrase the
            # question holds: "公寓" is no known word because some everyday phrase has it.
            return any(any(term == w or (term in w and w in joined) for w in g) and any(in_scope(w) for w in g)
                       for g in live.synonyms)

        where = "、".join(f"《{m.title}》" for m in scope) if self.qa.info.doc_ids else "现有规划文件均"
        unnamed = unnamed_facilities(self.qa.ask, live.lexicon.facility_suffixes, live.names(),
                                     in_scope, known, live.lexicon.places.suffixes,
                                     lambda core, kind: any(shortened(core, kind, t) for t in texts))
        if unnamed:
            return f"{where}未提及“{unnamed[0]}”。", ""
        topic = self.qa.topic
        # A topic whose words are all asking or empty ones ("写没写救护车一般要多久") names no thing the
        # plans could leave out: what it asks is judged as any question's. One of no noun at all ("减负")
        # is judged by its verb.
        names_a_thing = bool(self.qa.topic_named) or not self.qa.topic_words
        if topic and names_a_thing and not described(topic, live.lexicon.example_words, self.params.description_chars):
            # Only the plans asked about: "振安规划里有没有提…" is not answered by another plan's words.
            # "罕见病患者的诊疗或者用药保障": what comes before 的 is the thing asked about; the plans
            # naming 诊疗 or 用药 for others does not mention it.
            whose = topic.split("的", 1)[0] if "的" in topic else ""
            # Its first word says whose it is ("血友病患者看病拿药": 血友病), with 的 or without: no plan writing
            # it, the rest ("拿药", "看病") is said of others.
            empty = live.lexicon.empty_nouns
            whose_words = [w for w in content_words(whose) if w not in empty] if whose else []
            lead = next(iter(w for w in (whose_words or self.qa.topic_named) if len(w) > 1), "")
            # "能让老人歇脚的地方": an empty head noun says nothing of what is asked; the words before it do.
            # Where the writer is ("村里的老年人", "街上的老人") is no thing the plans leave out.
            # A compound of two words the plans write or the lexicon translates ("街道社区": 街道, 社区;
            # "工资待遇": 工资 → 薪酬, 待遇) is those words, which the segmenter joined.
            def part(w: str) -> bool:
                return in_scope(w) or known(w)

            glue = live.lexicon.glued_characters

            def own(term: str) -> bool:
                # "药能" of "药能不能…": the segmenter joined a plan's character and a grammar one.
                glued = len(term) == 2 and any(term[i] in glue and in_scope(term[1 - i]) for i in (0, 1))
                return glued or known(term) or is_place_word(term) or any(
                    part(term[:i]) and part(term[i:]) for i in range(2, len(term) - 1))

            # "练八段锦、打五禽戏这类老功夫": the plans writing one of the things listed write of the kind.
            examples = [[w for w in content_words(x) if len(w) > 1] for x in listed_examples(topic)]
            if any(ws and all(in_scope(w) or own(w) for w in ws) for ws in examples):
                return "", ""
            word = unmentioned(self.qa.topic_named, in_scope, own, live.idf()) or (
                unmentioned(whose_words, in_scope, own, live.idf()) if whose else "") or (
                lead if lead and not in_scope(lead) and not own(lead) else "") or (
                # "…医院停车": what is to be done is the topic's head, though no noun.
                # "…医生多久能赶到": a verb of a result ("赶到", "保住") the plans say in their own verbs.
                verb if (verb := trailing_verb(without_empty_head(named_part(topic, live.lexicon.example_words), empty)))
                and not in_scope(verb) and not own(verb) and verb[-1] not in live.lexicon.result_complements
                else "") or absent_concept(topic, live.synonyms, in_scope)
            if word:
                said_as = self._standout()
                why = f"{where}未提及“{named_part(topic, live.lexicon.example_words)}”（未出现“{word}”一词）。"
                return ("", said_as) if said_as else (why, "")
        elif topic and (word := absent_concept(topic, live.synonyms, in_scope)) and not self._standout():
            # A description ("签约以后…报销能多给一些") still names a thing the lexicon knows by name,
            # which no plan in scope writes by any of its words.
            return f"{where}未提及“{word}”。", ""
        # A topic the lexicon translates into the plans' words ("拍片子" → 医学影像) is judged by those
        # words, which its meaning vector does not see.
        if topic and not any(known(w) for w in content_words(topic)) and self._far():
            return f"{where}未提及“{named_part(topic, live.lexicon.example_words)}”（最接近的段落意思也相去较远）。", ""
        return "", ""

    def _far(self) -> bool:
        """Whether the passages found say something else: the meaning search put the first passage
        low (``params.mention_far_rank`` or lower) and no sentence of the plans asked about comes
        within ``params.mention_far`` cosine of the topic."""
        hits = self._asked_hits
        if not hits or hits[0].ranks.get("dense", 0) < self.params.mention_far_rank:
            return False
        raw = cosines(self.live.corpus, self.qa.topic, sentence_candidates(hits), hits)
        return max((v for v in raw if v is not None), default=1.0) < self.params.mention_far

    @functools.cached_property
    def _asked_hits(self) -> list[Hit]:
        """The passages of the plans asked about: "振安规划里有没有提…" is not answered by another plan's words."""
        return [h for h in self.hits if not self.qa.plans or h.chunk.doc_id in self.qa.plans]

    def _standout(self) -> str:
        """The sentence of the plans asked about whose meaning stands out as the mention's topic, the
        plan saying the writer's words in its own ("…移动支付、诊间结算…" for "看完病拿手机交钱"):
        ``params.meaning_standout`` spreads or more above the mean of the passages' sentences; '' when
        none does."""
        hits = self._asked_hits
        cands = sentence_candidates(hits)
        raw = cosines(self.live.corpus, self.qa.topic, cands, hits)
        near = closeness(self.live.corpus, self.qa.topic, cands, hits, raw)
        best = max(range(len(cands)), key=near.__getitem__, default=None)
        if best is None:
            return ""
        # Or close in meaning outright, in the passage both searches put first.
        agreed = hits[0].ranks.get("dense") == 1 and cands[best].hit_index == 0
        close = agreed and (raw[best] or 0.0) >= self.params.meaning_close
        return cands[best].text if near[best] >= self.params.meaning_standout or close else ""

    def decline(self, reply: bool, generator: str) -> Answer:
        """The decline, saying what was looked for, with the closest passages to judge by."""
        return decline(self.qa.standalone, reply, generator, self.params.nearby, self.verdict.reason,
                       self.places, self.outside or self.unwritten, self.hits, self.looked_for())

    def looked_for(self) -> str:
        """'已检索：三期综合楼、总投资；规划中没有直接回答的段落。' — the question's own content words
        (plan names aside), so staff see what the search was about."""
        names = self.live.names()
        words = [w for w in dict.fromkeys(content_words(self.qa.standalone))
                 if not any(w in n or n in w for n in names)]
        # A follow-up of only a plan's name and question words ("那振安区定的是哪几个？") still says what it
        # searched for: the question as it was read.
        asked = self.qa.standalone.strip()
        searched = "、".join(words[:6]) if words else f"“{asked}”"
        return f"已检索：{searched}；规划中没有直接回答的段落。" if asked else ""


def absent_concept(topic: str, synonyms: Sequence[Sequence[str]], in_scope: Callable[[str], bool]) -> str:
    """A thing the lexicon knows by name that the topic names and no plan in scope writes by any of
    its group's words ('长期护理保险' where no plan says 长期护理保险, 长护险 or 护理险): its words may
    each stand in the plans ('护理', '保险') while the thing itself does not. '' when there is none."""
    for group in synonyms:
        said = [w for w in group if len(w) >= 3 and w in topic]
        if said and not any(in_scope(w) for w in group):
            return max(said, key=len)
    return ""


def verb_of(term: str, endings: Sequence[str], plans: Container[str]) -> str:
    """A word no plan writes that is a verb the plans write with an ending of where or how far it goes, as
    that verb: ('招进来', ('进来',), '…招聘…') → '招'; any other word as it is."""
    # The ending is looked at first: most words have none, and each "in plans" reads every plan's text.
    stems = [term[: -len(e)] for e in endings if term.endswith(e) and len(term) > len(e)]
    if not stems or term in plans:
        return term
    return next((s for s in stems if s in plans), term)


def with_plan_words(text: str, expansions: Sequence[str], used: frozenset[str]) -> str:
    """The question with those of its synonyms some plan uses ('病床' → '… 床位 床位数'): a synonym
    no plan uses ('一床难求') could only lower every passage's coverage alike. The writer's own words
    all stay, whether the plans use them or not."""
    return " ".join([text, *(e for e in expansions if e in used)])


def decline(question: str, reply: bool, generator: str, nearby: int, missing: str = "",
            places: Sequence[str] = (), outside: str = "", hits: Sequence[Hit] = (), searched: str = "") -> Answer:
    """'规划文件中未找到相关内容。' with the reason as a note (else what was ``searched``) and the
    ``nearby`` closest passages."""
    note = (f"现有规划文件均未提及{'、'.join(places)}。" if places else outside
            or (f"检索到的规划段落中没有问题所问的{missing}。" if missing else searched))
    notes = (note,) if note else ()
    text = (
        f"您好！感谢您的关注。经查阅现行卫生健康规划文件，{REFUSAL}，暂无法就此事项作出具体答复，"
        "也不能作出规划以外的承诺。如需进一步了解，请咨询相关主管部门。"
        if reply else f"{REFUSAL}。"
    )
    close = tuple(Citation(i + 1, h.chunk) for i, h in enumerate(hits[:nearby]))
    return Answer(text, (), True, generator, notes, question, close)
