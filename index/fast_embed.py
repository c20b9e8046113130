"""A sentence-transformers model exported once to ONNX and run with onnxruntime: same tokens, same pooling."""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

import numpy as np

from corpus.errors import ModelError

__all__ = ["OnnxEncoder", "export_onnx", "onnx_dir", "physical_cores"]

log = logging.getLogger(__name__)

# Bump when the exported graph changes, so exports by an older exporter are not reused.
# r2: weights in a page-aligned external file that onnxruntime maps instead of copying (RSS 865 → 445 MB).
EXPORTER_REVISION = 2
ONNX_FILE = "model.onnx"
DATA_FILE = "model.onnx.data"
META_FILE = "meta.json"
# onnxruntime maps external data only at offsets aligned to its allocation granularity (64 KiB covers all).
_PAGE = 1 << 16
OPSET = 17
# The export is accepted only when it agrees with the torch model this closely (cosine, every text).
PARITY_MIN_COSINE = 0.9999
_PARITY_TEXTS = (
    "passage: 上海市主要污染物减排量技术核算和评估报告",
    "query: 哪些项目提到碳市场？",
    "passage: 服务对象满意度；年度指标值 ≥90.00(%)；实际完成值 95.00(%)",
    "passage: 完善建设用地土壤污染防治管理制度,评估固体废物污染防治工作情况,推进上海市土壤污染防治信息化建设",
    "x",
    # Longer than 512 tokens: the export must truncate where sentence-transformers does.
    "passage: "
    + "完善建设用地土壤污染防治管理制度,评估固体废物污染防治工作情况,推进上海市土壤污染防治信息化建设。" * 20,
)
_LOCK_TIMEOUT_S = 900


def onnx_dir(model_dir: str | Path) -> Path:
    """Where the ONNX export of `model_dir` lives: a sibling directory in the same cache."""
    model_dir = Path(model_dir)
    return model_dir.parent / f"{model_dir.name}.onnx-r{EXPORTER_REVISION}"


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _source_stamp(model_dir: Path) -> dict[str, Any]:
    """What identifies the weights an export was made from (size and mtime of each weights file)."""
    stamp: dict[str, Any] = {"source": model_dir.name, "exporter_revision": EXPORTER_REVISION}
    for name in ("model.safetensors", "pytorch_model.bin", "config.json", "tokenizer.json"):
        p = model_dir / name
        if p.is_file():
            st = p.stat()
            stamp[name] = [st.st_size, st.st_mtime_ns]
    return stamp


def _pooling(model_dir: Path) -> tuple[int, int]:
    """The model's (dimension, max_seq_length); only mean pooling over all tokens then Normalize is supported."""
    modules = _read_json(model_dir / "modules.json")
    kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
    if kinds[:2] != ["Transformer", "Pooling"] or (len(kinds) > 2 and kinds[2:] != ["Normalize"]):
        raise ModelError(
            f"{model_dir} 的模块结构 {kinds} 不是 Transformer→Pooling→Normalize，ONNX 加速不适用；请使用 torch 后端。"
        )
    pooling_dir = model_dir / next(m["path"] for m in modules if m["type"].endswith("Pooling"))
    pooling = _read_json(pooling_dir / "config.json")
    others = [
        k
        for k, v in pooling.items()
        if k.startswith("pooling_mode_") and v and k != "pooling_mode_mean_tokens"
    ]
    if not pooling.get("pooling_mode_mean_tokens") or others or not pooling.get("include_prompt", True):
        raise ModelError(f"{model_dir} 不是对全部词元取平均的池化方式，ONNX 加速不适用；请使用 torch 后端。")
    sbert = model_dir / "sentence_bert_config.json"
    max_len = int(_read_json(sbert).get("max_seq_length") or 512) if sbert.is_file() else 512
    return int(pooling["word_embedding_dimension"]), max_len


