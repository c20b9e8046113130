"""Form drafts -> Project records, each with the Coverage of what was read and what was not."""

from __future__ import annotations

import re
from decimal import Decimal

from corpus.model import (
    Budget,
    BudgetLine,
    Clause,
    Coverage,
    Funding,
    GoalBlock,
    Goals,
    Indicator,
    ParseWarning,
    Project,
    Source,
)
from corpus.parse import labels as lb
from corpus.parse.forms import FormDraft
from corpus.parse.grid import Cell
from corpus.parse.values import (
    clean_text,
    iso_date,
    normalise_number_text,
    parse_measure,
    split_clauses,
    to_decimal,
)

_GOAL_LABEL = {"expected": "预期目标", "achieved": "实际完成情况", "overall": "项目总目标", "annual": "年度总体目标"}


def source_of(file: str, sha: str, cells: list[Cell]) -> Source:
    cells = [c for c in cells if c is not None]
    lines = sorted({c.line for c in cells}) or [0]
    text = " | ".join(c.text for c in cells if c.text)
    return Source(file=file, line=lines[0], end_line=lines[-1], text=text, page=cells[0].page if cells else None,
                  sha256=sha)


def money(text: str | None) -> tuple[Decimal | None, str | None]:
    """`150万` -> (150, 万元); `771,325,800.00` -> (771325800.00, None); words and dashes -> (None, None)."""
    if not text:
        return None, None
    t = normalise_number_text(text).replace(" ", "")
    unit = None
    m = re.fullmatch(r"([-]?\d+(?:\.\d+)?)(万元|万|元|亿元)?", t)
    if not m:
        return to_decimal(t), None
    if m.group(2):
        unit = {"万": "万元"}.get(m.group(2), m.group(2))
    return Decimal(m.group(1)), unit


def _measure_op(text: str) -> str:
    """`98%以上` -> `≥98%`: the words after a figure that make it a bound."""
    t = text.strip()
    m = re.fullmatch(r"(.*?\d(?:[^\d]{0,6}?))(以上|及以上|以下|及以下)", t)
    if m:
        return ("≥" if "上" in m.group(2) else "≤") + m.group(1)
    return t


def to_project(d: FormDraft, file: str, sha: str, warnings: list[ParseWarning]) -> Project:
    """One form's draft -> its Project record, with the Coverage of what was read of it."""
    kind = d.kind or ("self_evaluation" if d.money_cols or (d.table and "actual" in d.table.columns) else "declaration")
    name = d.fields.get("name") or d.fields.get("unit_name") or (
        d.title and (lb.department_in_title(d.title) or lb.name_in_title(d.title))) or ""
    missing: list[str] = [] if name else ["项目名称"]
    start = d.field_cells.get("name", [d.start])[0]
    budget, budget_state = _budget(d, file, sha)
    funding, funding_state = _funding(d, file, sha)
    money_state = "read" if budget is not None and funding is not None else (funding_state or budget_state)
    if money_state == "missing" and d.money_seen:
        money_state = "partial"
    if money_state != "read":
        missing.append("未读出项目资金表" if money_state == "missing" else "项目资金表部分未读出")
    goals = _goals(d, file, sha)
    indicators, seen, unread_rows = _indicators(d, file, sha)
    ind_state, note = _indicator_state(d, indicators, seen)
    if note:
        missing.append(note)
    for _, figs, cells in d.money_rows:
        if not figs and any(c.text for c in cells[1:] or cells):
            warnings.append(ParseWarning(cells[0].line, f"第{cells[0].line}行：资金表的数字与表头的列对不上（执行率不合执行数与预算数、"
                                         "超出 0–200% 或得分高于分值），无法分清各是哪一列，未读取，请核对",
                                         " | ".join(x.text for x in cells), cells[0].page, kind="unread-money"))
    for cells in unread_rows:
        warnings.append(ParseWarning(cells[0].line, "指标行无法识别", " | ".join(x.text for x in cells),
                                     cells[0].page, kind="unread-indicator-rows", end_line=cells[-1].line))
    coverage = Coverage(money=money_state, goals="read" if goals else "missing", indicators=ind_state,
                        indicator_rows_seen=seen, indicator_rows_read=len(indicators), missing=tuple(missing))
    end = d.cells[-1] if d.cells else start
    return Project(
        name=clean_text(name), kind=kind,  # type: ignore[arg-type]
        document=file, year=d.year, department=d.fields.get("department") or None,
        implementer=d.fields.get("implementer") or None, budget=budget, funding=funding, goals=Goals(**goals),
        indicators=tuple(indicators), total_score=to_decimal(d.total_score), total_weight=to_decimal(d.total_weight),
        grade=d.fields.get("grade") or None,
        source=Source(file=file, line=start.line, end_line=end.line, text=start.text, page=start.page, sha256=sha),
        total_source=source_of(file, sha, d.total_cells) if d.total_cells else None,
        code=d.fields.get("code") or None, coverage=coverage,
    )


