"""Credit, investment and severance tools against values computed by hand (50-digit Decimal, outside the code)."""

from __future__ import annotations

import pytest

from scsf.generation.tools import ToolError, run_tool


def test_car_financing_french_amortisation() -> None:
    # enganche 389,900 * 20 % = 77,980; financed 311,920; r = 13.9 / 1200; 311,920 r / (1 - (1 + r)^-48) = 8,508.04
    result = run_tool(
        "calcular_financiamiento", {"precio": 389900, "enganche_pct": 20, "plazo_meses": 48, "tasa_anual_pct": 13.9}
    )
    assert result["enganche"] == 77980.00
    assert result["monto_financiado"] == 311920.00
    assert result["mensualidad"] == 8508.04
    assert result["total_pagado"] == 408385.92  # 8,508.04 * 48
    assert result["intereses"] == 96465.92
    assert result["costo_total"] == 486365.92
    assert result["cat_sin_iva_pct"] == 14.8  # (1 + r)^12 - 1 = 14.8206 %


def test_car_financing_at_zero_rate_divides_evenly() -> None:
    arguments = {"precio": 120000, "enganche_pct": 0, "plazo_meses": 12, "tasa_anual_pct": 0}
    result = run_tool("calcular_financiamiento", arguments)
    assert (result["mensualidad"], result["intereses"], result["cat_sin_iva_pct"]) == (10000.0, 0.0, 0.0)


@pytest.mark.parametrize(
    ("field", "value"), [("precio", 0), ("enganche_pct", 100), ("plazo_meses", 0), ("tasa_anual_pct", -1)]
)
def test_car_financing_refuses_impossible_terms(field: str, value: float) -> None:
    arguments = {"precio": 300000, "enganche_pct": 20, "plazo_meses": 36, "tasa_anual_pct": 12.0, field: value}
    with pytest.raises(ToolError, match=f"calcular_financiamiento: {field}"):
        run_tool("calcular_financiamiento", arguments)


def test_credit_simulation_fixed_payments() -> None:
    result = run_tool("simular_credito", {"monto": 500000, "plazo_meses": 36, "tasa_anual_pct": 16})
    assert result["tipo_amortizacion"] == "pagos_fijos"
    assert result["primer_pago"] == result["ultimo_pago"] == 17578.52
    assert result["total_pagado"] == 632826.72
    assert result["intereses_totales"] == 132826.72
    assert result["cat_sin_iva_pct"] == 17.2  # (1 + 0.16 / 12)^12 - 1 = 17.2271 %
    # First row: interest 500,000 * 0.16 / 12 = 6,666.67; capital 17,578.52 - 6,666.67 = 10,911.85.
    assert result["primeros_pagos"][0] == {
        "periodo": 1, "pago": 17578.52, "interes": 6666.67, "capital": 10911.85, "saldo": 489088.15
    }  # fmt: skip
    assert len(result["primeros_pagos"]) == 3


def test_credit_simulation_constant_capital() -> None:
    # capital 120,000 / 12 = 10,000; r = 1 %: first 10,000 + 1,200, last 10,000 * 1.01,
    # interest 0.01 * 120,000 * 13 / 2.
    result = run_tool(
        "simular_credito",
        {"monto": 120000, "plazo_meses": 12, "tasa_anual_pct": 12, "tipo_amortizacion": "capital_constante"},
    )
    assert (result["primer_pago"], result["ultimo_pago"]) == (11200.0, 10100.0)
    assert result["intereses_totales"] == 7800.0
    assert result["total_pagado"] == 127800.0
    assert [row["saldo"] for row in result["primeros_pagos"]] == [110000.0, 100000.0, 90000.0]


@pytest.mark.parametrize(
    ("proven", "expected"),
    [
        (True, {"ingreso_considerado": 30000.0, "razon_deuda_ingreso_pct": 30.0, "pago_maximo_recomendable": 10500.0,
                "capacidad_disponible": 1500.0, "nivel": "saludable"}),
        # Unproven income counts at 70 %: 21,000; 9,000 / 21,000 = 42.857 %; ceiling 7,350 is already used up.
        (False, {"ingreso_considerado": 21000.0, "razon_deuda_ingreso_pct": 42.86, "pago_maximo_recomendable": 7350.0,
                 "capacidad_disponible": 0.0, "nivel": "sobreendeudado"}),
    ],
)  # fmt: skip
def test_payment_capacity(proven: bool, expected: dict) -> None:
    result = run_tool(
        "evaluar_capacidad_pago", {"ingreso_mensual": 30000, "pagos_deuda_mensual": 9000, "ingreso_comprobable": proven}
    )
    assert result == {**expected, "razon_maxima_pct": 35}


