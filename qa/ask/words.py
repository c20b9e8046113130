"""The question vocabulary (qa/data/ask_vocabulary.json), the field table and the words every part matches on."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from corpus.units import YUAN_PER_UNIT
from index import segment

VOCABULARY_PATH = Path(__file__).parent.parent / "data" / "ask_vocabulary.json"


# The `field` of Answer.values, and the unit each figure carries (the README lists this table).
FIELDS: dict[str, str] = {
    "target": "年度指标值 — the indicator's own unit (份, %, 平方米, 家 …)",
    "actual": "实际完成值 — the indicator's own unit",
    "weight": "指标分值 — 分",
    "score": "指标得分 — 分",
    "planned": "年初预算数 — the document's money unit (万元 or 元)",
    "adjusted": "全年预算数 — 万元 or 元",
    "spent": "全年执行数 — 万元 or 元",
    "execution_rate": "预算执行率 as printed — %",
    "budget_weight": "预算执行分值 — 分",
    "budget_score": "预算执行得分 — 分",
    "total_score": "自评总分 — 分",
    "annual_request": "年度资金申请总额 — 万元 or 元",
    "total": "项目资金总额 — 万元 or 元",
    "fiscal": "财政资金 — 万元 or 元",
    "appropriation": "当年财政拨款 — 万元 or 元 (self-evaluations: that row's 全年预算数)",
    "carryover": "上年结转资金 — 万元 or 元 (self-evaluations: that row's 全年预算数)",
    "other": "其他资金 — 万元 or 元 (self-evaluations: that row's 全年预算数)",
    "count": "how many projects or indicators — 个",
    "sum": "a total over projects — the money unit asked for, else the documents' common unit, else 万元",
    "mean": "an average over projects — the unit of the field",
}


# Answer.kind values.
KINDS = ("mentions", "lookup", "rank", "filter", "count", "sum", "findings", "search", "unknown")
MAX_SUGGESTIONS = 5

PROJECT_WORD = "项目"
SCORE_UNIT = "分"
COUNT_UNIT = "个"
# Words that never name a project by themselves, whatever project names contain them.
_GENERIC_WORDS = {"项目", "指标", "资金", "预算", "工作", "经费", "绩效", "目标", "单位", "部门"}
_BOUNDARY = set("的，。？！；：,?!;:") | {" "}
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NUMBER = re.compile(r"(?<![0-9.])([0-9]+(?:\.[0-9]+)?)")


@cache
def vocabulary() -> dict[str, Any]:
    """The question vocabulary (qa/data/ask_vocabulary.json), with the money units of corpus/units.py."""
    words = json.loads(VOCABULARY_PATH.read_text(encoding="utf-8"))
    words["money_units"] = dict(YUAN_PER_UNIT)
    return words


def _compact(text: str | None) -> str:
    return segment.compact(text or "")


@cache
def _field_level() -> dict[str, str]:
    return {f: level for level, names in vocabulary()["field_levels"].items() for f in names}


@cache
def _alias_table() -> list[tuple[str, str, str]]:
    """(alias, kind, value) for field aliases and document-kind words, longest alias first."""
    v = vocabulary()
    rows = [(_compact(a), "field", f) for f, aliases in v["field_aliases"].items() for a in aliases]
    rows += [(_compact(a), "kind", k) for k, words in v["kind_words"].items() for a in words]
    return sorted(rows, key=lambda r: -len(r[0]))


def label(field_name: str) -> str:
    """The Chinese label of a field."""
    return vocabulary()["field_labels"].get(field_name, field_name)
