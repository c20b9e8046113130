"""Verdicts: health = 100 − weighted findings (floored at 0), status by the worst severity, per project and document."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from corpus.model import Coverage, Document, Finding, Goals, Project, Source
from corpus.settings import Settings
from qa.checks import run_checks
from qa.verdict import (
    STATUS_ERRORS,
    STATUS_OK,
    STATUS_REVIEW,
    STATUS_UNREAD,
    document_verdicts,
    project_verdicts,
    status_rank,
)


def project(name: str, document: str = "自评表.txt", coverage: Coverage | None = None) -> Project:
    return Project(
        name=name,
        kind="self_evaluation",
        document=document,
        year=2023,
        department=None,
        implementer=None,
        budget=None,
        funding=None,
        goals=Goals(),
        indicators=(),
        total_score=None,
        total_weight=None,
        grade=None,
        source=Source(document, 1),
        coverage=coverage,
    )


def document(name: str, *projects: str, unread: dict[str, Coverage] | None = None, **kw) -> Document:
    return Document(
        path=f"/in/{name}",
        sha256="0" * 64,
        kind="self_evaluation",
        projects=tuple(project(p, name, (unread or {}).get(p)) for p in projects),
        **kw,
    )


NO_INDICATORS = Coverage(indicators="missing", missing=("未读出绩效指标表",))
PART_ROWS = Coverage(indicators="partial", indicator_rows_seen=12, indicator_rows_read=7)
NO_MONEY = Coverage(money="missing")


def finding(
    project_name: str, severity: str, document_name: str = "自评表.txt", rule: str = "target-not-met"
) -> Finding:
    return Finding(
        rule=rule,
        severity=severity,
        document=document_name,
        project=project_name,
        indicator=None,
        message="……",
        source=Source(document_name, 7),
    )


def flat(verdicts) -> list[tuple]:
    return [(v.project, v.status, v.health, v.counts) for v in verdicts]


def test_status_and_health_per_project():
    doc = document("自评表.txt", "甲", "乙", "丙", "丁")
    findings = [
        finding("甲", "error"),
        finding("甲", "warning"),
        finding("乙", "warning"),
        finding("乙", "warning", rule="budget-cut"),
        finding("丙", "info"),
        finding("丙", "info"),
    ]
    verdicts = project_verdicts([doc], findings)
    assert flat(verdicts) == [
        ("甲", STATUS_ERRORS, Decimal("87.0"), {"error": 1, "warning": 1, "info": 0}),
        ("乙", STATUS_REVIEW, Decimal("94.0"), {"error": 0, "warning": 2, "info": 0}),
        ("丙", STATUS_OK, Decimal("100.0"), {"error": 0, "warning": 0, "info": 2}),
        ("丁", STATUS_OK, Decimal("100.0"), {"error": 0, "warning": 0, "info": 0}),
    ]
    assert verdicts[1].rules == {"target-not-met": 1, "budget-cut": 1}
    assert [v.findings for v in verdicts] == [2, 2, 2, 0]
    assert {(v.document, v.kind) for v in verdicts} == {("自评表.txt", "self_evaluation")}


def test_health_is_floored_at_zero():
    doc = document("自评表.txt", "甲")
    (verdict,) = project_verdicts([doc], [finding("甲", "error")] * 11)
    assert verdict.health == Decimal("0.0") and verdict.status == STATUS_ERRORS


def test_weights_come_from_settings():
    doc = document("自评表.txt", "甲")
    findings = [finding("甲", "warning"), finding("甲", "warning"), finding("甲", "info")]
    assert project_verdicts([doc], findings)[0].health == Decimal("94.0")
    heavier = Settings().with_(
        verdict_weights=(("error", Decimal("25")), ("warning", Decimal("7.5")), ("info", Decimal("0.5")))
    )
    assert project_verdicts([doc], findings, heavier)[0].health == Decimal("84.5")
    # The weights change the score, never the status.
    assert project_verdicts([doc], findings, heavier)[0].status == STATUS_REVIEW


def test_a_document_level_finding_counts_for_every_project_of_its_document():
    doc = document("申报表.txt", "甲", "乙")
    other = document("自评表.txt", "甲")
    findings = [
        finding("（全文）", "warning", "申报表.txt", rule="markup-residue"),
        finding("乙", "error", "申报表.txt"),
    ]
    verdicts = project_verdicts([doc, other], findings)
    assert flat(verdicts) == [
        ("甲", STATUS_REVIEW, Decimal("97.0"), {"error": 0, "warning": 1, "info": 0}),
        ("乙", STATUS_ERRORS, Decimal("87.0"), {"error": 1, "warning": 1, "info": 0}),
        ("甲", STATUS_OK, Decimal("100.0"), {"error": 0, "warning": 0, "info": 0}),  # another document's 甲
    ]
    assert verdicts[0].rules == {"markup-residue": 1}


def test_findings_are_matched_by_document_and_project():
    a, b = document("a.txt", "同名项目"), document("b.txt", "同名项目")
    verdicts = project_verdicts([a, b], [finding("同名项目", "error", "b.txt")])
    assert [(v.document, v.status) for v in verdicts] == [("a.txt", STATUS_OK), ("b.txt", STATUS_ERRORS)]


def test_document_verdict_is_the_mean_and_the_worst():
    doc = document("自评表.txt", "甲", "乙", "丙")
    empty = document("空.txt")
    findings = [finding("乙", "warning"), finding("丙", "error")]
    projects = project_verdicts([doc, empty], findings)
    assert [v.health for v in projects] == [Decimal("100.0"), Decimal("97.0"), Decimal("90.0")]
    first, second = document_verdicts([doc, empty], projects)
    assert (first.document, first.projects, first.health, first.status) == (
        "自评表.txt",
        3,
        Decimal("95.7"),
        STATUS_ERRORS,
    )
    assert first.counts == {"error": 1, "warning": 1, "info": 0}
    assert first.statuses == {STATUS_OK: 1, STATUS_REVIEW: 1, STATUS_ERRORS: 1}
    # A document with no project read is nothing a reviewer can pass: unscored, never 可提交.
    assert (second.projects, second.health, second.status) == (0, None, STATUS_UNREAD)
    only_warnings = document_verdicts([doc], project_verdicts([doc], [finding("甲", "warning")]))[0]
    assert only_warnings.status == STATUS_REVIEW


def test_status_rank_orders_best_to_worst():
    assert sorted([STATUS_ERRORS, STATUS_OK, STATUS_REVIEW], key=status_rank) == [
        STATUS_OK,
        STATUS_REVIEW,
        STATUS_ERRORS,
    ]


def test_sample_verdicts_agree_with_their_findings(sample_docs):
    docs = list(sample_docs)
    findings = run_checks(docs)
    verdicts = project_verdicts(docs, findings)
    assert len(verdicts) == sum(len(d.projects) for d in docs) == 22
    per_project = Counter((f.document, f.project, f.severity) for f in findings)
    for v in verdicts:
        counts = {s: per_project[v.document, v.project, s] for s in ("error", "warning", "info")}
        assert v.counts == counts, v.project
        assert v.health == max(Decimal(0), 100 - 10 * counts["error"] - 3 * counts["warning"])
        assert v.status == (
            STATUS_ERRORS if counts["error"] else STATUS_REVIEW if counts["warning"] else STATUS_OK
        )
    assert sum(v.findings for v in verdicts) == len(findings)  # no sample finding is document-level
    worst = min(verdicts, key=lambda v: v.health)
    assert (worst.project, worst.status) == ("生态环境执法与应急", STATUS_ERRORS)
    for dv in document_verdicts(docs, verdicts):
        mine = [v for v in verdicts if v.document == dv.document]
        assert dv.projects == len(mine) and sum(dv.statuses.values()) == len(mine)
        assert dv.status == max((v.status for v in mine), key=status_rank)
        assert abs(dv.health - sum(v.health for v in mine) / len(mine)) <= Decimal("0.05")


def test_a_project_not_read_whole_is_never_passed_nor_scored():
    doc = document(
        "申报表.txt", "甲", "乙", "丙", "丁", unread={"甲": NO_INDICATORS, "乙": PART_ROWS, "丙": NO_MONEY}
    )
    verdicts = project_verdicts([doc], [finding("乙", "warning", "申报表.txt")])
    assert [(v.project, v.status, v.health, v.missing) for v in verdicts] == [
        ("甲", STATUS_UNREAD, None, ("未读出绩效指标表",)),
        ("乙", STATUS_UNREAD, None, ("绩效指标表共 12 行，只读出 7 行",)),
        ("丙", STATUS_UNREAD, None, ("未读出项目资金表",)),
        ("丁", STATUS_OK, Decimal("100.0"), ()),
    ]
    assert verdicts[1].counts == {"error": 0, "warning": 1, "info": 0}  # its findings still count
    (dv,) = document_verdicts([doc], verdicts)
    # The document's health is that of 丁 alone, and says that three were left out.
    assert (dv.health, dv.status, dv.left_out, dv.projects) == (Decimal("100.0"), STATUS_UNREAD, 3, 4)
    assert dv.statuses == {STATUS_OK: 1, STATUS_REVIEW: 0, STATUS_ERRORS: 0, STATUS_UNREAD: 3}


def test_coverage_none_and_complete_coverage_are_judged_as_before():
    doc = document(
        "自评表.txt", "甲", "乙", unread={"乙": Coverage(indicator_rows_seen=5, indicator_rows_read=5)}
    )
    verdicts = project_verdicts([doc], [])
    assert [(v.status, v.health) for v in verdicts] == [(STATUS_OK, Decimal("100.0"))] * 2


def test_a_document_with_a_form_not_read_is_not_passed():
    doc = document("申报表.txt", "甲", tables_seen=2, tables_read=1)
    verdicts = project_verdicts([doc], run_checks([doc], rules=["section-unread"]))
    # The finding about the unread form concerns no project: 甲 keeps its score.
    assert [(v.status, v.health) for v in verdicts] == [(STATUS_OK, Decimal("100.0"))]
    (dv,) = document_verdicts([doc], verdicts)
    assert (dv.status, dv.health, dv.unread_forms, dv.left_out) == (STATUS_UNREAD, Decimal("100.0"), 1, 0)


def test_status_rank_puts_unread_last():
    assert max([STATUS_ERRORS, STATUS_UNREAD, STATUS_OK], key=status_rank) == STATUS_UNREAD


def test_real_documents_never_pass_a_project_not_read_whole():
    """Whatever the parser reads of ../shared/real, no project it did not read whole is 可提交 or scored."""
    from real_score import REAL as real

    from corpus.errors import JixiaoError
    from corpus.parse import parse_file

    assert real.is_dir(), f"{real}: the development set lies beside the repository (as for tests/test_real.py)"
    docs = []
    for path in sorted(real.glob("*.txt")):
        try:
            docs.append(parse_file(path))
        except JixiaoError:
            continue
    findings = run_checks(docs)
    verdicts = project_verdicts(docs, findings)
    projects = [p for d in docs for p in d.projects]
    for p, v in zip(projects, verdicts, strict=True):
        if p.coverage is not None and not p.coverage.complete:
            assert (v.status, v.health) == (STATUS_UNREAD, None), (p.document, p.name)
            assert any(f.rule == "section-unread" and f.project == p.name for f in findings), p.name
    for dv in document_verdicts(docs, verdicts):
        if dv.left_out:
            assert dv.status == STATUS_UNREAD
