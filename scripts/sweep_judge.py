"""Sweep the mention judge's odds (params.toml [judge]) on the dev splits, one pass of the embedded model.

Every dev question read as a mention ("…有没有提到…") is answered once with the judge forced to overrule
the word checks both ways, recording its odds; each (decline_below, answer_above) pair then picks, per
question, the word checks' answer or the overruled one, and the eval's metrics are printed for it.

    HF_HUB_OFFLINE=1 python scripts/sweep_judge.py 0.3,0.4,0.5,0.6 0.7,0.8,0.85,0.9,0.95
"""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import Any

from assistant import mentioncheck
from assistant.finish import finish
from assistant.judging import NotingJudge
from assistant.params import load_params
from assistant.pipeline import Assistant
from assistant.settings import Settings
from assistant.types import Answer
from eval.gold import GoldItem
from eval.run import AnswerResult, Passage, gold_items, run_answers
from question.analysis import Intent

SHOWN = ("answer_key_recall", "citation_precision", "refusal_correct", "false_refusal", "n")


def main(lows: list[float], highs: list[float]) -> None:
    from eval.cli import _llm_running

    settings = Settings(llm_mode="local")
    seen: dict[str, tuple[Answer, float, Answer]] = {}  # by item id: the words' answer, the odds, the overruled one
    current = [""]
    checked = mentioncheck.checked

    def recording(judge: Any, embedder: Any, qa: Any, found: Any, g: Any, ans: Answer, p: Any, **kw: Any) -> Answer:
        noting = NotingJudge(judge)
        out = checked(noting, embedder, qa, found, g, ans, p, **kw)
        if noting.noted:
            seen[current[0]] = (finish(qa, ans), noting.noted[0], finish(qa, out))
        return out

    mentioncheck.checked = recording  # type: ignore[assignment]
    params = load_params()
    forced = replace(params, judge=replace(params.judge, decline_below=1.01, answer_above=0.0))
    with _llm_running(settings) as chat:
        assistant = Assistant(settings, chat=chat, params=forced)
        sets: dict[str, list[tuple[GoldItem, Answer]]] = {}
        for ds in ("realistic", "gold"):
            items = [i for i in gold_items(dataset=ds) if i.split == "dev"]
            kept = []
            for n, it in enumerate(items):
                if assistant.analyze(it.question, list(it.history)).intent is not Intent.MENTION:
                    continue
                current[0] = it.id
                kept.append((it, assistant.answer(it.question, list(it.history))))
                print(f"\r{ds} {n}/{len(items)}", end="", file=sys.stderr, flush=True)
            sets[ds] = kept
    print(file=sys.stderr)
    for ds, kept in sets.items():
        print(f"{ds} dev, {len(kept)} mention questions; judged {sum(k[0].id in seen for k in kept)}")
        answers = {it.id: a for it, a in kept}
        for lo in [None, *lows]:
            for hi in [None] if lo is None else highs:
                def pick(it: GoldItem, lo: float | None = lo, hi: float | None = hi,
                         answers: dict[str, Answer] = answers) -> AnswerResult:
                    ans = answers[it.id]
                    words, p, flipped = seen.get(it.id, (ans, 0.5, ans))
                    a = words if lo is None or hi is None else \
                        flipped if (not words.refused and p < lo) or (words.refused and p >= hi) else words
                    cited = [Passage(c.chunk.id, c.chunk.doc_id, f"{c.chunk.section}\n{c.chunk.text}") for c in a.citations]
                    return AnswerResult(it, a.text, a.refused, cited, 0.0, None, {}, None)

                res = run_answers([k[0] for k in kept], pick, "llm", dataset=ds)
                label = "words only" if lo is None else f"decline_below {lo} answer_above {hi}"
                print(f"  {label:40s}", {k: round(v, 3) for k, v in res.overall.items() if k in SHOWN})


if __name__ == "__main__":
    main([float(x) for x in sys.argv[1].split(",")], [float(x) for x in sys.argv[2].split(",")])
