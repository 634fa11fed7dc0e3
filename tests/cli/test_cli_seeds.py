"""The real `scsf-appliance` entry point in a subprocess: init, seeds, domains, and the one-line error contract."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pytest

from scsf.seeds.importer import pilot_seed_files

EXE = Path(sys.executable).parent / "scsf-appliance"
if not EXE.exists():  # pragma: no cover - installed elsewhere
    EXE = Path(shutil.which("scsf-appliance") or EXE)

PILOT = [json.loads(line) for path in pilot_seed_files() for line in path.read_text(encoding="utf-8").splitlines() if line]
PILOT_BY_DOMAIN = Counter(document["dominio"] for document in PILOT)
TABLE_2 = [
    "automotive.sales", "education.tutoring", "finance.advisory",
    "industrial.support", "legal.advisory", "medical.consultation",
]  # fmt: skip


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SCSF_HOME": str(home), "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("SCSF_MODELS_DIR", None)
    return subprocess.run([str(EXE), *args], env=env, capture_output=True, text=True, timeout=120, check=False)


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stderr
    return result


def seed_rows(home: Path) -> int:
    """Rows in the seeds table, read from the DuckDB file itself."""
    with duckdb.connect(str(home / "scsf.duckdb"), read_only=True) as con:
        return con.execute("SELECT count(*) FROM seeds").fetchone()[0]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """One `init --json` per module; tests work on copies of its data directory."""
    root = tmp_path_factory.mktemp("template") / "home"
    result = ok(cli(root, "init", "--json"))
    return root, json.loads(result.stdout)


@pytest.fixture
def initialised(template: tuple[Path, dict[str, Any]], tmp_path: Path) -> Path:
    root = tmp_path / "home"
    shutil.copytree(template[0], root)
    return root


@pytest.fixture
def listing1_file(tmp_path: Path, listing1: dict[str, Any]) -> Path:
    path = tmp_path / "in" / "listing1.json"
    path.parent.mkdir()
    path.write_text(json.dumps(listing1, indent=2), encoding="utf-8")
    return path


# -- init, list, show, schema ------------------------------------------------------------------------------


def test_init_json(template: tuple[Path, dict[str, Any]]) -> None:
    root, result = template
    assert len(PILOT) >= 115
    assert result["home"] == str(root)
    assert result["store"] == str(root / "scsf.duckdb")
    assert result["key_created"] is True and result["key_id"].startswith("ed25519:")
    assert (result["seeds_imported"], result["seeds_unchanged"]) == (len(PILOT), 0)
    assert Path(result["signing_key"]).is_file()
    assert seed_rows(root) == len(PILOT)


def test_init_again_keeps_key_and_seeds(initialised: Path) -> None:
    result = json.loads(ok(cli(initialised, "init", "--json")).stdout)
    assert (result["key_created"], result["key_id"]) == (False, None)
    assert (result["seeds_imported"], result["seeds_unchanged"]) == (0, len(PILOT))
    assert seed_rows(initialised) == len(PILOT)


def test_seeds_list_json(initialised: Path) -> None:
    rows = json.loads(ok(cli(initialised, "seeds", "list", "--json")).stdout)
    assert len(rows) == len(PILOT) >= 115
    assert set(rows[0]) == {"seed_id", "version", "domain", "tipo_interaccion", "content_hash"}
    assert Counter(row["domain"] for row in rows) == PILOT_BY_DOMAIN
    assert {row["version"] for row in rows} == {1}
    assert {row["seed_id"] for row in rows} == {document["seed_id"] for document in PILOT}


def test_seeds_list_by_alias(initialised: Path) -> None:
    rows = json.loads(ok(cli(initialised, "seeds", "list", "--domain", "automotriz.ventas", "--json")).stdout)
    assert len(rows) == PILOT_BY_DOMAIN["automotive.sales"] >= 50
    assert {row["domain"] for row in rows} == {"automotive.sales"}


def test_seeds_list_table(initialised: Path) -> None:
    out = ok(cli(initialised, "seeds", "list", "--domain", "legal.advisory")).stdout
    assert f"{PILOT_BY_DOMAIN['legal.advisory']} seeds" in out
    legal = [document["seed_id"] for document in PILOT if document["dominio"] == "legal.advisory"]
    assert all(seed_id in out for seed_id in legal)


def test_seeds_show_json(initialised: Path) -> None:
    document = PILOT[7]
    shown = json.loads(ok(cli(initialised, "seeds", "show", document["seed_id"], "--json")).stdout)
    assert shown["seed_id"] == document["seed_id"]
    assert shown["version"] == 1
    assert shown["document"] == document
    assert shown["content_hash"].startswith("sha256:") and len(shown["content_hash"]) == 71
    assert shown["source"] == f"{pilot_seed_files()[0]}:8"  # automotive.sales.jsonl, line 8


def test_seeds_show_unknown_is_one_error_line(initialised: Path) -> None:
    result = cli(initialised, "seeds", "show", "00000000-0000-4000-8000-000000000000")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == "error: seed 00000000-0000-4000-8000-000000000000 is not in the store\n"


def test_list_before_init_tells_to_init(tmp_path: Path) -> None:
    result = cli(tmp_path / "empty", "seeds", "list", "--json")
    assert result.returncode == 1
    assert result.stderr == f"error: {tmp_path / 'empty' / 'scsf.duckdb'}: no store here yet (run `scsf-appliance init`)\n"


def test_seeds_schema_is_json_schema(tmp_path: Path) -> None:
    schema = json.loads(ok(cli(tmp_path, "seeds", "schema")).stdout)
    assert schema["title"] == "SeedSchema v1"
    assert schema["type"] == "object"
    assert schema["properties"]["seed_id"]["type"] == "string"
    assert schema["additionalProperties"] is False
    assert "seed_id" in schema["required"]
    assert not (tmp_path / "scsf.duckdb").exists()  # printing the schema touches no store


def test_usage_error_exits_2(tmp_path: Path) -> None:
    result = cli(tmp_path, "seeds", "show")
    assert result.returncode == 2
    assert "Missing argument" in result.stderr
    assert "Traceback" not in result.stderr


# -- bad input: exit 1, one line naming file and field, nothing written ------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param('{\n  "seed_id": "0f8b6c1e-6d2a-4c8e-9a53-2b7c4e1d9f10",\n  "dominio": \n}',
                     "{file}:4: broken JSON at column 1: Expecting value", id="broken-json"),
        pytest.param({"longitud_objetivo": {"turnos_min": "ocho", "turnos_max": 20}},
                     "{file}:1: longitud_objetivo.turnos_min: Input should be a valid integer", id="wrong-type"),
        pytest.param({"dominio": "retail.support"},
                     "{file}:1: dominio: unknown domain 'retail.support' (known: " + ", ".join(TABLE_2) + ")",
                     id="unknown-domain"),
        pytest.param({"privacidad": {"contiene_pii": True, "nivel_sensibilidad": "alto"}},
                     "{file}:1: privacidad.contiene_pii: a seed that contains PII is refused for generation; "
                     "remove the personal data and declare it false", id="contains-pii"),
    ],
)  # fmt: skip
def test_bad_seed_file_exits_1_and_writes_nothing(
    initialised: Path, tmp_path: Path, listing1: dict[str, Any], content: str | dict[str, Any], expected: str
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_good.json").write_text(json.dumps({**listing1, "seed_id": "4a1f0c2e-8b7d-4e6f-9a3b-1c2d3e4f5a6b"}))
    bad = folder / "b_bad.json"
    bad.write_text(content if isinstance(content, str) else json.dumps({**listing1, **content}), encoding="utf-8")
    database = initialised / "scsf.duckdb"
    before = (seed_rows(initialised), database.stat().st_size)
    result = cli(initialised, "seeds", "import", str(folder))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == "error: " + expected.format(file=bad) + "\n"
    assert (seed_rows(initialised), database.stat().st_size) == before


def test_debug_shows_the_traceback(initialised: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"seed_id": ]\n', encoding="utf-8")
    result = cli(initialised, "--debug", "seeds", "import", str(bad))
    assert result.returncode == 1
    assert result.stderr.startswith("Traceback (most recent call last):\n")
    assert f"scsf.errors.SeedError: {bad}:1: broken JSON at column 13: Expecting value\n" in result.stderr
    assert result.stderr.endswith(f"\nerror: {bad}:1: broken JSON at column 13: Expecting value\n")


def test_validate_lists_the_bad_file_and_exits_1(tmp_path: Path, listing1: dict[str, Any]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    good, bad = folder / "good.json", folder / "bad.json"
    good.write_text(json.dumps(listing1), encoding="utf-8")
    bad.write_text(json.dumps({**listing1, "roles": ["agente_ventas", "agente_ventas"]}), encoding="utf-8")
    home = tmp_path / "home"
    result = cli(home, "seeds", "validate", str(folder))
    assert result.returncode == 1
    assert result.stdout == f"ok     {good} (1 seeds)\n"
    assert result.stderr == f"error: {bad}:1: roles: repeated entries: agente_ventas\n"
    as_json = cli(home, "seeds", "validate", str(folder), "--json")
    assert as_json.returncode == 1
    assert json.loads(as_json.stdout) == [
        {"file": str(bad), "ok": False, "error": f"{bad}:1: roles: repeated entries: agente_ventas"},
        {"file": str(good), "ok": True, "seeds": 1},
    ]
    assert not home.exists()  # validation never creates a store


def test_validate_good_files_exits_0(tmp_path: Path) -> None:
    result = ok(cli(tmp_path / "home", "seeds", "validate", *map(str, pilot_seed_files())))
    assert result.stdout.count("ok     ") == 6
    assert f"({PILOT_BY_DOMAIN['automotive.sales']} seeds)" in result.stdout


# -- import, export, versions ------------------------------------------------------------------------------


def test_import_alias_seed_is_stored_under_namespace(initialised: Path, listing1_file: Path, listing1: dict[str, Any]) -> None:
    summary = json.loads(ok(cli(initialised, "seeds", "import", str(listing1_file), "--json")).stdout)
    assert (summary["created"], summary["unchanged"]) == (1, 0)
    assert summary["seeds"] == [{"seed_id": listing1["seed_id"], "version": 1, "created": True, "source": f"{listing1_file}:1"}]
    shown = json.loads(ok(cli(initialised, "seeds", "show", listing1["seed_id"], "--json")).stdout)
    assert shown["document"] == {**listing1, "dominio": "automotive.sales"}
    rows = json.loads(ok(cli(initialised, "seeds", "list", "--domain", "automotive.sales", "--json")).stdout)
    assert listing1["seed_id"] in {row["seed_id"] for row in rows}
    assert seed_rows(initialised) == len(PILOT) + 1


def test_export_then_reimport_adds_no_version(initialised: Path, tmp_path: Path, listing1_file: Path) -> None:
    ok(cli(initialised, "seeds", "import", str(listing1_file)))
    out = tmp_path / "export.jsonl"
    result = ok(cli(initialised, "seeds", "export", "--out", str(out)))
    assert result.stdout.strip() == f"{len(PILOT) + 1} seeds written to {out}"
    assert ok(cli(initialised, "seeds", "export")).stdout == out.read_text(encoding="utf-8")
    summary = json.loads(ok(cli(initialised, "seeds", "import", str(out), "--json")).stdout)
    assert (summary["created"], summary["unchanged"]) == (0, len(PILOT) + 1)
    assert seed_rows(initialised) == len(PILOT) + 1
    # the export is re-importable into an empty data directory too
    fresh = tmp_path / "fresh"
    assert ok(cli(fresh, "seeds", "import", str(out))).stdout.strip() == f"{len(PILOT) + 1} seed versions stored, 0 unchanged"


def test_export_one_domain(initialised: Path) -> None:
    lines = ok(cli(initialised, "seeds", "export", "--domain", "medico.consulta")).stdout.splitlines()
    assert len(lines) == PILOT_BY_DOMAIN["medical.consultation"]
    assert {json.loads(line)["dominio"] for line in lines} == {"medical.consultation"}


def test_editing_a_seed_makes_version_2(initialised: Path, tmp_path: Path) -> None:
    original = PILOT[0]
    edited = json.loads(json.dumps(original))
    edited["longitud_objetivo"]["turnos_max"] += 1
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(edited), encoding="utf-8")
    summary = json.loads(ok(cli(initialised, "seeds", "import", str(path), "--json")).stdout)
    assert summary["created"] == 1
    assert summary["seeds"][0]["version"] == 2
    latest = json.loads(ok(cli(initialised, "seeds", "show", original["seed_id"], "--json")).stdout)
    first = json.loads(ok(cli(initialised, "seeds", "show", original["seed_id"], "--version", "1", "--json")).stdout)
    assert (latest["version"], latest["document"]) == (2, edited)
    assert (first["version"], first["document"]) == (1, original)
    assert latest["content_hash"] != first["content_hash"]
    every = json.loads(ok(cli(initialised, "seeds", "list", "--all-versions", "--json")).stdout)
    assert [row["version"] for row in every if row["seed_id"] == original["seed_id"]] == [1, 2]
    assert seed_rows(initialised) == len(PILOT) + 1


# -- domains -----------------------------------------------------------------------------------------------


def test_domains_list_json(tmp_path: Path) -> None:
    rows = json.loads(ok(cli(tmp_path, "domains", "list", "--json")).stdout)
    assert [row["namespace"] for row in rows] == TABLE_2
    automotive = rows[0]
    assert automotive["alias"] == ["automotriz.ventas"]
    assert automotive["roles"] == ["agente_ventas", "asesor_servicio", "cliente"]
    assert "calcular_financiamiento" in automotive["herramientas"]


def test_domains_list_includes_operator_pack(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "domains").mkdir(parents=True)
    source = (Path(__file__).parents[2] / "scsf" / "domains" / "packs" / "legal.advisory.toml").read_text(encoding="utf-8")
    pack = source.replace('namespace = "legal.advisory"', 'namespace = "legal.notarial"').replace(
        'alias = ["legal.asesoria"]', 'alias = ["legal.notaria"]'
    )
    (home / "domains" / "legal.notarial.toml").write_text(pack, encoding="utf-8")
    rows = json.loads(ok(cli(home, "domains", "list", "--json")).stdout)
    assert [row["namespace"] for row in rows] == sorted([*TABLE_2, "legal.notarial"])
    broken = home / "domains" / "legal.notarial.toml"
    broken.write_text(pack.replace('lado = "usuario"', 'lado = "otro"', 1), encoding="utf-8")
    result = cli(home, "domains", "list", "--json")
    assert result.returncode == 1
    assert result.stderr == f"error: {broken}: roles[2].lado: Input should be 'asistente' or 'usuario'\n"
