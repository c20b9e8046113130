"""Atheris harness: bytes -> a .txt/.xlsx/.xls/.docx/.pdf file -> parse; only JixiaoError may escape."""

# Run: python fuzz/fuzz_parse.py -runs=2000 -max_total_time=60 [CORPUS_DIR ...]
# An empty (or no) corpus directory starts from the seeds: the samples as text and in each binary format.
# The first byte of an input picks the format, the rest is the file.

from __future__ import annotations

import hashlib
import io
import os
import random
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import atheris  # noqa: E402

with atheris.instrument_imports(include=["corpus"]):
    from corpus.errors import JixiaoError
    from corpus.parse import parse_file

SUFFIXES = (".txt", ".xlsx", ".xls", ".docx", ".pdf")
SAMPLES = ROOT / "corpus" / "samples"
# Projects of each sample kept in the binary seeds: small enough to parse fast.
SEED_PROJECTS = 2
_WORK = Path(tempfile.mkdtemp(prefix="jixiao-fuzz-work-"))


def seeds() -> Iterator[bytes]:
    """The seed inputs: format byte + file bytes, for each sample as text and in each binary format
    (laid out as the real forms are, by tests/build_docs.py; two projects each, to parse fast)."""
    from dataclasses import replace

    from tests.build_docs import write_docx, write_pdf, write_xls, write_xlsx

    for path in sorted(SAMPLES.glob("*.txt")):
        data = path.read_bytes()
        yield b"\x00" + data
        yield b"\x00" + data.decode("utf-8").encode("gb18030")
        document = parse_file(path)
        document = replace(document, projects=document.projects[:SEED_PROJECTS])
        for marker, write in (
            (b"\x01", write_xlsx),
            (b"\x02", write_xls),
            (b"\x03", write_docx),
            (b"\x04", write_pdf),
        ):
            target = _WORK / f"seed{path.stem}.{write.__name__.removeprefix('write_')}"
            try:
                yield marker + write(document, target).read_bytes()
            except (OSError, RuntimeError) as exc:  # e.g. no CJK font for the PDF: fuzz the others
                print(f"seed {target.name} skipped: {exc}", file=sys.stderr)


def write_seeds(directory: Path) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    n = 0
    for data in seeds():
        (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)
        n += 1
    return n


def check(data: bytes) -> None:
    """Parse one input; any exception other than JixiaoError is a bug, so is a record without provenance."""
    if not data:
        return
    suffix = SUFFIXES[data[0] % len(SUFFIXES)]
    path = _WORK / f"input{suffix}"
    body = data[1:]
    path.write_bytes(body)
    try:
        document = parse_file(path)
    except JixiaoError:
        return
    sha = hashlib.sha256(body).hexdigest()
    assert document.sha256 == sha, "document sha256 is not the file's"
    for project in document.projects:
        assert project.source.sha256 == sha, f"project {project.name!r} cites another file version"
        for indicator in project.indicators:
            assert indicator.source.sha256 == sha, f"indicator {indicator.name!r} cites another file version"


def _mutate_zip(data: bytes, max_size: int, seed: int) -> bytes | None:
    """Mutate one member of a zip container and re-zip it: reaches the XML readers past the CRC check."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [(i, archive.read(i)) for i in archive.infolist()]
    except Exception:
        return None
    if not members:
        return None
    rng = random.Random(seed)
    pick = rng.randrange(len(members))
    info, body = members[pick]
    members[pick] = (info, atheris.Mutate(body, max(len(body) * 2, 64)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, body in members:
            archive.writestr(info.filename, body)
    result = out.getvalue()
    return result if len(result) <= max_size else None


def mutate(data: bytes, max_size: int, seed: int) -> bytes:
    """libFuzzer custom mutator: zip-aware for XLSX/DOCX inputs, plain byte mutation otherwise."""
    if len(data) > 1 and data[1:3] == b"PK" and seed % 2 == 0:
        inner = _mutate_zip(data[1:], max_size - 1, seed)
        if inner is not None:
            return data[:1] + inner
    return atheris.Mutate(data, max_size)


def main(argv: list[str]) -> None:
    args = list(argv)
    corpora = [Path(a) for a in args[1:] if not a.startswith("-")]
    if not corpora:
        corpora = [Path(tempfile.mkdtemp(prefix="jixiao-fuzz-corpus-"))]
        args.append(str(corpora[0]))
    if corpora[0].is_dir() and not any(corpora[0].iterdir()):
        write_seeds(corpora[0])  # an empty corpus directory starts from the samples
    if not any(a.startswith("-max_len=") for a in args):
        args.append("-max_len=262144")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    atheris.Setup(args, check, custom_mutator=mutate)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
