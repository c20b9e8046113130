"""Indicators written as prose (绩效目标设定公示): `数量指标:名称(≥**株)>=17600株;…` read into indicator rows.

Only used where a file holds no form table at all. A clause is an indicator when it ends in a comparator and a
figure (`≥80万元`, `>=85`), or in a word that states a direction (提高, 改善 …); level labels such as
`数量指标:` or `社会效益目标:` set the levels of the clauses after them.
"""

from __future__ import annotations

import re

from corpus import vocab
from corpus.parse.grid import Cell
from corpus.parse.indicators import IndicatorRow

_LEVEL_WORDS = sorted(
    {re.sub(r"指标$", "", k) for k in list(vocab.LEVEL1_FORMS) + list(vocab.LEVEL2_FORMS) if len(k) >= 2},
    key=len, reverse=True,
)
_LEVEL = re.compile(rf"({'|'.join(map(re.escape, _LEVEL_WORDS))})(?:指标|目标)?\s*[:：,，]")
_TARGET = re.compile(r"((?:>=|<=|≥|≤|>|<|=|＝)\s*\d[\d,]*(?:\.\d+)?\s*[^\d\s,，;；。:：()（）]{0,4})\s*$")
_DIRECTION = re.compile(r"^(.{2,40}?)(提高|提升|改善|增强|降低|减少|下降|明显改善|有效提升)$")
_BARE_NAME = re.compile(r"[\u4e00-\u9fff]{2,12}")
_PROJECT = re.compile(r"(?:关于)?([^，。,:：“”《》]{4,40}?项目)(?:绩效目标|支出绩效)")


def project_name(cells: list[Cell]) -> str | None:
    """The project a prose page names (`关于X项目绩效目标设定的公示` -> X项目)."""
    for c in cells:
        m = _PROJECT.search(c.text)
        if m:
            return re.sub(r"^(?:附件\d*[:：]|关于)", "", m.group(1))
    return None


def read_prose(cells: list[Cell]) -> list[IndicatorRow]:
    """Indicator rows from prose cells; empty when the text holds fewer than three."""
    out: list[IndicatorRow] = []
    level1 = level2 = ""
    for cell in cells:
        text = cell.text
        if not _LEVEL.search(text):
            heading = re.sub(r"^[一二三四五六七八九十]+[、.．]\s*", "", text).strip()
            lv = _level(heading)
            if lv and lv[0] == 1 and len(heading) <= 8:
                level1, level2 = lv[1], ""
            continue
        pos = 0
        for m in list(_LEVEL.finditer(text)) + [None]:
            end = m.start() if m else len(text)
            chunk = text[pos:end]
            pieces = [p.strip(" ,，") for p in re.split(r"[;；。]|(?<=[\d%株户元人个次亩])[,，]", chunk)]
            pieces = [p for p in pieces if p]
            for piece in pieces:
                row = _indicator(piece)
                if row is None and pos and len(pieces) == 1 and _BARE_NAME.fullmatch(piece):
                    row = {"name": piece, "target": ""}  # a level's one indicator, printed without a target
                if row is not None:
                    out.append(IndicatorRow(level1, level2, row, [cell]))
            if m is None:
                break
            lv = _level(m.group(1))
            if lv and lv[0] == 1:
                level1, level2 = lv[1], ""
            elif lv:
                level2 = lv[1]
                level1 = _family(level2) or level1
            pos = m.end()
    return out if len(out) >= 3 else []


def _level(word: str) -> tuple[int, str] | None:
    from corpus.parse.labels import level_of

    return level_of(word) or level_of(word + "指标")


def _family(level2: str) -> str:
    if level2 in ("数量指标", "质量指标", "时效指标", "成本指标"):
        return "产出指标"
    if "效益" in level2 or "可持续" in level2:
        return "效益指标"
    if "满意" in level2:
        return "满意度指标"
    return ""


def _indicator(piece: str) -> dict[str, str] | None:
    if len(piece) < 2 or len(piece) > 80:
        return None
    m = _TARGET.search(piece)
    if m:
        name = piece[: m.start()].strip(" ,，:：")
        if len(name) >= 2:
            return {"name": name, "target": m.group(1).strip()}
        return None
    d = _DIRECTION.match(piece)
    if d:
        return {"name": d.group(1), "target": d.group(2)}
    return None


class ProseTable:
    """Prose indicators in the shape of an indicator table (columns and `read`)."""

    columns = ["level1", "level2", "name", "target"]

    def __init__(self, rows: list[IndicatorRow]) -> None:
        self.rows = rows

    def read(self) -> tuple[list[IndicatorRow], int, list[list[Cell]]]:
        return self.rows, len(self.rows), []

    def has_rows(self) -> bool:
        return bool(self.rows)
