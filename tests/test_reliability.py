"""Reliability promises (issue 9), each tried for real: kills mid-ingest and mid-mark, two writers, exposure."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import pty
import random
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import termios
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest

from corpus.errors import IndexError_
from corpus.parse import parse_file
from index.store import Index
from tests.conftest import DECLARATION_SAMPLE, ROOT, SELF_EVAL_SAMPLE

JIXIAO = Path(sys.executable).with_name("jixiao")
# What the reviewers would ask of the index after a crash; each must come out exactly as before or after.
MENTION_TOPICS = ("热线", "监测")
SEARCH_QUERY = "执行率偏低的原因"
ASK_QUESTIONS = ("哪些项目提到热线？", "执行率最低的项目是哪个？", "共有多少个项目？")
SUBPROCESS_ENV = {
    **os.environ,
    "PYTHONUNBUFFERED": "1",
    "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "2"),
}

# Figures the tests below collect for RELIABILITY.md (printed at the end of the module, with -s).
FIGURES: dict[str, object] = {}


@pytest.fixture(scope="module", autouse=True)
def _print_figures() -> Iterator[None]:
    yield
    for name, value in FIGURES.items():
        print(f"\nreliability: {name}: {value}")


# ------------------------------------------------------------------------------ documents


def split_projects(sample: Path) -> list[tuple[str, str]]:
    """A sample document -> (project name, text of a one-project document with the sample's title lines)."""
    lines = sample.read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("项目名称")]
    head = lines[: starts[0]]
    out = []
    for a, b in zip(starts, [*starts[1:], len(lines)], strict=True):
        chunk = lines[a:b]
        name = next(c.strip() for c in chunk[0].split("\t")[1:] if c.strip())
        out.append((name, "\n".join(head + chunk) + "\n"))
    return out


def with_implementer(text: str, implementer: str) -> str:
    """The same table with another 实施单位: other bytes and records, the same searchable passages."""
    out = []
    for line in text.splitlines():
        if line.startswith("主管部门"):
            cells = line.split("\t")
            cells[cells.index("实施单位") + 1] = implementer
            line = "\t".join(cells)
        out.append(line)
    return "\n".join(out) + "\n"


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def renamed(text: str, suffix: str) -> str:
    """The same table under another 项目名称: new passages for the model to embed."""
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("项目名称"))
    cells = lines[at].split("\t")
    first = next(i for i, c in enumerate(cells) if i and c.strip())
    cells[first] += suffix
    lines[at] = "\t".join(cells)
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def batch_texts() -> list[str]:
    """30 one-project documents, distinct in name and bytes: the 22 sample projects, each on its own,
    and 8 of the smaller ones under a new name (whose passages the model must embed: ~110)."""
    parts = dict(split_projects(SELF_EVAL_SAMPLE) + split_projects(DECLARATION_SAMPLE))
    small = [n for n in parts if n.startswith(("海洋", "土壤", "核与辐射"))] + list(
        dict(split_projects(DECLARATION_SAMPLE))
    )
    texts = list(parts.values()) + [
        renamed(parts[n], f"（复核批次{i}）") for i, n in enumerate(small, start=1)
    ]
    assert len(set(texts)) == len(texts) == 30
    return texts


def write_batch(directory: Path, texts: list[str]) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    files = []
    for n, text in enumerate(texts, start=1):
        files.append(directory / f"{n:02d}.txt")
        files[-1].write_text(text, encoding="utf-8")
    return files


@pytest.fixture(scope="module")
def base_index(sample_index) -> Path:
    """The index of both samples (conftest), as the reviewers had it before the ingest."""
    return sample_index.directory


def copy_index(base: Path, tmp_path: Path) -> Path:
    target = tmp_path / "work" / "index"
    shutil.copytree(base, target)
    return target


# ------------------------------------------------------------------------------ what a reviewer sees


def snapshot(directory: Path, embedder) -> dict[str, object]:
    """Everything a reviewer could read from the index, from a fresh open: records, answers, marks."""
    from qa.ask import ask

    index = Index.open(directory, create=False, embedder=embedder)
    documents = index.documents()
    return {
        "documents": sorted((d.path, d.sha256) for d in documents),
        "projects": sorted((p.document, p.name, p.source.sha256) for p in index.projects()),
        "passages": len(index),
        "mentions": {
            t: sorted((m.document.name, m.project.name, len(m.passages)) for m in index.mentions(t))
            for t in MENTION_TOPICS
        },
        "search": [(h.passage.key, h.project.name) for h in index.search(SEARCH_QUERY, k=8)],
        "ask": [_answer(ask(q, index)) for q in ASK_QUESTIONS],
    }


