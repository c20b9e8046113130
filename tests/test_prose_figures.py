"""prose-figure-mismatch: figures in goal, outcome and note text read against the indicator that counts the same
thing, on hand-made records and on a hand-made form parsed by the real parser."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from corpus.model import Clause, Coverage, GoalBlock, Goals, Indicator, Project
from corpus.parse import parse_file
from corpus.settings import Settings
from qa.checks import prose_figure_mismatch
from qa.checks.base import Context
from qa.checks.prose_figures import figures
from tests.builders import m, src


def ind(
    name: str, target: str, actual: str | None = None, note: str = "", level2: str = "数量指标"
) -> Indicator:
    return Indicator("产出指标", level2, name, m(target), m(actual), None, None, note, src(name))


def block(label: str, text: str) -> GoalBlock:
    source = src(text)
    return GoalBlock(
        label, text, tuple(Clause(p, source) for p in re.split(r"[；;。]", text) if p.strip()), source
    )


def proj(
    *indicators: Indicator, kind: str = "self_evaluation", achieved: str = "", annual: str = ""
) -> Project:
    goals = Goals(
        achieved=block("实际完成情况", achieved) if achieved else None,
        annual=block("年度总体目标", annual) if annual else None,
    )
    return Project(
        "示例项目",
        kind,
        "t.txt",
        2023,
        None,
        None,
        None,
        None,
        goals,
        tuple(indicators),
        None,
        None,
        None,
        src(),
    )


def run(project: Project) -> list[tuple[str, str | None, object]]:
    ctx = Context(settings=Settings(), projects=(project,))
    return [
        (f.rule, f.indicator, f.evidence.get("stated_value"))
        for f in prose_figure_mismatch.check(project, ctx)
    ]


SLUG = "prose-figure-mismatch"

# ------------------------------------------------------------------------------------------ firing


def test_outcome_count_differs_from_actual():
    p = proj(ind("评估报告", "=2(份)", "2(份)"), achieved="全年完成3份评估报告，按时报送。")
    assert run(p) == [(SLUG, "评估报告", "3份")]


def test_goal_count_differs_from_target_in_a_declaration():
    p = proj(ind("培训人次", "≥150(人次)"), kind="declaration", annual="组织业务培训200人次，提升执法能力。")
    assert run(p) == [(SLUG, "培训人次", "200人次")]


def test_another_rows_note_counts_the_indicator():
    rows = (
        ind("科研项目综合绩效评价完成数量", "=55(项)", "55(项)"),
        ind(
            "研究成果质量",
            "达到要求",
            "达成指标",
            note="2023年开展了62个项目的综合绩效评价工作。",
            level2="质量指标",
        ),
    )
    assert run(proj(*rows)) == [(SLUG, "科研项目综合绩效评价完成数量", "62个")]


def test_scaled_amounts_and_bounds_are_compared_in_one_unit():
    p = proj(ind("新造林面积(亩)", "30000"), kind="declaration", annual="完成新造林5万亩。")
    assert run(p) == [(SLUG, "新造林面积(亩)", "5万亩")]
    over = proj(ind("培训人次", "≥150(人次)", "150(人次)"), achieved="培训200人次以上。")
    assert run(over) == [(SLUG, "培训人次", "200人次")]


def test_amount_in_another_money_unit_and_a_note_of_a_rate_row():
    money = proj(ind("资金拨付金额", "≥35(万元)", "35(万元)"), achieved="拨付资金300000元。")
    assert run(money) == [(SLUG, "资金拨付金额", "300000元")]
    rows = (
        ind("培训次数", "≥4(次)", "4(次)"),
        ind("培训覆盖率", "≥90%", "95%", note="因疫情影响，培训仅开展2次。"),
    )
    assert run(proj(*rows)) == [(SLUG, "培训次数", "2次")]


def test_finding_cites_both_places():
    p = proj(ind("评估报告", "=2(份)", "2(份)"), achieved="全年完成3份评估报告。")
    (f,) = prose_figure_mismatch.check(p, Context(settings=Settings(), projects=(p,)))
    row, prose = p.indicators[0].source, p.goals.achieved.source
    assert f.source == row
    assert f"第{row.line}行" in f.message and f"第{prose.line}行" in f.message
    assert f.evidence["line"] == row.cite() and f.evidence["where"] == prose.cite()
    assert f.evidence["stated_in"] == "实际完成情况" and f.evidence["actual"] == "2(份)"
    assert prose_figure_mismatch.RULE.title and not re.search(r"[A-Za-z]", prose_figure_mismatch.RULE.title)


# ------------------------------------------------------------------------------------------ silent


@pytest.mark.parametrize(
    ("rows", "achieved"),
    [
        # same measure word, another thing counted: 报告 vs 问卷
        ((ind("评估报告", "=2(份)", "2(份)"),), "回收有效问卷200份。"),
        # the same number
        ((ind("评估报告", "=3(份)", "3(份)"),), "全年完成3份评估报告。"),
        # a range that includes the value
        ((ind("培训人次", "≥150(人次)", "180(人次)"),), "开展培训150-200人次。"),
        # a cumulative figure against an annual one
        ((ind("培训人次", "≥150(人次)", "180(人次)"),), "项目实施以来累计培训2000人次。"),
        # an estimate
        ((ind("培训人次", "≥150(人次)", "180(人次)"),), "培训约200人次。"),
        # a part of the whole (其中)
        ((ind("检查企业数", "≥100(家)", "500(家)"),), "检查企业500家，其中整改企业30家。"),
        # the figure is another row's: 356000 页 is the 扫描页数 row's
        (
            (
                ind("档案扫描页数", "≥356000(页)", "356000(页)"),
                ind("档案挂载页数", "≥360000(页)", "360000(页)"),
            ),
            "扫描纸质档案356000页并在档案管理系统中挂载。",
        ),
        # another clause confirms the value (18 家 evaluated; 19 家 received a summary)
        (
            (ind("开展执法履职评估", "≥2(家)", "18(家)"),),
            "对全市18家执法机构开展实地评估，形成履职评估总结及19家被评估单位的成绩简析。",
        ),
        # a rate per something and a percentage change are not counts
        ((ind("培训人次", "≥150(人次)", "180(人次)"),), "人均培训费用500元/人次，培训满意度提升了5%。"),
        # a change (增加3个), the plan (原计划6份), another year's figure (上年5份)
        ((ind("服务站数量", "≥8(个)", "10(个)"),), "较上年增加3个服务站。"),
        ((ind("报告数量", "≥5(份)", "5(份)"),), "原计划完成6份报告，实际完成5份报告。"),
        ((ind("报告数量", "≥5(份)", "3(份)"),), "上年完成5份报告。"),
        # cohorts are not sessions, people are not person-times
        ((ind("培训次数", "≥4(次)", "4(次)"),), "组织培训3期，培训学员300人。"),
        ((ind("培训人次", "≥150(人次)", "180(人次)"),), "培训基层人员200人。"),
        # the same amount in another money unit
        ((ind("资金拨付金额", "≥35(万元)", "35(万元)"),), "拨付资金350000元。"),
        # a percentage whose rate word names another rate only in part
        ((ind("任务完成率", "≥95%", "95%"),), "完成率达100%。"),
        # two different figures for one row: which one is meant is unsure
        ((ind("评估报告", "=2(份)", "2(份)"),), "完成1份年度评估报告、3份专项评估报告。"),
    ],
)
def test_silent(rows, achieved):
    assert run(proj(*rows, achieved=achieved)) == []


def test_silent_where_the_indicator_table_was_read_in_part():
    # 3 份 may be a row the parser did not read.
    p = proj(ind("评估报告", "=2(份)", "2(份)"), achieved="全年完成3份评估报告。")
    assert (
        run(replace(p, coverage=Coverage(indicators="partial", indicator_rows_seen=5, indicator_rows_read=1)))
        == []
    )


def test_goal_prose_against_target_is_silent_when_it_agrees():
    rows = (ind("服务保障人员数量", "≥17(人)"), ind("房屋修缮工程量", "≤4578(平方米)"))
    p = proj(
        *rows, kind="declaration", annual="完成不少于17人的服务保障人员配备；项目拟完成4578平方米房屋的修缮。"
    )
    assert run(p) == []


def test_percentage_needs_the_rate_word_before_it():
    # 完成预算的83.5% is not said of 培训合格率; 合格率为90% is.
    p = proj(ind("培训合格率", "≥95%", "95%"), achieved="资金完成预算的83.5%；培训合格率为90%。")
    assert run(p) == [(SLUG, "培训合格率", "90%")]
    silent = proj(ind("培训合格率", "≥95%", "95%"), achieved="资金完成预算的83.5%。")
    assert run(silent) == []


def test_own_note_is_left_to_note_contradicts_value():
    p = proj(ind("调查报告", "=2(个)", "2(个)", note="实际完成3份报告，超计划完成"))
    assert run(p) == []


def test_chinese_numerals_count_from_two_up_outside_set_phrases():
    p = proj(ind("评估报告", "=2(份)", "2(份)"), achieved="全年完成三份评估报告。")
    assert run(p) == [(SLUG, "评估报告", "三份")]
    text = "形成新一轮管控单元；一项持续性工作；把握“三个治污”方针；开展十二次检查；开展两次检查"
    assert [(f.printed, f.low) for f in figures(text)] == [("十二次", Decimal(12)), ("两次", Decimal(2))]


def test_figures_read_measure_word_bound_and_scale():
    text = "完成不少于17人的保障；营造林8万亩；投资35万元；约50万元；其中3个；培训1,200人次；第1-3批；4个季度；5公里"
    found = list(figures(text))
    assert [(f.printed, f.unit, f.low, f.high) for f in found] == [
        ("17人", "人", Decimal(17), None),
        ("8万亩", "亩", Decimal(80000), Decimal(80000)),
        ("35万元", "元", Decimal(350000), Decimal(350000)),
        ("1200人次", "人次", Decimal(1200), Decimal(1200)),
        ("5公里", "米", Decimal(5000), Decimal(5000)),
    ]


# ------------------------------------------------------------------------------------------ a hand-made form

FORM = """财政项目支出绩效自评表

