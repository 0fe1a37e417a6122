"""The indicator store over HTTP and on the command line, against the session's five-plan index."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from assistant.api import create_app
from assistant.pipeline import Assistant

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def client(full_index: Path) -> Iterator[TestClient]:
    from assistant.settings import Settings

    settings = Settings(data_dir=full_index, llm_mode="extractive")
    with TestClient(create_app(settings, Assistant(settings, chat=None))) as c:
        yield c


def test_indicators_filtered_by_plan_category_attribute_and_words(client: TestClient) -> None:
    body = client.get("/v1/indicators").json()
    assert body["count"] == len(body["indicators"]) > 69 and "人均预期寿命" in body["keys"]
    assert {p["doc_id"] for p in body["plans"]} == {"dongli", "binhai", "yongqiao", "tianjin-primary", "zhenan"}
    binding = client.get("/v1/indicators", params={"plan": "yongqiao", "attribute": "约束性"}).json()
    assert binding["count"] == 8 and {r["attribute"] for r in binding["indicators"]} == {"约束性"}
    cat = client.get("/v1/indicators", params={"plan": "dongli", "category": "健康水平"}).json()
    assert [r["name"] for r in cat["indicators"]][:2] == ["人均期望寿命（岁）", "婴儿死亡率（‰）"]
    beds = client.get("/v1/indicators", params={"q": "床位"}).json()["indicators"]
    first = next(r for r in beds if r["doc_id"] == "dongli")
    assert [v["text"] for v in first["values"]] == ["2.16", "2.6"] and first["plan"] == "东丽区"
    row = client.get(f"/v1/chunks/{first['chunk_id']}").json()  # the source row opens
    assert row["kind"] == "table_row" and "床位数" in row["text"] and row["table"]


def test_bad_filters_say_what_to_fix(client: TestClient) -> None:
    r = client.get("/v1/indicators", params={"plan": "hexi"})
    assert r.status_code == 404 and "dongli" in r.json()["detail"]
    r = client.get("/v1/indicators", params={"attribute": "强制性"})
    assert r.status_code == 422 and "约束性" in r.json()["detail"]
    r = client.get("/v1/indicators/compare", params={"key": "床位"})
    assert r.status_code == 404 and "每千常住人口床位数" in r.json()["detail"]  # the closest keys


def test_one_indicator_compared_across_plans(client: TestClient) -> None:
    body = client.get("/v1/indicators/compare", params={"key": "每千常住人口床位数"}).json()
    assert [(e["doc_id"], e["target"]) for e in body["plans"]] == [("zhenan", "9张左右"), ("yongqiao", "6.9"),
                                                                   ("dongli", "2.6")]
    assert body["plans"][1]["baseline"] == "6.86" and body["plans"][1]["target_number"] == 6.9
    assert set(body["missing"]) == {"binhai", "tianjin-primary"} and body["units"] == ["张"]
    deaths = client.get("/v1/indicators/compare", params={"key": "孕产妇死亡率"}).json()
    assert len(deaths["units"]) == 2  # ‰ against /10万: the figures do not compare directly


def test_export_as_excel_and_csv(client: TestClient) -> None:
    r = client.get("/v1/indicators/export", params={"plan": "zhenan", "format": "xlsx"})
    assert r.status_code == 200 and "spreadsheetml" in r.headers["content-type"]
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("规划", "类别", "指标") and len(rows) == 1 + 36
    assert rows[1][:3] == ("振安区", "健康水平和健康保障", "人均预期寿命") and rows[1][5] == "≥80岁"
    c = client.get("/v1/indicators/export", params={"plan": "dongli", "format": "csv"})
    table = list(csv.DictReader(io.StringIO(c.content.decode("utf-8-sig"))))
    assert next(t for t in table if t["指标"] == "医护比")["目标"] == "1:0.9"


def _planqa(full_index: Path, *args: str) -> subprocess.CompletedProcess[str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANQA_")}
    env["PLANQA_DATA_DIR"] = str(full_index)
    return subprocess.run([sys.executable, "-m", "assistant.cli", "indicators", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.slow  # make test-slow: kept out of the default run's 10 minutes
def test_cli_compares_lists_and_exports(full_index: Path, tmp_path: Path) -> None:
    out = _planqa(full_index, "--compare", "人均预期寿命")
    assert out.returncode == 0, out.stderr
    assert "东丽区：人均期望寿命（岁）  基数 81.15  目标 82" in out.stdout and "未设定：滨海新区、天津市" in out.stdout
    listed = _planqa(full_index, "--plan", "yongqiao", "--attribute", "约束性", "--json")
    got: list[dict[str, Any]] = json.loads(listed.stdout)
    assert len(got) == 8 and all(r["属性"] == "约束性" for r in got)
    xlsx = tmp_path / "指标.xlsx"
    assert _planqa(full_index, "--out", str(xlsx)).returncode == 0 and xlsx.stat().st_size > 3000
    bad = _planqa(full_index, "--compare", "床位")
    assert bad.returncode == 2 and "did you mean 每千常住人口床位数" in bad.stderr
    assert "--compare 人均预期寿命" in _planqa(full_index, "--help").stdout  # --help shows an example
