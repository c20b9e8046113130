"""Ingest on a Ray cluster: files parsed by Ray tasks, passages embedded by Ray Data actors, the index written here.

Only the work that scales with the corpus leaves this process. The index is still written by the one process
that holds its writer lock, through the same `Index.add` as a local ingest: the vectors computed on the cluster
are handed to it as an embedder that already knows them (`KnownVectors`), so records, passages, tokens and
the generation written are those of a local ingest. Ray is an optional extra (`pip install jixiao[cluster]`).

A file is read by a task on whichever node runs it, at the path given here: on several machines the files
must lie at the same path on each (a shared or synced folder), and jixiao must be installed on each node.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from corpus.errors import JixiaoError
from corpus.model import Document, RefusedFile
from corpus.settings import Settings
from index.store import EMBED_BATCH as STORE_EMBED_BATCH
from qa import service

# A Ray started here, without an address: this machine's cores, no dashboard (nothing to serve).
LOCAL_CPUS = 2
# A task whose worker process died is run again this many times (a file that fails to parse is not:
# that is a refusal, reported like a local ingest's).
TASK_RETRIES = 3
# Texts per embedding call on an actor: at most the local ingest's call (index.store.EMBED_BATCH), fewer
# where a small corpus would otherwise leave an actor idle; texts go in order of length, as locally.
EMBED_BATCH = STORE_EMBED_BATCH
BLOCK_ROWS = 4 * EMBED_BATCH  # texts a Ray Data block holds at most

TEXT = {
    "no_ray": "未安装 Ray，无法在集群上导入。请先安装：pip install 'jixiao[cluster]'（或去掉 --ray 在本机导入）。",
    "no_cluster": "无法连接 Ray 集群 {address}：{error}。请先在集群上运行 `ray start --head`，"
    "或用 --ray 不带地址在本机启动一个。",
}

FileDone = Callable[[int, int, str, RefusedFile | None], None]
Progress = Callable[[int, int], None]


# ------------------------------------------------------------------------------------------ connecting


@contextlib.contextmanager
def connected(address: str | None = None, num_cpus: int = LOCAL_CPUS) -> Iterator[int]:
    """Within the block, this process is a Ray driver; yields the CPUs the cluster offers.

    Args:
        address: None starts a local Ray on this machine (`num_cpus` CPUs, shut down at the end); "auto" or
            "HOST:PORT" connects to a running cluster (`ray start --head` / `ray start --address=...`).
            A Ray already initialised in this process is used as it is and left running.
        num_cpus: the CPUs of a local Ray.
    Raises:
        JixiaoError: Ray is not installed, or the cluster cannot be reached.
    """
    try:
        import ray
    except ImportError as exc:
        raise JixiaoError(TEXT["no_ray"]) from exc
    started = not ray.is_initialized()
    if started:
        try:
            if address:
                ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False)
            else:
                ray.init(
                    num_cpus=num_cpus,
                    include_dashboard=False,
                    logging_level=logging.ERROR,  # a Ray of our own: its notices on setup are noise here
                    log_to_driver=False,
                    runtime_env={"env_vars": _forwarded_environment()},
                )
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise JixiaoError(TEXT["no_cluster"].format(address=address or "local", error=exc)) from exc
    _quiet_ray_data()
    try:
        yield int(ray.cluster_resources().get("CPU", 1))
    finally:
        if started:
            ray.shutdown()


def _forwarded_environment() -> dict[str, str]:
    """The jixiao and Hugging Face settings of this process, for a local Ray's workers (same cache, offline)."""
    keep = ("JIXIAO_", "HF_", "TRANSFORMERS_", "OMP_WAIT_POLICY")
    return {k: v for k, v in os.environ.items() if k.startswith(keep)}


def _quiet_ray_data() -> None:
    """Ray Data prints a progress table per operator; the CLI says per file and per passage instead."""
    from ray.data import DataContext

    ctx = DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.enable_operator_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.ERROR)  # "progress bars disabled" is what we asked for


# ------------------------------------------------------------------------------------------ parsing


def _read_one(path: str, settings: Settings) -> Document | RefusedFile:
    """One file parsed on a Ray worker: its Document, or the RefusedFile a local ingest would record."""
    from corpus.readers import ocr_options

    with ocr_options(min_confidence=settings.ocr_min_confidence):
        try:
            return service.read_file(path, settings)
        except JixiaoError as exc:
            return service.refused(path, exc)


