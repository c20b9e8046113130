"""The lexical retriever: BM25 (bm25s) over jieba search-mode tokens."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index import segment
from index.mentions import token_ends
from index.thesaurus import Thesaurus, default_thesaurus


class Lexical:
    """BM25 (bm25s) over jieba search-mode tokens; rows are passage positions."""

    def __init__(self, retriever: object | None, size: int) -> None:
        self._retriever = retriever
        self.size = size

    @classmethod
    def build(cls, token_lists: Sequence[Sequence[str]]) -> Lexical:
        import bm25s

        if not token_lists:
            return cls(None, 0)
        # bm25s cannot index a document without tokens; a placeholder token keeps rows aligned.
        corpus = [list(t) if t else ["\u2400"] for t in token_lists]
        retriever = bm25s.BM25()
        retriever.index(corpus, show_progress=False)
        return cls(retriever, len(corpus))

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "size.json").write_text(json.dumps({"size": self.size}), encoding="utf-8")
        if self._retriever is not None:
            self._retriever.save(str(directory))  # type: ignore[attr-defined]

    @classmethod
    def load(cls, directory: Path) -> Lexical:
        import bm25s

        size = json.loads((directory / "size.json").read_text(encoding="utf-8"))["size"]
        if size == 0:
            return cls(None, 0)
        # Memory-mapped: a query reads the score columns of its own tokens only.
        return cls(bm25s.BM25.load(str(directory), mmap=True), size)

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every passage for the query tokens (zeros where no token occurs)."""
        if self._retriever is None:
            return np.zeros(self.size, np.float32)
        vocab = self._retriever.vocab_dict  # type: ignore[attr-defined]
        known = [t for t in tokens if t in vocab]
        if not known:
            return np.zeros(self.size, np.float32)
        return np.asarray(self._retriever.get_scores(known), dtype=np.float32)  # type: ignore[attr-defined]

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """The top-k passages with a positive score, best first."""
        return top_k(self.scores(segment.tokenize(expand_query(query))), k, positive=True)


def expand_query(query: str, thesaurus: Thesaurus | None = None) -> str:
    """`query` and, after it, the other names of each thesaurus term it holds as whole words.

    A search for 环评 also scores the passages that write 环境影响评价, and the reverse; only the
    concept's own names (abbreviation, full form, alias), not its narrower or related terms.

    Args:
        query: a question or keywords.
        thesaurus: the domain thesaurus; the bundled one when None.
    Returns:
        The query itself when it holds no thesaurus term.
    """
    thesaurus = thesaurus or default_thesaurus()
    text = segment.compact(query)
    ends = token_ends(text)
    taken: list[tuple[int, int]] = []
    extra: list[str] = []
    for name in thesaurus.names():  # the longest first: 碳排放权交易市场 before 碳排放权交易
        at = text.find(name)
        while at >= 0:
            span = (at, at + len(name))
            if (
                span[0] in ends
                and span[1] in ends
                and not any(a <= span[0] and span[1] <= b for a, b in taken)
            ):
                taken.append(span)
                extra += [
                    w for w, kind in thesaurus.alternatives(name).items() if kind in ("abbreviation", "alias")
                ]
                break
            at = text.find(name, at + 1)
    # Each other name once, and only where it brings tokens of its own (BM25 would count a repeat twice).
    seen = set(segment.tokenize(query))
    kept = []
    for w in dict.fromkeys(extra):
        tokens = set(segment.tokenize(w))
        if w not in text and tokens - seen:
            kept.append(w)
            seen |= tokens
    return f"{query} {' '.join(kept)}" if kept else query


def top_k(scores: np.ndarray, k: int, positive: bool = False) -> list[tuple[int, float]]:
    """(row, score) of the k largest scores, best first; ties by row for determinism."""
    if k <= 0 or scores.size == 0:
        return []
    idx = np.flatnonzero(scores > 0) if positive else np.arange(scores.size)
    if idx.size > k:
        part = np.argpartition(-scores[idx], k - 1)[:k]
        idx = idx[part]
    order = sorted(idx.tolist(), key=lambda i: (-float(scores[i]), i))
    return [(i, float(scores[i])) for i in order]
