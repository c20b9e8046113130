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


# Where a passage comes from in its project, as a part code and an item: the name, a goal block (in
# GOAL_KINDS order; item = clause index, 0 for a block without clauses), an indicator row or its note
# (item = indicator index). `passage_at` renders one from its document, so a served index can give any
# passage from the documents it holds, without keeping passages or reading them back.
PART_NAME = 0
_GOAL_PARTS = {attr: part for part, attr in enumerate(GOAL_KINDS, start=1)}
_GOAL_ATTRS = list(GOAL_KINDS)
PART_INDICATOR = len(GOAL_KINDS) + 1
PART_NOTE = PART_INDICATOR + 1


def passage_locators(document: Document) -> list[tuple[int, int, int]]:
    """(project index, part, item) of every passage of `document`, in `passages_of` order."""
    out: list[tuple[int, int, int]] = []
    for pi, project in enumerate(document.projects):
        out.append((pi, PART_NAME, 0))
        for attr, part in _GOAL_PARTS.items():
            block: GoalBlock | None = getattr(project.goals, attr)
            if block is None:
                continue
            clauses = block.clauses or ()
            if not clauses and block.text.strip():
                out.append((pi, part, 0))
            out.extend((pi, part, ci) for ci, clause in enumerate(clauses) if clause.text.strip())
        for ii, ind in enumerate(project.indicators):
            out.append((pi, PART_INDICATOR, ii))
            if ind.note.strip():
                out.append((pi, PART_NOTE, ii))
    return out


def passage_at(document: Document, project_index: int, part: int, item: int) -> Passage:
    """The passage at a locator of `passage_locators`."""
    project = document.projects[project_index]

    def make(kind: PassageKind, field: str, item: int | None, text: str, source: Source) -> Passage:
        return Passage(
            document.sha256, document.name, project_index, project.name, kind, field, item, text, source
        )

    if part == PART_NAME:
        return make("name", "项目名称", None, project.name, project.source)
    if part < PART_INDICATOR:
        attr = _GOAL_ATTRS[part - 1]
        block: GoalBlock = getattr(project.goals, attr)
        if not block.clauses:
            return make(GOAL_KINDS[attr], block.label, 0, block.text, block.source)
        clause = block.clauses[item]
        return make(GOAL_KINDS[attr], block.label, item, clause.text, clause.source)
    ind = project.indicators[item]
    if part == PART_INDICATOR:
        return make("indicator", ind.name, item, _indicator_sentence(ind), ind.source)
    return make("note", ind.name, item, ind.note, ind.source)


def passages_of(document: Document) -> list[Passage]:
    """A document -> its passages: per project the name, goal and outcome clauses, indicator rows
    rendered as sentences (name, target, actual, note) and deviation notes.

    Args:
        document: a parsed document.
    Returns:
        The passages in document order.
    """
    return [passage_at(document, *locator) for locator in passage_locators(document)]


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


