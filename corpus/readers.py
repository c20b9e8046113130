"""Binary formats -> the same cell rows as the text reader: PDF, XLSX, XLS and DOCX."""

from __future__ import annotations

import io
import logging
import re
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from corpus.errors import UnreadableFileError
from corpus.load import READERS, Loaded, sha256_bytes
from corpus.model import ParseWarning, Row

# A zip (XLSX/DOCX) may unpack to at most this much, and no member may unpack this many times its
# packed size: a deflate bomb reaches ~1000x, real sheet XML stays well under 100x.
DEFAULT_MAX_UNZIPPED_MB = 1000
DEFAULT_MAX_ZIP_RATIO = 200
_RATIO_FLOOR = 8 * 1024 * 1024  # small members may compress as well as they like
_MAX_ZIP_MEMBERS = 10_000

_CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: .xls/.doc, or encrypted OOXML
_ZIP_SIGNATURE = b"PK\x03\x04"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")  # stream name inside an encrypted OOXML

# What a reviewer reads when a file is refused; `{path}` is the file as given.
MESSAGES = {
    "empty": "{path}: 文件为空，请确认导出是否完整",
    "truncated": "{path}: 文件不完整或已损坏（可能下载或复制中断），请重新导出或重新下载后再导入",
    "corrupt": "{path}: 无法读取{kind}文件（{detail}），请用 Office/WPS 打开后另存为新文件再导入",
    "encrypted": "{path}: 文件设置了打开密码（已加密），请在 {app} 中取消密码后另存，再导入",
    "encrypted_pdf": "{path}: PDF 设置了打开密码（已加密），请用 PDF 阅读器输入密码后另存或打印为未加密的 PDF，再导入",
    "old_doc": "{path}: 是旧版 .doc 格式或已加密的 Word 文件，请取消密码并在 Word/WPS 中另存为 .docx 后再导入",
    "not_excel": "{path}: 不是 Excel 文件（可能是网页或文本另存为 .xls），请在 Excel/WPS 中另存为 .xlsx 后再导入",
    "zip_bomb": "{path}: 压缩内容异常（{detail}），疑似压缩炸弹，已拒绝读取；如确为正常文件，请拆分后再导入",
    "scanned": "{path}: PDF 没有文字层（可能是扫描件或图片），需要先进行 OCR 文字识别，再导入识别后的文件",
    "no_unicode": "{path}: PDF 的字体缺少文字编码，无法提取文字，需要先进行 OCR 文字识别后再导入",
}


def _refuse(path: Path, key: str, **details: str) -> UnreadableFileError:
    return UnreadableFileError(MESSAGES[key].format(path=path, **details))


def _read_bytes(path: Path) -> bytes:
    if not path.is_file():
        raise UnreadableFileError(f"{path}: 文件不存在或不是普通文件，请检查路径")
    data = path.read_bytes()
    if not data:
        raise _refuse(path, "empty")
    return data


# --- cell text -------------------------------------------------------------------------------


def _joiner(left: str, right: str) -> str:
    # A line break inside a cell is layout, not content: Chinese runs join directly (年度/总体/目标 ->
    # 年度总体目标) and so do digits (a number wrapped mid-way); only two Latin words need a space.
    if left.isascii() and left.isalpha() and right.isascii() and right.isalpha():
        return " "
    return ""


def cell_text(text: str | None) -> str:
    """A cell's text on one line: wrapped lines joined, runs of white space collapsed.

    Args:
        text: the cell text as the library gave it (may hold line breaks), or None.
    Returns:
        The text a tab-separated export would hold for that cell.
    """
    if not text:
        return ""
    out = ""
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = " ".join(raw.split())
        if line:
            out = line if not out else out + _joiner(out[-1], line[0]) + line
    return out


# --- numbers as a spreadsheet shows them --------------------------------------------------------


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


def _sheet_rows(sheet: _Sheet, fill_merged: bool) -> list[Row]:
    values = {pos: text for pos, text in sheet.values.items() if text}
    if not values:
        return []
    max_row = max(r for r, _ in values)
    max_col = max(c for _, c in values)
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
        rows.append(Row(cells=tuple(cells.get(c, "") for c in columns), line=r, page=sheet.index))
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


# --- zip containers (XLSX, DOCX) ------------------------------------------------------------


