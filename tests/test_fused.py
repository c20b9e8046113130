"""Fused cells (a preview that ran a table's cells together) cut back by structure and vocabulary."""

from __future__ import annotations

from corpus.load import Loaded
from corpus.model import Row
from corpus.parse import fused, grid


def test_level_word_does_not_swallow_the_next_header_label() -> None:
    # 评价内容 + 指标名称: the generic level word (…指标) must not take 评价内容指标.
    assert fused.split_fused("评价指标评价内容指标名称指标说明目标值分值备注") == [
        "评价指标", "评价内容", "指标名称", "指标说明", "目标值", "分值", "备注"]


def test_row_under_levels_and_note() -> None:
    cols = ["level1", "level2", "name", "extra", "target", "weight", "note"]
    assert fused.split_row("质量指标受益对象满意度达到目标值95%以上10", cols) == [
        "", "质量指标", "受益对象满意度", "达到目标值", "95%以上", "10", ""]
    # One figure under target and weight: either could hold it, so neither is read.
    got = fused.split_row_partial("数量指标制度建立与否20", cols)
    assert got is not None and got[2] == "制度建立与否" and got[4] is None and got[5] is None


def test_several_indicators_in_one_cell() -> None:
    got = fused.split_indicators("巡查次数反映巡查情况200次验收合格率反映验收质量>92%设备完好率反映设备情况")
    assert got == [("巡查次数", "反映巡查情况", "200次"), ("验收合格率", "反映验收质量", ">92%"),
                   ("设备完好率", "反映设备情况", "")]
    # A piece without its 说明 (two names run together) is not cut.
    assert fused.split_indicators("成本控制率不超预算消耗下降率反映消耗情况>") is None


def test_figure_run() -> None:
    assert fused.is_figure_run("12.512.512.5") and fused.is_figure_run("95%10")
    assert not fused.is_figure_run("12.5") and not fused.is_figure_run("2020年")


def test_numbered_preview_chunks_joined() -> None:
    a = "1、" + "甲" * 250 + "12.5"
    b = "2、" + "1" + "乙" * 250
    rows = (Row((a,), 1), Row((b,), 3), Row(("3、尾",), 5))
    loaded = Loaded(path="x.txt", rows=rows, sha256="0", encoding="utf-8")
    joined = grid._chunks_joined(loaded)
    assert [r.cells[0] for r in joined.rows] == ["甲" * 250 + "12.51" + "乙" * 250 + "尾"]
    # A short numbered list is left alone.
    items = Loaded(path="x.txt", rows=(Row(("1、一项",), 1), Row(("2、二项",), 2)), sha256="0", encoding="utf-8")
    assert grid._chunks_joined(items) is items


_FLAGGED = ["name", "unit", "op", "target", "adjusted_target", "actual", "coefficient", "weight", "score", "core"]


def test_rows_run_together_are_cut_after_their_flag_and_read() -> None:
    # A department self-evaluation preview: rows end in a 是/否 flag; a frame word (绩效指标) fused in front of a row.
    cell = "办件按时办结率%定量指标95%98%100%44是服务规范性指定性标较高较高100%66否绩效指标会议保障次数次12次15次100%33否公开渠道"
    rows = fused.split_rows(cell, _FLAGGED)
    assert rows == ["办件按时办结率%定量指标95%98%100%44是", "服务规范性指定性标较高较高100%66否",
                    "会议保障次数次12次15次100%33否", "公开渠道"]
    # 调整指标值 is empty where a row prints one measure less (score = weight × 得分系数 confirms the rest).
    assert fused.split_row(rows[0], _FLAGGED) == ["办件按时办结率", "%", "定量指标", "95%", "", "98%", "100%", "4", "4", "是"]
    # Grades as target and result; a 指标性质 whose characters came out of order is still the 指标性质.
    assert fused.split_row(rows[1], _FLAGGED) == ["服务规范性", "", "定性指标", "较高", "", "较高", "100%", "6", "6", "否"]
    assert fused.split_row(rows[2], _FLAGGED) == ["会议保障次数", "次", "", "12次", "", "15次", "100%", "3", "3", "否"]
    # One figure cell alone: the identity names 得分系数, nothing says which measure the row lacks.
    assert fused.split_row_partial("经费变动率%100%22否", _FLAGGED)[3:7] == ["", "", "", "100%"]
    assert fused.split_rows("资金拨付及时性98%以上", _FLAGGED) is None  # one row: a qualifier is not a new row


def test_rows_run_together_without_a_flag_are_cut_where_the_next_name_starts() -> None:
    cols = ["name", "unit", "op", "target", "weight", "actual", "score", "note"]
    cell = "补植任务完成率%851010010天然更新面积万亩1210910巡护里程公里30053005"
    assert fused.split_rows(cell, cols) == ["补植任务完成率%851010010", "天然更新面积万亩1210910", "巡护里程公里30053005"]


