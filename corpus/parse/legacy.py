"""The row reader of the template family the samples use: rows in the samples' order, a project at each 项目名称 row."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from corpus import vocab
from corpus.errors import NotAPerformanceTableError
from corpus.load import Loaded, load
from corpus.model import (
    Document,
    ParseWarning,
    Row,
)
from corpus.parse.labels import unit_in as _unit_in
from corpus.parse.legacy_records import _IndicatorDraft, _Label, _ProjectDraft
from corpus.parse.legacy_records import finish as _finish
from corpus.parse.values import (
    _YEAR,
    clean_text,
    compact,
    is_plain_number,
    to_decimal,
)

# ---------------------------------------------------------------------------------------------
# Parsing state


def _non_empty(row: Row) -> list[tuple[int, str]]:
    return [(i, c) for i, c in enumerate(row.cells) if c and c.strip()]


def _merge_runs(cells: list[tuple[int, str]], header: tuple[str, ...] | None) -> list[tuple[int, str]]:
    """Collapse a merged cell that a reader filled across columns (the same text in adjacent cells).

    Inside a table whose header is known, only where the header itself is merged over those columns:
    年初预算数 616.70 next to 全年预算数 616.70 are two figures, not one merged cell.
    """
    out: list[tuple[int, str]] = []
    for col, text in cells:
        if out and out[-1][0] == col - 1 and out[-1][1] == text:
            if header is None or (
                col < len(header) and header[col] and header[col] == header[col - 1]
            ):
                out[-1] = (out[-1][0], text)
                continue
        out.append((col, text))
    return out


def _match_alias(cell: str, aliases: dict[str, tuple[str, ...]]) -> str | None:
    c = compact(cell)
    best: tuple[int, str] | None = None
    for fld, names in aliases.items():
        for name in names:
            if c == name or (c.startswith(name) and len(c) <= len(name) + 12):
                if best is None or len(name) > best[0]:
                    best = (len(name), fld)
    return best[1] if best else None


def _header_fields(row: Row, aliases: dict[str, tuple[str, ...]]) -> list[tuple[str, int]]:
    out = []
    seen = set()
    for i, cell in _non_empty(row):
        fld = _match_alias(cell, aliases)
        if fld and fld not in seen:
            out.append((fld, i))
            seen.add(fld)
    return out


def _label_key(cell: str) -> str:
    c = compact(cell).rstrip(":：")
    c = re.sub(r"^其中[:：]?", "", c)
    return c


def _label_level(text: str) -> int:
    """1 for an 一级指标 label, 2 for an 二级指标 label, 0 when the template vocabulary can't tell."""
    t = compact(text)
    if not t:
        return 0
    in1 = any(lbl.startswith(t) or (t.endswith("指标") and lbl == t) for lbl in vocab.LEVEL1_LABELS)
    in2 = any(lbl.startswith(t) for lbl in vocab.LEVEL2_LABELS)
    if in1 and not in2:
        return 1
    if in2 and not in1:
        return 2
    return 0


def _looks_label(text: str) -> bool:
    t = compact(text)
    if any(lbl.startswith(t) for lbl in vocab.LEVEL1_LABELS + vocab.LEVEL2_LABELS):
        return True
    return len(t) <= 12 and (t.endswith("指标") or t.endswith("标") or t.endswith("指") or len(t) <= 5)


# ---------------------------------------------------------------------------------------------
# Indicator rows


def _assign(cells: list[tuple[int, str]], header: list[tuple[str, int]], declaration: bool) -> dict | None:
    """Assign a row's non-empty cells to header fields, in order, by plausibility.

    Real rows lose leading cells to merged cells above and drift between columns in PDF text, so
    positions alone are not trusted: every order-preserving assignment is scored by what each cell
    looks like (numbers for 分值/得分, labels ending in 指标, a name that is words) and by how close it is to
    its header column.
    """
    fields_ = [f for f, _ in header]
    col_of = dict(header)
    n, k = len(fields_), len(cells)
    if k == 0 or k > n:
        return None
    best_score, best = float("-inf"), None
    required = {"name", "target"} if declaration else {"name", "weight"}
    for combo in itertools.combinations(range(n), k):
        score = 0.0
        chosen = {fields_[j] for j in combo}
        if not required <= chosen:
            continue
        ok = True
        for (col, text), j in zip(cells, combo, strict=True):
            f = fields_[j]
            numeric = is_plain_number(text)
            if f in ("weight", "score"):
                if not numeric:
                    ok = False
                    break
                score += 3
            elif f in ("level1", "level2"):
                if not _looks_label(text):
                    ok = False
                    break
                level = _label_level(text)
                if f == "level1":
                    score += {1: 2, 0: 0, 2: -2}[level]
                else:
                    score += {2: 1, 0: 0.5, 1: -1}[level]
            elif f == "name":
                score += -3 if numeric else 1
            elif f == "unit":
                score += 1 if len(compact(text)) <= 6 and not numeric else -3
            elif f == "note":
                score += -1 if numeric else 0.5
            else:  # target / actual
                score += 1
            score -= 0.1 * abs(col - col_of[f])
        if not ok:
            continue
        # Prefer filling target/actual over leaving them empty.
        score += 0.5 * len(chosen & {"target", "actual", "score"})
        if score > best_score:
            best_score, best = score, {fields_[j]: (text, col) for (col, text), j in zip(cells, combo, strict=True)}
    return best


