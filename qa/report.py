"""Findings -> a Chinese text report grouped by project, JSON, and an Excel sheet with one row per finding."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from corpus.model import Finding, Source, to_jsonable

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_ORDER = ("error", "warning", "info")
EXCEL_COLUMNS = ("文档", "项目", "指标", "规则", "级别", "问题", "依据", "文件", "行", "标记", "备注")
# Evidence fields that tell apart two findings of one rule on one row (two missing categories, …).
_DISCRIMINATORS = ("missing", "field", "line", "part", "where", "goal_clause", "goal")
# A cell starting with one of these is a formula to Excel (and to LibreOffice, with tab and CR).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def finding_key(finding: Finding) -> str:
    """A stable key for a finding: the same issue on the same row keeps its key from run to run.

    Reviewer marks (已核实 / 忽略) are stored under this key, so it leaves out the message wording.
    """
    source = finding.source
    discriminator = next((str(finding.evidence[k]) for k in _DISCRIMINATORS if k in finding.evidence), "")
    parts = [
        finding.rule,
        finding.document,
        finding.project,
        finding.indicator or "",
        str(source.line) if source else "",
        discriminator,
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def findings_json(findings: Iterable[Finding], marks: dict[str, dict] | None = None) -> dict[str, Any]:
    """`{"findings": [...]}`: each finding as plain JSON with its `key` (and the reviewer's mark, if any)."""
    out = []
    for f in findings:
        item = to_jsonable(f)
        key = finding_key(f)
        item["key"] = key
        if marks and key in marks:
            item["mark"] = {"status": marks[key].get("status", ""), "remark": marks[key].get("remark", "")}
        out.append(item)
    return {"findings": out}


def evidence_text(evidence: dict[str, Any]) -> str:
    """`target=≥20.00(份)；actual=5.00(份)` — the figures a finding compared, on one line."""
    parts = []
    for key, value in evidence.items():
        if value is None or value == "" or value == []:
            continue
        if isinstance(value, (list, tuple)):
            value = "、".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = "、".join(f"{k} {v}" for k, v in value.items())
        parts.append(f"{key}={value}")
    return "；".join(parts)


def _cite(source: Source | None) -> str:
    return source.cite() if source is not None else ""


def text_report(findings: Sequence[Finding]) -> str:
    """A report a reviewer reads top to bottom: per document, per project, one numbered line per finding.

    Example:
        print(text_report(run_checks([parse_file("自评表.txt")])))
    """
    if not findings:
        return "未发现问题。\n"
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITY_ORDER}
    summary = "，".join(f"{SEVERITY_LABELS[s]} {n} 条" for s, n in counts.items() if n)
    per_project = Counter((f.document, f.project) for f in findings)
    lines = [f"核查结果：共 {len(findings)} 条（{summary}）"]
    previous: Finding | None = None
    for number, f in enumerate(findings, start=1):
        if previous is None or f.document != previous.document:
            lines += ["", f"【{f.document}】"]
        if previous is None or (f.document, f.project) != (previous.document, previous.project):
            lines += ["", f"■ {f.project}（{per_project[f.document, f.project]} 条）"]
        where = f" 「{f.indicator}」" if f.indicator else ""
        lines.append(f"  {number}. [{SEVERITY_LABELS.get(f.severity, f.severity)}] {f.rule}{where}")
        lines.append(f"     {f.message}")
        if f.source is not None:
            lines.append(f"     出处：{_cite(f.source)}")
        previous = f
    return "\n".join(lines) + "\n"


def safe_cell(value: Any) -> Any:
    """A value Excel shows as typed: text that would start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def excel_rows(findings: Iterable[Finding], marks: dict[str, dict] | None = None) -> list[list[Any]]:
    """One row per finding in EXCEL_COLUMNS order, cells already made safe."""
    rows = []
    for f in findings:
        mark = (marks or {}).get(finding_key(f), {})
        row = [
            f.document,
            f.project,
            f.indicator or "",
            f.rule,
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


def write_xlsx(findings: Iterable[Finding], path: str | Path, marks: dict[str, dict] | None = None) -> Path:
    """Write the findings as an Excel sheet (one row per finding, with its citation).

    Args:
        findings: the findings, in report order.
        path: the .xlsx file to write (its folder must exist).
        marks: reviewer marks by `finding_key`, shown in the 标记/备注 columns.
    Returns:
        The path written.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "核查结果"
    ws.append(list(EXCEL_COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in excel_rows(findings, marks):
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    widths = (28, 30, 28, 26, 6, 70, 50, 28, 6, 8, 20)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    out = Path(path)
    wb.save(out)
    return out
