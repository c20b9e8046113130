"""Issue 14: every layout family read by its structure, in each original format (XLSX, DOCX, PDF).

For each family × format: the written file holds what the spec says (read back with openpyxl, python-docx,
pdfplumber: a failure there is the generator's), and `parse_file` reads exactly the spec's records
(a failure there is the parser's).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import layouts
import pytest
from layouts import Family, flat_document

from corpus.errors import NotAPerformanceTableError
from corpus.parse import parse_file

FAMILIES = ["a", "b", "c", "d", "e", "f"]
FORMATS = ["xlsx", "docx", "pdf"]


@pytest.fixture(scope="module")
def families(sample_docs) -> dict[str, Family]:
    self_evaluation, _ = sample_docs
    return {
        "a": layouts.family_a(self_evaluation),
        "b": layouts.family_b(),
        "c": layouts.family_c(),
        "d": layouts.family_d(),
        "e": layouts.family_e(),
        "f": layouts.family_f(),
        "no-form": layouts.no_form(),
    }


@pytest.fixture(scope="module")
def written(families, tmp_path_factory):
    """Each family in each format, written once: (family, format) -> path."""
    assert layouts.CJK_FONT.is_file(), f"{layouts.CJK_FONT} missing: run `make browser`"
    folder = tmp_path_factory.mktemp("layouts")
    out: dict[tuple[str, str], Path] = {}
    for name, family in families.items():
        for fmt, write in layouts.WRITERS.items():
            out[(name, fmt)] = write(family, folder / f"family-{name}.{fmt}")
    return out


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("family", [*FAMILIES, "no-form"])
def test_the_file_holds_the_spec(families, written, family, fmt):
    layouts.CHECKS[fmt](families[family], written[(family, fmt)])


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("family", FAMILIES)
def test_records_of_each_layout_family(families, written, family, fmt):
    doc = parse_file(written[(family, fmt)])
    assert flat_document(doc) == families[family].expected


def test_family_a_expects_the_samples_records(families, sample_docs):
    # The re-laid-out sample must say what the text sample says (codes are the only addition).
    self_evaluation, _ = sample_docs
    picked = [layouts.flat(self_evaluation.projects[i]) for i in layouts.SAMPLE_PICK]
    assert [{**e, "code": None} for e in families["a"].expected] == picked


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_indicator_header_without_a_project_is_not_a_form(written, fmt):
    with pytest.raises(NotAPerformanceTableError) as info:
        parse_file(written[("no-form", fmt)])
    message = str(info.value)
    assert "一级指标" in message and "二级指标" in message and "项目名称" in message, message


def _parse_text(tmp_path, text: str):
    path = tmp_path / "form.txt"
    path.write_text(text, encoding="utf-8")
    return parse_file(path)


def test_indicator_rows_without_a_project_name_are_read_and_said_so(tmp_path):
    doc = _parse_text(
        tmp_path,
        "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t培训场次\t≥4场\n"
        "效益指标\t社会效益指标\t群众知晓率\t≥80%\n",
    )
    (project,) = doc.projects
    assert [(i.name, i.target.op, i.target.value) for i in project.indicators] == [
        ("培训场次", "≥", Decimal("4")),
        ("群众知晓率", "≥", Decimal("80")),
    ]
    assert project.name == "" and "项目名称" in project.coverage.missing and not project.coverage.complete


def test_thirty_budget_pages_before_a_form_are_one_note_in_jixiao_parse(families, tmp_path):
    """Issue 15: a budget PDF whose 30 ordinary pages come before the form gives one note for those pages
    (第1–30页不是绩效表，已跳过), not one per line, and the form after them is read whole."""
    import subprocess
    import sys

    from build_docs import Cell, Table

    pages = []
    for n in range(1, 31):
        t = Table(width=3)
        t.rows.append([Cell(h) for h in ("功能分类科目", "本年预算数", "上年预算数")])
        for k in range(1, 9):
            t.rows.append([Cell(f"2080{n:02d}{k:02d} 行政运行支出第{k}项"), layouts.num(f"{n * 10 + k}.00"),
                           layouts.num(f"{n * 9 + k}.50")])
        pages.append(layouts.Form([f"2024年部门预算公开 第{n}部分", "一、一般公共预算支出表", t], (60, 20, 20)))
    budget = Family("budget", [*pages, *families["d"].forms])
    path = layouts.write_pdf(budget, tmp_path / "部门预算.pdf")
    jixiao = str(Path(sys.executable).with_name("jixiao"))
    out = subprocess.run([jixiao, "parse", str(path)], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    notes = [line for line in out.stdout.splitlines() if "警告" in line]
    skipped = [line for line in notes if "不是绩效表" in line]
    assert len(skipped) == 1 and "第1–30页" in skipped[0], out.stdout
    assert len(notes) <= 2, out.stdout  # that note, and at most one about the form itself
    assert flat_document(parse_file(path)) == families["d"].expected


def _variant(family: Family, edit) -> Family:
    """Family d with its one table changed by `edit(table) -> list of blocks`."""
    import copy

    from build_docs import Table

    form = family.forms[0]
    table = next(b for b in form.blocks if isinstance(b, Table))
    blocks = [x for b in form.blocks for x in (edit(copy.deepcopy(table)) if b is table else [b])]
    return Family(family.name + "-variant", [layouts.Form(blocks, form.widths, sheet=form.sheet)])


def _renamed(table, names: dict[str, str]):
    import dataclasses

    table.rows = [[dataclasses.replace(c, text=names.get(c.text, c.text)) for c in r] for r in table.rows]
    return table


VARIANTS = ["stacked", "label-and-value", "heji", "renamed-columns", "two-families"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("variant", VARIANTS)
def test_variants_of_the_national_self_evaluation(families, variant, fmt, tmp_path):
    """Family d laid out as other regions do: two forms one under the other in one sheet/page, labels and values
    in one merged cell (项目名称：…), 合计 for 总分, other column words (年度目标值/权重/自评得分/偏差原因), and a
    workbook holding family b's sheets before it."""
    import dataclasses

    from build_docs import Cell

    d = families["d"]
    expected = d.expected
    name = expected[0]["name"]
    if variant == "stacked":
        second = {**expected[0], "name": "第二个项目名称测试"}

        def edit(t):
            import copy

            t2 = copy.deepcopy(t)
            t2.rows[0][1] = Cell("第二个项目名称测试", colspan=8)
            return [t, "", t2]

        family, expected = _variant(d, edit), [expected[0], second]
    elif variant == "label-and-value":

        def edit(t):
            t.rows[0] = [Cell("项目名称：" + name, colspan=9)]
            t.rows[1] = [Cell("主管部门：" + expected[0]["department"], colspan=4),
                         Cell("实施单位：" + expected[0]["implementer"], colspan=5)]
            return [t]

        family = _variant(d, edit)
    elif variant == "heji":
        family = _variant(d, lambda t: [_renamed(t, {"总分": "合计"})])
    elif variant == "renamed-columns":
        names = {"年度指标值": "年度目标值", "分值": "权重", "得分": "自评得分", "偏差原因分析及改进措施": "偏差原因"}

        def edit(t):
            at = next(k for k, r in enumerate(t.rows) if any(c.text == "一级指标" for c in r))
            t.rows[at] = [dataclasses.replace(c, text=names.get(c.text, c.text)) for c in t.rows[at]]
            return [t]

        family = _variant(d, edit)
    else:
        b = families["b"]
        family, expected = Family("bd", [*b.forms, *d.forms]), [*b.expected, *d.expected]
    path = layouts.WRITERS[fmt](family, tmp_path / f"{variant}.{fmt}")
    doc = parse_file(path)
    assert flat_document(doc) == expected
    assert not [w for w in doc.warnings if w.kind in ("skipped-pages", "skipped-lines")], doc.warnings


