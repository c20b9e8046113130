"""Findings, verdicts and a batch summary as JSON (exact decimals as strings)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from corpus.model import Document, Finding, to_jsonable
from corpus.settings import Settings
from qa.labels import rule_title
from qa.report.common import (
    finding_key,
)
from qa.verdict import (
    DocumentVerdict,
    ProjectVerdict,
    document_verdicts,
    project_verdicts,
)


def findings_json(
    findings: Iterable[Finding],
    marks: dict[str, dict] | None = None,
    documents: Sequence[Document] | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """`{"findings": [...]}`: each finding as plain JSON with its `key` (and the reviewer's mark, if any).

    With `documents` (the documents checked), also `"verdicts": {"projects": [...], "documents": [...]}`,
    health scores as strings ("94.0") so that they read back digit for digit.
    """
    findings = list(findings)
    out = []
    for f in findings:
        item = to_jsonable(f)
        key = finding_key(f)
        item["key"] = key
        item["rule_title"] = rule_title(f.rule)  # the slug stays the id; the title is what a reviewer reads
        if marks and key in marks:
            item["mark"] = {"status": marks[key].get("status", ""), "remark": marks[key].get("remark", "")}
        out.append(item)
    result: dict[str, Any] = {"findings": out}
    if documents is not None:
        projects = project_verdicts(documents, findings, settings)
        result["verdicts"] = verdicts_json(projects, document_verdicts(documents, projects))
    return result


def _exact(obj: Any) -> Any:
    """Plain JSON with Decimals as strings."""
    return to_jsonable(obj, exact=True)


def verdicts_json(projects: Sequence[ProjectVerdict], documents: Sequence[DocumentVerdict]) -> dict[str, Any]:
    """`{"projects": [...], "documents": [...]}`, each verdict with its fields; health as a string."""
    return {
        "projects": [
            _exact(
                {
                    "document": v.document,
                    "project": v.project,
                    "kind": v.kind,
                    "status": v.status,
                    "health": v.health,
                    "findings": v.findings,
                    "counts": v.counts,
                    "rules": v.rules,
                    "missing": list(v.missing),
                }
            )
            for v in projects
        ],
        "documents": [
            _exact(
                {
                    "document": v.document,
                    "kind": v.kind,
                    "status": v.status,
                    "health": v.health,
                    "projects": v.projects,
                    "counts": v.counts,
                    "statuses": v.statuses,
                    "left_out": v.left_out,
                    "unread_forms": v.unread_forms,
                }
            )
            for v in documents
        ],
    }


def summary_json(summary: dict[str, Any]) -> dict[str, Any]:
    """The summary as plain JSON, Decimals as strings."""
    return _exact(summary)
