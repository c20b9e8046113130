"""Topic mentions: every passage that names a topic, literally, by its words, or by a phrase it abbreviates."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from index import segment
from index.passages import MatchKind
from index.thesaurus import KIND_ORDER, Thesaurus, default_thesaurus, defined_short_forms

# Semantic mention matching: a corpus phrase counts as a form of the topic when the topic is its
# abbreviation (缩略语: the topic's characters in order, each run starting a dictionary word of the
# phrase), the phrase is at most this many times as long as the topic, and the embeddings agree.
EXPANSION_MAX_RATIO = 3
EXPANSION_MIN_TOPIC = 2
EXPANSION_MAX_TOPIC = 12
WORD_TAIL = 3  # characters a phrase may run past the topic's last one to finish a word
CONTEXT = 4  # characters each side of a guessed phrase that decide where the text's words end
_CJK_ONLY = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")


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
    碳市场: 碳城 and 市广 are not words. The last run may also start the phrase's last word (长三角:
    长江|三角洲), or be the phrase's last character, the head of its last word (车购税: 车辆|购置|税).
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
    if last_start + last_length < len(phrase) and not is_word(phrase[last_start:]):
        return False  # it may only go on to finish the word its last run starts (评 -> 评价, 三角 -> 三角洲)
    for n, (start, length) in enumerate(runs):
        run = phrase[start : start + length]
        if length >= 2 and is_word(run):
            continue
        if (
            n
            and n == len(runs) - 1
            and length == 1
            and start == len(phrase) - 1
            and ends_word(phrase, is_word)
        ):
            continue  # the head character that ends the phrase's last word (税 of 购置税, 病 of 慢性病)
        if not any(is_word(phrase[start:end]) for end in range(start + max(2, length), len(phrase) + 1)):
            return False
    return True


def ends_word(phrase: str, is_word: Callable[[str], bool]) -> bool:
    """Whether the phrase's last character ends a dictionary word of two or more characters in it."""
    return any(is_word(phrase[k:]) for k in range(len(phrase) - 1))


def token_ends(text: str) -> set[int]:
    """The offsets in `text` at which a precise-mode jieba word ends (0 included)."""
    ends, at = {0}, 0
    for w in segment.words(text):
        at += len(w)
        ends.add(at)
    return ends


def expansion_candidates(topic: str, texts: Iterable[str], is_word: Callable[[str], bool]) -> set[str]:
    """Phrases in `texts` (compact form) of which `topic` is an abbreviation; see `abbreviates`."""
    if not (EXPANSION_MIN_TOPIC <= len(topic) <= EXPANSION_MAX_TOPIC) or not _CJK_ONLY.match(topic):
        return set()
    # The shortest match from every occurrence of the topic's first character, found by one scan of the
    # texts joined by newlines (a lookahead matches at each position; the gaps cannot cross a newline).
    pattern = re.compile(f"(?=({_expansion_pattern(topic).pattern}))")
    max_len = EXPANSION_MAX_RATIO * len(topic)
    found: set[str] = set()
    joined = "\n".join(texts)
    for m in pattern.finditer(joined):
        start, stop = m.span(1)
        if stop - start <= max_len:
            # Also the phrase that finishes a word begun by the topic's last characters (评 -> 评价).
            for extra in range(WORD_TAIL + 1):
                end = stop + extra
                if end > len(joined) or (extra and not _CJK_ONLY.match(joined[end - 1])):
                    break
                found.add(joined[start:end])
    return {p for p in found if abbreviates(topic, p, is_word)}


def contraction_candidates(topic: str, texts: Iterable[str], is_word: Callable[[str], bool]) -> set[str]:
    """Phrases in `texts` (compact form) that abbreviate `topic`: `expansion_candidates` the other way round.

    A long topic (碳排放权交易, 车辆购置税) is written short in some texts (碳交易, 车购税): a phrase that
    starts with the topic's first character and keeps its characters in order, shorter than the topic.
    """
    if not (
        EXPANSION_MIN_TOPIC < len(topic) <= EXPANSION_MAX_TOPIC * EXPANSION_MAX_RATIO
    ) or not _CJK_ONLY.match(topic):
        return set()
    # Runs of the topic's characters that start with its first one; their prefixes are the candidates.
    run = re.compile(f"{re.escape(topic[0])}[{re.escape(''.join(sorted(set(topic))))}]{{1,{len(topic) - 2}}}")
    found: set[str] = set()
    for m in run.finditer("\n".join(texts)):  # one scan; compact texts hold no newline
        phrase = m.group()
        found.update(phrase[:end] for end in range(2, len(phrase) + 1))
    ends = token_ends(topic)
    return {p for p in found if _aligned_end(p, topic) in ends and abbreviates(p, topic, is_word)}


