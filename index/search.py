"""Passages and the ways to find them: lexical (BM25), dense (FAISS), fusion (RRF) and topic mentions."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from corpus.model import Document, GoalBlock, Indicator, Project, Source
from index import segment

PassageKind = Literal["name", "goal", "outcome", "indicator", "note"]
MatchKind = Literal["literal", "lexical", "semantic"]

# Reciprocal-rank fusion constant (Cormack et al. 2009); 60 is the value the paper found robust.
RRF_K = 60
# Each ranker contributes at least this many candidates to the fusion, whatever k is.
FUSION_DEPTH = 50
# Exact inner-product search up to this many vectors; an HNSW graph past it. Measured with
# bench/bench_search.py on the 2-core machine (busy, one FAISS thread): an exact search takes
# ~3.7 ms over 20k vectors and ~34 ms over 100k, i.e. it overtakes the query embedding (~20-50 ms)
# near 50k, while an HNSW graph costs ~3 s per 20k vectors at every rebuild and is not exact.
FLAT_MAX = 50_000
HNSW_M = 32
HNSW_EF_SEARCH = 128

# Semantic mention matching: a corpus phrase counts as a form of the topic when the topic is its
# abbreviation (缩略语: the topic's characters in order, each run starting a dictionary word of the
# phrase), the phrase is at most this many times as long as the topic, and the embeddings agree.
EXPANSION_MAX_RATIO = 3
EXPANSION_MIN_TOPIC = 2
EXPANSION_MAX_TOPIC = 12
WORD_TAIL = 3  # characters a phrase may run past the topic's last one to finish a word
_CJK_ONLY = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")

GOAL_KINDS: dict[str, PassageKind] = {
    "expected": "goal",
    "achieved": "outcome",
    "overall": "goal",
    "annual": "goal",
}


# ----------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Passage:
    """One searchable piece of a project, with the ids of the record it renders and its source.

    `item` is the clause index within its goal block (goal/outcome) or the indicator index
    (indicator/note); None for the project name.
    """

    sha256: str
    document: str  # file name
    project_index: int
    project: str
    kind: PassageKind
    field: str  # goal block label (预期目标 …) or indicator name; 项目名称 for the name
    item: int | None
    text: str
    source: Source

    @property
    def key(self) -> str:
        """A stable id: document hash, project index, kind, field and item."""
        item = "" if self.item is None else self.item
        return f"{self.sha256[:16]}/{self.project_index}/{self.kind}/{self.field}/{item}"

    @property
    def indexed_text(self) -> str:
        """What BM25 sees: the project name gives every passage its context (a name in a query finds its rows)."""
        return self.text if self.kind == "name" else f"{self.project}：{self.text}"

    @property
    def embedded_text(self) -> str:
        """What the embedder sees: the passage alone, so one indicator text in many projects is embedded once.

        The project's name still reaches the fused search through BM25 (`indexed_text`) and the record.
        """
        return self.text


@dataclass(frozen=True)
class Hit:
    """A search result: the passage, its project and document records, and the three scores.

    lexical_score is the BM25 score (0.0 when no query token occurs), dense_score the cosine of query
    and passage, fused_score the reciprocal-rank fusion of the two rankings that orders the hits.
    """

    passage: Passage
    project: Project
    document: Document
    source: Source
    lexical_score: float
    dense_score: float
    fused_score: float


@dataclass(frozen=True)
class Mention:
    """Why a passage mentions a topic: the match kind and the words found in the passage."""

    passage: Passage
    match: MatchKind
    term: str  # the topic, its words (joined by '+'), or the corpus phrase the topic abbreviates
    similarity: float | None = None  # topic-phrase cosine, for semantic matches

    @property
    def text(self) -> str:
        return self.passage.text

    @property
    def source(self) -> Source:
        return self.passage.source


@dataclass(frozen=True)
class ProjectMentions:
    """A project that mentions a topic, with every passage that does (document order)."""

    project: Project
    document: Document
    passages: tuple[Mention, ...]

    @property
    def name(self) -> str:
        return self.project.name

    @property
    def match(self) -> MatchKind:
        """The strongest match among the passages: literal, then lexical, then semantic."""
        return min((m.match for m in self.passages), key=_MATCH_ORDER.index)


_MATCH_ORDER: list[MatchKind] = ["literal", "lexical", "semantic"]


# ----------------------------------------------------------------------------- passages


def _indicator_sentence(ind: Indicator) -> str:
    levels = "·".join(x for x in (ind.level1, ind.level2) if x)
    parts = [f"{ind.name}（{levels}）" if levels else ind.name, f"年度指标值 {ind.target.text}"]
    if ind.actual is not None and ind.actual.text:
        parts.append(f"实际完成值 {ind.actual.text}")
    if ind.note:
        parts.append(f"偏差原因分析及改进措施：{ind.note}")
    return "；".join(parts)


def passages_of(document: Document) -> list[Passage]:
    """A document -> its passages: per project the name, goal and outcome clauses, indicator rows
    rendered as sentences (name, target, actual, note) and deviation notes.

    Args:
        document: a parsed document.
    Returns:
        The passages in document order.
    """
    out: list[Passage] = []
    for pi, project in enumerate(document.projects):

        def make(kind: PassageKind, field: str, item: int | None, text: str, source: Source) -> Passage:
            return Passage(document.sha256, document.name, pi, project.name, kind, field, item, text, source)  # noqa: B023

        out.append(make("name", "项目名称", None, project.name, project.source))
        for attr, kind in GOAL_KINDS.items():
            block: GoalBlock | None = getattr(project.goals, attr)
            if block is None:
                continue
            clauses = block.clauses or ()
            if not clauses and block.text.strip():
                out.append(make(kind, block.label, 0, block.text, block.source))
            for ci, clause in enumerate(clauses):
                if clause.text.strip():
                    out.append(make(kind, block.label, ci, clause.text, clause.source))
        for ii, ind in enumerate(project.indicators):
            out.append(make("indicator", ind.name, ii, _indicator_sentence(ind), ind.source))
            if ind.note.strip():
                out.append(make("note", ind.name, ii, ind.note, ind.source))
    return out


# ----------------------------------------------------------------------------- lexical


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
        return cls(bm25s.BM25.load(str(directory), mmap=False), size)

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
        return top_k(self.scores(segment.tokenize(query)), k, positive=True)


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


# ----------------------------------------------------------------------------- dense


class Dense:
    """FAISS inner product over L2-normalised vectors: exact while small, HNSW past FLAT_MAX."""

    def __init__(self, index: object | None, dimension: int) -> None:
        self._index = index
        self.dimension = dimension

    @property
    def kind(self) -> str:
        if self._index is None:
            return "empty"
        return "hnsw" if type(self._index).__name__.startswith("IndexHNSW") else "flat"

    @classmethod
    def build(cls, vectors: np.ndarray, flat_max: int = FLAT_MAX) -> Dense:
        import faiss

        dimension = int(vectors.shape[1])
        if len(vectors) == 0:
            return cls(None, dimension)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if len(vectors) <= flat_max:
            index = faiss.IndexFlatIP(dimension)
        else:
            index = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efSearch = HNSW_EF_SEARCH
        index.add(vectors)
        return cls(index, dimension)

    def save(self, path: Path) -> None:
        import faiss

        if self._index is not None:
            faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path, dimension: int) -> Dense:
        import faiss

        if not path.exists():
            return cls(None, dimension)
        index = faiss.read_index(str(path))
        if hasattr(index, "hnsw"):
            index.hnsw.efSearch = HNSW_EF_SEARCH
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


# ----------------------------------------------------------------------------- fusion


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


# ----------------------------------------------------------------------------- mentions


def topic_words(topic: str) -> list[str]:
    """The topic's content words (precise cut), or [] when a one-character word makes them ambiguous."""
    words = [w for w in (x.strip() for x in segment.words(segment.normalize(topic))) if w]
    kept = [w for w in words if segment._WORDLIKE.search(w) and w not in segment.stopwords()]
    if any(len(w) < 2 for w in kept):
        return []
    return list(dict.fromkeys(kept))


