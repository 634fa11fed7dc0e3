"""Tool calls never contradict the seed they are planned for (issue #4, whitepaper 4.4): every number the seed's
entity ids and constraints state must reappear unchanged in any argument or result field that names the same
quantity. The check is generic, so a new tool or seed is held to it without a new test:

- a fact is an id `<name>_<number>[<unit>][_<words>]` (`valor_toma_148000_mxn`, `tasa_13_9pct_anual`,
  `vibracion_12_mm_s`); ids with two numbers (`aciertos_4_de_10`) are left to the specific tests below;
- a field names the same quantity when it starts with the fact's first word, its other words are among the fact's
  words (the fact may add same-quantity qualifiers such as `lista`, `preliminar`, `descarga`; the field may add
  `estimado`, `referencia`, `sin_iva`) and its unit, when it has one, is the fact's (`duracion_4_horas` ->
  `duracion_min` = 240); words that change the quantity (`max`, `total`, `base`, `por`) must appear on both sides;
- records that name their measured quantity (`{"variable": "vibracion_mm_s", "ultimo": ...}`,
  `{"analito": "hba1c_pct", "valor": ...}`) count as fields named after it; maps of points (`puntos`) are scores,
  not the quantities they are named after;
- a fact stated twice (`plazo_36_meses`, `plazo_60_meses`) may match either value; a field inside a list (the units
  of an inventory search) needs one element that matches, not all;
- seeds name a few quantities differently from the results (`prima_amplia_11200_mxn` is the annual premium of the
  `amplia` cover); `ALIASES` lists them.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from scsf.domains import DomainRegistry
from scsf.generation.tools import ToolInvocation, plan_tool_calls
from scsf.seeds.importer import pilot_seed_files, validate_seed_files
from scsf.seeds.schema import Seed

UNITS = {
    "pct": "pct", "mxn": "mxn", "usd": "usd", "km": "km", "kg": "kg", "mm_s": "mm_s", "c": "c", "bar": "bar",
    "a": "a", "minutos": "min", "min": "min", "horas": "h", "h": "h", "dias": "dias", "meses": "meses",
    "anios": "anios", "mg_dl": "mg_dl", "g_dl": "g_dl", "lpm": "lpm",
}  # fmt: skip
FIELD_UNITS = ("mm_s", "mg_dl", "g_dl", "pct", "min", "h", "c", "a", "bar", "km", "kg", "lpm", "dias", "meses", "anios")
CONVERSIONS = {("h", "min"): 60}
FACT = re.compile(
    rf"^(?P<name>[a-z][a-z0-9_]*?)_(?P<number>\d+(?:_\d+)?)(?P<millions>_millones)?_?"
    rf"(?P<unit>{'|'.join(sorted(UNITS, key=len, reverse=True))})?(?:_(?P<rest>[a-z][a-z_]*))?$"
)
SYNONYMS = {"max": "maxima", "maximo": "maxima", "min": "minimo", "minimos": "minimo", "base": "nominal"}
# Words after which a fact is another quantity than the plain field (a budget, a total, a per-unit figure).
CHANGING = frozenset(
    {"maxima", "minimo", "total", "nominal", "limite", "delta", "por", "cada", "cliente", "esperado", "referencia",
     "autorizado", "particular", "nuevo", "objetivo", "inicial", "tope"}
)  # fmt: skip
# Words a fact may add to a field's name and still state the same quantity.
FACT_QUALIFIERS = frozenset(
    {"lista", "publicado", "unitario", "preliminar", "fija", "fijo", "anual", "preferencial", "cubierto", "promedio",
     "descarga", "molde", "rodamiento", "motor", "aceite", "modelo", "seminuevo", "mensual", "sin", "iva"}
)  # fmt: skip
FIELD_QUALIFIERS = frozenset({"estimado", "estimada", "referencia", "sin", "iva"})
RECORDS = (("variable", "ultimo"), ("analito", "valor"))
SCORES = frozenset({"puntos"})  # maps of points per criterion, named after the quantity they score


@dataclass(frozen=True)
class Fact:
    identifier: str
    words: tuple[str, ...]
    unit: str | None
    value: float


@dataclass(frozen=True)
class Leaf:
    name: str
    value: Any
    in_list: bool


def parse_fact(identifier: str) -> Fact | None:
    match = FACT.match(identifier)
    if match is None:
        return None
    number = float(match["number"].replace("_", "."))
    words = match["name"].split("_") + (match["rest"].split("_") if match["rest"] else [])
    return Fact(
        identifier,
        tuple(SYNONYMS.get(word, word) for word in words),
        UNITS[match["unit"]] if match["unit"] else None,
        number * 1_000_000 if match["millions"] else number,
    )


def split_field(name: str) -> tuple[tuple[str, ...], str | None]:
    """`vibracion_mm_s` -> ((vibracion,), mm_s); `mensualidad_maxima` -> ((mensualidad, maxima), None)."""
    for unit in FIELD_UNITS:
        if name.endswith(f"_{unit}"):
            words = name[: -len(unit) - 1].split("_")
            return tuple(SYNONYMS.get(word, word) for word in words), unit
    return tuple(SYNONYMS.get(word, word) for word in name.split("_")), None


def conversion(fact: Fact, field_unit: str | None) -> float | None:
    """The factor from the fact's unit to the field's, None when they measure different things."""
    if field_unit is None:
        return None if fact.unit == "pct" else 1.0
    if fact.unit == field_unit:
        return 1.0
    return CONVERSIONS.get((fact.unit or "", field_unit))


def names_the_fact(field: str, fact: Fact) -> float | None:
    """The unit factor when `field` names the fact's quantity, else None."""
    words, unit = split_field(field)
    core = tuple(word for word in words if word not in FIELD_QUALIFIERS)
    if not core or core[0] != fact.words[0]:
        return None
    fact_words, field_words = set(fact.words), set(core)
    if not field_words <= fact_words:
        return None
    extra = fact_words - field_words
    if extra & CHANGING or not extra <= FACT_QUALIFIERS:
        return None
    return conversion(fact, unit)


