"""Where answers to one style of realistic inquiry are lost, as counts only (safe on `test`).

For the answerable items of a split and style, counts how many have their evidence in the first five
passages and first of all, how many are declined, how many answers hold every answer key, and how
the messages were read (an ask split from its situation, a plan named, the intent). No item is
printed, so the `test` split can be diagnosed without reading it.

Run: .venv/bin/python scripts/diagnose_style.py test citizen
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    from assistant.pipeline import Assistant
    from assistant.retrieval import retrieve
    from assistant.settings import Settings
    from eval.run import gold_items

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("split", choices=("dev", "test"))
    ap.add_argument("style", help="citizen, colloquial, typo, list, followup, table_structure, mention_yes")
    args = ap.parse_args()
    assistant = Assistant(Settings(llm_mode="extractive"), chat=None)
    live = assistant.live()
    items = [i for i in gold_items(dataset="realistic", split=args.split) if i.style_name == args.style and i.answerable]
    if not items:
        ap.error(f"no answerable {args.style!r} items in the {args.split} split")

    def holds(evidence: Sequence[Sequence[str]], text: str) -> bool:
        return any(all(s in text for s in group) for group in evidence)

    c: Counter[str] = Counter()
    for it in items:
        qa = assistant.analyze(it.question, list(it.history))
        found = retrieve(live.corpus, qa, None, assistant.params.retrieve)
        texts = [f"{h.chunk.section}\n{h.chunk.text}" for h in found.hits[:5]]
        ans = assistant.answer(it.question, list(it.history))
        c["evidence in top 5"] += any(holds(it.evidence, t) for t in texts)
        c["evidence first"] += bool(texts) and holds(it.evidence, texts[0])
        c["declined"] += ans.refused
        c["every key in the answer"] += all(k in ans.text for k in it.answer_keys)
        c["ask split from a situation"] += qa.ask.strip() != qa.message.strip()
        c["a plan named"] += bool(qa.plans)
        c[f"intent {qa.intent.value}"] += 1
    print(f"realistic/{args.split}, {args.style}: {len(items)} answerable items")
    for k, v in c.items():
        print(f"  {k}: {v}/{len(items)}")


if __name__ == "__main__":
    main()
