"""What a cell is, by the forms' own vocabulary: a field label, a money or indicator header, a level label …"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from corpus import vocab
from corpus.parse.values import compact

# Annotations printed inside labels: (A) (B/A) (10分) (必填硬性指标) (0-20)分 (万元) ★ *
_ANNOTATION = re.compile(r"[(（][\d\-－~～.]+[)）]分|[(（][^()（）]{0,12}[)）]|[★☆*＊]")
_LEADING = re.compile(r"^(?:其中|包括|含)[:：]?")
_INDEX = re.compile(r"^(?:\d{1,2}|[一二三四五六七八九十]{1,2})[、.．]")
_UNIT = re.compile(r"(万元|千元|亿元|元)")


def key_of(text: str) -> str:
    """A cell's label key: NFKC, no white space or annotations, no trailing colon or leading 其中."""
    c = compact(text)
    c = _ANNOTATION.sub("", c)
    c = c.strip(":：;；,，.。、 ")
    c = _LEADING.sub("", c)
    return c.strip(":：")


def unit_in(text: str) -> str | None:
    """A money unit the cell states: (万元) / 单位：元 / 金额单位:万元."""
    c = compact(text)
    m = re.search(r"[(（](万元|千元|亿元|元)[)）]|单位[:：]?(万元|千元|亿元|元)", c)
    if m:
        return m.group(1) or m.group(2)
    return None


@dataclass(frozen=True)
class Label:
    kind: str  # field | money_header | money_row | funding | goal | indicator | level1 | level2 | total | end | frame
    field: str


def _lookup(table: dict[str, str], key: str, suffixes: tuple[str, ...] = ()) -> str | None:
    if key in table:
        return table[key]
    for suffix in suffixes:
        if key.endswith(suffix) and key[: -len(suffix)] in table:
            return table[key[: -len(suffix)]]
    return None


@lru_cache(maxsize=20000)
def labels_of(text: str) -> tuple[Label, ...]:
    """Every reading a cell's text has as a label (ambiguous ones, like 分值 or 资金总额, have several)."""
    key = key_of(text)
    if not key or len(key) > 24:
        return ()
    out: list[Label] = []
    fld = _lookup(vocab.FIELD_LABELS, key, ("及代码", "名称", "单位名称", "及电话"))
    if fld is None and key.endswith(("名称", "单位")) is False and len(key) >= 5 and key[:-1].endswith("名称"):
        fld = vocab.FIELD_LABELS.get(key[:-1])  # a label with one stray character after it (专项名称金)
    if fld:
        out.append(Label("field", fld))
    for table, kind in (
        (vocab.MONEY_HEADER_LABELS, "money_header"),
        (vocab.MONEY_ROW_LABELS, "money_row"),
        (vocab.FUNDING_FIELD_LABELS, "funding"),
        (vocab.GOAL_LABELS, "goal"),
        (vocab.INDICATOR_COLUMNS, "indicator"),
    ):
        found = _lookup(table, key)
        if found is None and kind == "indicator":
            found = _lookup(table, re.sub(r"[(（].*$", "", key))
        if found:
            out.append(Label(kind, found))
    level = level_of(text)
    if level:
        out.append(Label(f"level{level[0]}", level[1]))
    if key in vocab.TOTAL_LABELS:
        out.append(Label("total", "total_score"))
    if any(key.startswith(e) for e in vocab.FORM_END_LABELS) or key == "附件":
        out.append(Label("end", "end"))
    if key in vocab.FRAME_LABELS or key.replace("金额单位", "") == "" or re.fullmatch(r"项目资金(?:万元|元)?", key):
        out.append(Label("frame", key))
    return tuple(out)


def has(text: str, kind: str) -> Label | None:
    return next((lb for lb in labels_of(text) if lb.kind == kind), None)


def is_label(text: str) -> bool:
    return bool(labels_of(text))


def level_of(text: str) -> tuple[int, str] | None:
    """(1, 产出指标) / (2, 数量指标) for a level label as printed (产出 / 数量 / 数量指标(必填) …)."""
    key = key_of(text)
    key = re.sub(r"[(（].*$", "", key)
    key = re.sub(r"\d+分$", "", key)
    if not key:
        return None
    if key in vocab.LEVEL2_FORMS and key not in vocab.LEVEL1_FORMS:
        return 2, vocab.LEVEL2_FORMS[key]
    if key in vocab.LEVEL1_FORMS:
        return 1, vocab.LEVEL1_FORMS[key]
    return None


