"""Compliance, plant, legal and clinical tools: thresholds, calendars, reference tables and fixed catalogues."""

from __future__ import annotations

from datetime import date

import pytest

from scsf.generation.tools import run_tool
from scsf.generation.tools.dates import official_holidays
from scsf.generation.tools.industrial_monitoring import _state


@pytest.mark.parametrize(
    ("arguments", "alerts", "risk"),
    [
        ({"tipo_operacion": "deposito_efectivo", "monto": 138750, "moneda": "MXN"}, ["operacion_relevante"], "medio"),
        ({"tipo_operacion": "deposito_efectivo", "monto": 138700, "moneda": "MXN"}, [], "bajo"),  # 7,497.30 USD
        ({"tipo_operacion": "transferencia_internacional", "monto": 1000, "moneda": "USD"},
         ["transferencia_internacional_reportable"], "medio"),
        ({"tipo_operacion": "transferencia_nacional", "monto": 10000, "moneda": "EUR", "operaciones_mes": 8},
         ["posible_fraccionamiento"], "medio"),
        ({"tipo_operacion": "compra_divisas", "monto": 10000, "moneda": "EUR", "operaciones_mes": 12},
         ["operacion_relevante", "posible_fraccionamiento"], "alto"),  # 200,000 MXN = 10,810.81 USD
    ],
)  # fmt: skip
def test_aml_screening(arguments: dict, alerts: list, risk: str) -> None:
    result = run_tool("evaluar_alerta_aml", arguments)
    assert (result["alertas"], result["nivel_riesgo"]) == (alerts, risk)


def test_official_rest_days() -> None:
    assert sorted(official_holidays(2026)) == [
        date(2026, 1, 1), date(2026, 2, 2), date(2026, 3, 16), date(2026, 5, 1), date(2026, 9, 16),
        date(2026, 11, 16), date(2026, 12, 25),
    ]  # fmt: skip
    assert date(2030, 10, 1) in official_holidays(2030) and date(2029, 10, 1) not in official_holidays(2029)


@pytest.mark.parametrize(
    ("start", "days", "kind", "due", "skipped"),
    [
        ("2026-03-13", 5, "habiles", "2026-03-23", 5),  # skips the weekend, Monday 16 (rest day) and the next weekend
        ("2026-12-20", 5, "naturales", "2026-12-28", 3),  # ends on Friday 25 December: moves to Monday 28
        ("2026-02-02", 20, "naturales", "2026-02-23", 1),  # Sunday 22 -> Monday 23
    ],
)
def test_procedural_deadlines(start: str, days: int, kind: str, due: str, skipped: int) -> None:
    result = run_tool("calcular_plazo_procesal", {"fecha_inicio": start, "dias": days, "tipo_dias": kind})
    assert (result["fecha_vencimiento"], result["dias_inhabiles_omitidos"]) == (due, skipped)


def test_norm_lookup() -> None:
    article = run_tool("consultar_normativa", {"ordenamiento": "ley_federal_del_trabajo", "articulo": "Art. 518"})
    first = article["articulos"][0]
    assert first["tema"] == "prescripcion_despido" and "dos meses" in first["resumen"]
    by_topic = run_tool("consultar_normativa", {"ordenamiento": "ley_federal_del_trabajo", "tema": "prima_antiguedad"})
    assert [a["articulo"] for a in by_topic["articulos"]] == ["162"]
    missing = run_tool("consultar_normativa", {"ordenamiento": "ley_federal_del_trabajo", "articulo": "9999"})
    assert missing["encontrado"] is False and "518" in missing["articulos_disponibles"]
    unknown = run_tool("consultar_normativa", {"ordenamiento": "codigo_penal"})
    assert unknown["encontrado"] is False and "lfpdppp" in unknown["ordenamientos_disponibles"]


def test_lien_lookup_never_invents_a_status() -> None:
    result = run_tool("verificar_gravamenes", {"tipo_registro": "propiedad", "entidad_federativa": "jalisco"})
    assert result["estado_registral"] == "pendiente_de_certificado"
    assert result["certificado"] == "certificado de libertad o existencia de gravámenes"
    assert 3 <= result["plazo_expedicion_dias_habiles"] <= 8


