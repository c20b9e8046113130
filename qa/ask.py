"""Reviewers' questions -> Answers: intent and slots from jieba and the field vocabulary, figures from the records."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpus.errors import QuestionError
from corpus.model import (
    Answer,
    Citation,
    Document,
    Finding,
    GoalBlock,
    Indicator,
    Measure,
    Project,
    Source,
    Value,
    to_jsonable,
)
from corpus.settings import Settings
from index import segment
from qa.coverage import coverage_of, part_unread

if TYPE_CHECKING:
    import numpy as np

    from index.store import Index

__all__ = ["FIELDS", "KINDS", "answer_to_json", "ask", "ask_many", "format_answer"]

VOCABULARY_PATH = Path(__file__).parent / "data" / "ask_vocabulary.json"

# The `field` of Answer.values, and the unit each figure carries (the README lists this table).
FIELDS: dict[str, str] = {
    "target": "年度指标值 — the indicator's own unit (份, %, 平方米, 家 …)",
    "actual": "实际完成值 — the indicator's own unit",
    "weight": "指标分值 — 分",
    "score": "指标得分 — 分",
    "planned": "年初预算数 — the document's money unit (万元 or 元)",
    "adjusted": "全年预算数 — 万元 or 元",
    "spent": "全年执行数 — 万元 or 元",
    "execution_rate": "预算执行率 as printed — %",
    "budget_weight": "预算执行分值 — 分",
    "budget_score": "预算执行得分 — 分",
    "total_score": "自评总分 — 分",
    "annual_request": "年度资金申请总额 — 万元 or 元",
    "total": "项目资金总额 — 万元 or 元",
    "fiscal": "财政资金 — 万元 or 元",
    "appropriation": "当年财政拨款 — 万元 or 元 (self-evaluations: that row's 全年预算数)",
    "carryover": "上年结转资金 — 万元 or 元 (self-evaluations: that row's 全年预算数)",
    "other": "其他资金 — 万元 or 元 (self-evaluations: that row's 全年预算数)",
    "count": "how many projects or indicators — 个",
    "sum": "a total over projects — the money unit asked for, else the documents' common unit, else 万元",
    "mean": "an average over projects — the unit of the field",
}

# Answer.kind values.
KINDS = ("mentions", "lookup", "rank", "filter", "count", "sum", "findings", "search", "unknown")

# Project names resolved by meaning: cosine of e5 query vectors, calibrated on the samples: a right short form
# scores 0.91-0.98 and leads by 0.05 or more; a name that is not there still scores about 0.92 against some
# project, but only 0.02-0.03 ahead of the next, so it is refused and the nearest names are suggested.
PROJECT_SEMANTIC_MIN = 0.90
PROJECT_SEMANTIC_MARGIN = 0.04
# Indicator choice: lexical overlap (bigram F1), a unit the question names, and meaning where words fall short.
INDICATOR_MIN_SCORE = 0.34
INDICATOR_MARGIN = 0.12
UNIT_BONUS = 0.5
LEVEL_FACTOR = 0.9
SEMANTIC_WEIGHT = 0.6
SEMANTIC_FLOOR = 0.80
SEMANTIC_SPAN = 0.15
INDICATOR_SEMANTIC_ALONE = 0.92
INDICATOR_SEMANTIC_MARGIN = 0.03
SEARCH_K = 5
MAX_SUGGESTIONS = 5
SNIPPET_CHARS = 160
MAX_LISTED = 30  # items written out in an answer's text

PROJECT_WORD = "项目"
SCORE_UNIT = "分"
COUNT_UNIT = "个"
# Words that never name a project by themselves, whatever project names contain them.
_GENERIC_WORDS = {"项目", "指标", "资金", "预算", "工作", "经费", "绩效", "目标", "单位", "部门"}
_PUNCT = "，。？！、；：,.?!;:（）()“”\"'‘’「」《》【】[]"
_BOUNDARY = set("的，。？！；：,?!;:") | {" "}
_SKIP_CHARS = set("的了和与及、，。？！；：,.?!;:（）()“”\"'‘’「」《》【】[] ")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NUMBER = re.compile(r"(?<![0-9.])([0-9]+(?:\.[0-9]+)?)")
_YEAR = re.compile(r"((?:19|20)[0-9]{2})年度?")
_QUOTED = re.compile(r"[“\"「『《‘]([^”\"」』》’]{2,60})[”\"」』》’]")

# Reviewer-facing words of the answers, in one place.
TEXT = {
    "empty_question": "问题为空：请输入要问的内容，例如“2023年预算执行率最低的项目是哪个？”",
    "empty_index": "索引中还没有文档：请先运行 `jixiao ingest <文件或目录>` 导入自评表或申报表。",
    "empty_index_refused": "索引中还没有读出的文档：{n} 个文件未能读取（{names}），请查看原因后重新导入。",
    "unread_why": "未能读取",
    "some_unread": "，其中 {n} 个未能读取",
    "search_intro": "检索结果，仅供参考（未能把问题对应到具体字段，以下是最相关的原文段落）：",
    "search_none": "检索结果：没有找到相关内容。",
    "no_project": "没有找到与“{span}”对应的项目。",
    "ambiguous_project": "“{span}”可能指以下 {n} 个项目，请写明是哪一个：{names}。",
    "out_of_scope": "项目“{name}”不在所问的范围（{scope}）内。",
    "empty_scope": "索引中没有符合范围（{scope}）的项目。",
    "no_field": "项目“{name}”（{kind}）没有“{label}”这一项。",
    "not_filled": "项目“{name}”的{label}未填写。",
    "no_indicator": "项目“{name}”中没有找到与“{words}”对应的绩效指标。",
    "ambiguous_indicator": "项目“{name}”中有多个指标与问题相近，请写明是哪一个：{names}。",
    "which_project_indicator": "有 {n} 个项目设有指标“{indicator}”，请写明是哪个项目。",
    "which_project": "请写明要问哪个项目的{label}。",
    "no_numeric_field": "没有看出要比较哪一项数值，请写明字段，例如：执行率、自评总分、年度资金申请总额。",
    "mentions_none": "没有项目提到“{topic}”。",
    "mentions_some": "提到“{topic}”的项目共 {n} 个：{names}。",
    "written_as": "（原文作“{words}”）",
    "mentions_negative": "没有提到“{topic}”的项目共 {n} 个：{names}。",
    "findings_none": "核查结果：没有发现“{what}”的情况。",
    "findings_some": "核查结果：“{what}”共 {n} 处，涉及 {m} 个项目：{names}。",
    "excluded": "另有 {n} 个项目没有{label}（{why}），未参与{what}。",
    "read_as": "“{words}”按{how}理解为项目“{name}”",
    "read_partial": "名称的一部分",
    "read_semantic": "语义相近",
    "highest": "最高",
    "lowest": "最低",
    "most": "最多",
    "least": "最少",
    "descending": "从高到低",
    "ascending": "从低到高",
    "rank_one": "{scope}{label}{word}的{noun}是“{name}”，{label} {value}。",
    "rank_tied": "{scope}{label}{word}的{noun}有 {n} 个并列：{names}，{label}均为 {value}。",
    "rank_top": "前 {n} 个{noun}",
    "rank_all": "的{noun}排序",
    "rank_list": "{scope}按{label}{order}{head}{tied}：{items}。",
    "with_ties": "（含并列）",
    "nothing_to_compare": "所问范围内没有可比较的“{label}”。",
    "nothing_to_add": "所问范围内没有可计算的“{label}”。",
    "project_list": "{scope}共有 {n} 个项目：{names}。",
    "filter_none": "{scope}没有{condition}的{noun}。",
    "filter_some": "{scope}{condition}的{noun}共 {n} 个：{items}。",
    "count_condition": "{scope}{condition}的{noun}共 {n} 个{items}。",
    "indicator_count": "{scope}{who}共有绩效指标 {n} 个。",
    "n_projects": "{n} 个项目",
    "aggregate": "{scope}{condition}{n} 个{noun}的{label}{word} {value}{converted}：{items}。",
    "condition_of": "{condition}的",
    "converted": "（已将{units}换算为{unit}）",
    "sum": "合计",
    "mean": "平均",
    "compared": "比较",
    "filtered": "筛选",
    "computed": "计算",
    "blank": "未填写",
    "empty_cell": "（空）",
    "org_scope": "单位含“{org}”",
    "verdict_met": "已达成",
    "verdict_partly": "部分达成",
    "verdict_unmet": "未达成",
    "verdict_finding": "「{name}」年度指标值 {target}，实际完成值“{actual}”（{verdict}）。",
    "declarations_lack": "绩效目标申报表无此项",
    "self_evaluations_lack": "绩效自评表无此项",
    "blank_or_lacking": "未填写或无此项",
    "field_value": "{name}的{label}：{value}",
    "indicator_list": "{name}共有绩效指标 {n} 个：",
    "note_list": "{name}填写了偏差原因分析及改进措施的指标共 {n} 个：",
    "overview": "{name}（{year}年{kind}，绩效指标 {n} 个）",
    "sources": "出处：",
    "page": "第{page}页 ",
    "source_line": "  - {document} {where}第{line}行 〔{what}〕 {snippet}",
    "suggestions": "可选：",
    "year_tag": "{name}（{year}年）",
    "problems": "问题",
    "check": "{name}的{label}为 {value}（{condition}：{verdict}）。",
    "yes": "是",
    "no": "否",
    "and_more": " 等（另有 {n} 项，见 projects/values）",
    "declaration_has_no_actual": "（绩效目标申报表只有年度指标值，没有实际完成值）",
}

KIND_LABELS = {"self_evaluation": "绩效自评表", "declaration": "绩效目标申报表"}
LEVEL_LABELS = {"project": "项目", "indicator": "指标"}


# ----------------------------------------------------------------------------------------- vocabulary


@cache
def vocabulary() -> dict[str, Any]:
    """The question vocabulary (qa/data/ask_vocabulary.json), read once."""
    return json.loads(VOCABULARY_PATH.read_text(encoding="utf-8"))


def _compact(text: str | None) -> str:
    return segment.compact(text or "")


@cache
def _field_level() -> dict[str, str]:
    return {f: level for level, names in vocabulary()["field_levels"].items() for f in names}


@cache
def _alias_table() -> list[tuple[str, str, str]]:
    """(alias, kind, value) for field aliases and document-kind words, longest alias first."""
    v = vocabulary()
    rows = [(_compact(a), "field", f) for f, aliases in v["field_aliases"].items() for a in aliases]
    rows += [(_compact(a), "kind", k) for k, words in v["kind_words"].items() for a in words]
    return sorted(rows, key=lambda r: -len(r[0]))


def label(field_name: str) -> str:
    """The Chinese label of a field."""
    return vocabulary()["field_labels"].get(field_name, field_name)


# ----------------------------------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class Entry:
    """One project of one indexed document."""

    document: Document
    project: Project
    position: int
    key: str  # the name as questions are matched: NFKC, lower case, no white space

    @property
    def name(self) -> str:
        return self.project.name


class Catalogue:
    """What questions are resolved against, built once per index generation: names, units, organisations."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self.entries: list[Entry] = []
        for doc in documents:
            for project in doc.projects:
                self.entries.append(Entry(doc, project, len(self.entries), _compact(project.name)))
        self.by_key: dict[str, list[Entry]] = {}
        for e in self.entries:
            if e.key:
                self.by_key.setdefault(e.key, []).append(e)
        self.names: list[str] = list(dict.fromkeys(e.name for e in self.entries if e.key))
        self.name_keys: list[str] = [_compact(n) for n in self.names]
        self.longest = max((len(k) for k in self.by_key), default=0)
        self._project_figures: dict[str, list[Figure]] = {}
        self.years = sorted({e.project.year for e in self.entries if e.project.year is not None})
        orgs = {o for e in self.entries for o in (e.project.department, e.project.implementer) if o}
        self.org_terms = _org_terms(orgs)
        units: set[str] = set()
        for e in self.entries:
            for ind in e.project.indicators:
                for m in (ind.target, ind.actual):
                    u = _unit(m)
                    if u and u != "%" and not re.search(r"[0-9]", u):
                        units.add(u)
        self.units = sorted(units, key=len, reverse=True)
        # Indicator names (4+ characters) -> the projects that have one by that name.
        self.by_indicator: dict[str, list[Entry]] = {}
        for e in self.entries:
            for ind in e.project.indicators:
                key = _compact(ind.name)
                if len(key) < 4:
                    continue
                listed = self.by_indicator.setdefault(key, [])
                # An entry's indicators come one after another: a repeat can only be the last one listed
                # (`e in listed` compared whole documents, quadratic in the projects sharing a name).
                if not listed or listed[-1] is not e:
                    listed.append(e)
        self.longest_indicator = max((len(k) for k in self.by_indicator), default=0)
        # What was not read (qa/coverage.py): the projects with an unread part and the documents that hold
        # them or forms read into no project; answers say so beside what they found.
        self.unread: list[Entry] = [e for e in self.entries if part_unread(e.project)]
        self.unread_documents: list[Document] = [
            d for d in documents if d.tables_seen > d.tables_read or any(part_unread(p) for p in d.projects)
        ]
        self._name_vectors: np.ndarray | None = None
        self._lock = threading.Lock()

    def names_in(self, text: str) -> list[tuple[int, int, str]]:
        """Every project name written in `text`: (start, end, key), by dictionary look-up of its substrings."""
        found = []
        for i in range(len(text)):
            for j in range(min(len(text), i + self.longest), i + 1, -1):
                if text[i:j] in self.by_key:
                    found.append((i, j, text[i:j]))
        return sorted(found, key=lambda f: (f[0] - f[1], f[0]))

    def indicators_in(self, text: str) -> list[str]:
        """Indicator names written in full in `text`, longest first."""
        found = {
            text[i:j]
            for i in range(len(text))
            for j in range(i + 4, min(len(text), i + self.longest_indicator) + 1)
            if text[i:j] in self.by_indicator
        }
        return sorted(found, key=len, reverse=True)

    def project_figures(self, field_name: str) -> list[Figure]:
        """The figure of a project-level field for every project that has it filled (cached per field)."""
        with self._lock:
            figures = self._project_figures.get(field_name)
        if figures is None:
            figures = [
                f
                for e in self.entries
                if (f := _project_figure(e, field_name)) is not None and f.value is not None
            ]
            with self._lock:
                self._project_figures[field_name] = figures
        return figures

    def name_vectors(self, embedder: Any, index: Any = None) -> np.ndarray:
        """The query embedding of every name: stored by the index at ingest when it has them (embedding
        26k distinct names at 100k projects took minutes), else embedded now."""
        with self._lock:
            if self._name_vectors is None:
                stored = getattr(index, "name_vectors", None)
                found = stored(self.names) if callable(stored) else None
                self._name_vectors = found if found is not None else embedder.encode_queries(self.names)
            return self._name_vectors