def _export_to(model_dir: Path, out: Path) -> None:
    """Trace the transformer with mean pooling and L2 normalisation into `out/model.onnx` (legacy exporter)."""
    import warnings

    import torch
    from transformers import AutoModel
    from transformers.utils import logging as tf_logging

    bar = tf_logging.is_progress_bar_enabled()
    tf_logging.disable_progress_bar()  # its per-tensor "Loading weights" bar is noise in a CLI
    try:
        model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()
    finally:
        if bar:
            tf_logging.enable_progress_bar()

    class Pooled(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            # sentence-transformers' mean pooling: masked sum over a count clamped away from zero.
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    ids = torch.ones((2, 8), dtype=torch.long)
    traced = out / "traced.onnx"
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Pooled(model).eval(),
            (ids, torch.ones_like(ids)),
            str(traced),
            dynamo=False,
            input_names=["input_ids", "attention_mask"],
            output_names=["sentence_embedding"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "sequence"},
                "attention_mask": {0: "batch", 1: "sequence"},
                "sentence_embedding": {0: "batch"},
            },
            opset_version=OPSET,
            do_constant_folding=True,
        )
    _externalise(traced, out / ONNX_FILE, out / DATA_FILE)
    traced.unlink()


def _externalise(source: Path, graph: Path, data: Path) -> None:
    """Move every weight of `source` into `data` at page-aligned offsets; `graph` keeps the rest.

    onnxruntime maps such a file instead of reading it into memory, so the 250k-row word-embedding table
    (384 MB as float32) costs only the pages of the rows a text actually uses.
    """
    import onnx
    from onnx import numpy_helper
    from onnx.external_data_helper import set_external_data

    model = onnx.load(str(source))
    with open(data, "wb") as f:
        for tensor in model.graph.initializer:
            raw = numpy_helper.to_array(tensor).tobytes()
            if len(raw) < 1024:
                continue
            offset = f.tell()
            if len(raw) >= _PAGE:  # small tensors are read, not mapped: no need to pad before them
                offset = (offset + _PAGE - 1) // _PAGE * _PAGE
                f.seek(offset)
            f.write(raw)
            for field in ("float_data", "int32_data", "int64_data", "double_data"):
                tensor.ClearField(field)
            tensor.raw_data = raw  # set_external_data wants raw_data present; it is dropped just after
            set_external_data(tensor, data.name, offset=offset, length=len(raw))
            tensor.ClearField("raw_data")
            tensor.data_location = onnx.TensorProto.EXTERNAL
    onnx.save_model(model, str(graph))


def _parity(model_dir: Path, out: Path) -> float:
    """The least cosine between the export and sentence-transformers on fixed texts, padded in one batch."""
    import warnings

    from sentence_transformers import SentenceTransformer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    ref = reference.encode(list(_PARITY_TEXTS), normalize_embeddings=True, convert_to_numpy=True)
    got = OnnxEncoder(model_dir, directory=out).encode(list(_PARITY_TEXTS))
    return float(np.min(np.sum(ref * got, axis=1)))


