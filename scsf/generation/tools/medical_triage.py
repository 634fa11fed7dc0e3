"""Care-access tools: `clasificar_triaje` and `agendar_consulta`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scsf.generation.tools.base import ToolImpl, catalog, entry, stable_int
from scsf.generation.tools.facts import SeedFacts, contains_token

TRIAGE = "clasificar_triaje"
APPOINTMENT = "agendar_consulta"
LOWEST_LEVEL = 5
VITALS = {"temperatura_c": ("temperatura", "c"), "saturacion_o2_pct": ("saturacion_o2", "pct"),
          "frecuencia_cardiaca_lpm": ("frecuencia_cardiaca", "lpm")}  # fmt: skip
PRIORITY_BY_LEVEL = {1: "inmediata", 2: "inmediata", 3: "pronta", 4: "programada", 5: "programada"}
SPECIALTY_WORDS = {
    "lactante": "pediatria", "palpitaciones": "cardiologia", "soplo_cardiaco": "cardiologia",
    "cefalea": "neurologia", "diabetes": "endocrinologia", "hba1c": "endocrinologia", "mastografia": "ginecologia",
    "papanicolaou": "ginecologia", "embarazo": "ginecologia", "presion_arterial": "medicina_interna",
}  # fmt: skip
REMOTE_CONSTRAINTS = ("no_puede_acudir_presencial", "zona_rural_sin_especialista")
SLOTS = ("08:00", "09:00", "10:00", "11:00", "12:00", "16:00", "17:00", "18:00")
VISIT = {
    "presencial": (30, ["llegar 15 minutos antes", "traer identificación, estudios previos y lista de medicamentos"]),
    "telemedicina": (20, ["el enlace de la videollamada llega por mensaje", "tener a la mano estudios y medicamentos"]),
}


def triage() -> dict[str, Any]:
    return catalog("medical")["triaje"]


def clasificar_triaje(args: Mapping[str, Any]) -> dict[str, Any]:
    """Level = the most urgent of: each symptom's level (a table word inside the symptom id), each combination
    whose words are all present, and each vital sign rule (SpO2 < 90 -> 1, < 94 -> 2; T >= 40 -> 2, >= 38 -> 4,
    < 35 -> 2; HR >= 150 -> 1, >= 130 -> 2, >= 110 -> 3, < 40 -> 2); 5 (azul) when nothing applies."""
    rules = triage()
    symptoms = list(args["sintomas"])
    modifiers = {word for combination in rules["combinaciones"] for word in combination["palabras"]}
    criteria: list[tuple[int, str]] = []
    unclassified = []
    for symptom in symptoms:
        words = [word for word in rules["sintomas"] if contains_token(symptom, word)]
        if words:
            criteria.append((min(rules["sintomas"][word] for word in words), symptom))
        elif not any(contains_token(symptom, word) for word in modifiers):
            unclassified.append(symptom)
    for combination in rules["combinaciones"]:
        if all(any(contains_token(s, word) for s in symptoms) for word in combination["palabras"]):
            criteria.append((combination["nivel"], " + ".join(combination["palabras"])))
    for sign, limits in rules["signos"].items():
        if sign in args:
            criteria.extend(_vital_levels(sign, args[sign], limits))
    level = min((lvl for lvl, _ in criteria), default=LOWEST_LEVEL)
    chosen = rules["niveles"][level - 1]
    return {
        "nivel": level,
        "color": chosen["color"],
        "categoria": chosen["nombre"],
        "espera_max_min": chosen["espera_max_min"],
        "criterios": [reason for lvl, reason in criteria if lvl == level],
        "sintomas_no_clasificados": unclassified,
        "recomendacion": chosen["recomendacion"],
        "nota": catalog("medical")["nota"],
    }


def _vital_levels(sign: str, value: float, limits: Mapping[str, list]) -> list[tuple[int, str]]:
    found = []
    for bound, level in limits.get("menor", []):
        if value < bound:
            found.append((level, f"{sign} < {bound}"))
            break
    for bound, level in limits.get("mayor_igual", []):
        if value >= bound:
            found.append((level, f"{sign} >= {bound}"))
            break
    return found


def seed_symptoms(facts: SeedFacts) -> list[str]:
    """Entities with a triage word (symptoms, `lactante_8_meses`, `embarazo_28_semanas`), in seed order."""
    words = list(triage()["sintomas"]) + [w for c in triage()["combinaciones"] for w in c["palabras"]]
    return [entity for entity in facts.entities if any(contains_token(entity, word) for word in words)]


def derive_triaje(facts: SeedFacts) -> dict[str, Any]:
    symptoms = seed_symptoms(facts) or facts.draw("sintomas", lambda rng: rng.sample(sorted(triage()["sintomas"]), 2))
    arguments: dict[str, Any] = {"sintomas": symptoms}
    for name, (key, unit) in VITALS.items():
        value = facts.number(key, unit, integer=name == "frecuencia_cardiaca_lpm")
        if value is not None:
            arguments[name] = value
    return arguments


def agendar_consulta(args: Mapping[str, Any]) -> dict[str, Any]:
    """Wait: 0 days (inmediata), 1-3 (pronta) or the specialty's days plus 0-4 (programada); hour and folio
    from a hash of the arguments; visit length and instructions by modality."""
    specialty, mode = args["especialidad"], args["modalidad"]
    priority = args.get("prioridad", "programada")
    base = entry(catalog("medical")["especialidades"], specialty, APPOINTMENT, "especialidad")
    draw = stable_int(specialty, mode, priority)
    wait = {"inmediata": 0, "pronta": 1 + draw % 3, "programada": base + draw % 5}[priority]
    minutes, instructions = VISIT[mode]
    return {
        "especialidad": specialty,
        "modalidad": mode,
        "prioridad": priority,
        "dias_espera": wait,
        "hora": "en cuanto haya un médico disponible" if priority == "inmediata" else SLOTS[draw // 5 % len(SLOTS)],
        "duracion_min": minutes,
        "folio": f"CONS-{draw % 1_000_000:06d}",
        "indicaciones": list(instructions),
    }


def derive_consulta(facts: SeedFacts) -> dict[str, Any]:
    """Specialty from the seed's words; telemedicine when the patient cannot travel; priority from the triage of
    the seed's symptoms when it names any."""
    specialties = catalog("medical")["especialidades"]
    word = facts.key(SPECIALTY_WORDS)
    specialty = facts.or_draw(
        SPECIALTY_WORDS[word] if word else None, "especialidad", lambda rng: rng.choice(sorted(specialties))
    )
    if facts.has(*REMOTE_CONSTRAINTS):
        mode = "telemedicina"
    else:
        mode = facts.draw("modalidad", lambda rng: rng.choice(["presencial", "telemedicina"]))
    arguments: dict[str, Any] = {"especialidad": specialty, "modalidad": mode}
    if seed_symptoms(facts):
        arguments["prioridad"] = PRIORITY_BY_LEVEL[clasificar_triaje(derive_triaje(facts))["nivel"]]
    return arguments


TOOLS = (
    ToolImpl(TRIAGE, clasificar_triaje, derive_triaje),
    ToolImpl(APPOINTMENT, agendar_consulta, derive_consulta),
)
