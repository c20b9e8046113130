"""Grid -> forms: a document cut into forms at titles and 项目名称 labels, each form read by its labels.

The walk reads cells in order. A label says what follows it: a field's value to its right (or on the next
lines of a text stream, or under it in the next row), a money header's columns, a goal label's text, an
indicator header's columns. What comes after a header is read against it until another label ends the block.
Nothing is read by position in a fixed template, so labels may stand in any column and a project may be a
block, a sheet, a page or a run of rows in a list.

Each kind of cell has its step (`_Walk.step_*`); a step that recognises the cell reads it (and what belongs
to it), moves the walk on and returns True.
"""

from __future__ import annotations

import re

from corpus.parse import labels as lb
from corpus.parse.draft import EMPTY_VALUES, FormDraft, add_goal, is_value
from corpus.parse.grid import Cell, GridRow
from corpus.parse.headers import (
    header_run,
    implicit_header,
    list_header,
    money_header_run,
    read_list,
    scoring_header,
)
from corpus.parse.indicators import IndicatorTable
from corpus.parse.tokens import Tok, assign_money, sum_row, tokens, value_below, values_after
from corpus.parse.values import _YEAR, to_decimal

__all__ = ["FormDraft", "read_forms"]

# Labels printed without values that make a label column (values printed later, in order); fields paired so.
_LISTED_MIN = 3
_SHORT_FIELDS = frozenset({"name", "unit_name", "department", "implementer", "code"})
# A score header that states the block's 分值 in its formula: 得分(20分*执行率), 得分(=10分×执行率).
_HEAD_TOTALS = frozenset({"自评得分", "评价得分", "自评总得分"})
_SCORE_OF = re.compile(r"[(（]=?(\d+(?:\.\d+)?)分[*×xX]执行率[)）]")
_YEAR_CELL = re.compile(r"[(（]?\s*(\d{4})\s*年度?\s*[)）]?")


def read_forms(rows: list[GridRow], positional: bool = False) -> tuple[list[FormDraft], list[Cell]]:
    """Cut the grid into forms and read each; returns the drafts and the cells outside any form."""
    walk = _Walk(tokens(rows), positional)
    walk.run()
    return walk.forms, walk.outside


def _once(value: str) -> str:
    """A value printed twice in a row (`单位甲单位甲`): two side-by-side cells of equal text that a flattened
    page joined; the label's value is the one text."""
    half = len(value) // 2
    return value[:half] if half >= 4 and len(value) == 2 * half and value[:half] == value[half:] else value


