"""The pre-submission rules, each on a minimal hand-made form: a case where it fires and one where it stays silent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from corpus.model import Clause, Document, Funding, GoalBlock, Goals, Indicator, Measure, Project
from qa.checks import RULES, run_checks
from qa.checks.deadline_after_end import dates_in
from qa.checks.placeholder_left import _MAYBE, placeholders
from tests.builders import m, src

NEW_RULES = (
    "placeholder-left",
    "cost-lower-bound",
    "start-after-end",
    "deadline-after-end",
    "percent-over-100",
)

# ------------------------------------------------------------------------------------------ builders


def ind(
    name: str,
    target: str,
    actual: str | None = None,
    *,
    level1: str = "产出指标",
    level2: str = "数量指标",
    note: str = "",
    raw: str = "",
) -> Indicator:
    return Indicator(level1, level2, name, m(target), m(actual), None, None, note, src(raw or name))  # type: ignore[arg-type]


def block(label: str, text: str) -> GoalBlock:
    source = src(text)
    return GoalBlock(label, text, (Clause(text, source),), source)


def funding(start: str | None = "2024-01-01", end: str | None = "2024-12-31", **kw) -> Funding:
    return Funding("元", start_date=start, end_date=end, source=src("项目资金"), **kw)


def proj(
    *indicators: Indicator,
    name: str = "示例项目",
    kind: str = "declaration",
    year: int = 2024,
    funding: Funding | None = None,
    annual: str | None = None,
    department: str | None = None,
) -> Project:
    goals = Goals(annual=block("年度总体目标", annual) if annual else None)
    document = "自评表.txt" if kind == "self_evaluation" else "申报表.txt"
    return Project(
        name, kind, document, year, department, None, None, funding, goals, tuple(indicators),  # type: ignore[arg-type]
        None, None, None, src(name),
    )  # fmt: skip


def self_eval(*indicators: Indicator, **kw) -> Project:
    return proj(*indicators, kind="self_evaluation", year=kw.pop("year", 2023), **kw)


def check(rules: str | list[str], *projects: Project) -> list[tuple]:
    """Run the rules over the projects (one document per file name) and flatten the findings."""
    docs: dict[str, list[Project]] = {}
    for p in projects:
        docs.setdefault(p.document, []).append(p)
    documents = [Document(name, "0", ps[0].kind, tuple(ps)) for name, ps in docs.items()]
    wanted = [rules] if isinstance(rules, str) else rules
    return [(f.rule, f.project, f.indicator) for f in run_checks(documents, rules=wanted)]


def test_registry_has_the_new_rules():
    for slug in NEW_RULES:
        assert RULES[slug].doc.startswith(slug), slug


# ------------------------------------------------------------------------------------------ placeholder-left


FILLED_IN_CELLS = (
    "**",
    "＊",
    "ＸＸ",
    "ⅩⅩ",
    "某 某",
    "． ． ．",
    "…",
    "⋯⋯",
    "。。。",
    "TBD",
    "例 ：",
    "待补充",
    "(请填写)",
)


def test_placeholders_in_a_cell():
    for cell in FILLED_IN_CELLS:  # full-width and spaced forms too; the cheap first look never misses one
        assert placeholders(cell) and _MAYBE.search(cell), cell
    assert placeholders("**") == ("**",)
    assert placeholders("＊") == ("＊",)
    assert placeholders("XX区生态环境局") == ("XX",)
    assert placeholders("20XX年底前完成") == ("XX",)
    assert placeholders("202X年底前完成") == ("202X",)
    assert placeholders("……") == ("……",)
    assert placeholders("完成第……届大会筹办") == ("……",)
    assert placeholders("（请填写年度总体目标）") == ("请填写",)
    assert placeholders("例：完成培训 3 次") == ("例：",)
    assert placeholders("待定") == ("待定",)
    assert placeholders("于____年完成") == ("____",)
    assert placeholders("X\x1fX") == ("XX",)  # what is shown holds no control character (Excel refuses them)
    assert placeholders("x" * 20_000) == ("x" * 20 + "…",)  # nor 20,000 characters
    # Real text: a multiplication, a footnote mark, a Latin word, an ellipsis that means 等, markdown bold.
    assert placeholders("7*24小时值守") == ()
    assert placeholders("满意度*") == ()
    assert placeholders("XXL码执法服装") == ()
    assert placeholders("开展培训、宣传、巡查……等各项工作，全年完成 12 次") == ()
    assert placeholders("**重点**任务按期完成") == ()
    assert placeholders("/") == ()
    assert placeholders("无") == ()


def test_placeholder_left():
    filled_in = proj(
        ind("XX设备购置数量", "≥10(台)"),
        ind("验收合格率", "**", level2="质量指标"),
        ind("完成时限", "2024年底前", level2="时效指标", note="（填写说明：超出部分请说明原因）"),
        ind("培训人次", "≥200(人次)"),
        annual="……",
        funding=funding(nature="待定"),
        name="留有占位",
    )
    clean = proj(
        ind("执法服装购置数量", "≥300(套)", raw="执法服装购置数量\t≥300(套)\tXXL码另行采购"),
        ind("热线服务时长", "7*24(小时)"),
        ind("完成时限", "2024年底前", level2="时效指标", note="/"),
        annual="开展执法培训、宣传、巡查……等工作，保障执法装备",
        funding=funding(nature="经常性项目"),
        department="上海市生态环境局",
        name="填写完整",
    )
    assert check("placeholder-left", filled_in, clean) == [
        ("placeholder-left", "留有占位", "XX设备购置数量"),
        ("placeholder-left", "留有占位", "验收合格率"),
        ("placeholder-left", "留有占位", "完成时限"),  # 填写说明 in the note
        ("placeholder-left", "留有占位", None),  # 项目性质 待定
        ("placeholder-left", "留有占位", None),  # 年度总体目标 ……
    ]
    self_evaluated = self_eval(ind("报告数量", "≥2(份)", "待定"), ind("会议次数", "≥4(次)", "4(次)"))
    assert check("placeholder-left", self_evaluated) == [("placeholder-left", "示例项目", "报告数量")]


# ------------------------------------------------------------------------------------------ cost-lower-bound


def test_cost_lower_bound():
    p = proj(
        ind("单位服务成本", "≥500(元)", level2="成本指标"),
        ind("设备购置成本", ">20(万元)", level1="成本指标", level2="经济成本指标"),
        ind("人均培训费用", "≤800(元)", level2="成本指标"),
        ind("单位运维成本", "<300(元)", level2="成本指标"),
        ind("项目总成本", "=120(万元)", level1="成本指标", level2="经济成本指标"),
        ind("项目成本控制", "控制在预算范围内", level2="成本指标"),
        ind("成本节约额", "≥5(万元)", level2="成本指标"),  # a saving is bounded below on purpose
        ind("预算执行率", "≥95%", level2="成本指标"),  # a rate filed under 成本指标, not an amount
        ind("设备购置数量", "≥10(台)"),  # not a cost
        name="成本",
    )
    assert check("cost-lower-bound", p) == [
        ("cost-lower-bound", "成本", "单位服务成本"),
        ("cost-lower-bound", "成本", "设备购置成本"),
    ]
    assert check("cost-lower-bound", self_eval(ind("单位服务成本", "≥500(元)", level2="成本指标"))) == []


# ------------------------------------------------------------------------------------------ start-after-end


def test_start_after_end():
    inverted = proj(funding=funding("2024-12-01", "2024-01-31"), name="倒置")
    assert check("start-after-end", inverted) == [("start-after-end", "倒置", None)]
    assert check("dates-outside-year", inverted) == []  # the same fact is reported once
    assert (
        check(
            "start-after-end",
            proj(funding=funding("2024-01-01", "2024-12-31"), name="正常"),
            proj(funding=funding("2024-06-30", "2024-06-30"), name="同一天"),
            proj(funding=funding("2024-12-01", None), name="缺完成日期"),
            proj(funding=funding("2024-12-01", "XXXX年XX月"), name="未填日期"),
        )
        == []
    )


def test_dates_outside_year_still_checks_the_year():
    assert check("dates-outside-year", proj(funding=funding("2024-03-01", "2025-06-30"), name="跨年")) == [
        ("dates-outside-year", "跨年", None)
    ]


# ------------------------------------------------------------------------------------------ deadline-after-end


def test_dates_in_a_timeliness_cell():
    assert dates_in("2025年6月底前完成", 2024) == [(date(2025, 6, 30), date(2025, 6, 30), "2025年6月底")]
    assert dates_in("≤2024年12月", 2024) == [(date(2024, 12, 1), date(2024, 12, 31), "2024年12月")]
    assert dates_in("2024-06-30", 2024) == [(date(2024, 6, 30), date(2024, 6, 30), "2024-06-30")]
    assert dates_in("2024年第三季度", 2024) == [(date(2024, 7, 1), date(2024, 9, 30), "2024年第三季度")]
    assert dates_in("12月底前", 2024) == [(date(2024, 12, 31), date(2024, 12, 31), "12月底")]
    assert dates_in("年底前", 2024) == []
    assert dates_in("3个月内完成", 2024) == []
    assert dates_in("当年内完成", 2024) == []


def test_deadline_after_end():
    timely = {"level2": "时效指标"}
    p = proj(
        ind("验收完成时间", "2025年6月底前完成", **timely),
        ind("平台上线时间", "2025-03-31", **timely),
        ind("招标完成时间", "≤2025年1月", **timely),
        ind("资金支付时间", "2024年12月31日前", **timely),
        ind("报告提交时间", "年底前", **timely),
        ind("培训完成时间", "12月底前", **timely),
        ind("整改完成时间", "2024年第四季度", **timely),
        ind("完成及时率", "≥95%", **timely),
        ind("规划编制数量", "2026年版规划1(份)"),  # not a 时效指标
        funding=funding("2024-01-01", "2024-12-31"),
        name="申报",
    )
    assert check("deadline-after-end", p) == [
        ("deadline-after-end", "申报", "验收完成时间"),
        ("deadline-after-end", "申报", "平台上线时间"),
        ("deadline-after-end", "申报", "招标完成时间"),
    ]
    half_year = proj(
        ind("培训完成时间", "12月底前", **timely),
        ind("采购完成时间", "6月底前", **timely),
        funding=funding("2024-01-01", "2024-06-30"),
        name="半年",
    )
    no_end = proj(
        ind("验收完成时间", "2026年底前", **timely), funding=funding("2024-01-01", None), name="无日期"
    )
    assert check("deadline-after-end", half_year, no_end) == [("deadline-after-end", "半年", "培训完成时间")]
    evaluated = self_eval(
        ind("资金拨付时间", "2024年3月底前", **timely),
        ind("大会举办时间", "2023年11月8日", **timely),
        year=2023,
    )
    assert check("deadline-after-end", evaluated) == [("deadline-after-end", "示例项目", "资金拨付时间")]


# ------------------------------------------------------------------------------------------ percent-over-100


def test_percent_over_100():
    per_mille = Indicator(
        "效益指标", "生态效益指标", "达标天数比例", m("≥900(‰)"), Measure("950‰", None, Decimal(950), "‰"),  # type: ignore[arg-type]
        None, None, "", src(),
    )  # fmt: skip
    p = self_eval(
        ind("验收合格率", "≥95%", "105%", level2="质量指标"),
        ind("设备完好率", "≥95%", "102", level2="质量指标"),  # no unit: the target's %
        ind("产值增长率", "≥10%", "130%", level1="效益指标", level2="经济效益指标"),  # growth may exceed 100%
        ind("服务对象满意度", "≥90%", "100%", level1="满意度指标", level2="服务对象满意度指标"),
        ind("培训次数", "≥100(次)", "120(次)"),
        per_mille,
        name="自评",
    )
    assert check("percent-over-100", p) == [
        ("percent-over-100", "自评", "验收合格率"),
        ("percent-over-100", "自评", "设备完好率"),
    ]
    # A target above 100% is impossible-target's cell; the actual beside it is within range.
    over_target = self_eval(ind("覆盖率", "≥120%", "98%"), name="目标超")
    assert check(["impossible-target", "percent-over-100"], over_target) == [
        ("impossible-target", "目标超", "覆盖率")
    ]
    declared = proj(ind("上年验收合格率", "≥95%", "110%", level2="质量指标"), name="申报")
    assert check("percent-over-100", declared) == [("percent-over-100", "申报", "上年验收合格率")]
