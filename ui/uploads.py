"""Uploads: harmless names, zips expanded within limits, a batch sorted by content, what happened to each file."""

from __future__ import annotations

import hashlib
import re
import shutil
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from corpus.errors import JixiaoError, UnreadableFileError
from corpus.load import READERS, TEXT_SUFFIXES
from corpus.model import Document, Finding, RefusedFile
from corpus.readers import DEFAULT_MAX_UNZIPPED_MB, DEFAULT_MAX_ZIP_RATIO
from qa import reading

Progress = Callable[[float, str], None]


UPLOAD_SUFFIX = "-uploads"
MAX_NAME_CHARS = 100
ARCHIVE_SUFFIX = ".zip"


# A batch (one upload, zips expanded) holds at most this many files; the zip-bomb limits are those of
# corpus/readers/ (xlsx.py, docx.py) for XLSX/DOCX containers, and small members may compress as well as
# they like there too.
MAX_BATCH_FILES = 500
RATIO_FLOOR_BYTES = 8 * 1024 * 1024
# Archivers' own files, never a reviewer's document.
ARCHIVE_JUNK = re.compile(r"(^|/)(__MACOSX/|\._|\.DS_Store$|Thumbs\.db$)")


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
