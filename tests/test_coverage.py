"""Say what was not read (issue 15): verdicts, findings, the report's counts and the answers' notes over
documents whose parts could not be read, and refused files kept by the index.

The documents are records built here (the parser's own coverage is tested with the parser): the issue's
declaration whose indicator rows were not read, a complete declaration, and refused XLSX files.
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from corpus.model import (
    Coverage,
    Document,
    Funding,
    Goals,
    Indicator,
    Measure,
    ParseWarning,
    Project,
    RefusedFile,
    Source,
)
from qa.coverage import coverage_of, is_complete, missing_phrases, unread_note, unread_parts

ROOT = Path(__file__).resolve().parent.parent
JIXIAO = str(Path(sys.executable).with_name("jixiao"))
NO_TABLE = Coverage(indicators="missing", missing=("未读出绩效指标表",))
NO_TABLE_NO_MONEY = Coverage(
    money="missing", indicators="missing", missing=("未读出项目资金表", "未读出绩效指标表")
)


def indicator(name: str, target: str, value: str, unit: str, doc: str, line: int, level1: str = "满意度指标"):
    measure = Measure(target, "≥", Decimal(value), unit)
    return Indicator(
        level1, "服务对象满意度指标", name, measure, None, None, None, "", Source(doc, line, text=name)
    )


def declaration(
    name: str,
    doc: str,
    line: int,
    request: str | None,
    coverage: Coverage | None,
    indicators: tuple[Indicator, ...] = (),
    page: int | None = None,
) -> Project:
    funding = (
        Funding("元", annual_request=Decimal(request), source=Source(doc, line + 1)) if request else None
    )
    return Project(
        name, "declaration", doc, 2024, "某区生态环境局", None, None, funding, Goals(), indicators,
        None, None, None, Source(doc, line, text=name, page=page), coverage=coverage,
    )  # fmt: skip


def unread_pdf() -> Document:
    """The issue's declaration PDF: five projects, no indicator row read, the money of two read."""
    doc = "申报表.pdf"
    projects = tuple(
        declaration(
            f"项目{n}",
            doc,
            10 * i,
            "100000" if i < 2 else None,
            NO_TABLE if i < 2 else NO_TABLE_NO_MONEY,
            page=31 + i,
        )
        for i, n in enumerate("甲乙丙丁戊")
    )
    return Document(f"/in/{doc}", "a" * 64, "declaration", projects, tables_seen=5, tables_read=5)


def complete_doc() -> Document:
    doc = "完整申报表.txt"
    full = Coverage(indicator_rows_seen=1, indicator_rows_read=1)
    project = declaration(
        "环保热线运行", doc, 5, "250000", full, (indicator("服务对象满意度", "≥90%", "90", "%", doc, 9),)
    )
    return Document(f"/in/{doc}", "b" * 64, "declaration", (project,))


REFUSED = tuple(
    RefusedFile(f"/in/申报{i}.xlsx", str(i) * 64, "layout-not-understood", f"申报{i}.xlsx: 表格版式未能识别")
    for i in (1, 2, 3)
)


# ------------------------------------------------------------------------------ qa/coverage.py


def test_what_was_not_read_per_project():
    pdf = unread_pdf()
    first, third = pdf.projects[0], pdf.projects[2]
    assert not is_complete(first) and unread_parts(first) == ("indicators",)
    assert unread_parts(third) == ("money", "indicators")
    assert missing_phrases(third) == ("未读出项目资金表", "未读出绩效指标表")
    assert is_complete(complete_doc().projects[0])
    # Read before coverage was recorded: complete, nothing to say.
    assert (
        is_complete(declaration("旧", "旧.txt", 1, None, None))
        and unread_parts(declaration("旧", "旧.txt", 1, None, None)) == ()
    )


def test_unread_note_counts_files_and_projects():
    docs = [unread_pdf(), complete_doc()]
    assert unread_note([complete_doc()]) is None
    assert unread_note(docs, REFUSED, part="indicators") == (
        "另有 3 个文件未能读取（申报1.xlsx、申报2.xlsx、申报3.xlsx）、5 个项目的指标未能完整读取，结果可能不完整。"
    )
    assert unread_note(docs, part="money") == "另有 3 个项目的资金未能完整读取，结果可能不完整。"
    assert unread_note(docs) == "另有 5 个项目的资金或指标未能完整读取，结果可能不完整。"
    report = coverage_of(docs, REFUSED)
    assert report.documents == ("申报表.pdf",) and len(report.refused) == 3
    forms = Document("/in/x.pdf", "c" * 64, "declaration", (), tables_seen=2, tables_read=0)
    assert unread_note([forms]) == "另有 1 个文件中有 2 张绩效表未能读取，结果可能不完整。"


# ------------------------------------------------------------------------------ check and verdicts


