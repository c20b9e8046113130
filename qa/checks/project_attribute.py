"""project-attribute: 「项目性质填为“特定目标类”，这是项目类别的选项」— a 项目属性 / 项目类别 value outside its list.

Sources: 项目属性 新增项目 / 延续项目 in the 项目支出绩效目标申报表 of 财预〔2015〕88号 and the provincial forms built
on it (Shanghai 项目性质 经常性 / 阶段性 / 其他一次性; Hunan 专项属性 新增专项 / 延续专项); 项目类别 人员类 / 运转类 /
特定目标类 in 预算管理一体化规范（试行）(财办〔2020〕13号). The lists are data (qa/checks/vocab.py NATURE_VALUES,
CATEGORY_VALUES).

Regions print their own lists (武汉 项目属性 基础建设、修缮类, 宁夏 新建), so a value in neither list is left alone.
Reported: a value that belongs to the other field's list (filled into the wrong cell), an option list copied
from the template with no box ticked or with two ticked, and a cell holding a figure or a date instead of an
option.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from corpus.model import Finding, Project
from qa.checks import vocab
from qa.checks.base import ANY_KIND, Context, Rule, compact, make_finding

SLUG = "project-attribute"
TITLE = "项目属性或类别不在模板选项内"
FIELDS = (("nature", "项目属性（性质）", "项目类别"), ("category", "项目类别", "项目属性（性质）"))
# Every option printed and no box at all: nothing chosen, or ticks lost in the extraction — worth a look.
UNMARKED = "列出了全部选项而看不到勾选标记，无法确定选了哪一项（原表如有勾选请核对）"
_KNOWN = re.compile(
    "("
    + "|".join(sorted(map(re.escape, vocab.NATURE_VALUES | vocab.CATEGORY_VALUES), key=len, reverse=True))
    + ")"
    + "(?:项目|专项)?"
)
_FIGURE = re.compile(r"^[\d.,，%％年月日/\-—万元]+$")


def normal(value: str) -> str:
    """`阶段性项目` -> `阶段性`; `特定目标类项目` -> `特定目标类` (NFKC, no white space, no numbering)."""
    text = compact(value).strip("。.;；:：")
    text = re.sub(r"^\d+[、.]", "", text)
    for tail in ("项目", "专项") if not text.endswith(("新增专项", "延续专项")) else ():
        if text.endswith(tail) and len(text) > len(tail):
            text = text[: -len(tail)]
    return text


def options(value: str) -> list[tuple[str, str]]:
    """(option, mark) for each known option printed in a check-box list; mark '' where none is printed."""
    text = compact(value)
    marks = vocab.TICK_MARKS + vocab.EMPTY_BOX_MARKS
    # A list opens with its first box (□新增项目 √延续项目) or puts each box after its option (新增项目□).
    leading = bool(text) and text[0] in marks
    found: list[tuple[str, str]] = []
    for m in _KNOWN.finditer(text):
        at = m.start() - 1 if leading else m.end()
        mark = text[at] if 0 <= at < len(text) and text[at] in marks else ""
        found.append((m[1], mark))
    return found


def problem(value: str, own: frozenset[str], other: frozenset[str], other_name: str) -> str | None:
    """What is wrong with the value, in words, or None."""
    text = compact(value)
    opts = options(value)
    if len({w for w, _ in opts}) >= 2:
        ticked = [w for w, mark in opts if mark and mark in vocab.TICK_MARKS]
        if len(ticked) >= 2:
            return f"勾选了多个选项（{'、'.join(ticked)}），只能选一项"
        if not ticked and all(mark and mark in vocab.EMPTY_BOX_MARKS for _, mark in opts):
            return "照抄了模板的选项，没有勾选任何一项"
        if not any(mark for _, mark in opts):
            return UNMARKED
        return None
    if _FIGURE.match(text):
        return "填的是数字或日期，不是选项"
    word = normal(value)
    if word in own or word not in other:
        return None
    return f"“{word}”是{other_name}的选项，疑似填错栏目"


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    funding = project.funding
    if funding is None:
        return
    lists = {
        "nature": (vocab.NATURE_VALUES, vocab.CATEGORY_VALUES),
        "category": (vocab.CATEGORY_VALUES, vocab.NATURE_VALUES),
    }
    for field, name, other_name in FIELDS:
        value = getattr(funding, field)
        if not value or not compact(value):
            continue
        own, other = lists[field]
        found = problem(value, own, other, other_name)
        if found is None:
            continue
        yield make_finding(
            SLUG,
            "info" if found == UNMARKED else "warning",
            project,
            f"{name}填为“{value.strip()}”：{found}。",
            evidence={"field": name, "value": value.strip()},
            source=funding.source,
        )


RULE = Rule(SLUG, "warning", "project", ANY_KIND, check, __doc__ or "", title=TITLE)
