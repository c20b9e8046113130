"""The records every answer and finding stands on: frozen dataclasses with a Source each.

Glossary (Chinese term = identifier):
    财政项目支出绩效自评表 = self_evaluation     绩效目标申报表 = declaration
    项目 = Project      主管部门 = department    实施单位 = implementer
    年初预算数 = planned  全年预算数 = adjusted   全年执行数 = spent   执行率 = rate
    分数/分值/权重 = weight  得分 = score   总分 = total_score   评分等级 = grade
    项目资金总额 = total  财政资金 = fiscal  其他资金 = other
    年度资金申请总额 = annual_request  当年财政拨款 = appropriation  上年结转资金 = carryover
    预期目标 = expected  实际完成情况 = achieved  项目总目标 = overall  年度总体目标 = annual
    一级/二级/三级指标 = level1/level2/name   年度指标值 = target   实际完成值 = actual
    偏差原因分析及改进措施 = note
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass
from decimal import Decimal
from typing import Any, Literal

DocumentKind = Literal["self_evaluation", "declaration"]
Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class Source:
    """Where a fact was read: file, first/last line (1-based; row number for sheets), the row text."""

    file: str
    line: int
    end_line: int | None = None
    text: str = ""
    page: int | None = None  # PDF page or sheet number, when the format has one
    sha256: str = ""  # the file version the fact came from
    # Read by OCR: the region of the page image the row stands in (x0, y0, x1, y1; PDF points from the page's
    # top left, pixels for an image file), so the reviewer can see what was read.
    box: tuple[float, float, float, float] | None = None

    def cite(self) -> str:
        where = f"第{self.page}页 " if self.page else ""
        if self.box:
            where += "区域({:.0f},{:.0f})-({:.0f},{:.0f}) ".format(*self.box)
        span = f"{self.line}" if not self.end_line or self.end_line == self.line else f"{self.line}-{self.end_line}"
        return f"{self.file} {where}第{span}行"


@dataclass(frozen=True, slots=True)
class Row:
    """One table row as a reader produced it: the cells, and where the row is."""

    cells: tuple[str, ...]
    line: int
    page: int | None = None
    # Parallel to cells where some cell of a sheet/DOCX row holds line breaks of its own: that cell's lines
    # joined by "\n" ('' for the others); empty when no cell has them. Cells stay one line each.
    lines: tuple[str, ...] = ()
    # Parallel to cells where the reader knows merges (sheets, DOCX, ruled PDF tables): True where a cell
    # is filled from a merged cell to its left in the same row; empty when the reader cannot tell (text).
    spanned: tuple[bool, ...] = ()
    # Read by OCR: where the row stands on the page image (Source.box).
    box: tuple[float, float, float, float] | None = None

    @property
    def text(self) -> str:
        return "\t".join(self.cells)


@dataclass(frozen=True, slots=True)
class Measure:
    """A target or actual cell: `≥20.00(份)` -> op '≥', value 20.00, unit '份'."""

    text: str
    op: str | None = None  # one of ≥ > = ≤ <, or None
    value: Decimal | None = None
    unit: str | None = None
    qualitative: str | None = None  # the words when the cell is words (达成指标, 提高, 按月发放)

    @property
    def is_numeric(self) -> bool:
        return self.value is not None


@dataclass(frozen=True, slots=True)
class Clause:
    """One goal or outcome clause (numbered item, ；-separated part or sentence)."""

    text: str
    source: Source


@dataclass(frozen=True, slots=True)
class GoalBlock:
    """A goal/outcome text cell, whole and split into clauses."""

    label: str  # the header it came under, e.g. 预期目标
    text: str
    clauses: tuple[Clause, ...]
    source: Source


@dataclass(frozen=True, slots=True)
class Goals:
    expected: GoalBlock | None = None  # 预期目标 (self-evaluation)
    achieved: GoalBlock | None = None  # 实际完成情况 (self-evaluation)
    overall: GoalBlock | None = None  # 项目总目标 (declaration)
    annual: GoalBlock | None = None  # 年度总体目标 (declaration)


@dataclass(frozen=True, slots=True)
class BudgetLine:
    """A row of the 项目资金 block: 年度资金总额 or one of its sub-rows."""

    label: str
    planned: Decimal | None = None
    adjusted: Decimal | None = None
    spent: Decimal | None = None
    weight: Decimal | None = None
    rate: Decimal | None = None  # 执行率 in percent, as printed
    score: Decimal | None = None
    source: Source | None = None


@dataclass(frozen=True, slots=True)
class Budget:
    """Self-evaluation budget execution; figures in `unit` (万元 or 元)."""

    unit: str
    planned: Decimal | None
    adjusted: Decimal | None
    spent: Decimal | None
    weight: Decimal | None
    rate: Decimal | None
    score: Decimal | None
    lines: tuple[BudgetLine, ...]  # 当年财政拨款, 上年结转资金, 其他资金
    source: Source
    # Each source line's 全年预算数 (its 年初预算数 where the form prints no 全年预算数), for questions by source.
    appropriation: Decimal | None = None
    carryover: Decimal | None = None
    other: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Funding:
    """Declaration funding; figures in `unit` (万元 or 元)."""

    unit: str
    total: Decimal | None = None
    fiscal: Decimal | None = None
    other: Decimal | None = None
    annual_request: Decimal | None = None
    appropriation: Decimal | None = None
    carryover: Decimal | None = None
    annual_other: Decimal | None = None
    nature: str | None = None  # 项目性质
    category: str | None = None  # 项目类别
    start_date: str | None = None  # 计划开始日期, ISO
    end_date: str | None = None  # 计划完成日期, ISO
    source: Source | None = None


@dataclass(frozen=True, slots=True)
class Indicator:
    level1: str
    level2: str
    name: str
    target: Measure
    actual: Measure | None
    weight: Decimal | None
    score: Decimal | None
    note: str
    source: Source
    # Other columns of the row as printed (指标解释, 绩效标准, 评分标准, 指标值设定依据 …), space-joined.
    explanation: str = ""


@dataclass(frozen=True, slots=True)
class Coverage:
    """What of one form the parser found and read, computed from what it saw (never guessed afterwards).

    A part is "read" (found and understood), "partial" (found, some of it not understood), "missing" (not
    found on the form) or "n/a" (the form has no such part, e.g. a 部门整体 form without a money block).
    """

    money: str = "read"  # the 项目资金 / 资金情况 block
    goals: str = "read"  # 预期目标 / 年度总体目标 texts
    indicators: str = "read"  # the 绩效指标 table
    indicator_rows_seen: int = 0  # rows that stood in the indicator table
    indicator_rows_read: int = 0  # of those, rows that became Indicator records
    missing: tuple[str, ...] = ()  # what a reviewer is told is missing, in Chinese (未读出绩效指标表 …)

    @property
    def complete(self) -> bool:
        """True when the money block and the indicator table were read whole."""
        return self.money in ("read", "n/a") and self.indicators in ("read", "n/a") and not self.missing

    @property
    def indicators_unread(self) -> bool:
        """True when some or all of the indicator table could not be read."""
        return self.indicators in ("partial", "missing")


@dataclass(frozen=True, slots=True)
class Project:
    name: str
    kind: DocumentKind
    document: str  # file name of the document it came from
    year: int | None
    department: str | None
    implementer: str | None
    budget: Budget | None
    funding: Funding | None
    goals: Goals
    indicators: tuple[Indicator, ...]
    total_score: Decimal | None
    total_weight: Decimal | None
    grade: str | None
    source: Source
    total_source: Source | None = None  # the 总分 row
    code: str | None = None  # 项目编码
    coverage: Coverage | None = None  # None: read before coverage was recorded (treated as complete)


@dataclass(frozen=True, slots=True)
class ParseWarning:
    line: int
    message: str
    text: str = ""
    page: int | None = None
    kind: str = ""  # a stable key to group by: skipped-pages, unread-indicator-rows, no-unit, …
    end_line: int | None = None  # the last line of a grouped warning (第1–30页 …)
    end_page: int | None = None


@dataclass(frozen=True, slots=True)
class Document:
    path: str
    sha256: str
    kind: DocumentKind
    projects: tuple[Project, ...]
    warnings: tuple[ParseWarning, ...] = ()
    tables_seen: int = 0  # performance forms (tables) the parser found in the file
    tables_read: int = 0  # of those, forms that became Project records

    @property
    def name(self) -> str:
        return self.path.replace("\\", "/").rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class RefusedFile:
    """A file that could not be read into any project, kept so that lists and answers can say it exists."""

    path: str
    sha256: str
    reason: str  # not-a-form | layout-not-understood | scanned | encrypted | damaged | unsupported
    message: str  # what the reviewer reads, in Chinese (what was found, what to do next)

    @property
    def name(self) -> str:
        return self.path.replace("\\", "/").rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: Severity
    document: str
    project: str
    indicator: str | None
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    source: Source | None = None


@dataclass(frozen=True, slots=True)
class Citation:
    """Where an answer's figure or project comes from."""

    document: str
    project: str
    indicator: str | None
    line: int
    snippet: str
    page: int | None = None


