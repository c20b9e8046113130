"""section-unread: 「…」第31页 未读出绩效指标表，无法核查指标 — a part of the form that jixiao could not read.

A reviewer must check that part by hand: every other rule is silent about what was not read. An error on a
declaration (checked before it is submitted: it cannot pass unread), a warning on a self-evaluation.
A form the parser saw but read into no project is one finding about the whole file.
"""

from __future__ import annotations

from collections.abc import Iterator

from corpus.model import Document, Finding, Project, Severity, Source
from qa.checks.base import ANY_KIND, Context, Rule, make_finding
from qa.coverage import TEXT as PART_TEXT
from qa.coverage import missing_phrases, part_unread, unread_parts

SLUG = "section-unread"
WHOLE_DOCUMENT = "（全文）"  # the project of a finding about the file as a whole (as markup-residue's)
SEVERITY: dict[str, Severity] = {"declaration": "error", "self_evaluation": "warning"}
# Rules whose finding would claim an absence, or add up rows, in a part that was not read whole: a partly
# read indicator table "lacks" 满意度指标 and its scores "do not add up" only because rows were not read.
NEEDS_WHOLE: dict[str, frozenset[str]] = {
    "indicators": frozenset({"missing-indicator-category", "goal-without-indicator", "total-mismatch"}),
    "money": frozenset({"funding-mismatch"}),
}
TEXT = {
    "project": "「{name}」{where}{missing}，无法核查{parts}，请对照原表人工核对。",
    "forms": "文件中找到 {seen} 张绩效表，只读出 {read} 张；其余 {n} 张未能读取，无法核查，请对照原表人工核对。",
    "page": "第{page}页 ",
    "line": "第{line}行 ",
    "and": "和",
}


def skipped_rules(project: Project) -> frozenset[str]:
    """The rules `run_checks` does not run on this project because a part they need was not read whole."""
    out: frozenset[str] = frozenset()
    for part, rules in NEEDS_WHOLE.items():
        if part_unread(project, part):
            out |= rules
    return out


def _where(source: Source) -> str:
    return TEXT["page"].format(page=source.page) if source.page else TEXT["line"].format(line=source.line)


def project_finding(project: Project, severity: Severity) -> Finding | None:
    parts = unread_parts(project)
    if not parts:
        return None
    missing = missing_phrases(project)
    return make_finding(
        SLUG,
        severity,
        project,
        TEXT["project"].format(
            name=project.name,
            where=_where(project.source),
            missing="；".join(missing),
            parts=TEXT["and"].join(PART_TEXT[f"part_{p}"] for p in parts),
        ),
        evidence={"missing": list(missing), "parts": list(parts)},
    )


def check(document: Document, ctx: Context) -> Iterator[Finding]:
    severity = SEVERITY.get(document.kind, "warning")
    unread_forms = document.tables_seen - document.tables_read
    if unread_forms > 0:
        yield Finding(
            rule=SLUG,
            severity=severity,
            document=document.name,
            project=WHOLE_DOCUMENT,
            indicator=None,
            message=TEXT["forms"].format(
                seen=document.tables_seen, read=document.tables_read, n=unread_forms
            ),
            evidence={"tables_seen": document.tables_seen, "tables_read": document.tables_read},
            source=Source(document.name, 1, sha256=document.sha256),
        )
    for project in document.projects:
        finding = project_finding(project, SEVERITY.get(project.kind, severity))
        if finding is not None:
            yield finding


RULE = Rule(SLUG, "error", "document", ANY_KIND, check, __doc__ or "", title="表格部分未能读取")
