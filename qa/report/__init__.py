"""Findings and verdicts -> a Chinese text report, JSON, and Excel (问题清单, 项目结论, 汇总).

`common` holds the columns and reviewer words; `json`, `text` and `xlsx` are the three forms; `summary` the
batch figures they all show.
"""

from qa.evidence import evidence_text
from qa.labels import KIND_LABELS, MARK_STATUSES, SEVERITY_LABELS, SEVERITY_ORDER
from qa.report.common import EXCEL_COLUMNS, SUMMARY_COLUMNS, TEXT, VERDICT_COLUMNS, finding_key, safe_cell
from qa.report.json import findings_json, summary_json, verdicts_json
from qa.report.summary import batch_summary, summary_rows
from qa.report.text import summary_text, text_report, verdict_lines
from qa.report.xlsx import excel_rows, verdict_rows, write_report_xlsx, write_xlsx

__all__ = [
    "EXCEL_COLUMNS", "KIND_LABELS", "MARK_STATUSES", "SEVERITY_LABELS", "SEVERITY_ORDER", "SUMMARY_COLUMNS", "TEXT",
    "VERDICT_COLUMNS", "batch_summary", "evidence_text", "excel_rows", "finding_key", "findings_json", "safe_cell",
    "summary_json", "summary_rows", "summary_text", "text_report", "verdict_lines", "verdict_rows", "verdicts_json",
    "write_report_xlsx", "write_xlsx",
]
