"""The 导入 / 预审 tab: upload files, zips or a folder; import them into the index or only pre-check them."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from ui.intake import intake_html, no_upload_html
from ui.tables import PLAIN_FINDING_COLUMNS, PLAIN_FINDING_WIDTHS, plain_findings_frame
from ui.tabs import friendly
from ui.uploads import ARCHIVE_SUFFIX, Intake, allowed_suffixes
from ui.workspace import Workspace

UPLOAD_TYPES = sorted(allowed_suffixes())
BATCH_TYPES = [*UPLOAD_TYPES, ARCHIVE_SUFFIX]
NO_UPLOAD = "请先选择要上传的文件（txt、md、pdf、xlsx、xls、docx，或装有这些文件的 zip / 文件夹），再点击按钮。"


def _uploads(files: list[Any] | None, folder: list[Any] | None = None) -> list[tuple[str, str]]:
    paths = [str(getattr(f, "name", f)) for f in [*(files or []), *(folder or [])]]
    return [(p, Path(p).name) for p in paths]


@dataclass
class IntakeTab:
    files: gr.File
    folder: gr.File
    import_button: gr.Button
    precheck_button: gr.Button
    intake_status: gr.HTML
    intake_findings: gr.Dataframe
    report: gr.File

    @property
    def outputs(self) -> list:
        return [self.intake_status, self.intake_findings, self.report]


def layout(workspace: Workspace) -> IntakeTab:
    """The tab's components (inside its gr.Tab); the size limit is the workspace's."""
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
        headers=PLAIN_FINDING_COLUMNS, datatype="str", interactive=False, wrap=True,
        column_widths=PLAIN_FINDING_WIDTHS,
        max_height=480, label="发现的问题", elem_id="intake-findings",
    )
    report = gr.File(label="预审报告（Excel）", interactive=False, visible=False, elem_id="precheck-report")
    return IntakeTab(files, folder, import_button, precheck_button, intake_status, intake_findings, report)


def _intake_outputs(intake: Intake, imported: bool):
    # A file that was not read is a row of the results with its reason, never an error toast.
    return (
        intake_html(intake, imported),
        plain_findings_frame(intake.findings),
        gr.update(value=str(intake.report) if intake.report else None, visible=intake.report is not None),
    )


def _nothing_chosen():
    gr.Warning(NO_UPLOAD)
    return no_upload_html(NO_UPLOAD), plain_findings_frame([]), gr.update(value=None, visible=False)


class IntakeHandlers:
    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    @friendly
    def on_import(self, uploaded, uploaded_folder, progress=gr.Progress()):  # noqa: B008
        chosen = _uploads(uploaded, uploaded_folder)
        if not chosen:
            return _nothing_chosen()
        progress(0, desc="开始导入")
        intake = self.workspace.ingest(chosen, lambda f, d: progress(f, desc=d))
        return _intake_outputs(intake, imported=True)

    @friendly
    def on_precheck(self, uploaded, uploaded_folder, progress=gr.Progress()):  # noqa: B008
        chosen = _uploads(uploaded, uploaded_folder)
        if not chosen:
            return _nothing_chosen()
        progress(0, desc="开始预审")
        directory = Path(tempfile.mkdtemp(prefix="jixiao-precheck-"))
        intake = self.workspace.precheck(chosen, directory, lambda f, d: progress(f, desc=d))
        return _intake_outputs(intake, imported=False)
