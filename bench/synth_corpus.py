"""A synthetic corpus for the scale benchmark: N× the five plans of docs_src/, the same every run.

Run: .venv/bin/python bench/synth_corpus.py --scale 10 --out /tmp/planqa-bench/corpus-10x

The folder holds the five real plans and their manifest entries unchanged, plus N*5-5 variants in
the layout of docs_src/ (plan .txt files + manifest.json). A variant is one real plan under a
made-up district and city (a made-up province too when the plan's province is its city, as for
天津), every mention of the plan's own places replaced, its figures moved by 1–30% in their own
format, an annual plan's years shifted by 0–2, and some of its common words swapped for synonyms
— without the swaps a variant shares over 90% of its text with its source, and the ingest's
duplicate check (vectorstore/duplicates.py) would refuse it as the same plan. Headings, numbering
and table cells keep their shape, so a variant parses into the same sections and rows.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from itertools import product
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOCS_SRC = REPO / "docs_src"
OTHER_PLACES = REPO / "lexicon" / "other_places.txt"
SEED = 15  # issue 15: change it and every variant changes

# Made-up stems are a first syllable and a second one; the two tables share no character, so a
# stem never shows up across the seam of two joined names ('松汀' + '柏屿' holds no third stem).
FIRST = "青松柏桂梅兰荷杏桐枫椿槐榆柳苇蒲菱芸苓萱蕙芷蘅荻茱翠碧紫丹黛玄素云霞雾露霜虹岚星辰"
SECOND = "溪涧泉湾渚汀屿岙坪塬峪岗岭坳坞埠堡墩洲浦滩矶岬湄沚泾洼垭塘陂圩畈垌峁嵴坨堰"
PROVINCES = ("河北省", "山西省", "吉林省", "江苏省", "浙江省", "福建省", "江西省", "山东省", "河南省",
             "湖北省", "湖南省", "广东省", "海南省", "四川省", "贵州省", "云南省", "陕西省", "甘肃省")
# Sub-areas a plan names beside its district ('中新生态城'): renamed, keeping what kind of place they are.
PLACE_TAILS = ("生态城", "保税港区", "开发区", "新区", "区", "县", "镇", "城")
# Common words of the plans and a word meaning the same; none appears in a heading marker, a table
# header (vectorstore/tables.py reads 指标, 目标, 属性…) or an indicator's name.
SWAPS = (("加强", "强化"), ("推进", "推动"), ("提升", "提高"), ("完善", "健全"), ("积极", "主动"),
         ("进一步", "更加"), ("不断", "持续"), ("全面", "全方位"), ("加快", "加速"), ("着力", "致力"),
         ("开展", "实施"), ("深化", "深入"), ("逐步", "逐渐"), ("有效", "切实"), ("构建", "搭建"),
         ("促进", "推促"), ("实现", "达成"), ("建立", "建起"), ("重点", "要点"), ("组织", "组建"))

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# A number is a figure unless it is a year, a date, a section or item number, a document number,
# part of a name ('2型糖尿病', '5岁以下儿童', 'H7N9', '5G', bookmarks), a ratio or a range bound.
_KEEP_BEFORE = re.compile(r"(?:第|专栏\s*|[（(〔/每A-Za-z_\d.:：\-—~～至])$")
_KEEP_AFTER = re.compile(r"^(?:[月日号型）)〕A-Za-z_:：\-—~～至]|岁(?:以下|以上|及以上|及以下)|部分|章|节|条)")
_ITEM = re.compile(r"^\s*$")  # only blanks before the number on its line: a list item '1.' or '3、'


def real_names(metas: list[dict], other_places: Path = OTHER_PLACES) -> set[str]:
    """Every name a real plan is known by, with its loose forms, and the lexicon's other places."""
    names: set[str] = set()
    for m in metas:
        for n in (m["district"], m["city"], *m["aliases"]):
            names |= {n, _short(n)} if n else set()
    lines = other_places.read_text(encoding="utf-8").splitlines() if other_places.exists() else []
    return {n for n in names | {ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")} if len(n) >= 2}


def _short(name: str) -> str:
    return re.sub(r"(新区|区|县|市|省)$", "", name)


def stems(rng: random.Random, forbidden: set[str]) -> Iterator[str]:
    """Made-up two-syllable names, shuffled, none equal to, inside or holding a real name."""
    pool = ["".join(p) for p in product(FIRST, SECOND)]
    rng.shuffle(pool)
    yield from (s for s in pool if not any(s in f or f in s for f in forbidden))


def _figure(tok: str, rng: random.Random, percent: bool) -> str:
    """The number moved 1–30% up or down, written as before: '450' → '513', '80.19' → '71.02'."""
    decimals = len(tok.split(".")[1]) if "." in tok else 0
    v = float(tok)
    sign = -1 if percent and v >= 100 else rng.choice((-1, 1))  # no share above the whole
    new = v * (1 + sign * rng.uniform(0.01, 0.30))
    if percent and v <= 100:
        new = min(new, 100.0)
    out = f"{new:.{decimals}f}"
    if out == tok and v:  # too small to move by rounding: one unit of its last digit (never to 0)
        out = f"{v + (-1 if percent and v >= 100 else 1) * 10 ** -decimals:.{decimals}f}"
    return out


def perturb(text: str, rng: random.Random, year_shift: int) -> str:
    """Figures moved (the same figure the same way throughout, as a plan repeats its own figures),
    years shifted by ``year_shift``, everything else that looks like a number left alone."""
    moved: dict[str, str] = {}

    def one(m: re.Match[str]) -> str:
        tok, s, e = m.group(), m.start(), m.end()
        before, after = text[max(0, s - 3):s], text[e:e + 3]
        if re.fullmatch(r"(19|20)\d\d", tok):
            return str(int(tok) + year_shift) if tok.startswith("20") else tok
        line_start = text.rfind("\n", 0, s) + 1
        if (_KEEP_BEFORE.search(before) or _KEEP_AFTER.match(after) or tok.startswith("0") and tok[:2] != "0."
                or _ITEM.match(text[line_start:s]) and re.match(r"[、．.](?!\d)", after)):
            return tok
        key = tok + ("%" if after[:1] in "%％‰" else "")
        if key not in moved:
            moved[key] = _figure(tok, rng, key.endswith("%"))
        return moved[key]

    return _NUMBER.sub(one, text)


def rename(text: str, mapping: dict[str, str]) -> str:
    """All names replaced in one pass, longest first, so '天津东丽' is not renamed twice."""
    if not mapping:
        return text
    pattern = re.compile("|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True)))
    return pattern.sub(lambda m: mapping[m.group()], text)


def swap_words(text: str, rng: random.Random) -> str:
    """About half the swappable words in another form: each variant its own half."""
    table = dict(SWAPS)
    pattern = re.compile("|".join(sorted(table, key=len, reverse=True)))
    return pattern.sub(lambda m: table[m.group()] if rng.random() < 0.5 else m.group(), text)


def variant(meta: dict, text: str, k: int, next_stem: Callable[[], str]) -> tuple[dict, str]:
    """Variant k of one real plan: its manifest entry and its text."""
    rng = random.Random(f"{SEED}:{meta['doc_id']}:{k}")
    mapping: dict[str, str] = {}
    city = next_stem() + "市"
    mapping[meta["city"]], mapping[_short(meta["city"])] = city, _short(city)
    district = ""
    if meta["district"]:
        tail = "新区" if meta["district"].endswith("新区") else meta["district"][-1]
        district = next_stem() + tail
        mapping[meta["district"]], mapping[_short(meta["district"])] = district, _short(district)
    if meta["province"] == meta["city"]:
        province = city  # a municipality: its province is itself
    else:
        province = rng.choice(PROVINCES)
        mapping[meta["province"]], mapping[_short(meta["province"])] = province, _short(province)
    by_tail: dict[str, str] = {}
    for a in meta["aliases"]:
        tail = next((t for t in PLACE_TAILS if a.endswith(t)), "")
        if tail and a != meta["district"]:  # a sub-area ('中新天津生态城', '中新生态城' alike → one new name)
            mapping[a] = by_tail.setdefault(tail, next_stem()) + tail
    aliases = [rename(a, mapping) for a in meta["aliases"]]
    shift = k % 3 if meta["kind"] == "annual_work_plan" else 0
    new_text = swap_words(perturb(rename(text, mapping), rng, shift), rng)
    period = str(int(meta["period"]) + shift) if meta["period"].isdigit() else meta["period"]
    title = rename(meta["title"], mapping)
    if shift:
        title = title.replace(meta["period"], period)
    stem = Path(meta["source"]).stem
    return {
        **meta, "doc_id": f"{meta['doc_id']}-v{k:03d}", "source": f"{stem}-v{k:03d}.txt", "title": title,
        "province": province, "city": city, "district": district, "period": period,
        "issuer": perturb(rename(meta["issuer"], mapping), random.Random(k), shift),
        "aliases": [a for a in dict.fromkeys(aliases) if a not in meta["aliases"]],
    }, new_text


def build(scale: int, out: Path, src: Path = DOCS_SRC) -> list[dict]:
    """Write the corpus of ``scale``× the plans of ``src`` to ``out`` (emptied first); its manifest entries."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    metas: list[dict] = json.loads((src / "manifest.json").read_text(encoding="utf-8"))["documents"]
    forbidden = real_names(metas)
    pool = stems(random.Random(SEED), forbidden)
    used: list[str] = []

    def next_stem() -> str:
        s = next(pool)  # StopIteration past ~1,800 stems: far more than 100× needs
        used.append(s)
        return s

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    entries = list(metas)
    for m in metas:
        shutil.copy2(src / m["source"], out / m["source"])
    for k in range(1, scale):
        for m in metas:
            entry, text = variant(m, (src / m["source"]).read_text(encoding="utf-8"), k, next_stem)
            (out / entry["source"]).write_text(text, encoding="utf-8")
            entries.append(entry)
    assert len(set(used)) == len(used), "a made-up name was used twice"
    clash = [n for e in entries[len(metas):] for n in (e["district"], e["city"], *e["aliases"])
             if n and any(r in n or n in r for r in forbidden)]
    assert not clash, f"made-up names that hold a real one: {clash[:5]}"
    (out / "manifest.json").write_text(json.dumps({"documents": entries}, ensure_ascii=False, indent=1) + "\n",
                                       encoding="utf-8")
    return entries


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=int, required=True, help="N: the corpus holds N× the five plans")
    ap.add_argument("--out", type=Path, required=True, help="folder to write (replaced if it exists)")
    args = ap.parse_args()
    entries = build(args.scale, args.out)
    print(f"{len(entries)} plans in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
