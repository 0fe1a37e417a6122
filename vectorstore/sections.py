"""Questions that name a section of a plan, answered by the plan's structure rather than its words.

"重点问题中第三条说的是啥？" shares no word with the passage it wants ("3.龙头医院建设亟待加强。…"),
and "“增强卫生健康事业发展动力”下面有哪几项任务？" wants the headings *under* the one it names,
whose passages repeat none of its words. Word and meaning overlap cannot find either; the section
paths the splitter recorded can: a question quoting a heading picks that section, an ordinal
("第三条") picks its Nth item, and a list question gets each item's first passage.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, replace

from vectorstore.headings import match_heading
from vectorstore.points import chinese_number, enumerated, leads, runs
from vectorstore.types import Chunk

MIN_CORE_CHARS = 4  # "重点问题", "主要任务": shorter headings ("概述") are too common to name a section
LISTED_CORE_CHARS = 6  # a heading an answer names among others: shorter ones turn up in any sentence
MIN_TAIL_CHARS = 4
# A list question names a heading in its own words when it holds this share of the heading's
# character pairs (headings this long or longer: short ones are too common).
LOOSE_SHARE = 0.75
LOOSE_MIN_CHARS = 6  # a heading's ending this long names it beside an ordinal ("面临的问题", "保障措施")
# Failing that, a heading whose rarer character pairs (weighted by how few headings hold them) the
# question holds this share of, at least MARGIN times the next heading's share ('回顾“十三五”的成就'
# names '“十三五”东丽区卫生健康事业发展的主要成就': 十三/三五/成就 are rare, 卫生/健康/发展 everywhere).
WEIGHTED_SHARE = 0.25
MARGIN = 2.0
# "第三条", "最后一项"; a rank needs no measure word ("排第一的是哪个", "排在第二位").
ORDINAL = re.compile(r"第([一二两三四五六七八九十\d]{1,3})(?:条|项|点|个|块|部分|方面|款"
                     r"|(?:(?<=排第.)|(?<=排第..)|(?<=排在第.)|(?<=排在第..))(?=的|位|名|[，,。？?]|$))"
                     r"|最后[一那这]?个?(?:条|项|点|块|部分|方面|款)|最后[一那这]个")
QUOTED = re.compile(r"“([^”]{2,16})”")  # a name a question quotes: "“九项能力”的第三项"
LAST = -1  # "最后一项": the ordinal of a section's last item, whatever their number
_NOISE = re.compile(r"[\s“”\"'‘’《》「」『』（）()、，,。？?！!：:；;·]")


def char_pairs(text: str) -> set[str]:
    """The text's character pairs: '专栏二' → {'专栏', '栏二'}."""
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _clear_best(scored: Sequence[tuple[float, str, str]]) -> tuple[str, str] | None:
    """The (plan, heading) of the best share when it reaches WEIGHTED_SHARE and MARGIN times the next."""
    ranked = sorted(scored, key=lambda t: -t[0])
    if not ranked or ranked[0][0] < WEIGHTED_SHARE or len(ranked) > 1 and ranked[0][0] < MARGIN * ranked[1][0]:
        return None
    return ranked[0][1], ranked[0][2]


def _loose(text: str) -> str:
    """A heading or question without the particle 的, which readers add or drop when they name a
    heading ('十四五时期的发展目标' names '“十四五”时期发展目标')."""
    return text.replace("的", "")


def _tail(heading: str, q: str) -> int:
    """How many of a heading's last characters (MIN_TAIL_CHARS or more) a question names; a Chinese
    heading ends with its head noun: '面临的问题' names '天津市…发展面临的问题' (5)."""
    for start in range(1, len(heading) - MIN_TAIL_CHARS + 1):
        if heading[start:] in q:
            return len(heading) - start
    return 0


def ordinal(text: str) -> int | None:
    """'第三条说的是啥' → 3; '第12项' → 12; '第十一条' → 11; '最后一项' → LAST; no ordinal → None."""
    m = ORDINAL.search(text)
    if not m:
        return None
    return LAST if m.group(1) is None else numeral(m.group(1))


def numeral(digits: str) -> int:
    """An ordinal's number as written: '十一' → 11, '12' → 12 (0 when it is none)."""
    return int(digits) if digits.isdigit() else chinese_number(digits) or 0