def _answer(answer) -> tuple:
    return (
        answer.kind,
        answer.text,
        answer.projects,
        [(v.project, v.field, str(v.value)) for v in answer.values],
    )


def leftovers(directory: Path) -> list[str]:
    """Half-written generations a crashed writer may leave beside the index."""
    return sorted(p.name for p in directory.parent.glob(f".{directory.name}.*"))


# ------------------------------------------------------------------------------ processes


@dataclass
class Watch:
    """What the test saw of a running `jixiao ingest` when it decided to kill it."""

    elapsed: float = 0.0
    files_read: int = 0  # batch files whose access time moved: the parser has read them
    embedded: tuple[int, int] | None = None  # (done, total) from the progress bar
    new_exists: bool = False  # a generation is being written beside the index
    new_dir: list[str] = field(default_factory=list)  # its files so far
    exited: int | None = None
    output: str = ""

    @property
    def phase(self) -> str:
        if self.exited is not None:
            return "finished"
        if self.new_exists or (self.embedded and self.embedded[0] == self.embedded[1]):
            return "writing"
        if self.embedded:
            return "embedding"
        return "parsing"


class Ingest:
    """`jixiao ingest` in a subprocess whose stderr is a terminal, so its progress bar can be read."""

    def __init__(self, index: Path, paths: list[Path]) -> None:
        self.index = index
        self.paths = paths
        self._atimes = {p: p.stat().st_atime_ns for p in paths}
        master, slave = pty.openpty()
        # A terminal of some width, or the progress bar draws nothing.
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [str(JIXIAO), "ingest", *map(str, paths), "--index", str(index)],
            stdin=subprocess.DEVNULL,
            stdout=slave,
            stderr=slave,
            env=SUBPROCESS_ENV,
            cwd=ROOT,
            start_new_session=True,
        )
        os.close(slave)
        os.set_blocking(master, False)
        self._master = master
        self._output = bytearray()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self._master, 65536)
            except BlockingIOError:
                return
            except OSError as e:  # EIO: the child side is closed
                if e.errno == errno.EIO:
                    return
                raise
            if not chunk:
                return
            self._output.extend(chunk)

    def look(self) -> Watch:
        self._read()
        text = self._output.decode("utf-8", errors="replace")
        progress = re.findall(r"嵌入:\s*\d+%\|[^|]*\|\s*(\d+)/(\d+)", text)
        new = sorted(self.index.parent.glob(f".{self.index.name}.new-*"))
        return Watch(
            elapsed=time.monotonic() - self.started,
            files_read=sum(1 for p, t in self._atimes.items() if p.stat().st_atime_ns != t),
            embedded=(int(progress[-1][0]), int(progress[-1][1])) if progress else None,
            new_exists=bool(new),
            new_dir=sorted(f.name for f in new[0].iterdir()) if new else [],
            exited=self.proc.poll(),
            output=text,
        )

    def kill_when(self, condition: Callable[[Watch], bool], timeout: float = 120.0) -> Watch:
        """Poll until `condition` holds, then SIGKILL at once; returns what was seen just before."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                seen = self.look()
            except FileNotFoundError:  # the new generation was renamed while we listed it
                continue
            if seen.exited is not None:
                return seen
            if condition(seen):
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(30)
                self.close()
                return seen
            time.sleep(0.001)
        self.kill()
        raise AssertionError(
            f"ingest did not reach the kill point in {timeout}s:\n{self.look().output[-2000:]}"
        )

    def wait_until(self, condition: Callable[[Watch], bool], timeout: float = 120.0) -> Watch:
        """Poll until `condition` holds (or the process ends); it keeps running."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen = self.look()
            if seen.exited is not None or condition(seen):
                return seen
            time.sleep(0.005)
        self.kill()
        raise AssertionError(f"ingest did not reach the wait point in {timeout}s")

    def wait(self, timeout: float = 300.0) -> Watch:
        try:
            self.proc.wait(timeout)
        finally:
            seen = self.look()
            self.close()
        return seen

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(30)
        self.close()

    def close(self) -> None:
        if self._master >= 0:
            with contextlib.suppress(OSError):
                self._read()
            os.close(self._master)
            self._master = -1


_MARKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from index.store import Index

    index = Index.open(Path(sys.argv[1]), create=False)
    prefix, pause = sys.argv[2], float(sys.argv[3])
    statuses = ("已核实", "忽略")
    i = 0
    while True:
        # Every third write changes an earlier mark: the last acknowledged status must be the one kept.
        key = f"{prefix}-{i // 3}" if i % 3 == 2 else f"{prefix}-{i}"
        status = statuses[i % 2]
        sys.stdout.write(f"BEGIN {key} {status}\\n")  # one write: a kill cannot split the line
        sys.stdout.flush()
        index.set_mark(key, status, f"第{i}次")
        sys.stdout.write(f"DONE {key} {status}\\n")
        sys.stdout.flush()
        i += 1
        time.sleep(pause)
    """
)


class Marker:
    """A reviewer marking findings as fast as the store lets them, in a subprocess."""

    def __init__(self, index: Path, prefix: str, pause: float = 0.0) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _MARKER, str(index), prefix, str(pause)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=SUBPROCESS_ENV,
            cwd=ROOT,
            text=True,
            encoding="utf-8",
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._pump, daemon=True)
        self._reader.start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.strip())

    def acknowledged(self) -> int:
        return sum(1 for line in list(self.lines) if line.startswith("DONE"))

    def wait_for(self, count: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while self.acknowledged() < count:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise AssertionError(
                    f"marker stuck: {self.lines[-5:]} {self.proc.stderr.read() if self.proc.poll() is not None else ''}"
                )
            time.sleep(0.01)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)
        self._reader.join(10)

    def check(self, marks: dict[str, dict]) -> int:
        """Every acknowledged mark is in `marks` with its last acknowledged status (or the one in flight)."""
        last_done: dict[str, str] = {}
        in_flight: dict[str, str] = {}
        for line in self.lines:
            if len(line.split()) != 3:  # cut short by the kill: acknowledged nothing
                continue
            word, key, status = line.split()
            if word == "DONE":
                last_done[key] = status
                in_flight.pop(key, None)
            else:
                in_flight[key] = status
        for key, status in last_done.items():
            assert key in marks, f"acknowledged mark {key} lost"
            assert marks[key]["status"] in {status, in_flight.get(key)}, (key, marks[key], status)
        return len(last_done)


# ------------------------------------------------------------------------------ interrupted ingest


def mid_embedding(grace: float = 2.0) -> Callable[[Watch], bool]:
    """Kill point: the model is embedding - after a batch is done, or a moment after it began."""
    began: list[float] = []

    def condition(w: Watch) -> bool:
        if w.embedded is None or w.embedded[0] >= w.embedded[1]:
            return False
        if not began:
            began.append(w.elapsed)
        return w.embedded[0] > 0 or w.elapsed - began[0] > grace

    return condition


@pytest.mark.timeout(480)
def test_killed_ingest_leaves_the_index_as_before_or_after(
    base_index, batch_texts, tmp_path, embedder
) -> None:
    """SIGKILL `jixiao ingest` of 30 files while parsing, embedding and writing: the index answers exactly
    as before the ingest or as after it, marks acknowledged meanwhile survive, and a re-run completes."""
    index = copy_index(base_index, tmp_path)
    batch = write_batch(tmp_path / "batch", batch_texts)
    before = snapshot(index, embedder)
    base_documents = before["documents"]
    kills: list[tuple[str, str]] = []  # (batch, phase seen when killed)

    # 1. Batch A: 30 new files. Killed while the parser reads them, then while the model embeds them.
    seen = Ingest(index, batch).kill_when(lambda w: w.files_read >= 1 or w.elapsed > 5)
    if 0 < seen.files_read < len(batch):
        kills.append(("A", f"parsing ({seen.files_read}/{len(batch)} files read)"))
    else:  # e.g. a file system that does not record access times
        kills.append(("A", f"{seen.phase} (at {seen.elapsed:.1f} s, {seen.files_read} files read)"))
    assert snapshot(index, embedder) == before, "killed while parsing, the index changed"
    seen = Ingest(index, batch).kill_when(mid_embedding())
    assert seen.embedded, seen.output[-2000:]
    kills.append(("A", f"embedding ({seen.embedded[0]}/{seen.embedded[1]} passages)"))
    assert snapshot(index, embedder) == before, "killed while embedding, the index changed"

    started = time.monotonic()
    done = Ingest(index, batch).wait()
    FIGURES["ingest of 30 files, from start to finish (s)"] = round(time.monotonic() - started, 1)
    assert done.exited == 0, done.output[-3000:]
    after_a = snapshot(index, embedder)
    assert after_a["documents"] == sorted(base_documents + [(str(p), sha256_file(p)) for p in batch]), (
        "every file present once"
    )
    assert leftovers(index) == []

    # 2. Batch B: 10 of those files changed in place and 5 new ones, all with passages the index already
    #    has, so it goes straight to writing. Killed at stages of the write, with a reviewer marking
    #    findings all the while (killed at the same instant, as by a power cut).
    changed = batch[:10]
    for n, path in enumerate(changed):
        path.write_text(with_implementer(path.read_text(encoding="utf-8"), f"改后单位{n}"), encoding="utf-8")
    extra = write_batch(
        tmp_path / "extra", [with_implementer(t, f"新增单位{n}") for n, t in enumerate(batch_texts[10:15])]
    )
    paths_b = changed + extra
    stages: list[tuple[str, Callable[[Watch], bool]]] = [
        ("writing: new generation started", lambda w: w.new_exists),
        (
            "writing: records and vectors written",
            lambda w: {"records.sqlite", "vectors.npy"} <= set(w.new_dir),
        ),
        ("writing: search structures written", lambda w: {"dense.faiss", "bm25"} <= set(w.new_dir)),
    ]
    states = []
    acknowledged = 0
    for n, (label, condition) in enumerate(stages):
        marker = Marker(index, f"B{n}", pause=0.01)
        marker.wait_for(3)
        seen = Ingest(index, paths_b).kill_when(condition)
        marker.kill()
        kills.append(("B", label if seen.exited is None else f"finished before '{label}'"))
        states.append(snapshot(index, embedder))
        acknowledged += marker.check(Index.open(index, create=False).marks())
    done = Ingest(index, paths_b).wait()
    assert done.exited == 0, done.output[-3000:]
    after_b = snapshot(index, embedder)
    assert after_b["documents"] == sorted(
        base_documents + [(str(p), sha256_file(p)) for p in batch + extra]
    ), "every file present once, changed files replaced"
    assert leftovers(index) == []
    for state in states:
        assert state in (after_a, after_b), (
            "killed mid-write, the index answers neither as before nor as after"
        )

    FIGURES["ingest kills survived"] = len(kills)
    FIGURES["ingest kill points"] = [f"{b}: {p}" for b, p in kills]
    FIGURES["marks acknowledged across those kills, none lost"] = acknowledged
    assert sum(p.startswith("writing") for _, p in kills) >= 2, kills


# ------------------------------------------------------------------------------ marks


@pytest.mark.timeout(300)
def test_killed_marker_loses_no_acknowledged_mark(base_index, tmp_path) -> None:
    """A reviewer's 已核实/忽略 marks, SIGKILLed at random moments: every mark acknowledged is kept."""
    index = copy_index(base_index, tmp_path)
    rng = random.Random(9)
    kills, acknowledged = 6, 0
    for n in range(kills):
        marker = Marker(index, f"M{n}")
        marker.wait_for(rng.randint(1, 60))
        time.sleep(rng.uniform(0, 0.03))
        marker.kill()
        acknowledged += marker.check(Index.open(index, create=False).marks())
    FIGURES["mark kills survived"] = kills
    FIGURES["marks acknowledged before those kills, none lost"] = acknowledged


