"""Rule-based rewriting of follow-up questions into standalone ones (used without an LLM).

Staff ask in conversation: "东丽2025年期望寿命目标？" then "那滨海新区呢？" or "它由哪个部门牵头？". Retrieval
needs the whole question; these rules cover the follow-up shapes that occur in plan questions:
another district, another year, another indicator, and pronouns pointing back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence

from assistant.parallel import FILLER, parallel
from assistant.referents import (
    FACILITY_HEADS,
    LEAD,
    THIS_FACILITY,
    answered_facility,
    facility_opening,
    named_before,
    subject_facility,
)
from question.ask import ASKS_WHAT
from vectorstore.query import QueryAnalyzer
from vectorstore.sections import ORDINAL, QUOTED

_TAIL = re.compile(r"(的呢|呢|吗|(?<![什怎])么)?[？?。！!\s]*$")  # "是什么？" keeps its 么
POINTING = re.compile(r"它|这个|这项|该项|该|其|这些|那个|上述|这一|此项|这条|这件事|这事|此事|这支|这批|这座|这类|这种|"
                      r"[这那][两几三四五六七八九十][个家所项条件]")  # "这两家医院": the ones just named
_YEAR = re.compile(r"20\d\d年?")
# "2019年的时候", "2019年那会儿": the year, said as a time ("那2019年那会儿呢？" asks of that year).
_AT_THE_TIME = re.compile(r"(?<=年)(?:的时候|那时候|那时|那会儿|的时)")
# A five-year plan's period, or a time in it, as the plans name them: "“十三五”末期", "十四五期间".
_PERIOD = re.compile(r"[“\"]?十[一二三四五六七八九]五[”\"]?(?:末期|末|期间|时期|初期|初|以来)?")

# "这一项", "那块", "这方面" after two characters of a noun (not after 在/对/从…: "在这一块" points back).
_AFTER_NOUN = r"(?<=[\u4e00-\u9fff]{2})(?<![在对从把于就和与])(?:这一|那一|这|那)"
_ITEM_AFTER_NOUN = re.compile(_AFTER_NOUN + r"(?:项指标|个指标|项|块|方面)")
# "全科医生那项…": one item of a list the conversation went through (a plan's table, its projects).
ITEM_OF_LIST = re.compile(_AFTER_NOUN + "项")
_IT = re.compile(r"(?<!其)它(?:俩|们)?")  # "其它" is "others", no pronoun
# "那埇桥呢？这一项…": a plan put in the previous question's place, then a question of its own.
_SWAP = re.compile(r"^((?:那么|那|还有)?\s*[^，,？?。]{2,12}?呢)[？?，,\s]+(\S.*)$")
_OWN_SUBJECT = re.compile(r"^(?:那么|那|还有|另外)?\s*([^，,？?]{2,16}?)呢[，,]\s*(.+)$")
_QUESTION = re.compile(f"{ASKS_WHAT.pattern}|是否|吗|有没有")
_PREV_TAIL = re.compile(r"(的?(目标|指标|计划|要求))?(值|数)?(是|为|要|要达到|达到|定的是|定为)?(多少|几|什么|啥)[^，。]*$")


_MORE = re.compile(r"(?<![分区特个级类性识辨告差])别|其他|其它|另外|更多")  # "分别" is no 别


def last_user_turn(history: Sequence[Mapping[str, str]]) -> str:
    for turn in reversed(history):
        if turn.get("role") == "user" and turn.get("content", "").strip():
            return turn["content"].strip()
    return ""


def _alias_spans(analyzer: QueryAnalyzer, text: str) -> list[tuple[int, int]]:
    """Where the text names a plan; overlapping names are one ("丹东振安" and "振安区" in "丹东振安区")."""
    found = sorted(m.span() for alias, _ in analyzer.aliases for m in re.finditer(re.escape(alias), text))
    spans: list[tuple[int, int]] = []
    for s, e in found:
        if spans and s < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(e, spans[-1][1]))
        else:
            spans.append((s, e))
    return spans


def _replace_spans(text: str, spans: list[tuple[int, int]], new: str) -> str:
    out, last = [], 0
    for i, (s, e) in enumerate(spans):
        out.append(text[last:s])
        if i == 0:
            out.append(new)
        last = e
    out.append(text[last:])
    return re.sub(r"^[和与、及，\s]+|[和与、及，\s]+(?=[的在])", "", "".join(out))


# "那X的是多少，和Y一样吗？": another plan's figure for the same question, compared.
_COMPARING = ("那边", "这边", "那里", "定的", "比", "高还是低", "多还是少", "高", "低", "一样", "差不多")
# "这个指标": words pointing at what the previous question asked about, when another plan is named.
_POINTING = ("这个", "这项", "该项", "这一", "此项", "这条", "那个", "上述", "它", "其")
_ASK_WORDS = re.compile(r"多少|什么|哪|谁|怎么|如何|是否|几|[的了是吗呢么啊呀吧么和与在到对里上为]|[\s“”\"'，,、。？?！!]")


_HOW_MANY = re.compile(r"几[个项条种点块]")  # "剩下的几项": how many of the rest, no thing of its own
_ASKED = re.compile(r"有什么|有哪些|多少|什么|哪|谁|怎么|如何|是否|几|有没有|吗|[？?]")
_SUBJECT_END = re.compile(r"(?:定的|定为|的目标|目标|要求|的|是|为|要|要达到|达到|有|将)+$")


_NOW = re.compile(r"现在|目前|当前|现状|眼下|原来|过去")
# The plan's last year said without its number ("到规划末年…", "规划期末", "收官那年").
_PLAN_END = re.compile(r"规划(?:末年|期末|末期|末|结束|到期)|收官|期末|末年")


def _own_time(core: str) -> bool:
    """Whether a follow-up names its own time, now, a period ('那十三五末呢') or the plan's end ('到规划
    末年呢'): the year the question before named is not carried into it."""
    return bool(_NOW.search(core) or _PERIOD.search(core) or _PLAN_END.search(core))


