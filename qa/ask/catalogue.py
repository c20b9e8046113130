"""What questions are resolved against (names, units, organisations), and the caches kept per index generation."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from corpus.model import Document, Finding, Project
from corpus.settings import Settings
from index import segment
from qa.ask.figures import _project_figure
from qa.ask.money import _unit
from qa.ask.words import _compact, vocabulary
from qa.coverage import part_unread

if TYPE_CHECKING:
    import numpy as np

    from index.protocol import SearchIndex
    from qa.ask.figures import Figure


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
        # (document sha256, project index in the document) -> its entry: how a mentions answer finds it.
        self.by_location: dict[tuple[str, int], Entry] = {}
        for doc in documents:
            for pi, project in enumerate(doc.projects):
                entry = Entry(doc, project, len(self.entries), _compact(project.name))
                self.entries.append(entry)
                self.by_location[(doc.sha256, pi)] = entry
        self.by_key: dict[str, list[Entry]] = {}
        for e in self.entries:
            if e.key:
                self.by_key.setdefault(e.key, []).append(e)
        self.names: list[str] = list(dict.fromkeys(e.name for e in self.entries if e.key))
        self.name_keys: list[str] = [_compact(n) for n in self.names]
        self.longest = max((len(k) for k in self.by_key), default=0)
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
        self._derived: dict[tuple, Any] = {}  # built on first use (or by qa.ask.prepare), then kept
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

    def _kept(self, key: tuple, build: Callable[[], Any]) -> Any:
        """`build()` the first time `key` is asked for, then the same object (per catalogue)."""
        with self._lock:
            found = self._derived.get(key)
        if found is None:
            found = build()
            with self._lock:
                found = self._derived.setdefault(key, found)
        return found

    def in_years(self, years: Iterable[int]) -> list[Entry]:
        """The entries of these years, in catalogue order (entries by year built once)."""

        def build() -> dict[int | None, list[Entry]]:
            by_year: dict[int | None, list[Entry]] = {}
            for e in self.entries:
                by_year.setdefault(e.project.year, []).append(e)
            return by_year

        by_year = self._kept(("by_year",), build)
        lists = [by_year.get(y, []) for y in dict.fromkeys(years)]
        if len(lists) == 1:
            return lists[0]
        return sorted((e for part in lists for e in part), key=lambda e: e.position)

    def ranked(self, field_name: str, descending: bool) -> list[Figure]:
        """Every project's figure of a project-level field in rank order (ties in project order), built once
        per field and direction: a ranking over all projects reads it instead of sorting 100k figures."""
        return self._kept(
            ("ranked", field_name, descending),
            lambda: rank_order(self.project_figures(field_name), descending),
        )

    def project_lacking(self, field_name: str) -> list[Entry]:
        """The entries with no figure for a project-level field, in catalogue order (built once per field)."""

        def build() -> list[Entry]:
            have = {f.entry.position for f in self.project_figures(field_name)}
            return [e for e in self.entries if e.position not in have]

        return self._kept(("lacking", field_name), build)

    def project_figures(self, field_name: str) -> list[Figure]:
        """The figure of a project-level field for every project that has it filled (cached per field)."""
        return self._kept(
            ("figures", field_name),
            lambda: [
                f
                for e in self.entries
                if (f := _project_figure(e, field_name)) is not None and f.value is not None
            ],
        )

    def name_vectors(self, embedder: Any, index: SearchIndex | None = None) -> np.ndarray:
        """The query embedding of every name: stored by the index at ingest when it has them (embedding
        26k distinct names at 100k projects took minutes), else embedded now."""
        with self._lock:
            if self._name_vectors is None:
                found = index.name_vectors(self.names) if index is not None else None
                self._name_vectors = found if found is not None else embedder.encode_queries(self.names)
            return self._name_vectors


def rank_order(figures: Iterable[Figure], descending: bool) -> list[Figure]:
    """Figures by value (largest first when `descending`), ties in project order."""
    return sorted(figures, key=lambda f: (-(f.base or 0) if descending else (f.base or 0), f.entry.position))


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
_build_lock = threading.Lock()
_catalogues: dict[tuple[str, str], Catalogue] = {}
_findings_cache: dict[tuple[str, str, str, tuple[str, ...]], list[Finding]] = {}


def _index_key(index: SearchIndex) -> tuple[str, str]:
    return str(index.directory), str(index.manifest.get("generation"))


def _catalogue(index: SearchIndex) -> Catalogue:
    key = _index_key(index)
    with _caches_lock:
        cat = _catalogues.get(key)
    if cat is None:
        # One build at a time: a question asked while `prepare` builds waits for that catalogue instead of
        # building a second one beside it (20 s of CPU at 100k projects).
        with _build_lock:
            with _caches_lock:
                cat = _catalogues.get(key)
            if cat is None:
                cat = Catalogue(index.documents())
                with _caches_lock:
                    for old in [k for k in _catalogues if k[0] == key[0]]:
                        del _catalogues[old]
                    _catalogues[key] = cat
    return cat


def _findings(index: SearchIndex, rules: Sequence[str], settings: Settings) -> list[Finding]:
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

    def __init__(self, index: SearchIndex) -> None:
        self._index = index

    def __getattr__(self, name: str) -> Any:
        return getattr(_embedder(self._index), name)


def _embedder(index: SearchIndex) -> Any:
    return index.embedder()
