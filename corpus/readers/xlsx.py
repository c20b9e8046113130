"""Workbooks -> rows: .xlsx/.xlsm (openpyxl) and legacy .xls (xlrd), cached values as a spreadsheet shows them.

Every row carries `line` = its sheet row number and `page` = its sheet's position (1-based, hidden
sheets counted), so the parser can cut one form per sheet.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from corpus.model import Row
from corpus.readers.base import (
    CFB_SIGNATURE,
    DEFAULT_MAX_UNZIPPED_MB,
    DEFAULT_MAX_ZIP_RATIO,
    ENCRYPTED_STREAM,
    ZIP_SIGNATURE,
    Loaded,
    cell_lines,
    cell_text,
    check_container,
    read_bytes,
    refuse,
    sha256_bytes,
)


def _general(value: int | float | Decimal) -> str:
    if isinstance(value, int):
        return str(value)
    number = Decimal(str(value)) if isinstance(value, float) else value
    if number == number.to_integral_value() and abs(number) < 10**15:
        return str(int(number))
    # 15 significant digits drop binary noise (0.1 + 0.2) the way Excel's display does.
    text = f"{float(number):.15g}"
    return format(Decimal(text), "f") if "e" in text else text


def _split_sections(fmt: str) -> list[str]:
    sections, current, quoted, bracket = [], [], False, False
    for ch in fmt:
        if ch == '"' and not bracket:
            quoted = not quoted
        elif ch == "[" and not quoted:
            bracket = True
        elif ch == "]" and not quoted:
            bracket = False
        elif ch == ";" and not quoted and not bracket:
            sections.append("".join(current))
            current = []
            continue
        current.append(ch)
    sections.append("".join(current))
    return sections


@dataclass
class _Section:
    prefix: str
    spec: str  # the placeholder run: 0 # ? , .
    suffix: str
    percent: int
    exponent: bool


def _parse_section(section: str) -> _Section | None:
    """Split one format section into literal text around a single number placeholder run."""
    before: list[str] = []
    after: list[str] = []
    spec: list[str] = []
    percent = 0
    exponent = False
    state = "before"  # before -> in (placeholders) -> after
    i = 0
    while i < len(section):
        ch = section[i]
        literal = ""
        if ch == '"':
            end = section.find('"', i + 1)
            end = len(section) if end < 0 else end
            literal, i = section[i + 1 : end], end + 1
        elif ch == "\\" and i + 1 < len(section):
            literal, i = section[i + 1], i + 2
        elif ch == "_":
            literal, i = " ", i + 2  # padding as wide as the next character
        elif ch == "*":
            i += 2  # repeat-to-fill character: nothing a reader would copy
        elif ch == "[":
            end = section.find("]", i)
            end = len(section) if end < 0 else end
            inner = section[i + 1 : end]
            if inner[:1] in "<>=":
                return None  # conditional sections: leave them to the general rendering
            if inner.startswith("$"):
                literal = inner[1:].split("-", 1)[0]  # [$¥-804] shows ¥
            i = end + 1
        elif ch in "0#?,." and state != "after":
            spec.append(ch)
            state = "in"
            i += 1
            continue
        elif ch in "0#?.":
            return None  # a second number run (fractions, phone formats)
        elif ch in "Ee" and state == "in" and section[i + 1 : i + 2] in ("+", "-"):
            exponent = True
            i += 2
            while i < len(section) and section[i] in "0#?":
                i += 1
            state = "after"
            continue
        elif ch == "%":
            percent += 1
            literal, i = "%", i + 1
        elif ch == "@":
            i += 1
        else:
            if ch.lower() in "ymdhs" and not spec:
                return None  # a date/time format on a plain number
            literal, i = ch, i + 1
        if state == "in":
            state = "after"
        (before if state == "before" else after).append(literal)
    return _Section("".join(before), "".join(spec), "".join(after), percent, exponent)


def format_number(value: int | float | Decimal, number_format: str | None) -> str:
    """A number as a spreadsheet shows it under its number format.

    Args:
        value: the stored (cached) cell value.
        number_format: the cell's format code, e.g. `0.00`, `#,##0.00`, `0.0%`, `General`.
    Returns:
        The displayed text: 616.7 with `0.00` -> "616.70"; 5.0 with `General` -> "5".

    Example:
        format_number(2431.73, "#,##0.00") == "2,431.73"
    """
    fmt = (number_format or "").strip()
    if fmt.lower() in ("", "general", "@"):
        return _general(value)
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    sections = _split_sections(fmt)
    sign = ""
    if number < 0 and len(sections) >= 2:
        chosen, number = sections[1], -number  # the negative section carries its own sign, if any
    elif number == 0 and len(sections) >= 3:
        chosen = sections[2]
    else:
        chosen = sections[0]
        if number < 0:
            sign, number = "-", -number
    parsed = _parse_section(chosen)
    if parsed is None:
        return _general(value)
    if not parsed.spec:
        return parsed.prefix + parsed.suffix  # e.g. an accounting zero shown as "-"
    spec = parsed.spec
    scale = len(spec) - len(spec.rstrip(","))  # trailing commas divide by 1000 each
    spec = spec.rstrip(",")
    int_spec, _, frac_spec = spec.partition(".")
    decimals = sum(frac_spec.count(ch) for ch in "0#?")
    min_decimals = frac_spec.count("0")
    number = number * (Decimal(100) ** parsed.percent) / (Decimal(1000) ** scale)
    if parsed.exponent:
        body = f"{float(number):.{decimals}E}"
    else:
        rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        body = format(rounded, f"{',' if ',' in int_spec else ''}.{decimals}f")
        if decimals > min_decimals:
            whole, _, frac = body.partition(".")
            frac = frac.rstrip("0").ljust(min_decimals, "0")
            body = f"{whole}.{frac}"
        min_int = int_spec.count("0")
        whole, dot, frac = body.partition(".")
        if min_int == 0 and whole == "0":
            whole = ""
        elif "," not in int_spec and len(whole) < min_int:
            whole = whole.zfill(min_int)
        body = whole + dot + frac
        if rounded == 0:
            sign = ""  # -0.001 under 0.00 shows 0.00
    return sign + parsed.prefix + body + parsed.suffix


def render_value(value: Any, number_format: str | None = None) -> str:
    """A spreadsheet cell value as the text a reader sees (numbers formatted, dates ISO)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, (int, float, Decimal)):
        return format_number(value, number_format)
    return cell_text(str(value))


