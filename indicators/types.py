"""The indicator store's own types: one `Indicator` per table row (or target sentence), its values verbatim."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Origin(StrEnum):
    TABLE = "table"  # a row of a plan's indicator table
    TEXT = "text"  # a target stated in running text ("到2025年，…达到90%")


class Attribute(StrEnum):
    EXPECTED = "预期性"
    BINDING = "约束性"
    NONE = ""


class Role(StrEnum):
    BASELINE = "baseline"  # a year before the plan's period (2020 for a 2021-2025 plan)
    TARGET = "target"  # the period's last year, or a column labelled 目标
    OTHER = "other"


class Op(StrEnum):
    EQ = "="
    GE = "≥"
    LE = "≤"
    GT = ">"
    LT = "<"
    APPROX = "≈"


@dataclass(frozen=True)
class Comparison:
    """What a value cell says as a comparison: '≥80岁' → (≥, 80.0, 岁); '27%左右' → (≈, 27.0, %)."""

    op: Op
    number: float
    unit: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"op": self.op.value, "number": self.number, "unit": self.unit}


@dataclass(frozen=True)
class Value:
    """One value cell: its column's label and year, the text as the plan shows it, as the export wrote
    it (Word's '01:00.9' for 1:0.9), and the comparison it states, when it states one."""

    label: str  # the column header as written ("2025年目标"), or "目标" for a sentence's target
    year: int | None
    role: Role
    text: str
    original: str
    comparison: Comparison | None = None

    @property
    def blank(self) -> bool:
        """The table leaves it open: an empty cell or a dash ('——')."""
        return not self.text.strip("—-－ ")

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label, "year": self.year, "role": self.role.value, "text": self.text,
            "original": self.original, "blank": self.blank,
            "comparison": self.comparison.as_dict() if self.comparison else None,
        }


@dataclass(frozen=True)
class Indicator:
    """One indicator of one plan, with where it stands so an answer can cite it."""

    id: str
    doc_id: str
    origin: Origin
    caption: str  # the table's caption, or the section a sentence stands in
    category: str  # 领域 / 指标类别, carried down merged cells; "" when the table has none
    name: str  # as written: "人均期望寿命（岁）"
    norm: str  # units and qualifiers stripped: "人均期望寿命"
    key: str  # the same indicator across plans: "人均预期寿命"
    unit: str
    values: tuple[Value, ...]
    attribute: Attribute
    chunk_id: str  # the row's passage, or the passage holding the sentence
    position: int  # order within the plan
    sentence: str = ""  # a text target's sentence, verbatim

    def value(self, role: Role | None = None, year: int | None = None) -> Value | None:
        """The value of a year, else of a role: (year=2020) → the 2020 column's Value."""
        for v in self.values:
            if (year is not None and v.year == year) or (year is None and role is not None and v.role == role):
                return v
        return None

    @property
    def target(self) -> Value | None:
        return self.value(Role.TARGET)

    @property
    def baseline(self) -> Value | None:
        return self.value(Role.BASELINE)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "doc_id": self.doc_id, "origin": self.origin.value, "caption": self.caption,
            "category": self.category, "name": self.name, "norm": self.norm, "key": self.key,
            "unit": self.unit, "values": [v.as_dict() for v in self.values],
            "attribute": self.attribute.value, "chunk_id": self.chunk_id, "position": self.position,
            "sentence": self.sentence,
        }

    def values_json(self) -> str:
        return json.dumps([v.as_dict() for v in self.values], ensure_ascii=False)


@dataclass(frozen=True)
class Unparsed:
    """A table row that could not be read as an indicator; kept as text and listed in the ingest report."""

    doc_id: str
    chunk_id: str
    text: str
    reason: str
