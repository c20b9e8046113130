"""Reading an index: documents, fused search (BM25 + dense, RRF) and topic mentions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from corpus.model import Document, Project
from index import segment
from index.lexical import expand_query
from index.search import (
    FUSION_DEPTH,
    Hit,
    Mention,
    Passage,
    ProjectMentions,
    find_mentions,
    fuse,
    top_k,
)

PHRASE_CACHE_MAX = 50_000  # embedded topic/phrase vectors kept for mentions


class _Reading:
    """The read side of an `Index`."""

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
        # BM25 also scores the other names of a thesaurus term in the query (环评 -> 环境影响评价).
        lexical_scores = state.lexical.scores(segment.tokenize(expand_query(query)))
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
        topic; abbreviation / alias / semantic: another name of it from the thesaurus (index/data/
        thesaurus.json: 碳排放权交易市场 for 碳市场 and the reverse, narrower and related terms) or a short form
        a text defines; for a topic the thesaurus does not know, a corpus phrase that abbreviates it or
        that it abbreviates and whose embedding agrees (cosine ≥ settings.mention_threshold), e.g. 车购税
        for 车辆购置税 (see `index.mentions.find_mentions`). Each `Mention.reason` says which in Chinese.

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