def test_labels_in_one_row_with_their_values_in_the_row_below(tmp_path):
    """项目名称 | 主管部门 | 实施单位 over the row that holds their values: each value read under its label."""
    doc = _parse_text(
        tmp_path,
        "项目支出绩效目标申报表\n项目名称\t主管部门\t实施单位\n城乡道路养护\t江川市交通局\t江川市公路中心\n"
        "年度资金申请总额\t120.00\n一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t养护里程\t≥50公里\n",
    )
    (p,) = doc.projects
    assert (p.name, p.department, p.implementer) == ("城乡道路养护", "江川市交通局", "江川市公路中心")
    assert p.funding.annual_request == Decimal("120.00") and p.indicators[0].target.value == Decimal("50")
    assert not doc.warnings


def test_a_label_printed_over_two_lines_ends_the_value_before_it(tmp_path):
    """Labels listed first and their values later (PDF text): 部门名称 has no value of its own, and the next
    label wrapped over two lines (部门相应职能职 / 责概述) is not read as its value, nor as the project's name."""
    doc = _parse_text(
        tmp_path,
        "专项资金绩效目标表\n专项名称\n部门名称\n部门相应职能职\n责概述\n专项立项\n依据\n"
        "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t免疫数量\t≥5万头\n",
    )
    (p,) = doc.projects
    assert p.name == "" and "项目名称" in p.coverage.missing
    assert [(i.name, i.target.value) for i in p.indicators] == [("免疫数量", Decimal("5"))]


