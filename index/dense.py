"""The dense retriever: FAISS inner product over L2-normalised passage vectors."""

from __future__ import annotations

from pathlib import Path

import numpy as np

# Exact inner-product search up to this many vectors; a compressed inverted-file index (IVF-SQ8) past it.
# Exact search costs ~3.7 ms over 20k vectors and ~34 ms over 100k on the 2-core machine (bench/bench_search.py),
# i.e. it overtakes the query embedding (~20-50 ms) near 50k. IVF-SQ8 keeps a byte per dimension (a quarter
# of float32) and probes `nprobe` of ~4·sqrt(n) lists: recall@10 0.98 against exact search at 256k passages,
# 0.96 at 2.5M, ~1 ms a search (bench/RESULTS.md). Defaults; Settings.dense_flat_max / dense_nprobe decide.
FLAT_MAX = 50_000
IVF_NPROBE = 32
IVF_TRAIN_PER_LIST = 40  # training vectors per list (FAISS asks for at least 39)
# The HNSW graph the store used before IVF-SQ8, kept for bench/bench_search.py's comparison.
HNSW_M = 32
HNSW_EF_SEARCH = 128


def ivf_lists(n: int) -> int:
    """The number of IVF lists for n vectors: the power of two nearest 4·sqrt(n), at least 64."""
    return int(2 ** round(np.log2(max(64.0, 4 * np.sqrt(n)))))


class Dense:
    """FAISS inner product over L2-normalised vectors: exact while small, IVF-SQ8 past `flat_max`."""

    def __init__(self, index: object | None, dimension: int) -> None:
        self._index = index
        self.dimension = dimension

    @property
    def kind(self) -> str:
        if self._index is None:
            return "empty"
        return "ivf-sq8" if hasattr(self._index, "nprobe") else "flat"

    @classmethod
    def build(
        cls, vectors: np.ndarray, flat_max: int = FLAT_MAX, nprobe: int = IVF_NPROBE, chunk: int = 200_000
    ) -> Dense:
        """Exact search over up to `flat_max` vectors, else IVF-SQ8 trained on a sample (seeded).

        `vectors` may be a memory map: they are added `chunk` rows at a time, never copied whole.
        """
        import faiss

        n, dimension = int(vectors.shape[0]), int(vectors.shape[1])
        if n == 0:
            return cls(None, dimension)
        if n <= flat_max:
            index = faiss.IndexFlatIP(dimension)
        else:
            nlist = ivf_lists(n)
            index = faiss.index_factory(dimension, f"IVF{nlist},SQ8", faiss.METRIC_INNER_PRODUCT)
            rng = np.random.default_rng(0)
            sample = np.sort(rng.choice(n, min(n, nlist * IVF_TRAIN_PER_LIST), replace=False))
            index.train(np.ascontiguousarray(vectors[sample], dtype=np.float32))
            index.nprobe = nprobe
        for start in range(0, n, chunk):
            index.add(np.ascontiguousarray(vectors[start : start + chunk], dtype=np.float32))
        return cls(index, dimension)

    def save(self, path: Path) -> None:
        import faiss

        if self._index is not None:
            faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path, dimension: int, nprobe: int = IVF_NPROBE) -> Dense:
        import faiss

        if not path.exists():
            return cls(None, dimension)
        # Memory-mapped: an IVF search reads the `nprobe` lists it probes, not the whole index. The file
        # must stay where it is while mapped: a writer renames the directory away and deletes it, which
        # POSIX allows while the mapping lives (so does the read-only SQLite connection of the state).
        index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP)
        if hasattr(index, "nprobe"):
            index.nprobe = nprobe
        return cls(index, dimension)

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The k nearest passages by cosine, best first."""
        if self._index is None or k <= 0:
            return []
        import faiss

        k = min(k, self._index.ntotal)  # type: ignore[attr-defined]
        # One query is fastest on one thread: OpenMP threads on a busy 2-core machine cost 10× (measured).
        threads = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
        try:
            query = np.ascontiguousarray(vector.reshape(1, -1), np.float32)
            scores, rows = self._index.search(query, k)  # type: ignore[attr-defined]
        finally:
            faiss.omp_set_num_threads(threads)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0]
