"""Text ROUGE-L of a generated conversation against its reference: the real (imported, redacted) conversation its
seed was extracted from (`seeds extract`), where one exists.

It is shown, never gated on. Structural coherence (`scsf.eval.rouge`) already measures what the seed asks for; a
synthetic conversation close in wording to the real one it came from is a privacy risk, not a quality, so a high
score here is no merit and a low one no fault. The memorization audit owns that risk; this score only lets an
auditor see how near each conversation stays to its source (`quality RUN_ID`).

The reference is stored redacted: a PII finding replaced by its type in brackets (`[PERSON]`, `[PHONE_NUMBER]`,
`scsf.privacy.redact`, mode `redact`) would count as one or two words that no generated turn says, so those
placeholders are left out of the reference's tokens (`placeholders_left_out` says how many). Masked findings
(`***`) have no word tokens; pseudonymised ones read as real words and stay."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scsf.eval.dialogue import DialogueTurn
from scsf.eval.rouge import text_rouge_l

PLACEHOLDER = re.compile(r"\[[A-Z]+(?:_[A-Z]+)*\]")
"""A redacted finding: its entity type in brackets, as `scsf.privacy.redact.redact_text` writes it."""


@dataclass(frozen=True)
class Reference:
    """The message turns of the real conversation a seed was extracted from, one text a line."""

    conversation_id: str
    text: str


def reference_rouge_l(turns: Sequence[DialogueTurn], reference: Reference) -> dict[str, Any]:
    """The `text_rouge_l` details of the `rouge_l` result: F-measure of the dialogue's message turns (one text a
    line, as the reference) against the reference text without its redaction placeholders, which conversation that
    was, and how many placeholders were left out."""
    candidate = "\n".join(turn.text for turn in turns)
    text, placeholders = PLACEHOLDER.subn(" ", reference.text)
    return {
        "fmeasure": round(text_rouge_l(candidate, text), 4),
        "reference_conversation_id": reference.conversation_id,
        "placeholders_left_out": placeholders,
    }