# ---------------------------------------------------------------------------------------------
# The parser


def parse_loaded(loaded: Loaded) -> Document:
    """Rows of one file -> Document.

    Raises:
        NotAPerformanceTableError: no 项目名称 row, i.e. not a 自评表/申报表 at all.
    """
    name = Path(loaded.path).name
    warnings: list[ParseWarning] = list(loaded.warnings)
    drafts: list[_ProjectDraft] = []
    year: int | None = None
    title_kind: str | None = None
    current: _ProjectDraft | None = None
    for row in loaded.rows:
        cells = _merge_runs(_non_empty(row), current.header_cells if current else None)
        if not cells:
            continue
        first = compact(cells[0][1])
        distinct = {compact(c) for _, c in cells}
        joined = first if len(distinct) == 1 else compact("".join(c for _, c in cells))
        if len(distinct) == 1 and not first.startswith("项目名称"):
            if _is_title(joined):
                title_kind = _title_kind(joined) or title_kind
                y = _YEAR.search(joined)
                if y:
                    year = int(y.group(1))
                continue
            if re.fullmatch(r"[(（]?\d{4}年度?[)）]?", joined):
                year = int(joined.strip("()（）")[:4])
                continue
            if re.fullmatch(r"[-—第\s]*\d+[-—页\s/共]*\d*页?", joined):
                continue  # page number
        if first.startswith("项目名称"):
            current = _ProjectDraft(start=row, year=year, title_kind=title_kind)
            drafts.append(current)
        if current is None:
            warnings.append(ParseWarning(row.line, "表格之前的内容未识别", row.text, row.page))
            continue
        current.rows.append(row)
        problem = _consume(current, row, cells)
        if problem:
            warnings.append(ParseWarning(row.line, problem, row.text, row.page))
    if not drafts:
        raise NotAPerformanceTableError(
            f"{name}: 未找到绩效自评表或绩效目标申报表（没有“项目名称”行），请确认文件是财政项目支出绩效表"
        )
    projects = []
    for d in drafts:
        project, more = _finish(d, name, loaded.sha256)
        projects.append(project)
        warnings.extend(more)
    kinds = {p.kind for p in projects}
    kind = "self_evaluation" if "self_evaluation" in kinds else "declaration"
    return Document(
        path=loaded.path, sha256=loaded.sha256, kind=kind, projects=tuple(projects), warnings=tuple(warnings)
    )


def parse_file(path: str | Path, max_mb: int = 50) -> Document:
    """Read and parse one document.

    Example:
        doc = parse_file("corpus/samples/2023_self_evaluation_shanghai_eeb.txt")
        doc.projects[0].indicators[0].target.value  # Decimal('2.00')
    """
    return parse_loaded(load(path, max_mb=max_mb))


def _is_title(text: str) -> bool:
    return (len(text) <= 50 and "绩效" in text and text.endswith("表")) or bool(
        re.fullmatch(r"[(（]\d{4}年度[)）]", text)
    )


def _title_kind(text: str) -> str | None:
    if any(w in text for w in vocab.TITLE_SELF_EVALUATION):
        return "self_evaluation"
    if "申报" in text or "目标表" in text:
        return "declaration"
    return None


def _consume(d: _ProjectDraft, row: Row, cells: list[tuple[int, str]]) -> str | None:
    """Feed one row into the project being read; return a warning text if it was not understood."""
    keys = [_label_key(c) for _, c in cells]
    for step in (_header_fields_row, _total_row, _budget_row, _funding_row, _unit_row, _goal_header_row,
                 _indicator_header_row, _goal_text_row):
        if step(d, row, cells, keys):
            return None
    if d.section == "indicators" and d.ind_header:
        return _consume_indicator(d, row, cells)
    if d.section == "total" or all(_is_section_label(k) for k in keys):
        return None
    return "未识别的行"


_Cells = list[tuple[int, str]]


