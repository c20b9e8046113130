"""Records of what was generated: indicators, projects and a document's layout."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class GenIndicator:
    level1: str
    level2: str
    name: str
    kind: str  # count, percent, percent_le, cost_le, qualitative, date
    unit: str | None
    op: str | None
    target_text: str  # as printed in the target cell (without the unit when a unit column is used)
    actual_text: str
    target_value: int | None  # hundredths
    actual_value: int | None
    weight: int = 0
    score: int = 0
    note: str = ""
    planted: str | None = None


@dataclass
class GenProject:
    name: str
    kind: str
    document: str
    year: int
    department: str
    implementer: str
    indicators: list[GenIndicator]
    goals: dict[str, list[str]]
    budget: dict[str, Any] | None = None
    funding: dict[str, Any] | None = None
    total_weight: int | None = None
    total_score: int | None = None
    grade: str | None = None
    planted: list[tuple[str | None, str, str]] = field(default_factory=list)  # (indicator, rule, why)


@dataclass
class Layout:
    """How one document is laid out: the variations the parser must take in its stride."""

    weight_header: str = "分值"
    unit_column: bool = False
    money_unit: str = "万元"
    commas: bool = True
    name_gap: bool = True  # 项目名称\t\t{name} (an empty merged cell) rather than 项目名称\t{name}
    spaced_labels: bool = True  # 产出 指标 (PDF line breaks) rather than 产出指标
    markup: bool = False  # <p>…</p> around goal text
    target_style: int = 0  # 0: ≥20.00(份)  1: ≥20份  2: ≥ 20.00 (份)
    drop_leading: float = 0.0  # share of continuation rows printed without their empty leading cells
    target_header: str = "年度指标值"
    actual_header: str = "实际完成值"
    note_header: str = "偏差原因分析及改进措施"
    fill_project_total: bool = False  # 申报表: print 项目资金总额 / 财政资金 (the samples leave them empty)
