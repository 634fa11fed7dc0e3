"""SeedSchema v1 (Listing 1): round trip, identity, and one failing case per validation rule with its exact error."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scsf.domains import DomainRegistry
from scsf.errors import SeedError
from scsf.hashing import content_id
from scsf.seeds.importer import validate_seed_files
from scsf.seeds.loader import parse_seed
from scsf.seeds.schema import DEFAULT_THRESHOLDS, Seed

WHERE = "seed.json:1"
AUTOMOTIVE_STAGES = (
    "abandono, agenda_cita, calculo_financiamiento, cierre, comparativa_opciones, consulta_inventario, diagnostico, "
    "escalacion_humano, identificacion_necesidad, manejo_objecion, negociacion, objecion, propuesta, "
    "reconocimiento_queja, recuperacion, requisitos_documentacion, revision_cobertura, saludo, seguimiento, valuacion_auto_a_cuenta"
)


def set_in(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A mutation that sets `a.b.c` in a seed document."""

    def mutate(document: dict[str, Any]) -> None:
        *parents, leaf = path.split(".")
        for key in parents:
            document = document[key]
        document[leaf] = value

    return mutate


def drop(path: str) -> Callable[[dict[str, Any]], None]:
    def mutate(document: dict[str, Any]) -> None:
        *parents, leaf = path.split(".")
        for key in parents:
            document = document[key]
        del document[leaf]

    return mutate


