"""Scanned pages -> the rows a PDF's text layer would give: each page turned upright and OCR'd (ocr_engine),
its ruled tables rebuilt cell by cell (ocr_table), then joined across pages like text-layer tables (pdf).

Every OCR'd cell keeps its confidence and its box on the page (`OcrCell`); a cell read less surely than
`Settings.ocr_min_confidence` is a parse warning that names the page, the row and the column. Progress per page
goes to the callback set with `ocr_options` (the CLI and the app show it).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from corpus.errors import UnreadableFileError
from corpus.model import ParseWarning, Row, Source
from corpus.readers.base import Loaded, cell_lines, cell_text, sha256_bytes
from corpus.readers.ocr_engine import TextBox, recognise, to_scan, upright
from corpus.readers.ocr_table import Grid, borderless, find_tables, joined, place, text_lines
from corpus.readers.pdf import _pdf_rows, _PdfLine, _PdfTable, read_pdf

Box = tuple[float, float, float, float]
Progress = Callable[[int, int], None]  # (pages done, pages to read)

PDF_DPI = 200  # a scanned PDF page is rendered at this resolution for OCR
_SLACK_SHARE = 0.02  # a scanned table's edges may lie this share of the page width from the previous page's


@dataclass(frozen=True)
class OcrCell:
    """One OCR'd cell: where it stands (page, row line, column, box on the page), its text and how sure."""

    page: int
    line: int
    column: int
    text: str
    confidence: float
    box: Box
    figures: float = 1.0  # the least sure step of reading its figure characters (1.0: none)


@dataclass(frozen=True)
class OcrLoaded(Loaded):
    """Loaded, plus what OCR read: every cell with its confidence and box, and the pages read by OCR."""

    cells: tuple[OcrCell, ...] = ()
    ocr_pages: tuple[int, ...] = ()
    unit: str = "pt"  # what the boxes count: PDF points ("pt") or image pixels ("px")


@dataclass(frozen=True)
class _Options:
    min_confidence: float | None = None
    progress: Progress | None = None


_OPTIONS: contextvars.ContextVar[_Options | None] = contextvars.ContextVar("ocr_options", default=None)


@contextlib.contextmanager
def ocr_options(min_confidence: float | None = None, progress: Progress | None = None) -> Iterator[None]:
    """Within the block, OCR warns below `min_confidence` (default: Settings) and reports each page read;
    what is not given is kept from an enclosing block."""
    outer = _OPTIONS.get() or _Options()
    token = _OPTIONS.set(
        _Options(
            outer.min_confidence if min_confidence is None else min_confidence,
            outer.progress if progress is None else progress,
        )
    )
    try:
        yield
    finally:
        _OPTIONS.reset(token)


def min_confidence() -> float:
    options = _OPTIONS.get()
    if options is not None and options.min_confidence is not None:
        return options.min_confidence
    from corpus.settings import Settings

    return Settings().ocr_min_confidence


def report_progress(done: int, total: int) -> None:
    options = _OPTIONS.get()
    if options is not None and options.progress is not None:
        options.progress(done, total)


def read_page(image: np.ndarray, page: int, scale: float) -> list[_PdfTable | _PdfLine]:
    """One scanned page (BGR pixels) -> its tables and text lines, in page units (`scale` units per pixel).

    Positions are those of the upright page; each row's `box` is mapped back onto the page as scanned.
    """
    turned = upright(image)
    boxes = recognise(turned)
    grids = find_tables(turned.image)
    outside = place(grids, boxes)
    grids = [g for g in grids if any(cell.boxes for cell in g.cells)]  # a frame or a photo's edge, no table

    def on_page(box: Box) -> Box:
        x0, y0, x1, y1 = to_scan(turned.matrix, box)
        return (x0 * scale, y0 * scale, x1 * scale, y1 * scale)

    slack = _SLACK_SHARE * image.shape[1] * scale
    items: list[_PdfTable | _PdfLine] = [_table(grid, page, scale, on_page, slack) for grid in grids]
    if not grids:
        table, outside = _borderless(outside, page, scale, on_page, slack)
        if table is not None:
            items.append(table)
    for line in text_lines(outside):
        box = (
            min(b.box[0] for b in line),
            min(b.box[1] for b in line),
            max(b.box[2] for b in line),
            max(b.box[3] for b in line),
        )
        text = cell_text(joined(line))
        if text:
            confidence = min(b.confidence for b in line)
            figures = min(b.figures for b in line)
            items.append(
                _OcrLine(page, box[1] * scale, box[3] * scale, text, on_page(box), confidence, figures)
            )
    items.sort(key=lambda item: item.top)
    return items


