"""Cell text -> values: markup removed, numbers normalised once (full-width digits, 万元, %, ≥), measures, clauses."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from corpus import vocab
from corpus.model import Measure

# ---------------------------------------------------------------------------------------------
# Cell text

_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}，。；：、（）《》“”])\s+|\s+(?=[{_CJK}，。；：、（）《》“”])")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_NUMBER = r"[-−]?\d+(?:\.\d+)?"
_PLAIN_NUMBER = re.compile(rf"^\s*{_NUMBER}\s*$")
_DATE = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$")
_YEAR = re.compile(r"(\d{4})\s*年度?")


def strip_markup(text: str) -> str:
    """Remove HTML tags and OCR LaTeX (`$\\geq 90.00\\%$` -> `≥ 90.00%`)."""
    text = _TAG.sub(" ", text)
    if "\\" in text or "$" in text:
        for latex, plain in sorted(vocab.LATEX_REPLACEMENTS.items(), key=lambda kv: -len(kv[0])):
            text = text.replace(latex, plain)
        text = re.sub(r"\\(?:text|mathrm|rm)\{([^{}]*)\}", r"\1", text)
        text = text.replace("$", "")
    return text.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def clean_text(text: str) -> str:
    """Cell text as a reader means it: markup gone, PDF line-break spaces inside Chinese removed."""
    text = strip_markup(text)
    text = re.sub(r"\s+", " ", text).strip()
    return _SPACE_NEAR_CJK.sub("", text)


def compact(text: str) -> str:
    """For matching labels: NFKC, no white space, no markup."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", strip_markup(text)))


def normalise_number_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", strip_markup(text))
    text = text.replace("−", "-").replace("％", "%")
    return _THOUSANDS.sub("", text)


def to_decimal(text: str | None) -> Decimal | None:
    """`2,431.73` / `２４３１．７３` / `98.20%` -> Decimal; `-`, blanks and words -> None."""
    if text is None:
        return None
    t = normalise_number_text(text).strip().rstrip("%").strip()
    if not re.fullmatch(_NUMBER, t):
        return None
    try:
        return Decimal(t)
    except InvalidOperation:
        return None


def is_plain_number(text: str) -> bool:
    return bool(_PLAIN_NUMBER.match(normalise_number_text(text)))


_OP_PATTERN = "|".join(
    re.escape(k)
    for k in sorted(list(vocab.COMPARATOR_SYMBOLS) + list(vocab.COMPARATOR_WORDS), key=len, reverse=True)
)
_MEASURE = re.compile(
    rf"^(?P<op>{_OP_PATTERN})?\s*(?P<num>{_NUMBER})\s*(?:[(（]\s*(?P<u1>[^()（）\d]{{0,12}})\s*[)）]|(?P<u2>[^\d\s()（）,，。;；]{{0,4}}))\s*$"
)
_OP_ONLY_UNIT = re.compile(rf"^(?P<op>{_OP_PATTERN})\s*[(（]\s*(?P<u>[^()（）\d]{{1,12}})\s*[)）]\s*$")


def parse_measure(raw: str, unit_hint: str | None = None) -> Measure:
    """A target/actual cell -> Measure.

    Args:
        raw: the cell as printed (`≥20.00(份)`, `=100(%)`, `$\\geq 90.00\\%$`, `达成指标`).
        unit_hint: the unit from a separate 度量单位 column, used when the cell has none.
    """
    text = clean_text(raw)
    norm = normalise_number_text(text).replace(" ", "")
    m = _MEASURE.match(norm)
    if m and not _DATE.match(norm):
        op_text = m.group("op")
        op = None
        if op_text:
            op = vocab.COMPARATOR_SYMBOLS.get(op_text) or vocab.COMPARATOR_WORDS.get(op_text)
        unit = (m.group("u1") if m.group("u1") is not None else m.group("u2")) or ""
        unit = unit.strip()
        if unit.lower() in vocab.UNIT_PLACEHOLDERS:
            unit = ""
        unit = unit or (unit_hint or None)
        return Measure(text=text, op=op, value=Decimal(m.group("num").replace("−", "-")), unit=unit)
    return Measure(text=text, qualitative=text or None, unit=unit_hint or None)


# ---------------------------------------------------------------------------------------------
# Clauses

_ITEM_MARK = re.compile(
    r"(?:(?<=^)|(?<=[\s。；;：:，,]))(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．](?!\d)|[①-⑳])"
)
_CLAUSE_END = re.compile(r"(?<=[。；;！!？?])")


def split_clauses(text: str) -> list[str]:
    """Split a goal/outcome text at numbered items and sentence/clause ends (。；;)."""
    parts: list[str] = []
    for chunk in _ITEM_MARK.split(text):
        for piece in _CLAUSE_END.split(chunk):
            piece = piece.strip(" ，,、;；。:：")
            if len(piece) >= 2:
                parts.append(piece)
    return parts


def iso_date(text: str | None) -> str | None:
    """A date as printed (2023年1月1日, 2023.1.1, 2023-01-01) -> 2023-01-01; other text as it is."""
    if not text:
        return None
    m = _DATE.match(normalise_number_text(text).replace(" ", ""))
    if not m:
        return text
    y, mo, da = (int(g) for g in m.groups())
    return f"{y:04d}-{mo:02d}-{da:02d}"
