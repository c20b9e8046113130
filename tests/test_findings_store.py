"""Findings stored with the index generation at ingest, read back by ask, review and the app; long answers
paged for a person, complete on demand."""

from __future__ import annotations

import dataclasses
import json

import pytest

from qa import service
from qa.ask import ask
from qa.checks import run_checks
from qa.findings_store import decode, encode, findings_key, findings_of, stored


@pytest.fixture(scope="module")
def ingested(tmp_path_factory, embedder, sample_docs):
    """The samples ingested the way the CLI and the app do (findings stored with the generation)."""
    from index.store import Index

    index = Index.open(tmp_path_factory.mktemp("findings") / "index", embedder=embedder)
    service.ingest(index, list(sample_docs))
    return index


def _flat(findings):
    return [
        (f.rule, f.severity, f.document, f.project, f.indicator, f.message, f.evidence, f.source)
        for f in findings
    ]


def test_stored_findings_equal_fresh_ones(ingested, embedder, sample_docs):
    settings = ingested.settings
    rows = ingested.stored_findings(findings_key(settings, True))
    assert rows is not None and len(rows) > 0
    fresh = run_checks(list(sample_docs), settings=settings, embedder=embedder)
    # Read back from the JSON rows (not the process cache): every field, figures in evidence included.
    assert _flat(decode(r) for r in rows) == _flat(fresh)
    assert _flat(stored(ingested, settings)) == _flat(fresh)
    assert _flat(service.review(ingested, settings).findings) == _flat(fresh)


def test_encode_keeps_figures_and_tuples():
    from decimal import Decimal

    from corpus.model import Finding

    f = Finding("r", "error", "d", "p", None, "m", {"a": Decimal("1.50"), "b": ("x", Decimal("2")), "c": [1]})
    back = decode(json.loads(json.dumps(encode(f))))
    assert back == f and str(back.evidence["a"]) == "1.50"


def test_stale_settings_are_recomputed(ingested, embedder, sample_docs, monkeypatch):
    import qa.checks

    other = dataclasses.replace(ingested.settings, tolerance=ingested.settings.tolerance * 2)
    assert findings_key(other, True) != findings_key(ingested.settings, True)
    assert stored(ingested, other) is None
    fresh = run_checks(list(sample_docs), settings=other, embedder=embedder)
    runs = []
    monkeypatch.setattr(qa.checks, "run_checks", lambda *a, **k: runs.append(1) or run_checks(*a, **k))
    assert _flat(findings_of(ingested, other, embedder)) == _flat(fresh)
    assert runs == [1]
    assert ingested.stored_findings(findings_key(other, True)) is not None
    assert _flat(findings_of(ingested, ingested.settings, embedder)) == _flat(
        run_checks(list(sample_docs), settings=ingested.settings, embedder=embedder)
    )
    assert runs == [1]  # the ingest's settings: read back, not run again


def test_index_written_before_findings_were_stored(tmp_path, embedder, sample_docs):
    from index.store import Index

    index = Index.open(tmp_path / "old", embedder=embedder)
    index.add(list(sample_docs))  # as an index of an earlier version: no findings stored
    settings = index.settings
    assert stored(index, settings) is None
    a = ask("哪些项目有指标没有完成年度指标值？", index)
    review = service.review(index, settings)  # computes and stores them
    assert _flat(review.findings) == _flat(
        run_checks(list(sample_docs), settings=settings, embedder=embedder)
    )
    assert index.stored_findings(findings_key(settings, True)) is not None
    assert ask("哪些项目有指标没有完成年度指标值？", index) == a
    # A new generation never reads the old one's findings.
    index.remove(sample_docs[1].sha256)
    assert index.stored_findings(findings_key(settings, True)) is None


def _pages(question, index, size):
    """Every page of the answer at `size` items a page, in order."""
    first = ask(question, index, page_size=size)
    pages = [first]
    n = 2
    while "已是最后一页" not in pages[-1].text and "其余" in pages[-1].text:
        pages.append(ask(question, index, page_size=size, page=n))
        n += 1
    return pages


@pytest.mark.parametrize("question", ["哪些项目提到监测？", "哪些项目有指标没有完成年度指标值？"])
def test_pages_hold_every_item(ingested, question):
    full = ask(question, ingested)
    assert len(full.citations) > 2, "the question must list more than one page"
    pages = _pages(question, ingested, 1)
    assert len(pages) > 1 and "共" in pages[0].text
    assert all(p.projects == full.projects for p in pages)  # the count and every name on every page
    paged = [c for p in pages for c in p.citations]
    assert sorted(map(repr, paged)) == sorted(map(repr, full.citations))
    lines = [ln for p in pages for ln in p.text.splitlines()[1:] if not ln.startswith("（共")]
    full_lines = full.text.splitlines()[1:]
    assert [ln for ln in lines if ln in full_lines] == lines and sorted(set(lines)) == sorted(set(full_lines))


def test_cli_all_and_json_are_complete(ingested, capsys, monkeypatch):
    import cli
    import qa.ask.render

    monkeypatch.setattr(qa.ask.render, "PAGE_SIZE", 1)
    q = "哪些项目提到监测？"
    where = ["--index", str(ingested.directory)]

    def run(*args):
        assert cli.main(["ask", q, *where, *args]) == 0
        return capsys.readouterr().out

    everything = run("--all")
    first, second = run(), run("--page", "2")
    assert "其余" in first and first != everything and second != first
    full = ask(q, ingested)
    for name in full.projects:
        assert name in everything
    data = json.loads(run("--json"))
    assert data["projects"] == list(full.projects) and len(data["citations"]) == len(full.citations)

    assert cli.main(["mentions", "监测", *where, "--all"]) == 0
    all_mentions = capsys.readouterr().out
    assert cli.main(["mentions", "监测", *where]) == 0
    paged = capsys.readouterr().out
    assert "其余" in paged and len(paged) < len(all_mentions)
    assert cli.main(["mentions", "监测", *where, "--json"]) == 0
    names = [p["name"] for p in json.loads(capsys.readouterr().out)["projects"]]
    assert len(names) > 1 and all(f"【{n}】" in all_mentions for n in names)
