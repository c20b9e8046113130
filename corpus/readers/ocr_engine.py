"""Page image -> text boxes: PP-OCRv4 (rapidocr-onnxruntime, models inside the wheel) on the CPU.

The page is turned upright first (0/90/180/270 by the text lines' shape and a vote of the direction model over
many lines, then the small skew of a scan or photo measured on the detected lines), so the table finder sees
level ruling lines. A box's confidence is the least sure step of its reading, not the mean: one doubtful
digit (or a character nearly read and dropped) makes the whole figure doubtful.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

# Detection runs on the page scaled to this long side (about 150 dpi on A4): finer costs time, not boxes.
_DET_SIDE = 1760
_VOTES = 40  # text lines the direction model looks at
_MIN_SKEW = 0.1  # degrees: less is not worth resampling the page


@dataclass(frozen=True)
class TextBox:
    """One recognised line of text: its text, its confidence (0..1: the least sure step of the reading), and
    where it is on the upright page (pixels: x0, y0, x1, y1)."""

    text: str
    confidence: float
    box: tuple[float, float, float, float]
    figures: float = 1.0  # the least sure step of reading its figure characters (1.0: none)

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]

    @property
    def center(self) -> tuple[float, float]:
        return (self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2


@dataclass(frozen=True)
class Upright:
    """A page turned upright: the image, and how to map its pixels back onto the page as scanned."""

    image: np.ndarray  # BGR, uint8
    quarter_turns: int  # clockwise turns of 90° applied to the scan
    skew: float  # degrees the turned page was rotated by to level it
    matrix: np.ndarray  # 2x3 affine: upright pixel -> scanned pixel
    quads: tuple[np.ndarray, ...] = ()  # the text lines detected, in upright pixels


@lru_cache(maxsize=1)
def engine() -> Any:
    """The OCR models, loaded once from the rapidocr package directory (nothing is downloaded)."""
    import logging

    from rapidocr_onnxruntime import RapidOCR

    logging.getLogger("RapidOCR").setLevel(logging.WARNING)
    return RapidOCR()


def _scaled(image: np.ndarray, side: int) -> tuple[np.ndarray, float]:
    import cv2

    h, w = image.shape[:2]
    ratio = min(1.0, side / max(h, w))
    if ratio == 1.0:
        return image, 1.0
    return cv2.resize(image, (round(w * ratio), round(h * ratio)), interpolation=cv2.INTER_AREA), ratio


def detect(image: np.ndarray, side: int = _DET_SIDE) -> list[np.ndarray]:
    """Text line quadrilaterals (4x2 float, in `image` pixels), top to bottom."""
    small, ratio = _scaled(image, side)
    boxes, _ = engine().text_det(small)
    if boxes is None or len(boxes) == 0:
        return []
    return [np.asarray(b, dtype=np.float32) / ratio for b in boxes]


def _crop(image: np.ndarray, quad: np.ndarray) -> np.ndarray:
    import cv2

    width = int(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[2] - quad[3])))
    height = int(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2])))
    width, height = max(width, 1), max(height, 1)
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    m = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    return cv2.warpPerspective(
        image, m, (width, height), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC
    )


def _shape(quad: np.ndarray) -> tuple[float, float, float]:
    """(length along the line, height, angle of the line in degrees) of a detected quadrilateral."""
    dx, dy = quad[1] - quad[0]
    return (
        float(math.hypot(dx, dy)),
        float(np.linalg.norm(quad[3] - quad[0])),
        math.degrees(math.atan2(dy, dx)),
    )


def _oriented(image: np.ndarray) -> tuple[int, np.ndarray, list[np.ndarray]]:
    """(clockwise quarter turns, the turned page, its text lines) that make the page's text upright.

    Lines standing taller than wide mean a quarter turn; then the direction model votes over the longest lines
    whether the page is upside down (one short line alone, ≥90% read as %06, is not to be trusted).
    """
    import cv2

    quads = detect(image)
    wide = sum(1 for q in quads if (s := _shape(q))[0] > 2 * s[1])
    tall = sum(1 for q in quads if (s := _shape(q))[1] > 2 * s[0])
    turns = 0
    if tall > wide:
        image = cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE)
        quads = detect(image)
        turns = 1
    lines = sorted((q for q in quads if (s := _shape(q))[0] > 2 * s[1]), key=lambda q: -_shape(q)[0])[:_VOTES]
    if not lines:
        return turns, image, quads
    _, votes, _ = engine().text_cls([_crop(image, q) for q in lines])
    flipped = sum(score for label, score in votes if label == "180")
    kept = sum(score for label, score in votes if label != "180")
    if flipped <= kept:
        return turns, image, quads
    h, w = image.shape[:2]
    image = cv2.rotate(image, cv2.ROTATE_180)
    # A point turns to (w-1-x, h-1-y); the corners keep their order from the top left.
    quads = [(np.array([w - 1.0, h - 1.0], np.float32) - q)[[2, 3, 0, 1]] for q in quads]
    return turns + 2, image, quads


def upright(image: np.ndarray) -> Upright:
    """The page turned by quarter turns, then levelled: the median angle of its long text lines, refined by
    the angle at which the page's rows of ink (ruling lines, text lines) stand sharpest."""
    import cv2

    turns, turned, quads = _oriented(image)
    turned = np.ascontiguousarray(turned)
    angles = [s[2] for q in quads if (s := _shape(q))[0] > 4 * s[1]]
    skew = _refined(turned, float(np.median(angles)) if angles else 0.0)
    h, w = turned.shape[:2]
    levelled = turned
    rot = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    if abs(skew) >= _MIN_SKEW:
        rot = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
        levelled = cv2.warpAffine(turned, rot, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))
        quads = [(np.hstack([q, np.ones((4, 1), np.float32)]) @ rot.T).astype(np.float32) for q in quads]
    # upright pixel -> turned pixel -> scanned pixel
    back = cv2.invertAffineTransform(rot)
    matrix = _compose(_unturn(turns % 4, image.shape[1], image.shape[0]), back)
    return Upright(levelled, turns % 4, skew, matrix, tuple(quads))


