"""What the web UI shows, built from records: tables, escaped HTML, chart data, uploads (no gradio here)."""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import tempfile
import threading
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from corpus.errors import JixiaoError, UnreadableFileError
from corpus.load import READERS, TEXT_SUFFIXES
from corpus.model import Answer, Citation, Document, Finding, Indicator, Project, RefusedFile, Source
from corpus.parse import clean_text
from corpus.readers import DEFAULT_MAX_UNZIPPED_MB, DEFAULT_MAX_ZIP_RATIO
from corpus.settings import Settings
from qa import reading
from qa.ask import label as field_label
from qa.report import SEVERITY_LABELS, SEVERITY_ORDER
from qa.verdict import (
    STATUS_ERRORS,
    STATUS_OK,
    STATUS_REVIEW,
    STATUS_UNREAD,
    DocumentVerdict,
    ProjectVerdict,
    document_verdicts,
    project_verdicts,
)

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
    "placeholders": "占位内容",
    "project_end": "项目结束日期",
    "end_from": "结束日期依据",
    "level1": "一级指标",
    "level2": "二级指标",
}
FINDING_COLUMNS = ["序号", "级别", "项目", "指标", "问题", "证据", "标记", "备注", "规则", "出处", "原文"]
FINDING_WIDTHS = ["56px", "60px", "170px", "150px", "340px", "220px", "76px", "140px", "170px", "220px", "360px"]
INDICATOR_COLUMNS = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因", "结果"]
VERDICT_LABELS = {"met": "达成", "partly": "部分达成", "unmet": "未达成"}
UPLOAD_SUFFIX = "-uploads"
MAX_NAME_CHARS = 100
ARCHIVE_SUFFIX = ".zip"
KEY_SEPARATOR = "\x1f"  # in no file or project name (names are cleaned of control characters)
UNIT_MISSING = "（未填写）"
# A batch (one upload, zips expanded) holds at most this many files; the zip-bomb limits are those of
# corpus/readers/ (xlsx.py, docx.py) for XLSX/DOCX containers, and small members may compress as well as
# they like there too.
MAX_BATCH_FILES = 500
RATIO_FLOOR_BYTES = 8 * 1024 * 1024
# Archivers' own files, never a reviewer's document.
ARCHIVE_JUNK = re.compile(r"(^|/)(__MACOSX/|\._|\.DS_Store$|Thumbs\.db$)")


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
    """The suffixes `corpus.load.load` can read; an upload without a suffix is refused (its kind is unknown)."""
    return {s for s in (*TEXT_SUFFIXES, *READERS) if s}


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
        raise UnreadableFileError(
            f"{name}: 不支持的文件格式 {suffix or '（无后缀）'}，请上传 {kinds} 文件", reason="unsupported"
        )
    if not src.is_file():
        raise UnreadableFileError(f"{name}: 上传的文件已不存在，请重新上传")
    size = src.stat().st_size
    if size > max_mb * 1024 * 1024:
        raise UnreadableFileError(
            f"{name}: 文件大小 {size / 1048576:.1f} MB 超过上限 {max_mb} MB，请拆分后再上传", reason="too-large"
        )
    target_dir = directory / uuid.uuid4().hex
    target_dir.mkdir(parents=True, exist_ok=False)
    target = target_dir / name
    shutil.copyfile(src, target)
    return target


def _sha256_or_empty(path: str | Path) -> str:
    try:
        return file_sha256(path)
    except OSError:
        return ""


