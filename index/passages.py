"""Passages: the searchable pieces of a project, the records a search returns, and where each comes from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from corpus.model import Document, GoalBlock, Indicator, Project, Source

PassageKind = Literal["name", "goal", "outcome", "indicator", "note"]
# Why a passage mentions a topic: the topic as written (literal), all the words of a multi-word topic
# (lexical), an abbreviation or full form of it (abbreviation), another name of it (alias), or a narrower
# or related term (semantic); see index.mentions and index.thesaurus.
MatchKind = Literal["literal", "lexical", "abbreviation", "alias", "semantic"]
MATCH_LABELS: dict[MatchKind, str] = {
    "literal": "原文",
    "lexical": "原文分词",
    "abbreviation": "简称",
    "alias": "同义词",
    "semantic": "语义相近",
}


GOAL_KINDS: dict[str, PassageKind] = {
    "expected": "goal",
    "achieved": "outcome",
    "overall": "goal",
    "annual": "goal",
}


# ----------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Passage:
    """One searchable piece of a project, with the ids of the record it renders and its source.

    `item` is the clause index within its goal block (goal/outcome) or the indicator index
    (indicator/note); None for the project name.
    """

    sha256: str
    document: str  # file name
    project_index: int
    project: str
    kind: PassageKind
    field: str  # goal block label (预期目标 …) or indicator name; 项目名称 for the name
    item: int | None
    text: str
    source: Source

    @property
    def key(self) -> str:
        """A stable id: document hash, project index, kind, field and item."""
        item = "" if self.item is None else self.item
        return f"{self.sha256[:16]}/{self.project_index}/{self.kind}/{self.field}/{item}"

    @property
    def indexed_text(self) -> str:
        """What BM25 sees: the project name gives every passage its context (a name in a query finds its rows)."""
        return self.text if self.kind == "name" else f"{self.project}：{self.text}"

    @property
    def embedded_text(self) -> str:
        """What the embedder sees: the passage alone, so one indicator text in many projects is embedded once.

        The project's name still reaches the fused search through BM25 (`indexed_text`) and the record.
        """
        return self.text


@dataclass(frozen=True)
class Hit:
    """A search result: the passage, its project and document records, and the three scores.

    lexical_score is the BM25 score (0.0 when no query token occurs), dense_score the cosine of query
    and passage, fused_score the reciprocal-rank fusion of the two rankings that orders the hits.
    """

    passage: Passage
    project: Project
    document: Document
    source: Source
    lexical_score: float
    dense_score: float
    fused_score: float


@dataclass(frozen=True)
class Mention:
    """Why a passage mentions a topic: the match kind and the words found in the passage."""

    passage: Passage
    match: MatchKind
    term: str  # the topic, its words (joined by '+'), or the other name of it written in the passage
    similarity: float | None = None  # topic-phrase cosine, for an abbreviation found by the corpus rule

    @property
    def reason(self) -> str:
        """Why it matched, in Chinese: 原文, 原文分词, 简称, 同义词 or 语义相近."""
        return MATCH_LABELS[self.match]

    @property
    def text(self) -> str:
        return self.passage.text

    @property
    def source(self) -> Source:
        return self.passage.source


@dataclass(frozen=True)
class ProjectMentions:
    """A project that mentions a topic, with every passage that does (document order)."""

    project: Project
    document: Document
    passages: tuple[Mention, ...]

    @property
    def name(self) -> str:
        return self.project.name

    @property
    def match(self) -> MatchKind:
        """The strongest match among the passages: literal, lexical, abbreviation, alias, then semantic."""
        return min((m.match for m in self.passages), key=_MATCH_ORDER.index)


_MATCH_ORDER: list[MatchKind] = list(MATCH_LABELS)


# ----------------------------------------------------------------------------- passages


def _indicator_sentence(ind: Indicator) -> str:
    levels = "·".join(x for x in (ind.level1, ind.level2) if x)
    parts = [f"{ind.name}（{levels}）" if levels else ind.name, f"年度指标值 {ind.target.text}"]
    if ind.actual is not None and ind.actual.text:
        parts.append(f"实际完成值 {ind.actual.text}")
    if ind.note:
        parts.append(f"偏差原因分析及改进措施：{ind.note}")
    return "；".join(parts)


# Where a passage comes from in its project, as a part code and an item: the name, a goal block (in
# GOAL_KINDS order; item = clause index, 0 for a block without clauses), an indicator row or its note
# (item = indicator index). `passage_at` renders one from its document, so a served index can give any
# passage from the documents it holds, without keeping passages or reading them back.
PART_NAME = 0
_GOAL_PARTS = {attr: part for part, attr in enumerate(GOAL_KINDS, start=1)}
_GOAL_ATTRS = list(GOAL_KINDS)
PART_INDICATOR = len(GOAL_KINDS) + 1
PART_NOTE = PART_INDICATOR + 1


def passage_locators(document: Document) -> list[tuple[int, int, int]]:
    """(project index, part, item) of every passage of `document`, in `passages_of` order."""
    out: list[tuple[int, int, int]] = []
    for pi, project in enumerate(document.projects):
        out.append((pi, PART_NAME, 0))
        for attr, part in _GOAL_PARTS.items():
            block: GoalBlock | None = getattr(project.goals, attr)
            if block is None:
                continue
            clauses = block.clauses or ()
            if not clauses and block.text.strip():
                out.append((pi, part, 0))
            out.extend((pi, part, ci) for ci, clause in enumerate(clauses) if clause.text.strip())
        for ii, ind in enumerate(project.indicators):
            out.append((pi, PART_INDICATOR, ii))
            if ind.note.strip():
                out.append((pi, PART_NOTE, ii))
    return out


def passage_at(document: Document, project_index: int, part: int, item: int) -> Passage:
    """The passage at a locator of `passage_locators`."""
    project = document.projects[project_index]

    def make(kind: PassageKind, field: str, item: int | None, text: str, source: Source) -> Passage:
        return Passage(
            document.sha256, document.name, project_index, project.name, kind, field, item, text, source
        )

    if part == PART_NAME:
        return make("name", "项目名称", None, project.name, project.source)
    if part < PART_INDICATOR:
        attr = _GOAL_ATTRS[part - 1]
        block: GoalBlock = getattr(project.goals, attr)
        if not block.clauses:
            return make(GOAL_KINDS[attr], block.label, 0, block.text, block.source)
        clause = block.clauses[item]
        return make(GOAL_KINDS[attr], block.label, item, clause.text, clause.source)
    ind = project.indicators[item]
    if part == PART_INDICATOR:
        return make("indicator", ind.name, item, _indicator_sentence(ind), ind.source)
    return make("note", ind.name, item, ind.note, ind.source)


def passages_of(document: Document) -> list[Passage]:
    """A document -> its passages: per project the name, goal and outcome clauses, indicator rows
    rendered as sentences (name, target, actual, note) and deviation notes.

    Args:
        document: a parsed document.
    Returns:
        The passages in document order.
    """
    return [passage_at(document, *locator) for locator in passage_locators(document)]
