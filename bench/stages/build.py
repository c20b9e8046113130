"""Stage build: the store's own index over a larger corpus (vectors replicated), and dense recall."""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import (
    IVF_PROBES,
    SEARCH_QUERIES,
    ReplicatedEmbedder,
    _read,
    checkpoint,
    dir_mb,
    index_dir,
    load_docs,
    peak_rss_mb,
    percentiles,
    timed_calls,
)


def _exact_top10(vectors: np.ndarray, queries: np.ndarray, k: int = 10) -> np.ndarray:
    """Exact inner-product top-k by brute force in chunks (bounded memory, works on a memory map)."""
    best_s = np.full((len(queries), k), -np.inf, np.float32)
    best_i = np.zeros((len(queries), k), np.int64)
    step = 200_000
    for start in range(0, len(vectors), step):
        block = np.asarray(vectors[start : start + step], dtype=np.float32)
        s = queries @ block.T
        kk = min(k, s.shape[1])
        part = np.argpartition(-s, kk - 1, axis=1)[:, :kk]
        cand_s = np.concatenate([best_s, np.take_along_axis(s, part, 1)], axis=1)
        cand_i = np.concatenate([best_i, part + start], axis=1)
        order = np.argsort(-cand_s, axis=1)[:, :k]
        best_s = np.take_along_axis(cand_s, order, 1)
        best_i = np.take_along_axis(cand_i, order, 1)
    return best_i


def _recall(
    vectors: np.ndarray, queries: np.ndarray, got: np.ndarray, exact: np.ndarray
) -> tuple[float, float]:
    """(recall@10 of the exact ids, share of the exact top-10 score mass reached): near-duplicate passages
    (one indicator in many projects) make the ids of a top-10 a matter of ties, the scores not."""
    ids = float(
        np.mean([len(set(a) & set(b)) / 10 for a, b in zip(got.tolist(), exact.tolist(), strict=True)])
    )
    reached = [float(sum(q @ vectors[i] for i in g if i >= 0)) for q, g in zip(queries, got, strict=True)]
    best = [float(sum(q @ vectors[i] for i in e)) for q, e in zip(queries, exact, strict=True)]
    return ids, float(np.mean(np.asarray(reached) / np.asarray(best)))


def _recall_ties(vectors: np.ndarray, queries: np.ndarray, got: np.ndarray, exact: np.ndarray) -> float:
    """recall@10 that counts a returned id as right when it scores at least the exact 10th best: the store
    embeds each distinct text once, so one indicator text in many projects is many rows with one vector,
    and which of those tied rows make the exact top 10 is arbitrary."""
    right = 0
    for q, g, e in zip(queries, got, exact, strict=True):
        tenth = min(float(q @ vectors[i]) for i in e)
        right += sum(1 for i in g if i >= 0 and float(q @ vectors[i]) >= tenth - 1e-6)
    return right / (10 * len(queries))


def _recall_queries(vectors: np.ndarray, real: Any) -> tuple[np.ndarray, np.ndarray]:
    """The recall queries (the search queries, embedded, and 200 perturbed passage vectors, seeded) and
    their exact top 10 over `vectors`."""
    queries = real.encode_queries(list(SEARCH_QUERIES))
    rng = np.random.default_rng(1)
    probes = np.asarray(vectors[np.sort(rng.choice(len(vectors), 200, replace=False))], dtype=np.float32)
    probes = probes + rng.normal(0, 0.01, probes.shape).astype(np.float32)
    probes /= np.linalg.norm(probes, axis=1, keepdims=True)
    q = np.concatenate([queries, probes]).astype(np.float32)
    return q, _exact_top10(vectors, q)


