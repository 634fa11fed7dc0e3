"""Text ROUGE-L of a generated conversation against its reference: the real (imported, redacted) conversation its
seed was extracted from (`seeds extract`), where one exists.

It is shown, never gated on. Structural coherence (`scsf.eval.rouge`) already measures what the seed asks for; a
synthetic conversation close in wording to the real one it came from is a privacy risk, not a quality, so a high
score here is no merit and a low one no fault. The memorization audit owns that risk; this score only lets an
auditor see how near each conversation stays to its source (`quality RUN_ID`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scsf.eval.dialogue import DialogueTurn
from scsf.eval.rouge import text_rouge_l


@dataclass(frozen=True)
class Reference:
    """The message turns of the real conversation a seed was extracted from, one text a line."""

    conversation_id: str
    text: str


def reference_rouge_l(turns: Sequence[DialogueTurn], reference: Reference) -> dict[str, Any]:
    """The `text_rouge_l` details of the `rouge_l` result: F-measure of the dialogue's message turns (one text a
    line, as the reference) against the reference text, and which conversation that was."""
    candidate = "\n".join(turn.text for turn in turns)
    return {
        "fmeasure": round(text_rouge_l(candidate, reference.text), 4),
        "reference_conversation_id": reference.conversation_id,
    }