def _refined(image: np.ndarray, estimate: float, reach: float = 0.6, step: float = 0.05) -> float:
    """The angle near `estimate` at which the row sums of the inked pixels vary most (levelled lines)."""
    import cv2

    small, _ = _scaled(image, 1200)
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small
    ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1].astype(np.float32)
    if ink.sum() == 0:
        return estimate
    h, w = ink.shape
    best, best_score = estimate, -1.0
    for angle in np.arange(estimate - reach, estimate + reach + step / 2, step):
        rot = cv2.getRotationMatrix2D((w / 2, h / 2), float(angle), 1.0)
        rows = cv2.warpAffine(ink, rot, (w, h), flags=cv2.INTER_NEAREST).sum(axis=1)
        score = float(np.square(np.diff(rows)).sum())
        if score > best_score:
            best, best_score = float(angle), score
    return best


def _unturn(turns: int, width: int, height: int) -> np.ndarray:
    """Affine from the turned image's pixels back to the scan's (np.rot90 by -turns, i.e. clockwise)."""
    if turns == 1:  # turned (x', y') came from scan (y', height - 1 - x')
        return np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, height - 1.0]])
    if turns == 2:
        return np.array([[-1.0, 0.0, width - 1.0], [0.0, -1.0, height - 1.0]])
    if turns == 3:
        return np.array([[0.0, -1.0, width - 1.0], [1.0, 0.0, 0.0]])
    return np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])


def _compose(outer: np.ndarray, inner: np.ndarray) -> np.ndarray:
    """outer ∘ inner as one 2x3 affine."""
    a = np.vstack([outer, [0, 0, 1]])
    b = np.vstack([inner, [0, 0, 1]])
    return (a @ b)[:2]


