"""Controlled noise: the noise plan over user turns, the prompt directives, and code-applied typos with their edits."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scsf.errors import ConfigError
from scsf.generation.noise import NOISE_KINDS, TYPO_KINDS, NoiseEvent, apply_typos, directive, plan_noise

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
URL = re.compile(r"https?://\S+")
PROTECTED = ("Mazda CX-5", "Aveo", "seminuevo", "contado")
WORDS = ("hola", "buenas", "tardes", "quiero", "cotizar", "cuánto", "queda", "mensualidad", "enganche", "también",
         "más", "plazo", "meses", "sí", "gracias", "año", "versión", "equipada", "crédito", "qué", "tasa", "anual",
         "perdón", "oiga", "él", "área")  # fmt: skip
URLS = ("https://agencia.example/planes", "https://example.mx/a?b=c&d=1")
PUNCTUATION = (".", ",", "?", "!", "¿", "¡", "\n", ". ", "? ", "!\n")
SIDES = st.lists(st.sampled_from(["usuario", "asistente"]), max_size=30)
KINDS = st.lists(st.sampled_from(NOISE_KINDS), min_size=1, unique=True)


def number_tokens() -> st.SearchStrategy[str]:
    integer = st.integers(0, 10**8)
    return st.one_of(
        st.builds(lambda n: f"{n:,}", integer),
        st.builds(lambda n: f"${n:,}", integer),
        st.builds(lambda a, b: f"{a}.{b}", st.integers(0, 99), st.integers(0, 99)),
        st.builds(lambda n: f"{n} %", st.integers(0, 100)),
        st.builds(lambda n: f"{n}%", st.integers(0, 100)),
    )


def chat_messages() -> st.SearchStrategy[str]:
    """Spanish chat-like text mixing words (any case), numbers, protected words, URLs and punctuation."""
    word = st.sampled_from(WORDS).flatmap(lambda w: st.sampled_from([w, w.capitalize(), w.upper()]))
    token = st.one_of(word, word, number_tokens(), st.sampled_from(PROTECTED), st.sampled_from(URLS),
                      st.sampled_from(PUNCTUATION))  # fmt: skip
    return st.lists(st.tuples(token, st.sampled_from([" ", " ", "", "\n"])), max_size=40).map(
        lambda pairs: "".join(token + glue for token, glue in pairs)
    )


def assert_valid_edits(text: str, output: str, edits: list[dict]) -> None:
    """Edits are known kinds, in order, non-overlapping, and replaying them on `text` gives `output`."""
    spans = [(e["position"], e["position"] + len(e["before"])) for e in edits]
    assert all(end <= next_start for (_, end), (next_start, _) in zip(spans, spans[1:]))
    assert all(e["kind"] in TYPO_KINDS and e["before"] != e["after"] for e in edits)
    assert replay(text, edits) == output


def replay(text: str, edits: list[dict]) -> str:
    """Apply recorded edits (positions in the original text) from the last to the first."""
    for edit in sorted(edits, key=lambda edit: edit["position"], reverse=True):
        start = edit["position"]
        assert text[start : start + len(edit["before"])] == edit["before"]
        text = text[:start] + edit["after"] + text[start + len(edit["before"]) :]
    return text


def protected_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for phrase in PROTECTED for m in re.finditer(re.escape(phrase), text, re.IGNORECASE)]


# --- apply_typos: exact outputs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seed", "expected"),
    [
        (
            "¿Cuánto queda la mensualidad del Mazda CX-5 con enganche de $77,980 a 48 meses?",
            3,
            "Cuánto queda la mensualidad del Mazda CX-5 con engache de $77,980 a 48 meses?",
        ),
        (
            "Perdón, quise decir que el precio es $389,900 MXN. Me interesa la versión más equipada.",
            2,
            "Perdón, qusie decir que el precio es $389,900 MXN. Me interessa la versión más equipada.",
        ),
        (
            "Hola. ¡Qué buena tasa! El 13.9 % anual me parece bien, véalo en https://agencia.example/planes por favor.",
            2,
            "Hola. Qué buena tasa! El 13.9 % anual mee parece bien, véalo en https://agencia.example/planes por favor.",
        ),
    ],
)
def test_typos_exact_for_fixed_seed(text: str, seed: int, expected: str) -> None:
    output, edits = apply_typos(text, random.Random(seed), protected=PROTECTED, rate=0.3)
    assert output == expected
    assert replay(text, edits) == expected


def test_typo_edits_record_kind_and_position() -> None:
    text = "¿Me lo deja en más barato? Sí, quiero el Aveo."
    output, edits = apply_typos(text, random.Random(3), protected=PROTECTED, rate=0.4)
    assert output == "Me lo deja en más barato? si, quiero el Aveo."
    assert edits == [
        {"position": 0, "kind": "sin_signo_apertura", "before": "¿", "after": ""},
        {"position": 27, "kind": "minuscula_inicial", "before": "S", "after": "s"},
        {"position": 28, "kind": "sin_acento", "before": "í", "after": "i"},
    ]


def test_typos_cover_every_kind() -> None:
    text = "¿Qué tal? Quiero cotizar el crédito a plazo más largo, ¡gracias!"
    seen = {edit["kind"] for seed in range(200) for edit in apply_typos(text, random.Random(seed), rate=0.5)[1]}
    assert seen == set(TYPO_KINDS)


def test_untouchable_tokens_stay_even_at_rate_one() -> None:
    text = "SUV MXN $389,900 13.9 % 2da CX-5 12meses dólares https://agencia.example/planes ventas@agencia.example Aveo"
    output, edits = apply_typos(text, random.Random(0), protected=("aveo",), rate=1.0)
    assert (output, edits) == (text, [])


@pytest.mark.parametrize("seed", range(40))
def test_sentence_start_and_accent_typos_never_overlap(seed: int) -> None:
    text = "Él sí. Área grande. ¿Ésta también?"
    output, edits = apply_typos(text, random.Random(seed), rate=1.0)
    assert_valid_edits(text, output, edits)


def test_at_least_one_forces_a_typo() -> None:
    output, edits = apply_typos("gracias", random.Random(0), rate=0.0, at_least_one=True)
    assert len(edits) == 1 and output != "gracias" and replay("gracias", edits) == output
    assert apply_typos("$389,900 MXN", random.Random(0), rate=0.0, at_least_one=True) == ("$389,900 MXN", [])


def test_typo_rate_out_of_range() -> None:
    with pytest.raises(ConfigError, match="typo rate must be between 0 and 1, got 1.5"):
        apply_typos("hola", random.Random(0), rate=1.5)


# --- apply_typos: properties -----------------------------------------------------------------------------------


@settings(max_examples=300)
@given(text=st.one_of(chat_messages(), st.text(max_size=80)), seed=st.integers(0, 2**32), rate=st.floats(0, 1))
def test_typos_keep_numbers_protected_words_and_urls(text: str, seed: int, rate: float) -> None:
    output, edits = apply_typos(text, random.Random(seed), protected=PROTECTED, rate=rate)
    assert NUMBER.findall(output) == NUMBER.findall(text)
    assert URL.findall(output) == URL.findall(text)
    for start, end in protected_spans(text):
        assert all(e["position"] + len(e["before"]) <= start or e["position"] >= end for e in edits)
    for phrase in PROTECTED:
        assert output.lower().count(phrase.lower()) >= text.lower().count(phrase.lower())


@settings(max_examples=300)
@given(text=st.one_of(chat_messages(), st.text(max_size=80)), seed=st.integers(0, 2**32), rate=st.floats(0, 1))
def test_typo_edits_reproduce_output_and_are_deterministic(text: str, seed: int, rate: float) -> None:
    output, edits = apply_typos(text, random.Random(seed), protected=PROTECTED, rate=rate)
    assert apply_typos(text, random.Random(seed), protected=PROTECTED, rate=rate) == (output, edits)
    assert_valid_edits(text, output, edits)


@given(text=st.one_of(chat_messages(), st.text(max_size=80)), seed=st.integers(0, 2**32))
def test_typo_rate_zero_changes_nothing(text: str, seed: int) -> None:
    assert apply_typos(text, random.Random(seed), protected=PROTECTED, rate=0.0) == (text, [])


@given(words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=10), seed=st.integers(0, 2**32))
def test_at_least_one_typo_where_a_word_allows_it(words: list[str], seed: int) -> None:
    text = " ".join(words)
    output, edits = apply_typos(text, random.Random(seed), rate=0.0, at_least_one=True)
    assert len(edits) == 1 and replay(text, edits) == output != text


# --- plan_noise ------------------------------------------------------------------------------------------------


def eligible_turns(sides: list[str]) -> list[int]:
    return [turn for turn, side in enumerate(sides) if side == "usuario" and turn > 0]


@settings(max_examples=300)
@given(sides=SIDES, rate=st.floats(0, 1), kinds=KINDS, seed=st.integers(0, 2**32))
def test_plan_only_on_later_user_turns_one_event_each(sides: list[str], rate: float, kinds: list[str], seed: int) -> None:
    events = plan_noise(sides, rate, kinds, random.Random(seed))
    assert plan_noise(sides, rate, kinds, random.Random(seed)) == events
    turns = [event.turn for event in events]
    assert turns == sorted(set(turns))
    assert set(turns) <= set(eligible_turns(sides))
    assert {event.kind for event in events} <= set(kinds)


@settings(max_examples=300)
@given(sides=SIDES, rate=st.floats(0, 1), kinds=KINDS, seed=st.integers(0, 2**32))
def test_topic_change_returns_on_the_next_user_turn(sides: list[str], rate: float, kinds: list[str], seed: int) -> None:
    events = plan_noise(sides, rate, kinds, random.Random(seed))
    by_turn = {event.turn: event for event in events}
    eligible = eligible_turns(sides)
    for event in events:
        if event.kind != "cambio_tema":
            assert event.return_turn is None and event.returns_from is None
        elif event.return_turn is not None:
            assert event.return_turn == eligible[eligible.index(event.turn) + 1]
            assert by_turn[event.return_turn] == NoiseEvent(event.return_turn, "cambio_tema", returns_from=event.turn)
        else:
            assert by_turn[event.returns_from].return_turn == event.turn


@given(sides=SIDES, kinds=KINDS, seed=st.integers(0, 2**32))
def test_rate_zero_plans_nothing(sides: list[str], kinds: list[str], seed: int) -> None:
    assert plan_noise(sides, 0.0, kinds, random.Random(seed)) == ()


@given(sides=SIDES, kinds=KINDS, seed=st.integers(0, 2**32))
def test_rate_one_noises_every_eligible_user_turn(sides: list[str], kinds: list[str], seed: int) -> None:
    events = plan_noise(sides, 1.0, kinds, random.Random(seed))
    eligible = eligible_turns(sides)
    if kinds == ["cambio_tema"]:  # a lone last turn has no later turn to return on
        assert [event.turn for event in events] == eligible[: len(eligible) // 2 * 2]
    else:
        assert [event.turn for event in events] == eligible


@pytest.mark.parametrize("rate", [0.1, 0.2, 0.5, 0.8])
@pytest.mark.parametrize("kinds", [NOISE_KINDS, ("cambio_tema", "autocorreccion"), ("interrupcion",)])
def test_share_of_noisy_user_turns_matches_rate(rate: float, kinds: tuple[str, ...]) -> None:
    sides = ["usuario", "asistente"] * 20
    noisy = sum(len(plan_noise(sides, rate, kinds, random.Random(seed))) for seed in range(1000))
    assert noisy / (1000 * len(eligible_turns(sides))) == pytest.approx(rate, abs=0.015)


def test_kind_order_in_config_does_not_change_the_plan() -> None:
    sides = ["usuario", "asistente"] * 8
    forward = plan_noise(sides, 0.6, NOISE_KINDS, random.Random(11))
    assert plan_noise(sides, 0.6, NOISE_KINDS[::-1] + NOISE_KINDS, random.Random(11)) == forward


@pytest.mark.parametrize(
    ("rate", "kinds", "message"),
    [
        (1.2, NOISE_KINDS, "noise_rate must be between 0 and 1, got 1.2"),
        (0.2, ("errores_tipograficos", "gritos"), "noise_kinds: unknown kind 'gritos'"),
        (0.2, (), "noise_kinds is empty but noise_rate is 0.2"),
    ],
)
def test_plan_rejects_bad_settings(rate: float, kinds: tuple[str, ...], message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        plan_noise(["usuario", "asistente"], rate, kinds, random.Random(0))


# --- events and directives -------------------------------------------------------------------------------------


def test_event_record_and_unknown_kind() -> None:
    assert NoiseEvent(3, "cambio_tema", return_turn=5).record() == {"turn": 3, "kind": "cambio_tema", "return_turn": 5}
    assert NoiseEvent(5, "cambio_tema", returns_from=3).record() == {"turn": 5, "kind": "cambio_tema", "returns_from": 3}
    assert NoiseEvent(2, "interrupcion").record() == {"turn": 2, "kind": "interrupcion"}
    with pytest.raises(ConfigError, match="noise event at turn 2: unknown kind 'gritos'"):
        NoiseEvent(2, "gritos")


def test_directives() -> None:
    assert directive(NoiseEvent(1, "errores_tipograficos")) is None
    texts = [
        directive(NoiseEvent(1, "autocorreccion")),
        directive(NoiseEvent(1, "interrupcion")),
        directive(NoiseEvent(1, "cambio_tema", return_turn=3)),
        directive(NoiseEvent(3, "cambio_tema", returns_from=1)),
    ]
    assert len(set(texts)) == 4
    for text in texts:
        assert text and text.endswith(".") and len(text) < 200 and not re.search(r"\d", text)
    assert "cifra" in texts[0]  # a self-correction never changes the scenario's figures
    assert "datos personales" in texts[2]  # the detour may not invite PII
    assert "Retoma" in texts[3]