def _store_dense(target: Path, vectors: np.ndarray, q: np.ndarray, exact: np.ndarray) -> dict[str, Any]:
    """The store's own dense index (IVF-SQ8 past Settings.dense_flat_max) as it serves: recall@10 against
    exact search, memory, search time."""
    from corpus.settings import Settings
    from index.search import Dense

    dense = Dense.load(target / "dense.faiss", vectors.shape[1], Settings().dense_nprobe)
    got = np.array([([r for r, _ in dense.search(v, 10)] + [-1] * 10)[:10] for v in q])
    recall, score_share = _recall(vectors, q, got, exact)
    inner = dense._index
    return {
        "kind": dense.kind,
        "spec": f"the store's dense.faiss: {type(inner).__name__}"
        + (f" nlist={inner.nlist} nprobe={inner.nprobe}" if dense.kind == "ivf-sq8" else ""),
        "recall_at_10": recall,
        "recall_at_10_ties": _recall_ties(vectors, q, got, exact),
        "score_share": score_share,
        "mb": (target / "dense.faiss").stat().st_size / 1048576,
        "search_ms": percentiles(
            timed_calls(lambda v: dense.search(v, 10), list(q[: len(SEARCH_QUERIES)]), 5, 60)
        ),
    }


def _compressed(vectors: np.ndarray, kind: str) -> tuple[Any, float]:
    """An IVF index over `vectors` (`sq8` or `pq`), trained on a sample; returns (index, build seconds)."""
    import faiss

    n, dim = vectors.shape
    nlist = int(2 ** round(np.log2(max(64, 4 * np.sqrt(n)))))
    spec = f"IVF{nlist},SQ8" if kind == "sq8" else f"IVF{nlist},PQ48"
    t = time.perf_counter()
    index = faiss.index_factory(dim, spec, faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(0)
    sample = np.asarray(vectors[np.sort(rng.choice(n, min(n, nlist * 40), replace=False))], dtype=np.float32)
    index.train(sample)
    for start in range(0, n, 200_000):
        index.add(np.ascontiguousarray(vectors[start : start + 200_000], dtype=np.float32))
    index.nprobe = IVF_PROBES
    return index, time.perf_counter() - t


def _progress(stage: str, size: int) -> Callable[[int, int], None]:
    """A progress callback that logs every tenth of the way (stage logs go to work/logs)."""
    last = [-1]

    def report(done: int, total: int) -> None:
        tenth = done * 10 // max(total, 1)
        if tenth != last[0]:
            last[0] = tenth
            print(f"[{stage} {size}] {time.strftime('%H:%M:%S')} embedded {done}/{total}", flush=True)

    return report


def stage_build(work: Path, size: int, args: argparse.Namespace) -> dict[str, Any]:
    """The store's own index of a larger corpus, with replicated vectors; then the compressed dense
    indexes over the same vectors, with recall@10 against exact search."""
    from corpus.settings import Settings
    from index.embed import get_embedder

    pool = np.load(index_dir(work, args.ingest_size) / "vectors.npy")
    real = get_embedder(Settings().model)
    target, out = _build_store(work, size, pool, real)
    gc.collect()
    vectors = np.load(target / "vectors.npy", mmap_mode="r")
    q, exact = _recall_queries(vectors, real)
    out["compressed"] = {}
    out["store_dense"] = _store_dense(target, vectors, q, exact)
    if out["store_dense"]["kind"] == "ivf-sq8":
        out["compressed"]["sq8"] = {"spec": out["store_dense"]["spec"], **out["store_dense"]}
    checkpoint(work, "build", size, out)
    scale = _read(work, "scale", size) or {}
    # PQ training is the slow part (10 min at 2.5M vectors): above the store's former limit the scale
    # stage's figures over the same replicated vectors stand.
    kinds = [k for k in ("sq8", "pq") if k not in out["compressed"]]
    if len(vectors) < 40_000:  # PQ needs 256 × 39 training vectors per code book
        kinds = [k for k in kinds if k != "pq"]
    _compressed_kinds(work, size, args, kinds, scale, vectors, q, exact, out)
    out["flat_search_ms"] = _flat_search_ms(size, args, scale, vectors, q)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def _build_store(work: Path, size: int, pool: np.ndarray, real: Any) -> tuple[Path, dict[str, Any]]:
    """The store's own `Index.add` of the corpus with vectors replicated from `pool`: (index dir, result)."""
    from corpus.settings import Settings
    from index.store import Index

    docs = load_docs(work, size)
    target = index_dir(work, size)
    shutil.rmtree(target, ignore_errors=True)
    t = time.perf_counter()
    index = Index.open(
        target, Settings(), create=True, embedder=ReplicatedEmbedder(pool, Settings().model, real)
    )
    result = index.add(docs, progress=_progress("build", size))
    seconds = time.perf_counter() - t
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    out: dict[str, Any] = {
        "passages": result.passages,
        "seconds": seconds,
        "passages_per_s": result.passages / seconds,
        "index_mb": dir_mb(target),
        "files_mb": {
            p.name: round(dir_mb(p) if p.is_dir() else p.stat().st_size / 1048576, 1)
            for p in target.iterdir()
        },
        "dense_kind": manifest.get("dense", {}).get("kind"),
        "peak_rss_build_mb": peak_rss_mb(),
    }
    return target, out


def _compressed_measured(
    vectors: np.ndarray, kind: str, q: np.ndarray, exact: np.ndarray, work: Path, size: int
) -> tuple[Any, dict[str, Any]]:
    """A compressed index of `kind` built over the vectors, its recall@10 against exact search, written to
    work/dense-<size>-<kind>.faiss: (the index, its figures: spec, recall, score share, build time, size)."""
    import faiss

    index, build_s = _compressed(vectors, kind)
    _, got = index.search(q, 10)
    recall, score_share = _recall(vectors, q, got, exact)
    path = work / f"dense-{size}-{kind}.faiss"
    faiss.write_index(index, str(path))
    return index, {
        "spec": f"{type(index).__name__} nlist={index.nlist} nprobe={IVF_PROBES}",
        "recall_at_10": recall,
        "score_share": score_share,
        "build_seconds": build_s,
        "mb": path.stat().st_size / 1048576,
    }


def _compressed_kinds(
    work: Path,
    size: int,
    args: argparse.Namespace,
    kinds: list[str],
    scale: dict[str, Any],
    vectors: np.ndarray,
    q: np.ndarray,
    exact: np.ndarray,
    out: dict[str, Any],
) -> None:
    """IVF-SQ8 and IVF-PQ over the store's vectors (or the scale stage's figures above the store's limit)."""

    for kind in kinds:
        if size > args.store_max and kind in scale.get("compressed", {}):
            out["compressed"][kind] = {**scale["compressed"][kind], "from": "scale"}
            continue
        index, figures = _compressed_measured(vectors, kind, q, exact, work, size)
        times = timed_calls(
            lambda v, index=index: index.search(v.reshape(1, -1), 10), list(q[: len(SEARCH_QUERIES)]), 5, 60
        )
        out["compressed"][kind] = {**figures, "search_ms": percentiles(times)}
        del index


def _flat_search_ms(
    size: int, args: argparse.Namespace, scale: dict[str, Any], vectors: np.ndarray, q: np.ndarray
) -> dict[str, Any]:
    """Exact flat search latency over the same vectors (the scale stage's figure above the store's limit)."""
    import faiss

    if size > args.store_max and "flat_search_ms" in scale:
        # A float copy of every vector (3.7 GB at 2.5M) for a figure the scale stage has.
        return {**scale["flat_search_ms"], "from": "scale"}
    else:
        flat = [None]

        def flat_search(v: np.ndarray) -> None:
            if flat[0] is None:
                flat[0] = faiss.IndexFlatIP(vectors.shape[1])
                flat[0].add(np.ascontiguousarray(vectors, dtype=np.float32))
            flat[0].search(v.reshape(1, -1), 10)

        flat_search(q[0])
        return percentiles(timed_calls(flat_search, list(q[: len(SEARCH_QUERIES)]), 3, 60))