def file_sha256(path: str | Path) -> str:
    """The sha256 of a file's bytes, as `Document.sha256` (corpus/readers/ hash the bytes they read)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class FileLine:
    """What happened to one file of a batch: its name, a short status and the detail a reviewer reads;
    how much of it was read (reading.READ_*, "" when it was not meant to be read), why not, and the
    grouped parse warnings."""

    name: str
    status: str
    detail: str = ""
    reading: str = ""
    reason: str = ""  # RefusedFile.reason when the file was not read
    missing: tuple[str, ...] = ()  # what a partly read file lacks
    warnings: tuple[reading.WarningGroup, ...] = ()


def refused_line(name: str, detail: str, reason: str, status: str | None = None) -> FileLine:
    """A file that was not read, with why."""
    return FileLine(name, status or FILE_FAILED, detail, reading.READ_NONE, reason)


def document_line(document: Document, status: str, detail: str, name: str | None = None) -> FileLine:
    """A parsed (or already indexed) file: read whole or in part, with its grouped warnings."""
    state = reading.document_reading(document)
    return FileLine(
        name or document.name, status, detail, state.state, "", state.missing, tuple(reading.group_warnings(document))
    )


# FileLine.status values; the first two mean the file went on to be parsed.
FILE_NEW = "新增"
FILE_REPLACED = "替换"
FILE_KNOWN = "已在索引中"
FILE_REPEATED = "本批重复"
FILE_SKIPPED = "已跳过"
FILE_FAILED = "失败"
FILE_CHECKED = "已预审"
FILE_NOT_IMPORTED = "未导入"
FILE_STATUS_CLASSES = {
    FILE_NEW: "jx-ok", FILE_REPLACED: "jx-ok", FILE_CHECKED: "jx-ok", FILE_KNOWN: "jx-known",
    FILE_REPEATED: "jx-known", FILE_SKIPPED: "jx-muted", FILE_FAILED: "jx-error",
}


def _member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its author wrote it: zips made on Chinese Windows store GBK names without
    the UTF-8 flag, which Python reads as cp437."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("gb18030")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name


def expand_zip(path: str | Path, shown: str, directory: Path, max_mb: int) -> tuple[list[tuple[Path, str]], list[FileLine]]:
    """The readable members of an uploaded zip, written under `directory` with harmless names.

    Only members with a readable suffix are taken, each no larger than `max_mb`; the archive as a whole
    may hold at most MAX_BATCH_FILES members and unpack to DEFAULT_MAX_UNZIPPED_MB; a member that
    unpacks more than DEFAULT_MAX_ZIP_RATIO times its packed size is refused. Folders inside the zip are
    flattened (a member's own base name is kept), so no member can be written outside `directory`.

    Returns:
        ([(path, name shown to the reviewer)], [FileLine for every member skipped or refused]).
    Raises:
        UnreadableFileError: not a zip, damaged, or over the limits as a whole.
    """
    label = safe_name(shown)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise UnreadableFileError(f"{label}: 不是有效的 zip 压缩包或已损坏，请重新压缩后再上传") from None
    out: list[tuple[Path, str]] = []
    lines: list[FileLine] = []
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir() and not ARCHIVE_JUNK.search(m.filename)]
        if len(members) > MAX_BATCH_FILES:
            raise UnreadableFileError(
                f"{label}: 压缩包内有 {len(members)} 个文件，超过一次最多 {MAX_BATCH_FILES} 个，请分批上传"
            )
        total = sum(m.file_size for m in members)
        if total > DEFAULT_MAX_UNZIPPED_MB * 1024 * 1024:
            raise UnreadableFileError(
                f"{label}: 解压后 {total / 1048576:.0f} MB，超过上限 {DEFAULT_MAX_UNZIPPED_MB} MB，请分批上传"
            )
        limit = max_mb * 1024 * 1024
        for m in members:
            inner = _member_name(m)
            name = safe_name(inner)
            shown_name = f"{label}/{inner}"
            suffix = Path(name).suffix.lower()
            if suffix not in allowed_suffixes():
                why = "压缩包内的压缩包不展开" if suffix == ARCHIVE_SUFFIX else f"不支持的格式 {suffix or '（无后缀）'}"
                lines.append(refused_line(shown_name, why, "unsupported", FILE_SKIPPED))
                continue
            if m.flag_bits & 0x1:
                lines.append(refused_line(shown_name, "压缩包内的文件设置了密码，请解密后再上传", "encrypted"))
                continue
            if m.file_size > limit:
                lines.append(
                    refused_line(shown_name, f"文件大小 {m.file_size / 1048576:.1f} MB 超过上限 {max_mb} MB", "too-large")
                )
                continue
            if m.file_size > RATIO_FLOOR_BYTES and m.file_size > DEFAULT_MAX_ZIP_RATIO * max(m.compress_size, 1):
                lines.append(refused_line(shown_name, "压缩比异常，疑似压缩炸弹，已拒绝", "damaged"))
                continue
            try:
                with archive.open(m) as src:
                    data = src.read(limit + 1)  # the header's size may lie: read no more than allowed
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
                lines.append(refused_line(shown_name, "压缩包内的文件已损坏，无法解压", "damaged"))
                continue
            if len(data) > limit:
                lines.append(refused_line(shown_name, f"解压后超过上限 {max_mb} MB", "too-large"))
                continue
            target_dir = directory / uuid.uuid4().hex
            target_dir.mkdir(parents=True)
            target = target_dir / name
            target.write_bytes(data)
            out.append((target, inner))
    return out, lines


def expand_uploads(
    files: Sequence[tuple[str, str]], directory: Path, max_mb: int
) -> tuple[list[tuple[str, str]], list[FileLine]]:
    """Uploaded (path, name) pairs with every zip replaced by its readable members (written under `directory`).

    Returns:
        (files to read, FileLine for every file or member skipped or refused).
    """
    out: list[tuple[str, str]] = []
    lines: list[FileLine] = []
    for path, name in files:
        if Path(name).suffix.lower() != ARCHIVE_SUFFIX:
            out.append((path, name))
            continue
        try:
            members, skipped = expand_zip(path, name, directory, max_mb)
        except JixiaoError as exc:
            lines.append(refused_line(name, reading.without_paths(str(exc), path, name=name), exc.reason))
            continue
        out.extend((str(p), n) for p, n in members)
        lines.extend(skipped)
        if not members and not skipped:
            lines.append(FileLine(name, FILE_SKIPPED, "压缩包内没有文件"))
    if len(out) > MAX_BATCH_FILES:
        lines.extend(
            refused_line(n, f"一次最多处理 {MAX_BATCH_FILES} 个文件，请分批上传", "too-many", FILE_SKIPPED)
            for _, n in out[MAX_BATCH_FILES:]
        )
        out = out[:MAX_BATCH_FILES]
    return out, lines


@dataclass(frozen=True)
class Batch:
    """A batch after sorting: files to parse, each once, and files already indexed (by content)."""

    todo: list[tuple[str, str]]
    known: list[tuple[str, str]]  # (upload name, the indexed document with the same bytes)
    lines: list[FileLine]


def sort_batch(files: Sequence[tuple[str, str]], indexed: dict[str, str], progress: Progress | None = None) -> Batch:
    """Hash every file before anything is parsed: a file whose bytes an indexed document has is not
    parsed again, a file repeated in the batch is parsed once, and two different files that share a
    name get distinct names (uploads are told apart by name, so the second would replace the first).

    Args:
        files: (path, name shown) pairs.
        indexed: sha256 -> document name, for the documents already in the index.
    """
    todo: list[tuple[str, str]] = []
    known: list[tuple[str, str]] = []
    lines: list[FileLine] = []
    seen: dict[str, str] = {}
    names: set[str] = set()
    for i, (path, name) in enumerate(files):
        if progress is not None:
            progress(0.05 * i / max(len(files), 1), f"第 {i + 1}/{len(files)} 个文件：校验 {safe_name(name)}")
        try:
            sha = file_sha256(path)
        except OSError:
            lines.append(refused_line(name, "上传的文件已不存在，请重新上传", "damaged"))
            continue
        if sha in indexed:
            known.append((name, indexed[sha]))
            lines.append(FileLine(name, FILE_KNOWN, f"与索引中的 {indexed[sha]} 内容相同，未重新解析和嵌入"))
            continue
        if sha in seen:
            lines.append(FileLine(name, FILE_REPEATED, f"与本批的 {seen[sha]} 内容相同，只处理一次"))
            continue
        seen[sha] = name
        unique = safe_name(name)
        stem, suffix, n = Path(unique).stem, Path(unique).suffix, 2
        while unique in names:
            unique, n = f"{stem}({n}){suffix}", n + 1
        names.add(unique)
        todo.append((path, unique))
    return Batch(todo, known, lines)


# ------------------------------------------------------------------------------------------ workspace


@dataclass(frozen=True)
class FindingView:
    """A finding as the review table shows it: the finding, its stable key and the reviewer's mark."""

    number: int
    key: str
    finding: Finding
    status: str = ""
    remark: str = ""
    department: str = ""  # 主管部门 of the project the finding is about
    implementer: str = ""  # 实施单位


@dataclass
class Intake:
    """What an upload did: documents parsed, files that were not read (and why), findings of the new documents."""

    documents: list[Document] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    refused: list[RefusedFile] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    report: Path | None = None
    lines: list[FileLine] = field(default_factory=list)  # one per file of the batch (zip members apart)
    known: list[tuple[str, str]] = field(default_factory=list)  # (upload name, indexed document with its bytes)


def _upload_identity(record: Document | RefusedFile) -> str:
    return f"upload:{record.name}"


class Workspace:
    """The index, the model and the findings of the index, loaded once and shared by every request."""

    def __init__(self, index: Index, settings: Settings, embedder: Any | None) -> None:
        self.index = index
        self.settings = settings
        self.embedder = embedder
        self._lock = threading.RLock()
        self._findings: list[Finding] | None = None
        self._checking: threading.Thread | None = None
        self.last_batch: list[str] = []  # document names of the latest import, known files included

    def check_in_background(self) -> None:
        """Start checking the index now, so the first page need not wait for the rules (some embed text)."""
        self._checking = threading.Thread(target=self.findings, name="jixiao-checks", daemon=True)
        self._checking.start()

    def findings_ready(self) -> bool:
        return self._findings is not None

    def documents(self) -> list[Document]:
        return self.index.documents()

    def refused(self) -> list[RefusedFile]:
        """The files the index lists as not read (Index.refused)."""
        return list(self.index.refused())

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
        units = finding_units(self.documents())
        views = []
        for n, f in enumerate(self.findings(), 1):
            key = finding_key(f)
            mark = marks.get(key, {})
            department, implementer = units(f)
            views.append(
                FindingView(n, key, f, mark.get("status", ""), mark.get("remark", ""), department, implementer)
            )
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
        """Copy the uploads (path, original name) into `directory` and parse them; failures are collected.

        Zips are expanded first; every file is hashed before it is parsed, and a file repeated in the
        batch is parsed once (`sort_batch`). Files the index already holds are left to `ingest`.
        """
        return self._parse(files, directory, progress, indexed={})

    def _parse(
        self, files: Sequence[tuple[str, str]], directory: Path, progress: Progress, indexed: dict[str, str]
    ) -> Intake:
        from corpus.parse import parse_file

        intake = Intake()
        staging = Path(tempfile.mkdtemp(prefix="jixiao-batch-"))
        try:
            expanded, intake.lines = expand_uploads(files, staging, self.settings.max_file_mb)
            batch = sort_batch(expanded, indexed, progress)
            intake.lines += batch.lines
            intake.refused += [
                RefusedFile(line.name, "", line.reason, line.detail)
                for line in intake.lines
                if line.reading == reading.READ_NONE
            ]
            intake.known = list(batch.known)
            for i, (path, name) in enumerate(batch.todo):
                progress(0.05 + 0.25 * i / max(len(batch.todo), 1), f"第 {i + 1}/{len(batch.todo)} 个文件：解析 {name}")
                stored: Path | None = None
                try:
                    stored = store_upload(path, directory, self.settings.max_file_mb, name)
                    doc = parse_file(stored, max_mb=self.settings.max_file_mb)
                except JixiaoError as exc:
                    # The reviewer reads the file's name, never where the server keeps it.
                    message = reading.without_paths(str(exc), *(p for p in (stored, path) if p), name=name)
                    if stored is not None:  # a file that was not read is not kept
                        shutil.rmtree(stored.parent, ignore_errors=True)
                    intake.errors.append(message)
                    intake.lines.append(refused_line(name, message, exc.reason))
                    intake.refused.append(RefusedFile(name, _sha256_or_empty(path), exc.reason, message))
                    continue
                intake.documents.append(doc)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return intake

    def _known_lines(self, intake: Intake) -> None:
        """Give the files already in the index the reading of their indexed document."""
        by_name = {d.name: d for d in self.documents()}
        lines = []
        for line in intake.lines:
            known = next((doc for upload, doc in intake.known if upload == line.name), None)
            if line.status == FILE_KNOWN and known in by_name:
                line = document_line(by_name[known], line.status, line.detail, line.name)
            lines.append(line)
        intake.lines = lines

    def ingest(self, files: Sequence[tuple[str, str]], progress: Progress) -> Intake:
        """Parse, add to the index (embedding with progress) and check the uploaded documents.

        A file whose bytes an indexed document already has is reported at once and neither parsed nor
        embedded; the batch (new and known documents) becomes `last_batch`, a scope of the overview.
        """
        indexed = {d.sha256: d.name for d in self.documents()}
        intake = self._parse(files, self.upload_dir(), progress, indexed)
        self._known_lines(intake)
        self.last_batch = list(
            dict.fromkeys(
                [*(n for _, n in intake.known), *(d.name for d in intake.documents), *(r.name for r in intake.refused)]
            )
        )
        with self._lock:
            for refused in intake.refused:  # listed as not read until a version of it is read
                self.index.add_refused(refused, identity=_upload_identity)
        if not intake.documents:
            known = set(self.last_batch)
            if known and self.findings_ready():
                intake.findings = [f for f in self.findings() if f.document in known]
            progress(1.0, "完成")
            return intake

        def embedded(done: int, total: int) -> None:
            progress(0.3 + 0.5 * done / max(total, 1), f"嵌入 {done}/{total} 段")

        with self._lock:
            # Each upload lands in a folder of its own, so the file's name is what makes a corrected
            # re-upload replace its earlier version instead of sitting beside it.
            result = self.index.add(intake.documents, progress=embedded, identity=_upload_identity)
            intake.added, intake.replaced, intake.unchanged = result.added, result.replaced, result.unchanged
            progress(0.85, "核查")
            self._findings = None
            mine = set(self.last_batch)
            intake.findings = [f for f in self.findings() if f.document in mine]
        status = {**dict.fromkeys(result.added, FILE_NEW), **dict.fromkeys(result.replaced, FILE_REPLACED)}
        for d in intake.documents:
            what = status.get(d.path, FILE_KNOWN)
            intake.lines.append(document_line(d, what, f"{KIND_LABELS.get(d.kind, d.kind)}，{len(d.projects)} 个项目"))
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
        for d in intake.documents:
            intake.lines.append(
                document_line(d, FILE_CHECKED, f"{KIND_LABELS.get(d.kind, d.kind)}，{len(d.projects)} 个项目（未加入索引）")
            )
        progress(0.9, "生成报告")
        from qa.report import write_xlsx

        intake.report = directory / "预审报告.xlsx"
        write_xlsx(intake.findings, intake.report, marks={}, documents=intake.documents, settings=self.settings)
        progress(1.0, "完成")
        return intake

    def verdicts(self) -> list[ProjectVerdict]:
        """A verdict per indexed project, from the index's findings (waits for them)."""
        return project_verdicts(self.documents(), self.findings(), self.settings)


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


def project_key(document: str, project: str) -> str:
    """One project of one file, as the project filter names it (a name alone may occur in two files)."""
    return f"{document}{KEY_SEPARATOR}{project}"


def finding_units(documents: Sequence[Document]) -> Callable[[Finding], tuple[str, str]]:
    """finding -> (主管部门, 实施单位) of the project it is about; a finding about a document as a whole
    takes its document's units when all of its projects share them (else "")."""
    by_project: dict[tuple[str, str], tuple[str, str]] = {}
    by_document: dict[str, tuple[str, str]] = {}
    for d in documents:
        pairs = {(p.department or "", p.implementer or "") for p in d.projects}
        for p in d.projects:
            by_project.setdefault((d.name, p.name), (p.department or "", p.implementer or ""))
        depts = {a for a, _ in pairs}
        impls = {b for _, b in pairs}
        by_document[d.name] = (depts.pop() if len(depts) == 1 else "", impls.pop() if len(impls) == 1 else "")

    def units(f: Finding) -> tuple[str, str]:
        return by_project.get((f.document, f.project)) or by_document.get(f.document, ("", ""))

    return units


def filter_findings(
    views: Iterable[FindingView],
    severities: Sequence[str] | None = None,
    rules: Sequence[str] | None = None,
    projects: Sequence[str] | None = None,
    documents: Sequence[str] | None = None,
    status: str = "全部",
    departments: Sequence[str] | None = None,
    implementers: Sequence[str] | None = None,
) -> list[FindingView]:
    """The views that pass every filter given; an empty filter lets everything through.

    `projects` holds `project_key`s; `departments` / `implementers` hold unit names, UNIT_MISSING for none.
    """
    out = []
    for v in views:
        f = v.finding
        if severities and f.severity not in severities:
            continue
        if rules and f.rule not in rules:
            continue
        if projects and project_key(f.document, f.project) not in projects:
            continue
        if documents and f.document not in documents:
            continue
        if departments and (v.department or UNIT_MISSING) not in departments:
            continue
        if implementers and (v.implementer or UNIT_MISSING) not in implementers:
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


def filter_choices(views: Sequence[FindingView]) -> dict[str, list]:
    """The values each filter can take, in first-seen order; projects as (label, project_key), the label
    naming the file when a project name occurs in more than one."""
    pairs = list(dict.fromkeys((v.finding.document, v.finding.project) for v in views))
    files_of: dict[str, set[str]] = {}
    for document, project in pairs:
        files_of.setdefault(project, set()).add(document)
    return {
        "rules": list(dict.fromkeys(v.finding.rule for v in views)),
        "projects": [
            (project if len(files_of[project]) == 1 else f"{project} · {document}", project_key(document, project))
            for document, project in pairs
        ],
        "documents": list(dict.fromkeys(v.finding.document for v in views)),
        "departments": list(dict.fromkeys(v.department or UNIT_MISSING for v in views)),
        "implementers": list(dict.fromkeys(v.implementer or UNIT_MISSING for v in views)),
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
            if not reading.project_complete(p):
                label += f" · {reading.READ_PARTIAL}"
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


def project_header_html(project: Project, verdict: ProjectVerdict | None = None, checked: bool = False) -> str:
    """Name, kind, year, units and file; 总分 and 等级 of a 自评表; the verdict once the checks have run."""
    bits = [
        f"<h3>{esc(project.name)}</h3>",
        f"<div class='jx-muted'>{esc(KIND_LABELS.get(project.kind, project.kind))} · {esc(project.year or '')}年度 · "
        f"主管部门 {esc(project.department or '—')} · 实施单位 {esc(project.implementer or '—')} · "
        f"{esc(project.document)}</div>",
        reading.coverage_html(project),
    ]
    if project.total_score is not None:
        bits.append(
            f"<div>总分 <b>{esc(fmt_number(project.total_score))}</b> / {esc(fmt_number(project.total_weight))}"
            f" · 评分等级 <b>{esc(project.grade or '—')}</b></div>"
        )
    if verdict is not None or checked:
        bits.append(verdict_line_html(verdict))
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
    cov = project.coverage
    unread = cov.indicator_rows_seen - cov.indicator_rows_read if cov is not None else 0
    note = (
        f"<div class='jx-missing'>绩效指标表共 {cov.indicator_rows_seen} 行，另有 {unread} 行未能读取，未列出；"
        "请对照原表核对。</div>" if cov is not None and unread > 0 else ""
    )
    if not rows:
        return (note or "") + "<div class='jx-muted'>该项目没有读出绩效指标。</div>"
    return "<h4>绩效指标</h4>" + _table(headers, rows, classes) + note


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


# ------------------------------------------------------------------------------------------ overview

YUAN_PER_UNIT = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000), "亿元": Decimal(100000000)}
WAN = Decimal(10000)
STATUS_CLASSES = {STATUS_OK: "jx-ok", STATUS_REVIEW: "jx-review", STATUS_ERRORS: "jx-bad", STATUS_UNREAD: "jx-unscored"}
# Worst last; a project not read whole is listed first: nothing is known of what was not read.
STATUS_RANK = {STATUS_OK: 0, STATUS_REVIEW: 1, STATUS_ERRORS: 2, STATUS_UNREAD: 3}
STATUS_COLORS = {STATUS_OK: "#16a34a", STATUS_REVIEW: "#d97706", STATUS_ERRORS: "#dc2626", STATUS_UNREAD: "#6b7280"}
SEVERITY_COLORS = {"error": "#dc2626", "warning": "#d97706", "info": "#2563eb"}
# Upper edges of the 执行率 bins (percent); the last bin holds 100% and above.
EXECUTION_EDGES = (60, 70, 80, 90, 95, 100)
PENDING = "<div class='jx-muted'>正在核查索引中的文档（启动后首次核查需要一两分钟）……</div>"
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


