"""cost-indicator-missing: 「2024 年度申报表未设成本指标」— a declaration since the cost-indicator reform without one.

Source: 财政部《中央部门项目支出核心绩效目标和指标设置及取值指引（试行）》(财预〔2021〕101号, issued August
2021; 2022 is the first budget year prepared under it): project goals state cost control, and the indicators
are set as 产出、效益、满意度 and 成本指标 (经济成本、社会成本、生态环境成本指标).

The run must show that the template asks for one: the reform year alone does not tell (a province may
adopt it later). A declaration for 2022 or later without a 成本 row is reported when a form of the same
template fills one: another declaration of the same document, or a form for 2022 or later of the same
主管部门 (its self-evaluation carries the indicators it declared). Earlier years, forms with no such
witness and tables not read whole are left to missing-indicator-category (info: templates before the
reform print no 成本指标 row).
"""

from __future__ import annotations

from collections.abc import Iterator

from corpus.model import Finding, Project
from qa.checks import vocab
from qa.checks.base import DECLARATION, Context, Rule, compact, make_finding
from qa.checks.cross_year import normalise_name
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


def _same_template(other: Project, project: Project) -> bool:
    if other.document == project.document:
        return other.kind == project.kind
    a, b = normalise_name(other.department or ""), normalise_name(project.department or "")
    return bool(a) and a == b and other.year is not None and other.year >= REFORM_YEAR


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    if project.year is None or project.year < REFORM_YEAR or len(project.indicators) < MIN_ROWS:
        return
    if part_unread(project, "indicators") or has_cost_indicator(project):
        return
    siblings = [
        p for p in ctx.projects if p is not project and _same_template(p, project) and has_cost_indicator(p)
    ]
    if not siblings:
        return
    # Witnesses of the same document first; name only those of the first kind of witness.
    siblings.sort(key=lambda p: p.document != project.document)
    siblings = [
        p for p in siblings if (p.document == project.document) == (siblings[0].document == project.document)
    ]
    named = "、".join(f"「{p.name}」" for p in siblings[:2]) + (
        f"等 {len(siblings)} 张表" if len(siblings) > 2 else ""
    )
    where = (
        "同一文件的" if siblings[0].document == project.document else f"同一主管部门{siblings[0].year}年度的"
    )
    yield make_finding(
        SLUG,
        "warning",
        project,
        f"{project.year} 年度申报表的 {len(project.indicators)} 项绩效指标中没有成本指标，而{where}{named}"
        "设了成本指标：按财预〔2021〕101号，绩效目标应反映成本控制，应设经济成本、社会成本或生态环境成本指标。",
        evidence={"year": project.year, "missing": "成本指标", "present": [p.name for p in siblings]},
    )


RULE = Rule(SLUG, "warning", "project", DECLARATION, check, __doc__ or "", title=TITLE)
