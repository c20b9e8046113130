"""Issue 18: scanned and photographed forms read by OCR into the same records as their text originals.

Forms (the self-evaluation sample re-laid out as family a, the declaration sample, layout families b–d) are
drawn as PDFs with a CJK font, rendered to page images at 150 and 200 dpi, turned a little (±2°, one page a
quarter turn), blurred and JPEG-compressed, saved as PNG, multi-page TIFF and image-only ("scanned") PDFs, and
parsed back. Against the records of the text originals: at least 98% of the fields are right, and every wrong
field is named by a low-confidence warning (never silently wrong). Texts are compared after NFKC: a half-width
comma read as a full-width one is the same text.

The module OCRs 16 page images; on the shared 2-core development machine it took 2 min 31 s (load ~4; the
browser test of a scanned import adds about 35 s of OCR to tests/test_app.py).
"""

from __future__ import annotations

import io
import subprocess
import sys
import unicodedata
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import layouts
import numpy as np
import pytest
from build_docs import CJK_FONT
from build_docs import write_pdf as write_document_pdf
from layouts import flat_document

from corpus.errors import UnreadableFileError
from corpus.model import Source
from corpus.parse import compact, parse_file, parse_loaded
from corpus.readers import READERS, OcrLoaded, load, ocr_options, read_pdf
from corpus.readers.ocr import boxed
from corpus.readers.ocr_table import find_tables

# --- making scans --------------------------------------------------------------------------------


def _pages(pdf: Path, dpi: int) -> list[Any]:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return [document[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(document))]
    finally:
        document.close()


def _degraded(image: Any, angle: float, quarter_turns: int = 0, quality: int = 60) -> Any:
    """A page as a scanner or phone gives it: turned, slightly blurred, JPEG-compressed."""
    from PIL import Image, ImageFilter

    out = image.rotate(angle, resample=Image.BICUBIC, fillcolor="white")
    if quarter_turns:
        out = out.rotate(-90 * quarter_turns, expand=True)
    out = out.filter(ImageFilter.GaussianBlur(0.6))
    buffer = io.BytesIO()
    out.save(buffer, format="JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def _scan(pdf: Path, out: Path, dpi: int, angles: list[float], turns: list[int] | None = None) -> Path:
    """The PDF's pages as degraded images in `out`'s format: .pdf (images only), .tif (pages), .png (page 1)."""
    pages = [
        _degraded(page, angles[i % len(angles)], (turns or [0])[i % len(turns or [0])])
        for i, page in enumerate(_pages(pdf, dpi))
    ]
    if out.suffix == ".png":
        assert len(pages) == 1, "a PNG holds one page"
        pages[0].save(out, dpi=(dpi, dpi))
    elif out.suffix == ".tif":
        pages[0].save(out, save_all=True, append_images=pages[1:], compression="tiff_lzw", dpi=(dpi, dpi))
    else:
        pages[0].save(out, save_all=True, append_images=pages[1:], resolution=float(dpi))
    return out


# --- comparing records ---------------------------------------------------------------------------


def _leaves(value: Any, path: tuple = ()) -> list[tuple[tuple, Any]]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves(v, (*path, k))]
    if isinstance(value, (list, tuple)):
        return [leaf for i, v in enumerate(value) for leaf in _leaves(v, (*path, i))]
    return [(path, unicodedata.normalize("NFKC", value) if isinstance(value, str) else value)]


def _said(value: Any) -> str:
    if isinstance(value, Decimal):
        return compact(f"{value.normalize():f}")
    return compact(str(value))


def _score(expected: list[dict], doc, pages: dict[int, set[int]]) -> tuple[int, int, list[str]]:
    """(fields, fields right, wrong fields no warning names). A wrong field is named when a low-confidence
    warning on its project's pages holds what was read there (or, for a field not read at all, any)."""
    got = flat_document(doc)
    low = [w for w in doc.warnings if w.kind == "ocr-low-confidence"]
    total = right = 0
    silent: list[str] = []
    for n, want in enumerate(expected):
        have = dict(_leaves(got[n])) if n < len(got) else {}
        on_pages = [w for w in low if w.page in pages.get(n, set())] if n < len(got) else []
        for path, value in _leaves(want):
            total += 1
            read = have.get(path)
            if read == value:
                right += 1
                continue
            said = _said(read) if read is not None else ""
            named = any(said and said in compact(w.text) for w in on_pages) if said else bool(on_pages)
            if not named:
                silent.append(f"project {n} {path}: {value!r} read as {read!r}")
    return total, right, silent


