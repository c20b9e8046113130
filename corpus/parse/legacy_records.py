"""The row reader's drafts (corpus/parse/legacy.py) -> Project records: budget, funding, goals, indicators."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from corpus import vocab
from corpus.model import (
    Budget,
    BudgetLine,
    Clause,
    Funding,
    GoalBlock,
    Goals,
    Indicator,
    ParseWarning,
    Project,
    Row,
    Source,
)
from corpus.parse.values import (
    clean_text,
    compact,
    iso_date,
    parse_measure,
    split_clauses,
    to_decimal,
)


@dataclass
class _Label:
    """A merged 一级/二级指标 cell: shared by the rows below it, completed by later fragments."""

    text: str

    def extend(self, more: str) -> None:
        if not self.text.endswith("指标"):
            self.text += more


@dataclass
class _IndicatorDraft:
    level1: _Label
    level2: _Label
    cells: dict[str, str]
    columns: dict[str, int]  # field -> column of the cell it came from (for continuations)
    rows: list[Row]


@dataclass
class _ProjectDraft:
    start: Row
    year: int | None
    title_kind: str | None
    fields: dict[str, str] = field(default_factory=dict)
    budget_unit: str | None = None
    budget_header: list[str] | None = None
    budget_lines: list[tuple[str, dict[str, Decimal | None], Row]] = field(default_factory=list)
    funding_unit: str | None = None
    funding: dict[str, Decimal | None] = field(default_factory=dict)
    funding_rows: list[Row] = field(default_factory=list)
    funding_right_col: int | None = None
    goal_header: list[tuple[str, int]] | None = None
    goal_texts: dict[str, list[tuple[str, Row]]] = field(default_factory=dict)
    ind_header: list[tuple[str, int]] | None = None
    header_cells: tuple[str, ...] | None = None  # the current block's header row, for merged-cell runs
    indicators: list[_IndicatorDraft] = field(default_factory=list)
    total_weight: Decimal | None = None
    total_score: Decimal | None = None
    total_row: Row | None = None
    rows: list[Row] = field(default_factory=list)
    section: str = "header"


def finish(d: _ProjectDraft, file: str, sha: str) -> tuple[Project, list[ParseWarning]]:
    """One project draft -> its record, and warnings for what its form lacked."""
    warnings: list[ParseWarning] = []
    has_actual = d.ind_header is not None and "actual" in {f for f, _ in d.ind_header}
    kind = d.title_kind or ("self_evaluation" if (d.budget_lines or has_actual) else "declaration")
    budget = _budget(d, file, sha, warnings)
    indicators = _indicators(d, file, sha, has_actual)
    name = d.fields.get("name", "")
    if not name:
        warnings.append(ParseWarning(d.start.line, "项目名称为空", d.start.text))
    if kind == "self_evaluation" and d.total_score is None:
        warnings.append(ParseWarning(d.start.line, f"项目“{name}”未找到总分行", d.start.text))
    if not indicators:
        warnings.append(ParseWarning(d.start.line, f"项目“{name}”未找到绩效指标", d.start.text))
    end_rows = [d.start] + d.rows
    project = Project(
        name=name,
        kind=kind,  # type: ignore[arg-type]
        document=file,
        year=d.year,
        department=d.fields.get("department"),
        implementer=d.fields.get("implementer"),
        budget=budget,
        funding=_funding(d, file, sha),
        goals=Goals(**_goals(d, file, sha)),
        indicators=tuple(indicators),
        total_score=d.total_score,
        total_weight=d.total_weight,
        grade=d.fields.get("grade"),
        source=Source(file=file, line=d.start.line, end_line=end_rows[-1].line, text=d.start.text,
                      page=d.start.page, sha256=sha),
        total_source=_source(file, sha, [d.total_row]) if d.total_row is not None else None,
    )
    return project, warnings


def _source(file: str, sha: str, rows: list[Row]) -> Source:
    rows = [r for r in rows if r is not None]
    return Source(
        file=file,
        line=rows[0].line,
        end_line=rows[-1].line,
        text="\n".join(r.text for r in rows),
        page=rows[0].page,
        sha256=sha,
    )


def _budget(d: _ProjectDraft, file: str, sha: str, warnings: list[ParseWarning]) -> Budget | None:
    if not d.budget_lines:
        return None
    unit = d.budget_unit or "万元"
    if d.budget_unit is None:
        first = d.budget_lines[0][2]
        warnings.append(ParseWarning(first.line, "项目资金未注明单位，按万元处理", first.text))
    lines = [
        BudgetLine(label=label, planned=figs.get("planned"), adjusted=figs.get("adjusted"), spent=figs.get("spent"),
                   weight=figs.get("weight"), rate=figs.get("rate"), score=figs.get("score"),
                   source=_source(file, sha, [row]))
        for label, figs, row in d.budget_lines
    ]
    total = next((bl for bl in lines if bl.label == "total"), lines[0])
    return Budget(
        unit=unit,
        planned=total.planned,
        adjusted=total.adjusted,
        spent=total.spent,
        weight=total.weight,
        rate=total.rate,
        score=total.score,
        lines=tuple(bl for bl in lines if bl is not total),
        source=_source(file, sha, [r for _, _, r in d.budget_lines]),
        **{
            bl.label: bl.adjusted if bl.adjusted is not None else bl.planned
            for bl in lines
            if bl is not total and bl.label in ("appropriation", "carryover", "other")
        },
    )


def _funding(d: _ProjectDraft, file: str, sha: str) -> Funding | None:
    if not d.funding_rows:
        return None
    return Funding(
        unit=d.funding_unit or "元",
        total=d.funding.get("total"),
        fiscal=d.funding.get("fiscal"),
        other=d.funding.get("other"),
        annual_request=d.funding.get("annual_request"),
        appropriation=d.funding.get("appropriation"),
        carryover=d.funding.get("carryover"),
        annual_other=d.funding.get("annual_other"),
        nature=d.fields.get("nature"),
        category=d.fields.get("category"),
        start_date=iso_date(d.fields.get("start_date")),
        end_date=iso_date(d.fields.get("end_date")),
        source=_source(file, sha, d.funding_rows),
    )


def _goals(d: _ProjectDraft, file: str, sha: str) -> dict[str, GoalBlock]:
    goals = {}
    for fld, parts in d.goal_texts.items():
        rows = [r for _, r in parts]
        text = clean_text(" ".join(t for t, _ in parts))
        src = _source(file, sha, rows)
        clauses = tuple(Clause(text=c, source=src) for c in split_clauses(text))
        label = next(k for k, v in vocab.GOAL_HEADERS.items() if v == fld)
        goals[fld] = GoalBlock(label=label, text=text, clauses=clauses, source=src)
    return goals


def _indicators(d: _ProjectDraft, file: str, sha: str, has_actual: bool) -> list[Indicator]:
    unit_col = d.ind_header is not None and "unit" in {f for f, _ in d.ind_header}
    indicators = []
    for ind in d.indicators:
        c = ind.cells
        unit_hint = clean_text(c.get("unit", "")) or None if unit_col else None
        if unit_hint and unit_hint.lower() in vocab.UNIT_PLACEHOLDERS:
            unit_hint = None
        indicators.append(
            Indicator(
                level1=_complete_label(ind.level1.text, vocab.LEVEL1_LABELS),
                level2=_complete_label(ind.level2.text, vocab.LEVEL2_LABELS),
                name=clean_text(c.get("name", "")),
                target=parse_measure(c.get("target", ""), unit_hint),
                actual=parse_measure(c.get("actual", ""), unit_hint) if has_actual else None,
                weight=to_decimal(c.get("weight")),
                score=to_decimal(c.get("score")),
                note=clean_text(c.get("note", "")),
                source=_source(file, sha, ind.rows),
            )
        )
    return indicators


def _complete_label(text: str, choices: tuple[str, ...]) -> str:
    """Complete a label broken across PDF lines (可持续影响指 -> 可持续影响指标)."""
    t = compact(text)
    if not t or t.endswith("指标"):
        return t
    for choice in choices:
        if choice.startswith(t):
            return choice
    return t + "标" if t.endswith("指") else t
