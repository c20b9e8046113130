"""Stage ocr: pages per second of a scanned PDF (OCR) beside the same pages as a text PDF.

The declaration sample is drawn as a text PDF (the tests' writer, CJK font from Debian's fonts-wqy-zenhei), its
pages rendered at 200 dpi into an image-only PDF, and both parsed end to end (reader + form reading).
Run alone: `.venv/bin/python -m bench.stages.ocr` prints the JSON row.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DPI = 200


def _scanned(pdf: Path, out: Path, dpi: int = DPI) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    pages = [document[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(document))]
    document.close()
    pages[0].save(out, save_all=True, append_images=pages[1:], resolution=float(dpi))
    return len(pages)


def stage_ocr(work: Path, size: int = 0, args: argparse.Namespace | None = None) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "tests"))
    from build_docs import write_pdf

    from corpus.parse import parse_file
    from corpus.readers.ocr_engine import engine

    work.mkdir(parents=True, exist_ok=True)
    declaration = parse_file(ROOT / "corpus" / "samples" / "2024_target_declaration_shanghai_enforcement.txt")
    text_pdf = write_pdf(declaration, work / "declaration.pdf")
    scan = work / "declaration-scan.pdf"
    pages = _scanned(text_pdf, scan)
    t = time.perf_counter()
    rounds = 5
    for _ in range(rounds):
        text_doc = parse_file(text_pdf)
    text_seconds = (time.perf_counter() - t) / rounds
    t = time.perf_counter()
    engine()  # the models load once per process
    load_seconds = time.perf_counter() - t
    t = time.perf_counter()
    ocr_doc = parse_file(scan)
    ocr_seconds = time.perf_counter() - t
    same = sum(
        a.name == b.name and [i.name for i in a.indicators] == [i.name for i in b.indicators]
        for a, b in zip(text_doc.projects, ocr_doc.projects, strict=False)
    )
    return {
        "pages": pages,
        "dpi": DPI,
        "text_pdf_seconds": text_seconds,
        "text_pdf_pages_per_s": pages / text_seconds,
        "ocr_model_load_seconds": load_seconds,
        "ocr_seconds": ocr_seconds,
        "ocr_pages_per_s": pages / ocr_seconds,
        "projects": len(text_doc.projects),
        "projects_read_alike": same,
        "ocr_low_confidence_warnings": sum(w.kind == "ocr-low-confidence" for w in ocr_doc.warnings),
    }


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        print(json.dumps(stage_ocr(Path(folder)), ensure_ascii=False, indent=2))