def _org_terms(orgs: Iterable[str]) -> list[tuple[str, str]]:
    """(term, organisation): every suffix of an organisation's name that starts at a word (执法总队, 生态环境局执法总队)."""
    terms: dict[str, str] = {}
    least = int(vocabulary()["org_suffix_min_length"])
    for org in orgs:
        key = _compact(org)
        start = 0
        for word in segment.words(key):
            suffix = key[start:]
            if len(suffix) >= least:
                terms.setdefault(suffix, org)
            start += len(word)
    return sorted(terms.items(), key=lambda t: -len(t[0]))


_caches_lock = threading.Lock()
_catalogues: dict[tuple[str, str], Catalogue] = {}
_findings_cache: dict[tuple[str, str, str, tuple[str, ...]], list[Finding]] = {}


def _index_key(index: Index) -> tuple[str, str]:
    directory = str(getattr(index, "directory", id(index)))
    try:
        generation = str(index.manifest.get("generation"))
    except Exception:  # an index-like object without a manifest: key on its identity
        generation = str(id(index))
    return directory, generation


def _catalogue(index: Index) -> Catalogue:
    key = _index_key(index)
    with _caches_lock:
        cat = _catalogues.get(key)
    if cat is None:
        cat = Catalogue(index.documents())
        with _caches_lock:
            for old in [k for k in _catalogues if k[0] == key[0]]:
                del _catalogues[old]
            _catalogues[key] = cat
    return cat


def _findings(index: Index, rules: Sequence[str], settings: Settings) -> list[Finding]:
    """run_checks on the index's documents for these rules, cached per index generation."""
    from qa.checks import RULES, run_checks

    wanted = tuple(r for r in rules if r in RULES)
    if not wanted:
        return []
    directory, generation = _index_key(index)
    key = (directory, generation, json.dumps(settings.to_dict(), sort_keys=True, default=str), wanted)
    with _caches_lock:
        found = _findings_cache.get(key)
    if found is None:
        found = run_checks(index.documents(), settings=settings, embedder=_LazyEmbedder(index), rules=wanted)
        with _caches_lock:
            for old in [k for k in _findings_cache if k[0] == directory and k[1] != generation]:
                del _findings_cache[old]
            _findings_cache[key] = found
    return found


class _LazyEmbedder:
    """The index's embedder, loaded only when a rule first encodes text (most rules never do)."""

    def __init__(self, index: Index) -> None:
        self._index = index

    def __getattr__(self, name: str) -> Any:
        return getattr(_embedder(self._index), name)


def _embedder(index: Index) -> Any:
    getter = getattr(index, "embedder", None)
    if callable(getter):
        return getter()
    from index.embed import get_embedder

    return get_embedder(getattr(index, "settings", Settings()).model)


# ----------------------------------------------------------------------------------------- numbers


def _unit(measure: Measure | None) -> str | None:
    from qa.checks.base import unit_of

    return unit_of(measure)


def _num(value: Decimal) -> str:
    """A figure without exponent or trailing zeros: 1200, 87.5, 0.25."""
    return format(value.normalize(), "f")


def _money(value: Decimal, unit: str) -> str:
    if value == value.quantize(Decimal("0.01")):
        return f"{value:,.2f}{unit}"
    return f"{value.normalize():,f}{unit}"


# Figures these forms print with two decimals (98.20, 87.50): shown the same way.
_TWO_PLACES = {"execution_rate", "total_score", "budget_weight", "budget_score", "weight", "score", "mean"}


def _show(value: Decimal | None, unit: str | None, field_name: str = "") -> str:
    if value is None:
        return TEXT["blank"]
    if unit in vocabulary()["money_units"]:
        return _money(value, unit)
    text = _num(value)
    if field_name in _TWO_PLACES and value == value.quantize(Decimal("0.01")):
        text = f"{value:.2f}"
    return f"{text}%" if unit == "%" else f"{text}{unit or ''}"


def _show_measure(m: Measure | None) -> str:
    if m is None:
        return TEXT["empty_cell"]
    if m.value is None:
        return m.qualitative or m.text or TEXT["empty_cell"]
    return f"{m.op or ''}{_show(m.value, _unit(m))}"


def _to_base(value: Decimal, unit: str | None) -> Decimal:
    scale = vocabulary()["money_units"].get(unit or "")
    return value * Decimal(scale) if scale else value


def _from_base(value: Decimal, unit: str) -> Decimal:
    scale = vocabulary()["money_units"].get(unit)
    return value / Decimal(scale) if scale else value


