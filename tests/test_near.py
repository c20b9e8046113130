"""Near-miss names: the character filter in front of the alignment drops no name the alignment would offer."""

from __future__ import annotations

import random

from qa.ask import near
from qa.ask.words import MAX_SUGGESTIONS, _compact


class _Cat:
    """What near_names reads of a catalogue (hashable, as the per-catalogue caches need)."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.name_keys = [_compact(n) for n in names]
        self.by_key = {k: [n] for k, n in zip(self.name_keys, names, strict=True)}


def _brute(words: str, cat: _Cat) -> list[str]:
    """near_names without the filter: every name aligned."""
    key = _compact(words)
    if len(key) < 4 or key in cat.by_key:
        return []
    allowed = max(1, len(key) // 8)
    scored = []
    for name, name_key in zip(cat.names, cat.name_keys, strict=True):
        if key in name_key:
            continue
        whole = near.edit_distance(key, name_key, allowed)
        if whole <= allowed:
            scored.append((whole, 0, name))
        elif len(key) <= len(name_key):
            part = near.substring_distance(key, name_key)
            if part <= allowed and part < len(key) // 2:
                scored.append((part, 1, name))
    return [n for *_r, n in sorted(scored)][:MAX_SUGGESTIONS]


def test_filter_keeps_every_near_name() -> None:
    rng = random.Random(3)
    alphabet = "河道保洁作业养护管理经费建设项目工程监测环境治理污染防治水资源"
    names = sorted({"".join(rng.choice(alphabet) for _ in range(rng.randint(4, 14))) for _ in range(400)})
    cat = _Cat(names)
    phrases = []
    for name in rng.sample(names, 120):
        chars = list(name)
        at = rng.randrange(len(chars))
        edit = rng.choice(["sub", "del", "ins"])
        if edit == "sub":
            chars[at] = rng.choice(alphabet)
        elif edit == "del" and len(chars) > 4:
            del chars[at]
        else:
            chars.insert(at, rng.choice(alphabet))
        start = rng.randrange(max(1, len(chars) - 6))
        phrases.append("".join(chars))
        phrases.append("".join(chars[start:]))  # a run of a name with a typo in it
    offered = 0
    for phrase in phrases:
        got = near.near_names(phrase, cat)
        assert got == _brute(phrase, cat), phrase
        offered += bool(got)
    assert offered > len(phrases) // 2  # the comparison is not vacuous
