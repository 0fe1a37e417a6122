"""Questions the plans cannot answer whatever the passages say: a year past every plan's period,
or a topic ("有没有提到罕见病？") that no plan uses a word of.

    beyond_period(("2030",), {"dongli": "2021-2025"}, ["…到2025年…"]) → "2030年（规划期为2021—2025年）"
    unmentioned(content_words("罕见病的用药保障"), plan_text.__contains__, known) → "罕见"
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence

from question.ask import ASKS_WHAT
from question.lexicon import alternation
from vectorstore.points import chinese_numeral

_PERIOD = re.compile(r"(20\d\d)(?:\s*[-—–~～至]\s*(20\d\d))?")
_TRAILING = re.compile(r"(?:的事|(?:的)?(?:内容|方面|这块|这一块|这方面|相关|事情|问题|情况|工作))?"
                       r"[吗呢吧？?。！!\s]*$")


def period_end(period: str) -> int | None:
    """'2021-2025' → 2025; '2021' → 2021; '' → None."""
    m = _PERIOD.search(period or "")
    if not m:
        return None
    return int(m.group(2) or m.group(1))


def period_name(period: str) -> str:
    """The five-year plan a span is, as people name it: '2021-2025' → '十四五'; '2016-2020' → '十三五';
    a single year or another span → ''. Counted from the third plan (1966–1970), the first after
    the years of adjustment that broke the count's five-year step."""
    m = _PERIOD.search(period or "")
    if not m or not m.group(2):
        return ""
    start, end = int(m.group(1)), int(m.group(2))
    if end - start != 4 or (start - 1966) % 5 or start < 1966:
        return ""
    return f"{chinese_numeral((start - 1966) // 5 + 3)}五"


def beyond_period(years: Sequence[str], periods: Mapping[str, str], plan_texts: Sequence[str]) -> str:
    """The first year asked that lies after every plan's period and that no plan sets a target for
    ('到2030年'), told with the periods; '' when the plans cover the years asked."""
    ends = [e for e in (period_end(p) for p in periods.values()) if e is not None]
    if not ends or not years:
        return ""
    last = max(ends)
    for y in years:
        target = re.compile(rf"到{y}年|{y}年(?:目标|末|底|[：:])")
        if int(y) > last and not any(target.search(t) for t in plan_texts):
            spans = sorted({p.replace("-", "—") for p in periods.values() if p})
            return f"{y}年（规划期为{'、'.join(spans)}年）"
    return ""


def unwritten_year(years: Sequence[str], periods: Mapping[str, str], plan_texts: Sequence[str]) -> str:
    """The first year asked that no plan writes, other than a period's end ('到2025年') and the year
    before it starts (a plan calls it "“十三五”末"): a plan gives no figure of a year it never names.
    ('2023', {'dongli': '2021-2025'}, ['…到2025年…']) → '2023年'."""
    spoken: set[int] = set()
    for p in periods.values():
        m = _PERIOD.search(p or "")
        if m:
            spoken |= {int(m.group(1)) - 1, int(m.group(2) or m.group(1))}
    for y in years:
        if int(y) not in spoken and not any(y in t for t in plan_texts):
            return f"{y}年"
    return ""


_SENTENCE = re.compile(r"[。！？?!；;]")
# Characters that make "提" a verb of its own ("提高", "提升", "提供"…), not "mention".
_TI_VERBS = set("高升供出前质速醒交名拔倡议案取")
# What a writer puts between a topic and a cue that follows it: "垃圾分类这事，规划里写了没？".
_FILLER = re.compile(r"(?:这事|这件事|这个事|这一块|这块|这方面|的事|方面)?[，,、\s]*"
                     r"(?:(?:整个|这个|这份|这些|上述)?[\u4e00-\u9fff]{0,6}?(?:规划|计划|文件|方案)(?:里|中|里面|当中|上)?"
                     r"|里面|里|当中)?"
                     r"[，,、\s]*$")


_POINTED_CUE = re.compile(r"(提到|提及|说到|写到|讲到|提|说|写|讲)(?:这个|这事|这件事|这些|这一块|这块|此事)(了吗|了没|没有)")


