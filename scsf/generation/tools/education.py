"""Tutoring tools: `generar_reactivo`, `evaluar_respuesta`, `ajustar_dificultad`, `generar_plan_estudio`,
`evaluar_rubrica`."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from typing import Any

from scsf.generation.tools.base import NOTHING, ToolImpl, catalog, entry, require
from scsf.generation.tools.education_answers import compare
from scsf.generation.tools.education_items import GENERATORS, GIVEN, ITEM, make_item
from scsf.generation.tools.facts import SeedFacts, stepped

ANSWER = "evaluar_respuesta"
LEVEL = "ajustar_dificultad"
PLAN = "generar_plan_estudio"
RUBRIC = "evaluar_rubrica"
FORMATS = ("opcion_multiple", "respuesta_abierta", "verdadero_falso")
LETTERS = "ABCD"
RAISE_AT, LOWER_BELOW = 0.8, 0.5
REVIEW_EVERY_DAYS = 7
CALENDAR_DAYS_SHOWN = 14
MAX_POINTS = 4
# Seed words that name a topic of the item bank (longest match wins within an entity).
TOPIC_WORDS = {
    "fracciones": "fracciones", "ecuaciones": "ecuaciones_lineales", "algebra": "ecuaciones_lineales",
    "matematicas": "ecuaciones_lineales", "pitagoras": "teorema_pitagoras", "hipotenusa": "teorema_pitagoras",
    "derivadas": "derivadas_regla_cadena", "regla_cadena": "derivadas_regla_cadena", "newton": "segunda_ley_newton",
    "fisica": "segunda_ley_newton", "acentuacion": "acentuacion", "esdrujulas": "acentuacion",
    "ingles": "ingles_presente_perfecto", "comprension_lectora": "comprension_lectora",
    "texto_informativo": "comprension_lectora",
}  # fmt: skip
SUBJECTS = ("matematicas", "fisica", "quimica", "biologia", "historia", "espanol", "ingles", "geografia")
SCORE_PATTERN = r"(?:[a-z_]*_)?(?:aciertos|inferencias|simulacro|calificacion)_(\d+)_de_(\d+)(?:_[a-z_]+)?"
OUTER_FUNCTIONS = {"seno": "sen", "coseno": "cos", "exponencial": "e"}
CEFR_LEVELS = {"a1": 1, "a2": 2, "b1": 3, "b2": 4, "c1": 5, "c2": 5}


def generar_reactivo(args: Mapping[str, Any], stated: Mapping[str, Any] = NOTHING) -> dict[str, Any]:
    """An item of the topic at the difficulty (same pair, same item in every format), built on the seed's own
    numbers or function when it states them (`seed_exercise`). Options of a multiple-choice item are shuffled by a
    stream of their own; a true/false item states the correct or the typical wrong answer."""
    topic, level, form = args["tema"], args["dificultad"], args.get("formato", "opcion_multiple")
    entry(GENERATORS, topic, ITEM, "tema")
    item = make_item(topic, level, stated)
    result: dict[str, Any] = {"tema": topic, "dificultad": level, "formato": form, "enunciado": item.enunciado}
    presentation = random.Random(f"presentacion:{topic}:{level}:{form}")
    if form == "opcion_multiple":
        options = [item.correcta, *item.incorrectas]
        presentation.shuffle(options)
        result |= {"opciones": options, "clave": LETTERS[options.index(item.correcta)]}
    elif form == "verdadero_falso":
        true = presentation.random() < 0.5
        result |= {"afirmacion": f"La respuesta es {item.correcta if true else item.incorrectas[0]}."}
        return result | {"respuesta_correcta": "verdadero" if true else "falso", "explicacion": item.explicacion}
    return result | {"respuesta_correcta": item.correcta, "explicacion": item.explicacion}


def topic(facts: SeedFacts) -> str:
    word = facts.key(TOPIC_WORDS)
    return TOPIC_WORDS[word] if word else facts.draw("tema", lambda rng: rng.choice(sorted(GENERATORS)))


def score(facts: SeedFacts) -> tuple[int, int] | None:
    """(correct, attempts) from `aciertos_4_de_10`, `inferencias_2_de_6`, `simulacro_72_de_128_aciertos`,
    `calificacion_6_de_10`, or `errores_6_de_20` (14 of 20)."""
    if match := facts.match(SCORE_PATTERN):
        return int(match[1]), int(match[2])
    if match := facts.match(r"errores_(\d+)_de_(\d+)"):
        return int(match[2]) - int(match[1]), int(match[2])
    return None


def stated_level(facts: SeedFacts) -> int | None:
    """`dificultad_inicial_2_de_5` -> 2, `nivel_a2_mcer` -> 2."""
    if match := facts.match(r"dificultad(?:_[a-z]+)*_([1-5])_de_5"):
        return int(match[1])
    if match := facts.match(r"nivel_([abc][12])_mcer"):
        return CEFR_LEVELS[match[1]]
    return None


def level(facts: SeedFacts) -> int:
    """The stated level, else one from the seed's score (ceil of 5 * share correct), else drawn."""
    if (stated := stated_level(facts)) is not None:
        return stated
    if (result := score(facts)) is not None:
        return min(max(math.ceil(5 * result[0] / result[1]), 1), 5)
    return facts.draw("dificultad", lambda rng: rng.randint(1, 5))


