"""The answer path's tuned numbers, from ``assistant/params.toml`` (each documented there with the
command that set it): one file, read once, checked on load.

    load_params().gate.min_coverage → 0.1
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TypeVar

from vectorstore.errors import ConfigError

PARAMS_FILE = Path(__file__).with_name("params.toml")


@dataclass(frozen=True)
class GateParams:
    min_coverage: float
    coverage_passages: int
    absent_weight: float
    agree_rank: int
    single_char_weight: float
    about_share: float
    description_chars: int
    meaning_standout: float
    meaning_close: float
    mention_far: float
    mention_far_rank: int
    trust_llm_refusal_below: float
    nearby: int


@dataclass(frozen=True)
class RetrieveParams:
    best_row_ratio: float


@dataclass(frozen=True)
class FollowUpParams:
    alone_chars: int
    shared_idf: float


@dataclass(frozen=True)
class QuoteParams:
    rank_prior: float
    rank_prior_compared: float
    agreed_prior: float
    no_figure: float
    lead_in: float
    per_doc_ratio: float
    prose_ratio: float
    second_ratio: float
    second_ratio_same: float
    same_passage_sentences: int
    support_boost: float
    row_preference: float
    tense_match: float
    tense_mismatch: float
    row_without_past: float
    situation_weight: float
    pointed_weight: float
    plan_name_weight: float
    row_unnamed: float
    how_row: float
    count_named: float
    told: float
    told_beside: float
    referent: float
    referent_told: float
    preferred_lead: float
    quoted: float
    meaning_far_rank: int
    meaning_far: float


@dataclass(frozen=True)
class LLMParams:
    local_context_chars: int
    local_sentences: int
    local_min_ratio: float
    llm_passages: int
    llm_passage_chars: int
    agree_share: float
    verbatim_share: float


@dataclass(frozen=True)
class JudgeParams:
    decline_below: float
    answer_above: float
    answered_below: float
    answered_coverage: float
    choice_coverage: float
    choice_sentences: int
    choice_margin: float
    passages: int
    sentences: int
    chars: int


@dataclass(frozen=True)
class AnswerParams:
    gate: GateParams
    retrieve: RetrieveParams
    quote: QuoteParams
    llm: LLMParams
    follow_up: FollowUpParams
    judge: JudgeParams


T = TypeVar("T")
TABLES = ("gate", "retrieve", "follow_up", "quote", "llm", "judge")


def _section(cls: type[T], raw: dict[str, Any], name: str, path: Path) -> T:
    table = raw.get(name)
    if not isinstance(table, dict):
        raise ConfigError(f"{path.name}: no [{name}] table; restore it from git")
    want = {f.name: f.type for f in fields(cls)}  # type: ignore[arg-type]
    extra = sorted(set(raw) - set(TABLES))
    if extra:
        raise ConfigError(f"{path.name}: unknown table(s) {', '.join(extra)}: use {', '.join(TABLES)}")
    unknown = sorted(set(table) - set(want))
    missing = sorted(set(want) - set(table))
    if unknown or missing:
        raise ConfigError(f"{path.name} [{name}]: " + "; ".join(
            ([f"unknown key(s) {', '.join(unknown)}"] if unknown else []) +
            ([f"missing key(s) {', '.join(missing)}"] if missing else [])))
    for key, kind in want.items():
        value = table[key]
        ok = isinstance(value, int) and not isinstance(value, bool) if kind == "int" else \
            isinstance(value, (int, float)) and not isinstance(value, bool)
        if not ok or value < 0:
            raise ConfigError(f"{path.name} [{name}] {key} = {value!r}: must be a non-negative "
                              f"{'whole number' if kind == 'int' else 'number'}")
    return cls(**{k: (float(v) if want[k] == "float" else v) for k, v in table.items()})


@functools.cache
def load_params(path: Path = PARAMS_FILE) -> AnswerParams:
    """The tuned numbers (ConfigError naming the key when the file is wrong)."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    return AnswerParams(_section(GateParams, raw, "gate", path), _section(RetrieveParams, raw, "retrieve", path),
                        _section(QuoteParams, raw, "quote", path), _section(LLMParams, raw, "llm", path),
                        _section(FollowUpParams, raw, "follow_up", path), _section(JudgeParams, raw, "judge", path))