def title(heading: str) -> str:
    """A heading as a reader names it, without its numbering: '（五）增强卫生健康事业发展动力' →
    '增强卫生健康事业发展动力'; '专栏1 公共卫生防控救治能力建设工程' → '公共卫生防控救治能力建设工程'."""
    m = match_heading(heading)
    return (m.body if m else heading).strip().rstrip("。")


def core(heading: str) -> str:
    """A heading's title without quotes or punctuation, for matching: '第四部分“十四五”东丽区…重点任务'
    → '十四五东丽区…重点任务'."""
    return _NOISE.sub("", title(heading))


@dataclass(frozen=True)
class SectionMatch:
    doc_id: str
    heading: str  # as the plan writes it
    items: tuple[tuple[str, tuple[int, ...]], ...]  # each sub-heading, with its chunks' indices
    chunks: tuple[int, ...]  # every chunk under the heading, in reading order
    ordinal: int | None = None
    wants_list: bool = False
    enumerated: bool = False  # the items are a paragraph's "一是…二是…" points, labelled by sentence
    chunk_ids: tuple[str, ...] = ()  # the ids of ``chunks``, in the same order

    def item_chunk_id(self, n: int) -> str:
        """The id of the passage where item ``n`` (0-based) starts."""
        return self.chunk_ids[self.chunks.index(self.items[n][1][0])] if self.chunk_ids else ""

    @property
    def picked(self) -> tuple[int, ...]:
        """The chunks an ordinal or list question wants: the Nth item's, or each item's first;
        none when the section has no such item (word search then answers)."""
        if self.ordinal is not None:
            return self.items[self.ordinal - 1][1] if 0 < self.ordinal <= len(self.items) else ()
        if self.wants_list:
            return tuple(dict.fromkeys(idx[0] for _, idx in self.items))
        return ()


def _role_asked(words: Sequence[str]) -> re.Pattern[str]:
    """Which ones of a role's word a question asks: "有哪几个主要问题", "短处一共有哪几条？", "不足一共几条" (the word,
    then "which ones" ending the clause); not "问题有哪些措施"."""
    from question.lexicon import alternation

    w = alternation(words)
    return re.compile(rf"[哪几][^，,。？?！!、]{{0,8}}?(?:{w})(?=$|[^\u4e00-\u9fff]|都|是|有|呢|上)|"
                      rf"(?:{w})[^，,。？?！!、]{{0,6}}?(?:哪(?:些|几[条个项点块]?)|几[条个项点块])(?:地方|方面)?(?=$|[^\u4e00-\u9fff]|呢|啊)")


_POINT_HEADING = re.compile(r"\d{1,2}[.．、]")


