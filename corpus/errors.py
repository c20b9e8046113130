"""The project's own error types: each message says, in Chinese, what to do next."""

from __future__ import annotations

# Why a file was refused (JixiaoError.reason, RefusedFile.reason): lists and answers group refusals by it.
REFUSAL_REASONS = {
    "empty": "空文件",
    "damaged": "文件损坏或不完整",
    "encrypted": "文件已加密",
    "scanned": "扫描件（没有文字层）",
    "unsupported": "不支持的格式或文件",
    "not-a-form": "不是绩效自评表或申报表",
    "layout-not-understood": "表格版式未能识别",
}


class JixiaoError(Exception):
    """Base of every error jixiao raises on purpose; the CLI maps it to exit code 2."""

    exit_code = 2
    reason = "error"  # a stable key for why (RefusedFile.reason): lists group refusals by it

    def __init__(self, message: str = "", reason: str | None = None) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason


class UnreadableFileError(JixiaoError):
    """A file that cannot be read at all; `reason` is empty, damaged (truncated, corrupt, a zip bomb),
    encrypted, scanned (no text layer) or unsupported (missing, too large, an unknown format)."""

    reason = "damaged"


class NotAPerformanceTableError(JixiaoError):
    """A readable file that holds no 自评表 or 申报表 (reason not-a-form), or one whose layout was not
    understood (reason layout-not-understood; the message says what was found)."""

    reason = "not-a-form"


class IndexError_(JixiaoError):
    """The index directory is missing, locked, or was built with another model/settings."""


class QuestionError(JixiaoError):
    """A question that cannot be understood or names nothing that exists."""


class ModelError(JixiaoError):
    """The embedding model cannot be found, converted or loaded (the message says which setting to fix)."""
