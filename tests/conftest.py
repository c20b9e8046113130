"""Shared pytest fixtures."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def embedder():
    """The default embedder (onnxruntime), loaded once per test session (materialised and exported into the user
    cache on first use)."""
    from index.embed import get_embedder

    return get_embedder()


@pytest.fixture(scope="session")
def torch_embedder():
    """The default model on sentence-transformers/torch: the reference the onnxruntime path must match."""
    from index.embed import get_embedder

    return get_embedder(backend="torch")


ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpus" / "samples"
SELF_EVAL_SAMPLE = SAMPLES / "2023_self_evaluation_shanghai_eeb.txt"
DECLARATION_SAMPLE = SAMPLES / "2024_target_declaration_shanghai_enforcement.txt"
EVAL_DIR = ROOT / "tests" / "eval"  # a verbatim copy of ../shared/eval (test_eval_copy checks it)


@pytest.fixture(scope="session")
def sample_docs():
    """Both sample documents, parsed once: (self_evaluation, declaration)."""
    from corpus.parse import parse_file

    return parse_file(SELF_EVAL_SAMPLE), parse_file(DECLARATION_SAMPLE)


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory, embedder, sample_docs):
    """An index of both samples, built once per session with the real model (index/store/)."""
    from index.store import Index

    index = Index.open(tmp_path_factory.mktemp("sample-index") / "index", embedder=embedder)
    index.add(list(sample_docs))
    return index
