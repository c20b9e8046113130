"""The Excel report: 问题清单, 项目结论 and 汇总 sheets."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from corpus.model import Document, Finding, Project, RefusedFile
from corpus.settings import Settings
from qa.evidence import evidence_text
from qa.labels import KIND_LABELS, SEVERITY_LABELS, rule_title
from qa.report.common import (
    EXCEL_COLUMNS,
    SHEET_FINDINGS,
    SHEET_SUMMARY,
    SHEET_VERDICTS,
    SUMMARY_COLUMNS,
    VERDICT_COLUMNS,
    _rules_text,
    finding_key,
    safe_cell,
)
from qa.report.summary import batch_summary, summary_rows
from qa.verdict import (
    ProjectVerdict,
    project_verdicts,
)

_FINDING_WIDTHS = (28, 30, 28, 26, 6, 70, 50, 28, 6, 8, 20)
_VERDICT_WIDTHS = (30, 28, 14, 10, 8, 6, 6, 6, 40, 6, 20, 8, 12, 12, 12, 10, 14, 16, 10, 8, 40)
_SUMMARY_WIDTHS = (30, 18, 6, 60)


def excel_rows(findings: Iterable[Finding], marks: dict[str, dict] | None = None) -> list[list[Any]]:
    """One row per finding in EXCEL_COLUMNS order, cells already made safe."""
    rows = []
    for f in findings:
        mark = (marks or {}).get(finding_key(f), {})
        row = [
            f.document,
            f.project,
            f.indicator or "",
            rule_title(f.rule),
            SEVERITY_LABELS.get(f.severity, f.severity),
            f.message,
            evidence_text(f.evidence),
            f.source.file if f.source else "",
            (f.source.line if f.source else None),
            mark.get("status", ""),
            mark.get("remark", ""),
        ]
        rows.append([safe_cell(v) for v in row])
    return rows


def verdict_rows(documents: Sequence[Document], verdicts: Sequence[ProjectVerdict]) -> list[list[Any]]:
    """One row per project in VERDICT_COLUMNS order (its verdict, then its figures as printed), cells made safe.

    Args:
        documents: the documents checked.
        verdicts: `project_verdicts(documents, …)`, one per project in the same order.
    """
    projects: list[Project] = [p for d in documents for p in d.projects]
    rows = []
    for p, v in zip(projects, verdicts, strict=True):
        b, f = p.budget, p.funding
        row = [
            p.name,
            p.document,
            KIND_LABELS.get(p.kind, p.kind),
            v.status,
            v.health if v.health is not None else "",
            v.counts.get("error", 0),
            v.counts.get("warning", 0),
            v.counts.get("info", 0),
            _rules_text(v.rules),
            p.year,
            p.department or "",
            (b.unit if b else f.unit if f else ""),
            b.planned if b else None,
            b.adjusted if b else None,
            b.spent if b else None,
            b.rate if b else None,
            f.total if f else None,
            f.annual_request if f else None,
            p.total_score,
            p.grade or "",
            p.source.cite(),
            "；".join(v.missing),
        ]
        rows.append([safe_cell(c) for c in row])
    return rows


def _fill_sheet(ws: Any, header: Sequence[str], rows: Iterable[list[Any]], widths: Sequence[int]) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        # Control characters (a NUL from a damaged file) cannot be stored in a worksheet: drop them, keep the rest.
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def write_xlsx(
    findings: Iterable[Finding],
    path: str | Path,
    marks: dict[str, dict] | None = None,
    documents: Sequence[Document] | None = None,
    settings: Settings | None = None,
) -> Path:
    """Write the findings as an Excel sheet (问题清单: one row per finding, with its citation); with
    `documents` (the documents checked), also a 项目结论 sheet (one row per project with its verdict).

    Args:
        findings: the findings, in report order.
        path: the .xlsx file to write (its folder must exist).
        marks: reviewer marks by `finding_key`, shown in the 标记/备注 columns.
        documents: the documents the findings are about.
        settings: the verdict weights (the defaults when None).
    Returns:
        The path written.
    """
    from openpyxl import Workbook

    findings = list(findings)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_FINDINGS
    _fill_sheet(ws, EXCEL_COLUMNS, excel_rows(findings, marks), _FINDING_WIDTHS)
    if documents is not None:
        verdicts = project_verdicts(documents, findings, settings)
        _fill_sheet(
            wb.create_sheet(SHEET_VERDICTS),
            VERDICT_COLUMNS,
            verdict_rows(documents, verdicts),
            _VERDICT_WIDTHS,
        )
    out = Path(path)
    wb.save(out)
    return out


def write_report_xlsx(
    documents: Sequence[Document],
    findings: Sequence[Finding],
    path: str | Path,
    marks: dict[str, dict] | None = None,
    settings: Settings | None = None,
    refused: Sequence[RefusedFile] = (),
) -> Path:
    """Write a whole batch: 汇总 (the batch's figures, and what could not be read), 问题清单 (every finding,
    with its citation and mark) and 项目结论 (every project with its verdict, budget, execution rate and
    score).

    Args:
        documents: every document of the batch.
        findings: `run_checks(documents, …)`.
        path: the .xlsx file to write (its folder must exist).
        marks: reviewer marks by `finding_key`.
        settings: the verdict weights (the defaults when None).
        refused: the files that could not be read (`Index.refused()`), listed in 汇总.
    Returns:
        The path written.

    Example:
        write_report_xlsx(index.documents(), run_checks(index.documents()), "批次报告.xlsx", index.marks())
    """
    from openpyxl import Workbook

    verdicts = project_verdicts(documents, findings, settings)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_SUMMARY
    _fill_sheet(
        ws,
        SUMMARY_COLUMNS,
        summary_rows(batch_summary(documents, findings, verdicts, marks, refused)),
        _SUMMARY_WIDTHS,
    )
    _fill_sheet(wb.create_sheet(SHEET_FINDINGS), EXCEL_COLUMNS, excel_rows(findings, marks), _FINDING_WIDTHS)
    _fill_sheet(
        wb.create_sheet(SHEET_VERDICTS), VERDICT_COLUMNS, verdict_rows(documents, verdicts), _VERDICT_WIDTHS
    )
    out = Path(path)
    wb.save(out)
    return out
