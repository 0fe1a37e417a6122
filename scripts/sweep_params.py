"""Sweep one tuned number of assistant/params.toml on the `dev` splits (never `test`).

For each value, the extractive assistant answers the dev items of the gold and realistic sets, and
a table prints what a reader notices: answer-key recall, citation precision, answerable questions
wrongly declined, unanswerable ones declined, list completeness.

Run: .venv/bin/python scripts/sweep_params.py quote.second_ratio 0.8,0.9,1.01
     .venv/bin/python scripts/sweep_params.py quote.meaning_far 1,0.7 --halves
     .venv/bin/python scripts/sweep_params.py gate.mention_far 0,0.88 --styles mention_yes,mention_no

--halves reads the realistic dev split as two fixed halves (by a hash of each id): a change that moves
only the half whose items were diagnosed fixed those items, not their shape; keep it when both move.
--styles reads only the realistic dev items of those styles (a number only they reach), no gold items.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

COLUMNS = ("answer_key_recall", "citation_precision", "false_refusal", "refusal_correct", "list_completeness",
           "followup_key_recall", "mid_chat_key_recall")


def main() -> None:
    from assistant.params import load_params
    from assistant.pipeline import Assistant
    from assistant.settings import Settings
    from eval.cli import _answers
    from eval.run import gold_items

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("name", help="table.key of params.toml, e.g. quote.second_ratio")
    ap.add_argument("values", help="comma-separated values, e.g. 0.8,0.9,1.01")
    ap.add_argument("--halves", action="store_true", help="realistic dev as two fixed halves, each its own row")
    ap.add_argument("--styles", default="", help="only realistic items of these styles, e.g. mention_yes,mention_no")
    args = ap.parse_args()
    table, _, key = args.name.partition(".")
    params = load_params()
    section = getattr(params, table, None)
    if section is None or not hasattr(section, key):
        ap.error(f"{args.name}: no such number in assistant/params.toml (table.key, e.g. quote.second_ratio)")
    # label → (the set its items belong to, the items)
    sets = {name: (name, gold_items(dataset=name, split="dev")) for name in ("gold", "realistic")}
    if args.styles:
        wanted = set(args.styles.split(","))
        sets = {"realistic": ("realistic", [it for it in sets["realistic"][1] if it.style_name in wanted])}
    if args.halves:
        _, real = sets.pop("realistic")
        for h in (0, 1):
            sets[f"realistic half {h}"] = ("realistic", [it for it in real if half(it.id) == h])
    print(f"| {args.name} | set | " + " | ".join(COLUMNS) + " |")
    print("|---|---|" + "---|" * len(COLUMNS))
    for raw in args.values.split(","):
        value = type(getattr(section, key))(float(raw))
        tuned = replace(params, **{table: replace(section, **{key: value})})
        assistant = Assistant(Settings(llm_mode="extractive"), chat=None, params=tuned)
        for name, (dataset, items) in sets.items():
            res = _answers(assistant, "extractive", items, dataset, "dev")
            cells = " | ".join(f"{res.overall.get(c):.3f}" if res.overall.get(c) is not None else "—"
                               for c in COLUMNS)
            print(f"| {value:g} | {name}/dev | {cells} |", flush=True)


def half(item_id: str) -> int:
    """0 or 1, fixed for an id: "rl0-demo-001" → 1. Not the sha256 order that split dev from test
    (that put the test items first, leaving dev's hashes uneven)."""
    return int(hashlib.sha256(f"half:{item_id}".encode()).hexdigest()[0], 16) // 8


if __name__ == "__main__":
    main()