def is_title(text: str) -> bool:
    """A form title: …绩效自评表 / 绩效目标申报表 / 绩效目标表 / 部门整体支出绩效… (short, ends in 表)."""
    c = compact(text)
    if len(c) > 70 or is_label(text):
        return False
    if re.search(r"[(（](?:定量|定性)指标[)）]$", c):
        return False  # 项目年度绩效目标(定量指标): a section of an indicator table, in its 一级 column
    c = re.sub(r"[(（][^()（）]*[)）]$", "", c)
    if re.match(r"^(?:[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十\d]{1,3}[、.．])", c):
        return False  # a numbered heading inside a text, not a form's title
    return "绩效" in c and (c.endswith("表") or c.endswith("自评") or c.endswith("绩效目标"))


def title_kind(text: str) -> str | None:
    c = compact(text)
    if "自评" in c or "评价" in c:
        return "self_evaluation"
    if "申报" in c or "目标" in c:
        return "declaration"
    return None


def strip_index(text: str) -> str:
    """`指标1:` / `1、` numbering in front of an indicator name."""
    return re.sub(r"^指标\d{1,2}[:：]", "", _INDEX.sub("", text.strip())).strip()


_TITLE_TAIL = re.compile(
    r"(?:项目)?(?:支出)?(?:绩效)(?:目标|评价)?(?:自评|申报|填报|审批|设定)?(?:指标)?(?:明细)?表?$|(?:项目)?绩效目标$"
)


def name_in_title(text: str) -> str | None:
    """The project a title names (`3岁以下婴幼儿照护服务项目项目绩效目标` -> `3岁以下婴幼儿照护服务项目`), if any."""
    c = compact(text)
    c = re.sub(r"^附件\d*[:：]?|^[*＊★]+", "", c)
    c = re.sub(r"[(（][^()（）]*[)）]$", "", c)
    c = _TITLE_TAIL.sub("", c)
    c = re.sub(r"(?:区域|整体)$", "", c)
    core = re.sub(r"^\d{4}年度?", "", c)  # the year stays in the name, but a year alone names nothing
    core = re.sub(r"^(?:财政)?(?:项目)?(?:支出)?$", "", core)
    rest = re.sub(r"绩效|项目|指标|目标|支出|部门|整体|区域|专项|资金|年度|情况|参考|汇总|财政|预算|表", "", core)
    if len(rest) < 3 or re.fullmatch(r"[\u4e00-\u9fff]{1,8}[省市县区镇乡]", rest) or core.endswith(("和", "及", "与")):
        return None  # generic words, a region's name with them (广水市财政预算支出…表), or a cut phrase
    if len(core) < 4 or any(w in core for w in ("部门整体", "整体支出", "项目支出", "专项资金")) and len(core) < 8:
        return None
    return c


def column_by_prefix(text: str) -> Label | None:
    """An indicator column whose header cell starts with a known label (未完成原因分析 -> 未完成原因), for a
    cell inside a header row that is already known to be one."""
    key = key_of(text)
    best = None
    for label, fld in vocab.INDICATOR_COLUMNS.items():
        if len(label) >= 3 and key.startswith(label) and len(key) <= len(label) + 8:
            if best is None or len(label) > best[0]:
                best = (len(label), fld)
    return Label("indicator", best[1]) if best else None


def column_by_letters(text: str) -> Label | None:
    """An indicator column whose header cell holds a known label's characters out of order (a wrapped or
    vertical header cell that a preview printed piece by piece: 年成值全完值 for 全年完成值), when exactly one
    label of four or more characters has that set of characters; for a cell inside a header row that is
    already known to be one."""
    key = key_of(text)
    if len(key) < 4 or not re.fullmatch(r"[\u4e00-\u9fff]+", key):
        return None
    found = {fld for label, fld in vocab.INDICATOR_COLUMNS.items()
             if len(label) >= 4 and len(label) <= len(key) <= len(label) + 2 and set(label) == set(key)}
    return Label("indicator", found.pop()) if len(found) == 1 else None


_WHOLE = re.compile(r"^(.*?)(?:\d{4}年度?)?(?:部门)?整体(?:支出)?绩效")


def department_in_title(text: str) -> str | None:
    """The name a reviewer gives a department-wide form from its title: `<单位> 部门整体`
    (重庆市某局2023年度部门整体绩效自评表 -> 重庆市某局 部门整体), or `部门整体` when the title names no unit;
    None for a title that is not a department-wide form's."""
    c = re.sub(r"^附件\d*[:：]?", "", compact(text))
    m = _WHOLE.match(c)
    if not m:
        return None
    unit = re.sub(r"\d{4}年度?$", "", m.group(1)).strip(":：")
    return f"{unit} 部门整体" if len(unit) >= 2 else "部门整体"