def derive_reactivo(facts: SeedFacts) -> dict[str, Any]:
    form = facts.draw("formato", lambda rng: rng.choice(FORMATS))
    return {"tema": topic(facts), "dificultad": level(facts), "formato": form}


def seed_exercise(facts: SeedFacts, name: str) -> dict[str, Any]:
    """The numbers or function of the exercise the seed talks about, for an item of topic `name`: `masa_2_kg`,
    `fuerza_10_n`, `aceleracion_5_m_s2`; `catetos_3_y_4`, `hipotenusa_5`; `funcion_compuesta_seno_de_x2`."""
    found: dict[str, Any] = {
        "masa_kg": facts.number("masa", "kg"),
        "fuerza_n": facts.number("fuerza", "n"),
        "aceleracion_m_s2": facts.number("aceleracion", "m_s2"),
        "hipotenusa": facts.number("hipotenusa", integer=True),
    }
    if legs := facts.match(r"catetos_(\d+)_y_(\d+)"):
        found |= {"cateto_a": int(legs[1]), "cateto_b": int(legs[2])}
    if function := facts.match(r"(?:[a-z]+_)*?(seno|coseno|exponencial)_de_(\d*)x(\d*)"):
        found |= {
            "funcion_externa": OUTER_FUNCTIONS[function[1]],
            "coeficiente": int(function[2] or 1),
            "exponente": int(function[3] or 1),
        }
    given = {key: value for key, value in found.items() if value is not None and key in GIVEN.get(name, ())}
    return given if name != "teorema_pitagoras" or "cateto_b" in given else {}


def observe_reactivo(facts: SeedFacts) -> dict[str, Any]:
    return seed_exercise(facts, topic(facts))


def evaluar_respuesta(args: Mapping[str, Any]) -> dict[str, Any]:
    """Compares the answers (see `education_answers`): correct, match kind, error kind, score 0-1, feedback."""
    student, expected = args["respuesta_estudiante"], args["respuesta_esperada"]
    require(bool(expected.strip()), ANSWER, "respuesta_esperada must not be empty")
    return {"tema": args["tema"], **compare(args["tema"], student, expected)}


def derive_respuesta(facts: SeedFacts) -> dict[str, Any]:
    """The item `generar_reactivo` gives for the seed; the student answers with the typical mistake when the seed
    names an error (`error_omitir_derivada_interna`), else with a drawn option."""
    name = topic(facts)
    item = make_item(name, level(facts), seed_exercise(facts, name))
    if facts.mentions("error"):
        answer = item.incorrectas[0]
    else:
        answer = facts.draw("respuesta_estudiante", lambda rng: rng.choice([item.correcta, *item.incorrectas]))
    return {"tema": name, "respuesta_estudiante": answer, "respuesta_esperada": item.correcta}


def ajustar_dificultad(args: Mapping[str, Any]) -> dict[str, Any]:
    """Up one level (max 5) at >= 80 % correct, down one (min 1) below 50 %, else the same."""
    correct, attempts, current = args["aciertos"], args["intentos"], args["nivel_actual"]
    require(correct <= attempts, LEVEL, f"aciertos ({correct}) cannot exceed intentos ({attempts})")
    share = correct / attempts
    step = 1 if share >= RAISE_AT else -1 if share < LOWER_BELOW else 0
    following = min(max(current + step, 1), 5)
    decision = "subir" if following > current else "bajar" if following < current else "mantener"
    return {
        "tasa_aciertos_pct": round(100 * share, 1),
        "nivel_actual": current,
        "nivel_siguiente": following,
        "decision": decision,
        "regla": "sube con 80 % o más de aciertos, baja con menos de 50 %",
    }


def derive_dificultad(facts: SeedFacts) -> dict[str, Any]:
    def drawn_score(rng: random.Random) -> tuple[int, int]:
        attempts = rng.randint(5, 20)
        return rng.randint(0, attempts), attempts

    correct, attempts = score(facts) or facts.draw("puntaje", drawn_score)
    current = stated_level(facts) or facts.draw("nivel_actual", lambda rng: rng.randint(1, 5))
    return {"aciertos": correct, "intentos": attempts, "nivel_actual": current}