class _Walk:
    """The state of one walk over a document's tokens."""

    def __init__(self, toks: list[Tok], positional: bool) -> None:
        self.toks = toks
        self.n = len(toks)
        self.positional = positional  # rows whose cells stand in their header's columns (sheets, PDF, DOCX)
        self.forms: list[FormDraft] = []
        self.outside: list[Cell] = []
        self.form: FormDraft | None = None
        self.pending_title: tuple[str, Cell] | None = None
        self.pending_year: int | None = None
        self.mode = "head"  # head | money | funding | goals | ind | total | end
        self.i = 0
        self.used: set[int] = set()  # cells already read with a label (a value under its label)
        # Field labels printed without their values, in order: a form whose label column was printed first
        # (PDF text) gives the values later, in the same order.
        self.listed: list[str] = []
        self.pending_total: Cell | None = None  # a head's 自评得分 whose figure comes later
        # The current cell's labels, set by run() for the steps.
        self.labels: tuple[lb.Label, ...] = ()
        self.kinds: set[str] = set()

    # --- the loop ------------------------------------------------------------------------------------

    def run(self) -> None:
        steps = (self.step_year, self.step_title, self.step_unit, self.step_list, self.step_indicator_header,
                 self.step_money_header, self.step_field, self.step_total, self.step_end, self.step_money_row,
                 self.step_funding, self.step_goal, self.step_levels, self.step_other)
        while self.i < self.n:
            if self.step_skip():
                continue
            text = self.toks[self.i].cell.text
            self.labels = lb.labels_of(text)
            self.kinds = {x.kind for x in self.labels}
            for step in steps:
                if step():
                    break
        if self.pending_title and lb.name_in_title(self.pending_title[0]):
            self.new_form(self.pending_title[1])

    def new_form(self, at: Cell) -> FormDraft:
        form = FormDraft(start=at)
        if self.pending_title:
            form.title = self.pending_title[0]
            form.kind = lb.title_kind(self.pending_title[0])
            y = _YEAR.search(self.pending_title[0])
            form.year = int(y.group(1)) if y else None
        if self.pending_year:
            form.year = self.pending_year
        self.pending_title = None
        self.pending_year = None
        self.forms.append(form)
        self.form = form
        self.mode = "head"
        return form

    def ensure_form(self, at: Cell) -> FormDraft:
        return self.form if self.form is not None else self.new_form(at)

    def row_rest(self, j: int) -> list[Cell]:
        """Cells after position j up to the end of its row (row layouts) or the next label (streams)."""
        toks, n = self.toks, self.n
        out: list[Cell] = []
        k = j + 1
        if not toks[j].row_end and not toks[j].stream:
            # In a kept row a label's value is the next cell with text (a merged value's copies are blank).
            while k < n:
                c = toks[k].cell
                if toks[k].copy and not toks[k].row_end:
                    k += 1  # the label's own merged copies
                    continue
                if lb.is_label(c.text) and not is_value(c.text):
                    break
                out.append(c)
                if toks[k].row_end or c.text:
                    break
                k += 1
            return out
        while k < n and toks[k].stream:
            c = toks[k].cell
            if (lb.is_label(c.text) and not is_value(c.text)) or lb.is_title(c.text):
                break
            if k + 1 < n and toks[k + 1].stream and lb.is_label(c.text + toks[k + 1].cell.text):
                break  # a label printed over two lines (职能职 / 责概述): the value ended before it
            out.append(c)
            k += 1
        return out

    def _in_table(self) -> IndicatorTable | None:
        """The indicator table being read, when the walk is in one."""
        if self.mode == "ind" and self.form is not None:
            return self.form.table
        return None

    def step_unit(self) -> bool:
        """A unit stated in the cell (项目资金（万元）, 单位：元) is the form's, unless a field's label holds it."""
        unit = lb.unit_in(self.toks[self.i].cell.text)
        if unit and self.form is not None and (not self.labels or "frame" in self.kinds or "field" not in self.kinds):
            self.form.unit = self.form.unit or unit
        return False  # the cell is read on by the next steps

    # --- steps ---------------------------------------------------------------------------------------

    def step_skip(self) -> bool:
        """Cells read already, merged copies and blanks (kept in an indicator table, which counts columns)."""
        tok = self.toks[self.i]
        cell = tok.cell
        if id(cell) in self.used:
            self.i += 1  # a value read with its label in the row above
            return True
        if self.form is not None:
            self.form.cells.append(cell)
        table = self._in_table()
        if tok.copy:
            if table is not None and table.positional:
                table.add(cell, tok.stream, tok.row_end)
            self.i += 1  # a merged cell's copy: read once, where it starts
            return True
        if not cell.text:
            if table is not None:
                table.add(cell, tok.stream, tok.row_end)
            self.i += 1
            return True
        return False

    def step_year(self) -> bool:
        """(2023年度) on a line of its own: the year of the form it stands in, or of the next."""
        text = self.toks[self.i].cell.text
        year = _YEAR_CELL.fullmatch(lb.key_of(text) or lb.compact(text))
        if not year or self.labels or self.mode == "ind":
            return False
        form = self.form
        if form is not None and not form.has_content and form.year is None:
            form.year = int(year.group(1))
        else:
            self.pending_year = int(year.group(1))
        self.i += 1
        return True

    def step_title(self) -> bool:
        """A title cuts a new form after a read indicator table, or when it names another project."""
        cell = self.toks[self.i].cell
        text = cell.text
        if not lb.is_title(text):
            return False
        named_here = lb.name_in_title(text)
        form = self.form
        if form is not None and form.has_content and (
            form.tables or (named_here and named_here != (form.fields.get("name") or named_here + "?"))
        ):
            self.form, self.mode = None, "head"
        named = lb.name_in_title(self.pending_title[0]) if self.pending_title else None
        if self.pending_title and named and named_here and named != named_here:
            self.new_form(self.pending_title[1])  # a title that named a project whose form did not follow
            self.form = None
        if not (named and not named_here):
            self.pending_title = (text, cell)  # a generic title after a naming one keeps the naming one
        form = self.form
        if form is not None and form.title is None:
            form.title, form.kind = text, lb.title_kind(text)
            y = _YEAR.search(text)
            form.year = form.year or (int(y.group(1)) if y else None)
            self.pending_title = None
        self.i += 1
        return True

    def step_list(self) -> bool:
        """A list: one row per indicator under a header that also names the project's columns."""
        i, toks = self.i, self.toks
        if toks[i].stream or (i and not toks[i - 1].row_end):
            return False
        listed = list_header(toks, i)
        if listed is None:
            return False
        form = self.form
        title = self.pending_title or (
            (form.title, form.start) if form is not None and form.title and not form.has_content else None
        )
        if form is not None and not form.has_content and form in self.forms:
            self.forms.remove(form)  # the title's empty form: the list's projects take its place
        year = self.pending_year or (form.year if form is not None else None)
        made, self.i = read_list(toks, i, listed, title, year, self.positional)
        self.forms.extend(made)
        self.form, self.pending_title, self.pending_year, self.mode = None, None, None, "head"
        return True

    def step_indicator_header(self) -> bool:
        """A run of header cells naming at least a name column, or a target column beside a level column."""
        header, j = header_run(self.toks, self.i)
        if header is None:
            return False
        cols = [f for f, _ in header]
        if not ("name" in cols or ("target" in cols and ("level2" in cols or "level1" in cols))
                or scoring_header(cols)):
            return False
        places, j = self._place_columns(j)
        header = header + [("place", c) for c in places]
        cols = [f for f, _ in header]
        form = self.ensure_form(self.toks[self.i].cell)
        form.table = IndicatorTable(cols, [c for _, c in header], positional=self.positional)
        form.tables.append(form.table)
        form.cells.extend(c for _, c in header[1:])
        self.mode = "ind"
        self.i = j
        return True

    def _place_columns(self, j: int) -> tuple[list[Cell], int]:
        """Header cells after the named columns up to the end of a kept header row (or an empty cell), none a
        label or a figure (西坪镇尧山村 | 桃舟乡吾培村 …: one column per place); two or more, or none."""
        toks = self.toks
        if j >= self.n or toks[j - 1].stream or toks[j - 1].row_end:
            return [], j
        out: list[Cell] = []
        k = j
        while k < self.n and not toks[k].stream:
            t = toks[k]
            if not t.cell.text and out:
                k += 1
                break  # an empty cell after the places: where a row that lost its ending continues
            if t.cell.text and not t.copy:
                if lb.is_label(t.cell.text) or is_value(t.cell.text) or lb.level_of(t.cell.text):
                    return [], j
                out.append(t.cell)
            k += 1
            if t.row_end:
                break
        return (out, k) if len(out) >= 2 else ([], j)

    def step_money_header(self) -> bool:
        money, j = money_header_run(self.toks, self.i)
        if money is None:
            return False
        form = self.ensure_form(self.toks[self.i].cell)
        form.money_cols = [f for f, _ in money]
        form.money_seen = True
        for fld, cell in money:
            stated = _SCORE_OF.search(lb.compact(cell.text)) if fld == "score" else None
            form.money_weight = stated.group(1) if stated else form.money_weight
        form.cells.extend(c for _, c in money[1:])
        self.mode = "money"
        self.i = j
        return True

    def step_field(self) -> bool:
        """A field label (项目名称, 主管部门 …) and its value: to its right, or under it in the next row."""
        fld = next((x.field for x in self.labels if x.kind == "field"), None)
        if not fld or self._in_seq_header():
            return False
        cell = self.toks[self.i].cell
        if fld == "name" and self.form is not None and (self.form.has_content or "name" in self.form.fields):
            self.form = None
        form = self.ensure_form(cell)
        value_cells = self.row_rest(self.i)
        self.mode = "head"
        if not any(c.text and not lb.is_label(c.text) for c in value_cells):
            below = value_below(self.toks, self.i)  # a row of labels with their values in the row under it
            if below is None and not form.fields.get(fld):
                self.listed.append(fld)
            if below is not None:
                self.used.add(id(below))
                form.field_cells.setdefault(fld, [cell, below])
                form.fields.setdefault(fld, below.text)
                form.cells.append(below)
                self.i += 1
                return True
        value = _once("".join(c.text for c in value_cells if c.text and not lb.is_label(c.text)))
        if value and len(self.listed) < _LISTED_MIN:
            self.listed.clear()
        if not form.fields.get(fld):
            form.fields[fld] = value
            form.field_cells[fld] = [cell, *value_cells]
        form.cells.extend(value_cells)
        self.i += 1 + len(value_cells)
        return True

    def _in_seq_header(self) -> bool:
        """The cell stands in a kept row that starts with 序号 (序号 | 乡镇名称 | 项目名称 | 金额): a list's column
        header, so its 项目名称 names a column, not the form's project."""
        toks, k = self.toks, self.i
        if toks[k].stream:
            return False
        while k > 0 and not toks[k - 1].row_end and not toks[k - 1].stream:
            k -= 1
        first = next((t.cell.text for t in toks[k : self.i] if t.cell.text), "")
        return bool(first) and any(x.field == "seq" for x in lb.labels_of(first))

    def step_total(self) -> bool:
        """总分 (or 合计 closing an indicator table) and its figures: the last is the score, the one before the
        weight."""
        form, i, toks = self.form, self.i, self.toks
        if form is None:
            return False
        head_total = self.mode == "head" and not form.tables and lb.key_of(toks[i].cell.text) in _HEAD_TOTALS
        if "total" not in self.kinds and not head_total and not (self.mode == "ind" and sum_row(toks, i, self.labels)):
            return False
        vals = self.row_rest(i)
        tok = toks[i]
        if not tok.stream and not tok.row_end:
            # In a kept row every figure after the label counts: 总分 | 100 | 96.82 (weight, score).
            vals = []
            k = i + 1
            while k < self.n and not toks[k].stream:
                if not toks[k].copy:
                    vals.append(toks[k].cell)
                if toks[k].row_end:
                    break
                k += 1
        nums = [c.text for c in vals if to_decimal(c.text) is not None]
        if not nums and i + 1 < self.n and to_decimal(toks[i + 1].cell.text) is not None:
            vals = [toks[i + 1].cell]
            nums = [vals[0].text]
        if nums:
            form.total_score = nums[-1]
            form.total_weight = nums[-2] if len(nums) >= 2 else None
            form.total_cells = [tok.cell, *vals]
        elif head_total:
            # 自评得分 in the form's head over a figure printed after the fields beside it (a merged cell that
            # spans their rows): the first bare figure of the head is its value.
            self.pending_total = tok.cell
            self.i += 1
            return True
        form.cells.extend(vals)
        self.mode = "total"
        self.i += 1 + len(vals)
        return True

    def step_end(self) -> bool:
        if "end" not in self.kinds:
            return False
        self.mode = "end"
        self.i += 1
        return True

    def step_money_row(self) -> bool:
        """A row of the money block (年度资金总额, 其中：当年财政拨款 …) under its header: its figures by column."""
        form = self.form
        if form is None or "money_row" not in self.kinds or not form.money_cols or self.mode != "money":
            return False
        cell = self.toks[self.i].cell
        label = next(x.field for x in self.labels if x.kind == "money_row")
        vals = values_after(self.toks, self.i, len(form.money_cols))
        stream = self.toks[self.i].stream
        form.money_rows.append((label, assign_money(form.money_cols, [c.text for c in vals], stream), [cell, *vals]))
        form.cells.extend(vals)
        form.unit = form.unit or lb.unit_in(cell.text)
        self.i += 1 + len(vals)
        return True

    def step_funding(self) -> bool:
        """A declaration's funding label (项目资金总额, 年度资金申请总额 …) and its one value."""
        if "funding" not in self.kinds or self.mode not in ("head", "money", "funding", "goals"):
            return False
        cell = self.toks[self.i].cell
        form = self.ensure_form(cell)
        fkey = next(x.field for x in self.labels if x.kind == "funding")
        vals = values_after(self.toks, self.i, 1, stop_at_text=True)
        if fkey == "other" and "other" in form.funding:
            fkey = "annual_other"
        form.funding.setdefault(fkey, next((c.text for c in vals if c.text), ""))
        form.funding_cells.extend([cell, *vals])
        form.money_seen = True
        form.cells.extend(vals)
        self.mode = "funding"
        self.i += 1 + len(vals)
        return True

    def step_goal(self) -> bool:
        """A goal label, or a row of them (预期目标 | 实际完成情况): the columns the goal texts fill."""
        if "goal" not in self.kinds or self.mode == "ind":
            return False
        toks = self.toks
        form = self.ensure_form(toks[self.i].cell)
        cols = [next(x.field for x in self.labels if x.kind == "goal")]
        j = self.i + 1
        while j < self.n and toks[j].cell.text and lb.has(toks[j].cell.text, "goal") and not toks[j - 1].row_end:
            cols.append(lb.has(toks[j].cell.text, "goal").field)  # type: ignore[union-attr]
            j += 1
        # 年度总体目标 over 预期目标 / 实际完成情况 is a section label, not a column.
        if len(cols) >= 2 and cols[0] == "annual" and cols[1] in ("expected", "achieved"):
            cols = cols[1:]
        form.goal_cols = cols
        self.mode = "goals"
        self.i = j
        return True

    def step_levels(self) -> bool:
        """Level labels (产出指标, 数量指标) and frame labels (绩效指标): a headerless table starts at a run of
        level-led rows; inside a table they are its cells; elsewhere they are read over."""
        tok = self.toks[self.i]
        levelled = "level1" in self.kinds or "level2" in self.kinds
        if levelled and self.mode != "ind":
            implicit = implicit_header(self.toks, self.i)
            if implicit is not None:
                # Indicator rows without their header (a table's tail on the next page, a fragment): level
                # labels at the front of kept rows, then a name and values, read by count.
                form = self.ensure_form(tok.cell)
                form.table = IndicatorTable(implicit, [tok.cell] * len(implicit), positional=False)
                form.tables.append(form.table)
                self.mode = "ind"
        table = self._in_table()
        if levelled and table is not None:
            table.add(tok.cell, tok.stream, tok.row_end)
            self.i += 1
            return True
        if "frame" in self.kinds or levelled:
            if table is not None:
                table.add(tok.cell, tok.stream, tok.row_end)
            self.i += 1
            return True
        return False

    def _label_at(self, k: int) -> tuple[str | None, int]:
        """The field label at position k, also one printed over two lines of a stream (专项立项 / 依据), and
        how many cells it takes."""
        if k >= self.n:
            return None, 0
        one = next((x.field for x in lb.labels_of(self.toks[k].cell.text) if x.kind == "field"), None)
        if one or not self.toks[k].stream or k + 1 >= self.n or not self.toks[k + 1].stream:
            return one, 1
        two = next((x.field for x in lb.labels_of(self.toks[k].cell.text + self.toks[k + 1].cell.text)
                    if x.kind == "field"), None)
        return two, 2

    def _any_label_at(self, k: int) -> bool:
        """A label of any kind at position k, alone or printed over two lines of a stream."""
        if k >= self.n:
            return False
        text = self.toks[k].cell.text
        nxt = self.toks[k + 1].cell.text if k + 1 < self.n and self.toks[k + 1].stream else ""
        return lb.is_label(text) or bool(nxt and self.toks[k].stream and lb.is_label(text + nxt))

    def _wrapped_label(self, form: FormDraft) -> bool:
        """A field label printed over two lines and followed by another label, not by its value: one more
        label of a label column printed before its values."""
        fld, width = self._label_at(self.i)
        if fld is None or width != 2 or not self._any_label_at(self.i + 2):
            return False
        if not form.fields.get(fld):
            form.fields[fld] = ""
            self.listed.append(fld)
        self.i += 2
        return True

    def _late_value(self, form: FormDraft, cell: Cell) -> bool:
        """A value printed after the labels it belongs to: the head's 自评得分 takes the first bare figure (0–100);
        the first of the labels printed before their values (项目名称, 部门名称 …) takes a text, when at least
        _LISTED_MIN labels stood without values. Only the leading short fields are paired, in order: a sentence
        (the value of a 职能概述 or 立项依据) ends the pairing, since where it ends is not known."""
        text = cell.text
        score = to_decimal(text) if self.pending_total is not None else None
        if score is not None and 0 <= score <= 100 and form.total_score is None:
            form.total_score, form.total_cells = text, [self.pending_total, cell]
            self.pending_total = None
            return True
        if len(self.listed) < _LISTED_MIN or is_value(text) or len(lb.compact(text)) < 4:
            return False
        if self._any_label_at(self.i) or (self.i and self._any_label_at(self.i - 1)):
            return False  # a piece of a label printed over two lines
        fld = self.listed[0]
        if fld not in _SHORT_FIELDS or re.search(r"[,，。;；、:：]", text) or form.fields.get(fld):
            self.listed.clear()
            return False
        self.listed.pop(0)
        form.fields[fld] = text
        form.field_cells[fld] = [cell]
        return True

    def step_other(self) -> bool:
        """Any other cell: outside a form, a money block's unlabelled total, a table's cell, a goal's text, or
        a cell of the form that was not understood."""
        tok = self.toks[self.i]
        cell, text, form = tok.cell, tok.cell.text, self.form
        if form is None:
            self.outside.append(cell)
            self.i += 1
            return True
        if (self.mode == "money" and form.money_cols and not form.money_rows and is_value(text)
                and text not in EMPTY_VALUES):
            # Figures right under the money header with no row label: the block's one (total) row.
            vals = [cell, *values_after(self.toks, self.i, len(form.money_cols) - 1)]
            got = assign_money(form.money_cols, [c.text for c in vals], tok.stream)
            form.money_rows.append(("total", got, vals))
            form.cells.extend(vals[1:])
            self.i += len(vals)
            return True
        if self.mode == "ind" and form.table is not None:
            if not ("indicator" in self.kinds and tok.stream):  # a header word in a flattened page: not a value
                form.table.add(cell, tok.stream, tok.row_end)
        elif self.mode == "goals" and form.goal_cols:
            add_goal(form, cell, self.toks[self.i - 1].row_end if self.i else True)
        elif self.mode == "head" and self._wrapped_label(form):
            return True
        elif self.mode in ("head", "money", "funding", "total", "end") and not self._late_value(form, cell):
            form.unread.append(cell)
        self.i += 1
        return True
