"""The judge calibration set (issue #5, "Judge calibration"): hand-written faithful conversations over pilot seeds
(`judge_data/bases.jsonl`) and subtly unfaithful variants of them made here, each labelled with its kind.

A base lists the kinds it is perturbed into. Each perturbation changes one value or one sentence of one message turn
(a role swap exchanges the texts of one cliente -> asistente pair), in natural wording:
- wrong_down_payment: the first assistant turn stating the seed's down-payment percentage states another one (5 points
  off), its amount and the financed rest recomputed, so the turn stays consistent with itself;
- wrong_term: the first assistant turn stating the term in months states one 12 months off;
- contradicted_restriction: the assistant sentence honouring the base's restriction becomes one contradicting it;
- role_swap: the middle user -> assistant exchange has its two texts swapped, so each side says the other's line;
- invented_product: the first assistant mention of the seed's vehicle names another one.
The base's tool records (`generation["tools"]`) are the seed's planned tool calls, results verified by construction.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scsf.domains import DomainRegistry
from scsf.errors import ScsfError
from scsf.seeds.conversation import TOOL_ROLE, Conversation, ToolCall, Turn
from scsf.seeds.importer import pilot_seed_files, validate_seed_files
from scsf.seeds.schema import Seed

BASES = Path(__file__).resolve().parent / "judge_data" / "bases.jsonl"

FAITHFUL = "faithful"
WRONG_DOWN_PAYMENT = "wrong_down_payment"
WRONG_TERM = "wrong_term"
CONTRADICTED_RESTRICTION = "contradicted_restriction"
ROLE_SWAP = "role_swap"
INVENTED_PRODUCT = "invented_product"
KINDS = (WRONG_DOWN_PAYMENT, WRONG_TERM, CONTRADICTED_RESTRICTION, ROLE_SWAP, INVENTED_PRODUCT)

# restriction id -> (cue of the assistant sentence that honours it, the sentence that contradicts it); no numbers.
CONTRADICTIONS: dict[str, tuple[str, str]] = {
    "sin_historial_crediticio": (
        r"historial", "Como ya tiene un buen historial en buró, la aprobación sale prácticamente segura."),
    "sin_aval": (r"\baval\b", "Eso sí, el plan requiere un aval con ingresos comprobables."),
    "buro_con_atrasos": (r"atraso", "Como su buró está limpio, le toca la mejor tasa que manejamos."),
    "ingreso_informal": (r"informal", "Para comprobar ingresos solo se aceptan recibos de nómina."),
    "compra_de_contado": (
        r"contado", "Le conviene más sacarla a crédito, con un enganche pequeño y el resto en mensualidades."),
    "auto_a_cuenta_con_adeudo": (r"adeudo", "Como su auto está libre de adeudos, lo recibimos a cuenta hoy mismo."),
    "presupuesto_limitado": (
        r"presupuesto", "Si el presupuesto no es problema, lo más recomendable es irse directo a la cobertura amplia."),
    "solo_transmision_automatica": (r"automátic", "Esa versión viene con transmisión manual, pero se maneja muy bien."),
    "uso_comercial": (
        r"comercial", "Le aclaro que la unidad es para uso particular; si se usa para trabajo, pierde la garantía."),
    "fuera_de_garantia": (
        r"garantía", "La buena noticia es que su auto todavía está en garantía, así que la reparación no le cuesta."),
}  # fmt: skip

# vehicle entity id -> (how the dialogue names it, the vehicle the seed does not state put in its place)
PRODUCTS: dict[str, tuple[str, str]] = {
    "hatchback_subcompacto": (r"hatchback(?: subcompacto)?", "sedán compacto"),
    "sedan_compacto": (r"sedán compacto", "sedán mediano"),
    "suv_compacta": (r"SUV compacta", "SUV mediana"),
    "suv_mediana": (r"SUV mediana", "SUV compacta"),
    "hibrido_enchufable": (r"SUV híbrida enchufable", "SUV eléctrica"),
    "pickup_doble_cabina": (r"pickup doble cabina", "pickup cabina sencilla"),
}

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


class JudgeSetError(ScsfError):
    """The calibration data is inconsistent: a base whose seed is unknown or whose text lacks what a kind changes."""

    title = "judge set"


@dataclass(frozen=True)
class Base:
    """A faithful hand-written conversation: its seed, message turns (role, text), tool records, and kinds."""

    name: str
    seed_id: str
    kinds: tuple[str, ...]
    messages: tuple[tuple[str, str], ...]
    tools: tuple[dict[str, Any], ...]
    restriction: str | None = None


@dataclass(frozen=True)
class Change:
    """What a perturbation did: the message turns it touched (0-based) and before -> after, for the report."""

    turns: tuple[int, ...]
    before: str
    after: str


@dataclass(frozen=True)
class Case:
    """One labelled conversation of the set: faithful, or unfaithful of kind `kind`."""

    case_id: str
    kind: str
    base: Base
    conversation: Conversation
    change: Change | None = None

    @property
    def faithful(self) -> bool:
        return self.kind == FAITHFUL


def load_bases(path: Path = BASES) -> list[Base]:
    """The faithful bases of `path` (JSONL); a malformed line is a JudgeSetError naming the file and line."""
    bases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            raw = json.loads(line)
            bases.append(
                Base(
                    raw["base"], raw["seed_id"], tuple(raw["kinds"]),
                    tuple((message["role"], message["text"]) for message in raw["messages"]),
                    tuple(raw["tools"]), raw.get("restriction"),
                )
            )  # fmt: skip
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise JudgeSetError(f"{path}:{number}: not a judge-set base ({type(exc).__name__}: {exc})") from exc
        unknown = sorted(set(bases[-1].kinds) - set(KINDS))
        if unknown:
            raise JudgeSetError(f"{path}:{number}: kinds {unknown} not among {list(KINDS)}")
    return bases


def pilot_seeds(domains: DomainRegistry) -> dict[str, Seed]:
    """The bundled pilot seeds by seed_id."""
    return {seed.seed_id: seed for seed, _ in validate_seed_files(pilot_seed_files(), domains)}


def build_set(bases: list[Base], seeds: dict[str, Seed], domains: DomainRegistry) -> list[Case]:
    """Every base as it is (faithful) and once per kind it lists, in file order."""
    cases = []
    for base in bases:
        seed = seeds.get(base.seed_id)
        if seed is None:
            raise JudgeSetError(f"base {base.name}: seed {base.seed_id} is not a pilot seed")
        sides = {role.id: role.lado for role in domains.get(seed.dominio).roles if role.id in seed.roles}
        cases.append(Case(f"{base.name}/{FAITHFUL}", FAITHFUL, base, _conversation(base, seed, sides, base.messages)))
        for kind in base.kinds:
            messages, change = PERTURBATIONS[kind](base, seed, sides)
            conversation = _conversation(base, seed, sides, messages, kind)
            cases.append(Case(f"{base.name}/{kind}", kind, base, conversation, change))
    return cases


def _conversation(
    base: Base, seed: Seed, sides: dict[str, str], messages: tuple[tuple[str, str], ...], kind: str = FAITHFUL
) -> Conversation:
    """The Conversation of `messages`, each preceded by the tool calls recorded before it (as the generator does)."""
    turns = []
    for number, (role, text) in enumerate(messages):
        for call in (call for call in base.tools if call["turn"] == number):
            turns.append(Turn(role=role, tool_call=ToolCall(name=call["name"], arguments=call["arguments"])))
            turns.append(Turn(role=TOOL_ROLE, tool_result=call["result"]))
        turns.append(Turn(role=role, text=text))
    return Conversation(
        conversation_id=f"{base.name}/{kind}", run_id="judge-calibration", seed_id=seed.seed_id, seed_version=1,
        variant=kind, index=0, turns=turns, system_prompt="", generation={"tools": list(base.tools), "sides": sides},
    )  # fmt: skip


def _with_text(base: Base, number: int, text: str) -> tuple[tuple[tuple[str, str], ...], Change]:
    """The base's messages with turn `number` saying `text` instead."""
    role, before = base.messages[number]
    return base.messages[:number] + ((role, text),) + base.messages[number + 1 :], Change((number,), before, text)


