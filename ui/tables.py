"""The 核查 tab's findings: evidence in words, filters, the table's rows, the picker and the detail."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from corpus.model import Document, Finding, Source
from qa.evidence import EVIDENCE_LABELS, evidence_text  # noqa: F401 - the one renderer, re-exported
from qa.labels import MARK_STATUSES, rule_description, rule_title
from qa.report import SEVERITY_LABELS, SEVERITY_ORDER
from ui.format import UNIT_MISSING, esc, project_key, severity_label

FINDING_COLUMNS = ["序号", "级别", "项目", "指标", "问题", "证据", "标记", "备注", "规则", "出处", "原文"]
FINDING_WIDTHS = ["56px", "60px", "170px", "150px", "340px", "220px", "76px", "140px", "170px", "220px", "360px"]


@dataclass(frozen=True)
class FindingView:
    """A finding as the review table shows it: the finding, its stable key and the reviewer's mark."""

    number: int
    key: str
    finding: Finding
    status: str = ""
    remark: str = ""
    department: str = ""  # 主管部门 of the project the finding is about
    implementer: str = ""  # 实施单位


def cite(source: Source | None) -> str:
    return source.cite() if source is not None else ""


def row_text(source: Source | None, limit: int = 400) -> str:
    """The cited row as the file has it (cells joined by │), shortened for a table cell."""
    if source is None or not source.text:
        return ""
    text = " │ ".join(c.strip() for c in source.text.replace("\n", "\t").split("\t") if c.strip())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def finding_units(documents: Sequence[Document]) -> Callable[[Finding], tuple[str, str]]:
    """finding -> (主管部门, 实施单位) of the project it is about; a finding about a document as a whole
    takes its document's units when all of its projects share them (else "")."""
    by_project: dict[tuple[str, str], tuple[str, str]] = {}
    by_document: dict[str, tuple[str, str]] = {}
    for d in documents:
        pairs = {(p.department or "", p.implementer or "") for p in d.projects}
        for p in d.projects:
            by_project.setdefault((d.name, p.name), (p.department or "", p.implementer or ""))
        depts = {a for a, _ in pairs}
        impls = {b for _, b in pairs}
        by_document[d.name] = (depts.pop() if len(depts) == 1 else "", impls.pop() if len(impls) == 1 else "")

    def units(f: Finding) -> tuple[str, str]:
        return by_project.get((f.document, f.project)) or by_document.get(f.document, ("", ""))

    return units


def filter_findings(
    views: Iterable[FindingView],
    severities: Sequence[str] | None = None,
    rules: Sequence[str] | None = None,
    projects: Sequence[str] | None = None,
    documents: Sequence[str] | None = None,
    status: str = "全部",
    departments: Sequence[str] | None = None,
    implementers: Sequence[str] | None = None,
) -> list[FindingView]:
    """The views that pass every filter given; an empty filter lets everything through.

    `projects` holds `project_key`s; `departments` / `implementers` hold unit names, UNIT_MISSING for none.
    """
    out = []
    for v in views:
        f = v.finding
        if severities and f.severity not in severities:
            continue
        if rules and f.rule not in rules:
            continue
        if projects and project_key(f.document, f.project) not in projects:
            continue
        if documents and f.document not in documents:
            continue
        if departments and (v.department or UNIT_MISSING) not in departments:
            continue
        if implementers and (v.implementer or UNIT_MISSING) not in implementers:
            continue
        if status == "未标记" and v.status:
            continue
        if status in MARK_STATUSES and v.status != status:
            continue
        out.append(v)
    return out


def findings_frame(views: Sequence[FindingView]) -> pd.DataFrame:
    """One row per finding: what it says, its evidence, where it is and the reviewer's mark (text only)."""
    rows = [
        [
            str(v.number),
            severity_label(v.finding.severity),
            v.finding.project,
            v.finding.indicator or "",
            v.finding.message,
            evidence_text(v.finding.evidence),
            v.status,
            v.remark,
            rule_title(v.finding.rule),
            cite(v.finding.source),
            row_text(v.finding.source),
        ]
        for v in views
    ]
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


