"""A verdict per project and per document: a health score and a status, from the findings of `run_checks`.

health = 100 − Σ points of its findings (Settings.verdict_weights, per severity), floored at 0.
status = 存在问题 (any error) · 建议复核 (warnings, no error) · 可提交 (neither).
A project whose money block or indicator table was not read whole (qa/coverage.py) is 未能完整读取: never
可提交, no health score. A document's health is the mean of its scored projects' (findings about the
document as a whole count against every project of it) and says how many were left out; its status is the
worst of its projects' (未能完整读取 also when a form of it was not read at all, or it has no project).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from corpus.model import Document, Finding
from corpus.settings import Settings
from qa.coverage import is_complete, missing_phrases

__all__ = [
    "STATUS_ERRORS",
    "STATUS_OK",
    "STATUS_REVIEW",
    "STATUS_UNREAD",
    "STATUSES",
    "ALL_STATUSES",
    "UNSCORED_RULES",
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
# A project that could not be judged: its money block or indicator table was not read whole.
STATUS_UNREAD = "未能完整读取"
STATUSES = (STATUS_OK, STATUS_REVIEW, STATUS_ERRORS)  # the statuses of scored projects, best to worst
ALL_STATUSES = (*STATUSES, STATUS_UNREAD)  # and the one of projects left unscored (worst: nothing is known)
_RANK = {status: rank for rank, status in enumerate(ALL_STATUSES)}
_HUNDRED = Decimal("100")
# Findings about a whole document that say a form of it was not read: they concern no project of it.
UNSCORED_RULES = frozenset({"section-unread"})


def status_rank(status: str) -> int:
    """0 for 可提交, 1 for 建议复核, 2 for 存在问题, 3 for 未能完整读取: sort by it (descending) to read the
    worst first."""
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
    health: Decimal | None  # 0..100, one decimal; None when the project could not be read whole
    status: str
    counts: dict[str, int] = field(default_factory=dict)  # error / warning / info
    rules: dict[str, int] = field(default_factory=dict)  # findings per rule slug
    missing: tuple[str, ...] = ()  # what was not read (未读出绩效指标表 …), when status is 未能完整读取

    @property
    def findings(self) -> int:
        return sum(self.counts.values())

    @property
    def scored(self) -> bool:
        return self.health is not None


@dataclass(frozen=True)
class DocumentVerdict:
    document: str
    kind: str
    projects: int
    health: Decimal | None  # the mean over scored projects; None when none was scored
    status: str
    counts: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)  # projects per status (未能完整读取 only when any)
    left_out: int = 0  # projects not scored (未能完整读取), left out of `health`
    unread_forms: int = 0  # forms the parser saw in the file but read into no project


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
        whole = [f for name, fs in of_doc.items() if name not in names for f in fs if f.rule not in UNSCORED_RULES]
        for project in doc.projects:
            mine = of_doc.get(project.name, []) + whole
            counts = {"error": 0, "warning": 0, "info": 0}
            rules: dict[str, int] = {}
            for f in mine:
                counts[f.severity] = counts.get(f.severity, 0) + 1
                rules[f.rule] = rules.get(f.rule, 0) + 1
            complete = is_complete(project)
            out.append(
                ProjectVerdict(
                    document=doc.name,
                    project=project.name,
                    kind=project.kind,
                    health=_health(counts, weights) if complete else None,
                    status=status_of(counts) if complete else STATUS_UNREAD,
                    counts=counts,
                    rules=rules,
                    missing=() if complete else missing_phrases(project),
                )
            )
    return out


def document_verdicts(documents: Iterable[Document], verdicts: Sequence[ProjectVerdict]) -> list[DocumentVerdict]:
    """One verdict per document from its projects' verdicts.

    Health is the mean over the scored projects (None when none was); the status is the worst of its
    projects', and 未能完整读取 when a form of it was read into no project or it has no project at all.
    """
    by_document: dict[str, list[ProjectVerdict]] = {}
    for v in verdicts:
        by_document.setdefault(v.document, []).append(v)
    out: list[DocumentVerdict] = []
    for doc in documents:
        mine = by_document.get(doc.name, [])
        counts = {"error": 0, "warning": 0, "info": 0}
        statuses = {STATUS_OK: 0, STATUS_REVIEW: 0, STATUS_ERRORS: 0}
        for v in mine:
            for sev, n in v.counts.items():
                counts[sev] = counts.get(sev, 0) + n
            statuses[v.status] = statuses.get(v.status, 0) + 1
        scored = [v.health for v in mine if v.health is not None]
        health = (
            (sum(scored, Decimal(0)) / len(scored)).quantize(Decimal("0.1"), ROUND_HALF_UP) if scored else None
        )
        unread_forms = max(0, doc.tables_seen - doc.tables_read)
        status = max((v.status for v in mine), key=_RANK.__getitem__, default=STATUS_UNREAD)
        if unread_forms:
            status = STATUS_UNREAD
        out.append(
            DocumentVerdict(
                document=doc.name,
                kind=doc.kind,
                projects=len(mine),
                health=health,
                status=status,
                counts=counts,
                statuses=statuses,
                left_out=len(mine) - len(scored),
                unread_forms=unread_forms,
            )
        )
    return out
