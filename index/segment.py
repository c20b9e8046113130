"""Chinese word segmentation: a private jieba tokenizer with the field's user dictionary and stopwords."""

from __future__ import annotations

import logging
import os
import re
import threading
import unicodedata
from functools import cache
from pathlib import Path

import jieba

DATA_DIR = Path(__file__).parent / "data"
USERDICT_PATH = DATA_DIR / "userdict.txt"
STOPWORDS_PATH = DATA_DIR / "stopwords.txt"

# A token is kept when it has at least one letter, digit or CJK character (drops punctuation, spaces).
_WORDLIKE = re.compile(r"[0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NUMBER = re.compile(r"^[0-9.,%]+$")
_WHITESPACE = re.compile(r"\s+")

_lock = threading.Lock()


def cache_dir() -> Path:
    """The project's own cache directory: `$JIXIAO_CACHE`, else the platform's user cache dir for jixiao."""
    env = os.environ.get("JIXIAO_CACHE")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("jixiao"))


def normalize(text: str) -> str:
    """NFKC (full-width digits and letters to ASCII) and lowercase; the form every comparison uses."""
    return unicodedata.normalize("NFKC", text).lower()


def compact(text: str) -> str:
    """`normalize` and remove all whitespace: the form literal substring matching uses on both sides."""
    return _WHITESPACE.sub("", normalize(text))


@cache
def stopwords() -> frozenset[str]:
    """The stopword list (function words and question words that carry no topic)."""
    lines = STOPWORDS_PATH.read_text(encoding="utf-8").splitlines()
    return frozenset(normalize(w.strip()) for w in lines if w.strip() and not w.startswith("#"))


@cache
def user_words() -> tuple[str, ...]:
    """The user dictionary's words, in file order."""
    lines = USERDICT_PATH.read_text(encoding="utf-8").splitlines()
    return tuple(line.split()[0] for line in lines if line.strip() and not line.startswith("#"))


def tokenizer() -> jieba.Tokenizer:
    """The process-wide private jieba tokenizer (built once; its cache lives under `cache_dir()`)."""
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            _tokenizer = _build_tokenizer()
        return _tokenizer


_tokenizer: jieba.Tokenizer | None = None


def _build_tokenizer() -> jieba.Tokenizer:
    # jieba's default cache is /tmp/jieba.cache; keep it in our own cache directory instead.
    directory = cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.tmp_dir = str(directory)
    tk.cache_file = "jieba.cache"
    tk.initialize()
    # Words are added in file order without frequencies: jieba then suggests a frequency that keeps
    # each one whole, deterministically (the suggestion depends only on the dictionary and the order).
    for word in user_words():
        tk.add_word(word)
    return tk


def _keep(token: str) -> bool:
    return bool(_WORDLIKE.search(token)) and token not in stopwords()


def tokenize(text: str) -> list[str]:
    """Tokens for BM25: NFKC + lowercase, jieba search-mode cut (words and their dictionary sub-words).

    Args:
        text: any text, query or passage.
    Returns:
        The tokens in order, without stopwords, punctuation and whitespace.
    """
    norm = normalize(text)
    return [t for t in (s.strip() for s in tokenizer().cut_for_search(norm, HMM=False)) if t and _keep(t)]


def terms(text: str) -> list[str]:
    """Content terms: precise-mode jieba words of two or more characters, no stopwords, no bare numbers.

    Args:
        text: a topic or a passage.
    Returns:
        The distinct terms in first-seen order.
    """
    norm = normalize(text)
    seen: dict[str, None] = {}
    for raw in tokenizer().cut(norm, HMM=False):
        t = raw.strip()
        if len(t) >= 2 and _keep(t) and not _NUMBER.match(t):
            seen.setdefault(t, None)
    return list(seen)


def words(text: str) -> list[str]:
    """Every precise-mode jieba word of `text` as written (no normalisation, nothing dropped)."""
    return list(tokenizer().cut(text, HMM=False))


def is_word(text: str) -> bool:
    """Whether `text` is a word of the dictionary (jieba's own plus the user dictionary)."""
    return tokenizer().FREQ.get(text, 0) > 0


def dictionary_digest() -> str:
    """A hash of the user dictionary, the stopwords and jieba's version: tokens depend on all three."""
    import hashlib

    h = hashlib.sha256(jieba.__version__.encode())
    for path in (USERDICT_PATH, STOPWORDS_PATH):
        h.update(path.read_bytes())
    return h.hexdigest()[:16]
