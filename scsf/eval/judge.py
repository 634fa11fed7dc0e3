"""LlmJudge: the judge model of factual fidelity (whitepaper 4.3). One constrained call per conversation reads the
values and products the dialogue states (`judge_prompt`); short calls about one message turn each say who would
say it and, on the assistant side, answer the domain pack's question of each seed restriction it can check
(`judge_questions`). Code turns the answers into Claims and decides their support (`judge_claims`).

An answer that is not JSON of the schema, or names turns or roles that do not exist, is asked again,
sampled, up to `max_attempts`; when none is valid the judge fails closed: one unsupported claim of kind `juez`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from scsf.domains import DomainPack
from scsf.errors import GenerationError
from scsf.eval.dialogue import dialogue
from scsf.eval.fidelity import Claim
from scsf.eval.judge_claims import Reported, contradiction_claims, product_claims, role_claims, value_claims
from scsf.eval.judge_prompt import KINDS, answer_schema, judge_messages
from scsf.eval.judge_questions import restriction_question, restriction_schema, speaker_question, speaker_schema
from scsf.generation.backends.base import Backend, attempt_request
from scsf.seeds.conversation import Conversation
from scsf.seeds.schema import Seed
from scsf.validation import describe_first_error


class _Slot(BaseModel):
    model_config = ConfigDict(extra="forbid")


Answer = TypeVar("Answer", bound=_Slot)


class _Value(_Slot):
    turno: int
    valor: float


class _Product(_Slot):
    turno: int
    nombre: str


class JudgeAnswer(_Slot):
    """The whole-dialogue answer as the schema of `judge_prompt.answer_schema` shapes it."""

    valores: dict[str, _Value | None]
    productos: list[_Product]


class SpeakerAnswer(_Slot):
    """Who says a turn, as `judge_questions.speaker_schema` shapes it."""

    habla: str


class FactAnswer(_Slot):
    """The answer to a restriction's question, as `judge_questions.restriction_schema` shapes it."""

    respuesta: Literal["si", "no", "no_lo_dice"]


@dataclass
class JudgeUsage:
    """What the judge has cost so far: conversations judged, model calls, failures (fail-closed), tokens, seconds."""

    conversations: int = 0
    calls: int = 0
    failed: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0


def parse_answer(text: str, turn_count: int) -> JudgeAnswer:
    """The whole-dialogue answer in `text`. Raises ValueError (saying what is wrong) for anything the schema does not
    allow."""
    answer = _validated(JudgeAnswer, text)
    values = [value for value in answer.valores.values() if value is not None]
    bad_turns = sorted({item.turno for item in [*values, *answer.productos] if not 1 <= item.turno <= turn_count})
    if bad_turns:
        raise ValueError(f"turns {bad_turns} do not exist (the dialogue has {turn_count})")
    if sorted(answer.valores) != sorted(KINDS):
        raise ValueError(f"valores must have exactly the kinds {list(KINDS)}")
    return answer


def parse_speaker(text: str, roles: Sequence[str]) -> SpeakerAnswer:
    """The speaker answer in `text`; ValueError for a role that is not the seed's."""
    answer = _validated(SpeakerAnswer, text)
    if answer.habla not in roles:
        raise ValueError(f"habla {answer.habla!r} is not one of {list(roles)}")
    return answer


def _validated(model: type[Answer], text: str) -> Answer:
    try:
        return model.model_validate(json.loads(text))
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc.msg}") from exc
    except ValidationError as exc:
        raise ValueError(describe_first_error(exc)) from exc


class LlmJudge:
    """A ClaimJudge backed by a model: greedy first (`temperature`), then sampled retries."""

    def __init__(
        self,
        backend: Backend,
        *,
        max_attempts: int = 2,
        max_tokens: int = 300,
        turn_max_tokens: int = 30,
        temperature: float = 0.0,
        sampling_seed: int = 20261127,
    ) -> None:
        self.backend = backend
        self.max_attempts = max_attempts
        self.max_tokens = max_tokens
        self.turn_max_tokens = turn_max_tokens
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
        answer, failure = self._ask(
            judge_messages(turns, seed, pack, tools), answer_schema(len(turns)), self.max_tokens,
            lambda text: parse_answer(text, len(turns)),
        )  # fmt: skip
        if answer is None:
            return [self._failed(failure)]
        roles = [role for role in seed.roles if pack.role(role) is not None]
        checks = {
            name: pack.verificacion_restricciones[name]
            for name in seed.parametros_factuales.restricciones if name in pack.verificacion_restricciones
        }  # fmt: skip
        speakers: dict[int, str] = {}
        contradicted: dict[int, list[str]] = {}
        for turn in turns:
            speaker, failure = self._ask(
                speaker_question(pack, roles, turn.text), speaker_schema(roles), self.turn_max_tokens,
                lambda text: parse_speaker(text, roles),
            )  # fmt: skip
            if speaker is None:
                return [self._failed(f"turn {turn.number}: {failure}")]
            speakers[turn.number] = pack.role(speaker.habla).lado  # type: ignore[union-attr]  # roles are the pack's
            for name, check in checks.items() if turn.side == "asistente" else ():
                fact, failure = self._ask(
                    restriction_question(pack, roles, turn.text, check.pregunta), restriction_schema(),
                    self.turn_max_tokens, lambda text: _validated(FactAnswer, text),
                )  # fmt: skip
                if fact is None:
                    return [self._failed(f"turn {turn.number}, {name}: {failure}")]
                if fact.respuesta == check.contradice:
                    contradicted.setdefault(turn.number, []).append(name)
        values = [(value.turno, kind, value.valor) for kind, value in answer.valores.items() if value is not None]
        products = [Reported(product.turno, product.nombre) for product in answer.productos]
        return [
            *value_claims(values, turns, seed, tools),
            *product_claims(products, turns, seed, tools, pack),
            *contradiction_claims(contradicted, turns),
            *role_claims(speakers, turns, pack),
        ]

    def _failed(self, failure: str) -> Claim:
        """The fail-closed claim."""
        self.usage.failed += 1
        label = f"the judge model {self.model_name} gave no valid answer in {self.max_attempts} attempts ({failure})"
        return Claim(0, "juez", (), label, False)

    def _ask(
        self, messages: list[dict[str, str]], schema: dict[str, Any], max_tokens: int, parse: Callable[[str], Answer]
    ) -> tuple[Answer | None, str]:
        """The first valid answer, or None and why the last attempt failed."""
        failure = "no attempt"
        for attempt in range(1, self.max_attempts + 1):
            request = attempt_request(
                self.backend, messages, schema, attempt=attempt, max_tokens=max_tokens,
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
                return parse(completion.text), ""
            except ValueError as exc:
                cut = " (cut at max_tokens)" if completion.finish_reason == "length" else ""
                failure = f"attempt {attempt}: {exc}{cut}"
        return None, failure
