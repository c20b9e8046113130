"""Goal coverage: precision and recall of goal-outcome-missing and goal-without-indicator on a labelled set.

The labels (tests/eval/goal_coverage.jsonl) were written by reading each goal clause against the outcome
text and the indicator table, before the rules were run on them (tests/eval/GOAL_COVERAGE.md says how).
A finding is the prediction "not covered"; a clause labelled partly or not covered is a positive.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from corpus.parse import parse_file
from qa.checks import run_checks
from qa.checks.section_unread import skipped_rules

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "eval" / "goal_coverage.jsonl"
RULES = ("goal-outcome-missing", "goal-without-indicator")
POSITIVE = frozenset({"partly", "not_covered", "not_measured"})
NEGATIVE = frozenset({"covered", "measured"})
# Issue 17 asks 0.90 for both. The key-object rule reaches precision 0.93 / recall 0.93 (outcome) and
# 1.00 / 1.00 (indicators) on this set (tests/eval/GOAL_COVERAGE.md says which clauses it gets wrong and
# why): one more mistake on the outcome rule fails the floor.
FLOORS = {"goal-outcome-missing": (0.90, 0.90), "goal-without-indicator": (0.90, 0.90)}
TARGET = 0.90


def _labels() -> list[dict]:
    rows = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    # The real documents live next to the checkout; where they are absent the samples are scored alone.
    return [r for r in rows if (ROOT / r["file"]).is_file()]


@pytest.fixture(scope="module")
def scored(embedder) -> dict[str, dict]:
    """Per rule: the labelled clauses with the finding (if any) each got, and the counts."""
    rows = _labels()
    files = list(dict.fromkeys(r["file"] for r in rows))
    documents = [parse_file(ROOT / f) for f in files]
    findings = run_checks(documents, embedder=embedder, rules=list(RULES))
    # A rule is not run on a project whose indicator table was not read whole (section-unread says so).
    skipped = {
        (Path(d.path).name, p.name, r) for d in documents for p in d.projects for r in skipped_rules(p)
    }
    rows = [r for r in rows if (Path(r["file"]).name, r["project"], r["rule"]) not in skipped]
    flagged: dict[tuple, list] = defaultdict(list)
    for f in findings:
        flagged[(f.rule, Path(f.document).name, f.project, f.evidence["goal_clause"])].append(f)
    out: dict[str, dict] = {}
    for rule in RULES:
        labelled = [r for r in rows if r["rule"] == rule and r["label"] in POSITIVE | NEGATIVE]
        keys = {_key(r) for r in rows if r["rule"] == rule}  # excluded clauses (not a goal) are known too
        stray = [k for k in flagged if k[0] == rule and k not in keys]
        tp = sum(1 for r in labelled if r["label"] in POSITIVE and _key(r) in flagged)
        fp = sum(1 for r in labelled if r["label"] in NEGATIVE and _key(r) in flagged)
        fn = sum(1 for r in labelled if r["label"] in POSITIVE and _key(r) not in flagged)
        out[rule] = {
            "rows": labelled,
            "flagged": flagged,
            "stray": stray,
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "projects": len({(r["file"], r["project"]) for r in labelled}),
        }
    return out


def _key(row: dict) -> tuple:
    return (row["rule"], Path(row["file"]).name, row["project"], row["clause"])


def _mistakes(s: dict) -> str:
    lines = []
    for r in s["rows"]:
        hit = _key(r) in s["flagged"]
        if hit != (r["label"] in POSITIVE):
            lines.append(f"{'FP' if hit else 'FN'} {r['id']} {r['project'][:12]}: {r['clause'][:50]}")
    return "\n".join(lines)


@pytest.mark.parametrize("rule", RULES)
def test_goal_rule_precision_and_recall(scored, rule):
    s = scored[rule]
    positives = s["tp"] + s["fn"]
    precision = s["tp"] / (s["tp"] + s["fp"]) if s["tp"] + s["fp"] else 0.0
    recall = s["tp"] / positives if positives else 0.0
    print(
        f"\n{rule}: {len(s['rows'])} clauses of {s['projects']} projects, {positives} positive; "
        f"tp={s['tp']} fp={s['fp']} fn={s['fn']}; precision={precision:.2f} recall={recall:.2f} "
        f"(target {TARGET:.2f})\n{_mistakes(s)}"
    )
    assert not s["stray"], f"findings on clauses that are not in the labelled set: {s['stray']}"
    assert positives >= 5 and len(s["rows"]) >= 20
    low_precision, low_recall = FLOORS[rule]
    assert precision >= low_precision and recall >= low_recall, _mistakes(s)


def test_goal_findings_show_the_cover_and_name_the_missing_object(scored):
    """Each finding names what is missing, in Chinese, and quotes what covers the clause's other tasks."""
    for rule in RULES:
        for (r, _, _, _), found in scored[rule]["flagged"].items():
            if r != rule:
                continue
            for f in found:
                missing = f.evidence["missing_terms"]
                assert missing and all(any("\u4e00" <= ch <= "\u9fff" for ch in o) for o in missing)
                assert "未提及：" + "、".join(missing) in f.message
                for covered in f.evidence["present"]:
                    task, by = covered.split("”：", 1)
                    assert f"{task}”见{by}" in f.message
