"""Hostile and broken input: the text parser and every reader, fuzzed from the samples; only JixiaoError escapes."""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
import time
import tracemalloc
import zipfile
from dataclasses import replace
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.errors import JixiaoError, UnreadableFileError
from corpus.load import Loaded, load, text_rows
from corpus.model import Document
from corpus.parse import parse_file, parse_loaded
from tests.conftest import DECLARATION_SAMPLE, ROOT, SELF_EVAL_SAMPLE

HARNESS = ROOT / "fuzz" / "fuzz_parse.py"
# Per input: a sample-sized document parses in well under a second; this allows for a loaded machine.
PER_INPUT_S = 10.0
FUZZ = settings(
    max_examples=40,
    deadline=timedelta(seconds=PER_INPUT_S),
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
    derandomize=True,
    database=None,
)

# Cell contents a hostile or broken export can hold.
HOSTILE = [
    "<script>alert('x')</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    '<img src=x onerror="alert(1)">',
    "<p>(一) 做好<b>监测</b>;</p>",
    "[点我](javascript:alert(1))",
    "**加粗** _斜体_ `代码` # 标题",
    "| a | b |",
    "$\\geq 90.00\\%$",
    "$\\frac{1}{2}$ \\text{万元} $$",
    "≥１２３．４５(％)",
    "＝１００（个）",
    "9" * 400,
    "-" + "9" * 60 + ".5",
    "1e999",
    "1,234,567,890,123,456,789.123456789",
    "−0.00",
    "\x00",
    "a\x00b",
    "\u202e\u200f\u061c目标\u202c",
    "\u200b\ufeff\u2028\u2029\x85",
    "\x0b\x0c\x1c\x1d\x1e",
    "e\u0301\u0301\u0301",
    "=1+1",
    '=HYPERLINK("http://x","点")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "项目名称",
    "一级指标",
    "合计总分",
    "年度总体目标",
    "x" * 20_000,
    "（一）" * 2_000,
]
hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.lists(st.sampled_from(HOSTILE), min_size=1, max_size=3).map("".join),
)


def sample_rows(path: Path, limit: int | None = None) -> list[list[str]]:
    rows = [list(r.cells) for r in text_rows(path.read_text(encoding="utf-8"))]
    return rows[:limit] if limit else rows


DECLARATION_ROWS = sample_rows(DECLARATION_SAMPLE)
SELF_EVAL_ROWS = sample_rows(SELF_EVAL_SAMPLE, 100)


def with_cells(rows: list[list[str]], edits: list[tuple[int, int, str]]) -> list[list[str]]:
    """The rows with some cells replaced (or appended past the row's end)."""
    out = [list(r) for r in rows]
    for r, c, text in edits:
        row = out[r % len(out)]
        if row and c % (len(row) + 1) < len(row):
            row[c % (len(row) + 1)] = text
        else:
            row.append(text)
    return out


edits = st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 20), hostile_text), min_size=1, max_size=8)


def assert_provenance(document: Document, data: bytes) -> None:
    """Every record cites the file version it came from."""
    sha = hashlib.sha256(data).hexdigest()
    assert document.sha256 == sha
    for project in document.projects:
        assert project.source.sha256 == sha
        for indicator in project.indicators:
            assert indicator.source.sha256 == sha
        for block in (
            project.goals.expected,
            project.goals.achieved,
            project.goals.overall,
            project.goals.annual,
        ):
            if block is not None:
                assert block.source.sha256 == sha
        for holder in (project.budget, project.funding):
            if holder is not None and holder.source is not None:
                assert holder.source.sha256 == sha


def parse_bytes(tmp_path: Path, data: bytes, suffix: str) -> Document | None:
    """Write, load and parse one input; None when refused with the project's own error."""
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    started = time.perf_counter()
    try:
        document = parse_file(path)
    except JixiaoError as exc:
        assert str(exc), "an error a reviewer sees must say something"
        return None
    finally:
        assert time.perf_counter() - started < PER_INPUT_S
    assert_provenance(document, data)
    return document