def _expansion_pattern(topic: str) -> re.Pattern[str]:
    # The topic's characters in order with short gaps of CJK characters only (a phrase, not a clause).
    gap = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]*?"
    return re.compile(gap.join(re.escape(c) for c in topic))


def abbreviates(topic: str, phrase: str, is_word: Callable[[str], bool]) -> bool:
    """True when `topic` is an abbreviation of `phrase` (碳市场 of 碳排放权交易市场, 环评 of 环境影响评价).

    Chinese abbreviations keep characters of the full form in order, and each kept run starts one of
    its words (碳|排放权交易 + 市场). So: the phrase starts with the topic's first character and ends
    with its last or with the word that the last run starts (环评: 环境影响评价), every run of kept characters starts a dictionary word of two or more characters
    inside the phrase (or is one itself), and no word of the phrase is a stopword (a conjunction or
    particle joins two things: 环境统计和污染 is not a kind of 环境污染). This keeps 低碳城市广场 out of
    碳市场: 碳城 and 市广 are not words.
    """
    if len(phrase) <= len(topic) or phrase[0] != topic[0] or topic in phrase:
        return False
    # A conjunction or particle inside (和, 及, 的, 等 …) makes the phrase two things, not one term.
    if any(w in segment.stopwords() for w in segment.words(phrase)):
        return False
    # Greedy alignment from the left gives the runs; the lazy regex found the same characters.
    runs: list[tuple[int, int]] = []  # (position in phrase, run length)
    p = 0
    for ch in topic:
        while p < len(phrase) and phrase[p] != ch:
            p += 1
        if p == len(phrase):
            return False
        if runs and runs[-1][0] + runs[-1][1] == p:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((p, 1))
        p += 1
    last_start, last_length = runs[-1]
    if last_start + last_length < len(phrase) and (last_length > 1 or not is_word(phrase[last_start:])):
        return False  # it may only go on to finish the word a last single character starts (评 -> 评价)
    for start, length in runs:
        run = phrase[start : start + length]
        if length >= 2 and is_word(run):
            continue
        if not any(is_word(phrase[start:end]) for end in range(start + max(2, length), len(phrase) + 1)):
            return False
    return True


