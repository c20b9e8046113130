"""Stage scale: the retrievers over a corpus too large for the store's own build on this machine."""

from __future__ import annotations

import argparse
import gc
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import (
    MENTION_TOPICS,
    SEARCH_QUERIES,
    ReplicatedEmbedder,
    checkpoint,
    current_rss_mb,
    index_dir,
    load_docs,
    peak_rss_mb,
    percentiles,
    timed_calls,
)
from bench.stages.build import (
    _compressed_measured,
    _exact_top10,
)


def stage_scale(work: Path, size: int, args: argparse.Namespace) -> dict[str, Any]:
    """The search side at a size whose store index is too slow to build in one run: the store's own
    mention matcher (`index.search.find_mentions`) over every passage, BM25 over jieba tokens (bm25s,
    tokenised in worker processes) and the dense indexes over replicated vectors, each alone."""
    # faiss and the index's search modules (jieba with them) load before the model's RSS is read, as always.
    import faiss  # noqa: F401

    import index.search  # noqa: F401
    from corpus.settings import Settings
    from index.embed import get_embedder

    settings = Settings()
    real = get_embedder(settings.model)
    real.encode_queries(["预热"])
    rss_model = current_rss_mb()
    texts, mention_index, out = _prepare(work, size, rss_model)
    _time_mentions(work, size, args, settings, real, mention_index, out)
    _dense(work, size, args, settings, real, texts, out)
    gc.collect()
    # BM25 over jieba tokens, tokenised by worker processes (the store tokenises in one).
    if args.scale_bm25:
        _bm25(args, texts, out)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def _prepare(work: Path, size: int, rss_model: float) -> tuple[list[str], Any, dict[str, Any]]:
    """Every passage's indexed text and the mention index over them: (texts, mention index, result)."""
    from index import segment
    from index.search import MentionIndex, passages_of

    t = time.perf_counter()
    docs = load_docs(work, size)
    texts = [p.indexed_text for d in docs for p in passages_of(d)]
    t_compact = time.perf_counter()
    mention_index = MentionIndex.build(segment.compact(p.text) for d in docs for p in passages_of(d))
    mention_index_s = time.perf_counter() - t_compact
    del docs
    gc.collect()
    out: dict[str, Any] = {
        "passages": len(texts),
        "prepare_seconds": time.perf_counter() - t,
        "rss_after_model_mb": rss_model,
    }
    out["mention_index_seconds"] = mention_index_s
    return texts, mention_index, out


def _time_mentions(
    work: Path,
    size: int,
    args: argparse.Namespace,
    settings: Any,
    real: Any,
    mention_index: Any,
    out: dict[str, Any],
) -> None:
    """The store's mention matcher alone over every passage, topic phrases embedded for real."""
    from index import segment
    from index.search import find_mentions

    phrase_vectors: dict[str, np.ndarray] = {}

    def similarity(topic: str, phrases: list[str]) -> np.ndarray:
        missing = [x for x in dict.fromkeys([topic, *phrases]) if x not in phrase_vectors]
        if missing:
            phrase_vectors.update(zip(missing, real.encode_queries(missing), strict=True))
        return np.array([float(phrase_vectors[p] @ phrase_vectors[topic]) for p in phrases], dtype=np.float32)

    def mentions(topic: str) -> None:
        find_mentions(topic, mention_index, similarity, settings.mention_threshold, segment.is_word)

    out["latency"] = {}
    mentions(MENTION_TOPICS[0])
    out["latency"]["mentions (find_mentions alone)"] = percentiles(
        timed_calls(mentions, MENTION_TOPICS, args.rounds, args.latency_budget)
    )
    checkpoint(work, "scale", size, out)


def _replicated(
    work: Path, args: argparse.Namespace, settings: Any, real: Any, texts: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Replicated passage vectors, and the queries: the real search queries plus noisy passage probes."""
    pool = np.load(index_dir(work, args.ingest_size) / "vectors.npy")
    rep = ReplicatedEmbedder(pool, settings.model, real)
    vectors = np.empty((len(texts), pool.shape[1]), np.float32)
    for start in range(0, len(texts), 100_000):
        vectors[start : start + 100_000] = rep.encode_passages(texts[start : start + 100_000])
    queries = real.encode_queries(list(SEARCH_QUERIES))
    rng = np.random.default_rng(1)
    probes = vectors[np.sort(rng.choice(len(vectors), 200, replace=False))] + rng.normal(
        0, 0.01, (200, vectors.shape[1])
    ).astype(np.float32)
    probes /= np.linalg.norm(probes, axis=1, keepdims=True)
    q = np.concatenate([queries, probes]).astype(np.float32)
    return vectors, q


def _dense(
    work: Path,
    size: int,
    args: argparse.Namespace,
    settings: Any,
    real: Any,
    texts: list[str],
    out: dict[str, Any],
) -> None:
    """Dense: replicated vectors, exact and compressed (IVF-SQ8, IVF-PQ), recall and latency."""
    import faiss

    vectors, q = _replicated(work, args, settings, real, texts)
    exact = _exact_top10(vectors, q)
    out["flat_mb"] = vectors.nbytes / 1048576
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    out["flat_search_ms"] = percentiles(
        timed_calls(lambda v, f=flat: f.search(v.reshape(1, -1), 10), list(q[:20]), 3, 60)
    )
    del flat
    gc.collect()
    out["compressed"] = {}
    for kind in ("sq8", "pq"):
        index, figures = _compressed_measured(vectors, kind, q, exact, work, size)
        times = timed_calls(
            lambda qq, index=index: index.search(real.encode_queries([qq]), 10),
            SEARCH_QUERIES,
            args.rounds,
            60,
        )
        out["compressed"][kind] = {
            **figures,
            "search_ms": percentiles(
                timed_calls(lambda v, index=index: index.search(v.reshape(1, -1), 10), list(q[:20]), 3, 60)
            ),
            "query_encoded_ms": percentiles(times),
        }
        del index
        checkpoint(work, "scale", size, out)


def _bm25(args: argparse.Namespace, texts: list[str], out: dict[str, Any]) -> None:
    """BM25 over jieba tokens, tokenised by worker processes (the store tokenises in one)."""
    from concurrent.futures import ProcessPoolExecutor

    from index import segment
    from index.search import Lexical

    t = time.perf_counter()
    with ProcessPoolExecutor(args.parse_workers) as pool_:
        tokens = list(pool_.map(segment.tokenize, texts, chunksize=2000))
    out["tokenize_seconds"] = time.perf_counter() - t
    t = time.perf_counter()
    lexical = Lexical.build(tokens)
    out["bm25_build_seconds"] = time.perf_counter() - t
    del tokens
    gc.collect()
    lexical.search(SEARCH_QUERIES[0], 10)
    out["latency"]["bm25s alone"] = percentiles(
        timed_calls(lambda qq: lexical.search(qq, 10), SEARCH_QUERIES, args.rounds, args.latency_budget)
    )
