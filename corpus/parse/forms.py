"""Grid -> forms: a document cut into forms at titles and 项目名称 labels, each form read by its labels.

The walk reads cells in order. A label says what follows it: a field's value to its right (or on the next
lines of a text stream), a money header's columns, a goal label's text, an indicator header's columns. What
comes after a header is read against it until another label ends the block. Nothing is read by position in
a fixed template, so labels may stand in any column and a project may be a block, a sheet or a page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.parse import labels as lb
from corpus.parse.grid import Cell, GridRow
from corpus.parse.indicators import IndicatorTable
from corpus.parse.values import _YEAR, to_decimal

_FIGURE = re.compile(r"^[-−]?\d[\d,]*(?:\.\d+)?\s*(?:万元|万|元|%)?$")
_EMPTY_VALUES = ("", "—", "-", "－", "/", "／", "无", "——")


@dataclass
class FormDraft:
    """What one form said, as read: fields, money, goals, indicator table, totals, and the cells behind them."""

    start: Cell
    title: str | None = None
    kind: str | None = None
    year: int | None = None
    fields: dict[str, str] = field(default_factory=dict)
    field_cells: dict[str, list[Cell]] = field(default_factory=dict)
    unit: str | None = None
    money_cols: list[str] | None = None
    money_rows: list[tuple[str, dict[str, str], list[Cell]]] = field(default_factory=list)
    money_seen: bool = False  # a money block label stood on the form
    funding: dict[str, str] = field(default_factory=dict)
    funding_cells: list[Cell] = field(default_factory=list)
    goal_cols: list[str] = field(default_factory=list)
    goals: dict[str, list[tuple[str, Cell]]] = field(default_factory=dict)
    table: IndicatorTable | None = None
    tables: list[IndicatorTable] = field(default_factory=list)
    total_score: str | None = None
    total_weight: str | None = None
    total_cells: list[Cell] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)
    unread: list[Cell] = field(default_factory=list)

    @property
    def has_content(self) -> bool:
        return bool(self.money_rows or self.funding or self.tables or self.goals)


def _is_value(text: str) -> bool:
    t = lb.key_of(text) if text else ""
    return text.strip() in _EMPTY_VALUES or bool(_FIGURE.match(text.replace(" ", ""))) or (
        bool(t) and not lb.is_label(text) and bool(re.fullmatch(r"[\d.,%万元:：]+", t))
    )


def _split_inline(cell: Cell) -> list[Cell]:
    """`项目名称：XXX` / `年度资金总额:310.21` / `771,325,800.00 年度资金申请总额` -> label and value cells."""
    text = cell.text
    if cell.copy:
        return [cell]  # a merged cell's copy is skipped whole, as the cell it copies was read
    m = re.match(r"^([^:：]{2,16})[:：]\s*(.+)$", text)
    if m and lb.is_label(m.group(1)) and not lb.is_label(text):
        return [Cell(m.group(1), cell.row, cell.col, cell.line, cell.page), Cell(m.group(2), cell.row, cell.col, cell.line, cell.page)]
    m = re.match(r"^([-−]?\d[\d,]*(?:\.\d+)?\s*(?:万元|万|元)?)\s+(\S.{1,20})$", text)
    if m and lb.is_label(m.group(2)):
        return [Cell(m.group(1), cell.row, cell.col, cell.line, cell.page), Cell(m.group(2), cell.row, cell.col, cell.line, cell.page)]
    return [cell]


@dataclass
class _Tok:
    cell: Cell
    stream: bool
    row_end: bool  # the last cell of its row

    @property
    def copy(self) -> bool:
        return self.cell.copy


def _tokens(rows: list[GridRow]) -> list[_Tok]:
    out: list[_Tok] = []
    for r in rows:
        cells = [piece for c in r.cells for piece in _split_inline(c)]
        for i, c in enumerate(cells):
            out.append(_Tok(c, r.stream, i == len(cells) - 1))
    return out


def read_forms(rows: list[GridRow], positional: bool = False) -> tuple[list[FormDraft], list[Cell]]:
    """Cut the grid into forms and read each; returns the drafts and the cells outside any form."""
    toks = _tokens(rows)
    forms: list[FormDraft] = []
    outside: list[Cell] = []
    form: FormDraft | None = None
    pending_title: tuple[str, Cell] | None = None
    pending_year: int | None = None
    mode = "head"
    i = 0
    n = len(toks)
    used: set[int] = set()

    def new_form(at: Cell) -> FormDraft:
        nonlocal form, mode, pending_title, pending_year
        form = FormDraft(start=at)
        if pending_title:
            form.title = pending_title[0]
            form.kind = lb.title_kind(pending_title[0])
            y = _YEAR.search(pending_title[0])
            form.year = int(y.group(1)) if y else None
        if pending_year:
            form.year = pending_year
        pending_title = None
        pending_year = None
        forms.append(form)
        mode = "head"
        return form

    def row_rest(j: int) -> list[Cell]:
        """Cells after position j up to the end of its row (row layouts) or the next label (streams)."""
        out: list[Cell] = []
        k = j + 1
        if not toks[j].row_end and not toks[j].stream:
            # In a kept row a label's value is the next cell with text (a merged value's copies are blank).
            while k < n:
                c = toks[k].cell
                if toks[k].copy and not toks[k].row_end:
                    k += 1  # the label's own merged copies
                    continue
                if lb.is_label(c.text) and not _is_value(c.text):
                    break
                out.append(c)
                if toks[k].row_end or c.text:
                    break
                k += 1
            return out
        while k < n and toks[k].stream:
            c = toks[k].cell
            if (lb.is_label(c.text) and not _is_value(c.text)) or lb.is_title(c.text):
                break
            out.append(c)
            k += 1
        return out

    while i < n:
        tok = toks[i]
        cell = tok.cell
        text = cell.text
        if id(cell) in used:
            i += 1  # a value read with its label in the row above
            continue
        if form is not None:
            form.cells.append(cell)
        if tok.copy and not (mode == "ind" and form is not None and form.table is not None and form.table.positional):
            i += 1  # a merged cell's copy: read once, where it starts
            continue
        if tok.copy:
            form.table.add(cell, tok.stream, tok.row_end)  # type: ignore[union-attr]
            i += 1
            continue
        if not text:
            if mode == "ind" and form is not None and form.table is not None:
                form.table.add(cell, tok.stream, tok.row_end)
            i += 1
            continue
        labels = lb.labels_of(text)
        kinds = {x.kind for x in labels}
        year = re.fullmatch(r"[(（]?\s*(\d{4})\s*年度?\s*[)）]?", lb.key_of(text) or lb.compact(text))
        if year and not labels and mode != "ind":
            if form is not None and not form.has_content and form.year is None:
                form.year = int(year.group(1))
            else:
                pending_year = int(year.group(1))
            i += 1
            continue
        if lb.is_title(text):
            # A title cuts a new form after a read indicator table, or when it names another project.
            named_here = lb.name_in_title(text)
            if form is not None and form.has_content and (
                form.tables or (named_here and named_here != (form.fields.get("name") or named_here + "?"))
            ):
                form, mode = None, "head"
            named = lb.name_in_title(pending_title[0]) if pending_title else None
            later = lb.name_in_title(text)
            if pending_title and named and later and named != later:
                new_form(pending_title[1])  # a title that named a project whose form did not follow
                form = None
            if not (named and not lb.name_in_title(text)):
                pending_title = (text, cell)  # a generic title after a naming one keeps the naming one
            if form is not None and form.title is None:
                form.title, form.kind = text, lb.title_kind(text)
                y = _YEAR.search(text)
                form.year = form.year or (int(y.group(1)) if y else None)
                pending_title = None
            i += 1
            continue
        unit = lb.unit_in(text)
        if unit and form is not None and (not labels or "frame" in kinds or "field" not in kinds):
            form.unit = form.unit or unit
        # A list: one row per indicator under a header that also names the project's columns.
        if not tok.stream and (i == 0 or toks[i - 1].row_end):
            listed = _list_header(toks, i)
            if listed is not None:
                title = pending_title or ((form.title, form.start) if form is not None and form.title
                                          and not form.has_content else None)
                if form is not None and not form.has_content and form in forms:
                    forms.remove(form)  # the title's empty form: the list's projects take its place
                year = pending_year or (form.year if form is not None else None)
                made, i = _read_list(toks, i, listed, title, year, positional)
                forms.extend(made)
                form, pending_title, pending_year, mode = None, None, None, "head"
                continue
        # Indicator header: a run of header cells naming at least a name or target column.
        header, j = _header_run(toks, i)
        if header is not None:
            cols = [f for f, _ in header]
            if "name" in cols or ("target" in cols and ("level2" in cols or "level1" in cols)):
                if form is None:
                    new_form(cell)
                assert form is not None
                form.table = IndicatorTable(cols, [c for _, c in header], positional=positional)
                form.tables.append(form.table)
                form.cells.extend(c for _, c in header[1:])
                mode = "ind"
                i = j
                continue
        money, j = _money_header_run(toks, i)
        if money is not None:
            if form is None:
                new_form(cell)
            assert form is not None
            form.money_cols = [f for f, _ in money]
            form.money_seen = True
            form.cells.extend(c for _, c in money[1:])
            mode = "money"
            i = j
            continue
        fld = next((x.field for x in labels if x.kind == "field"), None)
        if fld and not (mode == "ind" and fld in ("unit_name",) and False):
            if fld == "name" and form is not None and (form.has_content or "name" in form.fields):
                form = None
            if form is None:
                new_form(cell)
            assert form is not None
            value_cells = row_rest(i)
            if not any(c.text and not lb.is_label(c.text) for c in value_cells):
                below = _value_below(toks, i)  # a row of labels with their values in the row under it
                if below is not None:
                    used.add(id(below))
                    form.field_cells.setdefault(fld, [cell, below])
                    form.fields.setdefault(fld, below.text)
                    form.cells.append(below)
                    mode = "head"
                    i += 1
                    continue
            value = "".join(c.text for c in value_cells if c.text and not lb.is_label(c.text))
            if fld not in form.fields or not form.fields[fld]:
                form.fields[fld] = value
                form.field_cells[fld] = [cell, *value_cells]
            form.cells.extend(value_cells)
            if unit and fld == "name":
                pass
            mode = "head"
            i += 1 + len(value_cells)
            continue
        if form is not None and mode == "ind" and "total" not in kinds and _sum_row(toks, i, labels):
            kinds = {*kinds, "total"}  # 合计 | … | 100 | 96.5 closing the indicator table: its total
        if "total" in kinds and form is not None:
            vals = row_rest(i)
            if not tok.stream and not tok.row_end:
                # In a kept row every figure after the label counts: 总分 | 100 | 96.82 (weight, score).
                k = i + 1
                vals = []
                while k < n and not toks[k].stream:
                    if not toks[k].copy:
                        vals.append(toks[k].cell)
                    if toks[k].row_end:
                        break
                    k += 1
            nums = [c.text for c in vals if to_decimal(c.text) is not None]
            if not nums and i + 1 < n and to_decimal(toks[i + 1].cell.text) is not None:
                vals = [toks[i + 1].cell]
                nums = [vals[0].text]
            if nums:
                form.total_score = nums[-1]
                form.total_weight = nums[-2] if len(nums) >= 2 else None
                form.total_cells = [cell, *vals]
            form.cells.extend(vals)
            mode = "total"
            i += 1 + len(vals)
            continue
        if "end" in kinds:
            mode = "end"
            i += 1
            continue
        if form is not None and "money_row" in kinds and form.money_cols and mode == "money":
            label = next(x.field for x in labels if x.kind == "money_row")
            vals = _values_after(toks, i, len(form.money_cols))
            form.money_rows.append((label, _assign_money(form.money_cols, [c.text for c in vals]), [cell, *vals]))
            form.cells.extend(vals)
            u = lb.unit_in(text)
            form.unit = form.unit or u
            i += 1 + len(vals)
            continue
        if "funding" in kinds and mode in ("head", "money", "funding", "goals"):
            if form is None:
                new_form(cell)
            assert form is not None
            fkey = next(x.field for x in labels if x.kind == "funding")
            vals = _values_after(toks, i, 1, stop_at_text=True)
            if fkey == "other" and "other" in form.funding:
                fkey = "annual_other"
            value = next((c.text for c in vals if c.text), "")
            form.funding.setdefault(fkey, value)
            form.funding_cells.extend([cell, *vals])
            form.money_seen = True
            form.cells.extend(vals)
            mode = "funding"
            i += 1 + len(vals)
            continue
        if "goal" in kinds and mode != "ind":
            if form is None:
                new_form(cell)
            assert form is not None
            cols = [next(x.field for x in labels if x.kind == "goal")]
            j = i + 1
            while j < n and toks[j].cell.text and lb.has(toks[j].cell.text, "goal") and not toks[j - 1].row_end:
                cols.append(lb.has(toks[j].cell.text, "goal").field)  # type: ignore[union-attr]
                j += 1
            # 年度总体目标 over 预期目标 / 实际完成情况 is a section label, not a column.
            if len(cols) >= 2 and cols[0] == "annual" and cols[1] in ("expected", "achieved"):
                cols = cols[1:]
            form.goal_cols = cols
            mode = "goals"
            i = j
            continue
        implicit = _implicit_header(toks, i) if mode != "ind" and ("level1" in kinds or "level2" in kinds) else None
        if implicit is not None:
            # Indicator rows without their header (a table's tail on the next page, a fragment): level labels
            # at the front of kept rows, then a name and values, read as target / actual / score by count.
            if form is None:
                new_form(cell)
            assert form is not None
            form.table = IndicatorTable(implicit, [cell] * len(implicit), positional=False)
            form.tables.append(form.table)
            mode = "ind"
        if mode == "ind" and ("level1" in kinds or "level2" in kinds) and form is not None and form.table:
            form.table.add(cell, tok.stream, tok.row_end)
            i += 1
            continue
        if "frame" in kinds or ("level1" in kinds and mode != "ind") or ("level2" in kinds and mode != "ind"):
            if mode == "ind" and form is not None and form.table is not None:
                form.table.add(cell, tok.stream, tok.row_end)
            i += 1
            continue
        if form is None:
            outside.append(cell)
            i += 1
            continue
        if mode == "money" and form.money_cols and not form.money_rows and _is_value(text) and text not in _EMPTY_VALUES:
            # Figures right under the money header with no row label: the block's one (total) row.
            vals = [cell, *_values_after(toks, i, len(form.money_cols) - 1)]
            form.money_rows.append(("total", _assign_money(form.money_cols, [c.text for c in vals]), vals))
            form.cells.extend(vals[1:])
            i += len(vals)
            continue
        if mode == "ind" and form.table is not None:
            if "indicator" in kinds and tok.stream:
                i += 1  # a header word in a flattened page's run of words, not a value
                continue
            form.table.add(cell, tok.stream, tok.row_end)
        elif mode == "goals" and form.goal_cols:
            _add_goal(form, cell, toks[i - 1].row_end if i else True)
        elif mode in ("head", "money", "funding", "total", "end"):
            form.unread.append(cell)
        i += 1
    if pending_title and lb.name_in_title(pending_title[0]):
        new_form(pending_title[1])
    return forms, outside


def _add_goal(form: FormDraft, cell: Cell, row_start: bool) -> None:
    cols = form.goal_cols
    filled = [c for c in cols if c in form.goals]
    if len(cols) == 1:
        key = cols[0]
    elif row_start or not filled:
        key = cols[0] if not filled else (cols[min(len(filled), len(cols) - 1)] if not row_start else cols[0])
    else:
        key = cols[min(len(filled), len(cols) - 1)]
    if len(cols) > 1 and filled and not row_start:
        last = filled[-1]
        idx = cols.index(last)
        key = cols[min(idx + 1, len(cols) - 1)]
    elif len(cols) > 1 and filled:
        key = cols[min(len(filled), len(cols) - 1)]
    form.goals.setdefault(key, []).append((cell.text, cell))


def _value_below(toks: list[_Tok], i: int) -> Cell | None:
    """The value under the label at position i, where the label's row holds labels only (项目名称 | 主管部门 |
    实施单位) and the next row holds words in the label's column (a kept row, not a stream)."""
    if toks[i].stream:
        return None
    start = i
    while start and not toks[start - 1].row_end:
        start -= 1
    end = _row_at(toks, i)
    if any(t.cell.text and not t.copy and not lb.is_label(t.cell.text) for t in toks[start:end]):
        return None
    nxt = toks[end:_row_at(toks, end)] if end < len(toks) else []
    col = toks[i].cell.col
    for t in nxt:
        if t.stream:
            return None
        if t.cell.col == col and not t.copy:
            text = t.cell.text
            ok = text and not lb.is_label(text) and not lb.is_title(text)
            return t.cell if ok else None
    return None


