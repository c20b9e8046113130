"""Reading an index: documents, fused search (BM25 + dense, RRF) and topic mentions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload

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

    def mentions(self, topic: str) -> MentionList:
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
            One entry per project, in document and project order: a `MentionList`, whose length, projects
            and passage count are known at once and whose passages are rendered for the entries read (a
            page of a list of thousands costs that page, the whole list stays available).
        """
        state = self._current()
        found = find_mentions(
            topic, state.mentions, self._similarity, self.settings.mention_threshold, segment.is_word
        )
        return MentionList(state, found)

    def warm(self) -> None:
        """Read what the first search or mentions question would otherwise wait for: the documents and
        the short forms the passages define (简称 in parentheses)."""
        state = self._current()
        state.documents()
        state.mentions.short_forms(segment.is_word)

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


class MentionList(Sequence[ProjectMentions]):
    """Every project that mentions a topic, in document and project order, each with all its matching
    passages. The matched rows are grouped by project up front (numpy over the row locators); a project's
    passages are rendered from its document only when that entry is read, so a reviewer's first page of
    thousands of projects costs that page, while iterating still gives every project and passage."""

    def __init__(self, state: Any, found: dict[int, tuple[Any, str, float | None]]) -> None:
        self._state = state
        self._found = found
        rows = np.fromiter(sorted(found), np.int64, count=len(found))
        located = state.locate(rows) if len(rows) else np.zeros((0, 4), np.int32)
        key = (located[:, 0].astype(np.int64) << 32) | located[:, 1].astype(np.int64)
        order = np.argsort(key, kind="stable")  # rows are in document order already; stable keeps it
        self._rows = rows[order]
        key = key[order]
        self._starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, np.int64)
        self._heads = located[order][self._starts, :2].tolist() if len(key) else []
        self._cache: dict[int, ProjectMentions] = {}

    def __len__(self) -> int:
        return len(self._heads)

    @property
    def passage_count(self) -> int:
        """How many passages mention the topic, over every project."""
        return len(self._rows)

    def head(self, i: int) -> tuple[Document, Project]:
        """(document, project) of the i-th entry, without rendering its passages."""
        d, pi = self._heads[i]
        document = self._state.documents()[d]
        return document, document.projects[pi]

    def locations(self) -> list[tuple[str, int]]:
        """(document sha256, project index in the document) of every entry, in order; nothing rendered."""
        documents = self._state.documents()
        return [(documents[d].sha256, pi) for d, pi in self._heads]

    def heads(self) -> list[tuple[Document, Project]]:
        """(document, project) of every entry, in order; no passage rendered."""
        documents = self._state.documents()
        return [(documents[d], documents[d].projects[pi]) for d, pi in self._heads]

    def _entry(self, i: int) -> ProjectMentions:
        if i not in self._cache:
            start = int(self._starts[i])
            end = int(self._starts[i + 1]) if i + 1 < len(self._starts) else len(self._rows)
            rows = self._rows[start:end].tolist()
            passages = self._state.passages_at(rows)
            mentions = tuple(Mention(passages[r], *self._found[r]) for r in rows)
            document, project = self.head(i)
            self._cache[i] = ProjectMentions(project, document, mentions)
        return self._cache[i]

    @overload
    def __getitem__(self, i: int) -> ProjectMentions: ...

    @overload
    def __getitem__(self, i: slice) -> list[ProjectMentions]: ...

    def __getitem__(self, i: int | slice) -> ProjectMentions | list[ProjectMentions]:
        if isinstance(i, slice):
            return [self._entry(j) for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._entry(i)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MentionList | list | tuple):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"MentionList({len(self)} projects, {self.passage_count} passages)"
