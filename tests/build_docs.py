"""Test helper: write a parsed Document back out as XLSX, XLS, DOCX or PDF in the 自评表/申报表 layout."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from corpus.model import Document, Indicator, Project

# A CJK TrueType font at its Debian path (package fonts-wqy-zenhei, installed by `make browser`).
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")

SELF_EVALUATION_TITLE = "财政项目支出绩效自评表"
DECLARATION_TITLE = "财政项目支出绩效目标申报表"
BUDGET_LABELS = {"appropriation": "其中: 当年财政拨款", "carryover": "上年结转资金", "other": "其他资金"}


@dataclass(frozen=True)
class Cell:
    """One table cell: the text a reader sees and, for spreadsheets, the number/date behind it."""

    text: str = ""
    number: Decimal | None = None
    fmt: str | None = None  # the spreadsheet number format that shows `number` as `text`
    day: date | None = None
    colspan: int = 1
    rowspan: int = 1


@dataclass
class Table:
    """Rows as in HTML: each row lists the cells that start in it, left to right."""

    width: int
    rows: list[list[Cell]] = field(default_factory=list)
    header_row: int | None = None  # the indicator header, repeated on a new PDF page when asked

    def placed(self) -> list[tuple[int, int, Cell]]:
        """(row, column, cell) for every cell, columns found by skipping spans from above."""
        taken: set[tuple[int, int]] = set()
        out = []
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while (r, c) in taken:
                    c += 1
                out.append((r, c, cell))
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        taken.add((r + dr, c + dc))
                c += cell.colspan
        return out


Block = str | Table  # a line of text outside tables, or a table


def _figure(value: Decimal | None, thousands: bool = False) -> Cell:
    if value is None:
        return Cell("")
    decimals = max(0, -int(value.as_tuple().exponent))
    fmt = ("#,##0" if thousands else "0") + ("." + "0" * decimals if decimals else "")
    return Cell(format(value, f"{',' if thousands else ''}.{decimals}f"), number=value, fmt=fmt)


def _groups(indicators: tuple[Indicator, ...], key) -> Iterator[int]:
    """Lengths of runs of consecutive indicators with the same key."""
    run = 0
    for i, ind in enumerate(indicators):
        run += 1
        if i + 1 == len(indicators) or key(indicators[i + 1]) != key(ind):
            yield run
            run = 0


def _indicator_rows(indicators: tuple[Indicator, ...], tail) -> list[list[Cell]]:
    """Indicator rows with 一级/二级指标 as vertically merged cells over their runs."""
    starts1 = {}
    i = 0
    for n in _groups(indicators, lambda x: x.level1):
        starts1[i] = n
        i += n
    starts2 = {}
    i = 0
    for n in _groups(indicators, lambda x: (x.level1, x.level2)):
        starts2[i] = n
        i += n
    rows = []
    for i, ind in enumerate(indicators):
        row = []
        if i in starts1:
            row.append(Cell(ind.level1, rowspan=starts1[i]))
        if i in starts2:
            row.append(Cell(ind.level2, rowspan=starts2[i]))
        row.append(Cell(ind.name))
        row.extend(tail(ind))
        rows.append(row)
    return rows


def _self_evaluation(p: Project) -> list[Block]:
    t = Table(width=8)
    t.rows.append([Cell("项目名称"), Cell(p.name, colspan=7)])
    t.rows.append(
        [
            Cell("主管部门"),
            Cell(p.department or "", colspan=3),
            Cell("实施单位"),
            Cell(p.implementer or "", colspan=3),
        ]
    )
    b = p.budget
    unit = b.unit if b else "万元"
    t.rows.append(
        [
            Cell(f"项目资金 ({unit})", rowspan=5),
            Cell(""),
            *map(Cell, ["年初预算数", "全年预算数", "全年执行数", "分数", "执行率(%)", "得分"]),
        ]
    )
    if b is not None:
        t.rows.append(
            [Cell("年度资金总额:")]
            + [_figure(v, thousands=True) for v in (b.planned, b.adjusted, b.spent)]
            + [_figure(b.weight), _figure(b.rate), _figure(b.score)]
        )
        for line in b.lines:
            t.rows.append(
                [Cell(BUDGET_LABELS.get(line.label, line.label))]
                + [_figure(v, thousands=True) for v in (line.planned, line.adjusted, line.spent)]
                + [_figure(line.weight) if line.weight is not None else Cell("-"), _figure(line.rate)]
                + [_figure(line.score) if line.score is not None else Cell("-")]
            )
    while len(t.rows) < 7:
        t.rows.append([Cell("") for _ in range(7)])
    g = p.goals
    t.rows.append(
        [Cell("年度总体目标", rowspan=2), Cell("预期目标", colspan=3), Cell("实际完成情况", colspan=4)]
    )
    t.rows.append(
        [
            Cell(g.expected.text if g.expected else "", colspan=3),
            Cell(g.achieved.text if g.achieved else "", colspan=4),
        ]
    )
    t.header_row = len(t.rows)
    t.rows.append(
        [
            Cell(h)
            for h in (
                "一级指标",
                "二级指标",
                "三级指标",
                "年度指标值",
                "实际完成值",
                "分值",
                "得分",
                "偏差原因分析及改进措施",
            )
        ]
    )
    t.rows.extend(
        _indicator_rows(
            p.indicators,
            lambda x: [
                Cell(x.target.text),
                Cell(x.actual.text if x.actual else ""),
                _figure(x.weight),
                _figure(x.score),
                Cell(x.note),
            ],
        )
    )
    t.rows.append([Cell("总分", colspan=5), _figure(p.total_weight), _figure(p.total_score), Cell("")])
    t.rows.append([Cell("评分等级"), Cell(p.grade or "", colspan=7)])
    year = f"({p.year}年度)" if p.year else ""
    return [SELF_EVALUATION_TITLE, year, t]


def _day(text: str | None) -> Cell:
    if not text:
        return Cell("")
    return Cell(text, day=date.fromisoformat(text), fmt="yyyy-mm-dd")


def _declaration(p: Project) -> list[Block]:
    f = p.funding
    t = Table(width=6)
    t.rows.append(
        [
            Cell("项目名称"),
            Cell(p.name),
            Cell("项目性质"),
            Cell((f.nature if f else None) or ""),
            Cell("项目类别"),
            Cell((f.category if f else None) or ""),
        ]
    )
    t.rows.append(
        [Cell("主管部门"), Cell(p.department or ""), Cell("实施单位"), Cell(p.implementer or "", colspan=3)]
    )
    t.rows.append(
        [
            Cell("计划开始日期"),
            _day(f.start_date if f else None),
            Cell("计划完成日期"),
            replace(_day(f.end_date if f else None), colspan=3),
        ]
    )
    unit = f.unit if f else "元"

    def money(v: Decimal | None, colspan: int = 1, rowspan: int = 1) -> Cell:
        return replace(_figure(v, thousands=True), colspan=colspan, rowspan=rowspan)

    t.rows.append(
        [
            Cell(f"项目资金 ({unit})", rowspan=4),
            Cell("项目资金总额"),
            money(f.total if f else None),
            Cell("年度资金申请总额"),
            money(f.annual_request if f else None, colspan=2),
        ]
    )
    t.rows.append(
        [
            Cell("其中：财政资金", rowspan=2),
            money(f.fiscal if f else None, rowspan=2),
            Cell("其中：当年财政拨款"),
            money(f.appropriation if f else None, colspan=2),
        ]
    )
    t.rows.append([Cell("上年结转资金"), money(f.carryover if f else None, colspan=2)])
    t.rows.append(
        [
            Cell("其他资金"),
            money(f.other if f else None),
            Cell("其他资金"),
            money(f.annual_other if f else None, colspan=2),
        ]
    )
    g = p.goals
    t.rows.append(
        [Cell("项目绩效目标", rowspan=2), Cell("项目总目标", colspan=2), Cell("年度总体目标", colspan=3)]
    )
    t.rows.append(
        [
            Cell(g.overall.text if g.overall else "", colspan=2),
            Cell(g.annual.text if g.annual else "", colspan=3),
        ]
    )
    t.header_row = len(t.rows)
    t.rows.append(
        [
            Cell("绩效指标", rowspan=len(p.indicators) + 1),
            Cell("一级指标"),
            Cell("二级指标"),
            Cell("三级指标"),
            Cell("年度(/项目)指标值", colspan=2),
        ]
    )
    t.rows.extend(_indicator_rows(p.indicators, lambda x: [Cell(x.target.text, colspan=2)]))
    year = f"({p.year}年度)" if p.year else ""
    return [DECLARATION_TITLE, year, t]


def layout(doc: Document) -> list[list[Block]]:
    """Each project as blocks: the title line, the year line, then its table."""
    build = _self_evaluation if doc.kind == "self_evaluation" else _declaration
    return [build(p) for p in doc.projects]


# --- XLSX / XLS ---------------------------------------------------------------------------------


def _sheet_cells(blocks: list[Block], width: int, start: int) -> Iterator[tuple[int, int, int, int, Cell]]:
    """(first row, first col, last row, last col, cell), 1-based, for one project from row `start`."""
    r = start
    for block in blocks:
        if isinstance(block, str):
            if block:
                yield r, 1, r, width, Cell(block)  # a title merged over the table's width
                r += 1
            continue
        for tr, tc, cell in block.placed():
            yield r + tr, tc + 1, r + tr + cell.rowspan - 1, tc + cell.colspan, cell
        r += len(block.rows)


def _project_height(blocks: list[Block]) -> int:
    return sum((1 if b else 0) if isinstance(b, str) else len(b.rows) for b in blocks)


def _sheets(doc: Document, projects_per_sheet: int | None) -> list[list[list[Block]]]:
    projects = layout(doc)
    size = projects_per_sheet or max(len(projects), 1)
    return [projects[i : i + size] for i in range(0, len(projects), size)]


def write_xlsx(doc: Document, path: Path, *, projects_per_sheet: int | None = None) -> Path:
    """The Document as a workbook: projects one under another (an empty row between), merged cells."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for n, projects in enumerate(_sheets(doc, projects_per_sheet), start=1):
        ws = book.create_sheet(f"Sheet{n}")
        row = 1
        for blocks in projects:
            width = next(b.width for b in blocks if isinstance(b, Table))
            for r0, c0, r1, c1, cell in _sheet_cells(blocks, width, row):
                target = ws.cell(row=r0, column=c0)
                if cell.number is not None:
                    target.value = float(cell.number)
                    target.number_format = cell.fmt
                elif cell.day is not None:
                    target.value = cell.day
                    target.number_format = cell.fmt
                elif cell.text:
                    target.value = cell.text
                    target.data_type = "s"  # "=2.00(个)" is a target, not a formula
                if (r0, c0) != (r1, c1):
                    ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
            row += _project_height(blocks) + 1
    book.save(path)
    return path