def mention_topic(question: str, cues: Iterable[str], names: Iterable[str] = ()) -> str:
    """What a "有没有提到…" question asks about, or '' when it does not ask that:
    '规划里有没有提到宠物医院？' → '宠物医院'; the cue may also follow its topic: '垃圾分类这事，规划里写了
    没？' → '垃圾分类', '有没有无人机送药？滨海计划里提没提？' → '无人机送药' (``names``: the plans'
    names, taken off a topic that only says where to look); a cue '有没有…的说法' holds its topic:
    '有没有给中学生免费查视力的说法？' → '给中学生免费查视力'."""
    # "…，方案里写到这事没有？": a pointing word between the verb and the question's end points back at
    # the clause before, as "提到没有" does.
    question = _POINTED_CUE.sub(r"\1\2", question)
    for cue in sorted(cues, key=len, reverse=True):
        if "…" in cue:
            # "有没有…的说法": the topic is what the cue's two parts hold between them.
            head, tail = cue.split("…", 1)
            m = re.search(f"{re.escape(head)}([^，,。？?！!；;]{{2,30}}?){re.escape(tail)}", question)
            if m:
                return m.group(1)
            continue
        i = question.find(cue)
        if i < 0 or (cue.endswith("提") and question[i + len(cue):i + len(cue) + 1] in _TI_VERBS):
            continue  # "有没有提高…" asks about a rise, not a mention
        # "提没提过，…": 过 says whether it ever was, and is no word of the topic.
        after = re.sub(r"^过(?=[，,：:\s])", "", _TRAILING.sub("", question[i + len(cue):])).strip("，, ：:")
        if len(after) == 1:
            continue  # "有没有说法" asks for a stipulation: the cue is part of a word, not a mention
        if after and _object_left_out(after) and (before := _before(question[:i], names)):
            # "老人想配助听器，规划里有没有提到社区能配？": a verb left bare at the end does what the
            # clause before the cue names; that clause says what is asked about.
            return f"{before}，{after}"
        if after:
            return after
        return _before(question[:i], names)
    return ""


def _object_left_out(topic: str) -> bool:
    """Whether a topic ends in a one-character verb with nothing after it ('社区能打' → True,
    '社区能打疫苗' → False)."""
    import jieba.posseg

    words = list(jieba.posseg.cut(topic))
    return bool(words) and len(words[-1].word) == 1 and words[-1].flag == "v"


def _before(text: str, names: Iterable[str]) -> str:
    """The topic a trailing cue refers to: the clause before it without the plan's name and the
    filler words; when that clause only names the plan, what the sentence before asked about."""
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "")
    sentences = _SENTENCE.split(text)
    last = _FILLER.sub("", sentences[-1]).strip("，, ：:")
    if last:
        return last.split("，")[-1].split(",")[-1].strip() or last
    earlier = next((x for x in reversed(sentences[:-1]) if x.strip()), "")
    m = re.search(r"(?:有没有|有无|是否有|是否)(.+)$", earlier) or re.search(r".*有(.+)$", earlier)
    return _TRAILING.sub("", m.group(1)).strip("，, ：:") if m else ""


# Parts of speech that carry what a topic is about (jieba's tags): nouns, adjectives, idioms,
# nominal verbs, foreign words; plain verbs ("查看", "保障") and function words do not.
_CONTENT_TAGS = ("n", "a", "i", "l", "vn", "eng", "s", "j", "nz")


def content_words(topic: str) -> list[str]:
    """'对医疗美容机构的监管' → ['医疗', '美容', '机构', '监管']"""
    import jieba.posseg

    # A one-character noun counts ('猫' of '猫抓病'): left out, a topic the plans never name could
    # pass as mentioned on its other, common words ('病防治'). An asking word is none ("…养老怎么办",
    # which jieba tags an idiom).
    # A verb said twice ("管管", "查查") is the verb done a little, no thing of the topic (a noun said twice,
    # "宝宝", is one).
    return [w.word for w in jieba.posseg.cut(topic)
            if ((len(w.word) >= 2 and (w.flag in _CONTENT_TAGS or w.flag.startswith(("n", "a"))))
                or (len(w.word) == 1 and w.flag in ("n", "ng"))) and not ASKS_WHAT.search(w.word)
            and not (len(w.word) == 2 and w.word[0] == w.word[1] and w.flag.startswith("v"))]


