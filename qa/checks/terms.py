"""Shared-term matching of goal clauses against outcome clauses or indicators (the semantic rules' core)."""

from __future__ import annotations

import math
import re
from collections.abc import Container, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from corpus.model import Clause, Finding, Project
from qa.checks import vocab
from qa.checks.base import Context, compact, make_finding, starts_any

_PIECE_END = re.compile(r"[，,；;。！!？?]")
_ENUMERATION = re.compile(r"[、]")
_LABEL = re.compile(r"^[(（]([^()（）]{1,30})[)）][:：]?")
_DIGITS = re.compile(r"^[\d.%]+$")
_UNITS = "|".join(
    re.escape(u) for u in sorted({u for f in vocab.UNIT_FAMILIES for u in f}, key=len, reverse=True)
)
_FIGURE = re.compile(rf"(?<![\d.])(?P<num>\d+(?:\.\d+)?)\(?(?P<unit>{_UNITS})")


@lru_cache(maxsize=16384)
def content_terms(text: str) -> tuple[str, ...]:
    """The words that carry a clause's topic: jieba terms without stopwords, generic verbs and figures."""
    from index.segment import terms

    return tuple(
        t for t in terms(compact(text)) if t not in vocab.GENERIC_GOAL_TERMS and not _DIGITS.match(t)
    )


@lru_cache(maxsize=1024)
def subject_terms(name: str) -> frozenset[str]:
    """The words of a project name and their parts (综合执法 -> 综合执法, 综合, 执法): what every clause is about."""
    from index.segment import tokenize

    return frozenset(t for t in tokenize(compact(name)) if len(t) >= 2)


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


# The same goal terms recur across a run's projects: their spellings are worked out once.
@lru_cache(maxsize=65536)
def _variants(term: str) -> tuple[str, ...]:
    """The term and its near-synonym spellings (检测装备 -> 检测设备 …)."""
    out = [term]
    for group in vocab.SYNONYMS:
        for word in group:
            if word in term:
                out += [term.replace(word, other) for other in group if other != word]
    return tuple(out)


