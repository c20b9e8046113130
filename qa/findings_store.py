"""Findings computed once per index generation and stored with it; read back by ask, 核查, 总览 and `check`.

The findings of an index depend only on its records and the Settings (and on whether the semantic rules
had the model), so `compute_and_store` runs every rule once when a generation is written and the index
keeps the result as JSON rows under a key hashed from those; `findings_of` reads them and computes them
again only where none are stored for this generation and key (an index written before this, other
settings, rules of another version).
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from corpus.model import Finding, from_jsonable, to_jsonable
from corpus.settings import Settings

if TYPE_CHECKING:
    from index.protocol import SearchIndex

# Bump when a rule's output changes for the same records and settings: stored findings are then recomputed.
FINDINGS_VERSION = "1"

# Per process: the findings of the generation last read, so that a question does not decode JSON again.
_cache: dict[tuple[str, str, str], list[Finding]] = {}
_cache_lock = threading.Lock()


def findings_key(settings: Settings, with_model: bool) -> str:
    """A hash of what the findings depend on besides the records: the settings, the rules, the model's use."""
    from qa.checks import RULES

    what = {
        "version": FINDINGS_VERSION,
        "settings": settings.to_dict(),
        "rules": sorted(RULES),
        "model": settings.model if with_model else None,
    }
    return hashlib.sha256(json.dumps(what, sort_keys=True, default=str).encode()).hexdigest()[:32]


def stored(index: SearchIndex, settings: Settings, with_model: bool = True) -> list[Finding] | None:
    """The findings stored with the index's current generation under these settings, or None."""
    key = findings_key(settings, with_model)
    generation = str(index.manifest.get("generation"))
    cache_key = (str(index.directory), generation, key)
    with _cache_lock:
        found = _cache.get(cache_key)
    if found is not None:
        return found
    rows = index.stored_findings(key)
    if rows is None:
        return None
    found = [decode(r) for r in rows]
    _remember(cache_key, found)
    return found


def compute_and_store(index: SearchIndex, settings: Settings, embedder: Any | None) -> list[Finding]:
    """Every rule over the index's documents (semantic rules with `embedder` when given), stored with the
    generation they were computed on. Returns the findings."""
    from qa.checks import run_checks

    generation = str(index.manifest.get("generation"))
    documents = index.documents()
    found = run_checks(documents, settings=settings, embedder=embedder) if documents else []
    key = findings_key(settings, embedder is not None)
    index.store_findings(key, [encode(f) for f in found], generation)
    _remember((str(index.directory), generation, key), found)
    return found


def findings_of(index: SearchIndex, settings: Settings, embedder: Any | None) -> list[Finding]:
    """The stored findings of the index's generation, or computed (and stored) where none are."""
    found = stored(index, settings, embedder is not None)
    return found if found is not None else compute_and_store(index, settings, embedder)


def _remember(cache_key: tuple[str, str, str], found: list[Finding]) -> None:
    with _cache_lock:
        for old in [k for k in _cache if k[0] == cache_key[0] and k != cache_key]:
            del _cache[old]
        _cache[cache_key] = found


# ------------------------------------------------------------------------------------------ JSON rows


def encode(finding: Finding) -> dict[str, Any]:
    """A finding as a JSON object; figures in its evidence keep their digits and their type."""
    row = to_jsonable(finding, exact=True)
    row["evidence"] = {k: _tagged(v) for k, v in finding.evidence.items()}
    return row


def decode(row: dict[str, Any]) -> Finding:
    """The inverse of `encode`."""
    finding = from_jsonable(Finding, {**row, "evidence": {}})
    return replace(finding, evidence={k: _untagged(v) for k, v in row.get("evidence", {}).items()})


def _tagged(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, tuple):
        return {"$tuple": [_tagged(v) for v in value]}
    if isinstance(value, list):
        return [_tagged(v) for v in value]
    if isinstance(value, dict):
        return {"$dict": [[_tagged(k), _tagged(v)] for k, v in value.items()]}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return {"$str": str(value)}


def _untagged(value: Any) -> Any:
    if isinstance(value, list):
        return [_untagged(v) for v in value]
    if isinstance(value, dict):
        if "$decimal" in value:
            return Decimal(value["$decimal"])
        if "$tuple" in value:
            return tuple(_untagged(v) for v in value["$tuple"])
        if "$dict" in value:
            return {_untagged(k): _untagged(v) for k, v in value["$dict"]}
        if "$str" in value:
            return value["$str"]
    return value
