"""What the web UI shows, built from records: tables, escaped HTML, chart data, uploads (no gradio here)."""

from __future__ import annotations

import html
import re
import shutil
import threading
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from corpus.errors import JixiaoError, UnreadableFileError
from corpus.load import READERS, TEXT_SUFFIXES
from corpus.model import Answer, Citation, Document, Finding, Indicator, ParseWarning, Project, Source
from corpus.parse import clean_text
from corpus.settings import Settings
from qa.ask import label as field_label
from qa.report import SEVERITY_LABELS, SEVERITY_ORDER

if TYPE_CHECKING:
    from index.store import Index

Progress = Callable[[float, str], None]

MARK_STATUSES = ("已核实", "忽略")
STATUS_FILTERS = ("全部", "未标记", "已核实", "忽略")
KIND_LABELS = {"self_evaluation": "绩效自评表", "declaration": "绩效目标申报表"}
# Evidence keys (qa/checks) the field vocabulary of qa.ask does not name.
EVIDENCE_LABELS = {
    "rate": "执行率",
    "op": "比较符",
    "target_value": "目标数值",
    "actual_value": "实际数值",
    "explained": "已说明偏差原因",
    "unit": "单位",
    "value": "数值",
    "deducted": "扣分",
    "expected_score": "按规则应得分",
    "expected_grade": "按总分应得等级",
    "expected_weight": "应有分值",
    "allowed_low": "允许最低分",
    "allowed_high": "允许最高分",
    "stated_value": "说明中的数值",
    "stated_unit": "说明中的单位",
    "stated_in": "出现于",
    "stated_text": "说明原文",
    "goal_clause": "目标条目",
    "unreported": "未报告完成情况的目标",
    "missing_terms": "未出现的关键词",
    "closest": "最接近的完成情况",
    "closest_indicator": "最接近的指标",
    "term_coverage": "关键词覆盖率",
    "similarity": "相似度",
    "threshold": "阈值",
    "threshold_percent": "阈值（%）",
    "cut_percent": "调减比例（%）",
    "computed_rate": "计算执行率",
    "printed_rate": "填报执行率",
    "printed_score": "填报得分",
    "sum_of_scores": "各项得分合计",
    "sum_of_weights": "各项分值合计",
    "target_unit": "目标单位",
    "actual_unit": "实际单位",
    "problems": "问题",
    "ratio": "实际/目标（%）",
    "factor": "倍数阈值",
    "vague_word": "模糊用语",
    "missing": "缺少",
    "present": "已有",
    "unmeasured": "没有对应指标的目标",
    "where": "位置",
    "tokens": "残留标记",
    "reason": "原因说明",
    "last_year": "上年",
    "last_actual": "上年实际完成值",
    "last_document": "上年文件",
    "added": "新增",
    "removed": "删除",
    "verdict": "判断",
    "met": "达成",
    "partly": "部分达成",
    "unmet": "未达成",
    "date": "日期",
    "year": "年度",
    "part": "部分",
    "parts": "各部分",
    "sum": "合计",
    "line": "行",
    "field": "字段",
    "total_name": "合计项",
}
FINDING_COLUMNS = ["序号", "级别", "项目", "指标", "问题", "证据", "标记", "备注", "规则", "出处", "原文"]
FINDING_WIDTHS = ["56px", "60px", "170px", "150px", "340px", "220px", "76px", "140px", "170px", "220px", "360px"]
INDICATOR_COLUMNS = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因", "结果"]
VERDICT_LABELS = {"met": "达成", "partly": "部分达成", "unmet": "未达成"}
UPLOAD_SUFFIX = "-uploads"
MAX_NAME_CHARS = 100


def esc(value: object) -> str:
    """Text -> HTML-safe text; every document string passes here before it reaches gr.HTML."""
    return "" if value is None else html.escape(str(value), quote=True)