def funds_yuan(project: Project) -> Decimal | None:
    """The project's funds in 元: 全年预算数 (else 年初预算数) of a 自评表; 年度资金申请总额 (else 项目资金总额)
    of a 申报表. None without a figure or in a unit other than 元/千元/万元/亿元."""
    if project.budget is not None:
        amount = project.budget.adjusted if project.budget.adjusted is not None else project.budget.planned
        unit = project.budget.unit
    elif project.funding is not None:
        f = project.funding
        amount = f.annual_request if f.annual_request is not None else f.total
        unit = f.unit
    else:
        return None
    factor = YUAN_PER_UNIT.get((unit or "").strip())
    return None if amount is None or factor is None else amount * factor


def fmt_yuan(value: Decimal) -> str:
    """`12345678` -> `12,345,678.00 元（1,234.57 万元）`."""
    wan = (value / WAN).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{value.quantize(Decimal('0.01'), ROUND_HALF_UP):,} 元（{wan:,} 万元）"


def execution_rate(project: Project) -> Decimal | None:
    """执行率 in percent as printed, else 全年执行数 / 全年预算数; None for a 申报表."""
    b = project.budget
    if b is None:
        return None
    if b.rate is not None:
        return b.rate
    if b.spent is not None and b.adjusted:
        return b.spent / b.adjusted * 100
    return None


