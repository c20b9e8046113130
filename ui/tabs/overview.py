"""The 总览 tab: a scope of files, headline cards, what was not read, and charts whose clicks filter 核查."""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from qa.report import SEVERITY_ORDER
from ui.charts import PICK_JS
from ui.overview import PENDING, overview_parts, pick_filters, pick_html
from ui.tabs import friendly
from ui.workspace import Workspace

PARTS = ("counts", "unread", "pareto", "execution", "scatter", "departments", "implementers", "verdicts")


@dataclass
class OverviewTab:
    scope: gr.Dropdown
    batch_button: gr.Button
    all_button: gr.Button
    counts: gr.HTML
    unread: gr.HTML
    pareto: gr.HTML
    histogram: gr.HTML
    scatter: gr.HTML
    departments: gr.HTML
    implementers: gr.HTML
    verdicts: gr.HTML

    @property
    def outputs(self) -> list:
        """What `on_overview` fills, in the order of PARTS."""
        return [self.counts, self.unread, self.pareto, self.histogram, self.scatter, self.departments,
                self.implementers, self.verdicts]

    @property
    def charts(self) -> tuple:
        """The blocks whose clicks filter the findings."""
        return (self.pareto, self.histogram, self.scatter, self.departments, self.implementers, self.verdicts)


def layout() -> OverviewTab:
    """The tab's components (inside its gr.Tab)."""
    with gr.Row():
        scope = gr.Dropdown(
            [], multiselect=True, label="范围：文件（留空为全部索引）", scale=5, elem_id="overview-scope"
        )
        batch_button = gr.Button("最近一次导入的文件", scale=1, elem_id="overview-batch")
        all_button = gr.Button("全部索引", scale=1, elem_id="overview-all")
    counts = gr.HTML(PENDING, elem_id="overview-counts")
    unread = gr.HTML(elem_id="overview-unread")
    pareto = gr.HTML(PENDING, js_on_load=PICK_JS, elem_id="overview-pareto")
    with gr.Row():
        histogram = gr.HTML(js_on_load=PICK_JS, elem_id="overview-execution")
        scatter = gr.HTML(js_on_load=PICK_JS, elem_id="overview-scatter")
    with gr.Row():
        departments = gr.HTML(js_on_load=PICK_JS, elem_id="overview-departments")
        implementers = gr.HTML(js_on_load=PICK_JS, elem_id="overview-implementers")
    verdicts = gr.HTML(PENDING, js_on_load=PICK_JS, elem_id="overview-verdicts")
    return OverviewTab(
        scope, batch_button, all_button, counts, unread, pareto, histogram, scatter, departments, implementers,
        verdicts,
    )


class OverviewHandlers:
    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    @friendly
    def on_scope_choices(self, current: list[str] | None):
        workspace = self.workspace
        names = list(dict.fromkeys([*(d.name for d in workspace.documents()), *(r.name for r in workspace.refused())]))
        return gr.update(choices=names, value=[n for n in current or [] if n in names])

    @friendly
    def on_overview(self, chosen: list[str] | None):
        workspace = self.workspace
        ready = workspace.findings_ready()
        parts = overview_parts(
            workspace.documents(), workspace.finding_views() if ready else None, chosen or [], workspace.settings,
            workspace.refused(),
        )
        return tuple(parts[k] for k in PARTS)

    @friendly
    def on_last_batch(self):
        if not self.workspace.last_batch:
            gr.Info("启动以来还没有导入过文件；请在“导入 / 预审”中上传。")
            return gr.update()
        return gr.update(value=list(self.workspace.last_batch))

    @friendly
    def on_chart(self, chosen: list[str] | None, evt: gr.EventData):
        data = getattr(evt, "_data", None) or {}
        pick = pick_filters(data.get("kind"), data.get("value"), chosen or [], self.workspace.finding_views())
        if pick is None:
            gr.Info("没有与之对应的问题。")
            return (gr.update(),) * 9
        return (
            gr.Tabs(selected="check"), list(SEVERITY_ORDER), "全部", pick.rules, pick.projects,
            pick.documents, pick.departments, pick.implementers, pick_html(pick, chosen or []),
        )
