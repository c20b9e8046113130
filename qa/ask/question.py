"""A question read into slots: project names, years, document kinds, field aliases and organisations."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from corpus.settings import Settings
from index import segment
from qa.ask.near import continues_name, near_names, near_terms
from qa.ask.text import TEXT
from qa.ask.words import (
    _BOUNDARY,
    _CJK,
    _GENERIC_WORDS,
    MAX_SUGGESTIONS,
    PROJECT_WORD,
    _alias_table,
    _compact,
    vocabulary,
)
from qa.labels import KIND_LABELS

if TYPE_CHECKING:
    from qa.ask.catalogue import Catalogue


# Project names resolved by meaning: cosine of e5 query vectors, calibrated on the samples: a right short form
# scores 0.91-0.98 and leads by 0.05 or more; a name that is not there still scores about 0.92 against some
# project, but only 0.02-0.03 ahead of the next, so it is refused and the nearest names are suggested.
_YEAR = re.compile(r"((?:19|20)[0-9]{2})年度?")
_QUOTED = re.compile(r"[“\"「『《‘]([^”\"」』》’]{2,60})[”\"」』》’]")


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
    how: str  # exact | partial | semantic | ambiguous | missing | near (offered in suggestions, never taken)
    suggestions: list[str] = field(default_factory=list)
    terms: list[str] = field(
        default_factory=list
    )  # near: the name words one character off the words (执发 -> 执法)


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
    # 4b. A full name the question carries on (测试项目三 where only 测试项目 exists) names another project.
    _carried_on_names(p, cat)
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
            if ref is None and not _org_in(words, cat):
                near = near_names(words, cat)  # 河道保洁作叶的得分: a typo in a whole name
                ref = ProjectRef(words, [], "near", near) if near else None
            if ref is not None and ref.how in ("exact", "partial", "near"):
                p.spans.append(Span(start, end, "project", words))
                p.refs.append(ref)
    return p


def _stop_words() -> set[str]:
    """Words that begin the rest of a question after a project's name (的得分, 有哪些, 和 …)."""
    v = vocabulary()
    words = _cue_words() + v["question_words"] + v["span_stop_words"]
    return {_compact(w) for w in words} | set(segment.stopwords())


def _carried_on_names(p: Parsed, cat: Catalogue) -> None:
    """A full name followed by more of a name (测试项目三, 测试项目（二期）) names a project the index may not
    hold: the reference becomes a near miss that offers the name found, instead of answering for it."""
    stop = None
    for ref in p.refs:
        if ref.how != "exact":
            continue
        span = next((s for s in p.spans if s.kind == "project" and s.value == ref.words), None)
        if span is None:
            continue
        end = span.end
        while end < len(p.text) and p.free(end, end + 1) and p.text[end] not in _BOUNDARY:
            end += 1
        stop = stop if stop is not None else _stop_words()
        if not continues_name(span.value, p.text[span.end : end], stop, cat):
            continue
        words = p.text[span.start : end]
        offered = [*ref.names, *(n for n in near_names(words, cat) if n not in ref.names)]
        ref.words, ref.names, ref.how, ref.suggestions = words, [], "near", offered[:MAX_SUGGESTIONS]
        span.end, span.value = end, words


def _resolve_near(ref: ProjectRef, cat: Catalogue) -> None:
    """A missing reference that is a typo of a name (a near miss, offered), else of a word of the names."""
    if ref.how != "missing":
        return
    names = near_names(ref.words, cat)
    if names:
        ref.how, ref.suggestions = "near", names
        return
    terms = near_terms(ref.words, cat)
    if terms:
        ref.how, ref.terms = "near", [t for t, _names in terms]
        ref.suggestions = list(dict.fromkeys(n for _t, names in terms for n in names))[:MAX_SUGGESTIONS]


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


def _resolve_semantic(
    ref: ProjectRef, cat: Catalogue, embedder: Any, settings: Settings, index: Any = None
) -> None:
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
    if best >= settings.project_semantic_min and best - second >= settings.project_semantic_margin:
        ref.names, ref.how = [cat.names[order[0]]], "semantic"
    else:
        ref.suggestions = [cat.names[i] for i in order[:MAX_SUGGESTIONS]]


def _item_level(p: Parsed) -> str:
    """Whether the question is about indicators (哪些指标, 几个指标) or projects."""
    t = p.without(["project"])
    if re.search(vocabulary()["indicator_question_pattern"], t):
        return "indicator"
    return "project"


def _is_listing(p: Parsed) -> bool:
    return bool(p.has(vocabulary()["list_words"])) and PROJECT_WORD in p.without(["project"])


def _count_request(p: Parsed) -> bool:
    return bool(re.search(vocabulary()["count_pattern"], p.without(["project"])))


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