# ------------------------------------------------------------------------------ two writers


@pytest.mark.timeout(300)
def test_two_ingests_on_one_index_take_turns(base_index, batch_texts, tmp_path, embedder) -> None:
    """Two `jixiao ingest` processes on one index: the second waits for the first's lock, never both write,
    and both files sets end up in the index once."""
    index = copy_index(base_index, tmp_path)
    before = snapshot(index, embedder)["documents"]
    # The first has new passages to embed, so it holds the writer lock for a while.
    first_files = write_batch(tmp_path / "first", batch_texts[-8:-4])
    second_files = write_batch(
        tmp_path / "second", [with_implementer(t, "第二个进程") for t in batch_texts[:3]]
    )
    first = Ingest(index, first_files)
    seen = first.wait_until(lambda w: w.embedded is not None)
    assert seen.exited is None, seen.output[-2000:]
    second = Ingest(index, second_files)
    writers_at_once, second_done_at = 0, None
    deadline = time.monotonic() + 150
    while (first.proc.poll() is None or second.proc.poll() is None) and time.monotonic() < deadline:
        writers_at_once = max(writers_at_once, len(list(index.parent.glob(f".{index.name}.new-*"))))
        if second.proc.poll() is not None and second_done_at is None:
            second_done_at = time.monotonic()
        time.sleep(0.002)
    first_seen, second_seen = first.wait(10), second.wait(10)
    assert first_seen.exited == 0, first_seen.output[-2000:]
    assert second_seen.exited == 0, second_seen.output[-2000:]
    assert writers_at_once <= 1
    after = snapshot(index, embedder)["documents"]
    assert after == sorted(before + [(str(p), sha256_file(p)) for p in first_files + second_files])
    FIGURES["two concurrent ingests: most generations written at once"] = writers_at_once


