"""The rules, each on a minimal hand-made table (fires once, stays silent once), and the eval on the samples."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from corpus.errors import JixiaoError
from corpus.model import (
    Budget,
    BudgetLine,
    Clause,
    Document,
    Funding,
    GoalBlock,
    Goals,
    Indicator,
    Project,
    Source,
    to_jsonable,
)
from corpus.settings import Settings
from qa.checks import RULES, run_checks
from tests.builders import d, m, src

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "tests" / "eval"  # a verbatim copy of the shared eval files

# ------------------------------------------------------------------------------------------ builders


def ind(
    name: str,
    target: str,
    actual: str | None = None,
    weight: str | None = None,
    score: str | None = None,
    note: str = "",
    level1: str = "产出指标",
    level2: str = "数量指标",
    raw: str = "",
) -> Indicator:
    return Indicator(level1, level2, name, m(target), m(actual), d(weight), d(score), note, src(raw or name))


def block(label: str, text: str) -> GoalBlock:
    source = src(text)
    parts = [p for p in re.split(r"[；;。]", text) if p.strip()]
    return GoalBlock(label, text, tuple(Clause(p, source) for p in parts), source)


def budget(
    planned: str, adjusted: str, spent: str, rate: str | None, score: str | None, weight: str = "10"
) -> Budget:
    line = BudgetLine("appropriation", d(planned), d(adjusted), d(spent), None, d(rate), None, src())
    return Budget("万元", d(planned), d(adjusted), d(spent), d(weight), d(rate), d(score), (line,), src())


def proj(
    *indicators: Indicator,
    name: str = "示例项目",
    kind: str = "self_evaluation",
    year: int = 2023,
    budget: Budget | None = None,
    funding: Funding | None = None,
    expected: str | None = None,
    achieved: str | None = None,
    annual: str | None = None,
    total: str | None = None,
    total_weight: str | None = None,
    grade: str | None = None,
    document: str | None = None,
    department: str | None = None,
) -> Project:
    goals = Goals(
        expected=block("预期目标", expected) if expected else None,
        achieved=block("实际完成情况", achieved) if achieved else None,
        annual=block("年度总体目标", annual) if annual else None,
    )
    document = document or ("自评表.txt" if kind == "self_evaluation" else "申报表.txt")
    return Project(
        name, kind, document, year, department, None, budget, funding, goals, tuple(indicators),
        d(total), d(total_weight), grade, src(name),
    )  # fmt: skip


def check(rule: str, *projects: Project, settings: Settings | None = None) -> list[tuple]:
    """Run one rule over the projects (one document per file name) and flatten the findings."""
    docs: dict[str, list[Project]] = {}
    for p in projects:
        docs.setdefault(p.document, []).append(p)
    documents = [Document(name, "0", ps[0].kind, tuple(ps)) for name, ps in docs.items()]
    return [(f.rule, f.project, f.indicator) for f in run_checks(documents, settings=settings, rules=[rule])]


# ------------------------------------------------------------------------------------------ registry


def test_registry_has_every_rule_with_a_docstring():
    assert len(RULES) == 42
    for slug, rule in RULES.items():
        assert rule.slug == slug
        assert rule.doc.startswith(slug) or slug in rule.doc, slug
        assert rule.scope in ("project", "pair", "document")
        assert rule.kinds <= {"self_evaluation", "declaration"}


def test_unknown_rule_is_an_error_that_lists_the_rules():
    with pytest.raises(JixiaoError, match="target-not-met"):
        run_checks([], rules=["no-such-rule"])


def test_findings_come_in_project_then_rule_then_row_order():
    p1 = proj(ind("甲", "≥10(份)", "5(份)", "10", "10"), ind("乙", "≥10(份)", "4(份)", "10", "4"), name="一")
    p2 = proj(ind("丙", "≥10(份)", "5(份)", "10", "5"), name="二")
    docs = [Document("自评表.txt", "0", "self_evaluation", (p1, p2))]
    got = [(f.project, f.rule, f.indicator) for f in run_checks(docs)]
    assert got == [
        ("一", "target-not-met", "甲"),
        ("一", "target-not-met", "乙"),
        ("一", "deviation-unexplained", "甲"),
        ("一", "deviation-unexplained", "乙"),
        ("一", "full-score-though-unmet", "甲"),
        ("一", "score-out-of-band", "甲"),  # 乙 scored 4 = 10 × 4/10, as the formula says
        ("一", "total-mismatch", None),
        ("二", "target-not-met", "丙"),
        ("二", "deviation-unexplained", "丙"),
        ("二", "total-mismatch", None),
    ]


# ------------------------------------------------------------------------------------------ self-evaluation rules


def test_target_not_met():
    p = proj(
        ind("报告数", "≥20.00(份)", "5.00(份)", note="因故推迟"),
        ind("运行率", "≥95.00%", "95.00%"),  # equal is met
        ind("合格率", "≥90%", "89%"),
        ind("事件数", "=0(次)", "0(次)"),
        ind("超额", "=2(个)", "3(个)"),  # over-delivery meets an = target
    )
    assert check("target-not-met", p) == [
        ("target-not-met", "示例项目", "报告数"),
        ("target-not-met", "示例项目", "合格率"),
    ]
    findings = run_checks([Document("自评表.txt", "0", "self_evaluation", (p,))], rules=["target-not-met"])
    assert [f.severity for f in findings] == ["warning", "error"]  # explained / not explained
    assert findings[0].evidence["target_value"] == 20 and findings[0].evidence["actual_value"] == 5


def test_target_not_met_silent_when_units_differ_or_words():
    p = proj(ind("甲", "≥20(份)", "5(个)"), ind("乙", "≥90%", "达成指标"))
    assert check("target-not-met", p) == []


def test_deviation_unexplained():
    p = proj(
        ind("甲", "≥10(份)", "5(份)", "10", "5", note="无"),
        ind("乙", "按时完成", "部分达成指标并具有一定效果", "10", "7"),
        ind("丙", "按时完成", "达成指标", "10", "8"),
        ind("丁", "≥10(份)", "5(份)", "10", "5", note="供应商延期，已督促整改"),
        ind("戊", "≥10(份)", "12(份)", "10", "10"),
    )
    assert check("deviation-unexplained", p) == [
        ("deviation-unexplained", "示例项目", "甲"),
        ("deviation-unexplained", "示例项目", "乙"),
        ("deviation-unexplained", "示例项目", "丙"),
    ]


def test_score_deducted_though_met():
    p = proj(
        ind("能力", "稳步提升", "达成指标", "15", "13", note="仍有短板"),
        ind("满意度", "≥90%", "98%", "10", "9.6"),
        ind("部分", "按时", "部分达成指标", "10", "7"),
        ind("满分", "≥90%", "95%", "10", "10"),
    )
    assert check("score-deducted-though-met", p) == [
        ("score-deducted-though-met", "示例项目", "能力"),
        ("score-deducted-though-met", "示例项目", "满意度"),
    ]


def test_full_score_though_unmet():
    p = proj(
        ind("甲", "≥90%", "80%", "10", "10"),
        ind("乙", "按时", "未达成指标", "10", "10"),
        ind("丙", "≥90%", "80%", "10", "8.89"),
    )
    assert check("full-score-though-unmet", p) == [
        ("full-score-though-unmet", "示例项目", "甲"),
        ("full-score-though-unmet", "示例项目", "乙"),
    ]


def test_score_out_of_band():
    p = proj(
        ind("部分高", "按时", "部分达成指标", "10", "9.5"),  # partly: 6–8
        ind("部分内", "按时", "部分达成指标", "10", "8"),
        ind("达成低", "按时", "达成指标", "10", "7"),  # met: 8–10
        ind("比例高", "≥20(份)", "5(份)", "5", "3"),  # 5 × 5/20 = 1.25
        ind("比例对", "≥20(份)", "5(份)", "5", "1.25"),
        ind("截断对", "≥90%", "89%", "30", "29.66"),  # 29.666… printed truncated
        ind("反向对", "≤10(天)", "15(天)", "10", "5"),  # (1 − 5/10) × 10
    )
    assert check("score-out-of-band", p) == [
        ("score-out-of-band", "示例项目", "部分高"),
        ("score-out-of-band", "示例项目", "达成低"),
        ("score-out-of-band", "示例项目", "比例高"),
    ]
    lenient = Settings().with_(scoring_formula="lenient")
    assert check("score-out-of-band", p, settings=lenient) == [
        ("score-out-of-band", "示例项目", "部分高"),
        ("score-out-of-band", "示例项目", "达成低"),
    ]


def test_score_exceeds_weight():
    p = proj(ind("甲", "≥1(份)", "1(份)", "10", "12"), ind("乙", "≥1(份)", "1(份)", "10", "10"))
    over_budget = proj(budget=budget("10", "10", "10", "100", "11"), name="预算")
    assert check("score-exceeds-weight", p, over_budget) == [
        ("score-exceeds-weight", "示例项目", "甲"),
        ("score-exceeds-weight", "预算", None),
    ]


def test_total_mismatch():
    rows = (ind("甲", "≥1(份)", "1(份)", "45", "45"), ind("乙", "≥1(份)", "1(份)", "45", "40"))
    right = proj(*rows, budget=budget("10", "10", "9.82", "98.20", "9.82"), total="94.82", total_weight="100")
    wrong_total = proj(
        *rows, budget=budget("10", "10", "9.82", "98.20", "9.82"), total="96.82", name="总分错"
    )
    wrong_weights = proj(*rows, total="85", name="分值错")  # 45 + 45 ≠ 100 and no budget row
    assert check("total-mismatch", right, wrong_total, wrong_weights) == [
        ("total-mismatch", "总分错", None),
        ("total-mismatch", "分值错", None),
    ]


def test_grade_mismatch():
    assert check(
        "grade-mismatch",
        proj(total="85.3", grade="优", name="良判优"),
        proj(total="90", grade="优", name="恰好优"),
        proj(total="79.99", grade="中等", name="中"),
        proj(total="59", grade="中", name="差判中"),
    ) == [("grade-mismatch", "良判优", None), ("grade-mismatch", "差判中", None)]


def test_execution_rate_mismatch():
    assert check(
        "execution-rate-mismatch",
        proj(budget=budget("166", "166", "103.99", "62.64", "6.26"), name="截断"),  # 62.644…, 6.264…
        proj(budget=budget("50", "50", "45.678", "91.35", "9.13"), name="截断二"),  # 91.356 printed 91.35
        proj(budget=budget("50", "50", "45.678", "91.36", "9.14"), name="四舍五入"),
        proj(budget=budget("166", "166", "103.99", "72.64", "7.26"), name="率错"),
        proj(budget=budget("100", "100", "98.2", "98.20", "9.92"), name="得分错"),
        proj(budget=budget("100", "100", "120", "120.00", "10"), name="封顶"),
    ) == [
        ("execution-rate-mismatch", "率错", None),  # the total line
        ("execution-rate-mismatch", "率错", None),  # its 当年财政拨款 line
        ("execution-rate-mismatch", "得分错", None),
    ]


def test_low_execution():
    reasoned = proj(
        ind("甲", "按时", "部分达成指标", note="采购延期，尾款未支付"),
        budget=budget("100", "100", "62", "62.00", "6.2"),
        name="有说明",
    )
    assert check(
        "low-execution",
        proj(budget=budget("100", "100", "62", "62.00", "6.2"), name="低"),
        reasoned,
        proj(budget=budget("100", "100", "90", "90.00", "9"), name="恰好"),
    ) == [("low-execution", "低", None), ("low-execution", "有说明", None)]
    findings = run_checks(
        [Document("自评表.txt", "0", "self_evaluation", (reasoned,))], rules=["low-execution"]
    )
    assert "采购延期" in findings[0].message and findings[0].severity == "warning"
    silent = run_checks(
        [Document("自评表.txt", "0", "self_evaluation", (proj(budget=budget("100", "100", "62", "62.00", "6.2")),))],
        rules=["low-execution"],
    )
    assert [f.severity for f in silent] == ["error"]  # no reason given: the reviewer sends it back


def test_budget_cut():
    assert check(
        "budget-cut",
        proj(budget=budget("893.60", "440.70", "409.30", "92.87", "9.28"), name="调减"),
        proj(budget=budget("100", "80", "80", "100", "10"), name="恰好两成"),
        proj(budget=budget("100", "120", "120", "100", "10"), name="调增"),
    ) == [("budget-cut", "调减", None)]


def test_note_contradicts_value():
    p = proj(
        ind("调查报告", "=2.00(个)", "2.00(个)", note="实际完成3份报告,超计划完成"),
        ind("工作计划完成情况", "=100%", "100%", note="实际完成62项，超计划完成"),  # % vs 项: not this figure
        ind("培训", "≥2(次)", "2(次)", note="2023年完成培训2次"),  # the year is not a count
        ind("检查", "=4(次)", "4(次)", note="完成了4个季度的检查"),  # 个季度 is not a count of 次
        ind("评估报告", "≥2(份)", "2(份)", note="计划5份，实际完成2份"),
        achieved="开展保密检查3次；完成漏洞扫描测试12次",
    )
    scan = ind("漏洞扫描测试次数", ">10(次)", "11(次)")
    assert check("note-contradicts-value", p) == [("note-contradicts-value", "示例项目", "调查报告")]
    q = proj(scan, achieved="开展保密检查3次；完成漏洞扫描测试12次", name="正文")
    assert check("note-contradicts-value", q) == [("note-contradicts-value", "正文", "漏洞扫描测试次数")]
    agreed = proj(
        ind("执法履职评估", "≥2(家)", "18(家)"),
        achieved="对全市18家区级执法机构开展履职评估，形成19家被评估单位的履职评估成绩简析",
        name="相符",
    )  # 18 stated where the indicator is named: the 19 of another clause does not contradict it
    assert check("note-contradicts-value", agreed) == []


def test_goal_outcome_missing():
    p = proj(
        ind("报告", "=1(份)", "1(份)"),
        expected="完成水质监测报告编制；组建船舶巡查队伍，开展近海海域海上巡查",
        achieved="完成水质监测报告编制并通过验收",
        name="监测",
    )
    reported = proj(
        expected="完成水质监测报告编制；组建船舶巡查队伍，开展近海海域海上巡查",
        achieved="完成水质监测报告编制；组建了船舶巡查队伍，全年开展近海海域海上巡查12次",
        name="已报告",
    )
    assert check("goal-outcome-missing", p, reported) == [("goal-outcome-missing", "监测", None)]


def test_goal_outcome_missing_names_the_closest_outcome():
    p = proj(
        expected="开展大气环境质量实时跟踪评估；完成年度排放清单编制",
        achieved="完成年度排放清单编制；开展水质评估",
    )
    findings = run_checks(
        [Document("自评表.txt", "0", "self_evaluation", (p,))], rules=["goal-outcome-missing"]
    )
    assert len(findings) == 1
    assert "大气环境质量实时跟踪评估" in findings[0].message
    assert "大气" in "".join(findings[0].evidence["missing_terms"])
    assert findings[0].evidence["term_coverage"] < 0.4


def test_goal_outcome_missing_judges_each_task_by_its_key_objects():
    """One task of a clause unreported is a finding that names its key object and shows where the others
    are reported; a task said in other words (支付 / 发放, 信用等级 / 信用评级) is reported."""
    p = proj(
        expected="完成年度排放清单编制，组建船舶巡查队伍；按月支付服务保障费；确定企业生态环境信用等级",
        achieved="完成年度排放清单编制并通过验收；服务保障费按月发放；完成企业生态环境信用评级",
    )
    findings = run_checks(
        [Document("自评表.txt", "0", "self_evaluation", (p,))], rules=["goal-outcome-missing"]
    )
    assert [f.evidence["goal_clause"] for f in findings] == ["完成年度排放清单编制，组建船舶巡查队伍"]
    f = findings[0]
    assert "船舶" in f.evidence["missing_terms"] and "未提及：" in f.message
    assert "“完成年度排放清单编制”见实际完成情况“完成年度排放清单编制并通过验收”" in f.message


def test_qualitative_actual_for_numeric_target():
    p = proj(
        ind("满意度", "≥80%", "达成指标"),
        ind("时效", "按时完成", "达成指标"),
        ind("率", "≥80%", "85%"),
        ind("完成时限", "2024(年底前完成)", "达成指标"),  # a deadline read as a number is not a figure
    )
    assert check("qualitative-actual-for-numeric-target", p) == [
        ("qualitative-actual-for-numeric-target", "示例项目", "满意度")
    ]


def test_unit_mismatch():
    p = proj(
        ind("满意度", "≥90.00(null)", "98.00(null)", raw="满意度\t≥90.00(null)\t98.00(null)"),
        ind("报告", "≥2(份)", "3(个)"),
        ind("网络安全事件发生率", "=0(次)", "0(次)"),
        ind("任务完成数", "=100%", "100%"),
        ind("影像数据拍摄频率(次/年)", "=4(次)", "4(次)"),
        ind("合格率", "=100%", "100%"),
        ind("评估报告完成数", "≥5(个)", "7(个)"),
    )
    assert check("unit-mismatch", p) == [
        ("unit-mismatch", "示例项目", "满意度"),
        ("unit-mismatch", "示例项目", "报告"),
        ("unit-mismatch", "示例项目", "网络安全事件发生率"),
        ("unit-mismatch", "示例项目", "任务完成数"),
    ]


def test_target_far_below_actual():
    p = proj(
        ind("信用评级", "≥100(家)", "45889(家)"),
        ind("抽查", "≥20(家)", "60(家)"),  # exactly 3×
        ind("报告", "≥5(份)", "10(份)"),
        ind("事件", "≤1(次)", "5(次)"),
    )
    assert check("target-far-below-actual", p) == [
        ("target-far-below-actual", "示例项目", "信用评级"),
        ("target-far-below-actual", "示例项目", "抽查"),
    ]


def test_impossible_target():
    p = proj(
        ind("通过率", "≥100.00%", "100%"),
        ind("覆盖率", "=120%", "100%"),
        ind("数量", "≥-1(个)", "1(个)"),
        ind("合格率", "=100%", "100%"),
        ind("收入增长", "≥120%", "130%"),
    )
    assert check("impossible-target", p) == [
        ("impossible-target", "示例项目", "通过率"),
        ("impossible-target", "示例项目", "覆盖率"),
        ("impossible-target", "示例项目", "数量"),
    ]
    decl = proj(ind("验收合格率", ">100%"), kind="declaration", name="申报")
    assert check("impossible-target", decl) == [("impossible-target", "申报", "验收合格率")]


def test_outcome_copies_goal():
    goal = "完成2023年度市级督察工作；完成警示片拍摄工作；完成整改情况核查工作"
    assert check(
        "outcome-copies-goal",
        proj(expected=goal, achieved="已完成2023年度市级督察工作；已完成警示片拍摄工作；已完成整改情况核查工作",
             name="照抄"),
        proj(expected=goal, achieved="开展督察3轮，发现问题41个，已整改38个；拍摄警示片1部并在全市播放", name="实写"),
        proj(expected=goal, achieved="完成2023年度市级督察工作5次；完成警示片拍摄工作2部；完成整改情况核查工作",
             name="添了数"),
    ) == [("outcome-copies-goal", "照抄", None)]  # fmt: skip


def test_actual_copies_target():
    p = proj(ind("满意度", "≥95%", "≥95%"), ind("合格率", "≥95%", "97%"), ind("时效", "按时", "按时"))
    assert check("actual-copies-target", p) == [("actual-copies-target", "示例项目", "满意度")]


# ------------------------------------------------------------------------------------------ declaration rules


def decl(*indicators: Indicator, **kw) -> Project:
    return proj(*indicators, kind="declaration", year=kw.pop("year", 2024), **kw)


def test_vague_target():
    p = decl(
        ind("执法效率", "有一定促进作用"),
        ind("故障率", "降低"),
        ind("满意度", "满意"),
        ind("办案标准", "达标"),
        ind("发放", "按月发放"),
        ind("满意度二", "较上年提高"),  # a baseline
        ind("合格率", "≥98%"),
    )
    assert check("vague-target", p) == [
        ("vague-target", "示例项目", "执法效率"),
        ("vague-target", "示例项目", "故障率"),
        ("vague-target", "示例项目", "满意度"),
        ("vague-target", "示例项目", "办案标准"),
    ]
    assert check("vague-target", proj(ind("效率", "提高"))) == []  # declarations only


def test_output_upper_bound():
    p = decl(
        ind("修缮工程量", "≤4578(平方米)"),
        ind("人数", "≥17(人)"),
        ind("故障率", "≤2%", level2="质量指标"),
    )
    assert check("output-upper-bound", p) == [("output-upper-bound", "示例项目", "修缮工程量")]


def test_missing_indicator_category():
    full = decl(
        ind("数", "≥1(个)"),
        ind("质", "=100%", level2="质量指标"),
        ind("时", "=100%", level2="时效指标"),
        ind("本", "≤10(万元)", level2="成本指标"),
        ind("效", "≥90%", level1="效益指标", level2="社会效益指标"),
        ind("满", "≥90%", level1="满意度指标", level2="服务对象满意度指标"),
        name="齐全",
    )
    gaps = decl(
        ind("数", "≥1(个)"),
        ind("质", "=100%", level2="质量指标"),
        ind("满", "≥90%", level1="满意度指标", level2="服务对象满意度指标"),
        name="缺项",
    )
    assert check("missing-indicator-category", full, gaps) == [
        ("missing-indicator-category", "缺项", None),  # 效益指标
        ("missing-indicator-category", "缺项", None),  # 时效指标
    ]  # 成本指标: 齐全 of the same form has one, so cost-indicator-missing warns instead (one line, not two)
    assert check("cost-indicator-missing", full, gaps) == [("cost-indicator-missing", "缺项", None)]


def test_funding_mismatch():
    def funding(
        total=None, fiscal=None, other=None, request=None, appropriation=None, carryover=None
    ) -> Funding:
        return Funding(
            "元", d(total), d(fiscal), d(other), d(request), d(appropriation), d(carryover), source=src()
        )

    assert check(
        "funding-mismatch",
        decl(funding=funding(request="2650000", appropriation="2650000", carryover="0"), name="相符"),
        decl(funding=funding(request="2650000", appropriation="2500000", carryover="100000"), name="不符"),
        decl(funding=funding(total="100", fiscal="80", other="10"), name="总额不符"),
        decl(funding=funding(request="2650000"), name="缺数"),
    ) == [("funding-mismatch", "不符", None), ("funding-mismatch", "总额不符", None)]


def test_goal_without_indicator():
    annual = (
        "通过环境应急值班保障，配备执法装备、执法服装，落实执法大练兵及业务培训、执法稽查等工作；"
        "为打好攻坚战提供坚强保障"
    )
    p = decl(
        ind("购置执法专用设备", "≥5(台)"), ind("设备验收合格率", "=100%"), annual=annual, name="执法配套"
    )
    measured = decl(
        ind("服务人员数量", "≥17(人)"), ind("有奖举报奖励发放率", "≥90%"),
        annual="完成不少于17人的热线服务保障；落实有奖举报奖励的发放，提高从业人员业务能力", name="热线",
    )  # fmt: skip
    assert check("goal-without-indicator", p, measured) == [("goal-without-indicator", "执法配套", None)]
    findings = run_checks(
        [Document("申报表.txt", "0", "declaration", (p,))], rules=["goal-without-indicator"]
    )
    named = findings[0].evidence["unmeasured"]
    assert (
        any("值班" in t for t in named)
        and any("服装" in t for t in named)
        and any("稽查" in t for t in named)
    )
    assert not any("装备" in t and "服装" not in t for t in named)  # 执法装备 is what 执法专用设备 measures


def test_markup_residue():
    p = decl(ind("满意率", "≥90%", raw="满意率\t$\\geq 90.00\\%$"), annual="<p>完成修缮</p>", name="有标记")
    clean = decl(ind("满意率", "≥90%", raw="满意率\t≥90.00%"), annual="完成修缮", name="干净")
    assert check("markup-residue", p, clean) == [
        ("markup-residue", "有标记", "满意率"),
        ("markup-residue", "有标记", None),
    ]


def test_dates_outside_year():
    def dates(start: str, end: str) -> Funding:
        return Funding("元", start_date=start, end_date=end, source=src())

    assert check(
        "dates-outside-year",
        decl(funding=dates("2024-01-01", "2024-12-31"), name="年内"),
        decl(funding=dates("2024-03-01", "2025-06-30"), name="跨年"),
        decl(funding=dates("2024-12-01", "2024-01-31"), name="倒置"),
    ) == [("dates-outside-year", "跨年", None)]  # 倒置 (end before start) is start-after-end's finding


# ------------------------------------------------------------------------------------------ across documents


def test_target_below_last_actual_and_indicator_changed():
    last = proj(
        ind("报告数量", "≥5(份)", "10(份)"),
        ind("满意度", "≥90%", "95%"),
        ind("培训次数", "≥2(次)", "3(次)"),
        name="海洋保护（2023年）",
        year=2023,
    )
    this = decl(
        ind("报告数量", "≥6(份)"),  # below last year's 10
        ind("满意度", "≥95%"),  # equal to last year's actual: fine
        ind("宣传活动", "≥1(次)"),
        name="海洋保护",
        year=2024,
    )
    other = decl(ind("报告数量", "≥1(份)"), name="别的项目", year=2024)
    assert check("target-below-last-actual", last, this, other) == [
        ("target-below-last-actual", "海洋保护", "报告数量")
    ]
    assert check("indicator-changed", last, this, other) == [("indicator-changed", "海洋保护", None)]
    same = decl(ind("报告数量", "≥10(份)"), ind("满意度", "≥95%"), ind("培训次数", "≥3(次)"), name="海洋保护")
    assert check("indicator-changed", last, same) == []
    assert check("target-below-last-actual", last, same) == []
    # The same 项目名称 under another 主管部门 is another project: nothing to compare.
    theirs = replace(last, department="乙局")
    ours = replace(this, department="甲局")
    assert check("target-below-last-actual", theirs, ours) == []
    assert check("target-below-last-actual", replace(theirs, department="甲局"), ours) == [
        ("target-below-last-actual", "海洋保护", "报告数量")
    ]


# ------------------------------------------------------------------------------------------ the samples


@pytest.fixture(scope="module")
def sample_findings(sample_docs):
    return run_checks(sample_docs)


def test_eval_findings_pass_the_scorer(sample_findings, tmp_path):
    out = tmp_path / "findings.json"
    out.write_text(json.dumps({"findings": [to_jsonable(f) for f in sample_findings]}, ensure_ascii=False))
    done = subprocess.run(
        [sys.executable, str(EVAL / "score.py"), "findings", str(EVAL / "findings.jsonl"), str(out)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_eval_findings_pass_with_the_embedder(sample_docs, embedder, tmp_path):
    findings = run_checks(sample_docs, embedder=embedder)
    out = tmp_path / "findings.json"
    out.write_text(json.dumps({"findings": [to_jsonable(f) for f in findings]}, ensure_ascii=False))
    done = subprocess.run(
        [sys.executable, str(EVAL / "score.py"), "findings", str(EVAL / "findings.jsonl"), str(out)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert all(f.evidence.get("similarity") is not None for f in findings if f.rule == "goal-outcome-missing")


def test_sample_findings_cite_their_rows(sample_findings):
    assert sample_findings
    for f in sample_findings:
        assert f.source is not None and f.source.line > 0
        assert f.message and f.severity in ("error", "warning", "info")
        json.dumps(f.evidence, ensure_ascii=False)  # plain values only


# ------------------------------------------------------------------------------------------ what was not read


def test_section_unread():
    from corpus.model import Coverage

    no_table = replace(
        decl(name="无指标表"),
        source=Source("申报表.txt", 40, page=31),
        coverage=Coverage(indicators="missing", missing=("未读出绩效指标表",)),
    )
    part = replace(
        proj(ind("数", "≥1(个)", "1(个)"), name="读了一半"),
        coverage=Coverage(indicators="partial", indicator_rows_seen=9, indicator_rows_read=4),
    )
    whole = replace(decl(ind("数", "≥1(个)"), name="读全"), coverage=Coverage(indicator_rows_seen=1, indicator_rows_read=1))
    before = decl(name="没有覆盖记录")  # read before coverage was recorded: complete
    assert check("section-unread", no_table, part, whole, before) == [
        ("section-unread", "无指标表", None),
        ("section-unread", "读了一半", None),
    ]
    documents = [Document("申报表.txt", "0", "declaration", (no_table,)), Document("自评表.txt", "0", "self_evaluation", (part,))]
    findings = run_checks(documents, rules=["section-unread"])
    assert [(f.severity, f.message) for f in findings] == [
        ("error", "「无指标表」第31页 未读出绩效指标表，无法核查指标，请对照原表人工核对。"),
        ("warning", f"「读了一半」第{part.source.line}行 绩效指标表共 9 行，只读出 4 行，无法核查指标，请对照原表人工核对。"),
    ]


def test_section_unread_names_forms_read_into_no_project():
    doc = Document("申报表.txt", "0", "declaration", (decl(name="甲"),), tables_seen=3, tables_read=1)
    findings = run_checks([doc], rules=["section-unread"])
    assert [(f.project, f.severity, f.evidence) for f in findings] == [
        ("（全文）", "error", {"tables_seen": 3, "tables_read": 1})
    ]
    assert "找到 3 张绩效表，只读出 1 张" in findings[0].message


def test_rules_that_need_the_whole_table_are_silent_where_it_was_not_read():
    """A table read in part 'lacks' categories and its scores 'do not add up' only because rows were not read."""
    from corpus.model import Coverage

    gaps = decl(ind("数", "≥1(个)"), name="缺项")
    unread = replace(gaps, name="未读全", coverage=Coverage(indicators="partial", indicator_rows_seen=6, indicator_rows_read=1))
    assert {p for _, p, _ in check("missing-indicator-category", gaps, unread)} == {"缺项"}
    rows = (ind("甲", "≥1(份)", "1(份)", "45", "45"),)
    short = replace(proj(*rows, total="94", name="总分"), coverage=Coverage(indicators="partial"))
    assert check("total-mismatch", short) == []
    # Whatever else it finds, the project is flagged as not read whole, first.
    doc = Document("申报表.txt", "0", "declaration", (unread,))
    assert run_checks([doc])[0].rule == "section-unread"
