"""The Blocks of the five tabs wired to a workspace, and the server that runs them."""

from __future__ import annotations

from pathlib import Path

import gradio as gr

from corpus.settings import Settings
from ui.style import CSS
from ui.tabs import ask, check, intake, overview, project
from ui.workspace import Workspace


def _layout(workspace: Workspace):
    """Every tab's components, in tab order, with the gr.Tabs that holds them."""
    gr.Markdown("## 绩效 · 财政项目支出绩效自评表 / 绩效目标申报表 问答与核查")
    with gr.Tabs() as tabs:
        with gr.Tab("总览", id="overview"):
            overview_tab = overview.layout()
        with gr.Tab("问答", id="ask"):
            ask_tab = ask.layout()
        with gr.Tab("核查", id="check"):
            check_tab = check.layout()
        with gr.Tab("项目", id="project"):
            project_tab = project.layout()
        with gr.Tab("导入 / 预审", id="import"):
            intake_tab = intake.layout(workspace)
    return tabs, overview_tab, ask_tab, check_tab, project_tab, intake_tab


def _wire_overview(
    tabs: gr.Tabs, tab: overview.OverviewTab, handlers: overview.OverviewHandlers,
    check_tab: check.CheckTab, check_handlers: check.CheckHandlers,
) -> None:
    """The scope refreshes the overview; a chart click sets the 核查 filters and opens that tab."""
    tab.scope.change(handlers.on_overview, tab.scope, tab.outputs)
    tab.batch_button.click(handlers.on_last_batch, None, tab.scope)
    tab.all_button.click(lambda: [], None, tab.scope)
    c = check_tab
    pick_outputs = [tabs, c.severity, c.status, c.rule, c.project, c.document, c.department, c.implementer, c.origin]
    for chart_ in tab.charts:
        chart_.pick(handlers.on_chart, tab.scope, pick_outputs).then(
            check_handlers.on_filter, [*c.filters, c.picked], c.filter_outputs
        )


def build(workspace: Workspace) -> gr.Blocks:
    """The Blocks of the five tabs, wired to `workspace`."""
    with gr.Blocks(title="绩效自评表核查", analytics_enabled=False) as demo:
        tabs, overview_tab, ask_tab, check_tab, project_tab, intake_tab = _layout(workspace)
        overview_handlers = overview.OverviewHandlers(workspace)
        check_handlers = check.CheckHandlers(workspace)
        project_handlers = project.ProjectHandlers(workspace)
        intake_handlers = intake.IntakeHandlers(workspace)

        ask.wire(ask_tab, ask.AskHandlers(workspace))
        check.wire(check_tab, check_handlers)
        project.wire(project_tab, project_handlers)
        _wire_overview(tabs, overview_tab, overview_handlers, check_tab, check_handlers)

        def refresh_all(event):
            # Records first: counts, projects and charts need no findings, which may still be computing.
            o, c, p = overview_tab, check_tab, project_tab
            return (
                event.then(overview_handlers.on_scope_choices, o.scope, o.scope)
                .then(overview_handlers.on_overview, o.scope, o.outputs)
                .then(project_handlers.on_projects, p.project_pick, [p.project_pick, p.execution])
                .then(project_handlers.on_project, p.project_pick, p.outputs)
                .then(check_handlers.on_filter_choices, None, c.unit_choices)
                .then(check_handlers.on_filter, [*c.filters, c.picked], c.filter_outputs)
                .then(overview_handlers.on_overview, o.scope, o.outputs)
                .then(project_handlers.on_project, p.project_pick, p.outputs)
            )

        i = intake_tab
        refresh_all(i.import_button.click(intake_handlers.on_import, [i.files, i.folder], i.outputs))
        i.precheck_button.click(intake_handlers.on_precheck, [i.files, i.folder], i.outputs)
        refresh_all(demo.load(lambda: None, None, None))
    return demo


def serve(index_dir: Path, settings: Settings, host: str, port: int, auth: tuple[str, str] | None) -> None:
    """Open the index and the model once, check the index once, then serve the UI until interrupted."""
    from index.store import Index
    from qa import service

    embedder = service.embedder(settings)
    index = Index.open(index_dir, settings=settings, create=True, embedder=embedder)
    workspace = Workspace(index, settings, embedder)
    workspace.check_in_background()
    demo = build(workspace)
    demo.queue(default_concurrency_limit=4)
    demo.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        max_file_size=f"{settings.max_file_mb}mb",
        ssr_mode=False,
        share=False,
        pwa=False,
        mcp_server=False,
        footer_links=["settings"],
        theme=gr.themes.Default(),
        css=CSS,
    )
