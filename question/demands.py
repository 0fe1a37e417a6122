"""What a question asks for, read from its wording: its *demands*, each a figure of a kind (money,
beds, days, minutes, a count in a measure word, a rate or figure of a named indicator). The gate
(assistant/answerable.py) then needs one sentence or table row that meets each.

    demands("滨海新区妇女儿童医院建成后设多少张床位？总投资多少？") → [Demand(money), Demand(beds)]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_NUM = r"\d[\d.,，]*\s*"
# Words that mark the end of the part of a question before an indicator ("东丽到2025年孕产妇系统管理率").
_BOUNDARY = re.compile(r".*(?:年|区|县|市|里|的|到|在|将|要|和|与|、|中|内|上|下|全|其|本|该|各|对|规划|计划)")
_ASKS_AMOUNT = re.compile(r"多少|几|多大|多高|多长|目标|达到|控制在|降到|降至|提高到|提升到|增加到|为多|是多")


@dataclass(frozen=True)
class Demand:
    """One thing the question asks for: a figure of a kind, maybe of a named indicator."""

    kind: str  # money | beds | days | distance | age | minutes | phone | address | hours | procedure | rate | count | figure
    evidence: re.Pattern[str]  # what a sentence must contain to meet it
    term: str = ""  # the indicator it belongs to ("剖宫产率"), '' when the kind says enough


_KINDS: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    ("money", re.compile(r"多少钱|投资多少|总投资|投资额|预算|资金.{0,4}多少|多少.{0,3}资金|经费.{0,4}多少|"
                         r"补助标准|补贴标准|多少元|花多少|投入多少|几亿|几千万|多少万|多少.{0,4}(?:经费|资金|补助|补贴)"),
     re.compile(_NUM + r"(?:万|亿)?元|" + _NUM + r"(?:万|亿)(?!人|名|户|例|次)|[（(](?:万|亿)?元[）)][^。；]{0,12}\d")),
    ("beds", re.compile(r"多少张|几张|床位数?(?:目标)?.{0,4}(?:多少|几)|(?:多少|几).{0,4}床"),
     re.compile(_NUM + r"张|[（(]张[）)][^。；]{0,12}\d")),
    ("days", re.compile(r"几天|多少天|住院日|天数"),
     re.compile(_NUM + r"(?:天|日)(?!内完成)|住院日[^。；]{0,8}\d")),
    ("distance", re.compile(r"多远|几公里|多少公里|多少米|几里路|多少里"),
     re.compile(_NUM + r"(?:公里|千米|米|km)|[（(](?:公里|千米|米)[）)][^。；]{0,12}\d")),
    # From what age ("多大岁数的人…", "几岁以下的孩子…"), not how long ("平均能活到多少岁": an indicator).
    ("age", re.compile(r"(?:多大岁数|多少岁|(?<!哪)几岁|多大年纪|多大年龄)(?:以上|以下|及以上|的|起|开始)|年龄(?:是|要|在)?多少"),
     re.compile(_NUM + r"(?:周)?岁|[（(]岁[）)][^。；]{0,40}\d")),
    ("minutes", re.compile(r"几分钟|多少分钟|多长时间|多久(?:能|可以|就|才|会)?(?:到|赶到|赶来|来|到达)"),
     re.compile(_NUM + r"分钟")),
    # Practical details a citizen asks and a plan never states: a phone number, an address or
    # route, opening hours. Met only by the detail itself, not by a passage naming the place.
    ("phone", re.compile(r"电话(?:号码)?是多少|电话多少|电话号码|热线(?:号码)?是多少|联系电话|联系方式|号码是多少|"
                         r"打哪个电话|电话是几"),
     re.compile(r"(?:电话|热线)[^。；]{0,8}\d{3,}|(?<!\d)\d{3,4}[-－]\d{7,8}(?!\d)")),
    ("address", re.compile(r"地址|在哪条路|在哪条街|坐几路|几路车|几路公交|坐公交|乘公交"),
     re.compile(r"\d+号|(?:公交|地铁)[^。；]{0,6}\d+(?:路|号线)|\d+路(?:车|公交)")),
    ("hours", re.compile(r"(?<!哪)几点(?:钟|开|关|到|上班|下班|营业|停|以后|之前)|开门时间|营业时间|门诊时间|上班时间|开放时间"),
     re.compile(r"\d{1,2}\s*[:：]\s*\d{2}|\d{1,2}(?:点|时)(?:至|到|-|—)|24小时")),
    # How to get something done (where to apply, what to bring): an office's procedure, which a
    # plan states only where it says where or how one applies.
    ("procedure", re.compile(r"(?:去|到|在)哪(?:里|儿|个部门)?(?:办|申请|领)|(?:怎么|如何|怎样)(?:办理|申请|领取)|"
                             r"办理(?:流程|手续|程序)|(?:带|准备|提交|需要)(?:哪些|什么)(?:材料|证件|手续)|要什么手续"),
     re.compile(r"(?:携带|提交|凭)[^。；]{0,20}(?:证|材料|卡)|办理(?:地点|窗口)|窗口[^。；]{0,6}办理|"
                r"通过[^。；]{0,20}(?:平台|网站|窗口|客户端|小程序|APP)[^。；]{0,20}(?:申请|办理|预约)")),
    ("count", re.compile(r"(?:多少|(?<!哪)几)(?:个|家|所|名|人|支|台|辆|项|座|间|户|例|批|处)"),
     re.compile(r"\d|[一二两三四五六七八九十百千万]+(?:个|家|所|名|人|支|台|辆|项|座|间|户|例|批|处)")),
)
_PER_CAPITA = re.compile(r"每(?:一)?(?:[十百千万]|十万)")
_COUNT_WORD = re.compile(r"(?:多少|(?<!哪)几)(个|家|所|名|人|支|台|辆|项|座|间|户|例|批|处|种|张)")


def count_evidence(measure: str, groups: Sequence[Sequence[str]]) -> re.Pattern[str]:
    """A figure counted in the measure word asked or one interchangeable with it ('家' → 家|所|个…),
    in the text or in a table's header: '3-4家社区医院', '（个）…36'."""
    words = sorted({w for g in groups if measure in g for w in g} | {measure}, key=len, reverse=True)
    mw = "|".join(map(re.escape, words))
    return re.compile(rf"\d[\d.\-~～至]*\s*(?:万|千|余|多)?(?:{mw})|[一二两三四五六七八九十百千万]+(?:{mw})|"
                      rf"[（(](?:{mw})[）)][^。；]{{0,40}}\d")
