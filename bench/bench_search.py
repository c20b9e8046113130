"""Ingest passages/s and p50/p95 of search and mentions, on the samples and on replicas of them (≥ 20k passages)."""

from __future__ import annotations

import argparse
import hashlib
import math
import re
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus.model import Document  # noqa: E402
from corpus.parse import parse_file  # noqa: E402
from index.search import passages_of  # noqa: E402
from index.store import Index  # noqa: E402

SAMPLES = sorted((ROOT / "corpus" / "samples").glob("*.txt"))
QUERIES = [
    "哪些项目提到碳市场？",
    "自然生态和农业农村环境保护项目的研究成果数量目标是多少",
    "生态环境执法与应急项目开展了多少家企事业单位的生态环境信用评级",
    "办公用房修缮及装修经费项目计划修缮多少平方米",
    "海洋生态环境保护的偏差原因",
    "排污许可证管理",
    "公众对城市生态环境满意率调查",
    "环保热线运行 有奖举报奖励",
    "采购启动时间晚的原因和改进措施",
    "长江口杭州湾生态保护红线监管",
]
TOPICS = [
    "碳市场",
    "生物多样性",
    "排污许可",
    "长江口",
    "满意度",
    "生态红线",
    "碳交易",
    "热线",
    "绿色低碳",
    "长三角",
]
_REPLICA = re.compile(r"（副本\d{5}）")


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(samples)
    return ordered[max(1, math.ceil(q / 100 * len(ordered))) - 1]


def timed(fn, items: list[str], repeat: int) -> tuple[float, float]:
    """p50 and p95 in milliseconds of fn(item) over items × repeat (after one warm-up pass)."""
    for item in items:
        fn(item)
    samples = []
    for _ in range(repeat):
        for item in items:
            t = time.perf_counter()
            fn(item)
            samples.append((time.perf_counter() - t) * 1000)
    return percentile(samples, 50), percentile(samples, 95)


def replicate(doc: Document, n: int) -> Document:
    """Copy n of a document: every project renamed, a new path and sha256."""
    sha = hashlib.sha256(f"{doc.sha256}/{n}".encode()).hexdigest()
    projects = tuple(replace(p, name=f"{p.name}（副本{n:05d}）") for p in doc.projects)
    return replace(doc, path=f"replica-{n:05d}/{doc.name}", sha256=sha, projects=projects)


class ReusingEmbedder:
    """The real embedder, except that a replica's passage takes the vector of the passage it copies."""

    def __init__(self, real, vectors: dict[str, np.ndarray]) -> None:
        self.real = real
        self.name = real.name
        self.dimension = real.dimension
        self.vectors = vectors
        self.reused = 0

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.real.encode_queries(texts)

    def encode_passages(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), np.float32)
        missing = []
        for i, text in enumerate(texts):
            vec = self.vectors.get(_REPLICA.sub("", text))
            if vec is None:
                missing.append(i)
            else:
                out[i] = vec
                self.reused += 1
        if missing:
            out[missing] = self.real.encode_passages([texts[i] for i in missing])
        return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--passages", type=int, default=20_000, help="replicate the samples to at least this many"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed passes over the queries and topics")
    args = parser.parse_args()

    from index.embed import get_embedder

    t = time.perf_counter()
    embedder = get_embedder()
    embedder.encode_queries(["预热"])
    print(f"model load (materialised, cached): {time.perf_counter() - t:.1f} s  [{embedder.name}]")
    docs = [parse_file(p) for p in SAMPLES]

    with tempfile.TemporaryDirectory() as tmp:
        # --- the samples, from scratch
        index = _samples(embedder, docs, Path(tmp), args.repeat)

        # --- replicas, reusing the samples' embeddings
        big = _replicas(embedder, docs, index, Path(tmp), args.passages, args.repeat)

        # --- exact vs HNSW on the replicas' vectors (the choice of FLAT_MAX)
        _dense_only(embedder, big, args.repeat)
    return 0


def _samples(embedder: Any, docs: list[Document], tmp: Path, repeat: int) -> Index:
    """The samples ingested from scratch; query embedding, search and mentions timed on them."""
    index = Index.open(tmp / "samples", embedder=embedder)
    t = time.perf_counter()
    result = index.add(docs)
    dt = time.perf_counter() - t
    print(
        f"samples: ingest {result.passages} passages ({result.embedded} embedded) in {dt:.1f} s"
        f" = {result.passages / dt:.1f} passages/s"
    )
    p50, p95 = timed(lambda q: embedder.encode_queries([q]), QUERIES, repeat)
    print(f"query embedding alone    p50 {p50:7.1f} ms   p95 {p95:7.1f} ms  (part of every search)")
    p50, p95 = timed(lambda q: index.search(q, k=10), QUERIES, repeat)
    print(f"samples: search k=10     p50 {p50:7.1f} ms   p95 {p95:7.1f} ms  ({len(QUERIES)} queries)")
    p50, p95 = timed(index.mentions, TOPICS, repeat)
    print(f"samples: mentions        p50 {p50:7.1f} ms   p95 {p95:7.1f} ms  ({len(TOPICS)} topics)")
    return index


