"""Ingest, stage 1 — the plan files read: found under the folders given, loaded, cleaned, described
(by the folder's manifest, else from the text) and hashed; and a plan already indexed under another
file name found, so it is not indexed twice.

    discover([Path("docs_src")]) → [Path("docs_src/tianjin-dongli-health-14th-fyp.txt"), …]
    prepare(path, {}).content_hash → "9f2c…" (changes with the text, its description or PIPELINE_VERSION)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from vectorstore.clean import clean_text
from vectorstore.duplicates import TwinIndex
from vectorstore.errors import LoadError
from vectorstore.index import Build, DocRecord
from vectorstore.manifest import MANIFEST_NAME, infer_meta, load_manifest
from vectorstore.types import DocMeta

# Bump when cleaning, parsing or chunking changes: every document is then re-chunked and re-embedded.
PIPELINE_VERSION = "2"
SKIP_NAMES = {MANIFEST_NAME, "README.md", "readme.md"}


@dataclass
class Prepared:
    meta: DocMeta
    path: Path
    cleaned: str
    content_hash: str


def discover(paths: Iterable[Path]) -> list[Path]:
    """The files under the given files and folders (manifest, READMEs, hidden files and Word's
    '~$' lock files skipped). A file of a type we cannot read is kept, so that the report names
    it instead of leaving the user to wonder why '规划.doc' never shows up."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(
                f for f in sorted(p.rglob("*"))
                if f.is_file() and f.name not in SKIP_NAMES and not f.name.startswith((".", "~$"))
                and not any(part.startswith(".") for part in f.relative_to(p).parts[:-1])
            )
        else:
            out.append(p)
    return out


def prepare(path: Path, manifests: dict[Path, dict[str, DocMeta]]) -> Prepared:
    from vectorstore.load import load_file

    if not path.exists():
        raise LoadError(str(path), "file not found")
    loaded = load_file(path)
    cleaned = clean_text(loaded.text)
    if not cleaned.strip():
        raise LoadError(str(path), "no text left after cleaning")
    folder = path.parent.resolve()
    if folder not in manifests:
        manifests[folder] = load_manifest(folder)
    meta = manifests[folder].get(path.name) or infer_meta(path.name, cleaned)
    h = hashlib.sha256(
        (PIPELINE_VERSION + json.dumps(meta.as_dict(), ensure_ascii=False, sort_keys=True) + cleaned).encode()
    ).hexdigest()
    return Prepared(meta, path, cleaned, h)


def twin_of(new: Prepared, final: dict[str, DocRecord | Prepared], old: Build | None,
          twins: TwinIndex) -> tuple[str, float] | None:
    """An indexed (or just prepared) plan that is the same plan as ``new``, with their overlap."""
    for doc_id, item in final.items():
        if doc_id in twins:
            continue
        if isinstance(item, Prepared):
            twins.add(doc_id, item.meta.title, item.cleaned)
        elif old is not None:
            twins.add(doc_id, item.meta.title, old.doc_text(doc_id))
    return twins.find(new.meta.title, new.cleaned, among=final)
