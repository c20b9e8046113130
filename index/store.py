"""One index directory: manifest.json, records (SQLite), vectors + FAISS, BM25; atomic writes under a lock."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading
import time
import uuid
from array import array
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from corpus.errors import IndexError_
from corpus.model import Document, Project, RefusedFile, Source, from_jsonable, to_jsonable
from corpus.settings import Settings, default_index_dir
from index import segment
from index.search import (
    FUSION_DEPTH,
    Dense,
    Hit,
    Lexical,
    Mention,
    MentionIndex,
    Passage,
    ProjectMentions,
    find_mentions,
    fuse,
    passage_at,
    passage_locators,
    passages_of,
    top_k,
)

if TYPE_CHECKING:
    from index.embed import Embedder

# Bump when the files or the passage rendering change: older directories must be rebuilt.
FORMAT_VERSION = 2  # 2: IVF-SQ8 past dense_flat_max (was HNSW), the mention index in mentions/
# What a passage vector is the embedding of (`Passage.embedded_text`); bump when that changes.
PASSAGE_VECTORS = "text-2"
# What a name vector is: the query embedding of a project name (`encode_queries`), which ask compares a
# question's project reference with; stored so that the first such question need not embed every name.
NAME_VECTORS = "query-1"
MANIFEST = "manifest.json"
RECORDS = "records.sqlite"
VECTORS = "vectors.npy"
NAMES = "names.npy"
DENSE = "dense.faiss"
BM25_DIR = "bm25"
MENTIONS_DIR = "mentions"
# The statuses a reviewer can give a finding; "" clears the mark.
MARK_STATUSES = ("已核实", "忽略")
LOCK_TIMEOUT_S = 30.0
# How long a reader waits for a writer's directory swap to finish before giving up.
READ_WAIT_S = 10.0
EMBED_BATCH = 64
PHRASE_CACHE_MAX = 50_000  # embedded topic/phrase vectors kept for mentions
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


@dataclass(frozen=True)
class AddResult:
    """What `Index.add` did, by document path; `embedded` counts passages that needed the model."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    embedded: int = 0
    passages: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.replaced)


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
    return Passage(sha, doc, pi, proj, kind, fld, item, text, Source(**json.loads(source)))


def _path_key(path: str) -> str:
    return os.path.normcase(os.path.abspath(path))


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _versions() -> dict[str, str]:
    import importlib.metadata

    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "unknown"

    return {
        "format": str(FORMAT_VERSION),
        "jixiao": version("jixiao"),
        "jieba": version("jieba"),
        "bm25s": version("bm25s"),
        "faiss": version("faiss-cpu"),
        "numpy": np.__version__,
        "dictionary": segment.dictionary_digest(),
        "passage_vectors": PASSAGE_VECTORS,
        "name_vectors": NAME_VECTORS,
    }


def _same_names(manifest: dict[str, Any]) -> bool:
    """Whether `manifest`'s generation stored name vectors as this version does."""
    return manifest.get("versions", {}).get("name_vectors") == NAME_VECTORS


def _encode_all(
    encode: Callable[[list[str]], np.ndarray],
    texts: list[str],
    progress: Callable[[int, int], None] | None,
    done: int,
    total: int,
) -> dict[str, np.ndarray]:
    """text -> vector, `EMBED_BATCH` texts at a time, reporting (done + so far, total)."""
    out: dict[str, np.ndarray] = {}
    for start in range(0, len(texts), EMBED_BATCH):
        batch = texts[start : start + EMBED_BATCH]
        for text, vec in zip(batch, encode(batch), strict=True):
            out[text] = vec
        if progress:
            progress(done + min(start + EMBED_BATCH, len(texts)), total)
    return out


def _same_vectors(manifest: dict[str, Any]) -> bool:
    """Whether `manifest`'s generation embedded passages as this version does (else they are re-embedded)."""
    return manifest.get("versions", {}).get("passage_vectors") == PASSAGE_VECTORS


