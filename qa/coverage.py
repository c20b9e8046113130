"""What was not read: projects whose money block or indicator table was read in part or not at all, forms
the parser saw but could not read, and refused files — and the note answers carry about them.

Verdicts, checks, answers and reports ask this module; none of them decides on its own what "unread" means.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corpus.model import Document, Project, RefusedFile, Source

__all__ = [
    "PARTS",
    "TEXT",
    "CoverageReport",
    "UnreadProject",
    "coverage_of",
    "is_complete",
    "missing_phrases",
    "part_unread",
    "unread_note",
    "unread_parts",
]

# The parts of a form whose reading is recorded in `Coverage`, in the form's order.
PARTS = ("money", "goals", "indicators")
# The parts that decide whether a project can be judged at all (`Coverage.complete`).
VERDICT_PARTS = ("money", "indicators")
UNREAD_STATES = ("partial", "missing")
# Most names a note lists before "等".
NOTE_NAMES = 5

TEXT = {
    "part_money": "资金",
    "part_goals": "目标",
    "part_indicators": "指标",
    "part_any": "部分内容",
    "money_missing": "未读出项目资金表",
    "money_partial": "项目资金表只读出一部分",
    "goals_missing": "未读出绩效目标",
    "goals_partial": "绩效目标只读出一部分",
    "indicators_missing": "未读出绩效指标表",
    "indicators_partial": "绩效指标表只读出一部分",
    "indicators_rows": "绩效指标表共 {seen} 行，只读出 {read} 行",
    "refused": "{n} 个文件未能读取（{names}）",
    "forms": "{d} 个文件中有 {n} 张绩效表未能读取",
    "projects": "{n} 个项目的{parts}未能完整读取",
    "note": "另有{pieces}，结果可能不完整。",
    "named": "「{name}」{missing}，结果可能不完整。",
    "and_more": "等",
    "or": "或",
}


def _state(project: Project, part: str) -> str:
    coverage = project.coverage
    return "read" if coverage is None else getattr(coverage, part)


def part_unread(project: Project, part: str | None = None) -> bool:
    """Whether `part` of the project (any part when None) was read only in part or not at all."""
    if project.coverage is None:
        return False
    if part is None:
        return not is_complete(project) or any(_state(project, p) in UNREAD_STATES for p in PARTS)
    return _state(project, part) in UNREAD_STATES


def is_complete(project: Project) -> bool:
    """True when the project can be judged: its money block and indicator table were read whole.

    A project read before coverage was recorded (coverage None) counts as complete.
    """
    return project.coverage is None or project.coverage.complete


def unread_parts(project: Project) -> tuple[str, ...]:
    """The parts (of PARTS) read only in part or not at all, in the form's order."""
    found = tuple(p for p in PARTS if part_unread(project, p))
    if not found and not is_complete(project):
        return ("indicators",)  # `missing` phrases without a part marked: the table is what they name
    return found


def missing_phrases(project: Project) -> tuple[str, ...]:
    """What a reviewer is told is missing, in Chinese: the parser's own phrases, else one per unread part."""
    coverage = project.coverage
    if coverage is None:
        return ()
    if coverage.missing:
        return coverage.missing
    out = []
    for part in PARTS:
        state = getattr(coverage, part)
        if state not in UNREAD_STATES:
            continue
        if part == "indicators" and state == "partial" and coverage.indicator_rows_seen:
            out.append(
                TEXT["indicators_rows"].format(
                    seen=coverage.indicator_rows_seen, read=coverage.indicator_rows_read
                )
            )
        else:
            out.append(TEXT[f"{part}_{state}"])
    return tuple(out)


@dataclass(frozen=True)
class UnreadProject:
    """One project with an unread part: where it is and what is missing."""

    document: str  # file name, as Project.document
    project: str
    parts: tuple[str, ...]
    missing: tuple[str, ...]
    source: Source