@dataclass
class _OcrTable(_PdfTable):
    # Parallel to rows: each position's (confidence, box on the page, whether it is its cell's first place,
    # confidence of its figure characters).
    cells: list[tuple[tuple[float, Box, bool, float], ...]] | None = None


@dataclass
class _OcrLine(_PdfLine):
    confidence: float = 1.0
    figures: float = 1.0


def _table(grid: Grid, page: int, scale: float, on_page: Callable[[Box], Box], slack: float) -> _OcrTable:
    rows: list[tuple[str, ...]] = []
    spanned: list[tuple[bool, ...]] = []
    marks: list[tuple[tuple[float, Box, bool, float], ...]] = []
    lines: dict[str, str] = {}
    boxes: list[Box] = []
    width = len(grid.xs) - 1
    for r in range(len(grid.ys) - 1):
        texts, spans, row_marks = [], [], []
        for c in range(width):
            cell = grid.owner(r, c)
            raw = cell.text if cell is not None else ""
            texts.append(cell_text(raw))
            if cell_lines(raw):
                lines[cell_text(raw)] = cell_lines(raw)
            spans.append(cell is not None and cell.c0 < c)
            box = cell.box if cell is not None else (grid.xs[c], grid.ys[r], grid.xs[c + 1], grid.ys[r + 1])
            first = cell is not None and cell.r0 == r and cell.c0 == c
            sure = (cell.confidence, cell.figures) if cell is not None else (1.0, 1.0)
            row_marks.append((sure[0], on_page(box), first, sure[1]))
        rows.append(tuple(texts))
        spanned.append(tuple(spans))
        marks.append(tuple(row_marks))
        boxes.append(on_page((grid.xs[0], grid.ys[r], grid.xs[-1], grid.ys[r + 1])))
    x0, top, x1, bottom = grid.box
    return _OcrTable(
        page,
        top * scale,
        bottom * scale,
        x0 * scale,
        x1 * scale,
        rows,
        [x * scale for x in grid.xs[:-1]],
        lines,
        spanned,
        boxes,
        slack,
        marks,
    )


def _borderless(
    boxes: list[TextBox], page: int, scale: float, on_page: Callable[[Box], Box], slack: float
) -> tuple[_OcrTable | None, list[TextBox]]:
    """A page without ruling lines: the lines of two or more boxes as a table on the boxes' shared left edges;
    the rest stays text."""
    edges, lines = borderless(boxes)
    if len(edges) < 2:
        return None, boxes
    table_lines = [line for line in lines if len(line) >= 2]
    if len(table_lines) < 3:
        return None, boxes
    rows, marks, row_boxes = [], [], []
    for line in table_lines:
        cells: list[list[TextBox]] = [[] for _ in edges]
        for box in line:
            column = max((i for i, x in enumerate(edges) if x <= box.box[0] + box.height), default=0)
            cells[column].append(box)
        rows.append(tuple(cell_text(joined(c)) for c in cells))
        box = (
            min(b.box[0] for b in line),
            min(b.box[1] for b in line),
            max(b.box[2] for b in line),
            max(b.box[3] for b in line),
        )
        marks.append(
            tuple(
                (
                    min((b.confidence for b in c), default=1.0),
                    on_page(_union(c) if c else box),
                    True,
                    min((b.figures for b in c), default=1.0),
                )
                for c in cells
            )
        )
        row_boxes.append(on_page(box))
    kept = {id(b) for line in table_lines for b in line}
    top = min(b.box[1] for line in table_lines for b in line)
    bottom = max(b.box[3] for line in table_lines for b in line)
    right = max(b.box[2] for line in table_lines for b in line)
    table = _OcrTable(
        page,
        top * scale,
        bottom * scale,
        edges[0] * scale,
        right * scale,
        rows,
        [x * scale for x in edges],
        {},
        [],
        row_boxes,
        slack,
        marks,
    )
    return table, [b for b in boxes if id(b) not in kept]