def _chinese_int(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    numerals = vocabulary()["chinese_numerals"]
    if text == "十":
        return 10
    if len(text) == 2 and text[0] == "十" and text[1] in numerals:
        return 10 + numerals[text[1]]
    if len(text) == 2 and text[1] == "十" and text[0] in numerals:
        return numerals[text[0]] * 10
    if len(text) == 3 and text[1] == "十":
        return numerals.get(text[0], 0) * 10 + numerals.get(text[2], 0)
    return numerals.get(text)


# ----------------------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class Figure:
    """One figure read from a record, with where it was read."""

    entry: Entry
    field: str  # the concrete field (money resolves to adjusted or annual_request)
    value: Decimal | None
    unit: str | None
    source: Source | None
    indicator: Indicator | None = None
    # The label of the row of a multi-row source that holds the figure ("" the first row; None: all of it).
    row: str | None = None

    @property
    def cited_source(self) -> Source | None:
        """The source narrowed to the figure's own row (done only when cited: rank and filter read many)."""
        if self.row is None:
            return self.source
        return _row_of(self.source, self.row) if self.row else _first_line(self.source)

    @property
    def base(self) -> Decimal | None:
        return None if self.value is None else _to_base(self.value, self.unit)

    def to_value(self) -> Value:
        return Value(
            self.entry.name,
            self.indicator.name if self.indicator else None,
            self.field,
            self.value,
            self.unit,
        )


_BUDGET_FIELDS = {"planned", "adjusted", "spent"}
_FUNDING_FIELDS = {"annual_request", "total", "fiscal", "appropriation", "carryover", "other"}
_LINE_FIELDS = {"appropriation", "carryover", "other"}


def _project_figure(entry: Entry, field_name: str) -> Figure | None:
    """A project-level figure, or None when the project's kind has no such field."""
    p = entry.project
    if field_name == "money":
        field_name = "adjusted" if p.budget is not None else "annual_request"
    b, f = p.budget, p.funding
    if field_name in _BUDGET_FIELDS or field_name in {"execution_rate", "budget_weight", "budget_score"}:
        if b is None:
            return None
        attr = {"execution_rate": "rate", "budget_weight": "weight", "budget_score": "score"}.get(
            field_name, field_name
        )
        unit = (
            "%"
            if field_name == "execution_rate"
            else SCORE_UNIT
            if field_name.startswith("budget_")
            else b.unit
        )
        return Figure(entry, field_name, getattr(b, attr), unit, b.source, row="")
    if field_name == "total_score":
        if p.kind != "self_evaluation":
            return None
        return Figure(entry, field_name, p.total_score, SCORE_UNIT, p.total_source or p.source)
    if field_name in _FUNDING_FIELDS:
        if f is not None:
            value = getattr(f, field_name)
            if field_name == "other" and value is None:
                value = f.annual_other
            return Figure(entry, field_name, value, f.unit, f.source, row=label(field_name))
        if b is not None and field_name in _LINE_FIELDS:
            line = next((bl for bl in b.lines if bl.label == field_name), None)
            if line is None:
                return None
            return Figure(entry, field_name, line.adjusted, b.unit, line.source)
        return None
    return None


def _first_line(source: Source | None) -> Source | None:
    if source is None or not source.text:
        return source
    first = source.text.split("\n", 1)[0]
    return Source(source.file, source.line, source.line, first, source.page, source.sha256)


def _row_of(source: Source | None, words: str) -> Source | None:
    """The row of a multi-row source that holds `words`, when the rows are consecutive lines."""
    if source is None or not source.text:
        return source
    rows = source.text.split("\n")
    key = _compact(words)
    consecutive = source.end_line is not None and source.end_line - source.line + 1 == len(rows)
    for i, row in enumerate(rows):
        if key and key in _compact(row):
            line = source.line + i if consecutive else source.line
            return Source(source.file, line, line, row, source.page, source.sha256)
    return _first_line(source)


def _indicator_figure(entry: Entry, ind: Indicator, field_name: str) -> Figure | None:
    if field_name == "target":
        m = ind.target
        return Figure(entry, "target", m.value, _unit(m), ind.source, ind)
    if field_name == "actual":
        if ind.actual is None:
            return None
        return Figure(entry, "actual", ind.actual.value, _unit(ind.actual), ind.source, ind)
    if field_name in ("weight", "score"):
        if entry.project.kind != "self_evaluation" and getattr(ind, field_name) is None:
            return None
        return Figure(entry, field_name, getattr(ind, field_name), SCORE_UNIT, ind.source, ind)
    return None


# ----------------------------------------------------------------------------------------- citations


def _snippet(text: str, around: str | None = None) -> str:
    flat = re.sub(r"\s+", " ", re.sub(r"<[^<>]{0,40}>", "", text.replace("\t", " | "))).strip(" |")
    if len(flat) <= SNIPPET_CHARS:
        return flat
    if around:
        at = flat.find(around)
        if at < 0:
            at = _compact(flat).find(_compact(around))
        if at >= 0:
            start = max(0, at - SNIPPET_CHARS // 3)
            return ("…" if start else "") + flat[start : start + SNIPPET_CHARS] + "…"
    return flat[:SNIPPET_CHARS] + "…"


def _cite(
    entry: Entry, source: Source | None, indicator: str | None = None, around: str | None = None
) -> Citation:
    src = source or entry.project.source
    return Citation(
        document=entry.document.name,
        project=entry.name,
        indicator=indicator,
        line=src.line,
        snippet=_snippet(src.text, around),
        page=src.page,
    )


def _cite_figure(fig: Figure) -> Citation:
    return _cite(fig.entry, fig.cited_source, fig.indicator.name if fig.indicator else None)


def _dedupe(citations: Iterable[Citation]) -> tuple[Citation, ...]:
    seen: dict[tuple[str, str, str | None, int], Citation] = {}
    for c in citations:
        seen.setdefault((c.document, c.project, c.indicator, c.line), c)
    return tuple(seen.values())


# ----------------------------------------------------------------------------------------- parsing


@dataclass
class Span:
    start: int
    end: int
    kind: str  # project | field | kind | year | org | unit
    value: str


@dataclass
class ProjectRef:
    """How the question names a project: the words, and the project names they resolve to."""

    words: str
    names: list[str]
    how: str  # exact | partial | semantic | ambiguous | missing
    suggestions: list[str] = field(default_factory=list)


@dataclass
class Parsed:
    """A question read into slots; each span marks the characters one slot has taken."""

    raw: str
    text: str
    spans: list[Span] = field(default_factory=list)
    refs: list[ProjectRef] = field(default_factory=list)
    years: set[int] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)
    org: str | None = None

    def taken(self, i: int, kinds: Iterable[str] | None = None) -> bool:
        wanted = set(kinds) if kinds is not None else None
        return any(s.start <= i < s.end and (wanted is None or s.kind in wanted) for s in self.spans)

    def free(self, start: int, end: int, kinds: Iterable[str] | None = None) -> bool:
        return not any(self.taken(i, kinds) for i in range(start, end))

    def fields(self) -> list[str]:
        return [s.value for s in sorted(self.spans, key=lambda s: s.start) if s.kind == "field"]

    def has(self, words: Iterable[str], outside: Iterable[str] = ("project",)) -> str | None:
        """The first of `words` found in the question outside the given slot kinds."""
        kinds = list(outside)
        for w in sorted(words, key=len, reverse=True):
            cw = _compact(w)
            start = self.text.find(cw)
            while start >= 0:
                if self.free(start, start + len(cw), kinds):
                    return w
                start = self.text.find(cw, start + 1)
        return None

    def without(self, kinds: Iterable[str]) -> str:
        wanted = set(kinds)
        return "".join(c for i, c in enumerate(self.text) if not self.taken(i, wanted))

    @property
    def names(self) -> list[str]:
        return [n for r in self.refs if r.how in ("exact", "partial", "semantic") for n in r.names]

    def scope_words(self) -> str:
        parts = [f"{y}年" for y in sorted(self.years)]
        parts += [KIND_LABELS[k] for k in sorted(self.kinds)]
        if self.org:
            parts.append(TEXT["org_scope"].format(org=self.org))
        return "、".join(parts)


def _find_all(text: str, needle: str) -> Iterable[int]:
    start = text.find(needle)
    while start >= 0:
        yield start
        start = text.find(needle, start + 1)


def parse_question(question: str, cat: Catalogue) -> Parsed:
    """Read the question's slots: project names, years, document kinds, field aliases and organisations."""
    p = Parsed(raw=question, text=_compact(question))
    t = p.text
    # 1. Project names written in full (longest first, so a name inside a longer one is not taken).
    for at, end, key in cat.names_in(t):
        if p.free(at, end):
            p.spans.append(Span(at, end, "project", key))
            p.refs.append(ProjectRef(key, [cat.by_key[key][0].name], "exact"))
    # 2. Years.
    for m in _YEAR.finditer(t):
        if p.free(m.start(), m.end()):
            p.spans.append(Span(m.start(), m.end(), "year", m.group(1)))
            p.years.add(int(m.group(1)))
    # 3. Projects written in part: quoted words, and the words before 项目.
    for start, end, words in _project_phrases(p):
        core, org = _split_scope(words, cat)
        if org:
            p.org = org
        ref = _resolve_phrase(core, cat) if len(core) >= 2 else None
        if ref is None:
            if org:
                p.spans.append(Span(start, end, "org", org))
            continue
        p.spans.append(Span(start, end, "project", core))
        p.refs.append(ref)
    # 4. Field aliases and document kinds, leftmost-longest outside the project names.
    for alias, kind, value in _alias_table():
        for at in _find_all(t, alias):
            if p.free(at, at + len(alias)):
                p.spans.append(Span(at, at + len(alias), kind, value))
                if kind == "kind":
                    p.kinds.add(value)
    # 5. An organisation (主管部门 / 实施单位) named by a word-initial suffix of its name.
    if p.org is None:
        for term, _org in cat.org_terms:
            hit = next((at for at in _find_all(t, term) if p.free(at, at + len(term))), None)
            if hit is not None:
                p.spans.append(Span(hit, hit + len(term), "org", term))
                p.org = term
                break
    # 6. Without 项目 after it, a phrase before the first field may still name a project (X的申请总额).
    if not p.refs:
        phrase = _pre_field_phrase(p)
        if phrase is not None:
            start, end, words = phrase
            ref = _resolve_phrase(words, cat, semantic=False)
            if ref is not None and ref.how in ("exact", "partial"):
                p.spans.append(Span(start, end, "project", words))
                p.refs.append(ref)
    return p


def _cue_words() -> list[str]:
    v = vocabulary()
    return (
        v["rank_desc"]
        + v["rank_asc"]
        + v["rank_order_words"]
        + v["sum_words"]
        + v["mean_words"]
        + list(v["comparators"])
        + v["list_words"]
        + v["mention_verbs"]
        + v["phrase_cues"]
    )


def _strip_phrase(words: str) -> str:
    """Drop leading question/scope words and trailing 的 from a phrase before 项目."""
    stops = sorted((_compact(w) for w in vocabulary()["span_stop_words"]), key=len, reverse=True)
    changed = True
    while changed and words:
        changed = False
        for w in stops:
            if words.startswith(w):
                words, changed = words[len(w) :], True
                break
        m = re.match(r"^(?:[0-9一二两三四五六七八九十]+)(?:个|项|家)?", words)
        if m and m.group():
            words, changed = words[m.end() :], True
    while words.endswith("的"):
        words = words[:-1]
    return words


def _project_phrases(p: Parsed) -> list[tuple[int, int, str]]:
    t = p.text
    out: list[tuple[int, int, str]] = []
    for m in _QUOTED.finditer(p.raw):
        words = _compact(m.group(1))
        at = t.find(words)
        if at >= 0 and p.free(at, at + len(words), ["project"]):
            out.append((at, at + len(words), words))
    cues = [_compact(w) for w in _cue_words()]
    for at in _find_all(t, PROJECT_WORD):
        if not p.free(at, at + 2, ["project"]):
            continue
        start = at
        while start > 0 and t[start - 1] not in _BOUNDARY and p.free(start - 1, start, ["project", "year"]):
            start -= 1
        raw = t[start:at]
        words = _strip_phrase(raw)
        if len(words) < 2 or any(c in words for c in cues):
            continue
        rest = words
        for alias, _kind, _value in _alias_table():
            rest = rest.replace(alias, "")
        if len(rest) < 2:
            continue
        begin = at - len(words)
        if any(s for s in out if s[0] < at + 2 and begin < s[1]):
            continue
        out.append((begin, at + 2, words))
    return out


def _pre_field_phrase(p: Parsed) -> tuple[int, int, str] | None:
    first = min((s.start for s in p.spans if s.kind == "field"), default=None)
    if not first:
        return None
    start = first
    while start > 0 and p.free(start - 1, start) and p.text[start - 1] not in _BOUNDARY - {"的"}:
        if p.text[start - 2 : start] == PROJECT_WORD:
            break
        start -= 1
    words = _strip_phrase(p.text[start:first])
    if len(words) < 2 or any(_compact(c) in words for c in _cue_words()):
        return None
    begin = p.text.find(words, start)
    return begin, begin + len(words), words


def _split_scope(words: str, cat: Catalogue) -> tuple[str, str | None]:
    """A phrase before 项目 without its document-kind words and organisation: (the rest, the organisation)."""
    for alias, kind, _value in _alias_table():
        if kind == "kind":
            words = words.replace(alias, "")
    for term, _org in cat.org_terms:
        if term in words:
            return _strip_phrase(words.replace(term, "", 1)), term
    return words, None


def _org_in(words: str, cat: Catalogue) -> str | None:
    for term, _org in cat.org_terms:
        if words == term or (words.endswith(term) and len(term) >= 3):
            return term
    return None


def _resolve_phrase(words: str, cat: Catalogue, semantic: bool = True) -> ProjectRef | None:
    """Partial words -> project names: substring, all words in the name; semantic resolution is deferred."""
    key = _compact(words)
    if key.endswith(PROJECT_WORD) and key not in cat.by_key:
        key = key[:-2]
    if len(key) < 2 or key in _GENERIC_WORDS or _strip_phrase(key) != key:
        return None
    if key in cat.by_key:
        return ProjectRef(words, [cat.by_key[key][0].name], "exact")
    pairs = list(zip(cat.names, cat.name_keys, strict=True))
    inside = [n for n, k in pairs if key in k]
    if not inside:
        inside = [n for n, k in pairs if len(k) >= 2 and k in key]
    if not inside:
        terms = [w for w in segment.words(key) if _CJK.search(w) and w not in segment.stopwords()]
        if terms and sum(len(w) for w in terms) >= 2:
            inside = [n for n, k in pairs if all(w in k for w in terms)]
    if len(inside) == 1:
        return ProjectRef(words, inside, "partial")
    if inside:
        return ProjectRef(words, inside, "ambiguous", suggestions=inside)
    if _org_in(key, cat):
        return None
    return ProjectRef(words, [], "missing") if semantic else None


def _resolve_semantic(ref: ProjectRef, cat: Catalogue, embedder: Any, index: Any = None) -> None:
    """Resolve a missing reference by meaning, or fill its suggestions with the nearest names."""
    if ref.how != "missing" or not cat.names:
        return
    import numpy as np

    vectors = cat.name_vectors(embedder, index)
    query = embedder.encode_queries([ref.words])[0]
    sims = vectors @ query
    order = list(np.argsort(-sims))
    best = float(sims[order[0]])
    second = float(sims[order[1]]) if len(order) > 1 else -1.0
    if best >= PROJECT_SEMANTIC_MIN and best - second >= PROJECT_SEMANTIC_MARGIN:
        ref.names, ref.how = [cat.names[order[0]]], "semantic"
    else:
        ref.suggestions = [cat.names[i] for i in order[:MAX_SUGGESTIONS]]


# ----------------------------------------------------------------------------------------- context


@dataclass
class Context:
    index: Index
    cat: Catalogue
    settings: Settings
    p: Parsed

    @property
    def question(self) -> str:
        return self.p.raw

    def scoped(self, entries: Iterable[Entry] | None = None) -> list[Entry]:
        p = self.p
        if not (p.years or p.kinds or p.org):
            return list(self.cat.entries if entries is None else entries)
        out = []
        for e in self.cat.entries if entries is None else entries:
            pr = e.project
            if p.years and pr.year not in p.years:
                continue
            if p.kinds and pr.kind not in p.kinds:
                continue
            if p.org and not any(p.org in _compact(o) for o in (pr.department, pr.implementer) if o):
                continue
            out.append(e)
        return out

    def entries_named(self, names: Iterable[str]) -> list[Entry]:
        found = [e for key in dict.fromkeys(_compact(n) for n in names) for e in self.cat.by_key.get(key, [])]
        return sorted(found, key=lambda e: e.position)

    def embedder(self) -> Any:
        return _embedder(self.index)


def _answer(ctx: Context, kind: str, text: str, figures: Sequence[Figure] = (), **kw: Any) -> Answer:
    projects = kw.pop("projects", None)
    if projects is None:
        projects = [f.entry.name for f in figures]
    citations = list(kw.pop("citations", ()))
    citations = [_cite_figure(f) for f in figures] + citations
    values = list(kw.pop("values", ())) or [f.to_value() for f in figures if f.value is not None]
    return Answer(
        question=ctx.question,
        kind=kind,
        text=text,
        projects=tuple(dict.fromkeys(projects)),
        values=tuple(values),
        citations=_dedupe(citations),
        suggestions=tuple(kw.pop("suggestions", ())),
    )


def _unknown(
    ctx: Context, text: str, suggestions: Sequence[str] = (), citations: Sequence[Citation] = ()
) -> Answer:
    return Answer(
        question=ctx.question,
        kind="unknown",
        text=text,
        citations=tuple(citations),
        suggestions=tuple(dict.fromkeys(suggestions)),
    )


# ----------------------------------------------------------------------------------------- ask


def ask(question: str, index: Index, settings: Settings | None = None) -> Answer:
    """Answer a reviewer's question from the index's records; every figure and project is cited.

    Intents: mentions (哪些项目提到 X), lookup (a project's field or an indicator's figure), rank (最高/最低/前N),
    filter (低于/高于 a value), count / sum (几个, 合计), findings (the checks), search (anything else,
    labelled 检索结果，仅供参考) and unknown (nothing that exists is named; suggestions say what does).

    Args:
        question: the question in Chinese.
        index: an opened `index.store.Index`.
        settings: tolerances and thresholds; the index's settings when None.
    Returns:
        An Answer with kind, a short Chinese text, the projects named, the figures (Value) and citations.
    Raises:
        QuestionError: the question is empty or the index holds no document.

    Example:
        index = Index.open(".jixiao/index", create=False)
        answer = ask("2023年预算执行率最低的项目是哪个？", index)
        answer.kind  # 'rank'
        answer.projects  # the project (or the tied projects) with the lowest printed 执行率
        answer.values[0]  # Value(project=…, indicator=None, field='execution_rate', value=Decimal(…), unit='%')
    """
    if not question or not question.strip():
        raise QuestionError(TEXT["empty_question"])
    cat = _catalogue(index)
    if not cat.entries:
        refused = _refused(index)
        if refused:
            names = "、".join(r.name for r in refused)
            raise QuestionError(TEXT["empty_index_refused"].format(n=len(refused), names=names))
        raise QuestionError(TEXT["empty_index"])
    settings = settings or getattr(index, "settings", None) or Settings()
    ctx = Context(index, cat, settings, parse_question(question.strip(), cat))
    answer = _route(ctx)
    read_as = [r for r in ctx.p.refs if r.how in ("partial", "semantic") and r.names]
    if read_as and answer.kind != "unknown":
        note = "；".join(
            TEXT["read_as"].format(words=r.words, name=r.names[0], how=TEXT[f"read_{r.how}"]) for r in read_as
        )
        answer = replace(answer, text=f"{answer.text}\n（{note}）")
    unread = _unread_note(ctx, answer)
    if unread:
        answer = replace(answer, text=f"{answer.text}\n{unread}")
    return answer


def _refused(index: Any) -> tuple:
    refused = getattr(index, "refused", None)
    return tuple(refused()) if callable(refused) else ()


_GOAL_FIELDS = {"expected", "achieved", "overall", "annual", "goals"}
_TABLE_FIELDS = {"total_score", "grade", "indicators"}  # 总分 and 等级 stand at the foot of the indicator table


def _looked_in(ctx: Context, answer: Answer) -> str | None:
    """The part of the forms the answer read ("money", "goals", "indicators"), or None for any part."""
    if answer.kind in ("mentions", "search", "findings", "unknown"):
        return None
    fields = set(ctx.p.fields())
    levels = {_field_level().get(f) for f in fields}
    if (
        "indicator" in levels
        or fields & _TABLE_FIELDS
        or any(v.indicator for v in answer.values)
        or _item_level(ctx.p) == "indicator"
    ):
        return "indicators"
    if fields & _GOAL_FIELDS:
        return "goals"
    if "project" in levels:
        return "money"
    return None


def _unread_note(ctx: Context, answer: Answer) -> str | None:
    """`另有 1 个文件未能读取（…）、5 个项目的指标未能完整读取，结果可能不完整。` where what the answer looked
    in was not all read: beside every answer over the scope, and beside a look-up only when the projects it
    names were not read whole. A "none" never stands alone where the field it looked in was unread."""
    refused = _refused(ctx.index)
    if not (refused or ctx.cat.unread_documents):
        return None
    part = _looked_in(ctx, answer)
    if answer.kind == "lookup" and ctx.p.names:
        named = {e.position for e in ctx.entries_named(ctx.p.names)}
        projects = [e.project for e in ctx.cat.unread if e.position in named]
        if not projects:
            return None
        return coverage_of(ctx.cat.unread_documents, (), part, projects, forms=False).named_note()
    if ctx.p.years or ctx.p.kinds or ctx.p.org:
        in_scope = {e.position for e in ctx.scoped(ctx.cat.unread)}
        projects = [e.project for e in ctx.cat.unread if e.position in in_scope]
    else:
        projects = [e.project for e in ctx.cat.unread]
    # A refused file or an unread form may hold what was asked for, whatever the scope.
    return coverage_of(ctx.cat.unread_documents, refused, part, projects).note()


def ask_many(questions: Iterable[str], index: Index, settings: Settings | None = None) -> list[Answer]:
    """Answer several questions with one loaded model and one catalogue (the batch path).

    Args:
        questions: the questions.
        index: an opened index.
        settings: as for `ask`.
    Returns:
        One Answer per question, in order.
    """
    return [ask(q, index, settings) for q in questions]


def _route(ctx: Context) -> Answer:
    p = ctx.p
    scope = ctx.scoped()
    if not scope and (p.years or p.kinds or p.org):
        years = [f"{y}年" for y in ctx.cat.years]
        return _unknown(ctx, TEXT["empty_scope"].format(scope=p.scope_words()), suggestions=years)
    rule = _findings_request(p)
    if rule is not None:
        return _answer_findings(ctx, rule)
    mention = _mention_request(p)
    if mention is not None:
        return _answer_mentions(ctx, *mention)
    for ref in p.refs:
        if ref.how == "missing":
            _resolve_semantic(ref, ctx.cat, ctx.embedder(), ctx.index)
    problem = _reference_problem(ctx)
    if problem is not None:
        return problem
    level = _item_level(p)
    if _count_request(p):
        return _answer_aggregate(ctx, "count", level)
    if p.has(vocabulary()["sum_words"]):
        return _answer_aggregate(ctx, "sum", level)
    if p.has(vocabulary()["mean_words"]):
        return _answer_aggregate(ctx, "mean", level)
    rank = _rank_request(p)
    if rank is not None:
        return _answer_rank(ctx, level, *rank)
    condition = _condition(ctx)
    if condition is not None:
        return _answer_filter(ctx, level, condition)
    if p.names:
        return _answer_lookup(ctx)
    if _is_listing(p):
        return _answer_filter(ctx, level, None)
    fields = [f for f in p.fields() if f != "indicators"]
    if fields and _field_level().get(fields[0]) in ("project", "text"):
        return _unknown(ctx, TEXT["which_project"].format(label=label(fields[0])), suggestions=_names(scope))
    if _leading_project(p, ctx.cat):
        return _answer_lookup(ctx)
    named = _indicator_owners(ctx)
    if named is not None:
        return named
    return _answer_search(ctx)


def _indicator_owners(ctx: Context) -> Answer | None:
    """A question that names an indicator but no project: answered for the projects that have it, if few."""
    p = ctx.p
    found = ctx.cat.indicators_in(p.without(["year", "kind", "org"]))
    if not found:
        return None
    owners = ctx.scoped(ctx.cat.by_indicator[found[0]])
    names = _unique(e.name for e in owners)
    if not names:
        return None
    if len(names) > MAX_SUGGESTIONS:
        text = TEXT["which_project_indicator"].format(indicator=found[0], n=len(names))
        return _unknown(ctx, text, suggestions=names)
    p.refs.append(ProjectRef(found[0], names, "exact"))
    return _answer_lookup(ctx)


def _leading_project(p: Parsed, cat: Catalogue) -> bool:
    """A question with no other cue may open with part of a project's name (河道保洁作业覆盖率是多少).

    The longest word-aligned prefix whose words all occur in exactly one project's name is taken as that project.
    """
    start = 0
    while start < len(p.text) and not p.free(start, start + 1):
        start += 1
    end = start
    while end < len(p.text) and p.free(end, end + 1) and p.text[end] not in _BOUNDARY:
        end += 1
    lead = _strip_phrase(p.text[start:end])
    begin = p.text.find(lead, start) if lead else -1
    if begin < 0:
        return False
    cues = [_compact(w) for w in _cue_words()]
    cuts = [0]
    for word in segment.words(lead):
        cuts.append(cuts[-1] + len(word))
    for cut in sorted(cuts[1:], reverse=True):
        words = lead[:cut]
        if len(words) < 2 or any(c in words for c in cues):
            continue
        ref = _resolve_phrase(words, cat, semantic=False)
        if ref is not None and ref.how == "partial":
            p.spans.append(Span(begin, begin + cut, "project", words))
            p.refs.append(ref)
            return True
    return False


def _names(entries: Iterable[Entry]) -> list[str]:
    return list(dict.fromkeys(e.name for e in entries))[: MAX_SUGGESTIONS * 2]


def _reference_problem(ctx: Context) -> Answer | None:
    """An unknown answer when the question names a project that does not exist, is ambiguous or out of scope."""
    p = ctx.p
    for ref in p.refs:
        if ref.how == "missing":
            return _unknown(ctx, TEXT["no_project"].format(span=ref.words), suggestions=ref.suggestions)
        if ref.how == "ambiguous":
            narrowed = _names(ctx.scoped(ctx.entries_named(ref.names)))
            if len(narrowed) == 1:
                ref.names, ref.how = narrowed, "partial"
                continue
            names = narrowed or ref.names
            text = TEXT["ambiguous_project"].format(span=ref.words, n=len(names), names="、".join(names))
            return _unknown(ctx, text, suggestions=names)
    for name in p.names:
        if not ctx.scoped(ctx.entries_named([name])):
            text = TEXT["out_of_scope"].format(name=name, scope=p.scope_words())
            where = [
                f"{e.project.year or ''}年{KIND_LABELS[e.project.kind]}" for e in ctx.entries_named([name])
            ]
            return _unknown(ctx, text, suggestions=where)
    return None


def _item_level(p: Parsed) -> str:
    """Whether the question is about indicators (哪些指标, 几个指标) or projects."""
    t = p.without(["project"])
    if re.search(vocabulary()["indicator_question_pattern"], t):
        return "indicator"
    return "project"


def _is_listing(p: Parsed) -> bool:
    return bool(p.has(vocabulary()["list_words"])) and PROJECT_WORD in p.without(["project"])


# ----------------------------------------------------------------------------------------- findings


@dataclass(frozen=True)
class FindingRequest:
    rules: tuple[str, ...]
    verdicts: tuple[str, ...]
    count: bool
    what: str = TEXT["problems"]


def _findings_request(p: Parsed) -> FindingRequest | None:
    v = vocabulary()
    text = p.without(["project"])
    has_number = bool(_NUMBER.search(p.without(["project", "year"])))
    count = bool(re.search(v["count_pattern"], text))
    for pattern in v["findings"]:
        if pattern.get("no_number") and has_number:
            continue
        if any(w in text for w in pattern.get("none", ())):
            continue
        if all(any(_compact(w) in text for w in group) for group in pattern["all"]):
            what = pattern.get("what") or TEXT["problems"]
            return FindingRequest(tuple(pattern["rules"]), tuple(pattern.get("verdicts", ())), count, what)
    if any(_compact(w) in text for w in v["findings_any_problem"]):
        from qa.checks import RULES

        return FindingRequest(tuple(RULES), (), count)
    return None


def _answer_findings(ctx: Context, req: FindingRequest) -> Answer:
    from qa.checks.base import verdict

    scope = ctx.scoped(ctx.entries_named(ctx.p.names) if ctx.p.names else None)
    allowed = {(e.document.name, e.name) for e in scope}
    found = [
        f
        for f in _findings(ctx.index, req.rules, ctx.settings)
        if (_doc_name(f.document), f.project) in allowed
    ]
    items: list[tuple[Entry, Indicator | None, str, Source | None]] = []
    by_pair = {(e.document.name, e.name): e for e in scope}
    for f in found:
        entry = by_pair[(_doc_name(f.document), f.project)]
        ind = next((i for i in entry.project.indicators if f.indicator and i.name == f.indicator), None)
        items.append((entry, ind, f.message, f.source))
    if req.verdicts:
        for e in scope:
            for ind in e.project.indicators:
                if ind.target.value is not None and ind.actual is not None and ind.actual.value is not None:
                    continue  # figures are judged by the rule itself
                got = verdict(ind.actual)
                if got in req.verdicts:
                    msg = TEXT["verdict_finding"].format(
                        name=ind.name,
                        target=_show_measure(ind.target),
                        actual=_show_measure(ind.actual),
                        verdict=TEXT[f"verdict_{got}"],
                    )
                    items.append((e, ind, msg, ind.source))
    items.sort(key=lambda it: (it[0].position, it[3].line if it[3] else 0))
    what = req.what
    projects = list(dict.fromkeys(e.name for e, *_ in items))
    values: list[Value] = []
    figures: list[Figure] = []
    for e, ind, _msg, _src in items:
        if ind is not None:
            for fld in ("target", "actual"):
                fig = _indicator_figure(e, ind, fld)
                if fig is not None and fig.value is not None:
                    figures.append(fig)
    values = [f.to_value() for f in figures]
    if req.count:
        n = len(items) if _item_level(ctx.p) == "indicator" else len(projects)
        values.append(Value("", None, "count", Decimal(n), COUNT_UNIT))
    if not items:
        return _answer(ctx, "findings", TEXT["findings_none"].format(what=what), projects=[], values=values)
    lines = [
        TEXT["findings_some"].format(what=what, n=len(items), m=len(projects), names=_listed(projects, "、"))
    ]
    lines += [f"{n}. {e.name}：{msg}" for n, (e, _ind, msg, _src) in enumerate(items, 1)]
    citations = [_cite(e, src, ind.name if ind else None) for e, ind, _m, src in items]
    return _answer(ctx, "findings", "\n".join(lines), projects=projects, values=values, citations=citations)


def _doc_name(document: str) -> str:
    return document.replace("\\", "/").rsplit("/", 1)[-1]


# ----------------------------------------------------------------------------------------- mentions


def _mention_request(p: Parsed) -> tuple[str, bool, bool] | None:
    """(topic, negated, count) when the question asks which projects mention something."""
    v = vocabulary()
    t = p.text
    outside = p.without(["project"])
    if PROJECT_WORD not in outside:
        return None
    count = bool(re.search(v["count_pattern"], outside))
    openers = "|".join(map(re.escape, v["mention_pair_openers"]))
    closers = "|".join(map(re.escape, v["mention_pair_closers"]))
    for m in re.finditer(rf"(?:{openers})(.+?)(?:{closers})", t):
        topic = _trim_topic(m.group(1))
        if topic and PROJECT_WORD not in topic and p.free(m.start(), m.end(), ["project"]):
            return topic, _negated(t, m.start()), count
    for verb in sorted(map(_compact, v["mention_verbs"]), key=len, reverse=True):
        for at in _find_all(t, verb):
            if not p.free(at, at + len(verb), ["project"]):
                continue
            topic = _trim_topic(re.split(r"[，。？！?!,;；]", t[at + len(verb) :])[0])
            if not topic:
                before = re.split(r"[，。？！?!,;；]", t[:at])[-1]
                topic = _trim_topic(_strip_phrase(before))
            if topic and topic not in _GENERIC_WORDS and topic not in map(_compact, v["list_words"]):
                return topic, _negated(t, at), count
    return None


def _negated(text: str, at: int) -> bool:
    before = text[max(0, at - 2) : at]
    return any(before.endswith(n) for n in vocabulary()["mention_negations"])


def _trim_topic(topic: str) -> str:
    """The topic without the question's frame around it (了/关于 before it, 的内容/吗 after it)."""
    v = vocabulary()
    trims = sorted(
        (_compact(w) for w in v["mention_topic_trim"] + v["question_words"]), key=len, reverse=True
    )
    leads = sorted((_compact(w) for w in v["mention_topic_leads"]), key=len, reverse=True)
    changed = True
    while changed and topic:
        changed = False
        for w in trims:
            if topic.endswith(w) and len(topic) > len(w):
                topic, changed = topic[: -len(w)], True
        for w in leads:
            if topic.startswith(w) and len(topic) > len(w) + 1:
                topic, changed = topic[len(w) :], True
    return "" if topic in trims else topic


def _answer_mentions(ctx: Context, topic: str, negated: bool, count: bool) -> Answer:
    """index.mentions(topic), all of it, narrowed to the question's scope."""
    allowed = {(e.document.sha256, e.key): e for e in ctx.scoped()}
    hits: list[tuple[Entry, list[tuple[Source, str, str]]]] = []
    for pm in ctx.index.mentions(topic):
        entry = allowed.get((pm.document.sha256, _compact(pm.project.name)))
        if entry is not None:
            hits.append((entry, [(m.source, m.text, m.term or topic) for m in pm.passages]))
    hits.sort(key=lambda h: h[0].position)
    values = []
    if negated:
        named = {h[0].position for h in hits}
        rest = [e for e in allowed.values() if e.position not in named]
        names = _unique(e.name for e in rest)
        if count:
            values.append(Value("", None, "count", Decimal(len(names)), COUNT_UNIT))
        text = TEXT["mentions_negative"].format(topic=topic, n=len(names), names=_listed(names, "、"))
        citations = [_cite(e, None) for e in rest]
        return _answer(ctx, "mentions", text, projects=names, values=values, citations=citations)
    names = _unique(h[0].name for h in hits)
    if count:
        values.append(Value("", None, "count", Decimal(len(names)), COUNT_UNIT))
    if not names:
        return _answer(ctx, "mentions", TEXT["mentions_none"].format(topic=topic), projects=[], values=values)
    lines = [TEXT["mentions_some"].format(topic=topic, n=len(names), names=_listed(names, "、"))]
    citations = []
    for entry, passages in hits:
        terms = _unique(term for _s, _x, term in passages)
        # A semantic match says what the document wrote (碳排放权交易市场 for 碳市场); lexical ones join words by +.
        written = [t for t in terms if t != _compact(topic) and "+" not in t]
        note = TEXT["written_as"].format(words="”“".join(written)) if written else ""
        lines.append(f"- {entry.name}{note}：{_snippet(passages[0][1], terms[0])}")
        for source, text, term in passages[:3]:
            citations.append(_cite(entry, _source_with_text(source, text), None, term))
    return _answer(ctx, "mentions", "\n".join(lines), projects=names, values=values, citations=citations)


def _source_with_text(source: Source, text: str) -> Source:
    # A passage's own text (one clause) makes a better snippet than the whole row it came from.
    return Source(source.file, source.line, source.end_line, text, source.page, source.sha256)


def _listed(items: Iterable[str], sep: str) -> str:
    """Items joined for the answer's text; past MAX_LISTED the rest is counted (projects and citations keep all)."""
    items = list(items)
    if len(items) <= MAX_LISTED:
        return sep.join(items)
    return sep.join(items[:MAX_LISTED]) + TEXT["and_more"].format(n=len(items) - MAX_LISTED)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


# ----------------------------------------------------------------------------------------- numeric field


def _numeric_field(p: Parsed, level: str) -> str | None:
    """The first field of the question that has figures at this level (project or indicator)."""
    levels = _field_level()
    for f in p.fields():
        if levels.get(f) == level and f != "note":
            return f
    if level == "project":
        for f in p.fields():
            if f == "score":
                return "total_score"
            if f == "weight":
                return "budget_weight"
    return None


def _figures(
    ctx: Context, level: str, fld: str, entries: Sequence[Entry]
) -> tuple[list[Figure], list[Entry]]:
    """The figures of `fld` for the entries (or their indicators), and the entries without that field."""
    if level == "project":
        wanted = {e.position for e in entries}
        figures = [f for f in ctx.cat.project_figures(fld) if f.entry.position in wanted]
        have = {f.entry.position for f in figures}
        return figures, [e for e in entries if e.position not in have]
    terms = _residual_terms(ctx.p)
    figures = []
    for e in entries:
        for ind in e.project.indicators:
            if terms and not all(w in _compact(ind.name) for w in terms):
                continue
            fig = _indicator_figure(e, ind, fld)
            if fig is not None and fig.value is not None:
                figures.append(fig)
    return figures, []


def _residual_terms(p: Parsed) -> list[str]:
    rest = _residual(p)
    stop = segment.stopwords()
    v = vocabulary()
    generic = _GENERIC_WORDS | {_compact(w) for w in v["rank_desc"] + v["rank_asc"] + v["list_words"]}
    return [w for w in segment.terms("".join(rest)) if w not in stop and w not in generic and _CJK.search(w)]


def _why_lacking(entries: Sequence[Entry], fld: str) -> str:
    kinds = {e.project.kind for e in entries}
    if kinds == {"declaration"} and fld in _BUDGET_FIELDS | {"execution_rate", "total_score", "budget_score"}:
        return TEXT["declarations_lack"]
    if kinds == {"self_evaluation"} and fld in {"annual_request", "total", "fiscal"}:
        return TEXT["self_evaluations_lack"]
    return TEXT["blank_or_lacking"]


def _excluded_note(lacking: Sequence[Entry], fld: str, what: str) -> str:
    """`另有 3 个项目没有全年执行数（未填写或无此项，其中 2 个未能读取），未参与计算。`"""
    if not lacking:
        return ""
    part = "indicators" if fld in _TABLE_FIELDS else "money"
    unread = sum(1 for e in lacking if part_unread(e.project, part))
    if unread == len(lacking):
        why = TEXT["unread_why"]
    else:
        why = _why_lacking(lacking, fld) + (TEXT["some_unread"].format(n=unread) if unread else "")
    return TEXT["excluded"].format(n=len(lacking), label=label(fld), why=why, what=what)


def _scope_prefix(p: Parsed) -> str:
    words = p.scope_words()
    return f"{words}，" if words else ""


def _fig_label(fig: Figure) -> str:
    return f"{fig.entry.name}「{fig.indicator.name}」" if fig.indicator else fig.entry.name


def _with_year(ctx: Context, figures: Sequence[Figure]) -> Callable[[Figure], str]:
    """Name figures by project, adding the year where one name occurs in several documents."""
    counts: dict[str, int] = {}
    for f in figures:
        counts[f.entry.name] = counts.get(f.entry.name, 0) + (0 if f.indicator else 1)

    def name(f: Figure) -> str:
        base = _fig_label(f)
        if counts.get(f.entry.name, 0) > 1 and f.entry.project.year:
            return TEXT["year_tag"].format(name=base, year=f.entry.project.year)
        return base

    return name


# ----------------------------------------------------------------------------------------- rank


def _rank_request(p: Parsed) -> tuple[bool, int | None] | None:
    """(descending, how many or None for all) when the question asks for a ranking."""
    v = vocabulary()
    desc = p.has(v["rank_desc"])
    asc = p.has(v["rank_asc"])
    order = p.has(v["rank_order_words"])
    if not (desc or asc or order):
        return None
    outside = p.without(["project"])
    n: int | None = 1
    m = re.search(v["rank_top_pattern"], outside)
    if m:
        n = _chinese_int(m.group(1)) or 1
    elif order and not (desc or asc):
        n = None
    if desc and asc:
        descending = outside.find(_compact(desc)) < outside.find(_compact(asc))
    elif order and not (desc or asc):
        descending = not p.has(v["rank_order_asc"])
    else:
        descending = bool(desc)
    return descending, n


def _answer_rank(ctx: Context, level: str, descending: bool, n: int | None) -> Answer:
    p = ctx.p
    if p.names and level == "project" and _numeric_field(p, "project") is None:
        level = "indicator"
    fld = _numeric_field(p, level) or (_numeric_field(p, "indicator") if level == "project" else None)
    if fld is not None and _field_level().get(fld) == "indicator":
        level = "indicator"
    if fld is None:
        return _unknown(
            ctx,
            TEXT["no_numeric_field"],
            suggestions=[label(f) for f in ("execution_rate", "total_score", "annual_request", "spent")],
        )
    base = ctx.entries_named(p.names) if p.names else None
    scope = ctx.scoped(base)
    figures, lacking = _figures(ctx, level, fld, scope)
    if level == "indicator":
        figures = _same_unit(figures, _question_units(ctx))
    if not figures:
        return _unknown(ctx, TEXT["nothing_to_compare"].format(label=label(fld)), suggestions=_names(scope))
    ordered = sorted(
        figures, key=lambda f: (-(f.base or 0) if descending else (f.base or 0), f.entry.position)
    )
    if n is None:
        chosen = ordered
    else:
        cut = ordered[min(n, len(ordered)) - 1].base
        chosen = [f for i, f in enumerate(ordered) if i < n or f.base == cut]
    money = fld in _BUDGET_FIELDS | _FUNDING_FIELDS | {"money"}
    word = TEXT["most" if money else "highest"] if descending else TEXT["least" if money else "lowest"]
    noun = LEVEL_LABELS[level]
    fl = label(chosen[0].field)
    name = _with_year(ctx, chosen)
    prefix = _scope_prefix(p)
    tied = n is not None and len(chosen) > n
    first = chosen[0]
    shown = _show(first.value, first.unit, first.field)
    if n == 1 and len(chosen) == 1:
        text = TEXT["rank_one"].format(
            scope=prefix, label=fl, word=word, noun=noun, name=name(first), value=shown
        )
    elif n == 1:
        names = _listed((f"“{name(f)}”" for f in chosen), "、")
        text = TEXT["rank_tied"].format(
            scope=prefix, label=fl, word=word, noun=noun, n=len(chosen), names=names, value=shown
        )
    else:
        order = TEXT["descending" if descending else "ascending"]
        head = TEXT["rank_top"].format(n=n, noun=noun) if n else TEXT["rank_all"].format(noun=noun)
        items = _listed(
            (f"{i}. {name(f)} {_show(f.value, f.unit, f.field)}" for i, f in enumerate(chosen, 1)), "；"
        )
        text = TEXT["rank_list"].format(
            scope=prefix,
            label=fl,
            order=order,
            head=head,
            tied=TEXT["with_ties"] if tied else "",
            items=items,
        )
    note = _excluded_note(lacking, fld, TEXT["compared"]) if level == "project" else ""
    return _answer(ctx, "rank", text + note, chosen)


def _question_units(ctx: Context) -> list[str]:
    t = ctx.p.without(["project"])
    units = [u for u in ctx.cat.units if _compact(u) in t]
    if "%" in t or "率" in t:
        units.append("%")
    return units


def _same_unit(figures: list[Figure], units: Sequence[str]) -> list[Figure]:
    """Indicator figures are compared only within one unit: the one asked for, else the most common."""
    if not figures or all(f.field in ("weight", "score") for f in figures):
        return figures
    if units:
        return [f for f in figures if f.unit in units]
    counts: dict[str | None, int] = {}
    for f in figures:
        counts[f.unit] = counts.get(f.unit, 0) + 1
    common = max(counts, key=lambda u: counts[u])
    return [f for f in figures if f.unit == common]


# ----------------------------------------------------------------------------------------- filter


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: Decimal | None  # None: compare with `other`
    unit: str | None
    other: str | None = None
    words: str = ""


_OPS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "<": lambda a, b: a < b,
    "≤": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    "≥": lambda a, b: a >= b,
    "=": lambda a, b: a == b,
}


