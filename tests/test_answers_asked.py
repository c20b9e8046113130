"""Answers about what was asked (the measure, overlapping project names, typos) and Chinese in every label a
reviewer reads (rule names, rule descriptions, evidence keys) in the UI texts and the Excel report."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import replace
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from corpus.model import Answer, Measure
from qa.ask import ask
from qa.checks import RULES, run_checks
from qa.evidence import evidence_label, evidence_text
from qa.labels import rule_description, rule_title
from qa.report import text_report, write_report_xlsx
from qa.verdict import document_verdicts, project_verdicts
from ui import views
from ui.overview import pick_filters, pick_html
from ui.tables import filter_choices, finding_choice, finding_detail_html, findings_frame
from ui.verdicts import check_verdicts_html, verdicts_html

# ------------------------------------------------------------------------------------------ a hand-made corpus

# Three projects: 测试项目 spends little (执行率 50%) but satisfies everyone; 测试项目二 spends all but one of its
# 满意度 indicators is short of 90%; a third has a name a question can mistype.
FIRST, SECOND, THIRD = "测试项目", "测试项目二", "河道保洁作业执法巡查"


def _indicator(template, name: str, actual: str, unit: str):
    value = Decimal(actual)
    return replace(
        template,
        name=name,
        target=Measure(f"≥90{unit}", "≥", Decimal("90"), unit),
        actual=Measure(f"{actual}{unit}", None, value, unit),
    )


@pytest.fixture(scope="module")
def made_index(tmp_path_factory, embedder, sample_docs):
    from index.store import Index

    self_eval = sample_docs[0]
    p1, p2, p3 = self_eval.projects[:3]
    template = p1.indicators[0]
    first = replace(
        p1,
        name=FIRST,
        budget=replace(p1.budget, rate=Decimal("50.00")),
        indicators=(_indicator(template, "服务对象满意度", "95", "%"),),
        total_score=Decimal("81.50"),
    )
    second = replace(
        p2,
        name=SECOND,
        budget=replace(p2.budget, rate=Decimal("99.00")),
        indicators=(
            _indicator(template, "群众满意度", "85", "%"),
            _indicator(template, "参与单位满意度", "96", "%"),
            _indicator(template, "报告数量", "5", "份"),
        ),
        total_score=Decimal("88.25"),
    )
    third = replace(
        p3, name=THIRD, budget=replace(p3.budget, rate=Decimal("98.00")), total_score=Decimal("93.10")
    )
    doc = replace(self_eval, projects=(first, second, third))
    index = Index.open(tmp_path_factory.mktemp("asked") / "index", embedder=embedder)
    index.add([doc])
    return index


def _values(answer: Answer) -> list[tuple]:
    return [(v.project, v.indicator, v.field, v.value, v.unit) for v in answer.values]


# ------------------------------------------------------------------------------------------ the measure


def test_a_measure_named_by_indicator_words_is_compared_on_those_indicators(made_index):
    a = ask("满意度指标低于90%的有哪些？", made_index)
    # Not the projects whose 预算执行率 is below 90% (测试项目, 50%): the 满意度 indicators below 90%.
    assert a.kind == "filter" and a.projects == (SECOND,)
    assert _values(a) == [(SECOND, "群众满意度", "actual", Decimal("85"), "%")]
    first_line = a.text.splitlines()[0]
    assert first_line.startswith("问的是：") and "满意度" in first_line and "实际完成值低于90%" in first_line
    assert "预算执行率" not in a.text


def test_a_measure_counted_the_same_way(made_index):
    a = ask("满意度低于96%的指标有几个？", made_index)
    # 服务对象满意度 95% and 群众满意度 85%; 参与单位满意度 96% is not below 96%.
    assert a.kind == "count" and a.values[0].value == 2
    assert a.text.startswith("问的是：")


def test_a_field_named_outright_is_compared_without_a_note(made_index):
    a = ask("执行率低于90%的项目有哪些？", made_index)
    assert a.kind == "filter" and a.projects == (FIRST,)
    assert "问的是" not in a.text


def test_a_field_read_from_the_unit_alone_says_so(made_index):
    a = ask("低于90%的项目有哪些？", made_index)
    assert a.projects == (FIRST,)
    assert a.text.startswith("问的是：预算执行率低于90%") and "按“%”理解为预算执行率" in a.text


def test_words_that_name_no_indicator_are_said_to_name_none(made_index):
    a = ask("服务质量低于90%的有哪些？", made_index)
    assert "没有名称含“服务质量”的指标" in a.text.splitlines()[0]


# ------------------------------------------------------------------------------------------ overlapping names


def test_the_longest_name_written_is_the_project_asked_about(made_index):
    second = ask("测试项目二的得分是多少？", made_index)
    assert second.kind == "lookup" and second.projects == (SECOND,)
    assert _values(second) == [(SECOND, None, "total_score", Decimal("88.25"), "分")]
    first = ask("测试项目的得分是多少？", made_index)
    assert first.projects == (FIRST,) and first.values[0].value == Decimal("81.50")
    both = ask("测试项目和测试项目二的得分", made_index)
    assert both.projects == (FIRST, SECOND)


@pytest.mark.parametrize(
    "question, asked", [("测试项目三的得分", "测试项目三"), ("测试项目二期的得分", "测试项目二期")]
)
def test_a_name_not_in_the_index_is_offered_the_near_one_never_answered_for(made_index, question, asked):
    a = ask(question, made_index)
    assert a.kind == "unknown" and a.values == () and a.projects == ()
    assert f"没有找到项目“{asked}”，是否指" in a.text
    assert set(a.suggestions) <= {FIRST, SECOND} and a.suggestions


def test_a_quantity_after_a_name_is_not_part_of_the_name(made_index):
    a = ask("测试项目二2023年的得分", made_index)
    assert a.projects == (SECOND,)


# ------------------------------------------------------------------------------------------ typos


def test_a_typo_in_a_whole_name_is_offered_the_name(made_index):
    a = ask("河道保洁作业执发巡查的得分是多少？", made_index)
    assert a.kind == "unknown" and a.values == ()
    assert f"是否指“{THIRD}”" in a.text and a.suggestions[0] == THIRD


def test_a_mistyped_word_is_offered_the_word_and_its_projects(made_index):
    a = ask("执发项目的得分是多少？", made_index)
    assert a.kind == "unknown" and a.values == ()
    assert "“执发”是否为“执法”之误" in a.text and THIRD in a.text
    assert a.suggestions[0] == THIRD


def test_a_mistyped_topic_is_not_answered_none_without_the_near_word(made_index):
    a = ask("哪些项目提到执发？", made_index)
    assert a.kind == "mentions" and a.projects == ()
    assert "没有项目提到“执发”" in a.text and "“执发”是否为“执法”之误" in a.text and THIRD in a.text
    # A topic nobody writes and no name comes near gets the plain answer.
    b = ask("哪些项目提到潮汐能？", made_index)
    assert b.projects == () and "之误" not in b.text


# ------------------------------------------------------------------------------------------ Chinese labels

_SNAKE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+")  # rate_percent, self_evaluation
_KEY_VALUE = re.compile(r"[A-Za-z_]{2,}\s*[=:：]")  # rate=62, threshold：90


@pytest.fixture(scope="module")
def findings(sample_docs):
    found = run_checks(list(sample_docs))
    assert len({f.rule for f in found}) >= 10, "the samples should exercise many rules"
    return found


def _data(sample_docs, findings) -> list[str]:
    """What the documents themselves hold (file names, cited rows): data, not labels."""
    held = [d.name for d in sample_docs] + [f.source.text for f in findings if f.source and f.source.text]
    return sorted(set(held), key=len, reverse=True)


def _reviewer_text(text: str, data: list[str]) -> str:
    """Visible text of HTML (tags dropped, tooltips kept), without the documents' own words."""
    tips = " ".join(re.findall(r"(?:aria-label|title)='([^']*)'", text))
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", text) + " " + tips)
    for held in data:
        text = text.replace(held, " ")
    return text


