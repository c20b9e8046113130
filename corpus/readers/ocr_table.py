"""Ruled tables on an upright page image: ruling lines (OpenCV morphology) -> a grid of rows and columns ->
merged cells (where a line between two grid cells is missing) -> the recognised text boxes placed in them.

A page without ruling lines falls back to columns from where its text boxes start (`borderless`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from corpus.readers.ocr_engine import TextBox

_LINE_COVER = 0.6  # share of a border's length that must be inked for the border to exist
_MERGE_PX = 6  # ruling lines closer than this are one line (a thick or doubled stroke)


@dataclass
class Cell:
    """A merged cell: its grid rows r0..r1-1 and columns c0..c1-1, pixel box, and the text boxes inside."""

    r0: int
    c0: int
    r1: int
    c1: int
    box: tuple[float, float, float, float]
    boxes: list[TextBox] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(joined(line) for line in text_lines(self.boxes))

    @property
    def confidence(self) -> float:
        return min((b.confidence for b in self.boxes), default=1.0)

    @property
    def figures(self) -> float:
        return min((b.figures for b in self.boxes), default=1.0)


@dataclass
class Grid:
    """One ruled table: its row and column borders (pixels) and its merged cells."""

    xs: list[float]
    ys: list[float]
    cells: list[Cell]

    @property
    def box(self) -> tuple[float, float, float, float]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def owner(self, r: int, c: int) -> Cell | None:
        for cell in self.cells:
            if cell.r0 <= r < cell.r1 and cell.c0 <= c < cell.c1:
                return cell
        return None


def _masks(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pixels of long horizontal and long vertical strokes."""
    import cv2

    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 12)
    h, w = ink.shape
    long_x = max(25, w // 40)
    long_y = max(25, h // 80)
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (long_x, 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, long_y)))
    # Close the small gaps a blurred or JPEG-damaged stroke leaves.
    horizontal = cv2.dilate(horizontal, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 3)))
    vertical = cv2.dilate(vertical, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 9)))
    return horizontal, vertical


def _positions(values: list[tuple[float, float]]) -> list[float]:
    """Line positions from (position, length) of stroke pieces: pieces within _MERGE_PX are one line."""
    out: list[list[tuple[float, float]]] = []
    for pos, length in sorted(values):
        if out and pos - out[-1][-1][0] <= _MERGE_PX:
            out[-1].append((pos, length))
        else:
            out.append([(pos, length)])
    return [sum(p * n for p, n in group) / sum(n for _, n in group) for group in out]


def find_tables(image: np.ndarray) -> list[Grid]:
    """The ruled tables of an upright page, top to bottom."""
    import cv2

    horizontal, vertical = _masks(image)
    frame = cv2.bitwise_or(horizontal, vertical)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(frame, connectivity=8)
    h, w = frame.shape
    grids = []
    for label in range(1, count):
        x, y, bw, bh, _ = stats[label]
        if bw < w / 5 or bh < h / 40:
            continue
        region = labels[y : y + bh, x : x + bw] == label
        grid = _grid(horizontal[y : y + bh, x : x + bw] * region, vertical[y : y + bh, x : x + bw] * region)
        if grid is not None:
            grids.append(_shifted(grid, x, y))
    return sorted(grids, key=lambda g: g.ys[0])


def _strokes(mask: np.ndarray, axis: int) -> list[tuple[float, float]]:
    """(centre across the stroke, length along it) of each connected stroke in a line mask."""
    import cv2

    count, _, stats, centroids = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    out = []
    for i in range(1, count):
        length = stats[i][2] if axis == 0 else stats[i][3]
        out.append((float(centroids[i][1] if axis == 0 else centroids[i][0]), float(length)))
    return out


