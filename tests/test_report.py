"""Findings -> text report, JSON and Excel (citations, stable keys, no formula injection)."""

from __future__ import annotations

import json
from decimal import Decimal

from openpyxl import load_workbook

from corpus.model import Budget, Document, Finding, Funding, Goals, Project, Source
from corpus.settings import Settings
from qa.report import (
    EXCEL_COLUMNS,
    VERDICT_COLUMNS,
    finding_key,
    findings_json,
    safe_cell,
    text_report,
    write_report_xlsx,
    write_xlsx,
)


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
    assert "  1. [警告] 指标未达成目标 「报告数」" in lines
    assert "  2. [警告] 预算大幅调减" in lines
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
    assert first["规则"] == "指标未达成目标" and first["级别"] == "警告"
    assert first["文件"] == "自评表.txt" and first["行"] == 143
    assert "实际数值：5" in first["依据"]  # the words the app shows (qa/evidence.py)


def test_excel_drops_control_characters_a_damaged_file_left(tmp_path):
    # A NUL read from a damaged file is not allowed in a worksheet; the rest of the cell is kept.
    path = write_xlsx([finding(project="项目\x00甲", indicator="报告\x01数")], tmp_path / "核查.xlsx")
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["项目"], row["指标"]) == ("项目甲", "报告数")


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
    assert cells["依据"].value == "偏差原因分析及改进措施：@SUM(A1:A9)"  # does not start with @: stays as is
    assert all(c.data_type == "s" for c in cells.values() if isinstance(c.value, str))


def test_safe_cell_leaves_ordinary_values_alone():
    assert safe_cell("≥20.00(份)") == "≥20.00(份)"
    assert safe_cell(143) == 143
    assert safe_cell("-") == "'-"


# ------------------------------------------------------------------------------ verdicts


def project(name: str, document: str = "自评表.txt", **kw) -> Project:
    return Project(
        name=name,
        kind=kw.pop("kind", "self_evaluation"),
        document=document,
        year=2023,
        department="某局",
        implementer=None,
        budget=kw.pop("budget", None),
        funding=kw.pop("funding", None),
        goals=Goals(),
        indicators=(),
        total_score=kw.pop("total_score", None),
        total_weight=None,
        grade=kw.pop("grade", None),
        source=Source(document, kw.pop("line", 1), end_line=kw.pop("end_line", None)),
    )


def budget(planned: str, adjusted: str, spent: str, rate: str, unit: str = "万元") -> Budget:
    return Budget(
        unit=unit,
        planned=Decimal(planned),
        adjusted=Decimal(adjusted),
        spent=Decimal(spent),
        weight=Decimal("10"),
        rate=Decimal(rate),
        score=None,
        lines=(),
        source=Source("自评表.txt", 5),
    )


def batch() -> tuple[list[Document], list[Finding]]:
    self_eval = Document(
        path="自评表.txt",
        sha256="1" * 64,
        kind="self_evaluation",
        projects=(
            project("项目甲", budget=budget("100.00", "80.00", "72.00", "90.00"), total_score=Decimal("95.50"),
                    grade="优", line=3, end_line=40),
            project("项目乙", budget=budget("50.00", "50.00", "50.00", "100.00"), total_score=Decimal("99.00"),
                    grade="优"),
            project("=项目丙", budget=budget("10.00", "10.00", "4.00", "40.00"), total_score=Decimal("80.00")),
        ),
    )  # fmt: skip
    declaration = Document(
        path="申报表.txt",
        sha256="2" * 64,
        kind="declaration",
        projects=(
            project("项目丁", "申报表.txt", kind="declaration",
                    funding=Funding(unit="元", total=Decimal("3000000"), annual_request=Decimal("1200000.50"))),
        ),
    )  # fmt: skip
    findings = [
        finding(),
        finding(rule="budget-cut", indicator=None),
        finding(project="=项目丙", severity="error", rule="low-execution", indicator=None),
        finding(project="=项目丙", severity="info", rule="unit-mismatch"),
        finding(project="项目丁", document="申报表.txt", severity="info", rule="markup-residue"),
    ]
    return [self_eval, declaration], findings


