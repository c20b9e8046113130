"""Runs of figures printed together (`40004000100%`) cut into one figure per column, where only one cut fits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import combinations

from corpus.parse import fused_vocab as fv
from corpus.parse.fused_base import (
    _DECIMALS,
    _MAX_PERCENT,
    _MAX_POINTS,
    _PIECE,
    _RUN_FULL,
    RATE_TOLERANCE,
    _norm,
)


@dataclass(frozen=True)
class _Fig:
    text: str
    value: Decimal
    decimals: int
    unit: str | None
    op: str | None
    qual: str | None


def _piece(text: str) -> _Fig | None:
    m = _PIECE.match(text)
    if not m:
        return None
    dec = m.group("dec")
    if dec is not None and len(dec) not in _DECIMALS:
        return None
    try:
        value = Decimal(m.group("num") + ("." + dec if dec else ""))
    except InvalidOperation:
        return None
    return _Fig(text, value, len(dec or ""), m.group("unit"), m.group("op"), m.group("qual"))


# Bounds on cutting a run of figures: a row prints a few figures of a few digits each; a run beyond these
# (a cell of 400 nines) is not a fused row, and trying every cut of it would never end.
_MAX_RUN = 80
_MAX_CUTS = 2000
_MAX_STEPS = 20000


def _fits(fig: _Fig, column: str) -> bool:
    """What one column's figure must be, by itself."""
    if column in fv.MONEY_COLUMNS:
        return not fig.op and not fig.qual and (fig.unit is None or fig.unit in fv.MONEY_UNITS)
    if column in fv.PERCENT_COLUMNS:
        return not fig.op and not fig.qual and fig.unit in (None, "%") and fig.value <= _MAX_PERCENT
    if column in fv.POINT_COLUMNS:
        return not fig.op and not fig.qual and fig.unit in (None, "分") and fig.value <= _MAX_POINTS
    return True


def _cuts(run: str, n: int) -> list[list[str]]:
    """Every way to cut `run` into n figure pieces that each read as one number."""
    out: list[list[str]] = []
    budget = [_MAX_STEPS]

    def walk(pos: int, left: int, acc: list[str]) -> None:
        budget[0] -= 1
        if budget[0] < 0 or len(out) >= _MAX_CUTS:
            return  # too many ways to cut: the run is not a row of a few figures
        if left == 1:
            if _piece(run[pos:]):
                out.append([*acc, run[pos:]])
            return
        for end in range(pos + 1, len(run) - left + 2):
            if _piece(run[pos:end]):
                walk(end, left - 1, [*acc, run[pos:end]])

    if n >= 1 and run:
        walk(0, n, [])
    return out


def _close(printed: _Fig, computed: Decimal, rounded: bool) -> bool:
    """Does a computed figure agree with the printed one (to RATE_TOLERANCE, or to the printed digits)?"""
    slack = RATE_TOLERANCE
    if rounded:
        slack = max(slack, Decimal(1).scaleb(-printed.decimals) / 2)
    return abs(printed.value - computed) <= slack


def _constraints(figs: dict[str, _Fig], rounded: bool) -> tuple[bool, int]:
    """(the figures can stand together, how many arithmetic identities confirm them)."""
    weight, score = figs.get("weight"), figs.get("score")
    if weight and score and score.value > weight.value:
        return False, 0
    target, actual = figs.get("target"), figs.get("actual")
    for a, b in ((target, actual), (target, figs.get("adjusted_target")), (figs.get("adjusted_target"), actual)):
        if a and b and a.unit != b.unit and a.value != 0 and b.value != 0:
            return False, 0
    # An identity between zeros (nothing spent, rate 0%) holds for any cut that ends in 0: it confirms nothing.
    confirmed = 0
    rate, spent = figs.get("rate"), figs.get("spent")
    if rate and spent and rate.value:
        bases = [figs[c].value for c in ("adjusted", "planned") if c in figs and figs[c].value]
        if any(_close(rate, spent.value / b * 100, rounded) for b in bases):
            confirmed += 1
    for share in ("rate", "coefficient"):
        pct = figs.get(share)
        if pct and weight and score and score.value and _close(score, weight.value * pct.value / 100, rounded):
            confirmed += 1
    return True, confirmed


def _ranked(readings: list[tuple[list[str], int]]) -> list[list[str]]:
    """Readings that an identity confirms beat the others; without confirmation all stay possible."""
    if not readings:
        return []
    best = max(c for _, c in readings)
    kept: list[list[str]] = []
    for cells, c in readings:
        if c == best and cells not in kept:
            kept.append(cells)
    return kept