def leaves(value: Any, name: str = "", in_list: bool = False) -> Iterator[Leaf]:
    """Every named scalar of arguments or result; records that name their quantity add a leaf under that name."""
    if isinstance(value, dict):
        for key, label in RECORDS:
            if isinstance(value.get(key), str) and label in value:
                yield Leaf(value[key], value[label], in_list)
        if isinstance(value.get("variable"), str) and "nominal" in value:
            head, unit = split_field(value["variable"])
            yield Leaf(f"{'_'.join(head)}_nominal_{unit}", value["nominal"], in_list)
        for key, item in value.items():
            if key not in SCORES:
                yield from leaves(item, key, in_list)
    elif isinstance(value, list):
        for item in value:
            yield from leaves(item, name, True)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield Leaf(name, value, in_list)


def same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _alias_prima(match: re.Match[str], call: ToolInvocation) -> Iterator[tuple[str, Any, Any]]:
    if call.result.get("cobertura") == match[1]:
        yield "prima_anual", float(match[2]), call.result.get("prima_anual")


def _alias_field(field: str, factor: float = 1.0):  # noqa: ANN202 - a small factory of alias checks
    """Every scalar `field` equals the seed's number; a `field` inside a list has one element that does."""

    def check(match: re.Match[str], call: ToolInvocation) -> Iterator[tuple[str, Any, Any]]:
        expected = float(match[1]) * factor
        found = [leaf for leaf in leaves({**call.arguments, **call.result}) if leaf.name == field]
        yield from ((field, expected, leaf.value) for leaf in found if not leaf.in_list)
        listed = [leaf.value for leaf in found if leaf.in_list]
        if listed:
            yield field, expected, next((value for value in listed if same(value, expected)), listed)

    return check


def _alias_schedule(match: re.Match[str], call: ToolInvocation) -> Iterator[tuple[str, Any, Any]]:
    if call.name == "agendar_cita":
        yield "dia_semana", match[1], call.result["dia_semana"]
        yield "hora", f"{int(match[2]):02d}:{match[3]}", call.result["hora"]


def _alias_warranty(match: re.Match[str], call: ToolInvocation) -> Iterator[tuple[str, Any, Any]]:
    group = match[1] or "basica"
    if call.name == "verificar_garantia" and group in call.result.get("tipo_garantia", ""):
        yield "vigencia_anios", int(match[2]), call.result["vigencia_anios"]
        yield "vigencia_km", int(match[3]), call.result["vigencia_km"]


def _alias_drop(match: re.Match[str], call: ToolInvocation) -> Iterator[tuple[str, Any, Any]]:
    if call.name == "consultar_telemetria" and call.result["variable"] == f"{match[1]}_{match[4]}":
        yield "lecturas[0]", float(match[2]), call.result["lecturas"][0]
        yield "ultimo", float(match[3]), call.result["ultimo"]


