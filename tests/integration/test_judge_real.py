"""LlmJudge through llama.cpp with the real 0.5B test model (1 thread) on a faithful and an unfaithful hand-written
conversation of listing 1's seed: the constrained answer parses into claims and the acceptance gate runs with them.

Per conversation the judge asks 1 whole-dialogue question, 8 speaker questions and, on the 4 assistant turns, the
pack's question of each of the seed's 2 restrictions: 17 calls. Measured (greedy, judge-v3): the 0.5B names only the
customer's sedán compacto (a catalogue product, left to the deterministic check), gives every turn to its own side
and answers no restriction question with the contradicting answer, on both conversations (it misses the unfaithful
one's demanded guarantor).
Asserted: the calls, no fail-closed claim, turns that exist, the faithful one kept and the unfaithful one rejected
(its 35 % and 60 months are caught without the judge too).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from scsf.domains import DomainRegistry
from scsf.eval.evaluator import Evaluator
from scsf.eval.judge import LlmJudge
from scsf.generation.backends.llamacpp import LlamaCppBackend

sys.path.insert(0, str(Path(__file__).parents[1] / "unit"))
from eval_cases import FAITHFUL, NoPii, conversation, make_seed

pytestmark = pytest.mark.model

UNFAITHFUL = list(FAITHFUL)
UNFAITHFUL[3] = ("agente_ventas", "Le propongo el Zentra GT con enganche del 35 % y plazo de 60 meses.")
UNFAITHFUL[5] = ("agente_ventas", "Sin historial crediticio no se puede; necesitará un aval con buen historial.")


def test_real_judge_answers_parse_into_claims_and_the_gate_runs(small_model: LlamaCppBackend) -> None:
    domains = DomainRegistry.load()
    seed = make_seed(domains)
    judge = LlmJudge(small_model)
    claims = []

    def recording(conversation, seed, pack):
        judged = judge(conversation, seed, pack)
        claims.extend(judged)
        return judged

    evaluator = Evaluator(NoPii(), domains, judge=recording)
    accepted = evaluator.evaluate(conversation(seed, FAITHFUL), seed)
    rejected = evaluator.evaluate(conversation(seed, UNFAITHFUL, conversation_id="conv-2"), seed)
    assert judge.usage.calls == 2 * 17 and judge.usage.failed == 0 and judge.usage.completion_tokens > 0
    assert all(claim.kind != "juez" and 1 <= claim.turn <= len(FAITHFUL) for claim in claims)
    assert accepted.result("fidelidad_factual").passed, accepted.reasons
    assert not rejected.result("fidelidad_factual").passed  # 35 % and 60 months: caught without the judge too
