"""The filter intent: projects or indicators whose field is below, above or equal to a value or another field."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from corpus.model import Answer
from qa.ask.cite import _cite
from qa.ask.context import _answer, _names_all
from qa.ask.fields import _excluded_note, _figures, _named_measure, _numeric_field, _residual_terms
from qa.ask.figures import _indicator_figure, _project_figure
from qa.ask.money import _from_base, _num, _show, _to_base
from qa.ask.question import _find_all, _item_level
from qa.ask.render import _listed, _scope_prefix, _tag, _with_year
from qa.ask.text import LEVEL_LABELS, TEXT
from qa.ask.words import _NUMBER, SCORE_UNIT, _compact, _field_level, label, vocabulary

if TYPE_CHECKING:
    from qa.ask.catalogue import Entry
    from qa.ask.context import Context
    from qa.ask.fields import NamedMeasure
    from qa.ask.figures import Figure


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: Decimal | None  # None: compare with `other`
    unit: str | None
    other: str | None = None
    words: str = ""
    # How the field was read when the question did not name one: the indicators its words name (满意度), or
    # the unit the number carries (% -> 预算执行率), with the words that named nothing.
    measure: NamedMeasure | None = None
    inferred_from: str = ""
    unmatched: tuple[str, ...] = ()


_OPS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "<": lambda a, b: a < b,
    "≤": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    "≥": lambda a, b: a >= b,
    "=": lambda a, b: a == b,
}


def _condition(ctx: Context) -> Condition | None:
    """A comparison the question asks for: field, comparator and a number (95%, 100万元) or another field."""
    v = vocabulary()
    p = ctx.p
    t = p.text
    comparators = sorted(v["comparators"].items(), key=lambda kv: -len(kv[0]))
    op_word, op, at = None, None, -1
    for word, symbol in comparators:
        cw = _compact(word)
        pos = next((i for i in _find_all(t, cw) if p.free(i, i + len(cw), ["project", "field"])), -1)
        if pos >= 0:
            op_word, op, at = word, symbol, pos
            break
    number = None
    for m in _NUMBER.finditer(t):
        if p.free(m.start(), m.end(), ["project", "year"]):
            number = m
            break
    if op is None and number is not None:
        tail = t[number.end() :]
        for word, symbol in sorted(v["comparator_suffixes"].items(), key=lambda kv: -len(kv[0])):
            um = re.match(r"^(?:%|万元|亿元|元|分|个)?" + re.escape(word), tail)
            if um:
                op_word, op, at = word, symbol, number.end()
                break
    if op is None:
        if p.has(v["deduction_words"]):
            return Condition("score", "<", None, None, other="weight", words="低于")
        return None
    level = "indicator" if _item_level(p) == "indicator" else "project"
    fld = _numeric_field(p, level) or _numeric_field(p, "project" if level == "indicator" else "indicator")
    if number is None:
        fields = [f for f in p.fields() if _field_level().get(f) in ("project", "indicator")]
        if len(fields) >= 2:
            return Condition(fields[0], op, None, None, other=fields[1], words=op_word or "")
        return None
    value = Decimal(number.group(1))
    tail = t[number.end() :]
    unit = None
    for u in sorted(list(v["money_units"]) + ["%", SCORE_UNIT, "个百分点"], key=len, reverse=True):
        if tail.startswith(u):
            unit = u
            break
    measure = _named_measure(ctx) if fld is None else None
    if measure is not None:
        return Condition(measure.field, op, value, unit, words=op_word or "", measure=measure)
    inferred = ""
    if fld is None:
        fld = {"%": "execution_rate", SCORE_UNIT: "total_score"}.get(
            unit or "", "money" if unit in v["money_units"] else None
        )
        inferred = unit or ""
    if fld is None:
        return None
    del at
    unmatched = tuple(_residual_terms(p)) if inferred else ()
    return Condition(fld, op, value, unit, words=op_word or "", inferred_from=inferred, unmatched=unmatched)


def _asked_line(cond: Condition | None) -> str:
    """`问的是：名称含“满意度”的指标（6 个）的实际完成值低于90%。` where the question named no field and the
    answer had to read one: from the indicators its words name, or from the unit of its number."""
    if cond is None or cond.value is None:
        return ""
    condition = _condition_text(cond)
    if cond.measure is not None:
        what = TEXT["asked_measure"].format(
            measure=cond.measure.words, n=cond.measure.count, condition=condition
        )
    elif cond.unmatched:
        what = TEXT["asked_unmatched"].format(
            condition=condition,
            terms="”“".join(cond.unmatched),
            unit=cond.inferred_from,
            label=label(cond.field),
        )
    elif cond.inferred_from:
        what = TEXT["asked_inferred"].format(
            condition=condition, unit=cond.inferred_from, label=label(cond.field)
        )
    else:
        return ""
    return TEXT["asked"].format(what=what)


def _threshold(cond: Condition, fig: Figure) -> Decimal | None:
    if cond.value is None:
        if not cond.other:
            return None
        if fig.indicator is not None:
            other = _indicator_figure(fig.entry, fig.indicator, cond.other)
        else:
            other = _project_figure(fig.entry, cond.other)
        return other.value if other else None
    money = vocabulary()["money_units"]
    if cond.unit in money and fig.unit in money:
        return _from_base(_to_base(cond.value, cond.unit), fig.unit)
    return cond.value


def _condition_text(cond: Condition) -> str:
    if cond.value is None:
        return f"{label(cond.field)}{cond.words}{label(cond.other or '')}"
    return f"{label(cond.field)}{cond.words}{_num(cond.value)}{cond.unit or ''}"


def _matching(
    ctx: Context, level: str, cond: Condition | None
) -> tuple[list[Figure], list[Entry], list[Entry]]:
    """(figures that satisfy the condition, entries in scope, entries without the field)."""
    base = ctx.entries_named(ctx.p.names) if ctx.p.names else None
    scope = ctx.scoped(base)
    if cond is None:
        return [], scope, []
    figures, lacking = _figures(ctx, level, cond.field, scope)
    if level == "indicator" and cond.unit == "%":
        figures = [f for f in figures if f.unit == "%"]
    kept = []
    for f in figures:
        limit = _threshold(cond, f)
        if limit is not None and f.value is not None and _OPS[cond.op](f.value, limit):
            kept.append(f)
    return kept, scope, lacking


def _answer_filter(ctx: Context, level: str, cond: Condition | None) -> Answer:
    p = ctx.p
    if cond is not None and _field_level().get(cond.field) == "indicator":
        level = "indicator"
    kept, scope, lacking = _matching(ctx, level, cond)
    prefix = _scope_prefix(p)
    if cond is not None and level == "project" and p.names:
        return _answer_check(ctx, cond, scope, kept)
    if cond is None:
        names = _names_all(scope)
        text = TEXT["project_list"].format(scope=prefix, n=len(names), names=_listed(names, "、"))
        return _answer(ctx, "filter", text, projects=names, citations=[_cite(e, None) for e in scope])
    name = _with_year(ctx, kept)
    noun = LEVEL_LABELS[level]
    extra: dict[int, Figure] = {}
    if cond.other:
        for f in kept:
            o = (
                _indicator_figure(f.entry, f.indicator, cond.other)
                if f.indicator is not None
                else _project_figure(f.entry, cond.other)
            )
            if o is not None:
                extra[id(f)] = o

    def item(f: Figure) -> str:
        shown = f"{name(f)} {_show(f.value, f.unit, f.field)}"
        o = extra.get(id(f))
        return f"{shown}（{label(o.field)} {_show(o.value, o.unit, o.field)}）" if o else shown

    condition = _condition_text(cond)
    if not kept:
        text = TEXT["filter_none"].format(scope=prefix, condition=condition, noun=noun)
    else:
        items = _listed((item(f) for f in kept), "；")
        text = TEXT["filter_some"].format(
            scope=prefix, condition=condition, noun=noun, n=len(kept), items=items
        )
    note = _excluded_note(lacking, cond.field, TEXT["filtered"]) if level == "project" else ""
    return _answer(ctx, "filter", _asked_line(cond) + text + note, kept + list(extra.values()))


def _answer_check(ctx: Context, cond: Condition, entries: Sequence[Entry], kept: Sequence[Figure]) -> Answer:
    """Whether the named projects meet the condition (执行率是否达到90%): each one's figure and yes or no."""
    met = {f.entry.position for f in kept}
    figures, lines = [], []
    for e in entries:
        fig = _project_figure(e, cond.field)
        if fig is None or fig.value is None:
            lines.append(TEXT["not_filled"].format(name=e.name, label=label(cond.field)))
            continue
        figures.append(fig)
        verdict = TEXT["yes" if e.position in met else "no"]
        lines.append(
            TEXT["check"].format(
                name=_tag(e, entries),
                label=label(fig.field),
                value=_show(fig.value, fig.unit, fig.field),
                condition=_condition_text(cond),
                verdict=verdict,
            )
        )
    return _answer(ctx, "lookup", "\n".join(lines), figures, projects=[e.name for e in entries])