def test_a_writer_that_cannot_get_the_lock_fails_clearly(base_index, tmp_path, embedder) -> None:
    """While another process holds the writer lock, a write waits its timeout, then says what to do."""
    index = copy_index(base_index, tmp_path)
    before = snapshot(index, embedder)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from filelock import FileLock; lock = FileLock(sys.argv[1]); lock.acquire();"
            " print('held', flush=True); time.sleep(60)",
            f"{index}.lock",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        writer = Index.open(index, create=False, embedder=embedder, lock_timeout=1.0)
        started = time.monotonic()
        with pytest.raises(IndexError_, match="正被另一个进程写入"):
            writer.add([parse_file(SELF_EVAL_SAMPLE)])
        with pytest.raises(IndexError_, match="请等待该进程完成后重试"):
            writer.set_mark("held-key", "已核实")
        assert time.monotonic() - started < 10
    finally:
        holder.kill()
        holder.wait(10)
    assert snapshot(index, embedder) == before


# ------------------------------------------------------------------------------ readers during writes


def test_a_reader_during_the_directory_swap_gets_an_answer(base_index, tmp_path, embedder) -> None:
    """`Index._swap` renames the live directory aside, then the new one into place. A reader that looks in
    between (the app answering while an upload lands) must get the old or the new index, not an error -
    whether it had read the index before (`warm`) or not yet (`cold`)."""
    directory = copy_index(base_index, tmp_path)
    warm = Index.open(directory, create=False, embedder=embedder)
    expected = [d.sha256 for d in warm.documents()]
    cold = Index.open(directory, create=False, embedder=embedder)
    aside = directory.parent / f".{directory.name}.old-{'0' * 12}"
    os.rename(directory, aside)
    back = threading.Timer(0.3, os.rename, (aside, directory))
    back.start()
    try:
        got = {"warm": [d.sha256 for d in warm.documents()], "cold": [d.sha256 for d in cold.documents()]}
    finally:
        back.join()
    assert got == {"warm": expected, "cold": expected}


# ------------------------------------------------------------------------------ idempotence and provenance


def test_reingesting_a_changed_file_replaces_its_records_and_nothing_else(
    batch_texts, tmp_path, embedder
) -> None:
    from qa.checks import run_checks

    files = write_batch(tmp_path / "docs", batch_texts[17:20])  # three declaration projects
    index = Index.open(tmp_path / "index", embedder=embedder)
    index.add([parse_file(f) for f in files])
    before = {d.path: d for d in index.documents()}
    passages_before = {p.key: p for p in index.passages()}

    text = files[0].read_text(encoding="utf-8")
    assert "≥17.00(人)" in text
    files[0].write_text(text.replace("≥17.00(人)", "≥18.00(人)"), encoding="utf-8")
    again = index.add([parse_file(f) for f in files])
    assert (again.added, again.replaced, sorted(again.unchanged)) == (
        [],
        [str(files[0])],
        sorted(map(str, files[1:])),
    )
    assert again.embedded == 1, "only the changed indicator's passage is embedded again"
    after = {d.path: d for d in index.documents()}
    assert after.keys() == before.keys()
    for path in map(str, files[1:]):
        assert after[path] == before[path]
    assert after[str(files[0])].sha256 == sha256_file(files[0]) != before[str(files[0])].sha256
    old_sha = before[str(files[0])].sha256
    passages_after = {p.key: p for p in index.passages()}
    assert {k: p for k, p in passages_after.items() if p.sha256 != after[str(files[0])].sha256} == {
        k: p for k, p in passages_before.items() if p.sha256 != old_sha
    }, "the other files' passages are untouched"
    assert not any(p.sha256 == old_sha for p in index.passages()), "nothing of the old version remains"
    hotline = next(
        i for p in after[str(files[0])].projects for i in p.indicators if i.name == "服务费保障聘用人员数量"
    )
    assert hotline.target.value == Decimal("18")

    # Provenance: every record and every finding cites the file version it came from.
    by_name = {d.name: d.sha256 for d in index.documents()}
    for document in index.documents():
        for project in document.projects:
            sources = [project.source] + [i.source for i in project.indicators]
            assert all(s.sha256 == document.sha256 for s in sources)
    for passage in index.passages():
        assert passage.source.sha256 == passage.sha256 == by_name[passage.document]
    findings = run_checks(index.documents(), embedder=embedder)
    assert findings
    for finding in findings:
        assert finding.source is not None and finding.source.sha256 == by_name[finding.document], finding


# ------------------------------------------------------------------------------ exposure


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(JIXIAO), *args], capture_output=True, text=True, timeout=timeout, env=SUBPROCESS_ENV, cwd=ROOT
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10"])
def test_serve_refuses_an_open_host_without_auth(tmp_path, host: str) -> None:
    result = run_cli("serve", "--host", host, "--port", str(free_port()), "--index", str(tmp_path / "index"))
    assert result.returncode == 2
    assert "--auth" in result.stderr and "--insecure" in result.stderr
    assert not (tmp_path / "index").exists(), "refused before touching anything"


