"""Goal coverage by key objects: each task of a goal clause is covered, partly covered or not covered.

A goal clause names tasks (组建船舶力量，开展近海海域海上巡查); each task names key objects and actions (船舶、
巡查). A task is covered when the outcome text or the indicators mention its key objects (literally, by a
near-synonym, a thesaurus alias or most of the word), whatever else they say about the project; it is not
covered when a key object that names something particular is missing while most of the task is unsaid.
Whole-sentence similarity decides nothing: on the samples it scores paraphrases and real gaps alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from corpus.model import Clause, Finding, Project
from qa.checks import vocab
from qa.checks.base import Context, compact, make_finding, starts_any
from qa.checks.terms import (
    Reference,
    TermWeights,
    content_terms,
    figures,
    is_effect,
    mentions,
    subject_terms,
    weights_for,
)

Status = Literal["covered", "partly", "not_covered"]

# Pieces end at commas and stops outside parentheses: (东至淀山湖，西至金汇港) stays in its piece.
_PIECE_END = re.compile(r"[，,；;。！!？?](?![^()（）]*[)）])")
_ENUMERATION = re.compile(r"[、]")
_LABEL = re.compile(r"^[(（]([^()（）]{1,30})[)）][:：]?")
# The words that join two conjuncts of a task (as jieba cuts them: 和谐, 参与, 及时 are other words).
CONJUNCTIONS: frozenset[str] = frozenset({"和", "及", "与", "以及"})
# A conjunct of a task (A和B) that names this many key objects, none of them reported, is a gap of its own.
CONJUNCT_OBJECTS = 3
_CJK = re.compile(r"[\u3400-\u9fff]")
_NUMBERING = re.compile(r"^[\"“”'\s]*(?:目标\s*\d+|\d+|[一二三四五六七八九十]+)\s*[.、:：．)]\s*")

# A piece opening with these continues the one before it (且独门独院 after a purpose is a purpose too).
CONTINUATIONS: tuple[str, ...] = ("且", "并且", "以及", "从而", "进而", "同时")
# Openings of a means, a schedule or a slogan rather than a deliverable (on top of vocab's purposes):
# 借助监督检查辅助服务, 按计划推进工程进度, 坚决做到“无增减存”.
# 配合开展外宣工作 / 协助…: a duty another body leads, reported by that body, not a deliverable of the project.
MODIFIER_OPENINGS: tuple[str, ...] = (
    "借助", "按计划", "按期", "坚决", "力争", "确保实现", "保证实现", "配合", "协助",
)  # fmt: skip
# A piece that names a slogan is a slogan unless it also names a deliverable made about it
# (对开展“两学一做”学习教育情况进行评估总结: the assessment is a task).
DELIVERABLE_WORDS: tuple[str, ...] = ("评估", "总结", "报告", "考核", "检查", "调查", "培训", "编制", "分析")
# 并出具审查意见 after 对…进行技术评估: the follow-up step of the same task.
FOLLOW_UP = "并"
# 户籍人口76户174人, 常住户26户56人: figures describing the place (its people, households), context.
BACKGROUND_WORDS: tuple[str, ...] = ("户籍", "常住")
_FIGURE = re.compile(r"\d")
# 销一项 / 存一档: a verb-object word split by 一 (销项, 存档), read whole.
_SPLIT_WORD = re.compile(r"(?<=[“\"「、])([\u4e00-\u9fff])一([\u4e00-\u9fff])(?=[、”\"」])")
# 完成“十四五”规划确定的年度目标: a conformity to targets set elsewhere, reported by their results.
CONFORMITY: tuple[str, str] = ("完成", "目标")
# An assurance that something keeps working (保证林业局职能实现, 确保平台正常运行), not a deliverable.
ASSURANCE_OPENINGS: tuple[str, ...] = ("保证", "确保", "保障")
ASSURANCE_ENDINGS: tuple[str, ...] = ("实现", "运转", "运行", "有序有效")
# A task about doing something in time (…能够及时完成) is measured by any timeliness indicator.
TIMELY_WORDS: tuple[str, ...] = ("及时", "按时", "按期")
# Words of a task that are no object of its own: money (every project is funded, the budget table reports
# it), manner (常态化, 层层), and policy slogans (two learnings, 美丽中国) whose wording outcomes never repeat.
NOT_OBJECTS: frozenset[str] = (
    frozenset(
        """资金 经费 费用 预算安排 常态 常态化 制度化 规范化 标准化 层层 抓落实 做实 做好 做到 到位 坚决 快速 逐步
    稳定 有序 保质 按计划 相关工作 工作职责 职责 更好 一流 发挥 作用 实际 需要 需求 能够 保持 既定目标 目标
    各项任务 任务 复杂 突出 临时 交办 年底 年内 当年 下达 完成率 及时率 及时 逐级 按月 单独 严格 参照 及其 占地 占地约 新建 新增 能够 相关""".split()
    )
    | frozenset(u for family in vocab.UNIT_FAMILIES for u in family)
    | vocab.MEASURE_WORDS
)
# An effect phrased as an improvement of an arrangement (不断完善体制机制, 优化教育布局, 队伍发展壮大).
EFFECT_VERBS: tuple[str, ...] = vocab.GOAL_EFFECT_VERBS + ("完善", "健全", "深化", "支撑", "推动", "推进")
EFFECT_HEADS: tuple[str, ...] = vocab.GOAL_EFFECT_HEADS + (
    "机制", "体制", "体系", "制度", "保障", "布局", "发展", "壮大", "功能", "联系", "一体化",
)  # fmt: skip


@dataclass(frozen=True)
class Task:
    """One task of a goal clause: its words as written and its key objects."""

    text: str
    objects: tuple[str, ...]
    piece: str = ""  # the comma piece the task is part of (its figures count for the task)
    formula: tuple[str, ...] = ()  # the items of a quoted formula (拆件、销项、存档): one name, said by any


@dataclass(frozen=True)
class TaskCover:
    """How the references cover one task."""

    task: Task
    status: Status
    missing: tuple[str, ...]  # key objects no reference mentions
    by: Reference | None  # the reference that says most of the task
    share: float = 1.0  # the idf-weighted share of the task's key objects some reference mentions


@dataclass(frozen=True)
class ClauseCover:
    """How the references cover one goal clause, task by task."""

    clause: Clause
    tasks: tuple[TaskCover, ...]

    @property
    def status(self) -> Status:
        gaps = [t for t in self.tasks if t.status != "covered"]
        if not gaps:
            return "covered"
        if len(gaps) == len(self.tasks) and all(t.status == "not_covered" for t in gaps):
            return "not_covered"
        return "partly"

    @property
    def gaps(self) -> list[TaskCover]:
        return [t for t in self.tasks if t.status != "covered"]


# ------------------------------------------------------------------------------------------ tasks


def _is_modifier(piece: str) -> bool:
    """A purpose, a manner, a conformity or a slogan: a piece that names nothing to deliver."""
    return (
        starts_any(piece, vocab.GOAL_MODIFIER_OPENINGS + MODIFIER_OPENINGS)
        or piece.endswith(vocab.GOAL_MODIFIER_ENDINGS)
        or (piece.startswith(CONFORMITY[0]) and piece.endswith(CONFORMITY[1]))
        or (starts_any(piece, ASSURANCE_OPENINGS) and piece.endswith(ASSURANCE_ENDINGS))
        or (
            any(s in piece for s in vocab.GOAL_SLOGAN_TERMS)
            and not any(w in piece for w in DELIVERABLE_WORDS)
        )
        or (any(w in piece for w in BACKGROUND_WORDS) and bool(_FIGURE.search(piece)))
        or any(s in piece for s in vocab.GOAL_PROBLEM_WORDS if s != "问题")
        or _is_improvement(piece)
        or is_effect(piece)
    )


def _is_improvement(piece: str) -> bool:
    """不断完善体制机制及政策保障 / 优化教育布局: an improvement of an arrangement, measured by its effects."""
    core = piece
    for hedge in vocab.GOAL_EFFECT_HEDGES:
        core = core.removeprefix(hedge)
    return core.startswith(EFFECT_VERBS) and core.endswith(EFFECT_HEADS)


@lru_cache(maxsize=16384)
def _task_texts(text: str) -> tuple[tuple[str, str, str], ...]:
    """Each task of a clause text with its scope (the words before 领域/方面, which every part shares) and
    the comma piece it is part of (a figure at the end of a list counts for every item of it)."""
    out: list[tuple[str, str, str]] = []
    skipped = False
    for raw in _PIECE_END.split(_SPLIT_WORD.sub(r"\1\2", compact(text))):
        piece = _NUMBERING.sub("", _LABEL.sub("", raw))
        if not piece:
            continue
        if starts_any(piece, CONTINUATIONS) and skipped:
            continue  # 且独门独院 continues a purpose
        skipped = _is_modifier(piece)
        if skipped:
            continue
        if piece.startswith(FOLLOW_UP) and out:
            # 对…进行技术评估，并出具审查意见: a step of the task before it, judged with it.
            part, scope, before = out.pop()
            out.append((f"{part}，{piece}", scope, f"{before}，{piece}"))
            continue
        scope = _scope_of(piece)
        out += [(part, scope, piece) for part in _enumerated(piece)]
    return tuple(out)


def _scope_of(piece: str) -> str:
    """The text before the last scope marker: `固废、土壤环境领域执法工作` -> `固废、土壤环境`."""
    cut = max(piece.rfind(marker) for marker in vocab.GOAL_SCOPE_MARKERS)
    return piece[:cut] if cut > 0 else ""


def _enumerated(piece: str) -> list[str]:
    """`配备检测设备、防护服装` -> both; a part with fewer than two terms stays with its neighbour."""
    merged: list[str] = []
    for part in (p for p in _ENUMERATION.split(piece) if p):
        if merged and len(content_terms(part)) < 2:
            merged[-1] += "、" + part
        else:
            merged.append(part)
    return merged


def key_objects(text: str, subject: Iterable[str] = (), scope: str = "") -> tuple[str, ...]:
    """The words of a task that name what it delivers: its terms less the project's own name, generic
    verbs, the scope it works in, money, manner words and slogans.

    `组建我市生态环境领域的船舶力量` -> (组建, 船舶, 力量); `开展存量违建专项治理` in 拆违经费 -> (存量, 违建, 专项, 治理).
    """
    drop = set(subject) | set(content_terms(scope)) if scope else set(subject)
    return tuple(
        t
        for t in content_terms(text)
        if t not in drop
        and t not in NOT_OBJECTS
        and _CJK.search(t)  # page chrome (list, table, meta) names nothing of the form
        and not any(s in t for s in vocab.GOAL_SLOGAN_TERMS)
    )


def tasks(clause: Clause, subject: Iterable[str] = ()) -> list[Task]:
    """The tasks a goal clause names, each with its key objects (a task with none is left out)."""
    known = frozenset(subject)
    out = []
    for part, scope, piece in _task_texts(clause.text):
        objects = key_objects(part, known, scope)
        # 拆一件、销一项 -> 拆件、销项: words jieba does not know, key objects all the same.
        joined = tuple(a + b for a, b in _SPLIT_WORD.findall(compact(clause.text)) if a + b in part)
        objects += tuple(w for w in joined if w not in objects)
        if objects:
            out.append(Task(part, objects, piece, joined))
    return out


# ------------------------------------------------------------------------------------------ coverage


def _said(term: str, text: str, aliases: frozenset[str]) -> bool:
    """Whether `text` mentions the key object `term`: literally, by a near-synonym or most of it, or
    through a thesaurus alias of a name the task uses (三线一单 ↔ 生态环境分区管控)."""
    return mentions(term, text) or any(term in name for name in aliases)


def _aliased_names(task_text: str, whole: str) -> frozenset[str]:
    """The thesaurus names in the task whose other names (aliases, abbreviations) the references use."""
    return frozenset(
        name for name, others in _thesaurus_names() if name in task_text and any(o in whole for o in others)
    )


@lru_cache(maxsize=1)
def _thesaurus_names() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Every name of the thesaurus with its other names, worked out once."""
    from index.thesaurus import default_thesaurus

    thesaurus = default_thesaurus()
    names = dict.fromkeys(n for g in thesaurus.groups for n in g.names)
    return tuple((n, tuple(thesaurus.alternatives(n))) for n in names)


