"""The reviewers' web UI (Gradio): layout and wiring only; what it shows is built in qa/views.py."""

from __future__ import annotations

import functools
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Before gradio is imported: no analytics, no version check, no model hub calls.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import gradio as gr  # noqa: E402

from corpus.errors import JixiaoError  # noqa: E402
from corpus.settings import Settings  # noqa: E402
from qa import views  # noqa: E402

log = logging.getLogger("jixiao.app")

# Questions that make sense for any corpus (no project or indicator of the bundled samples).
EXAMPLE_QUESTIONS = [
    "执行率最低的项目是哪个？",
    "哪些项目有未达成的指标？",
    "哪些项目扣分没写原因？",
    "总分低于95分的项目有哪些？",
    "年度资金申请总额合计是多少？",
    "哪些项目提到满意度？",
]
SEVERITY_CHOICES = [(views.SEVERITY_LABELS[s], s) for s in views.SEVERITY_ORDER]
CLEAR_MARK = "清除标记"
UPLOAD_TYPES = sorted(views.allowed_suffixes())
BATCH_TYPES = [*UPLOAD_TYPES, views.ARCHIVE_SUFFIX]


def _friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Library errors become a gr.Error with their own message; anything else a sentence that says what to do."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except JixiaoError as exc:
            raise gr.Error(str(exc)) from exc
        except Exception as exc:
            log.exception("handler %s failed", fn.__name__)
            raise gr.Error(
                f"处理时出错（{type(exc).__name__}）。请重试；若仍出错，请把服务器终端中的错误信息发给维护人员。"
            ) from exc

    return wrapper


NO_UPLOAD = "请先选择要上传的文件（txt、md、pdf、xlsx、xls、docx，或装有这些文件的 zip / 文件夹），再点击按钮。"


def _uploads(files: list[Any] | None, folder: list[Any] | None = None) -> list[tuple[str, str]]:
    paths = [str(getattr(f, "name", f)) for f in [*(files or []), *(folder or [])]]
    return [(p, Path(p).name) for p in paths]


