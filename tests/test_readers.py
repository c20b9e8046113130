"""Readers for PDF, XLSX, XLS and DOCX: the rows they give, merged-cell fill, refusals, round trips."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from build_docs import CJK_FONT, write_docx, write_pdf, write_xls, write_xlsx

from corpus.errors import REFUSAL_REASONS, UnreadableFileError
from corpus.load import READERS, load
from corpus.model import (
    Budget,
    BudgetLine,
    Document,
    Goals,
    Indicator,
    Measure,
    Project,
    Source,
)
from corpus.parse import parse_file, parse_loaded
from corpus.readers import cell_text, format_number, read_docx, read_pdf, read_xls, read_xlsx, render_value

logging.getLogger("fontTools").setLevel(logging.ERROR)  # fpdf2's font subsetting chatters on stderr

@pytest.fixture(scope="session")
def cjk_font() -> Path:
    """The CJK font the PDF writer draws with; missing means the set-up step was not run (a failure)."""
    assert CJK_FONT.is_file(), f"{CJK_FONT} missing: run `make browser` (apt-get install fonts-wqy-zenhei)"
    return CJK_FONT


needs_font = pytest.mark.usefixtures("cjk_font")

# --- a small hand-made document, so reader tests do not depend on the parser ---------------------

_SRC = Source(file="t.txt", line=1)


def _indicator(l1: str, l2: str, name: str, target: str, actual: str, weight: str, score: str) -> Indicator:
    return Indicator(
        level1=l1,
        level2=l2,
        name=name,
        target=Measure(text=target),
        actual=Measure(text=actual),
        weight=Decimal(weight),
        score=Decimal(score),
        note="",
        source=_SRC,
    )


def _project(name: str, indicators: tuple[Indicator, ...]) -> Project:
    lines = tuple(
        BudgetLine(
            label=label, planned=Decimal(v), adjusted=Decimal(v), spent=Decimal(v), rate=Decimal("100.00")
        )
        for label, v in (("appropriation", "2431.73"), ("carryover", "0.00"), ("other", "0.00"))
    )
    budget = Budget(
        unit="万元",
        planned=Decimal("2431.73"),
        adjusted=Decimal("2431.73"),
        spent=Decimal("616.70"),
        weight=Decimal("10.00"),
        rate=Decimal("98.20"),
        score=Decimal("9.82"),
        lines=lines,
        source=_SRC,
    )
    return Project(
        name=name,
        kind="self_evaluation",
        document="t.txt",
        year=2023,
        department="上海市生态环境局",
        implementer="上海市生态环境局",
        budget=budget,
        funding=None,
        goals=Goals(),
        indicators=indicators,
        total_score=Decimal("96.82"),
        total_weight=Decimal("100.00"),
        grade="优",
        source=_SRC,
    )


def _tiny(indicator_count: int = 3) -> Document:
    base = [
        ("产出指标", "数量指标", "报告", "≥5.00(份)", "10.00(份)", "30.00", "30.00"),
        ("产出指标", "数量指标", "培训次数", ">4.00(次)", "6.00(次)", "20.00", "20.00"),
        ("效益指标", "生态效益指标", "监测能力", "稳步提升", "达成指标", "40.00", "36.00"),
    ]
    rows = [
        base[i] if i < 3 else ("效益指标", "生态效益指标", f"指标{i}", "稳步提升", "达成指标", "1.00", "1.00")
        for i in range(indicator_count)
    ]
    project = _project("海洋生态环境保护", tuple(_indicator(*r) for r in rows))
    return Document(path="t.txt", sha256="", kind="self_evaluation", projects=(project,))


def _cells(rows) -> list[tuple[str, ...]]:
    return [r.cells for r in rows]


# --- numbers and cell text ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        (616.7, "0.00", "616.70"),
        (2431.73, "#,##0.00", "2,431.73"),
        (2650000, "#,##0.00", "2,650,000.00"),
        (5.0, "General", "5"),
        (5, None, "5"),
        (0.1 + 0.2, "General", "0.3"),
        (1e-7, "General", "0.0000001"),
        (2.675, "0.00", "2.68"),  # half up, on the decimal the cell shows, not the binary float
        (12.5, "0", "13"),
        (0.982, "0.00%", "98.20%"),
        (1234.5, '#,##0.00"万元"', "1,234.50万元"),
        (-3, "0.00;(0.00)", "(3.00)"),
        (-3, "0.00", "-3.00"),
        (0, '#,##0.00;-#,##0.00;"-"', "-"),
        (1234.5, "[$¥-804]#,##0.00", "¥1,234.50"),
        (1234.5, "#,##0.00_);[Red](#,##0.00)", "1,234.50 "),
        (0.5, "#.00", ".50"),
        (2500000, "#,##0,", "2,500"),
        (12345.678, "0.00E+00", "1.23E+04"),
        (3.5, "# ?/?", "3.5"),  # fractions fall back to the plain number
    ],
)
def test_format_number(value, fmt, shown):
    assert format_number(value, fmt) == shown


def test_render_value_dates_and_text():
    assert render_value(datetime(2024, 1, 1)) == "2024-01-01"
    assert render_value(date(2024, 12, 31)) == "2024-12-31"
    assert render_value(datetime(2024, 1, 1, 8, 30)) == "2024-01-01 08:30:00"
    assert render_value(True) == "TRUE"
    assert render_value("  年度\n总体 ") == "年度总体"


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("年度\n总体\n目标", "年度总体目标"),
        ("≥5.0\n0(份)", "≥5.00(份)"),  # a number wrapped mid-way
        ("Hello\nworld", "Hello world"),
        ("a  b\r\n\r\n中", "a b中"),
        (None, ""),
    ],
)
def test_cell_text(raw, text):
    assert cell_text(raw) == text


def test_readers_are_registered():
    assert {".pdf", ".xlsx", ".xls", ".docx"} <= READERS.keys()


def test_readers_do_not_import_the_load_facade():
    # corpus.load re-exports corpus.readers; the other way round would be an import cycle again.
    code = "import sys, corpus.readers; assert 'corpus.load' not in sys.modules, sorted(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True)


# --- XLSX -----------------------------------------------------------------------------------------


def _xlsx_by_hand(path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws["A1"] = "财政项目支出绩效自评表"
    ws.merge_cells("A1:D1")
    ws["A2"] = "产出指标"
    ws.merge_cells("A2:A3")
    ws["B2"], ws["C2"], ws["D2"] = "报告", 616.7, datetime(2024, 1, 1)
    ws["C2"].number_format = "0.00"
    ws["D2"].number_format = "yyyy-mm-dd"
    ws["B3"], ws["C3"], ws["D3"] = "培训", 2431.73, 5.0
    ws["C3"].number_format = "#,##0.00"
    ws["B4"] = "hidden row"
    ws.row_dimensions[4].hidden = True
    ws["E2"] = "hidden column"
    ws.column_dimensions["E"].hidden = True
    ws["A6"] = "总分"
    hidden = book.create_sheet("hidden")
    hidden["A1"] = "not shown"
    hidden.sheet_state = "hidden"
    second = book.create_sheet("second")
    second["B2"] = "第二张表"
    book.save(path)
    return path


def test_xlsx_rows_fill_merged_cells_and_skip_hidden(tmp_path):
    loaded = read_xlsx(_xlsx_by_hand(tmp_path / "t.xlsx"))
    assert [(r.cells, r.line, r.page) for r in loaded.rows] == [
        (("财政项目支出绩效自评表",) * 4, 1, 1),
        (("产出指标", "报告", "616.70", "2024-01-01"), 2, 1),
        (("产出指标", "培训", "2,431.73", "5"), 3, 1),
        ((), 5, 1),
        (("总分", "", "", ""), 6, 1),
        ((), 7, 1),  # between sheets
        (("第二张表",), 2, 3),  # sheet 3: the hidden sheet keeps its position
    ]


def test_xlsx_without_fill_keeps_only_the_top_left(tmp_path):
    loaded = read_xlsx(_xlsx_by_hand(tmp_path / "t.xlsx"), fill_merged=False)
    assert _cells(loaded.rows)[:3] == [
        ("财政项目支出绩效自评表", "", "", ""),
        ("产出指标", "报告", "616.70", "2024-01-01"),
        ("", "培训", "2,431.73", "5"),
    ]


def test_xlsx_reads_cached_values_not_formulas(tmp_path):
    import openpyxl

    path = tmp_path / "f.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = 2
    book.active["B1"] = "=A1*2"  # never calculated: no cached value, so nothing to show
    book.active["C1"] = "x"
    book.save(path)
    assert _cells(read_xlsx(path).rows) == [("2", "", "x")]


# --- XLS ------------------------------------------------------------------------------------------


def _xls_by_hand(path: Path) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("one")
    ws.write_merge(0, 0, 0, 3, "财政项目支出绩效自评表")
    ws.write_merge(1, 2, 0, 0, "产出指标")
    ws.write(1, 1, "报告")
    ws.write(1, 2, 616.7, xlwt.easyxf(num_format_str="0.00"))
    ws.write(1, 3, date(2024, 1, 1), xlwt.easyxf(num_format_str="YYYY-MM-DD"))
    ws.write(2, 1, "培训")
    ws.write(2, 2, 2431.73, xlwt.easyxf(num_format_str="#,##0.00"))
    ws.write(2, 3, 5.0)
    ws.write(3, 1, "hidden row")
    ws.row(3).hidden = True
    ws.write(1, 4, "hidden column")
    ws.col(4).hidden = True
    ws.write(5, 0, "总分")
    hidden = book.add_sheet("hidden")
    hidden.write(0, 0, "not shown")
    hidden.visibility = 1
    second = book.add_sheet("second")
    second.write(1, 1, "第二张表")
    book.save(str(path))
    return path


def test_xls_rows_like_xlsx(tmp_path):
    loaded = read_xls(_xls_by_hand(tmp_path / "t.xls"))
    assert [(r.cells, r.line, r.page) for r in loaded.rows] == [
        (("财政项目支出绩效自评表",) * 4, 1, 1),
        (("产出指标", "报告", "616.70", "2024-01-01"), 2, 1),
        (("产出指标", "培训", "2,431.73", "5"), 3, 1),
        ((), 5, 1),
        (("总分", "", "", ""), 6, 1),
        ((), 7, 1),
        (("第二张表",), 2, 3),
    ]
    unfilled = read_xls(tmp_path / "t.xls", fill_merged=False)
    assert _cells(unfilled.rows)[0] == ("财政项目支出绩效自评表", "", "", "")
    assert _cells(unfilled.rows)[2][0] == ""


def test_an_xlsx_saved_as_xls_is_still_read(tmp_path):
    path = tmp_path / "renamed.xls"
    path.write_bytes(_xlsx_by_hand(tmp_path / "t.xlsx").read_bytes())
    assert read_xls(path).rows == read_xlsx(tmp_path / "t.xlsx").rows


# --- DOCX -----------------------------------------------------------------------------------------


def _docx_by_hand(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_paragraph("财政项目支出绩效自评表")
    p = d.add_paragraph("第一行")
    p.add_run().add_break()
    p.add_run("第二行")
    t = d.add_table(rows=3, cols=4)
    t.cell(0, 0).merge(t.cell(0, 3)).text = "项目名称 海洋"
    t.cell(1, 0).merge(t.cell(2, 0)).text = "产出\n指标"
    t.cell(1, 1).merge(t.cell(2, 2)).text = "块"  # both ways at once
    t.cell(1, 3).text = "1.00"
    t.cell(2, 3).text = "2.00"
    d.add_paragraph("")
    d.add_paragraph("")
    d.add_paragraph("表后文字")
    d.save(str(path))
    return path


def test_docx_body_order_and_merged_cells(tmp_path):
    loaded = read_docx(_docx_by_hand(tmp_path / "t.docx"))
    assert [(r.cells, r.line, r.page) for r in loaded.rows] == [
        (("财政项目支出绩效自评表",), 1, None),
        (("第一行",), 2, None),
        (("第二行",), 3, None),
        ((), 4, None),
        (("项目名称 海洋",) * 4, 5, None),
        (("产出指标", "块", "块", "1.00"), 6, None),
        (("产出指标", "块", "块", "2.00"), 7, None),
        ((), 8, None),
        (("表后文字",), 9, None),
    ]


def test_docx_without_fill_keeps_each_merged_cell_once(tmp_path):
    loaded = read_docx(_docx_by_hand(tmp_path / "t.docx"), fill_merged=False)
    assert _cells(loaded.rows)[4:7] == [
        ("项目名称 海洋", "", "", ""),
        ("产出指标", "块", "", "1.00"),
        ("", "", "", "2.00"),
    ]


# --- PDF ------------------------------------------------------------------------------------------


@needs_font
def test_pdf_tables_text_lines_and_merged_fill(tmp_path):
    loaded = read_pdf(write_pdf(_tiny(), tmp_path / "t.pdf"))
    rows = _cells(loaded.rows)
    assert rows[:4] == [("财政项目支出绩效自评表",), (), ("(2023年度)",), ()]
    assert rows[4] == ("项目名称",) + ("海洋生态环境保护",) * 7
    assert (
        "项目资金(万元)",
        "其中:当年财政拨款",
        "2,431.73",
        "2,431.73",
        "2,431.73",
        "-",
        "100.00",
        "-",
    ) in rows
    indicator_rows = [r for r in rows if len(r) == 8 and r[2] in ("报告", "培训次数", "监测能力")]
    assert [r[:3] for r in indicator_rows] == [
        ("产出指标", "数量指标", "报告"),
        ("产出指标", "数量指标", "培训次数"),
        ("效益指标", "生态效益指标", "监测能力"),
    ]
    assert indicator_rows[0][3:7] == ("≥5.00(份)", "10.00(份)", "30.00", "30.00")
    assert {r.page for r in loaded.rows} == {1}
    assert [r.line for r in loaded.rows] == list(range(1, len(loaded.rows) + 1))

    unfilled = _cells(read_pdf(tmp_path / "t.pdf", fill_merged=False).rows)
    assert unfilled[4] == ("项目名称", "海洋生态环境保护") + ("",) * 6
    second = next(r for r in unfilled if len(r) == 8 and r[2] == "培训次数")
    assert second[:2] == ("", "")


@needs_font
@pytest.mark.parametrize("repeat_header", [False, True])
def test_pdf_table_continued_on_the_next_page_is_joined(tmp_path, repeat_header):
    loaded = read_pdf(write_pdf(_tiny(indicator_count=70), tmp_path / "t.pdf", repeat_header=repeat_header))
    pages = sorted({r.page for r in loaded.rows})
    assert len(pages) >= 2
    rows = _cells(loaded.rows)
    table = rows[rows.index(("项目名称",) + ("海洋生态环境保护",) * 7) :]
    assert () not in table  # one table: no separating empty row at the page break
    assert sum(1 for r in table if r[:3] == ("一级指标", "二级指标", "三级指标")) == 1
    assert [r[2] for r in table if r[2].startswith("指标")] == [f"指标{i}" for i in range(3, 70)]
    assert [r.line for r in loaded.rows] == sorted(r.line for r in loaded.rows)


# --- round trips through the real parser ----------------------------------------------------


def _facts(doc: Document) -> list[tuple]:
    out = []
    for p in doc.projects:
        b, f = p.budget, p.funding
        budget = b and (
            b.unit,
            b.planned,
            b.adjusted,
            b.spent,
            b.weight,
            b.rate,
            b.score,
            tuple((x.label, x.planned, x.adjusted, x.spent, x.weight, x.rate, x.score) for x in b.lines),
        )
        funding = f and (
            f.unit,
            f.total,
            f.fiscal,
            f.other,
            f.annual_request,
            f.appropriation,
            f.carryover,
            f.annual_other,
            f.nature,
            f.category,
            f.start_date,
            f.end_date,
        )
        measures = [
            (
                i.level1,
                i.level2,
                i.name,
                (i.target.op, i.target.value, i.target.unit, i.target.qualitative),
                i.actual and (i.actual.op, i.actual.value, i.actual.unit, i.actual.qualitative),
                i.weight,
                i.score,
            )
            for i in p.indicators
        ]
        out.append((p.name, p.year, p.department, p.implementer, p.total_score, p.total_weight, p.grade))
        out.append((p.name, budget, funding))
        out.extend((p.name, m) for m in measures)
    return out


_WRITERS = {"xlsx": write_xlsx, "xls": write_xls, "docx": write_docx, "pdf": write_pdf}
_READERS = {"xlsx": read_xlsx, "xls": read_xls, "docx": read_docx, "pdf": read_pdf}

def _round_trip_cases():
    for kind in ("self_evaluation", "declaration"):
        for fmt in _WRITERS:
            yield pytest.param(kind, fmt, id=f"{kind}-{fmt}")  # a missing font fails in write_pdf


@pytest.fixture(scope="session")
def built(sample_docs, tmp_path_factory):
    """Each sample document written once per format: {(kind, fmt): path}."""
    folder = tmp_path_factory.mktemp("built")
    made = {}
    for doc in sample_docs:
        for fmt, write in _WRITERS.items():
            if fmt == "pdf" and not CJK_FONT.is_file():
                continue
            kwargs = {"projects_per_sheet": 6} if fmt in ("xlsx", "xls") else {}  # several sheets too
            made[(doc.kind, fmt)] = write(doc, folder / f"{doc.kind}.{fmt}", **kwargs)
    return made


def _sample(sample_docs, kind: str) -> Document:
    return next(d for d in sample_docs if d.kind == kind)


@pytest.mark.parametrize(("kind", "fmt"), list(_round_trip_cases()))
def test_round_trip_through_the_parser(sample_docs, built, kind, fmt):
    original = _sample(sample_docs, kind)
    parsed = parse_file(built[(kind, fmt)])
    assert parsed.kind == original.kind
    assert _facts(parsed) == _facts(original)
    assert parsed.warnings == ()


@pytest.mark.parametrize(
    ("kind", "fmt"),
    [
        pytest.param(k, f, id=f"{k}-{f}")
        for k in ("self_evaluation", "declaration")
        for f in _WRITERS
    ],
)
def test_round_trip_without_merged_fill(sample_docs, built, kind, fmt):
    # The readers' cells are right: with each merged cell given once, every format parses as the text.
    loaded = _READERS[fmt](built[(kind, fmt)], fill_merged=False)
    parsed = parse_loaded(loaded)
    assert _facts(parsed) == _facts(_sample(sample_docs, kind))
    assert parsed.warnings == ()


@needs_font
def test_pdf_with_repeated_headers_parses_the_same(sample_docs, built, tmp_path):
    doc = _sample(sample_docs, "self_evaluation")
    loaded = read_pdf(write_pdf(doc, tmp_path / "h.pdf", repeat_header=True))
    assert _facts(parse_loaded(loaded)) == _facts(doc)
    # Pages break elsewhere (the repeated headers take room), so compare what does not depend on it.
    with_headers = _cells(loaded.rows)
    without = _cells(read_pdf(built[("self_evaluation", "pdf")]).rows)
    header = (
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    )
    assert with_headers.count(header) == without.count(header) == len(doc.projects)
    assert [r[2:] for r in with_headers] == [r[2:] for r in without]


# --- refusals -----------------------------------------------------------------------------------


def _refused(path: Path, *words: str, reason: str, **kwargs) -> str:
    before = sorted(path.parent.iterdir())
    with pytest.raises(UnreadableFileError) as info:
        READERS[path.suffix](path, **kwargs)
    message = str(info.value)
    assert str(path) in message
    assert info.value.reason == reason and reason in REFUSAL_REASONS
    for word in words:
        assert word in message
    assert sorted(path.parent.iterdir()) == before  # nothing written
    return message


@pytest.mark.parametrize("suffix", [".pdf", ".xlsx", ".xls", ".docx"])
def test_empty_file_is_refused(tmp_path, suffix):
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")
    _refused(path, "文件为空", reason="empty")
    with pytest.raises(UnreadableFileError, match="文件为空") as info:
        load(path)
    assert info.value.reason == "empty"


def _cut(path: Path) -> Path:
    data = path.read_bytes()
    out = path.with_name("cut" + path.suffix)
    out.write_bytes(data[: len(data) * 2 // 3])
    return out


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "xls", "pdf"])
def test_truncated_file_is_refused(tmp_path, fmt):
    source = {
        "xlsx": lambda p: _xlsx_by_hand(p),
        "xls": lambda p: _xls_by_hand(p),
        "docx": lambda p: _docx_by_hand(p),
        "pdf": lambda p: write_pdf(_tiny(), p),
    }[fmt](tmp_path / f"whole.{fmt}")
    cut = _cut(source)
    cut_dir = tmp_path / "cut"
    cut_dir.mkdir()
    cut = cut.rename(cut_dir / cut.name)
    _refused(cut, "重新", reason="damaged")


def _encrypt_ooxml(plain: Path, out: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    with plain.open("rb") as f, out.open("wb") as target:
        OOXMLFile(f).encrypt("secret", target)
    return out


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_password_protected_office_file_is_refused(tmp_path, fmt):
    plain = (_xlsx_by_hand if fmt == "xlsx" else _docx_by_hand)(tmp_path / f"plain.{fmt}")
    folder = tmp_path / "enc"
    folder.mkdir()
    path = _encrypt_ooxml(plain, folder / f"locked.{fmt}")
    assert path.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    _refused(path, "密码", "加密", reason="encrypted")


def test_cfb_container_named_docx_is_refused(tmp_path):
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)  # a bare CFB header
    _refused(path, ".docx", reason="unsupported")
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(path.read_bytes() + "EncryptedPackage".encode("utf-16-le"))
    _refused(locked, "加密", reason="encrypted")


@needs_font
def test_encrypted_pdf_is_refused(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="user")
    pdf.add_page()
    pdf.add_font("cjk", "", str(CJK_FONT))
    pdf.set_font("cjk", size=12)
    pdf.cell(text="绩效目标")
    path = tmp_path / "locked.pdf"
    pdf.output(str(path))
    _refused(path, "密码", reason="encrypted")


def test_scanned_pdf_needs_ocr(tmp_path):
    from fpdf import FPDF
    from PIL import Image

    image = io.BytesIO()
    Image.new("L", (200, 100), color=200).save(image, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(image, x=10, y=10, w=150)
    pdf.rect(10, 120, 100, 20)
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    _refused(path, "OCR", reason="scanned")


def test_zip_bomb_is_refused_before_opening(tmp_path):
    path = tmp_path / "bomb.xlsx"
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(200):  # 200 MB of zeros, a few hundred KB packed
                member.write(chunk)
    assert path.stat().st_size < 2 << 20
    _refused(path, "压缩炸弹", "压缩比", reason="damaged")


def test_unzipped_size_limit(tmp_path):
    path = _docx_by_hand(tmp_path / "t.docx")
    _refused(path, "压缩炸弹", "超过上限", reason="damaged", max_unzipped_mb=0)


def test_file_over_the_size_limit_is_refused_by_load(tmp_path):
    path = tmp_path / "big.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x01" * (1 << 20) + b"\x02" * 100)
    with pytest.raises(UnreadableFileError, match="超过上限 1 MB") as info:
        load(path, max_mb=1)
    assert info.value.reason == "unsupported"


@pytest.mark.parametrize(
    ("name", "data", "word", "reason"),
    [
        ("page.xls", b"<html><table><tr><td>1</td></tr></table></html>", "不是 Excel", "unsupported"),
        ("junk.xlsx", b"not a zip at all", "无法读取", "damaged"),
        ("junk.pdf", b"%PDF-1.7\n garbage without end", "不完整", "damaged"),
        ("junk.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x07" * 600, "不完整", "damaged"),
        ("binary.txt", b"\x00\x01\x02 not text", "不是文本文件", "unsupported"),
    ],
)
def test_not_what_the_suffix_says_is_refused(tmp_path, name, data, word, reason):
    path = tmp_path / name
    path.write_bytes(data)
    _refused(path, word, reason=reason)
