"""LlmJudge: the judge model of factual fidelity (whitepaper 4.3). One constrained call per conversation reads what
the dialogue asserts (values, products, restrictions, role swaps, see `judge_prompt`); code turns the answer into
Claims and decides their support (`judge_claims`).

An answer that is not JSON of the schema, or names turns or restrictions that do not exist, is asked again, sampled,
up to `max_attempts`; when none is valid the judge fails closed: one unsupported claim of kind `juez`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from scsf.domains import DomainPack
from scsf.errors import GenerationError
from scsf.eval.dialogue import DialogueTurn, dialogue
from scsf.eval.fidelity import Claim
from scsf.eval.judge_claims import Reported, product_claims, restriction_claims, role_claims, value_claims
from scsf.eval.judge_prompt import CONTRADICTED, HONOURED, KINDS, NOT_MENTIONED, answer_schema, judge_messages
from scsf.generation.backends.base import Backend, attempt_request
from scsf.seeds.conversation import Conversation
from scsf.seeds.schema import Seed
from scsf.validation import describe_first_error


class _Slot(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Value(_Slot):
    turno: int
    valor: float


class _Product(_Slot):
    turno: int
    nombre: str


class _State(_Slot):
    estado: str
    turno: int


class JudgeAnswer(_Slot):
    """The judge's answer as the schema of `judge_prompt.answer_schema` shapes it."""

    valores: dict[str, _Value | None]
    productos: list[_Product]
    restricciones: dict[str, _State]
    cambio_rol: list[int]


@dataclass
class JudgeUsage:
    """What the judge has cost so far: conversations judged, model calls, failures (fail-closed), tokens, seconds."""

    conversations: int = 0
    calls: int = 0
    failed: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0


def parse_answer(text: str, turn_count: int, restrictions: list[str]) -> JudgeAnswer:
    """The answer in `text`. Raises ValueError (saying what is wrong) for anything the schema does not allow."""
    try:
        answer = JudgeAnswer.model_validate(json.loads(text))
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc.msg}") from exc
    except ValidationError as exc:
        raise ValueError(describe_first_error(exc)) from exc
    values = [value for value in answer.valores.values() if value is not None]
    turns = [item.turno for item in [*values, *answer.productos, *answer.restricciones.values()]]
    bad_turns = sorted({turn for turn in [*turns, *answer.cambio_rol] if not 1 <= turn <= turn_count})
    if bad_turns:
        raise ValueError(f"turns {bad_turns} do not exist (the dialogue has {turn_count})")
    if sorted(answer.valores) != sorted(KINDS):
        raise ValueError(f"valores must have exactly the kinds {list(KINDS)}")
    if sorted(answer.restricciones) != sorted(restrictions):
        raise ValueError(f"restricciones must be exactly {restrictions}")
    if bad := sorted({s.estado for s in answer.restricciones.values()} - {HONOURED, CONTRADICTED, NOT_MENTIONED}):
        raise ValueError(f"restricciones estado {bad} not allowed")
    return answer


class LlmJudge:
    """A ClaimJudge backed by a model: greedy first (`temperature`), then sampled retries."""

    def __init__(
        self,
        backend: Backend,
        *,
        max_attempts: int = 2,
        max_tokens: int = 400,
        temperature: float = 0.0,
        sampling_seed: int = 20261127,
    ) -> None:
        self.backend = backend
        self.max_attempts = max_attempts
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.sampling_seed = sampling_seed
        self.usage = JudgeUsage()

    @property
    def model_name(self) -> str:
        return str(self.backend.model_info.get("name", self.backend.name))

    def __call__(self, conversation: Conversation, seed: Seed, pack: DomainPack) -> list[Claim]:
        turns = dialogue(conversation, pack)
        tools = conversation.generation.get("tools") or []
        self.usage.conversations += 1
        answer, failure = self._answer(turns, seed, pack, tools)
        if answer is None:
            self.usage.failed += 1
            label = (
                f"the judge model {self.model_name} gave no valid answer in {self.max_attempts} attempts ({failure})"
            )
            return [Claim(0, "juez", (), label, False)]
        values = [(value.turno, kind, value.valor) for kind, value in answer.valores.items() if value is not None]
        products = [Reported(product.turno, product.nombre) for product in answer.productos]
        states = {name: Reported(state.turno, state.estado) for name, state in answer.restricciones.items()}
        return [
            *value_claims(values, turns, seed, tools),
            *product_claims(products, turns, seed, tools),
            *restriction_claims(states, turns),
            *role_claims(answer.cambio_rol, turns, pack),
        ]

    def _answer(
        self, turns: list[DialogueTurn], seed: Seed, pack: DomainPack, tools: list[dict[str, Any]]
    ) -> tuple[JudgeAnswer | None, str]:
        """The first valid answer, or None and why the last attempt failed."""
        restrictions = list(seed.parametros_factuales.restricciones)
        schema = answer_schema(len(turns), restrictions)
        messages = judge_messages(turns, seed, pack, tools)
        failure = "no attempt"
        for attempt in range(1, self.max_attempts + 1):
            request = attempt_request(
                self.backend, messages, schema, attempt=attempt, max_tokens=self.max_tokens,
                seed=self.sampling_seed, temperature=self.temperature,
            )  # fmt: skip
            self.usage.calls += 1
            try:
                completion = self.backend.complete(request)
            except GenerationError as exc:
                failure = f"attempt {attempt}: {exc.msg}"
                continue
            self.usage.completion_tokens += completion.completion_tokens
            self.usage.seconds += completion.seconds
            try:
                return parse_answer(completion.text, len(turns), restrictions), ""
            except ValueError as exc:
                cut = " (cut at max_tokens)" if completion.finish_reason == "length" else ""
                failure = f"attempt {attempt}: {exc}{cut}"
        return None, failure
