"""The findings intent: questions about problems, answered by the checks (qa/checks)."""

from __future__ import annotations

import re
import threading
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
    from qa.ask.catalogue import Entry
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
    scope = ctx.scoped(ctx.entries_named(ctx.p.names) if ctx.p.names else None)
    allowed = {(e.document.name, e.name) for e in scope}
    found = [f for f in _rule_findings(ctx, req.rules) if (_doc_name(f.document), f.project) in allowed]
    items: list[tuple[Entry, Indicator | None, str, Source | None]] = []
    by_pair = {(e.document.name, e.name): e for e in scope}
    for f in found:
        entry = by_pair[(_doc_name(f.document), f.project)]
        ind = next((i for i in entry.project.indicators if f.indicator and i.name == f.indicator), None)
        items.append((entry, ind, f.message, f.source))
    if req.verdicts:
        in_scope = {e.position for e in scope}
        for e, ind, got in _qualitative_verdicts(ctx):
            if got in req.verdicts and e.position in in_scope:
                msg = TEXT["verdict_finding"].format(
                    name=ind.name,
                    target=_show_measure(ind.target),
                    actual=_show_measure(ind.actual),
                    verdict=TEXT[f"verdict_{got}"],
                )
                items.append((e, ind, msg, ind.source))
    items.sort(key=lambda it: (it[0].position, it[3].line if it[3] else 0))
    what = req.what
    projects = list(dict.fromkeys(e.name for e, *_ in items))
    values: list[Value] = []
    if req.count:
        n = len(items) if _item_level(ctx.p) == "indicator" else len(projects)
        values.append(Value("", None, "count", Decimal(n), COUNT_UNIT))
    if not items:
        return _answer(ctx, "findings", TEXT["findings_none"].format(what=what), projects=[], values=values)
    # Every project is in `projects`; a person is shown one page of items (lines, figures, citations).
    shown, more = paging().page(items, "处")
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


# Per index generation: every indicator judged by its words alone (no figures on both sides), with its verdict.
_verdicts: dict[tuple[str, str], list[tuple[Entry, Indicator, str]]] = {}
_verdicts_lock = threading.Lock()


def _qualitative_verdicts(ctx: Context) -> list[tuple[Entry, Indicator, str]]:
    """(entry, indicator, verdict) of every indicator of the index that the rules do not judge by its
    figures, judged once per generation (it depends on the records only)."""
    from qa.checks.base import verdict

    key = (str(ctx.index.directory), str(ctx.index.manifest.get("generation")))
    with _verdicts_lock:
        found = _verdicts.get(key)
    if found is None:
        found = []
        for e in ctx.cat.entries:
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