def _sum_row(toks: list[_Tok], i: int, labels: tuple[lb.Label, ...]) -> bool:
    """Whether position i starts a row `合计 | … figures` (a money block's total label, every other cell of the
    row a figure or blank): under an indicator table that is the table's total, not an indicator."""
    if not any(x.kind == "money_row" and x.field == "total" for x in labels):
        return False
    if toks[i].stream or (i and not toks[i - 1].row_end):
        return False
    rest = [t.cell.text for t in toks[i + 1:_row_at(toks, i)] if t.cell.text and not t.copy]
    return bool(rest) and all(to_decimal(x) is not None for x in rest)


def _row_at(toks: list[_Tok], i: int) -> int:
    """The position after the row that starts at position i."""
    j = i
    while j < len(toks) and not toks[j].row_end:
        j += 1
    return j + 1


def _list_header(toks: list[_Tok], i: int) -> list[tuple[str, str] | None] | None:
    """A header row of a list layout, or None: a 项目名称 column beside indicator columns (a name or a target
    column and a level or a name). Returns each column's (kind, field), None for a column of no label."""
    end = _row_at(toks, i)
    cols: list[tuple[str, str] | None] = []
    for t in toks[i:end]:
        text = t.cell.text
        if not text or t.copy:
            cols.append(None)
            continue
        found = None
        for kind in ("indicator", "field", "money_header", "goal", "funding"):
            x = lb.has(text, kind)
            if x is not None:
                found = (kind, x.field)
                break
        cols.append(found)
    kinds = [c for c in cols if c]
    ind = {f for k, f in kinds if k == "indicator"}
    if ("field", "name") not in kinds or not ({"name", "target"} <= ind or ("name" in ind and ind & {"level1", "level2"})):
        return None
    return cols