def test_serve_with_insecure_gets_past_the_guard(tmp_path) -> None:
    # A model that does not exist stops it right after the guard, without serving anything.
    result = run_cli(
        "serve",
        "--host",
        "0.0.0.0",
        "--insecure",
        "--port",
        str(free_port()),
        "--index",
        str(tmp_path / "index"),
        "--model",
        str(tmp_path / "no-such-model"),
    )
    assert result.returncode == 2
    assert "--auth" not in result.stderr and "模型" in result.stderr


def test_uploads_get_generated_names_under_the_upload_directory(tmp_path) -> None:
    from corpus.errors import UnreadableFileError
    from ui.uploads import store_upload

    src = tmp_path / "src.txt"
    src.write_bytes(DECLARATION_SAMPLE.read_bytes())
    directory = tmp_path / "index" / "uploads"
    hostile = [
        "../../../../etc/passwd.txt",
        "..\\..\\windows\\system32\\x.txt",
        "/etc/cron.d/job.txt",
        "C:\\Users\\x\\自评表.txt",
        "a\x00b.txt",
        "\u202eexe.txt",
        "....txt",
        ".txt",
        "CON.txt",
        "x" * 5000 + ".txt",
        "自评表<script>alert(1)</script>.txt",
    ]
    stored = []
    for name in hostile:
        try:
            stored.append(store_upload(src, directory, max_mb=50, original_name=name))
        except UnreadableFileError as exc:  # a name with nothing left of it is refused, clearly
            assert "不支持的文件格式" in str(exc), name
    assert len(stored) >= len(hostile) - 2
    for path in stored:
        resolved = path.resolve()
        assert resolved.parent.parent == directory.resolve(), path
        assert re.fullmatch(r"[0-9a-f]{32}", resolved.parent.name)
        assert len(resolved.name.encode()) <= 255 and not {"/", "\\", "\x00", "<", ">"} & set(resolved.name)
        assert resolved.read_bytes() == src.read_bytes()
    assert len({p.parent for p in stored}) == len(stored), "one generated folder per upload"
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * (1024 * 1024 + 1))
    with pytest.raises(UnreadableFileError, match="超过上限"):
        store_upload(big, directory, max_mb=1, original_name="big.txt")
    for name in ("evil.html", "run.exe", "noext"):
        with pytest.raises(UnreadableFileError):
            store_upload(src, directory, max_mb=50, original_name=name)
    assert sorted(p.parent for p in directory.rglob("*") if p.is_file()) == sorted(p.parent for p in stored)


def test_figures_survive_the_index_exactly(tmp_path, embedder) -> None:
    """A figure read back from the index is the figure printed in the file: same value, same digits."""
    text = DECLARATION_SAMPLE.read_text(encoding="utf-8")
    figures = {
        "2,650,000.00": "12,345,678,901,234,567.89",  # 年度资金申请总额 beyond a float's 15-17 digits
        "≥17.00(人)": "≥17.125000000000000001(人)",
        "≥98.00(%)": "≥98.50(%)",
    }
    for old, new in figures.items():
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "figures.txt"
    path.write_text(text, encoding="utf-8")
    parsed = parse_file(path)
    index = Index.open(tmp_path / "index", embedder=embedder)
    index.add([parsed])
    stored = Index.open(tmp_path / "index", create=False, embedder=embedder).documents()[0]

    def shown(document) -> list[str]:
        p = document.projects[0]
        return [str(p.funding.annual_request)] + [
            str(i.target.value) for i in p.indicators if i.target.value is not None
        ]

    assert shown(stored) == shown(parsed)
    assert "12345678901234567.89" in shown(parsed) and "17.125000000000000001" in shown(parsed)


# ------------------------------------------------------------------------------ the app under load

QUESTIONS = (
    "哪些项目提到碳市场？",
    "执行率最低的项目是哪个？",
    "哪些项目提到热线？",
    "大气环境与应对气候变化项目的全年执行数是多少？",
)
ASKERS = 20
ASK_BOUND_S = 30.0  # the promise: no ask waits longer than this, even while an upload is imported


