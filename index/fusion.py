"""Reciprocal-rank fusion (RRF) of the lexical and the dense rankings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

# Reciprocal-rank fusion constant (Cormack et al. 2009); 60 is the value the paper found robust.
RRF_K = 60
# Each ranker contributes at least this many candidates to the fusion, whatever k is.
FUSION_DEPTH = 50


def rrf(rankings: Iterable[Sequence[tuple[int, float]]], k: int = RRF_K) -> dict[int, float]:
    """Reciprocal-rank fusion: each ranking adds 1/(k + rank) to the rows it lists (rank from 1)."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, (row, _score) in enumerate(ranking, start=1):
            fused[row] = fused.get(row, 0.0) + 1.0 / (k + rank)
    return fused


def fuse(
    lexical: Sequence[tuple[int, float]], dense: Sequence[tuple[int, float]], k: int
) -> list[tuple[int, float]]:
    """Fuse a lexical and a dense ranking (each best first) by reciprocal rank.

    Returns:
        (row, fused score) for the top k rows, best first; ties by row.
    """
    fused = rrf([lexical, dense])
    order = sorted(fused, key=lambda r: (-fused[r], r))[:k]
    return [(r, fused[r]) for r in order]
