"""PDF text layer -> rows: ruled tables cell by cell (merged cells filled, tables joined across pages),
other text line by line; every row keeps its page."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from corpus.errors import UnreadableFileError
from corpus.model import ParseWarning, Row
from corpus.readers.base import Loaded, cell_lines, cell_text, read_bytes, refuse, sha256_bytes

_PAGE_NUMBER = re.compile(
    r"^[-—–\s]*(第\s*)?\d{1,4}\s*(页)?\s*([/／]\s*(共\s*)?\d{1,4}\s*页?)?[-—–\s]*$"
    r"|^\s*page\s+\d+(\s+of\s+\d+)?\s*$",
    re.IGNORECASE,
)


@dataclass
class _PdfTable:
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    rows: list[tuple[str, ...]]
    cols: list[float]  # left edge of each column
    lines: dict[str, str] = field(default_factory=dict)  # a cell's text -> its printed lines (Row.lines)
    spanned: list[tuple[bool, ...]] = field(default_factory=list)  # parallel to rows (Row.spanned)
    # An OCR'd table (a scanned page): where each row stands on the page (Row.box), and how far its edges may
    # lie from a continuing fragment's on the next page (a scan is never placed to the point).
    boxes: list[tuple[float, float, float, float]] = field(default_factory=list)
    slack: float = 3.0


@dataclass
class _PdfLine:
    page: int
    top: float
    bottom: float
    text: str
    box: tuple[float, float, float, float] | None = None  # an OCR'd line's place on the page


# What reads a PDF's pages without a text layer (corpus.readers.ocr): (path, its bytes, the text pages' items,
# the scanned pages' numbers) -> the Loaded of the whole file.
Scanned = Callable[[Path, bytes, "list[_PdfTable | _PdfLine]", list[int]], Loaded]


def read_pdf(path: Path, *, fill_merged: bool = True, scanned: Scanned | None = None) -> Loaded:
    """Read a PDF's text layer into rows: ruled tables cell by cell, other text line by line.

    Tables are found by their ruling lines; a merged cell's covered positions get its text
    (`fill_merged`); a table that runs on at the top of the next page is joined to the one at the
    bottom of the page before, a repeated header row dropped.

    Returns:
        Loaded whose rows carry `page` and a running `line` number over the whole document.
    Args:
        scanned: reads the pages without a text layer (OCR); without it, such pages are warned about and a
            file of scanned pages only is refused.
    Raises:
        UnreadableFileError: empty, truncated, encrypted, or without a text layer (a scan: OCR first).
    """
    data = read_bytes(path)
    if b"%PDF-" not in data[:1024]:
        raise refuse(path, "corrupt", kind="PDF", detail="缺少 PDF 文件头")
    if b"%%EOF" not in data[-2048:]:
        # pdfminer would rebuild a cut file from what is left and silently lose the rest.
        raise refuse(path, "truncated")
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    items: list[_PdfTable | _PdfLine] = []
    chars = cid_chars = 0
    blank_pages: list[int] = []
    scan_pages: list[int] = []  # no text, an image over most of the page: what OCR reads
    damage = _PdfDamage()
    pdfminer_log = logging.getLogger("pdfminer")
    pdfminer_log.addHandler(damage)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                page_items, page_chars, page_cid = _pdf_page(page, number, fill_merged)
                if page_chars == 0:
                    (scan_pages if _scanned_image(page) else blank_pages).append(number)
                page.close()  # drop the page's parsed objects: long documents would keep them all
                items.extend(page_items)
                chars += page_chars
                cid_chars += page_cid
                if page_chars and page_cid > page_chars / 2:
                    # A font whose glyphs no longer map to text (damaged, or never had a mapping):
                    # the page would come back as (cid:…) noise with its rows missing.
                    raise refuse(path, "corrupt", kind="PDF", detail=f"第{number}页的字体无法解码")
                if damage.message:
                    # pdfminer only logs a damaged content stream and reads on with what it could
                    # decompress: the page would come back with rows silently missing.
                    raise refuse(path, "corrupt", kind="PDF", detail=f"第{number}页内容流损坏")
    except UnreadableFileError:
        raise
    except Exception as exc:
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc.__cause__
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)) or isinstance(
            exc, (PDFPasswordIncorrect, PDFEncryptionError)
        ):
            raise refuse(path, "encrypted_pdf") from None
        raise refuse(path, "corrupt", kind="PDF", detail=type(cause or exc).__name__) from exc
    finally:
        pdfminer_log.removeHandler(damage)
    # A page with no text that OCR does not read (a damaged page, a blank or drawn one; any page without text
    # when no OCR is given): what it held is not in the records, and the reviewer is told so.
    unread = sorted(blank_pages + (scan_pages if scanned is None else []))
    page_warnings = tuple(
        ParseWarning(0, f"第{n}页没有可提取的文字（扫描页或页面损坏），该页内容未导入，请核对原件", page=n)
        for n in unread
    )
    if scan_pages and scanned is not None:
        loaded = scanned(path, data, items, scan_pages)
        return replace(loaded, warnings=(*page_warnings, *loaded.warnings))
    if chars == 0:
        raise refuse(path, "scanned")
    if cid_chars > chars / 2:
        raise refuse(path, "no_unicode")
    return Loaded(
        path=str(path),
        sha256=sha256_bytes(data),
        rows=tuple(_pdf_rows(items, fill_merged)),
        warnings=page_warnings,
    )


_SCAN_COVER = 0.5  # an image over at least this share of a page without text makes it a scanned page


def _scanned_image(page: Any) -> bool:
    """An image (or several) covers most of the page: a scan or a photo of a page, worth OCR. A page without
    text and without such an image (a damaged content stream, a blank page) is not."""
    area = float(page.width * page.height) or 1.0
    covered = 0.0
    for image in page.images:
        x0, x1 = max(float(image["x0"]), 0.0), min(float(image["x1"]), float(page.width))
        top, bottom = max(float(image["top"]), 0.0), min(float(image["bottom"]), float(page.height))
        covered += max(x1 - x0, 0.0) * max(bottom - top, 0.0)
    return covered >= _SCAN_COVER * area


class _PdfDamage(logging.Handler):
    """Remembers pdfminer's warnings about data lost while decompressing a damaged stream."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.message = ""

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if "Data-loss" in text or "corrupt" in text.lower():
            self.message = text


