"""What was read of each file and project, as a reviewer reads it: read / partly read / not read, and why."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from corpus.model import Coverage, Document, ParseWarning, Project, RefusedFile
from qa import coverage
from qa.coverage import is_complete

READ_FULL = "已读取"
READ_PARTIAL = "部分读取"
READ_NONE = "未读取"
READING_CLASSES = {READ_FULL: "jx-read", READ_PARTIAL: "jx-partial", READ_NONE: "jx-unread"}
# RefusedFile.reason / JixiaoError.reason -> what a reviewer is told (the message says what to do next).
REFUSAL_LABELS = {
    "not-a-form": "不是绩效表",
    "layout-not-understood": "表格版式未能识别",
    "scanned": "扫描件，需要先做文字识别（OCR）",
    "encrypted": "文件设有密码",
    "damaged": "文件损坏或无法打开",
    "unsupported": "不支持的文件格式",
    "too-large": "文件过大",
    "too-many": "一次上传的文件过多",
}
REFUSAL_DEFAULT = "无法读取"
PART_LABELS = {"money": "资金", "goals": "目标", "indicators": "绩效指标"}
STATE_LABELS = {"read": "已读取", "partial": "部分读取", "missing": "未找到", "n/a": "表中无此部分"}
SHEET_SUFFIXES = (".xlsx", ".xls")
ROWS_SHOWN = 50  # rows listed behind one grouped warning; the rest are counted


def esc(value: object) -> str:
    return "" if value is None else html.escape(str(value), quote=True)


def refusal_label(reason: str) -> str:
    return REFUSAL_LABELS.get(reason, REFUSAL_DEFAULT)


def without_paths(message: str, *paths: str | Path, name: str) -> str:
    """`message` with every server path of the file (`…-uploads/<uuid>/name`, a temp copy) shown as its name.

    Example:
        without_paths("/srv/idx-uploads/ab12/表.pdf: 文件为空", name="表.pdf")  # '表.pdf: 文件为空'
    """
    for p in sorted({str(p) for p in paths if str(p)}, key=len, reverse=True):
        message = message.replace(p, name)
    base = Path(str(paths[0])).name if paths and str(paths[0]) else name
    for shown in {base, name}:
        # Any other directory in front of the file's own name (a resolved or relative copy of the path).
        message = re.sub(r"(?:[A-Za-z]:)?(?:[\\/][^\s\\/:：，；]+)+[\\/]" + re.escape(shown), name, message)
        message = re.sub(r"(?<![\w.])(?:[^\s\\/:：，；]+[\\/])+" + re.escape(shown), name, message)
    return message


def beside_name(message: str, name: str) -> str:
    """A message shown in the row of its file, without the file's name in front (`a.pdf: 文件为空` -> `文件为空`)."""
    for sep in (":", "："):
        if message.startswith(name + sep):
            return message[len(name) + 1 :].strip()
    return message


# ------------------------------------------------------------------------------------------ coverage


def project_complete(project: Project) -> bool:
    return is_complete(project)


def missing_phrases(project: Project) -> list[str]:
    """What of the project was not read, in Chinese (qa/coverage.py), never empty for a project not read whole."""
    return list(coverage.missing_phrases(project)) or (["未能完整读取"] if not is_complete(project) else [])


def coverage_parts(project: Project) -> list[tuple[str, str]]:
    """(part, state in Chinese) for 资金 / 目标 / 绩效指标; the indicator state with its row counts."""
    cov = project.coverage or Coverage()
    out = []
    for part in coverage.PARTS:
        state = getattr(cov, part)
        label = STATE_LABELS.get(state, state)
        if part == "indicators" and cov.indicator_rows_seen:
            label += f"（{cov.indicator_rows_seen} 行中读出 {cov.indicator_rows_read} 行）"
        out.append((PART_LABELS[part], label))
    return out


@dataclass(frozen=True)
class DocumentReading:
    """How much of one parsed file was read."""

    state: str  # READ_FULL or READ_PARTIAL
    missing: tuple[str, ...]  # what was not read, one phrase each (per project, or forms not read)
    partial_projects: tuple[str, ...]  # names of the projects not read whole


