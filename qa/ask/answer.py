"""The entry point: a question to an Answer, with the notes on what was read as what and what was not read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from corpus.errors import QuestionError
from corpus.model import Answer
from corpus.settings import Settings
from qa.ask.catalogue import _catalogue
from qa.ask.context import Context
from qa.ask.fields import _GOAL_FIELDS, _TABLE_FIELDS
from qa.ask.question import _item_level, parse_question
from qa.ask.render import Paging, paged
from qa.ask.route import _route
from qa.ask.text import TEXT
from qa.ask.words import _field_level
from qa.coverage import coverage_of

if TYPE_CHECKING:
    from index.protocol import SearchIndex


def ask(
    question: str,
    index: SearchIndex,
    settings: Settings | None = None,
    *,
    page_size: int | None = None,
    page: int = 1,
) -> Answer:
    """Answer a reviewer's question from the index's records; every figure and project is cited.

    Intents: mentions (哪些项目提到 X), lookup (a project's field or an indicator's figure), rank (最高/最低/前N),
    filter (低于/高于 a value), count / sum (几个, 合计), findings (the checks), search (anything else,
    labelled 检索结果，仅供参考) and unknown (nothing that exists is named; suggestions say what does).

    Args:
        question: the question in Chinese.
        index: an opened `index.store.Index`.
        settings: tolerances and thresholds; the index's settings when None.
        page_size: for a person: a long list (mentions, findings) writes out this many items with the
            total and which page it is (`render.PAGE_SIZE` is the CLI's and the app's); `projects` and
            the count stay complete. None (the default, and JSON's): every item.
        page: which page of `page_size` items (from 1).
    Returns:
        An Answer with kind, a short Chinese text, the projects named, the figures (Value) and citations.
    Raises:
        QuestionError: the question is empty or the index holds no document.

    Example:
        index = Index.open(".jixiao/index", create=False)
        answer = ask("2023年预算执行率最低的项目是哪个？", index)
        answer.kind  # 'rank'
        answer.projects  # the project (or the tied projects) with the lowest printed 执行率
        answer.values[0]  # Value(project=…, indicator=None, field='execution_rate', value=Decimal(…), unit='%')
    """
    if not question or not question.strip():
        raise QuestionError(TEXT["empty_question"])
    cat = _catalogue(index)
    if not cat.entries:
        refused = _refused(index)
        if refused:
            names = "、".join(r.name for r in refused)
            raise QuestionError(TEXT["empty_index_refused"].format(n=len(refused), names=names))
        raise QuestionError(TEXT["empty_index"])
    settings = settings or index.settings
    ctx = Context(index, cat, settings, parse_question(question.strip(), cat))
    with paged(Paging(page_size, page)):
        answer = _route(ctx)
    read_as = [r for r in ctx.p.refs if r.how in ("partial", "semantic") and r.names]
    if read_as and answer.kind != "unknown":
        note = "；".join(
            TEXT["read_as"].format(words=r.words, name=r.names[0], how=TEXT[f"read_{r.how}"]) for r in read_as
        )
        answer = replace(answer, text=f"{answer.text}\n（{note}）")
    unread = _unread_note(ctx, answer)
    if unread:
        answer = replace(answer, text=f"{answer.text}\n{unread}")
    return answer


def _refused(index: SearchIndex) -> tuple:
    return tuple(index.refused())


def _looked_in(ctx: Context, answer: Answer) -> str | None:
    """The part of the forms the answer read ("money", "goals", "indicators"), or None for any part."""
    if answer.kind in ("mentions", "search", "findings", "unknown"):
        return None
    fields = set(ctx.p.fields())
    levels = {_field_level().get(f) for f in fields}
    if (
        "indicator" in levels
        or fields & _TABLE_FIELDS
        or any(v.indicator for v in answer.values)
        or _item_level(ctx.p) == "indicator"
    ):
        return "indicators"
    if fields & _GOAL_FIELDS:
        return "goals"
    if "project" in levels:
        return "money"
    return None


def _unread_note(ctx: Context, answer: Answer) -> str | None:
    """`另有 1 个文件未能读取（…）、5 个项目的指标未能完整读取，结果可能不完整。` where what the answer looked
    in was not all read: beside every answer over the scope, and beside a look-up only when the projects it
    names were not read whole. A "none" never stands alone where the field it looked in was unread."""
    refused = _refused(ctx.index)
    if not (refused or ctx.cat.unread_documents):
        return None
    part = _looked_in(ctx, answer)
    if answer.kind == "lookup" and ctx.p.names:
        named = {e.position for e in ctx.entries_named(ctx.p.names)}
        projects = [e.project for e in ctx.cat.unread if e.position in named]
        if not projects:
            return None
        return coverage_of(ctx.cat.unread_documents, (), part, projects, forms=False).named_note()
    if ctx.p.years or ctx.p.kinds or ctx.p.org:
        in_scope = {e.position for e in ctx.scoped(ctx.cat.unread)}
        projects = [e.project for e in ctx.cat.unread if e.position in in_scope]
    else:
        projects = [e.project for e in ctx.cat.unread]
    # A refused file or an unread form may hold what was asked for, whatever the scope.
    return coverage_of(ctx.cat.unread_documents, refused, part, projects).note()


def prepare(index: SearchIndex, settings: Settings | None = None) -> None:
    """Build, once per index generation, what answering reads, so that no reviewer's question pays for it:
    the catalogue, the name words and characters (name resolution, near names), every project-level
    figure (rankings and filters), the stored findings decoded and every qualitative indicator judged
    (findings questions), and the short forms the passages define (mentions). `jixiao serve` runs it when
    it starts; without it the first question of each kind builds its part.

    Args:
        index: an opened index.
        settings: as for `ask`.
    """
    from qa.ask.catalogue import _index_key
    from qa.ask.findings import _pairs, _qualitative_verdicts
    from qa.ask.near import name_chars, name_words
    from qa.findings_store import stored

    cat = _catalogue(index)
    if not cat.entries:
        return
    name_words(cat)
    name_chars(cat)
    for fld, level in _field_level().items():
        if level == "project":
            cat.project_lacking(fld)
            for descending in (False, True):
                cat.ranked(fld, descending)
    cat.in_years(cat.years[:1])
    key = _index_key(index)
    _qualitative_verdicts(cat, key)
    _pairs(key, cat.entries, True)
    stored(index, settings or index.settings)
    index.warm()


def ask_many(
    questions: Iterable[str],
    index: SearchIndex,
    settings: Settings | None = None,
    *,
    page_size: int | None = None,
) -> list[Answer]:
    """Answer several questions with one loaded model and one catalogue (the batch path).

    Args:
        questions: the questions.
        index: an opened index.
        settings: as for `ask`.
        page_size: as for `ask`.
    Returns:
        One Answer per question, in order.
    """
    return [ask(q, index, settings, page_size=page_size) for q in questions]