# ------------------------------------------------------------------------------ text


@FUZZ
@given(edits=edits, sample=st.sampled_from(["declaration", "self_evaluation"]))
def test_text_parser_survives_hostile_cells(tmp_path, edits, sample) -> None:
    rows = DECLARATION_ROWS if sample == "declaration" else SELF_EVAL_ROWS
    text = "\n".join("\t".join(r) for r in with_cells(rows, edits))
    document = parse_bytes(tmp_path, text.encode("utf-8"), ".txt")
    if document is not None:
        assert document.projects


@FUZZ
@given(data=st.data())
def test_text_loader_survives_byte_mutations(tmp_path, data) -> None:
    raw = bytearray(DECLARATION_SAMPLE.read_bytes())
    encoding = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
    raw = bytearray(raw.decode("utf-8").encode(encoding))
    for _ in range(data.draw(st.integers(1, 12))):
        at = data.draw(st.integers(0, len(raw) - 1))
        how = data.draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        if how == "flip":
            raw[at] ^= 1 << data.draw(st.integers(0, 7))
        elif how == "insert":
            raw[at:at] = data.draw(st.binary(min_size=1, max_size=64))
        elif how == "delete":
            del raw[at : at + data.draw(st.integers(1, 200))]
        else:
            del raw[at:]
        if not raw:
            raw = bytearray(b"\x00")
    parse_bytes(tmp_path, bytes(raw), data.draw(st.sampled_from([".txt", ".md", ".tsv"])))


@FUZZ
@given(rows=st.lists(st.lists(hostile_text, max_size=12), max_size=30))
def test_parser_on_generated_tables(rows) -> None:
    head = [
        ["项目名称", "生成的项目"],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
    ]
    loaded = Loaded(
        path="generated.txt", sha256="0" * 64, rows=text_rows("\n".join("\t".join(r) for r in head + rows))
    )
    started = time.perf_counter()
    try:
        document = parse_loaded(loaded)
    except JixiaoError:
        return
    assert time.perf_counter() - started < PER_INPUT_S
    assert document.projects[0].name == "生成的项目"  # a generated 项目名称 row may start another


def test_markup_in_cells_becomes_text(tmp_path) -> None:
    """HTML, LaTeX and full-width digits are read as the text/numbers they print, never kept as markup."""
    rows = with_cells(DECLARATION_ROWS, [])
    indicator_row = next(i for i, r in enumerate(rows) if any("≥17.00(人)" in c for c in r))
    rows[indicator_row] = [
        c.replace("服务费保障聘用人员数量", "<b>服务费</b>保障聘用人员数量") for c in rows[indicator_row]
    ]
    rows[indicator_row] = [c.replace("≥17.00(人)", "$\\geq$ １７．００(人)") for c in rows[indicator_row]]
    path = tmp_path / "markup.txt"
    path.write_text("\n".join("\t".join(r) for r in rows), encoding="utf-8")
    indicator = next(
        i for p in parse_file(path).projects for i in p.indicators if "保障聘用人员数量" in i.name
    )
    assert indicator.name == "服务费保障聘用人员数量"
    assert (indicator.target.op, str(indicator.target.value), indicator.target.unit) == ("≥", "17.00", "人")


# ------------------------------------------------------------------------------ binary readers