# --- sheets (XLSX and XLS share this) ---------------------------------------------------------


@dataclass
class _Sheet:
    """One visible sheet as plain data: 1-based (row, column) -> text, merges, hidden rows/columns."""

    index: int  # 1-based position in the workbook
    values: dict[tuple[int, int], str]
    merged: list[tuple[int, int, int, int]]  # first row, last row, first column, last column (inclusive)
    hidden_rows: set[int]
    hidden_cols: set[int]
    multiline: dict[tuple[int, int], str] = field(default_factory=dict)  # cells with line breaks of their own


def _sheet_rows(sheet: _Sheet, fill_merged: bool) -> list[Row]:
    values = {pos: text for pos, text in sheet.values.items() if text}
    if not values:
        return []
    max_row = max(r for r, _ in values)
    max_col = max(c for _, c in values)
    spanned: set[tuple[int, int]] = set()
    for r0, r1, c0, c1 in sheet.merged:
        top_left = values.get((r0, c0), "")
        if not top_left:
            continue
        # Clipped to the cells that hold data: a merge over a whole column adds nothing to read.
        for r in range(r0, min(r1, max_row) + 1):
            for c in range(c0, min(c1, max_col) + 1):
                if (r, c) == (r0, c0):
                    continue
                if fill_merged:
                    values[(r, c)] = top_left
                    if c > c0:
                        spanned.add((r, c))
                else:
                    values.pop((r, c), None)  # a covered cell may still hold a stale value
    visible = {pos: text for pos, text in values.items() if pos[0] not in sheet.hidden_rows}
    visible = {pos: text for pos, text in visible.items() if pos[1] not in sheet.hidden_cols}
    if not visible:
        return []
    first_row = min(r for r, _ in visible)
    last_row = max(r for r, _ in visible)
    first_col = min(c for _, c in visible)
    last_col = max(c for _, c in visible)
    columns = [c for c in range(first_col, last_col + 1) if c not in sheet.hidden_cols]
    by_row: dict[int, dict[int, str]] = {}
    for (r, c), text in visible.items():
        by_row.setdefault(r, {})[c] = text
    rows: list[Row] = []
    for r in range(first_row, last_row + 1):
        if r in sheet.hidden_rows:
            continue
        cells = by_row.get(r)
        if cells is None:
            # One empty row per gap: it separates tables, as a blank line does in text.
            if rows and rows[-1].cells:
                rows.append(Row(cells=(), line=r, page=sheet.index))
            continue
        lines = tuple(sheet.multiline.get((r, c), "") for c in columns) if sheet.multiline else ()
        span = tuple((r, c) in spanned for c in columns)
        rows.append(Row(cells=tuple(cells.get(c, "") for c in columns), line=r, page=sheet.index,
                        lines=lines if any(lines) else (), spanned=span if any(span) else ()))
    return rows


