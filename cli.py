"""`jixiao parse | ingest | search | mentions | check | report | ask | serve`: a thin shell over the library."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from corpus.errors import JixiaoError
from corpus.model import Document, ParseWarning, RefusedFile, to_jsonable
from corpus.settings import Settings, default_index_dir
from qa.coverage import coverage_of, is_complete, missing_phrases, unread_note

# Reviewer-facing words of the commands, in one place.
TEXT = {
    "warning_group": "  警告 {message}（{where}共 {n} 处）",
    "warning_text": "    例：{text}",
    "pages": "第{a}页",
    "pages_span": "第{a}–{b}页",
    "lines": "第{a}行",
    "lines_span": "第{a}–{b}行",
    "unread_project": "    未能完整读取：{missing}",
    "unread_forms": "  绩效表：找到 {seen} 张，读出 {read} 张；其余 {n} 张未能读取",
    "index_empty": "索引 {directory} 中没有文档（索引为空，或导入未完成），没有核查任何内容。"
    "请先运行 `jixiao ingest <文件或目录> --index {directory}` 导入。",
    "ingest_unread": "其中 {pieces}；均已记入索引，问答、核查和报告会注明。",
    "index_refused": "索引中另有 {n} 个文件未能读取：{names}。",
    "ocr_progress": "第 {done}/{total} 页 OCR",
    "ray_file": "已读 {done}/{total} 个文件：{name}",
    "auth_form": "--auth 须写成 用户名:密码，例如 --auth reviewer:s3cret（收到的 {given!r} 没有冒号）",
    "auth_empty": "--auth 的用户名和密码都不能为空（收到的是 {given!r}）；空密码等于不设登录，请设置一个密码",
}


def _print_json(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def _err(message: str) -> None:
    sys.stderr.write(f"jixiao: {message}\n")


def _settings(args: argparse.Namespace) -> Settings:
    s = Settings()
    if getattr(args, "model", None):
        s = s.with_(model=args.model)
    return s


def _index_dir(args: argparse.Namespace) -> Path:
    return Path(args.index) if getattr(args, "index", None) else default_index_dir()


def read_documents(paths: Sequence[str], settings: Settings) -> tuple[list[Document], list[RefusedFile]]:
    """Every file parsed (qa.service.read_files): the documents read and the files refused, with why.

    A scanned page takes seconds to OCR: each one read is said on stderr (第 N/M 页 OCR)."""
    from corpus.readers import ocr_options
    from qa import service

    def progress(done: int, total: int) -> None:
        end = "\n" if done == total else ""
        sys.stderr.write(f"\r{TEXT['ocr_progress'].format(done=done, total=total)}{end}")
        sys.stderr.flush()

    with ocr_options(min_confidence=settings.ocr_min_confidence, progress=progress):
        return service.read_files(paths, settings)


# ---------------------------------------------------------------------------------------------
# parse


def _fmt(v: object) -> str:
    return "" if v is None else str(v)


def warning_groups(warnings: Sequence[ParseWarning]) -> list[tuple[ParseWarning, str, int]]:
    """(first warning, where: 第a–b页 or 第a–b行, how many) per kind of warning, in order of first sight.

    Warnings without a kind are grouped by their message.
    """
    groups: dict[str, list[ParseWarning]] = {}
    for w in warnings:
        groups.setdefault(w.kind or w.message, []).append(w)
    out = []
    for ws in groups.values():
        pages = [p for w in ws for p in (w.page, w.end_page) if p]
        if pages:
            a, b = min(pages), max(pages)
            where = TEXT["pages"].format(a=a) if a == b else TEXT["pages_span"].format(a=a, b=b)
        else:
            a, b = min(w.line for w in ws), max(w.end_line or w.line for w in ws)
            where = TEXT["lines"].format(a=a) if a == b else TEXT["lines_span"].format(a=a, b=b)
        out.append((ws[0], where, len(ws)))
    return out


def _print_document(doc: Document) -> None:
    kind = "绩效自评表" if doc.kind == "self_evaluation" else "绩效目标申报表"
    print(f"{doc.name}  {kind}  项目 {len(doc.projects)} 个  警告 {len(doc.warnings)} 条  sha256 {doc.sha256[:12]}")
    for p in doc.projects:
        head = f"  【{p.name}】 {p.year or ''}年度 主管部门 {_fmt(p.department)} 实施单位 {_fmt(p.implementer)}"
        print(head)
        if p.budget:
            b = p.budget
            print(
                f"    资金({b.unit}) 年初预算 {_fmt(b.planned)} 全年预算 {_fmt(b.adjusted)} 全年执行 {_fmt(b.spent)}"
                f" 执行率 {_fmt(b.rate)}% 分值 {_fmt(b.weight)} 得分 {_fmt(b.score)}"
            )
        if p.funding:
            f = p.funding
            print(
                f"    资金({f.unit}) 项目资金总额 {_fmt(f.total)} 年度资金申请总额 {_fmt(f.annual_request)}"
                f" 当年财政拨款 {_fmt(f.appropriation)} 上年结转 {_fmt(f.carryover)}"
            )
        for i in p.indicators:
            actual = f" | 实际 {i.actual.text}" if i.actual is not None else ""
            figures = f" | 分值 {_fmt(i.weight)} 得分 {_fmt(i.score)}" if i.weight is not None else ""
            print(f"    第{i.source.line}行 {i.level1}/{i.level2}/{i.name} | 目标 {i.target.text}{actual}{figures}")
        if p.total_score is not None:
            print(f"    总分 {_fmt(p.total_score)}  评分等级 {_fmt(p.grade)}")
        if not is_complete(p):
            print(TEXT["unread_project"].format(missing="；".join(missing_phrases(p))))
    if doc.tables_seen > doc.tables_read:
        n = doc.tables_seen - doc.tables_read
        print(TEXT["unread_forms"].format(seen=doc.tables_seen, read=doc.tables_read, n=n))
    for first, where, n in warning_groups(doc.warnings):
        # The parser's grouped messages often say the place themselves (第1–9行中有 7 行…): not twice.
        place = "" if where in first.message else f"{where}，"
        print(TEXT["warning_group"].format(message=first.message, where=place, n=n))
        if first.text:
            print(TEXT["warning_text"].format(text=first.text[:60]))


def cmd_parse(args: argparse.Namespace) -> int:
    docs, refused = read_documents(args.files, _settings(args))
    for r in refused:
        _err(r.message)
    if args.json:
        payload: dict = {"documents": [to_jsonable(d) for d in docs]}
        if refused:
            payload["refused"] = [to_jsonable(r) for r in refused]
        _print_json(payload)
    else:
        for d in docs:
            _print_document(d)
    return 2 if refused else 0


# ---------------------------------------------------------------------------------------------
# ingest / search / mentions


def _open_index(args: argparse.Namespace, create: bool = False):
    from index.store import Index

    return Index.open(_index_dir(args), settings=_settings(args), create=create)


def cmd_ingest(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from qa import service

    settings = _settings(args)
    started = time.perf_counter()
    bar = tqdm(total=0, unit="段", desc="嵌入", disable=args.quiet or not sys.stderr.isatty())

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    if args.ray is not None:
        index, result, docs, refused = _ingest_on_ray(args, settings, progress)
    else:
        docs, refused = read_documents(args.paths, settings)
        for r in refused:
            _err(r.message)
        index = _open_index(args, create=True)
        # Refused files are recorded, so that lists and answers over the index can say they exist and why.
        result = service.ingest(index, docs, refused, progress=progress)
    bar.close()
    elapsed = time.perf_counter() - started
    print(
        f"已导入 {len(result.added)} 个、替换 {len(result.replaced)} 个、未变化 {len(result.unchanged)} 个文件；"
        f"失败 {len(refused)} 个；共 {len(index.projects())} 个项目；用时 {elapsed:.1f} 秒；索引目录 {index.directory}"
    )
    pieces = coverage_of(docs, refused).pieces()
    if pieces:
        print(TEXT["ingest_unread"].format(pieces="、".join(pieces)))
    return 2 if refused else 0


def _ingest_on_ray(
    args: argparse.Namespace, settings: Settings, progress: Any
) -> tuple[Any, Any, list, list]:
    """`ingest --ray`: files parsed and embedded on Ray (qa.cluster), the index written here; each file said
    as it is read, a refused one with why."""
    from qa import cluster

    def on_file(done: int, total: int, path: str, refusal: RefusedFile | None) -> None:
        if refusal is not None:
            _err(refusal.message)
        elif not args.quiet:
            sys.stderr.write(f"\r{TEXT['ray_file'].format(done=done, total=total, name=Path(path).name)}\n")

    address = None if args.ray == "local" else args.ray
    done = cluster.ingest(
        _index_dir(args),
        args.paths,
        settings,
        address=address,
        workers=args.workers,
        on_file=on_file,
        progress=progress,
    )
    return done.index, done.result, done.documents, done.refused


def cmd_remove(args: argparse.Namespace) -> int:
    index = _open_index(args)
    if index.remove(args.document):
        print(f"已从索引移除 {args.document}")
        return 0
    _err(f"索引中没有文件 {args.document}")
    return 2


def cmd_search(args: argparse.Namespace) -> int:
    index = _open_index(args)
    hits = index.search(args.query, k=args.k)
    if args.json:
        _print_json(
            {
                "query": args.query,
                "hits": [
                    {
                        "project": h.project.name,
                        "document": h.document.name,
                        "kind": h.passage.kind,
                        "text": h.passage.text,
                        "source": to_jsonable(h.source),
                        "lexical_score": h.lexical_score,
                        "dense_score": h.dense_score,
                        "fused_score": h.fused_score,
                    }
                    for h in hits
                ],
            }
        )
        return 0
    for n, h in enumerate(hits, 1):
        print(f"{n:>2}. [{h.project.name}] {h.passage.text[:80]}")
        print(f"    {h.source.cite()}  词法 {h.lexical_score:.3f} 语义 {h.dense_score:.3f} 融合 {h.fused_score:.4f}")
    return 0


def cmd_mentions(args: argparse.Namespace) -> int:
    index = _open_index(args)
    found = index.mentions(args.topic)
    # Where a text was not read, "no project mentions it" is not known: say so beside the list.
    note = unread_note(index.documents(), index.refused())
    if args.json:
        _print_json(
            {
                "topic": args.topic,
                "note": note,
                "projects": [
                    {
                        "name": m.name,
                        "document": m.document.name,
                        "passages": [
                            {"text": p.text, "source": to_jsonable(p.source), "match": p.match, "reason": p.reason}
                            for p in m.passages
                        ],
                    }
                    for m in found
                ],
            }
        )
        return 0
    from qa.ask.render import PAGE_SIZE, Paging

    print(f"提到“{args.topic}”的项目共 {len(found)} 个：")
    # A person reads a page at a time: --page N for the next, --all (or --json) for every project.
    shown, more = Paging(None if args.all else PAGE_SIZE, args.page).page(found, "个项目")
    for m in shown:
        print(f"  【{m.name}】 {m.document.name}")
        for p in m.passages:
            print(f"     ［{p.reason}］ {p.source.cite()}  {p.text[:70]}")
    if more:
        print(more)
    if note:
        print(note)
    return 0


# ---------------------------------------------------------------------------------------------
# check / ask / serve


def _index_empty(review: Any, directory: Path) -> int:
    """An index without documents: nothing was checked, said as such (never 未发现问题)."""
    _err(TEXT["index_empty"].format(directory=directory))
    if review.refused:
        _err(TEXT["index_refused"].format(n=len(review.refused), names="、".join(r.name for r in review.refused)))
    return 2


def cmd_check(args: argparse.Namespace) -> int:
    from qa import service
    from qa.report import findings_json, text_report, write_xlsx

    settings = _settings(args)
    refused: list[RefusedFile] = []
    if args.paths:
        docs, refused = read_documents(args.paths, settings)
        for r in refused:
            _err(r.message)
        embedder, why = service.embedder_or_none(settings)
        if why:
            _err(f"语义规则将仅用词语匹配：{why}")
        findings = service.check(docs, settings, embedder)
        marks: dict = {}
        refused_shown = refused
    else:
        index = _open_index(args)
        review = service.review(index, settings)
        if not review.documents:
            return _index_empty(review, index.directory)
        docs, findings, marks, refused_shown = review.documents, review.findings, review.marks, review.refused
    if args.xlsx:
        write_xlsx(findings, args.xlsx, marks=marks, documents=docs, settings=settings)
    if args.json:
        payload = findings_json(findings, marks=marks, documents=docs, settings=settings)
        if refused_shown:
            payload["refused"] = [to_jsonable(r) for r in refused_shown]
        _print_json(payload)
    elif not args.xlsx or args.paths:
        sys.stdout.write(text_report(findings, documents=docs, settings=settings, refused=refused_shown))
    if refused:
        return 2
    order = {"info": 0, "warning": 1, "error": 2}
    if args.fail_on and any(order[f.severity] >= order[args.fail_on] for f in findings):
        return 1
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from qa import service
    from qa.report import (
        batch_summary,
        findings_json,
        summary_json,
        summary_text,
        verdict_lines,
        write_report_xlsx,
    )
    from qa.verdict import document_verdicts

    settings = _settings(args)
    index = _open_index(args)
    # The same findings as `check --index` and the app: every rule, with the index's model.
    review = service.review(index, settings)
    if not review.documents:
        return _index_empty(review, index.directory)
    docs, findings, marks, refused, verdicts = (review.documents, review.findings, review.marks, review.refused,
                                                review.verdicts)
    summary = batch_summary(docs, findings, verdicts, marks, refused)
    if args.xlsx:
        write_report_xlsx(docs, findings, args.xlsx, marks=marks, settings=settings, refused=refused)
    if args.json:
        _print_json({"summary": summary_json(summary), **findings_json(findings, marks, docs, settings)})
        return 0
    lines = [
        "汇总",
        summary_text(summary),
        "",
        *verdict_lines(verdicts, document_verdicts(docs, verdicts), settings, refused),
    ]
    if args.xlsx:
        lines += ["", f"已写入 {args.xlsx}：汇总、问题清单 {len(findings)} 条、项目结论 {len(verdicts)} 个项目"]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _read_questions(path: str) -> list[str]:
    text = Path(path).read_text(encoding="utf-8-sig")
    questions = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            questions.append(json.loads(line)["question"])
        else:
            questions.append(line)
    return questions


def cmd_ask(args: argparse.Namespace) -> int:
    from qa.ask import answer_to_json, ask, format_answer
    from qa.ask.render import PAGE_SIZE

    index = _open_index(args)
    # JSON is complete; a person reads a page of a long list (--page N), or all of it with --all.
    size = None if args.all or args.json else PAGE_SIZE
    if args.batch:
        for q in _read_questions(args.batch):
            answer = ask(q, index, page_size=size, page=args.page)
            if args.json:
                sys.stdout.write(json.dumps(answer_to_json(answer), ensure_ascii=False) + "\n")
            else:
                sys.stdout.write(f"问：{q}\n{format_answer(answer)}\n\n")
            sys.stdout.flush()
        return 0
    if not args.question:
        _err("请给出问题，或用 --batch FILE 批量提问")
        return 2
    answer = ask(args.question, index, page_size=size, page=args.page)
    if args.json:
        _print_json(answer_to_json(answer))
    else:
        sys.stdout.write(format_answer(answer) + "\n")
    return 0


def parse_auth(given: str | None) -> tuple[str, str] | None:
    """`user:pass` -> (user, pass); None when not given.

    Raises:
        JixiaoError: no colon, or an empty user name or password (an empty password is no login at all).
    """
    if given is None:
        return None
    if ":" not in given:
        raise JixiaoError(TEXT["auth_form"].format(given=given))
    user, password = given.split(":", 1)
    if not user.strip() or not password:
        raise JixiaoError(TEXT["auth_empty"].format(given=given))
    return user, password


def cmd_serve(args: argparse.Namespace) -> int:
    auth = parse_auth(args.auth)  # before anything is loaded: a bad --auth ends in one line, exit 2
    if args.host not in ("127.0.0.1", "localhost", "::1") and not auth and not args.insecure:
        _err(f"在 {args.host} 上对外提供服务必须设置 --auth 用户名:密码（或明确加 --insecure）")
        return 2
    import app

    app.serve(index_dir=_index_dir(args), settings=_settings(args), host=args.host, port=args.port, auth=auth)
    return 0


# ---------------------------------------------------------------------------------------------


def paging_options(p: argparse.ArgumentParser) -> None:
    """--all and --page of the commands whose answer can list thousands of projects."""
    p.add_argument("--all", action="store_true", help="列出全部项目（默认每页 20 个，先给出总数）")
    p.add_argument("--page", type=int, default=1, metavar="N", help="列出第 N 页（默认第 1 页）")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jixiao",
        description="绩效：读取、检索、问答和核查财政项目支出绩效自评表与绩效目标申报表。",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common_index(p: argparse.ArgumentParser) -> None:
        p.add_argument("--index", help=f"索引目录（默认 {default_index_dir()}，可用环境变量 JIXIAO_INDEX 设置）")
        p.add_argument("--model", help="sentence-transformers 模型名或路径（默认内置离线 e5-small）")

    p = sub.add_parser("parse", help="解析文档并显示项目、资金和指标", description="解析文档并显示项目、资金和指标。")
    p.add_argument("files", nargs="+", metavar="FILE", help="txt/md/pdf/xlsx/xls/docx 文件或目录")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("ingest", help="解析文档并加入索引", description="解析文档并加入索引（同一文件重复导入不变，修改过的文件会替换）。")
    p.add_argument("paths", nargs="+", metavar="PATH", help="文件或目录")
    p.add_argument("--quiet", action="store_true", help="不显示进度条")
    p.add_argument(
        "--ray",
        nargs="?",
        const="local",
        metavar="ADDRESS",
        help="在 Ray 集群上解析和嵌入（需 pip install 'jixiao[cluster]'）：不给地址则在本机启动 2 核的 Ray；"
        "auto 或 主机:端口 连接已启动的集群（ray start --head）。索引仍由本进程写入",
    )
    p.add_argument("--workers", type=int, help="与 --ray 同用：嵌入进程数（默认且至多为集群的 CPU 数）")
    common_index(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("remove", help="从索引中移除一个文件", description="按路径、文件名或 sha256 从索引中移除一个文件。")
    p.add_argument("document", help="文件路径、文件名或 sha256")
    common_index(p)
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("search", help="混合检索（词法+语义）", description="词法（BM25）与语义检索结果按倒数排名融合。")
    p.add_argument("query", help="检索内容")
    p.add_argument("-k", type=int, default=10, help="返回条数（默认 10）")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    common_index(p)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("mentions", help="列出提到某主题的全部项目", description="列出提到某主题的全部项目（不截断），并给出依据段落。")
    p.add_argument("topic", help="主题，如 碳市场")
    p.add_argument("--json", action="store_true", help="输出 JSON（完整列表）")
    paging_options(p)
    common_index(p)
    p.set_defaults(func=cmd_mentions)

    p = sub.add_parser("check", help="一致性核查（可作为提交前预审）", description="对文档或索引运行全部核查规则。")
    p.add_argument("paths", nargs="*", metavar="PATH", help="要核查的文件或目录；不给则核查 --index 中的全部文档")
    p.add_argument("--json", action="store_true", help='输出 JSON {"findings": [...]}')
    p.add_argument("--xlsx", metavar="OUT", help="导出 Excel，每条问题一行")
    p.add_argument("--fail-on", choices=["error", "warning"], help="存在该级别及以上的问题时退出码为 1")
    common_index(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "report",
        help="整批汇总报告：汇总、问题清单、项目结论",
        description="对索引中的全部文档运行核查，输出汇总（文件、项目、资金、平均自评总分、可提交率、问题统计）"
        "和每个项目的结论（状态、健康分）；--xlsx 写出含“汇总”“问题清单”“项目结论”三张表的 Excel。",
    )
    p.add_argument("--xlsx", metavar="OUT", help="导出 Excel：汇总、问题清单（每条问题一行）、项目结论（每个项目一行）")
    p.add_argument("--json", action="store_true", help='输出 JSON {"summary": ..., "findings": [...], "verdicts": ...}')
    common_index(p)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("ask", help="用中文提问，得到带出处的答案", description="用中文提问，得到带出处的精确答案。")
    p.add_argument("question", nargs="?", help="问题，如 执行率最低的项目是哪个？")
    p.add_argument("--batch", metavar="FILE", help="问题文件：每行一个问题，或 JSON 行（含 question 字段）")
    p.add_argument("--json", action="store_true", help="输出 JSON（批量时每行一个答案；完整列表）")
    paging_options(p)
    common_index(p)
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("serve", help="启动网页界面", description="启动 Gradio 网页界面。")
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    p.add_argument("--port", type=int, default=7860, help="端口（默认 7860）")
    p.add_argument("--auth", metavar="USER:PASS", help="登录用户名:密码")
    p.add_argument("--insecure", action="store_true", help="允许无登录对外监听（不推荐）")
    common_index(p)
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except JixiaoError as exc:
        _err(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        _err("已中断；索引保持中断前的状态，可重新运行")
        return 130


if __name__ == "__main__":
    sys.exit(main())
