"""Adding and removing documents: embedding what is new, then rebuilding a generation from the old one."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from corpus.model import Document
from index import segment
from index.search import (
    Passage,
    passages_of,
)
from index.store.directory import _same_vectors
from index.store.records import _find_document, _path_key, _State

# Texts per call of the embedder: the whole list at once would say no progress for minutes; a call of
# this many texts, taken in order of length, gives the encoder enough texts of each token count to batch
# them without padding (64 at a time left ~17% of the encoder's time on padding, bench/RESULTS.md).
EMBED_BATCH = 1024


@dataclass(frozen=True)
class AddResult:
    """What `Index.add` did, by document path; `embedded` counts passages that needed the model."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    embedded: int = 0
    passages: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.replaced)


def _encode_all(
    encode: Callable[[list[str]], np.ndarray],
    texts: list[str],
    progress: Callable[[int, int], None] | None,
    done: int,
    total: int,
) -> dict[str, np.ndarray]:
    """text -> vector, `EMBED_BATCH` texts at a time in order of length, reporting (done + so far, total)."""
    out: dict[str, np.ndarray] = {}
    texts = sorted(texts, key=len)
    for start in range(0, len(texts), EMBED_BATCH):
        batch = texts[start : start + EMBED_BATCH]
        for text, vec in zip(batch, encode(batch), strict=True):
            out[text] = vec
        if progress:
            progress(done + min(start + EMBED_BATCH, len(texts)), total)
    return out


