"""Stage 1 — the question: a user's message and the turns before it → one QuestionAnalysis.

Plan names mistyped by an input method are read as the plans' own; a message that tells its
situation first is reduced to its asking sentences; a follow-up is made whole (by rules, or by a
remote model when one is configured); then the words are analysed once for every later stage.

    analyze("冬丽区有没有提到献血屋？", (), live)
    → QuestionAnalysis(ask="东丽区有没有提到献血屋？", intent=Intent.MENTION, topic="献血屋", …)
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace

from assistant.live import LiveIndex
from assistant.params import FollowUpParams
from assistant.positional import by_position
from assistant.referents import named_in_situation
from assistant.rewrite import (
    ITEM_OF_LIST,
    POINTING,
    last_user_turn,
    own_chars,
    points_back,
    rewrite,
    stands_alone,
)
from question.analysis import Intent, Message, QuestionAnalysis, intent_of
from question.ask import ASKS_WHAT, asked_part, split_ask, without_excepted
from question.demands import HOW_MANY_ITEMS, counted_heads, demands, list_lengths, member_heads
from question.document import document_facts
from question.places import local_place_plan
from question.scope import (
    content_words,
    mention_topic,
    named_facilities,
    numbered_facilities,
)
from vectorstore.errors import GeneratorError
from vectorstore.points import as_lines, runs
from vectorstore.query import tense
from vectorstore.sections import ORDINAL, QUOTED, SectionIndex, SectionMatch, title

log = logging.getLogger(__name__)

# "How much / how many", beside the figure demands answerable.py reads: "哪几个" asks which, not how many.
_AMOUNT = re.compile(r"多少|(?<!哪)几[个家所名人项岁张天次倍成]|多大|多高|多长|比例|占比")

MIN_COUNTED = 3  # "两个方面" is said of too many things to pick a list by its length
# A topic that only points back, also after the plan it is asked of ("…街道的计划对此写了吗").
_ONLY_POINTING = re.compile(r"(?:[\u4e00-\u9fff]{0,4}?(?:规划|计划|文件|方案)(?:里|中|里面|上)?)?(?:对于|对|关于|针对)?"
                            r"(?:这个|这些|这项|这事|这件事|此事|它|这方面|这回事|这个事)")
_DURATIONS = ("minutes", "days", "duration", "frequency")  # how long or how often, which a time cue ("多久") also marks
_OF_A_FACILITY = ("money", "beds", "count", "when", "level")  # figures, dates and grades a named facility has

# Rewrites a follow-up into a whole question with a model (None: rules only).
ModelRewrite = Callable[[str, Sequence[Message]], str]


def analyze(message: str, history: Sequence[Message], live: LiveIndex,
            model_rewrite: ModelRewrite | None = None, follow: FollowUpParams | None = None) -> QuestionAnalysis:
    """The message as every stage reads it (see the module docstring), with the word lists of the
    live build's lexicon."""
    alone_chars, shared_idf = (follow.alone_chars, follow.shared_idf) if follow else (0, 0.0)
    lexicon = live.lexicon
    speller = live.speller
    text, fixes = speller.correct(message)
    plan_names = live.names()  # every name a plan is known by, read by several steps below
    split = split_ask(text, lexicon.ask_cues, speller.names, lexicon.pointing_words, plan_names)
    asked_of = mention_topic(split.ask, lexicon.mention_cues, plan_names)
    if not split.pointed and split.situation and (
            _ONLY_POINTING.fullmatch(asked_of) or asked_of and not _names_a_thing(asked_of, lexicon.empty_nouns)):
        # "…想带孩子去打流感疫苗。规划有没有提到这个？": what is asked about is the sentence before; so
        # it is when the topic names no thing ("…今后让更多人也能做"), only what is to be done with it.
        split = split_ask(text, lexicon.ask_cues, speller.names, (*lexicon.pointing_words, "这", "它", "此"), plan_names,
                          points_back=not _ONLY_POINTING.fullmatch(asked_of))
    ask = named_in_situation(split.ask, split.situation)
    analyzer = live.corpus.analyzer
    if split.situation and not analyzer.doc_mentions(ask) and (named := analyzer.doc_mentions(split.situation)):
        # "我在某生态城上班。…": a plan the situation names by any alias scopes the ask (not the place itself).
        ask = " ".join(live.first_name(d) for d in named) + " " + ask
    local = local_place_plan(text, live.doc_texts, lexicon.facility_suffixes)  # the ask is analysed again only then
    if local and _within(live.corpus.analyzer.analyze(ask).doc_ids, local, live):
        # "我住新河街…": a street names the district whose plan writes it.
        ask = f"{live.label(local)} {ask}"
    turns = resolved(tuple({**t, "content": speller.correct(t["content"])[0]} if t.get("role") == "user" else t
                           for t in history), live, alone_chars)
    # The whole message: a pointing word of a citizen's ask points at the situation told before it.
    alone = stands_alone(text, live.corpus.analyzer, lexicon.follow_up_words, alone_chars)
    whole = "" if alone else whole_question(ask, turns, live, model_rewrite, alone_chars)
    # "全科医生那项是约束性的吗？" names its own thing, yet as an item of a list the conversation went through.
    standalone = _same_plan(ask.strip(), turns, live, shared_idf, points_back(
        ask, live.corpus.analyzer, lexicon.follow_up_words, alone_chars) or bool(ITEM_OF_LIST.search(ask))
    ) if alone else inherit_section(whole, turns, live)
    if standalone == whole and (item := by_position(ask, _last_answer(turns))):  # "排第五的…": the answer's fifth
        standalone = " ".join([*(live.first_name(d) for d in analyzer.doc_mentions(whole)), item])
    told = _told(ask, turns, lexicon.more_cues)
    # "这事/它…": what the previous answer named is what the message points at (unless the rewrite
    # put the name it points at in its place: "建它…" → "建甲医院…", searched by that name).
    referent = _last_answer(turns) if not alone and not told and POINTING.search(ask) \
        and POINTING.search(standalone) else ""
    if told and not alone:
        standalone = _rest_of_section(standalone, told, live)
    carried = "" if alone else _continued(ask, standalone, turns, pointed_in_answer=standalone == whole)
    info = live.corpus.analyzer.analyze(standalone)
    if not alone and standalone != ask.strip():
        if ASKS_WHAT.search(ask):
            # "它的床位有多少张？" after "…由哪家医院牵头…？": what this message asks, not what the one before did.
            info = replace(info, asks=live.corpus.analyzer.analyze(ask).asks)
        if own := tense(ask):
            # "那前几年已经做到多少了？" after "…2025年要求是多少？": what was achieved, not the target the
            # question before asked for, nor the year it named, which the rewrite carried over.
            years = tuple(y for y in info.years if y in ask) if own == "past" else info.years
            info = replace(info, tense=own, years=years)
    if local and local in info.doc_ids and _within(tuple(d for d in info.doc_ids if d != local), local, live):
        info = replace(info, doc_ids=(local,))  # "家在天津杭州道街…": the street's district, not the whole city
    if split.pointed and (asked := live.corpus.analyzer.doc_mentions(standalone.replace(split.pointed, " "))):
        info = replace(info, doc_ids=asked)  # the plan the ask names, not one the situation mentions
    if split.pointed:
        # "…我们中心去年刚评上先进。像我们这样的中心今后往哪个方向建？": the situation's time is not what the ask asks about.
        info = replace(info, tense=tense(standalone.replace(split.pointed, " ")))
    facilities = named_facilities(standalone, lexicon.facility_suffixes, plan_names, live.plan_text.__contains__)
    if info.doc_ids and facilities:
        info = replace(info, doc_ids=_named_outside_facilities(standalone, info.doc_ids, facilities, live))
    topic = mention_topic(standalone, lexicon.mention_cues, plan_names)
    if _ONLY_POINTING.fullmatch(topic) or split.pointed and not _names_a_thing(topic, lexicon.empty_nouns):
        topic = ""  # the situation's sentence it points at is searched with the ask instead
    # "写没写医生多久上门一回": the words asking for a figure name no part of the topic.
    topic_words = tuple(content_words(live.asking.sub(" ", topic) if live.asking else topic)) if topic else ()
    wants = tuple(demands(standalone, plan_names, lexicon, _plan_uses(live)))
    named = (*facilities, *numbered_facilities(standalone, lexicon.facility_suffixes, live.plan_text.__contains__))
    if len(set(named)) == 1:
        # "第三中心医院…建好了能有多少张床位": the figure is that facility's, not the district's (a rate per
        # thousand people) nor another facility's.
        wants = tuple(replace(d, about=named[0]) if d.kind in _OF_A_FACILITY and not d.term else d for d in wants)
    part = asked_part(ask)
    whose = _part_word(part, standalone, live) if part else ""
    if whose:
        # "…床位数目标是多少，其中重症病房的床位有几张": the figure must be the part's, in a sentence naming it.
        wants = tuple(d if d.about else replace(d, about=whose) for d in wants)
    else:
        part = ""  # "其中2025年的呢": no part of its own is named; the whole is asked about
    if info.asks == "time" and any(d.kind in _DURATIONS for d in wants):
        info = replace(info, asks="")  # "多久能到" asks how long (a figure), not when
    intent = intent_of(info, topic)
    listed = wants
    if intent is Intent.LIST:
        # "分几个方面/有几条": how many items is answered by the items themselves, not by a figure;
        # "新建几个社区卫生服务站，建在哪些小区" asks how many of a facility, which a figure answers.
        built = tuple(lexicon.facility_suffixes)
        wants = tuple(d for d in wants if d.kind != "count" or d.term or (
            d.counted.endswith(built) and not HOW_MANY_ITEMS.search(standalone)))
    if intent is Intent.MENTION and topic:
        # "有没有提到几家医院组成集团": a count the topic holds is the writer's "several", not a question.
        wants = tuple(d for d in wants if d.kind != "count" or "几" not in topic)
    # "列了几个突出问题，都是哪些": the count was of the items a list names, which listing answers.
    items_counted = len(wants) < len(listed) and not wants
    asked_list = without_excepted(ask)  # "除了这九项，…哪几个": the list asked is not the one set aside
    return QuestionAnalysis(message=message, ask=ask, situation=split.situation, standalone=standalone, info=info,
                            intent=intent, demands=wants, topic_words=topic_words,
                            topic_named=tuple(w for w in topic_words if w not in lexicon.empty_nouns),
                            amount_asked=bool(wants) or (not items_counted and bool(_AMOUNT.search(
                                HOW_MANY_ITEMS.sub(" ", standalone) if intent is Intent.LIST else standalone))),
                            topic=topic,
                            corrections=tuple(fixes), history=turns,
                            facilities=facilities, pointed=split.pointed, carried=carried,
                            list_sizes=tuple(sorted(n for n in list_lengths(asked_list) if n >= MIN_COUNTED))
                            if intent is Intent.LIST else (),
                            list_heads=counted_heads(asked_list) if intent is Intent.LIST else (),
                            member_heads=member_heads(asked_list) if intent is Intent.LIST else (),
                            list_words=tuple(dict.fromkeys(w for w in live.tokens()(asked_list) if len(w) >= 2))
                            if intent is Intent.LIST else (),
                            told=told, referent=referent, part=part, document=document_facts(
                                ask, lexicon.document_words, plan_names, live.titles()))


