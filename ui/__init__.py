"""The reviewers' web UI (Gradio): `ui.build` lays out the tabs (`ui.tabs`) and wires them to a
`ui.workspace.Workspace`; what they show is built from records by the view modules (no gradio there)."""

import os

# Before gradio is imported: no analytics, no version check, no model hub calls.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
