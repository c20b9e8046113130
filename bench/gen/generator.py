"""The generator: seeded projects with their figures, goals and planted errors."""

from __future__ import annotations

import random
from decimal import ROUND_DOWN, Decimal
from typing import Any

from bench.gen.aspects import (
    ASPECTS,
    CATEGORIES,
    DATE_TARGETS_DECL,
    DATE_TARGETS_SELF,
    LEVEL1_OF,
    LEVEL_ORDER,
    NATURES,
    SHORTFALL_CAUSES,
    SHORTFALL_FIXES,
    VAGUE_TARGETS,
)
from bench.gen.numbers import budget_score, fmt, fmt_count, grade_of, rate_of
from bench.gen.records import GenIndicator, GenProject, Layout
from bench.gen.rules import NOTE_UNITS, PROJECT_RULES_SELF
from bench.gen.vocab import NAME_QUALIFIERS, NAME_SUFFIXES


class Generator:
    """Seeded: the same (seed, rate) yields the same files, byte for byte."""

    def __init__(self, seed: int = 7, rate: float = 0.05) -> None:
        self.rng = random.Random(seed)
        self.rate = rate

    # ------------------------------------------------------------------------- measures

    def _measure_texts(self, layout: Layout, op: str, value: int, unit: str, decimals: bool = True) -> str:
        number = fmt(value) if decimals else (str(value // 100) if value % 100 == 0 else fmt(value))
        if layout.unit_column:
            return f"{op}{number}"
        if layout.target_style == 1:
            return f"{op}{number}{unit}"
        if layout.target_style == 2:
            return f"{op} {number} ({unit})"
        return f"{op}{number}({unit})"

    def _actual_text(self, layout: Layout, value: int, unit: str) -> str:
        if layout.unit_column:
            return fmt(value)
        if layout.target_style == 1:
            return f"{fmt(value)}{unit}"
        return f"{fmt(value)}({unit})"

    def _indicator(
        self, aspect: dict[str, Any], item: str, year: int, layout: Layout, declaration: bool
    ) -> GenIndicator:
        rng = self.rng
        names = aspect["names"]
        template = rng.choice(names)
        name = template.format(item=item)
        level2 = aspect["level2"]
        level1 = LEVEL1_OF[level2]
        kind = aspect["kind"]
        if kind in ("qualitative", "date"):
            if kind == "date":
                target = rng.choice(DATE_TARGETS_DECL if declaration else DATE_TARGETS_SELF).format(year=year)
                actual = "达成指标"
            else:
                target = rng.choice(aspect["targets"])
                actual = rng.choice(aspect["actuals"])
            return GenIndicator(level1, level2, name, kind, None, None, target, actual, None, None)
        lo, hi = aspect["range"]
        decimals = rng.random() < 0.8
        if kind in ("percent", "percent_le"):
            unit = "%"
            if kind == "percent":
                target = rng.randint(lo, hi) * 100
                op = "≥"
                if target == 10000 or rng.random() < 0.15:
                    op, target = "=", 10000  # ≥100% is a target no one can exceed: the forms write =100
                # Met: at or above the target (exactly at it often: ≥95 vs 95 is met).
                actual = target if rng.random() < 0.5 else rng.randint(target, 10000)
            else:
                target = rng.randint(lo, hi) * 100
                op = "≤"
                actual = rng.randint(0, target)
        else:
            unit = aspect["unit"]
            target = rng.randint(lo, hi) * 100
            if kind == "cost_le":
                op = "≤"
                actual = rng.randint(target // 2 // 100, target // 100) * 100
            else:
                op = rng.choice(("≥", "≥", "≥", "=", ">"))
                if op == "=":
                    actual = target
                elif op == ">":
                    actual = rng.randint(target // 100 + 1, max(target // 100 + 1, target * 2 // 100)) * 100
                else:
                    actual = (
                        target if rng.random() < 0.6 else rng.randint(target // 100, target * 2 // 100) * 100
                    )
        target_text = self._measure_texts(layout, op, target, unit, decimals)
        actual_text = self._actual_text(layout, actual, unit)
        return GenIndicator(level1, level2, name, kind, unit, op, target_text, actual_text, target, actual)

    # ------------------------------------------------------------------------- weights

    def _weights(self, n: int, total: int) -> list[int]:
        """n weights in hundredths, multiples of 0.50, at least 1.00 each, summing to `total`.

        Drawn around an even share (the forms weigh indicators roughly alike), then fixed up by the
        largest remainders so they add up exactly.
        """
        halves = total // 50
        raw = [self.rng.randint(4, 10) for _ in range(n)]
        scale = halves / sum(raw)
        parts = [max(2, int(r * scale)) for r in raw]
        order = sorted(range(n), key=lambda i: raw[i] * scale - int(raw[i] * scale), reverse=True)
        i = 0
        while sum(parts) != halves:
            j = order[i % n]
            if sum(parts) < halves:
                parts[j] += 1
            elif parts[j] > 2:
                parts[j] -= 1
            i += 1
        return [p * 50 for p in parts]

    # ------------------------------------------------------------------------- projects

    def _project_name(self, domain: dict[str, Any], item: str, region: str, taken: set[str]) -> str:
        rng = self.rng
        for _ in range(20):
            name = item + rng.choice(NAME_SUFFIXES)
            if rng.random() < 0.25:
                name = region + name
            if rng.random() < 0.08:
                name += rng.choice(NAME_QUALIFIERS)
            if name not in taken:
                taken.add(name)
                return name
        n = 2
        while f"{name}{n}" in taken:
            n += 1
        taken.add(f"{name}{n}")
        return f"{name}{n}"

    def _aspects(self, n: int) -> list[dict[str, Any]]:
        rng = self.rng
        by_level: dict[str, list[dict[str, Any]]] = {}
        for a in ASPECTS:
            by_level.setdefault(a["level2"], []).append(a)
        # Every project has the template's categories (quantity, quality, timeliness, cost, an effect,
        # satisfaction); the rest varies.
        effects = [a for a in ASPECTS if LEVEL1_OF[a["level2"]] == "效益指标"]
        chosen = [
            rng.choice(by_level[lv])
            for lv in ("数量指标", "质量指标", "时效指标", "成本指标", "服务对象满意度指标")
        ]
        chosen.append(rng.choice(effects))
        pool = [a for a in ASPECTS]
        while len(chosen) < n:
            chosen.append(rng.choice(pool))
        chosen.sort(key=lambda a: LEVEL_ORDER.index(a["level2"]))
        return chosen

    def _goal_clauses(
        self, aspects: list[dict[str, Any]], items: list[str], indicators: list[GenIndicator], vision: str
    ) -> tuple[list[str], list[str]]:
        goals: list[str] = []
        done: list[str] = []
        seen: set[str] = set()
        for aspect, item, ind in zip(aspects, items, indicators, strict=True):
            g = aspect["goal"].format(item=item).replace("服务服务", "服务")
            if g in seen:
                continue
            seen.add(g)
            goals.append(g)
            n = (ind.actual_value or 0) // 100
            # Some outcomes state the figure (形成评估报告 5 份), others only that the work was done.
            template = aspect["done0"] if "done0" in aspect and self.rng.random() < 0.25 else aspect["done"]
            done.append(template.format(item=item, n=n).replace("服务服务", "服务"))
        goals.append(vision)
        done.append(f"{vision}取得积极成效")
        return goals[:6], done[:6]

    def project(
        self,
        document: str,
        kind: str,
        year: int,
        department: str,
        implementer: str,
        domain: dict[str, Any],
        region: str,
        layout: Layout,
        taken: set[str],
    ) -> GenProject:
        rng = self.rng
        declaration = kind == "declaration"
        main_item = rng.choice(domain["items"])
        name = self._project_name(domain, main_item, region, taken)
        n = rng.choice((6, 6, 7, 8, 8, 9, 10, 10, 11, 12, 13, 14, 15, 16, 18, 20, 24))
        aspects = self._aspects(n)
        # Most indicators speak of the project's own work item, a few of a neighbouring one.
        items = [main_item if rng.random() < 0.8 else rng.choice(domain["items"]) for _ in aspects]
        indicators: list[GenIndicator] = []
        names_seen: set[str] = set()
        for aspect, item in zip(aspects, items, strict=True):
            ind = self._indicator(aspect, item, year, layout, declaration)
            if ind.name in names_seen:  # one indicator name per project: truth is keyed on it
                ind.name = (
                    f"{item}{ind.name}"
                    if not ind.name.startswith(item)
                    else f"{ind.name}（{len(names_seen)}）"
                )
                if ind.name in names_seen:
                    ind.name = f"{ind.name}（{len(names_seen)}）"
            names_seen.add(ind.name)
            indicators.append(ind)
        p = GenProject(name, kind, document, year, department, implementer, indicators, {})
        if declaration:
            self._declaration_figures(p, layout)
        else:
            self._self_evaluation_figures(p, layout)
        # Goals last: the outcome clauses quote the (possibly planted) actual figures.
        expected, achieved = self._goal_clauses(aspects, items, indicators, rng.choice(domain["vision"]))
        if declaration:
            p.goals = {
                "overall": expected,
                "annual": expected if rng.random() < 0.6 else expected[: max(2, len(expected) - 1)],
            }
        else:
            p.goals = {"expected": expected, "achieved": achieved}
        return p

    def _self_evaluation_figures(self, p: GenProject, layout: Layout) -> None:
        """Weights, scores, notes, plants, the budget lines and the total of a 自评表 project."""
        self._weigh(p)
        self._plant_indicators(p, layout)
        excess = sum(max(0, i.score - i.weight) for i in p.indicators)
        planned, adjusted, spent, lines = self._spending(excess)
        project_rule, weight, bscore = self._self_evaluation_budget(
            p, layout, planned, adjusted, spent, lines
        )
        self._self_evaluation_total(p, project_rule, weight, bscore)

    def _weigh(self, p: GenProject) -> None:
        """Weights summing to 90 (the budget line weighs the other 10), full scores, consistent notes."""
        rng = self.rng
        weights = self._weights(len(p.indicators), 9000)
        for ind, w in zip(p.indicators, weights, strict=True):
            ind.weight = w
            ind.score = w
            # Exceeded counts sometimes carry a consistent note (实际完成 N 份，超计划完成).
            exceeded = (ind.actual_value or 0) > (ind.target_value or 0)
            if (
                ind.kind == "count"
                and ind.op in ("≥", ">")
                and ind.unit in NOTE_UNITS
                and exceeded
                and rng.random() < 0.3
            ):
                ind.note = f"实际完成{fmt_count(ind.actual_value)}{ind.unit}，超计划完成"

    def _plant_indicators(self, p: GenProject, layout: Layout) -> None:
        """Indicator-level plants on a share `rate` of the rows."""
        rng = self.rng
        exceed_planted = False
        for ind in p.indicators:
            if rng.random() >= self.rate:
                continue
            options = []
            if ind.kind in ("count", "percent") and ind.op in ("≥", "=") and (ind.target_value or 0) >= 200:
                options += ["target-not-met", "target-not-met"]
            if not exceed_planted:
                options.append("score-exceeds-weight")
            if ind.kind == "count" and ind.op in ("≥", ">") and ind.unit in NOTE_UNITS:
                options.append("note-contradicts-value")
            if not options:
                continue
            rule = rng.choice(options)
            if rule == "target-not-met":
                self._plant_shortfall(p, ind, layout)
            elif rule == "score-exceeds-weight":
                exceed_planted = True
                extra = rng.choice((20, 30, 50))
                ind.score = ind.weight + extra
                ind.planted = rule
                p.planted.append((ind.name, rule, f"得分 {fmt(ind.score)} 高于分值 {fmt(ind.weight)}"))
                if ind.actual_text == "达成指标":  # above the full-marks band of a met result, too
                    p.planted.append(
                        (
                            ind.name,
                            "score-out-of-band",
                            f"达成指标得分 {fmt(ind.score)} 高于满分 {fmt(ind.weight)}",
                        )
                    )
            else:
                self._plant_contradicting_note(p, ind, layout)

    def _spending(self, excess: int) -> tuple[int, int, int, dict[str, tuple[int, int, int]]]:
        """Planned, adjusted and spent budget (hundredths of 万元) and its lines; `excess`: scores above weights."""
        rng = self.rng
        # Budget: clean rates stay at or above 90% and adjustments below the 20% cut a reviewer flags.
        planned = rng.choice(
            (rng.randint(500, 20000), rng.randint(2000, 400000), rng.randint(20000, 3000000))
        )
        adjusted = planned if rng.random() < 0.6 else planned * rng.randint(85, 100) // 100
        max_rate = 10000 - excess * 10  # keep 总分 ≤ 100 when a score exceeds its weight
        lo_rate = 9050 if max_rate > 9050 else 9000
        rate_target = rng.randint(lo_rate, max(lo_rate, max_rate)) if rng.random() < 0.7 else max_rate
        spent = adjusted * rate_target // 10000
        while spent > 0 and budget_score(1000, rate_of(spent, adjusted)) > 1000 - excess:
            spent -= 1
        carry_share = 0 if rng.random() < 0.8 else rng.randint(5, 30)
        carry_adj = adjusted * carry_share // 100
        carry_planned = carry_adj
        carry_spent = min(carry_adj, spent * carry_share // 100)
        lines = {
            "total": (planned, adjusted, spent),
            "appropriation": (planned - carry_planned, adjusted - carry_adj, spent - carry_spent),
            "carryover": (carry_planned, carry_adj, carry_spent),
            "other": (0, 0, 0),
        }
        return planned, adjusted, spent, lines

    def _self_evaluation_budget(
        self,
        p: GenProject,
        layout: Layout,
        planned: int,
        adjusted: int,
        spent: int,
        lines: dict[str, tuple[int, int, int]],
    ) -> tuple[str | None, int, int]:
        """The budget row (a misprinted rate planted on some projects): the project-level rule, weight, score."""
        rng = self.rng
        rate = rate_of(spent, adjusted)
        printed_rate = rate
        project_rule = None
        if rng.random() < self.rate:
            project_rule = rng.choice(PROJECT_RULES_SELF)
        if project_rule == "execution-rate-mismatch":
            delta = rng.choice((-300, -150, -80, 80, 150))
            if rate + delta < 9000 or rate + delta > 10000:
                delta = -delta  # stay within 90%-100%: a low rate is a finding of its own
            printed_rate = rate + delta
            p.planted.append(
                (
                    None,
                    project_rule,
                    f"执行率 {fmt(printed_rate)} 与 {fmt(spent)}/{fmt(adjusted)} = {fmt(rate)} 不符",
                )
            )
        weight = 1000
        bscore = budget_score(weight, printed_rate)
        p.budget = {
            "unit": layout.money_unit,
            "planned": planned,
            "adjusted": adjusted,
            "spent": spent,
            "weight": weight,
            "rate": printed_rate,
            "true_rate": rate,
            "score": bscore,
            "lines": lines,
        }
        return project_rule, weight, bscore

    def _self_evaluation_total(
        self, p: GenProject, project_rule: str | None, weight: int, bscore: int
    ) -> None:
        """总分 (misprinted on some projects) and 评分等级."""
        rng = self.rng
        total = bscore + sum(i.score for i in p.indicators)
        printed_total = total
        if project_rule == "total-mismatch":
            delta = rng.choice((50, 100, 200, 300, 500))
            printed_total = (
                total - delta
                if total - delta >= 0 and (total + delta > 10000 or rng.random() < 0.5)
                else total + delta
            )
            p.planted.append(
                (None, project_rule, f"总分 {fmt(printed_total)} 与分项得分合计 {fmt(total)} 不符")
            )
        p.total_weight = weight + sum(i.weight for i in p.indicators)
        p.total_score = printed_total
        p.grade = grade_of(printed_total)

    def _plant_shortfall(self, p: GenProject, ind: GenIndicator, layout: Layout) -> None:
        rng = self.rng
        target = ind.target_value or 0
        # At most 97% of the target, so the proportional score stays clearly below the weight.
        if ind.kind == "percent":
            actual = max(0, target - rng.randint(3, 15) * 100 - rng.choice((0, 50)))
        else:
            actual = rng.randint(0, target * 97 // 100 // 100) * 100
        ind.actual_value = actual
        ind.actual_text = self._actual_text(layout, actual, ind.unit or "")
        # Proportional scoring (Settings.scoring_formula): weight × actual / target, truncated.
        ind.score = int(
            (Decimal(ind.weight) * Decimal(actual) / Decimal(target)).to_integral_value(rounding=ROUND_DOWN)
        )
        with_note = rng.random() < 0.6
        ind.note = (
            f"{rng.choice(SHORTFALL_CAUSES)}，{ind.name}未达到年度目标，{rng.choice(SHORTFALL_FIXES)}"
            if with_note
            else ""
        )
        ind.planted = "target-not-met"
        why = "有偏差说明" if with_note else "无偏差说明"
        p.planted.append((ind.name, "target-not-met", f"{ind.target_text} 实际 {ind.actual_text}，{why}"))
        if not with_note:
            p.planted.append(
                (ind.name, "deviation-unexplained", f"未达成目标（{ind.actual_text}），偏差原因为空")
            )

    def _plant_contradicting_note(self, p: GenProject, ind: GenIndicator, layout: Layout) -> None:
        rng = self.rng
        actual = ind.actual_value or 0
        claimed = actual + rng.randint(1, max(1, actual // 100 // 2 + 1)) * 100
        ind.note = f"实际完成{fmt_count(claimed)}{ind.unit}，超计划完成"
        ind.planted = "note-contradicts-value"
        p.planted.append(
            (
                ind.name,
                "note-contradicts-value",
                f"实际完成值 {ind.actual_text}，说明写 {fmt_count(claimed)}{ind.unit}",
            )
        )

    def _declaration_figures(self, p: GenProject, layout: Layout) -> None:
        rng = self.rng
        for ind in p.indicators:
            if rng.random() < self.rate:
                ind.target_text = rng.choice(VAGUE_TARGETS)
                ind.kind = "vague"
                ind.op = None
                ind.target_value = None
                ind.unit = None
                ind.planted = "vague-target"
                p.planted.append((ind.name, "vague-target", f"指标值“{ind.target_text}”无法在年末衡量"))
        # Money in 元 (hundredths of a yuan), whole thousands as the forms mostly have.
        appropriation = rng.randint(50, 20000) * 1000 * 100
        carryover = 0 if rng.random() < 0.85 else rng.randint(10, 500) * 1000 * 100
        annual_other = 0 if rng.random() < 0.9 else rng.randint(10, 500) * 1000 * 100
        annual = appropriation + carryover + annual_other
        printed_annual = annual
        if rng.random() < self.rate:
            delta = rng.choice((10000, 50000, 100000, 1000000)) * 100
            printed_annual = annual + delta if rng.random() < 0.5 else max(0, annual - delta)
            p.planted.append(
                (
                    None,
                    "funding-mismatch",
                    f"年度资金申请总额 {fmt(printed_annual)} 与分项合计 {fmt(annual)} 不符",
                )
            )
        if layout.markup:
            p.planted.append((None, "markup-residue", "目标文本残留 <p> 标记"))
        fiscal = appropriation + carryover
        other = annual_other
        p.funding = {
            "unit": layout.money_unit,
            "total": fiscal + other,
            "fiscal": fiscal,
            "other": other,
            "annual_request": printed_annual,
            "appropriation": appropriation,
            "carryover": carryover,
            "annual_other": annual_other,
            "nature": rng.choice(NATURES),
            "category": rng.choice(CATEGORIES),
            "start_date": f"{p.year}-01-01",
            "end_date": f"{p.year}-12-31",
        }
