"""What every reader shares: the Loaded result, hashing, cell text, refusals with a reason, zip checks."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import UnreadableFileError
from corpus.model import ParseWarning, Row


@dataclass(frozen=True)
class Loaded:
    """A file read into rows: its path, content hash and the rows.

    Every row carries where it is: `line` (text line, sheet row, or a running number) and `page`
    (PDF page or sheet position, 1-based; None for text and Word), so the parser can cut forms there.
    """

    path: str
    sha256: str
    rows: tuple[Row, ...]
    encoding: str | None = None
    warnings: tuple[ParseWarning, ...] = ()  # what the reader could not read (a page without text, …)


Reader = Callable[[Path], Loaded]


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# A zip (XLSX/DOCX) may unpack to at most this much, and no member may unpack this many times its
# packed size: a deflate bomb reaches ~1000x, real sheet XML stays well under 100x.
DEFAULT_MAX_UNZIPPED_MB = 1000
DEFAULT_MAX_ZIP_RATIO = 200
_RATIO_FLOOR = 8 * 1024 * 1024  # small members may compress as well as they like
_MAX_ZIP_MEMBERS = 10_000

CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: .xls/.doc, or encrypted OOXML
ZIP_SIGNATURE = b"PK\x03\x04"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")  # stream name inside an encrypted OOXML

# Why a file is refused (the stable reason, corpus.errors.REFUSAL_REASONS) and what a reviewer reads;
# `{path}` is the file as given.
MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("unsupported", "{path}: 文件不存在或不是普通文件，请检查路径"),
    "empty": ("empty", "{path}: 文件为空，请确认导出是否完整"),
    "too_large": ("unsupported", "{path}: 文件大小 {size} MB 超过上限 {limit} MB，请拆分后再导入"),
    "unknown_suffix": (
        "unsupported",
        "{path}: 不支持的文件格式 {suffix}，请提供 txt、md、pdf、xlsx、xls、docx 文件，或 png、jpg、tif 扫描图片",
    ),
    "binary_text": ("unsupported", "{path}: 不是文本文件（含二进制内容），请提供 txt/pdf/xlsx/docx 格式"),
    "unknown_encoding": ("unsupported", "{path}: 无法识别文件编码，请另存为 UTF-8 或 GB18030 文本后重试"),
    "truncated": (
        "damaged",
        "{path}: 文件不完整或已损坏（可能下载或复制中断），请重新导出或重新下载后再导入",
    ),
    "corrupt": (
        "damaged",
        "{path}: 无法读取{kind}文件（{detail}），请用 Office/WPS 打开后另存为新文件再导入",
    ),
    "encrypted": ("encrypted", "{path}: 文件设置了打开密码（已加密），请在 {app} 中取消密码后另存，再导入"),
    "encrypted_pdf": (
        "encrypted",
        "{path}: PDF 设置了打开密码（已加密），请用 PDF 阅读器输入密码后另存或打印为未加密的 PDF，再导入",
    ),
    "old_doc": (
        "unsupported",
        "{path}: 是旧版 .doc 格式或已加密的 Word 文件，请取消密码并在 Word/WPS 中另存为 .docx 后再导入",
    ),
    "not_excel": (
        "unsupported",
        "{path}: 不是 Excel 文件（可能是网页或文本另存为 .xls），请在 Excel/WPS 中另存为 .xlsx 后再导入",
    ),
    "zip_bomb": (
        "damaged",
        "{path}: 压缩内容异常（{detail}），疑似压缩炸弹，已拒绝读取；如确为正常文件，请拆分后再导入",
    ),
    "scanned": (
        "scanned",
        "{path}: PDF 没有文字层（可能是扫描件或图片），需要先进行 OCR 文字识别，再导入识别后的文件",
    ),
    "no_unicode": (
        "scanned",
        "{path}: PDF 的字体缺少文字编码，无法提取文字，需要先进行 OCR 文字识别后再导入",
    ),
}


def refuse(path: Path | str, key: str, **details: object) -> UnreadableFileError:
    """The error for refusing `path`, its message and reason taken from MESSAGES[key]."""
    reason, template = MESSAGES[key]
    return UnreadableFileError(template.format(path=path, **details), reason=reason)


def read_bytes(path: Path) -> bytes:
    if not path.is_file():
        raise refuse(path, "missing")
    data = path.read_bytes()
    if not data:
        raise refuse(path, "empty")
    return data


def _joiner(left: str, right: str) -> str:
    # A line break inside a cell is layout, not content: Chinese runs join directly (年度/总体/目标 ->
    # 年度总体目标) and so do digits (a number wrapped mid-way); only two Latin words need a space.
    if left.isascii() and left.isalpha() and right.isascii() and right.isalpha():
        return " "
    return ""


def cell_text(text: str | None) -> str:
    """A cell's text on one line: wrapped lines joined, runs of white space collapsed.

    Args:
        text: the cell text as the library gave it (may hold line breaks), or None.
    Returns:
        The text a tab-separated export would hold for that cell.
    """
    if not text:
        return ""
    out = ""
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = " ".join(raw.split())
        if line:
            out = line if not out else out + _joiner(out[-1], line[0]) + line
    return out


def cell_lines(text: str | None) -> str:
    """A cell's own lines (an explicit break in a sheet or DOCX cell), each cleaned, joined by "\n"; '' for
    a cell of one line. Two indicators typed into one cell on two lines are paired line by line from this."""
    if not text or "\n" not in text.replace("\r", "\n"):
        return ""
    lines = [" ".join(x.split()) for x in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [x for x in lines if x]
    return "\n".join(lines) if len(lines) > 1 else ""


# --- zip containers (XLSX, DOCX) ------------------------------------------------------------


def check_container(path: Path, data: bytes, app: str, max_unzipped_mb: int, max_ratio: int) -> None:
    """Refuse an OOXML file that is encrypted, not a zip, truncated, or a zip bomb - before opening it."""
    if data.startswith(CFB_SIGNATURE):
        if ENCRYPTED_STREAM in data:
            raise refuse(path, "encrypted", app=app)
        raise refuse(path, "old_doc") if app == "Word" else refuse(path, "not_excel")
    if not data.startswith(ZIP_SIGNATURE):
        if data.startswith(b"PK"):
            raise refuse(path, "truncated")
        raise refuse(path, "corrupt", kind=app, detail="不是 Office Open XML 压缩包")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    # NotImplementedError: a damaged header that names an unknown zip version.
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise refuse(path, "truncated") from None
    if len(members) > _MAX_ZIP_MEMBERS:
        raise refuse(path, "zip_bomb", detail=f"包含 {len(members)} 个条目")
    total = sum(m.file_size for m in members)
    if total > max_unzipped_mb * 1024 * 1024:
        raise refuse(
            path, "zip_bomb", detail=f"解压后 {total / 1048576:.0f} MB，超过上限 {max_unzipped_mb} MB"
        )
    for member in members:
        if member.file_size > _RATIO_FLOOR and member.file_size > max_ratio * max(member.compress_size, 1):
            ratio = member.file_size / max(member.compress_size, 1)
            raise refuse(
                path, "zip_bomb", detail=f"{member.filename} 压缩比 {ratio:.0f}:1，超过上限 {max_ratio}:1"
            )
