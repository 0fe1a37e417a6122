"""The default scope: the plans a question that names none is answered from.

A province-wide index holds hundreds of district plans; a staff member of one district asking
"每千人口床位数目标是多少？" means their own plans, not the 500 near-identical tables beside them. A
deployment (PLANQA_DEFAULT_SCOPE) or one request (``scope`` in the API) names those plans by id or by
place; a question that names a plan, or inherits one from the previous turn, is answered from that
plan whatever the scope, and explicit filters always win.

    resolve(("东丽区", "tianjin-primary"), build.docs) → Filters(doc_ids=("dongli", "tianjin-primary"))
    applied(scope, None, qa_naming_no_plan) → scope;  applied(scope, None, qa_naming_dongli) → None
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from question.analysis import QuestionAnalysis
from vectorstore.errors import ConfigError
from vectorstore.index import DocRecord
from vectorstore.retrieve import Filters

_SEPARATORS = re.compile(r"[,，、;；\s]+")


class ScopeError(ConfigError):
    """A scope value names no plan of the index."""


def parse(value: str) -> tuple[str, ...]:
    """'东丽区, tianjin-primary' → ('东丽区', 'tianjin-primary'); commas, 、, ; or blanks separate."""
    return tuple(v for v in _SEPARATORS.split(value.strip()) if v)


def _names(rec: DocRecord) -> set[str]:
    m = rec.meta
    return {n for n in (m.doc_id, m.title, m.province, m.city, m.district, *m.aliases) if n}


def resolve(values: Iterable[str], docs: Mapping[str, DocRecord], source: str = "PLANQA_DEFAULT_SCOPE") -> Filters | None:
    """The plans the values name (a plan id, or a province, city, district, title or alias of the
    manifest); None for no values. A value naming no plan is a ScopeError that lists the ids."""
    wanted = [v.strip() for v in values if v.strip()]
    if not wanted:
        return None
    ids: list[str] = []
    for v in wanted:
        hit = [d for d, rec in docs.items() if v in _names(rec)]
        if not hit:
            known = "、".join(f"{d}（{rec.meta.region or rec.meta.title}）" for d, rec in sorted(docs.items())[:12])
            more = f" 等 {len(docs)} 个" if len(docs) > 12 else ""
            raise ScopeError(f"{source}: {v!r} 不是索引中任何规划的编号或地名（省、市、区、别名）；"
                             f"可用的规划编号：{known}{more}（GET /v1/documents 或 `planqa docs` 列出全部）。"
                             f"{v!r} names no plan of the index; use a plan id or one of its place names")
        ids += [d for d in hit if d not in ids]
    return Filters(doc_ids=tuple(ids))


def requested(values: Iterable[str] | None, docs: Mapping[str, DocRecord], source: str) -> Filters | None:
    """A request's own scope: None keeps the deployment's, no values is every plan (``Filters()``)."""
    if values is None:
        return None
    return resolve(values, docs, source) or Filters()


def applied(scope: Filters | None, filters: Filters | None, qa: QuestionAnalysis) -> Filters | None:
    """The filters one question is searched with: the request's own when it has any, else the scope
    when the question names no plan, else none (the plans it names route the search)."""
    if filters is not None and not filters.empty:
        return filters
    return scope if scope is not None and not scope.empty and not qa.plans else None
