"""The benchmark corpus generator behind bench/generate.py: vocabulary, the seeded generator, the forms' text."""

from __future__ import annotations
