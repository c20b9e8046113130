"""Every view of the UI under one name, as `qa.views` offered them: what the tabs show, built from records
(no gradio here). The views live in the modules named below; this module only gathers them."""

# ruff: noqa: F401

from __future__ import annotations

from corpus.units import WAN, YUAN_PER_UNIT
from qa.labels import KIND_LABELS, MARK_STATUSES
from ui.answer import answer_html, citation_html, highlight, mention_counts
from ui.charts import (
    EXECUTION_EDGES,
    PICK_JS,
    SEVERITY_COLORS,
    STATUS_CLASSES,
    STATUS_COLORS,
    STATUS_RANK,
    ExecutionBin,
    ParetoBar,
    ScatterPoint,
    UnitCount,
    execution_bins,
    histogram_html,
    pareto,
    pareto_html,
    ranking_html,
    rule_title,
    scatter_html,
    scatter_points,
    unit_ranking,
)
from ui.format import (
    KEY_SEPARATOR,
    STATUS_FILTERS,
    UNIT_MISSING,
    esc,
    execution_rate,
    fmt_number,
    fmt_yuan,
    funds_yuan,
    in_scope,
    project_key,
    severity_label,
)
from ui.intake import file_rows, intake_counts, intake_html, no_upload_html
from ui.overview import (
    PENDING,
    Overview,
    Pick,
    overview,
    overview_html,
    overview_parts,
    pick_filters,
    pick_html,
)
from ui.project import (
    BUDGET_LINE_LABELS,
    INDICATOR_COLUMNS,
    VERDICT_LABELS,
    budget_html,
    execution_frame,
    find_project,
    goals_html,
    indicator_chart_html,
    indicator_result,
    indicators_html,
    project_choices,
    project_header_html,
    project_id,
)
from ui.style import CSS
from ui.tables import (
    EVIDENCE_LABELS,
    FINDING_COLUMNS,
    FINDING_WIDTHS,
    PLAIN_FINDING_COLUMNS,
    PLAIN_FINDING_WIDTHS,
    FindingView,
    cite,
    evidence_text,
    filter_choices,
    filter_findings,
    finding_choice,
    finding_detail_html,
    finding_summary,
    finding_units,
    findings_frame,
    plain_findings_frame,
    row_text,
)
from ui.uploads import (
    ARCHIVE_JUNK,
    ARCHIVE_SUFFIX,
    FILE_CHECKED,
    FILE_FAILED,
    FILE_KNOWN,
    FILE_NEW,
    FILE_NOT_IMPORTED,
    FILE_REPEATED,
    FILE_REPLACED,
    FILE_SKIPPED,
    FILE_STATUS_CLASSES,
    MAX_BATCH_FILES,
    MAX_NAME_CHARS,
    RATIO_FLOOR_BYTES,
    UPLOAD_SUFFIX,
    Batch,
    FileLine,
    Intake,
    Progress,
    allowed_suffixes,
    document_line,
    expand_uploads,
    expand_zip,
    file_sha256,
    refused_line,
    safe_name,
    sort_batch,
    store_upload,
)
from ui.verdicts import (
    check_verdicts_html,
    status_badge,
    verdict_line_html,
    verdicts_for_filters,
    verdicts_html,
)
from ui.workspace import Workspace
