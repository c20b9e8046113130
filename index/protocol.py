"""What qa/ reads of an index, as a Protocol: answers and checks type against it, never probing with getattr.

`index.store.Index` is the one implementation; a test may pass any object that has these.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from corpus.model import Document, Project, RefusedFile
from corpus.settings import Settings

if TYPE_CHECKING:
    import numpy as np

    from index.passages import Hit, ProjectMentions


class SearchIndex(Protocol):
    directory: Path
    settings: Settings

    @property
    def manifest(self) -> dict[str, Any]: ...

    def documents(self) -> list[Document]: ...

    def projects(self) -> list[Project]: ...

    def refused(self) -> tuple[RefusedFile, ...]: ...

    def marks(self) -> dict[str, dict]: ...

    def search(self, query: str, k: int = 10) -> list[Hit]: ...

    def mentions(self, topic: str) -> Sequence[ProjectMentions]: ...

    def warm(self) -> None: ...

    def name_vectors(self, names: Sequence[str]) -> np.ndarray | None: ...

    def embedder(self) -> Any: ...

    def stored_findings(self, key: str) -> list[Any] | None: ...

    def store_findings(self, key: str, rows: list[Any], generation: str) -> bool: ...
