"""The process environment the embedders need: Hugging Face offline, passive OpenMP, the cache, threads."""

from __future__ import annotations

import os
import sys
from pathlib import Path

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
