"""Stage serve: search, mentions and ask latency against a built index."""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import (
    IVF_PROBES,
    MENTION_TOPICS,
    SEARCH_QUERIES,
    checkpoint,
    corpus_dir,
    current_rss_mb,
    default_embedder,
    index_dir,
    peak_rss_mb,
    percentiles,
    timed_calls,
)


def _ask_questions(work: Path, size: int, seed: int) -> list[str]:
    """Reviewers' questions about this corpus: mentions, lookups by project name, rankings, findings."""
    rows = []
    with open(corpus_dir(work, size) / "projects.jsonl", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            # Only what the questions use: every generated figure of 100k projects held at once is
            # 1.5 GB, which the serve stage's peak RSS would otherwise count as the index's.
            rows.append(
                {
                    "kind": r["kind"],
                    "project": r["project"],
                    "year": r["year"],
                    "indicators": [{"name": i["name"]} for i in r["indicators"]],
                }
            )
    rng = random.Random(seed)
    selfs = [r for r in rows if r["kind"] == "self_evaluation"]
    decls = [r for r in rows if r["kind"] == "declaration"]
    years = sorted({r["year"] for r in rows})
    qs = [f"哪些项目提到{t}？" for t in MENTION_TOPICS[:6]]
    for r in rng.sample(selfs, min(5, len(selfs))):
        qs.append(f"{r['project']}项目的自评总分是多少？")
    for r in rng.sample(selfs, min(3, len(selfs))):
        ind = rng.choice(r["indicators"])
        qs.append(f"{r['project']}项目的{ind['name']}目标是多少？实际完成多少？")
    for r in rng.sample(decls, min(3, len(decls))):
        qs.append(f"{r['project']}项目的年度资金申请总额是多少？")
    qs += [
        f"{years[-1]}年预算执行率最低的项目是哪个？",
        "哪个项目的自评总分最低？",
        "哪些项目有指标没有完成年度指标值？",
    ]
    return qs


# A project no generated corpus has, in words no generated name contains: ask resolves it by meaning
# against the query embedding of every project name and answers with the nearest names.
UNKNOWN_NAME_QUESTION = "量子通信试验项目的自评总分是多少？"


def stage_serve(work: Path, size: int, args: argparse.Namespace) -> dict[str, Any]:
    """Open the index once with the model loaded once, then time search, mentions, ask and the
    single-ranker baselines (bm25s alone, FAISS alone) on the same loaded index."""
    questions = _ask_questions(work, size, args.seed)  # before anything is measured
    embedder, index, out = _open_served(work, size, args)
    budget = args.latency_budget
    rounds = args.rounds
    _time_operations(work, size, index, embedder, out, rounds, budget)
    # What a mentions answer holds: its cost past the matching grows with it, not with the corpus.
    out["mentions_output"] = _mentions_output(index)
    out["rss_before_ask_mb"] = current_rss_mb()
    out["peak_rss_before_ask_mb"] = peak_rss_mb()
    _time_ask(work, size, index, questions, out, rounds, budget)
    # The figure the target is about, before the comparison indexes below add their own memory.
    out["peak_rss_mb"] = peak_rss_mb()
    out["rss_after_ask_mb"] = current_rss_mb()
    checkpoint(work, "serve", size, out)
    _time_compressed(work, size, embedder, out, rounds, budget)
    out["peak_rss_with_comparisons_mb"] = peak_rss_mb()
    return out


def _open_served(work: Path, size: int, args: argparse.Namespace) -> tuple[Any, Any, dict[str, Any]]:
    """The model loaded, the index opened and its documents decoded, each timed: (embedder, index, result)."""
    from corpus.settings import Settings
    from index import segment
    from index.store import Index

    gc.collect()
    t = time.perf_counter()
    embedder = default_embedder(args.backend)
    embedder.encode_queries(["预热"])
    model_s = time.perf_counter() - t
    rss_model = current_rss_mb()
    segment.tokenize("预热")
    index = Index.open(index_dir(work, size), Settings(), create=False, embedder=embedder)
    t = time.perf_counter()
    passages = len(index)  # opens the rankers and the mention index; records stay in SQLite
    load_s = time.perf_counter() - t
    rss_loaded = current_rss_mb()
    t = time.perf_counter()
    projects = len(index.projects())  # the documents, decoded once (hits and ask need them)
    documents_s = time.perf_counter() - t
    out: dict[str, Any] = {
        "passages": passages,
        "projects": projects,
        "model_load_seconds": model_s,
        "index_load_seconds": load_s,
        "documents_load_seconds": documents_s,
        "rss_after_model_mb": rss_model,
        "rss_after_load_mb": rss_loaded,
        "rss_after_documents_mb": current_rss_mb(),
        "dense_kind": index.manifest.get("dense", {}).get("kind"),
    }
    return embedder, index, out


def _time_operations(
    work: Path,
    size: int,
    index: Any,
    embedder: Any,
    out: dict[str, Any],
    rounds: int,
    budget: float,
) -> None:
    """search, mentions and the single-ranker baselines (bm25s alone, FAISS alone) on the loaded index."""
    from index import segment
    from index.search import find_mentions
    from qa.ask.render import PAGE_SIZE

    state = index._current()  # the loaded rankers themselves: the baselines run on the same index

    def search(q: str) -> None:
        index.search(q, 10)

    def mentions(topic: str) -> None:
        # As a reviewer gets it: every matching project found and counted, the first page rendered.
        found = index.mentions(topic)
        found[:PAGE_SIZE]

    def mentions_complete(topic: str) -> None:
        # Every project with every passage rendered (what --all and JSON give).
        list(index.mentions(topic))

    def matching(topic: str) -> None:
        find_mentions(
            topic, state.mentions, index._similarity, index.settings.mention_threshold, segment.is_word
        )

    def bm25(q: str) -> None:
        state.lexical.search(q, 10)

    def dense(q: str) -> None:
        state.dense.search(embedder.encode_queries([q])[0], 10)

    vectors = {q: embedder.encode_queries([q])[0] for q in SEARCH_QUERIES}

    def dense_only(q: str) -> None:
        state.dense.search(vectors[q], 10)

    def encode(q: str) -> None:
        embedder.encode_queries([q + " "])  # a text not seen before: no cache anywhere helps

    ops: list[tuple[str, Callable[[str], None], Sequence[str]]] = [
        ("search", search, SEARCH_QUERIES),
        ("mentions", mentions, MENTION_TOPICS),
        ("mentions: complete", mentions_complete, MENTION_TOPICS),
        ("mentions: matching alone", matching, MENTION_TOPICS),
        ("bm25s alone", bm25, SEARCH_QUERIES),
        ("FAISS alone (query encoded)", dense, SEARCH_QUERIES),
        ("FAISS alone (search only)", dense_only, SEARCH_QUERIES),
        ("query encoding", encode, SEARCH_QUERIES),
    ]
    out["latency"] = {}
    for name, fn, items in ops:
        t = time.perf_counter()
        fn(items[0])  # warm-up
        first = time.perf_counter() - t
        times = timed_calls(fn, items, rounds, budget)
        out["latency"][name] = {**percentiles(times), "first_ms": first * 1000}
        checkpoint(work, "serve", size, out)


def _mentions_output(index: Any) -> dict[str, Any]:
    """How many projects and passages a mentions answer holds (median, max, min over the topics)."""
    found = [index.mentions(t) for t in MENTION_TOPICS]
    counts = {
        "projects": [len(f) for f in found],
        "passages": [f.passage_count for f in found],
    }
    return {k: {"median": float(np.median(v)), "max": max(v), "min": min(v)} for k, v in counts.items()}


def _time_ask(
    work: Path, size: int, index: Any, questions: list[str], out: dict[str, Any], rounds: int, budget: float
) -> None:
    """ask: the findings stored with the generation (as an ingest does), the first question (the
    catalogue built), then the questions in rounds by answer kind: as a person reads them (a long list
    answered with its count and one page) and complete (every item, as JSON gives)."""
    try:
        from qa.ask import ask, prepare
        from qa.ask.render import PAGE_SIZE
        from qa.findings_store import compute_and_store, stored
    except ImportError:
        return
    checkpoint(work, "serve", size, {**out, "ask_started": True})
    if stored(index, index.settings) is None:
        # What `jixiao ingest` does once per generation; the bench's build stage writes with Index.add.
        t = time.perf_counter()
        found = compute_and_store(index, index.settings, index.embedder())
        out["findings_store_seconds"] = time.perf_counter() - t
        out["findings_stored"] = len(found)
    # What `jixiao serve` does when it starts (qa.ask.prepare): the catalogue, name words, every
    # project-level figure, the stored findings decoded, the short forms of the passages.
    t = time.perf_counter()
    prepare(index)
    out["prepare_seconds"] = time.perf_counter() - t
    out["rss_after_prepare_mb"] = current_rss_mb()
    out["load_before_ask"] = os.getloadavg()
    t = time.perf_counter()
    ask(questions[0], index, page_size=PAGE_SIZE)
    first = time.perf_counter() - t
    for name, page_size in (("ask", PAGE_SIZE), ("ask: complete answers", None)):
        out["latency"][name] = {"first_ms": first * 1000, "page_size": page_size}
        _ask_rounds(
            lambda q, n=page_size: ask(q, index, page_size=n), questions, rounds, budget, out["latency"][name]
        )
        checkpoint(work, "serve", size, out)
    out["load_after_ask"] = os.getloadavg()
    _time_unknown_name(index, out, rounds, budget)


def _ask_rounds(
    ask: Callable[[str], Any], questions: list[str], rounds: int, budget: float, into: dict[str, Any]
) -> None:
    per_kind: dict[str, list[float]] = {}
    times: list[float] = []
    started = time.perf_counter()
    for _ in range(rounds):
        for q in questions:
            t = time.perf_counter()
            answer = ask(q)
            dt = time.perf_counter() - t
            times.append(dt)
            per_kind.setdefault(answer.kind, []).append(dt)
            if time.perf_counter() - started > budget:
                break
        if time.perf_counter() - started > budget:
            break
    into.update(percentiles(times))
    into["questions"] = len(questions)
    into["by_kind"] = {k: percentiles(v) for k, v in per_kind.items()}


def _time_unknown_name(index: Any, out: dict[str, Any], rounds: int, budget: float) -> None:
    """ask about a project name no project has: resolved by meaning against every name's embedding."""
    from qa.ask import ask

    t = time.perf_counter()
    answer = ask(UNKNOWN_NAME_QUESTION, index)
    first = time.perf_counter() - t
    out["latency"]["ask: unknown project name"] = {
        **percentiles(timed_calls(lambda q: ask(q, index), [UNKNOWN_NAME_QUESTION], rounds, budget)),
        "first_ms": first * 1000,
        "question": UNKNOWN_NAME_QUESTION,
        "kind": answer.kind,
        "suggestions": list(answer.suggestions),
    }


def _time_compressed(
    work: Path, size: int, embedder: Any, out: dict[str, Any], rounds: int, budget: float
) -> None:
    """The compressed FAISS indexes the build stage wrote beside the store's, searched alone."""
    for kind in ("sq8", "pq"):
        path = work / f"dense-{size}-{kind}.faiss"
        if kind == "sq8" and out["dense_kind"] == "ivf-sq8":
            continue  # the store's own dense index: "FAISS alone" above
        if path.exists():
            import faiss

            ivf = faiss.read_index(str(path))
            ivf.nprobe = IVF_PROBES
            times = timed_calls(
                lambda q, ivf=ivf: ivf.search(embedder.encode_queries([q]), 10),
                SEARCH_QUERIES,
                rounds,
                budget,
            )
            out["latency"][f"FAISS {kind} alone (query encoded)"] = percentiles(times)
            del ivf
