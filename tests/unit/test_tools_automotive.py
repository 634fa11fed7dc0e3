"""Automotive tools other than financing: inventory, valuation, insurance, parts, warranty, energy, appointments."""

from __future__ import annotations

import pytest

from scsf.generation.tools import run_tool


def test_inventory_filters_by_transmission_and_budget() -> None:
    manual = run_tool("buscar_inventario", {"segmento": "sedan_compacto", "transmision": "manual"})
    assert [unit["version"] for unit in manual["unidades"]] == ["Base", "LX"]
    assert all(unit["transmisiones"] == ["manual"] for unit in manual["unidades"])
    cheap = run_tool("buscar_inventario", {"segmento": "hatchback_subcompacto", "precio_max": 300000})
    assert [unit["precio"] for unit in cheap["unidades"]] == [259900, 289900]
    assert cheap["unidades"][0]["modelo"] == "Hatchback subcompacto Base 2026"
    assert run_tool("buscar_inventario", {"segmento": "suv_mediana", "precio_max": 100000})["resultados"] == 0


def test_inventory_units_are_consistent() -> None:
    for unit in run_tool("buscar_inventario", {"segmento": "pickup_doble_cabina"})["unidades"]:
        assert (unit["ubicacion"] == "agencia") == (unit["existencias_agencia"] > 0)
        assert (unit["dias_entrega"] == 1) == (unit["existencias_agencia"] > 0)
        assert len(set(unit["colores"])) == 3


@pytest.mark.parametrize(
    ("arguments", "market", "buy"),
    [
        # 2018 sedan: 8 years, 37 % of 374,900 = 138,713 -> 139,000; buy 88 % = 122,320 -> 122,000.
        ({"anio": 2018, "kilometraje": 92000, "segmento": "sedan_compacto"}, 139000, 122000),
        # 2024 hatchback: 68 % of 289,900 = 197,132, minus 30,000 km over 30,000 expected * 0.60 = 179,132.
        ({"anio": 2024, "kilometraje": 60000, "segmento": "hatchback_subcompacto"}, 179000, 158000),
        # No segment: generic reference 420,000 * 0.50 (5 years) = 210,000.
        ({"anio": 2021, "kilometraje": 50000}, 210000, 185000),
    ],
)
def test_used_car_valuation(arguments: dict, market: int, buy: int) -> None:
    result = run_tool("valuar_auto_usado", arguments)
    assert (result["valor_mercado_estimado"], result["valor_toma"]) == (market, buy)


def test_insurance_quote() -> None:
    full = run_tool("cotizar_seguro", {"segmento": "sedan_compacto", "cobertura": "amplia"})
    assert (full["suma_asegurada"], full["prima_anual"], full["prima_mensual"]) == (374900, 13496.40, 1124.70)
    assert (full["deducible_danos_pct"], full["deducible_robo_pct"]) == (5, 10)
    liability = run_tool("cotizar_seguro", {"segmento": "pickup_doble_cabina", "cobertura": "responsabilidad_civil"})
    assert (liability["prima_anual"], liability["suma_asegurada"], liability["deducible_robo_pct"]) == (7900.0, 0, 0)


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"refaccion": "balatas_delanteras", "segmento": "pickup_doble_cabina"},
         {"precio_refaccion": 3055.0, "mano_de_obra": 1170.0, "total": 4225.0, "disponibilidad": "en_almacen",
          "dias_entrega": 0, "anticipo_pct": 0}),
        ({"refaccion": "balatas_delanteras", "anio": 2015},
         {"precio_refaccion": 2350.0, "mano_de_obra": 900.0, "total": 3250.0, "disponibilidad": "sobre_pedido",
          "dias_entrega": 12, "anticipo_pct": 50}),
        ({"refaccion": "espejo_lateral_derecho"},
         {"precio_refaccion": 5200.0, "mano_de_obra": 600.0, "total": 5800.0, "disponibilidad": "sobre_pedido",
          "dias_entrega": 7, "anticipo_pct": 50}),
    ],
)  # fmt: skip
def test_part_quote(arguments: dict, expected: dict) -> None:
    assert run_tool("cotizar_refaccion", arguments) == {"refaccion": arguments["refaccion"], **expected}


@pytest.mark.parametrize(
    ("arguments", "covered", "kind", "reason"),
    [
        ({"anio": 2023, "kilometraje": 32000, "componente": "transmision"}, True, "tren_motriz", "vigente"),
        ({"anio": 2020, "kilometraje": 98000, "componente": "bomba_de_agua"}, False, "basica",
         "vencida_por_tiempo_y_kilometraje"),
        ({"anio": 2024, "kilometraje": 70000, "componente": "aire_acondicionado"}, False, "basica",
         "vencida_por_kilometraje"),
        ({"anio": 2019, "kilometraje": 90000, "componente": "bateria_alto_voltaje"}, True, "bateria_alto_voltaje",
         "vigente"),
        ({"anio": 2025, "kilometraje": 5000, "componente": "balatas_delanteras"}, False, "ninguna",
         "pieza_de_desgaste"),
    ],
)  # fmt: skip
def test_warranty(arguments: dict, covered: bool, kind: str, reason: str) -> None:
    result = run_tool("verificar_garantia", arguments)
    assert (result["cubierto"], result["tipo_garantia"], result["motivo"]) == (covered, kind, reason)


@pytest.mark.parametrize(
    ("kind", "monthly", "saving"),
    [
        ("gasolina", 2450.0, 0.0),  # 1,300 km / 13 km/L = 100 L * 24.50
        ("electrico", 640.0, 1810.0),  # 1,300 / 6.5 = 200 kWh * 3.20
        ("hibrido_enchufable", 1161.60, 1288.40),  # 780 km / 5.5 * 3.20 + 520 km / 18 * 24.50
    ],
)
def test_energy_cost(kind: str, monthly: float, saving: float) -> None:
    result = run_tool("comparar_costo_operacion", {"km_mensuales": 1300, "motorizacion": kind})
    assert (result["costo_mensual"], result["ahorro_mensual_vs_gasolina"]) == (monthly, saving)


def test_appointment_moves_off_sundays_and_rest_days() -> None:
    # Sunday 15 March 2026; Monday 16 is the third Monday of March (LFT art. 74), so Tuesday 17.
    result = run_tool("agendar_cita", {"tipo": "servicio", "fecha": "2026-03-15"})
    assert (result["fecha_confirmada"], result["dia_semana"], result["reprogramada"]) == ("2026-03-17", "martes", True)
    assert result["folio"].startswith("CITA-20260317-")


def test_saturday_appointments_end_before_two() -> None:
    for day in ("2026-02-14", "2026-02-21", "2026-02-28", "2026-03-07"):
        result = run_tool("agendar_cita", {"tipo": "prueba_manejo", "fecha": day})
        assert (result["fecha_confirmada"], result["dia_semana"]) == (day, "sabado")
        assert result["hora"] < "14:00"
