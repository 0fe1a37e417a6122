"""One analysis of a user's message, made once before retrieval and read by every later stage.

    QuestionAnalysis(message="冬丽区有没有提到献血屋？", ask="东丽区有没有提到献血屋？", …)
    .intent → Intent.MENTION, .plans → ("dongli",), .topic → "献血屋"
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from question.demands import Demand
from question.places import Correction
from vectorstore.query import QueryInfo

Message = Mapping[str, str]


class Intent(enum.StrEnum):
    """What kind of answer a question wants."""

    FIGURE = "figure"  # a number or target ("…达到多少？")
    COMPARE = "compare"  # a figure across several plans
    LIST = "list"  # every item of an enumeration
    MENTION = "mention"  # whether the plans mention something ("有没有提到…")
    RESPONSIBILITY = "responsibility"  # who is in charge
    TIME = "time"  # when
    HOW = "how"  # what will be done ("…具体怎么做？"): measures in the prose, not a table's target
    OPEN = "open"  # anything else: the best passage


class DocFact(enum.StrEnum):
    """A fact of the plan document itself, from its front matter (question/document.py)."""

    DATE = "date"  # when it was issued
    NUMBER = "number"  # its document number ("津滨政办发〔2021〕7号")
    ADDRESSEES = "addressees"  # whom it was sent to
    SIGNER = "signer"  # the office that issued it


@dataclass(frozen=True)
class QuestionAnalysis:
    """A message as every stage reads it (see ``assistant/understand.py`` for how it is made)."""

    message: str  # as the user typed it
    ask: str  # plan names spelled as the plans do, the asking sentences apart from the situation
    standalone: str  # the ask with a follow-up's missing plan or subject filled in: what is searched
    info: QueryInfo  # plans named, synonym expansions, years, figure-or-not, tense (of ``standalone``)
    intent: Intent
    demands: tuple[Demand, ...] = ()  # the figures it asks for, each of a kind (question/demands.py)
    amount_asked: bool = False  # asks how much / how many (a figure), not only which or what
    topic: str = ""  # what a "有没有提到…" question asks about
    topic_words: tuple[str, ...] = ()  # its content words ('献血屋' → ('献血', …)), read once
    corrections: tuple[Correction, ...] = ()  # misspelled plan names read as the plans' own
    history: tuple[Message, ...] = ()  # earlier turns, plan names respelled
    situation: str = ""  # what the writer told before asking ("我爸前年脑梗…"), '' for a bare question
    pointed: str = ""  # the situation's sentence the ask points back at ("…怕是得了尘肺。"), searched with it
    facilities: tuple[str, ...] = ()  # facilities named after a plan's place that the plans write ("东丽医院")
    carried: str = ""  # a follow-up's previous question, read as its context ("…核酸检测采样队伍组建起来了吗？")
    list_sizes: tuple[int, ...] = ()  # a list question's own count of its items ("一共九条" → (9,)), 3 or more
    # topic_words without an empty head noun ("地方" of "能让老人歇脚的地方"), what a mention is judged by
    topic_named: tuple[str, ...] = ()
    list_heads: tuple[str, ...] = ()  # what a list question counts without a number ("几大能力" → ("能力",))
    member_heads: tuple[str, ...] = ()  # the noun a "which ones" question asks the members of ("哪几个区" → ("区",))
    list_words: tuple[str, ...] = ()  # a list question's words of two or more characters, any a plan may count
    part: str = ""  # the part of a whole asked about ("其中中医床位有几张" → "中医床位有几张"), '' if it names none
    told: str = ""  # the previous answer, when a follow-up asks for what it did not give ("还有别的吗？")
    referent: str = ""  # the previous answer, when a follow-up points at what it named ("这件事由谁负责？")
    document: tuple[DocFact, ...] = ()  # facts of the plan document itself asked ("此计划几号印发？")

    @property
    def context(self) -> str:
        """What the message is read with besides its ask: the situation told, the question continued."""
        return f"{self.carried}{self.situation}"

    @property
    def plans(self) -> tuple[str, ...]:
        return self.info.doc_ids

    @property
    def years(self) -> tuple[str, ...]:
        return self.info.years

    @property
    def several_plans(self) -> bool:
        """No single plan named, so a figure may differ by plan."""
        return len(self.info.doc_ids) != 1

    @property
    def follow_up(self) -> bool:
        return bool(self.history)

    @property
    def notes(self) -> tuple[str, ...]:
        """What the reader is told about how the message was read ('已按“东丽区”理解“冬丽区”。')."""
        return tuple(c.note for c in self.corrections)


def intent_of(info: QueryInfo, topic: str) -> Intent:
    """The intent, from the analysis of the words: a mention cue wins, then what the words ask
    ('谁负责' → RESPONSIBILITY), then a figure (COMPARE when no single plan is named)."""
    if topic:
        return Intent.MENTION
    if info.asks:
        return Intent(info.asks)
    if info.indicator:
        return Intent.FIGURE if len(info.doc_ids) == 1 else Intent.COMPARE
    return Intent.OPEN