def write_xls(doc: Document, path: Path, *, projects_per_sheet: int | None = None) -> Path:
    """The Document as a legacy .xls workbook (xlwt), laid out like `write_xlsx`."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    styles: dict[str | None, xlwt.XFStyle] = {None: xlwt.XFStyle()}
    for n, projects in enumerate(_sheets(doc, projects_per_sheet), start=1):
        ws = book.add_sheet(f"Sheet{n}")
        row = 1
        for blocks in projects:
            width = next(b.width for b in blocks if isinstance(b, Table))
            for r0, c0, r1, c1, cell in _sheet_cells(blocks, width, row):
                if cell.fmt not in styles:
                    styles[cell.fmt] = xlwt.easyxf(num_format_str=cell.fmt)
                style = styles[cell.fmt]
                value = float(cell.number) if cell.number is not None else cell.day or cell.text
                if (r0, c0) != (r1, c1):
                    ws.write_merge(r0 - 1, r1 - 1, c0 - 1, c1 - 1, value, style)
                else:
                    ws.write(r0 - 1, c0 - 1, value, style)
            row += _project_height(blocks) + 1
    book.save(str(path))
    return path


# --- DOCX ---------------------------------------------------------------------------------------


def write_docx(doc: Document, path: Path) -> Path:
    """The Document as Word: title paragraphs, then a bordered table with merged cells, per project."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    out = docx.Document()
    for blocks in layout(doc):
        for block in blocks:
            if isinstance(block, str):
                if block:
                    out.add_paragraph(block).alignment = WD_ALIGN_PARAGRAPH.CENTER
                continue
            table = out.add_table(rows=len(block.rows), cols=block.width)
            table.style = "Table Grid"
            # The grid taken once: table.cell() rebuilds it on every call. Spans never overlap, so
            # a merge leaves the other positions' cells valid.
            grid = [list(row.cells) for row in table.rows]
            for r, c, cell in block.placed():
                target = grid[r][c]
                if cell.rowspan > 1 or cell.colspan > 1:
                    target = target.merge(grid[r + cell.rowspan - 1][c + cell.colspan - 1])
                target.text = cell.text
        out.add_paragraph("")
    out.save(str(path))
    return path