def _header_fields_row(d: _ProjectDraft, row: Row, cells: _Cells, keys: list[str]) -> bool:
    """(label, value) pairs: 项目名称, 主管部门/实施单位, 项目性质, dates, 评分等级."""
    if not ((any(k in vocab.HEADER_FIELDS for k in keys) and d.section != "indicators")
            or keys[0] in ("评分等级", "自评等级")):
        return False
    for idx, (_, c) in enumerate(cells):
        fld = vocab.HEADER_FIELDS.get(_label_key(c))
        if fld and idx + 1 < len(cells) and _label_key(cells[idx + 1][1]) not in vocab.HEADER_FIELDS:
            d.fields.setdefault(fld, clean_text(cells[idx + 1][1]))
    return True


def _total_row(d: _ProjectDraft, row: Row, cells: _Cells, keys: list[str]) -> bool:
    if not (keys[0] in ("总分", "合计总分", "总得分") or (keys[0] == "合计" and d.section == "indicators")):
        return False
    nums = [to_decimal(c) for _, c in cells[1:] if to_decimal(c) is not None]
    if len(nums) >= 2:
        d.total_weight, d.total_score = nums[-2], nums[-1]
    elif nums:
        d.total_score = nums[-1]
    d.total_row = row
    d.section = "total"
    return True


def _budget_row(d: _ProjectDraft, row: Row, cells: _Cells, keys: list[str]) -> bool:
    """The budget block of a self-evaluation: its header, then its lines."""
    header = _header_fields(row, vocab.BUDGET_HEADER_ALIASES)
    if len(header) >= 3 and {"planned", "adjusted"} <= {f for f, _ in header} | {"planned"}:
        d.budget_header = [f for f, _ in header]
        d.header_cells = tuple(compact(c) for c in row.cells)
        d.budget_unit = _unit_in(row.text) or d.budget_unit
        d.section = "budget"
        return True
    if d.section != "budget" or not d.budget_header:
        return False
    label = next((vocab.BUDGET_LINE_LABELS[k] for k in keys if k in vocab.BUDGET_LINE_LABELS), None)
    if not label:
        return False
    li = next(i for i, k in enumerate(keys) if k in vocab.BUDGET_LINE_LABELS)
    values = [c for _, c in cells[li + 1 :]]
    figures = {f: to_decimal(v) for f, v in zip(d.budget_header, values, strict=False)}
    d.budget_lines.append((label, figures, row))
    if _unit_in(row.text):
        d.budget_unit = _unit_in(row.text)
    return True


def _funding_row(d: _ProjectDraft, row: Row, cells: _Cells, keys: list[str]) -> bool:
    """A row of the declaration's funding block (two blocks side by side: 其他资金 twice)."""
    funding_row = any(k in vocab.FUNDING_LABELS for k in keys) or (d.section == "funding" and "其他资金" in keys)
    if not funding_row or d.section not in ("header", "funding", "budget"):
        return False
    if _unit_in(row.text):
        d.funding_unit = _unit_in(row.text)
    d.section = "funding"
    d.funding_rows.append(row)
    others = [i for i, k in enumerate(keys) if k == "其他资金"]
    for idx, (col, c) in enumerate(cells):
        k = _label_key(c)
        fld = vocab.FUNDING_LABELS.get(k)
        if k == "年度资金申请总额":
            d.funding_right_col = col
        if k == "其他资金":
            right = (len(others) == 2 and idx == others[1]) or (
                len(others) == 1 and d.funding_right_col is not None and col >= d.funding_right_col - 1
            )
            fld = "annual_other" if right else "other"
        if fld:
            nxt = cells[idx + 1][1] if idx + 1 < len(cells) else None
            value = to_decimal(nxt) if nxt is not None else None
            d.funding.setdefault(fld, value)
    return True


def _unit_row(d: _ProjectDraft, row: Row, cells: _Cells, keys: list[str]) -> bool:
    if d.section in ("header", "budget", "funding") and _unit_in(row.text) and len(cells) <= 2:
        d.funding_unit = d.budget_unit = _unit_in(row.text)
        return True
    return False


def _goal_header_row(d: _ProjectDraft, row: Row, cells: _Cells, keys: list[str]) -> bool:
    goal_header = [(vocab.GOAL_HEADERS[k], col) for (col, _), k in zip(cells, keys, strict=True)
                   if k in vocab.GOAL_HEADERS]
    labels_only = all(k in vocab.GOAL_HEADERS or _is_section_label(k) for k in keys)
    if not (goal_header and labels_only and d.section != "indicators"):
        return False
    # 年度总体目标 is both a section label (self-evaluation) and a column (declaration).
    cols = list(goal_header)
    if len(cols) >= 2 and cols[0][0] == "annual" and cols[1][0] in ("expected", "achieved"):
        cols = cols[1:]
    seen: set[str] = set()
    cols = [c for c in cols if not (c[0] in seen or seen.add(c[0]))]
    if len(cols) >= 2 or (cols and cols[0][0] != "annual"):
        d.goal_header = cols
        d.header_cells = tuple(compact(c) for c in row.cells)
        d.section = "goals"
    return True


