"""Ingest on Ray (qa/cluster.py): the same records, findings and vectors as a local ingest; a killed worker is
survived. One local Ray of 2 CPUs serves the module."""

from __future__ import annotations

import importlib.util
import os
import signal
import sys
from pathlib import Path

import numpy as np
import pytest
import ray

from cli import main
from corpus.model import to_jsonable
from corpus.settings import Settings
from index.store import Index
from qa import cluster, service

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpus" / "samples"
PROJECTS = 200
MIN_COSINE = 0.99999


def _generate(out: Path, projects: int) -> Path:
    """bench/generate.py's corpus of `projects` projects (bench/ is scripts: loaded from its file)."""
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module.generate(out, projects=projects, seed=7).root / "docs"


@pytest.fixture(scope="module")
def local_ray():
    """One local Ray for the module (starting one takes seconds); `cluster.connected` uses it as it is."""
    ray.init(num_cpus=cluster.LOCAL_CPUS, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[str]:
    """The samples and a generated corpus of 200 projects."""
    return [str(SAMPLES), str(_generate(tmp_path_factory.mktemp("corpus"), PROJECTS))]


@pytest.fixture(scope="module")
def local_index(tmp_path_factory, corpus) -> Path:
    """Both, ingested the local way (`jixiao ingest`)."""
    directory = tmp_path_factory.mktemp("local") / "index"
    assert main(["ingest", *corpus, "--index", str(directory), "--quiet"]) == 0
    return directory


def _records(directory: Path) -> list:
    index = Index.open(directory, create=False)
    return [to_jsonable(d) for d in index.documents()] + [to_jsonable(r) for r in index.refused()]


def _vectors(directory: Path) -> dict[str, np.ndarray]:
    """Passage key -> stored vector, and name -> stored query vector."""
    index = Index.open(directory, create=False)
    rows = index._current().vectors
    out = {p.key: np.asarray(rows[i]) for i, p in enumerate(index.passages())}
    names = list(dict.fromkeys(p.name for p in index.projects()))
    out.update({f"name:{n}": v for n, v in zip(names, index.name_vectors(names), strict=True)})
    return out


def _assert_same_vectors(ours: Path, local: Path) -> None:
    mine, theirs = _vectors(ours), _vectors(local)
    assert mine and mine.keys() <= theirs.keys()
    keys = sorted(mine)
    a = np.stack([mine[k] for k in keys])
    b = np.stack([theirs[k] for k in keys])
    cosine = (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    assert cosine.min() >= MIN_COSINE, keys[int(cosine.argmin())]


def _findings(directory: Path) -> list[tuple]:
    review = service.review(Index.open(directory, create=False), Settings())
    return [(f.rule, f.document, f.project, f.indicator, f.message) for f in review.findings]


def test_ray_ingest_matches_local(local_ray, corpus, local_index, tmp_path, capsys) -> None:
    directory = tmp_path / "ray"
    assert main(["ingest", *corpus, "--index", str(directory), "--ray"]) == 0
    err = capsys.readouterr().err
    files = len(service.expand_paths(corpus))
    assert f"已读 {files}/{files} 个文件" in err  # each file said as it is read
    records = _records(directory)
    assert len(records) == files and records == _records(local_index)
    _assert_same_vectors(directory, local_index)
    findings = _findings(directory)
    assert findings and findings == _findings(local_index)
    # Run again, as after an interruption: the same files change nothing and nothing is embedded.
    again = cluster.ingest(directory, corpus, Settings())
    assert again.result.unchanged and not again.result.changed and _records(directory) == records


def _encoder_processes() -> list[int]:
    """Live processes of the embedding actors (Ray names a worker's process after what it runs)."""
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            title = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if proc.name.isdigit() and title.startswith("ray::") and "Encoder" in title:
            pids.append(int(proc.name))
    return pids


def test_killed_worker_is_survived(local_ray, local_index, tmp_path) -> None:
    killed: list[tuple[int, int, int]] = []

    def progress(done: int, total: int) -> None:
        if not killed and 0 < done < total:  # mid-embedding: kill one actor's process outright
            pids = _encoder_processes()
            assert pids, "no embedding actor found to kill"
            os.kill(pids[0], signal.SIGKILL)
            killed.append((pids[0], done, total))

    directory = tmp_path / "ray"
    done = cluster.ingest(directory, [SAMPLES], Settings(), progress=progress)
    assert killed, "the ingest ended before a worker could be killed"
    pid = killed[0][0]
    assert not Path(f"/proc/{pid}").exists() or b"zombie" in Path(f"/proc/{pid}/status").read_bytes()
    assert len(done.result.added) == len(service.expand_paths([SAMPLES]))
    sample_names = {p.name for p in SAMPLES.iterdir()}
    local = [r for r in _records(local_index) if r["path"].rsplit("/", 1)[-1] in sample_names]
    assert _records(directory) == local
    _assert_same_vectors(directory, local_index)
