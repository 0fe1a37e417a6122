"""The sentences of a message that ask, separated from the situation the writer tells first.

"我母亲七十多了，一直有高血压，每次去大医院排队很累。想问下我们东丽区规划里对社区医院有什么打算？"
asks only its last sentence; searched whole, "高血压" and "大医院" outweigh "社区医院" and the answer
quotes a passage about what the writer only mentioned. So a message of several sentences is
reduced to its asking sentences (those with a question mark, or, when none has one, those with an
ask cue from ``lexicon/ask_cues.txt``), with the plan names the situation gave ("我是东丽的…") kept in front. An
ask too short to carry its topic ("有这方面的安排吗？") keeps the sentence before it.

    split_ask("我是东丽的，常去献血。规划里献血点有什么安排吗？", cues, names)
    → Ask(ask="东丽 规划里献血点有什么安排吗？", situation="我是东丽的，常去献血。")
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;\n]*")
_CLAUSE = re.compile(r"[^，,]+[，,]*")
# A clause saying who or where the writer is ("我是…的护士", "我在…上班", "我家住…"), not what troubles them
# ("我家老人…" names what is asked about).
_SELF = re.compile(r"(?:我|俺)们?(?:是|在|住|家住)")
_QUESTION_MARK = re.compile(r"[？?]")
# Words that ask what, how much, who, when…; "吗", "是否", "有没有" ask only whether.
ASKS_WHAT = re.compile(r"多少|什么|啥|咋|哪|谁|怎么|如何|几")
# An ask shorter than this (in Chinese characters, plan names aside) rarely names its topic.
MIN_ASK_CHARS = 10
_FIRST_PERSON = re.compile(r"(?:我|俺|咱|家里|家中)")


@dataclass(frozen=True)
class Ask:
    ask: str  # what is searched and answered
    situation: str = ""  # what the writer told before (empty when the message is only a question)
    pointed: str = ""  # the sentence of the situation the ask points back at ("这类病人"), kept in the ask

    @property
    def focused(self) -> bool:
        return bool(self.situation)


def _chinese(text: str) -> int:
    return sum("\u4e00" <= ch <= "\u9fff" for ch in text)


def nothing_to_ask(text: str) -> bool:
    """Whether a message holds nothing the Chinese plans can be searched for: only punctuation,
    emoji or a language the plans are not written in ('？？？', 'What is the target?' → True)."""
    return _chinese(text) == 0


_YES_NO = re.compile(r"([\u4e00-\u9fff])[没不]\1")


def without_yes_no(text: str) -> str:
    """The question with its A-not-A form taken out: '东丽有没有献血屋' → '东丽 献血屋' (its 没有 is no topic word)."""
    return _YES_NO.sub(" ", text)


def _told_first(text: str, cues: Sequence[str]) -> list[str]:
    """A one-sentence message opening with clauses saying who the writer is, as those clauses and the rest ('我是甲医院
    的护士，科里要组一支队伍，这支队伍要多少人？' → ['我是甲医院的护士，', '科里要组…多少人？']), else whole."""
    clauses = [c for c in (m.group(0).strip() for m in _CLAUSE.finditer(text.strip())) if c]
    told = 0
    while told < len(clauses) - 1 and _SELF.match(clauses[told]) and not ASKS_WHAT.search(clauses[told]) \
            and not any(c in clauses[told] for c in cues):
        told += 1
    if not told:
        return [text.strip()]
    return ["".join(clauses[:told]), "".join(clauses[told:])]


def split_ask(text: str, cues: Sequence[str], names: Sequence[str] = (), pointing: Sequence[str] = (),
              aliases: Sequence[str] = (), *, points_back: bool = False) -> Ask:
    """The message's asking sentences and its situation (see the module docstring). A name inside a
    longer alias the situation writes ("天津" of an area named "某某天津生态城") is the alias's, not carried.
    ``points_back``: the ask is about the sentence before it, whatever words it writes."""
    sentences = [s for s in (m.group(0).strip() for m in _SENTENCE.finditer(text)) if s]
    if len(sentences) < 2:
        sentences = _told_first(text, cues)
    if len(sentences) < 2:
        return Ask(text.strip())
    # A sentence ending in a question mark asks; when one does, the others tell the situation even
    # if they hold a cue word ("村里好几个姐妹都查出了…。" holds "几个" and asks nothing).
    asking = [i for i, s in enumerate(sentences) if _QUESTION_MARK.search(s)] or [
        i for i, s in enumerate(sentences) if any(c in s for c in cues)]
    if not asking or len(asking) == len(sentences):
        return Ask(text.strip())
    # What follows the first asking sentence elaborates it ("比如单独的窗口…", "规划里有个数吗"): the
    # situation is what the writer tells before asking.
    first = asking[0]
    # A sentence after the question telling of the writer ("我爸瘫在床上好几年了…") is situation too.
    keep = {i for i in range(first, len(sentences))
            if i in asking or not _FIRST_PERSON.match(sentences[i]) or any(c in sentences[i] for c in cues)}
    if len(keep) == len(sentences):
        return Ask(text.strip())
    bare = "".join(sentences[i] for i in sorted(keep))
    for n in names:
        bare = bare.replace(n, "")
    pointed = ""
    if _chinese(bare) < MIN_ASK_CHARS and first > 0:
        keep.add(first - 1)
    elif first > 0 and (points_back or any(w in bare for w in pointing)):
        # "规划里对这类病人有什么帮扶？": the kind of patient is named in the sentence before.
        keep.add(first - 1)
        pointed = sentences[first - 1]
    ask = "".join(sentences[i] for i in sorted(keep))
    situation = "".join(s for i, s in enumerate(sentences) if i not in keep)
    said = situation
    for alias in sorted((a for a in aliases if a in situation), key=len, reverse=True):
        if any(n in alias and n != alias for n in names):
            said = said.replace(alias, "、")
    carried = [n for n in names if n in said and n not in ask]
    # Longest first, and none inside another ("东丽区" carries "东丽").
    carried = [n for n in sorted(carried, key=len, reverse=True)]
    kept: list[str] = []
    for n in carried:
        if not any(n in k for k in kept):
            kept.append(n)
    return Ask((" ".join(kept) + " " if kept else "") + ask, situation, pointed)


def asked_part(question: str) -> str:
    """The part of a whole a question asks about: '那其中中医床位有几张？' → '中医床位有几张？';
    '' when it asks for no part."""
    _, sep, part = question.rpartition("其中")
    return part.strip("，, ") if sep and len(part.strip("，,。？? ")) >= 2 else ""


_EXCEPTED = re.compile(r"除了[^，,。；;？?！!]{1,20}?(?:之外|以外|外)?[，,]")


def without_excepted(question: str) -> str:
    """A question without what it sets aside ("除了…，"): what it asks for is what follows.
    '除了这三项，还要做到哪几条？' → '还要做到哪几条？'."""
    return _EXCEPTED.sub("", question)
