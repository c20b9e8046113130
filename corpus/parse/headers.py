"""Header runs: an indicator table's header, a money block's header, a headerless run of indicator rows, and
a list layout's header with the projects read from the rows under it."""

from __future__ import annotations

from collections.abc import Callable

from corpus.parse import labels as lb
from corpus.parse.draft import FormDraft
from corpus.parse.grid import Cell
from corpus.parse.indicators import IndicatorTable
from corpus.parse.tokens import Tok, row_after
from corpus.parse.values import _YEAR


def list_header(toks: list[Tok], i: int) -> list[tuple[str, str] | None] | None:
    """A header row of a list layout, or None: a 项目名称 column beside indicator columns (a name or a target
    column and a level or a name). Returns each column's (kind, field), None for a column of no label."""
    end = row_after(toks, i)
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


def read_list(
    toks: list[Tok], i: int, cols: list[tuple[str, str] | None], title: tuple[str, Cell] | None,
    year: int | None, positional: bool,
) -> tuple[list[FormDraft], int]:
    """The projects of a list layout from its header at position i: a new project at each new 项目名称 (with
    its 单位名称); the project's columns give its fields, money and goal, the others its indicator rows."""
    header = toks[i:row_after(toks, i)]
    ind_cols = [(k, c) for k, c in enumerate(cols) if c and c[0] == "indicator"]
    unit = next((lb.unit_in(t.cell.text) for t in header if lb.unit_in(t.cell.text)), None)
    kind = lb.title_kind(title[0]) if title else None
    forms: list[FormDraft] = []
    form: FormDraft | None = None
    form_key: tuple[str, ...] = ()
    j = row_after(toks, i)
    while j < len(toks) and not toks[j].stream:
        end = row_after(toks, j)
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


def _label_run(toks: list[Tok], i: int, label: Callable[[str, int], lb.Label | None]) -> tuple[list[tuple[str, Cell]], int]:
    """The run of header cells from position i that `label(text, found so far)` names; blanks and merged
    copies are passed over, and frame cells (绩效指标, 项目资金) may lead it."""
    j = i
    out: list[tuple[str, Cell]] = []
    while j < len(toks):
        t = toks[j].cell.text
        if not t or toks[j].copy:
            j += 1
            continue
        x = label(t, len(out))
        if x is None:
            if not out and lb.has(t, "frame"):
                j += 1
                continue
            break
        out.append((x.field, toks[j].cell))
        j += 1
    return out, j


def header_run(toks: list[Tok], i: int) -> tuple[list[tuple[str, Cell]] | None, int]:
    """A run of indicator-header cells from position i (frame cells like 绩效指标 may lead it)."""
    out, j = _label_run(toks, i, lambda t, found: lb.has(t, "indicator") or (
        (lb.column_by_prefix(t) or lb.column_by_letters(t)) if found >= 2 else None))
    fields_ = [f for f, _ in out]
    indicator_only = {"level1", "level2", "name", "target", "actual", "note", "unit", "op", "extra", "seq"}
    if len(out) >= 2 and indicator_only & set(fields_) and ("name" in fields_ or "target" in fields_
                                                          or scoring_header(fields_)):
        return out, j
    return None, i


def scoring_header(fields_: list[str]) -> bool:
    """A scoring table's header (评价内容 | 分值 | 自评分): its content column names the rows."""
    return bool(fields_) and fields_[0] == "extra" and "weight" in fields_ and "score" in fields_ and (
        "name" not in fields_ and "target" not in fields_)


def implicit_header(toks: list[Tok], i: int) -> list[str] | None:
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


def money_header_run(toks: list[Tok], i: int) -> tuple[list[tuple[str, Cell]] | None, int]:
    """A money block's header from position i (年初预算数 | 全年预算数 | 全年执行数 …)."""
    out, j = _label_run(toks, i, lambda t, found: lb.has(t, "money_header"))
    if len(out) >= 2 and {"planned", "adjusted", "spent"} & {f for f, _ in out}:
        return out, j
    return None, i
