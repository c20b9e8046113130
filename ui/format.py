"""What every view shares: escaping, numbers and money, labels, keys and the HTML table (no gradio here)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from corpus.model import Document, Project
from corpus.units import WAN, YUAN_PER_UNIT
from qa.checks.low_execution import execution_rate  # noqa: F401 - one definition, shared by the views
from qa.labels import SEVERITY_LABELS

STATUS_FILTERS = ("全部", "未标记", "已核实", "忽略")


KEY_SEPARATOR = "\x1f"  # in no file or project name (names are cleaned of control characters)
UNIT_MISSING = "（未填写）"


def esc(value: object) -> str:
    """Text -> HTML-safe text; every document string passes here before it reaches gr.HTML."""
    return "" if value is None else html.escape(str(value), quote=True)


def fmt_number(value: Decimal | float | int | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return f"{value:f}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def severity_label(severity: str) -> str:
    return SEVERITY_LABELS.get(severity, severity)


def project_key(document: str, project: str) -> str:
    """One project of one file, as the project filter names it (a name alone may occur in two files)."""
    return f"{document}{KEY_SEPARATOR}{project}"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], classes: Sequence[str] | None = None) -> str:
    """An HTML table from already escaped cells."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{classes[i]}"' if classes and classes[i] else ""
        body.append(f"<tr{cls}>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>")
    return f'<table class="jx-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'




def funds_yuan(project: Project) -> Decimal | None:
    """The project's funds in 元: 全年预算数 (else 年初预算数) of a 自评表; 年度资金申请总额 (else 项目资金总额)
    of a 申报表. None without a figure or in a unit other than 元/千元/万元/亿元."""
    if project.budget is not None:
        amount = project.budget.adjusted if project.budget.adjusted is not None else project.budget.planned
        unit = project.budget.unit
    elif project.funding is not None:
        f = project.funding
        amount = f.annual_request if f.annual_request is not None else f.total
        unit = f.unit
    else:
        return None
    factor = YUAN_PER_UNIT.get((unit or "").strip())
    return None if amount is None or factor is None else amount * factor


def fmt_yuan(value: Decimal) -> str:
    """`12345678` -> `12,345,678.00 元（1,234.57 万元）`."""
    wan = (value / WAN).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{value.quantize(Decimal('0.01'), ROUND_HALF_UP):,} 元（{wan:,} 万元）"


def in_scope(documents: Sequence[Document], names: Sequence[str] | None) -> list[Document]:
    """The documents named (all when `names` is empty)."""
    return [d for d in documents if d.name in names] if names else list(documents)