def fmt_number(value: Decimal | float | int | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return f"{value:f}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def severity_label(severity: str) -> str:
    return SEVERITY_LABELS.get(severity, severity)


# ------------------------------------------------------------------------------------------ uploads


def allowed_suffixes() -> set[str]:
    """The suffixes `corpus.load.load` can read."""
    return {s for s in TEXT_SUFFIXES if s} | set(READERS)


def safe_name(name: str) -> str:
    """An uploaded file's own name reduced to a harmless base name (no directories, no control characters).

    Example:
        safe_name("../../etc/自评表<1>.txt")  # '自评表_1_.txt'
    """
    base = re.split(r"[\\/]", unicodedata.normalize("NFKC", name or ""))[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C")
    base = re.sub(r"[^\w.\-()（）\u3000-\u303f\uff00-\uffef]", "_", base).strip(". _")
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = stem[:MAX_NAME_CHARS] or "upload"
    return f"{stem}.{suffix.lower()}" if suffix else stem


def store_upload(src: str | Path, directory: Path, max_mb: int, original_name: str | None = None) -> Path:
    """Copy an uploaded file to `directory/<uuid>/<safe name>`: the generated folder keeps uploads apart,
    the file keeps its own (sanitised) name so citations name the file the reviewer knows.

    Raises:
        UnreadableFileError: missing, of a format that cannot be read, or larger than `max_mb`.
    """
    src = Path(src)
    name = safe_name(original_name or src.name)
    suffix = Path(name).suffix.lower()
    if suffix not in allowed_suffixes():
        kinds = "、".join(sorted(s.lstrip(".") for s in allowed_suffixes()))
        raise UnreadableFileError(f"{name}: 不支持的文件格式 {suffix or '（无后缀）'}，请上传 {kinds} 文件")
    if not src.is_file():
        raise UnreadableFileError(f"{name}: 上传的文件已不存在，请重新上传")
    size = src.stat().st_size
    if size > max_mb * 1024 * 1024:
        raise UnreadableFileError(f"{name}: 文件大小 {size / 1048576:.1f} MB 超过上限 {max_mb} MB，请拆分后再上传")
    target_dir = directory / uuid.uuid4().hex
    target_dir.mkdir(parents=True, exist_ok=False)
    target = target_dir / name
    shutil.copyfile(src, target)
    return target


# ------------------------------------------------------------------------------------------ workspace


@dataclass(frozen=True)
class FindingView:
    """A finding as the review table shows it: the finding, its stable key and the reviewer's mark."""

    number: int
    key: str
    finding: Finding
    status: str = ""
    remark: str = ""


@dataclass
class Intake:
    """What an upload did: documents parsed, files that failed, findings of the new documents."""

    documents: list[Document] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    report: Path | None = None


class Workspace:
    """The index, the model and the findings of the index, loaded once and shared by every request."""

    def __init__(self, index: Index, settings: Settings, embedder: Any | None) -> None:
        self.index = index
        self.settings = settings
        self.embedder = embedder
        self._lock = threading.RLock()
        self._findings: list[Finding] | None = None
        self._checking: threading.Thread | None = None

    def check_in_background(self) -> None:
        """Start checking the index now, so the first page need not wait for the rules (some embed text)."""
        self._checking = threading.Thread(target=self.findings, name="jixiao-checks", daemon=True)
        self._checking.start()

    def findings_ready(self) -> bool:
        return self._findings is not None

    def documents(self) -> list[Document]:
        return self.index.documents()

    def projects(self) -> list[Project]:
        return self.index.projects()

    def findings(self) -> list[Finding]:
        """The findings of every indexed document (computed once, again after an import)."""
        with self._lock:
            if self._findings is None:
                self._findings = self._check(self.documents())
            return list(self._findings)

    def _check(self, documents: list[Document]) -> list[Finding]:
        from qa.checks import run_checks

        return run_checks(documents, settings=self.settings, embedder=self.embedder)

    def finding_views(self) -> list[FindingView]:
        from qa.report import finding_key

        marks = self.index.marks()
        views = []
        for n, f in enumerate(self.findings(), 1):
            key = finding_key(f)
            mark = marks.get(key, {})
            views.append(FindingView(n, key, f, mark.get("status", ""), mark.get("remark", "")))
        return views

    def mark(self, key: str, status: str, remark: str) -> None:
        self.index.set_mark(key, status, remark)

    def marks(self) -> dict[str, dict]:
        return self.index.marks()

    def upload_dir(self) -> Path:
        """`<index>-uploads/` beside the index: every write swaps the index directory for a new one,
        so files kept inside it would be dropped by the next import."""
        directory = Path(self.index.directory)
        return directory.parent / f"{directory.name}{UPLOAD_SUFFIX}"

    def parse(self, files: Sequence[tuple[str, str]], directory: Path, progress: Progress) -> Intake:
        """Copy the uploads (path, original name) into `directory` and parse them; failures are collected."""
        from corpus.parse import parse_file

        intake = Intake()
        for i, (path, name) in enumerate(files):
            progress(i / max(len(files), 1) * 0.3, f"解析 {safe_name(name)}")
            try:
                stored = store_upload(path, directory, self.settings.max_file_mb, name)
                intake.documents.append(parse_file(stored, max_mb=self.settings.max_file_mb))
            except JixiaoError as exc:
                intake.errors.append(str(exc))
        return intake

    def ingest(self, files: Sequence[tuple[str, str]], progress: Progress) -> Intake:
        """Parse, add to the index (embedding with progress) and check the uploaded documents."""
        intake = self.parse(files, self.upload_dir(), progress)
        if not intake.documents:
            return intake

        def embedded(done: int, total: int) -> None:
            progress(0.3 + 0.5 * done / max(total, 1), f"嵌入 {done}/{total} 段")

        with self._lock:
            # Each upload lands in a folder of its own, so the file's name is what makes a corrected
            # re-upload replace its earlier version instead of sitting beside it.
            result = self.index.add(intake.documents, progress=embedded, identity=lambda d: f"upload:{d.name}")
            intake.added, intake.replaced, intake.unchanged = result.added, result.replaced, result.unchanged
            progress(0.85, "核查")
            self._findings = None
            mine = {d.name for d in intake.documents}
            intake.findings = [f for f in self.findings() if f.document in mine]
        progress(1.0, "完成")
        return intake

    def precheck(self, files: Sequence[tuple[str, str]], directory: Path, progress: Progress) -> Intake:
        """Parse and check the uploads without adding them; the indexed documents serve as earlier years."""
        intake = self.parse(files, directory / "files", progress)
        if not intake.documents:
            return intake
        progress(0.5, "核查")
        new = {d.sha256 for d in intake.documents}
        context = [d for d in self.documents() if d.sha256 not in new]
        mine = {d.name for d in intake.documents}
        intake.findings = [f for f in self._check(context + intake.documents) if f.document in mine]
        progress(0.9, "生成报告")
        from qa.report import write_xlsx

        intake.report = directory / "预审报告.xlsx"
        write_xlsx(intake.findings, intake.report, marks={})
        progress(1.0, "完成")
        return intake


# ------------------------------------------------------------------------------------------ findings


def _label(key: str) -> str:
    return EVIDENCE_LABELS.get(key) or field_label(key)


def evidence_text(evidence: dict[str, Any]) -> str:
    """`{"target": "≥20", "actual": "5"}` -> `年度指标值：≥20；实际完成值：5`."""
    parts = []
    for key, value in evidence.items():
        if value is None or value == "" or value == []:
            continue
        if isinstance(value, bool):
            value = "是" if value else "否"
        elif isinstance(value, (list, tuple)):
            value = "、".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = "，".join(f"{_label(k)} {v}" for k, v in value.items())
        parts.append(f"{_label(key)}：{value}")
    return "；".join(parts)


def cite(source: Source | None) -> str:
    return source.cite() if source is not None else ""


def row_text(source: Source | None, limit: int = 400) -> str:
    """The cited row as the file has it (cells joined by │), shortened for a table cell."""
    if source is None or not source.text:
        return ""
    text = " │ ".join(c.strip() for c in source.text.replace("\n", "\t").split("\t") if c.strip())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def filter_findings(
    views: Iterable[FindingView],
    severities: Sequence[str] | None = None,
    rules: Sequence[str] | None = None,
    projects: Sequence[str] | None = None,
    documents: Sequence[str] | None = None,
    status: str = "全部",
) -> list[FindingView]:
    """The views that pass every filter given; an empty filter lets everything through."""
    out = []
    for v in views:
        f = v.finding
        if severities and f.severity not in severities:
            continue
        if rules and f.rule not in rules:
            continue
        if projects and f.project not in projects:
            continue
        if documents and f.document not in documents:
            continue
        if status == "未标记" and v.status:
            continue
        if status in MARK_STATUSES and v.status != status:
            continue
        out.append(v)
    return out


def findings_frame(views: Sequence[FindingView]) -> pd.DataFrame:
    """One row per finding: what it says, its evidence, where it is and the reviewer's mark (text only)."""
    rows = [
        [
            str(v.number),
            severity_label(v.finding.severity),
            v.finding.project,
            v.finding.indicator or "",
            v.finding.message,
            evidence_text(v.finding.evidence),
            v.status,
            v.remark,
            v.finding.rule,
            cite(v.finding.source),
            row_text(v.finding.source),
        ]
        for v in views
    ]
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


PLAIN_FINDING_COLUMNS = [c for c in FINDING_COLUMNS if c not in ("标记", "备注")]
PLAIN_FINDING_WIDTHS = [w for c, w in zip(FINDING_COLUMNS, FINDING_WIDTHS, strict=True) if c in PLAIN_FINDING_COLUMNS]


def plain_findings_frame(findings: Sequence[Finding]) -> pd.DataFrame:
    """Findings of a pre-check or an import: the same columns without marks."""
    frame = findings_frame([FindingView(n, "", f) for n, f in enumerate(findings, 1)])
    return frame[PLAIN_FINDING_COLUMNS]


def filter_choices(views: Sequence[FindingView]) -> dict[str, list[str]]:
    """The values each filter can take, in first-seen order."""
    return {
        "rules": list(dict.fromkeys(v.finding.rule for v in views)),
        "projects": list(dict.fromkeys(v.finding.project for v in views)),
        "documents": list(dict.fromkeys(v.finding.document for v in views)),
    }


def finding_choice(view: FindingView) -> tuple[str, str]:
    """(label, key) for the mark picker."""
    f = view.finding
    what = f.indicator or f.rule
    mark = f"【{view.status}】" if view.status else ""
    return f"{view.number}. {mark}[{severity_label(f.severity)}] {f.project} · {what}", view.key


def finding_summary(all_views: Sequence[FindingView], shown: Sequence[FindingView]) -> str:
    """`共 12 条问题，显示 5 条：错误 3、警告 2；已核实 1、忽略 0` (escaped HTML)."""
    counts = {s: sum(1 for v in shown if v.finding.severity == s) for s in SEVERITY_ORDER}
    marked = {s: sum(1 for v in all_views if v.status == s) for s in MARK_STATUSES}
    parts = "、".join(f"{SEVERITY_LABELS[s]} {n}" for s, n in counts.items() if n)
    marks = "、".join(f"{s} {n}" for s, n in marked.items())
    return (
        f'<div class="jx-summary">共 {len(all_views)} 条问题，当前显示 {len(shown)} 条'
        f"{'：' + esc(parts) if parts else ''}；{esc(marks)}</div>"
    )


def finding_detail_html(view: FindingView | None, rule_doc: str = "") -> str:
    if view is None:
        return '<div class="jx-muted">在上表点击一行，或在下拉框中选择一条问题。</div>'
    f = view.finding
    status = f"<span class='jx-mark'>{esc(view.status)}</span> {esc(view.remark)}" if view.status else "未标记"
    return (
        f'<div class="jx-detail"><div><span class="jx-sev jx-sev-{esc(f.severity)}">{esc(severity_label(f.severity))}'
        f"</span> <b>{esc(f.rule)}</b> {esc(rule_doc)}</div>"
        f"<div>{esc(f.project)} · {esc(f.indicator or '')}（{esc(cite(f.source))}）</div>"
        f"<div class='jx-message'>{esc(f.message)}</div>"
        f"<div class='jx-evidence'>证据：{esc(evidence_text(f.evidence)) or '—'}</div>"
        f"<pre class='jx-row'>{esc(f.source.text if f.source else '')}</pre>"
        f"<div>当前标记：{status}</div></div>"
    )


# ------------------------------------------------------------------------------------------ parse warnings


def warnings_frame(documents: Sequence[Document]) -> pd.DataFrame:
    rows = [[d.name, str(w.line), w.message, _warning_text(w)] for d in documents for w in d.warnings]
    return pd.DataFrame(rows, columns=["文件", "行", "警告", "原文"])


def _warning_text(w: ParseWarning) -> str:
    text = " │ ".join(c.strip() for c in w.text.split("\t") if c.strip())
    return text if len(text) <= 200 else text[:199] + "…"


def intake_html(intake: Intake, imported: bool) -> str:
    """The summary line of an import or a pre-check (escaped)."""
    docs = intake.documents
    projects = sum(len(d.projects) for d in docs)
    warnings = sum(len(d.warnings) for d in docs)
    errors = sum(1 for f in intake.findings if f.severity == "error")
    if imported:
        head = (
            f"导入完成：新增 {len(intake.added)} 个、替换 {len(intake.replaced)} 个、未变化 {len(intake.unchanged)} 个文件"
        )
    else:
        head = f"预审完成（未加入索引）：{len(docs)} 个文件"
    lines = [
        f"<div class='jx-done'>{esc(head)}；项目 {projects} 个；解析警告 {warnings} 条；"
        f"发现问题 {len(intake.findings)} 条（错误 {errors} 条）。</div>"
    ]
    for d in docs:
        names = "、".join(p.name for p in d.projects)
        lines.append(f"<div>· {esc(d.name)}（{esc(KIND_LABELS.get(d.kind, d.kind))}）：{esc(names)}</div>")
    for e in intake.errors:
        lines.append(f"<div class='jx-error'>✗ {esc(e)}</div>")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------ projects


def project_id(document: Document, position: int) -> str:
    return f"{document.sha256[:16]}:{position}"


def project_choices(documents: Sequence[Document]) -> list[tuple[str, str]]:
    """(label, id) per project; the label names the file when a project name occurs twice."""
    names = [p.name for d in documents for p in d.projects]
    out = []
    for d in documents:
        for i, p in enumerate(d.projects):
            year = f"{p.year}年 " if p.year else ""
            label = f"{p.name}（{year}{KIND_LABELS.get(p.kind, p.kind)}）"
            if names.count(p.name) > 1:
                label += f" · {d.name}"
            out.append((label, project_id(d, i)))
    return out


def find_project(documents: Sequence[Document], pid: str | None) -> Project | None:
    if not pid:
        return None
    sha, _, pos = pid.partition(":")
    for d in documents:
        if d.sha256.startswith(sha) and pos.isdigit() and int(pos) < len(d.projects):
            return d.projects[int(pos)]
    return None


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], classes: Sequence[str] | None = None) -> str:
    """An HTML table from already escaped cells."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{classes[i]}"' if classes and classes[i] else ""
        body.append(f"<tr{cls}>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>")
    return f'<table class="jx-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def project_header_html(project: Project) -> str:
    bits = [
        f"<h3>{esc(project.name)}</h3>",
        f"<div class='jx-muted'>{esc(KIND_LABELS.get(project.kind, project.kind))} · {esc(project.year or '')}年度 · "
        f"主管部门 {esc(project.department or '—')} · 实施单位 {esc(project.implementer or '—')} · "
        f"{esc(project.document)}</div>",
    ]
    if project.total_score is not None:
        bits.append(
            f"<div>总分 <b>{esc(fmt_number(project.total_score))}</b> / {esc(fmt_number(project.total_weight))}"
            f" · 评分等级 <b>{esc(project.grade or '—')}</b></div>"
        )
    return "".join(bits)


BUDGET_LINE_LABELS = {"total": "年度资金总额", "appropriation": "其中：当年财政拨款", "carryover": "上年结转资金",
                      "other": "其他资金"}


def budget_html(project: Project, settings: Settings) -> str:
    """The 项目资金 block: budget execution (自评表) or funding (申报表)."""
    if project.budget is not None:
        b = project.budget
        headers = ["", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率(%)", "得分"]
        lines = [("年度资金总额", b.planned, b.adjusted, b.spent, b.weight, b.rate, b.score)]
        lines += [
            (BUDGET_LINE_LABELS.get(bl.label, bl.label), bl.planned, bl.adjusted, bl.spent, bl.weight, bl.rate, bl.score)
            for bl in b.lines
        ]
        rows = [[esc(line[0])] + [esc(fmt_number(v)) for v in line[1:]] for line in lines]
        low = b.rate is not None and b.rate < settings.low_execution_rate
        classes = ["jx-unmet" if low else ""] + [""] * (len(rows) - 1)
        return f"<h4>项目资金（{esc(b.unit)}）</h4>" + _table(headers, rows, classes)
    if project.funding is not None:
        f = project.funding
        pairs = [
            ("项目资金总额", f.total), ("财政资金", f.fiscal), ("其他资金", f.other),
            ("年度资金申请总额", f.annual_request), ("当年财政拨款", f.appropriation),
            ("上年结转资金", f.carryover), ("其他（年度）", f.annual_other),
        ]
        rows = [[esc(k), esc(fmt_number(v))] for k, v in pairs if v is not None]
        extra = [("项目性质", f.nature), ("项目类别", f.category), ("计划开始日期", f.start_date),
                 ("计划完成日期", f.end_date)]
        rows += [[esc(k), esc(v)] for k, v in extra if v]
        return f"<h4>项目资金（{esc(f.unit)}）</h4>" + _table(["项目", "金额 / 内容"], rows)
    return "<div class='jx-muted'>该项目没有资金信息。</div>"


def goals_html(project: Project) -> str:
    """Goals beside outcomes (自评表: 预期目标 | 实际完成情况; 申报表: 项目总目标 | 年度总体目标)."""
    g = project.goals
    if project.kind == "self_evaluation":
        left, right = g.expected, g.achieved
        titles = ("预期目标", "实际完成情况")
    else:
        left, right = g.overall, g.annual
        titles = ("项目总目标", "年度总体目标")

    def column(title: str, block: Any) -> str:
        if block is None or not block.text:
            return f"<div class='jx-col'><h4>{title}</h4><div class='jx-muted'>（未填写）</div></div>"
        items = "".join(f"<li>{esc(c.text)}</li>" for c in block.clauses) or f"<li>{esc(block.text)}</li>"
        return f"<div class='jx-col'><h4>{title}</h4><ol>{items}</ol></div>"

    return f"<div class='jx-goals'>{column(titles[0], left)}{column(titles[1], right)}</div>"


def indicator_result(indicator: Indicator) -> str | None:
    """met / partly / unmet, as the rules judge it (None when it cannot be judged)."""
    from qa.checks.base import result

    if indicator.actual is None:
        return None
    return result(indicator)


def indicators_html(project: Project, findings: Sequence[Finding] = ()) -> str:
    """The indicator table; rows short of their target are marked, rows with findings show how many."""
    by_indicator: dict[str, int] = {}
    for f in findings:
        if f.project == project.name and f.document == project.document and f.indicator:
            by_indicator[f.indicator] = by_indicator.get(f.indicator, 0) + 1
    rows, classes = [], []
    self_eval = project.kind == "self_evaluation"
    for ind in project.indicators:
        verdict = indicator_result(ind) if self_eval else None
        label = VERDICT_LABELS.get(verdict or "", "—" if self_eval else "")
        if verdict == "unmet":
            label = "✗ 未达成"
        n = by_indicator.get(ind.name, 0)
        if n:
            label += f"（问题 {n} 条）"
        rows.append(
            [
                esc(ind.level1), esc(ind.level2), esc(ind.name), esc(ind.target.text),
                esc(ind.actual.text if ind.actual else ""), esc(fmt_number(ind.weight) if ind.weight is not None else ""),
                esc(fmt_number(ind.score) if ind.score is not None else ""), esc(ind.note), esc(label),
            ]
        )
        classes.append({"unmet": "jx-unmet", "partly": "jx-partly"}.get(verdict or "", ""))
    headers = INDICATOR_COLUMNS if self_eval else ["一级指标", "二级指标", "三级指标", "年度指标值", "", "分值", "", "", ""]
    if not self_eval:
        keep = [0, 1, 2, 3, 5]
        rows = [[r[i] for i in keep] for r in rows]
        headers = [INDICATOR_COLUMNS[i] for i in keep]
    if not rows:
        return "<div class='jx-muted'>该项目没有绩效指标。</div>"
    return "<h4>绩效指标</h4>" + _table(headers, rows, classes)


def indicator_chart_html(project: Project) -> str:
    """Target beside actual per numeric indicator, as paired bars scaled per row (units differ by row)."""
    rows = []
    skipped = 0
    for ind in project.indicators:
        t = ind.target.value
        a = ind.actual.value if ind.actual is not None else None
        if t is None or a is None:
            skipped += 1
            continue
        top = max(abs(t), abs(a)) or Decimal(1)
        verdict = indicator_result(ind)
        cls = "jx-bar-actual jx-bar-unmet" if verdict == "unmet" else "jx-bar-actual"
        unit = ind.target.unit or (ind.actual.unit if ind.actual else "") or ""
        rows.append(
            f"<div class='jx-chart-row'><div class='jx-chart-name' title='{esc(ind.name)}'>{esc(ind.name)}</div>"
            f"<div class='jx-chart-bars'>"
            f"<div class='jx-bar jx-bar-target' style='width:{float(abs(t) / top * 100):.1f}%'>"
            f"<span>目标 {esc(ind.target.op or '')}{esc(fmt_number(t))}{esc(unit)}</span></div>"
            f"<div class='jx-bar {cls}' style='width:{float(abs(a) / top * 100):.1f}%'>"
            f"<span>实际 {esc(fmt_number(a))}{esc(unit)}</span></div></div></div>"
        )
    if not rows:
        return "<div class='jx-muted'>该项目没有可比较的数值指标。</div>"
    note = f"<div class='jx-muted'>另有 {skipped} 项定性或无实际值的指标未绘制。</div>" if skipped else ""
    legend = ("<div class='jx-legend'><span class='jx-key jx-bar-target'></span>年度指标值 "
              "<span class='jx-key jx-bar-actual'></span>实际完成值 "
              "<span class='jx-key jx-bar-unmet'></span>未达成</div>")
    return f"<h4>年度指标值与实际完成值</h4>{legend}<div class='jx-chart'>{''.join(rows)}</div>{note}"


def execution_frame(projects: Sequence[Project], settings: Settings, width: int = 14) -> pd.DataFrame:
    """执行率 per self-evaluated project, for a bar chart; names shortened but kept unique."""
    rows = []
    seen: set[str] = set()
    for p in projects:
        b = p.budget
        if b is None:
            continue
        rate = b.rate
        if rate is None and b.spent is not None and b.adjusted:
            rate = b.spent / b.adjusted * 100
        if rate is None:
            continue
        short = p.name if len(p.name) <= width else p.name[: width - 1] + "…"
        base, n = short, 2
        while short in seen:
            short, n = f"{base}({n})", n + 1
        seen.add(short)
        status = "低于阈值" if rate < settings.low_execution_rate else "正常"
        rows.append({"项目": short, "执行率": float(rate), "状态": status, "项目全称": p.name})
    return pd.DataFrame(rows, columns=["项目", "执行率", "状态", "项目全称"])


# ------------------------------------------------------------------------------------------ answers


def _source_rows(project: Project) -> list[tuple[int | None, int, str]]:
    """(page, line, row text) of every row the project's records were read from, in file order."""
    sources: list[Source] = [project.source]
    if project.budget is not None:
        sources += [bl.source for bl in project.budget.lines if bl.source is not None]
        sources.append(project.budget.source)
    if project.funding is not None and project.funding.source is not None:
        sources.append(project.funding.source)
    for block in (project.goals.expected, project.goals.achieved, project.goals.overall, project.goals.annual):
        if block is not None:
            sources.append(block.source)
    sources += [i.source for i in project.indicators]
    rows: dict[tuple[int, int], tuple[int | None, int, str]] = {}
    for s in sources:
        texts = s.text.split("\n") if s.text else []
        span = (s.end_line or s.line) - s.line + 1
        if len(texts) == span:
            for i, t in enumerate(texts):
                rows.setdefault((s.page or 0, s.line + i), (s.page, s.line + i, t))
        elif texts:
            rows.setdefault((s.page or 0, s.line), (s.page, s.line, "\n".join(texts)))
    return [rows[k] for k in sorted(rows)]


