"""Reader rows -> a grid of cells with their place: text streams cut into cells, merged-cell copies blanked."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from corpus.load import Loaded
from corpus.parse import fused, interleave
from corpus.parse.labels import is_label, is_title
from corpus.parse.values import clean_text

_TEXT_SUFFIXES = (".txt", ".md", ".tsv", ".csv", ".text")
_WIDE_GAP = re.compile(r"[ \u3000]{2,}|\t")


@dataclass(frozen=True)
class Cell:
    """One cell: its text (clean, may be empty), its row and column in the grid, and where it was read."""

    text: str
    row: int
    col: int
    line: int
    page: int | None
    copy: bool = False  # the same text as the cell to its left in a sheet/PDF/DOCX row (a merged cell)
    parts: tuple[str, ...] = ()  # the cell's own lines, where a sheet/DOCX cell holds several
    fused: bool = False  # cut out of a line whose cells were printed run together (fused.split_fused)
    loose: bool = False  # a word of a page whose wrapped cells interleave (corpus/parse/interleave.py): row unknown


@dataclass
class GridRow:
    """Cells that stand in one row. `stream` rows are one cell of text whose row the layout did not keep."""

    cells: list[Cell]
    stream: bool = False


_FIGURE_END = re.compile(r"^[≥≤><=＝]?[-−]?\d[\d,.]*\s*(?:%|％|万元|元|个|人|次|份|天|户|亩|年|月)?$")
_PINYIN = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}[)）]")
_TONED = re.compile(r"[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]")


def simplified(texts: list[str]) -> Callable[[str], str]:
    """A converter for a document printed in traditional characters (mirror pages, Hong Kong/Taiwan copies):
    pinyin annotations dropped, characters converted to simplified so labels and names match; identity when
    the document is in simplified characters already."""
    sample = "".join(texts)[:20000]
    if _TONED.search(sample) is None and not _looks_traditional(sample):
        return lambda t: t
    converter = _t2s()

    def convert(text: str) -> str:
        text = _PINYIN.sub("", text)
        return converter.convert(text) if converter is not None else text

    return convert


def _looks_traditional(sample: str) -> bool:
    converter = _t2s()
    if converter is None or not sample:
        return False
    changed = sum(a != b for a, b in zip(sample, converter.convert(sample), strict=False))
    return changed >= max(5, len(sample) // 50)


@lru_cache(maxsize=1)
def _t2s():  # noqa: ANN202 - opencc's converter type
    try:
        import opencc
    except ImportError:  # pragma: no cover - a dependency; without it traditional forms read less well
        return None
    return opencc.OpenCC("t2s")


def is_text(loaded: Loaded) -> bool:
    return loaded.encoding is not None or loaded.path.lower().endswith(_TEXT_SUFFIXES)


_PUNCT_ONLY = re.compile(r"[()（）\[\]【】…．.,，、;；:：]+")
_TITLE_HEAD = re.compile(r"^([\u4e00-\u9fff\d()（）]{2,60}?绩效[\u4e00-\u9fff]{0,12}?表)([\u4e00-\u9fff].+)$")


def _fused_cut(piece: str) -> list[str] | None:
    """Cells a preview printed run together in one piece of text (no spaces), cut at a form title that opens
    it (…绩效自评表 followed by the form's first cells), the forms' labels and figure runs; None when the
    piece is one cell or the cut leaves a piece too short to be a cell."""
    m = _TITLE_HEAD.match(piece)
    if m and is_title(m.group(1)):
        return [m.group(1), *(_fused_cut(m.group(2)) or [m.group(2)])]
    if is_label(piece) or not fused.looks_fused(piece):
        return None
    # A bracket or an ellipsis left alone between two cut points is punctuation, not a cell.
    cut = [p for p in fused.split_fused(piece) if p.strip() and not _PUNCT_ONLY.fullmatch(p.strip())]
    if len(cut) > 1 and all(len(p.strip(":：")) >= 2 and not _BRACKETED.fullmatch(p) for p in cut):
        return cut
    return None


def _pieces(cells: tuple[str, ...]) -> tuple[list[str], int, bool]:
    """A text line's cells cut at `|` as well (web pages end every cell with ` |`); its pipe count; and
    whether the cells were cut out of a line that printed them run together."""
    if len(cells) == 1:
        raw = cells[0]
        pipes = raw.count("|")
        if not pipes:
            parts = _WIDE_GAP.split(raw.strip())
            line = raw.strip()
            if len(parts) == 1 and " " not in line:
                cut = _fused_cut(line)
                if cut is not None:
                    return cut, 0, True
            elif any(_fused_cut(w) for w in line.split()):
                # Some of the line's pieces (between gaps or single spaces) hold cells run together: each such
                # piece cut, the others kept as cells.
                return [c for w in line.split() for c in (_fused_cut(w) or [w])], 0, True
            if len(parts) == 1:
                # Cells a PDF or web page printed with one space between them: cut only where a label stands.
                words = raw.split()
                if len(words) > 1 and (any(is_label(w) for w in words) or (
                        _FIGURE_END.match(words[-1]) and not _FIGURE_END.match(words[0]) and len(words) <= 6)):
                    parts = words
            return ([p for p in parts] if len(parts) > 1 else [raw]), 0, False
        parts = raw.split("|")
        if raw.rstrip().endswith("|"):
            parts = parts[:-1]
        if raw.lstrip().startswith("|"):
            parts = parts[1:]
        cuts = [_fused_cut(p.strip()) if " " not in p.strip() else None for p in parts]
        if any(cuts):
            # A cell that holds a whole form run together (a page's 内容概述 copy): cut like a fused line.
            return [c for p, cut in zip(parts, cuts, strict=True) for c in (cut or [p])], pipes, True
        return parts, pipes, False
    out: list[str] = []
    for c in cells:
        out.extend(c.split("|") if "|" in c else [c])
    return out, len(cells) - 1, False


def _sheet_grid(loaded: Loaded) -> list[GridRow]:
    """Sheet/PDF/DOCX rows as read; a merged cell's copies marked, not dropped, since two cells may also print
    the same words (a 二级指标 with no 三级 breakdown): the readers know the merges (Row.spanned)."""
    rows: list[GridRow] = []
    for r in loaded.rows:
        cells: list[Cell] = []
        for ci, raw in enumerate(r.cells):
            t = clean_text(raw) if raw else ""
            own = r.lines[ci].split("\n") if r.lines and ci < len(r.lines) and r.lines[ci] else []
            copy = bool(r.spanned[ci]) if ci < len(r.spanned) else False
            cells.append(Cell(t, len(rows), ci, r.line, r.page, copy=bool(t) and copy,
                              parts=tuple(clean_text(x) for x in own)))
        if any(c.text for c in cells):
            rows.append(GridRow(cells))
    return rows


def grid_of(loaded: Loaded) -> list[GridRow]:
    """The rows of a file as grid rows.

    Text: a line with two or more cells is a row; a line with one cell is a stream cell; a line of pipes
    alone ends a row where the page kept rows that way (`||||` after each row), so the stream cells since
    the last such line are one row. Sheets/PDF/DOCX: rows as read, a merged cell's copies blanked.
    """
    loaded = _converted(loaded, simplified([c for r in loaded.rows[:400] for c in r.cells]))
    if not is_text(loaded):
        return _sheet_grid(loaded)
    rows: list[GridRow] = []
    loaded = _chunks_joined(loaded)
    pending: list[Cell] = []
    # The reader cut `| a | b |` lines at their pipes: a line of pipes alone is a row of empty cells.
    markers = sum(1 for r in loaded.rows if r.cells and _only_pipes(r.cells) and "".join(r.cells).strip() != "|") + sum(
        1 for r in loaded.rows if len(r.cells) == 1 and r.cells[0].rstrip().endswith("||") and r.cells[0].strip("| ")
    )
    grouped = markers >= 3

    def flush() -> None:
        if pending:
            rows.append(GridRow([Cell(c.text, len(rows), i, c.line, c.page) for i, c in enumerate(pending)],
                                stream=not grouped))
            pending.clear()

    open_cell = False  # the last line held a cell that its line did not close with `|`
    open_before = False  # the last pending cell was never closed by a `|`
    for r in loaded.rows:
        if not r.cells:
            continue
        if _only_pipes(r.cells):
            lone = len(r.cells) == 1 and r.cells[0].strip() == "|"
            if lone and open_cell:
                open_cell = open_before = False  # the `|` that closes a cell printed on the line above
            elif lone:
                pending.append(Cell("", 0, 0, r.line, r.page))  # an empty cell on its own line
                if not grouped:
                    flush()
            else:
                flush()  # the end of a row
            continue
        parts, pipes, fused_line = _pieces(r.cells)
        texts = [clean_text(p) for p in parts]
        content = [t for t in texts if t]
        open_cell = len(content) == 1 and not r.cells[-1].rstrip().endswith("|")
        ends_row = len(r.cells) == 1 and r.cells[0].rstrip().endswith("||")
        if pipes == 0 and len(content) >= _FLAT_WORDS and len(r.cells) == 1:
            # A page whose table a PDF flattened into one run of words: each word (wrapped fragments of one
            # text joined back) a cell of a stream, since the row boundaries are lost.
            flush()
            structured = interleave.restructure(content)
            if structured is not None:
                _interleaved_rows(structured, rows, r.line, r.page)
                continue
            for word in _join_fragments(content):
                rows.append(GridRow([Cell(word, len(rows), 0, r.line, r.page, fused=fused_line)], stream=True))
            continue
        if len(content) >= 2:
            flush()
            # Keep empty cells between contents (column positions), drop the empty edges.
            first = next(i for i, t in enumerate(texts) if t)
            last = max(i for i, t in enumerate(texts) if t)
            rows.append(GridRow([Cell(t, len(rows), i, r.line, r.page, fused=fused_line)
                                 for i, t in enumerate(texts[first : last + 1])]))
            continue
        if not content:
            continue
        if grouped and pending and open_before:
            flush()  # the text before was not a cell (no `|` closed it): a row of its own
        open_before = open_cell
        pending.append(Cell(content[0], 0, 0, r.line, r.page))
        if not grouped or ends_row:
            flush()
    flush()
    return rows


_FLAT_WORDS = 16


def _interleaved_rows(items: list[list[str]], rows: list[GridRow], line: int, page: int | None) -> None:
    """A page whose wrapped cells interleave: the rows its structure reads kept as rows, every other word a
    loose stream cell (wrapped pieces of one text joined back) that no table reads as a row."""
    loose: list[str] = []

    def emit() -> None:
        for word in _join_fragments(loose):
            rows.append(GridRow([Cell(word, len(rows), 0, line, page, loose=True)], stream=True))
        loose.clear()

    for item in items:
        if len(item) == 1:
            loose.append(item[0])
            continue
        emit()
        rows.append(GridRow([Cell(t, len(rows), ci, line, page) for ci, t in enumerate(item)]))
    emit()
_BRACKETED = re.compile(r"[(（][^()（）]*[)）]")


def _join_fragments(words: list[str]) -> list[str]:
    """Words of a flattened page with the pieces of one wrapped cell joined (服务外 + 包企业数量); an
    annotation in brackets (`(A)`, `(20 分)`) stays with the word before it."""
    out: list[str] = []
    for w in words:
        prev = out[-1] if out else ""
        if prev and re.fullmatch(r"[(（][^()（）]{0,10}[)）]", w):
            out[-1] = prev + w
            continue
        if prev and is_label(prev + w) and not is_label(w):
            out[-1] = prev + w  # a label wrapped over two words (社会效益 / 指标, 可持续影 / 响指标)
            continue
        if (prev and _CJK_END.search(prev) and _CJK_START.match(w) and not is_label(prev) and not is_label(w)
                and not _FIGURE_END.match(prev) and not _FIGURE_END.match(w) and not (is_title(prev) and prev.endswith("表"))):
            out[-1] = prev + w
            continue
        out.append(w)
    return out


_CJK_END = re.compile(r"[\u4e00-\u9fff、]$")
_CJK_START = re.compile(r"^[\u4e00-\u9fff]")


def _only_pipes(cells: tuple[str, ...]) -> bool:
    return all(not c.replace("|", "").strip() for c in cells)




_CHUNK_MARK = re.compile(r"^(\d{1,2})、")
_CHUNK_MIN = 200  # a document site cuts its text preview into numbered chunks of a few hundred characters each


def _chunks_joined(loaded: Loaded) -> Loaded:
    """A text preview a document site printed as numbered chunks (`1、…` `2、…` `3、…`, each a line of
    several hundred characters cut mid-word or mid-figure) joined back into one line, the markers dropped.
    A numbered list is not such a run: its items are short and of any length, or its numbering does not start
    at 1."""
    from dataclasses import replace

    from corpus.model import Row

    rows = list(loaded.rows)
    out: list[Row] = []
    changed = False
    k = 0
    while k < len(rows):
        r = rows[k]
        m = _CHUNK_MARK.match(r.cells[0]) if len(r.cells) == 1 else None
        if not m or m.group(1) != "1" or len(r.cells[0]) < _CHUNK_MIN:
            out.append(r)
            k += 1
            continue
        text, number, last_len = r.cells[0][m.end() :], 1, len(r.cells[0])
        j = k + 1
        first_len = last_len
        # Every chunk but the last is as long as the first (the site cuts at a fixed length).
        while j < len(rows) and abs(last_len - first_len) * 4 <= first_len:
            nxt = rows[j]
            if not any(c.strip() for c in nxt.cells):
                j += 1
                continue
            mm = _CHUNK_MARK.match(nxt.cells[0]) if len(nxt.cells) == 1 else None
            if not mm or int(mm.group(1)) != number + 1:
                break
            number += 1
            text += nxt.cells[0][mm.end() :]
            last_len = len(nxt.cells[0])
            j += 1
        if number == 1:
            out.append(r)
            k += 1
            continue
        out.append(Row((text,), r.line, r.page))
        changed = True
        k = j
    return replace(loaded, rows=tuple(out)) if changed else loaded


def _converted(loaded: Loaded, convert: Callable[[str], str]) -> Loaded:
    from dataclasses import replace

    from corpus.model import Row

    probe = convert("產")
    if probe == "產":
        return loaded
    rows = tuple(Row(tuple(convert(c) for c in r.cells), r.line, r.page, tuple(convert(c) for c in r.lines))
                 for r in loaded.rows)
    return replace(loaded, rows=rows)
