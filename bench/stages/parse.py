"""Stage parse: every file of a corpus parsed, checked against what was generated."""

from __future__ import annotations

import argparse
import json
import pickle
import time
from pathlib import Path
from typing import Any

from bench.common import (
    corpus_dir,
    parsed_path,
    peak_rss_mb,
)
from bench.generate import Corpus


def stage_parse(work: Path, size: int, args: argparse.Namespace) -> dict[str, Any]:
    from concurrent.futures import ProcessPoolExecutor

    from corpus.parse import parse_file

    corpus = Corpus(corpus_dir(work, size), size, 0, 0, 0)
    files = corpus.files()
    mb = sum(f.stat().st_size for f in files) / 1048576
    workers = args.parse_workers if size > 10000 else 1
    t = time.perf_counter()
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            docs = list(pool.map(parse_file, files, chunksize=8))
    else:
        docs = [parse_file(f) for f in files]
    seconds = time.perf_counter() - t
    expected = {}
    with open(corpus.expected, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            expected[(r["document"], r["project"])] = r
    ok = 0
    for d in docs:
        for p in d.projects:
            e = expected.get((d.name, p.name))
            if e is None or len(p.indicators) != len(e["indicators"]):
                continue
            if [i.name for i in p.indicators] != [i["name"] for i in e["indicators"]]:
                continue
            if e["kind"] == "self_evaluation" and str(p.total_score) != e["total_score"]:
                continue
            ok += 1
    projects = sum(len(d.projects) for d in docs)
    with open(parsed_path(work, size), "wb") as f:
        pickle.dump(docs, f, protocol=pickle.HIGHEST_PROTOCOL)
    return {
        "files": len(files),
        "mb": mb,
        "projects": projects,
        "indicators": sum(len(p.indicators) for d in docs for p in d.projects),
        "expected_projects": len(expected),
        "parsed_as_generated": ok,
        "warnings": sum(len(d.warnings) for d in docs),
        "seconds": seconds,
        "workers": workers,
        "mb_per_s": mb / seconds,
        "projects_per_s": projects / seconds,
        "peak_rss_mb": peak_rss_mb(),
    }
