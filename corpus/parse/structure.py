"""The structural reader: grid -> forms -> records, for a form of any region's layout."""

from __future__ import annotations

from pathlib import Path

from corpus.errors import NotAPerformanceTableError
from corpus.load import Loaded
from corpus.model import Document, ParseWarning
from corpus.parse import labels as lb
from corpus.parse.forms import read_forms
from corpus.parse.grid import Cell, grid_of, is_text
from corpus.parse.records import is_form, to_project


def parse_loaded(loaded: Loaded) -> Document:
    """Read every form of a file by its labels; cells outside forms are reported once per run of pages.

    Raises:
        NotAPerformanceTableError: the file holds no form (the message says what was found).
    """
    name = Path(loaded.path).name
    rows = grid_of(loaded)
    forms, outside = read_forms(rows, positional=not is_text(loaded))
    warnings: list[ParseWarning] = list(loaded.warnings)
    drafts = [f for f in forms if is_form(f)]
    if not drafts:
        raise refusal(loaded, forms=forms)
    projects = []
    for d in drafts:
        projects.append(to_project(d, name, loaded.sha256, warnings))
    for d in forms:
        if d not in drafts:
            outside.extend(d.cells)
    warnings[:0] = skipped(outside, loaded)
    kinds = {p.kind for p in projects}
    kind = "self_evaluation" if "self_evaluation" in kinds else "declaration"
    return Document(path=loaded.path, sha256=loaded.sha256, kind=kind, projects=tuple(projects),
                    warnings=tuple(warnings), tables_seen=len(forms), tables_read=len(drafts))


def skipped(cells: list[Cell], loaded: Loaded) -> list[ParseWarning]:
    """One note per run of pages (or lines) that held no form, not one per line."""
    if not cells:
        return []
    pages = sorted({c.page for c in cells if c.page is not None})
    lines = sorted({c.line for c in cells})
    if pages:
        spans = _runs(pages)
        return [ParseWarning(cells[0].line, f"第{a}–{b}页不是绩效表，已跳过" if a != b else f"第{a}页不是绩效表，已跳过",
                             page=a, kind="skipped-pages", end_page=b) for a, b in spans]
    return [ParseWarning(lines[0], f"第{lines[0]}–{lines[-1]}行中有 {len(lines)} 行不属于绩效表，已跳过",
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