def test_due_diligence_checklist() -> None:
    plain = run_tool("generar_checklist_due_diligence", {"tipo_operacion": "compra_inmueble"})
    with_sector = run_tool(
        "generar_checklist_due_diligence", {"tipo_operacion": "compra_inmueble", "sector": "inmobiliario"}
    )
    assert with_sector["total"] == plain["total"] + 1 and with_sector["sector_con_lista_especifica"] is True
    order = [item["prioridad"] for item in with_sector["verificaciones"]]
    assert order == sorted(order, key=["alta", "media", "baja"].index)


@pytest.mark.parametrize(
    ("value", "nominal", "limit", "side", "state"),
    [(7.2, 2.8, 7.1, "alto", "alarma"), (6.3, 2.8, 7.1, "alto", "alerta"), (3.0, 2.8, 7.1, "alto", "normal"),
     (149, 180, 150, "bajo", "alarma"), (155, 180, 150, "bajo", "alerta"), (176, 180, 150, "bajo", "normal")],
)  # fmt: skip
def test_telemetry_state(value: float, nominal: float, limit: float, side: str, state: str) -> None:
    assert _state(value, nominal, limit, side) == state


def test_telemetry_series() -> None:
    arguments = {"equipo": "bomba_centrifuga_30_hp", "variable": "vibracion_mm_s", "ventana_horas": 6}
    result = run_tool("consultar_telemetria", arguments)
    assert result["tipo_equipo"] == "bomba_centrifuga"
    assert len(result["lecturas"]) == 6 and result["intervalo_horas"] == 1.0
    assert result["ultimo"] == result["lecturas"][-1]
    assert result["minimo"] <= result["promedio"] <= result["maximo"]


def _life(arguments: dict) -> tuple:
    result = run_tool("estimar_vida_util_remanente", arguments)
    return result["vida_ajustada_h"], result["vida_remanente_h"], result["recomendacion"]


def test_remaining_life() -> None:
    # (2.8 / 12)^2 = 0.0544: 25,000 h -> 1,361 h, already exceeded by 12,000 h.
    worn = _life({"componente": "rodamiento", "horas_operacion": 12000, "vibracion_mm_s": 12})
    assert worn == (1361, 0, "reemplazo_inmediato")
    # 5 degrees over 80: 0.5^0.5 = 0.7071 -> 42,426 h; 24,426 h left.
    hot = _life({"componente": "motor_electrico", "horas_operacion": 18000, "temperatura_c": 85})
    assert hot == (42426, 24426, "operacion_normal")
    assert _life({"componente": "banda", "horas_operacion": 14000})[2] == "programar_reemplazo"  # 1,000 h of 15,000


def test_fault_codes_and_spare_parts() -> None:
    found = run_tool("buscar_codigo_falla", {"tipo_equipo": "variador_frecuencia", "codigo": "f0002"})
    assert (found["codigo"], found["severidad"]) == ("F0002", "media")
    unknown = run_tool("buscar_codigo_falla", {"tipo_equipo": "robot", "codigo": "X99"})
    assert unknown["encontrado"] is False and unknown["codigos_del_equipo"] == ["R10", "R30"]
    no_equivalent = run_tool("consultar_inventario_refacciones", {"refaccion": "sello_mecanico"})
    assert no_equivalent["dias_entrega"] == 15 and "equivalente" not in no_equivalent
    equivalent = run_tool(
        "consultar_inventario_refacciones", {"refaccion": "sello_mecanico", "aceptar_equivalente": True}
    )
    assert equivalent["equivalente"]["existencias"] == 2


def test_work_order() -> None:
    arguments = {"equipo": "prensa_hidraulica_200_ton", "tipo": "predictivo", "prioridad": "baja"}
    order = run_tool("crear_orden_trabajo", arguments)
    assert run_tool("crear_orden_trabajo", arguments)["folio"] == order["folio"]
    assert (order["tiempo_respuesta_h"], order["requiere_paro"], order["estado"]) == (72, False, "abierta")
    assert order["folio"].startswith("OT-2026-")