def expansion_candidates(topic: str, texts: Iterable[str], is_word: Callable[[str], bool]) -> set[str]:
    """Phrases in `texts` (compact form) of which `topic` is an abbreviation; see `abbreviates`."""
    if not (EXPANSION_MIN_TOPIC <= len(topic) <= EXPANSION_MAX_TOPIC) or not _CJK_ONLY.match(topic):
        return set()
    pattern = _expansion_pattern(topic)
    max_len = EXPANSION_MAX_RATIO * len(topic)
    found: set[str] = set()
    first = topic[0]
    for text in texts:
        start = text.find(first)
        while start >= 0:
            m = pattern.match(text, start)
            if m and len(m.group()) <= max_len:
                # Also the phrase that finishes a word begun by the topic's last characters (评 -> 评价).
                for extra in range(WORD_TAIL + 1):
                    end = m.end() + extra
                    if end > len(text) or (extra and not _CJK_ONLY.match(text[end - 1])):
                        break
                    found.add(text[m.start() : end])
            start = text.find(first, start + 1)
    return {p for p in found if abbreviates(topic, p, is_word)}


def find_mentions(
    topic: str,
    texts: Sequence[str],
    similarity: Callable[[str, list[str]], np.ndarray],
    threshold: float,
    is_word: Callable[[str], bool],
) -> dict[int, tuple[MatchKind, str, float | None]]:
    """Every passage that mentions `topic`, no cut-off.

    literal: the compact topic is a substring of the compact passage (nothing written is missed,
    whatever the segmenter does). lexical: a multi-word topic whose content words all occur.
    semantic: a corpus phrase the topic abbreviates (see `abbreviates`) whose embedding is at least
    `threshold` similar to the topic's occurs in the passage.

    Args:
        topic: what to look for.
        texts: the passages in compact form (`segment.compact`), by row.
        similarity: (topic, phrases) -> cosine of each phrase to the topic.
        threshold: the least cosine for a semantic match.
        is_word: whether a string is a dictionary word (for the abbreviation rule).
    Returns:
        row -> (match kind, term found, similarity or None).
    """
    needle = segment.compact(topic)
    out: dict[int, tuple[MatchKind, str, float | None]] = {}
    if not needle:
        return out
    for row, text in enumerate(texts):
        if needle in text:
            out[row] = ("literal", needle, None)
    words = topic_words(topic)
    if len(words) >= 2:
        joined = "+".join(words)
        for row, text in enumerate(texts):
            if row not in out and all(w in text for w in words):
                out[row] = ("lexical", joined, None)
    candidates = sorted(expansion_candidates(needle, texts, is_word))
    if candidates:
        sims = similarity(needle, candidates)
        accepted = sorted(
            ((p, float(s)) for p, s in zip(candidates, sims, strict=True) if s >= threshold),
            key=lambda ps: (-ps[1], ps[0]),
        )
        for row, text in enumerate(texts):
            if row in out:
                continue
            for phrase, sim in accepted:
                if phrase in text:
                    out[row] = ("semantic", phrase, sim)
                    break
    return out