def _condition(ctx: Context) -> Condition | None:
    """A comparison the question asks for: field, comparator and a number (95%, 100万元) or another field."""
    v = vocabulary()
    p = ctx.p
    t = p.text
    comparators = sorted(v["comparators"].items(), key=lambda kv: -len(kv[0]))
    op_word, op, at = None, None, -1
    for word, symbol in comparators:
        cw = _compact(word)
        pos = next((i for i in _find_all(t, cw) if p.free(i, i + len(cw), ["project", "field"])), -1)
        if pos >= 0:
            op_word, op, at = word, symbol, pos
            break
    number = None
    for m in _NUMBER.finditer(t):
        if p.free(m.start(), m.end(), ["project", "year"]):
            number = m
            break
    if op is None and number is not None:
        tail = t[number.end() :]
        for word, symbol in sorted(v["comparator_suffixes"].items(), key=lambda kv: -len(kv[0])):
            um = re.match(r"^(?:%|万元|亿元|元|分|个)?" + re.escape(word), tail)
            if um:
                op_word, op, at = word, symbol, number.end()
                break
    if op is None:
        if p.has(v["deduction_words"]):
            return Condition("score", "<", None, None, other="weight", words="低于")
        return None
    level = "indicator" if _item_level(p) == "indicator" else "project"
    fld = _numeric_field(p, level) or _numeric_field(p, "project" if level == "indicator" else "indicator")
    if number is None:
        fields = [f for f in p.fields() if _field_level().get(f) in ("project", "indicator")]
        if len(fields) >= 2:
            return Condition(fields[0], op, None, None, other=fields[1], words=op_word or "")
        return None
    value = Decimal(number.group(1))
    tail = t[number.end() :]
    unit = None
    for u in sorted(list(v["money_units"]) + ["%", SCORE_UNIT, "个百分点"], key=len, reverse=True):
        if tail.startswith(u):
            unit = u
            break
    if fld is None:
        fld = {"%": "execution_rate", SCORE_UNIT: "total_score"}.get(
            unit or "", "money" if unit in v["money_units"] else None
        )
    if fld is None:
        return None
    del at
    return Condition(fld, op, value, unit, words=op_word or "")


