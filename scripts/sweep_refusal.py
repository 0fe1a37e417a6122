"""Where to set the retrieval-confidence gate (`min_coverage` in assistant/params.toml).

For each threshold, how many of the gold `dev` split's unanswerable questions (never `test`) the extractive assistant
declines and how many answerable ones it wrongly declines. The demand checks of
assistant/answerable.py run at every threshold; only the coverage bar moves.

Run: .venv/bin/python scripts/sweep_refusal.py [--thresholds 0.05,0.1,0.15,0.2,0.25]
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
    from eval.gold import load_gold

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--thresholds", default="0.05,0.08,0.1,0.12,0.15,0.2,0.25")
    args = ap.parse_args()
    bars = [float(x) for x in args.thresholds.split(",")]
    params = load_params()
    assistant = Assistant(Settings(), chat=None, params=replace(params, gate=replace(params.gate, min_coverage=0.0)))
    rows = []
    for item in (it for it in load_gold() if it.split == "dev"):
        tr = Trace()
        ans = assistant.answer(item.question, history=item.history, trace=tr)
        rows.append((item.answerable, tr.coverage, ans.refused, item.id))
    un = [r for r in rows if not r[0]]
    an = [r for r in rows if r[0]]
    print(f"{len(un)} unanswerable, {len(an)} answerable gold dev questions (extractive)")
    print("| min_coverage | unanswerable declined | answerable declined | unanswerable answered |")
    print("|---|---|---|---|")
    for bar in bars:
        declined = [r for r in rows if r[2] or r[1] < bar]
        ok = sum(1 for r in declined if not r[0])
        bad = sum(1 for r in declined if r[0])
        missed = [r[3] for r in un if not (r[2] or r[1] < bar)]
        print(f"| {bar:.2f} | {ok}/{len(un)} ({ok / len(un):.3f}) | {bad}/{len(an)} ({bad / len(an):.3f}) | "
              f"{', '.join(missed) or '—'} |")


if __name__ == "__main__":
    main()
