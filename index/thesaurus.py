"""Other names of a topic: the domain thesaurus (data/thesaurus.json) and the short forms texts define.

A topic's other names come from two places. The thesaurus holds the field's vocabulary as data: groups
of full forms and aliases (`terms`), abbreviations (`short`), parts or instances (`narrower`) and
associated concepts (`related`, the terms of another group). And the corpus itself defines short forms
in parentheses: 全国碳排放权交易市场（以下简称“碳市场”） links 碳市场 to its full form wherever else it
is written. Both are read in both directions: a full form finds its abbreviation and the reverse.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from index import segment
from index.passages import MATCH_LABELS, MatchKind

THESAURUS_PATH = Path(__file__).parent / "data" / "thesaurus.json"

# A parenthesis right after a run of CJK characters: 全称（简称）, 简称（全称）, 全称（以下简称“简称”）.
# Texts are compact (NFKC), so （ is already (.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PARENTHETICAL = re.compile(
    rf"([{_CJK}]{{2,30}})\((?:以下简称|以下称|简称|下称)?[“\"‘']?([{_CJK}]{{2,30}})[”\"’']?\)"
)

# Kinds, strongest first: a term of the topic's own group before one it is only associated with.
KIND_ORDER: tuple[MatchKind, ...] = tuple(MATCH_LABELS)


@dataclass(frozen=True)
class Group:
    """One concept: its full forms and aliases, abbreviations, narrower terms and related terms."""

    terms: tuple[str, ...]
    short: tuple[str, ...] = ()
    narrower: tuple[str, ...] = ()
    related: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every name of the concept itself (full forms, aliases and abbreviations)."""
        return self.terms + self.short


class Thesaurus:
    """The groups of the thesaurus, with lookups by any of their words (compact forms)."""

    def __init__(self, groups: Iterable[Group]) -> None:
        self.groups = tuple(groups)

    @classmethod
    def load(cls, path: Path = THESAURUS_PATH) -> Thesaurus:
        raw = json.loads(path.read_text(encoding="utf-8"))

        def words(group: dict, key: str) -> tuple[str, ...]:
            return tuple(dict.fromkeys(segment.compact(w) for w in group.get(key, ()) if w.strip()))

        return cls(
            Group(words(g, "terms"), words(g, "short"), words(g, "narrower"), words(g, "related"))
            for g in raw["groups"]
        )

    def names(self) -> list[str]:
        """Every full form, alias and abbreviation of the thesaurus, the longest first."""
        return sorted({n for g in self.groups for n in g.names}, key=lambda n: (-len(n), n))

    def knows(self, topic: str) -> bool:
        """Whether `topic` (compact) names a concept of the thesaurus."""
        return any(topic in g.names for g in self.groups)

    def alternatives(self, topic: str) -> dict[str, MatchKind]:
        """The other words that mention `topic` (compact), each with why.

        abbreviation: a short form of a full-form topic, or a full form of a short one (环评 ↔ 环境影响评价);
        alias: another full form, or another short form (碳排放权交易 ↔ 碳排放交易); semantic: a narrower
        term (双碳 → 碳达峰), the concept a narrower topic belongs to (碳达峰 → 双碳), or the names and
        narrower terms of a related concept (乡村振兴 → 脱贫攻坚, 贫困地区). One hop only: 碳达峰 does
        not reach its sibling 碳中和.
        """
        found: dict[str, MatchKind] = {}

        def add(words: Iterable[str], kind: MatchKind) -> None:
            for w in words:
                if w != topic and (w not in found or KIND_ORDER.index(kind) < KIND_ORDER.index(found[w])):
                    found[w] = kind

        for g in self.groups:
            if topic in g.names:
                is_short = topic in g.short
                add(g.terms, "abbreviation" if is_short else "alias")
                add(g.short, "alias" if is_short else "abbreviation")
                add(g.narrower, "semantic")
                for other in self._related_to(g):
                    add(other.names + other.narrower, "semantic")
            elif topic in g.narrower:
                add(g.names, "semantic")
        return found

    def _related_to(self, group: Group) -> list[Group]:
        # Related is symmetric: a group that names one of ours as related is related to ours too.
        return [
            other
            for other in self.groups
            if other is not group
            and (set(group.related) & set(other.names) or set(other.related) & set(group.names))
        ]


@cache
def default_thesaurus() -> Thesaurus:
    """The bundled thesaurus, read once."""
    return Thesaurus.load()


def defined_short_forms(
    texts: Iterable[str], abbreviates: Callable[[str, str], bool]
) -> set[tuple[str, str]]:
    """(short form, full form) pairs that `texts` (compact) define in parentheses.

    全称（简称） and 简称（全称）, with or without 以下简称 and quotes. The outer phrase is the run of
    characters before the parenthesis, so its full form is the longest ending of that run that the
    short form abbreviates (`abbreviates(short, full)`): 全国碳排放权交易市场（碳市场） gives
    (碳市场, 碳排放权交易市场). A parenthesis that is no short form (环境统计（污染源动态更新）) gives nothing.
    """
    pairs: set[tuple[str, str]] = set()
    seen: set[tuple[str, str]] = set()
    for text in texts:
        if "(" not in text:
            continue
        for m in _PARENTHETICAL.finditer(text):
            before, inside = m.group(1), m.group(2)
            if (before, inside) in seen:
                continue
            seen.add((before, inside))
            pair = _short_form_pair(before, inside, abbreviates)
            if pair:
                pairs.add(pair)
    return pairs


def _short_form_pair(
    before: str, inside: str, abbreviates: Callable[[str, str], bool]
) -> tuple[str, str] | None:
    # 全称（简称）: the longest ending of `before` that the parenthesis abbreviates. A short form's
    # characters all occur in its full form, so most parentheses (units, levels, notes) fail at once.
    if set(inside) <= set(before):
        for i in range(len(before) - len(inside)):
            if before[i] == inside[0] and abbreviates(inside, before[i:]):
                return inside, before[i:]
    # 简称（全称）: the longest ending of `before` that abbreviates the parenthesis.
    for i in range(max(0, len(before) - len(inside) + 1), len(before) - 1):
        if before[i] == inside[0] and set(before[i:]) <= set(inside) and abbreviates(before[i:], inside):
            return before[i:], inside
    return None