# --- PDF ----------------------------------------------------------------------------------------

_PAGE_W, _PAGE_H, _MARGIN = 210.0, 297.0, 12.0
_WIDTHS = {
    8: (16.0, 16.0, 42.0, 24.0, 24.0, 15.0, 15.0, 34.0),
    6: (20.0, 26.0, 30.0, 40.0, 35.0, 35.0),
}
_LINE_H, _PAD, _FONT_SIZE = 4.0, 1.0, 8


def write_pdf(doc: Document, path: Path, *, repeat_header: bool = False, font: Path = CJK_FONT) -> Path:
    """The Document as a PDF with ruled tables (each cell a rectangle), tables running across pages.

    Args:
        repeat_header: on a page a table continues onto, draw its indicator header row again.
        font: a TrueType font with the CJK glyphs.
    """
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.add_font("cjk", "", str(font))
    pdf.set_font("cjk", size=_FONT_SIZE)
    pdf.set_line_width(0.2)
    pdf.add_page()
    y = _MARGIN
    for blocks in layout(doc):
        for block in blocks:
            if isinstance(block, str):
                if not block:
                    continue
                if y + 40 > _PAGE_H - _MARGIN:  # keep the title lines with the table below them
                    pdf.add_page()
                    y = _MARGIN
                pdf.set_xy(_MARGIN, y)
                pdf.cell(_PAGE_W - 2 * _MARGIN, 6, block, align="C")
                y += 8
            else:
                y = _draw_table(pdf, block, y, repeat_header)
        y += 8
    pdf.output(str(path))
    return path


