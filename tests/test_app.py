"""The web UI in a real browser: overview, ask, review and mark findings, export, upload, escaping (Playwright + Chromium)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa.labels import rule_title
from tests.conftest import DECLARATION_SAMPLE, ROOT, SAMPLES, SELF_EVAL_SAMPLE

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "docs" / "screenshots"
JIXIAO = Path(sys.executable).parent / "jixiao"
CARBON_PROJECTS = ("大气环境与应对气候变化", "全市生态环境保护重大项目保障", "生态环境执法与应急")
SHORT_INDICATOR = "提交的研究成果数量"
SCRIPT = "<script>alert(1)</script>"
# The parser strips tags from cell text but decodes entities, so this name reaches the records as a literal tag.
ENTITY_SCRIPT = "&lt;script&gt;alert(2)&lt;/script&gt;"
LITERAL_SCRIPT = "<script>alert(2)</script>"
STARTUP_S = 600  # model load on a cold cache, on a small CI machine
CHECKS_S = 900  # the rules run in the background after startup; the semantic ones embed every goal clause

# A hand-made 自评表 whose indicator names carry markup: the UI must show it as text, never run it.
HOSTILE_SELF_EVALUATION = "\n".join(
    [
        "财政项目支出绩效自评表",
        "(2024年度)",
        "项目名称\t网页安全测试项目",
        "主管部门\t测试局\t实施单位\t测试中心",
        "项目资金 (万元)\t\t年初预算数\t全年预算数\t全年执行数\t分数\t执行率(%)\t得分",
        "\t年度资金总额:\t100.00\t100.00\t95.00\t10.00\t95.00\t9.50",
        "年度总体目标\t预期目标\t\t\t实际完成情况",
        "\t完成网页安全测试工作。\t\t\t完成网页安全测试工作。",
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施",
        f"产出指标\t数量指标\t{SCRIPT}测试报告数量\t≥10.00(份)\t2.00(份)\t40.00\t40.00\t",
        f"\t质量指标\t{ENTITY_SCRIPT}验收合格率\t≥90.00(%)\t95.00(%)\t40.00\t40.00\t",
        "满意度指标\t服务对象满意度指标\t使用方满意度\t≥85(%)\t90.00(%)\t10.00\t10.00\t",
        "总分\t\t\t\t\t100.00\t99.50",
        "评分等级\t优",
        "",
    ]
)

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"jixiao serve exited with {process.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    pytest.fail(f"jixiao serve did not answer within {timeout:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`jixiao ingest` the samples into a fresh index, then `jixiao serve` it on a free port."""
    work = tmp_path_factory.mktemp("app")
    index = work / "index"
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "NO_PROXY": "127.0.0.1,localhost"}
    subprocess.run(
        [str(JIXIAO), "ingest", str(SAMPLES), "--index", str(index), "--quiet"],
        check=True,
        env=env,
        cwd=work,
        timeout=STARTUP_S,
    )
    port = _free_port()
    log = work / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(JIXIAO), "serve", "--index", str(index), "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=work,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_http(url, process, log, STARTUP_S)
        yield url, index
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail("需要 Debian 的 Chromium：运行 `make browser` 安装")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watch:
    """What a page did that it must not: dialogs (an executed alert) and requests leaving the machine."""

    def __init__(self) -> None:
        self.dialogs: list[str] = []
        self.external: list[str] = []


@pytest.fixture()
def page(server: tuple[str, Path], browser: object) -> Iterator[object]:
    url, _ = server
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(120_000)
    watch = Watch()

    def on_dialog(dialog: object) -> None:
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_request(request: object) -> None:
        if not request.url.startswith((url, "data:", "blob:")):
            watch.external.append(request.url)

    pg.on("dialog", on_dialog)
    pg.on("request", on_request)
    pg.watch = watch
    pg.goto(url)
    _ready(pg)
    yield pg
    assert watch.dialogs == [], f"a dialog opened (script ran?): {watch.dialogs}"
    assert watch.external == [], f"the page reached outside the machine: {watch.external}"
    context.close()


