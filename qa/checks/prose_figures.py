"""Figures written in prose (完成3份报告, 培训200人次, 资金35万元): the number, its measure word and the thing counted."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from corpus.model import Indicator, Measure
from corpus.units import YUAN_PER_UNIT
from qa.checks import vocab
from qa.checks.base import compact, same_family, unit_of

# ------------------------------------------------------------------------------------------ words
# Measure words a prose figure may carry, with what they are in a common unit (4578平方米, 8万亩 -> 80000 亩).
BASE_UNITS: dict[str, tuple[str, Decimal]] = {
    **{u: ("元", per) for u, per in YUAN_PER_UNIT.items()},
    "平方米": ("平方米", Decimal(1)),
    "平米": ("平方米", Decimal(1)),
    "㎡": ("平方米", Decimal(1)),
    "立方米": ("立方米", Decimal(1)),
    "公里": ("米", Decimal(1000)),
    "千米": ("米", Decimal(1000)),
    "米": ("米", Decimal(1)),
    "公顷": ("公顷", Decimal(1)),
    "亩": ("亩", Decimal(1)),
    "吨": ("吨", Decimal(1)),
    "株": ("株", Decimal(1)),
    "头": ("头", Decimal(1)),
    "只": ("只", Decimal(1)),
    "辆": ("辆", Decimal(1)),
}
# 8万亩, 1.2亿元: a scale word between the number and the measure word.
SCALES: dict[str, Decimal] = {"万": Decimal(10000), "亿": Decimal(100000000), "千": Decimal(1000)}
# The figure is a bound, not an amount: 不少于17人, 200人次以上.
AT_LEAST_BEFORE: tuple[str, ...] = ("不少于", "不低于", "至少", "超过", "多于", "大于")
AT_MOST_BEFORE: tuple[str, ...] = ("不超过", "不多于", "不高于", "最多", "至多", "少于", "低于")
AT_LEAST_AFTER: tuple[str, ...] = ("以上",)
AT_MOST_AFTER: tuple[str, ...] = ("以下", "以内")
# The figure is an estimate: 约50万元, 13200余人次, 10余家, 300米左右. Nothing precise to compare.
APPROXIMATE_BEFORE: tuple[str, ...] = ("约", "近", "逾", "大约", "将近", "接近")
APPROXIMATE_AFTER: tuple[str, ...] = ("余", "多", "左右", "上下", "许")
# The figure counts more than one year (累计完成, 截至2023年底, 2021-2025年).
CUMULATIVE_WORDS: tuple[str, ...] = ("累计", "累积", "历年", "截至", "截止", "至今", "以来", "期间", "五年")
_MULTI_YEAR = re.compile(r"\d{4}[-—~～至到]\d{4}|[到至]\d{4}年|十[一二三四五六]五")
# The figure is a part of another one (其中3436个立行立改) or a rate per something (490元/平米, 每千人4.5个).
PART_WORDS: tuple[str, ...] = ("其中",)
PER_WORDS: tuple[str, ...] = ("每", "人均", "平均", "户均", "亩均")
# The figure is another year's (上年完成5份): nothing of this form states it.
PAST_WORDS: tuple[str, ...] = ("上年", "去年", "上一年", "往年", "前年", "同期")
# The figure is a plan (原计划5份, 目标为200人次): it speaks for 年度指标值, not for 实际完成值.
PLAN_WORDS: tuple[str, ...] = ("计划", "预计", "原定", "目标", "拟", "预期", "任务数")
# The figure is a change, not a level (提升了1.1%, 增长20%).
CHANGE_WORDS: tuple[str, ...] = (
    "提升",
    "提高",
    "增长",
    "增加",
    "下降",
    "降低",
    "减少",
    "上升",
    "增幅",
    "降幅",
)
# What an indicator name ends with to say how it is counted (培训人次 counts 培训), and openings that say
# nothing of what (开展生态环境执法履职评估 is about 生态环境执法履职评估).
NAME_MEASURE_SUFFIXES: tuple[str, ...] = (
    "完成数量", "完成数", "完成量", "工作量", "总数量", "数量", "总数", "次数", "人数", "个数", "件数", "页数", "户数",
    "家数", "场次", "人次", "总面积", "面积", "总长度", "长度", "里程", "总金额", "金额", "总额", "规模", "总量",
    "工程量", "完成", "情况", "工作", "数",
)  # fmt: skip
NAME_OPENINGS: tuple[str, ...] = ("其中", "开展", "完成", "实施", "组织", "年度", "全年", "本年度", "当年")
# Words that name a rate in an indicator: a prose percentage is compared only when one stands before it.
RATE_HEADS: tuple[str, ...] = ("率", "度", "比例", "占比")
# Words between a rate and its figure: 优良率为88.2%, 执行率达到95%.
RATE_LINKS: tuple[str, ...] = ("为", "达到", "达", "是", "约为", ":", "了")
# Measure words that count something no other measure word counts: 200人 is not 200人次, 76户 not 76人,
# 3期 (cohorts) not 3次.
OWN_KIND_UNITS: frozenset[str] = frozenset({"人次", "户", "期", "批", "批次", "类", "种"})
# How much of an indicator's key (its character pairs) the words around a figure must hold: most of it for a
# count (营造林 does not name 新造林), nearly all of it for a percentage (培训合格率 does not name 验收合格率).
MIN_SHARE = 0.6
MIN_SHARE_RATE = 0.8
# What stands before a Chinese numeral that is a name, not a count (新一轮, “三个治污”, 《两个规定》).
CN_NUMERAL_NOT_AFTER: tuple[str, ...] = ("新", "“", '"', "‘", "「", "『", "《", "(")
# Synonyms of the head of an indicator name, spelled either way in prose.
HEAD_SYNONYMS: tuple[frozenset[str], ...] = vocab.SYNONYMS

_COUNT_UNITS = {u for family in vocab.UNIT_FAMILIES for u in family} | {"人次", "篇", "场", "批次"}
_TIME_UNITS = {"天", "日", "工作日", "年", "月"}
_ALL_UNITS = sorted((_COUNT_UNITS - _TIME_UNITS) | set(BASE_UNITS) | {"%"}, key=len, reverse=True)
_UNIT = "|".join(re.escape(u) for u in _ALL_UNITS)
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "[一二两三四五六七八九十]"
_NUM = rf"\d+(?:\.\d+)?|{_CN}{{1,3}}"
_FIGURE = re.compile(
    rf"(?<![\d.A-Za-z第/\-~～—一二两三四五六七八九十])(?P<num>{_NUM})(?:(?P<dash>[-~～至到])(?P<num2>{_NUM}))?"
    rf"(?P<scale>[万亿千](?=[^\d]))?(?P<approx>余|多)?(?P<unit>{_UNIT})"
)
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")  # 1,000人次: a separator, not a clause break
_CLAUSE = re.compile(r"[，,；;。！!？?\n]")
_NAME_BRACKET = re.compile(r"[(（](?:[≥≤><=]?\**)?(?P<unit>[^()（）\d*%≥≤]{1,4})[)）]$")
_ANY_BRACKET = re.compile(r"[(（][^()（）]*[)）]")
_FIGURE_IN_NAME = re.compile(rf"\d+(?:\.\d+)?[万亿千]?(?:{_UNIT})")


@dataclass(frozen=True)
class ProseFigure:
    """One figure of a text: 不少于17人 -> low 17, high None, unit 人, scaled in its base unit."""

    low: Decimal  # the figure (the lower end of a range)
    high: Decimal | None  # the upper end: equal to low for an amount, None for an open bound (以上)
    unit: str  # the base unit (人, 元, 平方米, %) the figure is expressed in
    printed: str  # the figure as written: 不少于17人, 8万亩
    context: str  # the words around it that say what is counted
    clause: str  # the clause it stands in
    cumulative: bool
    planned: bool = False  # the words before it say it is a plan (原计划5份)

    def agrees(self, value: Decimal) -> bool:
        """Whether `value` (in the same base unit) is the figure, or within its range or bound."""
        if self.high is None:
            return value >= self.low
        return self.low <= value <= self.high


def base_unit(unit: str) -> tuple[str, Decimal] | None:
    """(base unit, how many base units one `unit` is): 万亩 -> (亩, 10000), 份 -> (份, 1); None: not a measure."""
    if unit in BASE_UNITS:
        return BASE_UNITS[unit]
    if unit in _COUNT_UNITS or unit == "%":
        return unit, Decimal(1)
    if len(unit) > 1 and unit[0] in SCALES and unit[1:] in BASE_UNITS | dict.fromkeys(_COUNT_UNITS):
        inner = base_unit(unit[1:])
        if inner is not None:
            return inner[0], inner[1] * SCALES[unit[0]]
    return None


def comparable(a: str, b: str) -> bool:
    """Two base units that count the same kind of thing (份 and 个; not 人 and 人次, 户 and 人, 期 and 次)."""
    if a == b:
        return True
    return not {a, b} & ({"%"} | OWN_KIND_UNITS) and same_family(a, b)


def figures(text: str) -> Iterator[ProseFigure]:
    """Every precise figure of `text` with its context; estimates (约, 余), parts (其中), rates (每) and changes
    (提升了5%) are left out."""
    for clause in _CLAUSE.split(_THOUSANDS.sub("", compact(text))):
        matches = list(_FIGURE.finditer(clause))
        cumulative_clause = bool(_MULTI_YEAR.search(clause))
        for i, m in enumerate(matches):
            start = matches[i - 1].end() if i else 0
            end = matches[i + 1].start() if i + 1 < len(matches) else len(clause)
            figure = _figure(m, clause, clause[start : m.start()], clause[m.end() : end], cumulative_clause)
            if figure is not None:
                yield figure


def number(text: str) -> Decimal | None:
    """`12.5` or a small Chinese numeral (三, 十二, 二十, 两) as a Decimal; None when it is not one (三三)."""
    if text[0].isdigit():
        return Decimal(text)
    if text == "十":
        return Decimal(10)
    tens, _, ones = text.partition("十")
    if "十" not in text:
        return Decimal(_CN_DIGITS[text]) if len(text) == 1 and text in _CN_DIGITS else None
    if (tens and tens not in _CN_DIGITS) or (ones and ones not in _CN_DIGITS) or tens == "两":
        return None
    return Decimal((_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0))


def _figure(m: re.Match[str], clause: str, before: str, after: str, cumulative: bool) -> ProseFigure | None:
    unit, after_unit = m["unit"], after
    if m["approx"] or after_unit.startswith(APPROXIMATE_AFTER) or before.endswith(APPROXIMATE_BEFORE):
        return None
    # 4个季度, 1.1个百分点: 个 is a classifier of the next word; 490元/平米 is a rate.
    if unit == "个" and after_unit.startswith(vocab.NOT_A_COUNT_AFTER_GE):
        return None
    prefix = clause[: m.start()]
    if (
        after_unit.startswith(("/", "每"))
        or any(w in before for w in PER_WORDS)
        or any(w in prefix for w in PART_WORDS + PAST_WORDS)
    ):
        return None
    base = base_unit((m["scale"] or "") + unit)
    first, second = number(m["num"]), number(m["num2"]) if m["num2"] else None
    if base is None or first is None or (m["num2"] and second is None):
        return None
    # 一项持续性工作, 新一轮, “三个治污”: a Chinese numeral counts only from 两 up, outside quotes and set phrases.
    if not m["num"][0].isdigit() and (first < 2 or before.endswith(CN_NUMERAL_NOT_AFTER)):
        return None
    name, per = base
    low = first * per
    high: Decimal | None = second * per if second is not None else low
    if before.endswith(AT_LEAST_BEFORE) or after_unit.startswith(AT_LEAST_AFTER):
        high = None
    elif before.endswith(AT_MOST_BEFORE) or after_unit.startswith(AT_MOST_AFTER):
        low, high = Decimal(0), low
    elif high is not None and high < low:
        return None
    # 增加3个, 提升了5%: a change, whatever it counts.
    if before.endswith(CHANGE_WORDS) or any(before.endswith(w + "了") for w in CHANGE_WORDS):
        return None
    # The counted thing stands after the figure (形成1份报告) or before it (检查企业5412家); in a list
    # (1份名单、1份报告) the words before the last 、 belong to the figure before.
    own_before = before.rsplit("、", 1)[-1]
    own_after = after_unit.split("、", 1)[0]
    return ProseFigure(
        low=low,
        high=high,
        unit=name,
        printed=m.group(0),
        context=own_before + "|" + own_after,
        clause=clause,
        cumulative=cumulative or any(w in prefix for w in CUMULATIVE_WORDS),
        planned=any(w in own_before for w in PLAN_WORDS),
    )


# ------------------------------------------------------------------------------------------ indicators


@dataclass(frozen=True)
class Counted:
    """What an indicator counts: the key object of its name (培训人次 -> 培训) and its base unit."""

    key: str
    unit: str
    per: Decimal  # base units per unit printed (万亩 -> 10000)
    cumulative: bool


@lru_cache(maxsize=4096)
def _key(name: str) -> str:
    text = compact(name)
    text = _ANY_BRACKET.sub("", text)
    text = re.sub(r"^\d{4}年度?", "", text)
    changed = True
    while changed:
        changed = False
        for word in NAME_OPENINGS:
            if text.startswith(word) and len(text) > len(word) + 1:
                text, changed = text[len(word) :].lstrip(":："), True
        for word in NAME_MEASURE_SUFFIXES:
            if (
                text.endswith(word)
                and len(text) > len(word) + 1
                and not text.endswith(vocab.COUNT_NAME_EXCEPTIONS)
            ):
                text, changed = text[: -len(word)], True
    return text


def row_unit(ind: Indicator) -> str | None:
    """The base unit the row counts in (its actual's, else its target's, else its name's bracket)."""
    for measure in (ind.actual, ind.target):
        if measure is not None and measure.value is not None:
            found = _unit(ind, measure)
            if found is not None:
                return found[0]
    return None


def _unit(ind: Indicator, measure: Measure) -> tuple[str, Decimal] | None:
    unit = unit_of(measure)
    if unit is None:
        bracket = _NAME_BRACKET.search(compact(ind.name))
        unit = bracket["unit"] if bracket else None
    if unit is None or "/" in unit:
        return None
    return base_unit(unit)


def counted(ind: Indicator, measure: Measure | None) -> Counted | None:
    """What `measure` of the indicator counts, or None when its figure cannot be read against prose
    (no figure, a unit per something, a name that prints its own figure)."""
    if measure is None or measure.value is None:
        return None
    name = compact(ind.name)
    if _FIGURE_IN_NAME.search(_ANY_BRACKET.sub("", name)):
        return None  # 建设普通省道二级公路32.1公里: the row's figure is not what its name counts
    base = _unit(ind, measure)
    key = _key(name)
    if base is None or len(key) < 2:
        return None
    return Counted(key, base[0], base[1], any(w in name for w in CUMULATIVE_WORDS))


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _variants(word: str) -> set[str]:
    out = {word}
    for group in HEAD_SYNONYMS:
        for w in group:
            if w in word:
                out |= {word.replace(w, other) for other in group}
    return out


def head(what: Counted) -> str:
    """The head of the key: its last two characters (报告, 评价, 培训), what the name counts."""
    return what.key[-2:]


def match(what: Counted, figure: ProseFigure) -> float:
    """How well the figure's context names what the indicator counts (0: not at all).

    The key's last two characters (its head: 报告, 评价, 培训) must stand in the context, and most of the
    key's character pairs too; a percentage needs the indicator's rate word right before it.
    """
    if not comparable(what.unit, figure.unit) or what.cumulative != figure.cumulative:
        return 0.0
    context = figure.context
    if not any(head in context for head in _variants(head(what))):
        return 0.0
    if what.unit == "%" and not _rate_before(what.key, context.split("|", 1)[0]):
        return 0.0
    grams = _bigrams(what.key)
    have = set().union(*(_bigrams(c) for c in _variants(context)))
    share = len(grams & have) / len(grams)
    return share if share >= (MIN_SHARE_RATE if what.unit == "%" else MIN_SHARE) else 0.0


def _rate_before(key: str, before: str) -> bool:
    """Whether the words right before a percentage end in the indicator's rate word (优良率为88.2%)."""
    for link in RATE_LINKS:
        if before.endswith(link):
            before = before[: -len(link)]
            break
    rate = key[-3:] if key.endswith(RATE_HEADS) else ""
    return bool(rate) and before.endswith(rate)
