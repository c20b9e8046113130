"""Text files (txt, md, tsv, csv) in any encoding -> rows: tab-separated cells or markdown pipe tables."""

from __future__ import annotations

import re
from pathlib import Path

from corpus.model import Row
from corpus.readers.base import Loaded, read_bytes, refuse, sha256_bytes

TEXT_SUFFIXES = {".txt", ".md", ".tsv", ".csv", ".text", ""}
_RULE_CELL = re.compile(r"^\s*:?[-—=]{2,}:?\s*$")
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Detect the encoding (UTF-8 with or without BOM, GB18030/GBK, others); never assume it.

    Returns:
        (text, encoding name)
    Raises:
        UnreadableFileError: no encoding fits (reason unsupported).
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
        raise refuse(name, "unknown_encoding")
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
        if cells and any(cells) and all(_RULE_CELL.match(c) for c in cells if c):
            continue  # a table rule line (markdown separator with tabs, or ----- under a table)
        rows.append(Row(cells=cells, line=number))
    return tuple(rows)


def read_text(path: Path) -> Loaded:
    """Read a text file into rows, one per line (`page` None: text has no pages).

    Raises:
        UnreadableFileError: missing, empty, binary content, or an encoding that cannot be recognised.
    """
    data = read_bytes(path)
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise refuse(path, "binary_text")
    text, encoding = decode_text(data, str(path))
    return Loaded(path=str(path), sha256=sha256_bytes(data), rows=text_rows(text), encoding=encoding)