def _indicator_header_row(d: _ProjectDraft, row: Row, cells: _Cells, keys: list[str]) -> bool:
    ind_header = _header_fields(row, vocab.INDICATOR_HEADER_ALIASES)
    if not ({"name", "target"} <= {f for f, _ in ind_header} and len(ind_header) >= 3):
        return False
    d.ind_header = ind_header
    d.header_cells = tuple(compact(c) for c in row.cells)
    d.section = "indicators"
    return True


def _goal_text_row(d: _ProjectDraft, row: Row, cells: _Cells, keys: list[str]) -> bool:
    if d.section != "goals" or not d.goal_header:
        return False
    texts = [(col, c) for col, c in cells if not _is_section_label(_label_key(c))]
    if not texts:
        return True
    cols = d.goal_header
    if len(texts) >= len(cols):
        head = [c for _, c in texts[: len(cols) - 1]]
        pairs = list(zip([f for f, _ in cols], [*head, " ".join(c for _, c in texts[len(cols) - 1 :])], strict=True))
    else:
        pairs = [(min(cols, key=lambda fc, col=col: abs(fc[1] - col))[0], c) for col, c in texts]
    for fld, c in pairs:
        d.goal_texts.setdefault(fld, []).append((c, row))
    return True


def _is_section_label(key: str) -> bool:
    k = key.replace("(", "").replace(")", "")
    return any(k == s or (s.startswith(k) and len(k) >= 2) for s in vocab.SECTION_LABELS) or k in (
        "年度",
        "总体",
        "目标",
        "项目",
        "绩效",
        "指标",
    )


def _consume_indicator(d: _ProjectDraft, row: Row, cells: list[tuple[int, str]]) -> str | None:
    declaration = "weight" not in {f for f, _ in d.ind_header or []}
    header = d.ind_header or []
    data = [(col, c) for col, c in cells if not (col == 0 and _is_section_label(_label_key(c)) and len(cells) > 1)]
    has_number = any(is_plain_number(c) for _, c in data)
    assignment = None
    if (declaration and len(data) >= 2) or (not declaration and has_number):
        assignment = _assign(data, header, declaration)
    if assignment is None:
        if not d.indicators:
            # Label-only rows before the first indicator (e.g. a broken 一级指标 cell).
            return None if all(_looks_label(c) for _, c in data) else "指标行无法识别"
        _continue_indicator(d.indicators[-1], row, data)
        return None
    prev = d.indicators[-1] if d.indicators else None
    l1 = assignment.get("level1")
    l2 = assignment.get("level2")
    # A label fragment that completes the label above (质量 / 指标 on the next PDF line).
    if prev and l2 and not l1 and _completes(prev.level2.text, l2[0]):
        prev.level2.extend(compact(l2[0]))
        assignment.pop("level2")
        l2 = None
    if prev and l1 and not l2 and _completes(prev.level1.text, l1[0]):
        prev.level1.extend(compact(l1[0]))
        assignment.pop("level1")
        l1 = None
    if l1:
        level1 = _Label(compact(l1[0]))
        level2 = _Label(compact(l2[0])) if l2 else _Label("")
    elif l2:
        level1 = prev.level1 if prev else _Label("")
        level2 = _Label(compact(l2[0]))
    else:
        level1 = prev.level1 if prev else _Label("")
        level2 = prev.level2 if prev else _Label("")
    d.indicators.append(
        _IndicatorDraft(
            level1=level1,
            level2=level2,
            cells={f: v[0] for f, v in assignment.items()},
            columns={f: v[1] for f, v in assignment.items()},
            rows=[row],
        )
    )
    return None


def _completes(label: str, fragment: str) -> bool:
    """True when `fragment` is the rest of a label broken across lines (可持 + 续影响指标)."""
    if not label or label.endswith("指标"):
        return False
    whole = label + compact(fragment)
    return whole.endswith("指标") or any(lbl.startswith(whole) for lbl in vocab.LEVEL1_LABELS + vocab.LEVEL2_LABELS)


def _continue_indicator(ind: _IndicatorDraft, row: Row, data: list[tuple[int, str]]) -> None:
    """A row without its own figures: the rest of cells broken across lines in the row above."""
    ind.rows.append(row)
    for col, text in data:
        # The field whose cell was nearest this column (label fragments go to their label).
        candidates = dict(ind.columns)
        if "level2" not in candidates and _looks_label(text):
            target_field = "level2"
        elif "level1" not in candidates and col == 0 and _looks_label(text):
            target_field = "level1"
        else:
            target_field = min(candidates, key=lambda f: (abs(candidates[f] - col), f != "name"))
        if target_field == "level1":
            ind.level1.extend(compact(text))
        elif target_field == "level2":
            ind.level2.extend(compact(text))
        elif target_field in ("weight", "score"):
            continue
        else:
            ind.cells[target_field] = ind.cells.get(target_field, "") + text
