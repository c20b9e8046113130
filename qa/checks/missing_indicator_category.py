"""missing-indicator-category: 「缺少时效指标」/「未设成本指标」— a category the template asks for has no indicator."""

from __future__ import annotations

from collections.abc import Iterator

from corpus.model import Finding, Project
from qa.checks import cost_indicator_missing, vocab
from qa.checks.base import DECLARATION, Context, Rule, compact, make_finding

SLUG = "missing-indicator-category"


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    if not project.indicators:
        return
    level1 = [compact(i.level1) for i in project.indicators]
    output_level2 = [
        compact(i.level2) for i in project.indicators if vocab.LEVEL1_OUTPUT in compact(i.level1)
    ]
    every_label = level1 + [compact(i.level2) for i in project.indicators]
    missing = [label for key, label in vocab.LEVEL1_CATEGORIES if not any(key in text for text in level1)]
    if any(vocab.LEVEL1_OUTPUT in text for text in level1):
        missing += [
            label for key, label in vocab.OUTPUT_SUBCATEGORIES if not any(key in t for t in output_level2)
        ]
    for label in missing:
        yield make_finding(
            SLUG,
            "warning",
            project,
            f"绩效指标中没有{label}，指标体系不完整。",
            evidence={"missing": label, "present": sorted(set(level1 + output_level2) - {""})},
        )
    key, label = vocab.COST_CATEGORY
    if not any(key in text for text in every_label) and not any(cost_indicator_missing.check(project, ctx)):
        # Templates before the cost-indicator reform have no 成本指标 row at all: tell, do not warn.
        # Where the form's own template shows a 成本 row, cost-indicator-missing warns instead (one line).
        yield make_finding(
            SLUG,
            "info",
            project,
            f"绩效指标中没有{label}（按现行模板应设经济、社会或生态环境成本指标；旧版模板无此项时可忽略）。",
            evidence={"missing": label, "present": sorted(set(level1 + output_level2) - {""})},
        )


RULE = Rule(SLUG, "warning", "project", DECLARATION, check, __doc__ or "", title="缺少应设的指标类别")