def xlsx_bytes(rows: list[list[str]], numbers: dict[tuple[int, int], object] | None = None) -> bytes:
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = openpyxl.Workbook()
    ws = book.active
    for r, cells in enumerate(rows, start=1):
        for c, text in enumerate(cells, start=1):
            if text:
                cell = ws.cell(row=r, column=c, value=ILLEGAL_CHARACTERS_RE.sub("", text)[:32767])
                cell.data_type = "s"
    for (r, c), value in (numbers or {}).items():
        ws.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx_bytes(rows: list[list[str]]) -> bytes:
    import docx

    document = docx.Document()
    width = max(len(r) for r in rows)
    table = document.add_table(rows=0, cols=width)
    for cells in rows:
        row = table.add_row().cells
        for c, text in enumerate(cells):
            row[c].text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "", text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xls_bytes(rows: list[list[str]]) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("Sheet1")
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            if text:
                ws.write(r, c, text[:32767])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> dict[str, bytes]:
    """The declaration sample in each binary format, laid out as the real forms are (tests/build_docs.py):
    merged cells, ruled PDF tables. The PDF keeps two projects, to parse fast."""
    from tests.build_docs import write_docx, write_pdf, write_xls, write_xlsx

    directory = tmp_path_factory.mktemp("seeds")
    document = parse_file(DECLARATION_SAMPLE)
    return {
        ".xlsx": write_xlsx(document, directory / "seed.xlsx").read_bytes(),
        ".docx": write_docx(document, directory / "seed.docx").read_bytes(),
        ".xls": write_xls(document, directory / "seed.xls").read_bytes(),
        ".pdf": write_pdf(
            replace(document, projects=document.projects[:2]), directory / "seed.pdf"
        ).read_bytes(),
    }


def test_seeds_parse_like_the_text(tmp_path, seeds) -> None:
    names = [p.name for p in parse_file(DECLARATION_SAMPLE).projects]
    for suffix in (".xlsx", ".docx", ".xls", ".pdf"):
        document = parse_bytes(tmp_path, seeds[suffix], suffix)
        expected = names[:2] if suffix == ".pdf" else names
        assert document is not None and [p.name for p in document.projects] == expected, suffix


def indicator_rows(document: Document) -> list[tuple[str, str, str]]:
    return [(p.name, i.name, i.target.text) for p in document.projects for i in p.indicators]


def test_a_pdf_with_a_damaged_content_stream_is_not_read_as_complete(tmp_path, seeds) -> None:
    """A flipped byte inside a compressed page stream loses text (pdfminer logs "Data-loss while
    decompressing corrupted data"). The reader must refuse the file, or the records must be whole, or a
    warning must name the page whose text could not be read."""
    good = parse_bytes(tmp_path, seeds[".pdf"], ".pdf")
    assert good is not None
    streams = [m.end() for m in re.finditer(rb"stream\r?\n", seeds[".pdf"])]
    partial = []
    for start in streams:
        for offset in (50, 400):
            damaged = bytearray(seeds[".pdf"])
            if start + offset >= len(damaged):
                continue
            damaged[start + offset] ^= 0x55
            document = parse_bytes(tmp_path, bytes(damaged), ".pdf")
            lost = document is not None and len(indicator_rows(document)) < len(indicator_rows(good))
            if lost and not any(w.page for w in document.warnings):  # refused, whole, or the lost page named
                partial.append((start, offset, len(indicator_rows(document)), len(indicator_rows(good))))
    assert not partial, f"read without complaint, indicators missing (stream, offset, read, whole): {partial}"


@FUZZ
@given(
    edits=edits,
    numbers=st.dictionaries(
        st.tuples(st.integers(1, 40), st.integers(1, 8)),
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=False),
            st.integers(-(10**30), 10**30),
            st.booleans(),
            st.dates(),
            st.datetimes(),
        ),
        max_size=6,
    ),
)
def test_xlsx_reader_survives_hostile_cells(tmp_path, edits, numbers) -> None:
    rows = with_cells(DECLARATION_ROWS, edits)
    parse_bytes(tmp_path, xlsx_bytes(rows, numbers), ".xlsx")


@settings(FUZZ, max_examples=25)  # python-docx writes slowly
@given(edits=edits)
def test_docx_reader_survives_hostile_cells(tmp_path, edits) -> None:
    parse_bytes(tmp_path, docx_bytes(with_cells(DECLARATION_ROWS, edits)), ".docx")


@FUZZ
@given(edits=edits)
def test_xls_reader_survives_hostile_cells(tmp_path, edits) -> None:
    parse_bytes(tmp_path, xls_bytes(with_cells(DECLARATION_ROWS, edits)), ".xls")