def _names_a_thing(topic: str, empty: Collection[str]) -> bool:
    """Whether a mention's topic names a thing, not only whom or where ('今后让更多人也能做' → False);
    one of no noun at all ('减负') is judged by its verb, so it names one."""
    words = content_words(topic)
    return not words or any(len(w) > 1 and w not in empty for w in words)


def _part_word(part: str, question: str, live: LiveIndex) -> str:
    """The word naming the part a question asks about, as the plans write it: ('重症病房的床位有几张',
    '…床位数目标是多少，其中重症病房的床位有几张') → '重症医学科' (the lexicon's word for it that a plan
    uses); the first word of the part the whole does not hold that a plan writes (itself, through the
    lexicon, or by its beginning: '儿科医生' → '儿科'), '' when there is none."""
    at = question.rfind(part.rstrip("？?。！! "))
    whole = question[:at] if at >= 0 else question
    # A table's own words ("约束性", "健康水平", "指标", "目标") ask for a group of its rows or a column,
    # which the store answers from the whole question.
    for word in content_words(part):
        if len(word) < 2 or word in whole or word in live.table_words:
            continue
        if word in live.plan_text:
            return word
        used = [w for group in live.synonyms if word in group for w in group if w in live.plan_text]
        if used:
            return used[0]
        # "儿科医生": what the part is, by the longest beginning of the word a plan writes ("儿科").
        lead = next((word[:n] for n in range(len(word) - 1, 1, -1) if word[:n] in live.plan_text), "")
        if lead:
            return lead
    return ""


