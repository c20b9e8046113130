"""The console script end to end: help texts, README coverage, `jixiao check` as a gate, `jixiao report`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from conftest import DECLARATION_SAMPLE, EVAL_DIR, ROOT, SELF_EVAL_SAMPLE

from cli import build_parser
from qa.labels import rule_title

JIXIAO = str(Path(sys.executable).with_name("jixiao"))
COMMANDS = sorted(build_parser()._subparsers._group_actions[0].choices)  # noqa: SLF001


def run(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([JIXIAO, *args], capture_output=True, text=True, cwd=ROOT, **kw)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_is_in_readme(command):
    out = run(command, "--help")
    assert out.returncode == 0 and "usage: jixiao " + command in out.stdout
    assert len(out.stdout.splitlines()) > 3
    assert f"jixiao {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_commands_listed():
    assert {"parse", "ingest", "search", "mentions", "check", "report", "ask", "serve"} <= set(COMMANDS)


@pytest.fixture(scope="module")
def findings_json(tmp_path_factory):
    out = run("check", str(SELF_EVAL_SAMPLE), str(DECLARATION_SAMPLE), "--json", check=True).stdout
    path = tmp_path_factory.mktemp("check") / "findings.json"
    path.write_text(out, encoding="utf-8")
    return path


def test_check_passes_the_eval(findings_json):
    score = subprocess.run(
        [
            sys.executable,
            str(EVAL_DIR / "score.py"),
            "findings",
            str(EVAL_DIR / "findings.jsonl"),
            str(findings_json),
        ],
        capture_output=True,
        text=True,
    )
    assert score.returncode == 0, score.stdout
    assert "9 passed, 0 failed" in score.stdout


def test_check_json_cites_every_finding(findings_json):
    findings = json.loads(findings_json.read_text(encoding="utf-8"))["findings"]
    assert findings
    for f in findings:
        assert f["rule"] and f["severity"] in ("error", "warning", "info") and f["message"]
        assert f["document"] in (SELF_EVAL_SAMPLE.name, DECLARATION_SAMPLE.name)
        assert f["source"]["file"] == f["document"] and f["source"]["line"] > 0


def test_check_json_gives_verdicts_that_agree_with_its_findings(findings_json):
    data = json.loads(findings_json.read_text(encoding="utf-8"))
    projects = data["verdicts"]["projects"]
    assert len(projects) == 22 and len(data["verdicts"]["documents"]) == 2
    per_project = Counter((f["document"], f["project"], f["severity"]) for f in data["findings"])
    for v in projects:
        counts = {s: per_project[v["document"], v["project"], s] for s in ("error", "warning", "info")}
        assert v["counts"] == counts
        assert Decimal(v["health"]) == 100 - 10 * counts["error"] - 3 * counts["warning"]
        assert v["status"] == (
            "存在问题" if counts["error"] else "建议复核" if counts["warning"] else "可提交"
        )


def test_check_text_report_and_gate(tmp_path):
    out = run("check", str(SELF_EVAL_SAMPLE), "--fail-on", "error")
    assert out.returncode == 1  # the samples hold an error-level finding: a usable pre-submission gate
    assert "自然生态和农业农村环境保护" in out.stdout and "提交的研究成果数量" in out.stdout
    lines = out.stdout.splitlines()
    verdicts = lines[
        lines.index("结论（健康分 = 100 − 错误×10 − 警告×3，最低 0；文件健康分为其项目的平均值）") :
    ]
    assert verdicts[2].startswith(f"【{SELF_EVAL_SAMPLE.name}】绩效自评表：存在问题，健康分 ")
    assert verdicts[3].startswith("  存在问题 ") and "生态环境执法与应急（错误 1，" in verdicts[3]
    assert len([line for line in verdicts if line.startswith("  ")]) == 17  # one line per project


def test_check_xlsx_one_row_per_finding(tmp_path, findings_json):
    target = tmp_path / "findings.xlsx"
    run("check", str(SELF_EVAL_SAMPLE), str(DECLARATION_SAMPLE), "--xlsx", str(target), check=True)
    book = openpyxl.load_workbook(target)
    n = len(json.loads(findings_json.read_text(encoding="utf-8"))["findings"])
    assert book.sheetnames == ["问题清单", "项目结论"]
    assert book.active.max_row == n + 1  # a header row, then one row per finding
    assert book["项目结论"].max_row == 22 + 1  # one row per project


def test_check_unreadable_file_exit_2(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    out = run("check", str(bad))
    assert out.returncode == 2 and "bad.xlsx" in out.stderr


# ------------------------------------------------------------------------------ report


@pytest.fixture(scope="module")
def marked_index(tmp_path_factory, sample_index, embedder):
    """A copy of the sample index with one finding marked 已核实, and the findings `check --index` sees."""
    from index.store import Index
    from qa.checks import run_checks
    from qa.report import finding_key

    directory = tmp_path_factory.mktemp("report") / "index"
    shutil.copytree(sample_index.directory, directory)
    index = Index.open(directory, embedder=embedder, create=False)
    findings = run_checks(index.documents(), embedder=embedder)
    low = next(f for f in findings if f.rule == "low-execution")
    index.set_mark(finding_key(low), "已核实", "已与单位核对")
    return directory, findings


@pytest.fixture(scope="module")
def batch_report(marked_index, tmp_path_factory):
    directory, _ = marked_index
    target = tmp_path_factory.mktemp("report-out") / "批次报告.xlsx"
    out = run("report", "--index", str(directory), "--xlsx", str(target), "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout), openpyxl.load_workbook(target)


def test_report_xlsx_has_summary_findings_and_projects(batch_report, marked_index, sample_docs):
    data, book = batch_report
    _, findings = marked_index
    assert book.sheetnames == ["汇总", "问题清单", "项目结论"]
    # The same findings as `check --index` and the app: every rule, with the index's model.
    assert book["问题清单"].max_row == len(data["findings"]) + 1 == len(findings) + 1
    assert [r[3] for r in book["问题清单"].iter_rows(min_row=2, values_only=True)] == [
        rule_title(f.rule) for f in findings
    ]
    marked = [r for r in book["问题清单"].iter_rows(min_row=2, values_only=True) if r[9]]
    assert [(r[1], r[3], r[9], r[10]) for r in marked] == [
        ("生态环境执法与应急", "预算执行率偏低", "已核实", "已与单位核对")
    ]
    projects = [p for d in sample_docs for p in d.projects]
    rows = list(book["项目结论"].iter_rows(values_only=True))
    assert len(rows) == len(projects) + 1 == 23
    by_name = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    enforcement = next(p for p in projects if p.name == "生态环境执法与应急")
    row = by_name["生态环境执法与应急"]
    assert (row["文件"], row["类型"], row["状态"]) == (SELF_EVAL_SAMPLE.name, "绩效自评表", "存在问题")
    assert Decimal(str(row["全年预算数"])) == enforcement.budget.adjusted
    assert Decimal(str(row["全年执行数"])) == enforcement.budget.spent
    assert Decimal(str(row["执行率(%)"])) == enforcement.budget.rate
    assert Decimal(str(row["自评总分"])) == enforcement.total_score
    hotline = next(p for p in projects if p.name == "环保热线运行")
    assert Decimal(str(by_name["环保热线运行"]["年度资金申请总额"])) == hotline.funding.annual_request
    verdicts = {v["project"]: v for v in data["verdicts"]["projects"]}
    for name, r in by_name.items():
        assert (r["状态"], Decimal(str(r["健康分"]))) == (
            verdicts[name]["status"],
            Decimal(verdicts[name]["health"]),
        )


def test_report_summary_against_the_records(batch_report, sample_docs):
    data, book = batch_report
    rows = {r[0]: r[1:] for r in book["汇总"].iter_rows(min_row=2, values_only=True)}
    self_eval = [p for d in sample_docs for p in d.projects if p.kind == "self_evaluation"]
    declared = [p for d in sample_docs for p in d.projects if p.kind == "declaration"]
    assert rows["文件数"][0] == 2 and rows["项目数"][0] == 22
    adjusted = sum(p.budget.adjusted for p in self_eval) * 10000  # the self-evaluation prints 万元
    assert Decimal(str(rows["自评表 全年预算数合计"][0])) == adjusted
    assert rows["自评表 全年预算数合计"][2].startswith(f"合 {adjusted / 10000:,.2f} 万元；17 个项目")
    requested = sum(p.funding.annual_request for p in declared)  # the declaration prints 元
    assert Decimal(str(rows["申报表 年度资金申请总额合计"][0])) == requested
    mean = sum(p.total_score for p in self_eval) / len(self_eval)
    assert Decimal(str(rows["自评表 平均自评总分"][0])) == mean.quantize(Decimal("0.01"))
    statuses = Counter(v["status"] for v in data["verdicts"]["projects"])
    assert rows["可提交率"][0] == pytest.approx(round(statuses["可提交"] * 100 / 22, 2))
    assert [rows[f"项目 {s}"][0] for s in ("存在问题", "建议复核", "可提交")] == [
        statuses["存在问题"],
        statuses["建议复核"],
        statuses["可提交"],
    ]
    severities = Counter(f["severity"] for f in data["findings"])
    assert [rows[f"问题 {s}"][0] for s in ("错误", "警告", "提示")] == [
        severities["error"],
        severities["warning"],
        severities["info"],
    ]
    rules = Counter(rule_title(f["rule"]) for f in data["findings"])
    assert {k[3:]: v[0] for k, v in rows.items() if k.startswith("规则 ")} == rules
    assert (rows["标记 已核实"][0], rows["标记 未标记"][0]) == (1, len(data["findings"]) - 1)
    assert data["summary"]["projects"]["total"] == 22 and data["summary"]["pass_rate"] == str(
        rows["可提交率"][0]
    )


def test_report_text_in_the_terminal(marked_index):
    directory, _ = marked_index
    out = run("report", "--index", str(directory))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[:3] == [
        "汇总",
        "文件数：2 个（绩效自评表 1 个，绩效目标申报表 1 个）",
        "项目数：22 个（绩效自评表 17 个，绩效目标申报表 5 个）",
    ]
    assert any(line.startswith("可提交率：") for line in lines)
    # The file's line: its verdict, the mean of its projects' health scores (from the same findings the
    # JSON report lists), and its projects by verdict.
    report = json.loads(run("report", "--index", str(directory), "--json").stdout)
    projects = [p for p in report["verdicts"]["projects"] if p["document"] == DECLARATION_SAMPLE.name]
    mean = sum(Decimal(p["health"]) for p in projects) / len(projects)
    verdicts = Counter(p["status"] for p in projects)
    line = next(x for x in lines if x.startswith(f"【{DECLARATION_SAMPLE.name}】"))
    printed = re.fullmatch(
        rf"【{re.escape(DECLARATION_SAMPLE.name)}】绩效目标申报表：建议复核，健康分 (\d+\.\d)；项目 5 个"
        rf"（存在问题 {verdicts['存在问题']}，建议复核 {verdicts['建议复核']}，可提交 {verdicts['可提交']}）",
        line,
    )
    assert printed is not None, line
    assert abs(Decimal(printed[1]) - mean) <= Decimal("0.05")
    assert verdicts["存在问题"] == 0 and verdicts["可提交"] == 0  # every declaration carries warnings


def test_report_without_an_index_says_what_to_do(tmp_path):
    from index.store import Index

    out = run("report", "--index", str(tmp_path / "无此索引"), "--xlsx", str(tmp_path / "a.xlsx"))
    assert out.returncode == 2 and "jixiao ingest" in out.stderr and not (tmp_path / "a.xlsx").exists()
    Index.open(tmp_path / "空索引")  # an index with no documents
    out = run("report", "--index", str(tmp_path / "空索引"), "--xlsx", str(tmp_path / "a.xlsx"))
    assert out.returncode == 2 and "中没有文档" in out.stderr and not (tmp_path / "a.xlsx").exists()