@pytest.mark.parametrize(
    ("arguments", "level", "color"),
    [
        ({"sintomas": ["dolor_toracico_opresivo", "sudoracion_fria"]}, 1, "rojo"),
        ({"sintomas": ["tos_seca"], "saturacion_o2_pct": 89}, 1, "rojo"),
        ({"sintomas": ["tos_seca"], "saturacion_o2_pct": 93}, 2, "naranja"),
        ({"sintomas": ["fiebre_2_dias"], "temperatura_c": 40.0}, 2, "naranja"),
        ({"sintomas": ["embarazo_30_semanas", "cefalea_persistente"]}, 2, "naranja"),
        ({"sintomas": ["palpitaciones"], "frecuencia_cardiaca_lpm": 95}, 3, "amarillo"),
        ({"sintomas": ["fiebre_2_dias"], "temperatura_c": 38.2}, 4, "verde"),
        ({"sintomas": ["comezon_leve"]}, 5, "azul"),
    ],
)
def test_triage(arguments: dict, level: int, color: str) -> None:
    result = run_tool("clasificar_triaje", arguments)
    assert (result["nivel"], result["color"]) == (level, color)
    assert result["criterios"] or result["sintomas_no_clasificados"] == ["comezon_leve"]


def test_drug_interactions() -> None:
    result = run_tool(
        "consultar_interacciones",
        {"medicamentos": ["fluoxetina_20_mg", "tramadol", "ibuprofeno", "naproxeno", "losartan", "amoxicilina", "xyz"],
         "embarazo": True, "alergias": ["penicilina"]},
    )  # fmt: skip
    pairs = [(tuple(i["medicamentos"]), i["severidad"]) for i in result["interacciones"]]
    assert pairs[0] == (("fluoxetina", "tramadol"), "grave")
    assert (("ibuprofeno", "naproxeno"), "moderada") in pairs and (("ibuprofeno", "losartan"), "moderada") in pairs
    assert {w["medicamento"] for w in result["advertencias_embarazo"]} == {"ibuprofeno", "naproxeno", "losartan"}
    assert result["contraindicados_por_alergia"] == ["amoxicilina"]
    assert result["no_reconocidos"] == ["xyz"]


@pytest.mark.parametrize(
    ("value", "label"),
    [(69.9, "baja"), (99, "normal"), (100, "glucosa_alterada_en_ayuno"), (126, "compatible_con_diabetes")],
)
def test_lab_bands(value: float, label: str) -> None:
    result = run_tool("interpretar_laboratorio", {"estudio": "quimica_sanguinea", "valores": {"glucosa_mg_dl": value}})
    assert result["resultados"][0]["interpretacion"] == label
    assert result["fuera_de_rango"] == (label != "normal")


def test_cardiovascular_points() -> None:
    # age 55 -> 4, SBP 145 -> 2, cholesterol 210 -> 1, smoking 2, diabetes 2: 11 points -> 20 % -> alto.
    result = run_tool(
        "calcular_riesgo_cardiovascular",
        {"edad": 55, "presion_sistolica": 145, "colesterol_total": 210, "tabaquismo": True, "diabetes": True},
    )
    assert (result["puntaje_total"], result["riesgo_10_anios_pct"], result["categoria"]) == (11, 20, "alto")
    low = run_tool(
        "calcular_riesgo_cardiovascular",
        {"edad": 35, "presion_sistolica": 115, "colesterol_total": 180, "tabaquismo": False},
    )
    assert (low["puntaje_total"], low["categoria"]) == (0, "bajo")


def test_medical_appointment() -> None:
    now = run_tool(
        "agendar_consulta", {"especialidad": "cardiologia", "modalidad": "presencial", "prioridad": "inmediata"}
    )
    assert now["dias_espera"] == 0
    later = run_tool("agendar_consulta", {"especialidad": "cardiologia", "modalidad": "telemedicina"})
    assert 14 <= later["dias_espera"] <= 18 and later["duracion_min"] == 20