def _replicas(
    embedder: Any, docs: list[Document], index: Index, tmp: Path, passages: int, repeat: int
) -> Index:
    """Replicas of the samples to at least `passages`, reusing the samples' embeddings; ingest, reload, add, search."""
    state = index._current()
    vectors = {p.indexed_text: state.vectors[row] for row, p, _ in state.iter_passages()}
    per_round = sum(len(passages_of(d)) for d in docs)
    rounds = math.ceil(passages / per_round)
    replicas = [replicate(d, n) for n in range(rounds) for d in docs]
    reusing = ReusingEmbedder(embedder, vectors)
    big = Index.open(tmp / "replicas", embedder=reusing)  # type: ignore[arg-type]
    t = time.perf_counter()
    result = big.add(replicas)
    dt = time.perf_counter() - t
    print(
        f"replicas: ingest {result.passages} passages ({len(replicas)} documents) in {dt:.1f} s"
        f" = {result.passages / dt:.0f} passages/s — embeddings reused from the samples"
        f" ({reusing.reused} reused), so this times tokenising, BM25, FAISS and SQLite only"
    )
    t = time.perf_counter()
    big = Index.open(tmp / "replicas", embedder=reusing)  # type: ignore[arg-type]
    len(big)
    print(
        f"replicas: open + load   {time.perf_counter() - t:.2f} s ({big.manifest['dense']['kind']} FAISS index)"
    )
    extra = replicate(docs[1], rounds + 1)
    t = time.perf_counter()
    big.add([extra])
    print(f"replicas: add one more document (rebuild, other vectors reused) {time.perf_counter() - t:.1f} s")
    p50, p95 = timed(lambda q: big.search(q, k=10), QUERIES, repeat)
    print(f"replicas: search k=10    p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
    p50, p95 = timed(big.mentions, TOPICS, repeat)
    print(
        f"replicas: mentions       p50 {p50:7.1f} ms   p95 {p95:7.1f} ms  (warm: candidate phrases embedded)"
    )
    cold = Index.open(tmp / "replicas", embedder=reusing)  # type: ignore[arg-type]
    len(cold)
    samples = []
    for topic in TOPICS:
        t = time.perf_counter()
        cold.mentions(topic)
        samples.append((time.perf_counter() - t) * 1000)
    print(
        f"replicas: mentions cold  p50 {percentile(samples, 50):7.1f} ms   p95 {percentile(samples, 95):7.1f} ms"
        "  (first call per topic: embeds its candidate phrases)"
    )
    return big


def _dense_only(embedder: Any, big: Index, repeat: int) -> None:
    """Exact vs HNSW on the replicas' vectors, and exact over random vectors (the choice of FLAT_MAX)."""
    import faiss

    from index.search import HNSW_EF_SEARCH, HNSW_M

    matrix = np.ascontiguousarray(big._current().vectors)
    queries = embedder.encode_queries(QUERIES)
    flat = faiss.IndexFlatIP(matrix.shape[1])
    flat.add(matrix)
    t = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(matrix.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
    hnsw.add(matrix)
    hnsw.hnsw.efSearch = HNSW_EF_SEARCH
    build = time.perf_counter() - t
    faiss.omp_set_num_threads(1)  # as Dense.search does for one query
    for name, ann in (("flat", flat), ("hnsw", hnsw)):
        samples = []
        for _ in range(repeat * 5):
            for q in queries:
                t = time.perf_counter()
                ann.search(q.reshape(1, -1), 50)
                samples.append((time.perf_counter() - t) * 1000)
        print(
            f"dense only, {len(matrix)} vectors, {name}: p50 {percentile(samples, 50):.2f} ms"
            f" p95 {percentile(samples, 95):.2f} ms" + (f" (build {build:.1f} s)" if name == "hnsw" else "")
        )
    for size in (100_000, 200_000):
        rng = np.random.default_rng(0)
        synthetic = rng.standard_normal((size, matrix.shape[1]), dtype=np.float32)
        synthetic /= np.linalg.norm(synthetic, axis=1, keepdims=True)
        flat = faiss.IndexFlatIP(matrix.shape[1])
        flat.add(synthetic)
        samples = []
        for q in queries:
            t = time.perf_counter()
            flat.search(q.reshape(1, -1), 50)
            samples.append((time.perf_counter() - t) * 1000)
        print(f"dense only, {size} random vectors, flat: p50 {percentile(samples, 50):.2f} ms")


if __name__ == "__main__":
    raise SystemExit(main())