def _optional_ok(columns: list[str], cells: list[str]) -> int:
    """1 unless the reading fills an optional column (调整指标值) while leaving a required figure column of the
    row empty: a row that prints one figure less than its columns left the optional one empty."""
    filled = dict(zip(columns, cells, strict=True))
    optional = any(filled[c] for c in columns if c in fv.OPTIONAL_COLUMNS)
    required = [c for c in ("target", "actual") if c in filled]
    return 0 if optional and any(not filled[c] for c in required) else 1


def _figure_readings(run: str, columns: list[str], rounded: bool, allow_empty: bool) -> list[tuple[list[str], int]]:
    run = re.sub(r"\s+", "", _norm(run))
    if len(run) > _MAX_RUN:
        return []  # longer than a row's few figures can print together: not read as one
    n = len(columns)
    sizes = range(1, n + 1) if allow_empty else (n,)
    readings: list[tuple[list[str], int]] = []
    for k in sizes:
        cuts = _cuts(run, k)
        if not cuts:
            continue
        for chosen in combinations(range(n), k):
            for cut in cuts:
                figs: dict[str, _Fig] = {}
                ok = True
                for idx, text in zip(chosen, cut, strict=True):
                    fig = _piece(text)
                    if fig is None or not _fits(fig, columns[idx]):
                        ok = False
                        break
                    figs.setdefault(columns[idx], fig)
                if not ok:
                    continue
                fits, confirmed = _constraints(figs, rounded)
                if fits:
                    cells = [""] * n
                    for idx, text in zip(chosen, cut, strict=True):
                        cells[idx] = text
                    readings.append((cells, 2 * confirmed + _optional_ok(columns, cells)))
    return readings


def figure_cuts(run: str, columns: list[str], *, rounded_rates: bool = False) -> list[list[str]]:
    """Every cut of a fused figure run into len(columns) figures that the columns allow, best first.

    Readings confirmed by an identity (rate = spent/planned×100, score = weight×rate/100) are returned alone
    when there are any.
    """
    return _ranked(_figure_readings(run, columns, rounded_rates, allow_empty=False))


def split_figures(run: str, columns: list[str], *, rounded_rates: bool = False) -> list[str] | None:
    """Cut a run of fused figures into one figure per column, or None when the cut is not certain.

    What must hold: each figure reads as one number (no leading zeros, 0/1/2/4 decimals); money has no %;
    rates and 得分系数 are at most 200; 分值/得分 at most 100 and 得分 ≤ 分值; target and actual share a
    unit. Among the cuts left, one that an identity confirms wins: 执行率 = 执行数 ÷ 预算数 × 100 (年初 or
    全年/调整), 得分 = 分值 × 执行率 (or 得分系数) ÷ 100. Two cuts still possible -> None.

    Args:
        run: the printed figures, e.g. `40004000100%`, `310.2154.741050%5`, `2020`.
        columns: canonical field names in printed order: planned, adjusted, spent, weight, rate, score,
            target, actual, coefficient (得分系数) … ; other names take any figure.
        rounded_rates: accept a printed rate that agrees with the computed one only to its printed digits
            (50% for 49.88%). Off by default: an identity confirms a cut only to RATE_TOLERANCE.

    Returns:
        The figures as printed, one per column, or None.

    Example:
        split_figures("40004000100%", ["adjusted", "spent", "rate"])  # ['4000', '4000', '100%']
        split_figures("2020", ["target", "actual"])  # None: 20|20 or 202|0
    """
    cuts = figure_cuts(run, columns, rounded_rates=rounded_rates)
    return cuts[0] if len(cuts) == 1 else None


def is_figure_run(text: str) -> bool:
    """The whole text is figures printed back to back (`12.512.512.5`, `95%10`), not one figure."""
    run = re.sub(r"\s+", "", _norm(text))
    return bool(run) and len(run) <= _MAX_RUN and bool(_RUN_FULL.match(run)) and _piece(run) is None


def _common(readings: list[list[str]]) -> list[str | None] | None:
    if not readings:
        return None
    return [cells[0] if all(c == cells[0] for c in cells) else None for cells in zip(*readings, strict=True)]


def common_figures(run: str, columns: list[str], *, rounded_rates: bool = False) -> list[str | None] | None:
    """Like split_figures, but keeps each figure on which every possible cut agrees (None elsewhere).

    `310.2154.741050%5` under [planned, spent, weight, rate, score] -> [None, None, '10', '50%', '5']: 310.2 |
    154.74 and 310.21 | 54.74 both read, and 154.74/310.2 = 49.88% matches the printed 50% only when rounded.
    Returns None when no cut reads at all.
    """
    return _common(figure_cuts(run, columns, rounded_rates=rounded_rates))


# ---------------------------------------------------------------------------------------------
# Indicator rows
