"""What the dense index embeds, decided by measurement: a first ingest of the five plans with a cold
embedding cache for each choice (PLANQA_EMBED_TEXT = path, tag, passage), side by side with the
retrieval quality each gives on the gold test split. BM25 reads the title and path in every case.

Run: .venv/bin/python bench/ingest_speed.py [--variants path,tag,passage]   (about 5 minutes on 2 cores)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from scale import REPO, busy_cores, ingest, log, measure_search  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def run(variant: str, work: Path) -> dict[str, Any]:
    data = work / f"speed-{variant}" / "data"  # fresh: its embedding cache starts empty
    shutil.rmtree(data.parent, ignore_errors=True)
    data.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANQA_")}
    env |= {"PLANQA_DATA_DIR": str(data), "PLANQA_DOCS_DIR": str(REPO / "docs_src"), "PLANQA_EMBED_TEXT": variant}
    others = busy_cores()
    if others > 0.3:
        log(f"warning: {others:.1f} cores busy with other work before {variant!r}: its timing will be high")
    first = ingest(env, data.parent / "ingest.log")
    again = ingest(env, data.parent / "ingest.log")
    os.environ["PLANQA_EMBED_TEXT"] = variant
    try:
        search = measure_search(data, REPO / "docs_src", None)
    finally:
        os.environ.pop("PLANQA_EMBED_TEXT", None)
    n = first.get("chunks", 0)
    return {"embed_text": variant, "passages": n, "ingest_s": round(first["seconds"], 1),
            "passages_per_s": round(n / first["seconds"], 2), "reingest_s": round(again["seconds"], 1),
            "reingest_share": round(again["seconds"] / first["seconds"], 3),
            "gold_test_recall@5": round(search["recall@5"], 3), "gold_test_recall@1": round(search["recall@1"], 3),
            "search_p50_ms": round(search["p50"], 1), "other_busy_cores_before": round(others, 2)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variants", default="path,tag,passage")
    ap.add_argument("--work", type=Path, default=Path("/tmp/planqa-bench"))
    args = ap.parse_args()
    rows = [run(v.strip(), args.work) for v in args.variants.split(",") if v.strip()]
    base = rows[0]
    cols = list(rows[0])
    print("| " + " | ".join(cols) + " | speed vs first |")
    print("|" + "---|" * (len(cols) + 1))
    for r in rows:
        print("| " + " | ".join(str(r[c]) for c in cols) + f" | {r['passages_per_s'] / base['passages_per_s']:.2f}× |")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "ingest_speed.json"
    out.write_text(json.dumps({"date": time.strftime("%Y-%m-%d %H:%M"), "rows": rows}, ensure_ascii=False, indent=1))
    log(f"written {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
