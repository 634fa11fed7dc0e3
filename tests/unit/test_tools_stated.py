"""Stated facts: what a seed states that a result reports beyond its arguments wins over the simulated value, and the
rest of the result stays consistent with it (values computed by hand in the comments)."""

from __future__ import annotations

import pytest

from scsf.generation.tools import ToolError, run_tool

SEDAN_2018 = {"anio": 2018, "kilometraje": 92000, "segmento": "sedan_compacto"}


def test_a_stated_fact_the_tool_does_not_report_is_refused() -> None:
    with pytest.raises(ToolError, match="valuar_auto_usado: stated: 'prima_anual' is not a fact this tool reports"):
        run_tool("valuar_auto_usado", SEDAN_2018, {"prima_anual": 1})
    with pytest.raises(ToolError, match="known: none"):
        run_tool("crear_orden_trabajo", {"equipo": "plc", "tipo": "correctivo", "prioridad": "alta"}, {"folio": "x"})


def test_no_statement_keeps_the_simulated_result() -> None:
    assert run_tool("valuar_auto_usado", SEDAN_2018, {}) == run_tool("valuar_auto_usado", SEDAN_2018)


def test_stated_trade_in_value() -> None:
    # Table value 139,000 / 122,000; the seed's 148,000 wins, market = 148,000 / 0.88 = 168,182 -> 168,000.
    result = run_tool("valuar_auto_usado", SEDAN_2018, {"valor_toma": 148000})
    assert (result["valor_toma"], result["valor_mercado_estimado"], result["margen_toma_pct"]) == (148000, 168000, 12)
    assert result["origen_valor"] == "avaluo_registrado"
    assert run_tool("valuar_auto_usado", SEDAN_2018)["origen_valor"] == "tabla"
    # Both stated: the margin is what lies between them, 1 - 168,000 / 185,000 = 9.19 %.
    both = run_tool("valuar_auto_usado", SEDAN_2018, {"valor_toma": 168000, "valor_mercado_estimado": 185000})
    assert (both["valor_mercado_estimado"], both["margen_toma_pct"]) == (185000, 9.2)
    fleet = run_tool("valuar_auto_usado", SEDAN_2018, {"valor_toma": 130000, "unidades": 3})
    assert (fleet["valor_toma"], fleet["unidades"], fleet["valor_toma_total"]) == (130000, 3, 390000)


def test_accident_discount_lowers_the_table_value() -> None:
    # 138,713 * 0.85 = 117,906 -> 118,000; buy 88 % = 103,840 -> 104,000.
    result = run_tool("valuar_auto_usado", SEDAN_2018, {"descuento_por_siniestro_pct": 15})
    assert (result["valor_mercado_estimado"], result["valor_toma"], result["descuento_por_siniestro_pct"]) == (
        118000, 104000, 15,
    )  # fmt: skip


def test_stated_premium_and_deductibles() -> None:
    arguments = {"segmento": "hatchback_subcompacto", "cobertura": "amplia"}
    result = run_tool("cotizar_seguro", arguments, {"prima_anual": 11200, "deducible_danos_pct": 3})
    assert (result["prima_anual"], result["prima_mensual"]) == (11200.0, 933.33)  # 11,200 / 12
    assert (result["deducible_danos_pct"], result["deducible_robo_pct"]) == (3, 10)


def test_financing_with_an_opening_fee() -> None:
    arguments = {"precio": 689900, "enganche_pct": 20, "plazo_meses": 60, "tasa_anual_pct": 12.9}
    plain = run_tool("calcular_financiamiento", arguments)
    with_fee = run_tool("calcular_financiamiento", arguments, {"comision_apertura_pct": 2})
    # 2 % of 551,920 financed = 11,038.40, paid up front: in the total cost and in the CAT, the monthly rate at which
    # 60 payments of 12,529.64 are worth the 540,881.60 received: (1 + i)^12 - 1 = 14.7083 % (50-digit Decimal).
    assert with_fee["comision_apertura"] == 11038.40
    assert with_fee["costo_total"] == plain["costo_total"] + 11038.40 == 900796.80
    assert with_fee["mensualidad"] == plain["mensualidad"]
    assert (plain["cat_sin_iva_pct"], with_fee["cat_sin_iva_pct"]) == (13.7, 14.7)
    stated = run_tool("calcular_financiamiento", arguments, {"comision_apertura_pct": 2, "cat_sin_iva_pct": 17.4})
    assert stated["cat_sin_iva_pct"] == 17.4