class SectionIndex:
    """Which chunks stand under each heading of each plan, built once per corpus."""

    def __init__(self, chunks: Sequence[Chunk], roles: Sequence[tuple[str, Sequence[str]]] = ()) -> None:
        from question.lexicon import section_role

        self._under: dict[tuple[str, str], list[int]] = {}  # (doc_id, heading) → chunk indices
        for i, c in enumerate(chunks):
            if c.kind == "table":
                continue
            for h in c.section_path:
                self._under.setdefault((c.doc_id, h), []).append(i)
        self._chunks = chunks
        self._cores = [(_loose(core(h)), d, h) for d, h in self._under]
        self._cores = [t for t in self._cores if len(t[0]) >= MIN_CORE_CHARS]
        # A heading a question names holds the question's character pairs at its start (whole
        # heading) or end (its tail): looking headings up by those pairs keeps `find` from scanning
        # every heading of every plan, which dominated a search at hundreds of plans.
        self._by_first: dict[str, list[tuple[str, str, str]]] = {}
        self._by_last: dict[str, list[tuple[str, str, str]]] = {}
        for t in self._cores:
            self._by_first.setdefault(t[0][:2], []).append(t)
            self._by_last.setdefault(t[0][-2:], []).append(t)
        self._boxes = {(d, re.sub(r"\s", "", m.group(0))): h for d, h in self._under
                       if (m := re.match(r"专栏\s*\d+", h))}
        self._index = {c.id: i for i, c in enumerate(chunks)}
        # "有哪几个主要问题": a list asked of a role's word (lexicon/section_roles.txt) asks for the items
        # of the plan's section of that role ("二、重点问题"), whatever the section calls it. Each
        # heading's role is read once here, not per question.
        self._asks_role = [(role, _role_asked(words)) for role, words in roles if words]
        self._role_words = {role: tuple(words) for role, words in roles if words}
        self._of_role: dict[tuple[str, str], list[str]] = {}  # (doc_id, role) → its headings
        for d, h in self._under:
            if role := section_role(roles, (h,)):
                self._of_role.setdefault((d, role), []).append(h)
        self._order = {t: n for n, t in enumerate(self._cores)}
        df: dict[str, int] = {}
        for name, _, _ in self._cores:
            for p in char_pairs(name):
                df[p] = df.get(p, 0) + 1
        self._pair_weight = {p: math.log((len(self._cores) + 1) / n) for p, n in df.items()}
        self._of_doc: dict[str, list[tuple[str, str, str]]] = {}
        for t in self._cores:
            self._of_doc.setdefault(t[1], []).append(t)

    def runs_at(self, chunk_id: str) -> list[list[tuple[int, str]]]:
        """The runs of numbered points that start in a passage (read on into the next passages of
        its section, as a long paragraph is split): '…主要表现在：一是公共卫生体系亟待完善…' →
        [[(i, '一是公共卫生体系亟待完善…；'), (j, '二是…'), …]]; [] when none starts there."""
        i = self._index.get(chunk_id)
        if i is None or not self._chunks[i].section_path:
            return []
        c = self._chunks[i]
        # The passages after it in its section and in the sections under it: a numbered point the
        # chunker read as a heading ("4.正高级专业技术人员…") opens a section of its own.
        depth = len(c.section_path)
        after = []
        for j in range(i, len(self._chunks)):
            d = self._chunks[j]
            if d.doc_id != c.doc_id or d.section_path[:depth] != c.section_path:
                break
            if d.kind == "text":
                after.append(j)
        # A passage ending in its run's lead-in ("…达到以下水平：") has the points in the next one.
        starts = {i, after[1]} if len(after) > 1 and c.text.rstrip().endswith(("：", ":")) else {i}
        return [r for r in runs([(j, self._chunks[j].text) for j in after]) if r[0][0] in starts]

    def runs_through(self, chunk_id: str) -> list[list[tuple[int, str]]]:
        """The runs of numbered points that start in an earlier passage of the section and go on in
        this one ('4.正高级…' of a list whose lead-in and first points are passages before it)."""
        i = self._index.get(chunk_id)
        return [r for r in self.runs_holding(chunk_id) if i is not None and r[0][0] < i]

    def runs_holding(self, chunk_id: str) -> list[list[tuple[int, str]]]:
        """The runs of numbered points of the passage's section with a point in this passage, wherever
        they start ('1.…；2.…' here, '3.…' and '4.…' passages the chunker read as headings of their own)."""
        i = self._index.get(chunk_id)
        if i is None or not self._chunks[i].section_path:
            return []
        c = self._chunks[i]
        # A numbered point the chunker read as a heading is a point of its parent section's run.
        base = c.section_path[:-1] if _POINT_HEADING.match(c.section_path[-1]) else c.section_path

        def within(j: int) -> bool:
            d = self._chunks[j]
            return d.doc_id == c.doc_id and d.section_path[:len(base)] == base

        start, end = i, i + 1
        while start > 0 and within(start - 1):
            start -= 1
        while end < len(self._chunks) and within(end):
            end += 1
        passages = [(j, self._chunks[j].text) for j in range(start, end) if self._chunks[j].kind == "text"]
        return [r for r in runs(passages) if any(at == i for at, _ in r)]

    def _candidates(self, q: str, tails: bool) -> list[tuple[str, str, str]]:
        """The headings whose first (or, with ``tails``, last) character pair stands in ``q``."""
        grams = char_pairs(q)
        out = {t for g in grams for t in self._by_first.get(g, ())}
        if tails:
            out |= {t for g in grams for t in self._by_last.get(g, ())}
        return sorted(out, key=self._order.__getitem__)

    def _long_headings(self, doc_ids: Sequence[str]) -> Iterator[tuple[str, str, str, list[str]]]:
        """The named plans' headings long enough to be named in other words, with their character pairs."""
        for c, d, h in (t for doc in dict.fromkeys(doc_ids) for t in self._of_doc.get(doc, ())):
            if len(c) >= LOOSE_MIN_CHARS:
                yield c, d, h, [c[i : i + 2] for i in range(len(c) - 1)]

    def _loosely_named(self, q: str, doc_ids: Sequence[str]) -> list[tuple[int, str, str]]:
        """Headings of the named plans a list question names in its own words: most of the
        heading's character pairs in the question ('在卫生健康事业发展动力增强上有哪些任务' names
        '（五）增强卫生健康事业发展动力'); only headings with items of their own."""
        grams = char_pairs(q)
        out = []
        for c, d, h, pairs in self._long_headings(doc_ids):
            share = sum(p in grams for p in pairs) / len(pairs)
            if share >= LOOSE_SHARE and len(self._match(d, h, None, True).items) >= 2:
                out.append((round(share * len(c)), d, h))
        return out or self._weighted_named(grams, doc_ids)

    def _role_named(self, question: str, doc_ids: Sequence[str]) -> list[tuple[int, str, str]]:
        """The one section of a role the question asks the items of, in each plan it names."""
        for role, asked in self._asks_role:
            if asked.search(question):
                found = []
                for d in doc_ids:
                    heads = [h for h in self._of_role.get((d, role), ()) if len(self._match(d, h, None, True).items) >= 2]
                    # Of several sections of the role in one plan ("面临的形势", "面临的挑战"), the one its
                    # surer word marks (the role's words come surest first), then the innermost.
                    if heads:
                        h = min(heads, key=lambda h: (self._role_rank(role, h), len(self._under[(d, h)])))
                        found.append((1, d, h))
                return found
        return []

    def _role_rank(self, role: str, heading: str) -> int:
        words = self._role_words[role]
        return next((i for i, w in enumerate(words) if w in heading), len(words))

    def _box_named(self, q: str, doc_ids: Sequence[str]) -> list[tuple[int, str, str]]:
        """The box of the named plans a question calls "专栏" and names in its own words: the one whose
        heading's character pairs it holds the most of, clearly ('关于中医药发展的那个专栏' → '专栏3 中医药
        传承创新工程')."""
        grams = char_pairs(q)
        scored = []
        for (doc, _), h in self._boxes.items():
            if doc in doc_ids:
                pairs = char_pairs(core(h))
                scored.append((len(pairs & grams) / max(1, len(pairs)), doc, h))
        best = _clear_best(scored)
        return [(1, *best)] if best else []

    def _weighted_named(self, grams: set[str], doc_ids: Sequence[str]) -> list[tuple[int, str, str]]:
        """The one heading of the named plans whose rarer character pairs the question holds (see
        WEIGHTED_SHARE), when no other comes close; [] otherwise."""
        scored = []
        for _, d, h, pairs in self._long_headings(doc_ids):
            total = sum(self._pair_weight[p] for p in pairs)
            if total > 0:
                scored.append((sum(self._pair_weight[p] for p in pairs if p in grams) / total, d, h))
        best = _clear_best(scored)
        return [(1, *best)] if best and len(self._match(*best, None, True).items) >= 2 else []

    def find(self, question: str, doc_ids: Sequence[str] = (), wants_list: bool = False,
             among: Collection[str] | None = None) -> SectionMatch | None:
        """The section a question names, within the plans it names (or the one plan holding that
        heading): '滨海补短板计划的重点问题中，第三条说的是啥？' → binhai's '二、重点问题', ordinal 3.
        ``among``: the plans a search may see (its filters or scope); None = all. A heading unique
        among them names its plan even when plans outside hold the same heading."""
        q = _loose(_NOISE.sub("", question))
        nth = ordinal(question)
        # A heading's ending names it only beside an ordinal ("面临的问题…第三个"): alone, a tail like
        # "社区卫生服务中心" is just a topic many headings end with.
        named = [(n, d, h) for c, d, h in self._candidates(q, tails=nth is not None)
                 if (not doc_ids or d in doc_ids) and (among is None or d in among)
                 and (n := len(c) if c in q else _tail(c, q) if nth else 0)]
        for m in re.finditer(r"专栏(\d+)(?!\d)", q):
            for d in doc_ids:
                h = self._boxes.get((d, f"专栏{m.group(1)}"))
                if h:
                    named.append((len(core(h)) + 1, d, h))
        if not named and doc_ids and "专栏" in q:
            named = self._box_named(q, doc_ids)
        if not named and doc_ids and wants_list:
            named = self._role_named(question, doc_ids) or self._loosely_named(q, doc_ids)
        if not named:
            return None
        best = max(n for n, _, _ in named)
        top = {(d, h) for n, d, h in named if n == best}
        if len({d for d, _ in top}) != 1:
            return None  # the same heading in several plans and none named: not a structural question
        doc_id, heading = min(top, key=lambda t: len(self._under[t]))  # the innermost of equal names
        at = ORDINAL.search(q)
        named_at = q.find(_loose(core(heading)))
        if named_at < 0:  # named by its ending
            named_at = q.find(_loose(core(heading))[-best:])
        if at and (at.group(0) in heading or (nth is not None and wants_list and at.end() <= named_at)):
            # "第五部分的重点项目有哪几个": an ordinal before the heading, or one the heading itself
            # holds ("第四部分…重点任务"), locates the heading; the question wants all of its items.
            nth = None
        return self._match(doc_id, heading, nth, wants_list)

    def listing(self, text: str, doc_ids: Sequence[str] = (), least: int = 2) -> SectionMatch | None:
        """The section whose items a text names by their headings, ``least`` of them or more: '包括（一）
        夯实基层医疗卫生服务基础、（二）提升卫生健康信息化水平…' → binhai's '三、主要任务'. None when
        the headings named belong to no one section (or to the same heading in several plans)."""
        q = _loose(_NOISE.sub("", text))
        parents: dict[tuple[str, str], int] = {}
        for c, d, h in self._candidates(q, tails=False):  # a heading inside q has its first pair in q
            if (doc_ids and d not in doc_ids) or len(c) < LISTED_CORE_CHARS or c not in q:
                continue
            path = self._chunks[self._under[(d, h)][0]].section_path
            at = path.index(h)
            if at > 0:
                parents[(d, path[at - 1])] = parents.get((d, path[at - 1]), 0) + 1
        if not parents:
            return None
        most = max(parents.values())
        best = [k for k, n in parents.items() if n == most]
        return self._match(*best[0], None, True) if most >= least and len(best) == 1 else None

    def _match(self, doc_id: str, heading: str, nth: int | None, wants_list: bool) -> SectionMatch:
        m = self._items(doc_id, heading, None if nth == LAST else nth, wants_list)
        return replace(m, ordinal=len(m.items) or None) if nth == LAST else m

    def _items(self, doc_id: str, heading: str, nth: int | None, wants_list: bool) -> SectionMatch:
        idx = self._under[(doc_id, heading)]
        items: dict[str, list[int]] = {}
        for i in idx:
            path = self._chunks[i].section_path
            at = path.index(heading)
            if at + 1 < len(path):
                items.setdefault(path[at + 1], []).append(i)
        ids = tuple(self._chunks[i].id for i in idx)
        if items and heading.startswith("专栏"):
            # A box lists one project a line ("城市医疗集团建设。配合…"); a passage holding two lines
            # was given only its first line's name, so the lines themselves are the items.
            lines = leads([(i, self._chunks[i].text) for i in idx if self._chunks[i].kind == "text"], heading)
            if len(lines) > len(items):
                return SectionMatch(doc_id, heading, tuple((label, (i,)) for i, label in lines),
                                    tuple(idx), nth, wants_list, enumerated=True, chunk_ids=ids)
        if items:
            return SectionMatch(doc_id, heading, tuple((h, tuple(v)) for h, v in items.items()), tuple(idx),
                                nth, wants_list, chunk_ids=ids)
        points = enumerated([(i, self._chunks[i].text) for i in idx]) or leads(
            [(i, self._chunks[i].text) for i in idx if self._chunks[i].kind == "text"], heading)
        return SectionMatch(doc_id, heading, tuple((label, (i,)) for i, label in points), tuple(idx), nth,
                            wants_list, enumerated=bool(points), chunk_ids=ids)