def _project_pages(doc) -> dict[int, set[int]]:
    """Each project's pages, from the pages of its rows' sources (first to last)."""
    out: dict[int, set[int]] = {}
    for n, p in enumerate(doc.projects):
        pages = {p.source.page or 1}
        for i in p.indicators:
            pages.add(i.source.page or 1)
        out[n] = set(range(min(pages), max(pages) + 1))
    return out


# --- the cases -----------------------------------------------------------------------------------

# (name, source, format, dpi, angles per page, quarter turns per page)
CASES = [
    ("family-a", "a", ".pdf", 200, [1.5, -2.0, 0.7], [0]),  # the self-evaluation sample's content
    (
        "declaration",
        "declaration",
        ".tif",
        150,
        [-1.2, 2.0, 0.0, -0.5],
        [0, 0, 0, 0],
    ),  # the declaration sample's
    ("family-b", "b", ".pdf", 150, [2.0, -1.0], [0, 1]),  # the second page a quarter turn
    ("family-c", "c", ".png", 200, [-2.0], [0]),
    ("family-d", "d", ".png", 150, [1.0], [2]),  # upside down
]


@pytest.fixture(scope="module")
def originals(sample_docs, tmp_path_factory) -> dict[str, tuple[Path, list[dict]]]:
    """Each source drawn as a text PDF, with the records a reader must get from it."""
    assert CJK_FONT.is_file(), f"{CJK_FONT} missing: run `make browser`"
    self_evaluation, declaration = sample_docs
    folder = tmp_path_factory.mktemp("ocr-originals")
    out: dict[str, tuple[Path, list[dict]]] = {}
    families = {
        "a": layouts.family_a(self_evaluation),
        "b": layouts.family_b(),
        "c": layouts.family_c(),
        "d": layouts.family_d(),
    }
    for name, family in families.items():
        out[name] = (layouts.write_pdf(family, folder / f"family-{name}.pdf"), family.expected)
    path = write_document_pdf(declaration, folder / "declaration.pdf")
    out["declaration"] = (path, flat_document(parse_file(path)))
    return out


@pytest.fixture(scope="module")
def scans(originals, tmp_path_factory) -> dict[str, Path]:
    """Each case's scan, made once."""
    folder = tmp_path_factory.mktemp("ocr-scans")
    return {
        name: _scan(originals[source][0], folder / f"{name}{suffix}", dpi, angles, turns)
        for name, source, suffix, dpi, angles, turns in CASES
    }


@pytest.fixture(scope="module")
def read_back(originals, scans) -> dict[str, tuple[Any, list[dict]]]:
    """Each case parsed back once: name -> (Document, expected records)."""
    return {name: (parse_file(scans[name]), originals[source][1]) for name, source, *_ in CASES}


@pytest.mark.parametrize("case", [c[0] for c in CASES])
def test_scans_read_back_to_the_records(read_back, case):
    doc, expected = read_back[case]
    total, right, silent = _score(expected, doc, _project_pages(doc))
    assert len(doc.projects) == len(expected)
    assert right / total >= 0.98, f"{case}: {right}/{total} fields right"
    assert not silent, f"{case}: wrong without a warning: {silent}"


def test_all_scans_together_98_percent(read_back):
    total = right = 0
    for doc, expected in read_back.values():
        t, r, _ = _score(expected, doc, _project_pages(doc))
        total, right = total + t, right + r
    print(f"OCR accuracy: {right}/{total} fields = {right / total:.4f}")
    assert right / total >= 0.98