class App:
    """`jixiao serve` on a copy of the sample index, spoken to as a browser would: Gradio's HTTP API."""

    def __init__(self, index: Path, log: Path) -> None:
        self.index = index
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self._log = log.open("wb")
        self.proc = subprocess.Popen(
            [str(JIXIAO), "serve", "--index", str(index), "--port", str(self.port)],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=SUBPROCESS_ENV,
            cwd=ROOT,
            start_new_session=True,
        )
        self.log = log

    def wait_ready(self, timeout: float = 300.0) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text(errors="replace")[-3000:]
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url, timeout=5).status_code == 200:
                    return
            time.sleep(0.5)
        raise AssertionError(f"server not up in {timeout}s:\n{self.log.read_text(errors='replace')[-3000:]}")

    def call(self, client, api: str, data: list, timeout: float = 300.0) -> list:
        """POST /gradio_api/call/<api>, then read its event stream to the result (an error raises)."""
        import json

        response = client.post(f"{self.url}gradio_api/call/{api}", json={"data": data}, timeout=timeout)
        response.raise_for_status()
        event = response.json()["event_id"]
        kind = None
        with client.stream("GET", f"{self.url}gradio_api/call/{api}/{event}", timeout=timeout) as stream:
            for line in stream.iter_lines():
                if line.startswith("event:"):
                    kind = line[6:].strip()
                elif line.startswith("data:") and kind in ("complete", "error"):
                    payload = json.loads(line[5:])
                    if kind == "error":
                        raise AssertionError(f"{api}: {payload}")
                    return payload
        raise AssertionError(f"{api}: the event stream ended without a result")

    def ask(self, client, question: str) -> str:
        return self.call(client, "on_ask", [question])[0]

    def upload(self, client, name: str, data: bytes) -> str:
        response = client.post(f"{self.url}gradio_api/upload", files=[("files", (name, data))], timeout=120)
        response.raise_for_status()
        return response.json()[0]

    def import_files(self, client, paths: list[tuple[str, str]]) -> list:
        files = [{"path": p, "orig_name": n, "meta": {"_type": "gradio.FileData"}} for p, n in paths]
        return self.call(client, "on_import", [files, None])  # (files, folder)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(20)
        self._log.close()


@pytest.fixture(scope="module")
def app(base_index, tmp_path_factory) -> Iterator[App]:
    directory = tmp_path_factory.mktemp("app")
    index = directory / "index"
    shutil.copytree(base_index, index)
    server = App(index, directory / "serve.log")
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def expected_answer(index: Path, embedder, question: str) -> str:
    """What the app must show for `question`, computed in this process from the same index."""
    from qa.ask import ask
    from ui import views

    opened = Index.open(index, create=False, embedder=embedder)
    return views.answer_html(ask(question, opened), opened.documents())


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on `port` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        with contextlib.suppress(FileNotFoundError):
            for line in Path(table).read_text().splitlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port and len(address) == width:
                    raw = bytes.fromhex(address)
                    words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
                    family = socket.AF_INET if width == 8 else socket.AF_INET6
                    found.add(socket.inet_ntop(family, words))
    return found


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def test_serve_binds_loopback_by_default(app) -> None:
    assert listening_addresses(app.port) == {"127.0.0.1"}


