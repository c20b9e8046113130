"""total-blank: 「年度资金总额的全年预算数为空，其中各项合计 120.00 万元」— a total row left blank or 0 while its parts are not.

Source: the money block of the official templates — 项目支出绩效自评表 (财预〔2020〕10号): 年度资金总额 with its
其中 rows 当年财政拨款 / 上年结转资金 / 其他资金; 项目支出绩效目标申报表 (财预〔2015〕88号 and the provincial forms):
项目资金总额 = 财政资金 + 其他资金, 年度资金申请总额 = 当年财政拨款 + 上年结转资金 + 其他资金; and the 总分 row of the
self-evaluation, the sum of the 预算执行率 and indicator scores.

funding-mismatch compares a printed total with its parts and total-mismatch a printed 总分 with the scores;
both need the total printed. This rule reports what they cannot: the total cell blank (or 0 where they are
silent) while its parts hold money or points, and the reverse — a total with every 其中 row of the
self-evaluation printed but left blank.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal

from corpus.model import Finding, Project, Source
from qa.checks.base import ANY_KIND, Context, Rule, fmt, make_finding
from qa.coverage import part_unread

SLUG = "total-blank"
TITLE = "合计为空或为零而分项有数"
COLUMNS = (("planned", "年初预算数"), ("adjusted", "全年预算数"), ("spent", "全年执行数"))
LINE_NAMES = {"appropriation": "当年财政拨款", "carryover": "上年结转资金", "other": "其他资金"}


def _blank_total(
    project: Project,
    total_name: str,
    total: Decimal | None,
    parts: list[tuple[str, Decimal | None]],
    unit: str,
    source: Source | None,
) -> Iterator[Finding]:
    printed = [(name, value) for name, value in parts if value is not None]
    added = sum((value for _, value in printed), Decimal(0))
    # A 0 total under a printed first part is funding-mismatch's (0 ≠ the parts' sum); a blank one is ours.
    zero_unreported = total == 0 and parts[0][1] is None
    if added <= 0 or not (total is None or zero_unreported):
        return
    shown = "为空" if total is None else "为 0"
    formula = " + ".join(f"{name} {fmt(value)}" for name, value in printed)
    yield make_finding(
        SLUG,
        "error",
        project,
        f"{total_name}{shown}，而其中各项有数：{formula} = {fmt(added)} {unit}，合计栏应填 {fmt(added)}。",
        evidence={
            "total_name": total_name,
            "total": total,
            "sum": added,
            "unit": unit,
            "parts": dict(printed),
        },
        source=source,
    )


def _budget(project: Project) -> Iterator[Finding]:
    """The 年度资金总额 row against its 其中 rows, column by column; one finding per kind of gap."""
    b = project.budget
    if b is None or not b.lines:
        return
    blank_total: list[Finding] = []
    blank_parts: list[str] = []
    for field, column in COLUMNS:
        total = getattr(b, field)
        parts = [(LINE_NAMES.get(line.label, line.label), getattr(line, field)) for line in b.lines]
        blank_total += _blank_total(project, f"年度资金总额{column}", total, parts, b.unit, b.source)
        if total is not None and total > 0 and len(parts) > 1 and all(v is None for _, v in parts):
            blank_parts.append(f"{column} {fmt(total)}")
    if blank_total:
        first = blank_total[0]
        message = "；".join(f.message.rstrip("。") for f in blank_total) + "。"
        yield replace(first, message=message)
    if blank_parts:
        names = "、".join(LINE_NAMES.get(line.label, line.label) for line in b.lines)
        yield make_finding(
            SLUG,
            "warning",
            project,
            f"年度资金总额（{'，'.join(blank_parts)} {b.unit}）的其中各行{names}均未填写，资金来源无从核对。",
            evidence={"total_name": "年度资金总额", "parts": blank_parts, "unit": b.unit, "missing": names},
            source=b.source,
        )


def _funding(project: Project) -> Iterator[Finding]:
    f = project.funding
    if f is None:
        return
    whole = [("财政资金", f.fiscal), ("其他资金", f.other)]
    annual = [("当年财政拨款", f.appropriation), ("上年结转资金", f.carryover), ("其他资金", f.annual_other)]
    # Forms with one total (资金总额 100，其中：财政拨款 100) are read into either pair: parts that add up to
    # the other pair's printed total belong to it.
    if not _adds_up(f.annual_request, whole):
        yield from _blank_total(project, "项目资金总额", f.total, whole, f.unit, f.source)
    if not _adds_up(f.total, annual):
        yield from _blank_total(project, "年度资金申请总额", f.annual_request, annual, f.unit, f.source)


def _adds_up(total: Decimal | None, parts: list[tuple[str, Decimal | None]]) -> bool:
    values = [v for _, v in parts if v is not None]
    return total is not None and bool(values) and sum(values, Decimal(0)) == total


def _scores(project: Project) -> Iterator[Finding]:
    """总分 row printed, its figure blank or 0, while the budget and indicator rows were scored."""
    if (
        project.kind != "self_evaluation"
        or project.total_source is None
        or part_unread(project, "indicators")
    ):
        return
    if project.total_score not in (None, Decimal(0)):
        return
    budget_score = project.budget.score if project.budget is not None else None
    scores = [i.score for i in project.indicators if i.score is not None]
    added = sum(scores, Decimal(0)) + (budget_score or 0)
    if added <= 0:
        return
    shown = "为空" if project.total_score is None else "为 0"
    yield make_finding(
        SLUG,
        "error",
        project,
        f"总分{shown}，而预算执行率和 {len(scores)} 项指标已打分，合计 {fmt(added)} 分，总分栏应填 {fmt(added)}。",
        evidence={"total_name": "总分", "total_score": project.total_score, "sum_of_scores": added},
        source=project.total_source,
    )


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    if not part_unread(project, "money"):  # a cell the reader missed is blank on the record, not on the form
        yield from _budget(project)
        yield from _funding(project)
    yield from _scores(project)


RULE = Rule(SLUG, "error", "project", ANY_KIND, check, __doc__ or "", title=TITLE)
