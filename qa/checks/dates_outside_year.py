"""dates-outside-year: 「2024 年度申报，计划完成日期却是 2025-06-30」(日期先后倒置见 start-after-end)."""

from __future__ import annotations

from collections.abc import Iterator

from corpus.model import Finding, Project
from qa.checks.base import DECLARATION, Context, Rule, make_finding
from qa.checks.start_after_end import parse_iso

SLUG = "dates-outside-year"


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    f = project.funding
    if f is None:
        return
    start, end = parse_iso(f.start_date), parse_iso(f.end_date)
    source = f.source or project.source
    # A start after the end is start-after-end's finding; this rule only compares each date with the year.
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


RULE = Rule(SLUG, "warning", "project", DECLARATION, check, __doc__ or "", title="日期超出申报年度")
