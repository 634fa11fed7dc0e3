"""The acceptance gate of one conversation (whitepaper 4.3): the six metrics of Table 1, thresholds from the seed's
`metricas_calidad` (Table 1 defaults where the seed leaves one out), one explainable Verdict."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from scsf.domains import DomainPack, DomainRegistry
from scsf.errors import ScsfError
from scsf.eval.base import (
    COHERENCIA_DIALOGO, DIVERSIDAD_LEXICA, FIDELIDAD_FACTUAL, MEMORIZACION, PRIVACY_SCORE, ROUGE_L, THRESHOLD_FIELDS,
    Verdict,
)  # fmt: skip
from scsf.eval.coherence import dialogue_coherence
from scsf.eval.dialogue import dialogue
from scsf.eval.diversity import lexical_diversity
from scsf.eval.fidelity import Claim, claims_from_dialogue, factual_fidelity, seed_references, tool_references
from scsf.eval.memorization import memorization_not_measured
from scsf.eval.privacy import TextScanner, privacy_score
from scsf.eval.rouge import structural_coherence
from scsf.eval.stages import KeywordStageLabeller, StageLabeller
from scsf.seeds.conversation import Conversation
from scsf.seeds.schema import Seed


class EvaluationError(ScsfError):
    """A conversation cannot be evaluated against the seed given (another seed, an unknown domain)."""

    title = "evaluation"


class ClaimJudge(Protocol):
    """A judge model: the verifiable claims of a conversation, each already checked (`supported`) or carrying the
    values factual fidelity compares with the seed's and the tools' references."""

    def __call__(self, conversation: Conversation, seed: Seed, pack: DomainPack) -> Sequence[Claim]: ...


class Evaluator:
    """Scores conversations against their seeds. `labeller` replaces the keyword stage labeller (a model-based one);
    `judge` adds a judge model's claims to the deterministic ones of factual fidelity."""

    def __init__(
        self,
        scanner: TextScanner,
        domains: DomainRegistry,
        labeller: StageLabeller | None = None,
        judge: ClaimJudge | None = None,
    ) -> None:
        self.scanner = scanner
        self.domains = domains
        self.labeller = labeller or KeywordStageLabeller()
        self.judge = judge

    def evaluate(self, conversation: Conversation, seed: Seed, judge_claims: Sequence[Claim] = ()) -> Verdict:
        """All six metrics; `judge_claims` (from a judge model) are checked beside the deterministic ones."""
        if conversation.seed_id != seed.seed_id:
            raise EvaluationError(
                f"conversation {conversation.conversation_id}: seed_id {conversation.seed_id} is not seed {seed.seed_id}"
            )
        pack = self.domains.get(seed.dominio)
        turns = dialogue(conversation, pack)
        generation = conversation.generation

        def threshold(metric: str) -> float:
            return seed.metricas_calidad.threshold(THRESHOLD_FIELDS[metric])

        references = seed_references(seed) + tool_references(generation.get("tools") or [])
        if self.judge is not None:
            judge_claims = [*judge_claims, *self.judge(conversation, seed, pack)]
        claims = claims_from_dialogue(turns) + list(judge_claims)
        results = [
            structural_coherence(
                turns, pack, seed.parametros_factuales.flujo_esperado, threshold(ROUGE_L), self.labeller,
                generation.get("stage_plan"),
            ),
            factual_fidelity(claims, references, threshold(FIDELIDAD_FACTUAL)),
            lexical_diversity([turn.text for turn in turns], threshold(DIVERSIDAD_LEXICA)),
            dialogue_coherence(turns, seed, pack, threshold(COHERENCIA_DIALOGO)),
            privacy_score(turns, self.scanner, threshold(PRIVACY_SCORE)),
            memorization_not_measured(threshold(MEMORIZACION)),
        ]  # fmt: skip
        return Verdict.from_results(conversation.conversation_id, results)