(2023 年度)

项目名称\t示例监测项目
主管部门\t示例局\t\t实施单位\t示例局
项目资金 (万元)\t\t年初预算数\t全年预算数\t全年执行数\t分数\t执行率(%)\t得分
\t年度资金总额:\t100.00\t100.00\t90.00\t10.00\t90.00\t9.00
年度 总体 目标\t预期目标\t\t\t实际完成情况
\t完成水质监测评估工作。\t\t\t全年完成监测评估报告5份，开展水质采样培训12次。
一级 指标\t二级 指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施
产出 指标\t数量 指标\t监测评估报告数量\t≥4.00(份)\t4.00(份)\t20.00\t20.00\t
\t\t水质采样培训次数\t≥10.00(次)\t12.00(次)\t20.00\t20.00\t
\t质量 指标\t报告验收合格率\t=100.00(%)\t100.00(%)\t20.00\t20.00\t
满意度指标\t服务对象满意度指标\t成果使用方满意度\t≥90(%)\t95.00(%)\t30.00\t30.00\t
总分\t\t\t\t\t100.00\t99.00
评分等级\t优
"""


def test_hand_made_form(tmp_path: Path):
    path = tmp_path / "示例自评表.txt"
    path.write_text(FORM, encoding="utf-8")
    doc = parse_file(path)
    (project,) = doc.projects
    assert run(project) == [(SLUG, "监测评估报告数量", "5份")]
    agreeing = path.with_name("示例自评表二.txt")
    agreeing.write_text(FORM.replace("报告5份", "报告4份"), encoding="utf-8")
    assert run(parse_file(agreeing).projects[0]) == []


DECLARATION = """财政项目支出绩效目标申报表

