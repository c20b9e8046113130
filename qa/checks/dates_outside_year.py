"""dates-outside-year: 「2024 年度申报，计划完成日期却是 2025-06-30」."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from corpus.model import Finding, Project
from qa.checks.base import DECLARATION, Context, Rule, make_finding

SLUG = "dates-outside-year"


def _parse(iso: str | None) -> date | None:
    try:
        return date.fromisoformat(iso) if iso else None
    except ValueError:
        return None


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    f = project.funding
    if f is None:
        return
    start, end = _parse(f.start_date), _parse(f.end_date)
    source = f.source or project.source
    if start and end and end < start:
        yield make_finding(
            SLUG,
            "error",
            project,
            f"计划完成日期 {end} 早于计划开始日期 {start}。",
            evidence={"start_date": f.start_date, "end_date": f.end_date, "year": project.year},
            source=source,
        )
    if project.year is None:
        return
    for label, day in (("计划开始日期", start), ("计划完成日期", end)):
        if day is not None and day.year != project.year:
            yield make_finding(
                SLUG,
                "warning",
                project,
                f"{label} {day} 不在申报年度 {project.year} 年内。",
                evidence={"field": label, "date": day.isoformat(), "year": project.year},
                source=source,
            )


RULE = Rule(SLUG, "warning", "project", DECLARATION, check, __doc__ or "")
