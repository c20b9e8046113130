"""grade-mismatch: 「总分 85.3 分应评为“良”，评分等级却填“优”」."""

from __future__ import annotations

from collections.abc import Iterator

from corpus.model import Finding, Project
from qa.checks.base import SELF_EVALUATION, Context, Rule, compact, fmt, make_finding

SLUG = "grade-mismatch"


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    if project.total_score is None or not project.grade:
        return
    bands = sorted(ctx.settings.grade_bands, key=lambda band: band[1], reverse=True)
    expected = next((name for name, floor in bands if project.total_score >= floor), None)
    printed = compact(project.grade)
    # 优秀 / 良好 / 中等 name the same bands as 优 / 良 / 中.
    grade = next((name for name, _ in bands if printed.startswith(name)), None)
    if expected is None or grade is None or grade == expected:
        return
    rule = "，".join(f"{name} ≥ {fmt(floor, 0)}" for name, floor in bands)
    yield make_finding(
        SLUG,
        "error",
        project,
        f"总分 {fmt(project.total_score)} 应评为“{expected}”，评分等级却为“{printed}”（{rule}）。",
        evidence={"total_score": project.total_score, "grade": printed, "expected_grade": expected},
    )


RULE = Rule(SLUG, "error", "project", SELF_EVALUATION, check, __doc__ or "", title="评分等级与总分不符")
