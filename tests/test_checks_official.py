"""The rules a reviewer expects from the official templates, each on minimal hand-made forms: where it fires
and where it stays silent."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

import pytest

from corpus.model import (
    Budget,
    BudgetLine,
    Clause,
    Coverage,
    Document,
    Finding,
    Funding,
    GoalBlock,
    Goals,
    Indicator,
    Project,
)
from corpus.settings import Settings
from qa.checks import RULES, run_checks
from tests.builders import d, m, src

NEW_RULES = (
    "cost-indicator-missing",
    "level-weights",
    "duplicate-indicator",
    "total-blank",
    "money-unit-scale",
    "satisfaction-floor",
    "project-attribute",
)

# ------------------------------------------------------------------------------------------ builders


def ind(
    name: str,
    target: str,
    actual: str | None = None,
    weight: str | None = None,
    score: str | None = None,
    *,
    level1: str = "产出指标",
    level2: str = "数量指标",
    note: str = "",
    explanation: str = "",
) -> Indicator:
    return Indicator(
        level1, level2, name, m(target), m(actual), d(weight), d(score), note, src(name), explanation
    )  # type: ignore[arg-type]


def block(label: str, text: str) -> GoalBlock:
    source = src(text)
    return GoalBlock(label, text, (Clause(text, source),), source)


def budget(
    adjusted: str | None, spent: str | None, rate: str | None = None, weight: str = "10", lines=()
) -> Budget:
    parts = tuple(BudgetLine(label, d(a), d(a), d(s), None, None, None, src()) for label, a, s in lines)
    return Budget("万元", d(adjusted), d(adjusted), d(spent), d(weight), d(rate), None, parts, src())


def proj(
    *indicators: Indicator,
    name: str = "示例项目",
    kind: str = "self_evaluation",
    year: int = 2024,
    budget: Budget | None = None,
    funding: Funding | None = None,
    annual: str | None = None,
    achieved: str | None = None,
    total: str | None = None,
    total_weight: str | None = None,
    document: str | None = None,
) -> Project:
    goals = Goals(
        annual=block("年度总体目标", annual) if annual else None,
        achieved=block("实际完成情况", achieved) if achieved else None,
    )
    document = document or ("自评表.txt" if kind == "self_evaluation" else "申报表.txt")
    return Project(
        name, kind, document, year, None, None, budget, funding, goals, tuple(indicators),  # type: ignore[arg-type]
        d(total), d(total_weight), None, src(name),
        total_source=src("总分") if total is not None or total_weight is not None else None,
    )  # fmt: skip


def decl(*indicators: Indicator, **kw) -> Project:
    return proj(*indicators, kind="declaration", **kw)


def run(rule: str, *projects: Project, settings: Settings | None = None) -> list[Finding]:
    docs: dict[str, list[Project]] = {}
    for p in projects:
        docs.setdefault(p.document, []).append(p)
    documents = [Document(name, "0", ps[0].kind, tuple(ps)) for name, ps in docs.items()]
    return run_checks(documents, settings=settings, rules=[rule])


def check(rule: str, *projects: Project, settings: Settings | None = None) -> list[tuple]:
    return [(f.project, f.indicator) for f in run(rule, *projects, settings=settings)]


def _chinese(text: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", text))


# ------------------------------------------------------------------------------------------ registry


def test_new_rules_are_registered_with_a_chinese_title_and_a_source():
    for slug in NEW_RULES:
        rule = RULES[slug]
        assert rule.title and _chinese(rule.title) and slug not in rule.title
        assert re.search(r"财(预|办)〔20\d\d〕\d+号|template", rule.doc), slug


# ------------------------------------------------------------------------------------------ 成本指标


def _rows(cost: bool) -> list[Indicator]:
    rows = [
        ind("培训次数", "≥3(次)"),
        ind("验收合格率", "=100%", level2="质量指标"),
        ind("满意度", "≥90%", level1="满意度指标"),
    ]
    return rows + ([ind("项目成本", "≤50(万元)", level1="成本指标", level2="经济成本指标")] if cost else [])


def test_cost_indicator_missing_fires_where_the_same_template_has_one():
    found = run(
        "cost-indicator-missing", decl(*_rows(True), name="有成本"), decl(*_rows(False), name="无成本")
    )
    assert [(f.project, f.severity) for f in found] == [("无成本", "warning")]
    assert "财预〔2021〕101号" in found[0].message and "「有成本」" in found[0].message


def test_cost_indicator_missing_fires_where_the_department_fills_one_elsewhere():
    """A self-evaluation of 2023 by the same 主管部门 carries the cost rows it declared: the template has them."""
    last = replace(proj(*_rows(True), name="去年自评", year=2023), department="甲局")
    this = replace(decl(*_rows(False), name="今年申报"), department="甲局")
    other = replace(decl(*_rows(False), name="别局申报", document="乙.txt"), department="乙局")
    found = run("cost-indicator-missing", last, this, other)
    assert [f.project for f in found] == ["今年申报"] and "同一主管部门2023年度的「去年自评」" in found[
        0
    ].message
    old = replace(last, year=2021)
    assert check("cost-indicator-missing", old, this) == []


def test_cost_indicator_missing_silent_before_the_reform_alone_or_unread():
    assert (
        check(
            "cost-indicator-missing", decl(*_rows(True), name="甲", year=2021), decl(*_rows(False), year=2021)
        )
        == []
    )
    assert (
        check("cost-indicator-missing", decl(*_rows(False))) == []
    )  # nothing shows the template asks for it
    unread = replace(decl(*_rows(False)), coverage=Coverage(indicators="partial"))
    assert check("cost-indicator-missing", decl(*_rows(True), name="甲"), unread) == []
    named = [ind("成本控制率", "≤100%"), *_rows(False)]  # a cost row filed under 产出指标 counts
    assert check("cost-indicator-missing", decl(*_rows(True), name="甲"), decl(*named)) == []


# ------------------------------------------------------------------------------------------ printed points


def _scheme(output: str, benefit: str, satisfied: str, weights=("20", "25", "30", "10")) -> list[Indicator]:
    return [
        ind("甲", "≥1(个)", "1(个)", weights[0], weights[0], level1=output),
        ind("乙", "=100%", "100%", weights[1], weights[1], level1=output, level2="质量指标"),
        ind("丙", "≥90%", "95%", weights[2], weights[2], level1=benefit, level2="社会效益指标"),
        ind("丁", "≥90%", "95%", weights[3], weights[3], level1=satisfied, level2="服务对象满意度指标"),
    ]


def test_level_weights_fire_where_rows_do_not_add_up_to_the_printed_points():
    rows = _scheme("产出指标(50分)", "效益指标(30分)", "满意度指标(10分)")  # 产出: 20 + 25 = 45
    found = run("level-weights", proj(*rows, budget=budget("100", "95", "95"), total_weight="100"))
    assert (
        len(found) == 1
        and "产出指标" in found[0].message
        and "50" in found[0].message
        and "45" in found[0].message
    )


def test_level_weights_fire_where_the_printed_scheme_misses_the_total():
    # 20 / 40 / 40 printed on the form, plus 预算执行率 10: 110, not the 总分 100.
    rows = _scheme("产出指标(20分)", "效益指标(40分)", "满意度指标(40分)", weights=("10", "10", "40", "40"))
    found = run("level-weights", proj(*rows, budget=budget("100", "95", "95"), total_weight="100"))
    assert [f.evidence["expected_weight"] for f in found] == [100]
    assert "预算执行率 10 分" in found[0].message


def test_level_weights_fire_outside_a_printed_range():
    rows = [
        ind("成本", "≤65(万元)", weight="25", level1="成本指标(0-20)分", level2="经济成本指标"),
        *_scheme("产出指标", "效益指标", "满意度指标"),
    ]
    assert len(check("level-weights", decl(*rows, total_weight="110"))) == 1
    rows[0] = replace(rows[0], weight=Decimal(10))
    assert check("level-weights", decl(*rows, total_weight="95")) == []


def test_level_weights_fire_where_the_second_level_points_miss_the_first():
    rows = [
        ind("甲", "≥1(个)", "1(个)", "20", "20", level1="产出指标(50分)", level2="数量指标(20分)"),
        ind("乙", "=100%", "100%", "20", "20", level1="产出指标(50分)", level2="质量指标(20分)"),
        ind("丙", "≥90%", "95%", "40", "40", level1="效益指标(40分)", level2="社会效益指标"),
    ]
    found = run("level-weights", proj(*rows, budget=budget("100", "95", "95"), total_weight="100"))
    messages = [f.message for f in found]
    assert any("各二级指标印出的分值合计 40" in text for text in messages)
    assert any("其下 2 项三级指标分值合计 40" in text for text in messages)
    fixed = [replace(rows[0], level2="数量指标(30分)", weight=Decimal(30)), *rows[1:]]
    assert check("level-weights", proj(*fixed, budget=budget("100", "95", "95"), total_weight="100")) == []


def test_level_weights_fire_where_the_budget_row_takes_the_whole_total():
    """分值 100 on the 项目资金 row while the indicators carry 70 more: the row holds the 总分 (no points printed)."""
    rows = _scheme("产出指标", "效益指标", "满意度指标")
    found = run("level-weights", proj(*rows, budget=budget("150", "125.25", weight="100")))
    assert len(found) == 1 and "已等于总分 100" in found[0].message
    assert check("level-weights", proj(*rows, budget=budget("150", "125.25", weight="10"))) == []


def test_level_weights_silent_without_printed_points_or_without_the_total_row():
    rows = _scheme("产出指标", "效益指标", "满意度指标")  # 45 under 产出 but nothing printed to contradict
    assert check("level-weights", proj(*rows, budget=budget("100", "95", "95"), total_weight="100")) == []
    printed = _scheme(
        "产出指标(50分)", "效益指标(30分)", "满意度指标(10分)", weights=("25", "25", "30", "10")
    )
    assert check("level-weights", proj(*printed, budget=budget("100", "95", "95"), total_weight="100")) == []
    short = _scheme("产出指标(50分)", "效益指标(30分)", "满意度指标(10分)")
    assert check("level-weights", proj(*short, budget=budget("100", "95", "95"))) == []  # cut before 总分


# ------------------------------------------------------------------------------------------ over budget


def test_spending_over_the_budget_is_reported_with_or_without_a_note():
    over = proj(ind("甲", "≥1(个)", "1(个)"), budget=budget("100", "104.2", "104.20"), name="超支")
    explained = proj(
        ind("甲", "≥1(个)", "1(个)", note="年中追加预算尚未调整"),
        budget=budget("100", "104.2"),
        name="有说明",
    )
    printed = proj(
        budget=budget("100", "104.2"), achieved="全年预算执行率104.2%，完成各项任务", name="只报执行率"
    )
    found = run("percent-over-100", over, explained, printed)
    assert [(f.project, f.severity) for f in found] == [
        ("超支", "warning"),
        ("有说明", "info"),
        ("只报执行率", "warning"),
    ]
    assert "104.20%" in found[0].message and "未说明原因" in found[0].message


def test_a_line_over_its_budget_is_reported_when_the_total_is_within():
    lines = (("appropriation", "80", "85"), ("carryover", "20", "10"))
    found = run("percent-over-100", proj(budget=budget("100", "95", lines=lines)))
    assert len(found) == 1 and found[0].message.startswith("当年财政拨款执行率")


def test_spending_within_the_budget_or_a_rate_alone_is_silent():
    assert check("percent-over-100", proj(budget=budget("100", "100", "100"))) == []
    assert check("percent-over-100", proj(budget=budget(None, None, "309"))) == []  # a flattened row's figure


# ------------------------------------------------------------------------------------------ repeated indicator


def test_duplicate_indicator_fires_on_the_same_name_under_two_levels():
    p = decl(
        ind("培训次数", "≥3(次)"),
        ind("验收合格率", "=100%", level2="质量指标"),
        ind("培训 次数", "≥4(次)", level1="效益指标", level2="社会效益指标"),
        ind("满意度", "≥90%", level1="满意度指标"),
    )
    found = run("duplicate-indicator", p)
    assert [(f.indicator, f.severity) for f in found] == [("培训 次数", "warning")]
    assert "产出指标/数量指标 和 效益指标/社会效益指标" in found[0].message


def test_duplicate_indicator_silent_on_distinct_names_and_on_two_indicator_sets():
    assert check("duplicate-indicator", decl(*_rows(True))) == []
    # 长期 and 年度 sets: every name twice is two tables, not a repeat.
    assert check("duplicate-indicator", decl(*_rows(True), *_rows(True))) == []
    fillers = [ind("其他", "无", level1=level) for level in ("产出指标", "效益指标")]
    labels = [ind("数量指标", "≥1(个)", level1=level) for level in ("产出指标", "效益指标")]
    assert check("duplicate-indicator", decl(*_rows(True), *fillers, *labels)) == []


# ------------------------------------------------------------------------------------------ blank totals


def test_total_blank_fires_on_a_blank_total_with_parts_and_on_blank_parts():
    lines = (("appropriation", "80", "75"), ("carryover", "20", "20"))
    blank_total = proj(budget=replace(budget(None, None, lines=lines), planned=None), name="合计空")
    blank_parts = proj(
        budget=budget("100", "95", lines=(("appropriation", None, None), ("carryover", None, None))),
        name="分项空",
    )
    f = Funding("元", annual_request=None, appropriation=d("2650000"), carryover=d("0"), source=src())
    request = decl(funding=f, name="申请总额空")
    scored = proj(
        ind("甲", "≥1(个)", "1(个)", "45", "45"),
        ind("乙", "≥1(个)", "1(个)", "45", "40"),
        total_weight="100",
        name="总分空",
    )
    found = run("total-blank", blank_total, blank_parts, request, scored)
    assert [(f.project, f.severity) for f in found] == [
        ("合计空", "error"),  # 全年预算数 and 全年执行数 blank, in one finding
        ("分项空", "warning"),
        ("总分空", "error"),
        ("申请总额空", "error"),  # the declaration's document comes second
    ]
    assert "全年预算数为空" in found[0].message and "全年执行数为空" in found[0].message
    assert "合计栏应填 100" in found[0].message and "总分栏应填 85" in found[2].message


def test_total_blank_silent_where_totals_are_printed_or_belong_to_the_other_pair():
    lines = (("appropriation", "80", "75"), ("carryover", "20", "20"))
    assert check("total-blank", proj(budget=budget("100", "95", lines=lines))) == []
    one_total = Funding(
        "万元", total=d("100"), appropriation=d("100"), source=src()
    )  # 资金总额 100，其中：财政拨款 100
    assert check("total-blank", decl(funding=one_total)) == []
    scored = proj(ind("甲", "≥1(个)", "1(个)", "45", "45"), total="45", total_weight="100")
    assert (
        check(
            "total-blank",
            scored,
            proj(ind("甲", "≥1(个)", "1(个)", "45", None), total_weight="100", name="未打分"),
        )
        == []
    )
    unread = replace(
        decl(funding=Funding("元", appropriation=d("100"), source=src())), coverage=Coverage(money="partial")
    )
    assert check("total-blank", unread) == []
    zero_first = Funding("元", annual_request=d("0"), appropriation=d("100"), source=src())
    assert check("total-blank", decl(funding=zero_first)) == []  # funding-mismatch reports 0 ≠ 100


# ------------------------------------------------------------------------------------------ 万元 / 元


def test_money_unit_scale_fires_when_another_figure_matches_the_other_unit():
    typed_in_yuan = Funding("万元", total=d("2650000"), fiscal=d("2650000"), source=src())
    cost = ind("项目成本", "≤265(万元)", level1="成本指标", level2="经济成本指标")
    found = run("money-unit-scale", decl(cost, funding=typed_in_yuan))
    assert len(found) == 1 and "疑似按元填写" in found[0].message and "项目成本" in found[0].message
    typed_in_wan = Funding("元", annual_request=d("265"), appropriation=d("265"), source=src())
    assert (
        len(
            check(
                "money-unit-scale", decl(funding=typed_in_wan, annual="本项目总投资265万元，用于热线运行。")
            )
        )
        == 1
    )


def test_money_unit_scale_silent_when_figures_agree_or_are_unit_prices():
    cost = ind("项目成本", "≤265(万元)", level1="成本指标", level2="经济成本指标")
    assert check("money-unit-scale", decl(cost, funding=Funding("万元", total=d("265"), source=src()))) == []
    assert (
        check("money-unit-scale", decl(cost, funding=Funding("元", total=d("2650000"), source=src()))) == []
    )
    # 补助标准 265 元/人 is a price, not the project's money.
    price = Funding("万元", total=d("2650000"), source=src())
    assert (
        check("money-unit-scale", decl(ind("补助", "≥1(人)", explanation="补助标准265元/人"), funding=price))
        == []
    )
    # Read in 元 the block agrees with the 2,650,000 元 of the text: the 万元 label is right.
    both = decl(cost, funding=Funding("万元", total=d("265"), source=src()), annual="总投资2650000元")
    assert check("money-unit-scale", both) == []


# ------------------------------------------------------------------------------------------ 满意度 floor


def test_satisfaction_floor_fires_below_the_setting():
    p = decl(
        ind("服务对象满意度", "≥70%", level1="满意度指标", level2="服务对象满意度指标"),
        ind("群众满意率", ">60(%)", level1="满意度指标"),
        ind("受益脱贫户满意度(≥**%)", "≥75%", level1="满意度指标"),  # the template's note left in the name
        ind("服务对象认可度", "≥50%", level1="满意度指标", level2="服务对象满意度指标"),
    )
    found = run("satisfaction-floor", p)
    assert [f.indicator for f in found] == [
        "服务对象满意度",
        "群众满意率",
        "受益脱贫户满意度(≥**%)",
        "服务对象认可度",
    ]
    assert "低于满意度目标下限 80%" in found[0].message


def test_satisfaction_floor_silent_at_or_above_it_and_on_complaints():
    p = decl(
        ind("服务对象满意度", "≥85%", level1="满意度指标"),
        ind("不满意率", "≤5%", level1="满意度指标"),
        ind("投诉满意度", "≤10%", level1="满意度指标"),  # bounded above: not a floor
        ind("满意度", "满意", level1="满意度指标"),
        ind("满意度调查覆盖率", "≥60%", level1="满意度指标"),  # counts surveys
        ind("群众满意度提升率", "≥5%", level1="满意度指标"),  # a change
        ind("问卷回收率", "≥70%", level1="满意度指标"),
    )
    assert check("satisfaction-floor", p) == []
    low = decl(ind("服务对象满意度", "≥70%", level1="满意度指标"))
    assert check("satisfaction-floor", low, settings=Settings().with_(satisfaction_floor=Decimal(60))) == []


# ------------------------------------------------------------------------------------------ 项目属性 / 项目类别


@pytest.mark.parametrize(
    ("nature", "category", "problem"),
    [
        ("特定目标类", None, "项目类别的选项"),
        (None, "延续项目", "项目属性（性质）的选项"),
        ("新增项目□ 延续项目□", None, "没有勾选"),
        ("新增项目√ 延续项目√", None, "多个选项"),
        ("2024", None, "数字或日期"),
        ("延续项目      新增项目", None, "看不到勾选标记"),  # info: ticks may be lost in extraction
    ],
)
def test_project_attribute_fires_outside_the_lists(nature, category, problem):
    found = run(
        "project-attribute", decl(funding=Funding("元", nature=nature, category=category, source=src()))
    )
    assert len(found) == 1 and problem in found[0].message


@pytest.mark.parametrize(
    ("nature", "category"),
    [
        ("其他一次性项目", "特定目标类"),
        ("阶段性项目", "特定目标类项目"),
        ("□新增项目 √延续项目", None),
        ("新建", None),  # a regional list (宁夏): not known, not reported
        ("基础建设、修缮类", "本级支出项目"),
        ("1、持续性项目2、新增性项目□", None),  # one box lost in extraction: cannot tell
    ],
)
def test_project_attribute_silent_on_template_values(nature, category):
    assert (
        check(
            "project-attribute", decl(funding=Funding("元", nature=nature, category=category, source=src()))
        )
        == []
    )


# ------------------------------------------------------------------------------------------ what a reviewer reads


def test_every_finding_of_the_new_rules_reads_in_chinese():
    """Messages in Chinese, and every evidence key has a Chinese label (no rule slug, no English key)."""
    from qa.evidence import evidence_label

    cost = ind("项目成本", "≤265(万元)", level1="成本指标", level2="经济成本指标")
    forms = [
        decl(*_rows(True), name="有成本"),
        decl(*_rows(False), name="无成本"),
        decl(
            ind("培训次数", "≥3(次)"),
            ind("培训次数", "≥4(次)", level1="效益指标"),
            ind("满意度", "≥60%"),
            name="重复",
        ),
        decl(
            cost, funding=Funding("万元", total=d("2650000"), nature="特定目标类", source=src()), name="单位"
        ),
        proj(
            *_scheme("产出指标(50分)", "效益指标(30分)", "满意度指标(10分)"),
            budget=budget("100", "104"),
            total_weight="100",
        ),
        proj(budget=budget(None, None, lines=(("appropriation", "80", "75"),)), name="合计空"),
    ]
    found = [f for rule in NEW_RULES + ("percent-over-100",) for f in run(rule, *forms)]
    assert {f.rule for f in found} == {*NEW_RULES, "percent-over-100"}
    for f in found:
        assert _chinese(f.message) and f.rule not in f.message
        for key in f.evidence:
            assert _chinese(evidence_label(key)), (f.rule, key)


def test_a_missing_cost_row_is_told_once():
    """Where cost-indicator-missing warns, missing-indicator-category does not add its own 成本指标 line."""
    with_cost, without = decl(*_rows(True), name="有成本"), decl(*_rows(False), name="无成本")
    found = run_checks([Document(path="t.txt", sha256="", kind="declaration", projects=(with_cost, without))])
    about_cost = [f for f in found if f.project == "无成本" and "成本指标" in f.message]
    assert [f.rule for f in about_cost] == ["cost-indicator-missing"]
    # Alone (no witness of the template), the old-template hint is still given.
    alone = run_checks([Document(path="t.txt", sha256="", kind="declaration", projects=(without,))])
    assert [(f.rule, f.severity) for f in alone if "成本指标" in f.message] == [
        ("missing-indicator-category", "info")
    ]
