"""start-after-end: 「计划完成日期 2024-01-31 早于计划开始日期 2024-12-01，日期填反了」."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from corpus.model import Finding, Project
from qa.checks.base import DECLARATION, Context, Rule, make_finding

SLUG = "start-after-end"


def parse_iso(iso: str | None) -> date | None:
    """An ISO date of the records, or None when empty or not a date (the parser keeps unreadable text)."""
    try:
        return date.fromisoformat(iso) if iso else None
    except ValueError:
        return None


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    f = project.funding
    if f is None:
        return
    start, end = parse_iso(f.start_date), parse_iso(f.end_date)
    if start is None or end is None or start <= end:
        return
    yield make_finding(
        SLUG,
        "error",
        project,
        f"计划开始日期 {start} 晚于计划完成日期 {end}，日期可能填反或填错。",
        evidence={"start_date": f.start_date, "end_date": f.end_date},
        source=f.source or project.source,
    )


RULE = Rule(SLUG, "error", "project", DECLARATION, check, __doc__ or "", title="开始日期晚于完成日期")
