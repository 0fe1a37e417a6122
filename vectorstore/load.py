"""Read plan files (.txt, .md, .docx, .pdf) into PlanQA's canonical text form (see LoadedText).

Only reading happens here: text is decoded and laid out in the canonical form, nothing is cleaned.
Every failure on bad input is a LoadError subclass whose message names the file and the reason.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import charset_normalizer
import docx
import pypdf
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import XmlPart
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from vectorstore.errors import EmptyDocumentError, LoadError, NoTextLayerError, UnsupportedFormatError
from vectorstore.points import chinese_numeral
from vectorstore.types import LoadedText

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".docx", ".pdf")

# A line that already carries its own number: 第一部分, 一、, （一）, 1., 1.2, ①.
_CN_NUM = "一二三四五六七八九十百千零〇"
_LEADING_NUMBER = re.compile(
    rf"^\s*(?:第[{_CN_NUM}\d]+[章节条部分篇编]|[（(][{_CN_NUM}\d]+[）)]|[{_CN_NUM}]+[、.．]"
    r"|\d+(?:[.．]\d+)*[.．、)）](?!\d)|\d+(?:[.．]\d+)+(?=\s)|[①-⒇㈠-㈩])"
)
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)
_SENTENCE_END = ("。", "；", "：", "！", "？", ";", ":", "!", "?")
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—－]\s*\d+\s*[-–—－]|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d+"
    r"|page\s*\d+(?:\s*of\s*\d+)?)\s*$",
    re.IGNORECASE,
)
_PDF_EDGE_LINES = 2  # headers/footers/page numbers are looked for only this close to a page's edge
_PDF_MIN_CHARS_PER_PAGE = 16  # below this a PDF is a scan (a scanner stamp or page number is not text)


def load_file(path: Path) -> LoadedText:
    """Read one plan file into canonical text, dispatching on its (case-insensitive) suffix.

    Bad input raises only LoadError (or a subclass), its message naming the file and the reason.
    """
    path = Path(path)
    name, suffix = str(path), path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        supported = ", ".join(SUPPORTED_SUFFIXES)
        reason = f"unsupported file type {suffix or '(none)'!r}; supported: {supported}; convert it to one"
        raise UnsupportedFormatError(name, reason)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(name, f"cannot read file: {exc.strerror or exc}") from exc
    if not data.strip():
        raise EmptyDocumentError(name, "file is empty")
    encoding = "utf-8"  # binary formats yield Unicode text directly; only text files have a real one
    try:
        if suffix in (".txt", ".md"):
            text, encoding = _decode_text(name, data)
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        else:
            text = _docx_text(name, data) if suffix == ".docx" else _pdf_text(name, data)
    except LoadError:
        raise
    except Exception as exc:  # parsers raise arbitrary types on damaged input; never leak a traceback
        raise LoadError(name, f"cannot parse as {suffix}: {type(exc).__name__}: {exc}") from exc
    if not text.strip():
        raise EmptyDocumentError(name, "file contains no text")
    return LoadedText(path=name, text=text, fmt=suffix[1:], encoding=encoding)


# A plan of a few hundred pages unpacks to a few MB; more than this is a zip bomb or a damaged file.
MAX_DOCX_UNPACKED = 100_000_000
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _decode_text(name: str, data: bytes) -> tuple[str, str]:
    """Decode bytes, returning (text, encoding); a BOM is stripped."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding), encoding  # strict: bad bytes after a BOM mean a damaged file
    # Strict decoders first: UTF-8 almost never validates by accident, and government files that are not
    # UTF-8 are nearly always GBK; GB18030 is its superset for the rare character GBK lacks.
    # charset-normalizer is the last resort: on short Chinese texts it often guesses a wrong codec.
    for encoding in ("utf-8", "gbk", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise LoadError(name, "cannot detect the text encoding (tried UTF-8, GBK, GB18030); save it as UTF-8")
    return str(best), best.encoding


def _val(element: Any, tag: str) -> str | None:
    """The w:val attribute of element's first `tag` child, or None."""
    child = element.find(qn(tag)) if element is not None else None
    return None if child is None else child.get(qn("w:val"))


_NUM_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "chineseCounting": chinese_numeral,
    "chineseCountingThousand": chinese_numeral,
    "ideographDigital": lambda n: "".join("〇一二三四五六七八九"[int(d)] for d in str(n)),
    "ideographTraditional": lambda n: "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10],  # OOXML: the heavenly stems
    "lowerLetter": lambda n: chr(97 + (n - 1) % 26) * ((n - 1) // 26 + 1),
    "upperLetter": lambda n: chr(65 + (n - 1) % 26) * ((n - 1) // 26 + 1),
    "decimalEnclosedCircle": lambda n: chr(0x245F + n) if 0 < n <= 20 else str(n),
    "decimalEnclosedCircleChinese": lambda n: chr(0x245F + n) if 0 < n <= 20 else str(n),
    "decimalEnclosedParen": lambda n: chr(0x2473 + n) if 0 < n <= 20 else f"({n})",
    "none": lambda n: "",
}


class _Numbering:
    """Renders Word's automatic list numbers as Word displays them, counting as the document is walked."""

    def __init__(self, document: Document) -> None:
        self._levels: dict[str, dict[int, tuple[int, str, str]]] = {}  # numId → ilvl → (start, fmt, text)
        self._counters: dict[str, dict[int, int]] = {}  # numId → ilvl → current value
        try:
            root = cast(XmlPart, document.part.part_related_by(RT.NUMBERING)).element
        except KeyError:
            return  # no numbering part: the document has no lists
        for num in root.iterchildren(qn("w:num")):
            abstract = f'w:abstractNum[@w:abstractNumId="{_val(num, "w:abstractNumId")}"]/w:lvl'
            lvls = {int(lv.get(qn("w:ilvl"), "0")): lv for lv in root.xpath(abstract)}
            starts: dict[int, str | None] = {}
            for override in num.iterchildren(qn("w:lvlOverride")):  # a num may restart or redefine a level
                ilvl = int(override.get(qn("w:ilvl"), "0"))
                if (redefined := override.find(qn("w:lvl"))) is not None:
                    lvls[ilvl] = redefined
                starts[ilvl] = _val(override, "w:startOverride")
            self._levels[num.get(qn("w:numId"))] = {
                ilvl: (
                    int(starts.get(ilvl) or _val(lv, "w:start") or 1),
                    _val(lv, "w:numFmt") or "decimal",
                    _val(lv, "w:lvlText") or "",
                )
                for ilvl, lv in lvls.items()
            }

    def next_label(self, num_id: str, ilvl: int) -> str:
        """Advance the (num_id, ilvl) counter and return the rendered label, e.g. "一、", "（二）", "3."."""
        levels = self._levels.get(num_id, {})
        if ilvl not in levels:
            return ""  # numId 0 or an undefined list: Word shows no number either
        counters = self._counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl][0] - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:  # a shallower level advancing restarts deeper ones
            del counters[deeper]
        if levels[ilvl][1] == "bullet":
            return ""  # bullet glyphs are often private-use symbol-font characters: noise, not numbers

        def render(match: re.Match[str]) -> str:
            start, fmt, _ = levels.get(int(match.group(1)) - 1, (1, "decimal", ""))
            return _NUM_FORMATS.get(fmt, str)(counters.get(int(match.group(1)) - 1, start))

        return re.sub(r"%([1-9])", render, levels[ilvl][2])


class _DocxRenderer:
    """Walks a document body in order, rendering paragraphs and tables in the canonical form."""

    # Runs sit directly in the paragraph or inside these wrappers; deeper w:t (text boxes, the fallback
    # copy inside mc:AlternateContent) would duplicate or misplace text.
    _RUNS = "./w:r | ./w:hyperlink/w:r | ./w:ins/w:r | ./w:smartTag/w:r | ./w:fldSimple/w:r | ./w:sdt/w:sdtContent/w:r"

    def __init__(self, document: Document) -> None:
        self._document = document
        self._numbering = _Numbering(document)

    def lines(self, parent: Any) -> Iterator[str]:
        for child in parent.iterchildren():
            if child.tag == qn("w:p"):
                yield self._paragraph(child, in_table=False)
            elif child.tag == qn("w:tbl"):
                yield from self._table(child)
            elif child.tag == qn("w:sdt"):  # content controls wrap ordinary body content
                yield from self.lines(child.find(qn("w:sdtContent")))

    def _paragraph(self, p: Any, in_table: bool) -> str:
        # Tabs become spaces: in the canonical form a leading tab would mark a table cell.
        text = "".join(r.text for r in p.xpath(self._RUNS)).replace("\t", " ")
        para = Paragraph(p, self._document)
        label = self._numbering.next_label(*ref) if (ref := self._num_ref(p, para)) else ""
        if not text.strip():
            return ""
        if label:
            return text if _LEADING_NUMBER.match(text) else label + text
        heading = _HEADING_STYLE.match(para.style.name or "") if para.style is not None else None
        if heading and not in_table and not _LEADING_NUMBER.match(text):
            return "#" * int(heading.group(1)) + " " + text.strip()
        return text

    @staticmethod
    def _num_ref(p: Any, para: Paragraph) -> tuple[str, int] | None:
        """(numId, ilvl) from the paragraph's own numPr, else inherited from its style chain."""
        num_id, ilvl = None, None
        sources, style = [p.pPr], para.style
        while style is not None and len(sources) < 10:  # bounded: a damaged file may chain styles in a loop
            sources.append(style.element.pPr)
            style = style.base_style
        for ppr in sources:
            num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
            num_id = num_id or _val(num_pr, "w:numId")
            ilvl = ilvl if ilvl is not None else _val(num_pr, "w:ilvl")
        return (num_id, int(ilvl or 0)) if num_id else None

    def _table(self, tbl: Any) -> Iterator[str]:
        yield ""
        for tr in tbl.xpath("./w:tr | ./w:sdt/w:sdtContent/w:tr"):
            for tc in tr.xpath("./w:tc | ./w:sdt/w:sdtContent/w:tc"):
                v_merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
                if v_merge is not None and v_merge.get(qn("w:val"), "continue") != "restart":
                    yield "\t"  # continuation of a vertical merge: the plans' "same as above" empty cell
                else:  # a gridSpan (horizontal merge) is a single w:tc, so it is emitted once
                    yield "\t" + self._cell(tc)
            yield ""
        yield ""

    def _cell(self, tc: Any) -> str:
        paragraphs = tc.xpath("./w:p | ./w:sdt/w:sdtContent/w:p | ./w:tbl//w:tc/w:p")
        parts = [t for p in paragraphs if (t := self._paragraph(p, in_table=True).strip())]
        out = parts[0] if parts else ""
        for prev, cur in zip(parts, parts[1:], strict=False):
            # Word wraps long cell text into paragraphs mid-sentence; only a sentence end is a real break,
            # kept as a continuation line (no tab) under the cell line.
            out += ("\n" if prev.endswith(_SENTENCE_END) else "") + cur
        return out


def _docx_text(name: str, data: bytes) -> str:
    unpacked = _unpacked_size(data)
    if unpacked > MAX_DOCX_UNPACKED:
        # A zip bomb dressed as .docx: refused from its directory, before anything is decompressed.
        raise LoadError(name, f"unpacks to {unpacked / 1e6:,.0f} MB, more than the {MAX_DOCX_UNPACKED / 1e6:.0f} MB "
                              f"any plan's .docx needs; not read (a damaged or malicious file): re-save it in Word")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # BadZipFile, KeyError, XMLSyntaxError, ValueError ... all mean "not a docx"
        reason = f"not a readable .docx ({type(exc).__name__}: {exc}); re-save .doc/WPS files as .docx"
        raise LoadError(name, reason) from exc
    return "\n".join(_DocxRenderer(document).lines(document.element.body))


def _unpacked_size(data: bytes) -> int:
    """What a .docx (a zip) says its members unpack to; 0 when it is no zip (the reader says why)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, ValueError):
        return 0


def _pdf_text(name: str, data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))  # damaged files raise; load_file reports them as LoadError
    if reader.is_encrypted and not reader.decrypt(""):  # an owner-only password still opens with ""
        raise LoadError(name, "PDF is password-protected; remove the password or supply the .docx/.txt")
    # Tabs become spaces: in the canonical form a leading tab would mark a table cell.
    pages = _strip_page_furniture(
        [(page.extract_text() or "").replace("\t", " ").split("\n") for page in reader.pages]
    )
    text = "\n".join("\n".join(lines) for lines in pages)
    if len(re.sub(r"\s", "", text)) < _PDF_MIN_CHARS_PER_PAGE * max(len(pages), 1):
        raise NoTextLayerError(name, "no text layer (scanned PDF?) — OCR it first or supply the .docx/.txt")
    return text


def _strip_page_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Drop page-number lines and headers/footers repeated on most pages, looking only near page edges."""

    def key(line: str) -> str:  # "第3页" and "第4页" are the same footer
        return re.sub(r"\d+", "#", re.sub(r"\s", "", line))

    def edges(lines: list[str]) -> set[int]:
        filled = [i for i, line in enumerate(lines) if line.strip()]
        return set(filled[:_PDF_EDGE_LINES] + filled[-_PDF_EDGE_LINES:])

    counts = Counter(k for lines in pages for k in {key(lines[i]) for i in edges(lines)})
    repeated = {k for k, c in counts.items() if len(pages) >= 2 and c >= max(2, (len(pages) + 1) // 2)}
    cleaned = []
    for lines in pages:
        edge = edges(lines)
        furniture = {i for i in edge if _PAGE_NUMBER.match(lines[i]) or key(lines[i]) in repeated}
        kept = [line for i, line in enumerate(lines) if i not in furniture]
        # Blank lines at a page's ends are layout, not paragraph breaks: pages join like wrapped lines.
        cleaned.append("\n".join(kept).strip("\n").split("\n"))
    return cleaned