_COMPARED = re.compile(r"比|更|高还是低|多还是少|哪个高|哪个低|哪个多|哪个少|一样|差不多|相比")


def _shared_tail(subject: str, core: str) -> str:
    """The longest word (2–6 characters) that ends ``subject`` and starts ``core``: ('振安区规划里对家庭
    医生签约', '签约率要达到多少') → '签约'; '' when none."""
    for n in range(min(6, len(subject), len(core) - 1), 1, -1):
        if subject.endswith(core[:n]) and not _ASK_WORDS.search(core[:n]):
            return core[:n]
    return ""


def _starts_with_predicate(core: str) -> bool:
    """Whether a follow-up opens with a verb or a question word, naming no subject: '建成后有多少床位' → True."""
    import jieba.posseg

    first = next(iter(jieba.posseg.cut(core)), None)
    return first is not None and (first.flag in ("v", "vd", "vn", "f", "d", "p") or first.word in ("什么", "哪年"))





def _without_position(question: str) -> str:
    """A question without its clauses asking for an item by position: '…有哪些项目？先讲第一个' → '…有哪些项目？'."""
    return "".join(c for c in re.split(r"(?<=[？?。！!，,])", question) if not ORDINAL.search(c)) or question


def _names_nothing(rest: str, words: Sequence[str]) -> bool:
    """Whether a follow-up is made only of ``words`` (lexicon/follow_up_words.txt) and question
    words: '有没有给出具体数字' → True; '村卫生室怎么建' → False."""
    for w in sorted(words, key=len, reverse=True):
        rest = rest.replace(w, "")
    return len(_ASK_WORDS.sub("", rest)) == 0