def cover_task(task: Task, references: Sequence[Reference], weights: TermWeights, ctx: Context) -> TaskCover:
    """Whether the references speak of a task, and which of its key objects they never mention.

    A task is covered when a reference states one of its figures (不少于17人 / ≥17.00(人)), or when its
    key objects are mentioned somewhere; it is a gap when a key object few clauses use is never mentioned
    and the mentioned objects weigh less than `goal_object_share` of the task, when a conjunct of three
    key objects or more (对口交流地区人员培训 in …和办公室会议) is never mentioned at all, or when a
    deliverable it names (评估, 总结, 报告 …) is never mentioned, however much of the rest is said.
    """
    texts = [r.compact for r in references]
    whole = "\n".join(texts)
    stated = figures(task.piece or task.text)
    if (stated and any(stated & figures(r.text) for r in references)) or _timely(task, texts):
        return TaskCover(task, "covered", (), _best(task, references, texts, (), weights))
    aliases = _aliased_names(compact(task.text), whole)
    said = [_said(t, whole, aliases) for t in task.objects]
    if any(s for t, s in zip(task.objects, said, strict=True) if t in task.formula):
        said = [s or t in task.formula for t, s in zip(task.objects, said, strict=True)]
    missing = tuple(t for t, s in zip(task.objects, said, strict=True) if not s)
    by = _best(task, references, texts, aliases, weights)
    if not missing:
        return TaskCover(task, "covered", (), by)
    ws = [weights.weight(t) for t in task.objects]
    share = sum(w for w, s in zip(ws, said, strict=True) if s) / sum(ws)
    # The objects a reviewer is told are missing: the particular ones (船舶, not 数据).
    specific = tuple(t for t in missing if weights.is_specific(t, ctx.settings.goal_specific_share))
    # A conjunct or a deliverable nobody reports is a gap however much of the rest is said.
    unsaid = _unsaid_conjunct(task, said) + _unsaid_deliverables(task, said)
    if not unsaid and (not specific or share >= ctx.settings.goal_object_share):
        return TaskCover(task, "covered", missing, by, share)
    specific = tuple(dict.fromkeys(specific + unsaid))
    return TaskCover(task, "partly" if share > 0 else "not_covered", specific, by, share)


