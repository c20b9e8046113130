"""Stage cluster: the ingest corpus through `jixiao ingest` locally and on a local Ray with 1 and 2 embedding
workers (qa/cluster.py), same files, same machine; and the report's rows for it."""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path
from typing import Any

from bench.common import checkpoint, corpus_dir, peak_rss_mb

WORKERS = (1, 2)
# The cluster the extrapolation line speaks of: machines of this machine's cores.
EXAMPLE_MACHINES = 10


def stage_cluster(work: Path, size: int, args: argparse.Namespace) -> dict[str, Any]:
    from corpus.settings import Settings
    from index.store import Index
    from qa import cluster, service

    files = [corpus_dir(work, size) / "docs"]
    settings = Settings()
    out: dict[str, Any] = {"workers": {}, "load_average_start": os.getloadavg()[0]}
    target = work / "cluster-index"

    # The local path as `jixiao ingest` takes it: parse, load the model, embed, write.
    shutil.rmtree(target, ignore_errors=True)
    t = time.perf_counter()
    docs, refused = service.read_files(files, settings)
    parsed = time.perf_counter() - t
    result = service.ingest(Index.open(target, settings, create=True), docs, refused)
    seconds = time.perf_counter() - t
    out["local"] = {
        "seconds": seconds,
        "parse_seconds": parsed,
        "passages": result.passages,
        "embedded": result.embedded,
        "passages_per_s": result.passages / seconds,
    }
    checkpoint(work, "cluster", size, out)

    t = time.perf_counter()
    with cluster.connected(num_cpus=cluster.LOCAL_CPUS):
        out["ray_start_seconds"] = time.perf_counter() - t
        for workers in WORKERS:
            shutil.rmtree(target, ignore_errors=True)
            t = time.perf_counter()
            done = cluster.ingest(target, files, settings, workers=workers)
            seconds = time.perf_counter() - t
            out["workers"][str(workers)] = {
                "seconds": seconds,
                "steps": done.seconds,
                "passages": done.result.passages,
                "embedded": done.texts,
                "passages_per_s": done.result.passages / seconds,
                "embedded_per_s": done.texts / done.seconds["embed"],
            }
            checkpoint(work, "cluster", size, out)
    shutil.rmtree(target, ignore_errors=True)
    out["peak_rss_mb"] = peak_rss_mb()
    out["load_average_end"] = os.getloadavg()[0]  # other work on the machine slows every row alike
    return out


def extrapolation(r: dict[str, Any]) -> str:
    """The line a reader needs to go from this machine to N: the per-worker embedding rate, how well a second
    worker adds to it, and the serial part (parse here is parallel too; the write is not)."""
    one, two = r["workers"].get("1"), r["workers"].get("2")
    if not one or not two:
        return ""
    rate = one["embedded_per_s"]
    efficiency = two["embedded_per_s"] / (2 * rate)
    serial = two["steps"]["write"]
    texts = two["embedded"]
    cores = EXAMPLE_MACHINES * 2
    parallel = (two["steps"]["parse"] + two["steps"]["embed"]) * 2 / cores
    return (
        f"Extrapolating: one worker (one core) embeds {rate:.0f} texts/s; two on this machine reach "
        f"{efficiency:.0%} of twice that. On N machines of c cores the embed step takes about "
        f"texts / ({rate:.0f} × N·c × {efficiency:.2f}) s and parsing shrinks likewise, while the write "
        f"({serial:.1f} s here for {texts:,} texts: records, tokens, BM25, FAISS, in the one process that holds "
        f"the lock) does not: e.g. {EXAMPLE_MACHINES} such machines ≈ {parallel + serial:.0f} s for this corpus, "
        f"of which {serial:.0f} s is the write."
        + (
            f" (1-minute load average {r['load_average_start']:.1f} → {r['load_average_end']:.1f} on "
            f"{os.cpu_count()} cores during the stage: other work slows every row alike.)"
            if "load_average_end" in r
            else ""
        )
    )


def cluster_rows(t: Any, ingest_size: int) -> None:
    """The Ray rows of the report's table, in the column of the ingest corpus, beside the local path."""
    from bench.common import _read
    from bench.render import _num

    r = _read(t.work, "cluster", ingest_size)
    if not r:
        return

    def only(text: str) -> list[str]:
        return [text if s == ingest_size else "" for s in t.cols]

    local = r["local"]
    t.row(
        "`jixiao ingest` files → index, local path: passages/s (s)",
        only(f"{_num(local['passages_per_s'], 1)} ({_num(local['seconds'], 1)})"),
    )
    for workers, w in r["workers"].items():
        steps = " · ".join(f"{k} {w['steps'][k]:.1f}" for k in ("parse", "embed", "write"))
        t.row(
            f"`jixiao ingest --ray`, local Ray, {workers} worker process(es): passages/s (embedding alone) · s by step",
            only(f"{_num(w['passages_per_s'], 1)} ({_num(w['embedded_per_s'], 1)}) · {steps}"),
        )


def cluster_notes(work: Path, ingest_size: int) -> list[str]:
    """The extrapolation line under the table, when the stage ran."""
    from bench.common import _read

    r = _read(work, "cluster", ingest_size)
    line = extrapolation(r) if r else ""
    return [f"**Ingest on Ray** (`jixiao ingest --ray`, stage `cluster`). {line}", ""] if line else []
