"""Tool arguments are checked against the JSON schema of the tool in its domain pack; errors name tool and field."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from scsf.domains import DomainRegistry
from scsf.errors import GenerationError
from scsf.generation.tools import ToolError, run_tool
from scsf.generation.tools.schema import ANNOTATIONS, KEYWORDS, validate_arguments

FINANCING = {"precio": 389900, "enganche_pct": 20, "plazo_meses": 48, "tasa_anual_pct": 13.9}


def test_tool_error_is_a_generation_error() -> None:
    assert issubclass(ToolError, GenerationError)


def test_unknown_tool() -> None:
    with pytest.raises(ToolError, match="unknown tool 'rastrear_pedido'"):
        run_tool("rastrear_pedido", {"pedido": "x"})


@pytest.mark.parametrize(
    ("tool", "arguments", "message"),
    [
        ("calcular_financiamiento", {k: v for k, v in FINANCING.items() if k != "precio"}, "missing required 'precio'"),
        ("calcular_financiamiento", {**FINANCING, "plazo_meses": 48.0}, r"arguments.plazo_meses: expected integer"),
        ("calcular_financiamiento", {**FINANCING, "plazo_meses": True}, r"arguments.plazo_meses: expected integer"),
        ("calcular_financiamiento", {**FINANCING, "precio": "389900"}, r"arguments.precio: expected number"),
        ("calcular_financiamiento", {**FINANCING, "precio": float("nan")}, r"arguments.precio: expected number"),
        ("calcular_financiamiento", {**FINANCING, "color": "rojo"}, "unknown argument 'color'"),
        ("buscar_inventario", {"segmento": "sedan_compacto", "transmision": "cvt"}, r"'cvt' is not one of"),
        ("agendar_cita", {"tipo": "entrega", "fecha": "2026-02-30"}, "is not a date YYYY-MM-DD"),
        ("agendar_cita", {"tipo": "entrega", "fecha": "14/02/2026"}, "is not a date YYYY-MM-DD"),
        ("generar_reactivo", {"tema": "fracciones", "dificultad": 6}, "above the maximum 5"),
        ("ajustar_dificultad", {"aciertos": 1, "intentos": 0, "nivel_actual": 2}, "below the minimum 1"),
        ("generar_plan_estudio", {"temas": [], "minutos_por_dia": 30, "dias_disponibles": 7}, "at least 1 items"),
        ("clasificar_triaje", {"sintomas": ["fiebre", 3]}, r"arguments.sintomas\[1\]: expected string"),
        ("proyectar_portafolio", {"asignacion": [60, 40], "horizonte_anios": 5}, "asignacion: expected object"),
    ],
)
def test_arguments_outside_the_schema(tool: str, arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(ToolError, match=message) as raised:
        run_tool(tool, arguments)
    assert str(raised.value).startswith(f"{tool}: ")


def test_open_objects_take_any_keys() -> None:
    result = run_tool("interpretar_laboratorio", {"estudio": "hba1c", "valores": {"hba1c_pct": 6.0, "otro": 1}})
    assert result["analitos_no_reconocidos"] == ["otro"]


@pytest.mark.parametrize(
    ("tool", "arguments", "message"),
    [
        ("buscar_inventario", {"segmento": "deportivo"}, "segmento: 'deportivo' is not in the catalogue"),
        ("cotizar_refaccion", {"refaccion": "turbo"}, "refaccion: 'turbo' is not in the catalogue"),
        ("generar_reactivo", {"tema": "historia", "dificultad": 2}, "tema: 'historia' is not in the catalogue"),
        ("verificar_gravamenes", {"tipo_registro": "propiedad", "entidad_federativa": "texas"}, "not in the catalogue"),
        ("consultar_telemetria", {"equipo": "horno", "variable": "temperatura_c"}, "names no monitored type"),
        ("consultar_telemetria", {"equipo": "banda_transportadora", "variable": "presion_bar"}, "not in the catalogue"),
        ("ajustar_dificultad", {"aciertos": 5, "intentos": 4, "nivel_actual": 2}, "cannot exceed intentos"),
        ("evaluar_rubrica", {"tipo_trabajo": "ensayo", "criterios": ["tesis", "tesis"]}, "must not repeat"),
        ("interpretar_laboratorio", {"estudio": "hba1c", "valores": {"hba1c_pct": "alta"}}, "must be a number"),
    ],
)
def test_values_the_catalogue_or_computation_cannot_use(tool: str, arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(ToolError, match=message):
        run_tool(tool, arguments)


def test_unsupported_schema_keywords_are_refused_not_ignored() -> None:
    schema = {"type": "object", "properties": {"x": {"type": "string", "pattern": "^a"}}}
    with pytest.raises(ToolError, match="schema keyword 'pattern' is not supported"):
        validate_arguments(schema, {"x": "b"}, "demo")
    with pytest.raises(ToolError, match="schema format 'email' is not supported"):
        validate_arguments({"type": "string", "format": "email"}, "a@b", "demo")


def _schemas(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield schema
    for nested in schema.get("properties", {}).values():
        yield from _schemas(nested)
    if "items" in schema:
        yield from _schemas(schema["items"])


def test_every_pack_schema_uses_only_supported_keywords(domains: DomainRegistry) -> None:
    for pack in domains:
        for tool in pack.herramientas:
            for schema in _schemas(tool.parametros):
                assert set(schema) <= KEYWORDS | ANNOTATIONS, f"{pack.namespace}: {tool.nombre}: {sorted(schema)}"
                assert schema.get("format", "date") == "date"
