"""What every rule shares: the Rule record, the run context and the helpers that read a table row."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from functools import lru_cache
from typing import Any, Literal

from corpus.model import Finding, GoalBlock, Indicator, Measure, Project, Severity, Source, to_jsonable
from corpus.settings import Settings
from qa.checks import vocab

Scope = Literal["project", "pair", "document"]
Verdict = Literal["met", "partly", "unmet"]

SELF_EVALUATION: frozenset[str] = frozenset({"self_evaluation"})
DECLARATION: frozenset[str] = frozenset({"declaration"})
ANY_KIND: frozenset[str] = SELF_EVALUATION | DECLARATION

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class Rule:
    """One check: `fn(project, ctx)` (scope project), `fn(declaration, earlier, ctx)` (pair) or `fn(document, ctx)`."""

    slug: str
    severity_default: Severity
    scope: Scope
    kinds: frozenset[str]
    fn: Callable[..., Iterable[Finding]]
    doc: str
    # The texts the rule will embed for a project: run_checks embeds a whole run's in one batch
    # (one batch of hundreds costs about as much as a dozen single calls).
    embeds: Callable[[Project, Context], list[str]] | None = None
    # What a reviewer reads: the rule's name in Chinese (核查, 总览, Excel), never the slug.
    title: str = ""


@dataclass
class Context:
    """What a rule may use besides its project: settings, the run's projects, the embedder (cached) and a cache."""

    settings: Settings
    embedder: Any | None = None
    projects: tuple[Project, ...] = ()  # every project of the run (term statistics are counted over them)
    cache: dict[str, Any] = field(default_factory=dict)
    _vectors: dict[str, Any] = field(default_factory=dict)

    def encode(self, texts: Sequence[str]) -> Any | None:
        """Passage vectors for `texts` (rows L2-normalised), or None without an embedder."""
        if self.embedder is None:
            return None
        import numpy as np

        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            for text, vec in zip(missing, self.embedder.encode_passages(missing), strict=True):
                self._vectors[text] = np.asarray(vec, dtype=np.float32)
        if not texts:
            return np.zeros((0, 1), np.float32)
        return np.stack([self._vectors[t] for t in texts])


def make_finding(
    slug: str,
    severity: Severity,
    project: Project,
    message: str,
    *,
    indicator: Indicator | None = None,
    evidence: dict[str, Any] | None = None,
    source: Source | None = None,
) -> Finding:
    """A Finding about `project` (and `indicator`), citing the indicator's row unless `source` is given."""
    return Finding(
        rule=slug,
        severity=severity,
        document=project.document,
        project=project.name,
        indicator=indicator.name if indicator is not None else None,
        message=message,
        evidence={k: plain(v) for k, v in (evidence or {}).items()},
        source=source or (indicator.source if indicator is not None else project.source),
    )


def plain(value: Any) -> Any:
    """Evidence values as plain JSON: Decimals become int/float, tuples lists (corpus.model.to_jsonable)."""
    return to_jsonable(value)


# ------------------------------------------------------------------------------------------ numbers


def fmt(value: Decimal | None, places: int | None = None) -> str:
    """A figure as a reviewer writes it: as printed, or rounded to `places` decimals."""
    if value is None:
        return "—"
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places))
    return f"{value:f}"


def truncate(value: Decimal, places: int = 2) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)


def printed_matches(printed: Decimal, exact: Decimal, tolerance: Decimal) -> bool:
    """Whether a printed figure is `exact` rounded or truncated to the printed precision, give or take `tolerance`.

    Forms print 45.678/50 = 91.356 as 91.36 or as 91.35; both are right, 91.30 is not.
    """
    exponent = printed.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    step = Decimal(1).scaleb(-places)
    low = exact.quantize(step, rounding=ROUND_DOWN) - tolerance
    high = exact.quantize(step) + tolerance
    return low <= printed <= high


# ------------------------------------------------------------------------------------------ text


_WHITESPACE = re.compile(r"\s+")
_SHORT = 200  # units, names and clauses recur across a run's projects; long cells rarely do


def goal_blocks(project: Project) -> Iterable[tuple[str, GoalBlock]]:
    """(form label, block) for each goal block the project has, in the form's order."""
    goals = project.goals
    for label, block in (
        ("项目总目标", goals.overall),
        ("年度总体目标", goals.annual),
        ("预期目标", goals.expected),
        ("实际完成情况", goals.achieved),
    ):
        if block is not None:
            yield label, block


def compact(text: str | None) -> str:
    """NFKC, no white space: the form two texts are compared in."""
    if not text:
        return ""
    if len(text) <= _SHORT:
        return _compact_short(text)
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=65536)
def _compact_short(text: str) -> str:
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))


def is_explained(note: str | None) -> bool:
    """Whether a 偏差原因分析 cell says something (not empty, not 无)."""
    core = compact(note).strip("。.,，;；:：!！").lower()
    return core not in vocab.EMPTY_NOTES


