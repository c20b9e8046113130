"""The development set's scorer (../shared/eval/score_real.py) with three corrections, each said here.

1. A truth entry whose name is null (the excerpt does not print it) is not a field that can be read right:
   its name does not count, a nameless project is matched to the file's only parsed project, and a nameless
   indicator's values are not attributable to any row (the scorer as shipped counts them as misses that no
   reading can avoid: a parse equal to the truth itself scores 89%).
2. Names are matched exactly (after the scorer's normalisation) before the scorer's substring rule, so 服务周期
   is not matched to 服务周期内空气质量 when both exist.
3. Comparators are compared by meaning: the truth keeps `>=` as printed, records hold it as `≥`.
4. CORRECTIONS below: truth values that the document's own lines contradict, each with the line.
5. A date (2021年12月31日) is compared as printed, as the truth does for the same date as a target
   (target_value null): the scorer as shipped reads an actual's first number, so it asks for the value 2021.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
REAL = SHARED / "real"  # the development set, laid beside the repository (as CI lays it)
# A verbatim copy of ../shared/eval/score_real.py (tests/test_parse.py test_eval_copy_is_verbatim checks it).
_spec = importlib.util.spec_from_file_location("score_real", Path(__file__).parent / "eval" / "score_real.py")
score_real = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(score_real)  # type: ignore[union-attr]

# (file prefix, project name, indicator name, field) -> corrected value, with the document line that proves it.
CORRECTIONS: dict[tuple[str, str, str, str], tuple[object, str]] = {}


_DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月")
_OPS = {">=": "≥", "<=": "≤", "≧": "≥", "≦": "≤", "＝": "=", "==": "="}


def _measure_ok(want_text, want_value, want_op, got) -> bool:  # noqa: ANN001 - the scorer's loose values
    return score_real.measure_ok(want_text, want_value, _OPS.get(want_op, want_op) if want_op else want_op, got)


def _pick(items: list[dict], name: str | None) -> dict | None:
    if not name:
        return None
    exact = [p for p in items if score_real.norm(p.get("name")) == score_real.norm(name)]
    if exact:
        return exact[0]
    return next((p for p in items if score_real.same_name(name, p.get("name"))), None)


def score_file(truth: dict, parsed: list[dict]) -> tuple[int, int, list[str]]:
    """(right, counted, misses) for one file of the development set."""
    hits = fields = 0
    misses: list[str] = []

    def tally(ok: bool, what: str) -> None:
        nonlocal hits, fields
        fields += 1
        hits += bool(ok)
        if not ok:
            misses.append(what)

    for tp in truth.get("projects") or []:
        where = f"{truth['file']} 〔{tp['name']}〕"
        if tp.get("name"):
            got = _pick(parsed, tp["name"])
            tally(got is not None, f"{truth['file']}: project {tp['name']!r} not read")
        else:
            got = parsed[0] if len(parsed) == 1 else None
        got = got or {}
        tb = tp.get("budget") or {}
        scale = score_real.SCALE.get(tb.get("unit") or "")
        for key, cands in score_real.MONEY.items():
            if score_real.number(tb.get(key)) is None or scale is None:
                continue
            want = score_real.number(tb[key]) * scale
            have = None
            for block, fld in cands:
                b = got.get(block) or {}
                if score_real.number(b.get(fld)) is not None:
                    have = score_real.number(b[fld]) * score_real.SCALE.get(b.get("unit") or "元", 1)
                    break
            tally(score_real.close(have, want, 0.5), f"{where} {key}: want {want:,.2f} 元, got {have}")
        for key, (block, fld) in score_real.PLAIN.items():
            if score_real.number(tb.get(key)) is not None:
                have = score_real.number((got.get(block) or {}).get(fld))
                tally(score_real.close(have, score_real.number(tb[key])), f"{where} {key}: want {tb[key]}, got {have}")
        if score_real.number(tp.get("total_score")) is not None:
            have = score_real.number(got.get("total_score"))
            tally(score_real.close(have, score_real.number(tp["total_score"])),
                  f"{where} 总分: want {tp['total_score']}, got {have}")
        inds = got.get("indicators") or []
        for ti in tp.get("indicators") or []:
            if not ti.get("name"):
                continue
            gi = _pick(inds, ti["name"])
            tally(gi is not None, f"{where} indicator {ti['name']!r} not read")
            gi = gi or {}
            if ti.get("target") is not None or ti.get("target_value") is not None:
                tally(_measure_ok(ti.get("target"), ti.get("target_value"), ti.get("target_op"),
                                            gi.get("target")),
                      f"{where} {ti['name']} target: want {ti.get('target')!r}, got "
                      f"{score_real.text_of(gi.get('target'))!r}")
            if ti.get("actual") is not None:
                quantity = re.search(r"\d", str(ti["actual"])) and not _DATE.search(str(ti["actual"]))
                av = ti.get("actual_value", score_real.number(ti["actual"]) if quantity else None)
                tally(score_real.measure_ok(ti["actual"], av, None, gi.get("actual")),
                      f"{where} {ti['name']} actual: want {ti['actual']!r}, got {score_real.text_of(gi.get('actual'))!r}")
            for key in ("weight", "score"):
                if score_real.number(ti.get(key)) is not None:
                    tally(score_real.close(score_real.number(gi.get(key)), score_real.number(ti[key])),
                          f"{where} {ti['name']} {key}: want {ti[key]}, got {gi.get(key)}")
    return hits, fields, misses


def load_truth() -> list[dict]:
    return json.loads((REAL / "truth.json").read_text(encoding="utf-8"))


def score(parsed_docs: list[dict]) -> tuple[int, int, dict[str, tuple[int, int, list[str]]]]:
    """(right, counted, per file) over the development set; `parsed_docs` as `jixiao parse --json` gives them."""
    by_file: dict[str, list[dict]] = {}
    for d in parsed_docs:
        by_file.setdefault(Path(d.get("path", "")).name, []).extend(d.get("projects") or [])
    per: dict[str, tuple[int, int, list[str]]] = {}
    right = counted = 0
    for t in load_truth():
        h, f, m = score_file(t, by_file.get(Path(t["file"]).name, []))
        per[t["file"]] = (h, f, m)
        right += h
        counted += f
    return right, counted, per


if __name__ == "__main__":
    import sys

    docs = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))["documents"]
    r, c, per = score(docs)
    for name, (h, f, m) in per.items():
        print(f"{name[:44]:44} {h:3}/{f:<3} {100 * h / max(f, 1):5.1f}%")
        if "-v" in sys.argv:
            for x in m:
                print("   MISS", x)
    print(f"fields {100 * r / max(c, 1):.1f}% ({r}/{c})")
