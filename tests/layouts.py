"""Test helper: the layout families of issue 14, each one spec written as XLSX, DOCX and PDF.

A family is a list of `Form`s (one sheet / one page each: title lines and tables, cells with real merges)
and the records a parser must read from it, flattened by `flat` so a test compares plain tuples.
Content of families b–f is made up (plausible names, figures that add up); family a is the self-evaluation
sample re-laid out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from build_docs import CJK_FONT, Cell, Table

from corpus.model import Document, Measure, Project

Block = str | Table


@dataclass
class Form:
    """What one sheet (XLSX), one stretch between page breaks (DOCX) or one page (PDF) holds."""

    blocks: list[Block]
    widths: tuple[float, ...]  # relative PDF column widths of the tables on this form
    sheet: str = "Sheet"


@dataclass
class Family:
    name: str
    forms: list[Form]
    expected: list[dict[str, Any]] = field(default_factory=list)  # `flat` records, in order


# --- what a test compares ------------------------------------------------------------------------

_MEASURE = re.compile(r"^(?P<op>[≥≤=><])?(?P<num>-?\d+(?:\.\d+)?)(?:\((?P<u1>[^()]+)\)|(?P<u2>[^\d()].*))?$")


def measure_key(m: Measure | None) -> tuple | None:
    if m is None:
        return None
    return (m.op, m.value, m.unit, m.qualitative)


def expect_measure(text: str) -> tuple | None:
    """The (op, value, unit, qualitative) a target/actual cell means, read here without the parser."""
    if text is None:
        return None
    t = text.replace(" ", "")
    m = _MEASURE.match(t)
    if not m:
        return (None, None, None, text)
    unit = m.group("u1") or m.group("u2") or None
    return (m.group("op"), Decimal(m.group("num")), unit, None)


def flat(project: Project) -> dict[str, Any]:
    """The fields the layout tests assert, as plain values."""
    b, f = project.budget, project.funding
    return {
        "kind": project.kind,
        "name": project.name,
        "code": project.code,
        "department": project.department,
        "implementer": project.implementer,
        "budget": None
        if b is None
        else (
            b.unit,
            b.planned,
            b.adjusted,
            b.spent,
            b.weight,
            b.rate,
            b.score,
            tuple((ln.label, ln.planned, ln.adjusted, ln.spent, ln.rate) for ln in b.lines),
        ),
        "funding": None
        if f is None
        else (
            f.unit,
            f.total,
            f.fiscal,
            f.other,
            f.annual_request,
            f.appropriation,
            f.carryover,
            f.annual_other,
        ),
        "total_score": project.total_score,
        "indicators": [
            (
                i.level1,
                i.level2,
                i.name,
                measure_key(i.target),
                measure_key(i.actual),
                i.weight,
                i.score,
                i.note,
            )
            for i in project.indicators
        ],
    }


def flat_document(doc: Document) -> list[dict[str, Any]]:
    return [flat(p) for p in doc.projects]


def _d(text: str | None) -> Decimal | None:
    if text is None or text in ("", "-", "—"):
        return None
    return Decimal(text.replace(",", "").rstrip("%"))


def num(text: str, **span: int) -> Cell:
    """A figure as a spreadsheet stores it (number + format) and shows it (`text`)."""
    if text in ("-", "—", ""):
        return Cell(text, **span)
    value = Decimal(text.replace(",", "").rstrip("%"))
    decimals = len(text.rstrip("%").partition(".")[2])
    fmt = ("#,##0" if "," in text else "0") + ("." + "0" * decimals if decimals else "")
    if text.endswith("%"):
        return Cell(text, number=value / 100, fmt=fmt + "%", **span)
    return Cell(text, number=value, fmt=fmt, **span)


def _runs(values: list[str]) -> dict[int, int]:
    """Start index -> length of each run of equal consecutive values."""
    out: dict[int, int] = {}
    start = 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[start]:
            out[start] = i - start
            start = i
    return out


def indicator_rows(rows: list[tuple[str, str, list[Cell]]]) -> list[list[Cell]]:
    """(level1, level2, the cells after them) -> table rows, 一级/二级 merged down over their runs."""
    first = _runs([r[0] for r in rows])
    second = _runs([f"{r[0]}\x00{r[1]}" for r in rows])
    out = []
    for i, (level1, level2, rest) in enumerate(rows):
        row = []
        if i in first:
            row.append(Cell(level1, rowspan=first[i]))
        if i in second:
            row.append(Cell(level2, rowspan=second[i]))
        out.append(row + rest)
    return out


# --- a. the self-evaluation sample, re-laid out ----------------------------------------------------

SAMPLE_PICK = (0, 1, 7)  # qualitative targets and notes; a short form; 全年预算数 below 年初预算数
_OPS = {"≥", "≤", "=", ">", "<"}


def family_a(sample: Document) -> Family:
    """One project per sheet: `项目编码： | code | 项目名称： | name`, 项目资金（万元） over two columns, a two-row
    indicator header (绩效指标 over 一级/二级/三级; 指标性质 | 指标值 | 度量单位), a 绩效指标 frame column."""
    family = Family("a", [])
    for n, index in enumerate(SAMPLE_PICK, start=1):
        p = sample.projects[index]
        code = f"31000023{n:04d}"
        b = p.budget
        t = Table(width=11)
        t.rows.append([Cell("项目编码："), Cell(code), Cell("项目名称："), Cell(p.name, colspan=8)])
        t.rows.append(
            [
                Cell("主管部门"),
                Cell(p.department, colspan=4),
                Cell("实施单位"),
                Cell(p.implementer, colspan=5),
            ]
        )
        head = ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率(%)", "得分"]
        t.rows.append([Cell(f"项目资金（{b.unit}）", colspan=2), *map(Cell, head), Cell("", colspan=3)])

        def fig(v: Decimal | None) -> Cell:
            return num(f"{v:,.2f}") if v is not None else Cell("-")

        t.rows.append(
            [Cell("年度资金总额", colspan=2)]
            + [fig(v) for v in (b.planned, b.adjusted, b.spent, b.weight, b.rate, b.score)]
            + [Cell("", colspan=3)]
        )
        labels = {"appropriation": "其中：当年财政拨款", "carryover": "上年结转资金", "other": "其他资金"}
        for line in b.lines:
            t.rows.append(
                [Cell(labels[line.label], colspan=2)]
                + [
                    fig(v)
                    for v in (line.planned, line.adjusted, line.spent, line.weight, line.rate, line.score)
                ]
                + [Cell("", colspan=3)]
            )
        g = p.goals
        t.rows.append(
            [
                Cell("年度总体目标", colspan=2, rowspan=2),
                Cell("预期目标", colspan=4),
                Cell("实际完成情况", colspan=5),
            ]
        )
        t.rows.append([Cell(g.expected.text, colspan=4), Cell(g.achieved.text, colspan=5)])
        n_ind = len(p.indicators)
        t.rows.append(
            [
                Cell("绩效指标", rowspan=n_ind + 2),
                Cell("绩效指标", colspan=3),
                Cell("年度指标值", colspan=3),
                Cell("实际完成值", rowspan=2),
                Cell("分值", rowspan=2),
                Cell("得分", rowspan=2),
                Cell("偏差原因分析及改进措施", rowspan=2),
            ]
        )
        t.rows.append(
            [Cell(h) for h in ("一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位")]
        )
        rows = []
        for i in p.indicators:
            tg = i.target
            if tg.value is not None:
                split = [Cell(tg.op or ""), Cell(str(tg.value)), Cell(tg.unit or "")]
            else:
                split = [Cell("定性"), Cell(tg.text), Cell("")]
            rest = [Cell(i.name), *split, Cell(i.actual.text), num(f"{i.weight:.2f}"), num(f"{i.score:.2f}")]
            rows.append((i.level1, i.level2, [*rest, Cell(i.note)]))
        t.rows.extend(indicator_rows(rows))
        t.rows.append(
            [Cell("总分", colspan=8), num(f"{p.total_weight:.2f}"), num(f"{p.total_score:.2f}"), Cell("")]
        )
        t.rows.append([Cell("评分等级", colspan=2), Cell(p.grade or "", colspan=9)])
        widths = (9, 12, 13, 24, 9, 15, 9, 17, 10, 10, 30)
        family.forms.append(Form(["财政项目支出绩效自评表", "（2023年度）", t], widths, sheet=f"项目{n}"))
        family.expected.append({**flat(p), "code": code})
    return family


# --- b. a budget-system export ---------------------------------------------------------------------

_B_PROJECTS = [
    {
        "name": "社区居家养老服务能力提升",
        "department": "江川市民政局",
        "implementer": "江川市养老服务指导中心",
        "money": ("180.00", "150.00", "20.00", "10.00"),  # 年度资金总额 = 当年财政拨款 + 上年结转 + 其他
        "goal": "为辖区内高龄、独居老年人提供助餐、助洁、助医等居家养老服务，培训养老护理员。",
        "indicators": [
            # level1, level2, names (one per line), targets (one per line), 指标解释
            (
                "产出",
                "数量",
                ["养老护理员培训场次", "养老护理员培训人次"],
                ["≥4场", "≥300人次"],
                "按年度培训计划统计",
            ),
            ("产出", "质量", ["服务对象档案建档率"], ["≥95%"], "建档人数/服务人数"),
            ("产出", "时效", ["服务补贴发放及时率"], ["=100%"], "按季度发放"),
            ("成本", "经济成本", ["人均服务成本"], ["≤500元/人"], "年度资金/服务人数"),
            ("成本", "社会成本", ["社会成本"], ["无"], ""),
            ("成本", "生态环境成本", ["生态环境成本"], ["不适用"], ""),
            ("效益", "社会效益", ["居家养老服务覆盖率"], ["逐步提高"], "与上年比较"),
            ("效益", "经济效益", ["经济效益"], ["—"], ""),
            ("满意度", "服务对象满意度", ["服务对象满意度"], ["≥90%"], "问卷调查"),
        ],
    },
    {
        "name": "基层医疗卫生机构设备更新",
        "department": "江川市卫生健康委员会",
        "implementer": "江川市基层卫生服务中心",
        "money": ("96.50", "96.50", "0.00", "0.00"),
        "goal": "为12家社区卫生服务中心更新心电图机、血球分析仪等基本诊疗设备。",
        "indicators": [
            ("产出", "数量", ["更新设备数量", "覆盖社区卫生服务中心"], ["≥36台", "=12家"], "以验收单为准"),
            ("产出", "质量", ["设备验收合格率"], ["=100%"], ""),
            ("成本", "经济成本", ["单台设备平均采购成本"], ["≤2.68万元"], "采购合同金额/台数"),
            ("成本", "生态环境成本", ["生态环境成本"], ["不适用"], ""),
            ("效益", "社会效益", ["基层首诊率"], ["较上年提高"], ""),
            ("满意度", "服务对象满意度", ["患者满意度"], ["≥85%"], "第三方调查"),
        ],
    },
]


def family_b() -> Family:
    """One project per sheet; levels 产出/数量 without 指标; 目标值 and 指标解释 columns; two indicators in one
    cell on two lines beside a two-line target cell; 不适用 / 无 / — targets."""
    family = Family("b", [])
    for n, spec in enumerate(_B_PROJECTS, start=1):
        total, appropriation, carryover, other = spec["money"]
        t = Table(width=6)
        t.rows.append([Cell("项目名称"), Cell(spec["name"], colspan=5)])
        t.rows.append(
            [
                Cell("主管部门"),
                Cell(spec["department"], colspan=2),
                Cell("实施单位"),
                Cell(spec["implementer"], colspan=2),
            ]
        )
        t.rows.append([Cell("项目资金（万元）", rowspan=4), Cell("年度资金总额"), num(total, colspan=4)])
        t.rows.append([Cell("其中：当年财政拨款"), num(appropriation, colspan=4)])
        t.rows.append([Cell("上年结转资金"), num(carryover, colspan=4)])
        t.rows.append([Cell("其他资金"), num(other, colspan=4)])
        t.rows.append([Cell("年度绩效目标"), Cell(spec["goal"], colspan=5)])
        t.rows.append(
            [Cell(h) for h in ("一级指标", "二级指标", "三级指标", "目标值")] + [Cell("指标解释", colspan=2)]
        )
        rows = []
        indicators = []
        for level1, level2, names, targets, note in spec["indicators"]:
            rows.append(
                (level1, level2, [Cell("\n".join(names)), Cell("\n".join(targets)), Cell(note, colspan=2)])
            )
            for name, target in zip(names, targets, strict=True):
                # 指标解释 explains the indicator; it is not a 偏差原因 (note), so note stays empty.
                indicators.append(
                    (f"{level1}指标", f"{level2}指标", name, expect_measure(target), None, None, None, "")
                )
        t.rows.extend(indicator_rows(rows))
        family.forms.append(
            Form(["项目支出绩效目标表", "（2025年度）", t], (24, 26, 40, 30, 30, 36), sheet=f"项目{n}")
        )
        family.expected.append(
            {
                "kind": "declaration",
                "name": spec["name"],
                "code": None,
                "department": spec["department"],
                "implementer": spec["implementer"],
                "budget": None,
                "funding": ("万元", None, None, None, *map(_d, spec["money"])),
                "total_score": None,
                "indicators": indicators,
            }
        )
    return family


# --- c. a list: one row per indicator --------------------------------------------------------------

_C_PROJECTS = [
    (
        "江川市图书馆",
        "公共图书馆免费开放",
        "85.00",
        "保障图书馆全年免费开放，开展阅读推广活动。",
        [
            ("产出指标", "数量指标", "全年开放天数", "≥300天"),
            ("产出指标", "数量指标", "阅读推广活动场次", "≥24场"),
            ("效益指标", "社会效益指标", "年度到馆人次", "≥15万人次"),
            ("满意度指标", "服务对象满意度指标", "读者满意度", "≥90%"),
        ],
    ),
    (
        "江川市文化馆",
        "群众文化活动补助",
        "42.30",
        "组织群众文艺演出和非遗展示活动。",
        [
            ("产出指标", "数量指标", "文艺演出场次", "≥30场"),
            ("产出指标", "质量指标", "活动安全事故", "=0起"),
            ("效益指标", "社会效益指标", "群众参与度", "明显提高"),
        ],
    ),
    (
        "江川市文化馆",
        "非物质文化遗产保护",
        "18.00",
        "完成市级非遗项目记录和传承人补助发放。",
        [
            ("产出指标", "数量指标", "记录非遗项目数量", "≥5项"),
            ("产出指标", "时效指标", "补助发放及时率", "=100%"),
            ("满意度指标", "服务对象满意度指标", "传承人满意度", "≥95%"),
        ],
    ),
]


def family_c() -> Family:
    """One table, one row per indicator: 单位名称 | 项目名称 | 预算数 | 年度目标 | 一级 | 二级 | 三级 | 指标值."""
    t = Table(width=8)
    head = (
        "单位名称",
        "项目名称",
        "预算数（万元）",
        "年度目标",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
    )
    t.rows.append([Cell(h) for h in head])
    family = Family("c", [])
    for unit_name, name, budget, goal, indicators in _C_PROJECTS:
        for level1, level2, ind, target in indicators:
            t.rows.append(
                [
                    Cell(unit_name),
                    Cell(name),
                    num(budget),
                    Cell(goal),
                    Cell(level1),
                    Cell(level2),
                    Cell(ind),
                    Cell(target),
                ]
            )
        family.expected.append(
            {
                "kind": "declaration",
                "name": name,
                "code": None,
                "department": None,
                "implementer": unit_name,
                "budget": None,
                "funding": ("万元", None, None, None, _d(budget), None, None, None),
                "total_score": None,
                "indicators": [
                    (l1, l2, ind, expect_measure(tg), None, None, None, "") for l1, l2, ind, tg in indicators
                ],
            }
        )
    family.forms.append(
        Form(["2025年度项目支出绩效目标汇总表", t], (22, 24, 16, 40, 18, 22, 26, 18), sheet="绩效目标")
    )
    return family


# --- d. the national self-evaluation ---------------------------------------------------------------

_D_PROJECT = {
    "name": "农村饮水安全巩固提升工程",
    "department": "江川市水利局",
    "implementer": "江川市农村供水管理站",
    # 年初预算数, 全年预算数, 全年执行数 (万元) for 年度资金总额, 当年财政拨款, 上年结转资金, 其他资金
    "money": [
        ("年度资金总额", "320.00", "300.00", "285.00"),
        ("其中：当年财政拨款", "280.00", "260.00", "247.00"),
        ("上年结转资金", "40.00", "40.00", "38.00"),
        ("其他资金", "0.00", "0.00", "0.00"),
    ],
    "budget_weight": "10",
    "budget_score": "9.50",
    "goals": (
        "新建和改造农村供水管网60公里，提升12个行政村供水保障水平。",
        "完成管网建设62公里，12个行政村全部通水。",
    ),
    "indicators": [
        ("产出指标", "数量指标", "新建改造供水管网长度", "≥60公里", "62公里", "20", "20", ""),
        (
            "产出指标",
            "质量指标",
            "水质达标率",
            "≥95%",
            "93%",
            "15",
            "13",
            "部分村水源浊度偏高，下年度增设过滤设施",
        ),
        ("产出指标", "时效指标", "工程完工及时率", "=100%", "100%", "10", "10", ""),
        ("成本指标", "经济成本指标", "每公里管网建设成本", "≤5万元", "4.6万元", "10", "10", ""),
        ("效益指标", "社会效益指标", "受益人口", "≥1.8万人", "1.85万人", "15", "15", ""),
        ("效益指标", "可持续影响指标", "供水设施运行维护机制", "建立健全", "已建立", "10", "10", ""),
        ("满意度指标", "服务对象满意度指标", "受益群众满意度", "≥90%", "92%", "10", "10", ""),
    ],
    "total": ("100", "97.50"),
}


def family_d() -> Family:
    """项目支出绩效自评表 (national template): 主管部门/实施单位 side by side, the 项目资金 block with 分值/执行率/得分,
    预期目标/实际完成情况, the indicator table with a 绩效指标 frame column and 总分."""
    s = _D_PROJECT
    t = Table(width=9)
    t.rows.append([Cell("项目名称"), Cell(s["name"], colspan=8)])
    t.rows.append(
        [
            Cell("主管部门"),
            Cell(s["department"], colspan=3),
            Cell("实施单位"),
            Cell(s["implementer"], colspan=4),
        ]
    )
    t.rows.append(
        [Cell("项目资金（万元）", colspan=2, rowspan=5), Cell("")]
        + [Cell(h) for h in ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")]
    )
    lines = []
    for n, (label, planned, adjusted, spent) in enumerate(s["money"]):
        rate = f"{Decimal(spent) / Decimal(adjusted) * 100:.2f}%" if Decimal(adjusted) else "—"
        first = n == 0
        t.rows.append(
            [Cell(label), num(planned), num(adjusted), num(spent)]
            + [
                num(s["budget_weight"]) if first else Cell("—"),
                num(rate),
                num(s["budget_score"]) if first else Cell("—"),
            ]
        )
        if not first:
            key = {"其中：当年财政拨款": "appropriation", "上年结转资金": "carryover", "其他资金": "other"}[
                label
            ]
            lines.append((key, _d(planned), _d(adjusted), _d(spent), _d(rate)))
    t.rows.append(
        [
            Cell("年度总体目标", colspan=2, rowspan=2),
            Cell("预期目标", colspan=3),
            Cell("实际完成情况", colspan=4),
        ]
    )
    t.rows.append([Cell(s["goals"][0], colspan=3), Cell(s["goals"][1], colspan=4)])
    head = (
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    )
    t.rows.append([Cell("绩效指标", rowspan=len(s["indicators"]) + 1), *map(Cell, head)])
    t.rows.extend(
        indicator_rows(
            [
                (l1, l2, [Cell(n), Cell(tg), Cell(ac), num(w), num(sc), Cell(note)])
                for l1, l2, n, tg, ac, w, sc, note in s["indicators"]
            ]
        )
    )
    t.rows.append([Cell("总分", colspan=6), num(s["total"][0]), num(s["total"][1]), Cell("")])
    total, *_ = s["money"]
    expected = {
        "kind": "self_evaluation",
        "name": s["name"],
        "code": None,
        "department": s["department"],
        "implementer": s["implementer"],
        "budget": (
            "万元",
            _d(total[1]),
            _d(total[2]),
            _d(total[3]),
            _d(s["budget_weight"]),
            Decimal("95.00"),
            _d(s["budget_score"]),
            tuple(lines),
        ),
        "funding": None,
        "total_score": _d(s["total"][1]),
        "indicators": [
            (l1, l2, n, expect_measure(tg), expect_measure(ac), _d(w), _d(sc), note)
            for l1, l2, n, tg, ac, w, sc, note in s["indicators"]
        ],
    }
    form = Form(
        ["项目支出绩效自评表", "（2024年度）", t], (12, 14, 16, 30, 18, 18, 12, 12, 34), sheet="自评表"
    )
    return Family("d", [form], [expected])


# --- e. the Shanghai declaration -------------------------------------------------------------------

_E_PROJECTS = [
    {
        "name": "城市道路桥梁养护维修",
        "department": "江川市住房和城乡建设局",
        "implementer": "江川市市政设施养护中心",
        # 项目资金总额, 财政资金, 其他资金 | 年度资金申请总额, 当年财政拨款, 上年结转资金, 其他资金 (元)
        "money": (
            "5,000,000.00",
            "4,500,000.00",
            "500,000.00",
            "2,000,000.00",
            "1,600,000.00",
            "200,000.00",
            "200,000.00",
        ),
        "goals": ("三年内完成主城区道路桥梁预防性养护。", "完成年度道路大中修和桥梁检测任务。"),
        "indicators": [
            ("产出指标", "数量指标", "道路大中修长度", "≥985米"),
            ("产出指标", "数量指标", "桥梁定期检测座数", "=24.00(座)"),
            ("产出指标", "质量指标", "养护工程验收合格率", "=100.00(%)"),
            ("产出指标", "时效指标", "病害处置及时率", "≥95.00(%)"),
            ("效益指标", "社会效益指标", "道路通行条件", "明显改善"),
            ("满意度指标", "服务对象满意度指标", "市民满意度", "≥85.00(%)"),
        ],
    },
    {
        "name": "污水处理厂运行监管",
        "department": "江川市水务局",
        "implementer": "江川市排水管理所",
        "money": ("1,200,000.00", "1,200,000.00", "0.00", "1,200,000.00", "1,200,000.00", "0.00", "0.00"),
        "goals": ("保障污水处理厂稳定达标运行。", "完成全年运行监管和水质抽检。"),
        "indicators": [
            ("产出指标", "数量指标", "水质抽检次数", "≥52.00(次)"),
            ("产出指标", "质量指标", "出水水质达标率", "=100.00(%)"),
            ("效益指标", "生态效益指标", "化学需氧量削减量", "≥1200吨"),
        ],
    },
]


def family_e() -> Family:
    """财政项目支出绩效目标申报表 in 元: 项目资金总额 | 年度资金申请总额 side by side, 项目总目标/年度总体目标,
    年度(/项目)指标值 like `=100.00(%)` and `≥985米`."""
    family = Family("e", [])
    for n, s in enumerate(_E_PROJECTS, start=1):
        total, fiscal, other, annual, appropriation, carryover, annual_other = s["money"]
        t = Table(width=6)
        t.rows.append(
            [
                Cell("项目名称"),
                Cell(s["name"]),
                Cell("项目性质"),
                Cell("经常性项目"),
                Cell("项目类别"),
                Cell("特定目标类"),
            ]
        )
        t.rows.append(
            [Cell("主管部门"), Cell(s["department"]), Cell("实施单位"), Cell(s["implementer"], colspan=3)]
        )
        t.rows.append(
            [Cell("计划开始日期"), Cell("2025-01-01"), Cell("计划完成日期"), Cell("2025-12-31", colspan=3)]
        )
        t.rows.append(
            [
                Cell("项目资金（元）", rowspan=4),
                Cell("项目资金总额"),
                num(total),
                Cell("年度资金申请总额"),
                num(annual, colspan=2),
            ]
        )
        t.rows.append(
            [
                Cell("其中：财政资金", rowspan=2),
                num(fiscal, rowspan=2),
                Cell("其中：当年财政拨款"),
                num(appropriation, colspan=2),
            ]
        )
        t.rows.append([Cell("上年结转资金"), num(carryover, colspan=2)])
        t.rows.append([Cell("其他资金"), num(other), Cell("其他资金"), num(annual_other, colspan=2)])
        t.rows.append(
            [Cell("项目绩效目标", rowspan=2), Cell("项目总目标", colspan=2), Cell("年度总体目标", colspan=3)]
        )
        t.rows.append([Cell(s["goals"][0], colspan=2), Cell(s["goals"][1], colspan=3)])
        ind = s["indicators"]
        t.rows.append(
            [
                Cell("绩效指标", rowspan=len(ind) + 1),
                Cell("一级指标"),
                Cell("二级指标"),
                Cell("三级指标"),
                Cell("年度(/项目)指标值", colspan=2),
            ]
        )
        t.rows.extend(
            indicator_rows([(l1, l2, [Cell(name), Cell(tg, colspan=2)]) for l1, l2, name, tg in ind])
        )
        family.forms.append(
            Form(
                ["财政项目支出绩效目标申报表", "（2025年度）", t], (24, 34, 30, 38, 28, 32), sheet=f"项目{n}"
            )
        )
        family.expected.append(
            {
                "kind": "declaration",
                "name": s["name"],
                "code": None,
                "department": s["department"],
                "implementer": s["implementer"],
                "budget": None,
                "funding": ("元", *map(_d, s["money"])),
                "total_score": None,
                "indicators": [
                    (l1, l2, name, expect_measure(tg), None, None, None, "") for l1, l2, name, tg in ind
                ],
            }
        )
    return family


# --- f. budget tables first, then 绩效目标填报表 pages -------------------------------------------------

_F_PROJECTS = [
    {
        "name": "中小学校舍维修改造",
        "department": "江川市教育局",
        "implementer": "江川市教育基建管理中心",
        "money": ("260.00", "240.00", "20.00"),  # 年度资金总额, 其中：当年财政拨款, 其他资金
        "goal": "完成8所中小学校舍屋面、外墙和门窗维修改造。",
        "indicators": [
            ("产出指标", "数量指标", "维修改造学校数量", "=8所"),
            ("产出指标", "质量指标", "工程验收合格率", "=100%"),
            ("产出指标", "时效指标", "暑期完工率", "≥90%"),
            ("效益指标", "社会效益指标", "校舍安全隐患", "全部消除"),
            ("满意度指标", "服务对象满意度指标", "师生满意度", "≥90%"),
        ],
    },
    {
        "name": "学生资助补助",
        "department": "江川市教育局",
        "implementer": "江川市学生资助管理中心",
        "money": ("150.00", "150.00", "0.00"),
        "goal": "按标准向家庭经济困难学生发放助学金。",
        "indicators": [
            ("产出指标", "数量指标", "资助学生人次", "≥1500人次"),
            ("产出指标", "时效指标", "资金发放及时率", "=100%"),
            ("效益指标", "社会效益指标", "因贫失学辍学人数", "=0人"),
        ],
    },
]


def family_f() -> Family:
    """Two pages of ordinary budget tables (no performance form), then one 绩效目标填报表 per page with a
    leading merged 绩效指标 column and an indicator header whose first cell is empty."""
    income = Table(width=4)
    income.rows.append([Cell(h) for h in ("收入项目", "预算数", "支出项目", "预算数")])
    for row in (
        ("一般公共预算拨款收入", "12,850.00", "教育支出", "13,120.00"),
        ("政府性基金预算拨款收入", "300.00", "社会保障和就业支出", "410.00"),
        ("事业收入", "380.00", "住房保障支出", "0.00"),
        ("收入总计", "13,530.00", "支出总计", "13,530.00"),
    ):
        income.rows.append([Cell(row[0]), num(row[1]), Cell(row[2]), num(row[3])])
    spending = Table(width=5)
    spending.rows.append([Cell(h) for h in ("科目编码", "科目名称", "合计", "基本支出", "项目支出")])
    for row in (
        ("205", "教育支出", "13,120.00", "11,200.00", "1,920.00"),
        ("2050201", "学前教育", "1,800.00", "1,650.00", "150.00"),
        ("2050202", "小学教育", "6,320.00", "5,400.00", "920.00"),
        ("2050203", "初中教育", "5,000.00", "4,150.00", "850.00"),
    ):
        spending.rows.append([Cell(row[0]), Cell(row[1]), *(num(v) for v in row[2:])])
    family = Family(
        "f",
        [
            Form(
                ["江川市教育局2025年部门收支总表", "单位：万元", income], (50, 30, 50, 30), sheet="收支总表"
            ),
            Form(
                ["江川市教育局2025年一般公共预算支出表", "单位：万元", spending],
                (24, 40, 26, 26, 26),
                sheet="支出表",
            ),
        ],
    )
    for n, s in enumerate(_F_PROJECTS, start=1):
        total, appropriation, other = s["money"]
        ind = s["indicators"]
        t = Table(width=6)
        t.rows.append([Cell("项目名称"), Cell(s["name"], colspan=5)])
        t.rows.append(
            [
                Cell("主管部门"),
                Cell(s["department"], colspan=2),
                Cell("实施单位"),
                Cell(s["implementer"], colspan=2),
            ]
        )
        t.rows.append([Cell("项目资金（万元）", rowspan=3), Cell("年度资金总额"), num(total, colspan=4)])
        t.rows.append([Cell("其中：当年财政拨款"), num(appropriation, colspan=4)])
        t.rows.append([Cell("其他资金"), num(other, colspan=4)])
        t.rows.append([Cell("年度目标"), Cell(s["goal"], colspan=5)])
        t.rows.append(
            [Cell(""), Cell("一级指标"), Cell("二级指标"), Cell("三级指标"), Cell("指标值", colspan=2)]
        )
        body = indicator_rows([(l1, l2, [Cell(name), Cell(tg, colspan=2)]) for l1, l2, name, tg in ind])
        body[0].insert(0, Cell("绩效指标", rowspan=len(ind)))
        t.rows.extend(body)
        family.forms.append(
            Form(["2025年项目支出绩效目标填报表", t], (20, 34, 30, 44, 28, 30), sheet=f"绩效目标{n}")
        )
        family.expected.append(
            {
                "kind": "declaration",
                "name": s["name"],
                "code": None,
                "department": s["department"],
                "implementer": s["implementer"],
                "budget": None,
                "funding": ("万元", None, None, None, _d(total), _d(appropriation), None, _d(other)),
                "total_score": None,
                "indicators": [
                    (l1, l2, name, expect_measure(tg), None, None, None, "") for l1, l2, name, tg in ind
                ],
            }
        )
    return family


def no_form() -> Family:
    """An indicator header with no rows under it and nothing that names a project: not a form.

    (A table with indicator rows but no project name is read, as a project whose coverage says the name is
    missing: tests/test_layouts.py test_indicator_rows_without_a_project_name_are_read_and_said_so.)
    """
    t = Table(width=4)
    t.rows.append([Cell(h) for h in ("一级指标", "二级指标", "三级指标", "指标值")])
    t.rows.append([Cell(h) for h in ("", "", "", "")])
    return Family("no-form", [Form(["绩效指标参考表", t], (30, 30, 40, 30), sheet="参考")])


# --- writers ---------------------------------------------------------------------------------------


def _placed(table: Table) -> list[tuple[int, int, Cell]]:
    return table.placed()


def _form_cells(form: Form) -> tuple[int, list[tuple[int, int, int, int, Cell]]]:
    """(height, [(first row, first col, last row, last col, cell)]) of one form, 1-based, titles merged wide."""
    width = max(b.width for b in form.blocks if isinstance(b, Table))
    out = []
    r = 1
    for block in form.blocks:
        if isinstance(block, str):
            out.append((r, 1, r, width, Cell(block)))
            r += 1
            continue
        for tr, tc, cell in _placed(block):
            out.append((r + tr, tc + 1, r + tr + cell.rowspan - 1, tc + cell.colspan, cell))
        r += len(block.rows)
    return r - 1, out


def write_xlsx(family: Family, path: Path) -> Path:
    """One sheet per form; figures stored as numbers under their format; merges as the spec says."""
    import openpyxl
    from openpyxl.styles import Alignment

    book = openpyxl.Workbook()
    book.remove(book.active)
    for form in family.forms:
        ws = book.create_sheet(form.sheet)
        _, cells = _form_cells(form)
        for r0, c0, r1, c1, cell in cells:
            target = ws.cell(row=r0, column=c0)
            if cell.number is not None:
                target.value = float(cell.number)
                target.number_format = cell.fmt
            elif cell.text:
                target.value = cell.text
                target.data_type = "s"  # "=100.00(%)" is a target, not a formula
                if "\n" in cell.text:
                    target.alignment = Alignment(wrap_text=True)
            if (r0, c0) != (r1, c1):
                ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
    book.save(path)
    return path


def write_docx(family: Family, path: Path) -> Path:
    """Title paragraphs and a bordered table with merged cells per form, a page break between forms."""
    import docx

    out = docx.Document()
    for n, form in enumerate(family.forms):
        if n:
            out.add_page_break()
        for block in form.blocks:
            if isinstance(block, str):
                out.add_paragraph(block)
                continue
            table = out.add_table(rows=len(block.rows), cols=block.width)
            table.style = "Table Grid"
            grid = [list(row.cells) for row in table.rows]
            for r, c, cell in _placed(block):
                target = grid[r][c]
                if cell.rowspan > 1 or cell.colspan > 1:
                    target = target.merge(grid[r + cell.rowspan - 1][c + cell.colspan - 1])
                target.text = cell.text  # a "\n" becomes a line break inside the cell
    out.save(str(path))
    return path


_PAGE_W, _PAGE_H, _MARGIN, _LINE_H, _PAD, _FONT_SIZE = 210.0, 297.0, 10.0, 3.0, 0.7, 6.5


def write_pdf(family: Family, path: Path, font: Path = CJK_FONT) -> Path:
    """One page per form: title lines, then each table with every cell a ruled rectangle."""
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.add_font("cjk", "", str(font))
    pdf.set_font("cjk", size=_FONT_SIZE)
    pdf.set_line_width(0.2)
    usable = _PAGE_W - 2 * _MARGIN
    for form in family.forms:
        pdf.add_page()
        y = _MARGIN
        for block in form.blocks:
            if isinstance(block, str):
                pdf.set_xy(_MARGIN, y)
                pdf.cell(usable, 5, block, align="C")
                y += 7
                continue
            scale = usable / sum(form.widths)
            xs = [_MARGIN]
            for w in form.widths:
                xs.append(xs[-1] + w * scale)
            y = _draw(pdf, block, xs, y)
            y += 6
    pdf.output(str(path))
    return path


def _draw(pdf: Any, table: Table, xs: list[float], y: float) -> float:
    placed = _placed(table)

    def lines(cell: Cell, c: int) -> int:
        if not cell.text:
            return 1
        return len(
            pdf.multi_cell(
                xs[c + cell.colspan] - xs[c] - 2 * _PAD, _LINE_H, cell.text, dry_run=True, output="LINES"
            )
        )

    heights = [0.0] * len(table.rows)
    for r, c, cell in sorted(placed, key=lambda p: p[2].rowspan):
        need = lines(cell, c) * _LINE_H + 2 * _PAD
        have = sum(heights[r : r + cell.rowspan])
        if need > have:
            heights[r + cell.rowspan - 1] += need - have
    tops = [y]
    for h in heights:
        tops.append(tops[-1] + h)
    if tops[-1] > _PAGE_H - _MARGIN:
        raise ValueError(
            f"table of {len(table.rows)} rows is {tops[-1] - y:.0f} mm tall: it does not fit the page"
        )
    for r, c, cell in placed:
        x0, x1 = xs[c], xs[c + cell.colspan]
        top, bottom = tops[r], tops[r + cell.rowspan]
        pdf.rect(x0, top, x1 - x0, bottom - top)
        if cell.text:
            pdf.set_xy(x0 + _PAD, top + _PAD)
            pdf.multi_cell(x1 - x0 - 2 * _PAD, _LINE_H, cell.text)
    return tops[-1]


WRITERS: dict[str, Callable[[Family, Path], Path]] = {
    "xlsx": write_xlsx,
    "docx": write_docx,
    "pdf": write_pdf,
}


# --- reading a file back without jixiao: the file holds what the spec says -------------------------


def _squash(text: str | None) -> str:
    return "".join((text or "").split())


def check_xlsx(family: Family, path: Path) -> None:
    import openpyxl

    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [f.sheet for f in family.forms]
    for form, ws in zip(family.forms, book.worksheets, strict=True):
        _, cells = _form_cells(form)
        merges = {(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges}
        assert merges == {(r0, c0, r1, c1) for r0, c0, r1, c1, _ in cells if (r0, c0) != (r1, c1)}
        for r0, c0, _, _, cell in cells:
            value = ws.cell(row=r0, column=c0).value
            if cell.number is not None:
                assert Decimal(str(value)) == Decimal(str(float(cell.number))), (r0, c0, value)
            else:
                assert (value or "") == cell.text, (r0, c0, value)


def check_docx(family: Family, path: Path) -> None:
    import docx

    document = docx.Document(str(path))
    tables = [b for f in family.forms for b in f.blocks if isinstance(b, Table)]
    assert len(document.tables) == len(tables)
    for spec, table in zip(tables, document.tables, strict=True):
        grid = [list(row.cells) for row in table.rows]
        assert len(grid) == len(spec.rows)
        for r, c, cell in _placed(spec):
            tc = grid[r][c]._tc
            assert grid[r][c].text == cell.text, (r, c, grid[r][c].text)
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    assert grid[r + dr][c + dc]._tc is tc, ("not merged", r, c, dr, dc)
            if c + cell.colspan < spec.width:
                assert grid[r][c + cell.colspan]._tc is not tc, ("merged too far", r, c)


def check_pdf(family: Family, path: Path) -> None:
    """Every form on its own page; each table found by its rules with each row's cell texts in order."""
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        assert len(pdf.pages) == len(family.forms)
        for form, page in zip(family.forms, pdf.pages, strict=True):
            found = page.find_tables()
            specs = [b for b in form.blocks if isinstance(b, Table)]
            assert len(found) == len(specs)
            for spec, table in zip(specs, found, strict=True):
                rows = table.extract()
                assert len(rows) == len(spec.rows), (len(rows), len(spec.rows))
                for r, row in enumerate(rows):
                    want = [_squash(cell.text) for rr, _, cell in _placed(spec) if rr == r and cell.text]
                    assert [_squash(t) for t in row if t] == want, (r, row)
            text = page.extract_text()
            for line in (b for b in form.blocks if isinstance(b, str)):
                assert line in text


CHECKS: dict[str, Callable[[Family, Path], None]] = {"xlsx": check_xlsx, "docx": check_docx, "pdf": check_pdf}