def generar_plan_estudio(args: Mapping[str, Any]) -> dict[str, Any]:
    """One topic a day in rotation; with a week or more, every seventh day is a general review. Shows the first
    two weeks day by day and the totals per topic."""
    topics, minutes, days = args["temas"], args["minutos_por_dia"], args["dias_disponibles"]
    require(minutes >= 1 and days >= 1, PLAN, "minutos_por_dia and dias_disponibles must be >= 1")
    require(len(set(topics)) == len(topics), PLAN, "temas must not repeat")
    schedule, sessions = [], dict.fromkeys(topics, 0)
    for day in range(1, days + 1):
        review = days >= REVIEW_EVERY_DAYS and day % REVIEW_EVERY_DAYS == 0
        activity = "repaso_general" if review else topics[sum(sessions.values()) % len(topics)]
        if not review:
            sessions[activity] += 1
        schedule.append({"dia": day, "actividad": activity, "minutos": minutes})
    return {
        "dias_disponibles": days,
        "minutos_por_dia": minutes,
        "total_minutos": minutes * days,
        "sesiones_por_tema": sessions,
        "minutos_por_tema": {name: count * minutes for name, count in sessions.items()},
        "dias_repaso": days - sum(sessions.values()),
        "calendario": schedule[:CALENDAR_DAYS_SHOWN],
    }


def study_topics(facts: SeedFacts) -> list[str]:
    """Subjects the seed names (`areas_debiles_matematicas_fisica`), numbered modules (`modulos_pendientes_8`),
    else the topic of the seed or three drawn topics."""
    found = [subject for entity in facts.entities for subject in SUBJECTS if f"_{subject}_" in f"_{entity}_"]
    if found:
        return list(dict.fromkeys(found))
    if (modules := facts.number("modulos(?:_[a-z]+)*", integer=True)) is not None:
        return [f"modulo_{n}" for n in range(1, modules + 1)]
    word = facts.key(TOPIC_WORDS)
    if word:
        return [TOPIC_WORDS[word]]
    return facts.draw("temas", lambda rng: rng.sample(sorted(GENERATORS), 3))


def derive_plan(facts: SeedFacts) -> dict[str, Any]:
    minutes = facts.number(r"(?:tiempo_)?estudio", "min", integer=True)
    if facts.mentions("una_semana"):
        days = 7
    elif (months := facts.number(r"[a-z]+", "meses", integer=True)) is not None:
        days = months * 30
    else:
        days = facts.draw("dias_disponibles", lambda rng: rng.randint(7, 42))
    return {
        "temas": study_topics(facts),
        "minutos_por_dia": minutes or facts.draw("minutos", lambda rng: int(stepped(rng, 20, 90, 5))),
        "dias_disponibles": days,
    }


def evaluar_rubrica(args: Mapping[str, Any]) -> dict[str, Any]:
    """The rubric to grade with: each criterion weighs 100 / n % (the remainder to the first ones) and is scored
    on four levels (4 excelente ... 1 insuficiente); grade (0-10) = sum(weight * points) / 4 / 10. The catalogue's
    criteria for the type of work are used when the call names none."""
    kind, criteria = args["tipo_trabajo"], list(args["criterios"])
    defaults = not criteria
    criteria = criteria or list(catalog("education")["rubricas"][kind])
    require(len(set(criteria)) == len(criteria), RUBRIC, "criterios must not repeat")
    base, remainder = divmod(100, len(criteria))
    levels = catalog("education")["niveles"]
    return {
        "tipo_trabajo": kind,
        "criterios": [{"criterio": c, "peso_pct": base + (i < remainder)} for i, c in enumerate(criteria)],
        "niveles": [
            {"nivel": name, "puntos": MAX_POINTS - index, "descriptor": text}
            for index, (name, text) in enumerate(levels.items())
        ],
        "puntaje_maximo": MAX_POINTS,
        "calificacion": "suma(peso_pct * puntos) / 4 / 10, escala 0 a 10",
        "criterios_por_defecto": defaults,
    }


def derive_rubrica(facts: SeedFacts) -> dict[str, Any]:
    rubrics = catalog("education")["rubricas"]
    kind = facts.key(rubrics) or facts.draw("tipo_trabajo", lambda rng: rng.choice(sorted(rubrics)))
    count = facts.number("rubrica", "criterios", integer=True)
    return {"tipo_trabajo": kind, "criterios": rubrics[kind][:count] if count else list(rubrics[kind])}


TOOLS = (
    ToolImpl(ITEM, generar_reactivo, derive_reactivo, observe_reactivo, frozenset().union(*GIVEN.values())),
    ToolImpl(ANSWER, evaluar_respuesta, derive_respuesta),
    ToolImpl(LEVEL, ajustar_dificultad, derive_dificultad),
    ToolImpl(PLAN, generar_plan_estudio, derive_plan),
    ToolImpl(RUBRIC, evaluar_rubrica, derive_rubrica),
)