class _Writing:
    """`add` and `remove` of an `Index`."""

    # ------------------------------------------------------------------------- writing

    def add(
        self,
        documents: list[Document],
        progress: Callable[[int, int], None] | None = None,
        *,
        identity: Callable[[Document], str] | None = None,
    ) -> AddResult:
        """Add parsed documents; the same file again (same sha256) changes nothing, a changed version of
        a file replaces the old one. Passages of unchanged documents keep their vectors.

        Args:
            documents: parsed documents.
            progress: called with (passages embedded so far, passages to embed).
            identity: what makes two documents versions of one file; default its absolute path. An app
                that stores each upload in a folder of its own can pass e.g. `lambda d: d.name`.
        Returns:
            AddResult with the paths added, replaced and unchanged.
        """
        key_of = identity or (lambda d: _path_key(d.path))
        # Embedding is the slow part: do it before taking the writer lock, so reviewers' marks (which
        # need the lock for a moment) are not held up by a long import.
        pre, pre_names = self._embed_new(documents, progress)
        with self._writing():
            state = self._current()
            current = list(state.documents())
            added: list[str] = []
            replaced: list[str] = []
            unchanged: list[str] = []
            self._forget_refused(documents, key_of)
            for doc in documents:
                if any(d.sha256 == doc.sha256 for d in current):
                    unchanged.append(doc.path)
                    continue
                key = key_of(doc)
                same_path = [i for i, d in enumerate(current) if key_of(d) == key]
                if same_path:
                    current[same_path[0]] = doc
                    for i in reversed(same_path[1:]):
                        del current[i]
                    replaced.append(doc.path)
                else:
                    current.append(doc)
                    added.append(doc.path)
            if not added and not replaced:
                return AddResult(unchanged=unchanged, passages=state.size)
            embedded, total = self._rebuild(state, current, progress, pre, pre_names)
            return AddResult(added, replaced, unchanged, embedded, total)

    def _embed_new(
        self, documents: list[Document], progress: Callable[[int, int], None] | None
    ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Vectors of the passages and project names of `documents` that the index does not hold yet
        (no lock taken)."""
        state = self._current()
        shas = {d.sha256 for d in state.documents()}
        new_documents = [d for d in documents if d.sha256 not in shas]
        texts = [p.embedded_text for d in new_documents for p in passages_of(d)]
        wanted = set(texts)
        known: set[str] = set()
        if wanted and _same_vectors(state.manifest):
            known = {p.embedded_text for _, p, _ in state.iter_passages() if p.embedded_text in wanted}
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        names = dict.fromkeys(p.name for d in new_documents for p in d.projects)
        missing_names = [n for n in names if n not in state.names()]
        total = len(missing) + len(missing_names)
        if not total:
            return {}, {}
        embedder = self.embedder()
        if progress:
            progress(0, total)
        vectors = _encode_all(embedder.encode_passages, missing, progress, 0, total)
        return vectors, _encode_all(embedder.encode_queries, missing_names, progress, len(missing), total)

    def remove(self, path_or_sha: str) -> bool:
        """Remove a document by path, file name (when unique), sha256 or a sha256 prefix of 8+ characters.

        Returns:
            True when a document was removed.
        """
        with self._writing():
            state = self._current()
            target = _find_document(state.documents(), path_or_sha)
            if target is None:
                return self._remove_refused(path_or_sha)
            self._rebuild(state, [d for d in state.documents() if d.sha256 != target.sha256], None)
            return True

    def _rebuild(
        self,
        state: _State,
        documents: list[Document],
        progress: Callable[[int, int], None] | None,
        pre: dict[str, np.ndarray] | None = None,
        pre_names: dict[str, np.ndarray] | None = None,
    ) -> tuple[int, int]:
        passages = [p for d in documents for p in passages_of(d)]
        embedded = [p.embedded_text for p in passages]
        # What the previous generation can give, read from its records: a vector per embedded text
        # (only when it embedded the same kind of text) and tokens per indexed text (same dictionary).
        same_dictionary = state.manifest.get("versions", {}).get("dictionary") == segment.dictionary_digest()
        want_vectors = set(embedded) if state.size and _same_vectors(state.manifest) else set()
        want_tokens = {p.indexed_text for p in passages} if state.size and same_dictionary else set()
        old_vector_rows: dict[str, int] = {}
        old_tokens: dict[str, list[str]] = {}
        strings: dict[str, str] = {}  # one object per distinct token: millions of passages repeat them
        if state.size and (want_vectors or want_tokens):
            for row, old, toks in state.iter_passages(tokens=bool(want_tokens)):
                if old.embedded_text in want_vectors:
                    old_vector_rows.setdefault(old.embedded_text, row)
                if (
                    toks is not None
                    and old.indexed_text in want_tokens
                    and old.indexed_text not in old_tokens
                ):
                    old_tokens[old.indexed_text] = [strings.setdefault(t, t) for t in json.loads(toks)]
        del want_vectors, want_tokens

        # Taken over, not copied, and emptied below: at millions of passages it is a gigabyte.
        new_vectors: dict[str, np.ndarray] = pre if pre is not None else {}
        embedded_before = len(new_vectors)
        missing = list(
            dict.fromkeys(t for t in embedded if t not in old_vector_rows and t not in new_vectors)
        )
        dimension = state.vectors.shape[1] if len(state.vectors) else 0
        if new_vectors:
            dimension = len(next(iter(new_vectors.values())))
        if missing:
            embedder = self.embedder()
            dimension = embedder.dimension
            if progress:
                progress(0, len(missing))
            new_vectors.update(_encode_all(embedder.encode_passages, missing, progress, 0, len(missing)))
        vectors = np.zeros((len(passages), dimension), np.float32)
        reused = [(i, old_vector_rows.get(t, -1)) for i, t in enumerate(embedded)]
        rows_new = np.fromiter((i for i, o in reused if o < 0), np.int64)
        for i in rows_new.tolist():
            vectors[i] = new_vectors[embedded[i]]
        taken = [(i, o) for i, o in reused if o >= 0]
        if taken:
            at, old_at = np.array(taken, np.int64).T
            order = np.argsort(old_at, kind="stable")  # read the old memory map front to back
            vectors[at[order]] = state.vectors[old_at[order]]
        new_vectors.clear()
        del reused, taken, old_vector_rows
        tokenized: dict[str, list[str]] = {}
        tokens = [old_tokens.get(p.indexed_text) or _passage_tokens(p, tokenized, strings) for p in passages]
        del old_tokens, tokenized, strings
        names, name_matrix = self._name_matrix(state, documents, pre_names or {}, dimension)
        self._write_generation(documents, passages, tokens, vectors, dimension or None, names, name_matrix)
        self._state = None
        self._manifest = self._read_manifest()
        return embedded_before + len(missing), len(passages)

    def _name_matrix(
        self, state: _State, documents: list[Document], pre: dict[str, np.ndarray], dimension: int
    ) -> tuple[list[str], np.ndarray]:
        """Every distinct project name and its query embedding: the previous generation's, `pre`, or new."""
        names = list(dict.fromkeys(p.name for d in documents for p in d.projects))
        old = state.names()
        missing = [n for n in names if n not in old and n not in pre]
        if missing:
            pre = {**pre, **_encode_all(self.embedder().encode_queries, missing, None, 0, len(missing))}
        matrix = np.zeros((len(names), dimension), np.float32)
        for i, name in enumerate(names):
            row = old.get(name)
            matrix[i] = pre[name] if row is None else state.name_matrix[row]  # type: ignore[index]
        return names, matrix


def _passage_tokens(passage: Passage, memo: dict[str, list[str]], strings: dict[str, str]) -> list[str]:
    """`segment.tokenize(passage.indexed_text)`, from the tokens of its project name and its text, each
    tokenised once: `：` is not a word character, so jieba cuts the two halves apart anyway (the test
    test_passage_tokens_are_those_of_the_indexed_text checks it), and one indicator text in many
    projects is cut once instead of once a project."""

    def cut(text: str) -> list[str]:
        found = memo.get(text)
        if found is None:
            found = memo[text] = [strings.setdefault(t, t) for t in segment.tokenize(text)]
        return found

    if passage.kind == "name":
        return cut(passage.text)
    return cut(passage.project) + cut(passage.text)