def _cells(text: str, limit: int | None) -> str:
    cells = [clean_text(c) for c in text.split("\t")]
    cells = [c for c in cells if c]
    if limit is not None:
        cells = [c if len(c) <= limit else c[: limit - 1] + "…" for c in cells]
    return " │ ".join(esc(c) for c in cells)


def highlight(text: str, snippet: str, window: int = 160) -> str:
    """Escaped `text` with `snippet` marked; a long text is cut to a window around the mark."""
    needle = snippet.strip().rstrip("…").strip()
    at = text.find(needle) if needle else -1
    if at < 0 and len(needle) > 24:
        needle = needle[:24]
        at = text.find(needle)
    if at < 0:
        return esc(text if len(text) <= 3 * window else text[: 3 * window] + "…")
    end = at + len(needle)
    start, stop = max(0, at - window), min(len(text), end + window)
    return (
        ("…" if start else "")
        + esc(text[start:at])
        + f"<mark>{esc(text[at:end])}</mark>"
        + esc(text[end:stop])
        + ("…" if stop < len(text) else "")
    )


def _cited_cells(text: str, snippet: str) -> str:
    cells = [c for c in (clean_text(c) for c in text.split("\t")) if c]
    marked = [highlight(c, snippet) for c in cells]
    if any("<mark>" in m for m in marked):
        # Only the cells that hold the cited words, and the row's label, stay in full.
        marked = [m for i, m in enumerate(marked) if "<mark>" in m or i == 0 or len(cells[i]) <= 40]
    return " │ ".join(marked)