def test_prequalification_with_the_seeds_rate_term_and_ceiling() -> None:
    profile = {"ingreso_mensual": 20000, "tipo_ingreso": "honorarios", "historial": "sin_historial"}
    stated = {"tasa_estimada_pct": 16.5, "plazo_referencia_meses": 60, "mensualidad_maxima": 6000}
    result = run_tool("precalificar_credito", profile, stated)
    # 30 % of 20,000 = 6,000 (the ceiling); PV over 60 months at 16.5 % = 244,058 -> 244,000; / 0.8 = 305,000.
    assert (result["tasa_estimada_pct"], result["mensualidad_maxima"]) == (16.5, 6000.0)
    assert (result["monto_maximo_financiable"], result["precio_vehiculo_maximo"]) == (244000, 305000)
    capped = run_tool("precalificar_credito", {**profile, "ingreso_mensual": 40000}, {"mensualidad_maxima": 6000})
    assert capped["mensualidad_maxima"] == 6000.0  # the buyer's ceiling under the lender's 12,000


def test_stated_appointment_hour_and_duration() -> None:
    result = run_tool("agendar_cita", {"tipo": "prueba_manejo", "fecha": "2026-03-21"}, {"hora": "10:00"})
    assert (result["dia_semana"], result["hora"], result["duracion_min"]) == ("sabado", "10:00", 45)
    longer = run_tool("agendar_cita", {"tipo": "servicio", "fecha": "2026-01-19"}, {"duracion_min": 120})
    assert longer["duracion_min"] == 120


def test_stated_warranty_terms_apply_to_their_group_only() -> None:
    basic = {"tipo_garantia": "basica", "vigencia_anios": 2, "vigencia_km": 40000}
    pump = run_tool("verificar_garantia", {"anio": 2025, "kilometraje": 45000, "componente": "bomba_de_agua"}, basic)
    assert (pump["vigencia_km"], pump["motivo"]) == (40000, "vencida_por_kilometraje")
    gearbox = run_tool("verificar_garantia", {"anio": 2025, "kilometraje": 45000, "componente": "transmision"}, basic)
    assert (gearbox["tipo_garantia"], gearbox["vigencia_km"], gearbox["cubierto"]) == ("tren_motriz", 100000, True)


@pytest.mark.parametrize(
    ("stated", "expected"),
    [
        ({"precio_refaccion": 2350, "mano_de_obra": 900}, (2350.0, 900.0, 3250.0, "en_almacen", 0, 0)),
        # A total alone keeps the catalogue's proportion: 3,055 / 4,225 of 3,900 = 2,820.
        ({"total": 3900}, (2820.0, 1080.0, 3900.0, "en_almacen", 0, 0)),
        ({"precio_refaccion": 3000, "total": 3900}, (3000.0, 900.0, 3900.0, "en_almacen", 0, 0)),
        ({"dias_entrega": 10}, (3055.0, 1170.0, 4225.0, "sobre_pedido", 10, 50)),
    ],
)  # fmt: skip
def test_stated_part_quote(stated: dict, expected: tuple) -> None:
    result = run_tool("cotizar_refaccion", {"refaccion": "balatas_delanteras", "segmento": "pickup_doble_cabina"}, stated)
    fields = ("precio_refaccion", "mano_de_obra", "total", "disponibilidad", "dias_entrega", "anticipo_pct")
    assert tuple(result[field] for field in fields) == expected


def test_stated_fuel_economy() -> None:
    # 1,300 km / 20 km/L = 65 L * 24.50 = 1,592.50; the gasoline car at 10 km/L: 130 L = 3,185.
    result = run_tool(
        "comparar_costo_operacion", {"km_mensuales": 1300, "motorizacion": "hibrido"},
        {"km_por_litro": 20, "km_por_litro_gasolina": 10},
    )  # fmt: skip
    assert (result["costo_mensual"], result["costo_mensual_gasolina"]) == (1592.50, 3185.0)


TELEMETRY = {"equipo": "bomba_centrifuga_30_hp", "variable": "vibracion_mm_s"}


def test_a_stated_reading_ends_the_series() -> None:
    result = run_tool("consultar_telemetria", TELEMETRY, {"ultimo": 12, "nominal": 3})
    assert (result["ultimo"], result["nominal"], result["estado"], result["tendencia"]) == (12, 3, "alarma", "estable")
    assert all(abs(reading - 12) <= 0.005 * 3 + 0.01 for reading in result["lecturas"])


def test_a_stated_drop_starts_and_ends_the_series() -> None:
    arguments = {"equipo": "prensa_hidraulica_200_ton", "variable": "presion_bar"}
    result = run_tool("consultar_telemetria", arguments, {"primero": 180, "ultimo": 140})
    assert (result["lecturas"][0], result["ultimo"], result["tendencia"], result["estado"]) == (
        180, 140, "a_la_baja", "alarma",
    )  # fmt: skip


def test_a_stated_trend_is_reported_and_followed() -> None:
    result = run_tool("consultar_telemetria", TELEMETRY, {"tendencia": "al_alza"})
    assert result["tendencia"] == "al_alza" and result["ultimo"] > result["lecturas"][0]
    rate = run_tool("consultar_telemetria", TELEMETRY, {"ultimo": 6.0, "cambio_por_hora": 0.05, "limite_alarma": 6.5})
    assert abs(rate["lecturas"][0] - 4.8) <= 0.02 and rate["estado"] == "alerta"  # 6.0 - 0.05 * 24


