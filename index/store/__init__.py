"""One index directory: manifest.json, records (SQLite), vectors + FAISS, BM25; atomic writes under a lock.

`directory` opens, locks, loads and swaps generations; `records` is the SQLite layer; `reading` serves
documents, search and mentions; `writing` adds and removes documents; `marks` keeps reviewer marks and
refused files. `Index` mixes them into one class; every name this module had is still importable here.
"""

from __future__ import annotations

from index.search import (
    FUSION_DEPTH,
    Dense,
    Hit,
    Lexical,
    Mention,
    MentionIndex,
    Passage,
    ProjectMentions,
    find_mentions,
    fuse,
    passage_at,
    passage_locators,
    passages_of,
    top_k,
)
from index.store.directory import (
    BM25_DIR,
    DENSE,
    FORMAT_VERSION,
    LOCK_TIMEOUT_S,
    MANIFEST,
    MENTIONS_DIR,
    NAME_VECTORS,
    NAMES,
    PASSAGE_VECTORS,
    READ_WAIT_S,
    RECORDS,
    VECTORS,
    _Directory,
    _same_names,
    _same_vectors,
    _versions,
)
from index.store.findings import _Findings
from index.store.marks import MARK_STATUSES, _Marks
from index.store.reading import PHRASE_CACHE_MAX, MentionList, _Reading
from index.store.records import (
    _MARKS_SCHEMA,
    _PASSAGE_COLUMNS,
    _REFUSED_SCHEMA,
    _SCHEMA,
    READ_CHUNK,
    _connect,
    _connect_reader,
    _exact_jsonable,
    _find_document,
    _locators,
    _now,
    _passage,
    _path_key,
    _read_marks,
    _read_refused,
    _State,
    _write_records,
)
from index.store.writing import EMBED_BATCH, AddResult, _encode_all, _passage_tokens, _Writing


class Index(_Reading, _Writing, _Marks, _Findings, _Directory):
    """The searchable index of a set of documents, stored in one directory.

    Readers need no lock; writers (`add`, `remove`, `set_mark`) hold `<dir>.lock`. A rebuild writes a
    new sibling directory and renames it into place, so a crash leaves the previous index usable.
    """


__all__ = [
    "BM25_DIR",
    "DENSE",
    "EMBED_BATCH",
    "FORMAT_VERSION",
    "FUSION_DEPTH",
    "LOCK_TIMEOUT_S",
    "MANIFEST",
    "MARK_STATUSES",
    "MENTIONS_DIR",
    "MentionList",
    "NAMES",
    "NAME_VECTORS",
    "PASSAGE_VECTORS",
    "PHRASE_CACHE_MAX",
    "READ_CHUNK",
    "READ_WAIT_S",
    "RECORDS",
    "VECTORS",
    "_MARKS_SCHEMA",
    "_PASSAGE_COLUMNS",
    "_REFUSED_SCHEMA",
    "_SCHEMA",
    "AddResult",
    "Dense",
    "Hit",
    "Index",
    "Lexical",
    "Mention",
    "MentionIndex",
    "Passage",
    "ProjectMentions",
    "_State",
    "_connect",
    "_connect_reader",
    "_encode_all",
    "_exact_jsonable",
    "_find_document",
    "_locators",
    "_now",
    "_passage",
    "_passage_tokens",
    "_path_key",
    "_read_marks",
    "_read_refused",
    "_same_names",
    "_same_vectors",
    "_versions",
    "_write_records",
    "find_mentions",
    "fuse",
    "passage_at",
    "passage_locators",
    "passages_of",
    "top_k",
]