# Words that point back at the conversation when a clause opens with them ("这方面", "那边…", "同一年…":
# the year just asked about).
_MORE_FIRST = re.compile(r"^(?:那)?还有(?:别的|其他|其它)?(?:的)?(?:吗|呢|没有|没)[？?，,。！!\s]+(?=\S)")
_BACK = re.compile(r"这方面|这块|这一块|那边|这边|那里|这里|换成|刚才|上面|同一年|同年|同一时期")
# "我住在镇上，那镇卫生院能不能做手术？": a clause opening with 那 (not "那些/那个…") goes on from before.
_THEN = re.compile(r"^(?:那么|那|还有|另外|然后|换成)|呢(?:[？?，,。\s]|$)|[，,]\s*那么?(?![些个里边样家位种])")
_CLAUSE = re.compile(r"[，,。？?！!；;]")


def _cut(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """The text without the spans (plan names found by _alias_spans)."""
    for s, e in reversed(spans):
        text = text[:s] + text[e:]
    return text


def own_chars(question: str, analyzer: QueryAnalyzer, follow_up_words: Sequence[str]) -> int:
    """How many characters of a question name something of its own: plan names, follow-up words
    (lexicon/follow_up_words.txt), pointing words and question words left out.
    '那滨海新区呢？' → 0; '社区卫生服务中心要建多少家？' → 11."""
    core = _TAIL.sub("", LEAD.sub("", question.strip()))
    rest = _cut(core, _alias_spans(analyzer, core))
    for w in sorted((*follow_up_words, *_COMPARING, *_POINTING), key=len, reverse=True):
        rest = rest.replace(w, "")
    return len(re.findall(r"[\u4e00-\u9fff]", _ASK_WORDS.sub("", POINTING.sub("", rest))))


def points_back(question: str, analyzer: QueryAnalyzer, follow_up_words: Sequence[str], chars: int) -> bool:
    """Whether a clause of the question opens by pointing at something said before ("它…", "这家医院…",
    "第二个…", "那边…") or it asks for more ("还有别的吗"). A pointing word after a noun of its own
    points at that noun: '振安村里修自来水这事，规划里提了没？', '东丽这个规划…' → False; so does one
    opening a clause after clauses naming ``chars`` characters of their own, or followed by a noun they
    name ('…“三个优化”，这三个优化…')."""
    if _MORE.search(question):
        return True
    before = ""
    for clause in _CLAUSE.split(LEAD.sub("", question.strip())):
        c = re.sub(r"^(?:那么|那|还有|在|对|就|关于)+", "", clause.strip())
        m = POINTING.match(c) or THIS_FACILITY.match(c) or _BACK.match(c) or ORDINAL.match(c)
        if m:
            # "…“三个优化”，这三个优化…": the noun after the pointing word was named just before.
            named = c[m.end():m.end() + 2]
            return own_chars(before, analyzer, follow_up_words) < chars and not (len(named) == 2 and named in before)
        it = _IT.search(c)
        if it:
            # "建它主要为了什么？": 它 after a verb points back as much as 它 opening the clause.
            return own_chars(before + c[:it.start()], analyzer, follow_up_words) < chars
        before += clause + "，"
    return False


def stands_alone(question: str, analyzer: QueryAnalyzer, follow_up_words: Sequence[str], chars: int) -> bool:
    """Whether a message asked in a conversation is a whole question of its own, not a follow-up:
    it opens with no "那/还有…", no clause of it ends in 呢, and it names at least ``chars``
    characters of its own (twice that when a clause opens by pointing back, see points_back).
    Staff ask one question after another in one chat; a whole question is answered as asked.
    '那埇桥呢？' → False; '到2025年婴儿死亡率要降到多少以下？' → True (at 8); chars 0 → never."""
    q = question.strip()
    if chars <= 0 or _THEN.search(q):
        return False
    n = own_chars(q, analyzer, follow_up_words)
    return n >= (2 * chars if points_back(q, analyzer, follow_up_words, chars) else chars)


def names_topic(core: str, plan_uses: Callable[[str], bool], follow_up_words: Collection[str] = ()) -> bool:
    """Whether a follow-up names a thing of its own: a noun of two or more characters some plan
    writes ('慢病那项目前是多少' → True; '平均每年增长多少', '分别是哪几种', '建好后做什么用' → False), other
    than the ``follow_up_words`` that ask more of the same thing ('实际如何')."""
    import jieba.posseg

    return any(len(w.word) > 1 and (w.flag.startswith("n") or w.flag in ("j", "vn")) and plan_uses(w.word)
               and not _ASK_WORDS.search(w.word) and w.word not in follow_up_words
               for w in jieba.posseg.cut(POINTING.sub(" ", core)))


def asks_to_tell(rest: str, plan_uses: Callable[[str], bool]) -> bool:
    """Whether a follow-up's words ask to be told more rather than name another thing: it opens with
    an adverb or has a verb no plan writes ('都说一下', '再详细点' → True; '近视', '5岁以下的' → False)."""
    import jieba.posseg

    words = list(jieba.posseg.cut(rest))
    return bool(words) and (words[0].flag in ("d", "c") or any(
        w.flag.startswith("v") and w.flag != "vn" and (len(w.word) == 1 or not plan_uses(w.word)) for w in words))


def rewrite(question: str, history: Sequence[Mapping[str, str]], analyzer: QueryAnalyzer,
            follow_up_words: Sequence[str] = (), alone_chars: int = 0,
            plan_uses: Callable[[str], bool] | None = None, more_cues: Sequence[str] = ()) -> str:
    """Standalone form of a follow-up: ('那滨海新区呢？', [user: '东丽2025年床位目标？']) → '滨海新区2025年床位目标？'.
    ``follow_up_words``: the lexicon's words that ask more about the same subject ('具体', '目标值');
    ``alone_chars``: a question naming this much of its own stands alone (see stands_alone; 0: never);
    ``plan_uses``: whether some plan writes a word (a follow-up naming none of them goes on with the
    previous question's topic; None: not checked); ``more_cues``: words asking for the rest of what
    was given ('剩下'), which the section or the previous answer answers instead."""
    q = question.strip()
    prev = last_user_turn(history)
    if not prev or stands_alone(q, analyzer, follow_up_words, alone_chars):
        return q
    # "还有吗？村卫生室那块呢？": the second clause says what more is asked about.
    q = _MORE_FIRST.sub("", q) or q
    # "护士这一项呢？", "卫生室那块怎么建？": the item word after a noun of the follow-up's own
    # is that noun again, not a pointer at the previous question's thing.
    core = _ITEM_AFTER_NOUN.sub("", _TAIL.sub("", LEAD.sub("", q)))
    q_spans = _alias_spans(analyzer, core)
    q_names = "和".join(core[s:e] for s, e in q_spans)
    rest = re.sub(r"^[和与、及的\s]+|[和与、及的\s]+$", "", _cut(core, q_spans))
    prev_spans = _alias_spans(analyzer, prev)
    prev_names = "".join(prev[s:e] for s, e in prev_spans[:1])

    # "东丽区 那万新街呢" after "东丽金钟街…": the same plan, called by another of its names.
    same_plan = not q_names or q_names in prev or bool(q_docs := analyzer.doc_mentions(q_names)) and \
        set(q_docs) <= set(analyzer.doc_mentions(prev))
    if same_plan and len(rest) <= 8 and not _QUESTION.search(rest) and (swapped := parallel(rest, prev, plan_uses)):
        # "那南边呢？" after "…西部的卫生院由谁帮扶？": the same question of the part it contrasts.
        return swapped
    this = THIS_FACILITY.search(core)
    if this and (name := named_before(this.group(1), history)):
        # "这家医院要扩建多少床位？" after an answer naming 丹东市第二人民医院.
        return f"{prev_names}{q[:q.find(this.group(0))]}{name}{q[q.find(this.group(0)) + len(this.group(0)):]}"
    own = _OWN_SUBJECT.match(q)
    if own and POINTING.search(own.group(2)) and not _alias_spans(analyzer, own.group(1)):
        # "那军粮城医院呢，它开展了什么服务？": the pronoun is the subject the follow-up names itself
        # (after a plan's name, "那埇桥呢，它的目标…", it is still the previous question's subject).
        return f"{prev_names}{POINTING.sub(own.group(1), own.group(2), count=1)}"
    swap = _SWAP.match(q)
    if swap and prev_spans and q_spans and _alias_spans(analyzer, swap.group(1)) and \
            len(FILLER.sub("", _TAIL.sub("", LEAD.sub("", swap.group(1))).replace(q_names, ""))) == 0:
        # "那埇桥呢？这一项属于约束性指标吗？": the previous question asked of another plan, then more.
        return f"{_replace_spans(prev, prev_spans, q_names).rstrip('？?。')}，{swap.group(2)}"
    rest = _AT_THE_TIME.sub("", rest) if _YEAR.search(rest) else rest
    bare = FILLER.sub("", rest)
    if q_names and (len(bare) <= 2 or prev_spans and (_names_nothing(rest, (*follow_up_words, *_COMPARING,
                                                                          *_POINTING))
                                                      or _COMPARED.search(rest) and len(rest) <= 10)):
        # "那滨海新区呢？", "那埇桥的这项指标呢？": same question, other plan(s); "比东丽高还是低？":
        # the same question of the previous plan and the one named, side by side.
        if prev_names and _COMPARED.search(core) and prev_names not in q_names and q_names not in prev_names:
            q_names = f"{prev_names}和{q_names}"
        return _replace_spans(prev, prev_spans, q_names) if prev_spans else f"{q_names}{prev}"
    if _YEAR.search(bare) and (len(_YEAR.sub("", bare)) <= 2 or _names_nothing(_YEAR.sub("", rest), follow_up_words)):
        # "那2020年呢？", "2020年的现状值呢？": same question, other year.
        year = _YEAR.search(rest).group(0)  # type: ignore[union-attr]
        year = year if year.endswith("年") else year + "年"
        prev = _NOW.sub("", prev)  # "…现在多少？" then "2025年呢？": that year, not now
        if _YEAR.search(prev):
            return _YEAR.sub(year, prev, count=1)
        # "…“十三五”末…多少？" then "2018年呢？": that year in the place of the period's end.
        return _PERIOD.sub(year, prev, count=1) if _PERIOD.search(prev) else f"{year}{prev}"
    if "它" in core and not q_names and (subject := subject_facility(LEAD.sub("", prev), analyzer)):
        # "那它要建成什么级别的医院？" after a question opening with 东丽医院: 它 is that hospital.
        return LEAD.sub("", q).replace("它", subject, 1)
    if _IT.search(core) and not q_names and (name := answered_facility(prev, history, analyzer)):
        # "它还建些什么？" after "哪所医院要升级？": 它 is the hospital the answer named.
        plan = "" if _alias_spans(analyzer, name) else prev_names
        return plan + _IT.sub(name, LEAD.sub("", q), count=1)
    if POINTING.search(core):
        # "它由哪个部门牵头？": the question is about what the previous one was about; "振安有这个要求吗？"
        # asks it of the plan named instead.
        base = _replace_spans(prev, prev_spans, q_names) if q_names and prev_spans else prev
        base = _YEAR.sub("", base) if _own_time(core) else base
        # "剩下那个…": the rest of the list, not the item the previous question asked for by position.
        base = _without_position(base) if any(c in core for c in more_cues) else base
        return f"{base.rstrip('？?。')}，{core}"
    if not q_names and (_MORE.search(rest) or any(c in (core or q) for c in more_cues)) \
            and (not rest or _names_nothing(_HOW_MANY.sub("", rest), (*follow_up_words, *more_cues))):
        # "还有别的吗？", "其他的呢？", "还有呢？": more of what the previous question asked about
        # ("剩下的几项呢？" asks for the rest, not how many they are), not of the item it asked for by
        # position ("…有哪些项目？先讲第一个").
        return f"{_without_position(prev).rstrip('？?。，,')}，{_HOW_MANY.sub('', core) or core or q}"
    if len(rest) <= 8 and not _QUESTION.search(rest) and rest.endswith(FACILITY_HEADS) and \
            (subject := subject_facility(LEAD.sub("", prev), analyzer)) and subject != rest:
        # "那区中医医院呢？" after a question about 东丽医院: the same question of the other facility
        # (in the plan the first one's name gave: "滨海新区中医医院" → "滨海新区第五中心医院").
        plan = next((a for a, _ in sorted(analyzer.aliases, key=lambda x: -len(x[0]))
                     if subject.startswith(a) and not rest.startswith(a)), "")
        return prev.replace(subject, plan + rest, 1)
    # An item asked by position counts in the name the previous question quoted ("“九项能力”").
    quoted = "".join(m.group(0) for m in QUOTED.finditer(prev)) if ORDINAL.search(rest) else ""
    if len(rest) <= 8 and not _QUESTION.search(rest) and not q_names and any(rest.startswith(c) for c in more_cues):
        # "别的片区呢？": more of what the previous question asked about, in the kind it names.
        return f"{_without_position(prev).rstrip('？?。，,')}，{core}"
    if len(rest) <= 8 and not _QUESTION.search(rest) and (plan_uses is None or not asks_to_tell(rest, plan_uses)):
        # "护士呢？": same plan, year and question, another indicator.
        names = q_names or prev_names
        # The time asked about stays: its years, or the period it named ("“十三五”期间").
        years = "".join(dict.fromkeys(_YEAR.findall(prev))) or "".join(
            dict.fromkeys(m.group(0) for m in _PERIOD.finditer(prev)))
        m = _PREV_TAIL.search(prev)
        # "最后一个呢？" after a list asks what that item is, not how much.
        tail = "是什么？" if ORDINAL.search(rest) else m.group(0) if m else "是多少？"
        # "第二个呢？" after "…“九项能力”，排第一的是哪项？": that item of the quoted name.
        return f"{names}{years}{quoted}{rest}{tail}"
    # The previous question's subject, without what it asked ("…对社区医院建设" of "…有什么打算？").
    subject = _SUBJECT_END.sub("", _ASKED.split(prev, maxsplit=1)[0])
    asking = [c for name, cues in analyzer.intents if name in ("responsibility", "time") for c in cues]
    if not q_names and _names_nothing(rest, (*follow_up_words, *asking)) and (follow_up_words or asking):
        # "有没有给出具体数字？" after "…对社区医院建设有什么打算？", "谁负责？" after "…一期工程什么时候
        # 完成？": that subject, then what this one asks; asked as of now ("现在是多少"), without the
        # target year it named.
        if _own_time(core):
            subject = _YEAR.sub("", subject)
        return f"{subject}{core}" if subject else f"{prev.rstrip('？?。')}，{core}"
    subject = LEAD.sub("", subject)
    if not q_names and (shared := _shared_tail(subject, core)):
        # "签约率要达到多少？" after "…对家庭医生签约有什么安排？": a measure of the topic just asked about.
        return f"{subject[: -len(shared)]}{core}"
    if not q_names and _starts_with_predicate(core) and (opening := facility_opening(LEAD.sub("", prev), analyzer)):
        # "建成后有多少床位？" after "振安区医院分院什么时候建？": no subject of its own, so the facility's.
        return f"{opening}{core}"
    if not q_names and quoted:
        # "第三个讲的什么？" after "…的“三个结合”分别是什么？": an item of what the previous question quoted.
        return f"{prev_names}{quoted}{core}"
    # "到规划末年…": the plan's end is a time, not a thing named.
    if not q_names and plan_uses is not None and not names_topic(_PLAN_END.sub(" ", core), plan_uses, follow_up_words) \
            and not ORDINAL.search(core) \
            and not any(cue in core for cue in more_cues):
        # "平均每年增长多少？", "分别是哪几种？": only what is asked, no thing of its own, so it asks
        # about what the previous question was about; asked as of now, without the year it named.
        base = _YEAR.sub("", prev) if _own_time(core) else prev
        return f"{base.rstrip('？?。')}，{core}"
    if not q_names:
        # "护士呢？" / "村卫生室怎么建？": new topic, same plan as before.
        topic = prev_names
        tail = "" if _QUESTION.search(core) else "的情况"
        return f"{topic}{core}{tail}" if topic else f"{prev.rstrip('？?。')}，{core}"
    return q
