"""Diversity forcing: at most three copies of a conversation kept, exact or near-duplicate, in input order."""

from __future__ import annotations

import re

import numpy as np
import pytest
from datasketch import MinHash

from scsf.bench.eval_dedup import bench_dedup
from scsf.bench.eval_dedup_corpus import planted_corpus
from scsf.errors import ConfigError, ScsfError
from scsf.eval.dedup import DuplicateDecision, dialogue_text, find_near_duplicates
from scsf.eval.dedup_exact import exact_near_duplicates, jaccard, shingle_sets
from scsf.eval.dedup_minhash import EMPTY, SignatureHasher
from scsf.eval.dedup_shingles import shingle_batch
from scsf.seeds.conversation import Conversation, ToolCall, Turn

BASE = (
    "Buenas tardes, me interesa el Versa Advance 2024 en color gris. ¿Cuánto queda la mensualidad si doy un enganche "
    "del 20 por ciento a 48 meses? Con gusto: el precio de lista es de 389,900 pesos, con el 20 por ciento de "
    "enganche serían 77,980 pesos y la mensualidad queda en 8,450 pesos con seguro incluido. ¿Y si lo pago a 36 "
    "meses? Entonces la mensualidad sube a 10,720 pesos. Perfecto, ¿puedo agendar una prueba de manejo el sábado?"
)


def numbered(first: int, last: int) -> str:
    return " ".join(f"palabra{n}" for n in range(first, last))


def shingle_jaccard(left: str, right: str) -> float:
    return jaccard(*shingle_sets(shingle_batch([left, right], 3)))


def verdicts(decisions: list[DuplicateDecision]) -> list[tuple[str, str | None, int, bool]]:
    return [(d.conversation_id, d.twin_id, d.copies_before, d.rejected) for d in decisions]


def test_four_copies_leave_three_and_the_fourth_names_its_twin() -> None:
    items = [("c1", BASE), ("otra", numbered(0, 80)), ("c2", BASE), ("c3", BASE), ("c4", BASE)]
    assert verdicts(find_near_duplicates(items)) == [
        ("c1", None, 0, False),
        ("otra", None, 0, False),
        ("c2", "c1", 1, False),
        ("c3", "c1", 2, False),
        ("c4", "c1", 3, True),
    ]


def test_exact_duplicates_ignore_case_accents_punctuation_and_spacing() -> None:
    variant = BASE.upper().replace("Á", "A").replace(",", " ").replace("?", "").replace(" ", "   ")
    decisions = find_near_duplicates([("a", BASE), ("b", variant)], max_copies=1)
    assert verdicts(decisions) == [("a", None, 0, False), ("b", "a", 1, True)]


