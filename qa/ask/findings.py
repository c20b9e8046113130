"""The findings intent: questions about problems, answered by the checks (qa/checks)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from corpus.model import Answer, Finding, Indicator, Source, Value
from qa.ask.catalogue import _findings
from qa.ask.cite import _cite
from qa.ask.context import _answer
from qa.ask.figures import _indicator_figure
from qa.ask.money import _show_measure
from qa.ask.question import _item_level
from qa.ask.render import _listed, paging
from qa.ask.text import TEXT
from qa.ask.words import _NUMBER, COUNT_UNIT, _compact, vocabulary

if TYPE_CHECKING:
    from qa.ask.catalogue import Catalogue, Entry
    from qa.ask.context import Context
    from qa.ask.figures import Figure
    from qa.ask.question import Parsed


@dataclass(frozen=True)
class FindingRequest:
    rules: tuple[str, ...]
    verdicts: tuple[str, ...]
    count: bool
    what: str = TEXT["problems"]


def _findings_request(p: Parsed) -> FindingRequest | None:
    v = vocabulary()
    text = p.without(["project"])
    has_number = bool(_NUMBER.search(p.without(["project", "year"])))
    count = bool(re.search(v["count_pattern"], text))
    for pattern in v["findings"]:
        if pattern.get("no_number") and has_number:
            continue
        if any(w in text for w in pattern.get("none", ())):
            continue
        if all(any(_compact(w) in text for w in group) for group in pattern["all"]):
            what = pattern.get("what") or TEXT["problems"]
            return FindingRequest(tuple(pattern["rules"]), tuple(pattern.get("verdicts", ())), count, what)
    if any(_compact(w) in text for w in v["findings_any_problem"]):
        from qa.checks import RULES

        return FindingRequest(tuple(RULES), (), count)
    return None


def _answer_findings(ctx: Context, req: FindingRequest) -> Answer:
    whole = not (ctx.p.names or ctx.p.years or ctx.p.kinds or ctx.p.org)
    scope = ctx.cat.entries if whole else ctx.scoped(ctx.entries_named(ctx.p.names) if ctx.p.names else None)
    generation = (str(ctx.index.directory), str(ctx.index.manifest.get("generation")))
    if whole:  # the same items for every question over everything: gathered once per generation
        settings = json.dumps(ctx.settings.to_dict(), sort_keys=True, default=str)
        key = (tuple(req.rules), tuple(sorted(req.verdicts or ())), settings)
        with _verdicts_lock:
            items = _whole_items.get(generation, {}).get(key)
        if items is None:
            items = _items(ctx, req, generation, scope, whole)
            with _verdicts_lock:
                for old in [k for k in _whole_items if k[0] == generation[0] and k != generation]:
                    del _whole_items[old]
                _whole_items.setdefault(generation, {})[key] = items
    else:
        items = _items(ctx, req, generation, scope, whole)
    what = req.what
    projects = list(dict.fromkeys(e.name for e, *_ in items))
    values: list[Value] = []
    if req.count:
        n = len(items) if _item_level(ctx.p) == "indicator" else len(projects)
        values.append(Value("", None, "count", Decimal(n), COUNT_UNIT))
    if not items:
        return _answer(ctx, "findings", TEXT["findings_none"].format(what=what), projects=[], values=values)
    # Every project is in `projects`; a person is shown one page of items (lines, figures, citations).
    page, more = paging().page(items, "处")
    shown = [(e, _indicator(e, ind), msg, src) for e, ind, msg, src in page]
    figures: list[Figure] = []
    for e, ind, _msg, _src in shown:
        if ind is not None:
            for fld in ("target", "actual"):
                fig = _indicator_figure(e, ind, fld)
                if fig is not None and fig.value is not None:
                    figures.append(fig)
    values = [f.to_value() for f in figures] + values
    lines = [
        TEXT["findings_some"].format(what=what, n=len(items), m=len(projects), names=_listed(projects, "、"))
    ]
    start = paging().window(len(items))[0]
    lines += [f"{n}. {e.name}：{msg}" for n, (e, _ind, msg, _src) in enumerate(shown, start + 1)]
    if more:
        lines.append(more)
    citations = [_cite(e, src, ind.name if ind else None) for e, ind, _m, src in shown]
    return _answer(ctx, "findings", "\n".join(lines), projects=projects, values=values, citations=citations)


def _items(
    ctx: Context, req: FindingRequest, generation: tuple[str, str], scope: Sequence[Entry], whole: bool
) -> list[_Item]:
    """(entry, indicator or its name, message, source) of every finding the request asks for in scope,
    in project and row order."""
    by_pair = _pairs(generation, scope, whole)
    # The indicator is looked up by its name only for the items shown (see `_indicator`).
    items: list[_Item] = []
    for f in _rule_findings(ctx, req.rules):
        entry = by_pair.get((_doc_name(f.document), f.project))
        if entry is not None:
            items.append((entry, f.indicator, f.message, f.source))
    if req.verdicts:
        in_scope = None if whole else {e.position for e in scope}
        for e, ind, got in _qualitative_verdicts(ctx.cat, generation):
            if got in req.verdicts and (in_scope is None or e.position in in_scope):
                msg = TEXT["verdict_finding"].format(
                    name=ind.name,
                    target=_show_measure(ind.target),
                    actual=_show_measure(ind.actual),
                    verdict=TEXT[f"verdict_{got}"],
                )
                items.append((e, ind, msg, ind.source))
    items.sort(key=lambda it: (it[0].position, it[3].line if it[3] else 0))
    return items


_Item = tuple["Entry", Indicator | str | None, str, Source | None]
# Per index generation: the items of a findings request over every project, by (rules, verdicts, settings).
_whole_items: dict[tuple[str, str], dict[tuple, list[_Item]]] = {}

# Per index generation: every indicator judged by its words alone (no figures on both sides), with its verdict.
_verdicts: dict[tuple[str, str], list[tuple[Entry, Indicator, str]]] = {}
_verdicts_lock = threading.Lock()


def _qualitative_verdicts(cat: Catalogue, key: tuple[str, str]) -> list[tuple[Entry, Indicator, str]]:
    """(entry, indicator, verdict) of every indicator of the index that the rules do not judge by its
    figures, judged once per generation (it depends on the records only)."""
    from qa.checks.base import verdict

    with _verdicts_lock:
        found = _verdicts.get(key)
    if found is None:
        found = []
        for e in cat.entries:
            for ind in e.project.indicators:
                if ind.target.value is not None and ind.actual is not None and ind.actual.value is not None:
                    continue  # figures are judged by the rule itself
                got = verdict(ind.actual)
                if got:
                    found.append((e, ind, got))
        with _verdicts_lock:
            for old in [k for k in _verdicts if k[0] == key[0]]:
                del _verdicts[old]
            _verdicts[key] = found
    return found


def _indicator(entry: Entry, ind: Indicator | str | None) -> Indicator | None:
    if not isinstance(ind, str):
        return ind
    if not ind:
        return None
    return next((i for i in entry.project.indicators if i.name == ind), None)


# Per index generation: (document file name, project name) -> entry, over the whole catalogue.
_whole_pairs: dict[tuple[str, str], dict[tuple[str, str], Entry]] = {}


def _pairs(key: tuple[str, str], scope: Sequence[Entry], whole: bool) -> dict[tuple[str, str], Entry]:
    """How a finding (which names its document and project) finds its entry in the scope; `key` is the
    index's (directory, generation)."""
    if not whole:
        return {(e.document.name, e.name): e for e in scope}
    with _verdicts_lock:
        found = _whole_pairs.get(key)
    if found is None:
        found = {(e.document.name, e.name): e for e in scope}
        with _verdicts_lock:
            for old in [k for k in _whole_pairs if k[0] == key[0]]:
                del _whole_pairs[old]
            _whole_pairs[key] = found
    return found


def _rule_findings(ctx: Context, rules: tuple[str, ...]) -> list[Finding]:
    """These rules' findings: those stored with the index's generation, else the rules run now."""
    from qa.findings_store import stored

    found = stored(ctx.index, ctx.settings)
    if found is None:
        return _findings(ctx.index, rules, ctx.settings)
    wanted = set(rules)
    return [f for f in found if f.rule in wanted]


def _doc_name(document: str) -> str:
    return document.replace("\\", "/").rsplit("/", 1)[-1]