(2024年度)

项目名称\t示例培训项目\t项目性质\t其他一次性项目\t项目类别\t特定目标类
主管部门\t示例局\t实施单位\t示例中心\t\t
项目资金 (元)\t项目资金总额\t\t年度资金申请总额\t100,000.00\t
\t其中：财政资金\t\t其中：当年财政拨款\t100,000.00\t
项目 绩效 目标\t项目总目标\t\t年度总体目标\t\t
\t三年内累计培训基层人员1000人次。\t\t全年组织基层业务培训200人次，编制培训教材2册。\t\t
\t一级指标\t二级指标\t三级指标\t年度(/项目)指标值\t
绩效 指标\t产出指标\t数量指标\t业务培训人次\t≥150.00(人次)\t
\t\t\t编制培训教材\t=2.00(册)\t
\t满意度指标\t服务对象满意度指标\t参训人员满意度\t≥90.00 (%)\t
"""


def test_hand_made_declaration(tmp_path: Path):
    # 年度总体目标 says 200 人次 where the table says ≥150; 项目总目标's three-year 1000 人次 is not the year's.
    path = tmp_path / "示例申报表.txt"
    path.write_text(DECLARATION, encoding="utf-8")
    (project,) = parse_file(path).projects
    assert run(project) == [(SLUG, "业务培训人次", "200人次")]
    path.write_text(DECLARATION.replace("培训200人次", "培训150人次"), encoding="utf-8")
    assert run(parse_file(path).projects[0]) == []


def test_through_run_checks(tmp_path: Path):
    # Registered under its slug, the rule runs by name like every other and reports with its project.
    from qa.checks import RULES, run_checks

    assert RULES[SLUG] is prose_figure_mismatch.RULE
    path = tmp_path / "示例自评表.txt"
    path.write_text(FORM, encoding="utf-8")
    found = run_checks([parse_file(path)], rules=[SLUG])
    assert [(f.rule, f.project, f.indicator) for f in found] == [(SLUG, "示例监测项目", "监测评估报告数量")]
