"""Numbers: integers in hundredths (0.01), printed with two decimals."""

from __future__ import annotations

from bench.gen.aspects import GRADES


def fmt(hundredths: int, commas: bool = False) -> str:
    sign = "-" if hundredths < 0 else ""
    whole, frac = divmod(abs(hundredths), 100)
    text = f"{whole:,}" if commas else str(whole)
    return f"{sign}{text}.{frac:02d}"


def dec(hundredths: int) -> str:
    """Hundredths -> the plain decimal string a parser would produce (`12.50`)."""
    return fmt(hundredths)


def rate_of(spent: int, adjusted: int) -> int:
    """执行率 in hundredths of a percent, truncated (as the forms print it): 605.66/616.70 -> 9820."""
    return 0 if adjusted <= 0 else spent * 10000 // adjusted


def budget_score(weight: int, rate: int) -> int:
    """Budget score in hundredths, truncated: weight 10.00 × 92.87% -> 9.28."""
    return weight * rate // 10000


def grade_of(total: int) -> str:
    for name, floor in GRADES:
        if total >= floor * 100:
            return name
    return GRADES[-1][0]


def fmt_count(hundredths: int | None) -> str:
    """A count in a note: 3 (not 3.00)."""
    v = hundredths or 0
    return str(v // 100) if v % 100 == 0 else fmt(v)
