"""The 导入 / 预审 tab's result: a headline and one row per file of the batch (escaped HTML)."""

from __future__ import annotations

from collections.abc import Sequence

from qa import reading
from qa.labels import KIND_LABELS
from ui.format import _table, esc
from ui.uploads import FILE_STATUS_CLASSES, FileLine, Intake


def intake_counts(intake: Intake) -> dict[str, int]:
    """Files of a batch by how much of them was read (reading.READ_*), from its lines."""
    counts = {reading.READ_FULL: 0, reading.READ_PARTIAL: 0, reading.READ_NONE: 0}
    for line in intake.lines:
        if line.reading in counts:
            counts[line.reading] += 1
    if not intake.lines:  # built from documents alone (no batch lines)
        for d in intake.documents:
            counts[reading.document_reading(d).state] += 1
    return counts


def intake_html(intake: Intake, imported: bool) -> str:
    """The result of an import or a pre-check (escaped): a headline that is green only when every file was
    read whole, then one row per file - 已读取 / 部分读取（缺什么）/ 未读取（原因）- with its grouped warnings."""
    docs = intake.documents
    projects = sum(len(d.projects) for d in docs)
    partial_projects = sum(len(reading.document_reading(d).partial_projects) for d in docs)
    warnings = sum(len(d.warnings) for d in docs)
    errors = sum(1 for f in intake.findings if f.severity == "error")
    counts = intake_counts(intake)
    unread, partial = counts[reading.READ_NONE], counts[reading.READ_PARTIAL]
    problems = "、".join(
        f"{label} {n} 个" for label, n in ((reading.READ_NONE, unread), (reading.READ_PARTIAL, partial)) if n
    )
    if imported:
        done = (
            f"新增 {len(intake.added)} 个、替换 {len(intake.replaced)} 个、未变化 {len(intake.unchanged)} 个文件，"
            f"已在索引中 {len(intake.known)} 个（未重新处理）"
        )
        if not docs and not intake.known and unread:
            head, cls = f"未导入任何文件：{unread} 个文件都未能读取（原因见下表）", "jx-fail-head"
        elif problems:
            head, cls = f"导入结束，但有文件未能完整读取：{problems}（见下表）。{done}", "jx-warn-head"
        else:
            head, cls = f"导入完成：{done}", "jx-done"
    else:
        if not docs and unread:
            head, cls = f"没有可预审的文件：{unread} 个文件都未能读取（原因见下表）", "jx-fail-head"
        elif problems:
            head, cls = f"预审结束（未加入索引），但有文件未能完整读取：{problems}（见下表）；预审了 {len(docs)} 个文件", "jx-warn-head"
        else:
            head, cls = f"预审完成（未加入索引）：{len(docs)} 个文件", "jx-done"
    unread_projects = f"（其中 {partial_projects} 个未能完整读取）" if partial_projects else ""
    lines = [
        f"<div class='{cls}' id='intake-headline'>{esc(head)}</div>",
        f"<div>项目 {projects} 个{esc(unread_projects)}；解析提示 {warnings} 条；"
        f"发现问题 {len(intake.findings)} 条（错误 {errors} 条）。</div>",
    ]
    if intake.lines:
        lines.append(f"<h4>逐个文件（{len(intake.lines)} 个）</h4>" + _table(["文件", "读取", "处理", "说明"], file_rows(intake.lines)))
    for d in docs:
        names = "、".join(p.name for p in d.projects)
        lines.append(f"<div>· {esc(d.name)}（{esc(KIND_LABELS.get(d.kind, d.kind))}）：{esc(names)}</div>")
    listed = {line.detail for line in intake.lines}
    for e in intake.errors:
        if e not in listed:
            lines.append(f"<div class='jx-error'>✗ {esc(e)}</div>")
    return "\n".join(lines)


def no_upload_html(message: str) -> str:
    """The import result when no file was chosen (not an error: nothing was tried)."""
    return f"<div class='jx-warn-head'>{esc(message)}</div>"


def file_rows(lines: Sequence[FileLine]) -> list[list[str]]:
    """The per-file rows of an intake (escaped): name, reading, what was done, and the detail with what is
    missing and the grouped warnings to expand."""
    rows = []
    for line in lines:
        if line.reading == reading.READ_NONE:
            state = reading.reading_badge(line.reading, reading.refusal_label(line.reason))
        else:
            state = reading.reading_badge(line.reading) if line.reading else "—"
        detail = esc(reading.beside_name(line.detail, line.name))
        if line.missing:
            detail += f"<div class='jx-missing'>未能读取：{esc('；'.join(line.missing))}</div>"
        detail += reading.warnings_html(line.warnings)
        status = f"<span class='jx-file {FILE_STATUS_CLASSES.get(line.status, '')}'>{esc(line.status)}</span>"
        rows.append([esc(line.name), state, status, detail])
    return rows