def _told(ask: str, turns: Sequence[Message], more_cues: Sequence[str]) -> str:
    """The previous answer, when the message asks for more than it gave: ('还有别的吗？', [..., assistant:
    '…不少于5种…']) → '…不少于5种…'; '' otherwise."""
    return _last_answer(turns) if any(cue in ask for cue in more_cues) else ""


def _rest_of_section(standalone: str, told: str, live: LiveIndex) -> str:
    """Asked for more after an answer that gave an item of a section by its heading, the section's
    items are asked for: ('…还有其他的吗', '…计划提出建成区域卫生健康信息平台：…') →
    '…还有其他的吗（“提升卫生健康信息化水平”有哪些）'. Unchanged when the question names a section itself."""
    sections, analyzer = live.corpus.sections, live.corpus.analyzer
    docs = analyzer.analyze(standalone).doc_ids
    if sections.find(standalone, docs, True) is not None:
        return standalone
    section = sections.listing(told, docs, least=1)
    return f"{standalone.rstrip('？?。')}（“{title(section.heading)}”有哪些）" if section else standalone


def _continued(ask: str, standalone: str, turns: Sequence[Message], pointed_in_answer: bool = False) -> str:
    """The previous question a follow-up is read with (softly: retrieval and quote scoring weigh its
    words below the question's own), unless the rewrite already took it whole: '一共多少人？' after
    '…核酸检测采样队伍组建起来了吗？' ('东丽区一共多少人' alone names no team), or '滨海重点抓哪些人群？'
    after a question about one topic. For a question naming an item by its position ('第二个呢？'): ''
    when the section's outline finds that item (the previous question's own position, "排第一的…",
    would only pull the search to other firsts), else the previous answer, whose points it counts."""
    if ORDINAL.search(ask):
        # "第二条讲的什么？" after an answer that listed points, no section named: the points are the
        # previous answer's, and it is what the search reads besides the question.
        # An answer may number its points inline ("共5条：1.…；2.…"), where a plan numbers its lines.
        answer = as_lines(_last_answer(turns))
        return answer if pointed_in_answer and runs([(0, answer)]) else ""
    prev = last_user_turn(turns)
    if not prev or prev.rstrip("？?。") in standalone:
        return ""
    # "那十四五的目标呢？" after a question about the last period: its words are of the other time.
    now, before = tense(ask), tense(prev)
    return "" if now and before and now != before else prev


