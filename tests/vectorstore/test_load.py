"""vectorstore.load on real files built from the plans in docs_src (see make_fixtures.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from vectorstore.errors import EmptyDocumentError, LoadError, NoTextLayerError, UnsupportedFormatError
from vectorstore.load import SUPPORTED_SUFFIXES, load_file


def _fixture_module() -> ModuleType:
    # Loaded by path so the test works whatever pytest import mode or package layout tests/ gets.
    spec = importlib.util.spec_from_file_location(
        "make_fixtures", Path(__file__).with_name("make_fixtures.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


mf = _fixture_module()


@pytest.fixture(scope="session")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return mf.make_fixtures(tmp_path_factory.mktemp("load-fixtures"))


@pytest.fixture(scope="session")
def docx_text(files: dict[str, Path]) -> str:
    loaded = load_file(files["docx"])
    assert loaded.fmt == "docx"
    return loaded.text


# --- text files ---------------------------------------------------------------------------------------


def test_gbk_crlf_text_reads_back_as_the_original_chinese(files: dict[str, Path]) -> None:
    loaded = load_file(files["gbk"])
    assert loaded.encoding in ("gbk", "gb18030")
    assert loaded.text == mf.plan_text(mf.DONGLI)  # CRLF normalised to LF, nothing else changed
    assert "\r" not in loaded.text
    assert "辖区人均期望寿命由2015年的80.32岁上升至2020年的81.15岁" in loaded.text


def test_utf8_bom_is_stripped(files: dict[str, Path]) -> None:
    loaded = load_file(files["bom"])
    assert loaded.encoding == "utf-8-sig"
    assert not loaded.text.startswith("\ufeff")
    assert loaded.text == mf.plan_text(mf.BINHAI)


def test_plain_utf8_markdown_with_cr_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "notes.MD"
    path.write_bytes("# 东丽区\r（一）健全爱卫会\r\n".encode())
    loaded = load_file(path)
    assert (loaded.fmt, loaded.encoding, loaded.text) == ("md", "utf-8", "# 东丽区\n（一）健全爱卫会\n")


# --- Word ---------------------------------------------------------------------------------------------


def test_docx_headings_without_a_number_become_hash_lines(docx_text: str) -> None:
    lines = docx_text.split("\n")
    assert lines[0] == "# " + mf.PLAN_TITLE
    assert "## " + mf.TABLE_TITLE in lines  # the Chinese style name 标题 2 counts as a heading too
    assert "第四部分“十四五”东丽区卫生健康改革规划重点任务" in lines  # own number: no '#'
    assert not any(line.startswith("#") and "第四部分" in line for line in lines)


def test_docx_automatic_numbering_is_rendered_and_restarts(docx_text: str) -> None:
    expected = [
        "一、落实健康中国政策，提升健康",
        "（一）健全爱卫会（健康东丽行",
        "（二）积极落实“健康中国20",
        "二、构建居民全生命周期健康管理",
        "（一）加强人口监测，落实国家生",  # （一） again: a shallower level advanced
        "1.结合东丽区实际情况探索建",
        "2.完善生育服务管理，促进生育",  # typed "2." kept, no "2.2."
        "（二）继续完善妇幼健康服务体系",
        "1.加强妇幼健康服务体系建设、",  # restarted under the new （二）
        "1.东丽医院“十四五”期间将建",  # numbering inherited from the List Number style
        "2.东丽中医医院发挥自身中医特",
    ]
    lines = docx_text.split("\n")[2 : 2 + len(expected)]
    assert [line[: len(prefix)] for line, prefix in zip(lines, expected, strict=True)] == expected
    assert "2.2." not in docx_text


def test_docx_merged_cell_table_comes_out_in_the_plans_own_canonical_form(docx_text: str) -> None:
    # The whole indicator table reads back exactly as the plan ships it.
    assert mf.table_block(mf.DONGLI, "领域") in docx_text
    rows = docx_text.split("\n\n")
    assert "\t" + mf.TABLE_TITLE in rows  # horizontally merged title: emitted once
    assert rows.count("\t" + mf.TABLE_TITLE) == 1
    assert "\t健康水平\n\t人均期望寿命（岁）\n\t81.15\n\t82" in rows
    assert "\t\n\t婴儿死亡率（‰）\n\t3.03\n\t<3.03" in rows  # vertical merge continuation: "\t"
    assert "\t\n\t孕产妇死亡率（‰）\n\t0\n\t0" in rows
    # A cell Word wrapped mid-phrase into two paragraphs is joined with no separator.
    assert "\t健康服务提供\n\t每千常住人口医疗卫生机构床位数（张）\n\t2.16\n\t2.6" in rows


def test_docx_tables_have_blank_lines_around_them(docx_text: str) -> None:
    assert "\n## " + mf.TABLE_TITLE + "\n\n\t" + mf.TABLE_TITLE + "\n\n" in docx_text
    assert "\t60%\n\n\n到2025年，每个街道办事处" in docx_text


def test_docx_cell_sentences_become_continuation_lines(docx_text: str) -> None:
    box = mf.table_block(mf.DANDONG, "专栏1 公共卫生防控救治能力建设工程")
    assert "控制体系。\n完善现有传染病监测体系。" in box  # the plan: sentences continue the cell line
    # Each sentence of the cell was a Word paragraph: after 。 a continuation line (no tab) ...
    assert "\t建设现代化疾病预防控制体系。" in docx_text
    assert "控制体系。\n完善现有传染病监测体系。" in docx_text
    # ... but the plan's own mid-sentence break (推进卫生 / 监督执法) is a wrap and is joined up.
    assert "推进卫生\n监督执法" in box
    assert box.replace("推进卫生\n监督执法", "推进卫生监督执法") in docx_text


# --- PDF ----------------------------------------------------------------------------------------------


def test_text_pdf_gives_the_plan_text_without_headers_and_page_numbers(files: dict[str, Path]) -> None:
    loaded = load_file(files["pdf"])
    assert loaded.fmt == "pdf"
    lines = loaded.text.split("\n")
    assert mf.PDF_SENTENCE in lines
    assert lines[0] == "第一部分“十三五”东丽区卫生健康事业发展的主要成就"
    assert mf.PLAN_TITLE not in loaded.text  # running header repeated on every page
    assert not {"- 1 -", "- 2 -", "- 3 -"} & set(lines)
    assert "" not in lines[:-1]  # pages join without invented paragraph breaks


def test_scanned_pdf_says_it_has_no_text_layer(files: dict[str, Path]) -> None:
    with pytest.raises(NoTextLayerError, match="no text layer") as info:
        load_file(files["scanned"])
    assert "scanned.pdf" in str(info.value)
    assert "OCR" in str(info.value)


def test_copy_protected_pdf_opens_without_a_password(files: dict[str, Path]) -> None:
    assert mf.PDF_SENTENCE in load_file(files["restricted"]).text.split("\n")


def test_encrypted_pdf_is_a_load_error_with_the_reason(files: dict[str, Path]) -> None:
    with pytest.raises(LoadError, match=r"encrypted\.pdf: .*password"):
        load_file(files["encrypted"])


# --- bad input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "error", "reason"),
    [
        ("corrupt_docx", LoadError, "not a readable .docx"),
        ("corrupt_pdf", LoadError, "cannot parse as .pdf"),
        ("empty", EmptyDocumentError, "empty"),
        ("blank", EmptyDocumentError, "no text"),
    ],
)
def test_bad_files_raise_the_right_error_naming_the_file(
    files: dict[str, Path], name: str, error: type[LoadError], reason: str
) -> None:
    with pytest.raises(error) as info:
        load_file(files[name])
    assert files[name].name in str(info.value)
    assert reason in info.value.reason


def test_unsupported_suffix_names_it_and_the_supported_list(tmp_path: Path) -> None:
    path = tmp_path / "东丽区规划.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0 old Word binary")
    with pytest.raises(UnsupportedFormatError) as info:
        load_file(path)
    message = str(info.value)
    assert "东丽区规划.doc" in message and "'.doc'" in message
    assert all(suffix in message for suffix in SUPPORTED_SUFFIXES)


def test_missing_file_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="missing.txt: cannot read file"):
        load_file(tmp_path / "missing.txt")