@dataclass(frozen=True)
class CoverageReport:
    """What of a set of documents was not read.

    projects: the projects with an unread part (of the part asked for); forms: (file name, forms seen but
    not read) per document; refused: the files that could not be read at all.
    """

    projects: tuple[UnreadProject, ...] = ()
    forms: tuple[tuple[str, int], ...] = ()
    refused: tuple[RefusedFile, ...] = ()
    part: str | None = None  # the part asked about (None: any)

    @property
    def empty(self) -> bool:
        return not (self.projects or self.forms or self.refused)

    @property
    def documents(self) -> tuple[str, ...]:
        """The file names (read, not refused) with an unread project or form, in order."""
        return tuple(dict.fromkeys([u.document for u in self.projects] + [name for name, _ in self.forms]))

    def pieces(self) -> list[str]:
        """`3 个文件未能读取（a.xlsx、…）`, `1 个文件中有 2 张绩效表未能读取`, `5 个项目的指标未能完整读取`."""
        pieces = []
        if self.refused:
            names = [r.name for r in self.refused]
            shown = "、".join(names[:NOTE_NAMES]) + (TEXT["and_more"] if len(names) > NOTE_NAMES else "")
            pieces.append(TEXT["refused"].format(n=len(names), names=shown))
        if self.forms:
            pieces.append(TEXT["forms"].format(d=len(self.forms), n=sum(n for _, n in self.forms)))
        if self.projects:
            parts = (
                [self.part] if self.part else [p for p in PARTS if any(p in u.parts for u in self.projects)]
            )
            label = TEXT["or"].join(TEXT[f"part_{p}"] for p in parts) or TEXT["part_any"]
            pieces.append(TEXT["projects"].format(n=len(self.projects), parts=label))
        return pieces

    def named_note(self) -> str | None:
        """`「项目甲」未读出绩效指标表，结果可能不完整。` for each project, when the answer named them."""
        lines = [TEXT["named"].format(name=u.project, missing="；".join(u.missing)) for u in self.projects]
        return "\n".join(lines) if lines else None

    def note(self) -> str | None:
        """`另有 2 个文件未能读取（a.xlsx、b.pdf）、3 个项目的指标未能完整读取，结果可能不完整。` or None."""
        pieces = self.pieces()
        return TEXT["note"].format(pieces=" " + "、".join(pieces)) if pieces else None


def coverage_of(
    documents: Iterable[Document],
    refused: Iterable[RefusedFile] = (),
    part: str | None = None,
    projects: Iterable[Project] | None = None,
    forms: bool = True,
) -> CoverageReport:
    """What of `documents` (and `refused`) was not read.

    Args:
        documents: the documents an answer or report stands on.
        refused: the files that were refused (`Index.refused()`).
        part: "money", "goals" or "indicators" to count only projects with that part unread; None for any.
        projects: only these projects (an answer's scope); every project of `documents` when None.
        forms: also count the forms of `documents` that were read into no project.
    Returns:
        A CoverageReport; `.note()` is the sentence answers carry.

    Example:
        report = coverage_of(index.documents(), index.refused(), part="indicators")
        report.note()  # '另有 3 个文件未能读取（…）、5 个项目的指标未能完整读取，结果可能不完整。'
    """
    docs = list(documents)
    wanted = None if projects is None else {id(p) for p in projects}
    unread = []
    for doc in docs:
        for p in doc.projects:
            if p.coverage is None or (wanted is not None and id(p) not in wanted):
                continue
            parts = unread_parts(p)
            if not parts or (part is not None and part not in parts):
                continue
            unread.append(UnreadProject(doc.name, p.name, parts, missing_phrases(p), p.source))
    forms = tuple(
        (d.name, d.tables_seen - d.tables_read) for d in docs if forms and d.tables_seen > d.tables_read
    )
    return CoverageReport(tuple(unread), forms, tuple(refused), part)


def unread_note(
    documents: Iterable[Document],
    refused: Sequence[RefusedFile] = (),
    part: str | None = None,
    projects: Iterable[Project] | None = None,
) -> str | None:
    """The note an answer or a list carries when what it looked in was not all read, else None.

    Args: as `coverage_of`.
    Returns:
        e.g. `另有 1 个文件未能读取（预算.xlsx）、5 个项目的指标未能完整读取，结果可能不完整。`
    """
    return coverage_of(documents, refused, part, projects).note()