def test_indicators_run_together_into_one_name_are_not_read_as_an_indicator(tmp_path):
    """A row whose name holds another indicator's figures and words (…完成率%901010010国家级…) and no value of
    its own is not an indicator: it is counted unread and said so, never shown as one read indicator."""
    doc = _parse_text(
        tmp_path,
        "项目名称\t林业管护\n一级指标\t二级指标\t三级指标\t指标值\t分值\n"
        "产出指标\t数量指标\t管护任务完成率%901010010国家级公益林管护面积万亩2810810\t\t\n"
        "产出指标\t数量指标\t森林抚育面积\t≥2万亩\t10\n",
    )
    (p,) = doc.projects
    assert [i.name for i in p.indicators] == ["森林抚育面积"]
    assert p.coverage.indicators == "partial" and "绩效指标 1 行未能读取" in p.coverage.missing
    assert any(w.kind == "unread-indicator-rows" for w in doc.warnings)


def test_a_name_holding_figures_between_words_without_values_is_garbled():
    from corpus.parse import garbled

    assert garbled("管护任务完成率%901010010国家级公益林管护面积", "数量指标", has_values=False)
    assert not garbled("管护任务完成率%901010010国家级公益林管护面积", "数量指标", has_values=True)
    assert not garbled("2023年度培训人次", "数量指标", has_values=False)  # a year is not a run of figures
    assert garbled("35.5", "数量指标") and garbled("培训人次", "2024")


def test_section_labels_rows_run_together_and_wrapped_cells_cut_apart_are_garbled():
    from corpus.parse import garbled

    # A section label with its points is not an indicator.
    assert garbled("效益指标(30分)", "") and not garbled("效益指标达成度", "")
    # A footnote, a glossary entry and a points label alone are not names either.
    assert garbled("注:1.本表由项目单位填报。", "") and garbled("上年结转:指以前年度结转的资金。", "")
    assert garbled("(30-40)分", "") and garbled("15分", "") and not garbled("验收合格率:达到标准", "")
    # Two rows' words with a level label between them: no one row.
    assert garbled("道路保洁覆盖情况保洁覆盖率达标社会效益指标群众出行便利程度", "")
    assert not garbled("社会效益指标完成率", "") and not garbled("产出数量指标", "")
    # A target that opens with the bracketed end of the name's last word: a wrapped cell cut apart.
    assert garbled("河道水质改善达到省", "", target="(市)考核标准达标")
    assert not garbled("河道水质达标率", "", target="≥90%(含)")


def test_a_department_self_evaluation_preview_with_every_cell_run_together(tmp_path):
    """A document site's preview of a department-wide self-evaluation: title, fields, header and rows printed
    without separators in numbered chunks. The form is named after the unit in its title, each row is cut at
    its 是/否 flag, a header cell whose characters came out of order is still its column, and a row cut short
    at the end of the preview is counted unread, not shown as an indicator."""
    chunk1 = ("1、江川县档案馆2024年度部门整体绩效自评表主管部门自评总分(分)96.5部门联系人王某联系电话年初绩效目标"
              "全年(调整)绩效目标全年目标实际完成情况完成年度档案接收、整理和数字化任务,提升查阅服务水平,保障馆藏档案"
              "安全。完成了年度档案接收和数字化任务,查阅服务水平有所提升。指标名称计量单位指标性质年初指标值调整指标值"
              "值全完成年值得分系数(%)指标权重(分)指标得分(分)是否核心指标档案接收完成率%定量指标95%98%100%44是档案数字")
    chunk2 = "2、化数量件1200件1300件100%66否查阅服务满意度较高较高100%55否馆藏安全保" + "管" * 160
    doc = _parse_text(tmp_path, f"{chunk1}\n{chunk2}\n")
    (p,) = doc.projects
    assert p.name == "江川县档案馆部门整体" and p.total_score == Decimal("96.5")
    got = [(i.name, i.target.text, i.actual.text if i.actual else "", i.weight, i.score) for i in p.indicators]
    assert got[:3] == [("档案接收完成率", "95%", "98%", Decimal("4"), Decimal("4")),
                       ("档案数字化数量", "1200件", "1300件", Decimal("6"), Decimal("6")),
                       ("查阅服务满意度", "较高", "较高", Decimal("5"), Decimal("5"))]
    assert len(got) == 3 and p.coverage.indicators == "partial"