@lru_cache(maxsize=65536)
def _spellings(term: str) -> tuple[tuple[str, frozenset[str], int], ...]:
    """Each variant with its bigrams and the common length that counts as most of it (two thirds)."""
    return tuple((v, frozenset(_bigrams(v)), max(2, -(-2 * len(v) // 3))) for v in _variants(term))


@dataclass(frozen=True)
class Reference:
    """A text a goal may be matched against: an outcome clause or an indicator."""

    label: str  # as shown to the reviewer
    text: str

    @property
    def compact(self) -> str:
        return compact(self.text)


def _shares_run(a: str, b: str, length: int) -> bool:
    """Whether `a` and `b` share a substring of `length` characters (their longest common one is that long)."""
    return any(a[i : i + length] in b for i in range(len(a) - length + 1))


def mentions(term: str, text: str, bigrams: set[str] | None = None) -> bool:
    """Whether `text` mentions `term`: literally, through a synonym, or by most of it.

    故障率 is mentioned by 故障发生率 (two thirds of it in one piece), 检测装备 by 检测专用设备
    (synonym 设备, most bigrams); 水环境质量 is not mentioned by 环境质量控制 alone.
    """
    if term in text:
        return True
    spellings = _spellings(term)
    if len(spellings) > 1 and any(v in text for v, _, _ in spellings):
        return True
    if len(term) < 3:
        return False
    # A bigram of the term is in the text's bigrams exactly when the text contains it.
    have: Container[str] = bigrams if bigrams is not None else text
    for variant, grams, most in spellings:
        shared = sum(g in have for g in grams)
        if shared / len(grams) >= 0.6:
            return True
        # A common run of two characters or more holds a shared bigram: none shared, no run.
        if shared and _shares_run(variant, text, most):
            return True
    return False


class TermWeights:
    """Inverse document frequency of terms over the clauses and indicator names of the documents checked.

    A word every project uses (生态环境, 管理) weighs little; a word only this goal uses (船舶) weighs most.
    """

    def __init__(self, texts: Iterable[str]) -> None:
        # Distinct pieces: a 年度总体目标 that repeats the 项目总目标 word for word counts once.
        self.pieces = list(dict.fromkeys(compact(t) for t in texts if t.strip()))
        # One string to search instead of a Python loop over the pieces; compact pieces hold no newline.
        self._joined = "\n".join(self.pieces)
        self._df: dict[str, int] = {}
        self._weights: dict[str, float] = {}

    def frequency(self, term: str) -> int:
        """In how many pieces the term occurs."""
        df = self._df.get(term)
        if df is None:
            df = self._df[term] = self._count_pieces(term)
        return df

    def _count_pieces(self, term: str) -> int:
        if not term or "\n" in term:
            return sum(term in piece for piece in self.pieces)
        joined, count, at = self._joined, 0, 0
        while (at := joined.find(term, at)) >= 0:
            count += 1
            # Count a piece once however often it says the term: go on from the next piece.
            at = joined.find("\n", at + len(term))
            if at < 0:
                break
        return count

    def weight(self, term: str) -> float:
        w = self._weights.get(term)
        if w is None:
            w = self._weights[term] = math.log((len(self.pieces) + 1) / (self.frequency(term) + 1)) + 1.0
        return w

    def is_specific(self, term: str, share: float) -> bool:
        """A term few pieces use (at most `share` of them, and at most three in a short text)."""
        return self.frequency(term) <= max(3.0, share * len(self.pieces))


def project_texts(project: Project) -> list[str]:
    """Every clause piece and indicator name of a project (what term weights are counted over)."""
    texts: list[str] = []
    for block in (
        project.goals.expected,
        project.goals.achieved,
        project.goals.overall,
        project.goals.annual,
    ):
        if block is not None:
            for clause in block.clauses:
                texts += [p for p in _PIECE_END.split(clause.text) if p]
    texts += [i.name for i in project.indicators]
    return texts


def weights_for(ctx: Context, project: Project) -> TermWeights:
    """The term weights of the run (all documents checked), or of this project alone."""
    stats = ctx.cache.get("term_weights")
    if stats is None:
        texts = [t for p in ctx.projects for t in project_texts(p)] or project_texts(project)
        stats = ctx.cache["term_weights"] = TermWeights(texts)
    return stats


@dataclass(frozen=True)
class GoalUnit:
    """One task of a goal clause: a piece between commas or between the items of a 、 list."""

    text: str
    terms: tuple[str, ...]


def is_task(piece: str) -> bool:
    """A piece that names something to deliver, not a purpose, a manner, a conformity or a slogan."""
    core = _LABEL.sub("", piece)
    return not is_effect(core) and not (
        starts_any(core, vocab.GOAL_MODIFIER_OPENINGS)
        or core.endswith(vocab.GOAL_MODIFIER_ENDINGS)
        or any(s in core for s in vocab.GOAL_SLOGAN_TERMS)
        or any(s in core for s in vocab.GOAL_PROBLEM_WORDS)
    )


def is_effect(piece: str) -> bool:
    """提高从业人员业务能力 / 改善区域生态环境质量: an effect the tasks should have, measured by 效益 rows."""
    core = piece
    for hedge in vocab.GOAL_EFFECT_HEDGES:
        core = core.removeprefix(hedge)
    return core.startswith(vocab.GOAL_EFFECT_VERBS) and core.endswith(vocab.GOAL_EFFECT_HEADS)


def goal_units(clause: Clause, subject: Iterable[str] = ()) -> list[GoalUnit]:
    """The tasks a goal clause names, each with its topic terms.

    Args:
        clause: a goal clause.
        subject: terms of the project's own name; every clause is about them, so they do not count.
    """
    known = set(subject)
    units = []
    for part, candidates in _tasks(clause.text):
        terms = tuple(t for t in candidates if t not in known)
        if terms:
            units.append(GoalUnit(part, terms))
    return units


@lru_cache(maxsize=16384)
def _tasks(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each task of a clause text with its terms, before the project's own name is taken out.

    The same clause recurs across a run's projects under other names: it is cut and segmented once.
    """
    tasks = []
    for piece in _PIECE_END.split(compact(text)):
        # 为…、包括…、按照…要求: the whole comma piece is a purpose or a detail, list and all.
        if not piece or not is_task(piece):
            continue
        scope = set(content_terms(_scope_of(piece)))
        for part in _enumerated(piece):
            if len(content_terms(part)) >= 2 and is_task(part):
                tasks.append((part, tuple(t for t in content_terms(part) if t not in scope)))
    return tuple(tasks)


def _scope_of(piece: str) -> str:
    """The text before the last scope marker: `固废、土壤环境领域执法工作` -> `固废、土壤环境`."""
    cut = max(piece.rfind(marker) for marker in vocab.GOAL_SCOPE_MARKERS)
    return piece[:cut] if cut > 0 else ""


def figures(text: str) -> frozenset[tuple[Decimal, str]]:
    """The counted figures of a text: `不少于17人` -> {(17, 人)}; `≥17.00(人)` -> {(17, 人)}."""
    # A goal unit is held against every reference of its project: short texts are read once.
    return _short_figures(text) if len(text) <= _SHORT else _figures(text)


def _figures(text: str) -> frozenset[tuple[Decimal, str]]:
    return frozenset((Decimal(m["num"]).normalize(), m["unit"]) for m in _FIGURE.finditer(compact(text)))


_SHORT = 200
_short_figures = lru_cache(maxsize=65536)(_figures)


def _enumerated(piece: str) -> list[str]:
    """`配备检测设备、防护服装` -> both; a part with fewer than two terms stays with its neighbour."""
    parts = [p for p in _ENUMERATION.split(piece) if p]
    merged: list[str] = []
    for part in parts:
        if merged and len(content_terms(part)) < 2:
            merged[-1] += "、" + part
        else:
            merged.append(part)
    return merged


@dataclass(frozen=True)
class Match:
    """How well a reference covers a goal unit."""

    coverage: float  # idf-weighted share of the unit's terms the reference mentions
    missing: tuple[str, ...]
    reference: Reference | None
    similarity: float | None = None  # embedding cosine, when an embedder was given


def coverage(unit: GoalUnit, text: str, weights: TermWeights) -> tuple[float, tuple[str, ...]]:
    """The idf-weighted share of the unit's terms `text` mentions, and the terms it does not."""
    ws = [weights.weight(t) for t in unit.terms]
    return _weigh(unit.terms, ws, sum(ws), [mentions(t, text) for t in unit.terms])


def _weigh(
    terms: tuple[str, ...], ws: list[float], total: float, said: list[bool]
) -> tuple[float, tuple[str, ...]]:
    """`coverage` from which of the terms are mentioned."""
    if all(said):
        return 1.0, ()
    missing = tuple(t for t, s in zip(terms, said, strict=True) if not s)
    lost = sum(w for w, s in zip(ws, said, strict=True) if not s)
    return (1.0 - lost / total if total else 1.0), missing


def term_gap(
    unit: GoalUnit, references: Sequence[Reference], weights: TermWeights, ctx: Context
) -> Match | None:
    """The best term match when no reference speaks of the unit by its words, else None.

    A unit is spoken of when it states a figure a reference states (不少于17人 / ≥17.00(人)), when one
    reference covers enough of its weighted terms, or when all references together do; and a gap needs a
    word that names something particular (a unit missing just 生态环境 or 执法 is a paraphrase).
    """
    stated = figures(unit.text)
    if stated and any(stated & figures(r.text) for r in references):
        return None
    threshold = ctx.settings.goal_term_coverage
    refs = tuple(references)
    texts, whole = _texts_of(refs)
    terms = unit.terms
    ws = [weights.weight(t) for t in terms]
    total = sum(ws)
    # What one reference mentions, all of them run together mention too (literally, by bigrams, by a run
    # of characters): a term the whole does not mention is missing from each, and is not looked for there.
    said_whole = [mentions(t, whole) for t in terms]
    best = Match(0.0, terms, None)
    if any(said_whole):
        for ref, text in zip(refs, texts, strict=True):
            said = [
                maybe and (t in text or mentions(t, text)) for t, maybe in zip(terms, said_whole, strict=True)
            ]
            if not any(said):
                continue  # a reference sharing nothing is not "closest" (its coverage is 0)
            cov, missing = _weigh(terms, ws, total, said)
            if cov > best.coverage:
                best = Match(cov, missing, ref)
    if best.coverage >= threshold:
        return None
    whole_cov, whole_missing = _weigh(terms, ws, total, said_whole)
    share = ctx.settings.goal_specific_share
    if whole_cov >= threshold or not any(weights.is_specific(t, share) for t in whole_missing):
        return None
    return Match(best.coverage, whole_missing, best.reference)


@lru_cache(maxsize=8)
def _texts_of(references: tuple[Reference, ...]) -> tuple[tuple[str, ...], str]:
    """Each reference's compact text, and all of them run together: every unit of a project meets the same."""
    texts = tuple(r.compact for r in references)
    return texts, "".join(texts)


def unreported(
    unit: GoalUnit, references: Sequence[Reference], weights: TermWeights, ctx: Context
) -> Match | None:
    """`term_gap`, then, with an embedder, the closest reference by meaning: very close counts as spoken of."""
    gap = term_gap(unit, references, weights, ctx)
    if gap is None or not references:
        return gap
    vectors = ctx.encode([unit.text] + [r.text for r in references])
    if vectors is None:
        return gap
    sims = vectors[1:] @ vectors[0]
    top = int(sims.argmax())
    if float(sims[top]) >= ctx.settings.goal_embedding_match:
        return None
    closest = gap.reference if gap.reference is not None and gap.coverage > 0 else references[top]
    return Match(gap.coverage, gap.missing, closest, float(sims[top]))


def pieces(text: str) -> list[str]:
    """A clause cut at commas and stops: the units outcomes and goals are compared in."""
    return [p for p in _PIECE_END.split(compact(text)) if p]


def unreported_by_clause(
    clauses: Sequence[Clause], references: Sequence[Reference], project: Project, ctx: Context
) -> list[tuple[Clause, list[tuple[GoalUnit, Match]]]]:
    """For each goal clause, its tasks that no reference speaks of (clauses with none are left out)."""
    weights = weights_for(ctx, project)
    subject = subject_terms(project.name)
    out = []
    for clause in clauses:
        units = goal_units(clause, subject)
        missing = [(u, m) for u in units if (m := unreported(u, references, weights, ctx)) is not None]
        # A clause is unreported when at least half of its tasks are; one stray task of an otherwise
        # reported clause is usually a paraphrase the words do not catch.
        if missing and 2 * len(missing) >= len(units):
            out.append((clause, missing))
    return out


def texts_to_embed(
    clauses: Sequence[Clause], references: Sequence[Reference], project: Project, ctx: Context
) -> list[str]:
    """The unit and reference texts `unreported` will embed: only units with a gap in words are looked at."""
    weights = weights_for(ctx, project)
    subject = subject_terms(project.name)
    units = [
        u.text
        for clause in clauses
        for u in goal_units(clause, subject)
        if term_gap(u, references, weights, ctx) is not None
    ]
    return units + [r.text for r in references] if units else []


def describe_closest(match: Match, where: str) -> str:
    """「最接近的是…（词语覆盖 20%，语义相似度 0.93）」 for a finding's message."""
    if match.reference is None:
        return f"{where}中没有相近的表述"
    score = f"词语覆盖 {match.coverage:.0%}"
    if match.similarity is not None:
        score += f"，语义相似度 {match.similarity:.2f}"
    return f"最接近的是{match.reference.label}（{score}）"


def gap_findings(
    slug: str,
    project: Project,
    clauses: Sequence[Clause],
    refs: list[Reference],
    ctx: Context,
    *,
    block: str,
    gap: str,
    absent: str,
    against: str,
    gap_key: str,
    closest_key: str,
) -> Iterator[Finding]:
    """One finding per goal clause with tasks that no reference covers, naming the closest reference.

    Args:
        block: the goal block the clause is in (预期目标 / 年度总体目标).
        gap: what is missing, as the sentence says it (在实际完成情况中没有对应的完成表述).
        absent: the label of the missing terms (未提及).
        against: what the clause was compared with (实际完成情况 / 绩效指标).
        gap_key, closest_key: the evidence keys of the uncovered tasks and of the closest reference.
    """
    for clause, missing in unreported_by_clause(clauses, refs, project, ctx):
        tasks = "、".join(f"“{unit.text}”" for unit, _ in missing)
        terms = list(dict.fromkeys(t for _, m in missing for t in m.missing))
        closest = min((m for _, m in missing), key=lambda m: m.coverage)
        yield make_finding(
            slug,
            "warning",
            project,
            f"{block}中的{tasks}{gap}（{absent}：{'、'.join(terms)}）；{describe_closest(closest, against)}。",
            evidence={
                "goal_clause": clause.text,
                gap_key: [unit.text for unit, _ in missing],
                "missing_terms": terms,
                closest_key: closest.reference.text if closest.reference else "",
                "term_coverage": round(closest.coverage, 3),
                "similarity": round(closest.similarity, 3) if closest.similarity is not None else None,
            },
            source=clause.source,
        )