def trailing_verb(topic: str) -> str:
    """The verb a topic ends with, what it asks to be done: '解决医院停车' → '停车'; '过期药品回收' → '回收';
    '医疗美容机构' → ''. content_words leaves verbs out (most say only that something is done)."""
    import jieba.posseg

    cut = [w for w in jieba.posseg.cut(topic) if w.word.strip()]
    last = cut[-1] if cut else None
    # A verb said twice ("看看") is the verb done a little: what is done is in the words before it.
    return last.word if last and len(last.word) >= 2 and last.flag == "v" and not ASKS_WHAT.search(last.word) \
        and last.word[0] != last.word[1] else ""


def without_empty_head(topic: str, empty: Sequence[str]) -> str:
    """A topic without the empty noun it ends with, and the word pointing at it: '护士的夜宵补助这回事' →
    '护士的夜宵补助' (the segmenter tags 回事 a verb, which would stand for what is asked to be done)."""
    for noun in empty:
        if topic.endswith(noun) and len(topic) > len(noun):
            return topic[: -len(noun)].rstrip("这那此个件种")
    return topic


def holds(text: str, word: str) -> bool:
    """Whether a text holds a topic word, also split by a few characters of one clause as plans list
    things ('碘缺乏病' in '碘缺乏等地方病'): all but its last character, then that character."""
    if word in text:
        return True
    if len(word) < 3:
        return False
    return re.search(re.escape(word[:-1]) + r"[^，。；;！？!?、\n]{0,4}" + re.escape(word[-1]), text) is not None


def described(topic: str, examples: Sequence[str], min_chars: int) -> bool:
    """Whether a mention question's topic is a description in the writer's words rather than a thing's
    name: its first sentence, up to an example it gives (``examples``: "比如"), holds at least
    ``min_chars`` characters. '在工地上扛了多年水泥、腰腿落下毛病的师傅们盖个调养身体的去处' → True;
    '宠物医院？比如给猫狗看病的那种' → False. A name no plan writes is unmentioned; a description's
    words are the writer's own, and the plans may name the thing in theirs."""
    return len(re.sub(r"[，,、；;：:\s]", "", named_part(topic, examples))) >= min_chars


def named_part(topic: str, examples: Sequence[str]) -> str:
    """What a mention topic names, without the example it gives: '宠物医院？比如给猫狗看病的那种' → '宠物医院'."""
    first = re.split(r"[？?！!。]", topic, maxsplit=1)[0]
    for w in examples:
        first = first.split(w, 1)[0]
    return first.strip("，,、；;：: ") or topic


def unmentioned(words: Sequence[str], in_plans: Callable[[str], bool], known: Callable[[str], bool],
                weight: Callable[[str], float] = lambda w: 1.0) -> str:
    """The first of a topic's content ``words`` that no plan contains (and that no synonym stands
    in for), when such words carry at least half of the topic's ``weight`` (e.g. idf); '' otherwise.
    A citizen describes a thing in their own words around the plans' ('看腰腿疼的疼痛门诊': 腰腿 is
    theirs, the rarer 疼痛门诊 the plan's), so a minor unknown word does not make it unmentioned,
    while one that carries the topic does ('医疗美容机构的监管': 美容 against 医疗、机构、监管), and so
    does the topic's last word, its head."""
    # A single character ("病" of 罕见病) names no topic on its own: it would only dilute the words that do.
    words = [w for w in words if len(w) >= 2] or list(words)
    missing = [w for w in words if not in_plans(w) and not known(w)]
    total = sum(weight(w) for w in words)
    if not missing or total <= 0:
        return missing[0] if missing else ""
    if words[-1] in missing:
        # The topic's last word is what it is about ("社区卫生服务中心配医务社工": 社工); the words
        # before it only say where or for whom.
        return words[-1]
    return missing[0] if 2 * sum(weight(w) for w in missing) >= total else ""


