"""funding-mismatch: 「年度资金申请总额 265 万元 ≠ 当年财政拨款 250 万元 + 上年结转 10 万元」."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from corpus.model import Finding, Project, Source
from qa.checks.base import ANY_KIND, Context, Rule, fmt, make_finding

SLUG = "funding-mismatch"


def _sum_check(
    project: Project,
    ctx: Context,
    total_name: str,
    total: Decimal | None,
    parts: list[tuple[str, Decimal | None]],
    unit: str,
    source: Source | None,
) -> Iterator[Finding]:
    present = [(name, value) for name, value in parts if value is not None]
    # Only when the total and at least the first part are printed: blank cells are not zeros.
    if total is None or parts[0][1] is None:
        return
    added = sum((value for _, value in present), Decimal(0))
    if abs(added - total) <= ctx.settings.tolerance:
        return
    formula = " + ".join(f"{name} {fmt(value)}" for name, value in present)
    yield make_finding(
        SLUG,
        "error",
        project,
        f"{total_name} {fmt(total)} {unit} 不等于 {formula} = {fmt(added)} {unit}，相差 {fmt(total - added)}。",
        evidence={
            "total_name": total_name,
            "total": total,
            "sum": added,
            "unit": unit,
            "parts": {name: value for name, value in present},
        },
        source=source,
    )


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    f = project.funding
    if f is not None:
        yield from _sum_check(
            project,
            ctx,
            "项目资金总额",
            f.total,
            [("财政资金", f.fiscal), ("其他资金", f.other)],
            f.unit,
            f.source,
        )
        yield from _sum_check(
            project,
            ctx,
            "年度资金申请总额",
            f.annual_request,
            [("当年财政拨款", f.appropriation), ("上年结转资金", f.carryover), ("其他资金", f.annual_other)],
            f.unit,
            f.source,
        )
    b = project.budget
    if b is not None and b.lines:
        lines = {line.label: line for line in b.lines}
        order = [("appropriation", "当年财政拨款"), ("carryover", "上年结转资金"), ("other", "其他资金")]
        for field, name in (("planned", "年初预算数"), ("adjusted", "全年预算数"), ("spent", "全年执行数")):
            parts = [(label, getattr(lines[key], field)) for key, label in order if key in lines]
            if parts:
                yield from _sum_check(
                    project, ctx, f"年度资金总额{name}", getattr(b, field), parts, b.unit, b.source
                )


RULE = Rule(SLUG, "error", "project", ANY_KIND, check, __doc__ or "", title="资金合计与来源不符")
