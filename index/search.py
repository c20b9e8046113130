"""Passages and the ways to find them: lexical (BM25), dense (FAISS), fusion (RRF) and topic mentions.

One module per retriever (`index.lexical`, `index.dense`, `index.fusion`, `index.mentions`) and the
passages they rank (`index.passages`); this module names them all, as it always has.
"""

from __future__ import annotations

from index.dense import (
    FLAT_MAX,
    HNSW_EF_SEARCH,
    HNSW_M,
    IVF_NPROBE,
    IVF_TRAIN_PER_LIST,
    Dense,
    ivf_lists,
)
from index.fusion import FUSION_DEPTH, RRF_K, fuse, rrf
from index.lexical import Lexical, top_k
from index.mentions import (
    _CJK_ONLY,
    EXPANSION_MAX_RATIO,
    EXPANSION_MAX_TOPIC,
    EXPANSION_MIN_TOPIC,
    WORD_TAIL,
    MentionIndex,
    _expansion_pattern,
    abbreviates,
    expansion_candidates,
    find_mentions,
    topic_words,
)
from index.passages import (
    _GOAL_ATTRS,
    _GOAL_PARTS,
    _MATCH_ORDER,
    GOAL_KINDS,
    PART_INDICATOR,
    PART_NAME,
    PART_NOTE,
    Hit,
    MatchKind,
    Mention,
    Passage,
    PassageKind,
    ProjectMentions,
    _indicator_sentence,
    passage_at,
    passage_locators,
    passages_of,
)

__all__ = [
    "EXPANSION_MAX_RATIO",
    "EXPANSION_MAX_TOPIC",
    "EXPANSION_MIN_TOPIC",
    "FLAT_MAX",
    "FUSION_DEPTH",
    "GOAL_KINDS",
    "HNSW_EF_SEARCH",
    "HNSW_M",
    "IVF_NPROBE",
    "IVF_TRAIN_PER_LIST",
    "PART_INDICATOR",
    "PART_NAME",
    "PART_NOTE",
    "RRF_K",
    "WORD_TAIL",
    "_CJK_ONLY",
    "_GOAL_ATTRS",
    "_GOAL_PARTS",
    "_MATCH_ORDER",
    "Dense",
    "Hit",
    "Lexical",
    "MatchKind",
    "Mention",
    "MentionIndex",
    "Passage",
    "PassageKind",
    "ProjectMentions",
    "_expansion_pattern",
    "_indicator_sentence",
    "abbreviates",
    "expansion_candidates",
    "find_mentions",
    "fuse",
    "ivf_lists",
    "passage_at",
    "passage_locators",
    "passages_of",
    "rrf",
    "top_k",
    "topic_words",
]