def read_files(
    paths: Sequence[str | Path], settings: Settings, on_file: FileDone | None = None
) -> tuple[list[Document], list[RefusedFile]]:
    """`service.read_files` with one Ray task per file (call inside `connected`).

    Args:
        paths: files and folders, as for `service.read_files`.
        settings: the settings the files are parsed with.
        on_file: called as each file is done with (files done, files in all, path, its RefusedFile or None).
    Returns:
        (the documents read, the files refused), in the order given, as `service.read_files` returns them.
    """
    import ray

    files = [str(p) for p in service.expand_paths(paths)]
    task = ray.remote(num_cpus=1, max_retries=TASK_RETRIES, retry_exceptions=False)(_read_one)
    pending = {task.remote(path, settings): i for i, path in enumerate(files)}
    results: list[Document | RefusedFile | None] = [None] * len(files)
    while pending:
        ready, _ = ray.wait(list(pending), num_returns=1)
        i = pending.pop(ready[0])
        results[i] = ray.get(ready[0])
        if on_file:
            refusal = results[i] if isinstance(results[i], RefusedFile) else None
            on_file(len(files) - len(pending), len(files), files[i], refusal)  # type: ignore[arg-type]
    docs = [r for r in results if isinstance(r, Document)]
    return docs, [r for r in results if isinstance(r, RefusedFile)]


# ------------------------------------------------------------------------------------------ embedding


class Encoder:
    """The Ray Data actor: one embedder per worker process, loaded once, encoding batches of texts.

    A batch holds passages (`query` False: `encode_passages`) and project names (`query` True: the name
    vectors are query embeddings, as `Index.add` makes them).
    """

    def __init__(self, model: str) -> None:
        self.embedder = service.embedder(Settings().with_(model=model))

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        texts = [str(t) for t in batch["text"]]
        query = np.asarray(batch["query"], bool)
        vectors = np.zeros((len(texts), self.embedder.dimension), np.float32)
        for flag, encode in ((False, self.embedder.encode_passages), (True, self.embedder.encode_queries)):
            rows = np.flatnonzero(query == flag)
            if len(rows):
                vectors[rows] = encode([texts[i] for i in rows])
        return {"text": batch["text"], "query": query, "vector": vectors}