def _connect(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(str(path), timeout=30)
    con.execute("PRAGMA foreign_keys = ON")
    return con


def _connect_reader(path: Path) -> sqlite3.Connection:
    """A read-only connection that any thread may use (callers serialise it with a lock)."""
    if not path.exists():
        raise FileNotFoundError(path)
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30, check_same_thread=False)


class Index:
    """The searchable index of a set of documents, stored in one directory.

    Readers need no lock; writers (`add`, `remove`, `set_mark`) hold `<dir>.lock`. A rebuild writes a
    new sibling directory and renames it into place, so a crash leaves the previous index usable.
    """

    def __init__(
        self,
        directory: Path,
        settings: Settings,
        embedder: Embedder | None = None,
        lock_timeout: float = LOCK_TIMEOUT_S,
    ) -> None:
        self.directory = directory
        self.settings = settings
        self.lock_timeout = lock_timeout
        self._embedder = embedder
        self._state: _State | None = None
        self._manifest: dict[str, Any] = {}
        self._mutex = threading.RLock()
        self._phrase_vectors: dict[str, np.ndarray] = {}

    # ------------------------------------------------------------------------- opening

    @classmethod
    def open(
        cls,
        directory: Path | None = None,
        settings: Settings | None = None,
        create: bool = True,
        *,
        embedder: Embedder | None = None,
        lock_timeout: float = LOCK_TIMEOUT_S,
    ) -> Index:
        """Open the index in `directory` (default `default_index_dir()`), creating an empty one if asked.

        Args:
            directory: the index directory.
            settings: the settings; its model must be the one the index was built with.
            create: create an empty index when the directory does not exist.
            embedder: an already loaded embedder for `settings.model` (loaded on first need otherwise).
            lock_timeout: seconds a writer waits for another writer before failing.
        Raises:
            IndexError_: missing (with create=False), unreadable, of another format, or built with another model.
        """
        settings = settings or Settings()
        directory = Path(directory) if directory is not None else default_index_dir()
        if embedder is not None and embedder.name != settings.model:
            raise IndexError_(
                f"嵌入模型 {embedder.name} 与设置中的模型 {settings.model} 不一致，请使用同一个模型。"
            )
        index = cls(directory, settings, embedder, lock_timeout)
        if not (directory / MANIFEST).exists():
            index._recover()
        if not (directory / MANIFEST).exists():
            if directory.exists() and any(directory.iterdir()):
                # Never build over (and so replace) a directory that holds something else.
                raise IndexError_(
                    f"目录 {directory} 已存在且不是 jixiao 索引（没有 {MANIFEST}）。请用 --index 指定一个新目录或空目录。"
                )
            if not create:
                raise IndexError_(
                    f"索引目录 {directory} 不存在或不完整。请先运行 `jixiao ingest <文件或目录> --index {directory}` 建立索引。"
                )
            with index._writing():
                if not (directory / MANIFEST).exists():
                    index._write_generation([], [], [], np.zeros((0, 0), np.float32), None)
        index._manifest = index._read_manifest()
        return index

    def _read_manifest(self) -> dict[str, Any]:
        path = self.directory / MANIFEST
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise IndexError_(
                f"无法读取索引清单 {path}：{e}。请用 `jixiao ingest --index {self.directory}` 重新建立索引。"
            ) from e
        if manifest.get("format") != FORMAT_VERSION:
            raise IndexError_(
                f"索引 {self.directory} 的格式版本为 {manifest.get('format')}，当前程序需要 {FORMAT_VERSION}。"
                f"请删除该目录后用 `jixiao ingest` 重新建立索引，或用 --index 指定其他目录。"
            )
        model = manifest.get("model")
        if model != self.settings.model:
            raise IndexError_(
                f"索引 {self.directory} 是用模型 {model} 建立的，当前使用的模型是 {self.settings.model}。"
                f"请加 --model {model} 使用该索引，或用 --index 指定其他目录、以当前模型重新运行 `jixiao ingest` 建立索引。"
            )
        return manifest

    def _recover(self) -> None:
        """Put back the previous generation when a crash happened between the two renames of a swap."""
        parent, name = self.directory.parent, self.directory.name
        if not parent.exists() or (self.directory / MANIFEST).exists():
            return
        olds = sorted(parent.glob(f".{name}.old-*"), key=lambda p: p.stat().st_mtime, reverse=True)
        if not olds:
            return
        with self._writing():
            if not (self.directory / MANIFEST).exists():
                for old in olds:
                    if (old / MANIFEST).exists():
                        if self.directory.exists() and not any(self.directory.iterdir()):
                            self.directory.rmdir()
                        if not self.directory.exists():
                            os.rename(old, self.directory)
                        break

    # ------------------------------------------------------------------------- locking and loading

    @contextmanager
    def _writing(self) -> Iterator[None]:
        from filelock import FileLock, Timeout

        self.directory.parent.mkdir(parents=True, exist_ok=True)
        lock_path = f"{self.directory}.lock"
        with self._mutex:
            try:
                with FileLock(lock_path, timeout=self.lock_timeout):
                    yield
            except Timeout as e:
                raise IndexError_(
                    f"索引 {self.directory} 正被另一个进程写入（锁文件 {lock_path}），等待 {self.lock_timeout:g} 秒后仍未释放。"
                    f"请等待该进程完成后重试；若确认没有其他 jixiao 进程在运行，可删除该锁文件。"
                ) from e

    def _load(self) -> _State:
        """Read the current generation; waited for and retried while a writer swaps directories."""
        deadline = time.monotonic() + READ_WAIT_S
        while True:
            if (self.directory / MANIFEST).exists():
                manifest = self._read_manifest()  # a wrong model or format fails at once
                try:
                    state = self._read_state(manifest)
                except (OSError, sqlite3.Error, ValueError, RuntimeError):
                    state = None
                if state is not None and self._disk_generation() == manifest.get("generation"):
                    self._manifest = manifest
                    return state
            if time.monotonic() > deadline:
                raise IndexError_(
                    f"索引 {self.directory} 读取失败（文件缺失、不完整或正在被改写）。"
                    f"请稍后重试，或用 `jixiao ingest --index {self.directory}` 重新建立索引。"
                )
            # Between the two renames of a swap the directory is briefly absent.
            time.sleep(0.05)

    def _read_state(self, manifest: dict[str, Any]) -> _State:
        d = self.directory
        con = _connect_reader(d / RECORDS)
        try:
            generation = con.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
            if generation is None or generation[0] != manifest.get("generation"):
                raise ValueError("generation mismatch")
            (rows,) = con.execute("SELECT count(*) FROM passages").fetchone()
            dimension = manifest.get("dimension") or 0
            # Memory-mapped: a hit's exact score reads its one row; nothing else needs them while serving.
            vectors = np.load(d / VECTORS, mmap_mode="r") if rows else np.zeros((0, dimension), np.float32)
            mentions = MentionIndex.load(d / MENTIONS_DIR)
            if len(vectors) != rows or mentions.size != rows:
                raise ValueError("vectors, mention index and passages differ in length")
            names = np.load(d / NAMES, mmap_mode="r") if (d / NAMES).exists() and rows else None
            return _State(
                manifest=manifest,
                con=con,
                vectors=vectors,
                lexical=Lexical.load(d / BM25_DIR),
                dense=Dense.load(d / DENSE, dimension, self.settings.dense_nprobe),
                mentions=mentions,
                name_matrix=names if names is not None and _same_names(manifest) else None,
            )
        except BaseException:
            con.close()
            raise

    def _current(self) -> _State:
        with self._mutex:
            disk = self._disk_generation()
            # No manifest on disk means a swap is under way: the generation in memory is still a valid answer.
            if self._state is None or (disk is not None and disk != self._state.manifest.get("generation")):
                self._state = self._load()
            return self._state

    def _disk_generation(self) -> str | None:
        try:
            return json.loads((self.directory / MANIFEST).read_text(encoding="utf-8")).get("generation")
        except (OSError, ValueError):
            return None

    def embedder(self) -> Embedder:
        """The embedder of `settings.model`, loaded on first use."""
        if self._embedder is None:
            from index.embed import get_embedder

            self._embedder = get_embedder(self.settings.model)
        dimension = self._manifest.get("dimension")
        if dimension and self._embedder.dimension != dimension:
            raise IndexError_(
                f"模型 {self.settings.model} 的向量维度为 {self._embedder.dimension}，索引 {self.directory} 的为 {dimension}。"
                f"请用 --index 指定其他目录，以当前模型重新运行 `jixiao ingest` 建立索引。"
            )
        return self._embedder

    # ------------------------------------------------------------------------- reading

    @property
    def manifest(self) -> dict[str, Any]:
        return self._current().manifest

    def documents(self) -> list[Document]:
        """The indexed documents, in ingest order (read on first use, then held in memory)."""
        return list(self._current().documents())

    def projects(self) -> list[Project]:
        """Every project of every document, in document order."""
        return [p for d in self._current().documents() for p in d.projects]

    def passages(self) -> list[Passage]:
        """Every passage, by row; read from the records each call (the served index does not hold them)."""
        return [p for _, p, _ in self._current().iter_passages()]

    def __len__(self) -> int:
        return self._current().size

    def name_vectors(self, names: Sequence[str]) -> np.ndarray | None:
        """The stored query embeddings of these project names, row by row; None when one is not stored
        (an index written before names were stored): the caller embeds them itself."""
        state = self._current()
        rows = state.names()
        if state.name_matrix is None or any(n not in rows for n in names):
            return None
        at = np.fromiter((rows[n] for n in names), np.int64, count=len(names))
        return np.asarray(state.name_matrix[at], dtype=np.float32)

    def search(self, query: str, k: int = 10) -> list[Hit]:
        """The k passages that best match `query`: BM25 and dense rankings fused by reciprocal rank.

        Args:
            query: a question or keywords.
            k: how many hits.
        Returns:
            Hits, best first, each with its passage, project, document, source and the three scores.
        """
        state = self._current()
        if not state.size or k <= 0 or not query.strip():
            return []
        depth = max(FUSION_DEPTH, 3 * k)
        lexical_scores = state.lexical.scores(segment.tokenize(query))
        lexical = top_k(lexical_scores, depth, positive=True)
        vector = self.embedder().encode_queries([query])[0]
        dense = state.dense.search(vector, depth)
        hits = []
        fused_rows = fuse(lexical, dense, k)
        passages = state.passages_at([row for row, _ in fused_rows])
        for row, fused in fused_rows:
            passage = passages[row]
            document = state.document(passage.sha256)
            project = document.projects[passage.project_index]
            # Exact scores for every hit, also where it came from one ranking only.
            lex, den = float(lexical_scores[row]), float(state.vectors[row] @ vector)
            hits.append(Hit(passage, project, document, passage.source, lex, den, fused))
        return hits

    def mentions(self, topic: str) -> list[ProjectMentions]:
        """Every project that mentions `topic`, with each passage that does and why; no cut-off.

        literal: the topic as written (NFKC, white space ignored); lexical: all the words of a multi-word
        topic; semantic: a phrase of the corpus that the topic abbreviates and whose embedding agrees
        (cosine ≥ settings.mention_threshold), e.g. 碳排放权交易市场 for 碳市场 (see `search.abbreviates`).

        Args:
            topic: a term or short phrase.
        Returns:
            One entry per project, in document and project order.
        """
        state = self._current()
        found = find_mentions(
            topic, state.mentions, self._similarity, self.settings.mention_threshold, segment.is_word
        )
        passages = state.passages_at(sorted(found))
        grouped: dict[tuple[str, int], list[Mention]] = {}
        for row in sorted(found):
            match, term, sim = found[row]
            p = passages[row]
            grouped.setdefault((p.sha256, p.project_index), []).append(Mention(p, match, term, sim))
        out = []
        for (sha, pi), mentions in grouped.items():
            document = state.document(sha)
            out.append(ProjectMentions(document.projects[pi], document, tuple(mentions)))
        return out

    def _similarity(self, topic: str, phrases: list[str]) -> np.ndarray:
        # Both sides are short phrases, so both get e5's "query: " prefix (its symmetric-task convention).
        embedder = self.embedder()
        if len(self._phrase_vectors) > PHRASE_CACHE_MAX:  # a long-running server sees many topics
            self._phrase_vectors.clear()
        missing = [t for t in dict.fromkeys([topic, *phrases]) if t not in self._phrase_vectors]
        if missing:
            for text, vec in zip(missing, embedder.encode_queries(missing), strict=True):
                self._phrase_vectors[text] = vec
        t = self._phrase_vectors[topic]
        return np.array([float(self._phrase_vectors[p] @ t) for p in phrases], dtype=np.float32)

    # ------------------------------------------------------------------------- marks

    def set_mark(self, key: str, status: str, remark: str = "") -> None:
        """Record a reviewer's mark on a finding (by its stable key); status "" removes the mark.

        Args:
            key: the finding's stable key.
            status: 已核实 or 忽略, or "" to clear.
            remark: the reviewer's note.
        """
        if status and status not in MARK_STATUSES:
            raise ValueError(
                f"标记状态只能是 {'、'.join(MARK_STATUSES)}（空字符串表示清除标记），收到：{status!r}"
            )
        with self._writing():
            con = _connect(self.directory / RECORDS)
            try:
                with con:  # one transaction
                    con.executescript(_MARKS_SCHEMA)
                    if status:
                        con.execute(
                            "INSERT OR REPLACE INTO marks (key, status, remark, updated_at) VALUES (?, ?, ?, ?)",
                            (key, status, remark, _now()),
                        )
                    else:
                        con.execute("DELETE FROM marks WHERE key = ?", (key,))
            finally:
                con.close()

    def marks(self) -> dict[str, dict]:
        """key -> {"status", "remark", "updated_at"} for every marked finding."""
        return _read_marks(self.directory / RECORDS)

    # ------------------------------------------------------------------------- refused files

    def refused(self) -> tuple[RefusedFile, ...]:
        """The files that could not be read (each with why), in the order they were first refused."""
        return tuple(
            RefusedFile(path, sha, reason, message)
            for _key, path, sha, reason, message, _at in _read_refused(self.directory / RECORDS)
        )

    def add_refused(
        self, refused: RefusedFile, *, identity: Callable[[Any], str] | None = None
    ) -> None:
        """Record a file that could not be read, so that lists and answers can say it exists.

        The same file refused again replaces its entry; once a version of it is read (`add`), the entry
        goes. The documents indexed are not touched: an earlier version that was read stays searchable.

        Args:
            refused: the file and why (`RefusedFile(path, sha256, reason, message)`).
            identity: what makes two files one; default the absolute path (as `add`'s `identity`, which is
                called with a RefusedFile here: it has `path`, `name` and `sha256` as a Document does).
        """
        key = (identity or (lambda d: _path_key(d.path)))(refused)
        with self._writing():
            con = _connect(self.directory / RECORDS)
            try:
                with con:
                    con.executescript(_REFUSED_SCHEMA)
                    row = con.execute("SELECT rowid FROM refused WHERE key = ?", (key,)).fetchone()
                    values = (refused.path, refused.sha256, refused.reason, refused.message, _now(), key)
                    if row is None:
                        con.execute(
                            "INSERT INTO refused (path, sha256, reason, message, updated_at, key) VALUES (?, ?, ?, ?, ?, ?)",
                            values,
                        )
                    else:
                        con.execute(
                            "UPDATE refused SET path = ?, sha256 = ?, reason = ?, message = ?, updated_at = ? WHERE key = ?",
                            values,
                        )
            finally:
                con.close()

    def _forget_refused(self, documents: Sequence[Document], key_of: Callable[[Any], str]) -> None:
        """Drop the refusals of files now read (same identity or same content); the caller holds the lock."""
        path = self.directory / RECORDS
        rows = _read_refused(path)
        if not rows:
            return
        keys = {key_of(d) for d in documents}
        shas = {d.sha256 for d in documents}
        gone = [
            key
            for key, p, sha, *_ in rows
            if key in keys or (sha and sha in shas) or key_of(RefusedFile(p, sha, "", "")) in keys
        ]
        if not gone:
            return
        con = _connect(path)
        try:
            with con:
                con.executemany("DELETE FROM refused WHERE key = ?", [(k,) for k in gone])
        finally:
            con.close()

    # ------------------------------------------------------------------------- writing

    def add(
        self,
        documents: list[Document],
        progress: Callable[[int, int], None] | None = None,
        *,
        identity: Callable[[Document], str] | None = None,
    ) -> AddResult:
        """Add parsed documents; the same file again (same sha256) changes nothing, a changed version of
        a file replaces the old one. Passages of unchanged documents keep their vectors.

        Args:
            documents: parsed documents.
            progress: called with (passages embedded so far, passages to embed).
            identity: what makes two documents versions of one file; default its absolute path. An app
                that stores each upload in a folder of its own can pass e.g. `lambda d: d.name`.
        Returns:
            AddResult with the paths added, replaced and unchanged.
        """
        key_of = identity or (lambda d: _path_key(d.path))
        # Embedding is the slow part: do it before taking the writer lock, so reviewers' marks (which
        # need the lock for a moment) are not held up by a long import.
        pre, pre_names = self._embed_new(documents, progress)
        with self._writing():
            state = self._current()
            current = list(state.documents())
            added: list[str] = []
            replaced: list[str] = []
            unchanged: list[str] = []
            self._forget_refused(documents, key_of)
            for doc in documents:
                if any(d.sha256 == doc.sha256 for d in current):
                    unchanged.append(doc.path)
                    continue
                key = key_of(doc)
                same_path = [i for i, d in enumerate(current) if key_of(d) == key]
                if same_path:
                    current[same_path[0]] = doc
                    for i in reversed(same_path[1:]):
                        del current[i]
                    replaced.append(doc.path)
                else:
                    current.append(doc)
                    added.append(doc.path)
            if not added and not replaced:
                return AddResult(unchanged=unchanged, passages=state.size)
            embedded, total = self._rebuild(state, current, progress, pre, pre_names)
            return AddResult(added, replaced, unchanged, embedded, total)

    def _embed_new(
        self, documents: list[Document], progress: Callable[[int, int], None] | None
    ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Vectors of the passages and project names of `documents` that the index does not hold yet
        (no lock taken)."""
        state = self._current()
        shas = {d.sha256 for d in state.documents()}
        new_documents = [d for d in documents if d.sha256 not in shas]
        texts = [p.embedded_text for d in new_documents for p in passages_of(d)]
        wanted = set(texts)
        known: set[str] = set()
        if wanted and _same_vectors(state.manifest):
            known = {p.embedded_text for _, p, _ in state.iter_passages() if p.embedded_text in wanted}
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        names = dict.fromkeys(p.name for d in new_documents for p in d.projects)
        missing_names = [n for n in names if n not in state.names()]
        total = len(missing) + len(missing_names)
        if not total:
            return {}, {}
        embedder = self.embedder()
        if progress:
            progress(0, total)
        vectors = _encode_all(embedder.encode_passages, missing, progress, 0, total)
        return vectors, _encode_all(embedder.encode_queries, missing_names, progress, len(missing), total)

    def remove(self, path_or_sha: str) -> bool:
        """Remove a document by path, file name (when unique), sha256 or a sha256 prefix of 8+ characters.

        Returns:
            True when a document was removed.
        """
        with self._writing():
            state = self._current()
            target = _find_document(state.documents(), path_or_sha)
            if target is None:
                return self._remove_refused(path_or_sha)
            self._rebuild(state, [d for d in state.documents() if d.sha256 != target.sha256], None)
            return True

    def _remove_refused(self, path_or_sha: str) -> bool:
        """Remove a refused file's entry by path, file name (when unique) or sha256; the caller holds the lock."""
        rows = _read_refused(self.directory / RECORDS)
        files = [RefusedFile(p, sha, reason, message) for _k, p, sha, reason, message, _a in rows]
        target = _find_document(files, path_or_sha)  # type: ignore[arg-type]
        if target is None:
            return False
        key = next(k for (k, *_), f in zip(rows, files, strict=True) if f is target)
        con = _connect(self.directory / RECORDS)
        try:
            with con:
                con.execute("DELETE FROM refused WHERE key = ?", (key,))
        finally:
            con.close()
        return True

    def _rebuild(
        self,
        state: _State,
        documents: list[Document],
        progress: Callable[[int, int], None] | None,
        pre: dict[str, np.ndarray] | None = None,
        pre_names: dict[str, np.ndarray] | None = None,
    ) -> tuple[int, int]:
        passages = [p for d in documents for p in passages_of(d)]
        embedded = [p.embedded_text for p in passages]
        # What the previous generation can give, read from its records: a vector per embedded text
        # (only when it embedded the same kind of text) and tokens per indexed text (same dictionary).
        same_dictionary = state.manifest.get("versions", {}).get("dictionary") == segment.dictionary_digest()
        want_vectors = set(embedded) if state.size and _same_vectors(state.manifest) else set()
        want_tokens = {p.indexed_text for p in passages} if state.size and same_dictionary else set()
        old_vector_rows: dict[str, int] = {}
        old_tokens: dict[str, list[str]] = {}
        strings: dict[str, str] = {}  # one object per distinct token: millions of passages repeat them
        if state.size and (want_vectors or want_tokens):
            for row, old, toks in state.iter_passages(tokens=bool(want_tokens)):
                if old.embedded_text in want_vectors:
                    old_vector_rows.setdefault(old.embedded_text, row)
                if toks is not None and old.indexed_text in want_tokens and old.indexed_text not in old_tokens:
                    old_tokens[old.indexed_text] = [strings.setdefault(t, t) for t in json.loads(toks)]
        del want_vectors, want_tokens

        # Taken over, not copied, and emptied below: at millions of passages it is a gigabyte.
        new_vectors: dict[str, np.ndarray] = pre if pre is not None else {}
        embedded_before = len(new_vectors)
        missing = list(dict.fromkeys(t for t in embedded if t not in old_vector_rows and t not in new_vectors))
        dimension = state.vectors.shape[1] if len(state.vectors) else 0
        if new_vectors:
            dimension = len(next(iter(new_vectors.values())))
        if missing:
            embedder = self.embedder()
            dimension = embedder.dimension
            if progress:
                progress(0, len(missing))
            new_vectors.update(_encode_all(embedder.encode_passages, missing, progress, 0, len(missing)))
        vectors = np.zeros((len(passages), dimension), np.float32)
        reused = [(i, old_vector_rows.get(t, -1)) for i, t in enumerate(embedded)]
        rows_new = np.fromiter((i for i, o in reused if o < 0), np.int64)
        for i in rows_new.tolist():
            vectors[i] = new_vectors[embedded[i]]
        taken = [(i, o) for i, o in reused if o >= 0]
        if taken:
            at, old_at = np.array(taken, np.int64).T
            order = np.argsort(old_at, kind="stable")  # read the old memory map front to back
            vectors[at[order]] = state.vectors[old_at[order]]
        new_vectors.clear()
        del reused, taken, old_vector_rows
        tokenized: dict[str, list[str]] = {}
        tokens = [
            old_tokens.get(p.indexed_text) or _passage_tokens(p, tokenized, strings) for p in passages
        ]
        del old_tokens, tokenized, strings
        names, name_matrix = self._name_matrix(state, documents, pre_names or {}, dimension)
        self._write_generation(documents, passages, tokens, vectors, dimension or None, names, name_matrix)
        self._state = None
        self._manifest = self._read_manifest()
        return embedded_before + len(missing), len(passages)

    def _name_matrix(
        self, state: _State, documents: list[Document], pre: dict[str, np.ndarray], dimension: int
    ) -> tuple[list[str], np.ndarray]:
        """Every distinct project name and its query embedding: the previous generation's, `pre`, or new."""
        names = list(dict.fromkeys(p.name for d in documents for p in d.projects))
        old = state.names()
        missing = [n for n in names if n not in old and n not in pre]
        if missing:
            pre = {**pre, **_encode_all(self.embedder().encode_queries, missing, None, 0, len(missing))}
        matrix = np.zeros((len(names), dimension), np.float32)
        for i, name in enumerate(names):
            row = old.get(name)
            matrix[i] = pre[name] if row is None else state.name_matrix[row]  # type: ignore[index]
        return names, matrix

    def _write_generation(
        self,
        documents: list[Document],
        passages: list[Passage],
        tokens: list[list[str]],
        vectors: np.ndarray,
        dimension: int | None,
        names: list[str] | None = None,
        name_matrix: np.ndarray | None = None,
    ) -> None:
        """Build a complete new directory beside the current one, then rename it into place."""
        parent, name = self.directory.parent, self.directory.name
        parent.mkdir(parents=True, exist_ok=True)
        for stale in parent.glob(f".{name}.new-*"):  # debris of a crashed writer (we hold the lock)
            shutil.rmtree(stale, ignore_errors=True)
        new = parent / f".{name}.new-{uuid.uuid4().hex[:12]}"
        new.mkdir()
        try:
            generation = uuid.uuid4().hex
            _write_records(
                new / RECORDS, generation, documents, passages, tokens, names or [], self.directory / RECORDS
            )
            np.save(new / VECTORS, vectors)
            np.save(new / NAMES, name_matrix if name_matrix is not None else np.zeros((0, dimension or 0), np.float32))
            settings = self.settings
            dense = (
                Dense.build(vectors, settings.dense_flat_max, settings.dense_nprobe)
                if len(vectors)
                else Dense(None, dimension or 0)
            )
            dense.save(new / DENSE)
            del dense
            Lexical.build(tokens).save(new / BM25_DIR)
            MentionIndex.build(segment.compact(p.text) for p in passages).save(new / MENTIONS_DIR)
            counts: dict[str, int] = {}
            for p in passages:
                counts[p.sha256] = counts.get(p.sha256, 0) + 1
            manifest = {
                "format": FORMAT_VERSION,
                "generation": generation,
                "model": self.settings.model,
                "dimension": dimension,
                "settings": to_jsonable(self.settings),
                "versions": _versions(),
                "dense": {
                    "kind": "ivf-sq8" if len(vectors) > settings.dense_flat_max else "flat" if len(vectors) else "empty",
                    "flat_max": settings.dense_flat_max,
                    "nprobe": settings.dense_nprobe,
                },
                "passages": len(passages),
                "documents": {
                    d.sha256: {
                        "path": d.path,
                        "name": d.name,
                        "kind": d.kind,
                        "projects": len(d.projects),
                        "passages": counts.get(d.sha256, 0),
                    }
                    for d in documents
                },
                "updated_at": _now(),
            }
            # Written last: a directory without a manifest is never taken for an index.
            (new / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
            self._swap(new)
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise

    def _swap(self, new: Path) -> None:
        old = None
        if self.directory.exists():
            old = self.directory.parent / f".{self.directory.name}.old-{uuid.uuid4().hex[:12]}"
            os.rename(self.directory, old)
        # A crash here leaves only .old-*: `open` renames it back (see `_recover`).
        os.rename(new, self.directory)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _passage_tokens(passage: Passage, memo: dict[str, list[str]], strings: dict[str, str]) -> list[str]:
    """`segment.tokenize(passage.indexed_text)`, from the tokens of its project name and its text, each
    tokenised once: `：` is not a word character, so jieba cuts the two halves apart anyway (the test
    test_passage_tokens_are_those_of_the_indexed_text checks it), and one indicator text in many
    projects is cut once instead of once a project."""

    def cut(text: str) -> list[str]:
        found = memo.get(text)
        if found is None:
            found = memo[text] = [strings.setdefault(t, t) for t in segment.tokenize(text)]
        return found

    if passage.kind == "name":
        return cut(passage.text)
    return cut(passage.project) + cut(passage.text)


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
        exists = con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'refused'").fetchone()
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
