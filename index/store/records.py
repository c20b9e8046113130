"""The records of one generation (SQLite): documents, passages, names, reviewer marks and refused files."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import fields, is_dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

from corpus.model import Document, Source, from_jsonable, to_jsonable
from index.search import (
    Dense,
    Lexical,
    MentionIndex,
    Passage,
    passage_at,
    passage_locators,
)

READ_CHUNK = 50_000  # passage rows read from SQLite at a time when all are needed
_PASSAGE_COLUMNS = "sha256, document, project_index, project, kind, field, item, text, source"


_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents (
    position INTEGER PRIMARY KEY, sha256 TEXT UNIQUE NOT NULL, path TEXT NOT NULL, name TEXT NOT NULL,
    kind TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE passages (
    row INTEGER PRIMARY KEY, sha256 TEXT NOT NULL, document TEXT NOT NULL, project_index INTEGER NOT NULL,
    project TEXT NOT NULL, kind TEXT NOT NULL, field TEXT NOT NULL, item INTEGER, text TEXT NOT NULL,
    tokens TEXT NOT NULL, source TEXT NOT NULL);
CREATE INDEX passages_sha ON passages (sha256);
CREATE TABLE names (position INTEGER PRIMARY KEY, name TEXT NOT NULL);
"""
_MARKS_SCHEMA = """
CREATE TABLE IF NOT EXISTS marks (
    key TEXT PRIMARY KEY, status TEXT NOT NULL, remark TEXT NOT NULL DEFAULT '', updated_at TEXT NOT NULL);
"""
# Files that could not be read, kept so that lists and answers can say they exist. Like marks, written in
# place under the writer lock and carried into every new generation; `key` is the file's identity (its
# absolute path by default), so a file refused again replaces its row and one read later removes it.
_REFUSED_SCHEMA = """
CREATE TABLE IF NOT EXISTS refused (
    key TEXT PRIMARY KEY, path TEXT NOT NULL, sha256 TEXT NOT NULL, reason TEXT NOT NULL,
    message TEXT NOT NULL, updated_at TEXT NOT NULL);
"""


class _State:
    """One generation of the directory as it is served. Memory-mapped: BM25, the dense index, the mention
    index's arrays, the vectors and the name vectors; read from SQLite on first use: the documents (all of
    them, once), from which a hit's passage is rendered (the passage records serve rebuilds). The
    connection stays open on this generation's file, so a writer's swap to a newer generation never
    mixes two generations in one answer (POSIX keeps a renamed-away, deleted file readable while open)."""

    def __init__(
        self,
        manifest: dict[str, Any],
        con: sqlite3.Connection,
        vectors: np.ndarray,
        lexical: Lexical,
        dense: Dense,
        mentions: MentionIndex,
        name_matrix: np.ndarray | None = None,
    ) -> None:
        self.manifest = manifest
        self.vectors = vectors
        self.name_matrix = name_matrix  # row i is the vector of the i-th of `names()`
        self.lexical = lexical
        self.dense = dense
        self.mentions = mentions
        self._con = con
        self._lock = threading.Lock()
        self._documents: list[Document] | None = None
        self._by_sha: dict[str, Document] = {}
        self._locators: np.ndarray | None = None  # by row: document position, project index, part, item
        self._names: dict[str, int] | None = None

    @property
    def size(self) -> int:
        """How many passages."""
        return self.mentions.size

    def documents(self) -> list[Document]:
        """Every document, read and decoded on first use (repeated strings and figures shared)."""
        with self._lock:
            if self._documents is None:
                memo: dict[Any, Any] = {}
                documents = [
                    from_jsonable(Document, json.loads(data), memo=memo)
                    for (data,) in self._con.execute("SELECT data FROM documents ORDER BY position")
                ]
                locators = _locators(documents)
                if len(locators) != self.size:
                    raise ValueError("documents and passages differ in length")
                self._by_sha = {d.sha256: d for d in documents}
                self._locators = locators
                self._documents = documents
            return self._documents

    def names(self) -> dict[str, int]:
        """Project name -> its row in `name_matrix` ({} for a generation written without names)."""
        with self._lock:
            if self._names is None:
                has = self._con.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'names'"
                ).fetchone()
                rows = self._con.execute("SELECT name, position FROM names").fetchall() if has else []
                self._names = dict(rows) if self.name_matrix is not None else {}
            return self._names

    def document(self, sha: str) -> Document:
        if self._documents is None:
            self.documents()
        return self._by_sha[sha]

    def locate(self, rows: np.ndarray) -> np.ndarray:
        """(document position, project index, part, item) of each of these rows (documents read first)."""
        self.documents()
        locators = self._locators if self._locators is not None else np.zeros((0, 4), np.int32)
        return locators[rows]

    def passages_at(self, rows: Sequence[int]) -> dict[int, Passage]:
        """The passages of these rows, rendered from the documents (a few microseconds each; reading
        them back from SQLite took ~12 and made a mentions answer of 30k passages cost 0.4 s)."""
        documents = self.documents()
        locators = self._locators if self._locators is not None else np.zeros((0, 4), np.int32)
        rows = list(rows)
        located = locators[np.asarray(rows, np.int64)].tolist() if rows else []
        return {
            row: passage_at(documents[d], pi, part, item)
            for row, (d, pi, part, item) in zip(rows, located, strict=True)
        }

    def iter_passages(self, tokens: bool = False) -> Iterator[tuple[int, Passage, str | None]]:
        """(row, passage, its tokens as stored JSON or None) for every row in order, read in chunks."""
        extra = ", tokens" if tokens else ", NULL"
        for start in range(0, self.size, READ_CHUNK):
            with self._lock:
                batch = self._con.execute(
                    f"SELECT row, {_PASSAGE_COLUMNS}{extra} FROM passages WHERE row >= ? AND row < ? ORDER BY row",
                    (start, start + READ_CHUNK),
                ).fetchall()
            for row, *columns, toks in batch:
                yield row, _passage(columns), toks


