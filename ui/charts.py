"""The overview's SVG charts: Pareto by rule, units ranked, 执行率 histogram, funds against 总分."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from corpus.model import Document, Finding
from corpus.units import WAN
from qa.labels import rule_description, rule_title
from qa.report import SEVERITY_LABELS, SEVERITY_ORDER
from qa.verdict import STATUS_ERRORS, STATUS_OK, STATUS_REVIEW, STATUS_UNREAD, ProjectVerdict
from ui.format import UNIT_MISSING, esc, execution_rate, fmt_number, funds_yuan, project_key
from ui.tables import FindingView

STATUS_CLASSES = {STATUS_OK: "jx-ok", STATUS_REVIEW: "jx-review", STATUS_ERRORS: "jx-bad", STATUS_UNREAD: "jx-unscored"}
# Worst last; a project not read whole is listed first: nothing is known of what was not read.
STATUS_RANK = {STATUS_OK: 0, STATUS_REVIEW: 1, STATUS_ERRORS: 2, STATUS_UNREAD: 3}
STATUS_COLORS = {STATUS_OK: "#16a34a", STATUS_REVIEW: "#d97706", STATUS_ERRORS: "#dc2626", STATUS_UNREAD: "#6b7280"}
SEVERITY_COLORS = {"error": "#dc2626", "warning": "#d97706", "info": "#2563eb"}
# Upper edges of the 执行率 bins (percent); the last bin holds 100% and above.
EXECUTION_EDGES = (60, 70, 80, 90, 95, 100)


# Wires the clickable parts of an overview chart (`.jx-pick` with data-kind / data-value) to the
# component's "pick" event; the listener sits on the component, so it survives re-renders.
PICK_JS = """
element.addEventListener('click', (event) => {
  const el = event.target.closest('.jx-pick');
  if (!el || !element.contains(el)) return;
  trigger('pick', {kind: el.dataset.kind, value: el.dataset.value});
});
element.addEventListener('keydown', (event) => {
  const el = event.target.closest('.jx-pick');
  if (!el || (event.key !== 'Enter' && event.key !== ' ')) return;
  event.preventDefault();
  trigger('pick', {kind: el.dataset.kind, value: el.dataset.value});
});
"""


@dataclass(frozen=True)
class ParetoBar:
    rule: str
    count: int
    cumulative: Decimal  # percent of all findings, this bar and those before it


def pareto(findings: Sequence[Finding]) -> list[ParetoBar]:
    """Findings per rule, most frequent first (ties by rule name), with the cumulative share."""
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.rule] = counts.get(f.rule, 0) + 1
    total = sum(counts.values())
    bars, running = [], 0
    for rule, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        running += n
        bars.append(ParetoBar(rule, n, (Decimal(running) * 100 / total).quantize(Decimal("0.1"), ROUND_HALF_UP)))
    return bars


def _pick(kind: str, value: str, title: str) -> str:
    return (f"class='jx-pick' data-kind='{esc(kind)}' data-value='{esc(value)}' role='button' tabindex='0'"
            f" aria-label='{esc(title)}'")


def _svg(width: int, height: int, body: str, label: str) -> str:
    return (f"<svg class='jx-svg' viewBox='0 0 {width} {height}' width='100%' role='img' aria-label='{esc(label)}'"
            f" xmlns='http://www.w3.org/2000/svg'>{body}</svg>")


def pareto_html(bars: Sequence[ParetoBar]) -> str:
    """A Pareto chart (bars by rule, sorted, with the cumulative % line); each bar filters the findings."""
    if not bars:
        return "<div class='jx-muted'>范围内没有发现问题。</div>"
    width, height, left, right, top, bottom = 960, 340, 120, 48, 20, 130
    plot_w, plot_h = width - left - right, height - top - bottom
    top_count = max(b.count for b in bars)
    band = plot_w / len(bars)
    parts = [
        f"<line x1='{left}' y1='{top + plot_h}' x2='{left + plot_w}' y2='{top + plot_h}' class='jx-axis'/>",
        f"<text x='{left - 6}' y='{top + plot_h}' class='jx-tick' text-anchor='end'>0</text>",
        f"<text x='{left - 6}' y='{top + 10}' class='jx-tick' text-anchor='end'>{top_count}</text>",
    ]
    for pct in (0, 50, 80, 100):
        y = top + plot_h - plot_h * pct / 100
        parts.append(f"<text x='{left + plot_w + 6}' y='{y + 4:.1f}' class='jx-tick'>{pct}%</text>")
    y80 = top + plot_h * 0.2
    parts.append(f"<line x1='{left}' y1='{y80:.1f}' x2='{left + plot_w}' y2='{y80:.1f}' class='jx-guide'/>")
    points = []
    for i, b in enumerate(bars):
        cx = left + band * (i + 0.5)
        h = plot_h * b.count / top_count
        bw = band * 0.7
        name = rule_title(b.rule)
        title = f"{name}：{b.count} 条（累计 {b.cumulative}%）{rule_description(b.rule)}"
        parts.append(
            f"<g {_pick('rule', b.rule, title)}><title>{esc(title)}</title>"
            f"<rect x='{cx - bw / 2:.1f}' y='{top + plot_h - h:.1f}' width='{bw:.1f}' height='{h:.1f}'"
            f" class='jx-svg-bar' data-rule='{esc(b.rule)}' data-count='{b.count}'/>"
            f"<text x='{cx:.1f}' y='{top + plot_h - h - 4:.1f}' class='jx-count' text-anchor='middle'>{b.count}</text>"
            f"<text x='{cx:.1f}' y='{top + plot_h + 12}' class='jx-tick' text-anchor='end'"
            f" transform='rotate(-40 {cx:.1f} {top + plot_h + 12})'>{esc(name)}</text></g>"
        )
        points.append(f"{cx:.1f},{top + plot_h - plot_h * float(b.cumulative) / 100:.1f}")
    parts.append(f"<polyline points='{' '.join(points)}' class='jx-cumulative'/>")
    parts += [f"<circle cx='{p.split(',')[0]}' cy='{p.split(',')[1]}' r='3' class='jx-cumulative-dot'/>" for p in points]
    return (
        "<h4>问题按规则分布（帕累托图，点击柱子查看该规则的问题）</h4>"
        + _svg(width, height, "".join(parts), "问题按规则分布")
        + "<div class='jx-legend'><span class='jx-key jx-key-bar'></span>问题条数 "
        "<span class='jx-key jx-key-line'></span>累计占比（虚线为 80%）</div>"
    )


@dataclass(frozen=True)
class UnitCount:
    """Findings of one 主管部门 or 实施单位, by severity."""

    name: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def unit_ranking(finding_views: Sequence[FindingView], by: str) -> list[UnitCount]:
    """主管部门 (`by="department"`) or 实施单位 (`by="implementer"`) ranked by errors, then warnings, then
    all findings; a finding without the unit counts under UNIT_MISSING."""
    counts: dict[str, dict[str, int]] = {}
    for v in finding_views:
        name = getattr(v, by) or UNIT_MISSING
        c = counts.setdefault(name, {s: 0 for s in SEVERITY_ORDER})
        c[v.finding.severity] = c.get(v.finding.severity, 0) + 1
    units = [UnitCount(name, c) for name, c in counts.items()]
    return sorted(units, key=lambda u: (-u.counts.get("error", 0), -u.counts.get("warning", 0), -u.total, u.name))


def ranking_html(title: str, kind: str, units: Sequence[UnitCount]) -> str:
    """Units as horizontal bars split by severity, the worst first; each row filters the findings."""
    if not units:
        return f"<h4>{esc(title)}</h4><div class='jx-muted'>范围内没有发现问题。</div>"
    top = max(u.total for u in units)
    rows = []
    for rank, u in enumerate(units, 1):
        segments = "".join(
            f"<span class='jx-seg jx-seg-{s}' style='width:{u.counts.get(s, 0) / top * 100:.1f}%'></span>"
            for s in SEVERITY_ORDER
            if u.counts.get(s, 0)
        )
        counts = "、".join(f"{SEVERITY_LABELS[s]} {u.counts.get(s, 0)}" for s in SEVERITY_ORDER)
        label = f"{u.name}：{counts}"
        rows.append(
            f"<div {_pick(kind, u.name, label)}><div class='jx-rank'><span class='jx-rank-no'>{rank}</span>"
            f"<span class='jx-rank-name' title='{esc(u.name)}'>{esc(u.name)}</span>"
            f"<span class='jx-rank-bar'>{segments}</span><span class='jx-rank-count'>{esc(counts)}</span></div></div>"
        )
    return f"<h4>{esc(title)}</h4>" + "".join(rows)


@dataclass(frozen=True)
class ExecutionBin:
    label: str
    projects: tuple[tuple[str, str, Decimal], ...]  # (project_key, name, 执行率)


def execution_bins(documents: Sequence[Document]) -> list[ExecutionBin]:
    """The self-evaluated projects by 执行率: below 60%, 10-point bins to 90%, 90–95%, 95–100%, 100% and above."""
    labels = [f"<{EXECUTION_EDGES[0]}%"]
    labels += [f"{a}–{b}%" for a, b in zip(EXECUTION_EDGES, EXECUTION_EDGES[1:], strict=False)]
    labels.append(f"≥{EXECUTION_EDGES[-1]}%")
    members: list[list[tuple[str, str, Decimal]]] = [[] for _ in labels]
    for d in documents:
        for p in d.projects:
            rate = execution_rate(p)
            if rate is None:
                continue
            at = next((i for i, edge in enumerate(EXECUTION_EDGES) if rate < edge), len(EXECUTION_EDGES))
            members[at].append((project_key(d.name, p.name), p.name, rate))
    return [ExecutionBin(label, tuple(m)) for label, m in zip(labels, members, strict=True)]


def histogram_html(bins: Sequence[ExecutionBin], threshold: Decimal) -> str:
    """执行率 distribution as bars of project counts; a bar filters the findings to its projects."""
    total = sum(len(b.projects) for b in bins)
    if not total:
        return "<h4>预算执行率分布</h4><div class='jx-muted'>范围内没有自评表项目。</div>"
    width, height, left, top, bottom = 440, 260, 30, 20, 40
    plot_w, plot_h = width - left - 10, height - top - bottom
    band = plot_w / len(bins)
    most = max(len(b.projects) for b in bins)
    parts = [f"<line x1='{left}' y1='{top + plot_h}' x2='{left + plot_w}' y2='{top + plot_h}' class='jx-axis'/>"]
    for i, b in enumerate(bins):
        cx = left + band * (i + 0.5)
        n = len(b.projects)
        h = plot_h * n / most
        low = any(rate < threshold for _, _, rate in b.projects)
        names = "、".join(name for _, name, _ in b.projects)
        title = f"执行率 {b.label}：{n} 个项目{('：' + names) if names else ''}"
        bar = (f"<rect x='{cx - band * 0.4:.1f}' y='{top + plot_h - h:.1f}' width='{band * 0.8:.1f}' height='{h:.1f}'"
               f" class='jx-svg-bar{' jx-svg-low' if low else ''}'/>")
        text = (f"<text x='{cx:.1f}' y='{top + plot_h - h - 4:.1f}' class='jx-count' text-anchor='middle'>{n}</text>"
                f"<text x='{cx:.1f}' y='{top + plot_h + 16}' class='jx-tick' text-anchor='middle'>{esc(b.label)}</text>")
        if n:
            keys = json.dumps([k for k, _, _ in b.projects], ensure_ascii=False)
            parts.append(f"<g {_pick('projects', keys, title)}><title>{esc(title)}</title>{bar}{text}</g>")
        else:
            parts.append(f"<g><title>{esc(title)}</title>{text}</g>")
    return (f"<h4>预算执行率分布（{total} 个自评项目；红色含低于 {fmt_number(threshold)}% 的项目）</h4>"
            + _svg(width, height, "".join(parts), "预算执行率分布"))


@dataclass(frozen=True)
class ScatterPoint:
    key: str
    project: str
    document: str
    funds_wan: Decimal
    score: Decimal
    status: str  # verdict status, "" while the checks run


def scatter_points(documents: Sequence[Document], verdicts: Sequence[ProjectVerdict] | None) -> list[ScatterPoint]:
    """Funds (万元) against 总分, per self-evaluated project that has both."""
    status = {project_key(v.document, v.project): v.status for v in verdicts or ()}
    out = []
    for d in documents:
        for p in d.projects:
            funds = funds_yuan(p)
            if funds is None or p.total_score is None:
                continue
            key = project_key(d.name, p.name)
            out.append(ScatterPoint(key, p.name, d.name, funds / WAN, p.total_score, status.get(key, "")))
    return out


def scatter_html(points: Sequence[ScatterPoint]) -> str:
    """Funds (万元, log scale when they span more than 20×) against 总分; a point filters to its project."""
    if not points:
        return "<h4>资金与自评总分</h4><div class='jx-muted'>范围内没有同时填有资金和总分的项目。</div>"
    import math

    width, height, left, right, top, bottom = 440, 260, 44, 14, 20, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    xs = [float(p.funds_wan) for p in points]
    ys = [float(p.score) for p in points]
    positive = min(xs) > 0
    log = positive and max(xs) / min(xs) > 20

    def fx(v: float) -> float:
        lo, hi = (math.log10(min(xs)), math.log10(max(xs))) if log else (0.0, max(xs))
        at = math.log10(v) if log else v
        return left + (plot_w * (at - lo) / (hi - lo) if hi > lo else plot_w / 2)

    y_lo, y_hi = math.floor(min(ys)) - 1, max(100.0, math.ceil(max(ys)))

    def fy(v: float) -> float:
        return top + plot_h - plot_h * (v - y_lo) / (y_hi - y_lo)

    parts = [
        f"<line x1='{left}' y1='{top + plot_h}' x2='{left + plot_w}' y2='{top + plot_h}' class='jx-axis'/>",
        f"<line x1='{left}' y1='{top}' x2='{left}' y2='{top + plot_h}' class='jx-axis'/>",
        f"<text x='{left - 4}' y='{fy(y_hi) + 4:.1f}' class='jx-tick' text-anchor='end'>{y_hi:g}</text>",
        f"<text x='{left - 4}' y='{fy(y_lo):.1f}' class='jx-tick' text-anchor='end'>{y_lo:g}</text>",
        f"<text x='{left}' y='{top + plot_h + 16}' class='jx-tick'>{min(xs):,.2f}</text>",
        f"<text x='{left + plot_w}' y='{top + plot_h + 16}' class='jx-tick' text-anchor='end'>{max(xs):,.2f}</text>",
        f"<text x='{left + plot_w / 2}' y='{height - 4}' class='jx-tick' text-anchor='middle'>"
        f"资金（万元{'，对数刻度' if log else ''}）</text>",
    ]
    for p, x, y in zip(points, xs, ys, strict=True):
        color = STATUS_COLORS.get(p.status, "#6b7280")
        title = f"{p.project}（{p.document}）：资金 {fmt_number(p.funds_wan)} 万元，总分 {fmt_number(p.score)}，{p.status or '核查中'}"
        keys = json.dumps([p.key], ensure_ascii=False)
        parts.append(
            f"<g {_pick('projects', keys, title)}><title>{esc(title)}</title>"
            f"<circle cx='{fx(x):.1f}' cy='{fy(y):.1f}' r='6' fill='{color}' class='jx-dot'/></g>"
        )
    legend = "".join(
        f"<span class='jx-key' style='background:{c}'></span>{esc(s)} " for s, c in STATUS_COLORS.items()
    )
    return (f"<h4>资金与自评总分（{len(points)} 个项目，点击查看该项目的问题）</h4>"
            + _svg(width, height, "".join(parts), "资金与自评总分") + f"<div class='jx-legend'>{legend}</div>")
