"""A flattened page whose table cells wrapped over two lines, printed line by line across the columns.

A PDF cell that wraps keeps its lines apart in the text: the header `年初指标值 | 年终完成值 | 自评分` comes out
as `年初指 年终完 自评 … 标值 成值 分`, a row's `300公里 | 300公里` as `300 公 300 公 … 里 里`, and the cells of
different rows fall between each other. `restructure` finds such a page by its header (every first piece
joined with its second piece names a column of the vocabulary), joins the header back, and keeps as rows
only what its structure reads with certainty:

- a row whose name and figures wrapped alike: `名称上半 300 公 300 公 15 … 名称下半 里 里` (each figure's unit
  completed by the piece printed under it) -> `名称上半名称下半 | 300公里 | 300公里 | 15`;
- a scoring row `内容 分值 得分` (two bare figures, 得分 ≤ 分值 ≤ 100) right after its name, also past a
  section label with its points (`组织机构 项目管理 13分 2 2`).

Every other word stays a loose word: its row is not known, so no table may read it as a row.
"""

from __future__ import annotations

import re
from functools import lru_cache

from corpus.parse import fused_vocab as fv
from corpus.parse import labels as lb

# How far apart the two lines of one wrapped row may stand (words between them: other cells' lines).
_WINDOW = 8
_MAX_PIECES = 6
_FIGURE = re.compile(r"^\d+(?:\.\d+)?$")
_CLEAN = re.compile(r"^[\u4e00-\u9fff]{2,14}$")
_SECTION_POINTS = re.compile(r"^\d+(?:\.\d+)?分$")
_UNITS = frozenset(fv.UNITS)


def _header_label(text: str) -> bool:
    return text in _header_labels()[0] and lb.has(text, "indicator") is not None


@lru_cache(maxsize=1)
def _header_labels() -> tuple[frozenset[str], frozenset[str]]:
    """The indicator header labels of the vocabulary, and the first pieces (up to four characters) they may
    wrap into: a word that starts no label is passed over at once."""
    labels = frozenset(x for x in fv.INLINE_LABELS if lb.has(x, "indicator") is not None)
    heads = frozenset(x[:k] for x in labels for k in range(1, min(4, len(x) - 1) + 1))
    return labels, heads


def _split_header(words: list[str]) -> tuple[int, int, int] | None:
    """(start of the first pieces, start of the second pieces, how many) of a header split over two lines."""
    n = len(words)
    heads = _header_labels()[1]
    for i in range(n):
        if words[i] not in heads or lb.is_label(words[i]):
            continue
        for j in range(i + 1, min(n, i + _MAX_PIECES + _WINDOW)):
            pairs = 0
            last_tail = ""
            while (
                pairs < _MAX_PIECES
                and i + pairs < j
                and j + pairs < n
                and not lb.is_label(words[i + pairs])
                and len(words[j + pairs]) <= 4
            ):
                a, b = words[i + pairs], words[j + pairs]
                if _header_label(a + b) and not _header_label(b):
                    last_tail = b
                elif not (pairs >= 2 and b == last_tail and re.fullmatch(r"[\u4e00-\u9fff]{1,3}", a)):
                    break  # a neighbour split like the one before it (自评 / 分 beside 复核 / 分) still counts
                pairs += 1
            if pairs >= 2:
                return i, j, pairs
    return None


def _attach_units(words: list[str]) -> list[str]:
    """A unit printed as a word of its own after a figure (`13 分`) joined to it."""
    out: list[str] = []
    for w in words:
        if out and w in _UNITS and _FIGURE.match(out[-1]):
            out[-1] += w
        else:
            out.append(w)
    return out


def _wrapped_row(words: list[str], k: int, used: set[int]) -> tuple[list[str], list[int]] | None:
    """A row at k whose name and measures wrapped alike: name, (figure, piece)…, score, then within the
    window the name's second line and one completion per piece, each completing a unit of the vocabulary."""
    if not _CLEAN.match(words[k]) or lb.is_label(words[k]):
        return None
    pieces: list[tuple[str, str]] = []
    p = k + 1
    while (
        p + 1 < len(words) and _FIGURE.match(words[p]) and re.fullmatch(r"[\u4e00-\u9fff]{1,2}", words[p + 1])
    ):
        pieces.append((words[p], words[p + 1]))
        p += 2
    if not pieces or p >= len(words) or not _FIGURE.match(words[p]):
        return None
    score_at = p
    width = len(pieces)
    for q in range(score_at + 1, min(len(words) - width, score_at + 1 + _WINDOW)):
        tails = words[q + 1 : q + 1 + width]
        if q in used or not _CLEAN.match(words[q]) or lb.is_label(words[q]):
            continue
        if all(
            piece + tail in _UNITS and piece not in _UNITS
            for (_, piece), tail in zip(pieces, tails, strict=True)
        ):
            cells = [
                words[k] + words[q],
                *(f + piece + tail for (f, piece), tail in zip(pieces, tails, strict=True)),
                words[score_at],
            ]
            return cells, [*range(k, score_at + 1), *range(q, q + 1 + width)]
    return None


def _scoring_row(words: list[str], k: int) -> tuple[list[str], list[int]] | None:
    """`内容 分值 得分` at k, the two figures right after the name or after a section label with its points."""
    if not _CLEAN.match(words[k]) or lb.is_label(words[k]):
        return None
    for at in (k + 1, k + 3):
        if at == k + 3 and not (
            k + 2 < len(words) and _CLEAN.match(words[k + 1]) and _SECTION_POINTS.match(words[k + 2])
        ):
            continue
        if at + 1 < len(words) and _FIGURE.match(words[at]) and _FIGURE.match(words[at + 1]):
            weight, score = float(words[at]), float(words[at + 1])
            if score <= weight <= 100:
                return [words[k], words[at], words[at + 1]], [k, at, at + 1]
            return None
    return None


def restructure(words: list[str]) -> list[list[str]] | None:
    """The words of a flattened page as rows (two or more cells) and loose words (one), or None when the
    page's header did not wrap (the page is read as any flattened page).

    Args:
        words: the page's words in printed order.

    Example:
        restructure("名称 年初指 年终完 自评 标值 成值 分 道路建设 300 公 300 公 15 养护里程 里 里".split())
        # [['名称'], ['年初指标值'], ['年终完成值'], ['自评分'], ['道路建设养护里程', '300公里', '300公里', '15']]
    """
    split = _split_header(words)
    if split is None:
        return None
    i, j, k = split
    words = list(words)
    for m in range(k):
        words[i + m] += words[j + m]
    words = _attach_units([w for x, w in enumerate(words) if not j <= x < j + k])
    used: set[int] = set()
    rows: dict[int, list[str]] = {}
    for at in range(len(words)):
        if at in used:
            continue
        got = _wrapped_row(words, at, used) or _scoring_row(words, at)
        if got is not None and not used & set(got[1]):
            cells, taken = got
            rows[at] = cells
            used.update(taken)
    out: list[list[str]] = []
    for at, w in enumerate(words):
        if at in rows:
            out.append(rows[at])
        elif at not in used:
            out.append([w])
    return out
