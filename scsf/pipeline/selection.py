"""Seed selection for a run: explicit ids, or a domain's seeds filtered by tags.

A seed's tags come from its own fields: `tipo:<tipo_interaccion>`, `tono:<tono_objetivo>`, `herramienta:<name>`,
`entidad:<id>`, `restriccion:<id>`, `etapa:<stage>`, `sensibilidad:<nivel>`. A run's `tags` must all be present.
"""

from __future__ import annotations

from scsf.domains import DomainRegistry
from scsf.errors import ConfigError
from scsf.pipeline.config import RunConfig
from scsf.store import Store, StoredSeed


def seed_tags(document: dict) -> set[str]:
    """The tags of a seed document (field values prefixed by what they are)."""
    facts = document["parametros_factuales"]
    return {
        f"tipo:{document['tipo_interaccion']}",
        f"tono:{document['tono_objetivo']}",
        f"sensibilidad:{document['privacidad']['nivel_sensibilidad']}",
        *(f"herramienta:{name}" for name in document.get("herramientas_disponibles", [])),
        *(f"entidad:{entity}" for entity in facts["entidades_clave"]),
        *(f"restriccion:{constraint}" for constraint in facts.get("restricciones", [])),
        *(f"etapa:{stage}" for stage in facts["flujo_esperado"]),
    }


def select_seeds(store: Store, domains: DomainRegistry, config: RunConfig) -> list[StoredSeed]:
    """The seeds a run is planned from, in id order, at most `max_seeds`."""
    if config.seed_ids:
        seeds = [store.get_seed(seed_id) for seed_id in config.seed_ids]
    else:
        namespace = domains.get(config.domain).namespace
        seeds = store.list_seeds(namespace)
        if not seeds:
            raise ConfigError(f"no seeds of domain {namespace} in the store (run `scsf-appliance init` first)")
    wanted = set(config.tags)
    seeds = [seed for seed in seeds if wanted <= seed_tags(seed.document)]
    if not seeds:
        raise ConfigError(f"no seed matches tags {sorted(wanted)}")
    return seeds[: config.max_seeds] if config.max_seeds else seeds