def embed(
    passages: Sequence[str],
    names: Sequence[str],
    settings: Settings,
    workers: int,
    progress: Progress | None = None,
    encoder: type = Encoder,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Passage and project-name vectors from a pool of `workers` embedding actors (call inside `connected`).

    An actor whose process dies is restarted and its batch run again (Ray Data's actor pool retries).

    Returns:
        (passage text -> vector, project name -> query vector).
    """
    import ray

    rows = [{"text": t, "query": False} for t in sorted(dict.fromkeys(passages), key=len)]
    rows += [{"text": n, "query": True} for n in sorted(dict.fromkeys(names), key=len)]
    if not rows:
        return {}, {}
    # Every actor busy on a small corpus (four calls each at least); on a large one, blocks small enough
    # that progress is said often and a dead actor's block is quickly done again.
    batch_size = max(1, min(EMBED_BATCH, -(-len(rows) // (4 * workers))))
    batches = -(-len(rows) // batch_size)
    blocks = max(min(batches, 4 * workers), -(-len(rows) // BLOCK_ROWS))
    dataset = ray.data.from_items(rows, override_num_blocks=blocks).map_batches(
        encoder,
        fn_constructor_kwargs={"model": settings.model},
        batch_size=batch_size,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=min(workers, blocks)),
        num_cpus=1,
    )
    by_passage: dict[str, np.ndarray] = {}
    by_name: dict[str, np.ndarray] = {}
    if progress:
        progress(0, len(rows))
    for batch in dataset.iter_batches(batch_size=None, batch_format="numpy"):
        for text, query, vector in zip(batch["text"], batch["query"], batch["vector"], strict=True):
            (by_name if query else by_passage)[str(text)] = np.asarray(vector, np.float32)
        if progress:
            progress(len(by_passage) + len(by_name), len(rows))
    return by_passage, by_name


class KnownVectors:
    """An embedder for `Index.add` that answers from vectors computed on the cluster.

    A text it was not given (an earlier generation's passage that must be embedded again, say) is embedded
    here by the local embedder, so the index never holds a vector of another kind.
    """

    def __init__(
        self, settings: Settings, passages: dict[str, np.ndarray], names: dict[str, np.ndarray]
    ) -> None:
        self.name = settings.model
        self._settings = settings
        self._passages, self._names = passages, names
        self._local: Any | None = None

    @property
    def dimension(self) -> int:
        for known in (self._passages, self._names):
            for vector in known.values():
                return len(vector)
        return self._embedder().dimension

    def _embedder(self) -> Any:
        if self._local is None:
            self._local = service.embedder(self._settings)
        return self._local

    def _lookup(self, texts: list[str], known: dict[str, np.ndarray], encode: Callable) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            known.update(zip(missing, encode(self._embedder())(missing), strict=True))
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        return np.stack([known[t] for t in texts]).astype(np.float32, copy=False)

    def encode_passages(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        return self._lookup(list(texts), self._passages, lambda e: e.encode_passages)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._lookup(list(texts), self._names, lambda e: e.encode_queries)


# ------------------------------------------------------------------------------------------ ingest


@dataclass
class ClusterIngest:
    """What `ingest` did: the index, `Index.add`'s result, the files read and refused, the workers used, the
    seconds of each step (parse and embed on the cluster, write here) and the texts embedded there."""

    index: Any
    result: Any
    documents: list[Document]
    refused: list[RefusedFile]
    workers: int
    seconds: dict[str, float]
    texts: int  # passages and project names embedded on the cluster (distinct texts)


def ingest(
    directory: str | Path,
    paths: Sequence[str | Path],
    settings: Settings,
    *,
    address: str | None = None,
    workers: int | None = None,
    on_file: FileDone | None = None,
    progress: Progress | None = None,
    encoder: type = Encoder,
) -> ClusterIngest:
    """Parse and embed on Ray, then write the index here exactly as `service.ingest` does.

    The same file again changes nothing and an interrupted run is run again, as locally: only documents
    the index does not hold yet (by sha256) are embedded, and nothing is written until all are.

    Args:
        directory: the index directory (created when missing).
        paths: files and folders to ingest.
        settings: the settings (its model embeds on the workers and here).
        address: None for a local Ray of `LOCAL_CPUS` CPUs; "auto" or "HOST:PORT" for a running cluster.
        workers: embedding actors (default, and at most, one per CPU of the cluster).
        on_file: per-file progress and refusals (see `read_files`).
        progress: (texts embedded, texts to embed).
        encoder: the Ray Data actor class that embeds (`Encoder`: the model of `settings`).
    Returns:
        ClusterIngest.

    Example:
        done = ingest(".jixiao/index", ["corpus/samples"], Settings())
        len(done.result.added), done.workers   # (2, 2)
    """
    from index.search import passages_of
    from index.store import Index

    directory = Path(directory)
    clock = time.perf_counter()
    seconds: dict[str, float] = {}

    def lap(step: str) -> None:
        nonlocal clock
        seconds[step] = time.perf_counter() - clock
        clock = time.perf_counter()

    with connected(address) as cpus:
        # One CPU an actor: more than the cluster has would wait for CPUs that never come.
        workers = min(workers or cpus, cpus) if cpus else 1
        lap("connect")
        held = Index.open(directory, settings=settings, create=True)  # a wrong --index fails before any work
        docs, refused = read_files(paths, settings, on_file)
        shas = {d.sha256 for d in held.documents()}
        new = [d for d in docs if d.sha256 not in shas]
        lap("parse")
        texts = [p.embedded_text for d in new for p in passages_of(d)]
        names = [p.name for d in new for p in d.projects]
        by_passage, by_name = embed(texts, names, settings, workers, progress, encoder)
        lap("embed")
    lap("disconnect")
    index = Index.open(directory, settings=settings, embedder=KnownVectors(settings, by_passage, by_name))
    result = service.ingest(index, docs, refused)
    lap("write")
    return ClusterIngest(index, result, docs, refused, workers, seconds, len(by_passage) + len(by_name))
