"""The count, sum and mean intents: how many projects or indicators, and totals or averages of a field."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from corpus.model import Answer, Value
from qa.ask.cite import _cite
from qa.ask.context import _answer, _names, _names_all, _unknown
from qa.ask.fields import _excluded_note, _figures, _numeric_field, _question_units, _same_unit
from qa.ask.figures import _project_figure
from qa.ask.filter import _asked_line, _condition, _condition_text, _matching
from qa.ask.money import _from_base, _show
from qa.ask.render import _fig_label, _listed, _scope_prefix, _unique, _with_year
from qa.ask.text import LEVEL_LABELS, TEXT
from qa.ask.words import COUNT_UNIT, _field_level, label, vocabulary

if TYPE_CHECKING:
    from qa.ask.context import Context
    from qa.ask.figures import Figure
    from qa.ask.filter import Condition


def _answer_aggregate(ctx: Context, how: str, level: str) -> Answer:
    p = ctx.p
    cond = _condition(ctx)
    if how == "count":
        if p.names and level == "project" and re.search(vocabulary()["indicator_count_pattern"], p.text):
            level = "indicator"
        return _answer_count(ctx, level, cond)
    fld = _numeric_field(p, "project") or _numeric_field(p, "indicator")
    if fld is None:
        return _unknown(
            ctx,
            TEXT["no_numeric_field"],
            suggestions=[label(f) for f in ("annual_request", "spent", "adjusted")],
        )
    level = "indicator" if _field_level().get(fld) == "indicator" else "project"
    if cond is not None:
        kept, _scope, lacking = _matching(ctx, level, cond)
        figures = list(kept) if cond.field == fld else _refigure(kept, fld)
    else:
        base = ctx.entries_named(p.names) if p.names else None
        figures, lacking = _figures(ctx, level, fld, ctx.scoped(base))
    if level == "indicator":
        figures = _same_unit(figures, _question_units(ctx))
    if not figures:
        return _unknown(
            ctx, TEXT["nothing_to_add"].format(label=label(fld)), suggestions=_names(ctx.scoped())
        )
    unit = _output_unit(ctx, figures)
    money = vocabulary()["money_units"]
    if unit in money:
        total = sum((f.base or Decimal(0) for f in figures), Decimal(0))
        total = _from_base(total, unit)
    else:
        total = sum((f.value or Decimal(0) for f in figures), Decimal(0))
    value = total if how == "sum" else total / Decimal(len(figures))
    if how == "mean":
        value = value.quantize(Decimal("0.01"))
    shown = _show(value, unit, how if how == "mean" else figures[0].field)
    fl = label(figures[0].field)
    kinds = {f.field for f in figures}
    if len(kinds) > 1:
        fl = "、".join(label(k) for k in sorted(kinds))
    name = _with_year(ctx, figures)
    parts = _listed((f"{name(f)} {_show(f.value, f.unit, f.field)}" for f in figures), "；")
    prefix = _scope_prefix(p)
    units = {f.unit for f in figures}
    converted = ""
    if unit in money and units - {unit}:
        converted = TEXT["converted"].format(
            units="、".join(sorted(u for u in units if u and u != unit)), unit=unit
        )
    text = TEXT["aggregate"].format(
        scope=prefix,
        condition=TEXT["condition_of"].format(condition=_condition_text(cond)) if cond else "",
        n=len(figures),
        noun=LEVEL_LABELS[level],
        label=fl,
        word=TEXT[how],
        value=shown,
        converted=converted,
        items=parts,
    )
    text += _excluded_note(lacking, fld, TEXT["computed"]) if level == "project" and not p.names else ""
    values = [Value("", None, how, value, unit)] + [f.to_value() for f in figures]
    return _answer(ctx, how, _asked_line(cond) + text, figures, values=values)


def _refigure(figures: Sequence[Figure], fld: str) -> list[Figure]:
    out = []
    for f in figures:
        g = _project_figure(f.entry, fld)
        if g is not None and g.value is not None:
            out.append(g)
    return out


def _output_unit(ctx: Context, figures: Sequence[Figure]) -> str | None:
    money = vocabulary()["money_units"]
    units = {f.unit for f in figures}
    if not units <= set(money):
        return figures[0].unit
    asked = ctx.p.without(["project"])
    for u in sorted(money, key=len, reverse=True):
        if u in asked:
            return u
    if len(units) == 1:
        return next(iter(units))
    return vocabulary()["default_money_unit"]


def _answer_count(ctx: Context, level: str, cond: Condition | None) -> Answer:
    p = ctx.p
    prefix = _scope_prefix(p)
    if cond is not None:
        kept, _scope, _lacking = _matching(ctx, level, cond)
        n = len(kept) if level == "indicator" else len(_unique(f"{f.entry.position}" for f in kept))
        noun = LEVEL_LABELS[level]
        items = _listed((f"{_fig_label(f)} {_show(f.value, f.unit, f.field)}" for f in kept), "；")
        text = TEXT["count_condition"].format(
            scope=prefix, condition=_condition_text(cond), noun=noun, n=n, items=f"：{items}" if items else ""
        )
        values = [Value("", None, "count", Decimal(n), COUNT_UNIT)] + [f.to_value() for f in kept]
        return _answer(ctx, "count", _asked_line(cond) + text, kept, values=values)
    base = ctx.entries_named(p.names) if p.names else None
    scope = ctx.scoped(base)
    if level == "indicator":
        pairs = [(e, ind) for e in scope for ind in e.project.indicators]
        n = len(pairs)
        who = (
            "、".join(_unique(e.name for e in scope)) if p.names else TEXT["n_projects"].format(n=len(scope))
        )
        text = TEXT["indicator_count"].format(scope=prefix, who=who, n=n)
        citations = [_cite(e, ind.source, ind.name) for e, ind in pairs]
        return _answer(
            ctx,
            "count",
            text,
            projects=[e.name for e in scope],
            values=[Value(scope[0].name if len(scope) == 1 else "", None, "count", Decimal(n), COUNT_UNIT)],
            citations=citations,
        )
    names = _names_all(scope)
    text = TEXT["project_list"].format(scope=prefix, n=len(names), names=_listed(names, "、"))
    return _answer(
        ctx,
        "count",
        text,
        projects=names,
        values=[Value("", None, "count", Decimal(len(names)), COUNT_UNIT)],
        citations=[_cite(e, None) for e in scope],
    )
