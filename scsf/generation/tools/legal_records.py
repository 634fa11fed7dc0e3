"""Legal look-ups: `consultar_normativa`, `verificar_gravamenes`, `generar_checklist_due_diligence`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scsf.generation.tools.base import ToolImpl, catalog, entry, stable_int
from scsf.generation.tools.facts import SeedFacts, contains_token

NORMS = "consultar_normativa"
LIENS = "verificar_gravamenes"
DUE_DILIGENCE = "generar_checklist_due_diligence"
# Seed words that point to an ordenamiento (longest match wins within an entity).
NORM_WORDS = {
    "lfpdppp": "lfpdppp", "aviso_privacidad": "lfpdppp", "derechos_arco": "lfpdppp", "vulneracion": "lfpdppp",
    "nom_035_stps": "nom_035_stps", "despido_injustificado": "ley_federal_del_trabajo",
    "renuncia_voluntaria": "ley_federal_del_trabajo", "registro_repse": "ley_federal_del_trabajo",
    "subcontratacion": "ley_federal_del_trabajo", "pagare": "ley_general_de_titulos_y_operaciones_de_credito",
    "juicio_ejecutivo_mercantil": "codigo_de_comercio", "arrendamiento": "codigo_civil_federal",
    "local_comercial": "codigo_civil_federal",
    "registro_marca_impi": "ley_federal_de_proteccion_a_la_propiedad_industrial",
}  # fmt: skip
PROPERTY_WORDS = ("departamento", "inmueble", "predio", "terreno", "casa", "local_comercial", "gravamen_hipotecario")
COMPANY_WORDS = ("sociedad", "acciones", "empresa", "sociedad_anonima_capital_variable")
DUE_DILIGENCE_WORDS = {
    "departamento": "compra_inmueble", "inmueble": "compra_inmueble", "terreno": "compra_inmueble",
    "arrendamiento": "arrendamiento_comercial", "local_comercial": "arrendamiento_comercial",
}  # fmt: skip
MAX_ARTICLES = 3


def _article(number: str, found: Mapping[str, Any]) -> dict[str, Any]:
    return {"articulo": number, "tema": found["tema"], "resumen": found["resumen"]}


def consultar_normativa(args: Mapping[str, Any]) -> dict[str, Any]:
    """Entries of an ordenamiento: the article asked for, or those whose topic contains the `tema` words, or the
    list of its entries (up to three with summary). Unknown names answer `encontrado: false` with what is known."""
    name = args["ordenamiento"]
    norms = catalog("legal")["normativa"]
    if name not in norms:
        return {"encontrado": False, "ordenamiento": name, "ordenamientos_disponibles": sorted(norms)}
    articles = norms[name]["articulos"]
    if "articulo" in args:
        number = args["articulo"].strip().lower().removeprefix("articulo").removeprefix("art.").strip()
        chosen = [number] if number in articles else []
    elif "tema" in args:
        words = args["tema"].lower().split("_")
        chosen = [n for n, found in articles.items() if all(contains_token(found["tema"], w) for w in words)]
    else:
        chosen = list(articles)
    result: dict[str, Any] = {"encontrado": bool(chosen), "ordenamiento": name, "nombre": norms[name]["nombre"]}
    if not chosen:
        return result | {"articulos_disponibles": list(articles)}
    summaries = [_article(number, articles[number]) for number in chosen[:MAX_ARTICLES]]
    return result | {"articulos": summaries, "nota": catalog("legal")["nota"]}


def derive_normativa(facts: SeedFacts) -> dict[str, Any]:
    """The ordenamiento the seed points to and its first entry the seed mentions (`plazo_prescripcion_2_meses`
    -> LFT art. 518)."""
    norms = catalog("legal")["normativa"]
    word = facts.key(NORM_WORDS)
    name = NORM_WORDS[word] if word else facts.draw("ordenamiento", lambda rng: rng.choice(sorted(norms)))
    arguments: dict[str, Any] = {"ordenamiento": name}
    mentioned = [n for n, found in norms[name]["articulos"].items() if facts.mentions(*found["palabras"])]
    if mentioned:
        arguments["articulo"] = mentioned[0]
    return arguments


def verificar_gravamenes(args: Mapping[str, Any]) -> dict[str, Any]:
    """How to establish the registry status in that state: the registry, the certificate, what it shows and what
    it needs. Without a folio the look-up cannot tell whether liens exist, so it never invents a status. Issue time
    (3-8 business days) and fee are fictional, fixed per registry and state."""
    kind, state = args["tipo_registro"], args["entidad_federativa"]
    entry({s: s for s in catalog("legal")["entidades_federativas"]}, state, LIENS, "entidad_federativa")
    registry = catalog("legal")["gravamenes"][kind]
    draw = stable_int(kind, state)
    return {
        "tipo_registro": kind,
        "entidad_federativa": state,
        "registro": f"{registry['registro']} ({state})",
        "certificado": registry["certificado"],
        "dato_necesario": registry["folio"],
        "plazo_expedicion_dias_habiles": 3 + draw % 6,
        "derechos_mxn": 450 + 50 * (draw // 6 % 20),
        "verifica": list(registry["verifica"]),
        "requisitos": list(registry["requisitos"]),
        "estado_registral": "pendiente_de_certificado",
    }


def derive_gravamenes(facts: SeedFacts) -> dict[str, Any]:
    if facts.mentions(*PROPERTY_WORDS):
        kind = "propiedad"
    elif facts.mentions(*COMPANY_WORDS):
        kind = "comercio"
    else:
        kind = facts.draw("tipo_registro", lambda rng: rng.choice(["propiedad", "comercio"]))
    states = catalog("legal")["entidades_federativas"]
    state = facts.key(states) or facts.draw("entidad", lambda rng: rng.choice(states))
    return {"tipo_registro": kind, "entidad_federativa": state}


def generar_checklist_due_diligence(args: Mapping[str, Any]) -> dict[str, Any]:
    """The catalogue's checks for the operation, plus the sector's when the catalogue has them, high priority
    first (stable within a priority)."""
    kind, sector = args["tipo_operacion"], args.get("sector")
    data = catalog("legal")
    rows = list(data["due_diligence"][kind]) + list(data["due_diligence_sector"].get(sector or "", []))
    order = {"alta": 0, "media": 1, "baja": 2}
    items = [{"area": area, "verificacion": check, "prioridad": priority} for area, check, priority in rows]
    items.sort(key=lambda item: order[item["prioridad"]])
    result: dict[str, Any] = {"tipo_operacion": kind, "total": len(items), "verificaciones": items}
    if sector is not None:
        result |= {"sector": sector, "sector_con_lista_especifica": sector in data["due_diligence_sector"]}
    return result


def derive_checklist(facts: SeedFacts) -> dict[str, Any]:
    """Share acquisitions (`adquisicion_51pct_acciones`): company purchase from 50 %, else minority investment."""
    share = facts.number("adquisicion", "pct")
    if share is not None:
        kind = "compra_empresa" if share >= 50 else "inversion_minoritaria"
    elif word := facts.key(DUE_DILIGENCE_WORDS):
        kind = DUE_DILIGENCE_WORDS[word]
    elif facts.mentions(*COMPANY_WORDS):
        kind = "compra_empresa"
    else:
        kinds = sorted(catalog("legal")["due_diligence"])
        kind = facts.draw("tipo_operacion", lambda rng: rng.choice(kinds))
    return {"tipo_operacion": kind}


TOOLS = (
    ToolImpl(NORMS, consultar_normativa, derive_normativa),
    ToolImpl(LIENS, verificar_gravamenes, derive_gravamenes),
    ToolImpl(DUE_DILIGENCE, generar_checklist_due_diligence, derive_checklist),
)
