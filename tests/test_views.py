"""qa/views.py without a browser: the overview's figures and charts, chart clicks as filters, batch uploads."""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from corpus.model import Finding
from corpus.settings import Settings
from qa.verdict import STATUS_OK, project_verdicts
from tests.conftest import DECLARATION_SAMPLE, SELF_EVAL_SAMPLE
from ui import views


@pytest.fixture(scope="module")
def docs():
    from corpus.parse import parse_file

    return [parse_file(SELF_EVAL_SAMPLE), parse_file(DECLARATION_SAMPLE)]


@pytest.fixture(scope="module")
def findings(docs) -> list[Finding]:
    from qa.checks import run_checks

    return run_checks(docs)


@pytest.fixture(scope="module")
def finding_views(docs, findings) -> list[views.FindingView]:
    units = views.finding_units(docs)
    return [views.FindingView(n, str(n), f, "", "", *units(f)) for n, f in enumerate(findings, 1)]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# ------------------------------------------------------------------------------------------ figures


def test_funds_are_converted_to_yuan_from_the_unit_each_form_uses(docs) -> None:
    self_eval, declaration = docs
    first = self_eval.projects[0]
    assert first.budget.unit == "万元"
    assert views.funds_yuan(first) == first.budget.adjusted * 10000
    hotline = declaration.projects[0]
    assert hotline.funding.unit == "元"
    assert views.funds_yuan(hotline) == hotline.funding.annual_request
    odd = replace(first, budget=replace(first.budget, unit="美元"))
    assert views.funds_yuan(odd) is None
    assert views.fmt_yuan(Decimal("12345678")) == "12,345,678.00 元（1,234.57 万元）"


def test_overview_counts_funds_score_and_pass_rate_come_from_the_records(docs, findings) -> None:
    verdicts = project_verdicts(docs, findings, Settings())
    ov = views.overview(docs, verdicts, findings)
    projects = [p for d in docs for p in d.projects]
    assert (ov.documents, ov.projects) == (len(docs), len(projects))
    assert ov.kinds == {"self_evaluation": len(docs[0].projects), "declaration": len(docs[1].projects)}
    wan = sum(p.budget.adjusted for p in docs[0].projects)
    yuan = sum(p.funding.annual_request for p in docs[1].projects)
    assert ov.funds == {"self_evaluation": wan * 10000, "declaration": yuan}
    scores = [p.total_score for p in docs[0].projects]
    assert ov.average_score == (sum(scores) / len(scores)).quantize(Decimal("0.01"))
    passing = sum(1 for v in verdicts if v.status == STATUS_OK)
    assert ov.pass_rate == (Decimal(passing) * 100 / len(projects)).quantize(Decimal("0.1"))
    assert ov.findings == len(findings)
    text = _text(views.overview_html(ov))
    assert f"{(wan * 10000 + yuan) / 10000:,.2f} 万元" in text
    assert f"{wan * 10000 + yuan:,.2f} 元" in text
    pending = views.overview(docs)
    assert pending.pass_rate is None and "核查中" in views.overview_html(pending)


def test_pareto_bars_are_sorted_with_a_cumulative_share_ending_at_100(findings) -> None:
    bars = views.pareto(findings)
    counts = [b.count for b in bars]
    assert counts == sorted(counts, reverse=True)
    assert sum(counts) == len(findings)
    assert {b.rule: b.count for b in bars} == {r: sum(1 for f in findings if f.rule == r) for r in {f.rule for f in findings}}
    assert [b.cumulative for b in bars] == sorted(b.cumulative for b in bars)
    assert bars[-1].cumulative == Decimal("100.0")
    html = views.pareto_html(bars)
    drawn = re.findall(r"data-rule='([^']+)' data-count='(\d+)'", html)
    assert drawn == [(b.rule, str(b.count)) for b in bars]
    assert html.count("class='jx-pick' data-kind='rule'") == len(bars)
    assert "<polyline" in html


