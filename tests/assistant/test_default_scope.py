"""The default scope: a question naming no plan is answered from the scope's plans (a deployment's
PLANQA_DEFAULT_SCOPE, a request's "scope", `planqa ask --scope`); one naming a plan from that plan."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant import default_scope
from assistant.api import create_app
from assistant.cli import main
from assistant.live import LiveIndex
from assistant.pipeline import Assistant
from assistant.settings import Settings
from vectorstore.index import IndexStore, open_build
from vectorstore.retrieve import Filters

UNNAMED = "每千常住人口床位数到2025年定的多少？"  # no plan named; every plan has such a row
NAMED = "东丽区每千常住人口床位数到2025年定的多少？"


def _plans(answer) -> set[str]:
    return {c.chunk.doc_id for c in answer.citations}


@pytest.fixture(scope="module")
def docs(full_index: Path):
    return open_build(IndexStore(full_index / "indexes" / "default"), load=False).docs


def test_parse_accepts_the_separators_staff_type() -> None:
    assert default_scope.parse(" 东丽区, tianjin-primary、振安；埇桥 ") == ("东丽区", "tianjin-primary", "振安", "埇桥")
    assert default_scope.parse("") == ()


def test_values_resolve_by_id_and_by_place(docs) -> None:
    f = default_scope.resolve(["振安区", "tianjin-primary"], docs)
    assert f == Filters(doc_ids=("zhenan", "tianjin-primary"))
    # A city names every plan of that city; an alias its plan.
    assert set(default_scope.resolve(["天津市"], docs).doc_ids) == {"dongli", "binhai", "tianjin-primary"}
    assert default_scope.resolve(["埇桥"], docs).doc_ids == ("yongqiao",)
    assert default_scope.resolve([], docs) is None


def test_a_value_naming_no_plan_is_refused_with_the_ids_to_use(docs) -> None:
    with pytest.raises(default_scope.ScopeError) as err:
        default_scope.resolve(["东丽区", "河西区"], docs)
    msg = str(err.value)
    assert "'河西区'" in msg and "dongli" in msg and "PLANQA_DEFAULT_SCOPE" in msg


def test_unknown_setting_fails_when_the_index_is_opened(full_index: Path) -> None:
    with pytest.raises(default_scope.ScopeError, match="河西区"):
        LiveIndex.open(Settings(data_dir=full_index, default_scope="河西区"))


@pytest.fixture(scope="module")
def zhenan_office(full_index: Path) -> Assistant:
    return Assistant(Settings(data_dir=full_index, llm_mode="extractive", default_scope="振安区"), chat=None)


def test_a_question_naming_no_plan_is_answered_from_the_scope(zhenan_office: Assistant) -> None:
    a = zhenan_office.answer(UNNAMED)
    assert not a.refused and _plans(a) == {"zhenan"}


def test_a_plan_the_question_names_wins_over_the_scope(zhenan_office: Assistant) -> None:
    a = zhenan_office.answer(NAMED)
    assert not a.refused and _plans(a) == {"dongli"}


def test_a_follow_up_keeps_the_plan_of_the_turn_before(zhenan_office: Assistant) -> None:
    history = [{"role": "user", "content": NAMED}, {"role": "assistant", "content": "……"}]
    a = zhenan_office.answer("2020年的数呢？", history)
    assert _plans(a) == {"dongli"}


def test_a_request_scope_replaces_the_default_and_filters_win(zhenan_office: Assistant) -> None:
    everywhere = zhenan_office.answer(UNNAMED, scope=Filters())
    assert len(_plans(everywhere)) > 1  # each plan's figure, as without a scope
    binhai = zhenan_office.answer(UNNAMED, scope=Filters(doc_ids=("dongli",)))
    assert _plans(binhai) == {"dongli"}
    filtered = zhenan_office.answer(UNNAMED, filters=Filters(doc_ids=("yongqiao",)))
    assert _plans(filtered) == {"yongqiao"}


def test_api_scope(full_index: Path) -> None:
    app = create_app(Settings(data_dir=full_index, llm_mode="extractive", default_scope="振安区"))
    with TestClient(app) as client:
        default = client.post("/v1/ask", json={"question": UNNAMED}).json()
        assert {c["doc_id"] for c in default["citations"]} == {"zhenan"}
        own = client.post("/v1/ask", json={"question": UNNAMED, "scope": ["东丽"]}).json()
        assert {c["doc_id"] for c in own["citations"]} == {"dongli"}
        hits = client.post("/v1/search", json={"question": UNNAMED, "scope": ["埇桥区"]}).json()["hits"]
        assert hits and {h["doc_id"] for h in hits} == {"yongqiao"}
        chat = client.post("/v1/chat/completions", json={
            "model": "planqa", "messages": [{"role": "user", "content": UNNAMED}], "scope": ["dongli"]}).json()
        assert {c["doc_id"] for c in chat["citations"]} == {"dongli"}
        bad = client.post("/v1/ask", json={"question": UNNAMED, "scope": ["东历区"]})
        assert bad.status_code == 422 and "东历区" in bad.json()["detail"]
        wrong_type = client.post("/v1/chat/completions", json={
            "model": "planqa", "messages": [{"role": "user", "content": UNNAMED}], "scope": "dongli"})
        assert wrong_type.status_code == 422 and "scope" in wrong_type.json()["detail"]


def test_cli_scope(full_index: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PLANQA_DATA_DIR", str(full_index))
    monkeypatch.setenv("PLANQA_LLM_MODE", "extractive")
    assert main(["ask", UNNAMED, "--scope", "埇桥区", "--json"]) == 0
    out = capsys.readouterr().out
    assert '"doc_id": "yongqiao"' in out and '"doc_id": "zhenan"' not in out
    assert main(["search", UNNAMED, "--scope", "东历区"]) == 2
    assert "东历区" in capsys.readouterr().err