def test_a_low_confidence_cell_is_a_warning_naming_page_row_and_column(scans):
    with ocr_options(min_confidence=1.01):  # no reading is that sure: every cell is doubtful
        loaded = load(scans["family-c"])
    assert isinstance(loaded, OcrLoaded) and loaded.unit == "px" and loaded.ocr_pages == (1,)
    low = [w for w in loaded.warnings if w.kind == "ocr-low-confidence"]
    assert len(low) == len(loaded.cells) > 20
    assert all(0.0 <= c.confidence <= 1.0 and c.box[2] > c.box[0] and c.page == 1 for c in loaded.cells)
    first = low[0]
    assert first.page == 1 and f"第1页第{first.line}行" in first.message and "列" in first.message
    assert "请对照原件核对" in first.message and first.text in first.message


def test_a_mixed_pdf_reads_text_pages_by_text_and_scanned_pages_by_ocr(originals, tmp_path):
    import pypdfium2

    pdf, expected = originals["b"]
    scan = _scan(pdf, tmp_path / "b-scan.pdf", 200, [0.5])
    mixed = tmp_path / "mixed.pdf"
    out = pypdfium2.PdfDocument.new()
    for source, page in ((pdf, 0), (scan, 1)):
        document = pypdfium2.PdfDocument(str(source))
        out.import_pages(document, [page])
        document.close()
    out.save(str(mixed))
    out.close()
    loaded = load(mixed)
    assert isinstance(loaded, OcrLoaded) and loaded.ocr_pages == (2,) and loaded.unit == "pt"
    assert all(r.box is None for r in loaded.rows if r.page == 1)
    table_rows = [r for r in loaded.rows if r.page == 2 and len(r.cells) > 1]
    assert table_rows and all(r.box is not None for r in table_rows)
    for row in table_rows:  # on the A4 page, in PDF points, going down the page
        x0, y0, x1, y1 = row.box
        assert 0 <= x0 < x1 <= 595.3 and 0 <= y0 < y1 <= 841.9
    tops = [r.box[1] for r in table_rows]
    assert tops == sorted(tops)
    doc = parse_loaded(loaded)
    total, right, silent = _score(expected, doc, _project_pages(doc))
    assert right / total >= 0.98 and not silent, silent
    cited = boxed(doc, loaded)  # a citation of an OCR'd row names its page and box; a text page's does not
    scanned = [i.source for p in cited.projects for i in p.indicators if i.source.page == 2]
    assert scanned and all(s.box is not None and "第2页 区域(" in s.cite() for s in scanned)
    assert all(i.source.box is None for p in cited.projects for i in p.indicators if i.source.page == 1)
    _crop_matches(mixed, scanned[0])
    from ui.ocr_view import source_crop  # the 核查 detail finds the file by the source's name and version

    assert source_crop(scanned[0], [doc]).startswith("<figure")
    assert source_crop(replace(scanned[0], sha256="another version"), [doc]) == ""


def _crop_matches(path: Path, source: Source) -> None:
    """The app's crop of a cited OCR'd row is the box's region of the page image, shown beside the text."""
    from PIL import Image

    from ui.ocr_view import crop_html, crop_png

    crop = Image.open(io.BytesIO(crop_png(path, source)))
    x0, y0, x1, y1 = source.box
    scale = 200 / 72  # the box is in points; the page is rendered as it was OCR'd
    assert abs(crop.width - (x1 - x0) * scale) <= 14 and abs(crop.height - (y1 - y0) * scale) <= 14
    assert np.asarray(crop.convert("L")).min() < 128  # ink: the row's text and rules
    page = crop_html(path, source)
    assert "data:image/png;base64," in page and "识别结果" in page
    assert crop_html(path, Source(path.name, 1, page=1)) == ""


