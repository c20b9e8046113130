"""The `Workspace` service: the index, the model and the findings, shared by every request."""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpus.errors import JixiaoError
from corpus.model import Document, Finding, Project, RefusedFile
from corpus.settings import Settings
from qa import reading, service
from qa.labels import KIND_LABELS
from qa.verdict import ProjectVerdict, project_verdicts
from ui.ocr_view import page_progress
from ui.tables import FindingView, finding_units
from ui.uploads import (
    FILE_CHECKED,
    FILE_KNOWN,
    FILE_NEW,
    FILE_REPLACED,
    UPLOAD_SUFFIX,
    Intake,
    Progress,
    document_line,
    expand_uploads,
    refused_line,
    sort_batch,
    store_upload,
)

if TYPE_CHECKING:
    from index.store import Index


def _upload_identity(record: Document | RefusedFile) -> str:
    return f"upload:{record.name}"


class Workspace:
    """The index, the model and the findings of the index, loaded once and shared by every request."""

    def __init__(self, index: Index, settings: Settings, embedder: Any | None) -> None:
        self.index = index
        self.settings = settings
        self.embedder = embedder
        self._lock = threading.RLock()
        self._findings: list[Finding] | None = None
        self._checking: threading.Thread | None = None
        self.last_batch: list[str] = []  # document names of the latest import, known files included

    def check_in_background(self) -> None:
        """Start checking the index now, so the first page need not wait for the rules (some embed text),
        then build what answering reads (qa.ask.prepare), so the first question need not wait either."""
        self._checking = threading.Thread(target=self._warm, name="jixiao-checks", daemon=True)
        self._checking.start()

    def _warm(self) -> None:
        from qa.ask import prepare

        self.findings()
        prepare(self.index, self.settings)

    def findings_ready(self) -> bool:
        return self._findings is not None

    def documents(self) -> list[Document]:
        return self.index.documents()

    def refused(self) -> list[RefusedFile]:
        """The files the index lists as not read (Index.refused)."""
        return list(self.index.refused())

    def projects(self) -> list[Project]:
        return self.index.projects()

    def findings(self) -> list[Finding]:
        """The findings of every indexed document (computed once, again after an import)."""
        with self._lock:
            if self._findings is None:
                self._findings = self._check()
            return list(self._findings)

    def _check(self) -> list[Finding]:
        from qa.findings_store import findings_of

        # Stored with the index's generation at ingest; computed (and stored) only where they are not.
        return findings_of(self.index, self.settings, self.embedder)

    def finding_views(self) -> list[FindingView]:
        from qa.report import finding_key

        marks = self.index.marks()
        units = finding_units(self.documents())
        views = []
        for n, f in enumerate(self.findings(), 1):
            key = finding_key(f)
            mark = marks.get(key, {})
            department, implementer = units(f)
            views.append(
                FindingView(n, key, f, mark.get("status", ""), mark.get("remark", ""), department, implementer)
            )
        return views

    def mark(self, key: str, status: str, remark: str) -> None:
        self.index.set_mark(key, status, remark)

    def marks(self) -> dict[str, dict]:
        return self.index.marks()

    def upload_dir(self) -> Path:
        """`<index>-uploads/` beside the index: every write swaps the index directory for a new one,
        so files kept inside it would be dropped by the next import."""
        directory = Path(self.index.directory)
        return directory.parent / f"{directory.name}{UPLOAD_SUFFIX}"

    def parse(self, files: Sequence[tuple[str, str]], directory: Path, progress: Progress) -> Intake:
        """Copy the uploads (path, original name) into `directory` and parse them; failures are collected.

        Zips are expanded first; every file is hashed before it is parsed, and a file repeated in the
        batch is parsed once (`sort_batch`). Files the index already holds are left to `ingest`.
        """
        return self._parse(files, directory, progress, indexed={})

    def _parse(
        self, files: Sequence[tuple[str, str]], directory: Path, progress: Progress, indexed: dict[str, str]
    ) -> Intake:
        intake = Intake()
        staging = Path(tempfile.mkdtemp(prefix="jixiao-batch-"))
        try:
            expanded, intake.lines = expand_uploads(files, staging, self.settings.max_file_mb)
            batch = sort_batch(expanded, indexed, progress)
            intake.lines += batch.lines
            intake.refused += [
                RefusedFile(line.name, "", line.reason, line.detail)
                for line in intake.lines
                if line.reading == reading.READ_NONE
            ]
            intake.known = list(batch.known)
            for i, (path, name) in enumerate(batch.todo):
                progress(0.05 + 0.25 * i / max(len(batch.todo), 1), f"第 {i + 1}/{len(batch.todo)} 个文件：解析 {name}")
                stored: Path | None = None
                try:
                    stored = store_upload(path, directory, self.settings.max_file_mb, name)
                    share = 0.25 / max(len(batch.todo), 1)
                    with page_progress(progress, 0.05 + share * i, share, name, self.settings):  # scanned pages
                        doc = service.read_file(stored, self.settings)
                except JixiaoError as exc:
                    # The reviewer reads the file's name, never where the server keeps it.
                    message = reading.without_paths(str(exc), *(p for p in (stored, path) if p), name=name)
                    if stored is not None:  # a file that was not read is not kept
                        shutil.rmtree(stored.parent, ignore_errors=True)
                    intake.errors.append(message)
                    intake.lines.append(refused_line(name, message, exc.reason))
                    intake.refused.append(service.refused(path, exc, name=name, message=message))
                    continue
                intake.documents.append(doc)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return intake

    def _known_lines(self, intake: Intake) -> None:
        """Give the files already in the index the reading of their indexed document."""
        by_name = {d.name: d for d in self.documents()}
        lines = []
        for line in intake.lines:
            known = next((doc for upload, doc in intake.known if upload == line.name), None)
            if line.status == FILE_KNOWN and known in by_name:
                line = document_line(by_name[known], line.status, line.detail, line.name)
            lines.append(line)
        intake.lines = lines

    def ingest(self, files: Sequence[tuple[str, str]], progress: Progress) -> Intake:
        """Parse, add to the index (embedding with progress) and check the uploaded documents.

        A file whose bytes an indexed document already has is reported at once and neither parsed nor
        embedded; the batch (new and known documents) becomes `last_batch`, a scope of the overview.
        """
        indexed = {d.sha256: d.name for d in self.documents()}
        intake = self._parse(files, self.upload_dir(), progress, indexed)
        self._known_lines(intake)
        self.last_batch = list(
            dict.fromkeys(
                [*(n for _, n in intake.known), *(d.name for d in intake.documents), *(r.name for r in intake.refused)]
            )
        )
        if not intake.documents:
            with self._lock:  # the refused files are listed as not read until a version of them is read
                service.ingest(self.index, [], intake.refused, identity=_upload_identity)
            known = set(self.last_batch)
            if known and self.findings_ready():
                intake.findings = [f for f in self.findings() if f.document in known]
            progress(1.0, "完成")
            return intake

        def embedded(done: int, total: int) -> None:
            progress(0.3 + 0.5 * done / max(total, 1), f"嵌入 {done}/{total} 段")

        with self._lock:
            # Each upload lands in a folder of its own, so the file's name is what makes a corrected
            # re-upload replace its earlier version instead of sitting beside it.
            result = service.ingest(self.index, intake.documents, intake.refused, embedded, _upload_identity)
            intake.added, intake.replaced, intake.unchanged = result.added, result.replaced, result.unchanged
            progress(0.85, "核查")
            self._findings = None
            mine = set(self.last_batch)
            intake.findings = [f for f in self.findings() if f.document in mine]
        self.check_in_background()  # the new generation's answer caches, before its first question
        status = {**dict.fromkeys(result.added, FILE_NEW), **dict.fromkeys(result.replaced, FILE_REPLACED)}
        for d in intake.documents:
            what = status.get(d.path, FILE_KNOWN)
            intake.lines.append(document_line(d, what, f"{KIND_LABELS.get(d.kind, d.kind)}，{len(d.projects)} 个项目"))
        progress(1.0, "完成")
        return intake

    def precheck(self, files: Sequence[tuple[str, str]], directory: Path, progress: Progress) -> Intake:
        """Parse and check the uploads without adding them; the indexed documents serve as earlier years."""
        intake = self.parse(files, directory / "files", progress)
        if not intake.documents:
            return intake
        progress(0.5, "核查")
        intake.findings = service.precheck(intake.documents, self.documents(), self.settings, self.embedder)
        for d in intake.documents:
            intake.lines.append(
                document_line(d, FILE_CHECKED, f"{KIND_LABELS.get(d.kind, d.kind)}，{len(d.projects)} 个项目（未加入索引）")
            )
        progress(0.9, "生成报告")
        from qa.report import write_xlsx

        intake.report = directory / "预审报告.xlsx"
        write_xlsx(intake.findings, intake.report, marks={}, documents=intake.documents, settings=self.settings)
        progress(1.0, "完成")
        return intake

    def verdicts(self) -> list[ProjectVerdict]:
        """A verdict per indexed project, from the index's findings (waits for them)."""
        return project_verdicts(self.documents(), self.findings(), self.settings)