@dataclass(frozen=True, slots=True)
class Value:
    """One figure of an answer, read from the records (never written by a model)."""

    project: str
    indicator: str | None
    field: str  # target, actual, weight, score, planned, adjusted, spent, execution_rate, total_score, …
    value: Decimal | None
    unit: str | None


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    kind: str  # mentions | lookup | rank | filter | count | sum | findings | search | unknown
    text: str  # a short Chinese answer a reviewer can paste
    projects: tuple[str, ...] = ()
    values: tuple[Value, ...] = ()
    citations: tuple[Citation, ...] = ()
    suggestions: tuple[str, ...] = ()  # what exists, when the question named nothing that does


def _setstate(self: Any, state: Any) -> None:
    """Unpickle either layout: field values in order (slotted records) or the `__dict__` of records
    pickled before they had slots (e.g. bench/out/parsed-*.pkl)."""
    names = [f.name for f in fields(self)]
    items = state.items() if isinstance(state, dict) else zip(names, state, strict=False)
    for name, value in items:
        object.__setattr__(self, name, value)


# Records hold slots, not a __dict__: ~48 bytes less each, and a served index holds millions of them.
_RECORDS = (
    Source, Row, Measure, Clause, GoalBlock, Goals, BudgetLine, Budget, Funding, Indicator, Coverage, Project
)
for _record in (*_RECORDS, ParseWarning, Document, RefusedFile, Finding, Citation, Value, Answer):
    _record.__setstate__ = _setstate  # type: ignore[attr-defined]


