"""Segmentation: the user dictionary keeps the field's terms whole; stopwords, NFKC, determinism, cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jieba
import pytest

from index import segment

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "term",
    [
        "碳市场",
        "碳排放权交易",
        "碳普惠",
        "执行率",
        "偏差原因",
        "生态保护红线",
        "排污许可",
        "长江口",
        "绩效目标",
        "年度指标值",
    ],
)
def test_field_terms_are_not_split(term: str) -> None:
    assert segment.words(term) == [term]
    assert term in segment.tokenize(f"本年度{term}情况")
    assert term in segment.terms(f"关于{term}的说明")


def test_every_user_word_is_one_word() -> None:
    words = segment.user_words()
    assert len(words) >= 300
    split = [w for w in words if segment.words(w) != [w]]
    assert split == []


def test_user_dictionary_holds_no_sample_project_names(sample_docs) -> None:
    names = {p.name for d in sample_docs for p in d.projects}
    assert names.isdisjoint(segment.user_words())


def test_tokenize_normalises_and_drops_stopwords_and_punctuation() -> None:
    tokens = segment.tokenize("哪些项目提到碳市场？ＰＭ２．５　与 ２０２３年！")
    assert "碳市场" in tokens
    assert "2023" in tokens and "pm2" in tokens
    assert not {"哪些", "提到", "与", "？", "！", " ", "　"} & set(tokens)


def test_search_mode_adds_sub_words() -> None:
    tokens = segment.tokenize("全国碳排放权交易市场")
    assert {"碳排放权交易市场", "碳排放", "交易", "市场"} <= set(tokens)


def test_terms_are_content_words() -> None:
    assert segment.terms("开展 2023 年长江口、杭州湾的生物多样性调查") == [
        "长江口",
        "杭州湾",
        "生物多样性",
        "调查",
    ]


def test_compact_removes_white_space_after_nfkc() -> None:
    assert segment.compact("碳 市\u3000场 ＡＢ") == "碳市场ab"


def test_private_tokenizer_leaves_the_global_one_alone() -> None:
    segment.tokenize("碳市场")
    assert segment.tokenizer() is not jieba.dt
    assert "碳普惠" not in jieba.dt.FREQ or not jieba.dt.initialized


def test_deterministic_across_processes_and_cache_stays_in_project_dir(tmp_path: Path) -> None:
    text = "保障全国和上海碳市场稳定有序运行，建立健全碳普惠体系，完成生态保护红线监管"
    code = (
        "import json, sys; from index import segment; "
        "print(json.dumps([segment.tokenize(sys.argv[1]), segment.terms(sys.argv[1])]))"
    )
    env = {**os.environ, "JIXIAO_CACHE": str(tmp_path / "cache"), "TMPDIR": str(tmp_path / "tmp")}
    (tmp_path / "tmp").mkdir()
    runs = [
        subprocess.run(
            [sys.executable, "-c", code, text], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        ).stdout
        for _ in range(2)
    ]
    assert runs[0] == runs[1]
    assert json.loads(runs[0]) == [segment.tokenize(text), segment.terms(text)]
    assert (tmp_path / "cache" / "jieba.cache").is_file()
    assert list((tmp_path / "tmp").iterdir()) == []  # nothing in the temp dir jieba would use by default