def _check_container(path: Path, data: bytes, app: str, max_unzipped_mb: int, max_ratio: int) -> None:
    """Refuse an OOXML file that is encrypted, not a zip, truncated, or a zip bomb - before opening it."""
    if data.startswith(_CFB_SIGNATURE):
        if _ENCRYPTED_STREAM in data:
            raise _refuse(path, "encrypted", app=app)
        raise _refuse(path, "old_doc") if app == "Word" else _refuse(path, "not_excel")
    if not data.startswith(_ZIP_SIGNATURE):
        if data.startswith(b"PK"):
            raise _refuse(path, "truncated")
        raise _refuse(path, "corrupt", kind=app, detail="不是 Office Open XML 压缩包")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    # NotImplementedError: a damaged header that names an unknown zip version.
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise _refuse(path, "truncated") from None
    if len(members) > _MAX_ZIP_MEMBERS:
        raise _refuse(path, "zip_bomb", detail=f"包含 {len(members)} 个条目")
    total = sum(m.file_size for m in members)
    if total > max_unzipped_mb * 1024 * 1024:
        raise _refuse(
            path, "zip_bomb", detail=f"解压后 {total / 1048576:.0f} MB，超过上限 {max_unzipped_mb} MB"
        )
    for member in members:
        if member.file_size > _RATIO_FLOOR and member.file_size > max_ratio * max(member.compress_size, 1):
            ratio = member.file_size / max(member.compress_size, 1)
            raise _refuse(
                path, "zip_bomb", detail=f"{member.filename} 压缩比 {ratio:.0f}:1，超过上限 {max_ratio}:1"
            )


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
    data = _read_bytes(path)
    if data.startswith(_CFB_SIGNATURE) and _ENCRYPTED_STREAM not in data:
        return read_xls(path, fill_merged=fill_merged)  # an old .xls saved under a new name
    _check_container(path, data, "Excel", max_unzipped_mb, max_ratio)
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions it skips
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except (zipfile.BadZipFile, EOFError):
        raise _refuse(path, "truncated") from None
    except Exception as exc:  # openpyxl raises KeyError, ValueError, lxml errors... for broken parts
        raise _refuse(path, "corrupt", kind="Excel", detail=type(exc).__name__) from exc
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
    for (r, c), cell in ws._cells.items():
        if cell.value is None:
            continue
        values[(r, c)] = render_value(cell.value, cell.number_format)
    merged = [(m.min_row, m.max_row, m.min_col, m.max_col) for m in ws.merged_cells.ranges]
    hidden_rows = {r for r, dim in ws.row_dimensions.items() if dim.hidden}
    hidden_cols: set[int] = set()
    from openpyxl.utils import column_index_from_string

    for key, dim in ws.column_dimensions.items():
        if dim.hidden:
            first = dim.min or column_index_from_string(key)
            hidden_cols.update(range(first, (dim.max or first) + 1))
    return _Sheet(index, values, merged, hidden_rows, hidden_cols)


# --- XLS ----------------------------------------------------------------------------------------


def read_xls(path: Path, *, fill_merged: bool = True) -> Loaded:
    """Read the visible sheets of a legacy .xls (BIFF) into rows, like `read_xlsx`.

    Raises:
        UnreadableFileError: empty, truncated, encrypted, or not an Excel 97-2003 workbook.
    """
    data = _read_bytes(path)
    if data.startswith(_ZIP_SIGNATURE):
        return read_xlsx(path, fill_merged=fill_merged)  # a new .xlsx saved under the old suffix
    if not data.startswith(_CFB_SIGNATURE):
        raise _refuse(path, "not_excel")
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, logfile=io.StringIO())
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise _refuse(path, "encrypted", app="Excel") from None
        raise _refuse(path, "corrupt", kind="Excel", detail=str(exc)) from exc
    except Exception as exc:  # xlrd's compdoc raises CompDocError, struct.error, IndexError on damage
        if _ENCRYPTED_STREAM in data:
            raise _refuse(path, "encrypted", app="Excel") from None
        raise _refuse(path, "truncated") from exc
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


# --- DOCX ---------------------------------------------------------------------------------------


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
    data = _read_bytes(path)
    _check_container(path, data, "Word", max_unzipped_mb, max_ratio)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError):
        raise _refuse(path, "truncated") from None
    except Exception as exc:  # python-docx raises PackageNotFoundError, KeyError, lxml errors
        raise _refuse(path, "corrupt", kind="Word", detail=type(exc).__name__) from exc
    blocks: list[tuple[bool, list[tuple[str, ...]]]] = []  # (is a table, its rows) in body order
    try:
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                blocks.append((True, _docx_table(item, fill_merged)))
            elif isinstance(item, Paragraph):
                # A line break (<w:br/>) inside a paragraph starts a new text line, as in the PDF.
                lines = [cell_text(line) for line in item.text.split("\n")]
                blocks.append((False, [(line,) if line else () for line in lines]))
    except Exception as exc:  # malformed XML inside a part surfaces only while walking the body
        raise _refuse(path, "corrupt", kind="Word", detail=type(exc).__name__) from exc
    rows = _number_rows(blocks, page=None)
    return Loaded(path=str(path), sha256=sha256_bytes(data), rows=tuple(rows))


