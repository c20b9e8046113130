"""cost-indicator-missing: 「2024 年度申报表未设成本指标」— a declaration since the cost-indicator reform without one.

Source: 财政部《中央部门项目支出核心绩效目标和指标设置及取值指引（试行）》(财预〔2021〕101号, issued August
2021; 2022 is the first budget year prepared under it): project goals state cost control, and the indicators
are set as 产出、效益、满意度 and 成本指标 (经济成本、社会成本、生态环境成本指标).

The form must show that its template asks for one: the reform year alone does not tell (a province may
adopt it later), so a declaration for 2022 or later is reported when another declaration of the same
document — the same template — fills a 成本 row and this one has none. Earlier years, single forms, and
tables not read whole are left to missing-indicator-category (info: templates before the reform print no
成本指标 row).
"""

from __future__ import annotations

from collections.abc import Iterator

from corpus.model import Finding, Project
from qa.checks import vocab
from qa.checks.base import DECLARATION, Context, Rule, compact, make_finding
from qa.coverage import part_unread

SLUG = "cost-indicator-missing"
TITLE = "未设成本指标"
REFORM_YEAR = 2022  # the first budget year prepared under 财预〔2021〕101号
MIN_ROWS = 3  # fewer indicator rows is a fragment, not a table


def has_cost_indicator(project: Project) -> bool:
    word = vocab.COST_CATEGORY_WORD
    return any(
        word in compact(i.level1) or word in compact(i.level2) or word in compact(i.name)
        for i in project.indicators
    )


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    if project.year is None or project.year < REFORM_YEAR or len(project.indicators) < MIN_ROWS:
        return
    if part_unread(project, "indicators") or has_cost_indicator(project):
        return
    siblings = [
        p
        for p in ctx.projects
        if p.document == project.document
        and p.kind == project.kind
        and p is not project
        and has_cost_indicator(p)
    ]
    if not siblings:
        return
    named = "、".join(f"「{p.name}」" for p in siblings[:3]) + ("等" if len(siblings) > 3 else "")
    yield make_finding(
        SLUG,
        "warning",
        project,
        f"{project.year} 年度申报表的 {len(project.indicators)} 项绩效指标中没有成本指标，而同一文件的{named}"
        "按同一模板设了成本指标：按财预〔2021〕101号，绩效目标应反映成本控制，应设经济成本、社会成本或生态环境成本指标。",
        evidence={"year": project.year, "missing": "成本指标", "present": [p.name for p in siblings]},
    )


RULE = Rule(SLUG, "warning", "project", DECLARATION, check, __doc__ or "", title=TITLE)