def test_text_report_ends_with_a_verdict_per_document_and_project():
    docs, findings = batch()
    lines = text_report(findings, documents=docs).splitlines()
    start = lines.index("结论（健康分 = 100 − 错误×10 − 警告×3，最低 0；文件健康分为其项目的平均值）")
    assert lines[start + 1 :] == [
        "",
        "【自评表.txt】绩效自评表：存在问题，健康分 94.7；项目 3 个（存在问题 1，建议复核 1，可提交 1）",
        "  存在问题  90.0  =项目丙（错误 1，提示 1）",
        "  建议复核  94.0  项目甲（警告 2）",
        "  可提交　 100.0  项目乙",
        "",
        "【申报表.txt】绩效目标申报表：可提交，健康分 100.0；项目 1 个（存在问题 0，建议复核 0，可提交 1）",
        "  可提交　 100.0  项目丁（提示 1）",
    ]
    assert lines[0] == "核查结果：共 5 条（错误 1 条，警告 2 条，提示 2 条）"


def test_text_report_without_findings_still_gives_the_verdicts():
    docs, _ = batch()
    lines = text_report([], documents=docs).splitlines()
    assert lines[0] == "未发现问题。"
    assert "  可提交　 100.0  =项目丙" in lines and len([x for x in lines if x.startswith("【")]) == 2


def test_json_verdicts_per_project_and_document_health_as_text():
    docs, findings = batch()
    data = json.loads(json.dumps(findings_json(findings, documents=docs), ensure_ascii=False))
    assert len(data["findings"]) == 5
    projects = {v["project"]: v for v in data["verdicts"]["projects"]}
    assert list(projects) == ["项目甲", "项目乙", "=项目丙", "项目丁"]
    assert projects["项目甲"] == {
        "document": "自评表.txt",
        "project": "项目甲",
        "kind": "self_evaluation",
        "status": "建议复核",
        "health": "94.0",
        "findings": 2,
        "counts": {"error": 0, "warning": 2, "info": 0},
        "rules": {"target-not-met": 1, "budget-cut": 1},
        "missing": [],
    }
    first, second = data["verdicts"]["documents"]
    assert (first["status"], first["health"], first["statuses"]) == (
        "存在问题",
        "94.7",
        {"可提交": 1, "建议复核": 1, "存在问题": 1},
    )
    assert (second["document"], second["status"], second["health"], second["projects"]) == (
        "申报表.txt",
        "可提交",
        "100.0",
        1,
    )
    weights = Settings().with_(verdict_weights=(("error", Decimal("40")), ("warning", Decimal("5"))))
    heavier = findings_json(findings, documents=docs, settings=weights)["verdicts"]["projects"]
    assert [v["health"] for v in heavier] == ["90.0", "100.0", "60.0", "100.0"]
    assert "verdicts" not in findings_json(findings)  # callers without documents get what they got before


def test_excel_verdict_sheet_one_row_per_project(tmp_path):
    docs, findings = batch()
    path = write_xlsx(findings, tmp_path / "核查.xlsx", documents=docs)
    wb = load_workbook(path)
    assert wb.sheetnames == ["问题清单", "项目结论"]
    assert wb["问题清单"].max_row == len(findings) + 1
    rows = list(wb["项目结论"].iter_rows(values_only=True))
    assert rows[0] == VERDICT_COLUMNS and rows[0][:8] == (
        "项目",
        "文件",
        "类型",
        "状态",
        "健康分",
        "错误",
        "警告",
        "提示",
    )
    assert len(rows) == 5
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (first["项目"], first["文件"], first["类型"], first["状态"], first["健康分"]) == (
        "项目甲",
        "自评表.txt",
        "绩效自评表",
        "建议复核",
        94,
    )
    assert (first["错误"], first["警告"], first["提示"]) == (0, 2, 0)
    assert first["问题规则"] == "预算大幅调减 1、指标未达成目标 1"
    assert (first["金额单位"], first["全年预算数"], first["全年执行数"], first["执行率(%)"]) == (
        "万元",
        80,
        72,
        90,
    )
    assert (first["自评总分"], first["评分等级"], first["出处"]) == (95.5, "优", "自评表.txt 第3-40行")
    third = wb["项目结论"].cell(row=4, column=1)
    assert third.value == "'=项目丙" and third.data_type == "s"  # a project name is never a formula
    last = dict(zip(rows[0], rows[4], strict=True))
    assert (last["类型"], last["金额单位"], last["项目资金总额"], last["年度资金申请总额"]) == (
        "绩效目标申报表",
        "元",
        3000000,
        1200000.5,
    )
    assert last["全年预算数"] is None and last["自评总分"] is None
    assert load_workbook(write_xlsx(findings, tmp_path / "旧.xlsx")).sheetnames == ["问题清单"]