def ask_all_at_once(app: App, questions: list[str]) -> list[tuple[str, str, float]]:
    """One asker thread per question, released together; (question, answer, seconds) each."""
    import httpx

    start = threading.Barrier(len(questions))
    results: list[tuple[str, str, float]] = []
    errors: list[BaseException] = []

    def asker(question: str) -> None:
        try:
            with httpx.Client() as client:
                start.wait(60)
                began = time.monotonic()
                answer = app.ask(client, question)
                results.append((question, answer, time.monotonic() - began))
        except BaseException as exc:  # noqa: BLE001 - reported below with the others
            errors.append(exc)

    threads = [threading.Thread(target=asker, args=(q,)) for q in questions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(ASK_BOUND_S * 4)
    assert not errors, errors[:3]
    assert len(results) == len(questions)
    return results


@pytest.mark.timeout(600)
def test_twenty_simultaneous_askers_get_correct_answers(app, embedder) -> None:
    """Twenty reviewers ask at the same instant, twice (the first burst finds the server cold)."""
    expected = {q: expected_answer(app.index, embedder, q) for q in QUESTIONS}
    questions = [QUESTIONS[n % len(QUESTIONS)] for n in range(ASKERS)]
    for burst in ("cold", "warm"):
        results = ask_all_at_once(app, questions)
        for question, answer, _ in results:
            assert answer == expected[question], question
        latencies = [s for _, _, s in results]
        assert max(latencies) < ASK_BOUND_S
        FIGURES[f"20 simultaneous askers ({burst} server): answered correctly"] = len(results)
        FIGURES[f"20 simultaneous askers ({burst} server): p50 / p95 / max (s)"] = tuple(
            round(x, 2) for x in (percentile(latencies, 0.5), percentile(latencies, 0.95), max(latencies))
        )


def renamed_declaration(suffix: str) -> bytes:
    """The declaration sample with every project renamed: new passages for the server to embed."""
    text = DECLARATION_SAMPLE.read_text(encoding="utf-8")
    for name, _ in split_projects(DECLARATION_SAMPLE):
        text = text.replace(name, name + suffix)
    return text.encode("utf-8")


@pytest.mark.timeout(600)
def test_an_upload_while_twenty_ask_blocks_no_one_and_corrupts_nothing(app, embedder) -> None:
    import httpx

    before = {q: expected_answer(app.index, embedder, q) for q in QUESTIONS}
    documents_before = snapshot(app.index, embedder)["documents"]
    uploading = threading.Event()
    uploaded = threading.Event()
    results: list[tuple[str, str, float, bool]] = []
    errors: list[BaseException] = []
    upload_seconds: list[float] = []

    def uploader() -> None:
        try:
            with httpx.Client() as client:
                path = app.upload(client, "并发上传.txt", renamed_declaration("（并发上传）"))
                uploading.set()
                began = time.monotonic()
                app.import_files(client, [(path, "并发上传.txt")])
                upload_seconds.append(time.monotonic() - began)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            uploading.set()
            uploaded.set()

    def asker(n: int) -> None:
        try:
            with httpx.Client() as client:
                uploading.wait(120)
                rounds = 0
                while not uploaded.is_set() or rounds < 2:
                    question = QUESTIONS[(n + rounds) % len(QUESTIONS)]
                    began = time.monotonic()
                    answer = app.ask(client, question)
                    results.append((question, answer, time.monotonic() - began, not uploaded.is_set()))
                    rounds += 1
                    if rounds > 200:
                        break
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=uploader)] + [
        threading.Thread(target=asker, args=(n,)) for n in range(ASKERS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(400)
    assert not errors, errors[:3]
    after = {q: expected_answer(app.index, embedder, q) for q in QUESTIONS}
    for question, answer, _, _ in results:
        assert answer in (before[question], after[question]), question
    during = [s for _, _, s, overlapped in results if overlapped]
    assert during, "no ask overlapped the upload"
    assert max(s for _, _, s, _ in results) < ASK_BOUND_S
    documents_after = snapshot(app.index, embedder)["documents"]
    assert len(documents_after) == len(documents_before) + 1
    assert set(documents_before) < set(documents_after)
    FIGURES["asks answered while an upload was imported"] = len(during)
    FIGURES["asks during the upload: p50 / p95 / max (s)"] = tuple(
        round(x, 2) for x in (percentile(during, 0.5), percentile(during, 0.95), max(during))
    )
    FIGURES["the upload's import (s)"] = round(upload_seconds[0], 1)


def test_an_upload_over_the_size_limit_is_refused(app) -> None:
    import httpx

    from corpus.settings import Settings

    too_big = b"x" * (Settings().max_file_mb * 1024 * 1024 + 1)
    with httpx.Client() as client:
        response = client.post(
            f"{app.url}gradio_api/upload", files=[("files", ("big.txt", too_big))], timeout=120
        )
    assert response.status_code == 413
    assert not list((app.index / "uploads").rglob("big.txt"))


def import_one(app: App, name: str, data: bytes) -> None:
    import httpx

    with httpx.Client() as client:
        path = app.upload(client, name, data)
        assert Path(path).name == Path(name.replace("\\", "/")).name, "the upload keeps only a base name"
        app.import_files(client, [(path, name)])


def uploaded_documents(app: App, embedder, stem: str) -> list:
    return [d for d in Index.open(app.index, create=False, embedder=embedder).documents() if stem in d.name]


def test_an_imported_upload_is_kept_under_the_index_directory(app, embedder) -> None:
    """The uploaded file is written beside the index, in a generated folder, whatever the name sent - and
    is still there after the import (a rebuild swaps the index directory), so every citation can be opened."""
    import_one(app, "../../../保留上传.txt", renamed_declaration("（保留）"))
    (document,) = uploaded_documents(app, embedder, "保留上传")
    stored = Path(document.path)
    assert stored.resolve().is_relative_to(app.index.parent.resolve())
    assert re.fullmatch(r"[0-9a-f]{32}", stored.parent.name)
    assert stored.is_file(), f"{stored} was deleted after the import"
    assert sha256_file(stored) == document.sha256


def test_reuploading_a_changed_file_replaces_it(app, embedder) -> None:
    """A reviewer uploads a corrected version of a file: its records replace the old ones (no stale figures)."""
    first = renamed_declaration("（重传）")
    import_one(app, "重传.txt", first)
    second = first.decode("utf-8").replace("≥17.00(人)", "≥19.00(人)").encode("utf-8")
    import_one(app, "重传.txt", second)
    documents = uploaded_documents(app, embedder, "重传")
    assert [d.sha256 for d in documents] == [hashlib.sha256(second).hexdigest()], (
        f"{len(documents)} versions of 重传.txt in the index"
    )