# "练八段锦、打五禽戏这类老功夫": things listed with 、, then a word saying they are examples of a kind.
_EXAMPLES = re.compile(r"((?:[^，,。？?！!；;、]{1,12}、)+[^，,。？?！!；;、]{1,12}?)(?:这类|这些|这种|之类|那些|那种|等等|等)")


def listed_examples(topic: str) -> list[str]:
    """The things a topic lists as examples of a kind it names in the writer's word:
    '练八段锦、打五禽戏这类老功夫' → ['练八段锦', '打五禽戏']; '宠物医院' → []."""
    m = _EXAMPLES.search(topic)
    return [x.strip() for x in m.group(1).split("、") if x.strip()] if m else []


@functools.lru_cache(maxsize=4096)
def is_place_word(word: str) -> bool:
    """Whether a word says where the writer is ('家里', '街上', '门口'), which jieba tags a place word,
    rather than what is asked about: '家里' → True, '门诊' → False."""
    import jieba.posseg

    cut = list(jieba.posseg.cut(word))
    return len(cut) == 1 and cut[0].flag == "s"


# A character that makes a span a piece of a sentence, not a name ("想问问区里的医院", "我们这个县");
# a facility's name also never holds a conjunction ("社区和医院").
NOT_IN_NAME = "的我们这那个在问说想听看去到要对给了住是有里"
# nor a question word ("几级医院"), nor a preposition of where ("离区医院挺远", "从镇卫生院转上来").
_NOT_IN_FACILITY = NOT_IN_NAME + "和与及或跟几哪啥离从往"


def shortened(core: str, kind: str, text: str) -> bool:
    """Whether a text writes a facility's full name that a short one keeps the first word and the kind
    of ('社区', '中心': '社区卫生服务中心'), as people shorten names; the words dropped are Chinese
    characters of one name, no punctuation."""
    return re.search(re.escape(core) + r"[\u4e00-\u9fff]{1,6}?" + re.escape(kind), text) is not None


def unnamed_facilities(question: str, suffixes: Sequence[str], names: Iterable[str],
                       in_plans: Callable[[str], bool], known: Callable[[str], bool],
                       place_suffixes: Sequence[str] = (),
                       short_of: Callable[[str, str], bool] = lambda core, kind: False) -> list[str]:
    """Named facilities or projects a question asks about that the plans never name:
    '东丽区儿童医院什么时候建成？' → ['儿童医院'] when no plan in scope writes "儿童医院" ('宿州市立医院…'
    → ['宿州市立医院'] when none writes that); a name the
    plans write ('东丽医院'), or one a synonym stands for, or a short form of one (``short_of(core, kind)``,
    '社区中心' of '社区卫生服务中心') is not one. Plan names are taken off first."""
    ending = alternation(suffixes)
    out = []
    # A place's own public facility is named with 立 ("宿州市立医院", "省立医院"): with the place's
    # name taken off, "立医院" would be too short to be read as a name. ("区级医院" is a level.)
    # "立…" is looked for first, then a plan's name (and its suffix) before it: one pattern per
    # question, not one per name of a province's hundreds of plans.
    names = list(names)
    for m in re.finditer(rf"立(?:{ending})", question):
        before = question[: m.start()]
        ends = [len(before)] + [len(before) - len(x) for x in place_suffixes if x and before.endswith(x)]
        starts = [e - len(n) for e in ends for n in names if before[:e].endswith(n)]
        name = question[min(starts): m.end()] if starts else ""
        if name and not in_plans(name) and not known(name):
            out.append(name)
    # A project named in quotes before its kind ("“甲乙示范园”项目"), as the plans name theirs ("“网底”工程").
    for m in re.finditer(rf"[“\"「]([^”\"」]{{2,16}})[”\"」](?:{ending})", question):
        quoted = m.group(1)
        if not in_plans(quoted) and not known(quoted):
            out.append(quoted)
    text = question
    # A plan's name goes with the place word after it ("丹东市第九人民医院": 丹东 and 市).
    after = f"(?:{alternation(place_suffixes)})?" if place_suffixes else ""
    for n in sorted(names, key=len, reverse=True):
        text = re.sub(re.escape(n) + after, "，", text)
    for m in re.finditer(rf"[\u4e00-\u9fff]{{2,8}}?(?:{ending})", text):
        name = m.group(0)
        # "要建的那所口腔医院": the name is what follows the words pointing at it.
        name = _POINTED.split(name)[-1]
        # "那三所区医院", "城东两家专科医院": after a count of several comes the kind of the facilities
        # counted, which the writer describes in their own words, not a name; "一家区儿童医院" is one
        # named, and the count is no part of its name.
        counts = _COUNT.findall(name)
        if counts and counts[-1][0] != "一":
            continue
        name = _COUNT.split(name)[-1]
        while name and name[0] in _NOT_IN_FACILITY:
            name = name[1:]
        core, kind = name, ""
        for s in suffixes:
            if core.endswith(s):
                core, kind = core[: -len(s)], s
                break
        if len(core) < 2 or any(ch in _NOT_IN_FACILITY for ch in core) or in_plans(name) or known(name) \
                or not _noun_phrase(core) or _COUNT.fullmatch(core) or short_of(core, kind):
            continue  # ("两家医院": a count of hospitals, not one named)
        # The longest tail the plans do write is enough ("新建儿童医院" → "儿童医院" still unnamed),
        # unless what comes before it numbers another one ("第二人民医院" where plans write "人民医院").
        if not any(in_plans(name[i:]) and not _ORDINAL.fullmatch(name[:i]) for i in range(1, len(core) - 1)):
            out.append(name)
    return out