class MentionIndex:
    """The passages in compact form (`segment.compact`), each distinct text once, with an inverted index
    from every character to the texts that contain it; built once per index generation.

    A topic's literal, lexical and abbreviation matches all contain every character of the topic (or of
    its words), so intersecting those characters' postings (C speed, numpy) leaves a few candidate texts
    to verify with the same substring tests and regexes as a scan of every passage would run.
    """

    def __init__(
        self,
        texts: list[str],
        rows_ptr: np.ndarray,
        rows: np.ndarray,
        chars: np.ndarray,
        char_ptr: np.ndarray,
        char_texts: np.ndarray,
    ) -> None:
        self.texts = texts  # distinct compact texts
        self._rows_ptr = rows_ptr  # texts[i] is the text of rows[rows_ptr[i]:rows_ptr[i + 1]]
        self._rows = rows
        self._chars = chars  # sorted code points
        self._char_ptr = char_ptr  # chars[j] occurs in texts char_texts[char_ptr[j]:char_ptr[j + 1]]
        self._char_texts = char_texts

    @property
    def size(self) -> int:
        """How many passages (rows)."""
        return len(self._rows)

    @classmethod
    def build(cls, compact_texts: Iterable[str]) -> MentionIndex:
        """Index passages by row; `compact_texts` are the passages in compact form, in row order."""
        ids: dict[str, int] = {}
        text_of_row = np.fromiter((ids.setdefault(t, len(ids)) for t in compact_texts), dtype=np.int32)
        texts = list(ids)
        del ids
        counts = np.bincount(text_of_row, minlength=len(texts)) if len(texts) else np.zeros(0, np.int64)
        rows_ptr = np.zeros(len(texts) + 1, np.int64)
        np.cumsum(counts, out=rows_ptr[1:])
        rows = np.argsort(text_of_row, kind="stable").astype(np.int32)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        points = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
        owner = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        pairs = np.unique((points.astype(np.int64) << 32) | owner)  # (char, text) once, by char then text
        del points, owner
        chars, starts = np.unique(pairs >> 32, return_index=True)
        char_ptr = np.append(starts, len(pairs)).astype(np.int64)
        char_texts = (pairs & 0xFFFFFFFF).astype(np.int32)
        return cls(texts, rows_ptr, rows, chars.astype(np.uint32), char_ptr, char_texts)

    _ARRAYS = ("rows_ptr", "rows", "chars", "char_ptr", "char_texts")

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        # Compact texts hold no white space, so a newline separates them unambiguously.
        (directory / "texts.txt").write_text("\n".join(self.texts), encoding="utf-8")
        for name in self._ARRAYS:
            np.save(directory / f"{name}.npy", getattr(self, f"_{name}"))

    @classmethod
    def load(cls, directory: Path) -> MentionIndex:
        # Memory-mapped: a query reads the postings of its own characters only.
        arrays = {name: np.load(directory / f"{name}.npy", mmap_mode="r") for name in cls._ARRAYS}
        count = len(arrays["rows_ptr"]) - 1
        texts = (directory / "texts.txt").read_text(encoding="utf-8").split("\n") if count else []
        if len(texts) != count:
            raise ValueError("mention texts and their row pointers differ in length")
        return cls(texts, **arrays)

    def containing(self, characters: Iterable[str]) -> np.ndarray:
        """The ids of the texts that contain every one of `characters`, ascending."""
        postings = []
        for ch in set(characters):
            j = int(np.searchsorted(self._chars, ord(ch)))
            if j == len(self._chars) or int(self._chars[j]) != ord(ch):
                return np.zeros(0, np.int32)
            postings.append(self._char_texts[self._char_ptr[j] : self._char_ptr[j + 1]])
        if not postings:
            return np.zeros(0, np.int32)
        postings.sort(key=len)
        found = np.asarray(postings[0])
        for other in postings[1:]:
            if not len(found):
                break
            at = np.searchsorted(other, found)
            at[at == len(other)] = 0
            found = found[other[at] == found]
        return found

    def rows_of(self, text_id: int) -> list[int]:
        """The rows (passages) whose compact text is `texts[text_id]`, ascending."""
        return self._rows[self._rows_ptr[text_id] : self._rows_ptr[text_id + 1]].tolist()


def find_mentions(
    topic: str,
    index: MentionIndex,
    similarity: Callable[[str, list[str]], np.ndarray],
    threshold: float,
    is_word: Callable[[str], bool],
) -> dict[int, tuple[MatchKind, str, float | None]]:
    """Every passage that mentions `topic`, no cut-off.

    literal: the compact topic is a substring of the compact passage (nothing written is missed,
    whatever the segmenter does). lexical: a multi-word topic whose content words all occur.
    semantic: a corpus phrase the topic abbreviates (see `abbreviates`) whose embedding is at least
    `threshold` similar to the topic's occurs in the passage. Only the texts that hold every character
    of the topic (or of its words) are looked at: a match of any kind holds them all.

    Args:
        topic: what to look for.
        index: the passages' `MentionIndex`.
        similarity: (topic, phrases) -> cosine of each phrase to the topic.
        threshold: the least cosine for a semantic match.
        is_word: whether a string is a dictionary word (for the abbreviation rule).
    Returns:
        row -> (match kind, term found, similarity or None).
    """
    needle = segment.compact(topic)
    found: dict[int, tuple[MatchKind, str, float | None]] = {}  # by text id
    if not needle or not index.size:
        return {}
    texts = index.texts
    candidates = index.containing(needle).tolist()
    for t in candidates:
        if needle in texts[t]:
            found[t] = ("literal", needle, None)
    words = topic_words(topic)
    if len(words) >= 2:
        joined = "+".join(words)
        for t in index.containing("".join(words)).tolist():
            if t not in found and all(w in texts[t] for w in words):
                found[t] = ("lexical", joined, None)
    phrases = sorted(expansion_candidates(needle, (texts[t] for t in candidates), is_word))
    if phrases:
        sims = similarity(needle, phrases)
        accepted = sorted(
            ((p, float(s)) for p, s in zip(phrases, sims, strict=True) if s >= threshold),
            key=lambda ps: (-ps[1], ps[0]),
        )
        for t in candidates:
            if t in found:
                continue
            for phrase, sim in accepted:
                if phrase in texts[t]:
                    found[t] = ("semantic", phrase, sim)
                    break
    return {row: match for t, match in found.items() for row in index.rows_of(t)}