def _union(boxes: list[TextBox]) -> Box:
    return (
        min(b.box[0] for b in boxes),
        min(b.box[1] for b in boxes),
        max(b.box[2] for b in boxes),
        max(b.box[3] for b in boxes),
    )


def rows_and_cells(
    items: list[_PdfTable | _PdfLine], fill_merged: bool = True
) -> tuple[list[Row], list[OcrCell], list[ParseWarning]]:
    """Rows as the PDF reader joins them, every OCR'd cell with its confidence, and a warning for each cell
    read less surely than the threshold (once per merged cell, at its first place)."""
    trace: list[tuple[int, _PdfTable, int]] = []
    rows = _pdf_rows(items, fill_merged, trace)
    cells: list[OcrCell] = []
    for index, fragment, k in trace:
        if not isinstance(fragment, _OcrTable) or not fragment.cells:
            continue
        row = rows[index]
        for c, (confidence, box, first, figures) in enumerate(fragment.cells[k]):
            text = fragment.rows[k][c] if c < len(fragment.rows[k]) else ""
            if text and first:
                cells.append(OcrCell(row.page or 0, row.line, c + 1, text, confidence, box, figures))
    for row, item in _line_rows(rows, items):
        box = item.box or (0, 0, 0, 0)
        cells.append(OcrCell(row.page or 0, row.line, 1, row.cells[0], item.confidence, box, item.figures))
    return rows, cells, cell_warnings(cells, min_confidence())


