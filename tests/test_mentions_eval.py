"""The mentions eval (tests/eval/mentions.jsonl) over the samples and ../shared/real, with the real model.

Each case is a topic a reviewer asks about, the projects that mention it (labelled by reading their text,
not by running the matcher), projects that must not match (near misses: 环境信用评价 for 环评, 水源涵养林
for 水源地, 林长制 for 河长制) and, where a reviewer could argue either way, projects not counted. A label
names a file and a project; a project of None is the file's only project (its name is not printed).

recall: expected projects found / expected projects. precision: expected projects found / projects found
that are not in `either`. Both are printed; recall must be 100% and precision at least 95%, and no
`not_expected` project may match.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import EVAL_DIR, SAMPLES
from real_score import REAL

CASES = [
    json.loads(line)
    for line in (EVAL_DIR / "mentions.jsonl").read_text(encoding="utf-8").splitlines()
    if line
]
MIN_CASES = 40
MIN_PRECISION = 0.95


@pytest.fixture(scope="module")
def eval_index(tmp_path_factory, embedder):
    """The samples and every readable file of ../shared/real in one index, built with the real model."""
    from corpus.errors import JixiaoError
    from corpus.parse import parse_file
    from index.store import Index

    documents = []
    for path in sorted(SAMPLES.glob("*.txt")) + sorted(REAL.glob("*.txt")):
        try:
            documents.append(parse_file(path))
        except JixiaoError:
            continue  # a file the reader refuses holds no passages to mention anything
    index = Index.open(tmp_path_factory.mktemp("mentions-eval") / "index", embedder=embedder)
    index.add(documents)
    return index


def _matches(label: dict, key: tuple[str, str], only: dict[str, int]) -> bool:
    file, project = key
    if label["file"] != file:
        return False
    return project == label["project"] if label["project"] is not None else only[file] == 1


def test_eval_is_large_enough_and_covers_both_directions() -> None:
    assert len(CASES) >= MIN_CASES
    assert len({c["topic"] for c in CASES}) == len(CASES)
    assert sum(bool(c["not_expected"]) for c in CASES) >= MIN_CASES
    assert any(not c["expected"] for c in CASES)  # topics nobody writes about


def test_labels_name_projects_of_the_index(eval_index) -> None:
    only: dict[str, int] = {}
    keys = set()
    for d in eval_index.documents():
        only[d.name] = len(d.projects)
        keys |= {(d.name, p.name) for p in d.projects}
    for case in CASES:
        for label in case["expected"] + case["not_expected"] + case["either"]:
            assert any(_matches(label, k, only) for k in keys), (case["id"], label)


def test_mentions_recall_and_precision(eval_index) -> None:
    only = {d.name: len(d.projects) for d in eval_index.documents()}
    expected_total = found_expected = found_counted = 0
    misses, wrong, negatives = [], [], []
    for case in CASES:
        found = {(m.document.name, m.project.name) for m in eval_index.mentions(case["topic"])}
        for label in case["expected"]:
            expected_total += 1
            if any(_matches(label, k, only) for k in found):
                found_expected += 1
            else:
                misses.append((case["topic"], label))
        for key in sorted(found):
            if any(_matches(label, key, only) for label in case["either"]):
                continue
            found_counted += 1
            if not any(_matches(label, key, only) for label in case["expected"]):
                wrong.append((case["topic"], key))
        negatives += [
            (case["topic"], label)
            for label in case["not_expected"]
            if any(_matches(label, k, only) for k in found)
        ]
    recall = found_expected / expected_total
    precision = found_expected / found_counted if found_counted else 1.0
    print(
        f"\nmentions eval: {len(CASES)} topics, {expected_total} expected projects; "
        f"recall {recall:.1%}, precision {precision:.1%} ({found_expected}/{found_counted}); "
        f"negatives matched {len(negatives)}"
    )
    for topic, item in misses + wrong:
        print(f"  {topic}: {item}")
    assert not misses, misses
    assert precision >= MIN_PRECISION, wrong
    assert not negatives, negatives


def test_each_mention_says_why_it_matched(eval_index) -> None:
    # Both directions of one pair, and the reason shown to a reviewer in Chinese.
    short = {m.project.name: m for m in eval_index.mentions("环评")}
    full = {m.project.name: m for m in eval_index.mentions("环境影响评价")}
    project = "车辆购置税收入补助地方资金(普通省道公路建设)"
    assert short[project].match == "literal" and short[project].passages[0].reason == "原文"
    assert full[project].match == "abbreviation" and full[project].passages[0].reason == "简称"
    assert {p.term for p in full[project].passages} == {"环评"}
    # 27 writes 贫困地区, a narrower term of 脱贫攻坚, the concept related to 乡村振兴.
    related = {m.project.name: m for m in eval_index.mentions("乡村振兴")}
    poor_area = related["大青山乡沙湾子少数民族聚居村养殖场基础设施建设项目"]
    assert poor_area.match == "semantic" and {p.reason for p in poor_area.passages} == {"语义相近"}
    assert {p.term for p in poor_area.passages} == {"贫困地区"}


def test_the_files_of_the_eval_exist() -> None:
    files = {p.name for p in [*SAMPLES.glob("*.txt"), *REAL.glob("*.txt")]}
    assert {label["file"] for c in CASES for label in c["expected"] + c["not_expected"]} <= files
    assert Path(EVAL_DIR / "mentions.jsonl").stat().st_size > 0
