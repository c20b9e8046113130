"""The 项目 tab: the project picker, header, funds, goals, indicators and charts of one project."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pandas as pd

from corpus.model import Document, Finding, Indicator, Project
from corpus.settings import Settings
from qa import reading
from qa.labels import KIND_LABELS
from qa.verdict import ProjectVerdict
from ui.format import _table, esc, fmt_number
from ui.verdicts import verdict_line_html

INDICATOR_COLUMNS = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因", "结果"]
VERDICT_LABELS = {"met": "达成", "partly": "部分达成", "unmet": "未达成"}


def project_id(document: Document, position: int) -> str:
    return f"{document.sha256[:16]}:{position}"


def project_choices(documents: Sequence[Document]) -> list[tuple[str, str]]:
    """(label, id) per project; the label names the file when a project name occurs twice."""
    names = [p.name for d in documents for p in d.projects]
    out = []
    for d in documents:
        for i, p in enumerate(d.projects):
            year = f"{p.year}年 " if p.year else ""
            label = f"{p.name}（{year}{KIND_LABELS.get(p.kind, p.kind)}）"
            if names.count(p.name) > 1:
                label += f" · {d.name}"
            if not reading.project_complete(p):
                label += f" · {reading.READ_PARTIAL}"
            out.append((label, project_id(d, i)))
    return out


def find_project(documents: Sequence[Document], pid: str | None) -> Project | None:
    if not pid:
        return None
    sha, _, pos = pid.partition(":")
    for d in documents:
        if d.sha256.startswith(sha) and pos.isdigit() and int(pos) < len(d.projects):
            return d.projects[int(pos)]
    return None


def project_header_html(project: Project, verdict: ProjectVerdict | None = None, checked: bool = False) -> str:
    """Name, kind, year, units and file; 总分 and 等级 of a 自评表; the verdict once the checks have run."""
    bits = [
        f"<h3>{esc(project.name)}</h3>",
        f"<div class='jx-muted'>{esc(KIND_LABELS.get(project.kind, project.kind))} · {esc(project.year or '')}年度 · "
        f"主管部门 {esc(project.department or '—')} · 实施单位 {esc(project.implementer or '—')} · "
        f"{esc(project.document)}</div>",
        reading.coverage_html(project),
    ]
    if project.total_score is not None:
        bits.append(
            f"<div>总分 <b>{esc(fmt_number(project.total_score))}</b> / {esc(fmt_number(project.total_weight))}"
            f" · 评分等级 <b>{esc(project.grade or '—')}</b></div>"
        )
    if verdict is not None or checked:
        bits.append(verdict_line_html(verdict))
    return "".join(bits)


BUDGET_LINE_LABELS = {"total": "年度资金总额", "appropriation": "其中：当年财政拨款", "carryover": "上年结转资金",
                      "other": "其他资金"}


def budget_html(project: Project, settings: Settings) -> str:
    """The 项目资金 block: budget execution (自评表) or funding (申报表)."""
    if project.budget is not None:
        b = project.budget
        headers = ["", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率(%)", "得分"]
        lines = [("年度资金总额", b.planned, b.adjusted, b.spent, b.weight, b.rate, b.score)]
        lines += [
            (BUDGET_LINE_LABELS.get(bl.label, bl.label), bl.planned, bl.adjusted, bl.spent, bl.weight, bl.rate, bl.score)
            for bl in b.lines
        ]
        rows = [[esc(line[0])] + [esc(fmt_number(v)) for v in line[1:]] for line in lines]
        low = b.rate is not None and b.rate < settings.low_execution_rate
        classes = ["jx-unmet" if low else ""] + [""] * (len(rows) - 1)
        return f"<h4>项目资金（{esc(b.unit)}）</h4>" + _table(headers, rows, classes)
    if project.funding is not None:
        f = project.funding
        pairs = [
            ("项目资金总额", f.total), ("财政资金", f.fiscal), ("其他资金", f.other),
            ("年度资金申请总额", f.annual_request), ("当年财政拨款", f.appropriation),
            ("上年结转资金", f.carryover), ("其他（年度）", f.annual_other),
        ]
        rows = [[esc(k), esc(fmt_number(v))] for k, v in pairs if v is not None]
        extra = [("项目性质", f.nature), ("项目类别", f.category), ("计划开始日期", f.start_date),
                 ("计划完成日期", f.end_date)]
        rows += [[esc(k), esc(v)] for k, v in extra if v]
        return f"<h4>项目资金（{esc(f.unit)}）</h4>" + _table(["项目", "金额 / 内容"], rows)
    return "<div class='jx-muted'>该项目没有资金信息。</div>"


def goals_html(project: Project) -> str:
    """Goals beside outcomes (自评表: 预期目标 | 实际完成情况; 申报表: 项目总目标 | 年度总体目标)."""
    g = project.goals
    if project.kind == "self_evaluation":
        left, right = g.expected, g.achieved
        titles = ("预期目标", "实际完成情况")
    else:
        left, right = g.overall, g.annual
        titles = ("项目总目标", "年度总体目标")

    def column(title: str, block: Any) -> str:
        if block is None or not block.text:
            return f"<div class='jx-col'><h4>{title}</h4><div class='jx-muted'>（未填写）</div></div>"
        items = "".join(f"<li>{esc(c.text)}</li>" for c in block.clauses) or f"<li>{esc(block.text)}</li>"
        return f"<div class='jx-col'><h4>{title}</h4><ol>{items}</ol></div>"

    return f"<div class='jx-goals'>{column(titles[0], left)}{column(titles[1], right)}</div>"


def indicator_result(indicator: Indicator) -> str | None:
    """met / partly / unmet, as the rules judge it (None when it cannot be judged)."""
    from qa.checks.base import result

    if indicator.actual is None:
        return None
    return result(indicator)


def indicators_html(project: Project, findings: Sequence[Finding] = ()) -> str:
    """The indicator table; rows short of their target are marked, rows with findings show how many."""
    by_indicator: dict[str, int] = {}
    for f in findings:
        if f.project == project.name and f.document == project.document and f.indicator:
            by_indicator[f.indicator] = by_indicator.get(f.indicator, 0) + 1
    rows, classes = [], []
    self_eval = project.kind == "self_evaluation"
    for ind in project.indicators:
        verdict = indicator_result(ind) if self_eval else None
        label = VERDICT_LABELS.get(verdict or "", "—" if self_eval else "")
        if verdict == "unmet":
            label = "✗ 未达成"
        n = by_indicator.get(ind.name, 0)
        if n:
            label += f"（问题 {n} 条）"
        rows.append(
            [
                esc(ind.level1), esc(ind.level2), esc(ind.name), esc(ind.target.text),
                esc(ind.actual.text if ind.actual else ""), esc(fmt_number(ind.weight) if ind.weight is not None else ""),
                esc(fmt_number(ind.score) if ind.score is not None else ""), esc(ind.note), esc(label),
            ]
        )
        classes.append({"unmet": "jx-unmet", "partly": "jx-partly"}.get(verdict or "", ""))
    headers = INDICATOR_COLUMNS if self_eval else ["一级指标", "二级指标", "三级指标", "年度指标值", "", "分值", "", "", ""]
    if not self_eval:
        keep = [0, 1, 2, 3, 5]
        rows = [[r[i] for i in keep] for r in rows]
        headers = [INDICATOR_COLUMNS[i] for i in keep]
    cov = project.coverage
    unread = cov.indicator_rows_seen - cov.indicator_rows_read if cov is not None else 0
    note = (
        f"<div class='jx-missing'>绩效指标表共 {cov.indicator_rows_seen} 行，另有 {unread} 行未能读取，未列出；"
        "请对照原表核对。</div>" if cov is not None and unread > 0 else ""
    )
    if not rows:
        return (note or "") + "<div class='jx-muted'>该项目没有读出绩效指标。</div>"
    return "<h4>绩效指标</h4>" + _table(headers, rows, classes) + note


def indicator_chart_html(project: Project) -> str:
    """Target beside actual per numeric indicator, as paired bars scaled per row (units differ by row)."""
    rows = []
    skipped = 0
    for ind in project.indicators:
        t = ind.target.value
        a = ind.actual.value if ind.actual is not None else None
        if t is None or a is None:
            skipped += 1
            continue
        top = max(abs(t), abs(a)) or Decimal(1)
        verdict = indicator_result(ind)
        cls = "jx-bar-actual jx-bar-unmet" if verdict == "unmet" else "jx-bar-actual"
        unit = ind.target.unit or (ind.actual.unit if ind.actual else "") or ""
        rows.append(
            f"<div class='jx-chart-row'><div class='jx-chart-name' title='{esc(ind.name)}'>{esc(ind.name)}</div>"
            f"<div class='jx-chart-bars'>"
            f"<div class='jx-bar jx-bar-target' style='width:{float(abs(t) / top * 100):.1f}%'>"
            f"<span>目标 {esc(ind.target.op or '')}{esc(fmt_number(t))}{esc(unit)}</span></div>"
            f"<div class='jx-bar {cls}' style='width:{float(abs(a) / top * 100):.1f}%'>"
            f"<span>实际 {esc(fmt_number(a))}{esc(unit)}</span></div></div></div>"
        )
    if not rows:
        return "<div class='jx-muted'>该项目没有可比较的数值指标。</div>"
    note = f"<div class='jx-muted'>另有 {skipped} 项定性或无实际值的指标未绘制。</div>" if skipped else ""
    legend = ("<div class='jx-legend'><span class='jx-key jx-bar-target'></span>年度指标值 "
              "<span class='jx-key jx-bar-actual'></span>实际完成值 "
              "<span class='jx-key jx-bar-unmet'></span>未达成</div>")
    return f"<h4>年度指标值与实际完成值</h4>{legend}<div class='jx-chart'>{''.join(rows)}</div>{note}"


def execution_frame(projects: Sequence[Project], settings: Settings, width: int = 14) -> pd.DataFrame:
    """执行率 per self-evaluated project, for a bar chart; names shortened but kept unique."""
    rows = []
    seen: set[str] = set()
    for p in projects:
        b = p.budget
        if b is None:
            continue
        rate = b.rate
        if rate is None and b.spent is not None and b.adjusted:
            rate = b.spent / b.adjusted * 100
        if rate is None:
            continue
        short = p.name if len(p.name) <= width else p.name[: width - 1] + "…"
        base, n = short, 2
        while short in seen:
            short, n = f"{base}({n})", n + 1
        seen.add(short)
        status = "低于阈值" if rate < settings.low_execution_rate else "正常"
        rows.append({"项目": short, "执行率": float(rate), "状态": status, "项目全称": p.name})
    return pd.DataFrame(rows, columns=["项目", "执行率", "状态", "项目全称"])