def _pdf_page(page: Any, number: int, fill_merged: bool) -> tuple[list[_PdfTable | _PdfLine], int, int]:
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    items: list[_PdfTable | _PdfLine] = []
    for table in tables:
        x0, top, x1, bottom = table.bbox
        rows, cols, spanned = _pdf_grid(table, fill_merged)
        lines = {cell_text(t): cell_lines(t) for row in table.extract() for t in row if t and cell_lines(t)}
        items.append(_PdfTable(number, top, bottom, x0, x1, rows, cols, lines, spanned))

    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

    for line in page.filter(outside).extract_text_lines(return_chars=False):
        text = cell_text(line["text"])
        if text:
            items.append(_PdfLine(number, line["top"], line["bottom"], text))
    items.sort(key=lambda item: item.top)
    page_chars = page.chars
    cid = sum(1 for ch in page_chars if ch.get("text", "").startswith("(cid:"))
    return items, len(page_chars), cid


def _pdf_grid(
    table: Any, fill_merged: bool
) -> tuple[list[tuple[str, ...]], list[float], list[tuple[bool, ...]]]:
    """One table -> rows of cell text, the columns' left edges, and where a cell is its left one's copy.

    pdfplumber's None marks a position that a merged cell covers.
    """
    texts = table.extract()
    rows = table.rows
    width = max((len(r.cells) for r in rows), default=0)
    col_x0 = [
        min((r.cells[c][0] for r in rows if c < len(r.cells) and r.cells[c]), default=0.0)
        for c in range(width)
    ]
    owner: list[list[tuple[Any, str] | None]] = []  # (covering bbox, its text) at each position
    from_left: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        row_owner: list[tuple[Any, str] | None] = []
        top = row.bbox[1]
        for c in range(width):
            bbox = row.cells[c] if c < len(row.cells) else None
            if bbox is not None:
                row_owner.append((bbox, cell_text(texts[r][c])))
                continue
            # The covering cell is the one to the left or above whose box reaches this position.
            px, py = col_x0[c] + 1, top + 1
            found = None
            for side, candidate in enumerate((row_owner[c - 1] if c > 0 else None,
                                              owner[r - 1][c] if r > 0 else None)):
                if candidate is not None:
                    b = candidate[0]
                    if b[0] <= px <= b[2] and b[1] <= py <= b[3]:
                        found = candidate
                        if side == 0:
                            from_left.add((r, c))
                        break
            row_owner.append(found)
        owner.append(row_owner)
    grid: list[tuple[str, ...]] = []
    spanned: list[tuple[bool, ...]] = []
    for r, row in enumerate(rows):
        cells = []
        for c in range(width):
            entry = owner[r][c]
            own = c < len(row.cells) and row.cells[c] is not None
            cells.append(entry[1] if entry is not None and (own or fill_merged) else "")
        grid.append(tuple(cells))
        spanned.append(tuple(fill_merged and (r, c) in from_left for c in range(width)))
    return grid, col_x0, spanned


def _is_header(cells: tuple[str, ...]) -> bool:
    # A header row is words only; data rows carry figures.
    filled = [c for c in cells if c]
    return len(filled) >= 2 and not any(ch.isdigit() for c in filled for ch in c)


def _squash(cells: tuple[str, ...]) -> tuple[str, ...]:
    return tuple("".join(c.split()) for c in cells)


