"""The 项目 tab: one project's header, funds, goals, indicators and chart, and 执行率 of every project."""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from ui.project import (
    budget_html,
    execution_frame,
    find_project,
    goals_html,
    indicator_chart_html,
    indicators_html,
    project_choices,
    project_header_html,
)
from ui.tabs import friendly
from ui.workspace import Workspace


@dataclass
class ProjectTab:
    project_pick: gr.Dropdown
    project_head: gr.HTML
    budget: gr.HTML
    goals: gr.HTML
    indicators: gr.HTML
    chart: gr.HTML
    execution: gr.BarPlot

    @property
    def outputs(self) -> list:
        """What `on_project` fills."""
        return [self.project_head, self.budget, self.goals, self.indicators, self.chart]


def layout() -> ProjectTab:
    """The tab's components (inside its gr.Tab)."""
    project_pick = gr.Dropdown([], label="选择项目", elem_id="project-picker")
    project_head = gr.HTML(elem_id="project-head")
    budget = gr.HTML(elem_id="project-budget")
    goals = gr.HTML(elem_id="project-goals")
    indicators = gr.HTML(elem_id="project-indicators")
    chart = gr.HTML(elem_id="project-chart")
    execution = gr.BarPlot(
        x="项目",
        y="执行率",
        color="状态",
        color_map={"正常": "#22c55e", "低于阈值": "#ef4444"},
        y_lim=[0, 110],
        x_label_angle=-35,
        tooltip=["项目全称", "执行率"],
        height=380,
        label="各项目预算执行率（%）",
        elem_id="execution-plot",
    )
    return ProjectTab(project_pick, project_head, budget, goals, indicators, chart, execution)


class ProjectHandlers:
    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    @friendly
    def on_projects(self, current: str | None):
        workspace = self.workspace
        docs = workspace.documents()
        choices = project_choices(docs)
        ids = [c[1] for c in choices]
        value = current if current in ids else next(
            (pid for pid in ids if (p := find_project(docs, pid)) and p.kind == "self_evaluation"),
            ids[0] if ids else None,
        )
        frame = execution_frame(workspace.projects(), workspace.settings)
        return gr.update(choices=choices, value=value), frame

    @friendly
    def on_project(self, pid: str | None):
        workspace = self.workspace
        p = find_project(workspace.documents(), pid)
        if p is None:
            empty = "<div class='jx-muted'>索引中还没有项目。请在“导入 / 预审”中上传文件。</div>"
            return empty, "", "", "", ""
        verdict = None
        if workspace.findings_ready():
            verdict = next(
                (v for v in workspace.verdicts() if v.document == p.document and v.project == p.name), None
            )
        return (
            project_header_html(p, verdict, checked=True),
            budget_html(p, workspace.settings),
            goals_html(p),
            indicators_html(p, workspace.findings() if workspace.findings_ready() else []),
            indicator_chart_html(p),
        )


def wire(tab: ProjectTab, handlers: ProjectHandlers) -> None:
    tab.project_pick.change(handlers.on_project, tab.project_pick, tab.outputs)
