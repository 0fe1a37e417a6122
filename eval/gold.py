"""The gold Q&A set: loading, validation against the plans, and evidence matching."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GOLD_DIR = Path(__file__).resolve().parent / "gold"
REALISTIC_DIR = Path(__file__).resolve().parent / "realistic"
SETS = {"gold": GOLD_DIR, "realistic": REALISTIC_DIR}
SPLITS = ("dev", "test")
# How a question is written; figures are reported per style (eval/realistic/README.md).
STYLES = (
    "staff", "citizen", "colloquial", "typo", "list", "table_structure", "mention_yes", "mention_no",
    "followup", "unanswerable",
)
KINDS = (
    "fact", "number", "table", "list", "responsibility", "timeline",
    "cross_doc", "ambiguous", "unanswerable", "multi_turn",
)
ALL_GROUPS_KINDS = ("cross_doc", "ambiguous")  # every evidence group needed (one per plan)
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")


@dataclass(frozen=True)
class GoldItem:
    id: str
    question: str
    kind: str
    docs: tuple[str, ...]
    evidence: tuple[tuple[str, ...], ...]
    answer_keys: tuple[str, ...]
    reference_answer: str
    history: tuple[Mapping[str, str], ...] = ()
    split: str = ""
    style: str = ""
    list_items: tuple[str, ...] = ()
    source: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def answerable(self) -> bool:
        return self.kind != "unanswerable"

    @property
    def style_name(self) -> str:
        """The item's style; the first gold set's items, written by staff, have none of their own."""
        if self.style:
            return self.style
        return {"multi_turn": "followup", "unanswerable": "unanswerable"}.get(self.kind, "staff")

    @property
    def needs_all_groups(self) -> bool:
        return self.kind in ALL_GROUPS_KINDS

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], source: str = "") -> GoldItem:
        known = {"id", "question", "kind", "docs", "evidence", "answer_keys", "reference_answer", "history",
                 "split", "style", "list_items"}
        return cls(
            id=str(d["id"]),
            question=str(d["question"]),
            kind=str(d["kind"]),
            docs=tuple(d.get("docs", ())),
            evidence=tuple(tuple(g) for g in d.get("evidence", ())),
            answer_keys=tuple(d.get("answer_keys", ())),
            reference_answer=str(d.get("reference_answer", "")),
            history=tuple(d.get("history", ()) or ()),
            split=str(d.get("split", "")),
            style=str(d.get("style", "")),
            list_items=tuple(d.get("list_items", ()) or ()),
            source=source,
            extra={k: v for k, v in d.items() if k not in known},
        )


def load_gold(folder: Path = GOLD_DIR) -> list[GoldItem]:
    """Every item of every *.jsonl file in the folder, in file then line order."""
    items: list[GoldItem] = []
    for f in sorted(folder.glob("*.jsonl")):
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    items.append(GoldItem.from_dict(json.loads(line), f"{f.name}:{n}"))
                except (json.JSONDecodeError, KeyError) as exc:
                    raise ValueError(f"{f.name}:{n}: not a valid gold item ({exc})") from exc
    return items


def doc_lines(docs_dir: Path, manifest: Mapping[str, str]) -> dict[str, list[str]]:
    """Each document's lines with Word bookmarks removed, keyed by doc id."""
    out = {}
    for doc_id, source in manifest.items():
        text = (docs_dir / source).read_text(encoding="utf-8-sig")
        out[doc_id] = [_BOOKMARK.sub("", ln) for ln in text.splitlines()]
    return out


