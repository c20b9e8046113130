"""Findings and verdicts as a Chinese text report (the CLI prints it)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from corpus.model import Document, Finding, RefusedFile
from corpus.settings import Settings
from qa.labels import KIND_LABELS, SEVERITY_LABELS, SEVERITY_ORDER, rule_title
from qa.report.common import (
    TEXT,
    _cite,
    _counts_text,
    _health_text,
    _num,
    _worst_first,
)
from qa.report.summary import summary_rows
from qa.verdict import (
    ALL_STATUSES,
    STATUS_UNREAD,
    STATUSES,
    DocumentVerdict,
    ProjectVerdict,
    document_verdicts,
    project_verdicts,
)


def verdict_lines(
    projects: Sequence[ProjectVerdict],
    documents: Sequence[DocumentVerdict],
    settings: Settings | None = None,
    refused: Sequence[RefusedFile] = (),
) -> list[str]:
    """The verdict section: per document its status, health and projects by status; per project one line,
    worst first (status, then health); projects not read whole say what is missing; then refused files."""
    weights = "".join(
        f" − {SEVERITY_LABELS.get(sev, sev)}×{_num(Decimal(str(points)))}"
        for sev, points in (settings or Settings()).verdict_weights
        if Decimal(str(points))
    )
    unread = any(v.status == STATUS_UNREAD for v in projects) or any(d.unread_forms for d in documents)
    lines = [
        f"结论（健康分 = 100{weights}，最低 0；文件健康分为其项目的平均值"
        + (TEXT["unread_header"] if unread else "")
        + "）"
    ]
    by_document: dict[str, list[ProjectVerdict]] = {}
    for v in projects:
        by_document.setdefault(v.document, []).append(v)
    for dv in documents:
        shown = [s for s in reversed(ALL_STATUSES) if s in STATUSES or dv.statuses.get(s)]
        by_status = "，".join(f"{status} {dv.statuses.get(status, 0)}" for status in shown)
        forms = TEXT["unread_forms"].format(n=dv.unread_forms) if dv.unread_forms else ""
        lines += [
            "",
            f"【{dv.document}】{KIND_LABELS.get(dv.kind, dv.kind)}：{dv.status}，健康分 {_health_text(dv.health)}"
            + (TEXT["left_out"].format(n=dv.left_out) if dv.left_out else "")
            + f"；项目 {dv.projects} 个（{by_status}）{forms}",
        ]
        for v in sorted(by_document.get(dv.document, []), key=_worst_first):
            counts = _counts_text(v.counts)
            detail = "；".join([*v.missing, counts] if counts else v.missing)
            # Statuses are three to six CJK characters: pad with a full-width space to keep columns.
            lines.append(
                f"  {v.status:　<4} {_health_text(v.health):>5}  {v.project}"
                + (f"（{detail}）" if detail else "")
            )
    if refused:
        lines += ["", TEXT["refused_head"].format(n=len(refused))]
        lines += [TEXT["refused_line"].format(name=r.name, message=r.message) for r in refused]
    return lines


def text_report(
    findings: Sequence[Finding],
    documents: Sequence[Document] | None = None,
    settings: Settings | None = None,
    refused: Sequence[RefusedFile] = (),
) -> str:
    """A report a reviewer reads top to bottom: per document, per project, one numbered line per finding;
    with `documents` (the documents checked), then a verdict per document and project, and the files that
    could not be read (`refused`).

    Example:
        doc = parse_file("自评表.txt")
        print(text_report(run_checks([doc]), documents=[doc]))
    """
    tail: list[str] = []
    if documents is not None:
        projects = project_verdicts(documents, findings, settings)
        tail = ["", *verdict_lines(projects, document_verdicts(documents, projects), settings, refused)]
    elif refused:
        tail = ["", TEXT["refused_head"].format(n=len(refused))]
        tail += [TEXT["refused_line"].format(name=r.name, message=r.message) for r in refused]
    if documents is not None and not any(d.projects for d in documents) and not findings:
        return "\n".join([TEXT["nothing_read"], *tail]) + "\n"
    if not findings:
        return "\n".join(["未发现问题。", *tail]) + "\n"
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
        lines.append(
            f"  {number}. [{SEVERITY_LABELS.get(f.severity, f.severity)}] {rule_title(f.rule)}{where}"
        )
        lines.append(f"     {f.message}")
        if f.source is not None:
            lines.append(f"     出处：{_cite(f.source)}")
        previous = f
    return "\n".join(lines + tail) + "\n"


def summary_text(summary: dict[str, Any]) -> str:
    """The 汇总 figures for a terminal, one `指标：数值 单位（说明）` a line."""
    lines = []
    for label, value, unit, note in summary_rows(summary):
        shown = (
            f"{value:,.2f} {unit}" if unit == "元" else f"{value}{unit}" if unit == "%" else f"{value} {unit}"
        )
        lines.append(f"{label}：{shown}" + (f"（{note}）" if note else ""))
    note = (summary.get("unread") or {}).get("note")
    if note:
        lines.append(note)
    return "\n".join(lines)
