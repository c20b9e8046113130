"""Findings -> text report, JSON and Excel (citations, stable keys, no formula injection)."""

from __future__ import annotations

import json

from openpyxl import load_workbook

from corpus.model import Finding, Source
from qa.report import EXCEL_COLUMNS, finding_key, findings_json, safe_cell, text_report, write_xlsx


def finding(
    project: str = "项目甲", indicator: str | None = "报告数", rule: str = "target-not-met", **kw
) -> Finding:
    return Finding(
        rule=rule,
        severity=kw.pop("severity", "warning"),
        document=kw.pop("document", "自评表.txt"),
        project=project,
        indicator=indicator,
        message=kw.pop("message", "「报告数」年度指标值 ≥20.00(份)，实际完成值 5.00(份)，未达成目标。"),
        evidence=kw.pop("evidence", {"target": "≥20.00(份)", "actual_value": 5}),
        source=kw.pop("source", Source("自评表.txt", 143, text="报告数\t≥20.00(份)\t5.00(份)")),
    )


def test_text_report_groups_by_document_and_project():
    report = text_report(
        [
            finding(),
            finding(indicator=None, rule="budget-cut", message="全年预算数调减 50.68%。"),
            finding(project="项目乙", severity="error"),
            finding(project="项目丙", document="申报表.txt", severity="info"),
        ]
    )
    lines = report.splitlines()
    assert lines[0] == "核查结果：共 4 条（错误 1 条，警告 2 条，提示 1 条）"
    assert "【自评表.txt】" in lines and "【申报表.txt】" in lines
    assert "■ 项目甲（2 条）" in lines and "■ 项目乙（1 条）" in lines
    assert "  1. [警告] target-not-met 「报告数」" in lines
    assert "  2. [警告] budget-cut" in lines
    assert "     出处：自评表.txt 第143行" in lines
    assert lines.index("■ 项目乙（1 条）") < lines.index("【申报表.txt】")


def test_text_report_without_findings():
    assert text_report([]) == "未发现问题。\n"


def test_json_has_every_field_a_key_and_the_mark():
    f = finding()
    data = findings_json([f], marks={finding_key(f): {"status": "已核实", "remark": "已复核"}})
    item = json.loads(json.dumps(data, ensure_ascii=False))["findings"][0]
    assert {"rule", "severity", "document", "project", "indicator", "message", "evidence", "source"} <= set(
        item
    )
    assert item["source"]["line"] == 143 and item["evidence"]["actual_value"] == 5
    assert item["key"] == finding_key(f)
    assert item["mark"] == {"status": "已核实", "remark": "已复核"}


def test_finding_key_is_stable_and_tells_issues_apart():
    assert finding_key(finding()) == finding_key(finding(message="措辞改了，问题还是那个"))
    assert finding_key(finding()) != finding_key(finding(indicator="合格率"))
    a = finding(indicator=None, rule="missing-indicator-category", evidence={"missing": "时效指标"})
    b = finding(indicator=None, rule="missing-indicator-category", evidence={"missing": "成本指标"})
    assert finding_key(a) != finding_key(b)


def test_excel_has_one_row_per_finding_with_its_citation(tmp_path):
    path = write_xlsx([finding(), finding(project="项目乙", indicator=None)], tmp_path / "核查.xlsx")
    ws = load_workbook(path).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == EXCEL_COLUMNS
    assert len(rows) == 3
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["文档"] == "自评表.txt" and first["项目"] == "项目甲" and first["指标"] == "报告数"
    assert first["规则"] == "target-not-met" and first["级别"] == "警告"
    assert first["文件"] == "自评表.txt" and first["行"] == 143
    assert "actual_value=5" in first["依据"]


def test_excel_cells_never_become_formulas(tmp_path):
    evil = finding(
        project='=HYPERLINK("http://x","点我")',
        indicator="+1+1",
        message="-2+3",
        evidence={"note": "@SUM(A1:A9)"},
    )
    path = write_xlsx([evil], tmp_path / "核查.xlsx")
    ws = load_workbook(path).active
    cells = {
        ws.cell(row=1, column=i).value: ws.cell(row=2, column=i) for i in range(1, len(EXCEL_COLUMNS) + 1)
    }
    assert cells["项目"].value == '\'=HYPERLINK("http://x","点我")'
    assert cells["指标"].value == "'+1+1"
    assert cells["问题"].value == "'-2+3"
    assert cells["依据"].value == "note=@SUM(A1:A9)"  # does not start with @: stays as is
    assert all(c.data_type == "s" for c in cells.values() if isinstance(c.value, str))


def test_safe_cell_leaves_ordinary_values_alone():
    assert safe_cell("≥20.00(份)") == "≥20.00(份)"
    assert safe_cell(143) == 143
    assert safe_cell("-") == "'-"