def document_reading(document: Document) -> DocumentReading:
    missing: list[str] = []
    if document.tables_seen > document.tables_read:
        missing.append(
            f"找到 {document.tables_seen} 张绩效表，其中 {document.tables_seen - document.tables_read} 张未能读成项目"
        )
    partial = []
    for p in document.projects:
        if not project_complete(p):
            partial.append(p.name)
            missing.append(f"{p.name}：{'、'.join(missing_phrases(p))}")
    return DocumentReading(READ_PARTIAL if missing else READ_FULL, tuple(missing), tuple(partial))


@dataclass(frozen=True)
class Unread:
    """Files and projects of a scope that were not read whole."""

    refused: tuple[RefusedFile, ...]
    partial_documents: tuple[tuple[Document, DocumentReading], ...]
    partial_projects: int

    @property
    def files(self) -> int:
        return len(self.refused) + len(self.partial_documents)


def unread(documents: Sequence[Document], refused: Sequence[RefusedFile]) -> Unread:
    readings = [(d, document_reading(d)) for d in documents]
    partial = tuple((d, r) for d, r in readings if r.state != READ_FULL)
    return Unread(tuple(refused), partial, sum(len(r.partial_projects) for _, r in readings))


# ------------------------------------------------------------------------------------------ warnings


@dataclass(frozen=True)
class WarningGroup:
    """Warnings of one kind at one place (a page or sheet), said once with the rows behind them."""

    message: str
    place: str  # 第31页 第12–20行
    count: int
    rows: tuple[tuple[str, str], ...]  # (line, row text) of every warning in the group

    @property
    def headline(self) -> str:
        more = f"（{self.count} 处）" if self.count > 1 else ""
        return f"{self.place}：{self.message}{more}" if self.place else f"{self.message}{more}"


def _span(first: int | None, last: int | None, word: str) -> str:
    if first is None:
        return ""
    return f"{word[0]}{first}{word[1]}" if not last or last == first else f"{word[0]}{first}–{last}{word[1]}"


def _page_word(file_name: str) -> tuple[str, str]:
    return ("第", "个工作表") if file_name.lower().endswith(SHEET_SUFFIXES) else ("第", "页")


def group_warnings(document: Document) -> list[WarningGroup]:
    """The document's warnings grouped by kind (or message, for a reader that sets no kind) and page,
    in file order; each group names its page/sheet and line span."""
    groups: dict[tuple[str, int | None], list[ParseWarning]] = {}
    for w in document.warnings:
        groups.setdefault((w.kind or w.message, w.page), []).append(w)
    word = _page_word(document.name)
    out = []
    for members in sorted(groups.values(), key=lambda ws: (ws[0].page or 0, ws[0].line)):
        first_page = min((w.page for w in members if w.page is not None), default=None)
        last_page = max((w.end_page or w.page for w in members if w.page is not None), default=None)
        first_line = min(w.line for w in members)
        last_line = max(w.end_line or w.line for w in members)
        pages = _span(first_page, last_page, word)
        # Lines are said within one page; a span of pages is said by its pages alone (第1–30页).
        lines = "" if pages and last_page != first_page else _span(first_line or None, last_line, ("第", "行"))
        place = " ".join(s for s in (pages, lines) if s)
        messages = list(dict.fromkeys(w.message for w in members))
        message = messages[0] if len(messages) == 1 else f"{messages[0]}等"
        rows = tuple(
            (_span(w.line or None, w.end_line, ("第", "行")), _row(w.text)) for w in members if w.text
        )
        out.append(WarningGroup(message, place, len(members), rows))
    return out


def _row(text: str, limit: int = 300) -> str:
    row = " │ ".join(c.strip() for c in text.replace("\n", "\t").split("\t") if c.strip())
    return row if len(row) <= limit else row[: limit - 1] + "…"


