"""A corpus on disk: documents of generated projects, the ground truth, the expected figures, a manifest."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from bench.gen.forms import render_declaration, render_self_evaluation
from bench.gen.generator import Generator
from bench.gen.numbers import dec
from bench.gen.records import GenProject, Layout
from bench.gen.rules import PLANTED_RULES, PROJECT_LEVEL_RULES
from bench.gen.vocab import DOMAINS, REGIONS

# Bump when the output for a given (projects, seed, rate) changes, so cached corpora are rebuilt.
GENERATOR_VERSION = 1

TRUTH_FILE = "truth.jsonl"
PROJECTS_FILE = "projects.jsonl"
MANIFEST_FILE = "manifest.json"
DOCS_DIR = "docs"

SELF_EVALUATION_SHARE = 0.7  # of documents


@dataclass(frozen=True)
class Corpus:
    """A generated corpus on disk: its documents, the ground truth and the expected figures."""

    root: Path
    projects: int
    documents: int
    planted: int
    indicators: int

    @property
    def docs(self) -> Path:
        return self.root / DOCS_DIR

    @property
    def truth(self) -> Path:
        return self.root / TRUTH_FILE

    @property
    def expected(self) -> Path:
        return self.root / PROJECTS_FILE

    def files(self) -> list[Path]:
        return sorted(self.docs.glob("*.txt"))


def _layout(rng: random.Random, kind: str) -> Layout:
    unit_column = rng.random() < 0.15
    return Layout(
        weight_header="权重" if rng.random() < 0.25 else "分值",
        unit_column=unit_column,
        money_unit=("元" if rng.random() < 0.2 else "万元")
        if kind == "self_evaluation"
        else ("万元" if rng.random() < 0.15 else "元"),
        commas=rng.random() < 0.8,
        name_gap=rng.random() < 0.6,
        spaced_labels=rng.random() < 0.5,
        markup=rng.random() < 0.2,
        target_style=0 if unit_column else rng.choice((0, 0, 0, 1, 2)),
        drop_leading=0.1 if rng.random() < 0.2 else 0.0,
        target_header=rng.choice(("年度指标值", "年度指标值", "全年指标值")),
        actual_header=rng.choice(("实际完成值", "实际完成值", "全年实际值")),
        note_header=rng.choice(("偏差原因分析及改进措施", "未完成原因分析及改进措施")),
        fill_project_total=rng.random() < 0.3,
    )


def _decimal_str(hundredths: int | None) -> str | None:
    return None if hundredths is None else dec(hundredths)


def _expected_record(p: GenProject) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "document": p.document,
        "project": p.name,
        "kind": p.kind,
        "year": p.year,
        "department": p.department,
        "implementer": p.implementer,
        "indicators": [
            {
                "name": i.name,
                "level1": i.level1,
                "level2": i.level2,
                "target": i.target_text,
                "target_value": _decimal_str(i.target_value),
                "unit": i.unit,
                "actual_value": _decimal_str(i.actual_value) if p.kind == "self_evaluation" else None,
                "weight": _decimal_str(i.weight) if p.kind == "self_evaluation" else None,
                "score": _decimal_str(i.score) if p.kind == "self_evaluation" else None,
                "note": i.note,
                "planted": i.planted,
            }
            for i in p.indicators
        ],
        "planted": sorted({rule for _, rule, _ in p.planted}),
    }
    if p.budget:
        b = p.budget
        factor = 10000 if b["unit"] == "元" else 1
        rec["budget"] = {
            "unit": b["unit"],
            "planned": dec(b["planned"] * factor),
            "adjusted": dec(b["adjusted"] * factor),
            "spent": dec(b["spent"] * factor),
            "weight": dec(b["weight"]),
            "rate": dec(b["rate"]),
            "true_rate": dec(b["true_rate"]),
            "score": dec(b["score"]),
        }
        rec["total_weight"] = dec(p.total_weight or 0)
        rec["total_score"] = dec(p.total_score or 0)
        rec["grade"] = p.grade
    if p.funding:
        f = p.funding
        div = 10000 if f["unit"] == "万元" else 1
        rec["funding"] = {
            "unit": f["unit"],
            **{
                k: dec(f[k] // div)
                for k in (
                    "annual_request",
                    "appropriation",
                    "carryover",
                    "annual_other",
                    "total",
                    "fiscal",
                    "other",
                )
            },
        }
    return rec


def generate(out: str | Path, projects: int, seed: int = 7, rate: float = 0.05) -> Corpus:
    """Write `projects` projects as text documents under `out/docs`, with `truth.jsonl` and `projects.jsonl`.

    Args:
        out: the corpus directory (created; existing files of an older corpus there are replaced).
        projects: how many projects in all (documents hold 5-30 each, like a bureau's annual file).
        seed: the random seed; the same seed and rate give the same bytes.
        rate: the share of indicator rows (and of projects, for project-level rules) given a planted error.
    Returns:
        The Corpus.

    Example:
        corpus = generate("/tmp/bench-1k", 1000)
        [json.loads(x)["rule"] for x in corpus.truth.read_text().splitlines()][:2]
    """
    root = Path(out)
    docs_dir = root / DOCS_DIR
    docs_dir.mkdir(parents=True, exist_ok=True)
    for old in docs_dir.glob("*.txt"):
        old.unlink()
    gen = Generator(seed, rate)
    made = documents = planted = indicators = 0
    with (
        open(root / TRUTH_FILE, "w", encoding="utf-8") as truth,
        open(root / PROJECTS_FILE, "w", encoding="utf-8") as expected,
    ):
        while made < projects:
            documents += 1
            count, doc_planted, doc_indicators = _document(
                gen, documents, projects - made, docs_dir, truth, expected
            )
            made += count
            planted += doc_planted
            indicators += doc_indicators
    corpus = Corpus(root, made, documents, planted, indicators)
    _write_manifest(corpus, seed, rate)
    return corpus


def _document(
    gen: Generator, number: int, left: int, docs_dir: Path, truth: TextIO, expected: TextIO
) -> tuple[int, int, int]:
    """Write document `number` (at most `left` projects) and its rows of truth.jsonl and projects.jsonl.

    Returns:
        (projects, planted errors, indicators) of the document.
    """
    rng = gen.rng
    planted = indicators = 0
    kind = "self_evaluation" if rng.random() < SELF_EVALUATION_SHARE else "declaration"
    domain = rng.choice(DOMAINS)
    region = rng.choice(REGIONS)
    year = rng.randint(2021, 2025)
    department = f"{region}{domain['bureau']}"
    count = min(left, rng.randint(5, 30))
    layout = _layout(rng, kind)
    name = f"{number:06d}_{year}_{kind}.txt"
    lines: list[str] = ["", ""]
    if kind == "declaration" and rng.random() < 0.5:
        unit = rng.choice(domain["units"])
        lines += [f"{department}{unit}{year}年度项目绩效目标汇总表", ""]
    taken: set[str] = set()
    for _ in range(count):
        implementer = department if rng.random() < 0.5 else f"{department}{rng.choice(domain['units'])}"
        p = gen.project(name, kind, year, department, implementer, domain, region, layout, taken)
        render = render_self_evaluation if kind == "self_evaluation" else render_declaration
        lines += render(p, layout, rng)
        lines.append("")
        for indicator, rule, why in p.planted:
            rec = {
                "document": name,
                "project": p.name,
                "indicator": indicator,
                "rule": rule,
                "why": why,
            }
            truth.write(json.dumps(rec, ensure_ascii=False) + "\n")
            planted += 1
        expected.write(json.dumps(_expected_record(p), ensure_ascii=False) + "\n")
        indicators += len(p.indicators)
    (docs_dir / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return count, planted, indicators


def _write_manifest(corpus: Corpus, seed: int, rate: float) -> None:
    """manifest.json, written last: a corpus directory with a manifest is complete."""
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "projects": corpus.projects,
        "documents": corpus.documents,
        "indicators": corpus.indicators,
        "planted": corpus.planted,
        "seed": seed,
        "rate": rate,
        "rules": list(PLANTED_RULES),
        "project_level_rules": list(PROJECT_LEVEL_RULES),
    }
    (corpus.root / MANIFEST_FILE).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


def cached(out: str | Path, projects: int, seed: int = 7, rate: float = 0.05) -> Corpus:
    """The corpus in `out` when it was generated with these arguments by this generator, else a fresh one."""
    root = Path(out)
    try:
        m = json.loads((root / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        m = {}
    if (m.get("generator_version"), m.get("projects"), m.get("seed"), m.get("rate")) == (
        GENERATOR_VERSION,
        projects,
        seed,
        rate,
    ):
        return Corpus(root, m["projects"], m["documents"], m["planted"], m["indicators"])
    return generate(root, projects, seed, rate)


def load_truth(path: str | Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