def test_a_header_cell_printed_out_of_order_is_its_column() -> None:
    from corpus.parse import labels

    assert labels.column_by_letters("年成值全完值").field == "actual"
    assert labels.column_by_letters("林业局管护") is None


def test_a_department_form_is_named_from_its_title() -> None:
    from corpus.parse import labels

    assert labels.department_in_title("某市林业局2024年度部门整体绩效自评表") == "某市林业局 部门整体"
    assert labels.department_in_title("附件2:部门整体支出绩效目标申报表") == "部门整体"
    assert labels.department_in_title("2023年度某项目绩效自评表") is None


def test_a_lone_bracket_between_cut_points_does_not_stop_the_cut() -> None:
    # 财政拨款:60万元(其中:上级财政资金:60万元): the "(" left between two figures is punctuation, not a cell.
    cells = grid._fused_cut("项目名称村道硬化工程项目属性新增项目□延续项目√资金总额及构成总额80万元财政拨款:60万元(其中:上级财政资金:60万元")
    assert cells is not None and cells[:2] == ["项目名称", "村道硬化工程"] and "(" not in cells


# A hand-made form of the family "PDF text flattened into one line, wrapped cells interleaved": the header's
# words split over two lines (年初指 … 标值), a row's name and units split alike (河道清淤 25 公 … 整治长度 里),
# a scoring framework (评价内容 分值 自评分), a funds header whose source columns ran into one word, and the
# name stated only after 项目年度目标 1: and once more on the form.
_INTERLEAVED = (
    "某县财政预算支出项目绩效目标自评表 填报日期:2023 年 5 月 项目名称 项目主管单 位 自评总分: 88 "
    "项目实施单位 某县水利局 某县水利局 项目负责人 王某 中央 省、地 本级 合计 执行数 执行 (万元) (万元) (万元) 率 "
    "120 120 来源 项目年度目 标 负责人签字: 河道清淤整治项目 项目属性 项目资金 120 100 % 评价内容 分值 自评分 项目决策 3 分 "
    "决策程序 3 2 有依据计 3 分,没有不得分。 档案管理 项目管理 10 分 4 4 1、有档案 2 分; 资金使用 6 5 "
    "项目年度目标 1:河道清淤整治项目 一级 指标 二级 指标名称 年初指 年终完 自评 复核 评价标准 指标 (三级指标) "
    "标值 成值 分 分 河道清淤 25 公 24 公 9 1、提供佐证资料; 整治长度 里 里 数量指 标 10 分 水质 达标率 质量指 "
    "河道保洁 标 8 分 覆盖率 产出 指标 30 分"
)


def test_an_interleaved_flattened_form_gives_no_wrong_figures(tmp_path) -> None:
    from corpus.parse import parse_file

    path = tmp_path / "interleaved.txt"
    path.write_text(_INTERLEAVED + "\n", encoding="utf-8")
    doc = parse_file(path)
    (p,) = doc.projects
    got = [(i.name, i.target.text, i.actual.text if i.actual else "", i.weight, i.score) for i in p.indicators]
    assert [(n, t, a, str(w), str(s)) for n, t, a, w, s in got] == [
        ("决策程序", "", "", "3", "2"), ("档案管理", "", "", "4", "4"), ("资金使用", "", "", "6", "5"),
        ("河道清淤整治长度", "25公里", "24公里", "None", "9"),
    ]
    # The funds figures stand under columns the header ran together: which is which is not known, so none is read.
    assert p.budget is None and p.coverage.money != "read"
    assert any(w.kind == "unread-money" for w in doc.warnings)
    # Rows whose cells cannot be told apart are rows seen and not read, never rows of header pieces.
    assert p.coverage.indicators == "partial" and p.coverage.indicator_rows_read == 4
    assert p.implementer == "某县水利局" and p.total_score == 88
    assert p.name == "河道清淤整治项目" and any("项目年度目标 1:" in w.message for w in doc.warnings)


def test_a_name_after_the_goal_label_alone_is_not_taken(tmp_path) -> None:
    from corpus.parse import parse_file

    # The text after 项目年度目标 1: that does not stand again as a cell of the form may be a goal, not a name.
    path = tmp_path / "interleaved.txt"
    path.write_text(_INTERLEAVED.replace(" 负责人签字: 河道清淤整治项目", "") + "\n", encoding="utf-8")
    (p,) = parse_file(path).projects
    assert p.name == ""


def test_interleave_search_is_linear_on_long_pages() -> None:
    import time

    from corpus.parse.interleave import restructure

    words = ["年初指", "年终完", "名称", "300", "公"] * 4000
    started = time.perf_counter()
    restructure(words)
    assert time.perf_counter() - started < 5