def _assert_chinese(text: str, where: str) -> None:
    slugs = [slug for slug in RULES if slug in text]
    assert not slugs, f"{where}: rule slugs {slugs}"
    assert not _SNAKE.search(text), f"{where}: {_SNAKE.search(text).group()!r}"
    assert not _KEY_VALUE.search(text), f"{where}: {_KEY_VALUE.search(text).group()!r}"


def test_every_rule_has_a_chinese_title_and_description():
    for slug in RULES:
        assert rule_title(slug) != slug and re.search(r"[\u4e00-\u9fff]", rule_title(slug)), slug
        assert re.search(r"[\u4e00-\u9fff]", rule_description(slug)), slug
    assert len(set(map(rule_title, RULES))) == len(RULES)  # two rules never read alike


def test_every_evidence_key_of_the_samples_has_a_chinese_label(findings):
    keys = {k for f in findings for k in f.evidence}
    assert keys and all(re.search(r"[\u4e00-\u9fff]", evidence_label(k)) for k in keys), sorted(
        k for k in keys if not re.search(r"[\u4e00-\u9fff]", evidence_label(k))
    )
    assert evidence_text({"rate": 71.5, "threshold": 90}) == "执行率：71.5%；阈值：90%"
    assert evidence_text({"similarity": 0.912, "threshold": 0.85}) == "相似度：91.2%；阈值：85%"


