"""Report columns, sheet names, reviewer words and the small helpers every report form shares."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from corpus.model import Finding, Source
from qa.labels import SEVERITY_LABELS, rule_title
from qa.verdict import (
    ProjectVerdict,
    status_rank,
)

EXCEL_COLUMNS = ("文档", "项目", "指标", "规则", "级别", "问题", "依据", "文件", "行", "标记", "备注")


VERDICT_COLUMNS = (
    "项目", "文件", "类型", "状态", "健康分", "错误", "警告", "提示", "问题规则",
    "年度", "主管部门", "金额单位", "年初预算数", "全年预算数", "全年执行数", "执行率(%)",
    "项目资金总额", "年度资金申请总额", "自评总分", "评分等级", "出处", "未能读取",
)  # fmt: skip


SUMMARY_COLUMNS = ("指标", "数值", "单位", "说明")


SHEET_SUMMARY, SHEET_FINDINGS, SHEET_VERDICTS = "汇总", "问题清单", "项目结论"


# Evidence fields that tell apart two findings of one rule on one row (two missing categories, …).
_DISCRIMINATORS = ("missing", "field", "line", "part", "where", "goal_clause", "goal")


# A cell starting with one of these is a formula to Excel (and to LibreOffice, with tab and CR).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# Reviewer-facing words about what was not read, in one place.
TEXT = {
    "no_health": "—",
    "left_out": "（另有 {n} 个项目未能完整读取，未评分、未计入）",
    "unread_forms": "；另有 {n} 张绩效表未能读取",
    "unread_header": "；未能完整读取的项目不评分，不计入文件健康分",
    "refused_head": "未能读取的文件（{n} 个，未核查）：",
    "refused_line": "  {name}：{message}",
    "funds_unread": "；另有 {n} 个项目的资金未能读取，未计入",
    "pass_rate_note": "状态为“可提交”、既无错误也无警告的项目所占比例",
    "pass_rate_unread": "；另有 {n} 个项目未能完整读取，不计入",
    "rate_unread": "；另有 {n} 个项目的资金未能读取，未计入",
    "unread_projects": "未能完整读取的项目",
    "refused_files": "未能读取的文件",
    "unread_forms_row": "未能读取的绩效表",
    "nothing_read": "没有读出任何项目，无法核查。",
}


def finding_key(finding: Finding) -> str:
    """A stable key for a finding: the same issue on the same row keeps its key from run to run.

    Reviewer marks (已核实 / 忽略) are stored under this key, so it leaves out the message wording.
    """
    source = finding.source
    discriminator = next((str(finding.evidence[k]) for k in _DISCRIMINATORS if k in finding.evidence), "")
    parts = [
        finding.rule,
        finding.document,
        finding.project,
        finding.indicator or "",
        str(source.line) if source else "",
        discriminator,
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def _cite(source: Source | None) -> str:
    return source.cite() if source is not None else ""


def _num(value: Decimal) -> str:
    """A figure without exponent or trailing zeros: 10, 2.5."""
    return format(value.normalize(), "f")


def _counts_text(counts: dict[str, int]) -> str:
    return "，".join(f"{SEVERITY_LABELS.get(s, s)} {n}" for s, n in counts.items() if n)


def _health_text(health: Decimal | None) -> str:
    return TEXT["no_health"] if health is None else str(health)


def _worst_first(v: ProjectVerdict) -> tuple[int, Decimal]:
    return (-status_rank(v.status), v.health if v.health is not None else Decimal(-1))


def _rules_text(rules: dict[str, int]) -> str:
    """`预算执行率偏低 2、指标未达成目标 1`: rules by their Chinese names, most findings first."""
    return "、".join(
        f"{rule_title(rule)} {n}" for rule, n in sorted(rules.items(), key=lambda kv: (-kv[1], kv[0]))
    )


_FUND_LABELS = {
    ("self_evaluation", "planned"): "自评表 年初预算数合计",
    ("self_evaluation", "adjusted"): "自评表 全年预算数合计",
    ("self_evaluation", "spent"): "自评表 全年执行数合计",
    ("declaration", "total"): "申报表 项目资金总额合计",
    ("declaration", "annual_request"): "申报表 年度资金申请总额合计",
}


def safe_cell(value: Any) -> Any:
    """A value Excel shows as typed: text that would start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
