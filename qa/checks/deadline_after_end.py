"""deadline-after-end: 「时效指标要求“2025年6月底前完成”，项目计划 2024-12-31 就结束了」.

The project's end is the declaration's 计划完成日期 (Funding.end_date). A self-evaluation has no such date:
it reports one budget year, and its 年度指标值 are that year's targets, so its end is 31 December of the
project's year. A declaration without a readable 计划完成日期 is left alone: its table may carry the targets of
a project that runs several years, and nothing in the form says when it ends.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from datetime import date

from corpus.model import Finding, Indicator, Project
from qa.checks import vocab
from qa.checks.base import ANY_KIND, Context, Rule, compact, make_finding
from qa.checks.start_after_end import parse_iso

SLUG = "deadline-after-end"
_YEAR = r"(?P<y>(?:19|20)\d{2})"
_FULL = re.compile(rf"(?<!\d){_YEAR}[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}})(?!\d)")
_YEAR_MONTH = re.compile(rf"(?<!\d){_YEAR}[-/](?P<m>\d{{1,2}})(?![-/\d])")
_CHINESE = re.compile(
    rf"(?<!\d){_YEAR}年度?"
    r"(?:(?P<m>\d{1,2})月份?(?:(?P<d>\d{1,2})[日号]|(?P<mend>[底末]))?"
    r"|(?P<half>上半年|下半年)|第?(?P<q>[一二三四1-4])季度|(?P<yend>年?[底末]))?"
)
# A month without a year (12月底前) is a month of the project's year; 3个月 is a duration and does not match.
_MONTH = re.compile(r"(?<![\d年])(?P<m>\d{1,2})月份?(?:(?P<d>\d{1,2})[日号]|(?P<mend>[底末]))?")

Span = tuple[date, date, str]  # first and last day the words can mean, and the words


def _month(y: int, m: int, d: str | None, month_end: str | None) -> tuple[date, date] | None:
    try:
        if d:
            day = date(y, m, int(d))
            return day, day
        last = date(y, m, calendar.monthrange(y, m)[1])
        return (last, last) if month_end else (date(y, m, 1), last)
    except (ValueError, calendar.IllegalMonthError):
        return None


def _chinese(m: re.Match[str]) -> tuple[date, date] | None:
    y = int(m["y"])
    if m["m"]:
        return _month(y, int(m["m"]), m["d"], m["mend"])
    if m["half"]:
        first, last = vocab.HALF_YEARS[m["half"]]
        return date(y, first, 1), date(y, last, calendar.monthrange(y, last)[1])
    if m["q"]:
        q = vocab.QUARTER_NUMERALS[m["q"]]
        return date(y, 3 * q - 2, 1), date(y, 3 * q, calendar.monthrange(y, 3 * q)[1])
    if m["yend"]:
        return date(y, 12, 31), date(y, 12, 31)
    return date(y, 1, 1), date(y, 12, 31)


def dates_in(text: str, year: int | None) -> list[Span]:
    """Every date a 时效 cell names, as the span of days its words can mean.

    `2024年12月31日前`, `2024-06-30`, `≤2024年12月`, `2024年底前`, `2024年第三季度`, and `12月底前` (in `year`);
    `年底前`, `当年内`, `按月` name no date and give nothing.

    Example:
        dates_in("2025年6月底前完成", 2024)  # [(date(2025, 6, 30), date(2025, 6, 30), "2025年6月底")]
    """
    text = compact(text)
    spans: list[Span] = []

    def take(pattern: re.Pattern[str], read) -> None:
        nonlocal text
        for m in pattern.finditer(text):
            span = read(m)
            if span is not None:
                spans.append((span[0], span[1], m.group(0)))
        # Blank out what was read so that a shorter pattern does not read it again.
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)

    take(_FULL, lambda m: _month(int(m["y"]), int(m["m"]), m["d"], None))
    take(_CHINESE, _chinese)
    take(_YEAR_MONTH, lambda m: _month(int(m["y"]), int(m["m"]), None, None))
    if year is not None:
        take(_MONTH, lambda m: _month(year, int(m["m"]), m["d"], m["mend"]))
    return spans


def project_end(project: Project) -> tuple[date, str] | None:
    """The project's last day and where it comes from (see the module docstring)."""
    if project.kind == "declaration":
        end = parse_iso(project.funding.end_date) if project.funding is not None else None
        return (end, "计划完成日期") if end is not None else None
    if project.year is None:
        return None
    return date(project.year, 12, 31), f"{project.year} 年度末"


def is_timeliness(ind: Indicator) -> bool:
    return vocab.TIMELINESS_CATEGORY in compact(ind.level1) + compact(ind.level2)


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    known = project_end(project)
    if known is None:
        return
    end, end_label = known
    advice = (
        "应把时限定在计划完成日期之前，或核对计划完成日期。"
        if project.kind == "declaration"
        else "年度指标值应能在本年度内考核，应核对该时限。"
    )
    for ind in project.indicators:
        if not is_timeliness(ind):
            continue
        spans = dates_in(ind.target.text, project.year)
        if not spans:
            continue
        # The latest date the cell names is its deadline; even its earliest reading must be after the end.
        first, _, words = max(spans, key=lambda s: s[0])
        if first <= end:
            continue
        yield make_finding(
            SLUG,
            "warning",
            project,
            f"时效指标「{ind.name}」要求“{ind.target.text}”，晚于{end_label} {end}，到期时项目已结束，"
            f"{advice}",
            indicator=ind,
            evidence={
                "target": ind.target.text,
                "date": words,
                "project_end": end.isoformat(),
                "end_from": end_label,
            },
        )


RULE = Rule(SLUG, "warning", "project", ANY_KIND, check, __doc__ or "", title="时效要求晚于项目结束")