PLAIN_FINDING_COLUMNS = [c for c in FINDING_COLUMNS if c not in ("标记", "备注")]
PLAIN_FINDING_WIDTHS = [w for c, w in zip(FINDING_COLUMNS, FINDING_WIDTHS, strict=True) if c in PLAIN_FINDING_COLUMNS]


def plain_findings_frame(findings: Sequence[Finding]) -> pd.DataFrame:
    """Findings of a pre-check or an import: the same columns without marks."""
    frame = findings_frame([FindingView(n, "", f) for n, f in enumerate(findings, 1)])
    return frame[PLAIN_FINDING_COLUMNS]


def filter_choices(views: Sequence[FindingView]) -> dict[str, list]:
    """The values each filter can take, in first-seen order; projects as (label, project_key), the label
    naming the file when a project name occurs in more than one."""
    pairs = list(dict.fromkeys((v.finding.document, v.finding.project) for v in views))
    files_of: dict[str, set[str]] = {}
    for document, project in pairs:
        files_of.setdefault(project, set()).add(document)
    return {
        "rules": [(rule_title(r), r) for r in dict.fromkeys(v.finding.rule for v in views)],
        "projects": [
            (project if len(files_of[project]) == 1 else f"{project} · {document}", project_key(document, project))
            for document, project in pairs
        ],
        "documents": list(dict.fromkeys(v.finding.document for v in views)),
        "departments": list(dict.fromkeys(v.department or UNIT_MISSING for v in views)),
        "implementers": list(dict.fromkeys(v.implementer or UNIT_MISSING for v in views)),
    }


def finding_choice(view: FindingView) -> tuple[str, str]:
    """(label, key) for the mark picker."""
    f = view.finding
    what = f.indicator or rule_title(f.rule)
    mark = f"【{view.status}】" if view.status else ""
    return f"{view.number}. {mark}[{severity_label(f.severity)}] {f.project} · {what}", view.key


def finding_summary(all_views: Sequence[FindingView], shown: Sequence[FindingView]) -> str:
    """`共 12 条问题，显示 5 条：错误 3、警告 2；已核实 1、忽略 0` (escaped HTML)."""
    counts = {s: sum(1 for v in shown if v.finding.severity == s) for s in SEVERITY_ORDER}
    marked = {s: sum(1 for v in all_views if v.status == s) for s in MARK_STATUSES}
    parts = "、".join(f"{SEVERITY_LABELS[s]} {n}" for s, n in counts.items() if n)
    marks = "、".join(f"{s} {n}" for s, n in marked.items())
    return (
        f'<div class="jx-summary">共 {len(all_views)} 条问题，当前显示 {len(shown)} 条'
        f"{'：' + esc(parts) if parts else ''}；{esc(marks)}</div>"
    )


def finding_detail_html(view: FindingView | None, crop: str = "") -> str:
    """A finding in full: its rule by name and what the rule checks, where it is, its message, evidence and row
    (and `crop`, the page image the row was read from when it was OCR'd: ui.ocr_view.source_crop)."""
    if view is None:
        return '<div class="jx-muted">在上表点击一行，或在下拉框中选择一条问题。</div>'
    f = view.finding
    status = f"<span class='jx-mark'>{esc(view.status)}</span> {esc(view.remark)}" if view.status else "未标记"
    return (
        f'<div class="jx-detail"><div><span class="jx-sev jx-sev-{esc(f.severity)}">{esc(severity_label(f.severity))}'
        f"</span> <b>{esc(rule_title(f.rule))}</b></div>"
        f"<div class='jx-muted jx-rule-doc'>{esc(rule_description(f.rule))}</div>"
        f"<div>{esc(f.project)} · {esc(f.indicator or '')}（{esc(cite(f.source))}）</div>"
        f"<div class='jx-message'>{esc(f.message)}</div>"
        f"<div class='jx-evidence'>证据：{esc(evidence_text(f.evidence)) or '—'}</div>"
        f"<pre class='jx-row'>{esc(f.source.text if f.source else '')}</pre>{crop}"
        f"<div>当前标记：{status}</div></div>"
    )