def test_no_ui_text_a_reviewer_reads_holds_a_slug_or_an_english_key(sample_docs, findings):
    docs = list(sample_docs)
    data = _data(docs, findings)
    units = views.finding_units(docs)
    finding_views = [views.FindingView(n, str(n), f, "", "", *units(f)) for n, f in enumerate(findings, 1)]
    bars = views.pareto(findings)
    _assert_chinese(_reviewer_text(views.pareto_html(bars), data), "总览 Pareto")
    for bar in bars:
        assert rule_title(bar.rule) in views.pareto_html(bars)
        _assert_chinese(
            _reviewer_text(pick_html(pick_filters("rule", bar.rule, [], finding_views)), data), "总览 pick"
        )
    frame = findings_frame(finding_views).drop(
        columns=["出处", "原文"]
    )  # where in the file, as the file has it
    for column in frame.columns:
        for cell in frame[column]:
            _assert_chinese(_reviewer_text(str(cell), data), f"核查 table, column {column}")
    for view in finding_views:
        detail = finding_detail_html(view)
        assert (
            rule_title(view.finding.rule) in detail
            and RULES[view.finding.rule].doc.split("\n")[0] not in detail
        )
        _assert_chinese(_reviewer_text(detail, data), "核查 detail")
        _assert_chinese(_reviewer_text(finding_choice(view)[0], data), "核查 picker")
    for label, _slug in filter_choices(finding_views)["rules"]:
        _assert_chinese(label, "核查 rule filter")
    verdicts = project_verdicts(docs, findings)
    _assert_chinese(_reviewer_text(verdicts_html(document_verdicts(docs, verdicts), verdicts), data), "结论")
    _assert_chinese(_reviewer_text(check_verdicts_html(verdicts), data), "核查 结论")
    _assert_chinese(_reviewer_text(text_report(findings, documents=docs), data), "text report")


def test_no_excel_cell_a_reviewer_reads_holds_a_slug_or_an_english_key(sample_docs, findings, tmp_path):
    docs = list(sample_docs)
    data = _data(docs, findings)
    book = load_workbook(write_report_xlsx(docs, findings, tmp_path / "报告.xlsx"))
    rules = [row[3] for row in book["问题清单"].iter_rows(min_row=2, values_only=True)]
    assert rules == [rule_title(f.rule) for f in findings]
    checked = 0
    for sheet in book.worksheets:
        header = [c.value for c in sheet[1]]
        for row in sheet.iter_rows(values_only=True):
            for column, value in zip(header, row, strict=True):
                if column in ("文档", "文件", "出处") or not isinstance(value, str):
                    continue  # a file name is the document's own
                _assert_chinese(_reviewer_text(value, data), f"Excel {sheet.title} {column}")
                checked += 1
    assert checked > len(findings) * 3
