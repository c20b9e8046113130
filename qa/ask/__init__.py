"""Reviewers' questions -> Answers: intent and slots from jieba and the field vocabulary, figures from the records.

The package, layer by layer: `words` (vocabulary, field table), `text` (reviewer-facing words), `money` (how
figures are written), `figures` and `catalogue` (what a question is resolved against, cached per index
generation), `cite`, `question` (slots), `context`, `render`, `fields`, one module per intent (`mentions`,
`lookup` with `indicator`, `rank`, `filter`, `aggregate` for count/sum/mean, `findings`, `search`), `route`
(which intent answers) and `answer` (`ask`, the entry point).
"""

from __future__ import annotations

from qa.ask.answer import ask, ask_many, prepare
from qa.ask.render import answer_to_json, format_answer
from qa.ask.words import FIELDS, KINDS, label, vocabulary

__all__ = ["FIELDS", "KINDS", "answer_to_json", "ask", "ask_many", "format_answer", "label", "prepare", "vocabulary"]