_RATE_EVIDENCE = re.compile(_NUM + r"(?:%|％|‰)|/(?:10|十)?万|百分之|千分之|\d\s*[:：]\s*\d|"
                            r"[（(][^）)]{0,8}(?:%|％|‰|万)[）)][^。；]{0,40}\d")
_FIGURE_EVIDENCE = re.compile(r"\d")
_ASKING = re.compile(r"多大|多少|几")  # "多大岁数" is a question, not an indicator's name
_SHARE = re.compile(r"占比|比例|百分比|百分之几|百分之多少|几成")
_REQUIRED = re.compile(r"(?:有|定|提)(?:没有|了)?(?:什么)?要求|要求(?:是|多|达)")


def _indicator_terms(question: str) -> list[str]:
    """'东丽到2025年孕产妇系统管理率要达到多少' → ['孕产妇系统管理率']; indicators end in 率 or 数."""
    out = []
    for m in re.finditer(r"[\u4e00-\u9fff]{1,14}?(?:率|[^多少次]数|住院日)(?=[^\u4e00-\u9fff]|目标|是|要|达|为|有|定|设|订|"
                         r"多少|的|在|应|将|控制|到|提高|降|$)", question):
        term = _BOUNDARY.sub("", m.group(0))
        if len(term) >= 2 and term not in ("人数", "总数", "个数", "次数") and not _ASKING.search(term):
            out.append(term)
    return out


def demands(question: str, names: Sequence[str] = (), measures: Sequence[Sequence[str]] = ()) -> list[Demand]:
    """What a question asks for: '滨海新区妇女儿童医院建成后设多少张床位？总投资多少？' → [money, beds];
    '孕产妇系统管理率要保持在多少以上？' → [rate of 孕产妇系统管理率]; a question asking for no amount → []."""
    q = question.replace(" ", "")
    for n in names:  # plan names end where an indicator's name begins ("埇桥产妇死亡率")
        q = q.replace(n, "的")
    out = [Demand(kind, ev) for kind, ask, ev in _KINDS if ask.search(q)]
    counted = _COUNT_WORD.search(q)
    if counted and (_PER_CAPITA.search(q) or q[counted.end():counted.end() + 3] == "百分点"):
        counted = None  # "每千人几个医生" asks a ratio, "几个百分点" a rate: any figure counts
    if counted and measures:  # "多少家" needs a figure in 家 (or 所, 个…), not any digit
        out = [d for d in out if d.kind != "count"]
        if counted.group(1) != "张" or not any(d.kind == "beds" for d in out):
            out.append(Demand("count", count_evidence(counted.group(1), measures)))
    if _SHARE.search(q) and (_ASKS_AMOUNT.search(q) or _REQUIRED.search(q)) and \
            not any(d.kind in ("rate", "count") for d in out):
        # "…读过研的占比有要求吗": a share asked for names no indicator a plan would write.
        out.append(Demand("rate", _RATE_EVIDENCE))
    if not _ASKS_AMOUNT.search(q):
        return out
    for term in _indicator_terms(q):
        if term.endswith("率"):
            out.append(Demand("rate", _RATE_EVIDENCE, term))
        elif not any(d.kind in ("beds", "days", "money") for d in out):
            out.append(Demand("figure", _FIGURE_EVIDENCE, term))
    return out
