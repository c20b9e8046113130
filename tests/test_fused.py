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