# Seed ids that state a field under another name: (id pattern, check yielding (field, seed value, tool value)).
ALIASES = (
    (r"prima_(amplia|limitada|responsabilidad_civil)_(\d+)_mxn", _alias_prima),
    (r"costo_reparacion_(\d+)_mxn", _alias_field("total")),
    (r"(?:tiempo_entrega(?:_[a-z]+)*|traslado|entrega_en_agencia)_(\d+)_dias(?:_habiles)?",
     _alias_field("dias_entrega")),
    (r"(?:tiempo_)?estudio_(\d+)_min(?:_[a-z]+)*", _alias_field("minutos_por_dia")),
    (r"duracion_(\d+)_horas", _alias_field("duracion_min", 60)),
    (r"horario_([a-z]+)_(\d{1,2})_(\d{2})", _alias_schedule),
    (r"garantia_(?:([a-z_]+)_)?(\d+)_anios_(\d+)_km", _alias_warranty),
    (r"caida_([a-z]+)_(\d+)_a_(\d+)_([a-z_]+)", _alias_drop),
)  # fmt: skip


def contradictions(seed: Seed, call: ToolInvocation) -> Iterator[str]:
    factual = seed.parametros_factuales
    identifiers = [*factual.entidades_clave, *factual.restricciones]
    facts = [fact for identifier in identifiers if (fact := parse_fact(identifier))]
    found = list(leaves(call.arguments)) + list(leaves(call.result))
    for fact in facts:
        stated = [other.value for other in facts if other.words == fact.words and other.unit == fact.unit]
        matches = [(leaf, factor) for leaf in found if (factor := names_the_fact(leaf.name, fact)) is not None]
        scalars = [(leaf, factor) for leaf, factor in matches if not leaf.in_list]
        listed = [(leaf, factor) for leaf, factor in matches if leaf.in_list]
        for leaf, factor in scalars:
            if not any(same(leaf.value, value * factor) for value in stated):
                yield f"{seed.seed_id[:8]} {call.name}.{leaf.name}: seed {fact.identifier} vs {leaf.value}"
        if listed and not any(same(leaf.value, fact.value * factor) for leaf, factor in listed):
            values = sorted({leaf.value for leaf, _ in listed})
            yield f"{seed.seed_id[:8]} {call.name}.{listed[0][0].name}: seed {fact.identifier} vs any of {values}"
    for identifier in identifiers:
        for pattern, check in ALIASES:
            if match := re.fullmatch(pattern, identifier):
                for field, expected, actual in check(match, call):
                    if actual != expected and not (isinstance(actual, (int, float)) and same(actual, expected)):
                        yield f"{seed.seed_id[:8]} {call.name}.{field}: seed {identifier} vs {actual}"


@pytest.fixture(scope="module")
def planned(domains: DomainRegistry) -> list[tuple[Seed, ToolInvocation]]:
    rows = []
    for seed, _ in validate_seed_files(pilot_seed_files(), domains):
        pack, flow = domains.get(seed.namespace), seed.parametros_factuales.flujo_esperado
        for draw in range(3):
            calls = plan_tool_calls(seed, pack, flow, random.Random(f"{seed.seed_id}:{draw}"))
            rows += [(seed, call) for call in calls]
    return rows


def test_no_tool_call_contradicts_a_number_its_seed_states(planned: list) -> None:
    found = sorted({line for seed, call in planned for line in contradictions(seed, call)})
    assert not found, f"{len(found)} contradictions:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("identifier", "field", "matches"),
    [
        ("valor_toma_148000_mxn", "valor_toma", True), ("valor_toma_preliminar_210000_mxn", "valor_toma", True),
        ("valor_toma_total_390000_mxn", "valor_toma", False), ("precio_lista_389900_mxn", "precio", True),
        ("precio_max_650000_mxn", "precio", False), ("precio_max_650000_mxn", "precio_max", True),
        ("precio_referencia_guia_240000_mxn", "precio", False), ("enganche_20pct", "enganche", False),
        ("enganche_20pct", "enganche_pct", True), ("enganche_20pct", "enganche_minimo_pct", False),
        ("tasa_13_9pct_anual", "tasa_estimada_pct", True), ("cat_promedio_22pct", "cat_sin_iva_pct", True),
        ("vibracion_12_mm_s", "vibracion_mm_s", True), ("vibracion_base_3_mm_s", "vibracion_mm_s", False),
        ("vibracion_base_3_mm_s", "vibracion_nominal_mm_s", True), ("temperatura_descarga_110c", "temperatura_c", True),
        ("ventana_mantenimiento_4_horas", "ventana_horas", False), ("duracion_4_horas", "duracion_min", True),
        ("duracion_20_minutos_por_unidad", "duracion_min", False), ("mensualidad_max_6000_mxn", "mensualidad", False),
        ("mensualidad_max_6000_mxn", "mensualidad_maxima", True), ("plazo_48_meses", "plazo_referencia_meses", True),
        ("salario_diario_450_mxn", "salario_base", False), ("kilometraje_92000_km", "kilometraje", True),
    ],
)  # fmt: skip
def test_the_generic_check_pairs_fields_with_facts(identifier: str, field: str, matches: bool) -> None:
    fact = parse_fact(identifier)
    assert fact is not None
    assert (names_the_fact(field, fact) is not None) == matches