def both(*mutations: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def mutate(document: dict[str, Any]) -> None:
        for mutation in mutations:
            mutation(document)

    return mutate


# (case id, mutation of Listing 1, exact error after "seed.json:1: ")
RULES = [
    # roles: unique, at least two, one per side, from the domain pack
    ("roles-repeated", set_in("roles", ["agente_ventas", "cliente", "cliente"]),
     "roles: repeated entries: cliente"),
    ("roles-fewer-than-two", set_in("roles", ["cliente"]),
     "roles: List should have at least 2 items after validation, not 1"),
    ("roles-no-user-side", set_in("roles", ["agente_ventas", "asesor_servicio"]),
     "roles: needs at least one assistant-side and one user-side role of domain automotive.sales"),
    ("roles-not-in-domain", set_in("roles", ["agente_ventas", "paciente"]),
     "roles: 'paciente' not in domain automotive.sales (allowed: agente_ventas, asesor_servicio, cliente)"),
    # length
    ("turnos-min-above-max", set_in("longitud_objetivo.turnos_min", 21),
     "longitud_objetivo: turnos_min (21) is greater than turnos_max (20)"),
    ("turnos-min-below-two", set_in("longitud_objetivo.turnos_min", 1),
     "longitud_objetivo.turnos_min: Input should be greater than or equal to 2"),
    ("flow-longer-than-turnos-max", set_in("longitud_objetivo", {"turnos_min": 3, "turnos_max": 4}),
     "parametros_factuales.flujo_esperado: 5 stages but longitud_objetivo.turnos_max is 4: every stage needs a turn"),
    ("turnos-min-below-roles",
     both(set_in("roles", ["agente_ventas", "asesor_servicio", "cliente"]), set_in("longitud_objetivo.turnos_min", 2)),
     "longitud_objetivo.turnos_min: 2 is below the number of roles (3): every role must speak"),
    # flow
    ("flow-empty", set_in("parametros_factuales.flujo_esperado", []),
     "parametros_factuales.flujo_esperado: List should have at least 1 item after validation, not 0"),
    ("flow-stage-not-in-domain", set_in("parametros_factuales.flujo_esperado", ["saludo", "triage", "cierre"]),
     f"parametros_factuales.flujo_esperado: 'triage' not in domain automotive.sales (allowed: {AUTOMOTIVE_STAGES})"),
    # entities and constraints
    ("entities-repeated", set_in("parametros_factuales.entidades_clave", ["sedan_compacto", "plazo_48_meses", "sedan_compacto"]),
     "parametros_factuales.entidades_clave: repeated entries: sedan_compacto"),
    ("entities-empty", set_in("parametros_factuales.entidades_clave", []),
     "parametros_factuales.entidades_clave: List should have at least 1 item after validation, not 0"),
    ("entity-not-identifier", set_in("parametros_factuales.entidades_clave", ["sedan_compacto", "Sedán Compacto"]),
     "parametros_factuales.entidades_clave[1]: String should match pattern '^[a-z0-9][a-z0-9_]*$'"),
    ("constraints-repeated", set_in("parametros_factuales.restricciones", ["sin_aval", "sin_aval"]),
     "parametros_factuales.restricciones: repeated entries: sin_aval"),
    # thresholds in [0, 1]
    ("threshold-above-one", set_in("metricas_calidad.rouge_l_min", 1.2),
     "metricas_calidad.rouge_l_min: Input should be less than or equal to 1"),
    ("threshold-below-zero", set_in("metricas_calidad.fidelidad_factual_min", -0.1),
     "metricas_calidad.fidelidad_factual_min: Input should be greater than or equal to 0"),
    ("optional-threshold-above-one", set_in("metricas_calidad.diversidad_lexica_min", 1.01),
     "metricas_calidad.diversidad_lexica_min: Input should be less than or equal to 1"),
    ("privacy-score-not-zero", set_in("metricas_calidad.privacy_score_max", 0.1),
     "metricas_calidad.privacy_score_max: Input should be 0 or 0.0"),
    ("threshold-unknown", set_in("metricas_calidad.bleu_min", 0.5),
     "metricas_calidad.bleu_min: unknown field (not in SeedSchema v1)"),
    # seed_id: canonical UUID version 4
    ("seed-id-not-uuid", set_in("seed_id", "seed-001"),
     "seed_id: 'seed-001' is not a UUID"),
    ("seed-id-version-1", set_in("seed_id", "0f8b6c1e-6d2a-1c8e-9a53-2b7c4e1d9f10"),
     "seed_id: '0f8b6c1e-6d2a-1c8e-9a53-2b7c4e1d9f10' is not a canonical UUID version 4"),
    ("seed-id-uppercase", set_in("seed_id", "0F8B6C1E-6D2A-4C8E-9A53-2B7C4E1D9F10"),
     "seed_id: '0F8B6C1E-6D2A-4C8E-9A53-2B7C4E1D9F10' is not a canonical UUID version 4"),
    ("seed-id-no-hyphens", set_in("seed_id", "0f8b6c1e6d2a4c8e9a532b7c4e1d9f10"),
     "seed_id: '0f8b6c1e6d2a4c8e9a532b7c4e1d9f10' is not a canonical UUID version 4"),
    ("seed-id-braces", set_in("seed_id", "{0f8b6c1e-6d2a-4c8e-9a53-2b7c4e1d9f10}"),
     "seed_id: '{0f8b6c1e-6d2a-4c8e-9a53-2b7c4e1d9f10}' is not a canonical UUID version 4"),
    # schema version
    ("schema-version-2", set_in("esquema_version", "2.0"), "esquema_version: Input should be '1.0'"),
    ("schema-version-number", set_in("esquema_version", 1.0), "esquema_version: Input should be '1.0'"),
    # unknown and missing fields
    ("unknown-top-level-field", set_in("nombre_cliente", "x"),
     "nombre_cliente: unknown field (not in SeedSchema v1)"),
    ("unknown-nested-field", set_in("privacidad.telefono", "x"),
     "privacidad.telefono: unknown field (not in SeedSchema v1)"),
    ("missing-field", drop("privacidad"), "privacidad: required field is missing"),
    ("missing-nested-field", drop("longitud_objetivo.turnos_max"),
     "longitud_objetivo.turnos_max: required field is missing"),
    ("sensitivity-unknown", set_in("privacidad.nivel_sensibilidad", "nulo"),
     "privacidad.nivel_sensibilidad: Input should be 'bajo', 'medio', 'alto' or 'critico'"),
    # domain and its vocabulary
    ("domain-unknown", set_in("dominio", "retail.support"),
     "dominio: unknown domain 'retail.support' (known: automotive.sales, education.tutoring, finance.advisory, "
     "industrial.support, legal.advisory, medical.consultation)"),
    ("domain-not-namespace", set_in("dominio", "Automotriz"),
     "dominio: 'Automotriz' is not a namespace like 'automotive.sales'"),
    ("interaction-not-in-domain", set_in("tipo_interaccion", "consulta_medica"),
     "tipo_interaccion: 'consulta_medica' not in domain automotive.sales (allowed: agenda_prueba_manejo, "
     "consulta_electrificados, consulta_financiamiento, consulta_flotilla, consulta_inventario, cotizacion_seguro, "
     "negociacion_precio, programa_lealtad, servicio_posventa, toma_auto_a_cuenta)"),
    ("tone-not-in-domain", set_in("tono_objetivo", "agresivo"),
     "tono_objetivo: 'agresivo' not in domain automotive.sales (allowed: cercano_informal, conciliador_sereno, "
     "consultivo_empatico, didactico_paciente, formal_cordial, resolutivo_directo, tecnico_preciso)"),
    ("tool-of-other-domain", set_in("herramientas_disponibles", ["calcular_financiamiento", "calcular_liquidacion_laboral"]),
     "herramientas_disponibles: 'calcular_liquidacion_laboral' not in domain automotive.sales (allowed: agendar_cita, "
     "buscar_inventario, calcular_financiamiento, comparar_costo_operacion, cotizar_refaccion, cotizar_seguro, "
     "precalificar_credito, valuar_auto_usado, verificar_garantia)"),
    ("tools-repeated", set_in("herramientas_disponibles", ["buscar_inventario", "buscar_inventario"]),
     "herramientas_disponibles: repeated entries: buscar_inventario"),
    # wrong JSON types are refused, never coerced (coercion would break the exact round trip)
    ("type-turnos-string", set_in("longitud_objetivo.turnos_min", "8"),
     "longitud_objetivo.turnos_min: Input should be a valid integer"),
    ("type-turnos-float", set_in("longitud_objetivo.turnos_min", 8.0),
     "longitud_objetivo.turnos_min: Input should be a valid integer"),
    ("type-turnos-bool", set_in("longitud_objetivo.turnos_max", True),
     "longitud_objetivo.turnos_max: Input should be a valid integer"),
    ("type-threshold-string", set_in("metricas_calidad.rouge_l_min", "0.7"),
     "metricas_calidad.rouge_l_min: Input should be a valid number"),
    ("type-pii-string", set_in("privacidad.contiene_pii", "false"),
     "privacidad.contiene_pii: Input should be a valid boolean"),
    ("type-roles-string", set_in("roles", "cliente"), "roles: Input should be a valid list"),
    ("type-object-expected", set_in("longitud_objetivo", [8, 20]),
     "longitud_objetivo: Input should be a valid dictionary or instance of LongitudObjetivo"),
]  # fmt: skip


@pytest.mark.parametrize(("mutation", "expected"), [pytest.param(m, e, id=i) for i, m, e in RULES])
def test_rule_violation_has_exact_error(
    listing1: dict[str, Any], domains: DomainRegistry, mutation: Callable[[dict[str, Any]], None], expected: str
) -> None:
    mutation(listing1)
    with pytest.raises(SeedError) as caught:
        parse_seed(listing1, domains, WHERE)
    assert caught.value.msg == f"{WHERE}: {expected}"


def test_every_rule_case_starts_from_a_valid_seed(listing1: dict[str, Any], domains: DomainRegistry) -> None:
    """Guards the table above: without its mutation Listing 1 passes, so each case fails for its own reason."""
    assert parse_seed(listing1, domains, WHERE).seed_id == "0f8b6c1e-6d2a-4c8e-9a53-2b7c4e1d9f10"


def test_several_errors_report_the_first_and_a_count(listing1: dict[str, Any], domains: DomainRegistry) -> None:
    listing1["esquema_version"] = "2.0"
    listing1["roles"] = ["cliente"]
    listing1["sobra"] = 1
    with pytest.raises(SeedError) as caught:
        parse_seed(listing1, domains, WHERE)
    assert caught.value.msg == f"{WHERE}: esquema_version: Input should be '1.0' (and 2 more)"


@pytest.mark.parametrize("document", [[], "seed", 7, None], ids=["list", "string", "number", "null"])
def test_root_must_be_an_object(document: Any, domains: DomainRegistry) -> None:
    with pytest.raises(SeedError) as caught:
        parse_seed(document, domains, WHERE)
    assert caught.value.msg == f"{WHERE}: (root): expected a JSON object, got {type(document).__name__}"


def test_contiene_pii_true_is_refused_for_generation(listing1: dict[str, Any], domains: DomainRegistry, tmp_path: Path) -> None:
    listing1["privacidad"]["contiene_pii"] = True
    path = tmp_path / "pii.json"
    path.write_text(json.dumps(listing1), encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        validate_seed_files([path], domains)
    assert caught.value.msg == (
        f"{path}:1: privacidad.contiene_pii: a seed that contains PII is refused for generation; "
        "remove the personal data and declare it false"
    )


# -- Listing 1 round trip and identity ---------------------------------------------------------------------


def test_listing1_round_trips_exactly(listing1: dict[str, Any], domains: DomainRegistry) -> None:
    seed = parse_seed(copy.deepcopy(listing1), domains, WHERE)
    assert seed.document() == listing1
    assert json.dumps(seed.document(), sort_keys=True) == json.dumps(listing1, sort_keys=True)
    assert list(seed.document()) == list(listing1)  # same field order as the whitepaper


def test_listing1_alias_is_canonicalised(listing1: dict[str, Any], domains: DomainRegistry) -> None:
    seed = parse_seed(listing1, domains, WHERE)
    assert seed.dominio == "automotriz.ventas"
    assert seed.namespace == "automotive.sales"
    assert seed.document()["dominio"] == "automotriz.ventas"
    assert seed.canonical_document() == {**listing1, "dominio": "automotive.sales"}
    assert seed.content_hash() == content_id({**listing1, "dominio": "automotive.sales"})


def test_alias_and_namespace_give_the_same_identity(listing1: dict[str, Any], domains: DomainRegistry) -> None:
    by_alias = parse_seed(listing1, domains, WHERE)
    by_namespace = parse_seed({**listing1, "dominio": "automotive.sales"}, domains, WHERE)
    assert by_namespace.document() != by_alias.document()
    assert by_namespace.content_hash() == by_alias.content_hash()


def test_content_hash_changes_with_content(listing1: dict[str, Any], domains: DomainRegistry) -> None:
    original = parse_seed(listing1, domains, WHERE).content_hash()
    listing1["longitud_objetivo"]["turnos_max"] = 21
    assert parse_seed(listing1, domains, WHERE).content_hash() != original


def test_reparsing_the_canonical_document_is_stable(listing1: dict[str, Any], domains: DomainRegistry) -> None:
    seed = parse_seed(listing1, domains, WHERE)
    again = parse_seed(seed.canonical_document(), domains, WHERE)
    assert again.canonical_document() == seed.canonical_document()
    assert again.content_hash() == seed.content_hash()


def test_optional_fields_left_out_stay_out(listing1: dict[str, Any], domains: DomainRegistry) -> None:
    del listing1["herramientas_disponibles"]
    del listing1["metricas_calidad"]
    del listing1["parametros_factuales"]["restricciones"]
    seed = parse_seed(copy.deepcopy(listing1), domains, WHERE)
    assert seed.document() == listing1
    assert seed.herramientas_disponibles == []
    assert seed.metricas_calidad.threshold("rouge_l_min") == DEFAULT_THRESHOLDS["rouge_l_min"] == 0.65


def test_optional_thresholds_default_to_table_1(listing1: dict[str, Any], domains: DomainRegistry) -> None:
    listing1["metricas_calidad"]["diversidad_lexica_min"] = 0.6
    seed = parse_seed(listing1, domains, WHERE)
    assert seed.metricas_calidad.threshold("diversidad_lexica_min") == 0.6
    assert seed.metricas_calidad.threshold("coherencia_dialogo_min") == 0.85
    assert seed.metricas_calidad.threshold("memorizacion_max") == 0.01
    assert seed.document()["metricas_calidad"] == {"rouge_l_min": 0.65, "fidelidad_factual_min": 0.9, "diversidad_lexica_min": 0.6}


def test_without_a_registry_the_alias_is_not_resolved(listing1: dict[str, Any]) -> None:
    seed = Seed.model_validate(listing1)
    assert seed.namespace == "automotriz.ventas"


def test_seed_is_immutable(listing1: dict[str, Any], domains: DomainRegistry) -> None:
    seed = parse_seed(listing1, domains, WHERE)
    with pytest.raises(Exception, match="frozen"):
        seed.tono_objetivo = "formal_cordial"  # type: ignore[misc]


def test_json_schema_describes_listing1() -> None:
    schema = Seed.model_json_schema()
    assert schema["title"] == "SeedSchema v1"
    assert schema["$id"] == "https://scsf.local/schemas/seed-v1.json"
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {
        "seed_id", "dominio", "esquema_version", "tipo_interaccion", "roles", "parametros_factuales",
        "tono_objetivo", "longitud_objetivo", "privacidad",
    }  # fmt: skip
    assert schema["properties"]["esquema_version"] == {"const": "1.0", "title": "Esquema Version", "type": "string"}
    assert schema["properties"]["roles"]["minItems"] == 2