def mutate_bytes(data: bytes, draw) -> bytes:
    raw = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(raw) - 1))
        how = draw(st.sampled_from(["flip", "insert", "overwrite", "delete"]))
        if how == "flip":
            raw[at] ^= 1 << draw(st.integers(0, 7))
        elif how == "insert":
            raw[at:at] = draw(st.binary(min_size=1, max_size=32))
        elif how == "overwrite":
            chunk = draw(st.binary(min_size=1, max_size=32))
            raw[at : at + len(chunk)] = chunk
        else:
            del raw[at : at + draw(st.integers(1, 64))]
        if len(raw) < 2:
            raw = bytearray(data[:2])
    return bytes(raw)


def rezip_mutated(data: bytes, draw) -> bytes:
    """Mutate the XML of one member of an OOXML zip and re-zip it, so the CRC check passes."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [(i.filename, archive.read(i)) for i in archive.infolist()]
    pick = draw(st.integers(0, len(members) - 1))
    name, body = members[pick]
    members[pick] = (name, mutate_bytes(body, draw) if body else body)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members:
            archive.writestr(name, body)
    return out.getvalue()


@FUZZ
@given(data=st.data(), suffix=st.sampled_from([".xlsx", ".docx"]), inner=st.booleans())
def test_ooxml_readers_survive_mutations(tmp_path, seeds, data, suffix, inner) -> None:
    mutated = rezip_mutated(seeds[suffix], data.draw) if inner else mutate_bytes(seeds[suffix], data.draw)
    parse_bytes(tmp_path, mutated, suffix)


@settings(FUZZ, max_examples=25)
@given(data=st.data())
def test_xls_reader_survives_mutations(tmp_path, seeds, data) -> None:
    parse_bytes(tmp_path, mutate_bytes(seeds[".xls"], data.draw), ".xls")


@settings(FUZZ, max_examples=15)
@given(data=st.data())
def test_pdf_reader_survives_mutations(tmp_path, seeds, data) -> None:
    parse_bytes(tmp_path, mutate_bytes(seeds[".pdf"], data.draw), ".pdf")


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_zip_of_an_unsupported_version_is_a_clear_error(tmp_path, seeds, suffix) -> None:
    """Found by fuzz/fuzz_parse.py: a zip entry that needs a newer unzip version (zipfile raises
    NotImplementedError) must be refused like any damaged file."""
    data = bytearray(seeds[suffix])
    central = data.index(b"PK\x01\x02")
    data[central + 6 : central + 8] = (233).to_bytes(2, "little")  # "version needed to extract" 23.3
    path = tmp_path / f"newer{suffix}"
    path.write_bytes(bytes(data))
    with pytest.raises(UnreadableFileError):
        load(path)


# ------------------------------------------------------------------------------ size and memory


def test_oversized_file_is_refused_before_reading(tmp_path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"\t" * (2 * 1024 * 1024 + 1))
    tracemalloc.start()
    try:
        with pytest.raises(UnreadableFileError, match="超过上限"):
            load(path, max_mb=2)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024


def test_zip_bomb_is_refused_without_inflating(tmp_path, seeds) -> None:
    with zipfile.ZipFile(io.BytesIO(seeds[".xlsx"])) as archive:
        members = [(i.filename, archive.read(i)) for i in archive.infolist()]
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members:
            archive.writestr(name, body)
        with archive.open("xl/media/padding.bin", "w") as bomb:
            for _ in range(300):
                bomb.write(bytes(1024 * 1024))
    tracemalloc.start()
    try:
        with pytest.raises(UnreadableFileError, match="压缩"):
            load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024 * 1024


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("\t".join(["1"] * 100_000), id="100k-cells"),
        pytest.param("产出指标\t数量指标\t名\t≥" + "9" * 1_000_000 + "\t1\t5\t5", id="million-digit-number"),
        pytest.param("<a" * 500_000, id="unclosed-tags"),
        pytest.param("$\\geq$" * 200_000, id="latex"),
        pytest.param("\u202e\u200f\x00" * 300_000, id="rtl-and-nul"),
    ],
)
def test_huge_cells_parse_in_bounded_time_and_memory(body: str) -> None:
    head = "项目名称\t测试\n一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n"
    text = head + body + "\n"
    tracemalloc.start()
    started = time.perf_counter()
    try:
        try:
            parse_loaded(Loaded(path="huge.txt", sha256="0" * 64, rows=text_rows(text)))
        except JixiaoError:
            pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 30
    assert peak < 60 * len(text.encode("utf-8")) + 64 * 1024 * 1024


# ------------------------------------------------------------------------------ atheris


def _rss_limit_mb(budget_mb: int = 1536) -> int:
    """libFuzzer checks peak RSS (ru_maxrss), which Linux carries from this process into the forked
    child: after the model is loaded in the test session the harness would start at ~2.6 GB. The bound
    is therefore this process's peak plus the budget for the harness itself."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024 + budget_mb