def _threshold(cond: Condition, fig: Figure) -> Decimal | None:
    if cond.value is None:
        if not cond.other:
            return None
        if fig.indicator is not None:
            other = _indicator_figure(fig.entry, fig.indicator, cond.other)
        else:
            other = _project_figure(fig.entry, cond.other)
        return other.value if other else None
    money = vocabulary()["money_units"]
    if cond.unit in money and fig.unit in money:
        return _from_base(_to_base(cond.value, cond.unit), fig.unit)
    return cond.value


def _condition_text(cond: Condition) -> str:
    if cond.value is None:
        return f"{label(cond.field)}{cond.words}{label(cond.other or '')}"
    return f"{label(cond.field)}{cond.words}{_num(cond.value)}{cond.unit or ''}"


def _matching(
    ctx: Context, level: str, cond: Condition | None
) -> tuple[list[Figure], list[Entry], list[Entry]]:
    """(figures that satisfy the condition, entries in scope, entries without the field)."""
    base = ctx.entries_named(ctx.p.names) if ctx.p.names else None
    scope = ctx.scoped(base)
    if cond is None:
        return [], scope, []
    figures, lacking = _figures(ctx, level, cond.field, scope)
    if level == "indicator" and cond.unit == "%":
        figures = [f for f in figures if f.unit == "%"]
    kept = []
    for f in figures:
        limit = _threshold(cond, f)
        if limit is not None and f.value is not None and _OPS[cond.op](f.value, limit):
            kept.append(f)
    return kept, scope, lacking