def citation_html(citation: Citation, documents: Sequence[Document], context: int = 1) -> str:
    """A citation with its rows around it from the records; the cited row is highlighted, the cited words marked."""
    project = next(
        (p for d in documents if d.name == citation.document for p in d.projects if p.name == citation.project), None
    )
    where = f"{citation.document} {'第' + str(citation.page) + '页 ' if citation.page else ''}第{citation.line}行"
    head = (
        f"<div class='jx-cite-head'>{esc(where)} · {esc(citation.project)}"
        f"{' · ' + esc(citation.indicator) if citation.indicator else ''}</div>"
    )
    rows = _source_rows(project) if project is not None else []
    at = next(
        (i for i, (page, line, _) in enumerate(rows) if line == citation.line and (citation.page in (None, page))), None
    )
    if at is None:
        return f"<div class='jx-cite'>{head}<div class='jx-cited'>{esc(citation.snippet)}</div></div>"
    body = []
    for i in range(max(0, at - context), min(len(rows), at + context + 1)):
        _, line, text = rows[i]
        if i == at:
            body.append(
                f"<div class='jx-cited'><span class='jx-line'>{line}</span> {_cited_cells(text, citation.snippet)}</div>"
            )
        else:
            body.append(f"<div class='jx-context'><span class='jx-line'>{line}</span> {_cells(text, 60)}</div>")
    return f"<div class='jx-cite'>{head}{''.join(body)}</div>"