# -- facts the generic check cannot read: categories, several numbers in one id, items ------------------------------


def calls_to(planned: list, tool: str, *entities: str) -> list[tuple[Seed, ToolInvocation]]:
    """The planned calls to `tool` for seeds holding every one of `entities` (as entities or constraints)."""
    rows = []
    for seed, call in planned:
        identifiers = {*seed.parametros_factuales.entidades_clave, *seed.parametros_factuales.restricciones}
        if call.name == tool and set(entities) <= identifiers:
            rows.append((seed, call))
    assert rows, f"no pilot seed calls {tool} with {entities}"
    return rows


def test_inventory_lists_the_used_car_the_seed_sells(planned: list) -> None:
    for seed, call in calls_to(planned, "buscar_inventario", "seminuevo_certificado"):
        entities = seed.parametros_factuales.entidades_clave
        year = next(int(e.rsplit("_", 1)[1]) for e in entities if re.fullmatch(r"anio_\d{4}", e))
        km = next(int(e.split("_")[1]) for e in entities if re.fullmatch(r"kilometraje_\d+_km", e))
        used = [u for u in call.result["unidades"] if u["version"] == "Seminuevo certificado"]
        assert [(u["anio"], u["kilometraje"]) for u in used] == [(year, km)], seed.seed_id


def test_inventory_shows_the_seeds_unit_as_the_seed_describes_it(planned: list) -> None:
    for _, call in calls_to(planned, "buscar_inventario", "color_rojo", "unidad_en_otra_sucursal"):
        unit = next(u for u in call.result["unidades"] if u["precio"] == 374900)
        assert (unit["colores"][0], unit["ubicacion"], unit["existencias_agencia"]) == ("rojo", "otra_sucursal", 0)
    for _, call in calls_to(planned, "buscar_inventario", "anio_modelo_2024", "anio_modelo_2025_precio_499900_mxn"):
        years = {u.get("anio"): u["precio"] for u in call.result["unidades"]}
        assert (years[2024], years[2025]) == (479900, 499900)


def test_a_politically_exposed_person_is_high_risk(planned: list) -> None:
    for _, call in calls_to(planned, "evaluar_alerta_aml", "persona_politicamente_expuesta"):
        assert "persona_politicamente_expuesta" in call.result["alertas"] and call.result["nivel_riesgo"] == "alto"


def test_tutoring_calls_use_the_seeds_exercise(planned: list) -> None:
    for _, call in calls_to(planned, "evaluar_respuesta", "masa_2_kg", "fuerza_10_n", "aceleracion_5_m_s2"):
        assert call.arguments["respuesta_esperada"] in ("5 m/s²", "10 N")
    for _, call in calls_to(planned, "evaluar_respuesta", "funcion_compuesta_seno_de_x2"):
        assert (call.arguments["respuesta_esperada"], call.arguments["respuesta_estudiante"]) == (
            "2x cos(x^2)", "cos(x^2)",
        )  # fmt: skip
    for _, call in calls_to(planned, "generar_reactivo", "funcion_compuesta_seno_de_x2"):
        assert call.result["enunciado"] == "Deriva f(x) = sen(x^2)."
    for _, call in calls_to(planned, "generar_reactivo", "catetos_3_y_4", "hipotenusa_5"):
        assert set(re.findall(r"\d+", call.result["enunciado"])) <= {"3", "4", "5"}


def test_a_60_40_portfolio_holds_60_percent_equities(planned: list) -> None:
    for _, call in calls_to(planned, "proyectar_portafolio", "portafolio_60_40"):
        assert call.arguments["asignacion"] == {"deuda": 40, "renta_variable": 60}


def test_the_mileage_of_a_scheduled_service_is_the_cars(planned: list) -> None:
    for _, call in calls_to(planned, "valuar_auto_usado", "servicio_60000_km"):
        assert call.arguments["kilometraje"] == 60000


def test_a_resignation_before_15_years_explains_its_zero_total(planned: list) -> None:
    """LFT art. 162 fr. III: no seniority premium on resignation before 15 years; whole years leave no proportional
    parts under the tool's assumption. The total of 0 is right; `notas` says why."""
    for _, call in calls_to(planned, "calcular_liquidacion_laboral", "renuncia_voluntaria", "antiguedad_7_anios"):
        assert (call.result["total"], call.result["conceptos"]) == (0.0, [])
        assert any("162, fr. III" in note for note in call.result["notas"])
        assert any(note.startswith("aguinaldo") for note in call.result["notas"])
