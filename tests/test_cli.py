"""The console script end to end: help texts, README coverage, and `jixiao check` as a gate."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import DECLARATION_SAMPLE, EVAL_DIR, ROOT, SELF_EVAL_SAMPLE

from qa.cli import build_parser

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
    assert {"parse", "ingest", "search", "mentions", "check", "ask", "serve"} <= set(COMMANDS)


@pytest.fixture(scope="module")
def findings_json(tmp_path_factory):
    out = run("check", str(SELF_EVAL_SAMPLE), str(DECLARATION_SAMPLE), "--json", check=True).stdout
    path = tmp_path_factory.mktemp("check") / "findings.json"
    path.write_text(out, encoding="utf-8")
    return path


def test_check_passes_the_eval(findings_json):
    score = subprocess.run(
        [sys.executable, str(EVAL_DIR / "score.py"), "findings", str(EVAL_DIR / "findings.jsonl"), str(findings_json)],
        capture_output=True, text=True,
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


def test_check_text_report_and_gate(tmp_path):
    out = run("check", str(SELF_EVAL_SAMPLE), "--fail-on", "error")
    assert out.returncode == 1  # the samples hold an error-level finding: a usable pre-submission gate
    assert "自然生态和农业农村环境保护" in out.stdout and "提交的研究成果数量" in out.stdout


def test_check_xlsx_one_row_per_finding(tmp_path, findings_json):
    target = tmp_path / "findings.xlsx"
    run("check", str(SELF_EVAL_SAMPLE), str(DECLARATION_SAMPLE), "--xlsx", str(target), check=True)
    sheet = openpyxl.load_workbook(target).active
    n = len(json.loads(findings_json.read_text(encoding="utf-8"))["findings"])
    assert sheet.max_row == n + 1  # a header row, then one row per finding


def test_check_unreadable_file_exit_2(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    out = run("check", str(bad))
    assert out.returncode == 2 and "bad.xlsx" in out.stderr