def test_near_duplicate_above_threshold_is_a_copy_and_one_below_is_not() -> None:
    near = BASE.replace("sábado", "domingo").replace("gris", "blanco")
    far = BASE[: len(BASE) // 2] + " " + numbered(0, 40)
    assert shingle_jaccard(BASE, near) > 0.85
    assert shingle_jaccard(BASE, far) < 0.45
    decisions = find_near_duplicates([("base", BASE), ("near", near), ("far", far)], max_copies=1)
    assert verdicts(decisions) == [("base", None, 0, False), ("near", "base", 1, True), ("far", None, 0, False)]
    relaxed = find_near_duplicates([("base", BASE), ("far", far)], max_copies=1, threshold=0.3)
    assert verdicts(relaxed)[1] == ("far", "base", 1, True)


def test_clusters_are_connected_components_decided_in_input_order() -> None:
    left, right, bridge = numbered(0, 100), numbered(40, 140), numbered(20, 120)
    assert shingle_jaccard(left, right) < 0.45 < 0.6 < shingle_jaccard(left, bridge)
    items = [("left", left), ("right", right), ("bridge", bridge)]
    assert verdicts(find_near_duplicates(items, threshold=0.55, max_copies=2)) == [
        ("left", None, 0, False),
        ("right", None, 0, False),
        ("bridge", "left", 2, True),
    ]


def test_decisions_are_deterministic_and_the_order_decides_which_copies_stay() -> None:
    items = [(f"c{n}", BASE if n % 3 == 0 else numbered(n * 50, n * 50 + 60)) for n in range(12)]
    first = find_near_duplicates(items, seed=7)
    assert first == find_near_duplicates(items, seed=7)
    assert [d.conversation_id for d in first if d.rejected] == ["c9"]
    reordered = find_near_duplicates(list(reversed(items)), seed=7)
    assert [d.conversation_id for d in reordered if d.rejected] == ["c0"]


def test_words_fold_case_and_accents_and_shingles_stay_inside_their_text() -> None:
    batch = shingle_batch(["Crédito, CREDITO\x00credito!", "", "¿Año? ano", "uno dos", "uno dos tres cuatro"], 3)
    assert batch.offsets.tolist() == [0, 1, 1, 2, 3, 5]
    assert batch.text_keys[1] != batch.text_keys[2] and len(set(batch.text_keys)) == 5
    single = shingle_batch(["Crédito", "credito!", "CRÉDITO", "crédito_x", "crédit"], 1)
    hashes = single.hashes.tolist()  # "crédito_x" is two words: "_" separates like punctuation
    assert single.offsets.tolist() == [0, 1, 2, 3, 5, 6]
    assert hashes[:4] == [hashes[0]] * 4 and len(set(hashes)) == 3
    assert single.text_keys[0] == single.text_keys[1] == single.text_keys[2]
    assert shingle_batch(["hola \ud800 mundo"], 1).offsets.tolist() == [0, 2]
    sample = "uno dos tres cuatro"
    assert shingle_batch([sample], 3).hashes.tolist() == shingle_batch(["x y", sample, ""], 3).hashes[1:].tolist()


def test_signatures_equal_datasketch_minhash_of_the_same_shingle_hashes() -> None:
    batch = shingle_batch([BASE, "", "dos palabras", numbered(0, 30)], 3)
    assert np.diff(batch.offsets).tolist() == [len(re.findall(r"[^\W_]+", BASE)) - 2, 0, 1, 28]
    signatures = SignatureHasher(64, 3).signatures(batch.hashes, batch.offsets)
    for row, (begin, end) in enumerate(zip(batch.offsets[:-1], batch.offsets[1:], strict=True)):
        reference = MinHash(num_perm=64, seed=3, hashfunc=int)
        reference.update_batch((batch.hashes[begin:end] >> np.uint64(32)).tolist())
        assert np.array_equal(signatures[row], reference.hashvalues)
    assert (signatures[1] == EMPTY).all()


def test_lsh_decisions_agree_with_the_exact_all_pairs_reference() -> None:
    near = [BASE.replace("gris", color) for color in ("rojo", "azul", "negro", "blanco", "plata")]
    items = [(f"c{n}", text) for n, text in enumerate([BASE, numbered(0, 60), *near, numbered(30, 90), BASE])]
    exact = exact_near_duplicates(items)
    assert [d.conversation_id for d in exact if d.rejected] == ["c4", "c5", "c6", "c8"]
    assert find_near_duplicates(items) == exact


def test_dialogue_text_leaves_tool_turns_out() -> None:
    conversation = Conversation(
        conversation_id="c", run_id="r", seed_id="s", seed_version=1, variant="v", index=0, system_prompt="p",
        turns=[
            Turn(role="cliente", text="¿Precio del Versa?"),
            Turn(role="agente_ventas", tool_call=ToolCall(name="cotizar", arguments={"modelo": "Versa"})),
            Turn(role="herramienta", tool_result={"precio": 389900}),
            Turn(role="agente_ventas", text="Son 389,900 pesos."),
        ],
    )  # fmt: skip
    assert dialogue_text(conversation) == "¿Precio del Versa?\nSon 389,900 pesos."


@pytest.mark.parametrize(
    "arguments",
    [{"threshold": 0.0}, {"threshold": 1.5}, {"max_copies": 0}, {"num_perm": 8}, {"shingle": 0}, {"shingle": 9}],
)
def test_bad_parameters_are_refused(arguments: dict[str, float]) -> None:
    with pytest.raises(ConfigError):
        find_near_duplicates([("a", BASE)], **arguments)


def test_an_id_given_twice_is_refused() -> None:
    with pytest.raises(ScsfError, match="'a' given twice"):
        find_near_duplicates([("a", BASE), ("a", numbered(0, 10))])


def test_the_verdict_holds_the_exact_jaccard_to_the_threshold() -> None:
    base, edited = numbered(0, 200), numbered(0, 180) + " " + numbered(1000, 1020)
    similarity = shingle_jaccard(base, edited)
    assert similarity == pytest.approx(178 / 218)
    items = [("base", base), ("edited", edited)]
    assert find_near_duplicates(items, threshold=similarity, max_copies=1)[1].rejected
    assert not find_near_duplicates(items, threshold=similarity + 0.001, max_copies=1)[1].twin_id


def test_planted_corpus_is_deterministic_with_copies_of_every_kind() -> None:
    corpus = planted_corpus(400)
    assert corpus == planted_corpus(400)
    assert len({conversation_id for conversation_id, _ in corpus.items}) == len(corpus.groups) == 400
    assert sum(corpus.edits.values()) == 400 - len(set(corpus.groups)) and min(corpus.edits.values()) > 0
    turns = [text.count("\n") + 1 for _, text in corpus.items]
    assert min(turns) >= 8 and max(turns) <= 12


def test_bench_dedup_small() -> None:
    steps: list[str] = []
    result = bench_dedup(3_000, 800, on_step=steps.append)
    assert len(steps) == 4 and result["conversations"] == 3_000
    assert result["seconds"] > 0 and result["peak_rss_mib"] >= result["rss_before_mib"] > 0
    planted = result["planted"]
    assert planted["expected_with_twin"] > 100 and planted["recall"] >= 0.95 and planted["precision"] >= 0.95
    side = result["side_by_side"]
    assert side["conversations"] == 800 and side["exact_all_pairs_seconds"] > 0 and side["lsh_seconds"] > 0
    assert side["exact_against_planted"]["expected_with_twin"] > 20
    assert side["lsh_against_exact"]["verdicts_agreeing"] >= 0.98
    assert result["meets_target"]
