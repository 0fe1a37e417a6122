"""Sweep one knob of the hybrid retriever (vectorstore.retrieve.HybridParams) on the `dev` splits
(never `test`): for each value, the retrieval suite of the gold and realistic dev items, as
`planqa eval --suite retrieval` runs it (with each question's analysis and situation).

Run: .venv/bin/python scripts/sweep_retrieval.py tense_bonus 0,0.2,0.4
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    from vectorstore import retrieve

    fields = {f.name: f.type for f in dataclasses.fields(retrieve.HybridParams)}
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("name", choices=sorted(fields))
    ap.add_argument("values", help="comma-separated numbers")
    args = ap.parse_args()
    chosen: dict[str, Any] = {}
    original = retrieve.HybridRetriever.__init__

    def init(self: Any, corpus: Any, params: Any = None) -> None:
        original(self, corpus, params)
        self.p = dataclasses.replace(self.p, **chosen)

    retrieve.HybridRetriever.__init__ = init  # type: ignore[method-assign]

    from assistant.pipeline import Assistant
    from assistant.settings import Settings
    from eval.cli import _retrieval
    from eval.run import gold_items

    settings = Settings(llm_mode="extractive")
    assistant = Assistant(settings, chat=None)
    print(f"| {args.name} | set | recall@1 | recall@5 | mrr@10 |\n|---|---|---|---|---|")
    for raw in args.values.split(","):
        chosen[args.name] = float(raw)
        for dataset in ("gold", "realistic"):
            r = _retrieval(assistant, settings, "hybrid", gold_items(dataset=dataset, split="dev"), dataset, "dev")
            o = r.overall
            print(f"| {raw} | {dataset}/dev | {o['recall@1']:.3f} | {o['recall@5']:.3f} | {o['mrr@10']:.3f} |", flush=True)


if __name__ == "__main__":
    main()
