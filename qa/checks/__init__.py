"""The rule registry and `run_checks`: every rule a reviewer can run, by slug, in report order."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from corpus.errors import JixiaoError
from corpus.model import Document, Finding, Project
from corpus.settings import Settings
from qa.checks import (
    actual_copies_target,
    budget_cut,
    cost_indicator_missing,
    cost_lower_bound,
    cross_year,
    dates_outside_year,
    deadline_after_end,
    deviation_unexplained,
    duplicate_indicator,
    execution_rate_mismatch,
    full_score_though_unmet,
    funding_mismatch,
    goal_outcome_missing,
    goal_without_indicator,
    grade_mismatch,
    impossible_target,
    level_weights,
    low_execution,
    markup_residue,
    missing_indicator_category,
    money_unit,
    note_contradicts_value,
    outcome_copies_goal,
    output_upper_bound,
    percent_over_100,
    placeholder_left,
    project_attribute,
    prose_figure_mismatch,
    qualitative_actual,
    satisfaction_floor,
    score_deducted_though_met,
    score_exceeds_weight,
    score_out_of_band,
    section_unread,
    start_after_end,
    target_far_below_actual,
    target_not_met,
    total_blank,
    total_mismatch,
    unit_mismatch,
    vague_target,
)
from qa.checks.base import Context, Rule

__all__ = ["RULES", "Rule", "run_checks"]

# Report order: what could not be read first, then results, scores, money, text, declarations, and
# year-on-year comparisons.
RULES: dict[str, Rule] = {
    rule.slug: rule
    for rule in (
        section_unread.RULE,
        target_not_met.RULE,
        deviation_unexplained.RULE,
        score_deducted_though_met.RULE,
        full_score_though_unmet.RULE,
        score_out_of_band.RULE,
        score_exceeds_weight.RULE,
        level_weights.RULE,
        total_mismatch.RULE,
        total_blank.RULE,
        grade_mismatch.RULE,
        execution_rate_mismatch.RULE,
        low_execution.RULE,
        budget_cut.RULE,
        note_contradicts_value.RULE,
        prose_figure_mismatch.RULE,
        goal_outcome_missing.RULE,
        qualitative_actual.RULE,
        unit_mismatch.RULE,
        money_unit.RULE,
        target_far_below_actual.RULE,
        impossible_target.RULE,
        satisfaction_floor.RULE,
        percent_over_100.RULE,
        outcome_copies_goal.RULE,
        actual_copies_target.RULE,
        vague_target.RULE,
        output_upper_bound.RULE,
        cost_lower_bound.RULE,
        missing_indicator_category.RULE,
        cost_indicator_missing.RULE,
        duplicate_indicator.RULE,
        funding_mismatch.RULE,
        project_attribute.RULE,
        goal_without_indicator.RULE,
        markup_residue.RULE,
        placeholder_left.RULE,
        start_after_end.RULE,
        dates_outside_year.RULE,
        deadline_after_end.RULE,
        cross_year.BELOW_RULE,
        cross_year.CHANGED_RULE,
    )
}


def _selected(rules: Iterable[str] | None) -> list[Rule]:
    if rules is None:
        return list(RULES.values())
    wanted = list(dict.fromkeys(rules))
    unknown = [slug for slug in wanted if slug not in RULES]
    if unknown:
        raise JixiaoError(f"未知的检查规则：{'、'.join(unknown)}。可用的规则有：{'、'.join(RULES)}")
    return [rule for rule in RULES.values() if rule.slug in wanted]


def _earlier_self_evaluations(documents: list[Document]) -> dict[str, list[Project]]:
    """Self-evaluated projects by normalised name, latest year first (for the year-on-year rules)."""
    found: dict[str, list[Project]] = {}
    for doc in documents:
        for project in doc.projects:
            if project.kind == "self_evaluation" and project.year is not None:
                found.setdefault(cross_year.normalise_name(project.name), []).append(project)
    for projects in found.values():
        projects.sort(key=lambda p: p.year or 0, reverse=True)
    return found


def _same_owner(earlier: Project, project: Project) -> bool:
    """Same-named projects of two departments are different projects (项目名称 repeats across bureaus)."""
    a, b = earlier.department, project.department
    return not a or not b or cross_year.normalise_name(a) == cross_year.normalise_name(b)


def _line(finding: Finding) -> int:
    return finding.source.line if finding.source is not None else 0


def run_checks(
    documents: Iterable[Document],
    settings: Settings | None = None,
    embedder: Any | None = None,
    rules: Iterable[str] | None = None,
) -> list[Finding]:
    """Run the rules over the documents.

    Args:
        documents: parsed documents (`corpus.parse.parse_file`).
        settings: thresholds and tolerances; the defaults when None.
        embedder: an object with `encode_passages(list[str]) -> np.ndarray` (L2-normalised rows); when None
            the goal-matching rules use shared terms only.
        rules: slugs to run (all when None).
    Returns:
        Findings ordered by document, project order in the document, rule order, then indicator row.
    Raises:
        JixiaoError: a slug in `rules` is unknown.

    Example:
        doc = parse_file("corpus/samples/2023_self_evaluation_shanghai_eeb.txt")
        for f in run_checks([doc], rules=["target-not-met"]):
            print(f.project, f.indicator, f.message)
    """
    docs = list(documents)
    selected = _selected(rules)
    projects = tuple(p for doc in docs for p in doc.projects)
    ctx = Context(settings=settings or Settings(), embedder=embedder, projects=projects)
    history = _earlier_self_evaluations(docs) if any(r.scope == "pair" for r in selected) else {}
    if embedder is not None:
        ctx.encode(
            [
                t
                for p in projects
                for r in selected
                if r.embeds and p.kind in r.kinds
                for t in r.embeds(p, ctx)
            ]
        )
    findings: list[Finding] = []
    for doc in docs:
        # A document rule's finding that names a project of the document is reported with that project's.
        of_project: dict[str, list[tuple[int, int, Finding]]] = {}
        names = {p.name for p in doc.projects}
        for order, rule in enumerate(selected):
            if rule.scope == "document" and doc.kind in rule.kinds:
                for f in rule.fn(doc, ctx):
                    if f.project in names:
                        of_project.setdefault(f.project, []).append((order, _line(f), f))
                    else:
                        findings.append(f)
        for project in doc.projects:
            batch: list[tuple[int, int, Finding]] = of_project.pop(project.name, [])
            skipped = section_unread.skipped_rules(project)
            for order, rule in enumerate(selected):
                if project.kind not in rule.kinds or rule.slug in skipped:
                    continue
                if rule.scope == "project":
                    batch += [(order, _line(f), f) for f in rule.fn(project, ctx)]
                elif rule.scope == "pair" and project.year is not None:
                    earlier = next(
                        (
                            p
                            for p in history.get(cross_year.normalise_name(project.name), [])
                            if p.year is not None and p.year < project.year and _same_owner(p, project)
                        ),
                        None,
                    )
                    if earlier is not None:
                        batch += [(order, _line(f), f) for f in rule.fn(project, earlier, ctx)]
            batch.sort(key=lambda item: (item[0], item[1]))
            findings.extend(f for _, _, f in batch)
    return findings
