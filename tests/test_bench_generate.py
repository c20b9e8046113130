"""bench/generate.py: seeded, parses back to the planted figures, clean projects add up, checks find the plants."""

from __future__ import annotations

import importlib.util
import json
import sys
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from types import ModuleType

import pytest

from corpus.model import Document, Project
from corpus.parse import parse_file

ROOT = Path(__file__).resolve().parents[1]
SEED = 16  # a seed whose 60 projects plant every rule (a markup declaration included)
RATE = 0.15  # higher than the benchmark's 5% so that a small corpus plants every rule
CENT = Decimal("0.01")

# Rules whose findings are arithmetic on the printed figures: on a clean project they must be silent.
ARITHMETIC_RULES = (
    "target-not-met",
    "deviation-unexplained",
    "score-exceeds-weight",
    "total-mismatch",
    "execution-rate-mismatch",
    "funding-mismatch",
    "grade-mismatch",
    "full-score-though-unmet",
    "score-deducted-though-met",
    "vague-target",
    "low-execution",
    "budget-cut",
    "impossible-target",
    "target-far-below-actual",
    "output-upper-bound",
    "missing-indicator-category",
    "dates-outside-year",
    "unit-mismatch",
    "placeholder-left",
    "cost-lower-bound",
    "start-after-end",
    "deadline-after-end",
    "percent-over-100",
)


def _load_generate() -> ModuleType:
    # bench/ is a folder of scripts, not an installed package: load the module from its file.
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


gen = _load_generate()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory):
    return gen.generate(tmp_path_factory.mktemp("bench") / "corpus", projects=60, seed=SEED, rate=RATE)


@pytest.fixture(scope="module")
def documents(corpus) -> list[Document]:
    return [parse_file(f) for f in corpus.files()]


@pytest.fixture(scope="module")
def expected(corpus) -> dict[tuple[str, str], dict]:
    rows = [json.loads(line) for line in corpus.expected.read_text(encoding="utf-8").splitlines()]
    return {(r["document"], r["project"]): r for r in rows}


@pytest.fixture(scope="module")
def clean_documents(tmp_path_factory: pytest.TempPathFactory) -> list[Document]:
    """A corpus generated with nothing planted."""
    clean = gen.generate(tmp_path_factory.mktemp("bench") / "clean", projects=60, seed=SEED + 1, rate=0.0)
    assert clean.planted == 0
    return [parse_file(f) for f in clean.files()]


@pytest.fixture(scope="module")
def truth(corpus) -> list[dict]:
    return gen.load_truth(corpus.truth)


