"""Page images (PNG, JPEG, TIFF with one page per frame) -> rows, by OCR; boxes are in the image's pixels."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from corpus.readers.base import Loaded, read_bytes, refuse, sha256_bytes
from corpus.readers.ocr import ocr_loaded, read_page, report_progress

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
_MAX_PIXELS = 60_000_000  # a page photographed at any sane resolution stays far below this


def frames(data: bytes, path: Path) -> list[np.ndarray]:
    """Each page of an image file as BGR pixels, turned as its EXIF orientation says."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > _MAX_PIXELS:
            raise refuse(path, "corrupt", kind="图片", detail=f"{image.width}×{image.height} 像素，过大")
        pages = []
        for index in range(getattr(image, "n_frames", 1)):
            image.seek(index)
            frame = ImageOps.exif_transpose(image.copy()).convert("RGB")
            pages.append(np.ascontiguousarray(np.asarray(frame)[:, :, ::-1]))
    except (UnidentifiedImageError, OSError, ValueError, EOFError, Image.DecompressionBombError) as exc:
        raise refuse(path, "corrupt", kind="图片", detail=type(exc).__name__) from None
    return pages


def read_image(path: Path) -> Loaded:
    """Read a page image (or each page of a multi-page TIFF) by OCR into rows, one `page` per frame.

    Returns:
        OcrLoaded: the rows, every cell's confidence and box (image pixels), warnings for doubtful cells.
    Raises:
        UnreadableFileError: empty, or not an image that can be decoded.
    """
    data = read_bytes(path)
    pages = frames(data, path)
    items = []
    empty = []
    for number, image in enumerate(pages, start=1):
        page_items = read_page(image, number, 1.0)
        if not page_items:
            empty.append(number)
        items.extend(page_items)
        report_progress(number, len(pages))
    return ocr_loaded(str(path), sha256_bytes(data), items, list(range(1, len(pages) + 1)), empty, "px")
