"""Sweep the answer check's odds and coverage (params.toml [judge] answered_below, answered_coverage) on
the dev splits, one pass of the embedded model.

Every dev question answered (not a mention) whose passages cover less than the largest coverage swept is
answered once with the check forced to decline, recording the model's odds; each (answered_below,
answered_coverage) pair then picks, per question, the answer or its decline, and the eval's metrics are
printed for it.

    HF_HUB_OFFLINE=1 python scripts/sweep_answer_judge.py 0.2,0.3,0.4,0.5 0.3,0.4,0.5,0.6
"""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import Any

from assistant import answercheck
from assistant.finish import finish
from assistant.judging import NotingJudge
from assistant.params import load_params
from assistant.pipeline import Assistant
from assistant.settings import Settings
from assistant.types import Answer
from eval.gold import GoldItem
from eval.run import AnswerResult, Passage, gold_items, run_answers

SHOWN = ("answer_key_recall", "citation_precision", "refusal_correct", "false_refusal", "n")


def main(lows: list[float], coverages: list[float]) -> None:
    from eval.cli import _llm_running

    settings = Settings(llm_mode="local")
    seen: dict[str, tuple[float, float, Answer]] = {}  # by item id: the odds, the coverage, the decline
    current = [""]
    checked = answercheck.checked

    def recording(judge: Any, embedder: Any, qa: Any, found: Any, g: Any, ans: Answer, p: Any, **kw: Any) -> Answer:
        noting = NotingJudge(judge)
        out = checked(noting, embedder, qa, found, g, ans, p, **kw)
        if noting.noted:
            seen[current[0]] = (noting.noted[0], g.coverage, finish(qa, out))
        return ans

    answercheck.checked = recording  # type: ignore[assignment]
    params = load_params()
    forced = replace(params, judge=replace(params.judge, answered_below=1.01, answered_coverage=max(coverages)))
    with _llm_running(settings) as chat:
        assistant = Assistant(settings, chat=chat, params=forced)
        assistant.chats.current = lambda: None  # type: ignore[method-assign]  # answers by the word checks, judged by chat
        assistant.chats.judge = lambda: chat  # type: ignore[method-assign]
        sets: dict[str, tuple[list[GoldItem], dict[str, Answer]]] = {}
        for ds in ("realistic", "gold"):
            items = [i for i in gold_items(dataset=ds) if i.split == "dev"]
            answers = {}
            for n, it in enumerate(items):
                current[0] = f"{ds}/{it.id}"
                answers[it.id] = assistant.answer(it.question, list(it.history))
                print(f"\r{ds} {n}/{len(items)}, judged {len(seen)}", end="", file=sys.stderr, flush=True)
            sets[ds] = (items, answers)
    print(file=sys.stderr)
    for ds, (items, answers) in sets.items():
        print(f"{ds} dev, {len(items)} questions; judged {sum(f'{ds}/{it.id}' in seen for it in items)}")
        for lo in [None, *lows]:
            for cov in [None] if lo is None else coverages:
                def pick(it: GoldItem, lo: float | None = lo, cov: float | None = cov,
                         answers: dict[str, Answer] = answers, ds: str = ds) -> AnswerResult:
                    a = answers[it.id]
                    r = seen.get(f"{ds}/{it.id}")
                    if lo is not None and cov is not None and r and r[0] < lo and r[1] < cov:
                        a = r[2]
                    cited = [Passage(c.chunk.id, c.chunk.doc_id, f"{c.chunk.section}\n{c.chunk.text}") for c in a.citations]
                    return AnswerResult(it, a.text, a.refused, cited, 0.0, None, {}, None)

                res = run_answers(items, pick, "llm", dataset=ds)
                label = "without the check" if lo is None else f"answered_below {lo} answered_coverage {cov}"
                print(f"  {label:46s}", {k: round(v, 3) for k, v in res.overall.items() if k in SHOWN})


if __name__ == "__main__":
    main([float(x) for x in sys.argv[1].split(",")], [float(x) for x in sys.argv[2].split(",")])
