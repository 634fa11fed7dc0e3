"""Conversation plans, prompts and schemas, output parsing, and the generator's retry loop (scripted backend)."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from scripted_backend import MODEL_INFO, ScriptedBackend

from scsf.domains import DomainRegistry
from scsf.errors import GenerationError
from scsf.generation.backends.base import Completion
from scsf.generation.generator import ConversationGenerator, Sampling, parse_turns
from scsf.generation.plan import ConversationPlan, plan_conversation, speaking_order, stage_plan, turn_count
from scsf.generation.prompts import (
    MAX_TURN_CHARS,
    PROMPT_VERSION,
    conversation_schema,
    generator_messages,
    humanize,
    training_system_prompt,
)
from scsf.hashing import content_id
from scsf.seeds.conversation import Turn
from scsf.seeds.importer import pilot_seed_files
from scsf.seeds.loader import load_seed_file, parse_seed
from scsf.seeds.schema import Seed

BASE_SEED = 20261127
NOT_JSON = "output is not JSON: Expecting value at column 1"
LISTING1_STAGES = ["saludo", "identificacion_necesidad", "propuesta", "objecion", "cierre"]


def make_seed(document: dict[str, Any], domains: DomainRegistry, **changes: Any) -> Seed:
    return parse_seed({**document, **changes}, domains, "test")


def make_plan(seed: Seed, domains: DomainRegistry, index: int = 0, **kwargs: Any) -> ConversationPlan:
    options = {"policy": "min", "base_seed": BASE_SEED, **kwargs}
    return plan_conversation(seed, 1, domains.get(seed.dominio), index, **options)


def lengths(low: int, high: int) -> dict[str, int]:
    return {"turnos_min": low, "turnos_max": high}


def completion(turns: Any, finish_reason: str = "stop") -> Completion:
    text = turns if isinstance(turns, str) else json.dumps({"turns": turns})
    return Completion(text=text, prompt_tokens=10, completion_tokens=10, finish_reason=finish_reason, seconds=0.1)


def good_turns(plan: ConversationPlan) -> list[dict[str, str]]:
    return [{"role": role, "text": f"Mensaje número {n}."} for n, role in enumerate(plan.speaking_order(), 1)]


@pytest.fixture
def seed(listing1: dict[str, Any], domains: DomainRegistry) -> Seed:
    return make_seed(listing1, domains)


@pytest.fixture
def plan(seed: Seed, domains: DomainRegistry) -> ConversationPlan:
    return make_plan(seed, domains)


# -- stage plans -----------------------------------------------------------------------------------------


def test_stage_plan_five_stages_over_eight_turns() -> None:
    assert stage_plan(["a", "b", "c", "d", "e"], 8) == ["a", "a", "b", "b", "c", "d", "d", "e"]


@pytest.mark.parametrize(
    ("flow", "count", "expected"),
    [
        (["a", "b"], 2, ["a", "b"]),
        (["a", "b"], 5, ["a", "a", "a", "b", "b"]),
        (["a", "b", "c"], 3, ["a", "b", "c"]),
        (["a", "b", "c"], 4, ["a", "a", "b", "c"]),
        (["a", "b", "c", "d", "e", "f", "g"], 8, ["a", "a", "b", "c", "d", "e", "f", "g"]),
        (["a"], 3, ["a", "a", "a"]),
    ],
)
def test_stage_plan_exact(flow: list[str], count: int, expected: list[str]) -> None:
    assert stage_plan(flow, count) == expected


@pytest.mark.parametrize("stages", range(1, 10))
def test_stage_plan_keeps_every_stage_in_order(stages: int) -> None:
    flow = [f"s{number}" for number in range(stages)]
    for count in range(stages, 41):
        planned = stage_plan(flow, count)
        assert len(planned) == count
        assert list(dict.fromkeys(planned)) == flow  # every stage, in order, each in one contiguous block


# -- turn counts and speaking order ----------------------------------------------------------------------


def test_min_policy_uses_turnos_min(listing1: dict, domains: DomainRegistry) -> None:
    seed = make_seed(listing1, domains, longitud_objetivo=lengths(8, 20))
    assert turn_count(seed, "min", random.Random(0)) == 8


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [(7, 20, 8), (9, 10, 10), (7, 7, 7), (6, 6, 6)],
)
def test_two_roles_min_count_is_even_when_the_range_allows(
    listing1: dict, domains: DomainRegistry, low: int, high: int, expected: int
) -> None:
    seed = make_seed(listing1, domains, longitud_objetivo=lengths(low, high))
    assert turn_count(seed, "min", random.Random(0)) == expected


def test_two_roles_random_count_is_even_and_in_range(listing1: dict, domains: DomainRegistry) -> None:
    for low, high in [(6, 7), (5, 9), (8, 20), (6, 6), (5, 5)]:
        seed = make_seed(listing1, domains, longitud_objetivo=lengths(low, high))
        counts = {turn_count(seed, "random", random.Random(n)) for n in range(200)}
        assert all(low <= count <= high for count in counts), (low, high, counts)
        if low < high:
            assert all(count % 2 == 0 for count in counts), (low, high, counts)


def test_three_roles_count_is_not_forced_even(listing1: dict, domains: DomainRegistry) -> None:
    seed = make_seed(
        listing1, domains, roles=["agente_ventas", "asesor_servicio", "cliente"], longitud_objetivo=lengths(7, 20)
    )
    assert turn_count(seed, "min", random.Random(0)) == 7


def test_count_covers_every_stage(listing1: dict, domains: DomainRegistry) -> None:
    """turnos_min below the number of stages: the count grows so that every stage still gets a turn."""
    flow = [
        "saludo", "identificacion_necesidad", "propuesta", "calculo_financiamiento",
        "objecion", "negociacion", "cierre",
    ]  # fmt: skip
    facts = {**listing1["parametros_factuales"], "flujo_esperado": flow}
    seed = make_seed(listing1, domains, parametros_factuales=facts, longitud_objetivo=lengths(6, 14))
    assert turn_count(seed, "min", random.Random(0)) == 8
    plan = make_plan(seed, domains)
    assert list(dict.fromkeys(turn.stage for turn in plan.turns)) == flow


def test_every_pilot_seed_plans_every_stage(domains: DomainRegistry) -> None:
    for path in pilot_seed_files():
        for _, seed in load_seed_file(path, domains):
            for index, policy in [(0, "min"), (1, "random"), (2, "random")]:
                plan = make_plan(seed, domains, index, policy=policy)
                flow = seed.parametros_factuales.flujo_esperado
                assert list(dict.fromkeys(turn.stage for turn in plan.turns)) == flow, seed.seed_id
                assert seed.longitud_objetivo.turnos_min <= len(plan.turns) <= seed.longitud_objetivo.turnos_max
                assert set(plan.speaking_order()) == set(seed.roles)
                if len(seed.roles) == 2:
                    assert domains.get(seed.dominio).role(plan.turns[-1].role).lado == "asistente", seed.seed_id


def test_speaking_order_user_side_first(seed: Seed, domains: DomainRegistry, listing1: dict) -> None:
    pack = domains.get("automotive.sales")
    assert seed.roles == ["agente_ventas", "cliente"]
    assert speaking_order(seed, pack) == ["cliente", "agente_ventas"]
    three = make_seed(listing1, domains, roles=["asesor_servicio", "cliente", "agente_ventas"])
    assert speaking_order(three, pack) == ["cliente", "asesor_servicio", "agente_ventas"]


def test_listing1_plan(plan: ConversationPlan, seed: Seed) -> None:
    assert plan.speaking_order() == ["cliente", "agente_ventas"] * 4
    assert [turn.stage for turn in plan.turns] == [
        "saludo", "saludo", "identificacion_necesidad", "identificacion_necesidad",
        "propuesta", "objecion", "objecion", "cierre",
    ]  # fmt: skip
    assert plan.variant == f"persona:{plan.persona.id}"
    assert (plan.seed, plan.seed_version, plan.index) == (seed, 1, 0)


def test_three_role_plan_cycles_the_order(listing1: dict, domains: DomainRegistry) -> None:
    seed = make_seed(listing1, domains, roles=["agente_ventas", "asesor_servicio", "cliente"])
    assert make_plan(seed, domains).speaking_order() == [
        "cliente", "agente_ventas", "asesor_servicio", "cliente", "agente_ventas", "asesor_servicio",
        "cliente", "agente_ventas",
    ]  # fmt: skip


def test_plan_is_deterministic(seed: Seed, domains: DomainRegistry) -> None:
    for policy in ("min", "random"):
        assert make_plan(seed, domains, 3, policy=policy) == make_plan(seed, domains, 3, policy=policy)
    plans = [make_plan(seed, domains, index, policy="random") for index in range(12)]
    assert len({plan.sampling_seed for plan in plans}) == 12
    assert len({plan.persona.id for plan in plans}) > 1
    assert len({len(plan.turns) for plan in plans}) > 1


def test_plan_depends_on_base_seed_and_version(seed: Seed, domains: DomainRegistry) -> None:
    pack = domains.get("automotive.sales")
    first = plan_conversation(seed, 1, pack, 0, policy="min", base_seed=1)
    assert plan_conversation(seed, 1, pack, 0, policy="min", base_seed=2).sampling_seed != first.sampling_seed
    assert plan_conversation(seed, 2, pack, 0, policy="min", base_seed=1).sampling_seed != first.sampling_seed


# -- prompts and schema ----------------------------------------------------------------------------------


def test_conversation_schema_fixes_count_and_roles(plan: ConversationPlan) -> None:
    schema = conversation_schema(plan)
    turns = schema["properties"]["turns"]
    assert len(turns["prefixItems"]) == 8
    assert (turns["minItems"], turns["maxItems"]) == (8, 8)
    assert [item["properties"]["role"] for item in turns["prefixItems"]] == [
        {"const": "cliente"}, {"const": "agente_ventas"}
    ] * 4  # fmt: skip
    assert turns["prefixItems"][0] == {
        "type": "object",
        "properties": {
            "role": {"const": "cliente"},
            "text": {"type": "string", "minLength": 2, "maxLength": MAX_TURN_CHARS},
        },
        "required": ["role", "text"],
        "additionalProperties": False,
    }
    assert (schema["required"], schema["additionalProperties"]) == (["turns"], False)


@pytest.mark.parametrize(
    ("identifier", "text"),
    [
        ("enganche_20pct", "enganche 20 %"),
        ("tasa_13_9pct_anual", "tasa 13.9 % anual"),
        ("tasa_16_5pct_anual", "tasa 16.5 % anual"),
        ("precio_389900_mxn", "precio $389,900 MXN"),
        ("mensualidad_max_6000_mxn", "mensualidad max $6,000 MXN"),
        ("plazo_48_meses", "plazo 48 meses"),
        ("consultivo_empatico", "consultivo empatico"),
        ("sedan_compacto", "sedan compacto"),
    ],
)
def test_humanize(identifier: str, text: str) -> None:
    assert humanize(identifier) == text


def test_generator_messages_follow_the_plan(plan: ConversationPlan) -> None:
    system, user = generator_messages(plan)
    assert system["role"] == "system"
    assert "Automotriz / Ventas" in system["content"]
    assert user["role"] == "user"
    lines = user["content"].splitlines()
    assert "Hechos que deben aparecer tal cual: sedan compacto, enganche 20 %, plazo 48 meses." in lines
    assert "Situación del cliente: sin historial crediticio, ingreso informal." in lines
    script = [line for line in lines if line[:2] in {f"{n}." for n in range(1, 10)}]
    expected = [f"{n}. {role}" for n, role in enumerate(plan.speaking_order(), 1)]
    assert [line.split(" — ")[0] for line in script] == expected
    assert plan.persona.descripcion in user["content"]


def test_training_system_prompt_names_only_the_assistant_side(plan: ConversationPlan) -> None:
    assert training_system_prompt(plan) == (
        "Eres el asistente de Automotriz / Ventas (agente_ventas: Asesor de ventas de la agencia.). "
        "Tono: consultivo empatico. Responde en español de México."
    )


# -- parse_turns -----------------------------------------------------------------------------------------


def test_parse_turns_accepts_and_strips(plan: ConversationPlan) -> None:
    turns = good_turns(plan)
    turns[0]["text"] = "  Hola, buenas tardes.\n"
    assert parse_turns(completion(turns), plan) == [
        Turn(role="cliente", text="Hola, buenas tardes."),
        *[Turn(**turn) for turn in good_turns(plan)[1:]],
    ]


def test_parse_turns_exact_boundaries(plan: ConversationPlan) -> None:
    turns = good_turns(plan)
    turns[0]["text"], turns[1]["text"] = "Sí", "x" * MAX_TURN_CHARS
    assert [len(turn.text) for turn in parse_turns(completion(turns), plan)[:2]] == [2, MAX_TURN_CHARS]


def _with(plan: ConversationPlan, number: int, **changes: Any) -> list[dict[str, Any]]:
    turns: list[dict[str, Any]] = good_turns(plan)
    turns[number - 1] = {**turns[number - 1], **changes}
    return turns


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ('{"turns": [', "output is not JSON: Expecting value at column 12"),
        ("Claro, aquí está la conversación:", "output is not JSON: Expecting value at column 1"),
        ("", "output is not JSON: Expecting value at column 1"),
        ("[1, 2]", "output has no 'turns' list"),
        ('{"conversation": []}', "output has no 'turns' list"),
        ('{"turns": "hola"}', "output has no 'turns' list"),
        ('{"turns": []}', "expected 8 turns, got 0"),
    ],
)
def test_parse_turns_rejects_bad_output(plan: ConversationPlan, output: str, message: str) -> None:
    with pytest.raises(GenerationError) as info:
        parse_turns(completion(output), plan)
    assert info.value.msg == message


def test_parse_turns_rejects_truncated_output(plan: ConversationPlan) -> None:
    with pytest.raises(GenerationError) as info:
        parse_turns(completion(good_turns(plan), finish_reason="length"), plan)
    assert info.value.msg == "output truncated at the token limit"


@pytest.mark.parametrize(
    ("turns", "message"),
    [
        (lambda p: good_turns(p)[:7], "expected 8 turns, got 7"),
        (lambda p: good_turns(p) + good_turns(p)[:1], "expected 8 turns, got 9"),
        (lambda p: _with(p, 1, role="agente_ventas"), "turn 1: expected role 'cliente'"),
        (lambda p: _with(p, 4, role="asesor_servicio"), "turn 4: expected role 'agente_ventas'"),
        (lambda p: [{"role": "cliente", "text": "Hola"}] * 8, "turn 2: expected role 'agente_ventas'"),
        (lambda p: _with(p, 3, role=None), "turn 3: expected role 'cliente'"),
        (lambda p: ["hola", *good_turns(p)[1:]], "turn 1: expected role 'cliente'"),
        (
            lambda p: _with(p, 2, text="x" * (MAX_TURN_CHARS + 1)),
            f"turn 2: text length {MAX_TURN_CHARS + 1} outside 2..{MAX_TURN_CHARS}",
        ),
        (lambda p: _with(p, 5, text="k"), f"turn 5: text length 1 outside 2..{MAX_TURN_CHARS}"),
        (lambda p: _with(p, 6, text="   a   "), f"turn 6: text length 1 outside 2..{MAX_TURN_CHARS}"),
        (lambda p: [{"role": t["role"]} for t in good_turns(p)], "turn 1: 'text' must be a string"),
        (lambda p: _with(p, 8, text=42), "turn 8: 'text' must be a string"),
        (lambda p: _with(p, 7, text=None), "turn 7: 'text' must be a string"),
    ],
)
def test_parse_turns_rejects_bad_turns(plan: ConversationPlan, turns: Any, message: str) -> None:
    with pytest.raises(GenerationError) as info:
        parse_turns(completion(turns(plan)), plan)
    assert info.value.msg == message


# -- the generator ---------------------------------------------------------------------------------------


class Failures:
    def __init__(self) -> None:
        self.calls: list[tuple[int, str, str]] = []

    def __call__(self, attempt: int, raw: str, reason: str) -> None:
        self.calls.append((attempt, raw, reason))


def test_generator_first_attempt(plan: ConversationPlan) -> None:
    backend, failures = ScriptedBackend(), Failures()
    conversation, stats = ConversationGenerator(backend, Sampling()).generate(
        plan, run_id="run-1", conversation_id="conv-1", on_failed_attempt=failures
    )
    [request] = backend.requests
    messages = generator_messages(plan)
    assert request.messages == messages
    assert request.json_schema == conversation_schema(plan)
    assert (request.max_tokens, request.temperature, request.top_p, request.seed) == (
        120 * 8 + 64, 0.8, 0.95, plan.sampling_seed,
    )  # fmt: skip
    assert failures.calls == []
    assert (conversation.conversation_id, conversation.run_id) == ("conv-1", "run-1")
    assert conversation.seed_id == plan.seed.seed_id
    assert (conversation.seed_version, conversation.variant, conversation.index) == (1, plan.variant, 0)
    assert [turn.role for turn in conversation.turns] == plan.speaking_order()
    assert conversation.turns[0].text == "Mensaje 1 de cliente."
    assert conversation.system_prompt == training_system_prompt(plan)
    assert conversation.generation == {
        "strategy": "whole_conversation",
        "prompt_version": PROMPT_VERSION,
        "prompt_hash": content_id(messages),
        "model": MODEL_INFO,
        "persona": plan.persona.id,
        "sides": {"agente_ventas": "asistente", "cliente": "usuario"},
        "stage_plan": [turn.stage for turn in plan.turns],
        "sampling": {"temperature": 0.8, "top_p": 0.95, "seed": plan.sampling_seed, "max_tokens": 1024},
        "attempt": 1,
    }
    assert stats.attempts == 1
    assert stats.prompt_tokens == 100


def test_generator_retries_after_a_bad_attempt(plan: ConversationPlan) -> None:
    backend, failures = ScriptedBackend(), Failures()
    backend.enqueue("Claro, aquí va la conversación.")
    conversation, stats = ConversationGenerator(backend, Sampling(temperature=0.5, top_p=0.9)).generate(
        plan, run_id="run-1", conversation_id="conv-1", on_failed_attempt=failures
    )
    assert failures.calls == [(1, "Claro, aquí va la conversación.", NOT_JSON)]
    assert [request.seed for request in backend.requests] == [plan.sampling_seed, plan.sampling_seed + 1]
    assert backend.requests[0].messages == backend.requests[1].messages
    assert conversation.generation["attempt"] == 2
    assert conversation.generation["sampling"] == {
        "temperature": 0.5, "top_p": 0.9, "seed": plan.sampling_seed + 1, "max_tokens": 1024,
    }  # fmt: skip
    assert (stats.attempts, stats.prompt_tokens, stats.seconds) == (2, 200, 0.02)


def test_generator_reports_every_rejected_attempt(plan: ConversationPlan) -> None:
    backend, failures = ScriptedBackend(), Failures()
    backend.enqueue(json.dumps({"turns": good_turns(plan)}), finish_reason="length")
    backend.enqueue(json.dumps({"turns": good_turns(plan)[:3]}))
    conversation, _ = ConversationGenerator(backend, Sampling(max_attempts=3)).generate(
        plan, run_id="run-1", conversation_id="conv-1", on_failed_attempt=failures
    )
    assert [(attempt, reason) for attempt, _, reason in failures.calls] == [
        (1, "output truncated at the token limit"),
        (2, "expected 8 turns, got 3"),
    ]
    assert failures.calls[1][1] == json.dumps({"turns": good_turns(plan)[:3]})
    assert conversation.generation["attempt"] == 3


def test_generator_gives_up_after_max_attempts(plan: ConversationPlan) -> None:
    backend, failures = ScriptedBackend(default=lambda request: "no"), Failures()
    generator = ConversationGenerator(backend, Sampling(max_attempts=3))
    with pytest.raises(GenerationError) as info:
        generator.generate(plan, run_id="run-1", conversation_id="conv-9", on_failed_attempt=failures)
    assert info.value.msg == (
        f"conversation conv-9 (seed {plan.seed.seed_id}): all 3 attempts were rejected; "
        "their raw outputs are stored in generation_attempts"
    )
    assert failures.calls == [(n, "no", NOT_JSON) for n in (1, 2, 3)]
    assert len(backend.requests) == 3


def test_generator_without_schema_support_sends_no_schema(plan: ConversationPlan) -> None:
    class PlainBackend(ScriptedBackend):
        supports_json_schema = False

    backend = PlainBackend().enqueue(json.dumps({"turns": good_turns(plan)}))
    conversation, _ = ConversationGenerator(backend, Sampling()).generate(
        plan, run_id="run-1", conversation_id="conv-1", on_failed_attempt=Failures()
    )
    assert backend.requests[0].json_schema is None
    assert [turn.text for turn in conversation.turns] == [turn["text"] for turn in good_turns(plan)]
