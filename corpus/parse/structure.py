"""The structural reader: grid -> forms -> records, for a form of any region's layout."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from corpus.errors import NotAPerformanceTableError
from corpus.load import Loaded
from corpus.model import Document, ParseWarning
from corpus.parse import labels as lb
from corpus.parse.forms import FormDraft, read_forms
from corpus.parse.grid import Cell, grid_of, is_text
from corpus.parse.prose import ProseTable, project_name, read_prose
from corpus.parse.records import is_form, to_project


def parse_loaded(loaded: Loaded) -> Document:
    """Read every form of a file by its labels; cells outside forms are reported once per run of pages.

    Raises:
        NotAPerformanceTableError: the file holds no form (the message says what was found).
    """
    name = Path(loaded.path).name
    rows = grid_of(loaded)
    forms, outside = read_forms(rows, positional=not is_text(loaded))
    forms = _copies_merged(forms)
    warnings: list[ParseWarning] = list(loaded.warnings)
    drafts = [f for f in forms if is_form(f)]
    if not drafts:
        drafts = _prose_form(rows, warnings)
        forms = forms + drafts
    if not drafts:
        raise refusal(loaded, forms=forms)
    projects = []
    for d in drafts:
        _name_from_goal(d, warnings)
        projects.append(to_project(d, name, loaded.sha256, warnings))
    for d in forms:
        if d not in drafts:
            outside.extend(d.cells)
    warnings[:0] = skipped([(c.line, c.page, "") for c in outside])
    kinds = {p.kind for p in projects}
    kind = "self_evaluation" if "self_evaluation" in kinds else "declaration"
    return Document(path=loaded.path, sha256=loaded.sha256, kind=kind, projects=tuple(projects),
                    warnings=tuple(warnings), tables_seen=len(forms), tables_read=len(drafts))


def _bare_title(title: str | None) -> str:
    return re.sub(r"[(（][^()（）]*[)）]$", "", lb.compact(title or ""))


def _copies_merged(forms: list[FormDraft]) -> list[FormDraft]:
    """A form a page printed twice (its summary run together, then the table cut short), read as one: a
    draft without a project name is merged into the named draft under the same title when no field of the
    two disagrees (one value the start of the other is a cut, not a disagreement); the named draft keeps its
    own values and takes only what it lacks (money rows, funding, fields)."""
    out = list(forms)
    for copy in forms:
        if copy.fields.get("name") or not copy.title or copy not in out:
            continue
        twins = [f for f in out if f is not copy and f.fields.get("name") and _bare_title(f.title) == _bare_title(copy.title)
                 and (f.year is None or copy.year is None or f.year == copy.year)]
        if len(twins) != 1:
            continue
        (named,) = twins
        if any(v and named.fields.get(k) and not (v.startswith(named.fields[k]) or named.fields[k].startswith(v))
               for k, v in copy.fields.items()):
            continue
        for k, v in copy.fields.items():
            if v and not named.fields.get(k):
                named.fields[k] = v
                named.field_cells[k] = copy.field_cells.get(k, [])
        if copy.money_rows and not named.money_rows:
            named.money_cols, named.money_rows = copy.money_cols, copy.money_rows
            named.money_seen = True
            named.unit = named.unit or copy.unit
        if copy.funding and not named.funding:
            named.funding, named.funding_cells = copy.funding, copy.funding_cells
        named.cells.extend(copy.cells)
        out.remove(copy)
    return out


def _prose_form(rows: list, warnings: list[ParseWarning]) -> list[FormDraft]:
    """A page with no form table whose text states indicators (绩效目标设定公示): one form, said so."""
    cells: list[Cell] = []
    for r in rows:
        texts = [c for c in r.cells if c.text]
        if len(texts) > 1 and all(c.fused for c in texts):
            # A line of prose the fused-cell cutter cut at its labels: read as the sentence it is.
            first = texts[0]
            cells.append(Cell("".join(c.text for c in texts), first.row, first.col, first.line, first.page))
        else:
            cells.extend(texts)
    found = read_prose(cells)
    if not found:
        return []
    d = FormDraft(start=found[0].source[0])
    d.tables.append(ProseTable(found))  # type: ignore[arg-type]
    name = project_name(cells)
    if name:
        d.fields["name"] = name
    first, last = found[0].source[0], found[-1].source[-1]
    warnings.append(ParseWarning(first.line, f"第{first.line}–{last.line}行：绩效指标取自正文文字（不是表格），请核对",
                                 page=first.page, kind="prose-indicators", end_line=last.line))
    return [d]


_GOAL_LABEL = re.compile(r"(?:项目)?年度(?:绩效)?目标$")
_FIRST_ITEM = re.compile(r"^[1１一][、.．:：]\s*(?P<name>[^,，。;；:：、\s]{4,40})$")


def _name_from_goal(d: FormDraft, warnings: list[ParseWarning]) -> None:
    """A form whose 项目名称 label stood without its value (a flattened page): the name the form states after
    `项目年度目标 1:` is taken, only when that same text also stands as a cell of its own on the form and no
    other such text does; said so in a warning, as it was not read beside its label."""
    if d.fields.get("name"):
        return
    cells = [c for c in d.cells if c.text]
    texts = {lb.compact(c.text) for c in cells}
    found: list[tuple[str, Cell]] = []
    for k, c in enumerate(cells[:-1]):
        if not _GOAL_LABEL.search(lb.compact(c.text)):
            continue
        m = _FIRST_ITEM.match(lb.compact(cells[k + 1].text))
        if m and m.group("name") in texts and not lb.is_label(m.group("name")):
            found.append((m.group("name"), cells[k + 1]))
    if len({n for n, _ in found}) != 1:
        return
    value, cell = found[0]
    d.fields["name"] = value
    d.field_cells["name"] = [cell]
    warnings.append(ParseWarning(cell.line, f"项目名称未写在“项目名称”旁，取自“{lb.compact(cells[cells.index(cell) - 1].text)} 1:”"
                                 f"后文字“{value}”（表中另有同一文字），请核对", cell.text, cell.page, kind="name-inferred"))


def skipped(places: Sequence[tuple[int, int | None, str]]) -> list[ParseWarning]:
    """One note per run of pages (or one for the lines) that held no form, not one per line.

    Args:
        places: (line, page, text) of what was skipped, in file order; the text of the first of a run is
            the note's example (the row reader keeps it; the structural reader passes "").
    """
    if not places:
        return []
    pages = sorted({page for _, page, _ in places if page is not None})
    if pages:
        out = []
        for a, b in _runs(pages):
            line, _, text = next(p for p in places if p[1] == a)
            where = f"第{a}–{b}页" if a != b else f"第{a}页"
            out.append(ParseWarning(line, f"{where}不是绩效表，已跳过", text, a, kind="skipped-pages", end_page=b))
        return out
    lines = sorted({line for line, _, _ in places})
    first = next(p for p in places if p[0] == lines[0])
    return [ParseWarning(lines[0], f"第{lines[0]}–{lines[-1]}行中有 {len(lines)} 行不属于绩效表，已跳过", first[2],
                         kind="skipped-lines", end_line=lines[-1])]


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for x in numbers:
        if out and x == out[-1][1] + 1:
            out[-1] = (out[-1][0], x)
        else:
            out.append((x, x))
    return out


def refusal(loaded: Loaded, forms: list | None = None) -> NotAPerformanceTableError:
    """Why a file holds no form, naming what was found (a header without a project name, titles …)."""
    name = Path(loaded.path).name
    if forms is None:
        forms, _ = read_forms(grid_of(loaded), positional=not is_text(loaded))
    found: list[str] = []
    for f in forms:
        if f.tables and "找到“一级指标/二级指标”表头" not in found:
            found.append("找到“一级指标/二级指标”表头")
        if f.money_cols and "找到资金表头" not in found:
            found.append("找到资金表头")
        if f.title and f"找到标题“{f.title}”" not in found:
            found.append(f"找到标题“{f.title}”")
    if found:
        return NotAPerformanceTableError(
            f"{name}: {'，'.join(found)}，但没有找到项目名称和可读的指标行，未能按绩效表读取；"
            "请确认表格完整，或把该表另存为 xlsx 后再导入",
            reason="layout-not-understood",
        )
    return NotAPerformanceTableError(
        f"{name}: 未找到绩效自评表或绩效目标申报表（没有“项目名称”、资金表或绩效指标表），请确认文件是财政项目支出绩效表",
        reason="not-a-form",
    )


__all__ = ["parse_loaded", "refusal", "lb"]