def _last_answer(turns: Sequence[Message]) -> str:
    """The previous answer in the conversation, '' when there is none."""
    return next((t["content"] for t in reversed(turns) if t.get("role") == "assistant"), "")


def _same_plan(ask: str, turns: Sequence[Message], live: LiveIndex, shared_idf: float, pointing: bool = False) -> str:
    """A whole question naming no plan, asked after a question about one plan whose topic it goes on
    with (a word of at least ``shared_idf`` in both, or ``pointing`` back at it: '它…'), asked of that
    plan: ('签约以后网上能办些什么？', [user: '东丽区…家庭医生签约…']) → '东丽区 签约以后网上能办些什么？'."""
    prev = last_user_turn(turns)
    analyzer = live.corpus.analyzer
    if not prev or not shared_idf or analyzer.analyze(ask).doc_ids:
        return ask
    docs = analyzer.analyze(prev).doc_ids
    if len(docs) != 1:
        return ask
    if pointing:
        return f"{live.label(docs[0])} {ask}"
    tokens, idf = live.tokens(), live.idf()
    # Of the question before, its ask: a word its situation told ("老人带不动…") is no topic of it.
    lex = live.lexicon
    before = set(tokens(split_ask(prev, lex.ask_cues, live.speller.names, lex.pointing_words).ask))
    # A word no plan writes ("多少", "哪些") asks; it names no topic, whatever its idf.
    shared = [t for t in tokens(ask) if t in before and len(t) > 1 and not t.isdigit() and live.df.get(t, 0)
              and idf(t) >= shared_idf]
    return f"{live.label(docs[0])} {ask}" if shared else ask