def _unsaid_deliverables(task: Task, said: Sequence[bool]) -> tuple[str, ...]:
    """The deliverables a task names (评估, 总结, 报告 …) that no reference mentions: 对…情况进行评估总结 is
    not reported by an outcome that speaks of the same subject without any assessment."""
    return tuple(
        t for t, s in zip(task.objects, said, strict=True) if not s and any(w in t for w in DELIVERABLE_WORDS)
    )


def _unsaid_conjunct(task: Task, said: Sequence[bool]) -> tuple[str, ...]:
    """The key objects of a conjunct of the task (对口交流地区人员培训工作 in …和办公室会议) that names three
    key objects or more, none of which any reference mentions: a task of its own, unreported whatever its
    partner says."""
    flags = dict(zip(task.objects, said, strict=True))
    for group in _conjuncts(task):
        if len(group) >= CONJUNCT_OBJECTS and not any(flags[t] for t in group):
            return group
    return ()


def _conjuncts(task: Task) -> list[tuple[str, ...]]:
    """The key objects of each conjunct of a task (A和B, A及B, A与B), in order."""
    text, at, spans = task.text, 0, []
    for term in task.objects:
        i = text.find(term, at)
        spans.append((term, i if i >= 0 else at))
        at = i + len(term) if i >= 0 else at
    groups: list[list[str]] = [[]]
    cuts = list(_conjunction_offsets(text))
    for term, i in spans:
        while cuts and cuts[0] < i:
            cuts.pop(0)
            if groups[-1]:
                groups.append([])
        groups[-1].append(term)
    return [tuple(g) for g in groups if g]