def starts_any(text: str, words: Iterable[str]) -> bool:
    return any(text.startswith(w) for w in words)


def contains_any(text: str, words: Iterable[str]) -> bool:
    return any(w in text for w in words)


# ------------------------------------------------------------------------------------------ measures


def is_figure(measure: Measure | None) -> bool:
    """A measure that is a number of something; `2024年底前完成` read as 2024 (年底前完成) is a date."""
    if measure is None or measure.value is None:
        return False
    return not _is_date_unit(measure.unit)


@lru_cache(maxsize=4096)
def _is_date_unit(raw: str | None) -> bool:
    unit = compact(raw)
    return bool(unit and any(w in unit for w in vocab.DATE_UNIT_WORDS) and unit not in vocab.PERIOD_UNITS)


def unit_of(measure: Measure | None) -> str | None:
    """The measure's unit normalised (％ -> %, placeholders such as null -> None)."""
    if measure is None or measure.unit is None:
        return None
    return _normal_unit(measure.unit)


@lru_cache(maxsize=4096)
def _normal_unit(raw: str) -> str | None:
    # A few dozen distinct unit cells recur on every indicator row of a run.
    unit = compact(raw).strip("()（）")
    if unit.lower() in {"null", "none", "nan", "无", "/", "-", "—", ""}:
        return None
    return "%" if unit in vocab.PERCENT_UNITS else unit


def units_comparable(a: Measure, b: Measure) -> bool:
    """Two figures can be compared when their units agree or one side has none."""
    ua, ub = unit_of(a), unit_of(b)
    return ua is None or ub is None or ua == ub


def same_family(a: str | None, b: str | None) -> bool:
    """Units that count the same kind of thing (份 and 个), or the same unit."""
    if a is None or b is None:
        return False
    if a == b:
        return True
    return any(a in family and b in family for family in vocab.UNIT_FAMILIES)


def show(measure: Measure | None) -> str:
    """A measure as it reads in a message: `≥20.00(份)`, `90.00%`, or its words."""
    if measure is None:
        return "（空）"
    if measure.value is None:
        return measure.qualitative or measure.text or "（空）"
    unit = unit_of(measure)
    text = f"{measure.op or ''}{fmt(measure.value)}"
    if unit == "%":
        return text + "%"
    return f"{text}({unit})" if unit else text


def lower_is_better(indicator: Indicator) -> bool:
    return contains_any(indicator.name, vocab.LOWER_IS_BETTER)


def effective_op(indicator: Indicator) -> str | None:
    """The comparator the target means: `=` on a lower-is-better indicator reads as `≤`."""
    op = indicator.target.op
    if op == "=" and lower_is_better(indicator):
        return "≤"
    return op


def numeric_met(indicator: Indicator) -> bool | None:
    """Whether the numeric actual satisfies the numeric target; None when they cannot be compared.

    Equal is met (≥95 vs 95). An `=` target is met by reaching it (=2 份 with 3 done is over-delivery),
    unless less is better (=0 次 安全事件) or the target is zero.
    """
    target, actual = indicator.target, indicator.actual
    if actual is None or not is_figure(target) or not is_figure(actual) or target.op is None:
        return None
    if not units_comparable(target, actual):
        return None
    t, a = target.value, actual.value
    op = effective_op(indicator)
    if op == "≥":
        return a >= t
    if op == ">":
        return a > t
    if op == "≤":
        return a <= t
    if op == "<":
        return a < t
    if op == "=":
        return a == t if t == 0 else a >= t
    return None


def verdict(measure: Measure | None) -> Verdict | None:
    """The verdict an actual written as words gives: 达成指标 / 部分达成… / 未达成…."""
    if measure is None or measure.value is not None:
        return None
    text = compact(measure.qualitative or measure.text)
    if not text:
        return None
    if contains_any(text, vocab.VERDICT_UNMET):
        return "unmet"
    if contains_any(text, vocab.VERDICT_PARTLY):
        return "partly"
    if contains_any(text, vocab.VERDICT_MET):
        return "met"
    return None


def result(indicator: Indicator) -> Verdict | None:
    """met / partly / unmet from the figures when they compare, else from the actual's words."""
    met = numeric_met(indicator)
    if met is not None:
        return "met" if met else "unmet"
    return verdict(indicator.actual)


def is_numeric_target(indicator: Indicator) -> bool:
    return indicator.target.value is not None


def row_evidence(ind: Indicator, **more: Any) -> dict[str, Any]:
    """The evidence of a finding about one indicator row: its target, actual, weight and score as printed,
    then what the rule adds (deducted, note …). The keys are the ones qa/evidence.py names."""
    return {"target": show(ind.target), "actual": show(ind.actual), "weight": ind.weight, "score": ind.score, **more}