def _answer_filter(ctx: Context, level: str, cond: Condition | None) -> Answer:
    p = ctx.p
    if cond is not None and _field_level().get(cond.field) == "indicator":
        level = "indicator"
    kept, scope, lacking = _matching(ctx, level, cond)
    prefix = _scope_prefix(p)
    if cond is not None and level == "project" and p.names:
        return _answer_check(ctx, cond, scope, kept)
    if cond is None:
        names = _names_all(scope)
        text = TEXT["project_list"].format(scope=prefix, n=len(names), names=_listed(names, "、"))
        return _answer(ctx, "filter", text, projects=names, citations=[_cite(e, None) for e in scope])
    name = _with_year(ctx, kept)
    noun = LEVEL_LABELS[level]
    extra: dict[int, Figure] = {}
    if cond.other:
        for f in kept:
            o = (
                _indicator_figure(f.entry, f.indicator, cond.other)
                if f.indicator is not None
                else _project_figure(f.entry, cond.other)
            )
            if o is not None:
                extra[id(f)] = o

    def item(f: Figure) -> str:
        shown = f"{name(f)} {_show(f.value, f.unit, f.field)}"
        o = extra.get(id(f))
        return f"{shown}（{label(o.field)} {_show(o.value, o.unit, o.field)}）" if o else shown

    condition = _condition_text(cond)
    if not kept:
        text = TEXT["filter_none"].format(scope=prefix, condition=condition, noun=noun)
    else:
        items = _listed((item(f) for f in kept), "；")
        text = TEXT["filter_some"].format(
            scope=prefix, condition=condition, noun=noun, n=len(kept), items=items
        )
    note = _excluded_note(lacking, cond.field, TEXT["filtered"]) if level == "project" else ""
    return _answer(ctx, "filter", text + note, kept + list(extra.values()))


def _answer_check(ctx: Context, cond: Condition, entries: Sequence[Entry], kept: Sequence[Figure]) -> Answer:
    """Whether the named projects meet the condition (执行率是否达到90%): each one's figure and yes or no."""
    met = {f.entry.position for f in kept}
    figures, lines = [], []
    for e in entries:
        fig = _project_figure(e, cond.field)
        if fig is None or fig.value is None:
            lines.append(TEXT["not_filled"].format(name=e.name, label=label(cond.field)))
            continue
        figures.append(fig)
        verdict = TEXT["yes" if e.position in met else "no"]
        lines.append(
            TEXT["check"].format(
                name=_tag(e, entries),
                label=label(fig.field),
                value=_show(fig.value, fig.unit, fig.field),
                condition=_condition_text(cond),
                verdict=verdict,
            )
        )
    return _answer(ctx, "lookup", "\n".join(lines), figures, projects=[e.name for e in entries])


def _names_all(entries: Iterable[Entry]) -> list[str]:
    return list(dict.fromkeys(e.name for e in entries))


