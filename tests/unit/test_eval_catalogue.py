"""Offered products against the pack's catalogue: matching, support by seed entities and tool strings, the verdict."""

from __future__ import annotations

import pytest
from eval_cases import FAITHFUL, NoPii, conversation, make_seed, turns

from scsf.domains import DomainRegistry
from scsf.domains.pack import DomainPack
from scsf.eval.catalogue import catalogue_claims, mentioned_products
from scsf.eval.evaluator import Evaluator
from scsf.eval.fidelity import Claim

CATALOGUE = ("suv_hibrida", "suv_hibrida_enchufable", "suv_mediana", "pickup_doble_cabina", "sedan_compacto")


def test_longest_overlapping_match_counts_and_inflections_match() -> None:
    text = "Le ofrezco la SUV Híbrida Enchufable, o bien dos SUVs medianas; también hay pickup de doble cabina."
    assert mentioned_products(text, CATALOGUE) == ["suv_hibrida_enchufable", "suv_mediana", "pickup_doble_cabina"]


def test_words_must_come_in_order_and_together() -> None:
    assert mentioned_products("Una mediana SUV", CATALOGUE) == []
    assert mentioned_products("La SUV que le mostré es mediana", CATALOGUE) == []
    assert mentioned_products("El sedán compacto y el sedán compacto", CATALOGUE) == ["sedan_compacto"]
    assert mentioned_products("sedán_compacto", CATALOGUE) == ["sedan_compacto"]


def test_a_product_the_seed_does_not_name_is_an_unsupported_claim(domains: DomainRegistry) -> None:
    seed = make_seed(domains)  # listing 1: sedan_compacto
    pack = domains.get(seed.dominio)
    texts = [
        ("cliente", "Vi una SUV mediana en su página."),  # the customer side is not checked
        ("agente_ventas", "Le recomiendo el sedán compacto; si prefiere, la SUV mediana también está disponible."),
    ]
    assert catalogue_claims(turns(texts), seed, pack, []) == [
        Claim(2, "producto", (), "catalogue product sedan_compacto", True),
        Claim(2, "producto", (), "catalogue product suv_mediana", False),
    ]


def test_a_tool_result_naming_the_product_supports_it(domains: DomainRegistry) -> None:
    seed = make_seed(domains)
    tools = [
        {"name": "consultar_inventario", "result": {"unidades": [{"modelo": "SUV mediana 2025, versión Advance"}]}}
    ]
    claims = catalogue_claims(
        turns([("agente_ventas", "Tengo una SUV mediana en piso.")]), seed, domains.get(seed.dominio), tools
    )
    assert [claim.supported for claim in claims] == [True]


def test_trims_and_add_ons_are_products_too(domains: DomainRegistry) -> None:
    seed = make_seed(domains)  # listing 1: sedan_compacto, no extras
    unit = {"modelo": "Sedán compacto 2026", "version": "Touring"}
    tools = [{"name": "buscar_inventario", "result": {"unidades": [unit]}}]
    text = "Es la versión Touring; le sumo la garantía extendida a 5 años y el paquete de protección con tapetes."
    claims = catalogue_claims(turns([("agente_ventas", text)]), seed, domains.get(seed.dominio), tools)
    assert [(claim.label, claim.supported) for claim in claims] == [
        ("catalogue product version_touring", True),  # the inventory result names the trim
        ("catalogue product garantia_extendida", False),
        ("catalogue product paquete_de_proteccion", False),  # "tapetes" alone is a courtesy, not in the catalogue
    ]


def test_a_more_precise_name_of_a_seed_entity_is_supported(domains: DomainRegistry) -> None:
    seed = make_seed(domains, parametros_factuales__entidades_clave=["hibrido_enchufable"])
    claims = catalogue_claims(
        turns([("agente_ventas", "La SUV híbrida enchufable carga en casa.")]), seed, domains.get(seed.dominio), []
    )
    assert [(claim.label, claim.supported) for claim in claims] == [("catalogue product suv_hibrida_enchufable", True)]


def test_a_pack_without_catalogue_checks_nothing(domains: DomainRegistry) -> None:
    seed = make_seed(domains)
    pack = domains.get(seed.dominio).model_copy(update={"catalogo_productos": []})
    assert catalogue_claims(turns([("agente_ventas", "La SUV mediana.")]), seed, pack, []) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("catalogo_productos", ["SUV mediana"]),
        ("verificacion_restricciones", {"Sin aval": {"pregunta": "¿el plan pide un aval?", "contradice": "si"}}),
    ],
)
def test_catalogue_and_restriction_check_ids_must_be_identifiers(
    domains: DomainRegistry, field: str, value: object
) -> None:
    document = domains.get("automotive.sales").model_dump()
    document[field] = value
    with pytest.raises(ValueError, match=field):
        DomainPack.model_validate(document)


def test_a_restriction_check_names_the_contradicting_answer(domains: DomainRegistry) -> None:
    document = domains.get("automotive.sales").model_dump()
    document["verificacion_restricciones"] = {"sin_aval": {"pregunta": "¿el plan pide un aval?", "contradice": "quizá"}}
    with pytest.raises(ValueError, match="contradice"):
        DomainPack.model_validate(document)


def test_an_invented_product_fails_factual_fidelity(domains: DomainRegistry) -> None:
    seed = make_seed(domains)
    texts = list(FAITHFUL)
    texts[3] = ("agente_ventas", "Le propongo la SUV mediana con enganche del 20 % y plazo de 48 meses.")
    result = Evaluator(NoPii(), domains).evaluate(conversation(seed, texts), seed).result("fidelidad_factual")
    assert not result.passed
    assert any("producto catalogue product suv_mediana is named by neither" in reason for reason in result.reasons)