def test_stated_spare_part_stock() -> None:
    result = run_tool("consultar_inventario_refacciones", {"refaccion": "rodamiento_6205"}, {"dias_entrega": 9})
    assert (result["existencias"], result["dias_entrega"]) == (0, 9)


def test_politically_exposed_person_is_high_risk() -> None:
    arguments = {"tipo_operacion": "deposito_efectivo", "monto": 1000, "moneda": "MXN"}
    assert run_tool("evaluar_alerta_aml", arguments)["nivel_riesgo"] == "bajo"
    result = run_tool("evaluar_alerta_aml", arguments, {"factores_riesgo": ["persona_politicamente_expuesta"]})
    assert (result["alertas"], result["nivel_riesgo"]) == (["persona_politicamente_expuesta"], "alto")
    with pytest.raises(ToolError, match="factores_riesgo must be among"):
        run_tool("evaluar_alerta_aml", arguments, {"factores_riesgo": ["cliente_nuevo"]})


INVENTORY = {"segmento": "sedan_compacto", "transmision": "automatica"}


def test_inventory_lists_the_seeds_used_car() -> None:
    # 2020 sedan, 6 years, 52,000 km: 45 % of 374,900 = 168,705 -> 169,000 (no km over the expected 90,000).
    used = {"anio": 2020, "kilometraje": 52000, "seminuevo": True, "garantia_meses": 12}
    result = run_tool("buscar_inventario", {**INVENTORY, "precio_max": 260000}, {"unidades": [used]})
    assert result["resultados"] == 1
    unit = result["unidades"][0]
    assert (unit["version"], unit["anio"], unit["kilometraje"], unit["precio"]) == (
        "Seminuevo certificado", 2020, 52000, 169000,
    )  # fmt: skip
    assert (unit["transmisiones"], unit["garantia_meses"]) == (["automatica"], 12)
    over_budget = run_tool("buscar_inventario", {**INVENTORY, "precio_max": 150000}, {"unidades": [used]})
    assert over_budget["resultados"] == 0


def test_inventory_gives_a_catalogue_unit_the_seeds_details() -> None:
    stated = {"unidades": [{"precio": 374900, "color": "rojo", "ubicacion": "otra_sucursal", "dias_entrega": 5}]}
    unit = run_tool("buscar_inventario", INVENTORY, stated)["unidades"][0]
    assert (unit["version"], unit["colores"][0], unit["existencias_agencia"], unit["ubicacion"]) == (
        "LX", "rojo", 0, "otra_sucursal",
    )  # fmt: skip
    assert unit["dias_entrega"] == 5
    unnamed = run_tool("buscar_inventario", INVENTORY, {"unidades": [{"color": "rojo"}]})
    assert unnamed == run_tool("buscar_inventario", INVENTORY)
    with pytest.raises(ToolError, match="stated unit fields"):
        run_tool("buscar_inventario", INVENTORY, {"unidades": [{"vin": "x"}]})


@pytest.mark.parametrize("level", [1, 3, 5])
def test_items_built_on_the_seeds_exercise(level: int) -> None:
    newton = run_tool(
        "generar_reactivo", {"tema": "segunda_ley_newton", "dificultad": level, "formato": "respuesta_abierta"},
        {"masa_kg": 2, "fuerza_n": 10},
    )  # fmt: skip
    assert "2 kg" in newton["enunciado"] and newton["respuesta_correcta"] in ("5 m/s²", "10 N")
    sine = run_tool(
        "generar_reactivo", {"tema": "derivadas_regla_cadena", "dificultad": level, "formato": "respuesta_abierta"},
        {"funcion_externa": "sen", "coeficiente": 1, "exponente": 2},
    )  # fmt: skip
    assert (sine["enunciado"], sine["respuesta_correcta"]) == ("Deriva f(x) = sen(x^2).", "2x cos(x^2)")
    cosine = run_tool(
        "generar_reactivo", {"tema": "derivadas_regla_cadena", "dificultad": level, "formato": "respuesta_abierta"},
        {"funcion_externa": "cos", "coeficiente": 3, "exponente": 1},
    )  # fmt: skip
    assert cosine["respuesta_correcta"] == "-3 sen(3x)"


def test_stated_exercise_values_must_agree() -> None:
    arguments = {"tema": "segunda_ley_newton", "dificultad": 2}
    with pytest.raises(ToolError, match="is not m \\* a"):
        run_tool("generar_reactivo", arguments, {"masa_kg": 2, "fuerza_n": 10, "aceleracion_m_s2": 4})
    with pytest.raises(ToolError, match="not a right triangle"):
        run_tool("generar_reactivo", {"tema": "teorema_pitagoras", "dificultad": 1}, {"cateto_a": 3, "cateto_b": 5})
    with pytest.raises(ToolError, match="cannot take the stated values"):
        run_tool("generar_reactivo", {"tema": "fracciones", "dificultad": 1}, {"masa_kg": 2})
