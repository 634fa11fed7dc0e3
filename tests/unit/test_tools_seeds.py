"""Every tool of every pack runs on arguments derived from every pilot seed that lists it: arguments validate,
results are plain JSON, equal on a second run and in another process, and the seed's stated facts are used."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from typing import Any

import pytest

from scsf.domains import DomainRegistry
from scsf.generation.tools import derive_arguments, derive_stated, run_tool
from scsf.generation.tools.registry import IMPLEMENTATIONS
from scsf.generation.tools.schema import validate_arguments
from scsf.hashing import sha256_hex
from scsf.seeds.importer import pilot_seed_files, validate_seed_files
from scsf.seeds.schema import Seed

DIGEST_SCRIPT = """
import json, random
from scsf.domains import DomainRegistry
from scsf.generation.tools import derive_arguments, derive_stated, run_tool
from scsf.hashing import sha256_hex
from scsf.seeds.importer import pilot_seed_files, validate_seed_files
domains = DomainRegistry.load()
rows = []
for seed, _ in validate_seed_files(pilot_seed_files(), domains):
    pack = domains.get(seed.namespace)
    for name in seed.herramientas_disponibles:
        arguments = derive_arguments(pack.tool(name), seed, pack, random.Random(seed.seed_id))
        stated = derive_stated(pack.tool(name), seed, pack, random.Random(seed.seed_id))
        rows.append([seed.seed_id, name, arguments, run_tool(name, arguments, stated)])