_ORDINAL = re.compile(r"第?[一二三四五六七八九十\d]+")
_POINTED = re.compile(r"[这那][家所座处间]")
_COUNT = re.compile(r"[一二两三四五六七八九十百\d]+[家个所座处间]")


def named_facilities(question: str, suffixes: Sequence[str], names: Iterable[str],
                     in_plans: Callable[[str], bool]) -> tuple[str, ...]:
    """Facilities named after a plan's place that the plans write: '东丽医院现在有多少张病床？' →
    ('东丽医院',). Split into words, the place's name is taken for the plan's and only '医院' is left."""
    longest = max(map(len, suffixes), default=0)
    out: list[str] = []
    for n in sorted((n for n in names if n in question), key=len, reverse=True):
        for m in re.finditer(re.escape(n), question):
            # The longest name the plans write: '振安区医院分院', not '振安区医院'.
            spans = (question[m.start(): m.end() + k] for k in range(4 + longest, 0, -1))
            name = next((s for s in spans if re.fullmatch(r"[\u4e00-\u9fff]+", s[len(n):]) and
                         s.endswith(tuple(suffixes)) and in_plans(s)), "")
            if name and not any(name in o for o in out):
                out.append(name)
    return tuple(out)


def numbered_facilities(question: str, suffixes: Sequence[str], in_plans: Callable[[str], bool]) -> tuple[str, ...]:
    """Facilities named by their number that the plans write: '第三中心医院要建院区？' → ('第三中心医院',)."""
    out: list[str] = []
    for m in re.finditer(r"第[一二三四五六七八九十]{1,3}", question):
        # The longest name the plans write: "第三中心医院", not "第三中心".
        spans = [question[m.start(): m.end() + n] for n in range(1, 9)]
        names = [s for s in spans if s.endswith(tuple(suffixes)) and in_plans(s)]
        if names and names[-1] not in out:
            out.append(names[-1])
    return tuple(out)


def _noun_phrase(text: str) -> bool:
    """Whether a span reads as a name: nouns and numerals only ('儿童', '第五中心'), not a clause
    ('哪些社区', '往外地大', '能建成')."""
    import jieba.posseg

    return all(w.flag.startswith("n") or w.flag in ("j", "m", "nz") for w in jieba.posseg.cut(text))