def in_scope(documents: Sequence[Document], names: Sequence[str] | None) -> list[Document]:
    """The documents named (all when `names` is empty)."""
    return [d for d in documents if d.name in names] if names else list(documents)


@dataclass(frozen=True)
class Overview:
    """The headline figures of a set of documents."""

    documents: int
    projects: int
    kinds: dict[str, int]  # projects per kind
    funds: dict[str, Decimal]  # 元 per kind
    unfunded: int  # projects without funds in a known unit
    average_score: Decimal | None  # mean 总分 of the self-evaluated projects that print one
    scored: int
    statuses: dict[str, int] | None  # projects per verdict status; None while the checks run
    findings: int | None
    refused: int = 0  # files not read at all
    partial_files: int = 0  # files read in part
    partial_projects: int = 0  # projects not read whole

    @property
    def unread_files(self) -> int:
        return self.refused + self.partial_files

    @property
    def total_funds(self) -> Decimal:
        return sum(self.funds.values(), Decimal(0))

    @property
    def pass_rate(self) -> Decimal | None:
        """Share of projects 可提交, in percent (one decimal)."""
        if self.statuses is None or not self.projects:
            return None
        return (Decimal(self.statuses.get(STATUS_OK, 0)) * 100 / self.projects).quantize(Decimal("0.1"), ROUND_HALF_UP)