def _without(answer: str, cities: Sequence[str]) -> str:
    """An answer without the plans' city names: "…达到天津市临床医学重点学科水平" names a level, not the
    city-wide plan; an answer says which plan it quotes by the district's name or the plan's own."""
    return re.sub("|".join(map(re.escape, cities)), " ", answer) if cities else answer


def _named_outside_facilities(question: str, plans: Sequence[str], facilities: Sequence[str],
                              live: LiveIndex) -> tuple[str, ...]:
    """The plans a question names, less those named only inside a facility another plan writes:
    '滨海新区的中医院与天津中医药大学…' names 滨海新区, whose plan writes 天津中医药大学, not the 天津 plan;
    '天津中医药大学…' alone names none (the plan writing it is found by search, or the conversation's)."""
    analyzer = live.corpus.analyzer
    keep = []
    for d in plans:
        blanked = question
        for f in facilities:
            if d in analyzer.doc_mentions(f) and any(f in text for o, text in live.doc_texts.items() if o != d):
                blanked = blanked.replace(f, "，")
        if d in analyzer.doc_mentions(blanked):
            keep.append(d)
    return tuple(keep) or (tuple(plans) if len(plans) > 1 else ())


def _within(named: Sequence[str], local: str, live: LiveIndex) -> bool:
    """Whether the plans a message names are only city-wide plans of the city a street's or town's
    district plan is in ('天津' names the 天津 plan; 小王庄镇 is in 滨海新区, a district of 天津), or none."""
    docs, city = live.corpus.build.docs, live.corpus.build.docs[local].meta.city
    return all(not docs[d].meta.district and docs[d].meta.city == city for d in named if d in docs)


def _plan_uses(live: LiveIndex) -> Callable[[str], bool]:
    """Whether some plan writes a word or a word of its synonym group: '宠物医院' → False when no plan
    names one."""
    def uses(word: str) -> bool:
        group = next((g for g in live.synonyms if word in g), (word,))
        return any(w in live.plan_text for w in group)
    return uses


