"""Build real loader fixtures from the plans in docs_src: GBK and BOM text, a Word file, PDFs, broken files.

Used by tests/vectorstore/test_load.py (written into a pytest tmp dir) and runnable by hand:

    python tests/vectorstore/make_fixtures.py OUTDIR

Needs python-docx, pypdf, Pillow and reportlab (its built-in CID font STSong-Light draws Chinese text
with no font file, so no system font package is needed).
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import docx
import pypdf
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

DOCS_SRC = Path(__file__).resolve().parents[2] / "docs_src"
DONGLI = "tianjin-dongli-health-14th-fyp.txt"
DANDONG = "dandong-zhenan-health-14th-fyp.txt"
BINHAI = "tianjin-binhai-2021-health-shortfall-plan.txt"

PLAN_TITLE = "天津市东丽区卫生健康事业发展“十四五”规划"
TABLE_TITLE = "“十四五”东丽区卫生健康规划主要预期指标"
PDF_SENTENCE = "（七）辖区人均期望寿命由2015年的80.32岁上升至2020年的81.15岁。"
_NUMBER_PREFIX = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)")


def plan_text(name: str) -> str:
    """A plan from docs_src exactly as shipped (UTF-8, canonical form)."""
    return (DOCS_SRC / name).read_text(encoding="utf-8")


def plan_lines(name: str) -> list[str]:
    """The plan's lines with Word's '[bookmark: …]' export markers removed."""
    return [re.sub(r"\[bookmark: [^\]]*\]", "", line) for line in plan_text(name).split("\n")]


def plan_line(name: str, prefix: str) -> str:
    """The first line of a plan starting with `prefix` (fails loudly if the plan text changed)."""
    found = [line for line in plan_lines(name) if line.startswith(prefix)]
    assert found, f"{name}: no line starts with {prefix!r}"
    return found[0]


def table_block(name: str, first_cell: str) -> str:
    """A table of a plan in canonical form, from the row whose first cell is `first_cell` to its end."""
    lines = plan_lines(name)
    start = lines.index("\t" + first_cell)
    end = start
    while not (lines[end] == "" and not lines[end + 1].startswith("\t")):  # a row ends, no row follows
        end += 1
    return "\n".join(lines[start : end + 1]) + "\n"


def table_rows(block: str) -> list[list[str]]:
    """Rows of a canonical table block: cell lines without their tab, continuation lines as they are."""
    rows = block.strip("\n").split("\n\n")
    return [[line[1:] if line.startswith("\t") else line for line in row.split("\n")] for row in rows]


def _numbered(document: WordDocument, text: str, num_id: int, ilvl: int, style: str | None = None) -> None:
    """A paragraph with Word automatic numbering (numPr), as Word writes it."""
    paragraph: Paragraph = document.add_paragraph(text, style=style)
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = num_id


def _add_plan_numbering(document: WordDocument, num_id: int) -> None:
    """A multi-level list the way Chinese plans number: 一、 / （一） / 1."""
    numbering = document.part.numbering_part.element
    levels = (("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3."))
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
        '<w:lvlJc w:val="left"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{num_id}">'
        f'<w:multiLevelType w:val="multilevel"/>{lvls}</w:abstractNum>'
    )
    numbering.find(qn("w:num")).addprevious(abstract)  # schema order: every abstractNum before any num
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{num_id}"/></w:num>')
    )


def make_docx(path: Path) -> None:
    """A plan excerpt as Word writes it: heading styles, automatic numbering, merged-cell tables."""
    document = docx.Document()
    chinese_heading = document.styles.add_style("标题 2", WD_STYLE_TYPE.PARAGRAPH)
    chinese_heading.font.size = Pt(15)
    _add_plan_numbering(document, num_id=90)

    def strip(prefix: str, name: str = DONGLI) -> str:
        return _NUMBER_PREFIX.sub("", plan_line(name, prefix), count=1)

    document.add_paragraph(PLAN_TITLE, style="Heading 1")
    document.add_paragraph(plan_line(DONGLI, "第四部分"), style="Heading 1")  # carries its own number
    _numbered(document, strip("一、落实健康中国政策"), 90, 0, style="Heading 2")
    _numbered(document, strip("（一）健全爱卫会"), 90, 1)
    _numbered(document, strip("（二）积极落实“健康中国2030”"), 90, 1)
    _numbered(document, strip("二、构建居民全生命周期健康管理"), 90, 0, style="Heading 2")
    _numbered(document, strip("（一）加强人口监测"), 90, 1)
    _numbered(document, strip("1.结合东丽区实际情况"), 90, 2)
    _numbered(document, plan_line(DONGLI, "2.完善生育服务管理"), 90, 2)  # typed number: no second one
    _numbered(document, strip("（二）继续完善妇幼健康服务体系"), 90, 1)
    _numbered(document, strip("1.加强妇幼健康服务体系建设"), 90, 2)
    document.add_paragraph(strip("1.东丽医院“十四五”期间"), style="List Number")  # numbering from the style
    document.add_paragraph(strip("2.东丽中医医院发挥自身中医特色"), style="List Number")
    document.add_paragraph(TABLE_TITLE, style="标题 2")

    rows = table_rows(table_block(DONGLI, "领域"))
    table = document.add_table(rows=len(rows) + 1, cols=4)
    table.style = "Table Grid"
    table.cell(0, 0).merge(table.cell(0, 3)).text = TABLE_TITLE  # horizontal merge: one gridSpan cell
    for r, row in enumerate(rows, start=1):
        if row[0]:  # a new 领域: merge it down over the following rows whose first cell is empty
            last = r
            while last < len(rows) and not rows[last][0]:
                last += 1
            table.cell(r, 0).merge(table.cell(last, 0)).text = row[0]
        for c, value in enumerate(row[1:], start=1):
            cell = table.cell(r, c)
            if value == "每千常住人口医疗卫生机构床位数（张）":  # Word wrapped this cell into two paragraphs
                cell.text = "每千常住人口"
                cell.add_paragraph("医疗卫生机构床位数（张）")
            else:
                cell.text = value
    document.add_paragraph(plan_line(DONGLI, "到2025年，每个街道办事处"))

    box = table_rows(table_block(DANDONG, "专栏1 公共卫生防控救治能力建设工程"))
    column = document.add_table(rows=len(box), cols=1)
    for r, row in enumerate(box):
        cell = column.cell(r, 0)
        cell.text = row[0]
        for sentence in row[1:]:  # each sentence of the box is its own paragraph in Word
            cell.add_paragraph(sentence)
    document.save(str(path))


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy line breaking for Chinese text, which may break between any two characters."""
    lines, line = [], ""
    for char in text:
        if pdfmetrics.stringWidth(line + char, font, size) > width:
            lines.append(line)
            line = ""
        line += char
    return [*lines, line] if line else lines


