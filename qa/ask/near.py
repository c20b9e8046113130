"""Near misses: project names a question almost writes (a typo, a suffix too many) and words one character off.

A near miss is offered to the reviewer (是否指“…”？), never taken in the name's place: the question may name
a project that is not in the index.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from index import segment
from qa.ask.words import _CJK, _GENERIC_WORDS, MAX_SUGGESTIONS, _compact

if TYPE_CHECKING:
    from qa.ask.catalogue import Catalogue

# A name-length phrase may differ from a name by one edit in every eight characters (河道保洁作叶养护 for
# 河道保洁作业养护); a shorter phrase is matched word by word (执发 for 执法), one character off.
_CHARS_PER_EDIT = 8
_MIN_NAME_PHRASE = 4
# What may follow a project's full name and still belong to the name the question writes: a number (测试项目三,
# 二期, 2号), a letter or an opening bracket; not a year or a quantity (2023, 3个, 一共).
_NUMBERED = re.compile(r"^[0-9０-９一二三四五六七八九十百]+(?:期|号|批|类|标段|部分)?$")
_NUMERAL_END = re.compile(r"[0-9０-９一二三四五六七八九十百]$")
_ORDINAL_WORD = re.compile(r"^(?:期|号|批|类|标段)")
_LETTER_OR_BRACKET = re.compile(r"^[A-Za-zＡ-Ｚａ-ｚⅠ-Ⅻ（(〔【\[]")
_QUANTITY = re.compile(
    r"^(?:(?:19|20)[0-9]{2}(?![0-9])|[0-9０-９一二三四五六七八九十百]+[个项家条名次份万元%％分年月日])"
)


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Levenshtein distance of two strings; above `limit` (when given) any value above it."""
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if limit is not None and min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def substring_distance(phrase: str, text: str) -> int:
    """The fewest edits that turn `phrase` into some substring of `text` (semi-global alignment)."""
    previous = [0] * (len(text) + 1)  # the phrase may start anywhere in the text
    for i, cp in enumerate(phrase, 1):
        current = [i]
        for j, ct in enumerate(text, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (cp != ct)))
        previous = current
    return min(previous)  # and end anywhere


def near_names(words: str, cat: Catalogue) -> list[str]:
    """Project names the phrase almost writes, nearest first: a typo in a name or in a run of it, never a name
    the phrase writes exactly (that is a match, not a near miss). Empty for a phrase under four characters."""
    key = _compact(words)
    if len(key) < _MIN_NAME_PHRASE or key in cat.by_key:
        return []
    allowed = max(1, len(key) // _CHARS_PER_EDIT)
    scored = []
    for i in _candidates(key, allowed, cat):
        name, name_key = cat.names[i], cat.name_keys[i]
        if key in name_key:
            continue
        whole = edit_distance(key, name_key, allowed)
        if whole <= allowed:
            scored.append((whole, 0, name))
            continue
        if len(key) <= len(name_key):
            part = substring_distance(key, name_key)
            # A typo inside a run of the name must leave most of the run as written.
            if part <= allowed and part < len(key) // 2:
                scored.append((part, 1, name))
    return [name for *_rank, name in sorted(scored)][:MAX_SUGGESTIONS]


def _candidates(key: str, allowed: int, cat: Catalogue) -> list[int]:
    """The names that can be within `allowed` edits of `key` or of a run of it: an edit loses at most one of
    the phrase's distinct characters, so a name lacking more than `allowed` of them is out (a few numpy
    additions over the names' character postings instead of an alignment with every name)."""
    postings = name_chars(cat)
    distinct = [postings[c] for c in set(key) if c in postings]
    need = len(set(key)) - allowed
    if need <= 0:
        return list(range(len(cat.names)))
    if len(distinct) < need:
        return []
    counts = np.bincount(np.concatenate(distinct), minlength=len(cat.names))
    return np.flatnonzero(counts >= need).tolist()


@lru_cache(maxsize=4)  # one catalogue per index generation
def name_chars(cat: Catalogue) -> dict[str, np.ndarray]:
    """Every character of the compact project names -> the positions of the names that hold it."""
    out: dict[str, list[int]] = {}
    for i, key in enumerate(cat.name_keys):
        for c in set(key):
            out.setdefault(c, []).append(i)
    return {c: np.asarray(v, np.int64) for c, v in out.items()}


@lru_cache(maxsize=4)  # one catalogue per index generation
def name_words(cat: Catalogue) -> dict[str, list[str]]:
    """Every word of the project names (jieba) -> the names that hold it, in catalogue order."""
    out: dict[str, list[str]] = {}
    for name, key in zip(cat.names, cat.name_keys, strict=True):
        for w in segment.words(key):
            if len(w) >= 2 and _CJK.search(w) and w not in _GENERIC_WORDS:
                listed = out.setdefault(w, [])
                if not listed or listed[-1] != name:
                    listed.append(name)
    return out


def near_terms(words: str, cat: Catalogue) -> list[tuple[str, list[str]]]:
    """Words of the project names one character off a short phrase (执发 -> 执法), each with the names that
    hold it, the word in most names first; empty when the phrase itself is in some name. A word whose names
    hold every character of the phrase is left out: there the phrase is a short form (环评 in
    …环境影响评价…), not a typo."""
    key = _compact(words)
    if len(key) < 2 or any(key in k for k in cat.name_keys):
        return []
    found = []
    for term in name_words(cat):
        if len(term) != len(key) or sum(a != b for a, b in zip(term, key, strict=True)) != 1:
            continue
        names = [n for n, k in zip(cat.names, cat.name_keys, strict=True) if term in k]
        if any(set(key) <= set(_compact(n)) for n in names):
            continue
        found.append((term, names))
    return sorted(found, key=lambda tn: (-len(tn[1]), tn[0]))[:MAX_SUGGESTIONS]


def continues_name(name: str, tail: str, stop: set[str], cat: Catalogue) -> bool:
    """Whether the characters after a project's full name in a question carry the name on (测试项目三,
    测试项目（二期）, 河道保洁作业管理 after 河道保洁作业), so that the question names another project than the one found.

    Args:
        name: the name found (测试项目二 in 测试项目二期: 期 carries a numbered name on).
        tail: the question's characters after the name, up to the next boundary or slot.
        stop: the words that start the rest of a question (question words, cues, stop words).
        cat: the catalogue; a word carries a name on only if some project name holds it.
    """
    if not tail or _QUANTITY.match(tail):
        return False
    if _LETTER_OR_BRACKET.match(tail) or (_NUMERAL_END.search(name) and _ORDINAL_WORD.match(tail)):
        return True
    first = next(iter(segment.words(tail)), "")
    if first in stop:
        return False
    return bool(_NUMBERED.match(first)) or first in name_words(cat)