def _first_assistant_turn(base: Base, sides: dict[str, str], pattern: str, kind: str) -> int:
    for number, (role, text) in enumerate(base.messages):
        if sides.get(role) == "asistente" and re.search(pattern, text):
            return number
    raise JudgeSetError(f"base {base.name}: {kind}: no assistant turn matches {pattern!r}")


def _financing(base: Base, kind: str) -> dict[str, Any]:
    for call in base.tools:
        if call["name"] == "calcular_financiamiento":
            return call["result"]
    raise JudgeSetError(f"base {base.name}: {kind}: needs a calcular_financiamiento tool record")


def _money(value: float) -> str:
    return f"${value:,.0f}" if value == int(value) else f"${value:,.2f}"


def wrong_down_payment(base: Base, seed: Seed, sides: dict[str, str]) -> tuple[tuple[tuple[str, str], ...], Change]:
    """The down payment 5 points off (down when it is 25 % or more), amount and financed rest recomputed."""
    financing = _financing(base, WRONG_DOWN_PAYMENT)
    share, price = financing["enganche_pct"], financing["precio"]
    wrong = share - 5 if share >= 25 else share + 5
    percent = rf"(?<![\d.,]){re.escape(f'{share:g}')}(?=\s?%)"
    number = _first_assistant_turn(base, sides, rf"enganche.*{percent}", WRONG_DOWN_PAYMENT)
    text = re.sub(percent, f"{wrong:g}", base.messages[number][1], count=1)
    text = text.replace(_money(financing["enganche"]), _money(price * wrong / 100))
    text = text.replace(_money(financing["monto_financiado"]), _money(price * (100 - wrong) / 100))
    return _with_text(base, number, text)


