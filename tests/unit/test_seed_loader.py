"""Seed files on disk: errors name file, line and JSON path; imports are all or nothing (checked in the DuckDB file)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from scsf.domains import DomainRegistry
from scsf.errors import SeedError
from scsf.seeds.importer import expand_paths, import_seed_files, validate_seed_files
from scsf.seeds.loader import SeedSource, load_seed_file
from scsf.store import Store


def seed_id(number: int) -> str:
    return f"00000000-0000-4000-8000-{number:012d}"


def seed(listing1: dict[str, Any], number: int, **changes: Any) -> dict[str, Any]:
    return {**listing1, "seed_id": seed_id(number), **changes}


def jsonl(*documents: dict[str, Any] | str) -> str:
    return "".join((d if isinstance(d, str) else json.dumps(d)) + "\n" for d in documents)


def count_rows(database: Path, table: str) -> int:
    """Read the DuckDB file directly, not through the Store under test."""
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# -- file formats and line numbers -------------------------------------------------------------------------


def test_json_object_file(tmp_path: Path, listing1: dict[str, Any], domains: DomainRegistry) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(listing1, indent=2), encoding="utf-8")
    [(source, loaded)] = list(load_seed_file(path, domains))
    assert source == SeedSource(path, 1)
    assert str(source) == f"{path}:1"
    assert loaded.document() == listing1


def test_broken_json_names_file_line_and_column(tmp_path: Path, listing1: dict[str, Any], domains: DomainRegistry) -> None:
    path = tmp_path / "broken.json"
    lines = json.dumps(listing1, indent=2).splitlines()
    lines[4] = lines[4].rstrip(",")  # line 5 ("tipo_interaccion": ...) loses its comma
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        list(load_seed_file(path, domains))
    assert caught.value.msg == f"{path}:6: broken JSON at column 3: Expecting ',' delimiter"


def test_empty_json_file_is_broken_json(tmp_path: Path, domains: DomainRegistry) -> None:
    path = tmp_path / "empty.json"
    path.write_text("", encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        list(load_seed_file(path, domains))
    assert caught.value.msg == f"{path}:1: broken JSON at column 1: Expecting value"


def test_wrong_type_names_file_and_field(tmp_path: Path, listing1: dict[str, Any], domains: DomainRegistry) -> None:
    listing1["longitud_objetivo"]["turnos_max"] = "veinte"
    path = tmp_path / "wrong.json"
    path.write_text(json.dumps(listing1), encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        list(load_seed_file(path, domains))
    assert caught.value.msg == f"{path}:1: longitud_objetivo.turnos_max: Input should be a valid integer"


def test_unknown_domain_names_file_and_field(tmp_path: Path, listing1: dict[str, Any], domains: DomainRegistry) -> None:
    listing1["dominio"] = "retail.ventas"
    path = tmp_path / "unknown.json"
    path.write_text(json.dumps(listing1), encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        list(load_seed_file(path, domains))
    assert caught.value.msg.startswith(f"{path}:1: dominio: unknown domain 'retail.ventas' (known: automotive.sales, ")


def test_jsonl_reports_the_line_of_the_bad_seed(tmp_path: Path, listing1: dict[str, Any], domains: DomainRegistry) -> None:
    path = tmp_path / "seeds.jsonl"
    bad = seed(listing1, 3, tono_objetivo="grosero")
    path.write_text(jsonl(seed(listing1, 1), "", seed(listing1, 2), bad), encoding="utf-8")
    loaded = load_seed_file(path, domains)
    assert next(loaded)[0].line == 1
    assert next(loaded)[0].line == 3  # blank line 2 skipped, numbering kept
    with pytest.raises(SeedError) as caught:
        next(loaded)
    assert caught.value.msg.startswith(f"{path}:4: tono_objetivo: 'grosero' not in domain automotive.sales (allowed: ")


def test_jsonl_broken_json_line_number(tmp_path: Path, listing1: dict[str, Any], domains: DomainRegistry) -> None:
    path = tmp_path / "seeds.jsonl"
    path.write_text(jsonl(seed(listing1, 1), seed(listing1, 2), '{"seed_id": "x",}'), encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        list(load_seed_file(path, domains))
    assert caught.value.msg == f"{path}:3: broken JSON at column 17: Expecting property name enclosed in double quotes"


def test_json_array_reports_the_line_each_element_starts_on(
    tmp_path: Path, listing1: dict[str, Any], domains: DomainRegistry
) -> None:
    multi_line = json.dumps(seed(listing1, 2), indent=2)  # 27 lines
    bad = seed(listing1, 3, esquema_version="0.9")
    text = "[\n" + json.dumps(seed(listing1, 1)) + ",\n" + multi_line + ",\n\n" + json.dumps(bad) + "\n]\n"
    path = tmp_path / "seeds.json"
    path.write_text(text, encoding="utf-8")
    loaded = load_seed_file(path, domains)
    assert next(loaded)[0] == SeedSource(path, 2)
    assert next(loaded)[0] == SeedSource(path, 3)
    with pytest.raises(SeedError) as caught:
        next(loaded)
    assert caught.value.msg == f"{path}:{3 + len(multi_line.splitlines()) + 1}: esquema_version: Input should be '1.0'"


def test_json_array_element_that_is_not_an_object(tmp_path: Path, listing1: dict[str, Any], domains: DomainRegistry) -> None:
    path = tmp_path / "seeds.json"
    path.write_text("[\n" + json.dumps(listing1) + ",\n  \"texto\"\n]", encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        list(load_seed_file(path, domains))
    assert caught.value.msg == f"{path}:3: (root): expected a JSON object, got str"


def test_missing_file(tmp_path: Path, domains: DomainRegistry) -> None:
    path = tmp_path / "nope.json"
    with pytest.raises(SeedError) as caught:
        list(load_seed_file(path, domains))
    assert caught.value.msg == f"{path}: no such file"


def test_file_that_is_not_utf8(tmp_path: Path, domains: DomainRegistry) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"tono_objetivo": "cortés"}'.encode("latin-1"))
    with pytest.raises(SeedError) as caught:
        list(load_seed_file(path, domains))
    assert caught.value.msg.startswith(f"{path}: cannot read: 'utf-8' codec can't decode byte 0xe9")


def test_utf8_bom_is_accepted(tmp_path: Path, listing1: dict[str, Any], domains: DomainRegistry) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(listing1).encode("utf-8"))
    [(_, loaded)] = list(load_seed_file(path, domains))
    assert loaded.document() == listing1


def test_directories_contribute_json_and_jsonl_files_sorted(tmp_path: Path) -> None:
    for name in ("b.jsonl", "a.json", "notes.txt", "c.JSON.bak"):
        (tmp_path / name).write_text("", encoding="utf-8")
    single = tmp_path / "elsewhere.json"
    assert expand_paths([tmp_path, single]) == [tmp_path / "a.json", tmp_path / "b.jsonl", single]


# -- across files ------------------------------------------------------------------------------------------


def test_duplicate_seed_id_across_files(tmp_path: Path, listing1: dict[str, Any], domains: DomainRegistry) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.jsonl"
    first.write_text(json.dumps(seed(listing1, 1)), encoding="utf-8")
    second.write_text(jsonl(seed(listing1, 2), seed(listing1, 1, tono_objetivo="formal_cordial")), encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        validate_seed_files([tmp_path], domains)
    assert caught.value.msg == f"{second}:2: seed_id: {seed_id(1)} already appears at {first}:1"


def test_validate_returns_every_seed_with_its_source(tmp_path: Path, listing1: dict[str, Any], domains: DomainRegistry) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text(jsonl(seed(listing1, 1), seed(listing1, 2)), encoding="utf-8")
    loaded = validate_seed_files([path], domains)
    assert [(s.seed_id, source) for s, source in loaded] == [(seed_id(1), f"{path}:1"), (seed_id(2), f"{path}:2")]


# -- import: all or nothing, versions ----------------------------------------------------------------------


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "store" / "scsf.duckdb"
    Store.open(path).close()
    return path


def test_directory_with_one_bad_file_stores_nothing(
    tmp_path: Path, listing1: dict[str, Any], domains: DomainRegistry, database: Path
) -> None:
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "a_good.jsonl").write_text(jsonl(seed(listing1, 1), seed(listing1, 2)), encoding="utf-8")
    (folder / "b_bad.json").write_text(json.dumps(seed(listing1, 3, roles=["cliente"])), encoding="utf-8")
    events = count_rows(database, "audit_events")
    with Store.open(database) as store, pytest.raises(SeedError) as caught:
        import_seed_files([folder], store, domains)
    assert caught.value.msg == (
        f"{folder / 'b_bad.json'}:1: roles: List should have at least 2 items after validation, not 1"
    )
    assert count_rows(database, "seeds") == 0
    assert count_rows(database, "audit_events") == events


def test_failed_import_leaves_earlier_seeds_untouched(
    tmp_path: Path, listing1: dict[str, Any], domains: DomainRegistry, database: Path
) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(jsonl(seed(listing1, 1)), encoding="utf-8")
    with Store.open(database) as store:
        import_seed_files([good], store, domains)
    edited = tmp_path / "edited.jsonl"
    edited.write_text(jsonl(seed(listing1, 1, tono_objetivo="formal_cordial"), seed(listing1, 2, dominio="x.y")),
                      encoding="utf-8")  # fmt: skip
    events = count_rows(database, "audit_events")
    with Store.open(database) as store, pytest.raises(SeedError):
        import_seed_files([edited], store, domains)
    assert count_rows(database, "seeds") == 1
    assert count_rows(database, "audit_events") == events
    with Store.open(database, read_only=True) as store:
        assert store.get_seed(seed_id(1)).document["tono_objetivo"] == "consultivo_empatico"


def test_import_versions_by_content(tmp_path: Path, listing1: dict[str, Any], domains: DomainRegistry, database: Path) -> None:
    path = tmp_path / "listing1.json"
    path.write_text(json.dumps(listing1), encoding="utf-8")
    with Store.open(database) as store:
        first = import_seed_files([path], store, domains)
        again = import_seed_files([path], store, domains)
        path.write_text(json.dumps({**listing1, "tono_objetivo": "formal_cordial"}), encoding="utf-8")
        edited = import_seed_files([path], store, domains)
        stored = store.get_seed(listing1["seed_id"])
        versions = [s.version for s in store.list_seeds(all_versions=True)]
    assert (first.created, first.unchanged, first.stored[0].version) == (1, 0, 1)
    assert (again.created, again.unchanged, again.stored[0].version) == (0, 1, 1)
    assert (edited.created, edited.unchanged, edited.stored[0].version) == (1, 0, 2)
    assert versions == [1, 2]
    assert stored.version == 2 and stored.document["tono_objetivo"] == "formal_cordial"
    assert count_rows(database, "seeds") == 2


def test_alias_is_stored_under_its_namespace(
    tmp_path: Path, listing1: dict[str, Any], domains: DomainRegistry, database: Path
) -> None:
    path = tmp_path / "listing1.json"
    path.write_text(json.dumps(listing1), encoding="utf-8")
    with Store.open(database) as store:
        import_seed_files([path], store, domains)
    with duckdb.connect(str(database), read_only=True) as con:
        domain, document, source = con.execute("SELECT domain, document, source FROM seeds").fetchone()
    assert domain == "automotive.sales"
    assert json.loads(document) == {**listing1, "dominio": "automotive.sales"}
    assert source == f"{path}:1"


def test_alias_and_namespace_forms_are_one_version(
    tmp_path: Path, listing1: dict[str, Any], domains: DomainRegistry, database: Path
) -> None:
    by_alias, by_namespace = tmp_path / "alias.json", tmp_path / "namespace.json"
    by_alias.write_text(json.dumps(listing1), encoding="utf-8")
    by_namespace.write_text(json.dumps({**listing1, "dominio": "automotive.sales"}), encoding="utf-8")
    with Store.open(database) as store:
        import_seed_files([by_alias], store, domains)
        summary = import_seed_files([by_namespace], store, domains)
    assert (summary.created, summary.unchanged) == (0, 1)
    assert count_rows(database, "seeds") == 1


@pytest.mark.parametrize(("name", "content"), [("empty.jsonl", "\n\n"), ("empty.json", "[]")])
def test_a_file_without_seeds_is_an_error(tmp_path, domains, name, content) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        list(load_seed_file(path, domains))
    assert caught.value.msg == f"{path}: no seeds in this file"