def test_check_flags_every_unread_project_and_passes_none():
    from qa.checks import run_checks
    from qa.report import text_report
    from qa.verdict import STATUS_OK, STATUS_UNREAD, document_verdicts, project_verdicts

    docs = [unread_pdf(), complete_doc()]
    findings = run_checks(docs)
    unread = [f for f in findings if f.rule == "section-unread"]
    assert [(f.project, f.severity) for f in unread] == [(f"项目{n}", "error") for n in "甲乙丙丁戊"]
    assert unread[0].message == "「项目甲」第31页 未读出绩效指标表，无法核查指标，请对照原表人工核对。"
    verdicts = project_verdicts(docs, findings)
    assert [(v.status, v.health) for v in verdicts[:5]] == [(STATUS_UNREAD, None)] * 5
    assert verdicts[5].status != STATUS_UNREAD and verdicts[5].health is not None
    pdf, _ = document_verdicts(docs, verdicts)
    assert (pdf.status, pdf.health, pdf.left_out) == (STATUS_UNREAD, None, 5)
    text = text_report(findings, documents=docs, refused=REFUSED)
    assert f"{STATUS_OK}　 100.0" not in text.split("【申报表.pdf】")[-1].split("【完整申报表.txt】")[0]
    assert (
        "【申报表.pdf】绩效目标申报表：未能完整读取，健康分 —（另有 5 个项目未能完整读取，未评分、未计入）"
        in text
    )
    assert "  未能完整读取     —  项目甲（未读出绩效指标表；错误 1）" in text
    assert "未能读取的文件（3 个，未核查）：" in text and "  申报1.xlsx：申报1.xlsx: 表格版式未能识别" in text


def test_report_leaves_unread_projects_out_of_the_pass_rate_and_says_so():
    from qa.checks import run_checks
    from qa.report import batch_summary, summary_rows, summary_text
    from qa.verdict import project_verdicts

    docs = [unread_pdf(), complete_doc()]
    findings = run_checks(docs)
    verdicts = project_verdicts(docs, findings)
    summary = batch_summary(docs, findings, verdicts, refused=REFUSED)
    assert summary["pass_rate_left_out"] == 5
    scored = [v for v in verdicts if v.health is not None]
    assert summary["pass_rate"] == Decimal(
        sum(v.status == "可提交" for v in scored) * 100 / len(scored)
    ).quantize(Decimal("0.01"))
    rows = {row[0]: row for row in summary_rows(summary)}
    assert "另有 5 个项目未能完整读取，不计入" in rows["可提交率"][3]
    # The total names what it adds (two projects of the PDF and the complete one) and what it could not.
    request = rows["申报表 年度资金申请总额合计"]
    assert request[1] == Decimal("450000.00") and request[3].startswith("3 个项目")
    assert "另有 3 个项目的资金未能读取，未计入" in request[3]
    assert rows["未能读取的文件"][1] == 3 and "申报2.xlsx" in rows["未能读取的文件"][3]
    assert (
        rows["未能完整读取的项目"][1] == 5
        and "项目甲（申报表.pdf：未读出绩效指标表）" in rows["未能完整读取的项目"][3]
    )
    assert rows["项目 未能完整读取"][1] == 5
    assert summary_text(summary).endswith(
        "另有 3 个文件未能读取（申报1.xlsx、申报2.xlsx、申报3.xlsx）、5 个项目的资金或指标未能完整读取，结果可能不完整。"
    )


# ------------------------------------------------------------------------------ the index and the answers


@pytest.fixture(scope="module")
def unread_index(tmp_path_factory, embedder):
    from index.store import Index

    index = Index.open(tmp_path_factory.mktemp("unread") / "index", embedder=embedder)
    index.add([unread_pdf(), complete_doc()])
    for refused in REFUSED:
        index.add_refused(refused)
    return index


def test_refused_files_are_kept_listed_and_forgotten_once_read(unread_index, tmp_path):
    from index.store import Index

    again = Index.open(unread_index.directory, create=False)  # survives a reload
    assert again.refused() == REFUSED
    scratch = Index.open(tmp_path / "index", embedder=unread_index.embedder())
    scratch.add_refused(REFUSED[0])
    scratch.add_refused(RefusedFile(REFUSED[0].path, "f" * 64, "scanned", "扫描件，需要先做文字识别"))
    assert [(r.path, r.reason) for r in scratch.refused()] == [(REFUSED[0].path, "scanned")]  # replaced
    scratch.add_refused(REFUSED[1])
    # The same file read later (same path): its refusal goes, and it stays gone through a rebuild.
    read = Document(REFUSED[0].path, "e" * 64, "declaration", complete_doc().projects)
    scratch.add([read])
    assert scratch.refused() == (REFUSED[1],)
    assert scratch.remove("申报2.xlsx") and scratch.refused() == ()
    assert [d.name for d in scratch.documents()] == ["申报1.xlsx"]