# ----------------------------------------------------------------------------------------- count / sum


def _count_request(p: Parsed) -> bool:
    return bool(re.search(vocabulary()["count_pattern"], p.without(["project"])))


def _answer_aggregate(ctx: Context, how: str, level: str) -> Answer:
    p = ctx.p
    cond = _condition(ctx)
    if how == "count":
        if p.names and level == "project" and re.search(vocabulary()["indicator_count_pattern"], p.text):
            level = "indicator"
        return _answer_count(ctx, level, cond)
    fld = _numeric_field(p, "project") or _numeric_field(p, "indicator")
    if fld is None:
        return _unknown(
            ctx,
            TEXT["no_numeric_field"],
            suggestions=[label(f) for f in ("annual_request", "spent", "adjusted")],
        )
    level = "indicator" if _field_level().get(fld) == "indicator" else "project"
    if cond is not None:
        kept, _scope, lacking = _matching(ctx, level, cond)
        figures = list(kept) if cond.field == fld else _refigure(kept, fld)
    else:
        base = ctx.entries_named(p.names) if p.names else None
        figures, lacking = _figures(ctx, level, fld, ctx.scoped(base))
    if level == "indicator":
        figures = _same_unit(figures, _question_units(ctx))
    if not figures:
        return _unknown(
            ctx, TEXT["nothing_to_add"].format(label=label(fld)), suggestions=_names(ctx.scoped())
        )
    unit = _output_unit(ctx, figures)
    money = vocabulary()["money_units"]
    if unit in money:
        total = sum((f.base or Decimal(0) for f in figures), Decimal(0))
        total = _from_base(total, unit)
    else:
        total = sum((f.value or Decimal(0) for f in figures), Decimal(0))
    value = total if how == "sum" else total / Decimal(len(figures))
    if how == "mean":
        value = value.quantize(Decimal("0.01"))
    shown = _show(value, unit, how if how == "mean" else figures[0].field)
    fl = label(figures[0].field)
    kinds = {f.field for f in figures}
    if len(kinds) > 1:
        fl = "、".join(label(k) for k in sorted(kinds))
    name = _with_year(ctx, figures)
    parts = _listed((f"{name(f)} {_show(f.value, f.unit, f.field)}" for f in figures), "；")
    prefix = _scope_prefix(p)
    units = {f.unit for f in figures}
    converted = ""
    if unit in money and units - {unit}:
        converted = TEXT["converted"].format(
            units="、".join(sorted(u for u in units if u and u != unit)), unit=unit
        )
    text = TEXT["aggregate"].format(
        scope=prefix,
        condition=TEXT["condition_of"].format(condition=_condition_text(cond)) if cond else "",
        n=len(figures),
        noun=LEVEL_LABELS[level],
        label=fl,
        word=TEXT[how],
        value=shown,
        converted=converted,
        items=parts,
    )
    text += _excluded_note(lacking, fld, TEXT["computed"]) if level == "project" and not p.names else ""
    values = [Value("", None, how, value, unit)] + [f.to_value() for f in figures]
    return _answer(ctx, how, text, figures, values=values)


def _refigure(figures: Sequence[Figure], fld: str) -> list[Figure]:
    out = []
    for f in figures:
        g = _project_figure(f.entry, fld)
        if g is not None and g.value is not None:
            out.append(g)
    return out


def _output_unit(ctx: Context, figures: Sequence[Figure]) -> str | None:
    money = vocabulary()["money_units"]
    units = {f.unit for f in figures}
    if not units <= set(money):
        return figures[0].unit
    asked = ctx.p.without(["project"])
    for u in sorted(money, key=len, reverse=True):
        if u in asked:
            return u
    if len(units) == 1:
        return next(iter(units))
    return vocabulary()["default_money_unit"]


def _answer_count(ctx: Context, level: str, cond: Condition | None) -> Answer:
    p = ctx.p
    prefix = _scope_prefix(p)
    if cond is not None:
        kept, _scope, _lacking = _matching(ctx, level, cond)
        n = len(kept) if level == "indicator" else len(_unique(f"{f.entry.position}" for f in kept))
        noun = LEVEL_LABELS[level]
        items = _listed((f"{_fig_label(f)} {_show(f.value, f.unit, f.field)}" for f in kept), "；")
        text = TEXT["count_condition"].format(
            scope=prefix, condition=_condition_text(cond), noun=noun, n=n, items=f"：{items}" if items else ""
        )
        values = [Value("", None, "count", Decimal(n), COUNT_UNIT)] + [f.to_value() for f in kept]
        return _answer(ctx, "count", text, kept, values=values)
    base = ctx.entries_named(p.names) if p.names else None
    scope = ctx.scoped(base)
    if level == "indicator":
        pairs = [(e, ind) for e in scope for ind in e.project.indicators]
        n = len(pairs)
        who = (
            "、".join(_unique(e.name for e in scope)) if p.names else TEXT["n_projects"].format(n=len(scope))
        )
        text = TEXT["indicator_count"].format(scope=prefix, who=who, n=n)
        citations = [_cite(e, ind.source, ind.name) for e, ind in pairs]
        return _answer(
            ctx,
            "count",
            text,
            projects=[e.name for e in scope],
            values=[Value(scope[0].name if len(scope) == 1 else "", None, "count", Decimal(n), COUNT_UNIT)],
            citations=citations,
        )
    names = _names_all(scope)
    text = TEXT["project_list"].format(scope=prefix, n=len(names), names=_listed(names, "、"))
    return _answer(
        ctx,
        "count",
        text,
        projects=names,
        values=[Value("", None, "count", Decimal(len(names)), COUNT_UNIT)],
        citations=[_cite(e, None) for e in scope],
    )


# ----------------------------------------------------------------------------------------- lookup


def _residual(p: Parsed) -> list[str]:
    """The runs of the question no slot took, without question words: what names an indicator."""
    v = vocabulary()
    cues = v["question_words"] + v["target_cues"] + v["actual_cues"] + v["deduction_words"] + v["list_words"]
    cues += v["rank_desc"] + v["rank_asc"] + v["rank_order_words"] + v["sum_words"] + v["mean_words"]
    cues += list(v["comparators"]) + list(v["comparator_suffixes"])
    strip = sorted({_compact(w) for w in cues}, key=len, reverse=True)
    taken = {"project", "field", "kind", "year", "org", "unit"}
    runs, cur = [], []
    for i, c in enumerate(p.text):
        if p.taken(i, taken):
            if cur:
                runs.append("".join(cur))
                cur = []
        else:
            cur.append(c)
    if cur:
        runs.append("".join(cur))
    out = []
    for run in runs:
        if run.startswith(PROJECT_WORD):
            run = run[2:]
        for w in strip:
            run = run.replace(w, " ")
        run = re.sub(r"[0-9.]+", " ", run)
        out += [r for r in run.split() if r and r not in ("的", "了")]
    return out


def _bigrams(text: str) -> set[str]:
    s = "".join(c for c in text if c not in _SKIP_CHARS)
    if len(s) < 2:
        return {s} if s else set()
    return {s[i : i + 2] for i in range(len(s) - 1)}


def _overlap(runs: Sequence[str], name: str) -> float:
    asked: set[str] = set()
    for r in runs:
        asked |= _bigrams(r)
    have = _bigrams(_compact(name))
    if not asked or not have:
        return 0.0
    hit = len(asked & have)
    if not hit:
        return 0.0
    precision, recall = hit / len(asked), hit / len(have)
    return 2 * precision * recall / (precision + recall)


def _mark_units(ctx: Context) -> list[str]:
    """Units of the indicators written in the question after 多少/几/a number (多少家, 多少平方米)."""
    p = ctx.p
    found = []
    for u in ctx.cat.units:
        cu = _compact(u)
        for at in _find_all(p.text, cu):
            before = p.text[max(0, at - 3) : at]
            if p.free(at, at + len(cu)) and re.search(r"(?:多少|几|[0-9])$", before):
                p.spans.append(Span(at, at + len(cu), "unit", u))
                found.append(u)
    return found


def _choose_indicator(
    ctx: Context, entries: Sequence[Entry]
) -> tuple[list[tuple[Entry, Indicator]], list[str], str]:
    """The indicator the question names in these projects: (matches, near names when unsure, the words)."""
    p = ctx.p
    units = _mark_units(ctx)
    runs = _residual(p)
    words = "".join(runs).strip("的了")
    candidates = [(e, ind) for e in entries for ind in e.project.indicators]
    if not candidates:
        return [], [], words
    text = p.without(["project"])
    exact = [(e, i) for e, i in candidates if len(_compact(i.name)) >= 2 and _compact(i.name) in text]
    if exact:
        longest = max(len(_compact(i.name)) for _e, i in exact)
        return [(e, i) for e, i in exact if len(_compact(i.name)) == longest], [], words
    if not runs and not units:
        return [], [], words
    # The category (服务对象满意度指标, 时效指标) also names an indicator, a little less surely than its name.
    lexical = [
        max(_overlap(runs, ind.name), LEVEL_FACTOR * _overlap(runs, ind.level2)) for _e, ind in candidates
    ]
    unit_hit = [
        bool(units) and any(_unit(m) in units for m in (ind.target, ind.actual) if m is not None)
        for _e, ind in candidates
    ]
    scores = [lex + (UNIT_BONUS if hit else 0.0) for lex, hit in zip(lexical, unit_hit, strict=True)]
    order = sorted(range(len(candidates)), key=lambda k: -scores[k])
    best = scores[order[0]]
    second = scores[order[1]] if len(order) > 1 else 0.0
    sims: list[float] = []
    if words and (best < 0.6 or best - second < INDICATOR_MARGIN):
        sims = _indicator_similarity(ctx, words, [ind.name for _e, ind in candidates])
        for k, sim in enumerate(sims):
            scores[k] += SEMANTIC_WEIGHT * min(1.0, max(0.0, (sim - SEMANTIC_FLOOR) / SEMANTIC_SPAN))
        order = sorted(range(len(candidates)), key=lambda k: -scores[k])
        best = scores[order[0]]
        second = scores[order[1]] if len(order) > 1 else 0.0
    near = _unique(candidates[k][1].name for k in order[:MAX_SUGGESTIONS])
    if best < INDICATOR_MIN_SCORE:
        return [], near, words
    top = order[0]
    if sims and lexical[top] == 0 and not unit_hit[top]:
        # Meaning alone must be clear: on the samples an indicator a project does not have still reaches
        # 0.91 against one of its indicators, but only 0.04 ahead of the next.
        ranked = sorted(sims, reverse=True)
        if ranked[0] < INDICATOR_SEMANTIC_ALONE or (
            len(ranked) > 1 and ranked[0] - ranked[1] < INDICATOR_SEMANTIC_MARGIN
        ):
            return [], near, words
    names_top = {candidates[k][1].name for k in order[:2]}
    if best - second < INDICATOR_MARGIN and len(names_top) > 1:
        return [], near, words
    chosen_name = candidates[top][1].name
    return [(e, i) for e, i in candidates if i.name == chosen_name], [], words


def _indicator_similarity(ctx: Context, words: str, names: Sequence[str]) -> list[float]:
    embedder = ctx.embedder()
    vectors = embedder.encode_queries([words, *names])
    return [float(vectors[k + 1] @ vectors[0]) for k in range(len(names))]


def _indicator_fields(p: Parsed, kind: str) -> list[str]:
    """target / actual / weight / score / note: those the question names, else by its tense."""
    v = vocabulary()
    wanted = [f for f in p.fields() if _field_level().get(f) == "indicator"]
    text = p.without(["project"])
    if "target" not in wanted and any(_compact(w) in text for w in v["target_cues"]):
        wanted.append("target")
    if "actual" not in wanted and (
        any(_compact(w) in text for w in v["actual_cues"]) or re.search(v["past_tense_pattern"], text)
    ):
        wanted.append("actual")
    if kind != "self_evaluation":
        wanted = [f for f in wanted if f in ("target", "note")] or ["target"]
    if not wanted:
        wanted = ["target", "actual"] if kind == "self_evaluation" else ["target"]
    order = ["target", "actual", "weight", "score", "note"]
    return sorted(dict.fromkeys(wanted), key=order.index)


