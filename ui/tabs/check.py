"""The 核查 tab: filters, the findings table, the verdicts of the filtered projects, export and marks."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from qa.labels import MARK_STATUSES
from qa.report import SEVERITY_LABELS, SEVERITY_ORDER
from ui.format import STATUS_FILTERS
from ui.ocr_view import source_crop
from ui.tables import (
    FINDING_COLUMNS,
    FINDING_WIDTHS,
    filter_choices,
    filter_findings,
    finding_choice,
    finding_detail_html,
    finding_summary,
    findings_frame,
)
from ui.tabs import friendly
from ui.verdicts import check_verdicts_html, verdicts_for_filters
from ui.workspace import Workspace

SEVERITY_CHOICES = [(SEVERITY_LABELS[s], s) for s in SEVERITY_ORDER]
CLEAR_MARK = "清除标记"


@dataclass
class CheckTab:
    severity: gr.CheckboxGroup
    status: gr.Radio
    rule: gr.Dropdown
    project: gr.Dropdown
    document: gr.Dropdown
    department: gr.Dropdown
    implementer: gr.Dropdown
    origin: gr.HTML
    summary: gr.HTML
    check_verdicts: gr.HTML
    table: gr.Dataframe
    shown: gr.State
    export_button: gr.Button
    export_file: gr.File
    picked: gr.Dropdown
    detail: gr.HTML
    mark: gr.Radio
    remark: gr.Textbox
    save: gr.Button

    @property
    def filters(self) -> list:
        """The filters, in the order the handlers take them."""
        return [self.severity, self.rule, self.project, self.document, self.status, self.department, self.implementer]

    @property
    def filter_outputs(self) -> list:
        return [self.summary, self.table, self.shown, self.picked, self.detail, self.check_verdicts]

    @property
    def unit_choices(self) -> list:
        """The filters whose choices come from the findings."""
        return [self.rule, self.project, self.document, self.department, self.implementer]


def _filters() -> dict:
    with gr.Row():
        severity = gr.CheckboxGroup(
            SEVERITY_CHOICES, value=list(SEVERITY_ORDER), label="级别", elem_id="filter-severity"
        )
        status = gr.Radio(list(STATUS_FILTERS), value="全部", label="标记", elem_id="filter-status")
    with gr.Row():
        rule = gr.Dropdown([], multiselect=True, label="规则", elem_id="filter-rule")
        project = gr.Dropdown([], multiselect=True, label="项目", elem_id="filter-project")
        document = gr.Dropdown([], multiselect=True, label="文件", elem_id="filter-document")
    with gr.Row():
        department = gr.Dropdown([], multiselect=True, label="主管部门", elem_id="filter-department")
        implementer = gr.Dropdown([], multiselect=True, label="实施单位", elem_id="filter-implementer")
    return dict(
        severity=severity, status=status, rule=rule, project=project, document=document,
        department=department, implementer=implementer,
    )


def _findings() -> dict:
    origin = gr.HTML(elem_id="findings-origin")
    summary = gr.HTML(
        "<div class='jx-muted'>正在载入问题清单（启动后首次核查需要一两分钟）……</div>",
        elem_id="findings-summary",
    )
    with gr.Accordion("项目结论（健康分 / 状态，按当前的项目、文件、单位筛选）", open=False):
        check_verdicts = gr.HTML(elem_id="check-verdicts")
    table = gr.Dataframe(
        headers=FINDING_COLUMNS,
        datatype="str",
        interactive=False,
        wrap=True,
        max_height=560,
        column_widths=FINDING_WIDTHS,
        elem_id="findings-table",
        label="问题清单（点击一行以标记）",
    )
    shown = gr.State([])
    with gr.Row():
        export_button = gr.Button("导出 Excel（当前筛选）", elem_id="export-button")
        export_file = gr.File(label="Excel 报告", interactive=False, visible=False, elem_id="export-file")
    return dict(
        origin=origin, summary=summary, check_verdicts=check_verdicts, table=table, shown=shown,
        export_button=export_button, export_file=export_file,
    )


def _marking() -> dict:
    gr.Markdown("### 标记问题")
    picked = gr.Dropdown([], label="选择问题", elem_id="finding-picker")
    detail = gr.HTML(finding_detail_html(None), elem_id="finding-detail")
    with gr.Row():
        mark = gr.Radio(
            [*MARK_STATUSES, CLEAR_MARK], value=MARK_STATUSES[0], label="标记为",
            elem_id="mark-status",
        )
        remark = gr.Textbox(label="备注", placeholder="核实情况、依据或忽略原因", elem_id="mark-remark")
        save = gr.Button("保存标记", variant="primary", elem_id="mark-save")
    return dict(picked=picked, detail=detail, mark=mark, remark=remark, save=save)


def layout() -> CheckTab:
    """The tab's components (inside its gr.Tab): filters, findings, then marking."""
    return CheckTab(**_filters(), **_findings(), **_marking())