def warnings_html(groups: Sequence[WarningGroup], open_: bool = False) -> str:
    """Grouped warnings to expand: one line per group, the rows behind each under a click."""
    if not groups:
        return ""
    items = []
    for g in groups:
        rows = ""
        if g.rows:
            shown = "".join(
                f"<div class='jx-wrow'><span class='jx-line'>{esc(line)}</span> {esc(text)}</div>"
                for line, text in g.rows[:ROWS_SHOWN]
            )
            more = f"<div class='jx-muted'>另有 {len(g.rows) - ROWS_SHOWN} 行未列出</div>" if len(g.rows) > ROWS_SHOWN else ""
            rows = f"<details class='jx-wrows'><summary>查看原文（{len(g.rows)} 行）</summary>{shown}{more}</details>"
        items.append(f"<li>{esc(g.headline)}{rows}</li>")
    total = sum(g.count for g in groups)
    return (
        f"<details class='jx-warnings'{' open' if open_ else ''}><summary>解析提示 {len(groups)} 类（共 {total} 处）"
        f"</summary><ul>{''.join(items)}</ul></details>"
    )


# ------------------------------------------------------------------------------------------ HTML


def reading_badge(state: str, why: str = "") -> str:
    """`部分读取` / `未读取（不是绩效表）` as a coloured label."""
    text = f"{state}（{why}）" if why else state
    return f"<span class='jx-reading {READING_CLASSES.get(state, '')}'>{esc(text)}</span>"


def coverage_html(project: Project) -> str:
    """The 项目 tab's reading line: each part's state, and what is missing when the project was not read whole."""
    parts = " · ".join(f"{esc(part)} {esc(state)}" for part, state in coverage_parts(project))
    if project_complete(project):
        return f"<div class='jx-coverage'>{reading_badge(READ_FULL)} {parts}</div>"
    missing = "；".join(missing_phrases(project))
    return (
        f"<div class='jx-coverage jx-coverage-partial'>{reading_badge(READ_PARTIAL)} {parts}"
        f"<div>未能读取：{esc(missing)}。该项目的核查结论不完整，不计健康分；请对照原表核对缺少的部分。</div></div>"
    )


def unread_html(state: Unread, note: str | None = None) -> str:
    """The 总览 list of files not read whole: each refused file with its reason, each partly read file with
    what is missing (empty when every file was read)."""
    if not state.files:
        return ""
    rows = [
        [esc(r.name), reading_badge(READ_NONE, refusal_label(r.reason)), esc(beside_name(r.message, r.name))]
        for r in state.refused
    ]
    rows += [
        [esc(d.name), reading_badge(READ_PARTIAL), esc("；".join(reading.missing))]
        for d, reading in state.partial_documents
    ]
    head = "".join(f"<th>{h}</th>" for h in ("文件", "读取", "原因 / 缺少的内容"))
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    lead = f"<div class='jx-unread-note'>{esc(note)}</div>" if note else ""
    return (
        f"<div class='jx-unread'>{lead}<h4>未能完整读取的文件（{state.files} 个）</h4>"
        f"<table class='jx-table'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


CSS = """
.jx-reading { border-radius: 4px; padding: 0 6px; white-space: nowrap; font-weight: 600; }
.jx-reading.jx-read { background: #dcfce7; color: #166534; }
.jx-reading.jx-partial { background: #fef3c7; color: #92400e; }
.jx-reading.jx-unread { background: #fee2e2; color: #991b1b; }
.jx-warn-head { font-weight: 600; color: #92400e; background: #fffbeb; border-left: 4px solid #d97706; padding: 4px 8px; }
.jx-fail-head { font-weight: 600; color: #991b1b; background: #fef2f2; border-left: 4px solid #dc2626; padding: 4px 8px; }
.jx-warnings summary, .jx-wrows summary { cursor: pointer; color: #1d4ed8; }
.jx-warnings ul { margin: 4px 0 4px 1.2em; padding: 0; }
.jx-wrow { font-size: 12px; background: #f9fafb; padding: 1px 4px; white-space: pre-wrap; }
.jx-coverage { margin: 4px 0; }
.jx-coverage-partial { background: #fffbeb; border-left: 4px solid #d97706; padding: 4px 8px; }
.jx-unread { margin: 8px 0; }
.jx-unread-note { font-weight: 600; color: #92400e; }
.jx-card.jx-card-warn { border-color: #d97706; background: #fffbeb; }
"""
