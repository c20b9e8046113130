"""path -> cell rows, by format; every reader yields the same `Row`s the parser consumes."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import UnreadableFileError
from corpus.model import ParseWarning, Row

TEXT_SUFFIXES = {".txt", ".md", ".tsv", ".csv", ".text", ""}
_RULE_CELL = re.compile(r"^\s*:?[-—=]{2,}:?\s*$")
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


@dataclass(frozen=True)
class Loaded:
    """A file read into rows: its path, content hash and the rows."""

    path: str
    sha256: str
    rows: tuple[Row, ...]
    encoding: str | None = None
    warnings: tuple[ParseWarning, ...] = ()  # what the reader could not read (a page without text, …)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Detect the encoding (UTF-8 with or without BOM, GB18030/GBK, others); never assume it.

    Returns:
        (text, encoding name)
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Like the UTF-8 BOM branch: a damaged code unit becomes U+FFFD instead of losing the whole file.
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK and GB2312; Chinese government files are mostly one of these.
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UnreadableFileError(f"{name}: 无法识别文件编码，请另存为 UTF-8 或 GB18030 文本后重试")
    return str(best), best.encoding


def split_line(line: str) -> tuple[str, ...]:
    """One text line -> cells: tab-separated, or a markdown pipe-table row."""
    stripped = line.strip()
    if stripped.startswith("|") and stripped.count("|") >= 2:
        inner = stripped[1:-1] if stripped.endswith("|") else stripped[1:]
        return tuple(c.strip() for c in inner.split("|"))
    return tuple(c.strip() for c in line.split("\t"))


def text_rows(text: str) -> tuple[Row, ...]:
    """Text -> rows, one per line (blank lines kept as empty rows: they separate tables)."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if _PIPE_SEPARATOR.match(line) and "|" in line:
            continue
        cells = split_line(line) if line.strip() else ()
        if cells and all(_RULE_CELL.match(c) for c in cells if c):
            continue  # a table rule line (markdown separator with tabs, or ----- under a table)
        rows.append(Row(cells=cells, line=number))
    return tuple(rows)


def load(path: str | Path, max_mb: int = 50) -> Loaded:
    """Read a document into cell rows.

    Args:
        path: a .txt/.md/.tsv file (other formats are dispatched by suffix).
        max_mb: refuse files larger than this.
    Returns:
        Loaded with the rows and the file's sha256.
    Raises:
        UnreadableFileError: missing, empty, too large or of an unknown format.
    """
    p = Path(path)
    if not p.is_file():
        raise UnreadableFileError(f"{p}: 文件不存在或不是普通文件，请检查路径")
    size = p.stat().st_size
    if size == 0:
        raise UnreadableFileError(f"{p}: 文件为空，请确认导出是否完整")
    if size > max_mb * 1024 * 1024:
        raise UnreadableFileError(f"{p}: 文件大小 {size / 1048576:.1f} MB 超过上限 {max_mb} MB，请拆分后再导入")
    suffix = p.suffix.lower()
    reader = READERS.get(suffix)
    if reader is not None:
        return reader(p)
    if suffix in TEXT_SUFFIXES:
        data = p.read_bytes()
        if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise UnreadableFileError(f"{p}: 不是文本文件（含二进制内容），请提供 txt/pdf/xlsx/docx 格式")
        text, encoding = decode_text(data, str(p))
        return Loaded(path=str(p), sha256=sha256_bytes(data), rows=text_rows(text), encoding=encoding)
    raise UnreadableFileError(f"{p}: 不支持的文件格式 {suffix}，请提供 txt、md、pdf、xlsx、xls 或 docx 文件")


Reader = Callable[[Path], Loaded]

# Binary formats register here (suffix -> reader): corpus.readers fills it when imported, just below.
READERS: dict[str, Reader] = {}

# Last, because corpus.readers imports Loaded and READERS from this module.
import corpus.readers  # noqa: E402, F401