def test_car_credit_prequalification() -> None:
    # 35 % of 30,000 = 10,500 a month; present value over 60 months at 13.9 % = 452,265.73 -> 452,000;
    # with 10 % down the car may cost 452,000 / 0.9 = 502,222 -> 502,000.
    profile = {"ingreso_mensual": 30000, "tipo_ingreso": "nomina", "historial": "limpio"}
    result = run_tool("precalificar_credito", profile)
    assert result["dictamen"] == "preaprobado"
    assert (result["mensualidad_maxima"], result["tasa_estimada_pct"]) == (10500.0, 13.9)
    assert (result["monto_maximo_financiable"], result["precio_vehiculo_maximo"]) == (452000, 502000)
    informal = run_tool("precalificar_credito", {**profile, "tipo_ingreso": "informal"})
    assert informal["dictamen"] == "sujeto_a_revision"
    assert informal["enganche_minimo_pct"] == 20  # 10 + 10 for informal income


def test_portfolio_projection_with_contributions() -> None:
    # R = 0.6 * 8.5 + 0.4 * 11 = 9.5 %; weighted volatility 0.6 * 3 + 0.4 * 18 = 9 -> scenarios 5.0 / 9.5 / 14.0 %.
    # i = 1.095^(1/12) - 1; 2,000 * ((1 + i)^60 - 1) / i = 151,283.97.
    result = run_tool(
        "proyectar_portafolio",
        {"asignacion": {"deuda": 60, "renta_variable": 40}, "horizonte_anios": 5, "aportacion_mensual": 2000},
    )
    assert result["rendimiento_esperado_anual_pct"] == 9.5
    assert result["volatilidad_ponderada_pct"] == 9.0
    assert result["total_aportado"] == 120000.0
    assert result["escenarios"] == {
        "pesimista": {"rendimiento_anual_pct": 5.0, "factor_crecimiento": 1.2763, "valor_final": 135627.48},
        "base": {"rendimiento_anual_pct": 9.5, "factor_crecimiento": 1.5742, "valor_final": 151283.97},
        "optimista": {"rendimiento_anual_pct": 14.0, "factor_crecimiento": 1.9254, "valor_final": 168581.30},
    }


@pytest.mark.parametrize(
    ("allocation", "message"),
    [({"deuda": 60, "renta_variable": 30}, "add up to 100"), ({"cripto": 100}, "'cripto' is not in the catalogue")],
)
def test_portfolio_projection_refuses_bad_allocations(allocation: dict, message: str) -> None:
    with pytest.raises(ToolError, match=message):
        run_tool("proyectar_portafolio", {"asignacion": allocation, "horizonte_anios": 5})


@pytest.mark.parametrize(
    ("horizon", "tolerance", "experience", "profile", "points"),
    [(0, 0, None, "conservador", 0), (5, 15, None, "moderado", 5), (20, 40, "avanzada", "agresivo", 10)],
)
def test_investor_profile(horizon: int, tolerance: float, experience: str | None, profile: str, points: int) -> None:
    arguments = {"horizonte_anios": horizon, "tolerancia_perdida_pct": tolerance}
    if experience:
        arguments["experiencia"] = experience
    result = run_tool("perfilar_riesgo_inversion", arguments)
    assert (result["perfil"], result["puntaje_total"]) == (profile, points)
    assert sum(result["asignacion_sugerida"].values()) == 100


def _severance(wage: float, years: float, kind: str) -> dict:
    arguments = {"salario_diario": wage, "antiguedad_anios": years, "tipo_terminacion": kind}
    return run_tool("calcular_liquidacion_laboral", arguments)


def test_severance_unjustified_dismissal() -> None:
    # 90 * 450 + 20 * 4 * 450 + 12 * 4 * 450 (450 is under the cap 2 * 315.04 = 630.08);
    # whole years: no proportional parts.
    result = _severance(450, 4, "despido_injustificado")
    assert [(c["concepto"], c["dias"], c["monto"]) for c in result["conceptos"]] == [
        ("indemnizacion_constitucional", 90, 40500.0), ("veinte_dias_por_anio", 80, 36000.0),
        ("prima_antiguedad", 48, 21600.0),
    ]  # fmt: skip
    assert result["total"] == 98100.0


def test_severance_caps_the_seniority_premium_and_adds_proportional_parts() -> None:
    # 800 a day, 2.5 years: 72,000 + 50 * 800 + 30 * 630.08 + aguinaldo 7.5 days + vacations 16 * 0.5 = 8 days
    # (third year of service) + premium 25 % of 8 = 2 days.
    result = _severance(800, 2.5, "despido_injustificado")
    amounts = {c["concepto"]: c["monto"] for c in result["conceptos"]}
    assert amounts == {
        "indemnizacion_constitucional": 72000.0, "veinte_dias_por_anio": 40000.0, "prima_antiguedad": 18902.40,
        "aguinaldo_proporcional": 6000.0, "vacaciones_proporcionales": 6400.0, "prima_vacacional": 1600.0,
    }  # fmt: skip
    assert result["total"] == 144902.40


@pytest.mark.parametrize(
    ("wage", "years", "kind", "total"),
    [
        (600, 7, "renuncia_voluntaria", 0.0),  # no premium before 15 years, no fraction of a year
        (300, 16, "renuncia_voluntaria", 57600.0),  # 12 * 16 * 300
        (500, 3, "rescision_justificada", 18000.0),  # premium only: 12 * 3 * 500
    ],
)
def test_severance_by_termination(wage: float, years: float, kind: str, total: float) -> None:
    assert _severance(wage, years, kind)["total"] == total