def validate(items: Sequence[GoldItem], lines: Mapping[str, list[str]]) -> list[str]:
    """Problems with the gold set; [] when every snippet and answer key stands in its plan."""
    problems: list[str] = []
    seen: set[str] = set()
    for it in items:
        where = f"{it.id} ({it.source})"
        if it.id in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(it.id)
        if it.kind not in KINDS:
            problems.append(f"{where}: unknown kind {it.kind!r}")
        if it.split not in SPLITS:
            problems.append(f"{where}: split must be one of {SPLITS}, not {it.split!r}")
        if it.style and it.style not in STYLES:
            problems.append(f"{where}: unknown style {it.style!r}; use one of {STYLES}")
        if it.history and not all(isinstance(t, Mapping) and t.get("role") in ("user", "assistant")
                                  and isinstance(t.get("content"), str) for t in it.history):
            problems.append(f"{where}: history turns must be {{'role': 'user'|'assistant', 'content': str}}")
        if it.list_items and len(it.list_items) < 2:
            problems.append(f"{where}: list_items names a whole list, at least two items")
        unknown = [d for d in it.docs if d not in lines]
        if unknown:
            problems.append(f"{where}: unknown doc ids {unknown}")
            continue
        if not it.answerable:
            if it.docs or it.evidence or it.answer_keys:
                problems.append(f"{where}: unanswerable items have no docs, evidence or answer keys")
            continue
        if not it.evidence or not it.answer_keys:
            problems.append(f"{where}: answerable items need evidence and answer_keys")
        if it.kind == "multi_turn" and not it.history:
            problems.append(f"{where}: multi_turn items need a history")
        if it.needs_all_groups and len(it.evidence) != len(it.docs):
            problems.append(f"{where}: {it.kind} needs one evidence group per doc")
        for gi, group in enumerate(it.evidence):
            docs = [it.docs[gi]] if it.needs_all_groups and gi < len(it.docs) else list(it.docs)
            for snip in group:
                if "\t" in snip or "\n" in snip:
                    problems.append(f"{where}: snippet {snip!r} holds a tab or line break")
                elif not any(snip in ln for d in docs for ln in lines[d]):
                    problems.append(f"{where}: snippet {snip!r} not found in {docs}")
        if it.kind == "ambiguous":
            # District completeness counts a plan only through the keys in its own group.
            for gi, group in enumerate(it.evidence):
                if not any(k in s for k in it.answer_keys for s in group):
                    problems.append(f"{where}: evidence group {gi} holds no answer key, so its plan can never count")
        for key in it.answer_keys:
            if not any(key in ln for d in it.docs for ln in lines[d]):
                problems.append(f"{where}: answer key {key!r} not found in {list(it.docs)}")
        for entry in it.list_items:
            if not any(entry in ln for d in it.docs for ln in lines[d]):
                problems.append(f"{where}: list item {entry!r} not found in {list(it.docs)}")
    return problems


def group_holds(text: str, doc_id: str, group: Iterable[str], docs: Sequence[str]) -> bool:
    """Whether one passage holds all snippets of an evidence group (and comes from an allowed plan)."""
    if docs and doc_id not in docs:
        return False
    return all(s in text for s in group)


def matching_groups(item: GoldItem, doc_id: str, text: str) -> list[int]:
    """Indices of the evidence groups this passage satisfies."""
    out = []
    for gi, group in enumerate(item.evidence):
        docs = [item.docs[gi]] if item.needs_all_groups and gi < len(item.docs) else list(item.docs)
        if group_holds(text, doc_id, group, docs):
            out.append(gi)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m eval.gold [gold|realistic|FILE.jsonl ...]`: print every problem, exit 1 if any."""
    import sys

    from vectorstore.manifest import load_manifest

    root = Path(__file__).resolve().parent.parent
    manifest = {m.doc_id: src for src, m in load_manifest(root / "docs_src").items()}
    lines = doc_lines(root / "docs_src", manifest)
    args = list(argv if argv is not None else sys.argv[1:]) or list(SETS)
    problems: list[str] = []
    count = 0
    for arg in args:
        if arg in SETS:
            items = load_gold(SETS[arg])
        else:
            path = Path(arg)
            items = [GoldItem.from_dict(json.loads(ln), f"{path.name}:{n}")
                     for n, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if ln.strip()]
        count += len(items)
        problems += validate(items, lines)
    for p in problems:
        print(p)
    print(f"{count} items, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
