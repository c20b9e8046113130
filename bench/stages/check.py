"""Stage check: the checks over a parsed corpus, scored against the planted errors."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from bench.common import (
    corpus_dir,
    default_embedder,
    load_docs,
    peak_rss_mb,
)
from bench.generate import PLANTED_RULES, PROJECT_LEVEL_RULES, load_truth


def stage_check(work: Path, size: int, args: argparse.Namespace) -> dict[str, Any]:
    """run_checks over the whole corpus (no model: the arithmetic and lexical rules), recall and
    precision on the planted errors; the semantic goal rules with the model on a slice."""
    from corpus.settings import Settings
    from qa.checks import RULES, run_checks

    docs = load_docs(work, size)
    settings = Settings()
    t = time.perf_counter()
    findings = run_checks(docs, settings=settings, embedder=None)
    seconds = time.perf_counter() - t
    truth = load_truth(corpus_dir(work, size) / "truth.jsonl")

    def key(rule: str, document: str, project: str, indicator: str | None) -> tuple:
        return (rule, document, project, None if rule in PROJECT_LEVEL_RULES else indicator)

    planted = {key(t["rule"], t["document"], t["project"], t["indicator"]) for t in truth}
    found = {key(f.rule, f.document, f.project, f.indicator) for f in findings}
    per_rule = {}
    for rule in PLANTED_RULES:
        if rule not in RULES:
            continue
        p = {k for k in planted if k[0] == rule}
        f = {k for k in found if k[0] == rule}
        per_rule[rule] = {"planted": len(p), "found": len(f), "hits": len(p & f)}
    hits = sum(r["hits"] for r in per_rule.values())
    other: dict[str, int] = {}
    for f in findings:
        if f.rule not in PLANTED_RULES:
            other[f.rule] = other.get(f.rule, 0) + 1
    out: dict[str, Any] = {
        "projects": sum(len(d.projects) for d in docs),
        "seconds": seconds,
        "findings": len(findings),
        "planted": sum(r["planted"] for r in per_rule.values()),
        "recall": hits / max(1, sum(r["planted"] for r in per_rule.values())),
        "precision": hits / max(1, sum(r["found"] for r in per_rule.values())),
        "per_rule": per_rule,
        "unplanted_rules": dict(sorted(other.items(), key=lambda kv: -kv[1])),
    }
    if size <= args.ingest_size:
        # Per-rule cost, to say where the time goes.
        cost = {}
        for slug in RULES:
            t = time.perf_counter()
            run_checks(docs, settings=settings, embedder=None, rules=[slug])
            cost[slug] = time.perf_counter() - t
        out["rule_seconds"] = dict(sorted(cost.items(), key=lambda kv: -kv[1])[:8])
        # The semantic rules with the model, on a slice of the corpus.
        sliced, projects = [], 0
        for d in docs:
            if projects >= args.model_check_projects:
                break
            sliced.append(d)
            projects += len(d.projects)
        embedder = default_embedder(args.backend)
        t = time.perf_counter()
        run_checks(sliced, settings=settings, embedder=embedder)
        out["with_model"] = {"projects": projects, "seconds": time.perf_counter() - t}
    out["peak_rss_mb"] = peak_rss_mb()
    return out
