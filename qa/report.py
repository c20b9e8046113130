"""Findings and verdicts -> a Chinese text report, JSON, and Excel (问题清单, 项目结论, 汇总)."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from corpus.model import Document, Finding, Project, RefusedFile, Source, to_jsonable
from corpus.settings import Settings
from qa.coverage import coverage_of, part_unread
from qa.verdict import (
    ALL_STATUSES,
    STATUS_OK,
    STATUS_UNREAD,
    STATUSES,
    DocumentVerdict,
    ProjectVerdict,
    document_verdicts,
    project_verdicts,
    status_rank,
)

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_ORDER = ("error", "warning", "info")
KIND_LABELS = {"self_evaluation": "绩效自评表", "declaration": "绩效目标申报表"}
EXCEL_COLUMNS = ("文档", "项目", "指标", "规则", "级别", "问题", "依据", "文件", "行", "标记", "备注")
VERDICT_COLUMNS = (
    "项目", "文件", "类型", "状态", "健康分", "错误", "警告", "提示", "问题规则",
    "年度", "主管部门", "金额单位", "年初预算数", "全年预算数", "全年执行数", "执行率(%)",
    "项目资金总额", "年度资金申请总额", "自评总分", "评分等级", "出处", "未能读取",
)  # fmt: skip
SUMMARY_COLUMNS = ("指标", "数值", "单位", "说明")
SHEET_SUMMARY, SHEET_FINDINGS, SHEET_VERDICTS = "汇总", "问题清单", "项目结论"
MARK_STATUSES = ("已核实", "忽略")
# Evidence fields that tell apart two findings of one rule on one row (two missing categories, …).
_DISCRIMINATORS = ("missing", "field", "line", "part", "where", "goal_clause", "goal")
# A cell starting with one of these is a formula to Excel (and to LibreOffice, with tab and CR).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Reviewer-facing words about what was not read, in one place.
TEXT = {
    "no_health": "—",
    "left_out": "（另有 {n} 个项目未能完整读取，未评分、未计入）",
    "unread_forms": "；另有 {n} 张绩效表未能读取",
    "unread_header": "；未能完整读取的项目不评分，不计入文件健康分",
    "refused_head": "未能读取的文件（{n} 个，未核查）：",
    "refused_line": "  {name}：{message}",
    "funds_unread": "；另有 {n} 个项目的资金未能读取，未计入",
    "pass_rate_note": "状态为“可提交”、既无错误也无警告的项目所占比例",
    "pass_rate_unread": "；另有 {n} 个项目未能完整读取，不计入",
    "rate_unread": "；另有 {n} 个项目的资金未能读取，未计入",
    "unread_projects": "未能完整读取的项目",
    "refused_files": "未能读取的文件",
    "unread_forms_row": "未能读取的绩效表",
    "nothing_read": "没有读出任何项目，无法核查。",
}


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


def findings_json(
    findings: Iterable[Finding],
    marks: dict[str, dict] | None = None,
    documents: Sequence[Document] | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """`{"findings": [...]}`: each finding as plain JSON with its `key` (and the reviewer's mark, if any).

    With `documents` (the documents checked), also `"verdicts": {"projects": [...], "documents": [...]}`,
    health scores as strings ("94.0") so that they read back digit for digit.
    """
    findings = list(findings)
    out = []
    for f in findings:
        item = to_jsonable(f)
        key = finding_key(f)
        item["key"] = key
        if marks and key in marks:
            item["mark"] = {"status": marks[key].get("status", ""), "remark": marks[key].get("remark", "")}
        out.append(item)
    result: dict[str, Any] = {"findings": out}
    if documents is not None:
        projects = project_verdicts(documents, findings, settings)
        result["verdicts"] = verdicts_json(projects, document_verdicts(documents, projects))
    return result


def _exact(obj: Any) -> Any:
    """Plain JSON with Decimals as strings."""
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, dict):
        return {str(k): _exact(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_exact(v) for v in obj]
    return obj


def verdicts_json(projects: Sequence[ProjectVerdict], documents: Sequence[DocumentVerdict]) -> dict[str, Any]:
    """`{"projects": [...], "documents": [...]}`, each verdict with its fields; health as a string."""
    return {
        "projects": [
            _exact(
                {
                    "document": v.document,
                    "project": v.project,
                    "kind": v.kind,
                    "status": v.status,
                    "health": v.health,
                    "findings": v.findings,
                    "counts": v.counts,
                    "rules": v.rules,
                    "missing": list(v.missing),
                }
            )
            for v in projects
        ],
        "documents": [
            _exact(
                {
                    "document": v.document,
                    "kind": v.kind,
                    "status": v.status,
                    "health": v.health,
                    "projects": v.projects,
                    "counts": v.counts,
                    "statuses": v.statuses,
                    "left_out": v.left_out,
                    "unread_forms": v.unread_forms,
                }
            )
            for v in documents
        ],
    }


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


def _num(value: Decimal) -> str:
    """A figure without exponent or trailing zeros: 10, 2.5."""
    return format(value.normalize(), "f")


def _counts_text(counts: dict[str, int]) -> str:
    return "，".join(f"{SEVERITY_LABELS.get(s, s)} {n}" for s, n in counts.items() if n)


def _health_text(health: Decimal | None) -> str:
    return TEXT["no_health"] if health is None else str(health)


def _worst_first(v: ProjectVerdict) -> tuple[int, Decimal]:
    return (-status_rank(v.status), v.health if v.health is not None else Decimal(-1))


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
                f"  {v.status:　<4} {_health_text(v.health):>5}  {v.project}" + (f"（{detail}）" if detail else "")
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
        lines.append(f"  {number}. [{SEVERITY_LABELS.get(f.severity, f.severity)}] {f.rule}{where}")
        lines.append(f"     {f.message}")
        if f.source is not None:
            lines.append(f"     出处：{_cite(f.source)}")
        previous = f
    return "\n".join(lines + tail) + "\n"


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


def _rules_text(rules: dict[str, int]) -> str:
    return "、".join(f"{rule} {n}" for rule, n in sorted(rules.items(), key=lambda kv: (-kv[1], kv[0])))


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


def _money_scale(unit: str | None) -> Decimal:
    from qa.ask import vocabulary  # the one table of money units (万元, 亿元, 元)

    return Decimal(vocabulary()["money_units"].get(unit or "", 1))


def _percent(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _wan(yuan: Decimal) -> str:
    """元 as 万元, two decimals as the forms print them (more only when the 元 figure needs them)."""
    wan = yuan / 10000
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

    def budget(name: str) -> Any:
        return lambda p: (getattr(p.budget, name), p.budget.unit) if p.budget else (None, None)

    def funding(name: str) -> Any:
        return lambda p: (getattr(p.funding, name), p.funding.unit) if p.funding else (None, None)

    funds = {
        "self_evaluation": {
            name: _money_total(self_eval, budget(name)) for name in ("planned", "adjusted", "spent")
        },
        "declaration": {name: _money_total(declared, funding(name)) for name in ("total", "annual_request")},
    }
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
            status: statuses[status] for status in reversed(ALL_STATUSES) if status in STATUSES or statuses[status]
        },
        "severities": {sev: sum(1 for f in findings if f.severity == sev) for sev in SEVERITY_ORDER},
        "rules": dict(sorted(Counter(f.rule for f in findings).items(), key=lambda kv: (-kv[1], kv[0]))),
        "marks": {
            **{status: marked[status] for status in MARK_STATUSES},
            "未标记": len(findings) - sum(marked[status] for status in MARK_STATUSES),
        },
        "unread": {
            "projects": [
                {"document": u.document, "project": u.project, "missing": list(u.missing)} for u in coverage.projects
            ],
            "forms": [{"document": name, "forms": n} for name, n in coverage.forms],
            "refused": [{"path": r.path, "name": r.name, "reason": r.reason, "message": r.message} for r in refused],
            "note": coverage.note(),
        },
    }


_FUND_LABELS = {
    ("self_evaluation", "planned"): "自评表 年初预算数合计",
    ("self_evaluation", "adjusted"): "自评表 全年预算数合计",
    ("self_evaluation", "spent"): "自评表 全年执行数合计",
    ("declaration", "total"): "申报表 项目资金总额合计",
    ("declaration", "annual_request"): "申报表 年度资金申请总额合计",
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
        rows.append(["可提交率", summary["pass_rate"] if summary["pass_rate"] is not None else "—", "%", note])
    rows += [[f"项目 {status}", n, "个", ""] for status, n in summary["statuses"].items()]
    rows += [[f"问题 {SEVERITY_LABELS[sev]}", n, "条", ""] for sev, n in summary["severities"].items()]
    rows += [[f"规则 {rule}", n, "条", ""] for rule, n in summary["rules"].items()]
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


def summary_json(summary: dict[str, Any]) -> dict[str, Any]:
    """The summary as plain JSON, Decimals as strings."""
    return _exact(summary)


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


_FINDING_WIDTHS = (28, 30, 28, 26, 6, 70, 50, 28, 6, 8, 20)
_VERDICT_WIDTHS = (30, 28, 14, 10, 8, 6, 6, 6, 40, 6, 20, 8, 12, 12, 12, 10, 14, 16, 10, 8, 40)
_SUMMARY_WIDTHS = (30, 18, 6, 60)


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
