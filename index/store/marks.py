"""Reviewer marks on findings and the files that could not be read: written in place under the writer lock."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from corpus.model import Document, RefusedFile
from index.store.directory import RECORDS
from index.store.records import (
    _MARKS_SCHEMA,
    _REFUSED_SCHEMA,
    _connect,
    _find_document,
    _now,
    _path_key,
    _read_marks,
    _read_refused,
)

# The statuses a reviewer can give a finding; "" clears the mark.
MARK_STATUSES = ("已核实", "忽略")


class _Marks:
    """Reviewer marks and refused files of an `Index`."""

    # ------------------------------------------------------------------------- marks

    def set_mark(self, key: str, status: str, remark: str = "") -> None:
        """Record a reviewer's mark on a finding (by its stable key); status "" removes the mark.

        Args:
            key: the finding's stable key.
            status: 已核实 or 忽略, or "" to clear.
            remark: the reviewer's note.
        """
        if status and status not in MARK_STATUSES:
            raise ValueError(
                f"标记状态只能是 {'、'.join(MARK_STATUSES)}（空字符串表示清除标记），收到：{status!r}"
            )
        with self._writing():
            con = _connect(self.directory / RECORDS)
            try:
                with con:  # one transaction
                    con.executescript(_MARKS_SCHEMA)
                    if status:
                        con.execute(
                            "INSERT OR REPLACE INTO marks (key, status, remark, updated_at) VALUES (?, ?, ?, ?)",
                            (key, status, remark, _now()),
                        )
                    else:
                        con.execute("DELETE FROM marks WHERE key = ?", (key,))
            finally:
                con.close()

    def marks(self) -> dict[str, dict]:
        """key -> {"status", "remark", "updated_at"} for every marked finding."""
        return _read_marks(self.directory / RECORDS)

    # ------------------------------------------------------------------------- refused files

    def refused(self) -> tuple[RefusedFile, ...]:
        """The files that could not be read (each with why), in the order they were first refused."""
        return tuple(
            RefusedFile(path, sha, reason, message)
            for _key, path, sha, reason, message, _at in _read_refused(self.directory / RECORDS)
        )

    def add_refused(self, refused: RefusedFile, *, identity: Callable[[Any], str] | None = None) -> None:
        """Record a file that could not be read, so that lists and answers can say it exists.

        The same file refused again replaces its entry; once a version of it is read (`add`), the entry
        goes. The documents indexed are not touched: an earlier version that was read stays searchable.

        Args:
            refused: the file and why (`RefusedFile(path, sha256, reason, message)`).
            identity: what makes two files one; default the absolute path (as `add`'s `identity`, which is
                called with a RefusedFile here: it has `path`, `name` and `sha256` as a Document does).
        """
        key = (identity or (lambda d: _path_key(d.path)))(refused)
        with self._writing():
            con = _connect(self.directory / RECORDS)
            try:
                with con:
                    con.executescript(_REFUSED_SCHEMA)
                    row = con.execute("SELECT rowid FROM refused WHERE key = ?", (key,)).fetchone()
                    values = (refused.path, refused.sha256, refused.reason, refused.message, _now(), key)
                    if row is None:
                        con.execute(
                            "INSERT INTO refused (path, sha256, reason, message, updated_at, key) VALUES (?, ?, ?, ?, ?, ?)",
                            values,
                        )
                    else:
                        con.execute(
                            "UPDATE refused SET path = ?, sha256 = ?, reason = ?, message = ?, updated_at = ? WHERE key = ?",
                            values,
                        )
            finally:
                con.close()

    def _forget_refused(self, documents: Sequence[Document], key_of: Callable[[Any], str]) -> None:
        """Drop the refusals of files now read (same identity or same content); the caller holds the lock."""
        path = self.directory / RECORDS
        rows = _read_refused(path)
        if not rows:
            return
        keys = {key_of(d) for d in documents}
        shas = {d.sha256 for d in documents}
        gone = [
            key
            for key, p, sha, *_ in rows
            if key in keys or (sha and sha in shas) or key_of(RefusedFile(p, sha, "", "")) in keys
        ]
        if not gone:
            return
        con = _connect(path)
        try:
            with con:
                con.executemany("DELETE FROM refused WHERE key = ?", [(k,) for k in gone])
        finally:
            con.close()

    def _remove_refused(self, path_or_sha: str) -> bool:
        """Remove a refused file's entry by path, file name (when unique) or sha256; the caller holds the lock."""
        rows = _read_refused(self.directory / RECORDS)
        files = [RefusedFile(p, sha, reason, message) for _k, p, sha, reason, message, _a in rows]
        target = _find_document(files, path_or_sha)  # type: ignore[arg-type]
        if target is None:
            return False
        key = next(k for (k, *_), f in zip(rows, files, strict=True) if f is target)
        con = _connect(self.directory / RECORDS)
        try:
            with con:
                con.execute("DELETE FROM refused WHERE key = ?", (key,))
        finally:
            con.close()
        return True
