"""The rank intent: the highest, the lowest, the first N of a field, or all in order."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from corpus.model import Answer
from qa.ask.catalogue import rank_order
from qa.ask.context import _answer, _names, _unknown
from qa.ask.fields import _excluded_note, _figures, _numeric_field, _question_units, _same_unit
from qa.ask.figures import _BUDGET_FIELDS, _FUNDING_FIELDS
from qa.ask.money import _chinese_int, _show
from qa.ask.render import _listed, _scope_prefix, _with_year
from qa.ask.text import LEVEL_LABELS, TEXT
from qa.ask.words import _compact, _field_level, label, vocabulary

if TYPE_CHECKING:
    from qa.ask.context import Context
    from qa.ask.question import Parsed


def _rank_request(p: Parsed) -> tuple[bool, int | None] | None:
    """(descending, how many or None for all) when the question asks for a ranking."""
    v = vocabulary()
    desc = p.has(v["rank_desc"])
    asc = p.has(v["rank_asc"])
    order = p.has(v["rank_order_words"])
    if not (desc or asc or order):
        return None
    outside = p.without(["project"])
    n: int | None = 1
    m = re.search(v["rank_top_pattern"], outside)
    if m:
        n = _chinese_int(m.group(1)) or 1
    elif order and not (desc or asc):
        n = None
    if desc and asc:
        descending = outside.find(_compact(desc)) < outside.find(_compact(asc))
    elif order and not (desc or asc):
        descending = not p.has(v["rank_order_asc"])
    else:
        descending = bool(desc)
    return descending, n


def _answer_rank(ctx: Context, level: str, descending: bool, n: int | None) -> Answer:
    p = ctx.p
    if p.names and level == "project" and _numeric_field(p, "project") is None:
        level = "indicator"
    fld = _numeric_field(p, level) or (_numeric_field(p, "indicator") if level == "project" else None)
    if fld is not None and _field_level().get(fld) == "indicator":
        level = "indicator"
    if fld is None:
        return _unknown(
            ctx,
            TEXT["no_numeric_field"],
            suggestions=[label(f) for f in ("execution_rate", "total_score", "annual_request", "spent")],
        )
    base = ctx.entries_named(p.names) if p.names else None
    scope = ctx.scoped(base)
    # Project figures come in the catalogue's rank order, kept per field and direction.
    figures, lacking = _figures(ctx, level, fld, scope, descending if level == "project" else None)
    if level == "indicator":
        figures = _same_unit(figures, _question_units(ctx))
    if not figures:
        return _unknown(ctx, TEXT["nothing_to_compare"].format(label=label(fld)), suggestions=_names(scope))
    ordered = figures if level == "project" else rank_order(figures, descending)
    if n is None:
        chosen = ordered
    else:
        # The first n, and those tied with the n-th (next to it: the order is by value).
        end = min(n, len(ordered))
        cut = ordered[end - 1].base
        while end < len(ordered) and ordered[end].base == cut:
            end += 1
        chosen = ordered[:end]
    money = fld in _BUDGET_FIELDS | _FUNDING_FIELDS | {"money"}
    word = TEXT["most" if money else "highest"] if descending else TEXT["least" if money else "lowest"]
    noun = LEVEL_LABELS[level]
    fl = label(chosen[0].field)
    name = _with_year(ctx, chosen)
    prefix = _scope_prefix(p)
    tied = n is not None and len(chosen) > n
    first = chosen[0]
    shown = _show(first.value, first.unit, first.field)
    if n == 1 and len(chosen) == 1:
        text = TEXT["rank_one"].format(
            scope=prefix, label=fl, word=word, noun=noun, name=name(first), value=shown
        )
    elif n == 1:
        names = _listed((f"“{name(f)}”" for f in chosen), "、")
        text = TEXT["rank_tied"].format(
            scope=prefix, label=fl, word=word, noun=noun, n=len(chosen), names=names, value=shown
        )
    else:
        order = TEXT["descending" if descending else "ascending"]
        head = TEXT["rank_top"].format(n=n, noun=noun) if n else TEXT["rank_all"].format(noun=noun)
        items = _listed(
            (f"{i}. {name(f)} {_show(f.value, f.unit, f.field)}" for i, f in enumerate(chosen, 1)), "；"
        )
        text = TEXT["rank_list"].format(
            scope=prefix,
            label=fl,
            order=order,
            head=head,
            tied=TEXT["with_ties"] if tied else "",
            items=items,
        )
    note = _excluded_note(lacking, fld, TEXT["compared"]) if level == "project" else ""
    return _answer(ctx, "rank", text + note, chosen)
