"""Goal coverage by key objects (qa/checks/goal_cover.py): hand-made goals, each behaviour firing and silent.

The wording is made up for these tests, not taken from the labelled set (tests/eval/goal_coverage.jsonl).
"""

from __future__ import annotations

from test_checks import check, ind, proj

from qa.checks.terms import mentions

OUTCOME = "goal-outcome-missing"
INDICATOR = "goal-without-indicator"


def outcome(expected: str, achieved: str) -> list[tuple]:
    return check(OUTCOME, proj(expected=expected, achieved=achieved, name="网格化管理"))


def measured(annual: str, *indicators) -> list[tuple]:
    return check(INDICATOR, proj(*indicators, annual=annual, kind="declaration", name="村级设施"))


def test_a_conjunct_none_of_whose_objects_is_reported_is_a_gap():
    """A和B: B reported does not report A when A names three key objects and none of them is said."""
    goal = "组织基层网格员业务技能竞赛和季度工作例会"
    assert outcome(goal, "召开季度工作例会4次") == [(OUTCOME, "网格化管理", None)]
    assert outcome(goal, "组织基层网格员业务技能竞赛1场，召开季度工作例会4次") == []


def test_a_named_deliverable_nobody_reports_is_a_gap():
    """对…情况进行评估总结: an outcome on the same subject without any assessment does not report it."""
    goal = "对全区垃圾分类实施情况进行评估总结"
    assert outcome(goal, "全区垃圾分类实施情况良好，分类准确率达到92%") == [(OUTCOME, "网格化管理", None)]
    assert outcome(goal, "完成全区垃圾分类实施情况评价，形成年度工作总结") == []  # 评价 ~ 评估


def test_a_slogan_piece_that_names_a_deliverable_is_a_task():
    assert outcome("每季度对“三会一课”落实情况开展督查考核", "组织党员集中学习12次") == [
        (OUTCOME, "网格化管理", None)
    ]
    assert outcome("深入贯彻新时代党的建设总要求，组织党员集中学习", "组织党员集中学习12次") == []


def test_a_duty_led_by_another_body_is_context():
    """配合开展… is reported by the body that leads it; the same task as the project's own is a gap."""
    assert outcome("开展道路养护巡查，配合开展交通安全宣传", "开展道路养护巡查52次") == []
    assert outcome("开展道路养护巡查，开展交通安全宣传", "开展道路养护巡查52次") == [
        (OUTCOME, "网格化管理", None)
    ]


def test_a_follow_up_step_is_judged_with_its_task():
    """对…开展竣工质量检测，并出具评定意见: the opinion is the inspection's own product."""
    goal = "对新建道路开展竣工质量检测，并出具评定意见"
    assert outcome(goal, "完成新建道路竣工质量检测3公里") == []
    assert outcome(goal, "完成道路绿化补植") == [(OUTCOME, "网格化管理", None)]


def test_radiation_spelled_either_way():
    assert mentions("放射", "电离辐射类项目检查") and not mentions("放射", "发射台检查")
    assert outcome("完成放射诊疗机构监督检查", "完成辐射诊疗机构监督检查28家") == []


def test_figures_of_the_place_are_context_not_tasks():
    """户籍人口…户…人 describes the village; the facility the goal builds is what an indicator measures."""
    facility = ind("新建村级文化广场", "≥1(个)")
    assert measured("新建村级文化广场1处，全村户籍人口120户460人，常住86户301人", facility) == []
    assert measured("新建村级文化广场1处，配套安装室外健身器材", facility) == [(INDICATOR, "村级设施", None)]


def test_a_quoted_formula_is_one_name():
    """推进“查一户、建一档”: 建一档 is 建档, and an indicator of 建档 measures the formula."""
    goal = "推进困难家庭“查一户、建一档”动态管理"
    assert measured(goal, ind("困难家庭建档率", "=100%")) == []
    assert measured(goal, ind("困难家庭走访人次", "≥200(人次)")) == [(INDICATOR, "村级设施", None)]
