"""Word .docx -> rows: each table row (merged cells filled), and each paragraph line as a one-cell row."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from corpus.model import Row
from corpus.readers.base import (
    DEFAULT_MAX_UNZIPPED_MB,
    DEFAULT_MAX_ZIP_RATIO,
    Loaded,
    cell_lines,
    cell_text,
    check_container,
    read_bytes,
    refuse,
    sha256_bytes,
)


def read_docx(
    path: Path,
    *,
    fill_merged: bool = True,
    max_unzipped_mb: int = DEFAULT_MAX_UNZIPPED_MB,
    max_ratio: int = DEFAULT_MAX_ZIP_RATIO,
) -> Loaded:
    """Read a .docx body into rows: each table row, and each paragraph line as a one-cell row.

    Args:
        path: the document.
        fill_merged: give every grid column/row a merged cell covers its text (else only the first).
        max_unzipped_mb, max_ratio: zip-bomb limits checked before opening.
    Returns:
        Loaded whose rows carry a running `line` number in body order (no pages in a .docx).
    Raises:
        UnreadableFileError: empty, truncated, encrypted, a zip bomb, or not a Word document.
    """
    data = read_bytes(path)
    check_container(path, data, "Word", max_unzipped_mb, max_ratio)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError):
        raise refuse(path, "truncated") from None
    except Exception as exc:  # python-docx raises PackageNotFoundError, KeyError, lxml errors
        raise refuse(path, "corrupt", kind="Word", detail=type(exc).__name__) from exc
    # (is a table, its rows as (cells, cells' own lines)) in body order
    blocks: list[tuple[bool, list[tuple[tuple[str, ...], tuple[str, ...], tuple[bool, ...]]]]] = []
    try:
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                blocks.append((True, _docx_table(item, fill_merged)))
            elif isinstance(item, Paragraph):
                # A line break (<w:br/>) inside a paragraph starts a new text line, as in the PDF.
                lines = [cell_text(line) for line in item.text.split("\n")]
                blocks.append((False, [((line,) if line else (), (), ()) for line in lines]))
    except Exception as exc:  # malformed XML inside a part surfaces only while walking the body
        raise refuse(path, "corrupt", kind="Word", detail=type(exc).__name__) from exc
    rows = _number_rows(blocks, page=None)
    return Loaded(path=str(path), sha256=sha256_bytes(data), rows=tuple(rows))


def _docx_table(table: Any, fill_merged: bool) -> list[tuple[tuple[str, ...], tuple[str, ...], tuple[bool, ...]]]:
    """A table's rows as (cells, their own lines: see Row.lines)."""
    width = len(table.columns)
    grid: list[list[Any]] = []  # the python-docx cell at each grid position, or None
    for row in table.rows:
        cells: list[Any] = [None] * row.grid_cols_before + list(row.cells)
        cells += [None] * (width - len(cells))
        grid.append(cells)
    texts: dict[int, str] = {}
    multiline: dict[tuple[int, int], str] = {}
    line_rows: list[tuple[str, ...]] = []
    span_rows: list[tuple[bool, ...]] = []
    out: list[tuple[str, ...]] = []
    for r, cells in enumerate(grid):
        row_text: list[str] = []
        row_span: list[bool] = []
        for c, cell in enumerate(cells):
            row_span.append(False)
            if cell is None:
                row_text.append("")
                continue
            # python-docx repeats one <w:tc> over a merged cell's span (gridSpan) and rows (vMerge):
            # that repetition is the fill; without fill only the first position keeps the text.
            tc = cell._tc
            left = cells[c - 1] if c > 0 else None
            above = grid[r - 1][c] if r > 0 and c < len(grid[r - 1]) else None
            covered = (left is not None and left._tc is tc) or (above is not None and above._tc is tc)
            if covered and not fill_merged:
                row_text.append("")
                continue
            row_span[-1] = left is not None and left._tc is tc
            if id(tc) not in texts:
                texts[id(tc)] = cell_text(cell.text)
                if not covered:
                    multiline[(r, c)] = cell_lines(cell.text)
            row_text.append(texts[id(tc)])
        out.append(tuple(row_text))
        lines = tuple(multiline.get((r, c), "") for c in range(len(row_text)))
        line_rows.append(lines if any(lines) else ())
        span_rows.append(tuple(row_span) if any(row_span) else ())
    return list(zip(out, line_rows, span_rows, strict=True))


def _number_rows(
    blocks: list[tuple[bool, list[tuple[tuple[str, ...], tuple[str, ...], tuple[bool, ...]]]]], page: int | None
) -> list[Row]:
    """Blocks -> rows with a running line number; an empty row between a table and what surrounds it."""
    rows: list[Row] = []

    def emit(cells: tuple[str, ...], lines: tuple[str, ...] = (), spanned: tuple[bool, ...] = ()) -> None:
        if not cells and (not rows or not rows[-1].cells):
            return  # one empty row separates; more say nothing
        rows.append(Row(cells=cells, line=len(rows) + 1, page=page, lines=lines, spanned=spanned))

    for is_table, block in blocks:
        if is_table:
            emit(())
        for cells, lines, spanned in block:
            emit(cells, lines, spanned)
        if is_table:
            emit(())
    while rows and not rows[-1].cells:
        rows.pop()
    return rows