def _read_list(
    toks: list[_Tok], i: int, cols: list[tuple[str, str] | None], title: tuple[str, Cell] | None,
    year: int | None, positional: bool,
) -> tuple[list[FormDraft], int]:
    """The projects of a list layout from its header at position i: a new project at each new 项目名称 (with
    its 单位名称); the project's columns give its fields, money and goal, the others its indicator rows."""
    header = toks[i:_row_at(toks, i)]
    ind_cols = [(k, c) for k, c in enumerate(cols) if c and c[0] == "indicator"]
    unit = next((lb.unit_in(t.cell.text) for t in header if lb.unit_in(t.cell.text)), None)
    kind = lb.title_kind(title[0]) if title else None
    forms: list[FormDraft] = []
    form: FormDraft | None = None
    form_key: tuple[str, ...] = ()
    j = _row_at(toks, i)
    while j < len(toks) and not toks[j].stream:
        end = _row_at(toks, j)
        row = toks[j:end]
        texts = [t.cell.text for t in row]
        if not any(texts) or (texts[0] and (lb.is_title(texts[0]) or lb.has(texts[0], "total"))):
            break
        if any(t.cell.text and lb.has(t.cell.text, "indicator") and not lb.level_of(t.cell.text) for t in row):
            break  # another header
        values = {c: row[k].cell for k, c in enumerate(cols) if c and k < len(row)}
        name = values.get(("field", "name"))
        key = (name.text if name else "", *(v.text for (kd, f), v in values.items() if kd == "field" and f != "name"))
        if form is None or (name is not None and name.text and key != form_key):
            form = FormDraft(start=row[0].cell)
            form_key = key
            if title:
                form.title, form.kind = title[0], kind
                y = _YEAR.search(title[0])
                form.year = year or (int(y.group(1)) if y else None)
            form.unit = unit
            form.table = IndicatorTable([c[1] for _, c in ind_cols], [header[k].cell for k, _ in ind_cols],
                                        positional=positional)
            form.tables.append(form.table)
            for (kd, f), cell in values.items():
                if not cell.text:
                    continue
                if kd == "field":
                    fld = "implementer" if f == "unit_name" else f
                    form.fields.setdefault(fld, cell.text)
                    form.field_cells.setdefault(fld, [cell])
                elif kd == "goal":
                    form.goals.setdefault(f, []).append((cell.text, cell))
                elif kd in ("money_header", "funding"):
                    if kind == "declaration" or kd == "funding":
                        fk = "annual_request" if kd == "money_header" else f
                        form.funding.setdefault(fk, cell.text)
                        form.funding_cells.append(cell)
                    else:
                        form.money_cols = [*(form.money_cols or []), f]
                        rows_ = form.money_rows or [("total", {}, [])]
                        rows_[0][1][f] = cell.text
                        rows_[0][2].append(cell)
                        form.money_rows = rows_
                    form.money_seen = True
            forms.append(form)
        form.cells.extend(t.cell for t in row)
        picked = [row[k] for k, _ in ind_cols if k < len(row)]
        for n, t in enumerate(picked):
            form.table.add(t.cell, False, n == len(picked) - 1)  # type: ignore[union-attr]
        j = end
    return forms, j


