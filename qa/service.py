"""The one path the CLI (cli.py) and the app (ui/workspace.py) both take: read files, ingest them, check
them (before submission too), report on an index, and the one way to get the embedder.

Each step is a plain function over records and an opened index; neither caller parses, embeds or runs the
rules another way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.errors import JixiaoError
from corpus.model import Document, Finding, RefusedFile
from corpus.readers import IMAGE_SUFFIXES, ocr_options
from corpus.settings import Settings
from qa.verdict import ProjectVerdict, project_verdicts

# What `read_files` looks for inside a folder it is given (page images are read by OCR).
DOCUMENT_SUFFIXES = {".txt", ".md", ".tsv", ".pdf", ".xlsx", ".xlsm", ".xls", ".docx", *IMAGE_SUFFIXES}


# ------------------------------------------------------------------------------------------ embedder


def embedder(settings: Settings) -> Any:
    """The embedder of `settings.model` (loaded once per process, offline).

    Raises:
        JixiaoError: the model cannot be loaded (the message says which and why).
    """
    from index.embed import get_embedder

    return get_embedder(settings.model)


def embedder_or_none(settings: Settings) -> tuple[Any | None, str | None]:
    """`embedder`, or (None, why) where it cannot be loaded: the rules then match by words alone."""
    try:
        return embedder(settings), None
    except JixiaoError as exc:
        return None, str(exc)


# ------------------------------------------------------------------------------------------ reading


def expand_paths(paths: Sequence[str | Path]) -> list[Path]:
    """Files as given, and the documents inside any directory given (sorted, recursive)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(
                sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in DOCUMENT_SUFFIXES)
            )
        else:
            out.append(p)
    return out


def file_sha256(path: str | Path) -> str:
    """The file's sha256, or "" when it cannot be read (missing, a folder, no permission)."""
    digest = hashlib.sha256()
    try:
        with Path(path).open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


def read_file(path: str | Path, settings: Settings) -> Document:
    """Parse one file.

    Raises:
        JixiaoError: the file cannot be read (its `reason` says why: unsupported, too large, not a form …).
    """
    from corpus.parse import parse_file

    with ocr_options(min_confidence=settings.ocr_min_confidence):  # a caller's progress callback is kept
        return parse_file(path, max_mb=settings.max_file_mb)


def refused(
    path: str | Path, exc: JixiaoError, name: str | None = None, message: str | None = None
) -> RefusedFile:
    """A file that could not be read, kept with why, so that lists and answers can say it exists."""
    return RefusedFile(name or str(path), file_sha256(path), exc.reason, message or str(exc))


def read_files(paths: Sequence[str | Path], settings: Settings) -> tuple[list[Document], list[RefusedFile]]:
    """Parse every file (folders searched for documents); a file that cannot be read becomes a RefusedFile
    and the others are still parsed. Returns (the documents read, the files refused), in the order given."""
    docs, refused_files = [], []
    for path in expand_paths(paths):
        try:
            docs.append(read_file(path, settings))
        except JixiaoError as exc:
            refused_files.append(refused(path, exc))
    return docs, refused_files


# ------------------------------------------------------------------------------------------ ingest, check


def ingest(
    index: Any,
    documents: list[Document],
    refused_files: Iterable[RefusedFile] = (),
    progress: Callable[[int, int], None] | None = None,
    identity: Callable[[Any], str] | None = None,
    *,
    findings: bool = True,
) -> Any:
    """Record the refused files (listed as not read until a version of them is read), then add the
    documents to the index (embedding with progress) and, when a new generation was written, run every
    rule over it once and store the findings with it (`findings=False` leaves that to the first reader).
    Returns the index's AddResult."""
    for r in refused_files:
        index.add_refused(r, identity=identity)
    result = index.add(documents, progress=progress, identity=identity)
    if findings and result.changed:
        store_findings(index)
    return result


def store_findings(index: Any) -> list[Finding]:
    """Every rule over the index's current generation with its settings and model, stored with it."""
    from qa.findings_store import compute_and_store

    return compute_and_store(index, index.settings, index.embedder())


def check(documents: Iterable[Document], settings: Settings, embedder: Any | None = None) -> list[Finding]:
    """Every rule over the documents (semantic rules with the embedder when given)."""
    from qa.checks import run_checks

    return run_checks(list(documents), settings=settings, embedder=embedder)


def precheck(
    drafts: Sequence[Document], context: Sequence[Document], settings: Settings, embedder: Any | None = None
) -> list[Finding]:
    """The findings of draft documents before submission, the indexed documents (`context`) serving as
    earlier years; only the drafts' findings are returned."""
    new = {d.sha256 for d in drafts}
    earlier = [d for d in context if d.sha256 not in new]
    mine = {d.name for d in drafts}
    return [f for f in check([*earlier, *drafts], settings, embedder) if f.document in mine]


@dataclass
class IndexReview:
    """What `check --index`, `report` and the app show of an index: its documents, refused files, findings,
    marks and verdicts."""

    documents: list[Document]
    refused: list[RefusedFile]
    findings: list[Finding]
    marks: dict[str, dict]
    verdicts: list[ProjectVerdict]


def review(index: Any, settings: Settings) -> IndexReview:
    """Every rule over the indexed documents with the index's model. An index without documents gives an
    empty review, which callers say as such (nothing was checked: never 未发现问题)."""
    docs = index.documents()
    refused_files = list(index.refused())
    if not docs:
        return IndexReview([], refused_files, [], {}, [])
    from qa.findings_store import compute_and_store, stored

    # Stored with the generation at ingest (no model loaded to read them); computed here only for an
    # index written before that or under other settings, and stored then.
    findings = stored(index, settings)
    if findings is None:
        findings = compute_and_store(index, settings, embedder(settings))
    return IndexReview(
        docs, refused_files, findings, index.marks(), project_verdicts(docs, findings, settings)
    )