def test_cli_parse_reads_a_page_image_and_says_the_pages(scans):
    jixiao = str(Path(sys.executable).with_name("jixiao"))
    out = subprocess.run(
        [jixiao, "parse", str(scans["family-d"])], capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, out.stderr
    assert "第 1/1 页 OCR" in out.stderr
    assert "项目 1 个" in out.stdout


def test_text_pdf_is_not_ocrd(originals):
    pdf, _ = originals["c"]
    loaded = load(pdf)
    assert not isinstance(loaded, OcrLoaded) and all(r.box is None for r in loaded.rows)
    assert [r.cells for r in loaded.rows] == [r.cells for r in read_pdf(pdf).rows]


def test_a_blank_scan_is_refused_with_what_to_do(tmp_path):
    from PIL import Image

    path = tmp_path / "blank.png"
    Image.new("RGB", (800, 1100), "white").save(path)
    with pytest.raises(UnreadableFileError, match="OCR 未识别出文字") as info:
        load(path)
    assert info.value.reason == "scanned"
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff not really a jpeg")
    with pytest.raises(UnreadableFileError) as info:
        load(broken)
    assert info.value.reason == "damaged"


def test_images_are_registered():
    for suffix in (".png", ".jpg", ".jpeg", ".tif", ".tiff"):
        assert suffix in READERS


# --- no OCR needed -------------------------------------------------------------------------------


def _drawn_table() -> np.ndarray:
    """A ruled table of 3 rows x 3 columns whose first row is one merged cell, and whose second and third
    rows share a merged first column."""
    import cv2

    image = np.full((400, 600, 3), 255, np.uint8)
    xs, ys = [50, 200, 350, 550], [50, 120, 190, 260]
    for y in ys:
        cv2.line(image, (xs[0], y), (xs[-1], y), (0, 0, 0), 2)
    cv2.line(image, (xs[0], ys[0]), (xs[0], ys[-1]), (0, 0, 0), 2)
    cv2.line(image, (xs[-1], ys[0]), (xs[-1], ys[-1]), (0, 0, 0), 2)
    for x in xs[1:-1]:
        cv2.line(image, (x, ys[1]), (x, ys[-1]), (0, 0, 0), 2)  # not through the first row
    cv2.rectangle(image, (xs[0] + 2, ys[2] - 3), (xs[1] - 2, ys[2] + 3), (255, 255, 255), -1)  # merge down
    return image


def test_ruling_lines_make_cells_with_their_merges():
    grids = find_tables(_drawn_table())
    assert len(grids) == 1
    grid = grids[0]
    assert len(grid.xs) == 4 and len(grid.ys) == 4
    spans = sorted((c.r0, c.c0, c.r1 - c.r0, c.c1 - c.c0) for c in grid.cells)
    assert spans == [(0, 0, 1, 3), (1, 0, 2, 1), (1, 1, 1, 1), (1, 2, 1, 1), (2, 1, 1, 1), (2, 2, 1, 1)]


def test_a_citation_names_the_page_box():
    plain = Source("扫描件.pdf", 12, page=3)
    boxed = Source("扫描件.pdf", 12, page=3, box=(72.4, 140.0, 520.6, 160.2))
    assert plain.cite() == "扫描件.pdf 第3页 第12行"
    assert boxed.cite() == "扫描件.pdf 第3页 区域(72,140)-(521,160) 第12行"


def test_the_threshold_is_a_setting():
    from corpus.readers.ocr import min_confidence
    from corpus.settings import Settings

    assert min_confidence() == Settings().ocr_min_confidence
    with ocr_options(min_confidence=0.5):
        assert min_confidence() == 0.5


def test_an_upload_moves_the_progress_bar_per_scanned_page(scans, tmp_path):
    from corpus.settings import Settings
    from ui.workspace import Workspace

    steps: list[tuple[float, str]] = []
    intake = Workspace(None, Settings(), None).parse(  # parsing an upload needs no index
        [(str(scans["family-d"]), "扫描件.png")], tmp_path, lambda share, desc="": steps.append((share, desc))
    )
    assert [len(d.projects) for d in intake.documents] == [1] and not intake.errors
    ocr = [(share, desc) for share, desc in steps if "页 OCR" in desc]
    assert ocr == [(0.3, "扫描件.png：第 1/1 页 OCR")]


def test_a_table_without_lines_takes_its_columns_from_where_the_boxes_start():
    from corpus.readers.ocr import _borderless
    from corpus.readers.ocr_engine import TextBox

    def box(text: str, x: float, y: float, confidence: float = 0.99) -> TextBox:
        return TextBox(text, confidence, (x, y, x + 16 * len(text), y + 16))

    boxes = [box("绩效指标表", 200, 10)]  # a title: one box, no column
    for n, (name, value, note) in enumerate(
        [("数量", "≥4场", "按计划"), ("质量", "=100%", ""), ("时效", "及时", "按季度")]
    ):
        y = 50 + 30 * n
        boxes += [box(name, 20, y), box(value, 220, y, 0.5 if n == 1 else 0.99)]
        if note:
            boxes.append(box(note, 420, y))
    table, rest = _borderless(boxes, 1, 1.0, lambda b: b, 10.0)
    assert table is not None and [b.text for b in rest] == ["绩效指标表"]
    assert table.rows == [("数量", "≥4场", "按计划"), ("质量", "=100%", ""), ("时效", "及时", "按季度")]
    assert [m[1][0] for m in table.cells] == [0.99, 0.5, 0.99]  # each cell keeps its confidence


def test_a_page_without_text_or_a_scan_is_an_unread_page_not_ocrd(originals, tmp_path):
    """A page with no text layer and no image over it (a damaged content stream, a blank page) is not a scan:
    it is not sent to OCR, and the reviewer is told it was not read."""
    import pypdfium2

    pdf, _ = originals["c"]
    out = pypdfium2.PdfDocument(str(pdf))
    out.new_page(595.3, 841.9)  # appended: page 2, nothing on it
    padded = tmp_path / "with-blank.pdf"
    out.save(str(padded))
    out.close()
    loaded = load(padded)
    assert not isinstance(loaded, OcrLoaded)
    assert [(w.page, "没有可提取的文字" in w.message) for w in loaded.warnings] == [(2, True)]


def test_figures_are_judged_by_their_own_characters():
    """A doubtful step inside a figure (a digit nearly dropped) makes the figures doubtful; a doubtful word
    beside a sure figure does not, though it still lowers the cell's whole confidence."""
    from corpus.readers.ocr import OcrCell, cell_warnings
    from corpus.readers.ocr_engine import _decode

    characters = ["blank", "1", "2", "份", "报", "告"]

    def pred(steps: list[tuple[int, float]]) -> np.ndarray:
        out = np.full((len(steps), len(characters)), 0.0, np.float32)
        for i, (k, p) in enumerate(steps):
            out[i, k] = p
        return out

    dropped = pred([(1, 0.99), (0, 0.55), (2, 0.99), (3, 0.99)])  # a digit between 1 and 2 nearly read
    text, confidence, figures = _decode(dropped, characters)
    assert text == "12份" and confidence == pytest.approx(0.55) and figures == pytest.approx(0.55)
    word = pred([(1, 0.99), (2, 0.98), (0, 0.99), (4, 0.6), (5, 0.99)])  # 报 unsure, the figure sure
    text, confidence, figures = _decode(word, characters)
    assert text == "12报告" and confidence == pytest.approx(0.6) and figures == pytest.approx(0.98)

    def cell(text: str, confidence: float, figures: float) -> OcrCell:
        return OcrCell(1, 3, 4, text, confidence, (0, 0, 10, 10), figures)

    warned = cell_warnings(
        [cell("≥20.00(份)", 0.95, 0.80), cell("20.00(份)", 0.70, 0.99), cell("提交报告", 0.99, 1.0)], 0.9
    )
    # A figure's cell by its figures (a doubtful unit word beside a sure figure is not); words by all of theirs.
    assert [w.text for w in warned] == ["≥20.00(份)"]
    assert "置信度 0.80，低于 0.90" in warned[0].message
    assert [w.text for w in cell_warnings([cell("提交报告", 0.85, 1.0)], 0.9)] == ["提交报告"]


def test_folders_take_page_images_and_a_passage_keeps_its_box_hashable():
    import json

    from index.store.records import _passage
    from qa.service import DOCUMENT_SUFFIXES

    assert {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pdf"} <= DOCUMENT_SUFFIXES
    source = Source("扫描件.pdf", 12, page=3, box=(72.4, 140.0, 520.6, 160.2))
    stored = json.dumps({"file": source.file, "line": 12, "page": 3, "box": list(source.box)})
    passage = _passage(["sha", "扫描件.pdf", 0, "项目", "indicator", "f", 0, "text", stored])
    assert passage.source == source and hash(passage.source)
