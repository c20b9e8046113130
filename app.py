"""The reviewers' web UI (Gradio), the entry point: the tabs and their wiring live in ui/ (ui/build.py),
what they show in the view modules of ui/ (no gradio there)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from corpus.settings import Settings
from ui import build as _build  # ui/__init__.py sets gradio's environment before gradio is imported

if TYPE_CHECKING:
    import gradio as gr

    from ui.workspace import Workspace


def build(workspace: Workspace) -> gr.Blocks:
    """The Blocks of the five tabs, wired to `workspace`."""
    return _build.build(workspace)


def serve(index_dir: Path, settings: Settings, host: str, port: int, auth: tuple[str, str] | None) -> None:
    """Open the index and the model once, check the index once, then serve the UI until interrupted."""
    _build.serve(index_dir, settings, host, port, auth)