def test_units_are_ranked_by_errors_then_warnings(finding_views) -> None:
    ranked = views.unit_ranking(finding_views, "implementer")
    keys = [(-u.counts["error"], -u.counts["warning"], -u.total) for u in ranked]
    assert keys == sorted(keys)
    assert sum(u.total for u in ranked) == len(finding_views)
    by_name = {u.name: u.total for u in ranked}
    assert by_name == {
        name: sum(1 for v in finding_views if (v.implementer or views.UNIT_MISSING) == name) for name in by_name
    }


def test_execution_bins_hold_every_self_evaluated_project_once(docs) -> None:
    bins = views.execution_bins(docs)
    placed = [key for b in bins for key, _, _ in b.projects]
    assert sorted(placed) == sorted(views.project_key(docs[0].name, p.name) for p in docs[0].projects)
    lowest = min(docs[0].projects, key=lambda p: p.budget.rate)
    where = next(b for b in bins if any(name == lowest.name for _, name, _ in b.projects))
    assert where.label == "60–70%"  # 生态环境执法与应急, 62.64%
    assert "jx-svg-low" in views.histogram_html(bins, Settings().low_execution_rate)


def test_scatter_has_a_point_per_project_with_funds_and_score(docs, findings) -> None:
    verdicts = project_verdicts(docs, findings, Settings())
    points = views.scatter_points(docs, verdicts)
    assert len(points) == len(docs[0].projects)  # the declarations have no 总分
    html = views.scatter_html(points)
    assert html.count("<circle") == len(points)
    assert "对数刻度" in html  # 20 万元 to 3,265 万元


def test_verdict_tables_list_every_document_and_project(docs, findings) -> None:
    from qa.verdict import document_verdicts

    verdicts = project_verdicts(docs, findings, Settings())
    html = views.verdicts_html(document_verdicts(docs, verdicts), verdicts)
    assert html.count("<tr class='jx-pick'") == len(verdicts)
    for d in docs:
        assert d.name in html
    statuses = re.findall(r"<span class='jx-status [^']*'>([^<]+)</span>", html)
    assert len(statuses) == len(docs) + len(verdicts)


# ------------------------------------------------------------------------------------------ clicks


def test_a_rule_bar_click_filters_to_exactly_that_rules_findings(finding_views) -> None:
    for bar in views.pareto([v.finding for v in finding_views]):
        pick = views.pick_filters("rule", bar.rule, [], finding_views)
        shown = views.filter_findings(
            finding_views, None, pick.rules, pick.projects, pick.documents, "全部", pick.departments, pick.implementers
        )
        assert [v.key for v in shown] == [v.key for v in finding_views if v.finding.rule == bar.rule]
        assert len(shown) == bar.count


def test_unit_and_project_clicks_filter_within_the_scope(docs, finding_views) -> None:
    declaration = docs[1].name
    unit = views.unit_ranking([v for v in finding_views if v.finding.document == declaration], "implementer")[0]
    pick = views.pick_filters("implementer", unit.name, [declaration], finding_views)
    shown = views.filter_findings(finding_views, None, [], [], pick.documents, "全部", [], pick.implementers)
    assert shown and all(v.finding.document == declaration and v.implementer == unit.name for v in shown)
    assert len(shown) == unit.total

    first = finding_views[0].finding
    key = views.project_key(first.document, first.project)
    pick = views.pick_filters("projects", json.dumps([key]), [], finding_views)
    shown = views.filter_findings(finding_views, None, [], pick.projects, [], "全部")
    assert {(v.finding.document, v.finding.project) for v in shown} == {(first.document, first.project)}


