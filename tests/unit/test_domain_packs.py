"""Domain packs: the six bundled namespaces, operator packs in $SCSF_HOME/domains, and errors naming file and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from appliance.state import load_domains
from scsf.domains import DomainPack, DomainRegistry
from scsf.domains.registry import BUNDLED_PACKS
from scsf.errors import DomainError, SeedError
from scsf.paths import Home
from scsf.seeds.loader import parse_seed

TABLE_2 = {
    "automotive.sales": ["automotriz.ventas"],
    "education.tutoring": ["educacion.tutoria"],
    "finance.advisory": ["financiero.asesoria"],
    "industrial.support": ["industrial.soporte"],
    "legal.advisory": ["legal.asesoria"],
    "medical.consultation": ["medico.consulta"],
}

RETAIL = """\
namespace = "retail.support"
alias = ["comercio.soporte"]
nombre = "Comercio / Soporte"
descripcion = "Atención a clientes de una tienda en línea."
tonos = ["amable_resolutivo"]
entidades_tipicas = ["pedido_en_transito"]
restricciones_tipicas = ["sin_ticket"]

[[tipos_interaccion]]
id = "estado_pedido"
descripcion = "El cliente pregunta dónde está su pedido."

[[roles]]
id = "agente_soporte"
lado = "asistente"
descripcion = "Agente de la tienda."

[[roles]]
id = "comprador"
lado = "usuario"
descripcion = "Persona que hizo una compra."

[[etapas]]
id = "saludo"
descripcion = "Apertura."

[[etapas]]
id = "rastreo"
descripcion = "Consulta del estado del envío."

[[etapas]]
id = "cierre"
descripcion = "Despedida."

[[herramientas]]
nombre = "rastrear_pedido"
descripcion = "Devuelve el estado de un envío."
[herramientas.parametros]
type = "object"
required = ["pedido"]
[herramientas.parametros.properties.pedido]
type = "string"