def _pdf_rows(
    items: list[_PdfTable | _PdfLine], fill_merged: bool, trace: list[tuple[int, _PdfTable, int]] | None = None
) -> list[Row]:
    """Tables and lines -> rows. `trace`, when given, gets (index in the rows, fragment, its row) for each
    table row, so an OCR'd cell's confidence can be told against the row it landed in."""
    # Page numbers between the last table of a page and the first table of the next would split
    # one table in two: drop those (and only those).
    keep = [True] * len(items)
    for i, item in enumerate(items):
        if not isinstance(item, _PdfTable):
            continue
        j = i + 1
        while j < len(items) and isinstance(items[j], _PdfLine) and _PAGE_NUMBER.match(items[j].text):
            j += 1
        if j < len(items) and _continues(item, items[j]):
            for k in range(i + 1, j):
                keep[k] = False
    units: list[_PdfLine | list[_PdfTable]] = []  # text lines, and tables as their page fragments
    for item, kept in zip(items, keep, strict=True):
        if not kept:
            continue
        last = units[-1] if units else None
        if isinstance(item, _PdfTable) and isinstance(last, list) and _continues(last[-1], item):
            last.append(item)
        elif isinstance(item, _PdfTable):
            units.append([item])
        else:
            units.append(item)

    rows: list[Row] = []

    def emit(
        cells: tuple[str, ...], page: int, own: dict[str, str] | None = None, spanned: tuple[bool, ...] = (),
        box: tuple[float, float, float, float] | None = None,
    ) -> None:
        if not cells and (not rows or not rows[-1].cells):
            return
        lines = tuple(own.get(c, "") for c in cells) if own else ()
        rows.append(Row(cells=cells, line=len(rows) + 1, page=page, lines=lines if any(lines) else (),
                        spanned=spanned if any(spanned) else (), box=box))

    previous: _PdfLine | list[_PdfTable] | None = None
    for unit in units:
        if isinstance(unit, list):
            emit((), unit[0].page)
            seen_headers: set[tuple[str, ...]] = set()
            for n, (fragment, (grid, spans)) in enumerate(zip(unit, _aligned(unit, fill_merged), strict=True)):
                first = 0
                if n:
                    while first < len(grid) and _squash(grid[first]) in seen_headers:
                        first += 1  # the header row repeated on the new page
                seen_headers.update(_squash(r) for r in grid[first:] if _is_header(r))
                for k in range(first, len(grid)):
                    if trace is not None:
                        trace.append((len(rows), fragment, k))
                    box = fragment.boxes[k] if k < len(fragment.boxes) else None
                    emit(grid[k], fragment.page, fragment.lines, spans[k], box)
        else:
            if isinstance(previous, list):
                emit((), unit.page)
            elif isinstance(previous, _PdfLine) and previous.page == unit.page:
                # A gap taller than a line is a paragraph break: keep it as the text export does.
                if unit.top - previous.bottom > (previous.bottom - previous.top):
                    emit((), unit.page)
            emit((unit.text,), unit.page, box=unit.box)
        previous = unit
    while rows and not rows[-1].cells:
        rows.pop()
    return rows


def _aligned(
    fragments: list[_PdfTable], fill_merged: bool
) -> list[tuple[list[tuple[str, ...]], list[tuple[bool, ...]]]]:
    """The page fragments of one table on a common column grid.

    pdfplumber derives columns from the cell edges present, so a fragment holding only the
    总分/评分等级 rows has fewer columns than the rest; a position a fragment has no edge for lies
    inside the fragment's cell to its left.
    """
    if len(fragments) == 1:
        f = fragments[0]
        return [(f.rows, f.spanned or [() for _ in f.rows])]
    slack = max((f.slack for f in fragments if f.boxes), default=2.0)  # OCR'd fragments are looser
    edges: list[float] = []
    for x in sorted(x for f in fragments for x in f.cols):
        if not edges or x - edges[-1] > slack:
            edges.append(x)
    out = []
    for fragment in fragments:
        # For each common column, the fragment column it falls in, and whether it starts there.
        owner: list[tuple[int, bool]] = []
        for x in edges:
            c = max((i for i, fx in enumerate(fragment.cols) if fx <= x + slack), default=0)
            owner.append((c, abs(fragment.cols[c] - x) <= slack if fragment.cols else True))
        grid = []
        spans = []
        own_spans = fragment.spanned or [() for _ in fragment.rows]
        for cells, span in zip(fragment.rows, own_spans, strict=True):
            grid.append(
                tuple(cells[c] if c < len(cells) and (starts or fill_merged) else "" for c, starts in owner)
            )
            spans.append(tuple(
                fill_merged and c < len(cells) and (not starts or (c < len(span) and span[c])) for c, starts in owner
            ))
        out.append((grid, spans))
    return out


def _continues(before: _PdfTable | _PdfLine, after: _PdfTable | _PdfLine) -> bool:
    """A table at the top of a page continues the previous page's last table of the same width."""
    if not (isinstance(before, _PdfTable) and isinstance(after, _PdfTable)):
        return False
    slack = max(before.slack, after.slack)
    return after.page == before.page + 1 and abs(after.x0 - before.x0) < slack and abs(after.x1 - before.x1) < slack