def _workbook_rows(sheets: Iterable[_Sheet], fill_merged: bool) -> tuple[Row, ...]:
    rows: list[Row] = []
    for sheet in sheets:
        sheet_rows = _sheet_rows(sheet, fill_merged)
        if not sheet_rows:
            continue
        if rows:
            last = rows[-1]
            rows.append(Row(cells=(), line=last.line + 1, page=last.page))  # sheets one after another
        rows.extend(sheet_rows)
    return tuple(rows)


# --- XLSX ---------------------------------------------------------------------------------------


def read_xlsx(
    path: Path,
    *,
    fill_merged: bool = True,
    max_unzipped_mb: int = DEFAULT_MAX_UNZIPPED_MB,
    max_ratio: int = DEFAULT_MAX_ZIP_RATIO,
) -> Loaded:
    """Read the visible sheets of an .xlsx into rows (cached values, not formulas).

    Args:
        path: the workbook.
        fill_merged: give every cell of a merged range the top-left value (else only the top-left).
        max_unzipped_mb, max_ratio: zip-bomb limits checked before opening.
    Returns:
        Loaded whose rows carry `line` = sheet row number and `page` = sheet position (1-based);
        sheets follow one another with an empty row between.
    Raises:
        UnreadableFileError: empty, truncated, encrypted, a zip bomb, or not a workbook.
    """
    data = read_bytes(path)
    if data.startswith(CFB_SIGNATURE) and ENCRYPTED_STREAM not in data:
        return read_xls(path, fill_merged=fill_merged)  # an old .xls saved under a new name
    check_container(path, data, "Excel", max_unzipped_mb, max_ratio)
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions it skips
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except (zipfile.BadZipFile, EOFError):
        raise refuse(path, "truncated") from None
    except Exception as exc:  # openpyxl raises KeyError, ValueError, lxml errors... for broken parts
        raise refuse(path, "corrupt", kind="Excel", detail=type(exc).__name__) from exc
    try:
        sheets = [_xlsx_sheet(ws, index) for index, ws in enumerate(book.worksheets, start=1)]
    finally:
        book.close()
    rows = _workbook_rows((s for s in sheets if s is not None), fill_merged)
    return Loaded(path=str(path), sha256=sha256_bytes(data), rows=rows)


