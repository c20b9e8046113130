"""ONNX encoder: parity with the sentence-transformers path, same tokens, dedupe, export bookkeeping, errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from corpus.errors import ModelError
from index.fast_embed import (
    DATA_FILE,
    META_FILE,
    ONNX_FILE,
    OnnxEncoder,
    _is_complete,
    _source_stamp,
    export_onnx,
    onnx_dir,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "corpus" / "samples").glob("*.txt"))


def _sample_cells() -> list[str]:
    cells: list[str] = []
    for path in SAMPLES:
        for line in path.read_text(encoding="utf-8").splitlines():
            for cell in line.split("\t"):
                cell = re.sub(r"<[^>]+>", "", cell).strip()
                if 2 <= len(cell) <= 600 and re.search(r"[\u4e00-\u9fff]", cell):
                    cells.append(cell)
    return list(dict.fromkeys(cells))


@pytest.fixture(scope="module")
def model_dir() -> Path:
    from index.embed import materialise_default_model

    return materialise_default_model()


@pytest.fixture(scope="module")
def encoder(model_dir: Path) -> OnnxEncoder:
    return OnnxEncoder(model_dir)


@pytest.fixture(scope="module")
def texts() -> list[str]:
    cells = _sample_cells()
    # The longest cells (goal paragraphs, near the 512-token limit) and a spread of short ones.
    longest = sorted(cells, key=len, reverse=True)[:6]
    return longest + cells[::7][:90]


def test_parity_with_sentence_transformers(encoder: OnnxEncoder, torch_embedder, texts: list[str]) -> None:
    for prompt in ("passage: ", "query: "):
        reference = torch_embedder.model.encode(
            texts, prompt=prompt, batch_size=32, convert_to_numpy=True, normalize_embeddings=True
        )
        got = encoder.encode(texts, prompt=prompt)
        assert got.shape == reference.shape and got.dtype == np.float32
        cosine = np.sum(got * reference, axis=1)
        assert cosine.min() >= 0.9999, (prompt, texts[int(cosine.argmin())][:40], float(cosine.min()))
        assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


def test_tokens_are_sentence_transformers_tokens(
    encoder: OnnxEncoder, torch_embedder, texts: list[str]
) -> None:
    st = torch_embedder.model.tokenizer
    for text in texts[:20] + ["  两个  空格 ", "≥90.00(%)", "Ｆｕｌｌ－width ２０２３"]:
        ours = encoder.tokenizer.encode("passage: " + text).ids
        theirs = st("passage: " + text, truncation=True, max_length=encoder.max_seq_length)["input_ids"]
        assert ours == theirs, text


def test_repeated_texts_embedded_once_and_order_kept(encoder: OnnxEncoder) -> None:
    texts = ["碳市场", "生物多样性保护", "碳市场", "x"]
    vecs = encoder.encode(texts, prompt="query: ")
    assert np.array_equal(vecs[0], vecs[2])
    alone = encoder.encode(["生物多样性保护"], prompt="query: ")
    assert float(alone[0] @ vecs[1]) > 0.99999
    assert encoder.encode([]).shape == (0, encoder.dimension)
    # Without dedupe every row is computed, with the same result.
    np.testing.assert_allclose(encoder.encode(texts, prompt="query: ", dedupe=False), vecs, atol=1e-6)


def test_batches_group_similar_lengths(encoder: OnnxEncoder, texts: list[str]) -> None:
    lengths = np.array([len(encoder.tokenizer.encode("passage: " + t).ids) for t in texts])
    batches = encoder._batches(lengths)
    assert sorted(np.concatenate(batches).tolist()) == list(range(len(texts)))
    for rows in batches:
        assert len(rows) <= encoder.batch_size
        width = lengths[rows[0]]
        assert width == lengths[rows].max()
        assert lengths[rows].min() >= width * (1 - encoder.max_padding)
    # Far fewer padded tokens than fixed batches of 16 in the given order (what a naive loop would do).
    padded = sum(len(rows) * lengths[rows[0]] for rows in batches)
    naive = sum(len(lengths[i : i + 16]) * lengths[i : i + 16].max() for i in range(0, len(lengths), 16))
    assert padded <= 1.12 * lengths.sum() < naive


def test_export_is_reused_and_stamped(model_dir: Path, encoder: OnnxEncoder) -> None:
    target = onnx_dir(model_dir)
    assert export_onnx(model_dir) == target
    meta = json.loads((target / META_FILE).read_text(encoding="utf-8"))
    assert meta["parity_min_cosine"] >= 0.9999
    # The weights live in a separate page-aligned file that onnxruntime maps instead of copying.
    assert (target / ONNX_FILE).stat().st_size < 2_000_000 < 100_000_000 < (target / DATA_FILE).stat().st_size
    assert _is_complete(target, _source_stamp(model_dir))
    # Changed weights (a different stamp) make the export stale.
    assert not _is_complete(target, {**_source_stamp(model_dir), "model.safetensors": [1, 2]})


def test_unsupported_pooling_is_refused(tmp_path: Path) -> None:
    d = tmp_path / "cls-model"
    (d / "1_Pooling").mkdir(parents=True)
    (d / "modules.json").write_text(
        json.dumps(
            [
                {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            ]
        ),
        encoding="utf-8",
    )
    (d / "1_Pooling" / "config.json").write_text(
        json.dumps(
            {"word_embedding_dimension": 8, "pooling_mode_cls_token": True, "pooling_mode_mean_tokens": False}
        ),
        encoding="utf-8",
    )
    with pytest.raises(ModelError, match="torch 后端"):
        export_onnx(d)


def test_a_token_count_many_texts_share_is_batched_without_padding(encoder: OnnxEncoder) -> None:
    rng = np.random.default_rng(5)
    # 300 texts of 24 tokens and 200 of 23 among 60 scattered lengths: the two crowded lengths get batches
    # of their own, full, unpadded; every row is in exactly one batch; the rest keep the padding bound.
    lengths = np.concatenate([np.full(300, 24), np.full(200, 23), rng.integers(8, 90, 60)])
    lengths = lengths[rng.permutation(len(lengths))]
    batches = encoder._batches(lengths)
    assert sorted(np.concatenate(batches).tolist()) == list(range(len(lengths)))
    for rows in batches:
        assert len(rows) <= encoder.batch_size
        width = lengths[rows].max()
        assert lengths[rows].min() >= width * (1 - encoder.max_padding)
        if width in (23, 24) and np.sum(lengths == width) >= encoder.batch_size // 2:
            assert (lengths[rows] == width).all()
    padded = sum(len(rows) * lengths[rows].max() for rows in batches)
    assert padded - lengths.sum() < 0.02 * lengths.sum()
