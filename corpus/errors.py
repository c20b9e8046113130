"""The project's own error types: each message says, in Chinese, what to do next."""

from __future__ import annotations


class JixiaoError(Exception):
    """Base of every error jixiao raises on purpose; the CLI maps it to exit code 2."""

    exit_code = 2


class UnreadableFileError(JixiaoError):
    """A file that cannot be read at all (missing, empty, truncated, encrypted, too large, unknown format)."""


class NotAPerformanceTableError(JixiaoError):
    """A readable file that holds no 自评表 or 申报表."""


class IndexError_(JixiaoError):
    """The index directory is missing, locked, or was built with another model/settings."""


class QuestionError(JixiaoError):
    """A question that cannot be understood or names nothing that exists."""


class ModelError(JixiaoError):
    """The embedding model cannot be found, converted or loaded (the message says which setting to fix)."""
