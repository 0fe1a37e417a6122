"""Search latency benchmark: p50/p95 of hybrid search over the gold questions, after warm-up.

Run: .venv/bin/python scripts/bench_search.py [--rounds 3]   (uses the index of PLANQA_DATA_DIR)
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> None:
    from assistant.settings import Settings
    from eval.gold import load_gold
    from eval.metrics import percentile
    from vectorstore.retrieve import Corpus, HybridRetriever

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    settings = Settings()
    t = time.perf_counter()
    corpus = Corpus.open(settings.index_dir, settings.embed_threads, chroma=settings.chroma)
    r = HybridRetriever(corpus)
    r.search("预热", 5)
    print(f"index open + warm-up: {time.perf_counter() - t:.2f} s ({len(corpus.chunks)} chunks)")
    questions = [i.question for i in load_gold()]
    times = []
    for _ in range(args.rounds):
        for q in questions:
            t = time.perf_counter()
            r.search(q, 5)
            times.append((time.perf_counter() - t) * 1000)
    print(f"hybrid search over {len(questions)} questions x {args.rounds}: "
          f"p50 {percentile(times, 50):.1f} ms, p95 {percentile(times, 95):.1f} ms, "
          f"mean {statistics.mean(times):.1f} ms, max {max(times):.1f} ms")
    emb = []
    from vectorstore.embed import shared_embedder

    e = shared_embedder(settings.embed_threads)
    for q in questions[:50]:
        t = time.perf_counter()
        e.query(q)
        emb.append((time.perf_counter() - t) * 1000)
    print(f"of which query embedding: p50 {percentile(emb, 50):.1f} ms")


if __name__ == "__main__":
    main()
