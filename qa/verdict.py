"""A verdict per project and per document: a health score and a status, from the findings of `run_checks`.

health = 100 − Σ points of its findings (Settings.verdict_weights, per severity), floored at 0.
status = 存在问题 (any error) · 建议复核 (warnings, no error) · 可提交 (neither).
A document's health is the mean of its projects' (findings about the document as a whole count against
every project of it), and its status is the worst of its projects'.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from corpus.model import Document, Finding
from corpus.settings import Settings

__all__ = [
    "STATUS_ERRORS",
    "STATUS_OK",
    "STATUS_REVIEW",
    "STATUSES",
    "DocumentVerdict",
    "ProjectVerdict",
    "document_verdicts",
    "project_verdicts",
    "status_of",
    "status_rank",
]

STATUS_OK = "可提交"
STATUS_REVIEW = "建议复核"
STATUS_ERRORS = "存在问题"
STATUSES = (STATUS_OK, STATUS_REVIEW, STATUS_ERRORS)  # best to worst
_RANK = {status: rank for rank, status in enumerate(STATUSES)}
_HUNDRED = Decimal("100")


def status_rank(status: str) -> int:
    """0 for 可提交, 1 for 建议复核, 2 for 存在问题: sort by it (descending) to read the worst first."""
    return _RANK[status]


def status_of(counts: dict[str, int]) -> str:
    """The status for counts of findings by severity."""
    if counts.get("error"):
        return STATUS_ERRORS
    if counts.get("warning"):
        return STATUS_REVIEW
    return STATUS_OK


@dataclass(frozen=True)
class ProjectVerdict:
    document: str  # file name, as Project.document / Finding.document
    project: str
    kind: str
    health: Decimal  # 0..100, one decimal
    status: str
    counts: dict[str, int] = field(default_factory=dict)  # error / warning / info
    rules: dict[str, int] = field(default_factory=dict)  # findings per rule slug

    @property
    def findings(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class DocumentVerdict:
    document: str
    kind: str
    projects: int
    health: Decimal
    status: str
    counts: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)  # projects per status


def _weights(settings: Settings) -> dict[str, Decimal]:
    return {severity: Decimal(str(points)) for severity, points in settings.verdict_weights}


def _health(counts: dict[str, int], weights: dict[str, Decimal]) -> Decimal:
    lost = sum((weights.get(sev, Decimal(0)) * n for sev, n in counts.items()), Decimal(0))
    return max(Decimal(0), _HUNDRED - lost).quantize(Decimal("0.1"), ROUND_HALF_UP)


def project_verdicts(
    documents: Iterable[Document], findings: Iterable[Finding], settings: Settings | None = None
) -> list[ProjectVerdict]:
    """One verdict per project of `documents`, in document and project order.

    Findings are matched by (document file name, project name); a finding whose project names no project of
    its document (a document-level finding) counts against every project of that document.
    """
    weights = _weights(settings or Settings())
    docs = list(documents)
    by_document: dict[str, dict[str, list[Finding]]] = {}
    for f in findings:
        by_document.setdefault(f.document, {}).setdefault(f.project, []).append(f)
    out: list[ProjectVerdict] = []
    for doc in docs:
        of_doc = by_document.get(doc.name, {})
        names = {p.name for p in doc.projects}
        whole = [f for name, fs in of_doc.items() if name not in names for f in fs]
        for project in doc.projects:
            mine = of_doc.get(project.name, []) + whole
            counts = {"error": 0, "warning": 0, "info": 0}
            rules: dict[str, int] = {}
            for f in mine:
                counts[f.severity] = counts.get(f.severity, 0) + 1
                rules[f.rule] = rules.get(f.rule, 0) + 1
            out.append(
                ProjectVerdict(
                    document=doc.name,
                    project=project.name,
                    kind=project.kind,
                    health=_health(counts, weights),
                    status=status_of(counts),
                    counts=counts,
                    rules=rules,
                )
            )
    return out


def document_verdicts(documents: Iterable[Document], verdicts: Sequence[ProjectVerdict]) -> list[DocumentVerdict]:
    """One verdict per document from its projects' verdicts (a document without projects is 可提交, 100)."""
    out: list[DocumentVerdict] = []
    for doc in documents:
        mine = [v for v in verdicts if v.document == doc.name]
        counts = {"error": 0, "warning": 0, "info": 0}
        statuses = {STATUS_OK: 0, STATUS_REVIEW: 0, STATUS_ERRORS: 0}
        for v in mine:
            for sev, n in v.counts.items():
                counts[sev] = counts.get(sev, 0) + n
            statuses[v.status] += 1
        health = (
            (sum((v.health for v in mine), Decimal(0)) / len(mine)).quantize(Decimal("0.1"), ROUND_HALF_UP)
            if mine
            else _HUNDRED
        )
        status = max((v.status for v in mine), key=_RANK.__getitem__, default=STATUS_OK)
        out.append(
            DocumentVerdict(
                document=doc.name,
                kind=doc.kind,
                projects=len(mine),
                health=health,
                status=status,
                counts=counts,
                statuses=statuses,
            )
        )
    return out
