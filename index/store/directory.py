"""The index directory: manifest, format, the writer lock, loading a generation, writing a new one and swapping it in."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from corpus.errors import IndexError_
from corpus.model import Document, to_jsonable
from corpus.settings import Settings, default_index_dir
from index import segment
from index.search import (
    Dense,
    Lexical,
    MentionIndex,
    Passage,
)
from index.store.records import (
    _connect_reader,
    _now,
    _State,
    _write_records,
)

if TYPE_CHECKING:
    from index.embed import Embedder
    from index.store import Index

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


LOCK_TIMEOUT_S = 30.0
# How long a reader waits for a writer's directory swap to finish before giving up.
READ_WAIT_S = 10.0


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


def _same_vectors(manifest: dict[str, Any]) -> bool:
    """Whether `manifest`'s generation embedded passages as this version does (else they are re-embedded)."""
    return manifest.get("versions", {}).get("passage_vectors") == PASSAGE_VECTORS


class _Directory:
    """Opening, locking and loading the directory; writing a generation beside it and swapping it in."""

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
        self._generation_seen: tuple[tuple[int, int, int], str | None] | None = None
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
        """The generation named by the manifest on disk. Asked on every read, so the manifest (1.4 MB at 100k
        projects) is parsed again only when its file changed: a swap renames a new file into place, which
        changes its inode, size or modification time."""
        path = self.directory / MANIFEST
        try:
            st = path.stat()
            stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
            if self._generation_seen is not None and self._generation_seen[0] == stamp:
                return self._generation_seen[1]
            generation = json.loads(path.read_text(encoding="utf-8")).get("generation")
        except (OSError, ValueError):
            return None
        self._generation_seen = (stamp, generation)
        return generation

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
            np.save(
                new / NAMES,
                name_matrix if name_matrix is not None else np.zeros((0, dimension or 0), np.float32),
            )
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
                    "kind": "ivf-sq8"
                    if len(vectors) > settings.dense_flat_max
                    else "flat"
                    if len(vectors)
                    else "empty",
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