@pytest.mark.timeout(180)
def test_atheris_run_finds_nothing(tmp_path) -> None:
    """A bounded coverage-guided run of fuzz/fuzz_parse.py over every format, seeded from the samples."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    # The seeds are written in a process of their own: subsetting a CJK font for the PDF seed peaks
    # near 3 GB, which would count against the fuzzer's memory limit though no input caused it.
    subprocess.run(
        [sys.executable, "-c", "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
         "from fuzz.fuzz_parse import write_seeds; write_seeds(Path(sys.argv[2]))", str(ROOT), str(corpus)],
        check=True, timeout=170, cwd=ROOT, env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    assert len(list(corpus.iterdir())) >= 10
    result = subprocess.run(
        [
            sys.executable,
            str(HARNESS),
            "-runs=100000",
            "-max_total_time=45",
            f"-timeout={int(PER_INPUT_S * 2)}",
            f"-rss_limit_mb={_rss_limit_mb()}",
            "-print_final_stats=1",
            f"-artifact_prefix={artifacts}/",
            str(corpus),
        ],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=170,
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(tmp_path)},  # the harness's scratch files go with the test
    )
    log = result.stdout + result.stderr
    crashes = sorted(p.name for p in artifacts.iterdir())
    assert result.returncode == 0 and not crashes, f"{crashes}\n{log[-6000:]}"
    runs = re.search(r"stat::number_of_executed_units:\s*(\d+)", log)
    assert runs and int(runs.group(1)) > 50, log[-3000:]
    print(f"\natheris: {runs.group(1)} inputs, {len(list(corpus.iterdir()))} corpus units")


# ------------------------------------------------------------------------------ checks and exports


def assert_inert_workbook(path: Path) -> int:
    """No cell of the exported workbook is a formula, and no text starts like one; returns cells read."""
    import openpyxl

    book = openpyxl.load_workbook(path)  # formulas kept as formulas, not evaluated
    cells = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                cells += 1
                assert cell.data_type != "f", (cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@")), (cell.coordinate, cell.value)
    return cells


FORMULAS = [
    "=1+1",
    '=HYPERLINK("http://x","点")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "=cmd|'/c calc'!A1",
]


@settings(FUZZ, max_examples=20)
@given(edits=edits, sample=st.sampled_from(["declaration", "self_evaluation"]))
def test_checks_and_excel_export_survive_hostile_documents(tmp_path, edits, sample) -> None:
    """Rules run over fuzzed documents without crashing, and their findings export as inert text."""
    from qa.checks import run_checks
    from qa.report import write_xlsx

    rows = DECLARATION_ROWS if sample == "declaration" else SELF_EVAL_ROWS
    document = parse_bytes(
        tmp_path, "\n".join("\t".join(r) for r in with_cells(rows, edits)).encode(), ".txt"
    )
    if document is None:
        return
    findings = run_checks([document])
    assert_inert_workbook(write_xlsx(findings, tmp_path / "findings.xlsx"))


def test_excel_export_escapes_formula_cells(tmp_path) -> None:
    """Findings whose project, indicator, message, evidence and source name start like a formula."""
    import openpyxl

    from corpus.model import Finding, Source
    from qa.report import finding_key, write_xlsx

    findings = [
        Finding(
            rule="target-not-met",
            severity="warning",
            document=text,
            project=text,
            indicator=text,
            message=text,
            evidence={"actual": text, "target": text},
            source=Source(file=text, line=3, text=text),
        )
        for text in FORMULAS
    ]
    marks = {finding_key(f): {"status": "已核实", "remark": "@" + f.message} for f in findings}
    path = write_xlsx(findings, tmp_path / "formulas.xlsx", marks=marks)
    assert assert_inert_workbook(path) >= len(FORMULAS) * 7
    values = [c.value for row in openpyxl.load_workbook(path).active.iter_rows(min_row=2) for c in row]
    for text in FORMULAS:
        assert "'" + text in values, text  # shown as typed, not computed


# ------------------------------------------------------------------------------ the UI


class _Markup(HTMLParser):
    """The tags and attributes of a piece of HTML, as a browser would build them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.extend((name, value or "") for name, value in attrs)


