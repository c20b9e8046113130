"""Labels a reviewer reads, in one place: severities, form kinds, reviewer marks."""

from __future__ import annotations

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}


SEVERITY_ORDER = ("error", "warning", "info")


KIND_LABELS = {"self_evaluation": "绩效自评表", "declaration": "绩效目标申报表"}


MARK_STATUSES = ("已核实", "忽略")
