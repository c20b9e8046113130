"""One module per tab: its components (`layout`), its handlers and its wiring (no handler of another tab)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

import gradio as gr

from corpus.errors import JixiaoError

log = logging.getLogger("jixiao.app")


def friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Library errors become a gr.Error with their own message; anything else a sentence that says what to do."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except JixiaoError as exc:
            raise gr.Error(str(exc)) from exc
        except Exception as exc:
            log.exception("handler %s failed", fn.__name__)
            raise gr.Error(
                f"处理时出错（{type(exc).__name__}）。请重试；若仍出错，请把服务器终端中的错误信息发给维护人员。"
            ) from exc

    return wrapper
