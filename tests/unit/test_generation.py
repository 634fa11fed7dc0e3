"""Prompts and schemas, output parsing, both strategies' retry loops, and the generator's assembly of noise and tool
turns (scripted backend)."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from scripted_backend import MODEL_INFO, ScriptedBackend

from scsf.domains import DomainRegistry
from scsf.errors import GenerationError
from scsf.generation.backends.base import Completion
from scsf.generation.generator import ConversationGenerator, Sampling
from scsf.generation.noise import directive
from scsf.generation.plan import ConversationPlan, plan_conversation
from scsf.generation.prompts import (
    MAX_TURN_CHARS,
    PROMPT_VERSION,
    conversation_schema,
    humanize,
    next_turn_messages,
    training_system_prompt,
    turn_schema,
    whole_messages,
)
from scsf.generation.strategies import parse_turn, parse_turns
from scsf.generation.tools import run_tool
from scsf.generation.variation import VariationConfig
from scsf.hashing import content_id
from scsf.seeds.conversation import TOOL_ROLE
from scsf.seeds.loader import parse_seed
from scsf.seeds.schema import Seed

BASE_SEED = 20261127
NOT_JSON = "output is not JSON: Expecting value at column 1"
LISTING1_STAGES = ["saludo", "identificacion_necesidad", "propuesta", "objecion", "cierre"]


def make_seed(document: dict[str, Any], domains: DomainRegistry, **changes: Any) -> Seed:
    return parse_seed({**document, **changes}, domains, "test")


PLAIN = VariationConfig(flows={"happy_path": 1.0}, noise_rate=0.0, tools=False)


def make_plan(seed: Seed, domains: DomainRegistry, index: int = 0, **kwargs: Any) -> ConversationPlan:
    options = {"policy": "min", "base_seed": BASE_SEED, "variation": PLAIN, **kwargs}
    return plan_conversation(seed, 1, domains.get(seed.dominio), index, **options)


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


def test_whole_messages_follow_the_plan(plan: ConversationPlan) -> None:
    system, user = whole_messages(plan)
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
    assert parse_turns(completion(turns), plan) == ["Hola, buenas tardes.", *[t["text"] for t in good_turns(plan)[1:]]]


def test_parse_turns_exact_boundaries(plan: ConversationPlan) -> None:
    turns = good_turns(plan)
    turns[0]["text"], turns[1]["text"] = "Sí", "x" * MAX_TURN_CHARS
    assert [len(text) for text in parse_turns(completion(turns), plan)[:2]] == [2, MAX_TURN_CHARS]


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
    messages = whole_messages(plan)
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
        "flow_variation": "happy_path",
        "flow": LISTING1_STAGES,
        "prompt_version": PROMPT_VERSION,
        "prompt_hash": content_id([messages]),
        "model": MODEL_INFO,
        "persona": plan.persona.id,
        "sides": {"agente_ventas": "asistente", "cliente": "usuario"},
        "stage_plan": [turn.stage for turn in plan.turns],
        "noise": [],
        "typos": [],
        "tools": [],
        "sampling": {"temperature": 0.8, "top_p": 0.95, "seed": plan.sampling_seed, "max_tokens": 1024},
        "calls": 1,
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
    assert conversation.generation["calls"] == 2
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
    assert conversation.generation["calls"] == 3


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


# -- turn by turn ----------------------------------------------------------------------------------------


def turn_answer(text: str) -> str:
    return json.dumps({"text": text}, ensure_ascii=False)


@pytest.mark.parametrize(
    ("output", "role", "expected"),
    [
        (turn_answer("  Hola, buenas tardes. "), "cliente", "Hola, buenas tardes."),
        (turn_answer("cliente: Hola."), "cliente", "Hola."),
        (turn_answer("agente_ventas: Claro que sí."), "cliente", "agente_ventas: Claro que sí."),
    ],
)
def test_parse_turn(output: str, role: str, expected: str) -> None:
    assert parse_turn(completion(output), role) == expected


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("hola", NOT_JSON),
        ("[]", "output is not a JSON object"),
        ('{"texto": "hola"}', "'text' must be a string"),
        (turn_answer("x"), f"text length 1 outside 2..{MAX_TURN_CHARS}"),
        (turn_answer("cliente:  a"), f"text length 1 outside 2..{MAX_TURN_CHARS}"),
    ],
)
def test_parse_turn_rejects(output: str, message: str) -> None:
    with pytest.raises(GenerationError) as info:
        parse_turn(completion(output), "cliente")
    assert info.value.msg == message


def test_turn_by_turn_walks_the_plan(seed: Seed, domains: DomainRegistry) -> None:
    plan = make_plan(seed, domains, variation=VariationConfig(strategies={"turn_by_turn": 1.0}, flows={"happy_path": 1.0}, noise_rate=0.0, tools=False))
    backend, failures = ScriptedBackend(), Failures()
    texts = [f"Texto {n}." for n in range(len(plan.turns))]
    for text in texts:
        backend.enqueue(turn_answer(text))
    conversation, stats = ConversationGenerator(backend, Sampling()).generate(
        plan, run_id="run-1", conversation_id="conv-1", on_failed_attempt=failures
    )
    assert [turn.text for turn in conversation.turns] == texts
    assert [turn.role for turn in conversation.turns] == plan.speaking_order()
    assert len(backend.requests) == len(plan.turns) == stats.attempts
    for number, request in enumerate(backend.requests):
        assert request.messages == next_turn_messages(plan, number, texts[:number])
        assert request.json_schema == turn_schema()
        assert (request.seed, request.max_tokens) == (plan.sampling_seed + 1000 * number, 136)
    last = backend.requests[-1].messages[1]["content"]
    assert "\n".join(f"{plan.turns[n].role}: {texts[n]}" for n in range(len(texts) - 1)) in last
    assert last.splitlines()[-2].startswith(f"{len(plan.turns)}. agente_ventas — cierre:")
    assert conversation.generation["strategy"] == "turn_by_turn"
    assert conversation.generation["prompt_hash"] == content_id([r.messages for r in backend.requests])


def test_turn_by_turn_retries_one_turn_and_gives_up_with_its_number(seed: Seed, domains: DomainRegistry) -> None:
    plan = make_plan(seed, domains, variation=VariationConfig(strategies={"turn_by_turn": 1.0}, flows={"happy_path": 1.0}, noise_rate=0.0, tools=False))
    backend, failures = ScriptedBackend(), Failures()
    backend.enqueue(turn_answer("Hola.")).enqueue("no").enqueue(turn_answer("Buenas tardes."))
    conversation, _ = ConversationGenerator(backend, Sampling()).generate(
        plan, run_id="run-1", conversation_id="conv-1", on_failed_attempt=failures
    )
    assert failures.calls == [(2, "no", f"turn 2: {NOT_JSON}")]
    assert conversation.turns[1].text == "Buenas tardes."
    assert [r.seed for r in backend.requests[1:3]] == [plan.sampling_seed + 1000, plan.sampling_seed + 1001]

    backend, failures = ScriptedBackend(default=lambda request: "no"), Failures()
    backend.enqueue(turn_answer("Hola."))
    with pytest.raises(GenerationError) as info:
        ConversationGenerator(backend, Sampling(max_attempts=2)).generate(
            plan, run_id="run-1", conversation_id="conv-7", on_failed_attempt=failures
        )
    assert info.value.msg == (
        f"conversation conv-7 (seed {plan.seed.seed_id}): all 2 attempts at turn 2 were rejected; "
        "their raw outputs are stored in generation_attempts"
    )
    assert [attempt for attempt, _, _ in failures.calls] == [2, 3]


# -- noise and tools in the generated conversation --------------------------------------------------------


def test_tool_calls_are_inserted_with_their_computed_results(seed: Seed, domains: DomainRegistry) -> None:
    plan = make_plan(seed, domains, variation=VariationConfig(flows={"happy_path": 1.0}, noise_rate=0.0, tools=True))
    assert sorted(call.invocation.name for call in plan.tool_calls) == ["buscar_inventario", "calcular_financiamiento"]
    conversation, _ = ConversationGenerator(ScriptedBackend(), Sampling()).generate(
        plan, run_id="run-1", conversation_id="conv-1", on_failed_attempt=Failures()
    )
    turns = conversation.turns
    assert len(turns) == len(plan.turns) + 2 * len(plan.tool_calls)
    assert [turn.role for turn in conversation.messages()] == plan.speaking_order()
    calls = [n for n, turn in enumerate(turns) if turn.tool_call is not None]
    for position, call in zip(calls, plan.tool_calls, strict=True):
        assert turns[position].tool_call.name == call.invocation.name
        assert turns[position].tool_call.arguments == call.invocation.arguments
        assert turns[position + 1].role == TOOL_ROLE
        assert turns[position + 1].tool_result == call.invocation.result
        following = next(turn for turn in turns[position:] if turn.is_message)
        assert following.role == plan.turns[call.turn].role
    prompt = whole_messages(plan)[1]["content"]
    for call in plan.tool_calls:
        assert f"consultó {call.invocation.name}(" in prompt
    assert [spec["name"] for spec in conversation.generation["tool_specs"]] == [c.invocation.name for c in plan.tool_calls]
    for record in conversation.generation["tools"]:  # the stored record alone replays every result
        assert run_tool(record["name"], record["arguments"], record["stated"]) == record["result"]


def test_typos_are_applied_in_code_and_recorded(seed: Seed, domains: DomainRegistry) -> None:
    variation = VariationConfig(flows={"happy_path": 1.0}, noise_rate=1.0, noise_kinds=["errores_tipograficos"], tools=False)
    plan = make_plan(seed, domains, variation=variation)
    long_text = "Buenas tardes, quisiera saber cuánto queda la mensualidad con enganche de 20 % a 48 meses, por favor."
    backend = ScriptedBackend().enqueue(json.dumps({"turns": [{"role": r, "text": long_text} for r in plan.speaking_order()]}))
    conversation, _ = ConversationGenerator(backend, Sampling()).generate(
        plan, run_id="run-1", conversation_id="conv-1", on_failed_attempt=Failures()
    )
    noisy = {event.turn for event in plan.noise}
    assert noisy and all(plan.turns[turn].side == "usuario" for turn in noisy)
    recorded = {row["turn"]: row["edits"] for row in conversation.generation["typos"]}
    assert set(recorded) == noisy
    for number, turn in enumerate(conversation.turns):
        if number in noisy and recorded[number]:
            assert turn.text != long_text
        if number not in noisy:
            assert turn.text == long_text
        assert "20 %" in turn.text and "48" in turn.text


def test_noise_directives_reach_the_prompt(seed: Seed, domains: DomainRegistry) -> None:
    variation = VariationConfig(flows={"happy_path": 1.0}, noise_rate=1.0, noise_kinds=["autocorreccion"], tools=False)
    plan = make_plan(seed, domains, variation=variation)
    lines = whole_messages(plan)[1]["content"].splitlines()
    assert plan.noise
    for event in plan.noise:
        [line] = [line for line in lines if line.startswith(f"{event.turn + 1}. {plan.turns[event.turn].role} — ")]
        assert line.endswith(directive(event))