def test_answers_say_what_was_not_read(unread_index):
    from qa.ask import ask

    note = "另有 3 个文件未能读取（申报1.xlsx、申报2.xlsx、申报3.xlsx）、5 个项目的指标未能完整读取，结果可能不完整。"
    a = ask("满意度目标低于80%的有哪些", unread_index)
    assert a.kind == "filter" and a.projects == ()
    assert a.text.endswith(note)  # the "none" does not stand alone
    m = ask("哪些项目提到满意度？", unread_index)
    assert m.kind == "mentions" and m.projects == ("环保热线运行",)
    assert m.text.endswith(
        "另有 3 个文件未能读取（申报1.xlsx、申报2.xlsx、申报3.xlsx）、5 个项目的资金或指标未能完整读取，结果可能不完整。"
    )
    total = ask("年度资金申请总额合计是多少？", unread_index)
    assert total.kind == "sum" and total.values[0].value == Decimal("450000")
    assert "另有 3 个项目没有年度资金申请总额（未能读取），未参与计算。" in total.text
    assert "资金未能完整读取" in total.text
    # A question about a project read whole carries no note; one read in part does.
    assert "未能" not in ask("环保热线运行的年度资金申请总额是多少？", unread_index).text
    assert ask("项目甲有哪些绩效指标？", unread_index).text.endswith(
        "「项目甲」未读出绩效指标表，结果可能不完整。"
    )
    # A project no file names: the refused files may hold it.
    assert "申报1.xlsx" in ask("大气污染防治项目的年度资金申请总额是多少？", unread_index).text


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([JIXIAO, *args], capture_output=True, text=True, cwd=ROOT, timeout=600)


def test_cli_mentions_report_and_check_over_an_index_with_unread_parts(unread_index):
    where = ("--index", str(unread_index.directory))
    out = run("mentions", "满意度", *where)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1].startswith("另有 3 个文件未能读取（申报1.xlsx")
    data = json.loads(run("mentions", "满意度", "--json", *where).stdout)
    assert data["note"].endswith("结果可能不完整。")
    report = run("report", *where)
    assert report.returncode == 0, report.stderr
    assert "另有 5 个项目未能完整读取，不计入" in report.stdout
    assert "未能读取的文件（3 个，未核查）：" in report.stdout
    checked = json.loads(run("check", "--json", *where).stdout)
    assert tuple(RefusedFile(**r) for r in checked["refused"]) == REFUSED
    statuses = [v["status"] for v in checked["verdicts"]["projects"]]
    assert statuses.count("未能完整读取") == 5 and statuses.count("可提交") <= 1


def test_check_on_an_empty_index_says_it_holds_nothing(tmp_path, embedder):
    from index.store import Index

    index = Index.open(tmp_path / "index", embedder=embedder)
    index.add_refused(REFUSED[0])
    out = run("check", "--index", str(index.directory))
    assert out.returncode == 2 and "未发现问题" not in out.stdout + out.stderr
    assert "中没有文档" in out.stderr and "申报1.xlsx" in out.stderr


def test_ingest_records_a_refused_file_and_drops_it_once_read(tmp_path):
    bad = tmp_path / "申报.txt"
    bad.write_text("这是一份会议纪要，没有任何表格。\n", encoding="utf-8")
    index = tmp_path / "index"
    out = run("ingest", str(bad), "--index", str(index), "--quiet")
    assert out.returncode == 2 and "申报.txt" in out.stderr
    assert "失败 1 个" in out.stdout and "其中 1 个文件未能读取（申报.txt）" in out.stdout
    from index.store import Index

    (refused,) = Index.open(index, create=False).refused()
    assert (refused.name, refused.reason) == ("申报.txt", "not-a-form") and len(refused.sha256) == 64
    bad.write_text(
        (ROOT / "corpus" / "samples" / "2024_target_declaration_shanghai_enforcement.txt").read_text("utf-8"),
        "utf-8",
    )
    assert run("ingest", str(bad), "--index", str(index), "--quiet").returncode == 0
    assert Index.open(index, create=False).refused() == ()


@pytest.mark.parametrize("auth", ["admin:", "admin", ":secret"])
def test_serve_refuses_an_auth_without_user_or_password(auth, tmp_path):
    out = run("serve", "--auth", auth, "--index", str(tmp_path / "index"))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "--auth" in out.stderr


def test_parse_prints_warnings_grouped_by_kind():
    from cli import warning_groups

    warnings = [
        ParseWarning(3, "跳过未能识别的指标行", "…", kind="unread-indicator-rows"),
        ParseWarning(4, "金额没有单位，按万元读取", kind="no-unit"),
        ParseWarning(9, "跳过未能识别的指标行", "…", kind="unread-indicator-rows", end_line=12),
        ParseWarning(1, "跳过扫描页", kind="skipped-pages", page=1, end_page=30),
    ]
    assert [(w.message, where, n) for w, where, n in warning_groups(warnings)] == [
        ("跳过未能识别的指标行", "第3–12行", 2),
        ("金额没有单位，按万元读取", "第4行", 1),
        ("跳过扫描页", "第1–30页", 1),
    ]