@lru_cache(maxsize=16384)
def _conjunction_offsets(text: str) -> list[int]:
    """Where the conjunctions of a task's text stand, as jieba cuts the text."""
    from index.segment import words

    out, at = [], 0
    for word in words(text):
        if word in CONJUNCTIONS:
            out.append(at)
        at += len(word)
    return out


def _timely(task: Task, texts: Sequence[str]) -> bool:
    """监督检查辅助项目能够及时完成: a timeliness task, and some reference measures timeliness."""
    return any(w in task.text for w in TIMELY_WORDS) and any(w in t for t in texts for w in TIMELY_WORDS)


def _best(
    task: Task,
    references: Sequence[Reference],
    texts: Sequence[str],
    aliases: frozenset[str],
    weights: TermWeights,
) -> Reference | None:
    """The reference that says most of the task (its key objects, weighted by how particular they are)."""
    # What one reference says, all of them run together say too: only those objects are looked for.
    whole = "\n".join(texts)
    objects = [(t, weights.weight(t)) for t in task.objects if _said(t, whole, aliases)]
    best, most = None, 0.0
    for ref, text in zip(references, texts, strict=True):
        said = sum(w for t, w in objects if t in text or _said(t, text, aliases))
        if said > most:
            best, most = ref, said
    return best