print(sha256_hex(json.dumps(rows, sort_keys=True, ensure_ascii=False)))
"""


@pytest.fixture(scope="module")
def pilot(domains: DomainRegistry) -> list[tuple[Seed, str]]:
    return validate_seed_files(pilot_seed_files(), domains)


def calls(pilot: list[tuple[Seed, str]], domains: DomainRegistry) -> list[tuple[Seed, str, dict, dict, dict]]:
    rows = []
    for seed, _ in pilot:
        pack = domains.get(seed.namespace)
        for name in seed.herramientas_disponibles:
            arguments = derive_arguments(pack.tool(name), seed, pack, random.Random(seed.seed_id))
            stated = derive_stated(pack.tool(name), seed, pack, random.Random(seed.seed_id))
            rows.append((seed, name, arguments, stated, run_tool(name, arguments, stated)))
    return rows


def plain_json(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(key, str) and plain_json(item) for key, item in value.items())
    if isinstance(value, list):
        return all(plain_json(item) for item in value)
    return value is None or isinstance(value, (str, int, float, bool))


def test_every_declared_tool_is_implemented(domains: DomainRegistry) -> None:
    declared = {tool.nombre for pack in domains for tool in pack.herramientas}
    assert declared == set(IMPLEMENTATIONS)
    assert len(declared) == 34


def test_every_pilot_tool_call_validates_and_repeats(pilot: list, domains: DomainRegistry) -> None:
    rows = calls(pilot, domains)
    assert len(rows) == sum(len(seed.herramientas_disponibles) for seed, _ in pilot) > 100
    used = {name for _, name, _, _, _ in rows}
    assert used == set(IMPLEMENTATIONS), f"tools no pilot seed exercises: {set(IMPLEMENTATIONS) - used}"
    assert sum(bool(stated) for _, _, _, stated, _ in rows) > 40
    for seed, name, arguments, stated, result in rows:
        validate_arguments(domains.get(seed.namespace).tool(name).parametros, arguments, name)
        assert plain_json(arguments) and plain_json(stated) and plain_json(result), (seed.seed_id, name)
        assert json.loads(json.dumps(result)) == result
        replayed = run_tool(name, json.loads(json.dumps(arguments)), json.loads(json.dumps(stated)))
        assert replayed == result, (seed.seed_id, name)
        pack = domains.get(seed.namespace)
        again = derive_arguments(pack.tool(name), seed, pack, random.Random(seed.seed_id))
        assert again == arguments, (seed.seed_id, name)


def test_results_do_not_depend_on_the_process(pilot: list, domains: DomainRegistry) -> None:
    """Hash randomisation differs per process; results must not (no `hash()`, no set order, no clock)."""
    rows = [[seed.seed_id, name, arguments, result] for seed, name, arguments, _, result in calls(pilot, domains)]
    here = sha256_hex(json.dumps(rows, sort_keys=True, ensure_ascii=False))
    for hash_seed in ("1", "4242"):
        environment = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-c", DIGEST_SCRIPT], capture_output=True, text=True, env=environment, check=True
        )
        assert done.stdout.strip() == here


def _arguments(pilot: list, domains: DomainRegistry, tool: str, *entities: str) -> dict:
    """Derived arguments for the pilot seed holding all the entities and listing the tool."""
    for seed, _ in pilot:
        if tool in seed.herramientas_disponibles and set(entities) <= set(seed.parametros_factuales.entidades_clave):
            pack = domains.get(seed.namespace)
            return derive_arguments(pack.tool(tool), seed, pack, random.Random(0))
    raise AssertionError(f"no pilot seed lists {tool} with {entities}")


@pytest.mark.parametrize(
    ("tool", "entities", "expected"),
    [
        ("calcular_financiamiento",
         ("precio_lista_389900_mxn", "enganche_20pct", "plazo_48_meses", "tasa_13_9pct_anual"),
         {"precio": 389900, "enganche_pct": 20, "plazo_meses": 48, "tasa_anual_pct": 13.9}),
        ("precalificar_credito", ("ingreso_mensual_22000_mxn",),
         {"ingreso_mensual": 22000, "tipo_ingreso": "informal", "historial": "sin_historial"}),
        ("buscar_inventario", ("precio_max_650000_mxn",),
         {"segmento": "suv_mediana", "transmision": "automatica", "precio_max": 650000}),
        ("valuar_auto_usado", ("anio_2018", "kilometraje_92000_km"),
         {"anio": 2018, "kilometraje": 92000, "segmento": "sedan_compacto"}),
        ("comparar_costo_operacion", ("ruta_diaria_120_km",), {"km_mensuales": 3120, "motorizacion": "electrico"}),
        ("simular_credito", ("credito_hipotecario_2_5_millones_mxn",),
         {"monto": 2500000, "plazo_meses": 240, "tasa_anual_pct": 10.5}),
        ("evaluar_alerta_aml", ("transferencia_internacional_15000_usd",),
         {"tipo_operacion": "transferencia_internacional", "monto": 15000, "moneda": "USD", "operaciones_mes": 9}),
        ("perfilar_riesgo_inversion", ("horizonte_5_anios", "perfil_riesgo_moderado"),
         {"horizonte_anios": 5, "tolerancia_perdida_pct": 15}),
        ("estimar_vida_util_remanente", ("vibracion_12_mm_s",),
         {"componente": "rodamiento", "horas_operacion": 12000, "vibracion_mm_s": 12}),
        ("buscar_codigo_falla", ("codigo_falla_f0002",), {"tipo_equipo": "variador_frecuencia", "codigo": "F0002"}),
        ("calcular_liquidacion_laboral", ("salario_diario_450_mxn",),
         {"salario_diario": 450, "antiguedad_anios": 4, "tipo_terminacion": "despido_injustificado"}),
        ("interpretar_laboratorio", ("hba1c_8_2pct",), {"estudio": "hba1c", "valores": {"hba1c_pct": 8.2}}),
        ("clasificar_triaje", ("saturacion_o2_91pct",),
         {"sintomas": ["fiebre_3_dias", "tos_seca_7_dias"], "temperatura_c": 38.5, "saturacion_o2_pct": 91}),
        ("ajustar_dificultad", ("aciertos_7_de_15",), {"aciertos": 7, "intentos": 15, "nivel_actual": 2}),
    ],
)  # fmt: skip
def test_stated_facts_become_arguments(
    pilot: list, domains: DomainRegistry, tool: str, entities: tuple, expected: dict
) -> None:
    assert _arguments(pilot, domains, tool, *entities) == expected


def test_horizon_from_age_and_retirement_goal(pilot: list, domains: DomainRegistry) -> None:
    arguments = _arguments(pilot, domains, "perfilar_riesgo_inversion", "edad_35_anios", "meta_retiro_65_anios")
    assert arguments["horizonte_anios"] == 30


def test_a_stated_student_mistake_is_the_answer_evaluated(pilot: list, domains: DomainRegistry) -> None:
    arguments = _arguments(pilot, domains, "evaluar_respuesta", "error_omitir_derivada_interna")
    result = run_tool("evaluar_respuesta", arguments)
    assert arguments["tema"] == "derivadas_regla_cadena"
    assert (result["correcta"], result["tipo_error"]) == (False, "incompleta")
