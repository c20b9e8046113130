"""Loading a model (onnxruntime, or sentence-transformers on torch) and encoding queries and passages."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from corpus.errors import ModelError
from corpus.settings import DEFAULT_MODEL
from index.embed.convert import _E5_PROMPTS, materialise_default_model
from index.embed.environment import _cache_root, _force_offline, _limit_threads

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from index.fast_embed import OnnxEncoder

# The package's one logger, named as the single module it was split from (callers filter on it).
log = logging.getLogger("index.embed")


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
