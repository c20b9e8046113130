"""duplicate-indicator: 「三级指标“培训次数”在产出指标/数量指标和效益指标/社会效益指标下各填了一次」.

Source: the indicator table of the official templates — one row per 三级指标 under its 一级 / 二级指标 (项目支出
绩效自评表 of 财预〔2020〕10号; 项目支出绩效目标申报表 of 财预〔2015〕88号), each indicator measuring one thing
(指标设置要求 of 财预〔2021〕101号 附件1). The same 三级指标 filed twice counts one result twice, under two
categories (or twice in one) and, on a self-evaluation, scores it twice.

Names are compared after NFKC without white space and numbering (指标1:). A declaration that prints a
long-term and an annual set (长期 / 年度 绩效指标, the same names twice) is not a repeat: when most names of
the table recur, the table holds two sets and the rule is silent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from corpus.model import Finding, Indicator, Project
from qa.checks import vocab
from qa.checks.base import ANY_KIND, Context, Rule, compact, make_finding, show

SLUG = "duplicate-indicator"
TITLE = "三级指标重复"
_NUMBERING = re.compile(r"^(?:指标\d+[:：]|\d+[、.．]|[(（]\d+[)）])")
MIN_NAME = 2  # a one-character name is a fragment, not an indicator
CATEGORY_LABEL = 8  # 数量指标, 社会效益指标, 服务对象满意度指标: a name this short ending in 指标 is a label
SETS_SHARE = 0.5  # this share of names recurring: two indicator sets (长期 and 年度), not a repeat


def key(ind: Indicator) -> str:
    return _NUMBERING.sub("", compact(ind.name)).strip("。.;；:：")


def _is_indicator_name(name: str) -> bool:
    """Not a filler (其他, 暂无) nor a category label read as a name (数量指标)."""
    if len(name) < MIN_NAME or not any("\u4e00" <= ch <= "\u9fff" for ch in name):
        return False
    return name not in vocab.FILLER_INDICATOR_NAMES and not (
        name.endswith("指标") and len(name) <= CATEGORY_LABEL
    )


def _level(ind: Indicator) -> str:
    return "/".join(x for x in (compact(ind.level1), compact(ind.level2)) if x) or "（未填类别）"


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    groups: dict[str, list[Indicator]] = {}
    for ind in project.indicators:
        name = key(ind)
        if _is_indicator_name(name):
            groups.setdefault(name, []).append(ind)
    repeated = {name: rows for name, rows in groups.items() if len(rows) > 1}
    if not repeated or len(repeated) > SETS_SHARE * len(groups):
        return
    for rows in repeated.values():
        first, *others = rows
        for ind in others:
            where = "同一类别下" if _level(ind) == _level(first) else f"{_level(first)} 和 {_level(ind)} 下"
            yield make_finding(
                SLUG,
                "warning",
                project,
                f"三级指标「{ind.name}」在{where}各填了一次（第{first.source.line}行、第{ind.source.line}行），"
                "同一指标重复设置，应删去一行或改为不同的指标。",
                indicator=ind,
                evidence={
                    "level1": ind.level1,
                    "level2": ind.level2,
                    "target": show(ind.target),
                    "line": first.source.line,
                    "位置": _level(first),
                    "位置（重复）": _level(ind),
                },
            )


RULE = Rule(SLUG, "warning", "project", ANY_KIND, check, __doc__ or "", title=TITLE)
