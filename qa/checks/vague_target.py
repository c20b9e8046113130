"""vague-target: 「指标值“有一定促进作用”无法在年底衡量，应给出数值或基线」."""

from __future__ import annotations

import re
from collections.abc import Iterator

from corpus.model import Finding, Project
from qa.checks import vocab
from qa.checks.base import DECLARATION, Context, Rule, compact, contains_any, make_finding

SLUG = "vague-target"
_DIGIT = re.compile(r"\d")


def vague_word(text: str) -> str | None:
    """The vague word a target is written with, when it has no figure and no baseline."""
    words = compact(text)
    if not words or _DIGIT.search(words) or contains_any(words, vocab.BASELINE_WORDS):
        return None
    return next((w for w in vocab.VAGUE_TARGET_WORDS if w in words), None)


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    for ind in project.indicators:
        target = ind.target
        if target.value is not None:
            continue
        word = vague_word(target.qualitative or target.text)
        if word is None:
            continue
        yield make_finding(
            SLUG,
            "warning",
            project,
            f"「{ind.name}」指标值“{target.qualitative or target.text}”没有数值或基线，年底无法判断是否完成，"
            "应改为可衡量的目标值（如 ≥90%、较上年提高 5%）。",
            indicator=ind,
            evidence={"target": target.text, "vague_word": word},
        )


RULE = Rule(SLUG, "warning", "project", DECLARATION, check, __doc__ or "", title="指标值无法衡量")