def resolved(history: Sequence[Message], live: LiveIndex, alone_chars: int = 0) -> tuple[Message, ...]:
    """The earlier turns with each follow-up question made whole by the rules, so a follow-up of a
    follow-up reads the question it continues: ['埇桥…床位数是多少？', '那振安呢？'] →
    ['埇桥…床位数是多少？', '振安…床位数是多少？']."""
    out: list[Message] = []
    analyzer = live.corpus.analyzer
    cities = live.city_names()
    # The plans each answer names, read once: an answer says which plan a question naming none was of.
    answered = [analyzer.doc_mentions(_without(t["content"], cities)) if t.get("role") == "assistant" else ()
                for t in history]
    current = ""  # the one plan the conversation is about so far
    for i, t in enumerate(history):
        user = t.get("role") == "user"
        if user and any(u.get("role") == "user" for u in out):
            t = {**t, "content": inherit_section(rewrite(t["content"], out, analyzer, live.lexicon.follow_up_words,
                                                         alone_chars, _plan_uses(live),
                                                         live.lexicon.more_cues), out, live)}
        named = analyzer.doc_mentions(t["content"]) if user else answered[i]
        if user and not named:
            # "中医医院一期工程几月份完工？" answered from 滨海's plan, or asked after turns about one
            # plan: the question was of that plan (its own answer says which first).
            own = answered[i + 1] if i + 1 < len(history) else ()
            plan = own[0] if len(own) == 1 else current
            if plan:
                t, named = {**t, "content": f"{live.label(plan)} {t['content']}"}, (plan,)
        current = named[0] if len(named) == 1 else "" if named else current
        out.append(t)
    return tuple(out)


def inherit_section(question: str, history: Sequence[Message], live: LiveIndex) -> str:
    """A follow-up that names an item by its position only ('第三项是什么意思？') after a question
    that named a section ('滨海的重点任务有哪些？') is about that section's item:
    → '滨海“重点任务”第三项是什么意思？'. Otherwise unchanged."""
    at = ORDINAL.search(question)
    users = [t["content"] for t in history if t.get("role") == "user"]
    if at is None or not users:
        return question
    sections, analyzer = live.corpus.sections, live.corpus.analyzer
    now, before = analyzer.analyze(question), analyzer.analyze(users[-1])
    if sections.find(question, now.doc_ids, now.asks == "list") is not None:
        return question  # it names its own section
    previous = sections.find(users[-1], before.doc_ids, before.asks == "list") or \
        _answered_section(_last_answer(history), before.doc_ids, sections)
    if previous is None:
        return question
    return f"{question[:at.start()]}“{title(previous.heading)}”{question[at.start():]}"


def _answered_section(answer: str, doc_ids: Sequence[str], sections: SectionIndex) -> SectionMatch | None:
    """The section the previous answer named, when the question before it named it loosely: a box by
    its number or a heading it quotes ('专栏1“公共卫生防控救治能力建设工程”包括：…' → that box), or
    the section whose items it listed by their headings."""
    named = [m.group(0) for m in re.finditer(r"专栏\s*\d+", answer)] + [m.group(0) for m in QUOTED.finditer(answer)]
    for name in named:
        found = sections.find(name, doc_ids, True)
        if found is not None:
            return found
    # "（一）夯实基层…；（二）提升…": the section whose items the answer named by their headings.
    return sections.listing(answer, doc_ids)


def whole_question(ask: str, history: Sequence[Message], live: LiveIndex,
                   model_rewrite: ModelRewrite | None = None, alone_chars: int = 0) -> str:
    """A follow-up rewritten into a whole question: by the model when one is given, else (and
    whenever it fails or drifts) by rules. ('那埇桥呢？', [东丽 床位…]) → '埇桥…床位…'"""
    if not history:
        return ask.strip()
    ruled = rewrite(ask, history, live.corpus.analyzer, live.lexicon.follow_up_words, alone_chars, _plan_uses(live),
                    live.lexicon.more_cues)
    if model_rewrite is None:
        return ruled
    try:
        out = model_rewrite(ask, history).strip()
    except GeneratorError as exc:
        log.warning("LLM rewrite failed, using rules: %s", exc)
        return ruled
    out = out.splitlines()[0].strip().strip("“”\"") if out else ""
    # A rewrite that lost the question or grew into an answer is not used.
    return out if 4 <= len(out) <= 3 * len(ruled) + 20 else ruled


def names_only_a_plan(question: str, live: LiveIndex) -> bool:
    """Whether a question names nothing of its own but plans ('埇桥区呢？' → True): opening a conversation,
    it asks nothing yet."""
    return own_chars(question, live.corpus.analyzer, live.lexicon.follow_up_words) == 0