def wrong_term(base: Base, seed: Seed, sides: dict[str, str]) -> tuple[tuple[tuple[str, str], ...], Change]:
    """The term in months 12 months off (shorter from 48 months up)."""
    months = _financing(base, WRONG_TERM)["plazo_meses"]
    wrong = months - 12 if months >= 48 else months + 12
    pattern = rf"(?<![\d.,]){months}(?= meses)"
    number = _first_assistant_turn(base, sides, pattern, WRONG_TERM)
    return _with_text(base, number, re.sub(pattern, str(wrong), base.messages[number][1], count=1))


def contradicted_restriction(
    base: Base, seed: Seed, sides: dict[str, str]
) -> tuple[tuple[tuple[str, str], ...], Change]:
    """The assistant sentence honouring `base.restriction` replaced by one that contradicts it."""
    restriction = base.restriction
    if restriction not in seed.parametros_factuales.restricciones or restriction not in CONTRADICTIONS:
        raise JudgeSetError(
            f"base {base.name}: {CONTRADICTED_RESTRICTION}: restriction {restriction!r} is not one of the seed's with "
            f"a contradiction ({', '.join(sorted(CONTRADICTIONS))})"
        )
    cue, contradiction = CONTRADICTIONS[restriction]
    number = _first_assistant_turn(base, sides, cue, CONTRADICTED_RESTRICTION)
    sentences = SENTENCE_END.split(base.messages[number][1])
    index = next(i for i, sentence in enumerate(sentences) if re.search(cue, sentence))
    sentences[index] = contradiction
    return _with_text(base, number, " ".join(sentences))


def role_swap(base: Base, seed: Seed, sides: dict[str, str]) -> tuple[tuple[tuple[str, str], ...], Change]:
    """The texts of the user -> assistant exchange nearest the middle swapped (roles stay where they were)."""
    pairs = [
        number for number in range(1, len(base.messages) - 2)
        if sides.get(base.messages[number][0]) == "usuario" and sides.get(base.messages[number + 1][0]) == "asistente"
    ]  # fmt: skip
    if not pairs:
        raise JudgeSetError(f"base {base.name}: {ROLE_SWAP}: no user -> assistant exchange inside the dialogue")
    middle = len(base.messages) / 2 - 1
    user = min(pairs, key=lambda number: (abs(number - middle), number))
    (user_role, user_text), (assistant_role, assistant_text) = base.messages[user], base.messages[user + 1]
    swapped = ((user_role, assistant_text), (assistant_role, user_text))
    messages = base.messages[:user] + swapped + base.messages[user + 2 :]
    return messages, Change((user, user + 1), f"{user_text} | {assistant_text}", f"{assistant_text} | {user_text}")


def invented_product(base: Base, seed: Seed, sides: dict[str, str]) -> tuple[tuple[tuple[str, str], ...], Change]:
    """The first assistant mention of the seed's vehicle names another vehicle."""
    for entity in seed.parametros_factuales.entidades_clave:
        if entity in PRODUCTS:
            pattern, other = PRODUCTS[entity]
            number = _first_assistant_turn(base, sides, pattern, INVENTED_PRODUCT)
            return _with_text(base, number, re.sub(pattern, other, base.messages[number][1], count=1))
    raise JudgeSetError(f"base {base.name}: {INVENTED_PRODUCT}: the seed names none of {', '.join(PRODUCTS)}")


PERTURBATIONS = {
    WRONG_DOWN_PAYMENT: wrong_down_payment,
    WRONG_TERM: wrong_term,
    CONTRADICTED_RESTRICTION: contradicted_restriction,
    ROLE_SWAP: role_swap,
    INVENTED_PRODUCT: invented_product,
}


def calibration_set(domains: DomainRegistry, path: Path = BASES) -> list[Case]:
    """The whole labelled set from the bundled bases and pilot seeds."""
    return build_set(load_bases(path), pilot_seeds(domains), domains)