def test_a_click_on_nothing_known_filters_nothing(finding_views) -> None:
    assert views.pick_filters("rule", "no-such-rule", [], finding_views) is None
    assert views.pick_filters("projects", "not json", [], finding_views) is None
    assert views.pick_filters("projects", json.dumps(["x\x1fy"]), [], finding_views) is None
    assert views.pick_filters("script", "<b>", [], finding_views) is None
    assert views.pick_filters("rule", finding_views[0].finding.rule, ["其他文件.txt"], finding_views) is None


def test_project_filter_tells_same_named_projects_apart(docs, findings) -> None:
    copy = replace(docs[1], path="/tmp/复制的申报表.txt")
    twice = [*findings, *(replace(f, document=copy.name) for f in findings if f.document == docs[1].name)]
    fv = [views.FindingView(n, str(n), f) for n, f in enumerate(twice, 1)]
    choices = dict(views.filter_choices(fv)["projects"])
    name = docs[1].projects[0].name
    assert f"{name} · {copy.name}" in choices and f"{name} · {docs[1].name}" in choices
    shown = views.filter_findings(fv, projects=[choices[f"{name} · {copy.name}"]])
    assert shown and {v.finding.document for v in shown} == {copy.name}


# ------------------------------------------------------------------------------------------ batches


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(zipfile.ZipInfo(name), data)
    return path


def _gbk_zip(path: Path, name: str, data: bytes) -> Path:
    """What a Chinese Windows archiver writes: the name in GBK bytes, without the UTF-8 flag."""
    raw = name.encode("gb18030")
    placeholder = "x" * len(raw)
    _zip(path, {placeholder: data})
    path.write_bytes(path.read_bytes().replace(placeholder.encode(), raw))
    return path


def test_a_zip_is_expanded_flat_inside_the_folder_keeping_only_readable_files(tmp_path: Path) -> None:
    sample = SELF_EVAL_SAMPLE.read_bytes()
    archive = _zip(
        tmp_path / "一批.zip",
        {
            "../../逃逸.txt": sample,
            "子目录/自评表.txt": sample,
            "/abs/申报表.md": b"x",
            "__MACOSX/._自评表.txt": b"junk",
            "说明.exe": b"MZ",
            "里面.zip": b"PK",
            "目录/": b"",
        },
    )
    out = tmp_path / "out"
    files, lines = views.expand_uploads([(str(archive), "一批.zip")], out, max_mb=50)
    assert sorted(name for _, name in files) == ["../../逃逸.txt", "/abs/申报表.md", "子目录/自评表.txt"]
    assert sorted(Path(p).name for p, _ in files) == ["申报表.md", "自评表.txt", "逃逸.txt"]
    for p, _ in files:
        assert Path(p).resolve().is_relative_to(out.resolve())
    assert {(line.name, line.status) for line in lines} == {
        ("一批.zip/说明.exe", views.FILE_SKIPPED),
        ("一批.zip/里面.zip", views.FILE_SKIPPED),
    }
    assert not (tmp_path / "逃逸.txt").exists()


def test_zip_limits_and_gbk_names(tmp_path: Path) -> None:
    gbk = _gbk_zip(tmp_path / "gbk.zip", "自评表.txt", b"abc")
    files, _ = views.expand_uploads([(str(gbk), "gbk.zip")], tmp_path / "a", max_mb=50)
    assert [name for _, name in files] == ["自评表.txt"]

    big = _zip(tmp_path / "big.zip", {"大.txt": b"0" * (1024 * 1024 + 1), "小.txt": b"abc"})
    files, lines = views.expand_uploads([(str(big), "big.zip")], tmp_path / "b", max_mb=1)
    assert [name for _, name in files] == ["小.txt"]
    assert [(line.status, "超过上限" in line.detail) for line in lines] == [(views.FILE_FAILED, True)]

    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really")
    files, lines = views.expand_uploads([(str(broken), "broken.zip")], tmp_path / "c", max_mb=1)
    assert files == [] and lines[0].status == views.FILE_FAILED and "zip" in lines[0].detail

    many = _zip(tmp_path / "many.zip", {f"{i}.txt": b"x" for i in range(views.MAX_BATCH_FILES + 1)})
    files, lines = views.expand_uploads([(str(many), "many.zip")], tmp_path / "d", max_mb=1)
    assert files == [] and f"最多 {views.MAX_BATCH_FILES} 个" in lines[0].detail


