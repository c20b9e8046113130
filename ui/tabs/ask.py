"""The 问答 tab: a question, example questions and the answer with its citations."""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from qa.ask import ask
from qa.ask.render import PAGE_SIZE
from ui.answer import answer_html
from ui.tabs import friendly
from ui.workspace import Workspace

# Questions that make sense for any corpus (no project or indicator of the bundled samples).
EXAMPLE_QUESTIONS = [
    "执行率最低的项目是哪个？",
    "哪些项目有未达成的指标？",
    "哪些项目扣分没写原因？",
    "总分低于95分的项目有哪些？",
    "年度资金申请总额合计是多少？",
    "哪些项目提到满意度？",
]


@dataclass
class AskTab:
    question: gr.Textbox
    ask_button: gr.Button
    answer: gr.HTML
    page: gr.Number
    next_page: gr.Button


def layout() -> AskTab:
    """The tab's components (inside its gr.Tab)."""
    with gr.Row():
        question = gr.Textbox(label="问题", placeholder="例如：执行率最低的项目是哪个？", scale=5, elem_id="question")
        ask_button = gr.Button("提问", variant="primary", scale=1, elem_id="ask-button")
    gr.Examples(EXAMPLE_QUESTIONS, inputs=question, label="示例问题")
    answer = gr.HTML(elem_id="answer")
    # A list of thousands of projects is answered with its count and one page; the rest page by page.
    with gr.Row():
        page = gr.Number(value=1, precision=0, minimum=1, label="页", scale=1, elem_id="answer-page")
        next_page = gr.Button("下一页", scale=1, elem_id="next-page")
    return AskTab(question, ask_button, answer, page, next_page)


class AskHandlers:
    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    @friendly
    def on_ask(self, q: str, page: float | None = 1) -> str:
        if not q or not q.strip():
            raise gr.Error("请输入问题，例如：执行率最低的项目是哪个？")
        answer = ask(q.strip(), self.workspace.index, page_size=PAGE_SIZE, page=int(page or 1))
        return answer_html(answer, self.workspace.documents())

    def on_page(self, q: str, page: float | None) -> str:
        return self.on_ask(q, page)

    def on_next(self, q: str, page: float | None) -> tuple[str, int]:
        nxt = int(page or 1) + 1
        return self.on_ask(q, nxt), nxt


def _first_page() -> int:
    return 1


def wire(tab: AskTab, handlers: AskHandlers) -> None:
    # A new question starts at its first page.
    tab.ask_button.click(handlers.on_ask, tab.question, tab.answer).then(_first_page, None, tab.page)
    tab.question.submit(handlers.on_ask, tab.question, tab.answer).then(_first_page, None, tab.page)
    tab.page.submit(handlers.on_page, [tab.question, tab.page], tab.answer)
    tab.next_page.click(handlers.on_next, [tab.question, tab.page], [tab.answer, tab.page])