def _grid(horizontal: np.ndarray, vertical: np.ndarray) -> Grid | None:
    h, w = horizontal.shape
    ys = _positions([s for s in _strokes(horizontal, 0) if s[1] >= w / 10])
    xs = _positions([s for s in _strokes(vertical, 1) if s[1] >= min(h / 10, 40)])
    if len(ys) < 2 or len(xs) < 2:
        return None

    def inked(mask: np.ndarray, fixed: float, a: float, b: float, across: bool) -> bool:
        # Whether the border at `fixed` is drawn between a and b (along x for a horizontal border).
        lo, hi = int(a + (b - a) * 0.15), int(b - (b - a) * 0.15) + 1
        f0, f1 = max(int(fixed) - 4, 0), int(fixed) + 5
        band = mask[f0:f1, lo:hi] if across else mask[lo:hi, f0:f1]
        if band.size == 0:
            return False
        hits = band.any(axis=0) if across else band.any(axis=1)
        return float(hits.mean()) >= _LINE_COVER

    rows, cols = len(ys) - 1, len(xs) - 1
    parent = list(range(rows * cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols and not inked(vertical, xs[c + 1], ys[r], ys[r + 1], across=False):
                parent[find(r * cols + c + 1)] = find(r * cols + c)
            if r + 1 < rows and not inked(horizontal, ys[r + 1], xs[c], xs[c + 1], across=True):
                parent[find((r + 1) * cols + c)] = find(r * cols + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(rows):
        for c in range(cols):
            groups.setdefault(find(r * cols + c), []).append((r, c))
    cells = []
    for members in groups.values():
        r0, c0 = min(m[0] for m in members), min(m[1] for m in members)
        r1, c1 = max(m[0] for m in members) + 1, max(m[1] for m in members) + 1
        cells.append(Cell(r0, c0, r1, c1, (xs[c0], ys[r0], xs[c1], ys[r1])))
    # A merged region that is not a rectangle (a missed border) would cover cells twice: keep the first.
    cells.sort(key=lambda cell: (cell.r0, cell.c0))
    return Grid(xs, ys, cells)


def _shifted(grid: Grid, dx: float, dy: float) -> Grid:
    for cell in grid.cells:
        x0, y0, x1, y1 = cell.box
        cell.box = (x0 + dx, y0 + dy, x1 + dx, y1 + dy)
    return Grid([x + dx for x in grid.xs], [y + dy for y in grid.ys], grid.cells)


def place(grids: list[Grid], boxes: list[TextBox]) -> list[TextBox]:
    """Put each text box into the table cell holding its centre; return the boxes outside every table."""
    outside = []
    for box in boxes:
        cx, cy = box.center
        for grid in grids:
            x0, y0, x1, y1 = grid.box
            if not (x0 <= cx <= x1 and y0 <= cy <= y1):
                continue
            r = int(np.searchsorted(grid.ys, cy)) - 1
            c = int(np.searchsorted(grid.xs, cx)) - 1
            cell = grid.owner(min(max(r, 0), len(grid.ys) - 2), min(max(c, 0), len(grid.xs) - 2))
            if cell is not None:
                cell.boxes.append(box)
                break
        else:
            outside.append(box)
    return outside


def text_lines(boxes: list[TextBox]) -> list[list[TextBox]]:
    """Boxes grouped into lines (overlapping vertically by more than half the lower one), each left to right."""
    lines: list[list[TextBox]] = []
    for box in sorted(boxes, key=lambda b: b.center[1]):
        if lines:
            last = lines[-1]
            top = max(b.box[1] for b in last)
            bottom = min(b.box[3] for b in last)
            overlap = min(bottom, box.box[3]) - max(top, box.box[1])
            if overlap > 0.5 * min(box.height, bottom - top):
                last.append(box)
                continue
        lines.append([box])
    return [sorted(line, key=lambda b: b.box[0]) for line in lines]


def joined(line: list[TextBox]) -> str:
    """One line's boxes as text: a gap wider than a character is a space."""
    out = ""
    for i, box in enumerate(line):
        if i and box.box[0] - line[i - 1].box[2] > line[i - 1].height:
            out += " "
        out += box.text
    return out


def borderless(boxes: list[TextBox], min_rows: int = 2) -> tuple[list[int], list[list[TextBox]]]:
    """Columns of a table drawn without lines: left edges shared by boxes of at least `min_rows` lines.

    Returns:
        (column left edges in pixels, the lines); a line of one box that starts at no column is prose.
    """
    lines = text_lines(boxes)
    if not lines:
        return [], []
    unit = float(np.median([b.height for b in boxes]))
    starts = sorted(b.box[0] for line in lines for b in line)
    groups: list[list[float]] = []
    for x in starts:
        if groups and x - groups[-1][-1] <= unit:
            groups[-1].append(x)
        else:
            groups.append([x])
    edges = [int(min(g)) for g in groups if len(g) >= min_rows]
    return edges, lines