def mention_counts(answer: Answer) -> list[tuple[str, str, int]]:
    """(project, document, citations) for every project of the answer, in answer order."""
    counts: dict[str, int] = {}
    docs: dict[str, str] = {}
    for c in answer.citations:
        counts[c.project] = counts.get(c.project, 0) + 1
        docs.setdefault(c.project, c.document)
    return [(p, docs.get(p, ""), counts.get(p, 0)) for p in answer.projects]


def answer_html(answer: Answer, documents: Sequence[Document]) -> str:
    """The answer text, its projects (all of them for 提到/涉及), values and citations — escaped."""
    parts = [f"<div class='jx-answer'>{esc(answer.text)}</div>"]
    if answer.kind == "mentions":
        rows = [[esc(n), esc(p), esc(d), esc(c)] for n, (p, d, c) in enumerate(mention_counts(answer), 1)]
        parts.append(f"<h4>涉及的项目：共 {len(rows)} 个</h4>")
        if rows:
            parts.append(_table(["序号", "项目", "文件", "依据条数"], rows))
    elif answer.projects:
        chips = "".join(f"<span class='jx-chip'>{esc(p)}</span>" for p in answer.projects)
        parts.append(f"<h4>项目（{len(answer.projects)} 个）</h4><div>{chips}</div>")
    if answer.values:
        rows = [
            [esc(v.project), esc(v.indicator or ""), esc(field_label(v.field)),
             esc(fmt_number(v.value)), esc(v.unit or "")]
            for v in answer.values
        ]
        parts.append(f"<h4>数值（{len(rows)} 项）</h4>" + _table(["项目", "指标", "字段", "数值", "单位"], rows))
    if answer.suggestions:
        chips = "".join(f"<span class='jx-chip'>{esc(s)}</span>" for s in answer.suggestions)
        parts.append(f"<h4>可以试试</h4><div>{chips}</div>")
    if answer.citations:
        parts.append(f"<h4>出处（{len(answer.citations)} 条）</h4>")
        parts.extend(citation_html(c, documents) for c in answer.citations)
    return "\n".join(parts)


