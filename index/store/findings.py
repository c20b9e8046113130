"""Findings kept with the generation they were computed on: opaque JSON rows that qa/ writes and reads.

The store does not know what a finding is (qa/ computes them with the rules); it keeps one JSON text per
(generation, key), where the key names what the rows depend on besides the records (qa/ passes a hash of
the Settings and the rules). Written in place into the generation's records under the writer lock, like
marks; a new generation starts without any, so rows of an older generation are never read as current.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from corpus.errors import IndexError_
from index.store.directory import RECORDS
from index.store.records import _connect, _now

_FINDINGS_SCHEMA = """
CREATE TABLE IF NOT EXISTS stored_findings (
    generation TEXT NOT NULL, key TEXT NOT NULL, rows TEXT NOT NULL, updated_at TEXT NOT NULL,
    PRIMARY KEY (generation, key));
"""


class _Findings:
    """`stored_findings` and `store_findings` of an `Index`."""

    def stored_findings(self, key: str) -> list[Any] | None:
        """The rows stored for the current generation under `key`, or None when there are none (an index
        written before findings were stored, or computed under another key)."""
        state = self._current()
        generation = state.manifest.get("generation")
        try:
            con = _connect(self.directory / RECORDS)
        except sqlite3.Error:
            return None
        try:
            row = con.execute(
                "SELECT rows FROM stored_findings WHERE generation = ? AND key = ?", (generation, key)
            ).fetchone()
        except sqlite3.Error:  # no table: written before findings were stored
            return None
        finally:
            con.close()
        return None if row is None else json.loads(row[0])

    def store_findings(self, key: str, rows: list[Any], generation: str) -> bool:
        """Keep `rows` (JSON values) for `generation` under `key`, replacing the older keys' rows.

        Args:
            key: what the rows depend on besides the records (e.g. a hash of the settings).
            rows: JSON-serialisable values.
            generation: the generation they were computed on; when the index has moved on since, nothing
                is stored (they would describe other records).
        Returns:
            True when stored.
        """
        text = json.dumps(rows, ensure_ascii=False)
        try:
            with self._writing():
                if self._disk_generation() != generation:
                    return False
                con = _connect(self.directory / RECORDS)
                try:
                    with con:
                        con.executescript(_FINDINGS_SCHEMA)
                        con.execute("DELETE FROM stored_findings WHERE generation != ?", (generation,))
                        con.execute(
                            "INSERT OR REPLACE INTO stored_findings VALUES (?, ?, ?, ?)",
                            (generation, key, text, _now()),
                        )
                finally:
                    con.close()
        except IndexError_:  # another writer holds the lock: the caller keeps what it computed
            return False
        return True
