"""The 问答 tab: a question, example questions and the answer with its citations."""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from qa.ask import ask
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


def layout() -> AskTab:
    """The tab's components (inside its gr.Tab)."""
    with gr.Row():
        question = gr.Textbox(label="问题", placeholder="例如：执行率最低的项目是哪个？", scale=5, elem_id="question")
        ask_button = gr.Button("提问", variant="primary", scale=1, elem_id="ask-button")
    gr.Examples(EXAMPLE_QUESTIONS, inputs=question, label="示例问题")
    answer = gr.HTML(elem_id="answer")
    return AskTab(question, ask_button, answer)


class AskHandlers:
    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    @friendly
    def on_ask(self, q: str) -> str:
        if not q or not q.strip():
            raise gr.Error("请输入问题，例如：执行率最低的项目是哪个？")
        return answer_html(ask(q.strip(), self.workspace.index), self.workspace.documents())


def wire(tab: AskTab, handlers: AskHandlers) -> None:
    tab.ask_button.click(handlers.on_ask, tab.question, tab.answer)
    tab.question.submit(handlers.on_ask, tab.question, tab.answer)