def make_text_pdf(path: Path) -> None:
    """A three-page plan excerpt with a running header and '- n -' page numbers, as printed plans have."""
    font, size, leading = "STSong-Light", 11, 17
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    width, height = A4
    body = [line for line in plan_lines(DONGLI)[4:27] if line.strip()]
    lines = [wrapped for paragraph in body for wrapped in _wrap(paragraph, font, size, width - 144)]
    assert PDF_SENTENCE in lines, "the known sentence must fit on one PDF line"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    per_page = int((height - 180) // leading)
    for page, start in enumerate(range(0, len(lines), per_page), start=1):
        pdf.setFont(font, 9)
        pdf.drawCentredString(width / 2, height - 50, PLAN_TITLE)
        pdf.setFont(font, size)
        for i, line in enumerate(lines[start : start + per_page]):
            pdf.drawString(72, height - 90 - i * leading, line)
        pdf.drawCentredString(width / 2, 40, f"- {page} -")
        pdf.showPage()
    pdf.save()


def make_scanned_pdf(path: Path) -> None:
    """An image-only page, like a scanner's output: grey bars where the text lines would be."""
    page = Image.new("L", (827, 1169), 255)
    draw = ImageDraw.Draw(page)
    for y in range(120, 1050, 36):
        draw.rectangle((100, y, 727 if y % 180 else 500, y + 14), fill=90)
    page.save(path, "PDF", resolution=100.0)


def make_fixtures(outdir: Path) -> dict[str, Path]:
    """Write every fixture into outdir; returns them by short name."""
    outdir.mkdir(parents=True, exist_ok=True)
    paths = {
        name: outdir / file
        for name, file in {
            "gbk": "dongli-gbk.txt",
            "bom": "binhai-utf8-bom.txt",
            "docx": "dongli.docx",
            "pdf": "dongli.pdf",
            "scanned": "scanned.pdf",
            "encrypted": "encrypted.pdf",
            "restricted": "restricted.pdf",
            "corrupt_pdf": "corrupt.pdf",
            "corrupt_docx": "corrupt.docx",
            "empty": "empty.txt",
            "blank": "blank.txt",
        }.items()
    }
    # Government files saved on Windows: GBK with CRLF line ends.
    paths["gbk"].write_bytes(plan_text(DONGLI).replace("\n", "\r\n").encode("gbk"))
    paths["bom"].write_bytes(plan_text(BINHAI).encode("utf-8-sig"))
    make_docx(paths["docx"])
    make_text_pdf(paths["pdf"])
    make_scanned_pdf(paths["scanned"])
    writer = pypdf.PdfWriter(clone_from=paths["pdf"])
    writer.encrypt("secret", algorithm="RC4-128")  # RC4 needs no extra crypto package
    writer.write(paths["encrypted"])
    # How government sites publish: AES, no password to open, an owner password against copying.
    writer = pypdf.PdfWriter(clone_from=paths["pdf"])
    writer.encrypt("", owner_password="owner", algorithm="AES-128")  # needs pypdf[crypto]
    writer.write(paths["restricted"])
    noise = random.Random(20210426)
    paths["corrupt_pdf"].write_bytes(b"%PDF-1.7\n" + noise.randbytes(4096))
    paths["corrupt_docx"].write_bytes(noise.randbytes(4096))
    paths["empty"].write_bytes(b"")
    paths["blank"].write_bytes(" \r\n\t\n\u3000\u3000\n".encode())
    return paths


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/vectorstore/make_fixtures.py OUTDIR")
    for name, path in make_fixtures(Path(sys.argv[1])).items():
        print(f"{name:12} {path}")
