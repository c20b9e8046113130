# Two commands set everything up: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install browser lint clean bench

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# torch first, pinned: the CPU build on local disk (otherwise pip pulls a multi-GB CUDA build).
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[test,cluster]'
	@# OpenCV (the OCR's, from rapidocr-onnxruntime) loads libGL and GLib: Debian's, where the machine lacks them.
	@$(BIN)/python -c "import cv2" 2>/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libgl1 libglib2.0-0 >/dev/null)
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium for the browser test (no browser download); WenQuanYi Zen Hei, a CJK TrueType
# font at a fixed path, for the PDFs the reader tests draw.
browser:
	@command -v chromium >/dev/null 2>&1 && test -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk fonts-wqy-zenhei >/dev/null)

run: install
	$(BIN)/jixiao ingest corpus/samples
	$(BIN)/jixiao serve

test: install browser
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .jixiao
