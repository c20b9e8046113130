"""Shared-term matching of goal clauses against outcome clauses or indicators (the semantic rules' core)."""

from __future__ import annotations

import math
import re
from collections.abc import Container, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from corpus.model import Project
from qa.checks import vocab
from qa.checks.base import Context, compact

_PIECE_END = re.compile(r"[，,；;。！!？?]")
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


# Near-synonyms goals and outcomes use for the same act (on top of vocab.SYNONYMS, which indicators share):
# 按月支付服务费 is reported as 服务费用按月发放, 确定信用等级 as 信用评级, 核查 as 检查.
GOAL_SYNONYMS: tuple[frozenset[str], ...] = (
    frozenset({"支付", "发放", "拨付"}),
    frozenset({"评估", "评价"}),
    frozenset({"核查", "检查", "抽查"}),
    frozenset({"整治", "治理"}),
    frozenset({"等级", "评级"}),
    frozenset({"放射", "辐射"}),
    # The deliverables a goal names, as outcomes report them (编制方案 / 制定方案, 考核 / 考评).
    frozenset({"编制", "制定", "起草"}),
    frozenset({"分析", "研判"}),
    frozenset({"考核", "考评"}),
    frozenset({"调查", "调研"}),
    frozenset({"总结", "小结"}),
)


# The same goal terms recur across a run's projects: their spellings are worked out once.
@lru_cache(maxsize=65536)
def _variants(term: str) -> tuple[str, ...]:
    """The term and its near-synonym spellings (检测装备 -> 检测设备 …)."""
    out = [term]
    for group in vocab.SYNONYMS + GOAL_SYNONYMS:
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


def is_effect(piece: str) -> bool:
    """提高从业人员业务能力 / 改善区域生态环境质量: an effect the tasks should have, measured by 效益 rows."""
    core = piece
    for hedge in vocab.GOAL_EFFECT_HEDGES:
        core = core.removeprefix(hedge)
    return core.startswith(vocab.GOAL_EFFECT_VERBS) and core.endswith(vocab.GOAL_EFFECT_HEADS)


def figures(text: str) -> frozenset[tuple[Decimal, str]]:
    """The counted figures of a text: `不少于17人` -> {(17, 人)}; `≥17.00(人)` -> {(17, 人)}."""
    # A goal unit is held against every reference of its project: short texts are read once.
    return _short_figures(text) if len(text) <= _SHORT else _figures(text)


def _figures(text: str) -> frozenset[tuple[Decimal, str]]:
    return frozenset((Decimal(m["num"]).normalize(), m["unit"]) for m in _FIGURE.finditer(compact(text)))


_SHORT = 200
_short_figures = lru_cache(maxsize=65536)(_figures)


def pieces(text: str) -> list[str]:
    """A clause cut at commas and stops: the units outcomes and goals are compared in."""
    return [p for p in _PIECE_END.split(compact(text)) if p]