def test_a_batch_is_hashed_before_parsing_known_files_and_repeats_are_not_processed(tmp_path: Path) -> None:
    a = tmp_path / "a" / "自评表.txt"
    b = tmp_path / "b" / "自评表.txt"  # same name, other content
    c = tmp_path / "c" / "副本.txt"  # same content as a
    for path, data in ((a, b"one"), (b, b"two"), (c, b"one")):
        path.parent.mkdir()
        path.write_bytes(data)
    known = tmp_path / "known.txt"
    known.write_bytes(b"indexed")
    indexed = {views.file_sha256(known): "索引中的文件.txt"}
    batch = views.sort_batch(
        [(str(a), a.name), (str(b), b.name), (str(c), c.name), (str(known), "再传一次.txt")], indexed
    )
    assert batch.todo == [(str(a), "自评表.txt"), (str(b), "自评表(2).txt")]
    assert batch.known == [("再传一次.txt", "索引中的文件.txt")]
    assert [(line.name, line.status) for line in batch.lines] == [
        ("副本.txt", views.FILE_REPEATED),
        ("再传一次.txt", views.FILE_KNOWN),
    ]
    import hashlib

    assert views.file_sha256(a) == hashlib.sha256(b"one").hexdigest()


def test_the_sha256_of_a_file_is_the_one_its_document_records(docs) -> None:
    assert views.file_sha256(SELF_EVAL_SAMPLE) == docs[0].sha256


def test_overview_html_escapes_document_text(docs, findings) -> None:
    hostile = "<img src=x onerror=alert(1)>"
    doc = replace(docs[1], projects=tuple(replace(p, implementer=hostile, name=hostile + p.name) for p in docs[1].projects))
    fs = [replace(f, project=hostile + f.project) for f in findings if f.document == doc.name]
    units = views.finding_units([doc])
    fv = [views.FindingView(n, str(n), f, "", "", *units(f)) for n, f in enumerate(fs, 1)]
    for html in views.overview_parts([doc], fv, [], Settings()).values():
        assert "<img" not in html


# ------------------------------------------------------------------------------------------ what was read

# A readable 自评表; the partly read and the refused files of the tests below are made from it.
READABLE_FORM = "\n".join(
    [
        "财政项目支出绩效自评表",
        "(2024年度)",
        "项目名称\t{name}",
        "主管部门\t测试局\t实施单位\t测试中心",
        "项目资金 (万元)\t\t年初预算数\t全年预算数\t全年执行数\t分数\t执行率(%)\t得分",
        "\t年度资金总额:\t100.00\t100.00\t95.00\t10.00\t95.00\t9.50",
        "年度总体目标\t预期目标\t\t\t实际完成情况",
        "\t完成测试工作。\t\t\t完成测试工作。",
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施",
        "产出指标\t数量指标\t测试报告数量\t≥10.00(份)\t12.00(份)\t40.00\t40.00\t",
        "满意度指标\t服务对象满意度指标\t使用方满意度\t≥85(%)\t90.00(%)\t50.00\t50.00\t",
        "总分\t\t\t\t\t100.00\t99.50",
        "评分等级\t优",
        "",
    ]
)
UNREAD_ROWS = 9


