"""The figures of a whole batch: documents, projects, money, scores, pass rate, and what was not read."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from corpus.model import Document, Finding, Project, RefusedFile
from corpus.units import WAN, yuan_per
from qa.coverage import coverage_of, part_unread
from qa.labels import KIND_LABELS, MARK_STATUSES, SEVERITY_LABELS, SEVERITY_ORDER, rule_title
from qa.report.common import (
    _FUND_LABELS,
    TEXT,
    finding_key,
    safe_cell,
)
from qa.verdict import (
    ALL_STATUSES,
    STATUS_OK,
    STATUSES,
    ProjectVerdict,
)


def _money_scale(unit: str | None) -> Decimal:
    return yuan_per(unit, Decimal(1))  # type: ignore[return-value]


def _percent(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _wan(yuan: Decimal) -> str:
    """元 as 万元, two decimals as the forms print them (more only when the 元 figure needs them)."""
    wan = yuan / WAN
    return f"{wan:,.2f}" if wan == wan.quantize(Decimal("0.01")) else f"{wan.normalize():,f}"


def _money_total(projects: Sequence[Project], get: Any) -> dict[str, Any]:
    """The sum in 元 of one money figure over the projects that print it, with the units the forms used,
    and how many projects it could not add because their money block was not read whole."""
    total, counted, units, unread = Decimal(0), 0, [], 0
    for p in projects:
        value, unit = get(p)
        if part_unread(p, "money"):
            unread += 1
        if value is None:
            continue
        total += value * _money_scale(unit)
        counted += 1
        if unit not in units:
            units.append(unit)
    return {
        "yuan": total.quantize(Decimal("0.01"), ROUND_HALF_UP),
        "projects": counted,
        "units": units,
        "unread": unread,
    }


def batch_summary(
    documents: Sequence[Document],
    findings: Sequence[Finding],
    verdicts: Sequence[ProjectVerdict],
    marks: dict[str, dict] | None = None,
    refused: Sequence[RefusedFile] = (),
) -> dict[str, Any]:
    """Figures of a whole batch: documents, projects, money (元), mean 自评总分, pass rate, counts, and
    what could not be read (refused files, forms and projects not read whole), which every figure names.

    The pass rate is over the scored projects: a project not read whole (未能完整读取) is left out and
    counted in `pass_rate_left_out`; a money total counts the projects whose money block was not read in
    its `unread`.

    Returns:
        A dict with keys documents, projects, funds, execution_rate, score, pass_rate, pass_rate_left_out,
        statuses, severities, rules, marks and unread (Decimals as Decimals; `summary_rows` turns it into
        rows, `_exact` into JSON).
    """
    projects = [p for d in documents for p in d.projects]
    self_eval = [p for p in projects if p.kind == "self_evaluation"]
    declared = [p for p in projects if p.kind == "declaration"]

    funds = _funds(self_eval, declared)
    both = [p for p in self_eval if p.budget and p.budget.adjusted is not None and p.budget.spent is not None]
    spent = sum((p.budget.spent * _money_scale(p.budget.unit) for p in both if p.budget), Decimal(0))
    adjusted = sum((p.budget.adjusted * _money_scale(p.budget.unit) for p in both if p.budget), Decimal(0))
    scores = [p.total_score for p in self_eval if p.total_score is not None]
    statuses = Counter(v.status for v in verdicts)
    scored = [v for v in verdicts if v.health is not None]
    marked = Counter((marks or {}).get(finding_key(f), {}).get("status", "") for f in findings)
    coverage = coverage_of(documents, refused)
    return {
        "documents": {
            "total": len(documents),
            **{kind: sum(1 for d in documents if d.kind == kind) for kind in KIND_LABELS},
        },
        "projects": {"total": len(projects), "self_evaluation": len(self_eval), "declaration": len(declared)},
        "funds": funds,
        "execution_rate": {
            "percent": _percent(spent, adjusted),
            "projects": len(both),
            "unread": sum(1 for p in self_eval if part_unread(p, "money")),
        },
        "score": {
            "mean": (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01"), ROUND_HALF_UP)
            if scores
            else None,
            "projects": len(scores),
        },
        "pass_rate": _percent(statuses[STATUS_OK], len(scored)),
        "pass_rate_left_out": len(verdicts) - len(scored),
        "statuses": {
            status: statuses[status]
            for status in reversed(ALL_STATUSES)
            if status in STATUSES or statuses[status]
        },
        "severities": {sev: sum(1 for f in findings if f.severity == sev) for sev in SEVERITY_ORDER},
        "rules": dict(sorted(Counter(f.rule for f in findings).items(), key=lambda kv: (-kv[1], kv[0]))),
        "marks": {
            **{status: marked[status] for status in MARK_STATUSES},
            "未标记": len(findings) - sum(marked[status] for status in MARK_STATUSES),
        },
        "unread": {
            "projects": [
                {"document": u.document, "project": u.project, "missing": list(u.missing)}
                for u in coverage.projects
            ],
            "forms": [{"document": name, "forms": n} for name, n in coverage.forms],
            "refused": [
                {"path": r.path, "name": r.name, "reason": r.reason, "message": r.message} for r in refused
            ],
            "note": coverage.note(),
        },
    }


def _funds(self_eval: list[Project], declared: list[Project]) -> dict[str, dict[str, Any]]:
    """Money totals (元) of the self-evaluations' budgets and the declarations' funding."""

    def budget(name: str) -> Any:
        return lambda p: (getattr(p.budget, name), p.budget.unit) if p.budget else (None, None)

    def funding(name: str) -> Any:
        return lambda p: (getattr(p.funding, name), p.funding.unit) if p.funding else (None, None)

    return {
        "self_evaluation": {
            name: _money_total(self_eval, budget(name)) for name in ("planned", "adjusted", "spent")
        },
        "declaration": {name: _money_total(declared, funding(name)) for name in ("total", "annual_request")},
    }


def summary_rows(summary: dict[str, Any]) -> list[list[Any]]:
    """The 汇总 sheet: one figure a row, in SUMMARY_COLUMNS order (指标, 数值, 单位, 说明)."""
    docs, projects = summary["documents"], summary["projects"]
    by_kind = "，".join(f"{label} {docs[kind]} 个" for kind, label in KIND_LABELS.items())
    rows: list[list[Any]] = [
        ["文件数", docs["total"], "个", by_kind],
        [
            "项目数",
            projects["total"],
            "个",
            "，".join(f"{label} {projects[k]} 个" for k, label in KIND_LABELS.items()),
        ],
    ]
    for kind, figures in summary["funds"].items():
        for name, total in figures.items():
            if not total["projects"]:
                continue
            note = f"{total['projects']} 个项目；原表单位 {'、'.join(total['units'])}"
            if "万元" in total["units"]:
                note = f"合 {_wan(total['yuan'])} 万元；{note}"
            if total.get("unread"):
                note += TEXT["funds_unread"].format(n=total["unread"])
            rows.append([_FUND_LABELS[kind, name], total["yuan"], "元", note])
    rate = summary["execution_rate"]
    if rate["percent"] is not None:
        rows.append(
            [
                "自评表 总体预算执行率",
                rate["percent"],
                "%",
                f"全年执行数合计 ÷ 全年预算数合计，{rate['projects']} 个项目"
                + (TEXT["rate_unread"].format(n=rate["unread"]) if rate.get("unread") else ""),
            ]
        )
    score = summary["score"]
    if score["mean"] is not None:
        rows.append(["自评表 平均自评总分", score["mean"], "分", f"{score['projects']} 个项目的总分平均值"])
    left_out = summary.get("pass_rate_left_out", 0)
    if summary["pass_rate"] is not None or left_out:
        note = TEXT["pass_rate_note"] + (TEXT["pass_rate_unread"].format(n=left_out) if left_out else "")
        rows.append(
            ["可提交率", summary["pass_rate"] if summary["pass_rate"] is not None else "—", "%", note]
        )
    rows += [[f"项目 {status}", n, "个", ""] for status, n in summary["statuses"].items()]
    rows += [[f"问题 {SEVERITY_LABELS[sev]}", n, "条", ""] for sev, n in summary["severities"].items()]
    rows += [[f"规则 {rule_title(rule)}", n, "条", ""] for rule, n in summary["rules"].items()]
    rows += [[f"标记 {status}", n, "条", ""] for status, n in summary["marks"].items()]
    unread = summary.get("unread") or {}
    if unread.get("refused"):
        names = "；".join(f"{r['name']}（{r['message']}）" for r in unread["refused"])
        rows.append([TEXT["refused_files"], len(unread["refused"]), "个", names])
    if unread.get("forms"):
        names = "、".join(f"{f['document']} {f['forms']} 张" for f in unread["forms"])
        rows.append([TEXT["unread_forms_row"], sum(f["forms"] for f in unread["forms"]), "张", names])
    if unread.get("projects"):
        names = "；".join(
            f"{u['project']}（{u['document']}：{'、'.join(u['missing'])}）" for u in unread["projects"]
        )
        rows.append([TEXT["unread_projects"], len(unread["projects"]), "个", names])
    return [[safe_cell(c) for c in row] for row in rows]