def _budget(d: FormDraft, file: str, sha: str) -> tuple[Budget | None, str]:
    """The self-evaluation money block: its total row and its lines; 'read', 'partial' or 'missing'."""
    if not d.money_rows:
        return None, "missing"
    lines: list[BudgetLine] = []
    unit = d.unit
    readable = 0
    for label, figs, cells in d.money_rows:
        vals: dict[str, Decimal | None] = {}
        for col, text in figs.items():
            if col in ("rate", "weight", "score"):
                vals[col] = to_decimal(text)
            else:
                v, u = money(text)
                vals[col] = v
                unit = unit or u
        readable += any(v is not None for v in vals.values())
        lines.append(BudgetLine(label=label, planned=vals.get("planned"), adjusted=vals.get("adjusted"),
                                spent=vals.get("spent"), weight=vals.get("weight"), rate=vals.get("rate"),
                                score=vals.get("score"), source=source_of(file, sha, cells)))
    total = next((x for x in lines if x.label == "total"), lines[0])
    by_source = {x.label: (x.adjusted if x.adjusted is not None else x.planned) for x in lines if x is not total}
    budget = Budget(unit=unit or "万元", planned=total.planned, adjusted=total.adjusted, spent=total.spent,
                    weight=total.weight if total.weight is not None else to_decimal(d.money_weight),
                    rate=total.rate, score=total.score,
                    lines=tuple(x for x in lines if x is not total),
                    source=source_of(file, sha, [c for _, _, cs in d.money_rows for c in cs]),
                    appropriation=by_source.get("appropriation"), carryover=by_source.get("carryover"),
                    other=by_source.get("other"))
    if not readable:
        return None, "missing"
    return budget, "read" if readable == len(lines) else ("partial" if readable else "missing")


def _funding(d: FormDraft, file: str, sha: str) -> tuple[Funding | None, str | None]:
    """The declaration's funding figures; 'read' or 'partial', None when the form has none."""
    if not d.funding:
        return None, None
    if "other" in d.funding and "annual_other" not in d.funding and "annual_request" in d.funding and not (
        {"total", "fiscal"} & set(d.funding)
    ):
        d.funding["annual_other"] = d.funding.pop("other")  # the block is the year's request alone
    vals: dict[str, Decimal | None] = {}
    unit = d.unit
    for k, text in d.funding.items():
        v, u = money(text)
        vals[k] = v
        unit = unit or u
    funding = Funding(unit=unit or "万元", nature=d.fields.get("nature"), category=d.fields.get("category"),
                      start_date=iso_date(d.fields.get("start_date")), end_date=iso_date(d.fields.get("end_date")),
                      source=source_of(file, sha, d.funding_cells), **vals)
    return funding, "read" if any(v is not None for v in vals.values()) else "partial"


def _goals(d: FormDraft, file: str, sha: str) -> dict[str, GoalBlock]:
    goals: dict[str, GoalBlock] = {}
    for key, parts in d.goals.items():
        text = clean_text(" ".join(t for t, _ in parts))
        if not text:
            continue
        src = source_of(file, sha, [c for _, c in parts])
        goals[key] = GoalBlock(label=_GOAL_LABEL[key], text=text,
                               clauses=tuple(Clause(c, src) for c in split_clauses(text)), source=src)
    return goals


def _indicators(d: FormDraft, file: str, sha: str) -> tuple[list[Indicator], int, list[list[Cell]]]:
    """The indicators of the form's tables; how many rows stood in them; the rows that could not be read."""
    indicators: list[Indicator] = []
    seen = 0
    unread_rows: list[list[Cell]] = []
    for table in d.tables:
        rows, s, bad = table.read()
        seen += s
        unread_rows.extend(bad)
        has_actual = "actual" in table.columns
        for r in rows:
            c = r.cells
            unit = c.get("unit") or None
            op = c.get("op", "")
            target_text = _measure_op(c.get("target", ""))
            if op and op.strip() in ("≥", "≤", ">", "<", "=", "＝", "≧", "≦", ">=", "<="):
                target_text = op.strip() + target_text
            indicators.append(Indicator(
                level1=r.level1, level2=r.level2, name=clean_text(c.get("name", "")),
                target=parse_measure(target_text, unit),
                actual=parse_measure(_measure_op(c.get("actual", "")), unit) if has_actual else None,
                weight=to_decimal(c.get("weight")), score=to_decimal(c.get("score")),
                note=clean_text(c.get("note", "")), source=source_of(file, sha, r.source),
                explanation=clean_text(c.get("extra", ""))))
    return indicators, seen, unread_rows


def _indicator_state(d: FormDraft, indicators: list[Indicator], seen: int) -> tuple[str, str]:
    """The indicator table's state, and what a reviewer is told is missing of it ('' when nothing)."""
    if not d.tables:
        return "missing", "未读出绩效指标表"
    if seen and len(indicators) < seen:
        return ("partial" if indicators else "missing"), f"绩效指标 {seen - len(indicators)} 行未能读取"
    if not indicators:
        return "missing", "绩效指标表没有读出指标行"
    return "read", ""


def is_form(d: FormDraft) -> bool:
    """A draft that is a performance form: indicator rows were seen, or something names it (a project name, a
    form title) and it holds a table, money or goals. A bare indicator header is not a form."""
    named = d.fields.get("name") or d.fields.get("unit_name") or (d.title and lb.name_in_title(d.title))
    kind = d.title and lb.title_kind(d.title)
    rows = any(t.has_rows() for t in d.tables)
    return bool(rows or ((named or kind) and (d.tables or d.money_rows or d.funding or d.goals)) or (d.title and named))


__all__ = ["to_project", "is_form", "source_of", "money", "lb"]
