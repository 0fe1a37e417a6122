"""An indicator table's category or attribute asked for: every row of it, each cited."""

from __future__ import annotations

from pathlib import Path

from assistant.tablelist import compose_list, row_line, rows_asked
from vectorstore.types import Chunk

CAPTION = "主要指标"


def _row(i: int, text: str) -> Chunk:
    return Chunk(id=f"r{i}", doc_id="demo", section_path=("发展目标",), text=f"{CAPTION}｜{text}",
                 kind="table_row", meta={"caption": CAPTION, "title": "演示区规划"})


ROWS = [
    _row(1, "健康水平和健康保障｜人均预期寿命｜2025年目标：≥80岁｜指标性质：预期性"),
    _row(2, "健康水平和健康保障｜孕产妇死亡率｜2025年目标：≤15/10万｜指标性质：约束性"),
    _row(3, "医疗卫生服务体系｜每千常住人口床位数｜2025年目标：≥6.0｜指标性质：预期性"),
    _row(4, "医疗卫生服务体系｜每万人口全科医生数｜2025年目标：≥4.6｜指标性质：约束性"),
]


def test_every_row_of_an_attribute_is_listed() -> None:
    found = rows_asked("演示区有哪些指标是约束性的？", ROWS)
    assert found is not None and [r.id for r in found.rows] == ["r2", "r4"]
    text, rows = compose_list(found, "演示区")
    assert text.splitlines()[1] == "- 健康水平和健康保障·孕产妇死亡率：2025年目标 ≤15/10万，指标性质 约束性[1]"
    assert "[2]" in text.splitlines()[2] and len(rows) == 2


def test_a_category_is_found_by_either_half_of_a_merged_cell() -> None:
    found = rows_asked("“健康保障”这一类包括哪些指标？", ROWS)
    assert found is not None and [r.id for r in found.rows] == ["r1", "r2"]
    found = rows_asked("医疗卫生服务体系类的指标都有什么", ROWS)
    assert found is not None and [r.id for r in found.rows] == ["r3", "r4"]


def test_questions_about_one_indicator_are_not_lists() -> None:
    assert rows_asked("孕产妇死亡率的目标是多少？", ROWS) is None
    assert rows_asked("哪些指标是强制性的？", ROWS) is None
    assert row_line(ROWS[2]) == "医疗卫生服务体系·每千常住人口床位数：2025年目标 ≥6.0，指标性质 预期性"


def test_the_plans_own_table_is_listed_whole(full_index: Path) -> None:
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    ans = Assistant(Settings(data_dir=full_index, llm_mode="extractive")).answer("振安区主要指标表中约束性的有哪几项？")
    assert not ans.refused and len(ans.citations) >= 3
    assert all("约束性" in c.chunk.text and c.chunk.doc_id == "zhenan" for c in ans.citations)
    assert ans.text.count("[") == len(ans.citations)
