"""path -> cell rows: a facade over `corpus.readers`, kept for the modules that import from here."""

from __future__ import annotations

from corpus.readers import (
    DEFAULT_MAX_UNZIPPED_MB,
    DEFAULT_MAX_ZIP_RATIO,
    READERS,
    TEXT_SUFFIXES,
    Loaded,
    Reader,
    decode_text,
    load,
    sha256_bytes,
    split_line,
    text_rows,
)

__all__ = [
    "DEFAULT_MAX_UNZIPPED_MB",
    "DEFAULT_MAX_ZIP_RATIO",
    "READERS",
    "TEXT_SUFFIXES",
    "Loaded",
    "Reader",
    "decode_text",
    "load",
    "sha256_bytes",
    "split_line",
    "text_rows",
]
