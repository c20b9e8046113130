"""The domain thesaurus, short forms defined in texts, abbreviations both ways, and query expansion."""

from __future__ import annotations

import json

import numpy as np
import pytest

from index import segment
from index.lexical import expand_query
from index.mentions import MentionIndex, abbreviates, contraction_candidates, find_mentions
from index.thesaurus import THESAURUS_PATH, default_thesaurus, defined_short_forms


def _abbreviates(short: str, full: str) -> bool:
    return abbreviates(short, full, segment.is_word)


def test_the_thesaurus_is_data_with_each_name_in_one_group() -> None:
    raw = json.loads(THESAURUS_PATH.read_text(encoding="utf-8"))
    assert len(raw["groups"]) >= 30 and all(g["terms"] for g in raw["groups"])
    names = [n for g in default_thesaurus().groups for n in g.names]
    assert len(names) == len(set(names))
    assert all(n == segment.compact(n) for n in names)


@pytest.mark.parametrize(
    ("topic", "other", "kind"),
    [
        ("环评", "环境影响评价", "abbreviation"),  # short -> full
        ("环境影响评价", "环评", "abbreviation"),  # full -> short
        ("碳排放权交易", "碳排放交易", "alias"),
        ("碳排放权交易", "碳市场", "semantic"),  # a related concept: the market of that trading
        ("双碳", "碳达峰碳中和", "abbreviation"),
        ("双碳", "碳达峰", "semantic"),  # narrower
        ("碳达峰", "双碳", "semantic"),  # broader
        ("乡村振兴", "脱贫攻坚", "semantic"),  # related
        ("乡村振兴", "贫困地区", "semantic"),  # the related concept's narrower term
    ],
)
def test_alternatives_go_both_ways(topic: str, other: str, kind: str) -> None:
    assert default_thesaurus().alternatives(topic)[other] == kind


def test_alternatives_take_one_hop_only() -> None:
    assert "碳中和" not in default_thesaurus().alternatives("碳达峰")  # a sibling, not the same thing
    assert default_thesaurus().alternatives("量子计算") == {}


def test_short_forms_defined_in_parentheses() -> None:
    texts = [
        segment.compact(t)
        for t in (
            "对全国碳排放权交易市场（以下简称“碳市场”）重点排放单位开展检查",
            "落实车购税（车辆购置税）补助资金",
            "保障环境统计（污染源动态更新）质量控制",  # a parenthesis that is no short form
        )
    ]
    assert defined_short_forms(texts, _abbreviates) == {
        ("碳市场", "碳排放权交易市场"),
        ("车购税", "车辆购置税"),
    }


def test_a_short_form_defined_in_one_text_finds_the_other_texts() -> None:
    texts = ["本区实施城市更新行动（以下简称“城更行动”）", "推进城更行动试点片区", "城市更新行动成效评估"]
    index = MentionIndex.build(segment.compact(t) for t in texts)

    def no_similarity(topic: str, phrases: list[str]) -> np.ndarray:
        return np.zeros(len(phrases), np.float32)  # nothing passes the embedding check: the definition links

    full = find_mentions("城市更新行动", index, no_similarity, 0.9, segment.is_word)
    assert full == {0: ("literal", "城市更新行动", None), 1: ("abbreviation", "城更行动", None), 2: full[2]}
    short = find_mentions("城更行动", index, no_similarity, 0.9, segment.is_word)
    assert short[2] == ("abbreviation", "城市更新行动", None) and short[1][0] == "literal"


def test_a_long_topic_finds_the_corpus_phrases_that_abbreviate_it() -> None:
    texts = [segment.compact("深化完善本市碳交易机制"), segment.compact("低碳城市广场建设")]
    assert contraction_candidates("碳排放权交易", texts, segment.is_word) == {"碳交易"}


def test_a_guessed_phrase_must_be_whole_words_of_the_text() -> None:
    # 车购税 abbreviates 车辆购置税; 车辆购置税收 is not written in 车辆购置税收入 (购置税|收入).
    index = MentionIndex.build(
        [segment.compact("车辆购置税收入补助地方资金"), segment.compact("中央车购税补助")]
    )

    def all_similar(topic: str, phrases: list[str]) -> np.ndarray:
        return np.ones(len(phrases), np.float32)

    found = find_mentions("车购税", index, all_similar, 0.9, segment.is_word)
    assert found[0] == ("abbreviation", "车辆购置税", 1.0) and found[1][0] == "literal"


def test_search_queries_carry_the_other_names_of_their_terms() -> None:
    assert expand_query("环评") == "环评 环境影响评价"
    assert expand_query("长三角区域协作") == "长三角区域协作 长江三角洲"
    assert expand_query("预算执行率") == "预算执行率"  # no thesaurus term, nothing added


def test_bm25_finds_the_full_form_of_an_abbreviated_query() -> None:
    from index.lexical import Lexical

    lexical = Lexical.build(
        [segment.tokenize("完成建设项目环境影响评价审批"), segment.tokenize("完成年报审计工作")]
    )
    assert lexical.scores(segment.tokenize("环评"))[0] == 0  # the passage never writes 环评
    assert [row for row, _ in lexical.search("环评", 2)] == [0]


def _expansions_one_text_at_a_time(topic: str, texts: list[str]) -> set[str]:
    """expansion_candidates as it was written first: each text and each occurrence of the first character
    matched on its own (the reference for the one-scan version)."""
    from index.mentions import _CJK_ONLY, EXPANSION_MAX_RATIO, WORD_TAIL, _expansion_pattern

    pattern = _expansion_pattern(topic)
    found: set[str] = set()
    for text in texts:
        start = text.find(topic[0])
        while start >= 0:
            m = pattern.match(text, start)
            if m and len(m.group()) <= EXPANSION_MAX_RATIO * len(topic):
                for extra in range(WORD_TAIL + 1):
                    end = m.end() + extra
                    if end > len(text) or (extra and not _CJK_ONLY.match(text[end - 1])):
                        break
                    found.add(text[m.start() : end])
            start = text.find(topic[0], start + 1)
    return {p for p in found if abbreviates(topic, p, segment.is_word)}


def test_expansion_candidates_scan_all_texts_at_once_as_one_by_one(sample_docs) -> None:
    from index.mentions import expansion_candidates
    from index.search import passages_of

    texts = list(dict.fromkeys(segment.compact(p.text) for d in sample_docs for p in passages_of(d)))
    topics = ["环评", "碳市场", "排污许可", "生态补偿", "长三角", "执法", "应急", "监测站"]
    some = 0
    for topic in topics:
        got = expansion_candidates(topic, texts, segment.is_word)
        assert got == _expansions_one_text_at_a_time(topic, texts), topic
        some += bool(got)
    assert some >= 3