def _answer_lookup(ctx: Context) -> Answer:
    p = ctx.p
    entries = ctx.scoped(ctx.entries_named(p.names))
    fields = p.fields()
    levels = _field_level()
    text_fields = [f for f in fields if levels.get(f) == "text" and f != "indicators"]
    project_fields = [f for f in fields if levels.get(f) == "project"]
    text_only = p.without(["project"])
    named_indicator = any(
        len(_compact(i.name)) >= 3 and _compact(i.name) in text_only
        for e in entries
        for i in e.project.indicators
    )
    if text_fields and not named_indicator:
        return _answer_text_fields(ctx, entries, text_fields)
    if project_fields and not named_indicator:
        return _answer_project_fields(ctx, entries, project_fields)
    if "indicators" in fields and not _residual(p) and not named_indicator:
        return _answer_indicator_list(ctx, entries)
    chosen, near, words = _choose_indicator(ctx, entries)
    if chosen:
        return _answer_indicator(ctx, chosen)
    if "score" in fields or "weight" in fields:
        return _answer_project_fields(ctx, entries, ["total_score" if "score" in fields else "budget_weight"])
    if near and words:
        name = "、".join(_unique(e.name for e in entries))
        if len(near) > 1 and _choose_is_ambiguous(near, words):
            text = TEXT["ambiguous_indicator"].format(name=name, names="、".join(near[:3]))
        else:
            text = TEXT["no_indicator"].format(name=name, words=words)
        return _unknown(ctx, text, suggestions=near)
    if not words and any(levels.get(f) == "indicator" for f in fields):
        return _answer_indicator_list(ctx, entries, _indicator_fields(p, entries[0].project.kind))
    if not words:
        return _answer_overview(ctx, entries)
    return _answer_search(ctx, entries)


def _choose_is_ambiguous(near: Sequence[str], words: str) -> bool:
    return _overlap([words], near[0]) > 0 and _overlap([words], near[1]) > 0


def _tag(entry: Entry, among: Sequence[Entry]) -> str:
    """The project's name, with its year when the same name comes from several documents."""
    twins = sum(1 for e in among if e.key == entry.key and e.position != entry.position)
    return (
        TEXT["year_tag"].format(name=entry.name, year=entry.project.year)
        if twins and entry.project.year
        else entry.name
    )


def _answer_text_fields(ctx: Context, entries: Sequence[Entry], fields: Sequence[str]) -> Answer:
    lines, citations = [], []
    for e in entries:
        pr = e.project
        for f in fields:
            value, source = _text_value(pr, f)
            tag = _tag(e, entries)
            if value is None:
                lines.append(TEXT["no_field"].format(name=tag, kind=KIND_LABELS[pr.kind], label=label(f)))
                continue
            lines.append(TEXT["field_value"].format(name=tag, label=label(f), value=value))
            citations.append(_cite(e, source, around=value[:10]))
    return _answer(ctx, "lookup", "\n".join(lines), projects=[e.name for e in entries], citations=citations)


def _text_value(pr: Project, f: str) -> tuple[str | None, Source | None]:
    if f in ("department", "implementer"):
        return getattr(pr, f), pr.source
    if f == "grade":
        return pr.grade, pr.source
    if f in ("nature", "category", "start_date", "end_date"):
        if pr.funding is None:
            return None, None
        return getattr(pr.funding, f), pr.funding.source
    if f == "goals":
        f = "expected" if pr.kind == "self_evaluation" else "annual" if pr.goals.annual else "overall"
    block: GoalBlock | None = getattr(pr.goals, f, None)
    if block is None:
        return None, None
    return block.text, block.source


def _answer_project_fields(ctx: Context, entries: Sequence[Entry], fields: Sequence[str]) -> Answer:
    figures: list[Figure] = []
    lines: list[str] = []
    missing: list[str] = []
    for e in entries:
        tag = _tag(e, entries)
        for f in dict.fromkeys(fields):
            if f == "money":
                wanted = (
                    ["planned", "adjusted", "spent", "execution_rate"]
                    if e.project.budget
                    else ["annual_request", "total"]
                )
            else:
                wanted = [f]
            for w in wanted:
                fig = _project_figure(e, w)
                if fig is None:
                    if f != "money":
                        lines.append(
                            TEXT["no_field"].format(
                                name=tag, kind=KIND_LABELS[e.project.kind], label=label(w)
                            )
                        )
                        missing.append(w)
                    continue
                if fig.value is None:
                    if f != "money" or w != "total":
                        lines.append(TEXT["not_filled"].format(name=tag, label=label(w)))
                    continue
                figures.append(fig)
                lines.append(
                    TEXT["field_value"].format(
                        name=tag, label=label(w), value=_show(fig.value, fig.unit, fig.field)
                    )
                )
    if not figures and missing:
        available = [label(f) for f in _available_fields(entries)]
        return _unknown(
            ctx, "\n".join(lines), suggestions=available, citations=[_cite(e, None) for e in entries]
        )
    return _answer(ctx, "lookup", "\n".join(lines), figures, projects=[e.name for e in entries])


def _available_fields(entries: Sequence[Entry]) -> list[str]:
    out = []
    for f in _field_level():
        if _field_level()[f] != "project" or f == "money":
            continue
        if any((fig := _project_figure(e, f)) is not None and fig.value is not None for e in entries):
            out.append(f)
    return out


def _answer_indicator(ctx: Context, chosen: Sequence[tuple[Entry, Indicator]]) -> Answer:
    from qa.checks.base import result

    p = ctx.p
    figures: list[Figure] = []
    lines: list[str] = []
    citations: list[Citation] = []
    for e, ind in chosen:
        tag = _tag(e, [c for c, _i in chosen])
        parts = []
        for f in _indicator_fields(p, e.project.kind):
            if f == "note":
                parts.append(f"{label(f)}：{ind.note or TEXT['empty_cell']}")
                continue
            fig = _indicator_figure(e, ind, f)
            if fig is None:
                continue
            measure = ind.target if f == "target" else ind.actual if f == "actual" else None
            shown = _show_measure(measure) if measure is not None else _show(fig.value, fig.unit, fig.field)
            parts.append(f"{label(f)} {shown}")
            if fig.value is not None:
                figures.append(fig)
        if e.project.kind == "self_evaluation" and ind.actual is not None:
            v = result(ind)
            if v is not None and any(f in ("actual",) for f in _indicator_fields(p, e.project.kind)):
                parts[-1] += f"（{TEXT[f'verdict_{v}']}）"
        tail = ""
        if e.project.kind != "self_evaluation" and "actual" in _indicator_fields(p, "self_evaluation"):
            tail = TEXT["declaration_has_no_actual"]
        lines.append(f"{tag}「{ind.name}」：{'，'.join(parts)}{tail}。")
        citations.append(_cite(e, ind.source, ind.name))
    return _answer(
        ctx, "lookup", "\n".join(lines), figures, projects=[e.name for e, _i in chosen], citations=citations
    )


def _answer_indicator_list(ctx: Context, entries: Sequence[Entry], fields: Sequence[str] = ()) -> Answer:
    """A project's indicators, with the fields asked for; asked for notes, only the rows that have one."""
    lines, figures, citations = [], [], []
    notes = "note" in fields
    for e in entries:
        rows = [i for i in e.project.indicators if not notes or i.note.strip()]
        head = "note_list" if notes else "indicator_list"
        lines.append(TEXT[head].format(name=e.name, n=len(rows)))
        for n, ind in enumerate(rows, 1):
            shown = [f"{label('note')}：{ind.note}"] if notes else []
            for f in fields:
                fig = _indicator_figure(e, ind, f)
                if fig is None:
                    continue
                measure = ind.target if f == "target" else ind.actual if f == "actual" else None
                shown.append(
                    f"{label(f)} {_show_measure(measure) if measure else _show(fig.value, fig.unit, fig.field)}"
                )
                if fig.value is not None:
                    figures.append(fig)
            lines.append(f"{n}. {ind.name}" + (f"（{'，'.join(shown)}）" if shown else ""))
            citations.append(_cite(e, ind.source, ind.name))
    return _answer(
        ctx, "lookup", "\n".join(lines), figures, projects=[e.name for e in entries], citations=citations
    )


def _answer_overview(ctx: Context, entries: Sequence[Entry]) -> Answer:
    figures, lines = [], []
    for e in entries:
        pr = e.project
        wanted = ["adjusted", "spent", "execution_rate", "total_score"] if pr.budget else ["annual_request"]
        parts = []
        for w in wanted:
            fig = _project_figure(e, w)
            if fig is not None and fig.value is not None:
                figures.append(fig)
                parts.append(f"{label(w)} {_show(fig.value, fig.unit, fig.field)}")
        head = TEXT["overview"].format(
            name=e.name, year=pr.year or "", kind=KIND_LABELS[pr.kind], n=len(pr.indicators)
        )
        lines.append(head + ("：" + "，".join(parts) if parts else "") + "。")
    return _answer(
        ctx,
        "lookup",
        "\n".join(lines),
        figures,
        projects=[e.name for e in entries],
        citations=[_cite(e, None) for e in entries],
    )


# ----------------------------------------------------------------------------------------- search


def _answer_search(ctx: Context, within: Sequence[Entry] | None = None) -> Answer:
    # Ask for more than are shown: some fall out of the scope, the named projects, or as repeats.
    hits = ctx.index.search(ctx.question, k=SEARCH_K * (8 if within else 3))
    scope = {(e.document.sha256, e.name) for e in ctx.scoped(within)}
    seen: set[tuple[str, str, str]] = set()
    kept = []
    for h in hits:
        key = (h.document.sha256, h.project.name, _compact(h.passage.text))
        if (h.document.sha256, h.project.name) in scope and key not in seen:
            seen.add(key)  # the same sentence in two goal blocks (项目总目标 = 年度总体目标) is shown once
            kept.append(h)
    hits = kept[:SEARCH_K]
    if not hits:
        return _answer(ctx, "search", TEXT["search_none"], projects=[])
    lines = [TEXT["search_intro"]]
    citations = []
    for n, h in enumerate(hits, 1):
        entry = next(
            e for e in ctx.cat.by_key[_compact(h.project.name)] if e.document.sha256 == h.document.sha256
        )
        lines.append(f"{n}. 【{h.project.name}】{_snippet(h.passage.text)}")
        citations.append(_cite(entry, _source_with_text(h.source, h.passage.text)))
    return _answer(
        ctx, "search", "\n".join(lines), projects=[h.project.name for h in hits], citations=citations
    )


# ----------------------------------------------------------------------------------------- output


def answer_to_json(answer: Answer) -> dict[str, Any]:
    """The answer as a JSON object (numbers as JSON numbers): question, kind, text, projects, values,
    citations, suggestions."""
    return to_jsonable(answer)


def format_answer(answer: Answer) -> str:
    """The answer as a reviewer reads it in a terminal: the text, then the sources, then suggestions."""
    lines = [answer.text]
    if answer.citations:
        lines.append(TEXT["sources"])
        for c in answer.citations:
            where = TEXT["page"].format(page=c.page) if c.page else ""
            what = c.project + (f" / {c.indicator}" if c.indicator else "")
            lines.append(
                TEXT["source_line"].format(
                    document=c.document, where=where, line=c.line, what=what, snippet=c.snippet
                )
            )
    if answer.suggestions:
        lines.append(TEXT["suggestions"] + "、".join(answer.suggestions))
    return "\n".join(lines)
