"""Latency of `qa.ask.ask` over a question file: p50 and p95, with the model loaded and the index built once."""

from __future__ import annotations

import argparse
import json
import math
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_QUESTIONS = ROOT / "tests" / "eval" / "questions.jsonl"
SAMPLES = ROOT / "corpus" / "samples"


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of the samples."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def read_questions(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        line = line.strip()
        if line:
            out.append(json.loads(line)["question"] if line.startswith("{") else line)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--index", type=Path, help="an existing index directory (default: build one of the samples)"
    )
    parser.add_argument(
        "--questions", type=Path, default=DEFAULT_QUESTIONS, help="JSON lines with a question field"
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="timed passes over the questions after the warm-up"
    )
    args = parser.parse_args()

    from corpus.parse import parse_file
    from index.embed import get_embedder
    from index.store import Index
    from qa.ask import ask

    started = time.perf_counter()
    embedder = get_embedder()  # loaded once; ask() reaches the same cached instance through the index
    loaded = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        if args.index:
            index = Index.open(args.index, create=False, embedder=embedder)
            built = 0.0
        else:
            started = time.perf_counter()
            index = Index.open(Path(tmp) / "index", embedder=embedder)
            index.add([parse_file(p) for p in sorted(SAMPLES.glob("*.txt"))])
            built = time.perf_counter() - started
        questions = read_questions(args.questions)
        projects = len(index.projects())

        # The first pass pays one-off costs (catalogue, phrase vectors of mentions, the checks): reported apart.
        cold = []
        for q in questions:
            started = time.perf_counter()
            ask(q, index)
            cold.append(time.perf_counter() - started)
        warm = []
        for _ in range(args.rounds):
            for q in questions:
                started = time.perf_counter()
                ask(q, index)
                warm.append(time.perf_counter() - started)

    ms = 1000.0
    print(f"model load {loaded:.1f} s; index build {built:.1f} s; {projects} projects")
    print(
        f"first pass over {len(questions)} questions (one-off costs included): p50 {percentile(cold, 50) * ms:.1f} ms, "
        f"p95 {percentile(cold, 95) * ms:.1f} ms, total {sum(cold):.2f} s"
    )
    print(
        f"ask latency, {len(questions)} questions x {args.rounds} rounds: "
        f"p50 {percentile(warm, 50) * ms:.1f} ms, p95 {percentile(warm, 95) * ms:.1f} ms, max {max(warm) * ms:.1f} ms"
    )


if __name__ == "__main__":
    main()
