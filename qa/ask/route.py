"""Which intent answers a question, and the unknown answers for projects that are missing, ambiguous or out of scope."""

from __future__ import annotations

from typing import TYPE_CHECKING

from corpus.model import Answer
from index import segment
from qa.ask.aggregate import _answer_aggregate
from qa.ask.context import _names, _unknown
from qa.ask.filter import _answer_filter, _condition
from qa.ask.findings import _answer_findings, _findings_request
from qa.ask.lookup import _answer_lookup
from qa.ask.mentions import _answer_mentions, _mention_request
from qa.ask.near import near_names
from qa.ask.question import (
    ProjectRef,
    Span,
    _count_request,
    _cue_words,
    _is_listing,
    _item_level,
    _resolve_near,
    _resolve_phrase,
    _resolve_semantic,
    _strip_phrase,
)
from qa.ask.rank import _answer_rank, _rank_request
from qa.ask.render import _unique
from qa.ask.search import _answer_search
from qa.ask.text import TEXT
from qa.ask.words import _BOUNDARY, MAX_SUGGESTIONS, _compact, _field_level, label, vocabulary
from qa.labels import KIND_LABELS

if TYPE_CHECKING:
    from qa.ask.catalogue import Catalogue
    from qa.ask.context import Context
    from qa.ask.question import Parsed


def _route(ctx: Context) -> Answer:
    p = ctx.p
    scope = ctx.scoped()
    if not scope and (p.years or p.kinds or p.org):
        years = [f"{y}年" for y in ctx.cat.years]
        return _unknown(ctx, TEXT["empty_scope"].format(scope=p.scope_words()), suggestions=years)
    rule = _findings_request(p)
    if rule is not None:
        return _answer_findings(ctx, rule)
    mention = _mention_request(p)
    if mention is not None:
        return _answer_mentions(ctx, *mention)
    for ref in p.refs:
        _resolve_missing(ctx, ref)
    problem = _reference_problem(ctx)
    if problem is not None:
        return problem
    level = _item_level(p)
    if _count_request(p):
        return _answer_aggregate(ctx, "count", level)
    if p.has(vocabulary()["sum_words"]):
        return _answer_aggregate(ctx, "sum", level)
    if p.has(vocabulary()["mean_words"]):
        return _answer_aggregate(ctx, "mean", level)
    rank = _rank_request(p)
    if rank is not None:
        return _answer_rank(ctx, level, *rank)
    condition = _condition(ctx)
    if condition is not None:
        return _answer_filter(ctx, level, condition)
    if p.names:
        return _answer_lookup(ctx)
    if _is_listing(p):
        return _answer_filter(ctx, level, None)
    fields = [f for f in p.fields() if f != "indicators"]
    if fields and _field_level().get(fields[0]) in ("project", "text"):
        return _unknown(ctx, TEXT["which_project"].format(label=label(fields[0])), suggestions=_names(scope))
    if _leading_project(p, ctx.cat):
        return _answer_lookup(ctx)
    named = _indicator_owners(ctx)
    if named is not None:
        return named
    return _answer_search(ctx)


def _resolve_missing(ctx: Context, ref: ProjectRef) -> None:
    """A name the index does not hold: a typo of a name is offered (near), a short form may resolve by meaning,
    and words one character off a word of the names (执发 -> 执法) lead the suggestions."""
    if ref.how != "missing":
        return
    names = near_names(ref.words, ctx.cat)
    if names:
        ref.how, ref.suggestions = "near", names
        return
    _resolve_semantic(ref, ctx.cat, ctx.embedder(), ctx.settings, ctx.index)
    if ref.how == "missing":
        by_meaning = list(ref.suggestions)
        _resolve_near(ref, ctx.cat)
        ref.suggestions = list(dict.fromkeys([*ref.suggestions, *by_meaning]))[:MAX_SUGGESTIONS]


def _near_text(ref: ProjectRef) -> str:
    """`没有找到项目“测试项目三”，是否指“测试项目”？` and its forms for several names and for a mistyped word."""
    if ref.terms:
        terms = "”或“".join(ref.terms)
        holding = [n for n in ref.suggestions if any(t in _compact(n) for t in ref.terms)]
        return TEXT["near_term"].format(span=ref.words, terms=terms, names="、".join(holding))
    if len(ref.suggestions) == 1:
        return TEXT["near_project"].format(span=ref.words, name=ref.suggestions[0])
    return TEXT["near_projects"].format(span=ref.words, names="”“".join(ref.suggestions))


def _indicator_owners(ctx: Context) -> Answer | None:
    """A question that names an indicator but no project: answered for the projects that have it, if few."""
    p = ctx.p
    found = ctx.cat.indicators_in(p.without(["year", "kind", "org"]))
    if not found:
        return None
    owners = ctx.scoped(ctx.cat.by_indicator[found[0]])
    names = _unique(e.name for e in owners)
    if not names:
        return None
    if len(names) > MAX_SUGGESTIONS:
        text = TEXT["which_project_indicator"].format(indicator=found[0], n=len(names))
        return _unknown(ctx, text, suggestions=names)
    p.refs.append(ProjectRef(found[0], names, "exact"))
    return _answer_lookup(ctx)


def _leading_project(p: Parsed, cat: Catalogue) -> bool:
    """A question with no other cue may open with part of a project's name (河道保洁作业覆盖率是多少).

    The longest word-aligned prefix whose words all occur in exactly one project's name is taken as that project.
    """
    start = 0
    while start < len(p.text) and not p.free(start, start + 1):
        start += 1
    end = start
    while end < len(p.text) and p.free(end, end + 1) and p.text[end] not in _BOUNDARY:
        end += 1
    lead = _strip_phrase(p.text[start:end])
    begin = p.text.find(lead, start) if lead else -1
    if begin < 0:
        return False
    cues = [_compact(w) for w in _cue_words()]
    cuts = [0]
    for word in segment.words(lead):
        cuts.append(cuts[-1] + len(word))
    for cut in sorted(cuts[1:], reverse=True):
        words = lead[:cut]
        if len(words) < 2 or any(c in words for c in cues):
            continue
        ref = _resolve_phrase(words, cat, semantic=False)
        if ref is not None and ref.how == "partial":
            p.spans.append(Span(begin, begin + cut, "project", words))
            p.refs.append(ref)
            return True
    return False


def _reference_problem(ctx: Context) -> Answer | None:
    """An unknown answer when the question names a project that does not exist, is ambiguous or out of scope."""
    p = ctx.p
    for ref in p.refs:
        if ref.how == "missing":
            return _unknown(ctx, TEXT["no_project"].format(span=ref.words), suggestions=ref.suggestions)
        if ref.how == "near":
            return _unknown(ctx, _near_text(ref), suggestions=ref.suggestions)
        if ref.how == "ambiguous":
            narrowed = _names(ctx.scoped(ctx.entries_named(ref.names)))
            if len(narrowed) == 1:
                ref.names, ref.how = narrowed, "partial"
                continue
            names = narrowed or ref.names
            text = TEXT["ambiguous_project"].format(span=ref.words, n=len(names), names="、".join(names))
            return _unknown(ctx, text, suggestions=names)
    for name in p.names:
        if not ctx.scoped(ctx.entries_named([name])):
            text = TEXT["out_of_scope"].format(name=name, scope=p.scope_words())
            where = [
                f"{e.project.year or ''}年{KIND_LABELS[e.project.kind]}" for e in ctx.entries_named([name])
            ]
            return _unknown(ctx, text, suggestions=where)
    return None
