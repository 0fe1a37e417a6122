"""The same plan arriving twice is found among many plans, as surely as by comparing each pair."""

from __future__ import annotations

import json

from plancorpus import DOCS_SRC

from vectorstore.duplicates import TwinIndex, same_plan


def _plans() -> list[tuple[str, str, str]]:
    docs = json.loads((DOCS_SRC / "manifest.json").read_text(encoding="utf-8"))["documents"]
    return [(d["doc_id"], d["title"], (DOCS_SRC / d["source"]).read_text(encoding="utf-8")) for d in docs]


def test_a_plan_under_its_title_or_as_a_near_copy_is_found_and_no_other_plan_is() -> None:
    plans = _plans()
    index = TwinIndex()
    for doc_id, title, text in plans:
        index.add(doc_id, title, text)
    for doc_id, title, text in plans:
        lines = text.splitlines()
        # Another export of the plan: a third of its lines lost (as Word tables flatten differently).
        partial = "\n".join(ln for i, ln in enumerate(lines) if i % 3)
        assert index.find(title, partial) is not None and index.find(title, partial)[0] == doc_id  # type: ignore[index]
        assert same_plan((title, partial), (title, text))  # the pairwise check agrees
        # Renamed: only a near copy counts.
        copy = text + "\n附件：联系人名单。"
        assert index.find("另一个名字", copy)[0] == doc_id  # type: ignore[index]
        assert index.find("另一个名字", partial) is None or same_plan(("另一个名字", partial), (title, text))
    # A plan not in the index is nobody's twin, whatever its title.
    fresh = TwinIndex()
    for doc_id, title, text in plans[1:]:
        fresh.add(doc_id, title, text)
    assert fresh.find(plans[0][1], plans[0][2]) is None


def test_only_the_plans_asked_about_are_answered() -> None:
    (doc_id, title, text), *_ = _plans()
    index = TwinIndex()
    index.add(doc_id, title, text)
    assert index.find(title, text, among=["other"]) is None and index.find(title, text, among=[doc_id])