def cover_clauses(
    clauses: Sequence[Clause], references: Sequence[Reference], project: Project, ctx: Context
) -> list[ClauseCover]:
    """Each goal clause with the coverage of each of its tasks."""
    weights = weights_for(ctx, project)
    subject = subject_terms(project.name)
    out = []
    for clause in clauses:
        found = tasks(clause, subject)
        if found:
            out.append(ClauseCover(clause, tuple(cover_task(t, references, weights, ctx) for t in found)))
    return out


# ------------------------------------------------------------------------------------------ findings


def goal_findings(
    slug: str,
    project: Project,
    clauses: Sequence[Clause],
    refs: Sequence[Reference],
    ctx: Context,
    *,
    block: str,
    gap: str,
    against: str,
    gap_key: str,
    closest_key: str,
) -> Iterator[Finding]:
    """One finding per goal clause with a task the references do not cover.

    The message names the missing key objects and shows what covers the clause's other tasks.

    Args:
        block: the goal block the clause is in (预期目标 / 年度总体目标).
        gap: what is missing, as the sentence says it (在实际完成情况中没有对应的完成表述).
        against: what the clause was compared with (实际完成情况 / 绩效指标).
        gap_key, closest_key: the evidence keys of the uncovered tasks and of the reference nearest to them.
    """
    for cover in cover_clauses(clauses, refs, project, ctx):
        gaps = cover.gaps
        if not gaps:
            continue
        objects = list(dict.fromkeys(t for g in gaps for t in g.missing))
        done = [t for t in cover.tasks if t.status == "covered" and t.by is not None]
        closest, similarity = _closest(gaps, refs, ctx)
        yield make_finding(
            slug,
            "warning",
            project,
            _message(block, gap, against, gaps, objects, done, closest, similarity),
            evidence={
                "goal_clause": cover.clause.text,
                gap_key: [g.task.text for g in gaps],
                "missing_terms": objects,
                "present": [f"“{t.task.text}”：{t.by.label}" for t in done if t.by is not None],
                closest_key: closest.text if closest is not None else "",
                "term_coverage": round(min(g.share for g in gaps), 3),
                "similarity": round(similarity, 3) if similarity is not None else None,
            },
            source=cover.clause.source,
        )


def _message(
    block: str,
    gap: str,
    against: str,
    gaps: list[TaskCover],
    objects: list[str],
    done: list[TaskCover],
    closest: Reference | None,
    similarity: float | None,
) -> str:
    tasks_text = "、".join(f"“{g.task.text}”" for g in gaps)
    said = "；".join(f"“{t.task.text}”见{t.by.label}" for t in done if t.by is not None)
    near = f"最接近的是{closest.label}" if closest is not None else f"{against}中没有相近的表述"
    if similarity is not None and closest is not None:
        near += f"（语义相似度 {similarity:.2f}）"
    head = f"{block}中的{tasks_text}{gap}（未提及：{'、'.join(objects)}）"
    return f"{head}；{'其余已写：' + said + '；' if said else ''}{near}。"


def _closest(
    gaps: list[TaskCover], refs: Sequence[Reference], ctx: Context
) -> tuple[Reference | None, float | None]:
    """The reference nearest the first uncovered task: by key objects, else by meaning (with an embedder)."""
    first = gaps[0]
    vectors = ctx.encode([first.task.text] + [r.text for r in refs]) if refs else None
    if vectors is None:
        return first.by, None
    sims = vectors[1:] @ vectors[0]
    if first.by is not None:
        return first.by, float(sims[list(refs).index(first.by)])
    top = int(sims.argmax())
    return refs[top], float(sims[top])


def texts_to_embed(
    clauses: Sequence[Clause], references: Sequence[Reference], project: Project, ctx: Context
) -> list[str]:
    """The texts `goal_findings` embeds for the closest reference: the uncovered tasks and the references."""
    gaps = [g.task.text for c in cover_clauses(clauses, references, project, ctx) for g in c.gaps[:1]]
    return gaps + [r.text for r in references] if gaps else []