def _header_run(toks: list[_Tok], i: int) -> tuple[list[tuple[str, Cell]] | None, int]:
    """A run of indicator-header cells from position i (frame cells like 绩效指标 may lead it)."""
    j = i
    out: list[tuple[str, Cell]] = []
    n = len(toks)
    while j < n:
        t = toks[j].cell.text
        if not t or toks[j].copy:
            j += 1
            continue
        x = lb.has(t, "indicator") or (lb.column_by_prefix(t) if len(out) >= 2 else None)
        if x is None:
            if not out and lb.has(t, "frame"):
                j += 1
                continue
            break
        out.append((x.field, toks[j].cell))
        j += 1
    fields_ = [f for f, _ in out]
    indicator_only = {"level1", "level2", "name", "target", "actual", "note", "unit", "op", "extra", "seq"}
    if len(out) >= 2 and indicator_only & set(fields_) and ("name" in fields_ or "target" in fields_):
        return out, j
    return None, i


def _implicit_header(toks: list[_Tok], i: int) -> list[str] | None:
    """Columns for a headerless run of indicator rows starting at position i, or None."""
    if toks[i].stream or (i and not toks[i - 1].row_end):
        return None
    rows = 0
    width = None
    j = i
    while j < len(toks) and rows < 3:
        row: list[str] = []
        while j < len(toks):
            row.append(toks[j].cell.text)
            if toks[j].row_end or toks[j].stream:
                break
            j += 1
        j += 1
        texts = [t for t in row if t]
        k = 0
        while k < len(texts) and lb.level_of(texts[k]):
            k += 1
        if not k or len(texts) - k < 2:
            break
        values = len(texts) - k - 1
        width = values if width is None else width
        rows += 1
    if rows < 2 or width is None or width > 4:
        return None
    return ["level1", "level2", "name", *(["target"], ["target", "actual"], ["target", "actual", "score"],
                                          ["target", "actual", "weight", "score"])[width - 1]]