def _docx_table(table: Any, fill_merged: bool) -> list[tuple[str, ...]]:
    width = len(table.columns)
    grid: list[list[Any]] = []  # the python-docx cell at each grid position, or None
    for row in table.rows:
        cells: list[Any] = [None] * row.grid_cols_before + list(row.cells)
        cells += [None] * (width - len(cells))
        grid.append(cells)
    texts: dict[int, str] = {}
    out: list[tuple[str, ...]] = []
    for r, cells in enumerate(grid):
        row_text: list[str] = []
        for c, cell in enumerate(cells):
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
            if id(tc) not in texts:
                texts[id(tc)] = cell_text(cell.text)
            row_text.append(texts[id(tc)])
        out.append(tuple(row_text))
    return out


def _number_rows(blocks: list[tuple[bool, list[tuple[str, ...]]]], page: int | None) -> list[Row]:
    """Blocks -> rows with a running line number; an empty row between a table and what surrounds it."""
    rows: list[Row] = []

    def emit(cells: tuple[str, ...]) -> None:
        if not cells and (not rows or not rows[-1].cells):
            return  # one empty row separates; more say nothing
        rows.append(Row(cells=cells, line=len(rows) + 1, page=page))

    for is_table, block in blocks:
        if is_table:
            emit(())
        for cells in block:
            emit(cells)
        if is_table:
            emit(())
    while rows and not rows[-1].cells:
        rows.pop()
    return rows


# --- PDF ----------------------------------------------------------------------------------------

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


@dataclass
class _PdfLine:
    page: int
    top: float
    bottom: float
    text: str


def read_pdf(path: Path, *, fill_merged: bool = True) -> Loaded:
    """Read a PDF's text layer into rows: ruled tables cell by cell, other text line by line.

    Tables are found by their ruling lines; a merged cell's covered positions get its text
    (`fill_merged`); a table that runs on at the top of the next page is joined to the one at the
    bottom of the page before, a repeated header row dropped.

    Returns:
        Loaded whose rows carry `page` and a running `line` number over the whole document.
    Raises:
        UnreadableFileError: empty, truncated, encrypted, or without a text layer (a scan: OCR first).
    """
    data = _read_bytes(path)
    if b"%PDF-" not in data[:1024]:
        raise _refuse(path, "corrupt", kind="PDF", detail="缺少 PDF 文件头")
    if b"%%EOF" not in data[-2048:]:
        # pdfminer would rebuild a cut file from what is left and silently lose the rest.
        raise _refuse(path, "truncated")
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    items: list[_PdfTable | _PdfLine] = []
    chars = cid_chars = 0
    blank_pages: list[int] = []
    damage = _PdfDamage()
    pdfminer_log = logging.getLogger("pdfminer")
    pdfminer_log.addHandler(damage)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                page_items, page_chars, page_cid = _pdf_page(page, number, fill_merged)
                page.close()  # drop the page's parsed objects: long documents would keep them all
                items.extend(page_items)
                chars += page_chars
                cid_chars += page_cid
                if page_chars == 0:
                    blank_pages.append(number)
                elif page_cid > page_chars / 2:
                    # A font whose glyphs no longer map to text (damaged, or never had a mapping):
                    # the page would come back as (cid:…) noise with its rows missing.
                    raise _refuse(path, "corrupt", kind="PDF", detail=f"第{number}页的字体无法解码")
                if damage.message:
                    # pdfminer only logs a damaged content stream and reads on with what it could
                    # decompress: the page would come back with rows silently missing.
                    raise _refuse(path, "corrupt", kind="PDF", detail=f"第{number}页内容流损坏")
    except UnreadableFileError:
        raise
    except Exception as exc:
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc.__cause__
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)) or isinstance(
            exc, (PDFPasswordIncorrect, PDFEncryptionError)
        ):
            raise _refuse(path, "encrypted_pdf") from None
        raise _refuse(path, "corrupt", kind="PDF", detail=type(cause or exc).__name__) from exc
    finally:
        pdfminer_log.removeHandler(damage)
    if chars == 0:
        raise _refuse(path, "scanned")
    if cid_chars > chars / 2:
        raise _refuse(path, "no_unicode")
    # A page with no text among pages with text is a scanned insert or a damaged page: what it held
    # is not in the records, and the reviewer is told so.
    page_warnings = tuple(
        ParseWarning(0, f"第{n}页没有可提取的文字（扫描页或页面损坏），该页内容未导入，请核对原件", page=n)
        for n in blank_pages
    )
    return Loaded(
        path=str(path), sha256=sha256_bytes(data), rows=tuple(_pdf_rows(items, fill_merged)), warnings=page_warnings
    )


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
        rows, cols = _pdf_grid(table, fill_merged)
        items.append(_PdfTable(number, top, bottom, x0, x1, rows, cols))

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


