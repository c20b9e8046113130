"""Patterns shared by the fused-cell cutters (corpus/parse/fused.py and its figure and row modules)."""

from __future__ import annotations

import re
from decimal import Decimal

from corpus import vocab
from corpus.parse import fused_vocab as fv

# ---------------------------------------------------------------------------------------------
# Patterns

# Full-width forms -> ASCII, one character for one, so that offsets into the printed text stay valid.
_WIDTH = str.maketrans(
    "（）：％＜＞＝，；０１２３４５６７８９．",
    "():%<>=,;0123456789.",
)
_CJK = "\u3400-\u9fff\uf900-\ufaff"
_COMPARATORS = sorted(
    {k.translate(_WIDTH) for k in (*vocab.COMPARATOR_SYMBOLS, *vocab.COMPARATOR_WORDS)}, key=len, reverse=True
)
_COMP = "|".join(re.escape(c) for c in _COMPARATORS)
_UNIT = "|".join(re.escape(u) for u in fv.UNITS)
_QUAL = "|".join(re.escape(q) for q in fv.QUALIFIERS)
# One figure as fused text prints it; a digit run may hold several numbers (`310.2154.74`), so dots repeat.
_ATOM = rf"(?:(?:{_COMP})\s?)?\d+(?:\.\d+)*(?:{_UNIT})?(?:{_QUAL})?"
_RUN = re.compile(rf"(?:{_ATOM})+")
# The whole-run test with possessive digit runs: a figure never ends inside a digit run it could extend, and a
# long run of digits that fails at its end fails at once instead of trying every split (catastrophic).
_RUN_FULL = re.compile(rf"(?:(?:(?:{_COMP})\s?)?\d++(?:\.\d++)*+(?:{_UNIT})?(?:{_QUAL})?)+$")
# One figure cell: no leading zeros, 0/1/2/4 decimals.
_PIECE = re.compile(
    rf"(?P<op>{_COMP})?(?P<num>0|[1-9]\d*)(?:\.(?P<dec>\d+))?(?P<unit>{_UNIT})?(?P<qual>{_QUAL})?$"
)
_DECIMALS = (1, 2, 4)

# Annotations printed after a label: (A) (B/A) (B/A×100%) (10分) (万元) (%) (分) (0-20)分 及代码.
_ANNOTATION = (
    r"(?:\((?:[A-Za-z](?:/[A-Za-z])?(?:[×xX*]100%)?|\d+(?:\.\d+)?分?|[万亿千]?元|%|分|单位:?[万亿千]?元)\)"
    r"|\(\d+[-~]\d+\)分?|及代码|及构成|及电话)"
)
_LABEL = re.compile(
    "(?P<label>"
    + "|".join(re.escape(lb.translate(_WIDTH)) for lb in fv.INLINE_LABELS)
    + rf")(?P<suffix>{_ANNOTATION}*)(?P<colon>:)?"
)
_NOT_INLINE = frozenset(lb.translate(_WIDTH) for lb in fv.NOT_INLINE)
_FIELD_NAMES = frozenset(lb.translate(_WIDTH) for lb in fv.FIELD_NAMES)
_SENTENCE_PUNCT = ",，。;；、"
# A cell may start after these (a sentence's comma is not one: 主管部门 after a comma is a subject).
_OPENING = "|:)】]》"

# Rate slack when a rate is compared with spent/planned: percentage points (project default, Settings).
RATE_TOLERANCE = Decimal("0.01")
_MAX_PERCENT = Decimal("200")
_MAX_POINTS = Decimal("100")


def _norm(text: str) -> str:
    return text.translate(_WIDTH)


def _is_cjk(ch: str) -> bool:
    return bool(re.match(f"[{_CJK}]", ch))


# ---------------------------------------------------------------------------------------------
# Cells of a fused line