def test_batch_summary_figures_in_yuan_with_wan(tmp_path):
    docs, findings = batch()
    marks = {finding_key(findings[2]): {"status": "已核实", "remark": ""}}
    path = write_report_xlsx(docs, findings, tmp_path / "批次.xlsx", marks=marks)
    wb = load_workbook(path)
    assert wb.sheetnames == ["汇总", "问题清单", "项目结论"]
    rows = list(wb["汇总"].iter_rows(values_only=True))
    assert rows[0] == ("指标", "数值", "单位", "说明")
    summary = {label: (value, unit, note) for label, value, unit, note in rows[1:]}
    assert summary["文件数"][:2] == (2, "个") and summary["项目数"] == (
        4,
        "个",
        "绩效自评表 3 个，绩效目标申报表 1 个",
    )
    assert summary["自评表 年初预算数合计"] == (1600000, "元", "合 160.00 万元；3 个项目；原表单位 万元")
    assert summary["自评表 全年执行数合计"][0] == 1260000
    assert summary["申报表 年度资金申请总额合计"] == (1200000.5, "元", "1 个项目；原表单位 元")
    assert summary["自评表 总体预算执行率"][:2] == (90, "%")  # 126 / 140 万元
    assert summary["自评表 平均自评总分"][:2] == (91.5, "分")  # (95.50 + 99.00 + 80.00) / 3
    assert summary["可提交率"][:2] == (50, "%")  # 项目乙 and 项目丁
    assert [summary[f"项目 {s}"][0] for s in ("存在问题", "建议复核", "可提交")] == [1, 1, 2]
    assert [summary[f"问题 {s}"][0] for s in ("错误", "警告", "提示")] == [1, 2, 2]
    assert summary["规则 指标未达成目标"][0] == 1 and summary["规则 残留排版标记"][0] == 1
    assert (summary["标记 已核实"][0], summary["标记 忽略"][0], summary["标记 未标记"][0]) == (1, 0, 4)
    marked = [r for r in wb["问题清单"].iter_rows(min_row=2, values_only=True) if r[9]]
    assert [(r[1], r[3], r[9]) for r in marked] == [("'=项目丙", "预算执行率偏低", "已核实")]
    assert wb["项目结论"].max_row == 5


def test_excel_and_app_show_a_findings_evidence_in_the_same_words(sample_docs, tmp_path):
    """One evidence renderer (qa/evidence.py): the Excel's 依据 column and the app's 证据 column read the same
    for every finding of the samples, in words (年度指标值：≥20), never as keys (target=≥20)."""
    from qa.checks import run_checks
    from qa.report import EXCEL_COLUMNS
    from ui.tables import plain_findings_frame

    findings = run_checks(list(sample_docs))
    assert findings
    path = write_xlsx(findings, tmp_path / "问题清单.xlsx")
    sheet = load_workbook(path).worksheets[0]
    at = EXCEL_COLUMNS.index("依据")
    excel = [row[at] or "" for row in sheet.iter_rows(min_row=2, values_only=True)]
    app = list(plain_findings_frame(findings)["证据"])
    assert excel == app
    assert any("：" in text for text in excel) and not any("target=" in text or "actual=" in text for text in excel)


def test_evidence_with_a_figure_longer_than_decimal_precision_is_printed_as_read():
    """A hostile cell of 400 nines is evidence like any other: printed in full, not an InvalidOperation."""
    from qa.evidence import evidence_text

    huge = Decimal("9" * 400)
    text = evidence_text({"actual": huge, "rate": Decimal("71.499")})
    assert "9" * 400 in text and "71.5%" in text