class CheckHandlers:
    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    def _filtered(self, sev, rules, projects, docs, stat, depts, impls):
        all_views = self.workspace.finding_views()
        return all_views, filter_findings(all_views, sev, rules, projects, docs, stat, depts, impls)

    @friendly
    def on_filter(self, sev, rules, projects, docs, stat, depts, impls, current):
        workspace = self.workspace
        all_views, shown_views = self._filtered(sev, rules, projects, docs, stat, depts, impls)
        keys = [v.key for v in shown_views]
        choices = [finding_choice(v) for v in shown_views]
        value = current if current in keys else None
        by_key = {v.key: v for v in all_views}
        scoped = verdicts_for_filters(workspace.documents(), workspace.verdicts(), projects, docs, depts, impls)
        return (
            finding_summary(all_views, shown_views),
            findings_frame(shown_views),
            keys,
            gr.update(choices=choices, value=value),
            self._detail(by_key.get(value)),
            check_verdicts_html(scoped),
        )

    @friendly
    def on_filter_choices(self):
        c = filter_choices(self.workspace.finding_views())
        return (
            gr.update(choices=c["rules"]),
            gr.update(choices=c["projects"]),
            gr.update(choices=c["documents"]),
            gr.update(choices=c["departments"]),
            gr.update(choices=c["implementers"]),
        )

    @friendly
    def on_row(self, keys: list[str], evt: gr.SelectData):
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        if not keys or row is None or row >= len(keys):
            return gr.update()
        return gr.update(value=keys[row])

    @friendly
    def on_pick(self, key: str | None):
        view = next((v for v in self.workspace.finding_views() if v.key == key), None)
        status_value = view.status if view and view.status else MARK_STATUSES[0]
        return self._detail(view), status_value, view.remark if view else ""

    def _detail(self, view):
        """The finding in full, with the crop of the page image its row was read from when it was OCR'd."""
        source = view.finding.source if view is not None else None
        return finding_detail_html(view, source_crop(source, self.workspace.documents()))

    @friendly
    def on_save(self, key: str | None, status_value: str, remark_text: str):
        if not key:
            raise gr.Error("请先在问题清单中点击一行，或在“选择问题”中选一条，再保存标记。")
        self.workspace.mark(key, "" if status_value == CLEAR_MARK else status_value, (remark_text or "").strip())
        gr.Info("标记已保存" if status_value != CLEAR_MARK else "标记已清除")

    @friendly
    def on_export(self, sev, rules, projects, docs, stat, depts, impls):
        from qa.report import write_xlsx

        _, shown_views = self._filtered(sev, rules, projects, docs, stat, depts, impls)
        if not shown_views:
            raise gr.Error("当前筛选下没有问题可导出。请放宽筛选条件后再导出。")
        path = Path(tempfile.mkdtemp(prefix="jixiao-export-")) / "核查报告.xlsx"
        write_xlsx([v.finding for v in shown_views], path, marks=self.workspace.marks())
        return gr.update(value=str(path), visible=True)


def wire(tab: CheckTab, handlers: CheckHandlers) -> None:
    """The filters refresh the table, a row or the picker shows a finding, save marks it, export writes Excel."""
    filters, picked = tab.filters, tab.picked
    for f in filters:
        f.change(handlers.on_filter, [*filters, picked], tab.filter_outputs)
        f.input(lambda: "", None, tab.origin)  # a filter the reviewer sets is no longer the overview's click
    tab.table.select(handlers.on_row, tab.shown, picked)
    picked.change(handlers.on_pick, picked, [tab.detail, tab.mark, tab.remark])
    tab.save.click(handlers.on_save, [picked, tab.mark, tab.remark], None).then(
        handlers.on_filter, [*filters, picked], tab.filter_outputs
    )
    tab.export_button.click(handlers.on_export, filters, tab.export_file)
