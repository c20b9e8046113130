"""The mentions intent: which projects mention (or do not mention) a topic."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from corpus.model import Answer, Value
from index.passages import MATCH_LABELS
from qa.ask.cite import _cite, _snippet, _source_with_text
from qa.ask.context import _answer
from qa.ask.near import near_terms
from qa.ask.question import _find_all, _strip_phrase
from qa.ask.render import _listed, _unique, paging
from qa.ask.text import TEXT
from qa.ask.words import _GENERIC_WORDS, COUNT_UNIT, PROJECT_WORD, _compact, vocabulary

MATCH_ORDER = list(MATCH_LABELS)  # strongest first

if TYPE_CHECKING:
    from qa.ask.catalogue import Entry
    from qa.ask.context import Context
    from qa.ask.question import Parsed


def _mention_request(p: Parsed) -> tuple[str, bool, bool] | None:
    """(topic, negated, count) when the question asks which projects mention something."""
    v = vocabulary()
    t = p.text
    outside = p.without(["project"])
    if PROJECT_WORD not in outside:
        return None
    count = bool(re.search(v["count_pattern"], outside))
    openers = "|".join(map(re.escape, v["mention_pair_openers"]))
    closers = "|".join(map(re.escape, v["mention_pair_closers"]))
    for m in re.finditer(rf"(?:{openers})(.+?)(?:{closers})", t):
        topic = _trim_topic(m.group(1))
        if topic and PROJECT_WORD not in topic and p.free(m.start(), m.end(), ["project"]):
            return topic, _negated(t, m.start()), count
    for verb in sorted(map(_compact, v["mention_verbs"]), key=len, reverse=True):
        for at in _find_all(t, verb):
            if not p.free(at, at + len(verb), ["project"]):
                continue
            topic = _trim_topic(re.split(r"[，。？！?!,;；]", t[at + len(verb) :])[0])
            if not topic:
                before = re.split(r"[，。？！?!,;；]", t[:at])[-1]
                topic = _trim_topic(_strip_phrase(before))
            if topic and topic not in _GENERIC_WORDS and topic not in map(_compact, v["list_words"]):
                return topic, _negated(t, at), count
    return None


def _negated(text: str, at: int) -> bool:
    before = text[max(0, at - 2) : at]
    return any(before.endswith(n) for n in vocabulary()["mention_negations"])


def _trim_topic(topic: str) -> str:
    """The topic without the question's frame around it (了/关于 before it, 的内容/吗 after it)."""
    v = vocabulary()
    trims = sorted(
        (_compact(w) for w in v["mention_topic_trim"] + v["question_words"]), key=len, reverse=True
    )
    leads = sorted((_compact(w) for w in v["mention_topic_leads"]), key=len, reverse=True)
    changed = True
    while changed and topic:
        changed = False
        for w in trims:
            if topic.endswith(w) and len(topic) > len(w):
                topic, changed = topic[: -len(w)], True
        for w in leads:
            if topic.startswith(w) and len(topic) > len(w) + 1:
                topic, changed = topic[len(w) :], True
    return "" if topic in trims else topic


def _answer_mentions(ctx: Context, topic: str, negated: bool, count: bool) -> Answer:
    """index.mentions(topic), all of it, narrowed to the question's scope."""
    where = ctx.cat.by_location
    in_scope = None if ctx.unscoped else {e.position for e in ctx.scoped()}
    found = ctx.index.mentions(topic)
    # Which projects is known without rendering a passage; only the page shown renders its passages.
    hits: list[tuple[Entry, int]] = []
    for i, location in enumerate(found.locations()):
        entry = where.get(location)
        if entry is not None and (in_scope is None or entry.position in in_scope):
            hits.append((entry, i))
    hits.sort(key=lambda h: h[0].position)
    values = []
    if negated:
        named = {h[0].position for h in hits}
        rest = [e for e in ctx.scoped() if e.position not in named]
        names = _unique(e.name for e in rest)
        if count:
            values.append(Value("", None, "count", Decimal(len(names)), COUNT_UNIT))
        text = TEXT["mentions_negative"].format(topic=topic, n=len(names), names=_listed(names, "、"))
        shown, note = paging().page(rest, "个项目")
        citations = [_cite(e, None) for e in shown]
        text += f"\n{note}" if note else ""
        return _answer(ctx, "mentions", text, projects=names, values=values, citations=citations)
    names = _unique(h[0].name for h in hits)
    if count:
        values.append(Value("", None, "count", Decimal(len(names)), COUNT_UNIT))
    if not names:
        text = TEXT["mentions_none"].format(topic=topic)
        # A topic one character off a word of the names (执发 for 执法) is offered, never searched instead.
        near = near_terms(topic, ctx.cat)
        if near:
            terms = "”或“".join(term for term, _ in near)
            text += TEXT["mentions_near"].format(topic=topic, terms=terms, names="、".join(near[0][1][:5]))
        return _answer(ctx, "mentions", text, projects=[], values=values)
    lines = [TEXT["mentions_some"].format(topic=topic, n=len(names), names=_listed(names, "、"))]
    citations = []
    # Every project is in `projects`; a person is shown one page of lines and citations at a time.
    shown, more = paging().page(hits, "个项目")
    for entry, i in shown:
        pm = found[i]
        # The passages that match best first: a project found literally is cited where it says it.
        ordered = sorted(pm.passages, key=lambda m: MATCH_ORDER.index(m.match))
        passages = [(m.source, m.text, m.term or topic) for m in ordered]
        reason = MATCH_LABELS[pm.match]
        terms = _unique(term for _s, _x, term in passages)
        # Why it matched (原文, 简称, 同义词, 语义相近), and what the document wrote where it is another name
        # (全国碳排放权交易市场 for 碳市场); lexical matches join the topic's words by +.
        written = [t for t in terms if t != _compact(topic) and "+" not in t]
        note = TEXT["written_as"].format(words="”“".join(written)) if written else ""
        lines.append(f"- {entry.name}［{reason}］{note}：{_snippet(passages[0][1], terms[0])}")
        for source, text, term in passages[:3]:
            citations.append(_cite(entry, _source_with_text(source, text), None, term))
    if more:
        lines.append(more)
    return _answer(ctx, "mentions", "\n".join(lines), projects=names, values=values, citations=citations)