def _xlsx_sheet(ws: Any, index: int) -> _Sheet | None:
    if ws.sheet_state != "visible":
        return None
    values: dict[tuple[int, int], str] = {}
    # ws._cells holds only the cells the file stores; iter_rows() would create every cell of the
    # used rectangle, which for one stray cell at XFD1048576 is billions.
    multiline: dict[tuple[int, int], str] = {}
    for (r, c), cell in ws._cells.items():
        if cell.value is None:
            continue
        values[(r, c)] = render_value(cell.value, cell.number_format)
        if isinstance(cell.value, str) and cell_lines(cell.value):
            multiline[(r, c)] = cell_lines(cell.value)
    merged = [(m.min_row, m.max_row, m.min_col, m.max_col) for m in ws.merged_cells.ranges]
    hidden_rows = {r for r, dim in ws.row_dimensions.items() if dim.hidden}
    hidden_cols: set[int] = set()
    from openpyxl.utils import column_index_from_string

    for key, dim in ws.column_dimensions.items():
        if dim.hidden:
            first = dim.min or column_index_from_string(key)
            hidden_cols.update(range(first, (dim.max or first) + 1))
    return _Sheet(index, values, merged, hidden_rows, hidden_cols, multiline)


# --- XLS ----------------------------------------------------------------------------------------


def read_xls(path: Path, *, fill_merged: bool = True) -> Loaded:
    """Read the visible sheets of a legacy .xls (BIFF) into rows, like `read_xlsx`.

    Raises:
        UnreadableFileError: empty, truncated, encrypted, or not an Excel 97-2003 workbook.
    """
    data = read_bytes(path)
    if data.startswith(ZIP_SIGNATURE):
        return read_xlsx(path, fill_merged=fill_merged)  # a new .xlsx saved under the old suffix
    if not data.startswith(CFB_SIGNATURE):
        raise refuse(path, "not_excel")
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, logfile=io.StringIO())
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise refuse(path, "encrypted", app="Excel") from None
        raise refuse(path, "corrupt", kind="Excel", detail=str(exc)) from exc
    except Exception as exc:  # xlrd's compdoc raises CompDocError, struct.error, IndexError on damage
        if ENCRYPTED_STREAM in data:
            raise refuse(path, "encrypted", app="Excel") from None
        raise refuse(path, "truncated") from exc
    try:
        sheets = [_xls_sheet(book, book.sheet_by_index(i), i + 1) for i in range(book.nsheets)]
    finally:
        book.release_resources()
    rows = _workbook_rows((s for s in sheets if s is not None), fill_merged)
    return Loaded(path=str(path), sha256=sha256_bytes(data), rows=rows)


def _xls_sheet(book: Any, sheet: Any, index: int) -> _Sheet | None:
    import xlrd

    if sheet.visibility != 0:
        return None
    values: dict[tuple[int, int], str] = {}
    for r in range(sheet.nrows):
        for c in range(sheet.row_len(r)):
            cell = sheet.cell(r, c)
            kind = cell.ctype
            if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                continue
            if kind == xlrd.XL_CELL_TEXT:
                text = cell_text(cell.value)
            elif kind == xlrd.XL_CELL_NUMBER:
                text = format_number(cell.value, _xls_format(book, sheet, r, c))
            elif kind == xlrd.XL_CELL_DATE:
                try:
                    moment = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
                    text = render_value(moment.time() if cell.value < 1 else moment)
                except (xlrd.xldate.XLDateError, OverflowError, ValueError):
                    text = _general(cell.value)
            elif kind == xlrd.XL_CELL_BOOLEAN:
                text = "TRUE" if cell.value else "FALSE"
            elif kind == xlrd.XL_CELL_ERROR:
                text = xlrd.error_text_from_code.get(cell.value, "#ERR")
            else:
                text = cell_text(str(cell.value))
            values[(r + 1, c + 1)] = text
    merged = [(r0 + 1, r1, c0 + 1, c1) for r0, r1, c0, c1 in sheet.merged_cells]
    hidden_rows = {r + 1 for r, info in sheet.rowinfo_map.items() if info.hidden}
    hidden_cols = {c + 1 for c, info in sheet.colinfo_map.items() if info.hidden}
    return _Sheet(index, values, merged, hidden_rows, hidden_cols)


def _xls_format(book: Any, sheet: Any, r: int, c: int) -> str | None:
    try:
        xf = book.xf_list[sheet.cell_xf_index(r, c)]
        return book.format_map[xf.format_key].format_str
    except (IndexError, KeyError, AttributeError):
        return None