def _partly_read(doc):
    """`doc` as the parser reads a form whose indicator table has UNREAD_ROWS rows it cannot read on page 31."""
    from corpus.model import Coverage, ParseWarning

    seen = len(doc.projects[0].indicators) + UNREAD_ROWS
    coverage = Coverage(
        indicators="partial",
        indicator_rows_seen=seen,
        indicator_rows_read=seen - UNREAD_ROWS,
        missing=(f"绩效指标表共 {seen} 行，只读出 {seen - UNREAD_ROWS} 行",),
    )
    warnings = (
        ParseWarning(1, "不是绩效表，已跳过", page=1, kind="skipped-pages", end_line=40, end_page=30),
        *(
            ParseWarning(12 + i, "指标行无法识别", f"产出指标\t■■{i}\t▲▲", page=31, kind="unread-indicator-rows")
            for i in range(UNREAD_ROWS)
        ),
    )
    return replace(doc, projects=(replace(doc.projects[0], coverage=coverage),), warnings=warnings)


def test_warnings_are_grouped_by_kind_and_place_with_the_rows_behind_a_click(tmp_path: Path) -> None:
    from corpus.parse import parse_file
    from qa import reading

    path = tmp_path / "部分读取.pdf.txt"
    path.write_text(READABLE_FORM.format(name="分组测试"), encoding="utf-8")
    doc = _partly_read(parse_file(path))
    groups = reading.group_warnings(replace(doc, path=str(tmp_path / "部分读取.pdf")))
    assert [g.headline for g in groups] == ["第1–30页：不是绩效表，已跳过", "第31页 第12–20行：指标行无法识别（9 处）"]
    assert [len(g.rows) for g in groups] == [0, UNREAD_ROWS]
    assert groups[1].rows[0] == ("第12行", "产出指标 │ ■■0 │ ▲▲")
    html = reading.warnings_html(groups)
    assert html.count("<details") == 2 and "查看原文（9 行）" in html  # the group, and its rows behind a click
    sheet = reading.group_warnings(replace(doc, path=str(tmp_path / "表.xlsx")))
    assert sheet[1].place == "第31个工作表 第12–20行"


def test_server_paths_are_shown_as_the_file_name() -> None:
    from qa.reading import without_paths

    stored = "/srv/idx-uploads/0123abcd/申报表.pdf"
    assert without_paths(f"{stored}: 文件为空", stored, name="申报表.pdf") == "申报表.pdf: 文件为空"
    assert without_paths("/tmp/gradio/xyz/申报表.pdf: 加密", stored, name="申报表.pdf") == "申报表.pdf: 加密"
    assert without_paths("无路径的说明", stored, name="申报表.pdf") == "无路径的说明"