def overview(
    documents: Sequence[Document],
    verdicts: Sequence[ProjectVerdict] | None = None,
    findings: Sequence[Finding] | None = None,
    refused: Sequence[RefusedFile] = (),
) -> Overview:
    """Counts, funds (元), mean 总分, verdict statuses and what was not read of `documents` and the files
    `refused` (all already scoped)."""
    projects = [p for d in documents for p in d.projects]
    kinds: dict[str, int] = {}
    funds: dict[str, Decimal] = {}
    unfunded = 0
    for p in projects:
        kinds[p.kind] = kinds.get(p.kind, 0) + 1
        amount = funds_yuan(p)
        if amount is None:
            unfunded += 1
        else:
            funds[p.kind] = funds.get(p.kind, Decimal(0)) + amount
    state = reading.unread(documents, refused)
    scores = [p.total_score for p in projects if p.kind == "self_evaluation" and p.total_score is not None]
    average = (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01"), ROUND_HALF_UP) if scores else None
    statuses = None
    if verdicts is not None:
        statuses = {STATUS_OK: 0, STATUS_REVIEW: 0, STATUS_ERRORS: 0}
        for v in verdicts:
            statuses[v.status] = statuses.get(v.status, 0) + 1
    return Overview(
        documents=len(documents),
        projects=len(projects),
        kinds=kinds,
        funds=funds,
        unfunded=unfunded,
        average_score=average,
        scored=len(scores),
        statuses=statuses,
        findings=None if findings is None else len(findings),
        refused=len(refused),
        partial_files=len(state.partial_documents),
        partial_projects=state.partial_projects,
    )


def overview_html(ov: Overview) -> str:
    """The headline cards: documents, projects, funds (元 and 万元), mean 总分, pass rate, findings."""
    kinds = "、".join(f"{KIND_LABELS.get(k, k)} {n}" for k, n in ov.kinds.items())
    funds = "<br>".join(f"{esc(KIND_LABELS.get(k, k))}：{esc(fmt_yuan(v))}" for k, v in ov.funds.items())
    if ov.unfunded:
        funds += f"<br>另有 {ov.unfunded} 个项目未填资金或单位不明，未计入"
    pending = "核查中……"
    rate = ov.pass_rate
    statuses = (
        "、".join(f"{s} {n}" for s, n in ov.statuses.items()) if ov.statuses is not None else pending
    )
    unread_parts = "、".join(
        text for text, n in (
            (f"未读取 {ov.refused} 个文件", ov.refused), (f"部分读取 {ov.partial_files} 个文件", ov.partial_files),
            (f"{ov.partial_projects} 个项目未能完整读取", ov.partial_projects),
        ) if n
    )
    cards = [
        ("documents", "文件", str(ov.documents), f"另有 {ov.refused} 个文件未能读取" if ov.refused else ""),
        ("projects", "项目", str(ov.projects), kinds),
        ("funds", "资金合计", f"{(ov.total_funds / WAN).quantize(Decimal('0.01'), ROUND_HALF_UP):,} 万元",
         f"{ov.total_funds.quantize(Decimal('0.01'), ROUND_HALF_UP):,} 元<br>{funds}"),
        ("score", "自评平均总分", fmt_number(ov.average_score) if ov.average_score is not None else "—",
         f"{ov.scored} 个自评项目"),
        ("pass", "可提交比例", f"{rate}%" if rate is not None else pending, statuses),
        ("findings", "问题", str(ov.findings) if ov.findings is not None else pending, ""),
        ("unread", "未完整读取", f"{ov.unread_files} 个文件", unread_parts or "全部文件均已完整读取"),
    ]
    body = "".join(
        f"<div class='jx-card{' jx-card-warn' if key == 'unread' and (ov.unread_files or ov.partial_projects) else ''}'"
        f" id='card-{key}'><div class='jx-card-label'>{esc(label)}</div>"
        f"<div class='jx-card-value'>{esc(value)}</div><div class='jx-card-note'>{note}</div></div>"
        for key, label, value, note in cards
    )
    note = ("<div class='jx-muted'>资金：自评表取全年预算数，申报表取年度资金申请总额（未填则取项目资金总额），"
            "万元与元换算后合计。</div>")
    return f"<div class='jx-cards'>{body}</div>{note}"


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


def rule_title(rule: str) -> str:
    """The first line of a rule's docstring (what a reviewer would say), or ""."""
    from qa.checks import RULES

    r = RULES.get(rule)
    line = r.doc.strip().split("\n")[0] if r is not None and r.doc else ""
    return line.removeprefix(f"{rule}:").strip()


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
        title = f"{b.rule}：{b.count} 条（累计 {b.cumulative}%）{rule_title(b.rule)}"
        parts.append(
            f"<g {_pick('rule', b.rule, title)}><title>{esc(title)}</title>"
            f"<rect x='{cx - bw / 2:.1f}' y='{top + plot_h - h:.1f}' width='{bw:.1f}' height='{h:.1f}'"
            f" class='jx-svg-bar' data-rule='{esc(b.rule)}' data-count='{b.count}'/>"
            f"<text x='{cx:.1f}' y='{top + plot_h - h - 4:.1f}' class='jx-count' text-anchor='middle'>{b.count}</text>"
            f"<text x='{cx:.1f}' y='{top + plot_h + 12}' class='jx-tick' text-anchor='end'"
            f" transform='rotate(-40 {cx:.1f} {top + plot_h + 12})'>{esc(b.rule)}</text></g>"
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


def status_badge(status: str) -> str:
    return f"<span class='jx-status {STATUS_CLASSES.get(status, '')}'>{esc(status)}</span>"


def verdicts_html(documents: Sequence[DocumentVerdict], projects: Sequence[ProjectVerdict], limit: int | None = None) -> str:
    """The verdict tables: per document, then per project (worst first); a project row filters the findings."""
    doc_rows = [
        [esc(d.document), esc(KIND_LABELS.get(d.kind, d.kind)), esc(d.projects), esc(fmt_number(d.health)),
         status_badge(d.status), *(esc(d.statuses.get(s, 0)) for s in STATUS_RANK),
         *(esc(d.counts.get(s, 0)) for s in SEVERITY_ORDER)]
        for d in documents
    ]
    doc_head = ["文件", "类型", "项目数", "健康分", "结论", *STATUS_RANK, *(SEVERITY_LABELS[s] for s in SEVERITY_ORDER)]
    ordered = sorted(
        projects, key=lambda v: (-STATUS_RANK.get(v.status, 0), v.health if v.health is not None else Decimal(-1))
    )
    shown = ordered if limit is None else ordered[:limit]
    head = "".join(f"<th>{h}</th>" for h in ["项目", "文件", "健康分", "结论",
                                              *(SEVERITY_LABELS[s] for s in SEVERITY_ORDER), "主要规则"])
    body = []
    for v in shown:
        key = json.dumps([project_key(v.document, v.project)], ensure_ascii=False)
        rules = "、".join(f"{r} {n}" for r, n in sorted(v.rules.items(), key=lambda kv: (-kv[1], kv[0]))[:3])
        cells = [esc(v.project), esc(v.document), esc(fmt_number(v.health)), status_badge(v.status),
                 *(esc(v.counts.get(s, 0)) for s in SEVERITY_ORDER), esc(rules)]
        body.append(f"<tr {_pick('projects', key, v.project)}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    more = f"<div class='jx-muted'>另有 {len(ordered) - len(shown)} 个项目未列出。</div>" if len(shown) < len(ordered) else ""
    table = (f"<table class='jx-table jx-verdicts'><thead><tr>{head}</tr></thead>"
             f"<tbody>{''.join(body)}</tbody></table>")
    return (
        (f"<h4>文件结论（{len(doc_rows)} 个）</h4>" + _table(doc_head, doc_rows) if documents else "")
        + f"<h4>项目结论（{len(projects)} 个，问题多的在前；点击一行查看其问题）</h4>{table}{more}"
        + "<div class='jx-muted'>健康分 = 100 − 每条问题的扣分（错误、警告、提示各扣若干分）；"
        "有错误为“存在问题”，只有警告为“建议复核”，否则“可提交”；资金表或绩效指标表未能完整读取的项目为"
        "“未能完整读取”，不计健康分。</div>"
    )


def verdict_line_html(verdict: ProjectVerdict | None) -> str:
    """The project's status and health for the 项目 tab's header."""
    if verdict is None:
        return "<div class='jx-muted'>结论：核查中……</div>"
    counts = "、".join(f"{SEVERITY_LABELS[s]} {verdict.counts.get(s, 0)}" for s in SEVERITY_ORDER)
    if verdict.health is None:
        missing = "；".join(verdict.missing)
        return (f"<div class='jx-verdict'>结论 {status_badge(verdict.status)} 不计健康分"
                f"{'（未能读取：' + esc(missing) + '）' if missing else ''}；已读出部分的问题：{esc(counts)}</div>")
    return (f"<div class='jx-verdict'>结论 {status_badge(verdict.status)} 健康分 <b>{esc(fmt_number(verdict.health))}</b>"
            f"（{esc(counts)}）</div>")


@dataclass(frozen=True)
class Pick:
    """The 核查 filters a click on an overview chart stands for, and what to say about it."""

    note: str
    rules: list[str] = field(default_factory=list)
    projects: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    implementers: list[str] = field(default_factory=list)


def pick_filters(kind: str | None, value: str | None, scope: Sequence[str], finding_views: Sequence[FindingView]) -> Pick | None:
    """The filters for a click on an overview chart (kind rule / department / implementer / projects,
    value as the chart's data-value), limited to the overview's scope; None when no finding matches or
    the click names nothing the findings know (a stale page, a forged event)."""
    choices = filter_choices(finding_views)
    documents = [d for d in scope if d in choices["documents"]]
    if scope and not documents:
        return None
    if kind == "projects":
        try:
            wanted = json.loads(value or "[]")
        except ValueError:
            return None
        known = {key for _, key in choices["projects"]}
        keys = [k for k in wanted if isinstance(k, str) and k in known] if isinstance(wanted, list) else []
        names = "、".join(k.split(KEY_SEPARATOR, 1)[1] for k in keys[:3]) + (" 等" if len(keys) > 3 else "")
        pick = Pick(f"项目：{names}", projects=keys, documents=documents)
        if not keys:
            return None
    elif kind == "rule" and value in choices["rules"]:
        pick = Pick(f"规则：{value}", rules=[value], documents=documents)
    elif kind == "department" and value in choices["departments"]:
        pick = Pick(f"主管部门：{value}", departments=[value], documents=documents)
    elif kind == "implementer" and value in choices["implementers"]:
        pick = Pick(f"实施单位：{value}", implementers=[value], documents=documents)
    else:
        return None
    matched = filter_findings(
        finding_views, None, pick.rules, pick.projects, pick.documents, "全部", pick.departments, pick.implementers
    )
    return pick if matched else None


def pick_html(pick: Pick | None, scope: Sequence[str] = ()) -> str:
    if pick is None:
        return ""
    where = f"（范围：{'、'.join(scope)}）" if scope else "（范围：全部索引）"
    return f"<div class='jx-from'>来自总览：{esc(pick.note)}{esc(where)}</div>"


def overview_parts(
    documents: Sequence[Document],
    finding_views: Sequence[FindingView] | None,
    scope: Sequence[str],
    settings: Settings,
    refused: Sequence[RefusedFile] = (),
) -> dict[str, str]:
    """Every block of the 总览 tab for the documents and refused files in `scope` (all when empty);
    `finding_views` None while the checks run (the blocks that need findings then say so).

    Returns:
        {"counts", "unread", "pareto", "departments", "implementers", "execution", "scatter", "verdicts"} -> HTML.
    """
    from qa.coverage import unread_note

    docs = in_scope(documents, scope)
    names = {d.name for d in docs}
    refused = [r for r in refused if not scope or r.name in scope]
    scoped = None if finding_views is None else [v for v in finding_views if v.finding.document in names]
    findings = None if scoped is None else [v.finding for v in scoped]
    verdicts = None if findings is None else project_verdicts(docs, findings, settings)
    parts = {
        "counts": overview_html(overview(docs, verdicts, findings, refused)),
        "unread": reading.unread_html(reading.unread(docs, refused), unread_note(docs, refused)),
        "execution": histogram_html(execution_bins(docs), settings.low_execution_rate),
        "scatter": scatter_html(scatter_points(docs, verdicts)),
    }
    if scoped is None or verdicts is None:
        return {**parts, "pareto": PENDING, "departments": "", "implementers": "", "verdicts": PENDING}
    return {
        **parts,
        "pareto": pareto_html(pareto(findings or [])),
        "departments": ranking_html("主管部门按问题排序（点击查看其问题）", "department", unit_ranking(scoped, "department")),
        "implementers": ranking_html("实施单位按问题排序（点击查看其问题）", "implementer", unit_ranking(scoped, "implementer")),
        "verdicts": verdicts_html(document_verdicts(docs, verdicts), verdicts),
    }


def verdicts_for_filters(
    documents: Sequence[Document],
    verdicts: Sequence[ProjectVerdict],
    projects: Sequence[str] | None = None,
    files: Sequence[str] | None = None,
    departments: Sequence[str] | None = None,
    implementers: Sequence[str] | None = None,
) -> list[ProjectVerdict]:
    """The verdicts of the projects the 核查 filters on project, file and unit let through."""
    units = {
        project_key(d.name, p.name): (p.department or UNIT_MISSING, p.implementer or UNIT_MISSING)
        for d in documents
        for p in d.projects
    }
    out = []
    for v in verdicts:
        key = project_key(v.document, v.project)
        department, implementer = units.get(key, (UNIT_MISSING, UNIT_MISSING))
        if projects and key not in projects:
            continue
        if files and v.document not in files:
            continue
        if departments and department not in departments:
            continue
        if implementers and implementer not in implementers:
            continue
        out.append(v)
    return out


def check_verdicts_html(verdicts: Sequence[ProjectVerdict], limit: int = 200) -> str:
    """The per-project verdicts shown above the 核查 table (worst first)."""
    if not verdicts:
        return "<div class='jx-muted'>当前筛选下没有项目。</div>"
    counts = {s: sum(1 for v in verdicts if v.status == s) for s in STATUS_RANK}
    head = "、".join(f"{s} {n}" for s, n in counts.items())
    return f"<div class='jx-summary'>{len(verdicts)} 个项目：{esc(head)}</div>" + verdicts_html([], verdicts, limit)


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
.jx-cards { display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 6px; }
.jx-card { flex: 1 1 150px; border: 1px solid #d0d7de; border-radius: 8px; padding: 8px 12px; }
.jx-card-label { color: #6b7280; font-size: 13px; }
.jx-card-value { font-size: 24px; font-weight: 700; }
.jx-card-note { color: #6b7280; font-size: 12px; }
.jx-svg { max-width: 100%; height: auto; font-size: 11px; }
.jx-axis { stroke: #9ca3af; }
.jx-guide { stroke: #9ca3af; stroke-dasharray: 4 3; }
.jx-tick { fill: #4b5563; font-size: 11px; }
.jx-count { fill: #111827; font-size: 11px; }
.jx-svg-bar { fill: #60a5fa; }
.jx-svg-low { fill: #f87171; }
.jx-cumulative { fill: none; stroke: #dc2626; stroke-width: 2; }
.jx-cumulative-dot { fill: #dc2626; }
.jx-pick { cursor: pointer; }
.jx-pick:hover .jx-svg-bar, .jx-pick:focus .jx-svg-bar { fill: #2563eb; }
.jx-pick:hover .jx-dot { stroke: #111827; stroke-width: 2; }
.jx-key-bar { background: #60a5fa; } .jx-key-line { background: #dc2626; height: 3px; }
.jx-rank { display: flex; align-items: center; gap: 8px; margin: 4px 0; font-size: 13px; }
.jx-pick:hover .jx-rank { background: #f3f4f6; }
.jx-rank-no { width: 1.5em; color: #6b7280; text-align: right; }
.jx-rank-name { width: 30%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.jx-rank-bar { flex: 1; display: flex; height: 16px; }
.jx-rank-count { width: 13em; color: #4b5563; font-size: 12px; }
.jx-seg { display: inline-block; height: 100%; }
.jx-seg-error { background: #dc2626; } .jx-seg-warning { background: #f59e0b; } .jx-seg-info { background: #60a5fa; }
.jx-status { border-radius: 4px; padding: 0 6px; color: white; white-space: nowrap; }
.jx-status.jx-ok { background: #16a34a; } .jx-status.jx-review { background: #d97706; }
.jx-status.jx-bad { background: #dc2626; }
.jx-verdicts tr.jx-pick:hover td { background: #eef2ff; }
.jx-file.jx-ok { color: #166534; font-weight: 600; } .jx-file.jx-known { color: #1d4ed8; font-weight: 600; }
.jx-from { background: #eef2ff; border-radius: 6px; padding: 4px 10px; margin: 4px 0; }
.jx-status.jx-unscored { background: #6b7280; }
.jx-missing { color: #92400e; }
""" + reading.CSS