def build(workspace: views.Workspace) -> gr.Blocks:
    """The Blocks of the five tabs, wired to `workspace`."""
    from qa.ask import ask

    with gr.Blocks(title="绩效自评表核查", analytics_enabled=False) as demo:
        gr.Markdown("## 绩效 · 财政项目支出绩效自评表 / 绩效目标申报表 问答与核查")
        with gr.Tabs() as tabs:
            # ---------------------------------------------------------------- 总览
            with gr.Tab("总览", id="overview"):
                with gr.Row():
                    scope = gr.Dropdown(
                        [], multiselect=True, label="范围：文件（留空为全部索引）", scale=5, elem_id="overview-scope"
                    )
                    batch_button = gr.Button("最近一次导入的文件", scale=1, elem_id="overview-batch")
                    all_button = gr.Button("全部索引", scale=1, elem_id="overview-all")
                counts = gr.HTML(views.PENDING, elem_id="overview-counts")
                unread = gr.HTML(elem_id="overview-unread")
                pareto = gr.HTML(views.PENDING, js_on_load=views.PICK_JS, elem_id="overview-pareto")
                with gr.Row():
                    histogram = gr.HTML(js_on_load=views.PICK_JS, elem_id="overview-execution")
                    scatter = gr.HTML(js_on_load=views.PICK_JS, elem_id="overview-scatter")
                with gr.Row():
                    departments = gr.HTML(js_on_load=views.PICK_JS, elem_id="overview-departments")
                    implementers = gr.HTML(js_on_load=views.PICK_JS, elem_id="overview-implementers")
                verdicts = gr.HTML(views.PENDING, js_on_load=views.PICK_JS, elem_id="overview-verdicts")

            # ---------------------------------------------------------------- 问答
            with gr.Tab("问答", id="ask"):
                with gr.Row():
                    question = gr.Textbox(
                        label="问题", placeholder="例如：执行率最低的项目是哪个？", scale=5, elem_id="question"
                    )
                    ask_button = gr.Button("提问", variant="primary", scale=1, elem_id="ask-button")
                gr.Examples(EXAMPLE_QUESTIONS, inputs=question, label="示例问题")
                answer = gr.HTML(elem_id="answer")

            # ---------------------------------------------------------------- 核查
            with gr.Tab("核查", id="check"):
                with gr.Row():
                    severity = gr.CheckboxGroup(
                        SEVERITY_CHOICES, value=list(views.SEVERITY_ORDER), label="级别", elem_id="filter-severity"
                    )
                    status = gr.Radio(list(views.STATUS_FILTERS), value="全部", label="标记", elem_id="filter-status")
                with gr.Row():
                    rule = gr.Dropdown([], multiselect=True, label="规则", elem_id="filter-rule")
                    project = gr.Dropdown([], multiselect=True, label="项目", elem_id="filter-project")
                    document = gr.Dropdown([], multiselect=True, label="文件", elem_id="filter-document")
                with gr.Row():
                    department = gr.Dropdown([], multiselect=True, label="主管部门", elem_id="filter-department")
                    implementer = gr.Dropdown([], multiselect=True, label="实施单位", elem_id="filter-implementer")
                origin = gr.HTML(elem_id="findings-origin")
                summary = gr.HTML(
                    "<div class='jx-muted'>正在载入问题清单（启动后首次核查需要一两分钟）……</div>",
                    elem_id="findings-summary",
                )
                with gr.Accordion("项目结论（健康分 / 状态，按当前的项目、文件、单位筛选）", open=False):
                    check_verdicts = gr.HTML(elem_id="check-verdicts")
                table = gr.Dataframe(
                    headers=views.FINDING_COLUMNS,
                    datatype="str",
                    interactive=False,
                    wrap=True,
                    max_height=560,
                    column_widths=views.FINDING_WIDTHS,
                    elem_id="findings-table",
                    label="问题清单（点击一行以标记）",
                )
                shown = gr.State([])
                with gr.Row():
                    export_button = gr.Button("导出 Excel（当前筛选）", elem_id="export-button")
                    export_file = gr.File(label="Excel 报告", interactive=False, visible=False, elem_id="export-file")
                gr.Markdown("### 标记问题")
                picked = gr.Dropdown([], label="选择问题", elem_id="finding-picker")
                detail = gr.HTML(views.finding_detail_html(None), elem_id="finding-detail")
                with gr.Row():
                    mark = gr.Radio(
                        [*views.MARK_STATUSES, CLEAR_MARK], value=views.MARK_STATUSES[0], label="标记为",
                        elem_id="mark-status",
                    )
                    remark = gr.Textbox(label="备注", placeholder="核实情况、依据或忽略原因", elem_id="mark-remark")
                    save = gr.Button("保存标记", variant="primary", elem_id="mark-save")

            # ---------------------------------------------------------------- 项目
            with gr.Tab("项目", id="project"):
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

            # ---------------------------------------------------------------- 导入 / 预审
            with gr.Tab("导入 / 预审", id="import"):
                gr.Markdown(
                    f"上传自评表或申报表（{'、'.join(t.lstrip('.') for t in UPLOAD_TYPES)}，"
                    f"每个不超过 {workspace.settings.max_file_mb} MB），可一次上传多个文件、zip 压缩包或整个文件夹。"
                    "**导入并核查**会把文件加入索引，内容与索引中某个文件完全相同（sha256）的文件直接认出、不再处理，"
                    "同一批中重复的文件只处理一次；**仅预审**只核查、不加入索引，并生成可下载的 Excel 报告。"
                )
                with gr.Row():
                    files = gr.File(
                        file_count="multiple", file_types=BATCH_TYPES, label="上传文件（可多选，也可上传 zip 压缩包）",
                        elem_id="upload",
                    )
                    folder = gr.File(file_count="directory", label="或上传整个文件夹", elem_id="upload-folder")
                with gr.Row():
                    import_button = gr.Button("导入并核查", variant="primary", elem_id="import-button")
                    precheck_button = gr.Button("仅预审（不加入索引）", elem_id="precheck-button")
                intake_status = gr.HTML(elem_id="intake-status")
                intake_findings = gr.Dataframe(
                    headers=views.PLAIN_FINDING_COLUMNS, datatype="str", interactive=False, wrap=True,
                    column_widths=views.PLAIN_FINDING_WIDTHS,
                    max_height=480, label="发现的问题", elem_id="intake-findings",
                )
                report = gr.File(label="预审报告（Excel）", interactive=False, visible=False, elem_id="precheck-report")

        # -------------------------------------------------------------------- handlers

        @_friendly
        def on_ask(q: str) -> str:
            if not q or not q.strip():
                raise gr.Error("请输入问题，例如：执行率最低的项目是哪个？")
            return views.answer_html(ask(q.strip(), workspace.index), workspace.documents())

        def _filtered(sev, rules, projects, docs, stat, depts, impls):
            all_views = workspace.finding_views()
            return all_views, views.filter_findings(all_views, sev, rules, projects, docs, stat, depts, impls)

        @_friendly
        def on_filter(sev, rules, projects, docs, stat, depts, impls, current):
            all_views, shown_views = _filtered(sev, rules, projects, docs, stat, depts, impls)
            keys = [v.key for v in shown_views]
            choices = [views.finding_choice(v) for v in shown_views]
            value = current if current in keys else None
            by_key = {v.key: v for v in all_views}
            scoped = views.verdicts_for_filters(workspace.documents(), workspace.verdicts(), projects, docs, depts, impls)
            return (
                views.finding_summary(all_views, shown_views),
                views.findings_frame(shown_views),
                keys,
                gr.update(choices=choices, value=value),
                views.finding_detail_html(by_key.get(value), _rule_doc(by_key.get(value))),
                views.check_verdicts_html(scoped),
            )

        def _rule_doc(view: views.FindingView | None) -> str:
            if view is None:
                return ""
            from qa.checks import RULES

            rule_ = RULES.get(view.finding.rule)
            return rule_.doc.split("\n")[0] if rule_ is not None else ""

        @_friendly
        def on_filter_choices():
            c = views.filter_choices(workspace.finding_views())
            return (
                gr.update(choices=c["rules"]),
                gr.update(choices=c["projects"]),
                gr.update(choices=c["documents"]),
                gr.update(choices=c["departments"]),
                gr.update(choices=c["implementers"]),
            )

        @_friendly
        def on_row(keys: list[str], evt: gr.SelectData):
            row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
            if not keys or row is None or row >= len(keys):
                return gr.update()
            return gr.update(value=keys[row])

        @_friendly
        def on_pick(key: str | None):
            view = next((v for v in workspace.finding_views() if v.key == key), None)
            status_value = view.status if view and view.status else views.MARK_STATUSES[0]
            return views.finding_detail_html(view, _rule_doc(view)), status_value, view.remark if view else ""

        @_friendly
        def on_save(key: str | None, status_value: str, remark_text: str):
            if not key:
                raise gr.Error("请先在问题清单中点击一行，或在“选择问题”中选一条，再保存标记。")
            workspace.mark(key, "" if status_value == CLEAR_MARK else status_value, (remark_text or "").strip())
            gr.Info("标记已保存" if status_value != CLEAR_MARK else "标记已清除")

        @_friendly
        def on_export(sev, rules, projects, docs, stat, depts, impls):
            from qa.report import write_xlsx

            _, shown_views = _filtered(sev, rules, projects, docs, stat, depts, impls)
            if not shown_views:
                raise gr.Error("当前筛选下没有问题可导出。请放宽筛选条件后再导出。")
            path = Path(tempfile.mkdtemp(prefix="jixiao-export-")) / "核查报告.xlsx"
            write_xlsx([v.finding for v in shown_views], path, marks=workspace.marks())
            return gr.update(value=str(path), visible=True)

        @_friendly
        def on_projects(current: str | None):
            docs = workspace.documents()
            choices = views.project_choices(docs)
            ids = [c[1] for c in choices]
            value = current if current in ids else next(
                (pid for pid in ids if (p := views.find_project(docs, pid)) and p.kind == "self_evaluation"),
                ids[0] if ids else None,
            )
            frame = views.execution_frame(workspace.projects(), workspace.settings)
            return gr.update(choices=choices, value=value), frame

        @_friendly
        def on_project(pid: str | None):
            p = views.find_project(workspace.documents(), pid)
            if p is None:
                empty = "<div class='jx-muted'>索引中还没有项目。请在“导入 / 预审”中上传文件。</div>"
                return empty, "", "", "", ""
            verdict = None
            if workspace.findings_ready():
                verdict = next(
                    (v for v in workspace.verdicts() if v.document == p.document and v.project == p.name), None
                )
            return (
                views.project_header_html(p, verdict, checked=True),
                views.budget_html(p, workspace.settings),
                views.goals_html(p),
                views.indicators_html(p, workspace.findings() if workspace.findings_ready() else []),
                views.indicator_chart_html(p),
            )

        def _intake_outputs(intake: views.Intake, imported: bool):
            # A file that was not read is a row of the results with its reason, never an error toast.
            return (
                views.intake_html(intake, imported),
                views.plain_findings_frame(intake.findings),
                gr.update(value=str(intake.report) if intake.report else None, visible=intake.report is not None),
            )

        def _nothing_chosen():
            gr.Warning(NO_UPLOAD)
            return views.no_upload_html(NO_UPLOAD), views.plain_findings_frame([]), gr.update(value=None, visible=False)

        @_friendly
        def on_import(uploaded, uploaded_folder, progress=gr.Progress()):  # noqa: B008
            chosen = _uploads(uploaded, uploaded_folder)
            if not chosen:
                return _nothing_chosen()
            progress(0, desc="开始导入")
            intake = workspace.ingest(chosen, lambda f, d: progress(f, desc=d))
            return _intake_outputs(intake, imported=True)

        @_friendly
        def on_precheck(uploaded, uploaded_folder, progress=gr.Progress()):  # noqa: B008
            chosen = _uploads(uploaded, uploaded_folder)
            if not chosen:
                return _nothing_chosen()
            progress(0, desc="开始预审")
            directory = Path(tempfile.mkdtemp(prefix="jixiao-precheck-"))
            intake = workspace.precheck(chosen, directory, lambda f, d: progress(f, desc=d))
            return _intake_outputs(intake, imported=False)

        @_friendly
        def on_scope_choices(current: list[str] | None):
            names = list(dict.fromkeys([*(d.name for d in workspace.documents()), *(r.name for r in workspace.refused())]))
            return gr.update(choices=names, value=[n for n in current or [] if n in names])

        @_friendly
        def on_overview(chosen: list[str] | None):
            ready = workspace.findings_ready()
            parts = views.overview_parts(
                workspace.documents(), workspace.finding_views() if ready else None, chosen or [], workspace.settings,
                workspace.refused(),
            )
            return tuple(parts[k] for k in ("counts", "unread", "pareto", "execution", "scatter", "departments",
                                             "implementers", "verdicts"))

        @_friendly
        def on_last_batch():
            if not workspace.last_batch:
                gr.Info("启动以来还没有导入过文件；请在“导入 / 预审”中上传。")
                return gr.update()
            return gr.update(value=list(workspace.last_batch))

        @_friendly
        def on_chart(chosen: list[str] | None, evt: gr.EventData):
            data = getattr(evt, "_data", None) or {}
            pick = views.pick_filters(data.get("kind"), data.get("value"), chosen or [], workspace.finding_views())
            if pick is None:
                gr.Info("没有与之对应的问题。")
                return (gr.update(),) * 9
            return (
                gr.Tabs(selected="check"), list(views.SEVERITY_ORDER), "全部", pick.rules, pick.projects,
                pick.documents, pick.departments, pick.implementers, views.pick_html(pick, chosen or []),
            )

        # -------------------------------------------------------------------- wiring

        filters = [severity, rule, project, document, status, department, implementer]
        filter_outputs = [summary, table, shown, picked, detail, check_verdicts]
        ask_button.click(on_ask, question, answer)
        question.submit(on_ask, question, answer)
        for f in filters:
            f.change(on_filter, [*filters, picked], filter_outputs)
            f.input(lambda: "", None, origin)  # a filter the reviewer sets is no longer the overview's click
        table.select(on_row, shown, picked)
        picked.change(on_pick, picked, [detail, mark, remark])
        save.click(on_save, [picked, mark, remark], None).then(on_filter, [*filters, picked], filter_outputs)
        export_button.click(on_export, filters, export_file)
        project_pick.change(on_project, project_pick, [project_head, budget, goals, indicators, chart])

        overview_outputs = [counts, unread, pareto, histogram, scatter, departments, implementers, verdicts]
        scope.change(on_overview, scope, overview_outputs)
        batch_button.click(on_last_batch, None, scope)
        all_button.click(lambda: [], None, scope)
        pick_outputs = [tabs, severity, status, rule, project, document, department, implementer, origin]
        for chart_ in (pareto, histogram, scatter, departments, implementers, verdicts):
            chart_.pick(on_chart, scope, pick_outputs).then(on_filter, [*filters, picked], filter_outputs)

        def refresh_all(event):
            # Records first: counts, projects and charts need no findings, which may still be computing.
            return (
                event.then(on_scope_choices, scope, scope)
                .then(on_overview, scope, overview_outputs)
                .then(on_projects, project_pick, [project_pick, execution])
                .then(on_project, project_pick, [project_head, budget, goals, indicators, chart])
                .then(on_filter_choices, None, [rule, project, document, department, implementer])
                .then(on_filter, [*filters, picked], filter_outputs)
                .then(on_overview, scope, overview_outputs)
                .then(on_project, project_pick, [project_head, budget, goals, indicators, chart])
            )

        outputs = [intake_status, intake_findings, report]
        refresh_all(import_button.click(on_import, [files, folder], outputs))
        precheck_button.click(on_precheck, [files, folder], outputs)
        refresh_all(demo.load(lambda: None, None, None))
    return demo


def serve(index_dir: Path, settings: Settings, host: str, port: int, auth: tuple[str, str] | None) -> None:
    """Open the index and the model once, check the index once, then serve the UI until interrupted."""
    from index.embed import get_embedder
    from index.store import Index

    embedder = get_embedder(settings.model)
    index = Index.open(index_dir, settings=settings, create=True, embedder=embedder)
    workspace = views.Workspace(index, settings, embedder)
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
        css=views.CSS,
    )
