"""Sweep the model's pick among the best sentences (params.toml [judge] choice_margin and choice_coverage,
[quote] preferred_lead) on the dev splits, with the embedded model judging and the word checks composing.

The dev questions are answered once without the pick and once per (margin, lead) pair; the model is asked
each distinct prompt once over the whole sweep (the pick's sentences and the checks' sentences repeat from
one pair to the next), so the first pair costs a model pass and the others little. ``--coverages`` tries
the pick below each of those coverages (a higher one puts more questions to the model). ``--every N``
answers every Nth dev question only (a quicker look).

    HF_HUB_OFFLINE=1 python scripts/sweep_choice.py 0.1,0.2,0.3 1.01,1.3 --every 2
    HF_HUB_OFFLINE=1 python scripts/sweep_choice.py 0.2 1.3 --coverages 0.5,0.75,1.01 --every 3
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace

from assistant.judging import RememberingJudge
from assistant.params import AnswerParams, load_params
from assistant.pipeline import Assistant
from assistant.settings import Settings
from eval.gold import GoldItem
from eval.run import AnswerResult, Passage, gold_items, run_answers

SHOWN = ("answer_key_recall", "citation_precision", "refusal_correct", "false_refusal", "followup_key_recall",
         "list_completeness", "n")


def main(margins: list[float], leads: list[float], every: int, coverages: list[float] | None = None) -> None:
    from eval.cli import _llm_running

    settings = Settings(llm_mode="local")
    base = load_params()
    off = replace(base, judge=replace(base.judge, choice_coverage=0.0))
    runs: list[tuple[str, AnswerParams]] = [("without the pick", off)] + [
        (f"choice_margin {m} preferred_lead {lead} choice_coverage {cov}",
         replace(base, judge=replace(base.judge, choice_margin=m, choice_coverage=cov),
                 quote=replace(base.quote, preferred_lead=lead)))
        for cov in coverages or [base.judge.choice_coverage] for m in margins for lead in leads]
    sets = {ds: [i for i in gold_items(dataset=ds) if i.split == "dev"][::every] for ds in ("realistic", "gold")}
    with _llm_running(settings) as chat:
        memo = RememberingJudge(chat)
        for label, params in runs:
            t = time.time()
            assistant = Assistant(settings, chat=chat, params=params)
            assistant.chats.current = lambda: None  # type: ignore[method-assign]  # the word checks compose
            assistant.chats.judge = lambda: memo  # type: ignore[method-assign]
            for ds, items in sets.items():
                def answer(it: GoldItem, a: Assistant = assistant) -> AnswerResult:
                    ans = a.answer(it.question, list(it.history))
                    cited = [Passage(c.chunk.id, c.chunk.doc_id, f"{c.chunk.section}\n{c.chunk.text}") for c in ans.citations]
                    return AnswerResult(it, ans.text, ans.refused, cited, 0.0, None, {}, None)

                res = run_answers(items, answer, "llm", dataset=ds)
                print(f"{ds} dev ({len(items)}) {label:60s}",
                      {k: round(v, 3) for k, v in res.overall.items() if k in SHOWN}, flush=True)
            print(f"  ({time.time() - t:.0f} s, {memo.asked} prompts asked so far)", file=sys.stderr, flush=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("margins", help="comma-separated choice_margin values")
    ap.add_argument("leads", help="comma-separated preferred_lead values")
    ap.add_argument("--every", type=int, default=1, help="answer every Nth dev question only")
    ap.add_argument("--coverages", default="", help="comma-separated choice_coverage values (default: params.toml's)")
    args = ap.parse_args()
    main([float(x) for x in args.margins.split(",")], [float(x) for x in args.leads.split(",")], args.every,
         [float(x) for x in args.coverages.split(",")] if args.coverages else None)
