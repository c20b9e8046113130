"""A seeded generator of realistic 自评表/申报表 text files with planted inconsistencies and their ground truth.

The command line and the names the benchmark imports; the generator itself is the package bench/gen/.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as `python bench/generate.py`
    sys.path.insert(0, str(ROOT))

from bench.gen.aspects import (  # noqa: E402
    ASPECTS,
    CATEGORIES,
    DATE_TARGETS_DECL,
    DATE_TARGETS_SELF,
    GRADES,
    LEVEL1_OF,
    LEVEL_ORDER,
    NATURES,
    SHORTFALL_CAUSES,
    SHORTFALL_FIXES,
    VAGUE_TARGETS,
)
from bench.gen.corpus import (  # noqa: E402
    DOCS_DIR,
    GENERATOR_VERSION,
    MANIFEST_FILE,
    PROJECTS_FILE,
    SELF_EVALUATION_SHARE,
    TRUTH_FILE,
    Corpus,
    cached,
    generate,
    load_truth,
)
from bench.gen.forms import render_declaration, render_self_evaluation  # noqa: E402
from bench.gen.generator import Generator  # noqa: E402
from bench.gen.numbers import budget_score, dec, fmt, fmt_count, grade_of, rate_of  # noqa: E402
from bench.gen.records import GenIndicator, GenProject, Layout  # noqa: E402
from bench.gen.rules import (  # noqa: E402
    INDICATOR_RULES_DECL,
    INDICATOR_RULES_SELF,
    NOTE_UNITS,
    PLANTED_RULES,
    PROJECT_LEVEL_RULES,
    PROJECT_RULES_DECL,
    PROJECT_RULES_SELF,
)
from bench.gen.vocab import DOMAINS, NAME_QUALIFIERS, NAME_SUFFIXES, REGIONS  # noqa: E402

__all__ = [
    "ASPECTS",
    "CATEGORIES",
    "DATE_TARGETS_DECL",
    "DATE_TARGETS_SELF",
    "DOCS_DIR",
    "DOMAINS",
    "GENERATOR_VERSION",
    "GRADES",
    "INDICATOR_RULES_DECL",
    "INDICATOR_RULES_SELF",
    "LEVEL1_OF",
    "LEVEL_ORDER",
    "MANIFEST_FILE",
    "NAME_QUALIFIERS",
    "NAME_SUFFIXES",
    "NATURES",
    "NOTE_UNITS",
    "PLANTED_RULES",
    "PROJECTS_FILE",
    "PROJECT_LEVEL_RULES",
    "PROJECT_RULES_DECL",
    "PROJECT_RULES_SELF",
    "REGIONS",
    "SELF_EVALUATION_SHARE",
    "SHORTFALL_CAUSES",
    "SHORTFALL_FIXES",
    "TRUTH_FILE",
    "VAGUE_TARGETS",
    "Corpus",
    "GenIndicator",
    "GenProject",
    "Generator",
    "Layout",
    "budget_score",
    "cached",
    "dec",
    "fmt",
    "fmt_count",
    "generate",
    "grade_of",
    "load_truth",
    "main",
    "rate_of",
    "render_declaration",
    "render_self_evaluation",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Generate a benchmark corpus of 自评表/申报表 with planted errors."
    )
    parser.add_argument("--projects", type=int, default=1000, help="how many projects (default 1000)")
    parser.add_argument("--out", required=True, help="the corpus directory")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--rate", type=float, default=0.05, help="share of rows given a planted error (default 0.05)"
    )
    args = parser.parse_args(argv)
    c = generate(args.out, args.projects, args.seed, args.rate)
    sys.stdout.write(
        f"{c.projects} projects in {c.documents} documents, {c.indicators} indicators, {c.planted} planted errors -> {c.root}\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
