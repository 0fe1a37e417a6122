"""Before declining for a missing figure, the passages further down the ranking are read: the one
that states the figure joins the answer, and nothing else does."""

from __future__ import annotations

from pathlib import Path

from assistant.pipeline import Assistant
from assistant.retrieval import retrieve
from assistant.settings import Settings
from assistant.widen import widened
from vectorstore.ingest import ingest

# A made-up plan: eight passages that share the question's words and hold no figure, then the one
# that answers it in the plan's own words.
WAYS = ["信息化", "规范化", "一体化", "智能化", "标准化", "网格化", "精细化", "集约化"]
PLAN = "\n".join([
    "河西区卫生健康发展规划",
    *(f"（{'一二三四五六七八'[i]}）急救车辆{w}调度\n河西区推进急救车辆{w}调度，急救车辆出车、途中和到达现场各环节按分钟"
      f"记录，急救车辆到达时间纳入考核，群众呼叫急救车辆后能够尽快到达，急救车辆调度平台与医院信息系统{w}对接。"
      for i, w in enumerate(WAYS)),
    "（九）卫生应急综合保障",
    "加强卫生监督执法队伍建设，完善医疗废物集中处置，推进传染病监测预警，健全突发公共卫生事件应急预案体系，"
    "开展应急演练和物资储备，急救车辆平均到达时间控制在12分钟以内，提升基层医疗卫生机构应急处置能力和职业健康监管水平。",
])
QUESTION = "河西区的急救车多少分钟能到？"


def test_a_figure_ranked_below_the_first_passages_is_found_before_declining(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "hexi-plan.txt").write_text(PLAN, encoding="utf-8")
    data = tmp_path / "data"
    assert not ingest(data / "indexes" / "default", [docs]).errors
    a = Assistant(Settings(data_dir=data, llm_mode="extractive"), chat=None)
    live = a.live()
    qa = a.analyze(QUESTION, (), live)
    first = retrieve(live.corpus, qa, None, a.params.retrieve)
    assert not any("12分钟" in h.chunk.text for h in first.hits)  # the premise: not among the first
    wide, gate = widened(live, qa, first, None, a.params)
    assert gate.hits == wide.hits
    assert wide.hits[: len(first.hits)] == first.hits
    assert [h.chunk.section for h in wide.hits[len(first.hits):]] == ["（九）卫生应急综合保障"]
    ans = a.answer(QUESTION)
    assert not ans.refused and "12分钟" in ans.text
    assert any("12分钟" in c.chunk.text for c in ans.citations)