def _lines(pdf, text: str, width: float) -> int:
    if not text:
        return 1
    return len(pdf.multi_cell(width - 2 * _PAD, _LINE_H, text, dry_run=True, output="LINES"))


def _draw_table(pdf, table: Table, y: float, repeat_header: bool) -> float:
    widths = _WIDTHS[table.width]
    xs = [_MARGIN + sum(widths[:i]) for i in range(table.width + 1)]
    placed = table.placed()
    heights = [0.0] * len(table.rows)
    for r, c, cell in sorted(placed, key=lambda p: p[2].rowspan):
        need = _lines(pdf, cell.text, xs[c + cell.colspan] - xs[c]) * _LINE_H + 2 * _PAD
        have = sum(heights[r : r + cell.rowspan])
        if need > have:
            heights[r + cell.rowspan - 1] += need - have
    bottom = _PAGE_H - _MARGIN
    # Paginate first (page offsets from the current page), then draw row by row on the current page:
    # a merged cell that a page break splits is drawn as one box per page, its text in the first.
    where: list[tuple[int, float]] = []  # (page offset, top) of each row
    header_at: dict[int, float] = {}  # page offset -> top of a repeated header row
    spans = [
        (r, r + cell.rowspan, _lines(pdf, cell.text, xs[c + cell.colspan] - xs[c])) for r, c, cell in placed
    ]
    page, r, page_top = 0, 0, _MARGIN
    while r < len(heights):
        if y + heights[r] > bottom and y > page_top:
            # Break earlier rather than cut a merged cell whose text needs more room than it got.
            back = min(
                (
                    r0
                    for r0, end, lines in spans
                    if r0 < r < end and where[r0][0] == page and y - where[r0][1] < lines * _LINE_H + 2 * _PAD
                ),
                default=r,
            )
            if back < r and where[back][1] > page_top:  # not if that cell already starts the page
                del where[back:]
                r = back
            page, y = page + 1, _MARGIN
            if repeat_header and table.header_row is not None and table.header_row < r:
                header_at[page] = y
                y += heights[table.header_row]
            page_top = y
            continue
        where.append((page, y))
        y += heights[r]
        r += 1

    def box(c: int, colspan: int, top: float, h: float, text: str) -> None:
        pdf.rect(xs[c], top, xs[c + colspan] - xs[c], h)
        if text:
            pdf.set_xy(xs[c] + _PAD, top + _PAD)
            pdf.multi_cell(xs[c + colspan] - xs[c] - 2 * _PAD, _LINE_H, text)

    def segment(r: int, r0: int, c: int, cell: Cell, text: str) -> None:
        """The part of the cell that starts at row r0 from row r down to its last row on r's page."""
        rows = [i for i in range(r, r0 + cell.rowspan) if where[i][0] == where[r][0]]
        top = where[rows[0]][1]
        box(c, cell.colspan, top, where[rows[-1]][1] + heights[rows[-1]] - top, text)

    current = 0
    for r in range(len(table.rows)):
        if where[r][0] != current:
            pdf.add_page()
            current = where[r][0]
            if current in header_at:
                for hr, c, cell in placed:
                    if hr == table.header_row:
                        box(c, cell.colspan, header_at[current], heights[hr], cell.text)
            for r0, c, cell in placed:
                if r0 < r < r0 + cell.rowspan:
                    segment(r, r0, c, cell, "")
        for r0, c, cell in placed:
            if r0 == r:
                segment(r, r, c, cell, cell.text)
    return y
