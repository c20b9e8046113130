"""The benchmark stages; each runs in its own process, so its peak RSS is its own."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.stages.build import stage_build
from bench.stages.check import stage_check
from bench.stages.cluster import stage_cluster
from bench.stages.engines import stage_engines
from bench.stages.ingest import stage_ingest
from bench.stages.ocr import stage_ocr
from bench.stages.parse import stage_parse
from bench.stages.scale import stage_scale
from bench.stages.serve import stage_serve

STAGES: dict[str, Callable[[Path, int, argparse.Namespace], dict[str, Any]]] = {
    "parse": stage_parse,
    "ingest": stage_ingest,
    "cluster": stage_cluster,
    "engines": stage_engines,
    "build": stage_build,
    "serve": stage_serve,
    "scale": stage_scale,
    "check": stage_check,
    "ocr": stage_ocr,  # scanned pages per second beside the text PDF (`--stages ocr`)
}
