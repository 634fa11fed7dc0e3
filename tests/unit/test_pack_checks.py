"""The factual-fidelity checks of the five non-pilot domain packs: their catalogue flags an offered off-seed product and
leaves faithful sentences alone (the real DomainRegistry, pilot seeds and catalogue code), and their restriction
checks ask about typical restrictions with well-formed questions."""

from __future__ import annotations

import pytest

from scsf.domains import DomainRegistry
from scsf.eval.catalogue import catalogue_claims
from scsf.eval.dialogue import DialogueTurn
from scsf.seeds.importer import pilot_seed_files
from scsf.seeds.loader import load_seed_file
from scsf.seeds.schema import Seed

# namespace -> (an entity that picks the pilot seed, faithful sentences, sentences offering an off-seed product)
CASES = {
    "education.tutoring": (
        "examen_admision_bachillerato",
        [
            "Hoy hacemos un simulacro del examen de admisión con 20 reactivos de matemáticas.",
            "Con esta tutoría personalizada repasamos física y matemáticas, tus áreas débiles.",
            "Haz un repaso intensivo de fracciones; en tu curso de matemáticas de la escuela ya lo viste.",
        ],
        [
            ("Te recomiendo inscribirte a nuestro curso intensivo de fin de semana.", "curso_intensivo"),
            ("Con el plan premium tienes simulacros ilimitados.", "plan_premium"),
        ],
    ),
    "finance.advisory": (
        "credito_pyme_500000_mxn",
        [
            "Le propongo el crédito PyME por 500 mil pesos a 36 meses con tasa fija del 16 %.",
            "¿Tiene otros créditos o tarjetas de crédito vigentes?",
            "Con ventas de 180 mil al mes el pago cabe en su flujo; se lo depositamos en su cuenta de cheques.",
        ],
        [
            ("También le puedo ofrecer un crédito hipotecario para comprar su local.", "credito_hipotecario"),
            ("Otra opción es el factoraje financiero de sus facturas.", "factoraje_financiero"),
        ],
    ),
    "industrial.support": (
        "sello_mecanico_bomba",
        [
            "El sello mecánico de la bomba centrífuga tarda 15 días con el fabricante.",
            "Revise el variador de frecuencia y el motor eléctrico antes de arrancar.",
            "Hay una refacción equivalente disponible; la instalamos hoy con bloqueo y etiquetado.",
        ],
        [
            ("Le recomiendo un contrato de mantenimiento anual con nosotros.", "contrato_de_mantenimiento"),
            ("Mientras tanto, conecte la bomba de respaldo de la línea 2.", "bomba_de_respaldo"),
        ],
    ),
    "legal.advisory": (
        "pagare_250000_mxn",
        [
            "Por el pagaré vencido procede el juicio ejecutivo mercantil.",
            "Necesitamos el pagaré original y su identificación para presentar la demanda.",
            "Esta orientación no sustituye una opinión legal formal del despacho.",
        ],
        [
            ("Le conviene más un juicio ordinario civil.", "juicio_ordinario_civil"),
            ("Además podemos tramitar el registro de marca de su negocio.", "registro_de_marca"),
        ],
    ),
    "medical.consultation": (
        "dolor_fosa_iliaca_derecha",
        [
            "Por el dolor en fosa ilíaca derecha hay que descartar apendicitis; acuda hoy a urgencias.",
            "Le pedirán una biometría hemática y un ultrasonido; no tome analgésicos antes de la valoración.",
            "Esta orientación no sustituye una consulta presencial; si no tiene seguro, acuda al centro de salud.",
        ],
        [
            ("Le recomiendo nuestro paquete de estudios con descuento.", "paquete_de_estudios"),
            ("Mientras tanto puede tomar un suplemento alimenticio.", "suplemento_alimenticio"),
        ],
    ),
}


@pytest.fixture(scope="module")
def pilot(domains: DomainRegistry) -> dict[str, list[Seed]]:
    seeds: dict[str, list[Seed]] = {}
    for path in pilot_seed_files():
        for _, seed in load_seed_file(path, domains):
            seeds.setdefault(seed.dominio, []).append(seed)
    return seeds


def unsupported(domains: DomainRegistry, seed: Seed, text: str) -> list[str]:
    turn = DialogueTurn(1, seed.roles[0], "asistente", text)
    claims = catalogue_claims([turn], seed, domains.get(seed.dominio), [])
    return [claim.label.split()[2] for claim in claims if not claim.supported]


@pytest.mark.parametrize("namespace", CASES)
def test_an_offered_off_seed_product_is_flagged_and_faithful_sentences_are_not(
    domains: DomainRegistry, pilot: dict[str, list[Seed]], namespace: str
) -> None:
    entity, faithful, invented = CASES[namespace]
    seed = next(seed for seed in pilot[namespace] if entity in seed.parametros_factuales.entidades_clave)
    assert [unsupported(domains, seed, text) for text in faithful] == [[]] * len(faithful)
    assert [unsupported(domains, seed, text) for text, _ in invented] == [[product] for _, product in invented]


@pytest.mark.parametrize("namespace", CASES)
def test_a_pilot_seeds_own_entities_spelled_out_are_never_flagged(
    domains: DomainRegistry, pilot: dict[str, list[Seed]], namespace: str
) -> None:
    for seed in pilot[namespace]:
        text = ". ".join(entity.replace("_", " ") for entity in seed.parametros_factuales.entidades_clave)
        assert unsupported(domains, seed, text) == [], seed.seed_id


@pytest.mark.parametrize("namespace", CASES)
def test_checks_name_typical_restrictions_with_questions_and_multi_word_products(
    domains: DomainRegistry, namespace: str
) -> None:
    pack = domains.get(namespace)
    assert pack.catalogo_productos and pack.verificacion_restricciones
    assert set(pack.verificacion_restricciones) <= set(pack.restricciones_tipicas)
    assert all(
        check.pregunta.startswith("¿") and check.pregunta.endswith("?")
        for check in pack.verificacion_restricciones.values()
    )
    assert all(
        len([word for word in product.split("_") if word not in ("de", "con")]) >= 2
        for product in pack.catalogo_productos
    )
