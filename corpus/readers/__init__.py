"""path -> cell rows, by format: one module per format, all yielding the `Row`s the parser consumes.

`base` (Loaded, refusals with a reason, cell text, zip checks), `text` (txt/md/tsv in any encoding),
`xlsx` (.xlsx/.xlsm and .xls, one `page` per sheet), `docx` (tables and paragraphs), `pdf` (ruled tables
and text lines, one `page` per page; scanned pages by OCR: `ocr`, `ocr_engine`, `ocr_table`), `image` (PNG,
JPEG, TIFF by OCR). `READERS` maps a suffix to its reader; `load` picks by suffix.
"""

from __future__ import annotations

from pathlib import Path

from corpus.readers.base import (
    DEFAULT_MAX_UNZIPPED_MB,
    DEFAULT_MAX_ZIP_RATIO,
    MESSAGES,
    Loaded,
    Reader,
    cell_text,
    refuse,
    sha256_bytes,
)
from corpus.readers.docx import read_docx
from corpus.readers.image import IMAGE_SUFFIXES, read_image
from corpus.readers.ocr import OcrCell, OcrLoaded, ocr_options, read_pdf_ocr
from corpus.readers.pdf import read_pdf
from corpus.readers.text import TEXT_SUFFIXES, decode_text, read_text, split_line, text_rows
from corpus.readers.xlsx import format_number, read_xls, read_xlsx, render_value

__all__ = [
    "DEFAULT_MAX_UNZIPPED_MB",
    "DEFAULT_MAX_ZIP_RATIO",
    "IMAGE_SUFFIXES",
    "MESSAGES",
    "READERS",
    "TEXT_SUFFIXES",
    "Loaded",
    "OcrCell",
    "OcrLoaded",
    "Reader",
    "cell_text",
    "decode_text",
    "format_number",
    "load",
    "ocr_options",
    "read_docx",
    "read_image",
    "read_pdf",
    "read_pdf_ocr",
    "read_text",
    "read_xls",
    "read_xlsx",
    "render_value",
    "sha256_bytes",
    "split_line",
    "text_rows",
]

# suffix (lower case, with the dot) -> reader; a file with another suffix is refused as unsupported.
READERS: dict[str, Reader] = {
    **{suffix: read_text for suffix in TEXT_SUFFIXES},
    ".pdf": read_pdf_ocr,  # pages without a text layer read by OCR
    **{suffix: read_image for suffix in IMAGE_SUFFIXES},
    ".xlsx": read_xlsx,
    ".xlsm": read_xlsx,
    ".xls": read_xls,
    ".docx": read_docx,
}


def load(path: str | Path, max_mb: int = 50) -> Loaded:
    """Read a document into cell rows, by its suffix.

    Args:
        path: a .txt/.md/.tsv/.csv, .pdf, .xlsx/.xlsm/.xls or .docx file.
        max_mb: refuse files larger than this.
    Returns:
        Loaded with the rows (each with its line and, for PDFs and workbooks, its page or sheet) and the
        file's sha256.
    Raises:
        UnreadableFileError: missing, empty, too large, of an unknown format, or refused by its reader;
            `reason` says why (empty, damaged, encrypted, scanned, unsupported).
    """
    p = Path(path)
    if not p.is_file():
        raise refuse(p, "missing")
    size = p.stat().st_size
    if size == 0:
        raise refuse(p, "empty")
    if size > max_mb * 1024 * 1024:
        raise refuse(p, "too_large", size=f"{size / 1048576:.1f}", limit=max_mb)
    suffix = p.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        raise refuse(p, "unknown_suffix", suffix=suffix)
    return reader(p)
