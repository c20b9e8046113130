"""What the app shows of OCR: each scanned page read as a step of the upload's progress bar, and the crop of the
page image an OCR'd citation names, beside the recognised text, so the reviewer sees what was read."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from functools import lru_cache
from pathlib import Path
from typing import Any

from corpus.model import Document, Source
from corpus.readers import ocr_options
from corpus.readers.ocr import PDF_DPI
from corpus.settings import Settings

Progress = Callable[..., object]  # gradio's Progress: progress(fraction, desc)
_MARGIN = 6  # pixels of page kept around the box


def page_progress(
    progress: Progress, start: float, span: float, name: str, settings: Settings
) -> AbstractContextManager[None]:
    """Within the block, each page OCR'd moves the bar from `start` by its share of `span` and says 第 N/M 页."""

    def step(done: int, total: int) -> None:
        progress(start + span * done / max(total, 1), f"{name}：第 {done}/{total} 页 OCR")

    return ocr_options(min_confidence=settings.ocr_min_confidence, progress=step)


def crop_png(path: str | Path, source: Source) -> bytes | None:
    """The part of the page image that `source.box` names, as PNG; None when the source was not OCR'd or its
    file can no longer be read."""
    if source.box is None or not source.page:
        return None
    path = Path(path)
    try:
        image, scale = _page_image(str(path), path.stat().st_mtime, source.page)
    except (OSError, ValueError, RuntimeError, EOFError):  # gone, replaced by another kind of file, damaged
        return None
    x0, y0, x1, y1 = (v * scale for v in source.box)
    left, top = max(int(x0) - _MARGIN, 0), max(int(y0) - _MARGIN, 0)
    right, bottom = min(int(x1) + _MARGIN, image.width), min(int(y1) + _MARGIN, image.height)
    if right <= left or bottom <= top:
        return None
    out = io.BytesIO()
    image.crop((left, top, right, bottom)).save(out, format="PNG")
    return out.getvalue()


@lru_cache(maxsize=4)  # an answer cites several rows of the same page
def _page_image(path: str, mtime: float, page: int) -> tuple[Any, float]:
    """The page as OCR saw it (a PDF page rendered at the OCR resolution), and pixels per box unit."""
    if Path(path).suffix.lower() == ".pdf":
        import pypdfium2

        document = pypdfium2.PdfDocument(path)
        try:
            return document[page - 1].render(scale=PDF_DPI / 72).to_pil().convert("RGB"), PDF_DPI / 72
        finally:
            document.close()
    from PIL import Image, ImageOps

    with Image.open(path) as image:
        image.seek(page - 1)
        return ImageOps.exif_transpose(image.copy()).convert("RGB"), 1.0


def source_crop(source: Source | None, documents: Sequence[Document]) -> str:
    """`crop_html` of `source` from the file it was read from (the document of its name and version); '' when
    it was not OCR'd."""
    if source is None or source.box is None:
        return ""
    for document in documents:
        if document.name == source.file and (not source.sha256 or document.sha256 == source.sha256):
            return crop_html(document.path, source)
    return ""


def crop_html(path: str | Path, source: Source) -> str:
    """The crop beside the text that was read from it; '' when the source was not OCR'd."""
    png = crop_png(path, source)
    if png is None:
        return ""
    data = base64.b64encode(png).decode("ascii")
    return (
        "<figure class='jx-ocr-crop' style='margin:6px 0'>"
        f"<img alt='原件第{source.page}页截图' src='data:image/png;base64,{data}' "
        "style='max-width:100%;max-height:360px;border:1px solid #ccc'>"
        f"<figcaption>识别结果：{html.escape(source.text)}（{html.escape(source.cite())}）</figcaption></figure>"
    )
