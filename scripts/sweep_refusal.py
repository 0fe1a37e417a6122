"""Where to set the gate (`min_coverage` and `absent_weight` in assistant/params.toml).

For each weight of the words no plan uses and each coverage bar, how many of the `dev` split's
unanswerable questions (gold and realistic sets, never `test`) the extractive assistant declines and
how many answerable ones it wrongly declines. The demand checks of assistant/answerable.py run at
every setting; only the coverage bar and the weight move.

Run: .venv/bin/python scripts/sweep_refusal.py [--thresholds 0.05,0.1,0.15] [--absent 1,0.5,0.25]
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> None:
    from dataclasses import replace

    from assistant.params import load_params
    from assistant.pipeline import Assistant
    from assistant.settings import Settings
    from assistant.types import Trace
    from eval.run import gold_items

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--thresholds", default="0.05,0.08,0.1,0.12,0.15,0.2")
    ap.add_argument("--absent", default="1,0.5,0.25,0.1")
    args = ap.parse_args()
    bars = [float(x) for x in args.thresholds.split(",")]
    params = load_params()
    items = [*gold_items(dataset="gold", split="dev"), *gold_items(dataset="realistic", split="dev")]
    print(f"{sum(not i.answerable for i in items)} unanswerable, {sum(i.answerable for i in items)} answerable "
          f"dev questions (gold and realistic sets, extractive)")
    print("| absent_weight | min_coverage | unanswerable declined | answerable declined |")
    print("|---|---|---|---|")
    for weight in (float(x) for x in args.absent.split(",")):
        gate = replace(params.gate, min_coverage=0.0, absent_weight=weight)
        assistant = Assistant(Settings(), chat=None, params=replace(params, gate=gate))
        rows = []
        for item in items:
            tr = Trace()
            ans = assistant.answer(item.question, history=item.history, trace=tr)
            rows.append((item.answerable, tr.coverage, ans.refused))
        un = [r for r in rows if not r[0]]
        an = [r for r in rows if r[0]]
        for bar in bars:
            ok = sum(1 for r in un if r[2] or r[1] < bar)
            bad = sum(1 for r in an if r[2] or r[1] < bar)
            print(f"| {weight:g} | {bar:.2f} | {ok}/{len(un)} ({ok / len(un):.3f}) | "
                  f"{bad}/{len(an)} ({bad / len(an):.3f}) |", flush=True)


if __name__ == "__main__":
    main()