CSS = """
.jx-table { border-collapse: collapse; width: 100%; font-size: 14px; }
.jx-table th, .jx-table td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
.jx-table th { background: #f3f4f6; }
.jx-unmet td { background: #fde8e8; }
.jx-partly td { background: #fff4d6; }
.jx-goals { display: flex; gap: 16px; }
.jx-col { flex: 1; border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 12px; }
.jx-muted { color: #6b7280; }
.jx-answer { font-size: 16px; padding: 8px 0; white-space: pre-wrap; }
.jx-chip { display: inline-block; background: #e0ecff; border-radius: 12px; padding: 2px 10px; margin: 2px; }
.jx-cite { border: 1px solid #d0d7de; border-radius: 6px; margin: 6px 0; padding: 6px 10px; font-size: 13px; }
.jx-cite-head { color: #374151; font-weight: 600; margin-bottom: 4px; }
.jx-context { color: #6b7280; }
.jx-cited { background: #fff3a3; padding: 2px 4px; border-left: 3px solid #e0b000; }
.jx-line { display: inline-block; min-width: 3em; color: #9ca3af; }
.jx-cited mark { background: #fbbf24; padding: 0 1px; }
.jx-chart-row { display: flex; align-items: center; margin: 6px 0; }
.jx-chart-name { width: 30%; padding-right: 8px; font-size: 13px; }
.jx-chart-bars { flex: 1; }
.jx-bar { height: 18px; margin: 1px 0; white-space: nowrap; font-size: 12px; line-height: 18px; min-width: 2px; }
.jx-bar span { padding-left: 4px; }
.jx-bar-target { background: #cbd5e1; }
.jx-bar-actual { background: #86efac; }
.jx-bar-unmet { background: #fca5a5; }
.jx-key { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px; vertical-align: middle; }
.jx-sev { border-radius: 4px; padding: 0 6px; color: white; }
.jx-sev-error { background: #dc2626; } .jx-sev-warning { background: #d97706; } .jx-sev-info { background: #2563eb; }
.jx-row { white-space: pre-wrap; background: #f9fafb; padding: 4px; font-size: 12px; }
.jx-done { font-weight: 600; color: #166534; }
.jx-error { color: #b91c1c; }
.jx-mark { background: #dcfce7; border-radius: 4px; padding: 0 6px; }
"""