def _d(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _projects(documents: list[Document]) -> list[Project]:
    return [p for d in documents for p in d.projects]


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    a = gen.generate(tmp_path / "a", projects=25, seed=3)
    b = gen.generate(tmp_path / "b", projects=25, seed=3)
    c = gen.generate(tmp_path / "c", projects=25, seed=4)
    files_a, files_b = a.files(), b.files()
    assert [f.name for f in files_a] == [f.name for f in files_b]
    assert all(x.read_bytes() == y.read_bytes() for x, y in zip(files_a, files_b, strict=True))
    assert a.truth.read_bytes() == b.truth.read_bytes()
    assert [f.read_bytes() for f in c.files()] != [f.read_bytes() for f in files_a]
    assert a.projects == 25 and sum(1 for _ in a.expected.open(encoding="utf-8")) == 25
    # `cached` reuses a complete corpus made with the same arguments.
    assert gen.cached(tmp_path / "a", projects=25, seed=3) == a


def test_every_project_parses_with_the_generated_figures(corpus, documents, expected) -> None:
    assert sum(len(d.projects) for d in documents) == corpus.projects == len(expected)
    assert [w for d in documents for w in d.warnings] == []
    kinds = {p.kind for p in _projects(documents)}
    assert kinds == {"self_evaluation", "declaration"}
    for doc in documents:
        for p in doc.projects:
            e = expected[(doc.name, p.name)]
            assert p.kind == e["kind"] and p.year == e["year"] and p.department == e["department"]
            assert p.implementer == e["implementer"]
            assert [i.name for i in p.indicators] == [i["name"] for i in e["indicators"]], p.name
            for ind, ei in zip(p.indicators, e["indicators"], strict=True):
                assert (ind.level1, ind.level2) == (ei["level1"], ei["level2"]), (p.name, ind.name)
                if ei["target_value"] is not None:
                    assert ind.target.value == _d(ei["target_value"]), (p.name, ind.name)
                    assert ind.target.unit == ei["unit"], (p.name, ind.name)
                if p.kind == "self_evaluation":
                    assert ind.weight == _d(ei["weight"]) and ind.score == _d(ei["score"]), (p.name, ind.name)
                    assert ind.note == ei["note"]
                    if ei["actual_value"] is not None:
                        assert ind.actual is not None and ind.actual.value == _d(ei["actual_value"])
            if p.kind == "self_evaluation":
                b, eb = p.budget, e["budget"]
                assert b is not None and b.unit == eb["unit"]
                for k in ("planned", "adjusted", "spent", "weight", "rate", "score"):
                    assert getattr(b, k) == _d(eb[k]), (p.name, k)
                assert (p.total_weight, p.total_score, p.grade) == (
                    _d(e["total_weight"]),
                    _d(e["total_score"]),
                    e["grade"],
                )
            else:
                f, ef = p.funding, e["funding"]
                assert f is not None and f.unit == ef["unit"]
                for k in ("annual_request", "appropriation", "carryover", "annual_other"):
                    assert getattr(f, k) == _d(ef[k]), (p.name, k)


def test_clean_projects_really_add_up(documents, expected, clean_documents) -> None:
    clean = [p for p in _projects(documents) if not expected[(p.document, p.name)]["planted"]]
    clean += _projects(clean_documents)
    assert {p.kind for p in clean} == {"self_evaluation", "declaration"}
    for p in clean:
        if p.kind == "declaration":
            f = p.funding
            assert f is not None and f.annual_request == f.appropriation + f.carryover + f.annual_other
            continue
        b = p.budget
        assert b is not None
        assert b.weight + sum(i.weight for i in p.indicators) == p.total_weight == Decimal(100)
        assert b.score + sum(i.score for i in p.indicators) == p.total_score, p.name
        exact = b.spent / b.adjusted * 100
        assert b.rate == exact.quantize(CENT, rounding=ROUND_DOWN), p.name
        assert b.score == (b.weight * b.rate / 100).quantize(CENT, rounding=ROUND_DOWN), p.name
        assert Decimal(90) <= b.rate <= Decimal(100)
        for field in ("planned", "adjusted", "spent"):
            assert getattr(b, field) == sum(getattr(line, field) for line in b.lines), (p.name, field)
        for ind in p.indicators:
            assert ind.score == ind.weight, (p.name, ind.name)


def test_truth_names_real_rows_and_every_rule(corpus, documents, truth) -> None:
    rows = {(p.document, p.name): {i.name for i in p.indicators} for p in _projects(documents)}
    for t in truth:
        assert (t["document"], t["project"]) in rows
        if t["rule"] in gen.PROJECT_LEVEL_RULES:
            assert t["indicator"] is None
        else:
            assert t["indicator"] in rows[(t["document"], t["project"])]
    assert {t["rule"] for t in truth} == set(gen.PLANTED_RULES)
    assert corpus.planted == len(truth)


def _key(rule: str, document: str, project: str, indicator: str | None) -> tuple:
    return (rule, document, project, None if rule in gen.PROJECT_LEVEL_RULES else indicator)


def test_checks_find_every_planted_error(documents, truth) -> None:
    import qa.checks as checks
    rules = [r for r in gen.PLANTED_RULES if r in checks.RULES]
    assert rules, "no planted rule is known to qa.checks"
    findings = checks.run_checks(documents, embedder=None, rules=rules)
    found = {_key(f.rule, f.document, f.project, f.indicator) for f in findings}
    planted = {
        _key(t["rule"], t["document"], t["project"], t["indicator"]) for t in truth if t["rule"] in rules
    }
    # note-contradicts-value is read from free text and its outcome cross-check; the rest must all be found.
    missed = sorted(k for k in planted - found if k[0] != "note-contradicts-value")
    assert missed == []


def test_arithmetic_rules_silent_on_clean_projects(documents, expected, clean_documents) -> None:
    import qa.checks as checks
    rules = [r for r in ARITHMETIC_RULES if r in checks.RULES]
    clean = {
        (p.document, p.name) for p in _projects(documents) if not expected[(p.document, p.name)]["planted"]
    }
    findings = checks.run_checks(documents, embedder=None, rules=rules)
    noisy = [(f.rule, f.project, f.indicator) for f in findings if (f.document, f.project) in clean]
    noisy += [
        (f.rule, f.project, f.indicator)
        for f in checks.run_checks(clean_documents, embedder=None, rules=rules)
    ]
    assert noisy == []