def _ready(page: object) -> None:
    """The page has loaded and shows its first tab, 总览."""
    page.wait_for_selector("#overview-counts")


def _tab(page: object, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def _shot(page: object, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    time.sleep(0.5)  # let charts finish their transition
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def _wait_text(page: object, selector: str, text: str, timeout: float = 120_000) -> None:
    page.wait_for_function(
        "([sel, text]) => { const el = document.querySelector(sel); return !!el && el.innerText.includes(text); }",
        arg=[selector, text],
        timeout=timeout,
    )


def _wait_findings(page: object) -> None:
    """The 核查 tab, once the background checks are done and the table is filled."""
    _tab(page, "核查")
    _wait_text(page, "#findings-summary", "条问题", timeout=CHECKS_S * 1000)


def _download(page: object, selector: str, target: Path) -> Path:
    link = page.locator(f"{selector} a[download]").first
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    info.value.save_as(str(target))
    return target


def _sheet_text(path: Path) -> str:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    return "\n".join(
        "\t".join("" if v is None else str(v) for v in row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
    )


def _upload(page: object, paths: list[Path]) -> None:
    page.locator("#upload input[type=file]").set_input_files([str(p) for p in paths])
    for p in paths:
        _wait_text(page, "#upload", p.stem)  # the list shows the stem and the suffix in separate elements


def test_ask_lists_every_project_that_mentions_carbon_market(page: object) -> None:
    _tab(page, "问答")
    page.fill("#question textarea", "哪些项目提到碳市场？")
    page.click("#ask-button")
    _wait_text(page, "#answer", "涉及的项目")
    text = page.inner_text("#answer")
    assert "共 3 个" in text
    for name in CARBON_PROJECTS:
        assert name in text
    assert page.locator("#answer .jx-cited").count() >= 3  # each citation shows its row, highlighted
    _shot(page, "ask.png")


def _cell_texts(page: object, selector: str, column: int) -> list[str]:
    """The text of one column of every body row of an HTML table."""
    return page.evaluate(
        """([sel, col]) => Array.from(document.querySelectorAll(sel + ' tbody tr'))
            .map(tr => tr.querySelectorAll('td')[col])
            .filter(td => td).map(td => td.innerText.trim())""",
        [selector, column],
    )


def _grid_column(page: object, selector: str, column: int) -> list[str]:
    """The text of one column of every row a gr.Dataframe renders (rows of gridcells)."""
    return page.evaluate(
        """([sel, col]) => Array.from(document.querySelectorAll(sel + ' [role=row]'))
            .map(row => row.querySelectorAll('[role=gridcell]')[col])
            .filter(cell => cell).map(cell => cell.innerText.trim())""",
        [selector, column],
    )


def test_overview_shows_counts_charts_and_verdicts_and_a_bar_filters_the_findings(page: object) -> None:
    from corpus.parse import parse_file
    from qa.checks import run_checks
    from qa.verdict import STATUS_ERRORS, STATUS_OK, STATUS_REVIEW

    docs = [parse_file(p) for p in sorted(SAMPLES.iterdir()) if p.is_file()]
    projects = [(d.name, p) for d in docs for p in d.projects]
    self_evaluated = [p for _, p in projects if p.kind == "self_evaluation"]
    _wait_text(page, "#overview-verdicts", "项目结论", timeout=CHECKS_S * 1000)
    assert page.inner_text("#card-documents .jx-card-value") == str(len(docs))
    assert page.inner_text("#card-projects .jx-card-value") == str(len(projects))

    # The charts: bars per rule, the execution histogram over every self-evaluated project, one point each.
    bars = page.locator("#overview-pareto .jx-pick[data-kind=rule]")
    assert bars.count() >= 2
    counts = [int(c) for c in page.eval_on_selector_all("#overview-pareto rect[data-count]", "els => els.map(e => e.dataset.count)")]
    assert counts == sorted(counts, reverse=True)
    histogram = page.eval_on_selector_all(
        "#overview-execution .jx-pick", "els => els.map(e => JSON.parse(e.dataset.value).length)"
    )
    assert sum(histogram) == len(self_evaluated)
    assert page.locator("#overview-scatter circle").count() == sum(1 for p in self_evaluated if p.total_score is not None)
    assert page.locator("#overview-departments .jx-pick").count() >= 1

    # The verdicts: one row per document and per project, each with its status.
    verdict_rows = page.locator("#overview-verdicts table.jx-verdicts tbody tr")
    assert verdict_rows.count() == len(projects)
    statuses = page.eval_on_selector_all("#overview-verdicts .jx-status", "els => els.map(e => e.innerText.trim())")
    assert len(statuses) == len(docs) + len(projects)
    assert set(statuses) <= {STATUS_OK, STATUS_REVIEW, STATUS_ERRORS}
    shown_projects = _cell_texts(page, "#overview-verdicts table.jx-verdicts", 0)
    assert sorted(shown_projects) == sorted(p.name for _, p in projects)
    _shot(page, "overview.png")

    # A Pareto bar: the 核查 tab opens with exactly that rule's findings.
    expected = run_checks(docs, rules=["target-not-met"])
    assert expected, "the samples have short targets"
    bar = page.locator("#overview-pareto .jx-pick[data-value='target-not-met'] rect")
    assert bar.get_attribute("data-count") == str(len(expected))
    bar.click()
    _wait_text(page, "#findings-summary", f"当前显示 {len(expected)} 条")
    assert rule_title("target-not-met") in page.inner_text("#findings-origin")
    page.wait_for_function(
        "n => document.querySelectorAll('#findings-table [role=row]').length === n + 1", arg=len(expected)
    )
    assert _grid_column(page, "#findings-table", 8) == [rule_title("target-not-met")] * len(expected)
    shown = zip(_grid_column(page, "#findings-table", 2), _grid_column(page, "#findings-table", 3), strict=True)
    assert sorted(shown) == sorted((f.project, f.indicator) for f in expected)
    page.get_by_text("项目结论（健康分").click()
    _wait_text(page, "#check-verdicts", f"{len(projects)} 个项目")

    # A unit's row: its findings, as many as the ranking says.
    _tab(page, "总览")
    unit = page.locator("#overview-implementers .jx-pick").first
    name = unit.get_attribute("data-value")
    total = sum(int(n) for n in re.findall(r"\d+", unit.locator(".jx-rank-count").inner_text()))
    unit.locator(".jx-rank-name").click()
    _wait_text(page, "#findings-summary", f"当前显示 {total} 条")
    assert name in page.inner_text("#findings-origin")


def test_check_tab_shows_the_short_research_output_finding_and_exports_it(page: object, tmp_path: Path) -> None:
    _wait_findings(page)
    _wait_text(page, "#findings-table", SHORT_INDICATOR)
    total = page.inner_text("#findings-summary")
    rule = page.locator("#filter-rule input")
    rule.click()
    rule.fill(rule_title("target-not-met"))
    page.get_by_role("option", name=rule_title("target-not-met"), exact=True).click()
    page.wait_for_function(
        "t => document.querySelector('#findings-summary').innerText !== t", arg=total, timeout=60_000
    )
    # The summary also changes while the table re-renders (the tab's own load can land after the filter's
    # change; seen once in a clean-clone run): wait for the filtered rows themselves, none of another rule.
    others = [rule_title("budget-cut"), rule_title("score-out-of-band")]
    page.wait_for_function(
        "([ind, others]) => { const t = document.querySelector('#findings-table').innerText;"
        " return t.includes(ind) && others.every(o => !t.includes(o)); }",
        arg=[SHORT_INDICATOR, others],
        timeout=120_000,
    )
    text = page.inner_text("#findings-table")
    assert "≥20.00(份)" in text and "5.00(份)" in text  # the figures as the document prints them
    assert not any(o in text for o in others)
    page.keyboard.press("Escape")
    _shot(page, "check.png")

    page.click("#export-button")
    sheet = _sheet_text(_download(page, "#export-file", tmp_path / "export.xlsx"))
    assert SHORT_INDICATOR in sheet
    assert rule_title("target-not-met") in sheet


def test_a_mark_is_kept_in_the_index_and_shown_after_reload(page: object, tmp_path: Path) -> None:
    _wait_findings(page)
    _wait_text(page, "#findings-table", SHORT_INDICATOR)
    page.locator("#findings-table [role=gridcell]", has_text=SHORT_INDICATOR).first.click()
    _wait_text(page, "#finding-detail", SHORT_INDICATOR)
    page.locator("#mark-status label", has_text="已核实").click()
    page.fill("#mark-remark textarea", "已与实施单位核对，验收推迟至2024年")
    page.click("#mark-save")
    _wait_text(page, "#findings-summary", "已核实 1")

    page.reload()
    _ready(page)
    _wait_findings(page)
    page.locator("#filter-status label", has_text="已核实").click()
    _wait_text(page, "#findings-summary", "当前显示 1 条")
    _wait_text(page, "#findings-table", "验收推迟至2024年")
    row = page.locator("#findings-table [role=row]", has_text=SHORT_INDICATOR).filter(has_text="已核实")
    assert row.count() == 1

    page.click("#export-button")
    sheet = _sheet_text(_download(page, "#export-file", tmp_path / "marked.xlsx"))
    assert "已核实" in sheet and "验收推迟至2024年" in sheet


def test_project_tab_shows_budget_goals_indicators_and_charts(page: object) -> None:
    _tab(page, "项目")
    picker = page.locator("#project-picker input")
    picker.click()
    picker.fill("自然生态和农业农村环境保护")
    page.get_by_role("option", name="自然生态和农业农村环境保护", exact=False).first.click()
    _wait_text(page, "#project-head", "自然生态和农业农村环境保护")
    _wait_text(page, "#project-head", "健康分", timeout=CHECKS_S * 1000)
    assert "项目资金" in page.inner_text("#project-budget")
    goals = page.inner_text("#project-goals")
    assert "预期目标" in goals and "实际完成情况" in goals
    unmet = page.locator("#project-indicators tr.jx-unmet", has_text=SHORT_INDICATOR)
    assert unmet.count() == 1 and "未达成" in unmet.inner_text()
    assert page.locator("#project-chart .jx-bar-unmet").count() >= 1
    page.locator("#execution-plot canvas, #execution-plot svg").first.wait_for()
    _shot(page, "project.png")


def test_upload_precheck_then_import_shows_progress_findings_and_text_not_markup(
    page: object, server: tuple[str, Path], tmp_path: Path
) -> None:
    _, index = server
    hostile = tmp_path / "网页安全测试自评表.txt"
    hostile.write_text(HOSTILE_SELF_EVALUATION, encoding="utf-8")
    _tab(page, "导入 / 预审")

    # Pre-check: a declaration is checked and reported without entering the index.
    uploads = index.parent / f"{index.name}-uploads"
    before = len(list(uploads.glob("*"))) if uploads.exists() else 0
    _upload(page, [DECLARATION_SAMPLE])
    page.click("#precheck-button")
    _wait_text(page, "#intake-status", "预审完成")
    assert "未加入索引" in page.inner_text("#intake-status")
    sheet = _sheet_text(_download(page, "#precheck-report", tmp_path / "precheck.xlsx"))
    assert DECLARATION_SAMPLE.name in sheet
    assert (len(list(uploads.glob("*"))) if uploads.exists() else 0) == before

    # Import: the progress bar runs to the end, then the findings of the new file are listed.
    page.reload()
    _ready(page)
    _tab(page, "导入 / 预审")
    page.evaluate(
        """() => {
            window.__progress = [];
            new MutationObserver(() => {
                document.querySelectorAll('.progress-text, .progress-level-inner, .eta-bar, .meta-text')
                    .forEach(el => window.__progress.push(el.innerText || el.className));
            }).observe(document.body, {subtree: true, childList: true, characterData: true});
        }"""
    )
    _upload(page, [hostile])
    page.click("#import-button")
    _wait_text(page, "#intake-status", "导入完成", timeout=600_000)
    assert page.evaluate("window.__progress.length") > 0, "no progress was shown"
    assert page.locator("#intake-status .progress-text, #intake-status .eta-bar").count() == 0
    status = page.inner_text("#intake-status")
    assert "新增 1 个" in status
    _wait_text(page, "#intake-findings", "测试报告数量")
    findings = page.inner_text("#intake-findings")
    assert SCRIPT in findings  # the cited row, as the file has it, shown as text
    assert rule_title("target-not-met") in findings
    stored = list(uploads.glob("*/*"))
    assert [p.name for p in stored] == [hostile.name]
    assert all(p.resolve().is_relative_to(uploads.resolve()) for p in stored)
    _shot(page, "import.png")

    # The decoded tag in an indicator name is text in the HTML views too.
    _tab(page, "项目")
    picker = page.locator("#project-picker input")
    picker.click()
    picker.fill("网页安全测试项目")
    page.get_by_role("option", name="网页安全测试项目", exact=False).first.click()
    _wait_text(page, "#project-indicators", LITERAL_SCRIPT)
    injected = page.evaluate(
        "Array.from(document.querySelectorAll('script')).filter(s => /alert\\(/.test(s.textContent)).length"
    )
    assert injected == 0
    assert page.watch.dialogs == []


def test_import_of_an_xlsx_and_a_pdf(page: object, server: tuple[str, Path], tmp_path: Path) -> None:
    """The upload takes the formats reviewers receive: one Excel workbook and one PDF, in one go."""
    from dataclasses import replace

    from corpus.parse import parse_file
    from tests.build_docs import write_pdf, write_xlsx

    sample = parse_file(DECLARATION_SAMPLE)

    def renamed(suffix: str):
        return replace(sample, projects=tuple(replace(p, name=p.name + suffix) for p in sample.projects[:2]))

    xlsx = write_xlsx(renamed("（表格版）"), tmp_path / "申报表表格版.xlsx")
    pdf = write_pdf(renamed("（扫描前电子版）"), tmp_path / "申报表PDF版.pdf")
    page.reload()
    _ready(page)
    _tab(page, "导入 / 预审")
    _upload(page, [xlsx, pdf])
    page.click("#import-button")
    _wait_text(page, "#intake-status", "导入完成", timeout=600_000)
    assert "新增 2 个" in page.inner_text("#intake-status")
    _wait_text(page, "#intake-findings", "环保热线运行（表格版）")
    from index.store import Index

    names = {p.name for p in Index.open(server[1], create=False).projects()}
    assert {"环保热线运行（表格版）", "环保热线运行（扫描前电子版）"} <= names


def _scanned_pdf(source: Path, out: Path, dpi: int = 200) -> Path:
    """The PDF's pages as images only, as a scanner gives them: no text layer."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(source))
    pages = [document[i].render(scale=dpi / 72).to_pil().convert("RGB").rotate(0.8, fillcolor="white")
             for i in range(len(document))]
    document.close()
    pages[0].save(out, save_all=True, append_images=pages[1:], resolution=float(dpi))
    return out


def test_import_of_a_scanned_pdf_shows_ocr_progress_and_the_crop_beside_a_citation(
    page: object, tmp_path: Path
) -> None:
    """A scan without a text layer is read by OCR, page by page on the progress bar; a citation of one of its
    rows shows the part of the page image it was read from beside the recognised text."""
    from dataclasses import replace

    from corpus.parse import parse_file
    from tests.build_docs import write_pdf

    sample = parse_file(DECLARATION_SAMPLE)
    scanned = replace(sample, projects=tuple(replace(p, name=p.name + "扫描件") for p in sample.projects[:1]))
    scan = _scanned_pdf(write_pdf(scanned, tmp_path / "电子版.pdf"), tmp_path / "申报表扫描件.pdf")
    page.reload()
    _ready(page)
    _tab(page, "导入 / 预审")
    page.evaluate(
        """() => {
            window.__progress = [];
            new MutationObserver(() => {
                const seen = document.body.innerText.split('\\n').filter(t => t.includes('页 OCR'));
                window.__progress.push(...seen);
            }).observe(document.body, {subtree: true, childList: true, characterData: true});
        }"""
    )
    _upload(page, [scan])
    page.click("#import-button")
    _wait_text(page, "#intake-status", "导入完成", timeout=600_000)
    assert "新增 1 个" in page.inner_text("#intake-status")
    ocr_steps = page.evaluate("window.__progress.filter(t => t.includes('页 OCR'))")
    assert any("第 1/1 页 OCR" in t for t in ocr_steps), "the bar never said which page OCR was reading"

    _tab(page, "问答")
    page.fill("#question textarea", "哪些项目提到扫描件？")
    page.click("#ask-button")
    _wait_text(page, "#answer", "涉及的项目")
    crop = page.locator("#answer .jx-ocr-crop img").first
    crop.wait_for()
    assert page.evaluate(
        "() => { const i = document.querySelector('#answer .jx-ocr-crop img'); return i.complete && i.naturalWidth > 50; }"
    ), "the crop of the page image did not load"
    caption = page.inner_text("#answer .jx-ocr-crop figcaption")
    assert "识别结果" in caption and "扫描件" in caption and "第1页 区域(" in caption
    crop.scroll_into_view_if_needed()
    _shot(page, "ocr-citation.png")


def test_batch_upload_processes_each_file_once_and_a_reupload_nothing(
    page: object, server: tuple[str, Path], tmp_path: Path
) -> None:
    """Two samples and an XLSX version in a zip, the XLSX once more beside it: the samples are in the
    index already (recognised by sha256, not parsed), the XLSX is parsed and embedded once; sent again,
    nothing is processed and the index is not rewritten."""
    import json
    import zipfile

    from corpus.parse import parse_file
    from index.store import MANIFEST, Index
    from tests.build_docs import write_xlsx

    _, index = server
    xlsx = write_xlsx(parse_file(DECLARATION_SAMPLE), tmp_path / "2024申报表Excel版.xlsx")
    archive = tmp_path / "一批文件.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for path in (SELF_EVAL_SAMPLE, DECLARATION_SAMPLE, xlsx):
            z.write(path, f"报送材料/{path.name}")
    uploads = index.parent / f"{index.name}-uploads"

    def stored() -> list[Path]:
        return sorted(uploads.glob("*/*")) if uploads.exists() else []

    def generation() -> str:
        return json.loads((index / MANIFEST).read_text(encoding="utf-8"))["generation"]

    before_files, before = stored(), {d.sha256 for d in Index.open(index, create=False).documents()}
    _tab(page, "导入 / 预审")
    _upload(page, [archive, xlsx])
    page.click("#import-button")
    _wait_text(page, "#intake-status", "导入完成", timeout=600_000)
    status = page.inner_text("#intake-status")
    assert "新增 1 个" in status and "已在索引中 2 个" in status
    assert status.count("本批重复") == 1 and status.count("已在索引中") >= 3
    documents = Index.open(index, create=False).documents()
    added = [d for d in documents if d.sha256 not in before]
    assert [d.name for d in added] == [xlsx.name]
    assert [p.name for p in stored() if p not in before_files] == [xlsx.name]  # the samples were not copied
    _wait_text(page, "#intake-findings", SELF_EVAL_SAMPLE.name)  # the batch's findings, known files' too
    _shot(page, "import.png")

    # The overview of that batch: the three documents it named.
    _tab(page, "总览")
    page.click("#overview-batch")
    batch_docs = [SELF_EVAL_SAMPLE.name, DECLARATION_SAMPLE.name, xlsx.name]
    page.wait_for_function(
        "n => document.querySelector('#card-documents .jx-card-value').innerText === String(n)",
        arg=len(batch_docs),
    )
    expected_projects = sum(len(d.projects) for d in documents if d.name in batch_docs)
    _wait_text(page, "#card-projects", str(expected_projects))

    # The same batch again: every file is recognised, nothing parsed, embedded or written.
    generation_before, files_before = generation(), stored()
    page.reload()
    _ready(page)
    _tab(page, "导入 / 预审")
    _upload(page, [archive, xlsx])
    page.click("#import-button")
    _wait_text(page, "#intake-status", "导入完成")
    status = page.inner_text("#intake-status")
    assert "新增 0 个" in status and "已在索引中 4 个（未重新处理）" in status
    assert generation() == generation_before
    assert stored() == files_before


# A 自评表 read whole, and the same form with indicator rows garbled (numbers where the names stand).
READABLE_FORM = HOSTILE_SELF_EVALUATION.replace(SCRIPT, "").replace(ENTITY_SCRIPT, "")
GARBLED_ROWS = ["\t\t2024\t10.00\t12.00\t40.00\t40.00", "\t\t35.5\t≥90\t95\t10.00\t10.00"]


def _garbled(form: str, name: str) -> str:
    lines = form.replace("网页安全测试项目", name).split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("满意度指标"))
    return "\n".join([*lines[:at], *GARBLED_ROWS, *lines[at:]])


def test_an_import_says_for_each_file_what_was_read_in_the_results_the_overview_and_the_project(
    page: object, tmp_path: Path
) -> None:
    """A readable form, a form with garbled indicator rows and a file that is no form, in one import: each
    is a row of the results (已读取 / 部分读取 / 未读取（不是绩效表）), the headline is not green, no error
    toast; 总览 of that batch counts and lists the files not read whole; 项目 shows each project's reading."""
    from corpus.parse import parse_file
    from qa import reading

    readable = tmp_path / "完整读取自评表.txt"
    readable.write_text(READABLE_FORM.replace("网页安全测试项目", "完整读取测试项目"), encoding="utf-8")
    partial = tmp_path / "指标行错乱自评表.txt"
    partial.write_text(_garbled(READABLE_FORM, "指标行错乱测试项目"), encoding="utf-8")
    other = tmp_path / "会议纪要.txt"
    other.write_text("会议纪要\n今天讨论了明年的工作安排，没有表格。\n", encoding="utf-8")
    expected = {p.name: reading.document_reading(parse_file(p)).state for p in (readable, partial)}
    assert expected[readable.name] == reading.READ_FULL

    _tab(page, "导入 / 预审")
    _upload(page, [readable, partial, other])
    page.click("#import-button")
    _wait_text(page, "#intake-status", "逐个文件", timeout=600_000)
    headline = page.locator("#intake-headline")
    assert "jx-done" not in headline.get_attribute("class")
    assert "导入结束，但有文件未能完整读取" in headline.inner_text()
    assert page.locator(".toast-body.error, .toast-wrap .error").count() == 0  # a row, not a gr.Error toast
    status = page.inner_text("#intake-status")
    assert "Error" not in status and "-uploads" not in status
    rows = dict(
        zip(_cell_texts(page, "#intake-status", 0), _cell_texts(page, "#intake-status", 1), strict=True)
    )
    assert rows[readable.name] == reading.READ_FULL
    assert rows[other.name] == "未读取（不是绩效表）"
    assert rows[partial.name] == expected[partial.name]
    _shot(page, "import-unread.png")

    # 总览 of this batch: the files not read whole, each with why.
    _tab(page, "总览")
    page.click("#overview-batch")
    unread_files = 1 + (expected[partial.name] == reading.READ_PARTIAL)
    _wait_text(page, "#card-unread", f"{unread_files} 个文件")
    listed = page.inner_text("#overview-unread")
    assert other.name in listed and "不是绩效表" in listed and readable.name not in listed
    _wait_text(page, "#overview-verdicts", "项目结论", timeout=CHECKS_S * 1000)
    _shot(page, "overview-unread.png")

    # 项目: each project's reading.
    _tab(page, "项目")
    for name, state in (("完整读取测试项目", reading.READ_FULL), ("指标行错乱测试项目", expected[partial.name])):
        picker = page.locator("#project-picker input")
        picker.click()
        picker.fill(name)
        page.get_by_role("option", name=name, exact=False).first.click()
        _wait_text(page, "#project-head", name)
        assert page.inner_text("#project-head .jx-coverage .jx-reading") == state

    # The parser's part: figures standing where indicator names stand are rows it could not read.
    assert expected[partial.name] == reading.READ_PARTIAL
    assert partial.name in listed and "部分读取" in listed
    assert "未能读取" in page.inner_text("#project-head")


# ------------------------------------------------------------------------------------------ no browser


def test_upload_names_stay_inside_the_upload_folder(tmp_path: Path) -> None:
    from ui.uploads import safe_name, store_upload

    src = tmp_path / "in.txt"
    src.write_text("项目名称\t测试", encoding="utf-8")
    uploads = tmp_path / "uploads"
    for name in ("../../etc/自评表<1>.TXT", "..\\..\\x.txt", "/abs/path/y.txt", "....自评表.txt", "a\x00b.txt"):
        stored = store_upload(src, uploads, max_mb=1, original_name=name)
        assert stored.parent.parent == uploads and len(stored.parent.name) == 32
        assert stored.resolve().is_relative_to(uploads.resolve())
    assert safe_name("../../etc/自评表<1>.TXT") == "自评表_1_.txt"
    assert safe_name("..") == "upload"


def test_uploads_of_unknown_format_or_too_large_are_refused(tmp_path: Path) -> None:
    from corpus.errors import UnreadableFileError
    from ui.uploads import store_upload

    src = tmp_path / "in.txt"
    src.write_bytes(b"x" * 2048)
    with pytest.raises(UnreadableFileError, match="不支持的文件格式"):
        store_upload(src, tmp_path / "up", max_mb=1, original_name="evil.exe")
    with pytest.raises(UnreadableFileError, match="超过上限 0 MB"):
        store_upload(src, tmp_path / "up", max_mb=0, original_name="big.txt")
    assert not (tmp_path / "up").exists() or not any((tmp_path / "up").iterdir())


def test_document_text_is_escaped_in_every_html_view(tmp_path: Path) -> None:
    from corpus.model import Answer, Citation, Value
    from corpus.parse import parse_file
    from corpus.settings import Settings
    from qa.checks import run_checks
    from ui import views

    path = tmp_path / "hostile.txt"
    path.write_text(HOSTILE_SELF_EVALUATION, encoding="utf-8")
    doc = parse_file(path)
    project = doc.projects[0]
    assert any(LITERAL_SCRIPT in i.name for i in project.indicators)
    findings = run_checks([doc])
    finding_views = [views.FindingView(n, str(n), f) for n, f in enumerate(findings, 1)]
    line = project.indicators[0].source.line
    answer = Answer(
        question=LITERAL_SCRIPT,
        kind="lookup",
        text=f"答案 {LITERAL_SCRIPT}",
        projects=(project.name,),
        values=(Value(project.name, project.indicators[1].name, "target", None, "<img src=x onerror=alert(3)>"),),
        citations=(Citation(doc.name, project.name, project.indicators[0].name, line, SCRIPT),),
    )
    pages = [
        views.answer_html(answer, [doc]),
        views.project_header_html(project),
        views.budget_html(project, Settings()),
        views.goals_html(project),
        views.indicators_html(project, findings),
        views.indicator_chart_html(project),
        views.intake_html(views.Intake(documents=[doc], findings=findings), imported=True),
        *(views.finding_detail_html(v) for v in finding_views),
    ]
    for html in pages:
        assert "<script" not in html.lower() and "<img" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in views.indicators_html(project)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in "".join(views.finding_detail_html(v) for v in finding_views)


def test_readme_shows_every_tab() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## 界面" in readme
    for name in ("overview.png", "ask.png", "check.png", "project.png", "import.png"):
        assert f"docs/screenshots/{name}" in readme