def to_jsonable(obj: Any, *, exact: bool = False) -> Any:
    """Records (and dicts, lists of them) -> plain JSON values: the one converter of the project.

    Decimals become numbers (int when whole, else float), or with `exact` strings, so that a figure read
    back is the figure printed digit for digit (a JSON number passes through a float). `from_jsonable`
    reads either form.
    """
    if isinstance(obj, Decimal):
        if exact:
            return str(obj)
        return int(obj) if obj == obj.to_integral_value() else float(obj)
    if is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name), exact=exact) for f in fields(obj)}
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v, exact=exact) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v, exact=exact) for v in obj]
    return obj


def from_jsonable(cls: Any, data: Any, memo: dict[Any, Any] | None = None) -> Any:
    """The inverse of `to_jsonable` for the record classes (numbers back to Decimal).

    Args:
        cls: the record class (or a type such as `tuple[Finding, ...]`).
        data: what `to_jsonable` (or `json.loads`) gave.
        memo: share it between calls to make equal strings and figures one object each: documents read
            back repeat file names, hashes, labels, units and figures many thousand times.
    Example:
        doc = from_jsonable(Document, json.loads(text))
    """
    return _converter(cls)(data, {} if memo is None else memo)


_Converter = Callable[[Any, dict[Any, Any]], Any]
_converters: dict[Any, _Converter] = {}


def _converter(tp: Any) -> _Converter:
    """A function (value, memo) -> record for type `tp`, made once per type."""
    found = _converters.get(tp)
    if found is None:
        found = _converters[tp] = _make_converter(tp)
    return found


def _shared(value: Any, memo: dict[Any, Any]) -> Any:
    return memo.setdefault(value, value) if type(value) is str else value


def _make_converter(tp: Any) -> _Converter:
    import types
    import typing

    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) != 1:
            return _shared
        inner = _converter(args[0])
        return lambda value, memo: None if value is None else inner(value, memo)
    if tp is Decimal:

        def decimal(value: Any, memo: dict[Any, Any]) -> Decimal | None:
            if value is None:
                return None
            # Keyed by the text, not the number: 2650000.00 and 2650000 are equal but printed apart.
            key = (Decimal, str(value))
            found = memo.get(key)
            if found is None:
                found = memo[key] = Decimal(key[1])
            return found

        return decimal
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _converter(args[0])
            return lambda value, memo: None if value is None else tuple(item(v, memo) for v in value)
        items = [_converter(a) for a in args]
        return lambda value, memo: (
            None if value is None else tuple(c(v, memo) for c, v in zip(items, value, strict=False))
        )
    if is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        members = [(f.name, _converter(hints[f.name])) for f in fields(tp)]

        def record(value: Any, memo: dict[Any, Any]) -> Any:
            if value is None:
                return None
            return tp(**{name: c(value[name], memo) for name, c in members if name in value})

        return record
    return _shared
