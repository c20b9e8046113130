"""The UI's stylesheet: ui/style.css, then the rules of the reading badges (qa/reading.py)."""

from __future__ import annotations

from importlib import resources

from qa import reading

CSS = "\n" + resources.files("ui").joinpath("style.css").read_text(encoding="utf-8") + reading.CSS