def _aligned_end(short: str, long: str) -> int:
    """Where in `long` the greedy left alignment of `short`'s characters ends (-1: they are not in order).

    A short form ends where one of the long form's words ends: 碳交易, not 碳交, for 碳排放权|交易.
    """
    at = 0
    for ch in short:
        at = long.find(ch, at) + 1
        if not at:
            return -1
    return at


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
        self._short_forms: set[tuple[str, str]] | None = None

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

    def short_forms(self, is_word: Callable[[str], bool]) -> set[tuple[str, str]]:
        """(short form, full form) pairs the passages define in parentheses; found once, on first use."""
        if self._short_forms is None:
            self._short_forms = defined_short_forms(self.texts, lambda a, b: abbreviates(a, b, is_word))
        return self._short_forms

    def rows_of_many(self, text_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rows, owner): every row whose text is one of `text_ids`, and for each the position in
        `text_ids` of its text (numpy: no Python loop over texts)."""
        starts = self._rows_ptr[text_ids]
        counts = self._rows_ptr[text_ids + 1] - starts
        owners = np.repeat(np.arange(len(text_ids)), counts)
        offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        return np.asarray(self._rows[np.repeat(starts, counts) + offsets]), owners

    def rows_of(self, text_id: int) -> list[int]:
        """The rows (passages) whose compact text is `texts[text_id]`, ascending."""
        return self._rows[self._rows_ptr[text_id] : self._rows_ptr[text_id + 1]].tolist()


def find_mentions(
    topic: str,
    index: MentionIndex,
    similarity: Callable[[str, list[str]], np.ndarray],
    threshold: float,
    is_word: Callable[[str], bool],
    thesaurus: Thesaurus | None = None,
) -> dict[int, tuple[MatchKind, str, float | None]]:
    """Every passage that mentions `topic`, no cut-off, each with why.

    literal: the compact topic is a substring of the compact passage (nothing written is missed,
    whatever the segmenter does). lexical: a multi-word topic whose content words all occur.
    abbreviation / alias / semantic: another name of the topic occurs, from the thesaurus (its full form
    or short form, another name, a narrower or related term; see `Thesaurus.alternatives`) or from a
    short form a text defines in parentheses. Where the thesaurus does not know the topic, a corpus
    phrase that the topic abbreviates, or that abbreviates the topic (see `abbreviates`), whose embedding
    is at least `threshold` similar to the topic's, is an abbreviation too. A passage matched several
    ways keeps the strongest (literal, lexical, abbreviation, alias, semantic).

    Args:
        topic: what to look for.
        index: the passages' `MentionIndex`.
        similarity: (topic, phrases) -> cosine of each phrase to the topic.
        threshold: the least cosine for an abbreviation found by the corpus rule.
        is_word: whether a string is a dictionary word (for the abbreviation rule).
        thesaurus: the domain thesaurus; the bundled one when None.
    Returns:
        row -> (match kind, term found, similarity or None).
    """
    needle = segment.compact(topic)
    if not needle or not index.size:
        return {}
    thesaurus = thesaurus or default_thesaurus()
    texts = index.texts
    found: dict[int, tuple[MatchKind, str, float | None]] = {}  # by text id

    def mark(text_ids: Iterable[int], kind: MatchKind, term: str, sim: float | None = None) -> None:
        for t in text_ids:
            if t not in found or KIND_ORDER.index(kind) < KIND_ORDER.index(found[t][0]):
                found[t] = (kind, term, sim)

    def holding(term: str) -> list[int]:
        return [t for t in index.containing(term).tolist() if term in texts[t]]

    candidates = index.containing(needle).tolist()
    mark((t for t in candidates if needle in texts[t]), "literal", needle)
    words = topic_words(topic)
    if len(words) >= 2:
        joined = "+".join(words)
        ids = index.containing("".join(words)).tolist()
        mark((t for t in ids if all(w in texts[t] for w in words)), "lexical", joined)
    others = thesaurus.alternatives(needle)
    for short, full in sorted(index.short_forms(is_word)):
        if needle in (short, full):
            others.setdefault(full if needle == short else short, "abbreviation")
    for term, kind in sorted(others.items(), key=lambda tk: (-len(tk[0]), tk[0])):  # the longest first
        mark(holding(term), kind, term)
    if thesaurus.knows(needle):
        return _by_row(found, index)  # the thesaurus says what the topic names: no guessing
    phrases = expansion_candidates(needle, (texts[t] for t in candidates), is_word)
    if len(needle) > EXPANSION_MIN_TOPIC:
        scan = (texts[t] for t in index.containing(needle[0]).tolist())
        phrases |= contraction_candidates(needle, scan, is_word)
    phrases = sorted(phrases - set(others))
    if phrases:
        sims = similarity(needle, phrases)
        accepted = sorted(
            ((p, float(s)) for p, s in zip(phrases, sims, strict=True) if s >= threshold),
            key=lambda ps: (-ps[1], ps[0]),  # the most similar phrase first: it is the one a passage keeps
        )
        for phrase, sim in accepted:
            mark(_aligned(phrase, holding(phrase), texts), "abbreviation", phrase, sim)
    return _by_row(found, index)


def _aligned(phrase: str, text_ids: list[int], texts: list[str]) -> list[int]:
    # A guessed phrase counts where the text's own words start and end with it: 车辆购置税收 is not
    # written in 车辆购置税收入 (购置税|收入), nor 长江三角 in 长江三角洲区域. The words are cut from a few
    # characters around each occurrence, once per distinct context (a corpus repeats its phrasing).
    memo: dict[tuple[str, str], bool] = {}
    kept = []
    for t in text_ids:
        text = texts[t]
        at = text.find(phrase)
        while at >= 0:
            key = (text[max(0, at - CONTEXT) : at], text[at + len(phrase) : at + len(phrase) + CONTEXT])
            if key not in memo:
                ends = token_ends(key[0] + phrase + key[1])
                memo[key] = len(key[0]) in ends and len(key[0]) + len(phrase) in ends
            if memo[key]:
                kept.append(t)
                break
            at = text.find(phrase, at + 1)
    return kept


def _by_row(
    found: dict[int, tuple[MatchKind, str, float | None]], index: MentionIndex
) -> dict[int, tuple[MatchKind, str, float | None]]:
    ids = np.fromiter(found, np.int64, count=len(found))
    rows, owners = index.rows_of_many(ids)
    matches = list(found.values())
    return {row: matches[i] for row, i in zip(rows.tolist(), owners.tolist(), strict=True)}