def test_a_label_column_printed_before_its_values(tmp_path):
    """PDF text that lists the form's labels first (some wrapped over two lines) and the values afterwards:
    the leading short fields take the first values in order; a sentence ends the pairing (where the value of
    职能概述 ends is not known), and a label whose value is a row of ticked choices is cut out of its line."""
    doc = _parse_text(
        tmp_path,
        "专项资金绩效目标表\n专项名称\n部门名称\n部门相应职能职\n责概述\n专项立项\n依据\n"
        "乡村饮水安全巩固专项属性延续专项√新增专项□\n县水利服务中心\t资金总额(万元)\t80\n"
        "负责全县农村供水工程的建设、管理和维护。\n"
        "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t维修供水工程\t≥12处\n",
    )
    (p,) = doc.projects
    assert p.name == "乡村饮水安全巩固" and "项目名称" not in p.coverage.missing
    assert [(i.name, i.target.value) for i in p.indicators] == [("维修供水工程", Decimal("12"))]


def test_two_labels_without_values_are_not_a_label_column(tmp_path):
    """项目名称 and 主管单位 printed without values, then a labelled field: the free text later is not paired."""
    doc = _parse_text(
        tmp_path,
        "项目支出绩效自评表\n项目名称\n主管单位\n实施单位\t江川县交通局\n乡村道路养护工程\n"
        "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t养护里程\t≥30公里\n",
    )
    (p,) = doc.projects
    assert p.name == "" and "项目名称" in p.coverage.missing


def test_pieces_of_wrapped_cells_are_not_indicator_names():
    from corpus.parse import garbled

    for piece in (",四舍五入保留整", "(15", "分÷三级指标个数)", "提供完成程度的佐证资料;"):
        assert garbled(piece, "数量指标"), piece
    for name in ("区域协作工作量(召开协作会议))", "截", "“三公”经费控制率", "森林抚育(营林)面积"):
        assert not garbled(name, "数量指标"), name


def test_a_score_header_that_states_the_weight_in_its_formula(tmp_path):
    """得分(20分*执行率) over the money block, with no 分值 column: the block's 分值 is the 20 it states."""
    doc = _parse_text(
        tmp_path,
        "项目支出绩效自评表\n项目名称\t城区绿化养护\n预算数(A)\t执行数(B)\t执行率(B/A)\t得分(20分*执行率)\n"
        "120.00\t108.00\t90%\t18\n一级指标\t二级指标\t三级指标\t年初目标值\t实际完成值\t得分\n"
        "产出指标\t数量指标\t养护面积\t≥50万平方米\t52万平方米\t20\n",
    )
    (p,) = doc.projects
    assert (p.budget.weight, p.budget.rate, p.budget.score) == (Decimal("20"), Decimal("90"), Decimal("18"))


def test_indicators_written_as_prose_with_a_level_that_names_one_bare_indicator(tmp_path):
    """A 绩效目标设定公示 in sentences: each clause with its target, and a level label followed by one short
    clause without a figure (可持续影响指标,长期运行。) read as that level's indicator, its target left empty."""
    doc = _parse_text(
        tmp_path,
        "关于江川镇村道硬化项目绩效目标设定的公示\n"
        "产出指标:数量指标:硬化村道里程(≥**公里)>=12公里;质量指标:验收合格率(≥**%)>=98%。"
        "效益指标:社会效益指标:受益群众人数(≥**人)≥3000人。可持续影响指标,长期运行。\n",
    )
    (p,) = doc.projects
    got = [(i.level2, i.name, i.target.text) for i in p.indicators]
    assert got[-1] == ("可持续影响指标", "长期运行", "") and len(got) == 4


def test_a_head_score_printed_after_the_fields_beside_it(tmp_path):
    """One cell a paragraph: 自评得分 stands among the head's fields and its figure (a merged cell spanning
    their rows) is printed after them."""
    doc = _parse_text(
        tmp_path,
        "农田水利补助资金区域绩效目标自评表\n\n专项名称\n\n农田水利补助资金\n\n中央主管部门\n\n水利部\n\n自评得分\n\n"
        "省级财政部门\n\n某省财政厅\n\n96\n\n年度绩效指标完成情况\n\n一级指标\n\n二级指标\n\n三级指标\n\n年度指标值\n\n"
        "实际完成指标值\n\n产出指标\n\n数量指标\n\n新建渠道\n\n10公里\n\n10公里\n",
    )
    (p,) = doc.projects
    assert p.name == "农田水利补助资金" and p.total_score == Decimal("96")
