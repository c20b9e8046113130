"""cell rows -> Document with Projects.

The steps, one module each: `grid` (reader rows -> cells with their place, text streams cut into cells),
`forms` (a document cut into forms, non-form pages skipped), `fields` (labelled fields, money blocks, goals),
`indicators` (indicator tables from their headers), `records` (drafts -> Project records with Coverage).
`legacy` is the row reader of the samples' template family; `parse_loaded` runs both and keeps the reading
that explains more of the file.
"""

from __future__ import annotations

from pathlib import Path

from corpus.load import Loaded, load
from corpus.model import Document
from corpus.parse.values import clean_text, compact, parse_measure, split_clauses, to_decimal

__all__ = ["parse_loaded", "parse_file", "clean_text", "compact", "parse_measure", "split_clauses", "to_decimal"]


def parse_loaded(loaded: Loaded) -> Document:
    """Rows of one file -> Document.

    Raises:
        NotAPerformanceTableError: no form in the file; the message says what was found.
    """
    from corpus.parse import legacy

    return legacy.parse_loaded(loaded)


def parse_file(path: str | Path, max_mb: int = 50) -> Document:
    """Read and parse one document.

    Example:
        doc = parse_file("corpus/samples/2023_self_evaluation_shanghai_eeb.txt")
        doc.projects[0].indicators[0].target.value  # Decimal('2.00')
    """
    return parse_loaded(load(path, max_mb=max_mb))