def _locators(documents: Sequence[Document]) -> np.ndarray:
    """(document position, project index, part, item) of every row, in row order (`passage_locators`)."""
    flat = array("i")
    for position, document in enumerate(documents):
        for pi, part, item in passage_locators(document):
            flat.extend((position, pi, part, item))
    return np.frombuffer(flat, dtype=np.int32).reshape(-1, 4) if flat else np.zeros((0, 4), np.int32)


def _passage(columns: Sequence[Any]) -> Passage:
    sha, doc, pi, proj, kind, fld, item, text, source = columns
    stored = json.loads(source)
    if stored.get("box") is not None:  # JSON gives a list; a Source is hashable, its box a tuple
        stored["box"] = tuple(stored["box"])
    return Passage(sha, doc, pi, proj, kind, fld, item, text, Source(**stored))


def _path_key(path: str) -> str:
    return os.path.normcase(os.path.abspath(path))


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _connect(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(str(path), timeout=30)
    con.execute("PRAGMA foreign_keys = ON")
    return con


def _connect_reader(path: Path) -> sqlite3.Connection:
    """A read-only connection that any thread may use (callers serialise it with a lock)."""
    if not path.exists():
        raise FileNotFoundError(path)
    return sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30, check_same_thread=False
    )


def _find_document(documents: list[Document], path_or_sha: str) -> Document | None:
    needle = path_or_sha.strip()
    for d in documents:
        if d.sha256 == needle.lower():
            return d
    if len(needle) >= 8 and all(c in "0123456789abcdefABCDEF" for c in needle):
        prefixed = [d for d in documents if d.sha256.startswith(needle.lower())]
        if len(prefixed) == 1:
            return prefixed[0]
    key = _path_key(needle)
    for d in documents:
        if _path_key(d.path) == key:
            return d
    named = [d for d in documents if d.name == needle]
    return named[0] if len(named) == 1 else None


def _exact_jsonable(obj: Any) -> Any:
    """`to_jsonable`, but Decimals as strings: a figure read back is the figure printed, digit for digit
    (a JSON number would pass through a float). `from_jsonable` reads either form."""
    if isinstance(obj, Decimal):
        return str(obj)
    if is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _exact_jsonable(getattr(obj, f.name)) for f in fields(obj)}
    if isinstance(obj, dict):
        return {str(k): _exact_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_exact_jsonable(v) for v in obj]
    return obj


def _read_marks(path: Path) -> dict[str, dict]:
    if not path.exists():
        return {}
    con = _connect(path)
    try:
        exists = con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'marks'").fetchone()
        if not exists:
            return {}
        rows = con.execute("SELECT key, status, remark, updated_at FROM marks ORDER BY key").fetchall()
    finally:
        con.close()
    return {k: {"status": s, "remark": r, "updated_at": t} for k, s, r, t in rows}


def _read_refused(path: Path) -> list[tuple[str, str, str, str, str, str]]:
    """(key, path, sha256, reason, message, updated_at) of every refused file, first refused first."""
    if not path.exists():
        return []
    con = _connect(path)
    try:
        exists = con.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'refused'"
        ).fetchone()
        if not exists:
            return []
        return con.execute(
            "SELECT key, path, sha256, reason, message, updated_at FROM refused ORDER BY rowid"
        ).fetchall()
    finally:
        con.close()


def _write_records(
    path: Path,
    generation: str,
    documents: list[Document],
    passages: list[Passage],
    tokens: list[list[str]],
    names: list[str],
    previous: Path,
) -> None:
    marks = _read_marks(previous)
    refused = _read_refused(previous)
    con = _connect(path)
    try:
        with con:
            con.executescript(_SCHEMA + _MARKS_SCHEMA + _REFUSED_SCHEMA)
            con.execute("INSERT INTO meta VALUES ('generation', ?)", (generation,))
            con.executemany(
                "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (i, d.sha256, d.path, d.name, d.kind, json.dumps(_exact_jsonable(d), ensure_ascii=False))
                    for i, d in enumerate(documents)
                ],
            )
            con.executemany(
                "INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (  # a generator: millions of rows are never all rendered at once
                    (
                        i,
                        p.sha256,
                        p.document,
                        p.project_index,
                        p.project,
                        p.kind,
                        p.field,
                        p.item,
                        p.text,
                        json.dumps(toks, ensure_ascii=False),
                        json.dumps(to_jsonable(p.source), ensure_ascii=False),
                    )
                    for i, (p, toks) in enumerate(zip(passages, tokens, strict=True))
                ),
            )
            con.executemany("INSERT INTO names VALUES (?, ?)", enumerate(names))
            con.executemany(
                "INSERT INTO marks VALUES (?, ?, ?, ?)",
                [(k, m["status"], m["remark"], m["updated_at"]) for k, m in marks.items()],
            )
            con.executemany("INSERT INTO refused VALUES (?, ?, ?, ?, ?, ?)", refused)
    finally:
        con.close()
