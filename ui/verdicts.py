"""Verdict tables and badges: per file, per project, in the 项目 header and above the 核查 table."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal

from corpus.model import Document
from qa.labels import KIND_LABELS, rule_title
from qa.report import SEVERITY_LABELS, SEVERITY_ORDER
from qa.verdict import DocumentVerdict, ProjectVerdict
from ui.charts import STATUS_CLASSES, STATUS_RANK, _pick
from ui.format import UNIT_MISSING, _table, esc, fmt_number, project_key


def status_badge(status: str) -> str:
    return f"<span class='jx-status {STATUS_CLASSES.get(status, '')}'>{esc(status)}</span>"


def verdicts_html(documents: Sequence[DocumentVerdict], projects: Sequence[ProjectVerdict], limit: int | None = None) -> str:
    """The verdict tables: per document, then per project (worst first); a project row filters the findings."""
    doc_rows = [
        [esc(d.document), esc(KIND_LABELS.get(d.kind, d.kind)), esc(d.projects), esc(fmt_number(d.health)),
         status_badge(d.status), *(esc(d.statuses.get(s, 0)) for s in STATUS_RANK),
         *(esc(d.counts.get(s, 0)) for s in SEVERITY_ORDER)]
        for d in documents
    ]
    doc_head = ["文件", "类型", "项目数", "健康分", "结论", *STATUS_RANK, *(SEVERITY_LABELS[s] for s in SEVERITY_ORDER)]
    ordered = sorted(
        projects, key=lambda v: (-STATUS_RANK.get(v.status, 0), v.health if v.health is not None else Decimal(-1))
    )
    shown = ordered if limit is None else ordered[:limit]
    head = "".join(f"<th>{h}</th>" for h in ["项目", "文件", "健康分", "结论",
                                              *(SEVERITY_LABELS[s] for s in SEVERITY_ORDER), "主要规则"])
    body = []
    for v in shown:
        key = json.dumps([project_key(v.document, v.project)], ensure_ascii=False)
        rules = "、".join(f"{rule_title(r)} {n}" for r, n in sorted(v.rules.items(), key=lambda kv: (-kv[1], kv[0]))[:3])
        cells = [esc(v.project), esc(v.document), esc(fmt_number(v.health)), status_badge(v.status),
                 *(esc(v.counts.get(s, 0)) for s in SEVERITY_ORDER), esc(rules)]
        body.append(f"<tr {_pick('projects', key, v.project)}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    more = f"<div class='jx-muted'>另有 {len(ordered) - len(shown)} 个项目未列出。</div>" if len(shown) < len(ordered) else ""
    table = (f"<table class='jx-table jx-verdicts'><thead><tr>{head}</tr></thead>"
             f"<tbody>{''.join(body)}</tbody></table>")
    return (
        (f"<h4>文件结论（{len(doc_rows)} 个）</h4>" + _table(doc_head, doc_rows) if documents else "")
        + f"<h4>项目结论（{len(projects)} 个，问题多的在前；点击一行查看其问题）</h4>{table}{more}"
        + "<div class='jx-muted'>健康分 = 100 − 每条问题的扣分（错误、警告、提示各扣若干分）；"
        "有错误为“存在问题”，只有警告为“建议复核”，否则“可提交”；资金表或绩效指标表未能完整读取的项目为"
        "“未能完整读取”，不计健康分。</div>"
    )


def verdict_line_html(verdict: ProjectVerdict | None) -> str:
    """The project's status and health for the 项目 tab's header."""
    if verdict is None:
        return "<div class='jx-muted'>结论：核查中……</div>"
    counts = "、".join(f"{SEVERITY_LABELS[s]} {verdict.counts.get(s, 0)}" for s in SEVERITY_ORDER)
    if verdict.health is None:
        missing = "；".join(verdict.missing)
        return (f"<div class='jx-verdict'>结论 {status_badge(verdict.status)} 不计健康分"
                f"{'（未能读取：' + esc(missing) + '）' if missing else ''}；已读出部分的问题：{esc(counts)}</div>")
    return (f"<div class='jx-verdict'>结论 {status_badge(verdict.status)} 健康分 <b>{esc(fmt_number(verdict.health))}</b>"
            f"（{esc(counts)}）</div>")


def verdicts_for_filters(
    documents: Sequence[Document],
    verdicts: Sequence[ProjectVerdict],
    projects: Sequence[str] | None = None,
    files: Sequence[str] | None = None,
    departments: Sequence[str] | None = None,
    implementers: Sequence[str] | None = None,
) -> list[ProjectVerdict]:
    """The verdicts of the projects the 核查 filters on project, file and unit let through."""
    units = {
        project_key(d.name, p.name): (p.department or UNIT_MISSING, p.implementer or UNIT_MISSING)
        for d in documents
        for p in d.projects
    }
    out = []
    for v in verdicts:
        key = project_key(v.document, v.project)
        department, implementer = units.get(key, (UNIT_MISSING, UNIT_MISSING))
        if projects and key not in projects:
            continue
        if files and v.document not in files:
            continue
        if departments and department not in departments:
            continue
        if implementers and implementer not in implementers:
            continue
        out.append(v)
    return out


def check_verdicts_html(verdicts: Sequence[ProjectVerdict], limit: int = 200) -> str:
    """The per-project verdicts shown above the 核查 table (worst first)."""
    if not verdicts:
        return "<div class='jx-muted'>当前筛选下没有项目。</div>"
    counts = {s: sum(1 for v in verdicts if v.status == s) for s in STATUS_RANK}
    head = "、".join(f"{s} {n}" for s, n in counts.items())
    return f"<div class='jx-summary'>{len(verdicts)} 个项目：{esc(head)}</div>" + verdicts_html([], verdicts, limit)