def markup(fragment: str) -> _Markup:
    parser = _Markup()
    parser.feed(fragment)
    parser.close()
    return parser


def rendered(documents: list[Document], findings: list) -> list[str]:
    """Every HTML fragment the app builds from records (qa/views.py), for these documents."""
    from corpus.model import Answer, Citation
    from corpus.settings import Settings
    from qa.report import finding_key
    from ui import views

    out = []
    for document in documents:
        for project in document.projects:
            out += [
                views.project_header_html(project),
                views.budget_html(project, Settings()),
                views.goals_html(project),
                views.indicators_html(project, findings),
                views.indicator_chart_html(project),
            ]
            citations = tuple(
                Citation(document.name, project.name, i.name, i.source.line, i.source.text, i.source.page)
                for i in project.indicators[:3]
            )
            answer = Answer(
                question=project.name,
                kind="search",
                text=f"{project.name}：{project.indicators[0].name if project.indicators else ''}",
                projects=(project.name,),
                citations=citations,
                suggestions=(project.name,),
            )
            out.append(views.answer_html(answer, documents))
    for n, finding in enumerate(findings[:20], start=1):
        out.append(
            views.finding_detail_html(
                views.FindingView(n, finding_key(finding), finding, "已核实", finding.message)
            )
        )
    return out


SCRIPTS = [
    "<script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    '<img src=x onerror="alert(1)">',
    "&lt;img src=x onerror=alert(1)&gt;",
    "[点我](javascript:alert(1))",
    "<a href='javascript:alert(1)'>x</a>",
    "<iframe srcdoc='<script>alert(1)</script>'>",
    "**加粗** <b>粗</b>",
    "&lt;svg onload=alert(1)&gt;",
]


@pytest.fixture(scope="module")
def clean_tags() -> set[str]:
    """The tags the views use for the samples: a hostile document may not add any other."""
    from qa.checks import run_checks

    documents = [parse_file(DECLARATION_SAMPLE), parse_file(SELF_EVAL_SAMPLE)]
    tags: set[str] = set()
    for fragment in rendered(documents, run_checks(documents)):
        tags |= markup(fragment).tags
    return tags


@settings(FUZZ, max_examples=20)
@given(
    edits=st.lists(
        st.tuples(
            st.integers(0, 10_000), st.integers(0, 20), st.one_of(st.sampled_from(SCRIPTS), hostile_text)
        ),
        min_size=1,
        max_size=10,
    ),
)
def test_markup_in_cells_reaches_the_ui_as_text(tmp_path, clean_tags, edits) -> None:
    from qa.checks import run_checks

    document = parse_bytes(
        tmp_path, "\n".join("\t".join(r) for r in with_cells(DECLARATION_ROWS, edits)).encode(), ".txt"
    )
    if document is None:
        return
    for fragment in rendered([document], run_checks([document])):
        found = markup(fragment)
        assert found.tags <= clean_tags, found.tags - clean_tags
        for name, value in found.attributes:
            assert not name.startswith("on"), (name, value)
            assert not value.strip().lower().startswith(("javascript:", "data:text/html")), (name, value)
