"""`scsf-appliance init`: data directory, store, signing key and the bundled pilot seeds."""

from __future__ import annotations

from typing import Annotated

import typer

from appliance.output import console, print_json
from appliance.state import load_domains, open_store, state


def init(
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON")] = False,
) -> None:
    """Create the data directory, the DuckDB store and the report signing key; import the pilot seeds."""
    from scsf.reports import generate_keypair
    from scsf.reports.signing import PRIVATE_KEY_FILE
    from scsf.seeds.importer import import_seed_files, pilot_seed_files

    home = state.home.ensure()
    key_created = not (home.keys / PRIVATE_KEY_FILE).exists()
    key = generate_keypair(home.keys) if key_created else None
    with open_store() as store:
        summary = import_seed_files(pilot_seed_files(), store, load_domains())
        store.audit("appliance.initialised", {"home": str(home.root), "key_created": key_created})
    result = {
        "home": str(home.root),
        "store": str(home.database),
        "signing_key": str(home.keys / PRIVATE_KEY_FILE),
        "key_created": key_created,
        "key_id": key.key_id if key else None,
        "seeds_imported": summary.created,
        "seeds_unchanged": summary.unchanged,
    }
    if as_json:
        print_json(result)
        return
    console.print(f"data directory  {home.root}")
    console.print(f"store           {home.database}")
    console.print(f"signing key     {result['signing_key']} ({'created' if key_created else 'kept'})")
    console.print(f"pilot seeds     {summary.created} imported, {summary.unchanged} already present")
