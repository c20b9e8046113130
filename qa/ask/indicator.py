"""Which indicator of a project the question names: by name, by shared words, by unit, by meaning."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from corpus.model import Indicator
from qa.ask.money import _unit
from qa.ask.question import Span, _find_all, _residual
from qa.ask.render import _unique
from qa.ask.words import MAX_SUGGESTIONS, _compact, _field_level, vocabulary

if TYPE_CHECKING:
    from qa.ask.catalogue import Entry
    from qa.ask.context import Context
    from qa.ask.question import Parsed


# Indicator choice: lexical overlap (bigram F1), a unit the question names, and meaning where words fall short.
UNIT_BONUS = 0.5
LEVEL_FACTOR = 0.9
SEMANTIC_WEIGHT = 0.6
SEMANTIC_FLOOR = 0.80
SEMANTIC_SPAN = 0.15
_SKIP_CHARS = set("的了和与及、，。？！；：,.?!;:（）()“”\"'‘’「」《》【】[] ")


def _bigrams(text: str) -> set[str]:
    s = "".join(c for c in text if c not in _SKIP_CHARS)
    if len(s) < 2:
        return {s} if s else set()
    return {s[i : i + 2] for i in range(len(s) - 1)}


def _overlap(runs: Sequence[str], name: str) -> float:
    asked: set[str] = set()
    for r in runs:
        asked |= _bigrams(r)
    have = _bigrams(_compact(name))
    if not asked or not have:
        return 0.0
    hit = len(asked & have)
    if not hit:
        return 0.0
    precision, recall = hit / len(asked), hit / len(have)
    return 2 * precision * recall / (precision + recall)


def _mark_units(ctx: Context) -> list[str]:
    """Units of the indicators written in the question after 多少/几/a number (多少家, 多少平方米)."""
    p = ctx.p
    found = []
    for u in ctx.cat.units:
        cu = _compact(u)
        for at in _find_all(p.text, cu):
            before = p.text[max(0, at - 3) : at]
            if p.free(at, at + len(cu)) and re.search(r"(?:多少|几|[0-9])$", before):
                p.spans.append(Span(at, at + len(cu), "unit", u))
                found.append(u)
    return found


def _choose_indicator(
    ctx: Context, entries: Sequence[Entry]
) -> tuple[list[tuple[Entry, Indicator]], list[str], str]:
    """The indicator the question names in these projects: (matches, near names when unsure, the words)."""
    p = ctx.p
    units = _mark_units(ctx)
    runs = _residual(p)
    words = "".join(runs).strip("的了")
    candidates = [(e, ind) for e in entries for ind in e.project.indicators]
    if not candidates:
        return [], [], words
    text = p.without(["project"])
    exact = [(e, i) for e, i in candidates if len(_compact(i.name)) >= 2 and _compact(i.name) in text]
    if exact:
        longest = max(len(_compact(i.name)) for _e, i in exact)
        return [(e, i) for e, i in exact if len(_compact(i.name)) == longest], [], words
    if not runs and not units:
        return [], [], words
    # The category (服务对象满意度指标, 时效指标) also names an indicator, a little less surely than its name.
    lexical = [
        max(_overlap(runs, ind.name), LEVEL_FACTOR * _overlap(runs, ind.level2)) for _e, ind in candidates
    ]
    unit_hit = [
        bool(units) and any(_unit(m) in units for m in (ind.target, ind.actual) if m is not None)
        for _e, ind in candidates
    ]
    scores = [lex + (UNIT_BONUS if hit else 0.0) for lex, hit in zip(lexical, unit_hit, strict=True)]
    order = sorted(range(len(candidates)), key=lambda k: -scores[k])
    best = scores[order[0]]
    second = scores[order[1]] if len(order) > 1 else 0.0
    sims: list[float] = []
    if words and (best < 0.6 or best - second < ctx.settings.indicator_margin):
        sims = _indicator_similarity(ctx, words, [ind.name for _e, ind in candidates])
        for k, sim in enumerate(sims):
            scores[k] += SEMANTIC_WEIGHT * min(1.0, max(0.0, (sim - SEMANTIC_FLOOR) / SEMANTIC_SPAN))
        order = sorted(range(len(candidates)), key=lambda k: -scores[k])
        best = scores[order[0]]
        second = scores[order[1]] if len(order) > 1 else 0.0
    near = _unique(candidates[k][1].name for k in order[:MAX_SUGGESTIONS])
    if best < ctx.settings.indicator_min_score:
        return [], near, words
    top = order[0]
    if sims and lexical[top] == 0 and not unit_hit[top]:
        # Meaning alone must be clear: on the samples an indicator a project does not have still reaches
        # 0.91 against one of its indicators, but only 0.04 ahead of the next.
        ranked = sorted(sims, reverse=True)
        if ranked[0] < ctx.settings.indicator_semantic_alone or (
            len(ranked) > 1 and ranked[0] - ranked[1] < ctx.settings.indicator_semantic_margin
        ):
            return [], near, words
    names_top = {candidates[k][1].name for k in order[:2]}
    if best - second < ctx.settings.indicator_margin and len(names_top) > 1:
        return [], near, words
    chosen_name = candidates[top][1].name
    return [(e, i) for e, i in candidates if i.name == chosen_name], [], words


def _indicator_similarity(ctx: Context, words: str, names: Sequence[str]) -> list[float]:
    embedder = ctx.embedder()
    vectors = embedder.encode_queries([words, *names])
    return [float(vectors[k + 1] @ vectors[0]) for k in range(len(names))]


def _indicator_fields(p: Parsed, kind: str) -> list[str]:
    """target / actual / weight / score / note: those the question names, else by its tense."""
    v = vocabulary()
    wanted = [f for f in p.fields() if _field_level().get(f) == "indicator"]
    text = p.without(["project"])
    if "target" not in wanted and any(_compact(w) in text for w in v["target_cues"]):
        wanted.append("target")
    if "actual" not in wanted and (
        any(_compact(w) in text for w in v["actual_cues"]) or re.search(v["past_tense_pattern"], text)
    ):
        wanted.append("actual")
    if kind != "self_evaluation":
        wanted = [f for f in wanted if f in ("target", "note")] or ["target"]
    if not wanted:
        wanted = ["target", "actual"] if kind == "self_evaluation" else ["target"]
    order = ["target", "actual", "weight", "score", "note"]
    return sorted(dict.fromkeys(wanted), key=order.index)


def _choose_is_ambiguous(near: Sequence[str], words: str) -> bool:
    return _overlap([words], near[0]) > 0 and _overlap([words], near[1]) > 0
