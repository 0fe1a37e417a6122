"""`planqa` subcommands and the batch contract, run in-process on the real index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main


@pytest.fixture()
def on_full_index(full_index: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PLANQA_DATA_DIR", str(full_index))
    monkeypatch.setenv("PLANQA_LLM_MODE", "extractive")
    return full_index


def test_search_batch_json_contract(on_full_index, tmp_path, capsys):
    qs = tmp_path / "q.jsonl"
    qs.write_text(
        json.dumps({"id": "a", "question": "东丽区2025年人均期望寿命目标是多少？"}, ensure_ascii=False) + "\n"
        + json.dumps({"id": "b", "question": "那埇桥呢？", "history": [{"role": "user", "content": "东丽2025年床位目标？"}]},
                     ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    assert main(["search", "--questions", str(qs), "--k", "10", "--json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.strip()]
    assert [r["id"] for r in lines] == ["a", "b"]
    hit = lines[0]["hits"][0]
    assert {"chunk_id", "doc_id", "title", "section", "text", "score"} <= set(hit)
    assert len(lines[0]["hits"]) == 10
    assert hit["doc_id"] == "dongli" and "82" in hit["text"]
    assert lines[1]["hits"][0]["doc_id"] == "yongqiao"


def test_ask_single_question_json(on_full_index, capsys):
    assert main(["ask", "东丽区2025年人均期望寿命目标是多少？", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert {"id", "question", "answer", "refused", "citations"} <= set(r)
    assert r["refused"] is False and "82" in r["answer"]
    assert {"n", "chunk_id", "doc_id", "title", "section", "text"} <= set(r["citations"][0])


def test_ask_xlsx_in_xlsx_out(on_full_index, tmp_path):
    from openpyxl import Workbook, load_workbook

    src, out = tmp_path / "inquiries.xlsx", tmp_path / "answers.xlsx"
    wb = Workbook()
    wb.active.append(["编号", "question"])
    wb.active.append(["12345-1", "滨海新区村卫生室医保联网谁负责？"])
    wb.active.append(["12345-2", "滨海新区2021年补短板计划一共投入多少钱？"])
    wb.save(src)
    assert main(["ask", "--questions", str(src), "--out", str(out)]) == 0
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    header = rows[0]
    assert {"question", "answer", "refused", "citation_1"} <= set(header)
    first = dict(zip(header, rows[1], strict=False))
    assert "区医保局" in first["answer"] and "滨海新区" in first["citation_1"]
    second = dict(zip(header, rows[2], strict=False))
    assert second["refused"] is True


@pytest.mark.slow  # make test-slow: kept out of the default run's 10 minutes
def test_docs_and_show(on_full_index, capsys):
    assert main(["docs", "--json"]) == 0
    docs = {d["doc_id"]: d for d in json.loads(capsys.readouterr().out)}
    assert set(docs) == {"dongli", "binhai", "yongqiao", "tianjin-primary", "zhenan"}
    assert docs["yongqiao"]["status"] == "征求意见稿" and docs["binhai"]["kind"] == "annual_work_plan"
    main(["search", "东丽区2025年人均期望寿命目标是多少？", "--json", "--k", "1"])
    cid = json.loads(capsys.readouterr().out)["hits"][0]["chunk_id"]
    assert main(["show", cid]) == 0
    out = capsys.readouterr().out
    assert "天津市东丽区卫生健康事业发展" in out and "主要预期指标" in out


def test_bad_input_gets_a_clear_error(on_full_index, tmp_path, capsys):
    bad = tmp_path / "q.csv"
    bad.write_text("问题\n东丽？\n", encoding="utf-8")
    assert main(["ask", "--questions", str(bad)]) == 2
    assert "question" in capsys.readouterr().err
    assert main(["show", "nonexistent"]) == 2
    assert "no chunk 'nonexistent'" in capsys.readouterr().err


def test_ingest_reports_a_bad_file_and_still_ingests_the_rest(tmp_path, capsys):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "plan.txt").write_text("某区卫生健康工作计划\n一、目标\n到2025年，每千常住人口床位数达到5张。\n", encoding="utf-8")
    (docs / "broken.docx").write_bytes(b"not a zip at all")
    assert main(["ingest", str(docs), "--quiet"]) == 1
    captured = capsys.readouterr()
    assert "broken.docx" in captured.err
    assert "documents 1" in captured.out


def test_top_level_help_lists_every_subcommand_with_its_example(capsys):
    from assistant.cliargs import EXAMPLES

    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "95% interval" in out  # eval-diff's help, written with a per-cent sign
    for name in EXAMPLES:
        assert name in out
    with pytest.raises(SystemExit):
        main(["eval-diff", "--help"])
    assert "95% interval" in capsys.readouterr().out