[[personas]]
id = "comprador_primerizo"
descripcion = "Primera compra en línea."
experiencia = "novato"
objeciones_tipicas = ["¿y si no llega?"]
registro = "informal"
region = "Toluca"
"""


def retail_seed() -> dict[str, Any]:
    return {
        "seed_id": "5d0c7a52-3c1e-4f7a-9a51-8c2b1e0f4d33",
        "dominio": "comercio.soporte",
        "esquema_version": "1.0",
        "tipo_interaccion": "estado_pedido",
        "roles": ["agente_soporte", "comprador"],
        "parametros_factuales": {"entidades_clave": ["pedido_en_transito"], "flujo_esperado": ["saludo", "rastreo", "cierre"]},
        "tono_objetivo": "amable_resolutivo",
        "longitud_objetivo": {"turnos_min": 4, "turnos_max": 8},
        "herramientas_disponibles": ["rastrear_pedido"],
        "privacidad": {"contiene_pii": False, "nivel_sensibilidad": "bajo"},
    }


# -- bundled packs -----------------------------------------------------------------------------------------


def test_the_six_namespaces_of_table_2_load(domains: DomainRegistry) -> None:
    assert len(domains) == 6
    assert {pack.namespace: pack.alias for pack in domains} == TABLE_2
    assert [pack.namespace for pack in domains] == sorted(TABLE_2)


@pytest.mark.parametrize("namespace", sorted(TABLE_2))
def test_every_bundled_pack_can_hold_a_seed(domains: DomainRegistry, namespace: str) -> None:
    pack = domains.get(namespace)
    assert {role.lado for role in pack.roles} == {"asistente", "usuario"}
    assert pack.idioma == "es-MX"
    assert len(pack.etapas) >= 2 and len(pack.personas) >= 1 and len(pack.tonos) >= 1
    for tool in pack.herramientas:
        assert tool.parametros["type"] == "object" and set(tool.parametros.get("required", [])) <= set(tool.parametros["properties"])


def test_aliases_resolve_to_their_namespace(domains: DomainRegistry) -> None:
    for namespace, aliases in TABLE_2.items():
        assert domains.canonical(namespace) == namespace
        assert [domains.canonical(alias) for alias in aliases] == [namespace]
        assert domains.get(aliases[0]).namespace == namespace
    assert domains.canonical("automotive.ventas") is None


def test_unknown_domain(domains: DomainRegistry) -> None:
    with pytest.raises(DomainError) as caught:
        domains.get("retail.support")
    assert caught.value.msg == f"unknown domain 'retail.support' (known: {', '.join(sorted(TABLE_2))})"


def test_pack_lookups(domains: DomainRegistry) -> None:
    pack = domains.get("automotive.sales")
    assert pack.role("cliente").lado == "usuario"
    assert pack.role("agente_ventas").lado == "asistente"
    assert pack.role("paciente") is None
    assert pack.tool("calcular_financiamiento").parametros["required"] == [
        "precio", "enganche_pct", "plazo_meses", "tasa_anual_pct",
    ]  # fmt: skip
    assert pack.tool("rastrear_pedido") is None
    assert {"saludo", "objecion", "cierre"} <= pack.stage_ids()


# -- operator packs ----------------------------------------------------------------------------------------


def test_operator_pack_is_picked_up_without_code_change(home: Path) -> None:
    before = load_domains()
    assert before.canonical("comercio.soporte") is None
    Home.resolve().ensure()
    (home / "domains" / "retail.support.toml").write_text(RETAIL, encoding="utf-8")
    (home / "domains" / "README.txt").write_text("not a pack", encoding="utf-8")
    after = load_domains()
    assert len(after) == 7
    assert after.canonical("comercio.soporte") == "retail.support"
    seed = parse_seed(retail_seed(), after, "retail.json:1")
    assert seed.namespace == "retail.support"
    assert seed.canonical_document()["dominio"] == "retail.support"


def test_seed_of_an_operator_domain_is_refused_without_its_pack(domains: DomainRegistry) -> None:
    with pytest.raises(SeedError, match=r"^retail.json:1: dominio: unknown domain 'comercio.soporte' \(known: "):
        parse_seed(retail_seed(), domains, "retail.json:1")


def test_missing_operator_directory_is_fine(tmp_path: Path) -> None:
    assert len(DomainRegistry.load(tmp_path / "absent")) == 6


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        pytest.param(lambda t: t.replace('lado = "usuario"', 'lado = "cliente"'),
                     "roles[1].lado: Input should be 'asistente' or 'usuario'", id="bad-role-side"),
        pytest.param(lambda t: t.replace('nombre = "Comercio / Soporte"\n', ""),
                     "nombre: required field is missing", id="missing-field"),
        pytest.param(lambda t: t.replace('namespace = "retail.support"', 'namespace = "Retail"'),
                     "namespace: 'Retail' is not a namespace like 'automotive.sales'", id="bad-namespace"),
        pytest.param(lambda t: t.replace('type = "object"', 'type = "array"'),
                     "herramientas[0].parametros: must be a JSON Schema with type 'object' and 'properties'",
                     id="tool-schema-not-object"),
        pytest.param(lambda t: t.replace('id = "rastreo"', 'id = "Rastreo Envío"'),
                     "etapas[1].id: 'Rastreo Envío' is not a snake_case identifier", id="stage-not-identifier"),
        pytest.param(lambda t: t.replace('id = "rastreo"', 'id = "saludo"'),
                     "(root): etapas has duplicate ids", id="duplicate-stage"),
        pytest.param(lambda t: t.replace('lado = "asistente"', 'lado = "usuario"'),
                     "(root): roles needs at least one role with lado = 'asistente'", id="no-assistant-role"),
        pytest.param(lambda t: t.replace('lado = "usuario"', 'lado = "asistente"'),
                     "(root): roles needs at least one role with lado = 'usuario'", id="no-user-role"),
        pytest.param(lambda t: t + 'color = "rojo"\n',
                     "personas[0].color: unknown field", id="unknown-field"),
        pytest.param(lambda t: t.replace('tonos = ["amable_resolutivo"]', "tonos = []"),
                     "tonos: List should have at least 1 item after validation, not 0", id="empty-list"),
    ],
)  # fmt: skip
def test_malformed_pack_names_file_and_field(home: Path, edit: Any, expected: str) -> None:
    path = Home.resolve().ensure().domains / "retail.support.toml"
    path.write_text(edit(RETAIL), encoding="utf-8")
    with pytest.raises(DomainError) as caught:
        load_domains()
    assert caught.value.msg == f"{path}: {expected}"


def test_broken_toml_names_file_and_position(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(RETAIL + "\n[[roles]\n", encoding="utf-8")
    with pytest.raises(DomainError) as caught:
        DomainPack.from_file(path)
    lines = (RETAIL + "\n[[roles]\n").count("\n")
    assert caught.value.msg == (
        f"{path}: cannot read domain pack: Expected ']]' at the end of an array declaration (at line {lines}, column 8)"
    )


def test_pack_redefining_a_bundled_namespace_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "copy.toml"
    path.write_text(RETAIL.replace('namespace = "retail.support"', 'namespace = "legal.advisory"'), encoding="utf-8")
    with pytest.raises(DomainError) as caught:
        DomainRegistry.load(tmp_path)
    bundled = BUNDLED_PACKS / "legal.advisory.toml"
    assert caught.value.msg == f"{path}: namespace: 'legal.advisory' is already used by domain 'legal.advisory' ({bundled})"


def test_pack_reusing_an_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "retail.toml"
    path.write_text(RETAIL.replace('alias = ["comercio.soporte"]', 'alias = ["automotriz.ventas"]'), encoding="utf-8")
    with pytest.raises(DomainError) as caught:
        DomainRegistry.load(tmp_path)
    assert caught.value.msg.startswith(f"{path}: alias: 'automotriz.ventas' is already used by domain 'automotive.sales' (")


def test_registry_refuses_the_same_namespace_twice(domains: DomainRegistry) -> None:
    pack = domains.get("legal.advisory")
    with pytest.raises(DomainError) as caught:
        DomainRegistry([pack, pack])
    assert caught.value.msg == "domain 'legal.advisory' is defined twice"
