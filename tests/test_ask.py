"""qa/ask/ on the sample index: every intent, the eval questions through the real CLI, citations for every figure."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from corpus.errors import QuestionError
from corpus.model import Answer
from qa.ask import FIELDS, answer_to_json, ask, ask_many, format_answer

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = ROOT / "tests" / "eval"
JIXIAO = Path(sys.executable).with_name("jixiao")


def values(answer: Answer) -> list[tuple[str | None, str, Decimal | None, str | None]]:
    return [(v.indicator, v.field, v.value, v.unit) for v in answer.values]


def assert_cited(answer: Answer) -> None:
    """Every listed project and every figure of a project has a citation."""
    cited = {c.project for c in answer.citations}
    assert set(answer.projects) <= cited, answer
    for v in answer.values:
        if v.project:
            assert v.project in cited, v
            if v.indicator:
                assert any(c.project == v.project and c.indicator == v.indicator for c in answer.citations), v
    assert all(c.line > 0 and c.snippet for c in answer.citations)


# ------------------------------------------------------------------------------------------ eval


def test_eval_questions_pass_through_the_cli(sample_index, tmp_path):
    answers = tmp_path / "answers.jsonl"
    questions = EVAL_DIR / "questions.jsonl"
    with answers.open("w", encoding="utf-8") as out:
        run = subprocess.run(
            [str(JIXIAO), "ask", "--batch", str(questions), "--json", "--index", str(sample_index.directory)],
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            timeout=900,
        )
    assert run.returncode == 0, run.stderr
    lines = answers.read_text(encoding="utf-8").splitlines()
    assert len(lines) == sum(1 for line in questions.read_text(encoding="utf-8").splitlines() if line.strip())
    for line in lines:
        data = json.loads(line)
        assert {"question", "kind", "text", "projects", "values", "citations", "suggestions"} <= set(data)
    score = subprocess.run(
        [sys.executable, str(EVAL_DIR / "score.py"), "questions", str(questions), str(answers)],
        capture_output=True,
        text=True,
    )
    assert score.returncode == 0, score.stdout + score.stderr
    assert "10 passed, 0 failed" in score.stdout


# ------------------------------------------------------------------------------------------ mentions


def test_mentions_lists_every_project_including_an_abbreviated_form(sample_index):
    a = ask("哪些项目提到碳市场？", sample_index)
    assert a.kind == "mentions"
    assert a.projects == ("大气环境与应对气候变化", "全市生态环境保护重大项目保障", "生态环境执法与应急")
    assert "碳排放权交易市场" in a.text  # the semantic match says what the document wrote
    assert_cited(a)


def test_mentions_count_and_negation(sample_index):
    a = ask("有几个项目提到生物多样性？", sample_index)
    assert a.kind == "mentions" and a.projects == ("自然生态和农业农村环境保护",)
    assert ("count", Decimal(1), "个") in [(v.field, v.value, v.unit) for v in a.values]
    b = ask("哪些项目没有提到生物多样性？", sample_index)
    assert "自然生态和农业农村环境保护" not in b.projects and len(b.projects) == 21


def test_mentions_scoped_by_document_kind(sample_index):
    a = ask("哪些申报项目提到碳市场？", sample_index)
    assert a.kind == "mentions" and a.projects == ()
    assert "没有项目提到" in a.text


# ------------------------------------------------------------------------------------------ lookup


def test_lookup_resolves_a_partial_project_name(sample_index):
    a = ask("热线项目的年度资金申请总额是多少？", sample_index)
    assert a.kind == "lookup" and a.projects == ("环保热线运行",)
    assert values(a) == [(None, "annual_request", Decimal("2650000"), "元")]
    assert a.citations[0].line == 12 and "2,650,000.00" in a.citations[0].snippet
    assert "2,650,000.00元" in a.text


def test_lookup_resolves_a_project_by_meaning_and_says_so(sample_index):
    a = ask("办公楼装修项目的年度资金申请总额是多少？", sample_index)
    assert a.kind == "lookup" and a.projects == ("办公用房修缮及装修经费",)
    assert values(a) == [(None, "annual_request", Decimal("10000000"), "元")]
    assert "语义相近" in a.text


def test_lookup_indicator_target_and_actual(sample_index):
    a = ask("自然生态和农业农村环境保护项目的研究成果数量目标是多少？实际完成多少？", sample_index)
    assert values(a) == [
        ("提交的研究成果数量", "target", Decimal(20), "份"),
        ("提交的研究成果数量", "actual", Decimal(5), "份"),
    ]
    assert "未达成" in a.text
    assert a.citations[0].line == 143
    assert_cited(a)


def test_lookup_indicator_by_unit_and_by_tense(sample_index):
    a = ask("办公用房修缮及装修经费项目计划修缮多少平方米？", sample_index)
    assert values(a) == [("房屋修缮工程量", "target", Decimal(4578), "平方米")]
    b = ask("生态环境执法与应急项目开展了多少家企事业单位的生态环境信用评级？", sample_index)
    assert values(b) == [("开展企事业单位生态环境信用评级", "actual", Decimal(45889), "家")]
    c = ask("核与辐射安全管理项目应急演练做了几次？", sample_index)
    assert values(c) == [("应急演练数量", "actual", Decimal(12), "次")]


def test_lookup_an_indicator_named_without_its_project(sample_index):
    a = ask("提交的研究成果数量目标是多少？", sample_index)
    assert a.projects == ("自然生态和农业农村环境保护",)
    assert values(a) == [("提交的研究成果数量", "target", Decimal(20), "份")]


def test_lookup_project_fields_and_text_fields(sample_index):
    a = ask("海洋项目的自评总分是多少？", sample_index)
    assert a.projects == ("海洋生态环境保护",) and values(a) == [
        (None, "total_score", Decimal("97.99"), "分")
    ]
    b = ask("执法应急项目的执行率是多少", sample_index)
    assert values(b) == [(None, "execution_rate", Decimal("62.64"), "%")] and "62.64%" in b.text
    c = ask("环保热线运行项目的实施单位是什么？", sample_index)
    assert c.kind == "lookup" and "上海市生态环境局执法总队" in c.text and c.citations


def test_lookup_lists_indicators_and_counts_them(sample_index):
    a = ask("环保热线运行项目有几个指标？", sample_index)
    assert a.kind == "count" and [(v.field, v.value) for v in a.values] == [("count", Decimal(9))]
    b = ask("环保热线运行项目有哪些指标？", sample_index)
    assert b.kind == "lookup" and "热线受理人员满意度" in b.text and len(b.citations) == 9


# ------------------------------------------------------------------------------------------ rank


def test_rank_lowest_execution_rate_excludes_declarations_and_says_so(sample_index):
    a = ask("预算执行率最低的项目是哪个？", sample_index)
    assert a.kind == "rank" and a.projects == ("生态环境执法与应急",)
    assert values(a) == [(None, "execution_rate", Decimal("62.64"), "%")]
    assert "5 个项目没有预算执行率" in a.text and "申报表" in a.text
    assert_cited(a)


def test_rank_reports_ties(sample_index):
    a = ask("自评总分最高的项目是哪个？", sample_index)
    assert a.kind == "rank"
    assert a.projects == ("土壤固废化学品污染防治", "核与辐射安全管理")
    assert "并列" in a.text
    assert {v.value for v in a.values} == {Decimal("99.98")}


def test_rank_lowest_total_score_is_one_hundredth_apart(sample_index):
    a = ask("哪个项目的自评总分最低？", sample_index)
    assert a.projects == ("自然生态和农业农村环境保护",)
    assert values(a) == [(None, "total_score", Decimal("96.25"), "分")]


def test_rank_top_n_and_within_a_project(sample_index):
    a = ask("年度资金申请总额最高的三个项目", sample_index)
    assert a.projects == ("办公用房修缮及装修经费", "生态环境综合执法相关配套工作", "环保热线运行")
    b = ask("科技与国际合作交流项目哪个指标分值最高？", sample_index)
    assert values(b) == [("支撑生态环境保护管理和综合决策", "weight", Decimal(30), "分")]


# ------------------------------------------------------------------------------------------ filter / count / sum


def test_filter_by_percentage(sample_index):
    a = ask("执行率低于95%的项目有哪些？", sample_index)
    assert a.kind == "filter"
    assert a.projects == ("党建、群建工作", "全市生态环境保护重大项目保障", "生态环境执法与应急")
    assert_cited(a)


def test_filter_converts_wan_yuan_to_the_documents_yuan(sample_index):
    a = ask("哪些项目的年度资金申请总额超过200万元？", sample_index)
    assert a.projects == ("环保热线运行", "生态环境综合执法相关配套工作", "办公用房修缮及装修经费")
    assert all(v.unit == "元" for v in a.values)


def test_filter_field_against_field(sample_index):
    a = ask("哪些项目的全年预算数低于年初预算数？", sample_index)
    assert len(a.projects) == 9 and "生态环境执法与应急" in a.projects
    assert "年初预算数 234.00万元" in a.text


def test_filter_indicators_scored_below_their_weight(sample_index):
    a = ask("海洋生态环境保护项目哪些指标扣分了？", sample_index)
    assert a.kind == "filter"
    assert values(a) == [
        ("掌握污染源分步情况", "score", Decimal(28), "分"),
        ("掌握污染源分步情况", "weight", Decimal(30), "分"),
    ]
    assert_cited(a)


def test_count_projects_with_and_without_a_condition(sample_index):
    a = ask("执行率低于95%的项目有几个？", sample_index)
    assert a.kind == "count" and a.values[0].field == "count" and a.values[0].value == 3
    b = ask("有多少个自评项目？", sample_index)
    assert b.kind == "count" and b.values[0].value == 17 and b.values[0].unit == "个"


def test_sum_converts_yuan_to_wan_yuan_and_states_it(sample_index):
    a = ask("申报项目的年度资金申请总额合计多少万元？", sample_index)
    assert a.kind == "sum"
    total = a.values[0]
    assert (total.field, total.value, total.unit) == ("sum", Decimal("1955.5"), "万元")
    parts = [v for v in a.values if v.field == "annual_request"]
    assert len(parts) == 5 and sum(v.value for v in parts) == Decimal("19555000")
    assert "换算为万元" in a.text and "1,955.50万元" in a.text
    assert_cited(a)


def test_scope_by_department_and_year(sample_index):
    a = ask("执法总队有哪些项目？", sample_index)
    assert len(a.projects) == 5 and "环保热线运行" in a.projects
    b = ask("2023年预算执行率最低的项目是哪个？", sample_index)
    assert b.projects == ("生态环境执法与应急",) and "没有预算执行率" not in b.text
    c = ask("2025年有哪些项目？", sample_index)
    assert c.kind == "unknown" and "2023年" in c.suggestions


# ------------------------------------------------------------------------------------------ findings


def test_findings_unmet_indicators_use_the_checks(sample_index):
    a = ask("哪些项目有指标没有完成年度指标值？", sample_index)
    assert a.kind == "findings"
    assert set(a.projects) >= {"自然生态和农业农村环境保护", "海洋生态环境保护"}
    assert set(a.projects) <= {
        "自然生态和农业农村环境保护",
        "海洋生态环境保护",
        "生态环境监测、总量控制、环境统计（污染源动态更新）和绿色发展评价管理",
    }
    assert ("掌握污染源分步情况", "actual", Decimal(89), "%") in values(a)
    assert_cited(a)


def test_findings_deductions_without_reasons(sample_index):
    a = ask("哪些项目扣分没写原因？", sample_index)
    assert a.kind == "findings" and a.projects == ()  # every deduction in the samples is explained
    assert a.text.startswith("核查结果")


# ------------------------------------------------------------------------------------------ unknown / search


def test_unknown_project_gets_suggestions_not_a_guess(sample_index):
    a = ask("长江保护项目的执行率是多少？", sample_index)
    assert a.kind == "unknown" and a.values == () and a.projects == ()
    assert "长江保护" in a.text and len(a.suggestions) >= 3
    assert "海洋生态环境保护" in a.suggestions


def test_ambiguous_project_lists_the_candidates(sample_index):
    a = ask("执法项目的资金申请总额是多少？", sample_index)
    assert a.kind == "unknown"
    assert set(a.suggestions) == {
        "生态环境执法与应急",
        "生态环境综合执法相关配套工作",
        "生态环境执法工作能力建设",
    }


def test_field_the_project_does_not_have(sample_index):
    a = ask("环保热线运行项目的执行率是多少？", sample_index)
    assert a.kind == "unknown" and "年度资金申请总额" in a.suggestions


def test_unknown_indicator_is_not_guessed(sample_index):
    a = ask("海洋生态环境保护项目的研究成果数量是多少？", sample_index)
    assert a.kind == "unknown" and a.values == () and "报告" in a.suggestions


def test_no_structured_answer_falls_back_to_search(sample_index):
    a = ask("如何提高生态环境监测能力？", sample_index)
    assert a.kind == "search"
    assert a.text.startswith("检索结果，仅供参考")
    assert a.projects and a.values == ()
    assert_cited(a)


# ------------------------------------------------------------------------------------------ output


def test_answer_to_json_and_format(sample_index):
    a = ask("海洋生态环境保护项目的自评总分是多少？", sample_index)
    data = answer_to_json(a)
    assert data["values"] == [
        {
            "project": "海洋生态环境保护",
            "indicator": None,
            "field": "total_score",
            "value": 97.99,
            "unit": "分",
        }
    ]
    json.dumps(data, ensure_ascii=False)
    assert set(data) >= {"question", "kind", "text", "projects", "values", "citations", "suggestions"}
    text = format_answer(a)
    assert "97.99分" in text and "出处" in text and "第" in text


def test_ask_many_and_empty_question(sample_index):
    answers = ask_many(["海洋项目得分是多少", "党建项目执行率"], sample_index)
    assert [a.values[0].value for a in answers] == [Decimal("97.99"), Decimal("91.7")]
    with pytest.raises(QuestionError):
        ask("  ", sample_index)


def test_field_names_are_documented():
    assert {"target", "actual", "execution_rate", "total_score", "annual_request", "count", "sum"} <= set(
        FIELDS
    )


def test_no_sample_names_or_figures_in_the_code(sample_docs):
    """The package generalises: nothing of the sample documents is written into it."""
    code = "\n".join(f.read_text(encoding="utf-8") for f in sorted((ROOT / "qa" / "ask").glob("*.py")))
    vocab = (ROOT / "qa" / "data" / "ask_vocabulary.json").read_text(encoding="utf-8")
    for doc in sample_docs:
        for project in doc.projects:
            assert project.name not in code and project.name not in vocab
            for ind in project.indicators:
                if len(ind.name) >= 4:
                    assert ind.name not in code and ind.name not in vocab, ind.name
    for figure in ("62.64", "96.25", "97.99", "4578", "45889", "2650000"):
        assert figure not in code


def test_a_search_answer_cites_a_project_whose_name_was_not_read(tmp_path, embedder):
    """A form read without its 项目名称 (coverage says so) is still searchable: a search hit on it is cited
    under the empty name instead of failing (the catalogue lists no empty name)."""
    from corpus.parse import parse_file
    from index.store import Index

    path = tmp_path / "nameless.txt"
    path.write_text(
        "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t改造农村危房户数\t≥120户\n"
        "满意度指标\t服务对象满意度指标\t危房改造户满意度\t≥90%\n",
        encoding="utf-8",
    )
    doc = parse_file(path)
    assert doc.projects[0].name == ""
    index = Index.open(tmp_path / "index", embedder=embedder, create=True)
    index.add([doc])
    answer = ask("农村危房改造", index)
    assert answer.kind == "search" and "危房" in answer.text
    assert answer.citations and answer.citations[0].document == "nameless.txt"


def test_prepare_builds_the_answer_caches_and_changes_no_answer(sample_index, tmp_path):
    """qa.ask.prepare (what `jixiao serve` runs at start) builds the catalogue, the project figures, the
    name postings and the decoded findings of the generation; answers are the same before and after."""
    from index.store import Index
    from qa.ask import catalogue as catalogue_module
    from qa.ask import prepare
    from qa.ask.catalogue import _index_key
    from qa.ask.near import name_chars

    questions = ["执行率最低的项目是哪个？", "哪些项目提到碳市场？", "哪些项目有指标没有完成年度指标值？"]
    catalogue_module._catalogues.pop(_index_key(sample_index), None)
    before = [ask(q, sample_index, page_size=5) for q in questions]
    catalogue_module._catalogues.pop(_index_key(sample_index), None)
    prepare(sample_index)
    cat = catalogue_module._catalogues[_index_key(sample_index)]
    assert ("figures", "execution_rate") in cat._derived and name_chars(cat)
    assert [ask(q, sample_index, page_size=5) for q in questions] == before
    prepare(Index.open(tmp_path / "empty", create=True))  # nothing indexed: nothing to build, no error