def _pdf_grid(table: Any, fill_merged: bool) -> tuple[list[tuple[str, ...]], list[float]]:
    """One table -> rows of cell text and the columns' left edges.

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
            for candidate in (row_owner[c - 1] if c > 0 else None, owner[r - 1][c] if r > 0 else None):
                if candidate is not None:
                    b = candidate[0]
                    if b[0] <= px <= b[2] and b[1] <= py <= b[3]:
                        found = candidate
                        break
            row_owner.append(found)
        owner.append(row_owner)
    grid: list[tuple[str, ...]] = []
    for r, row in enumerate(rows):
        cells = []
        for c in range(width):
            entry = owner[r][c]
            own = c < len(row.cells) and row.cells[c] is not None
            cells.append(entry[1] if entry is not None and (own or fill_merged) else "")
        grid.append(tuple(cells))
    return grid, col_x0


def _is_header(cells: tuple[str, ...]) -> bool:
    # A header row is words only; data rows carry figures.
    filled = [c for c in cells if c]
    return len(filled) >= 2 and not any(ch.isdigit() for c in filled for ch in c)


def _squash(cells: tuple[str, ...]) -> tuple[str, ...]:
    return tuple("".join(c.split()) for c in cells)


def _pdf_rows(items: list[_PdfTable | _PdfLine], fill_merged: bool) -> list[Row]:
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

    def emit(cells: tuple[str, ...], page: int) -> None:
        if not cells and (not rows or not rows[-1].cells):
            return
        rows.append(Row(cells=cells, line=len(rows) + 1, page=page))

    previous: _PdfLine | list[_PdfTable] | None = None
    for unit in units:
        if isinstance(unit, list):
            emit((), unit[0].page)
            seen_headers: set[tuple[str, ...]] = set()
            for n, (fragment, grid) in enumerate(zip(unit, _aligned(unit, fill_merged), strict=True)):
                if n:
                    while grid and _squash(grid[0]) in seen_headers:
                        grid = grid[1:]  # the header row repeated on the new page
                seen_headers.update(_squash(r) for r in grid if _is_header(r))
                for cells in grid:
                    emit(cells, fragment.page)
        else:
            if isinstance(previous, list):
                emit((), unit.page)
            elif isinstance(previous, _PdfLine) and previous.page == unit.page:
                # A gap taller than a line is a paragraph break: keep it as the text export does.
                if unit.top - previous.bottom > (previous.bottom - previous.top):
                    emit((), unit.page)
            emit((unit.text,), unit.page)
        previous = unit
    while rows and not rows[-1].cells:
        rows.pop()
    return rows


def _aligned(fragments: list[_PdfTable], fill_merged: bool) -> list[list[tuple[str, ...]]]:
    """The page fragments of one table on a common column grid.

    pdfplumber derives columns from the cell edges present, so a fragment holding only the
    总分/评分等级 rows has fewer columns than the rest; a position a fragment has no edge for lies
    inside the fragment's cell to its left.
    """
    if len(fragments) == 1:
        return [fragments[0].rows]
    edges: list[float] = []
    for x in sorted(x for f in fragments for x in f.cols):
        if not edges or x - edges[-1] > 2:
            edges.append(x)
    out = []
    for fragment in fragments:
        # For each common column, the fragment column it falls in, and whether it starts there.
        owner: list[tuple[int, bool]] = []
        for x in edges:
            c = max((i for i, fx in enumerate(fragment.cols) if fx <= x + 2), default=0)
            owner.append((c, abs(fragment.cols[c] - x) <= 2 if fragment.cols else True))
        grid = []
        for cells in fragment.rows:
            grid.append(
                tuple(cells[c] if c < len(cells) and (starts or fill_merged) else "" for c, starts in owner)
            )
        out.append(grid)
    return out


def _continues(before: _PdfTable | _PdfLine, after: _PdfTable | _PdfLine) -> bool:
    """A table at the top of a page continues the previous page's last table of the same width."""
    return (
        isinstance(before, _PdfTable)
        and isinstance(after, _PdfTable)
        and after.page == before.page + 1
        and abs(after.x0 - before.x0) < 3
        and abs(after.x1 - before.x1) < 3
    )


READERS.update(
    {".pdf": read_pdf, ".xlsx": read_xlsx, ".xlsm": read_xlsx, ".xls": read_xls, ".docx": read_docx}
)