def export_onnx(model_dir: str | Path, directory: str | Path | None = None) -> Path:
    """Export `model_dir` (a sentence-transformers directory) to ONNX once; return the export's directory.

    Built in a temporary sibling, checked against the torch model (cosine ≥ PARITY_MIN_COSINE) and
    renamed into place under a file lock, so an interrupted or concurrent export never leaves a
    half-written model behind. Needs torch only here, not to run the export afterwards.

    Args:
        model_dir: the materialised model, e.g. `index.embed.materialise_default_model()`.
        directory: where to put the export (default `onnx_dir(model_dir)`).
    Returns:
        The directory holding model.onnx and meta.json.
    Raises:
        ModelError: the model is not mean-pooled, the export failed or disagrees with torch.
    """
    from filelock import FileLock, Timeout

    model_dir = Path(model_dir)
    target = Path(directory) if directory is not None else onnx_dir(model_dir)
    _pooling(model_dir)
    stamp = _source_stamp(model_dir)
    if _is_complete(target, stamp):
        return target
    # An export that failed for these very weights fails again: say so at once instead of re-tracing.
    failed = target.parent / f".{target.name}.failed.json"
    earlier = _earlier_failure(failed, stamp)
    if earlier:
        raise ModelError(
            f"{earlier}（此前对同一模型的 ONNX 导出已失败；删除 {failed} 可重新尝试，或使用 torch 后端）"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with FileLock(str(target.parent / f".{target.name}.lock"), timeout=_LOCK_TIMEOUT_S):
            if _is_complete(target, stamp):
                return target
            for stale in target.parent.glob(f".tmp-{target.name}-*"):
                shutil.rmtree(stale, ignore_errors=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{target.name}-", dir=target.parent))
            try:
                log.info("正在导出 ONNX 模型：%s", target)
                _export_to(model_dir, tmp)
                cosine = _parity(model_dir, tmp)
                if cosine < PARITY_MIN_COSINE:
                    raise ModelError(
                        f"导出的 ONNX 模型与 torch 模型结果不一致（最小余弦 {cosine:.6f} < {PARITY_MIN_COSINE}）；请使用 torch 后端。"
                    )
                meta = {**stamp, "parity_min_cosine": cosine, "opset": OPSET}
                (tmp / META_FILE).write_text(
                    json.dumps(meta, indent=1) + "\n", encoding="utf-8"
                )  # last: marks completion
                umask = os.umask(0)
                os.umask(umask)
                for path in [tmp, *tmp.iterdir()]:
                    os.chmod(path, (0o777 if path.is_dir() else 0o666) & ~umask)
                if target.exists():
                    shutil.rmtree(target)
                os.replace(tmp, target)
            except BaseException as e:
                shutil.rmtree(tmp, ignore_errors=True)
                if isinstance(e, Exception) and not isinstance(e, OSError):  # not a full disk: it would recur
                    reason = (
                        str(e) if isinstance(e, ModelError) else f"ONNX 导出失败：{type(e).__name__}: {e}"
                    )
                    failed.write_text(
                        json.dumps({**stamp, "error": reason}, ensure_ascii=False), encoding="utf-8"
                    )
                raise
            failed.unlink(missing_ok=True)
            _remove_older_revisions(target)
    except Timeout as e:
        raise ModelError(
            f"等待其他进程导出 ONNX 模型超时（锁文件 {e.lock_file}）。若没有其他 jixiao 进程在运行，请删除该锁文件后重试。"
        ) from e
    except OSError as e:
        raise ModelError(f"无法在 {target.parent} 导出 ONNX 模型：{e}。请检查磁盘空间和写权限。") from e
    return target


def _earlier_failure(marker: Path, stamp: dict[str, Any]) -> str | None:
    try:
        record = _read_json(marker)
    except (OSError, ValueError):
        return None
    return (
        str(record.get("error") or "") or None if all(record.get(k) == v for k, v in stamp.items()) else None
    )


def _remove_older_revisions(target: Path) -> None:
    """Exports of the same model by an older exporter are never read again: free their disk space."""
    suffix = f".onnx-r{EXPORTER_REVISION}"
    if not target.name.endswith(suffix):
        return
    stem = target.name[: -len(suffix)]
    for old in target.parent.glob(f"{stem}.onnx-r*"):
        if old != target and old.name[len(stem) + 7 :].isdigit():
            shutil.rmtree(old, ignore_errors=True)


def _is_complete(directory: Path, stamp: dict[str, Any]) -> bool:
    try:
        meta = _read_json(directory / META_FILE)
    except (OSError, ValueError):
        return False
    return (
        all(meta.get(k) == v for k, v in stamp.items())
        and (directory / ONNX_FILE).is_file()
        and (directory / DATA_FILE).is_file()
    )


def physical_cores() -> int:
    """Physical cores this process may run on (hyper-threads of one core share its vector units)."""
    try:
        allowed = sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)
    cores = set()
    for cpu in allowed:
        try:
            siblings = Path(f"/sys/devices/system/cpu/cpu{cpu}/topology/thread_siblings_list").read_text()
        except OSError:
            siblings = str(cpu)
        cores.add(siblings.strip())
    return max(1, len(cores))


def _threads() -> int:
    env = os.environ.get("OMP_NUM_THREADS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    # A second thread on a hyper-threaded core only contends for the same vector units.
    return physical_cores()


class OnnxEncoder:
    """Sentence embeddings from the ONNX export of a sentence-transformers model (CPU, float32).

    Tokenisation is the model's own tokenizer.json with sentence-transformers' truncation (and lower-casing
    where the model asks for it); pooling and normalisation are inside the graph. The cost of a batch is its
    rows times its longest row, so texts are sorted by length, a token count many texts share makes batches
    of its own (no padding), and the others take only texts at least `1 - max_padding` as long as their
    first: on the ~25-token passages of the forms that ran 20–30% faster per CPU second than fixed batches
    of 16 and 2× faster than batches of 64 (bench/README.md).

    Example:
        enc = OnnxEncoder(materialise_default_model())      # exports on first use
        enc.encode(["碳排放权交易市场"], prompt="query: ").shape  # (1, 384)
    """

    def __init__(
        self,
        model_dir: str | Path,
        directory: str | Path | None = None,
        batch_size: int = 64,
        threads: int | None = None,
        max_padding: float = 0.1,
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.model_dir = Path(model_dir)
        self.batch_size = batch_size
        self.max_padding = max_padding
        self.dimension, self.max_seq_length = _pooling(self.model_dir)
        export = Path(directory) if directory is not None else export_onnx(self.model_dir)
        sbert = self.model_dir / "sentence_bert_config.json"
        self.lower_case = bool(_read_json(sbert).get("do_lower_case")) if sbert.is_file() else False
        try:
            self.tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        except Exception as e:  # a model with only a slow (Python) tokenizer has no tokenizer.json
            raise ModelError(
                f"无法读取 {self.model_dir / 'tokenizer.json'}：{e}。ONNX 加速需要快速分词器文件；请使用 torch 后端。"
            ) from e
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=self.max_seq_length)
        config = _read_json(self.model_dir / "config.json")
        self._pad_id = int(config.get("pad_token_id") or 0)
        options = ort.SessionOptions()
        self.threads = threads or _threads()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        # Idle worker threads sleep instead of spinning: on a 2-core machine shared with a browser or other
        # jobs, spinning threads steal the cores the work needs (measured: a query 134 ms spinning, 78 ms not).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            self._session = ort.InferenceSession(
                str(export / ONNX_FILE), options, providers=["CPUExecutionProvider"]
            )
        except Exception as e:  # any runtime failure becomes one actionable message
            raise ModelError(
                f"无法加载 ONNX 模型 {export / ONNX_FILE}：{e}。请删除目录 {export} 后重试，或使用 torch 后端。"
            ) from e
        self._lock = threading.Lock()  # the tokenizer is not safe to share between threads mid-call

    def _batches(self, lengths: np.ndarray) -> list[np.ndarray]:
        """Row indices of each batch: longest first, each batch of nearly equal lengths. A length that at
        least half a batch of texts share is batched on its own, without any padding (a long list of short
        passages has dozens to hundreds of texts of each token count); the rest are batched as they come,
        each batch's texts at least `1 - max_padding` as long as its first."""
        order = np.argsort(-lengths, kind="stable")
        batches: list[np.ndarray] = []
        values, counts = np.unique(lengths, return_counts=True)
        crowded = values[counts >= max(2, self.batch_size // 2)]
        if len(crowded):
            exact = np.isin(lengths[order], crowded)
            for value in crowded[::-1]:
                rows = order[lengths[order] == value]
                batches += [rows[i : i + self.batch_size] for i in range(0, len(rows), self.batch_size)]
            order = order[~exact]
        start = 0
        while start < len(order):
            floor = lengths[order[start]] * (1.0 - self.max_padding)
            end = start + 1
            while end < len(order) and end - start < self.batch_size and lengths[order[end]] >= floor:
                end += 1
            batches.append(order[start:end])
            start = end
        return batches

    def encode(self, texts: list[str], prompt: str | None = None, dedupe: bool = True) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text; `prompt` is prepended as sentence-transformers does.

        Args:
            texts: the texts.
            prompt: e.g. "query: " or "passage: " for e5 models.
            dedupe: embed repeated texts once (False only to measure the runtime alone).
        Returns:
            An array of shape (len(texts), dimension).
        """
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        if dedupe:
            slots: dict[str, int] = {}
            inverse = np.fromiter(
                (slots.setdefault(t, len(slots)) for t in texts), dtype=np.intp, count=len(texts)
            )
            unique = list(slots)
        else:
            unique = list(texts)
        inputs = [(prompt or "") + t for t in unique]
        if self.lower_case:
            inputs = [t.lower() for t in inputs]
        with self._lock:
            encodings = self.tokenizer.encode_batch(inputs)
            lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.intp, count=len(encodings))
            out = np.empty((len(inputs), self.dimension), np.float32)
            for rows in self._batches(lengths):
                width = int(lengths[rows[0]])
                ids = np.full((len(rows), width), self._pad_id, np.int64)
                mask = np.zeros((len(rows), width), np.int64)
                for r, i in enumerate(rows):
                    n = lengths[i]
                    ids[r, :n] = encodings[i].ids
                    mask[r, :n] = 1
                out[rows] = self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return out[inverse] if dedupe else out