def test_an_import_says_per_file_what_was_read_and_never_a_green_headline_over_a_failure(
    tmp_path: Path, embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One readable, one partly read (records made so: the parser's coverage is the lead's), one not a form:
    the results, the index's refusals, the 总览 and the 项目 header say so for each."""
    import corpus.parse
    from index.store import Index
    from qa import reading
    from qa.verdict import STATUS_UNREAD

    real = corpus.parse.parse_file

    def parse(path, max_mb=50):
        doc = real(path, max_mb=max_mb)
        return _partly_read(doc) if Path(path).name == "部分读取.txt" else doc

    monkeypatch.setattr(corpus.parse, "parse_file", parse)
    src = tmp_path / "src"
    src.mkdir()
    (src / "完整.txt").write_text(READABLE_FORM.format(name="完整读取项目"), encoding="utf-8")
    (src / "部分读取.txt").write_text(READABLE_FORM.format(name="部分读取项目"), encoding="utf-8")
    (src / "会议纪要.txt").write_text("会议纪要\n今天讨论了明年的工作安排。\n", encoding="utf-8")
    index = Index.open(tmp_path / "index", embedder=embedder)
    workspace = views.Workspace(index, Settings(), embedder)
    intake = workspace.ingest([(str(p), p.name) for p in sorted(src.iterdir())], lambda f, d: None)

    lines = {line.name: line for line in intake.lines}
    assert {n: (line.reading, line.reason) for n, line in lines.items()} == {
        "完整.txt": (reading.READ_FULL, ""),
        "部分读取.txt": (reading.READ_PARTIAL, ""),
        "会议纪要.txt": (reading.READ_NONE, "not-a-form"),
    }
    assert lines["部分读取.txt"].missing == ("部分读取项目：绩效指标表共 11 行，只读出 2 行",)
    assert "-uploads" not in lines["会议纪要.txt"].detail and str(tmp_path) not in lines["会议纪要.txt"].detail
    html = views.intake_html(intake, imported=True)
    assert "jx-done" not in html and "jx-warn-head" in html
    assert "导入结束，但有文件未能完整读取：未读取 1 个、部分读取 1 个" in _text(html)
    assert "未读取（不是绩效表）" in _text(html) and "第31页 第12–20行：指标行无法识别（9 处）" in _text(html)
    # The refused file is not kept on disk, is listed by the index, and is in the batch.
    assert sorted(p.name for p in workspace.upload_dir().glob("*/*")) == ["完整.txt", "部分读取.txt"]
    assert [(r.name, r.reason) for r in index.refused()] == [("会议纪要.txt", "not-a-form")]
    assert "会议纪要.txt" in workspace.last_batch

    # 总览: the files and projects not read whole, each with why.
    parts = views.overview_parts(workspace.documents(), workspace.finding_views(), [], Settings(), workspace.refused())
    counts = _text(parts["counts"])
    assert "未完整读取 2 个文件 未读取 1 个文件、部分读取 1 个文件、1 个项目未能完整读取" in counts
    unread = _text(parts["unread"])
    assert "会议纪要.txt 未读取（不是绩效表）" in unread and "部分读取.txt 部分读取" in unread
    assert "完整.txt" not in unread.replace("部分读取.txt", "")
    assert "另有" in unread  # qa/coverage.py's note
    verdicts = {v.project: v for v in workspace.verdicts()}
    assert verdicts["部分读取项目"].status == STATUS_UNREAD and verdicts["部分读取项目"].health is None
    assert verdicts["完整读取项目"].health is not None

    # 项目: the coverage of each.
    by_name = {p.name: p for d in workspace.documents() for p in d.projects}
    partial_head = _text(views.project_header_html(by_name["部分读取项目"], verdicts["部分读取项目"]))
    assert "部分读取" in partial_head and "绩效指标 部分读取（11 行中读出 2 行）" in partial_head
    assert "未能读取：绩效指标表共 11 行，只读出 2 行" in partial_head and "不计健康分" in partial_head
    assert "绩效指标表共 11 行，另有 9 行未能读取" in _text(views.indicators_html(by_name["部分读取项目"]))
    full_head = _text(views.project_header_html(by_name["完整读取项目"], verdicts["完整读取项目"]))
    assert "已读取 资金 已读取 · 目标 已读取 · 绩效指标 已读取" in full_head and "未能读取" not in full_head


def test_a_batch_with_nothing_read_says_so_in_red_and_a_batch_read_whole_in_green(tmp_path: Path) -> None:
    from corpus.model import RefusedFile

    refused = views.Intake(
        refused=[RefusedFile("扫描件.pdf", "", "scanned", "扫描件.pdf: 没有文字层，请先 OCR")],
        lines=[views.refused_line("扫描件.pdf", "扫描件.pdf: 没有文字层，请先 OCR", "scanned")],
    )
    for imported in (True, False):
        html = views.intake_html(refused, imported)
        assert "jx-fail-head" in html and "jx-done" not in html
        assert "未读取（扫描件，需要先做文字识别（OCR））" in _text(html)
    from corpus.parse import parse_file

    path = tmp_path / "完整.txt"
    path.write_text(READABLE_FORM.format(name="完整读取项目"), encoding="utf-8")
    doc = parse_file(path)
    read = views.Intake(documents=[doc], lines=[views.document_line(doc, views.FILE_CHECKED, "")])
    assert "jx-done" in views.intake_html(read, imported=False)