def to_scan(matrix: np.ndarray, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """A box on the upright page as the box it covers on the scanned page."""
    x0, y0, x1, y1 = box
    corners = np.array([[x0, y0, 1], [x1, y0, 1], [x1, y1, 1], [x0, y1, 1]], dtype=np.float64)
    mapped = corners @ matrix.T
    return (
        float(mapped[:, 0].min()),
        float(mapped[:, 1].min()),
        float(mapped[:, 0].max()),
        float(mapped[:, 1].max()),
    )


def recognise(page: Upright) -> list[TextBox]:
    """Every text line on an upright page with its text, least character confidence and box."""
    image, quads = page.image, page.quads
    if not quads:
        return []
    crops = []
    for quad in quads:
        crop = _crop(image, quad)
        if crop.shape[0] >= 1.5 * crop.shape[1]:
            crop = np.rot90(crop)  # a single tall glyph run
        crops.append(crop)
    out = []
    for quad, (text, confidence, figures) in zip(quads, _read(crops), strict=True):
        if not text.strip():
            continue
        xs, ys = quad[:, 0], quad[:, 1]
        box = (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))
        out.append(TextBox(text.strip(), confidence, box, figures))
    return out


def _read(crops: list[np.ndarray]) -> list[tuple[str, float, float]]:
    """Recognise line crops: CTC greedy decoding, keeping each character's probability."""
    rec = engine().text_rec
    characters = rec.postprocess_op.character
    order = np.argsort([c.shape[1] / c.shape[0] for c in crops])
    results: list[tuple[str, float, float]] = [("", 0.0, 0.0)] * len(crops)
    _, height, width = rec.rec_image_shape
    for start in range(0, len(crops), rec.rec_batch_num):
        batch = order[start : start + rec.rec_batch_num]
        ratio = max(width / height, *(crops[i].shape[1] / crops[i].shape[0] for i in batch))
        tensor = np.concatenate([rec.resize_norm_img(crops[i], ratio)[np.newaxis] for i in batch]).astype(
            np.float32
        )
        preds = rec.session(tensor)[0]
        for i, pred in zip(batch, preds, strict=True):
            results[i] = _decode(pred, characters)
    return results


# What makes a figure: a misread one of these changes the value (20.00 -> 2000, ≥ -> >, 95% -> 9%, 万元 -> 元).
FIGURE_CHARS = frozenset("0123456789０１２３４５６７８９.．,，%％-−—+≥≤><=＞＜＝万亿千")


def _decode(pred: np.ndarray, characters: list[str]) -> tuple[str, float, float]:
    """Greedy CTC: the text, the least sure step of the reading, and the least sure step of its figures.

    A step that chose the blank unsurely is a character nearly read and dropped (修缮 read as 修 when 缮 is too
    small to make out), so it counts too: each step belongs to the characters read on either side of it, and a
    figure character's steps (a digit dropped between two digits, a doubtful decimal point) make the figures'
    confidence. Words are read by the reviewer in the citation; a figure is what must never be silently wrong.
    """
    best = pred.argmax(axis=1)
    probs = pred.max(axis=1)
    keep = np.ones(len(best), dtype=bool)
    keep[1:] = best[1:] != best[:-1]
    keep &= best != 0  # the CTC blank
    steps = np.flatnonzero(keep)
    chars = [characters[k] for k in best[steps]]
    if not chars:
        return "", 0.0, 0.0
    figures = 1.0
    for j, char in enumerate(chars):
        if char not in FIGURE_CHARS:
            continue
        start = steps[j - 1] + 1 if j else 0
        stop = steps[j + 1] if j + 1 < len(steps) else len(probs)
        figures = min(figures, float(probs[start:stop].min()))
    return "".join(chars), float(probs.min()), figures