def _money_header_run(toks: list[_Tok], i: int) -> tuple[list[tuple[str, Cell]] | None, int]:
    j = i
    out: list[tuple[str, Cell]] = []
    n = len(toks)
    while j < n:
        t = toks[j].cell.text
        if not t or toks[j].copy:
            j += 1
            continue
        x = lb.has(t, "money_header")
        if x is None:
            if not out and lb.has(t, "frame"):
                j += 1
                continue
            break
        out.append((x.field, toks[j].cell))
        j += 1
    fields_ = [f for f, _ in out]
    if len(out) >= 2 and {"planned", "adjusted", "spent"} & set(fields_):
        return out, j
    return None, i


def _values_after(toks: list[_Tok], i: int, count: int, stop_at_text: bool = False) -> list[Cell]:
    """Up to `count` value cells after position i (figures, blanks, dashes), within the row when rows hold."""
    out: list[Cell] = []
    k = i + 1
    row_mode = not toks[i].stream and not toks[i].row_end
    while k < len(toks) and len(out) < count + (1 if not stop_at_text else 0):
        t = toks[k]
        text = t.cell.text
        if t.copy and row_mode and not t.row_end:
            k += 1  # a merged cell's copy (the label's own, over two columns): not a value of its own
            continue
        if text and lb.is_label(text) and not _is_value(text):
            break
        if text and not _is_value(text):
            if stop_at_text and out:
                break
            if not stop_at_text:
                break
        out.append(t.cell)
        if (row_mode and t.row_end) or (not row_mode and not t.stream):
            break
        k += 1
        if stop_at_text and text:
            break
    return out[: max(count, 1)] if not row_mode else out


def _assign_money(cols: list[str], values: list[str]) -> dict[str, str]:
    vals = list(values)
    if len(vals) == 1 and len(cols) > 1 and re.fullmatch(r"[\d.,%万元]+", vals[0].replace(" ", "")):
        try:
            from corpus.parse import fused

            # The figures every possible cut agrees on; the others are left empty, never guessed.
            cut = fused.common_figures(vals[0], cols)
        except Exception:  # noqa: BLE001 - the fused-cell splitter is optional help, never a reason to fail
            cut = None
        if cut:
            vals = [v or "" for v in cut]
    return {c: v for c, v in zip(cols, vals, strict=False)}
