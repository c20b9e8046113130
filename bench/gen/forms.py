"""Rendering: the text layout of the samples (tab-separated rows, title lines, merged cells)."""

from __future__ import annotations

import random

from bench.gen.aspects import LEVEL1_OF
from bench.gen.numbers import fmt, rate_of
from bench.gen.records import GenProject, Layout


def _money(layout: Layout, hundredths_wan: int) -> str:
    """A self-evaluation figure kept in hundredths of 万元, printed in the document's unit."""
    if layout.money_unit == "元":
        return fmt(hundredths_wan * 10000, layout.commas)
    return fmt(hundredths_wan, layout.commas)


def _yuan(layout: Layout, hundredths_yuan: int) -> str:
    """A declaration figure kept in hundredths of 元, printed in the document's unit."""
    if layout.money_unit == "万元":
        return fmt(hundredths_yuan // 10000, layout.commas)
    return fmt(hundredths_yuan, layout.commas)


def _label(text: str, layout: Layout) -> str:
    if not layout.spaced_labels:
        return text
    # PDF extraction breaks 产出指标 into 产出 指标; 服务对象满意度指标 into 服务对象 满意度 指标.
    if text.endswith("指标") and len(text) > 2:
        head = text[:-2]
        if len(head) > 4:
            return f"{head[:4]} {head[4:]} 指标"
        return f"{head} 指标"
    return text


def _goal_text(clauses: list[str], style: int, layout: Layout) -> str:
    if style == 0:
        text = "；".join(clauses) + "。"
    elif style == 1:
        text = "".join(f"{i}、{c}；" for i, c in enumerate(clauses, 1)).rstrip("；") + "。"
    else:
        numerals = "一二三四五六七八九十"
        text = " ".join(f"（{numerals[i]}）{c}；" for i, c in enumerate(clauses)).rstrip("；") + "。"
    return f"<p>{text}</p>" if layout.markup else text


def render_self_evaluation(p: GenProject, layout: Layout, rng: random.Random) -> list[str]:
    b = p.budget or {}
    lines = [
        "财政项目支出绩效自评表",
        "",
        f"({p.year} 年度)" if rng.random() < 0.7 else f"({p.year}年度)",
        "",
    ]
    gap = "\t" if layout.name_gap else ""
    lines.append(f"项目名称\t{gap}{p.name}\t\t\t\t\t")
    lines.append(f"主管部门\t{gap}{p.department}\t\t实施单位\t{gap}{p.implementer}\t")
    weight_col = "分数" if layout.weight_header == "分值" else layout.weight_header
    lines.append(
        f"项目资金 ({layout.money_unit})\t\t年初预算数\t全年预算数\t全年执行数\t{weight_col}\t执行率(%)\t得分"
    )
    labels = {
        "total": "年度资金总额:",
        "appropriation": "其中: 当年财政拨款",
        "carryover": "上年结转资金",
        "other": "其他资金",
    }
    for key, (planned, adjusted, spent) in b["lines"].items():
        if key == "total":
            rate, weight, score = b["rate"], fmt(b["weight"]), fmt(b["score"])
        else:
            rate = rate_of(spent, adjusted)
            # A sub-line with the total's figures shows the total's (possibly misprinted) rate.
            if (planned, adjusted, spent) == b["lines"]["total"]:
                rate = b["rate"]
            weight, score = "-", "-"
        lines.append(
            f"\t{labels[key]}\t{_money(layout, planned)}\t{_money(layout, adjusted)}\t{_money(layout, spent)}\t{weight}\t{fmt(rate)}\t{score}"
        )
    style = rng.randint(0, 2)
    lines.append(
        "年度 总体 目标\t预期目标\t\t\t实际完成情况\t\t\t"
        if layout.spaced_labels
        else "年度总体目标\t预期目标\t\t\t实际完成情况\t\t\t"
    )
    lines.append(
        f"\t{_goal_text(p.goals['expected'], style, layout)}\t\t\t{_goal_text(p.goals['achieved'], style, layout)}\t\t\t"
    )
    head = [_label("一级指标", layout), _label("二级指标", layout), "三级指标"]
    if layout.unit_column:
        head.append("度量单位")
    head += [layout.target_header, layout.actual_header, layout.weight_header, "得分", layout.note_header]
    lines.append("\t".join(head))
    prev1 = prev2 = None
    for ind in p.indicators:
        l1 = _label(ind.level1, layout) if ind.level1 != prev1 else ""
        l2 = _label(ind.level2, layout) if (ind.level2, ind.level1) != (prev2, prev1) else ""
        prev1, prev2 = ind.level1, ind.level2
        cells = [ind.name]
        if layout.unit_column:
            cells.append(ind.unit or "/")
        cells += [ind.target_text, ind.actual_text, fmt(ind.weight), fmt(ind.score), ind.note]
        # A name that is itself the start of a template label (服务对象满意度) cannot lose its leading cells:
        # a reader could not tell it from a broken 二级指标 cell either.
        ambiguous = any(label.startswith(ind.name) for label in LEVEL1_OF)
        if not l1 and not l2 and not ambiguous and rng.random() < layout.drop_leading:
            lines.append("\t".join(cells))  # the merged leading cells lost, as PDF text often has it
        else:
            lines.append("\t".join([l1, l2, *cells]))
    pad = "\t" * (4 if layout.unit_column else 3)
    lines.append(f"总分\t\t{pad}{fmt(p.total_weight or 0)}\t{fmt(p.total_score or 0)}\t")
    lines.append(f"评分等级\t{gap}{p.grade}\t\t\t\t\t")
    lines.append("")
    return lines


def render_declaration(p: GenProject, layout: Layout, rng: random.Random) -> list[str]:
    f = p.funding or {}
    lines = [
        "财政项目支出绩效目标申报表",
        "",
        f"({p.year}年度)" if rng.random() < 0.7 else f"({p.year} 年度)",
        "",
    ]
    lines.append(f"项目名称\t{p.name}\t项目性质\t{f['nature']}\t项目类别\t{f['category']}")
    lines.append(f"主管部门\t{p.department}\t实施单位\t{p.implementer}\t\t")
    lines.append(f"计划开始日期\t{f['start_date']}\t计划完成日期\t{f['end_date']}\t\t")
    left_total = _yuan(layout, f["total"]) if layout.fill_project_total else ""
    left_fiscal = _yuan(layout, f["fiscal"]) if layout.fill_project_total else ""
    left_other = _yuan(layout, f["other"]) if layout.fill_project_total else ""
    lines.append(
        f"项目资金 ({layout.money_unit})\t项目资金总额\t{left_total}\t年度资金申请总额\t{_yuan(layout, f['annual_request'])}\t"
    )
    lines.append(
        f"\t其中：财政资金\t{left_fiscal}\t其中：当年财政拨款\t{_yuan(layout, f['appropriation'])}\t"
    )
    lines.append(f"\t\t\t上年结转资金\t{_yuan(layout, f['carryover'])}\t")
    lines.append(f"\t其他资金\t{left_other}\t其他资金\t{_yuan(layout, f['annual_other'])}\t")
    style = rng.randint(0, 2)
    lines.append(
        "项目 绩效 目标\t项目总目标\t\t年度总体目标\t\t"
        if layout.spaced_labels
        else "项目绩效目标\t项目总目标\t\t年度总体目标\t\t"
    )
    lines.append(
        f"\t{_goal_text(p.goals['overall'], style, layout)}\t\t{_goal_text(p.goals['annual'], style, layout)}\t\t"
    )
    head = ["", "一级指标", "二级指标", "三级指标"]
    if layout.unit_column:
        head.append("度量单位")
    head.append("年度(/项目)指标值" if layout.target_header == "年度指标值" else layout.target_header)
    lines.append("\t".join(head))
    prev1 = prev2 = None
    first = True
    for ind in p.indicators:
        l1 = ind.level1 if ind.level1 != prev1 else ""
        l2 = ind.level2 if (ind.level2, ind.level1) != (prev2, prev1) else ""
        prev1, prev2 = ind.level1, ind.level2
        lead = ("绩效 指标" if layout.spaced_labels else "绩效指标") if first else ""
        first = False
        cells = [lead, l1, l2, ind.name]
        if layout.unit_column:
            cells.append(ind.unit or "/")
        cells.append(ind.target_text)
        lines.append("\t".join(cells))
    lines.append("")
    return lines
