"""The 总览 tab: headline cards, what a chart click filters, and every block for a scope."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from corpus.model import Document, Finding, RefusedFile
from corpus.settings import Settings
from corpus.units import WAN
from qa import reading
from qa.labels import KIND_LABELS, rule_title
from qa.verdict import (
    STATUS_ERRORS,
    STATUS_OK,
    STATUS_REVIEW,
    ProjectVerdict,
    document_verdicts,
    project_verdicts,
)
from ui.charts import (
    execution_bins,
    histogram_html,
    pareto,
    pareto_html,
    ranking_html,
    scatter_html,
    scatter_points,
    unit_ranking,
)
from ui.format import KEY_SEPARATOR, esc, fmt_number, fmt_yuan, funds_yuan, in_scope
from ui.tables import FindingView, filter_choices, filter_findings
from ui.verdicts import verdicts_html

PENDING = "<div class='jx-muted'>正在核查索引中的文档（启动后首次核查需要一两分钟）……</div>"


@dataclass(frozen=True)
class Overview:
    """The headline figures of a set of documents."""

    documents: int
    projects: int
    kinds: dict[str, int]  # projects per kind
    funds: dict[str, Decimal]  # 元 per kind
    unfunded: int  # projects without funds in a known unit
    average_score: Decimal | None  # mean 总分 of the self-evaluated projects that print one
    scored: int
    statuses: dict[str, int] | None  # projects per verdict status; None while the checks run
    findings: int | None
    refused: int = 0  # files not read at all
    partial_files: int = 0  # files read in part
    partial_projects: int = 0  # projects not read whole

    @property
    def unread_files(self) -> int:
        return self.refused + self.partial_files

    @property
    def total_funds(self) -> Decimal:
        return sum(self.funds.values(), Decimal(0))

    @property
    def pass_rate(self) -> Decimal | None:
        """Share of projects 可提交, in percent (one decimal)."""
        if self.statuses is None or not self.projects:
            return None
        return (Decimal(self.statuses.get(STATUS_OK, 0)) * 100 / self.projects).quantize(Decimal("0.1"), ROUND_HALF_UP)


def overview(
    documents: Sequence[Document],
    verdicts: Sequence[ProjectVerdict] | None = None,
    findings: Sequence[Finding] | None = None,
    refused: Sequence[RefusedFile] = (),
) -> Overview:
    """Counts, funds (元), mean 总分, verdict statuses and what was not read of `documents` and the files
    `refused` (all already scoped)."""
    projects = [p for d in documents for p in d.projects]
    kinds: dict[str, int] = {}
    funds: dict[str, Decimal] = {}
    unfunded = 0
    for p in projects:
        kinds[p.kind] = kinds.get(p.kind, 0) + 1
        amount = funds_yuan(p)
        if amount is None:
            unfunded += 1
        else:
            funds[p.kind] = funds.get(p.kind, Decimal(0)) + amount
    state = reading.unread(documents, refused)
    scores = [p.total_score for p in projects if p.kind == "self_evaluation" and p.total_score is not None]
    average = (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01"), ROUND_HALF_UP) if scores else None
    statuses = None
    if verdicts is not None:
        statuses = {STATUS_OK: 0, STATUS_REVIEW: 0, STATUS_ERRORS: 0}
        for v in verdicts:
            statuses[v.status] = statuses.get(v.status, 0) + 1
    return Overview(
        documents=len(documents),
        projects=len(projects),
        kinds=kinds,
        funds=funds,
        unfunded=unfunded,
        average_score=average,
        scored=len(scores),
        statuses=statuses,
        findings=None if findings is None else len(findings),
        refused=len(refused),
        partial_files=len(state.partial_documents),
        partial_projects=state.partial_projects,
    )


def overview_html(ov: Overview) -> str:
    """The headline cards: documents, projects, funds (元 and 万元), mean 总分, pass rate, findings."""
    kinds = "、".join(f"{KIND_LABELS.get(k, k)} {n}" for k, n in ov.kinds.items())
    funds = "<br>".join(f"{esc(KIND_LABELS.get(k, k))}：{esc(fmt_yuan(v))}" for k, v in ov.funds.items())
    if ov.unfunded:
        funds += f"<br>另有 {ov.unfunded} 个项目未填资金或单位不明，未计入"
    pending = "核查中……"
    rate = ov.pass_rate
    statuses = (
        "、".join(f"{s} {n}" for s, n in ov.statuses.items()) if ov.statuses is not None else pending
    )
    unread_parts = "、".join(
        text for text, n in (
            (f"未读取 {ov.refused} 个文件", ov.refused), (f"部分读取 {ov.partial_files} 个文件", ov.partial_files),
            (f"{ov.partial_projects} 个项目未能完整读取", ov.partial_projects),
        ) if n
    )
    cards = [
        ("documents", "文件", str(ov.documents), f"另有 {ov.refused} 个文件未能读取" if ov.refused else ""),
        ("projects", "项目", str(ov.projects), kinds),
        ("funds", "资金合计", f"{(ov.total_funds / WAN).quantize(Decimal('0.01'), ROUND_HALF_UP):,} 万元",
         f"{ov.total_funds.quantize(Decimal('0.01'), ROUND_HALF_UP):,} 元<br>{funds}"),
        ("score", "自评平均总分", fmt_number(ov.average_score) if ov.average_score is not None else "—",
         f"{ov.scored} 个自评项目"),
        ("pass", "可提交比例", f"{rate}%" if rate is not None else pending, statuses),
        ("findings", "问题", str(ov.findings) if ov.findings is not None else pending, ""),
        ("unread", "未完整读取", f"{ov.unread_files} 个文件", unread_parts or "全部文件均已完整读取"),
    ]
    body = "".join(
        f"<div class='jx-card{' jx-card-warn' if key == 'unread' and (ov.unread_files or ov.partial_projects) else ''}'"
        f" id='card-{key}'><div class='jx-card-label'>{esc(label)}</div>"
        f"<div class='jx-card-value'>{esc(value)}</div><div class='jx-card-note'>{note}</div></div>"
        for key, label, value, note in cards
    )
    note = ("<div class='jx-muted'>资金：自评表取全年预算数，申报表取年度资金申请总额（未填则取项目资金总额），"
            "万元与元换算后合计。</div>")
    return f"<div class='jx-cards'>{body}</div>{note}"


@dataclass(frozen=True)
class Pick:
    """The 核查 filters a click on an overview chart stands for, and what to say about it."""

    note: str
    rules: list[str] = field(default_factory=list)
    projects: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    implementers: list[str] = field(default_factory=list)


def pick_filters(kind: str | None, value: str | None, scope: Sequence[str], finding_views: Sequence[FindingView]) -> Pick | None:
    """The filters for a click on an overview chart (kind rule / department / implementer / projects,
    value as the chart's data-value), limited to the overview's scope; None when no finding matches or
    the click names nothing the findings know (a stale page, a forged event)."""
    choices = filter_choices(finding_views)
    documents = [d for d in scope if d in choices["documents"]]
    if scope and not documents:
        return None
    if kind == "projects":
        try:
            wanted = json.loads(value or "[]")
        except ValueError:
            return None
        known = {key for _, key in choices["projects"]}
        keys = [k for k in wanted if isinstance(k, str) and k in known] if isinstance(wanted, list) else []
        names = "、".join(k.split(KEY_SEPARATOR, 1)[1] for k in keys[:3]) + (" 等" if len(keys) > 3 else "")
        pick = Pick(f"项目：{names}", projects=keys, documents=documents)
        if not keys:
            return None
    elif kind == "rule" and value in {slug for _, slug in choices["rules"]}:
        pick = Pick(f"规则：{rule_title(value)}", rules=[value], documents=documents)
    elif kind == "department" and value in choices["departments"]:
        pick = Pick(f"主管部门：{value}", departments=[value], documents=documents)
    elif kind == "implementer" and value in choices["implementers"]:
        pick = Pick(f"实施单位：{value}", implementers=[value], documents=documents)
    else:
        return None
    matched = filter_findings(
        finding_views, None, pick.rules, pick.projects, pick.documents, "全部", pick.departments, pick.implementers
    )
    return pick if matched else None


def pick_html(pick: Pick | None, scope: Sequence[str] = ()) -> str:
    if pick is None:
        return ""
    where = f"（范围：{'、'.join(scope)}）" if scope else "（范围：全部索引）"
    return f"<div class='jx-from'>来自总览：{esc(pick.note)}{esc(where)}</div>"


def overview_parts(
    documents: Sequence[Document],
    finding_views: Sequence[FindingView] | None,
    scope: Sequence[str],
    settings: Settings,
    refused: Sequence[RefusedFile] = (),
) -> dict[str, str]:
    """Every block of the 总览 tab for the documents and refused files in `scope` (all when empty);
    `finding_views` None while the checks run (the blocks that need findings then say so).

    Returns:
        {"counts", "unread", "pareto", "departments", "implementers", "execution", "scatter", "verdicts"} -> HTML.
    """
    from qa.coverage import unread_note

    docs = in_scope(documents, scope)
    names = {d.name for d in docs}
    refused = [r for r in refused if not scope or r.name in scope]
    scoped = None if finding_views is None else [v for v in finding_views if v.finding.document in names]
    findings = None if scoped is None else [v.finding for v in scoped]
    verdicts = None if findings is None else project_verdicts(docs, findings, settings)
    parts = {
        "counts": overview_html(overview(docs, verdicts, findings, refused)),
        "unread": reading.unread_html(reading.unread(docs, refused), unread_note(docs, refused)),
        "execution": histogram_html(execution_bins(docs), settings.low_execution_rate),
        "scatter": scatter_html(scatter_points(docs, verdicts)),
    }
    if scoped is None or verdicts is None:
        return {**parts, "pareto": PENDING, "departments": "", "implementers": "", "verdicts": PENDING}
    return {
        **parts,
        "pareto": pareto_html(pareto(findings or [])),
        "departments": ranking_html("主管部门按问题排序（点击查看其问题）", "department", unit_ranking(scoped, "department")),
        "implementers": ranking_html("实施单位按问题排序（点击查看其问题）", "implementer", unit_ranking(scoped, "implementer")),
        "verdicts": verdicts_html(document_verdicts(docs, verdicts), verdicts),
    }
