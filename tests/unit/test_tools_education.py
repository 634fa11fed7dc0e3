"""Tutoring tools: computed items are correct, answers are compared by kind of error, levels, plans and rubrics."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest

from scsf.generation.tools import run_tool
from scsf.generation.tools.education_items import GENERATORS

LEVELS = range(1, 6)


def item(topic: str, level: int, form: str = "respuesta_abierta") -> dict:
    return run_tool("generar_reactivo", {"tema": topic, "dificultad": level, "formato": form})


@pytest.mark.parametrize("level", LEVELS)
def test_computed_items_have_the_right_answer(level: int) -> None:
    a, b, c, d = map(int, re.findall(r"\d+", item("fracciones", level)["enunciado"]))
    assert Fraction(item("fracciones", level)["respuesta_correcta"]) == Fraction(a, b) + Fraction(c, d)

    equation = item("ecuaciones_lineales", level)
    coefficient, sign, constant, total = re.search(r"(\d+)x ([+-]) (\d+) = (-?\d+)", equation["enunciado"]).groups()
    x = int(equation["respuesta_correcta"].removeprefix("x = "))
    assert int(coefficient) * x + (int(constant) if sign == "+" else -int(constant)) == int(total)

    triangle = item("teorema_pitagoras", level)
    a, b, c = sorted([*map(int, re.findall(r"\d+", triangle["enunciado"])), int(triangle["respuesta_correcta"])])
    assert a * a + b * b == c * c

    newton = item("segunda_ley_newton", level)
    mass, known = map(int, re.findall(r"\d+", newton["enunciado"]))
    value = int(newton["respuesta_correcta"].split()[0])
    if newton["enunciado"].endswith("aceleración?"):
        assert mass * value == known  # known is the force
    else:
        assert mass * known == value  # known is the acceleration


@pytest.mark.parametrize("topic", sorted(GENERATORS))
@pytest.mark.parametrize("level", LEVELS)
def test_multiple_choice_has_one_correct_option_in_every_format(topic: str, level: int) -> None:
    open_item = item(topic, level)
    choice = item(topic, level, "opcion_multiple")
    assert choice["enunciado"] == open_item["enunciado"]
    assert len(set(choice["opciones"])) == 4
    assert choice["opciones"]["ABCD".index(choice["clave"])] == open_item["respuesta_correcta"]
    statement = item(topic, level, "verdadero_falso")
    says_correct = statement["afirmacion"] == f"La respuesta es {open_item['respuesta_correcta']}."
    assert statement["respuesta_correcta"] == ("verdadero" if says_correct else "falso")


@pytest.mark.parametrize(
    ("topic", "student", "expected", "correct", "error", "score"),
    [
        ("ecuaciones_lineales", "x=4", "x = 4", True, "ninguno", 1),
        ("fracciones", "0.75", "3/4", True, "ninguno", 1),
        ("fracciones", "6/8", "3/4", False, "sin_simplificar", 0.5),
        ("ecuaciones_lineales", "x = -4", "x = 4", False, "signo", 0),
        ("segunda_ley_newton", "40 N", "4 N", False, "orden_de_magnitud", 0),
        ("segunda_ley_newton", "15", "15 N", False, "unidades", 0.5),
        ("teorema_pitagoras", "4.1", "4", False, "redondeo", 0.5),
        ("acentuacion", "cancion", "canción", False, "acentuacion", 0.5),
        ("comprension_lectora", "cancion", "canción", True, "ninguno", 1),
        ("derivadas_regla_cadena", "cos(3x^2)", "6x cos(3x^2)", False, "incompleta", 0.5),
        ("ingles_presente_perfecto", "have finised", "have finished", False, "ortografia", 0.5),
        ("ingles_presente_perfecto", "finished", "has finished", False, "incompleta", 0.5),
        ("acentuacion", "grave", "aguda", False, "concepto", 0),
    ],
)
def test_answer_comparison(topic: str, student: str, expected: str, correct: bool, error: str, score: float) -> None:
    arguments = {"tema": topic, "respuesta_estudiante": student, "respuesta_esperada": expected}
    result = run_tool("evaluar_respuesta", arguments)
    assert (result["correcta"], result["tipo_error"], result["puntaje"]) == (correct, error, score)


@pytest.mark.parametrize(
    ("correct", "attempts", "level", "following", "decision"),
    [(8, 10, 3, 4, "subir"), (8, 10, 5, 5, "mantener"), (5, 10, 3, 3, "mantener"), (4, 10, 3, 2, "bajar"),
     (4, 10, 1, 1, "mantener")],
)  # fmt: skip
def test_difficulty_adjustment(correct: int, attempts: int, level: int, following: int, decision: str) -> None:
    result = run_tool("ajustar_dificultad", {"aciertos": correct, "intentos": attempts, "nivel_actual": level})
    assert (result["nivel_siguiente"], result["decision"]) == (following, decision)


def test_study_plan_rotates_topics_with_a_weekly_review() -> None:
    arguments = {"temas": ["algebra", "fisica"], "minutos_por_dia": 30, "dias_disponibles": 10}
    result = run_tool("generar_plan_estudio", arguments)
    assert [day["actividad"] for day in result["calendario"]] == [
        "algebra", "fisica", "algebra", "fisica", "algebra", "fisica", "repaso_general", "algebra", "fisica", "algebra",
    ]  # fmt: skip
    assert result["sesiones_por_tema"] == {"algebra": 5, "fisica": 4}
    assert (result["dias_repaso"], result["total_minutos"]) == (1, 300)
    long_plan = run_tool("generar_plan_estudio", {"temas": ["a"], "minutos_por_dia": 45, "dias_disponibles": 360})
    assert len(long_plan["calendario"]) == 14 and long_plan["dias_repaso"] == 51


def test_rubric_weights_and_defaults() -> None:
    chosen = run_tool("evaluar_rubrica", {"tipo_trabajo": "ensayo", "criterios": ["tesis", "fuentes", "estilo"]})
    assert [c["peso_pct"] for c in chosen["criterios"]] == [34, 33, 33]
    assert [level["puntos"] for level in chosen["niveles"]] == [4, 3, 2, 1]
    default = run_tool("evaluar_rubrica", {"tipo_trabajo": "resumen", "criterios": []})
    assert default["criterios_por_defecto"] is True
    assert [c["criterio"] for c in default["criterios"]][0] == "ideas_principales"