def has_figure(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def doubtful(cell: OcrCell, threshold: float) -> tuple[float, float] | None:
    """(the confidence, the threshold it fell below) of a cell to check against the original; None for a sure one.

    A cell holding a figure is judged by the steps that read its figure characters (a digit, the decimal point,
    %, ≥, 万: what changes the value, and a character nearly dropped beside them), a cell of words by all of
    its characters. Measured on the tests' 5 scans (1372 fields, 11 pages) at 0.9: 132 warnings instead of 161
    when every cell was judged by all its characters (the declaration's 4 pages: 44 instead of 58), and still
    no wrong field unnamed. Judging words more leniently was tried and dropped: at 0.81 修缮 read as 修 (a
    character dropped) and — read as 二 went through unnamed.
    """
    if has_figure(cell.text):
        return (cell.figures, threshold) if cell.figures < threshold else None
    return (cell.confidence, threshold) if cell.confidence < threshold else None


def cell_warnings(cells: list[OcrCell], threshold: float) -> list[ParseWarning]:
    """A low-confidence warning for every doubtful cell, in reading order."""
    out = []
    for c in cells:
        found = doubtful(c, threshold)
        if found is not None:
            out.append(low_confidence(c.page, c.line, c.column, c.text, *found))
    return out


def _line_rows(rows: list[Row], items: list[_PdfTable | _PdfLine]) -> Iterator[tuple[Row, _OcrLine]]:
    lines = {(i.page, i.text, i.box): i for i in items if isinstance(i, _OcrLine)}
    for row in rows:
        if len(row.cells) == 1 and row.box is not None and (row.page, row.cells[0], row.box) in lines:
            yield row, lines[(row.page, row.cells[0], row.box)]


def low_confidence(
    page: int, line: int, column: int, text: str, confidence: float, threshold: float
) -> ParseWarning:
    what = "数字" if any(ch.isdigit() for ch in text) else "文字"
    return ParseWarning(
        line,
        f"第{page}页第{line}行第{column}列的{what}「{text}」识别置信度 {confidence:.2f}，低于 {threshold:.2f}，"
        "请对照原件核对",
        text=text,
        page=page,
        kind="ocr-low-confidence",
    )


def no_text_warning(page: int) -> ParseWarning:
    return ParseWarning(
        0,
        f"第{page}页 OCR 未识别出文字（空白页或图像过于模糊），该页内容未导入，请核对原件",
        page=page,
        kind="ocr-empty-page",
    )


def ocr_loaded(
    path: str,
    sha256: str,
    items: list[_PdfTable | _PdfLine],
    pages: list[int],
    empty: list[int],
    unit: str,
    warnings: tuple[ParseWarning, ...] = (),
) -> OcrLoaded:
    """The Loaded of a file some of whose pages were OCR'd.

    Raises:
        UnreadableFileError: nothing was read at all (blank or unreadable scans).
    """
    rows, cells, low = rows_and_cells(items)
    if not rows:
        raise UnreadableFileError(
            f"{path}: 扫描页经 OCR 未识别出文字（可能是空白页、图像过于模糊或分辨率过低），"
            "请提供清晰的扫描件（建议 200 dpi 以上）",
            reason="scanned",
        )
    return OcrLoaded(
        path=path,
        sha256=sha256,
        rows=tuple(rows),
        warnings=(*warnings, *(no_text_warning(n) for n in empty), *low),
        cells=tuple(cells),
        ocr_pages=tuple(pages),
        unit=unit,
    )


def read_pdf_ocr(path: Path, *, fill_merged: bool = True) -> Loaded:
    """A PDF, its pages without a text layer read by OCR (a scan, or scanned pages among text pages)."""
    return read_pdf(path, fill_merged=fill_merged, scanned=_scanned_pages)


def _scanned_pages(path: Path, data: bytes, items: list[_PdfTable | _PdfLine], numbers: list[int]) -> Loaded:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    empty = []
    read: list[_PdfTable | _PdfLine] = []
    try:
        for done, number in enumerate(numbers, start=1):
            page = document[number - 1]
            image = np.ascontiguousarray(
                np.asarray(page.render(scale=PDF_DPI / 72).to_pil().convert("RGB"))[:, :, ::-1]
            )
            page.close()
            page_items = read_page(image, number, 72 / PDF_DPI)
            if not page_items:
                empty.append(number)
            read.extend(page_items)
            report_progress(done, len(numbers))
    finally:
        document.close()
    merged = sorted([*items, *read], key=lambda item: item.page)  # stable: each page keeps its order
    return ocr_loaded(str(path), sha256_bytes(data), merged, numbers, empty, "pt")


def boxed(record: Any, loaded: Loaded) -> Any:
    """`record` (a Document, a Project, any record) with the page box of every Source read by OCR filled in:
    the union of the boxes of its rows on its first page, so a citation names the region that was read."""
    if not isinstance(loaded, OcrLoaded):
        return record
    by_line = {r.line: r for r in loaded.rows if r.box is not None}
    if not by_line:
        return record

    def box_of(source: Source) -> Box | None:
        rows = [by_line.get(n) for n in range(source.line, (source.end_line or source.line) + 1)]
        boxes = [r.box for r in rows if r is not None and r.box is not None and r.page == source.page]
        if not boxes:
            return None
        return (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )

    def walk(value: Any) -> Any:
        if isinstance(value, Source):
            return replace(value, box=box_of(value)) if value.box is None else value
        if isinstance(value, tuple):
            return tuple(walk(v) for v in value)
        if is_dataclass(value) and not isinstance(value, type):
            changes = {f.name: walk(getattr(value, f.name)) for f in fields(value)}
            return replace(value, **{k: v for k, v in changes.items() if v is not getattr(value, k)})
        return value

    return walk(record)
