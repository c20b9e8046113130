"""The rules the generator plants, by the level they are keyed on."""

from __future__ import annotations

# The rules planted, by the level they are keyed on. Project-level rules carry indicator None.
# Some plants carry a second finding by nature: deviation-unexplained comes with a target-not-met planted
# without a note, score-out-of-band with a score above the weight of a 达成指标 row; markup-residue with
# every declaration of a document whose goal cells keep their <p> tags.
INDICATOR_RULES_SELF = (
    "target-not-met",
    "deviation-unexplained",
    "score-exceeds-weight",
    "score-out-of-band",
    "note-contradicts-value",
)
INDICATOR_RULES_DECL = ("vague-target",)
PROJECT_RULES_SELF = ("total-mismatch", "execution-rate-mismatch")
PROJECT_RULES_DECL = ("funding-mismatch", "markup-residue")
# Units a note's 实际完成 N 份 can be read in (the count families of the forms).
NOTE_UNITS = ("份", "次", "家", "人次", "台", "项", "个")
PLANTED_RULES = INDICATOR_RULES_SELF + INDICATOR_RULES_DECL + PROJECT_RULES_SELF + PROJECT_RULES_DECL
PROJECT_LEVEL_RULES = PROJECT_RULES_SELF + PROJECT_RULES_DECL
