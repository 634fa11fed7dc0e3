"""The DuckDB store on real files: migrations, seed versions, atomic imports, conversations, attempts, artifacts."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import duckdb
import pytest

from scsf.domains import DomainRegistry
from scsf.errors import StoreError
from scsf.seeds.conversation import Conversation, Turn
from scsf.seeds.loader import parse_seed
from scsf.seeds.schema import Seed
from scsf.store import Store
from scsf.store.duckdb import RunItem
from scsf.store.migrations import MIGRATIONS, apply_migrations

LISTING1 = Path(__file__).parent.parent / "fixtures" / "listing1_seed.json"
DOMAINS = DomainRegistry.load()
SEED_ID = "0f8b6c1e-6d2a-4c8e-9a53-2b7c4e1d9f10"


def listing1(**changes: object) -> Seed:
    document = json.loads(LISTING1.read_text(encoding="utf-8"))
    document.update(changes)
    return parse_seed(document, DOMAINS, "listing1")


def seed_number(number: int) -> Seed:
    return listing1(seed_id=f"00000000-0000-4000-8000-{number:012d}")


def conversation(
    number: int, *, run_id: str = "run-1", seed_id: str = SEED_ID, variant: str = "persona:a"
) -> Conversation:
    return Conversation(
        conversation_id=f"conv-{number}",
        run_id=run_id,
        seed_id=seed_id,
        seed_version=1,
        variant=variant,
        index=number,
        turns=[Turn(role="cliente", text=f"Hola {number}"), Turn(role="agente_ventas", text="Buenas tardes.")],
        system_prompt="Eres el asistente.",
        generation={"strategy": "test", "sides": {"cliente": "usuario", "agente_ventas": "asistente"}},
    )


def audit_kinds(store: Store) -> list[str]:
    return [row[0] for row in store.con.execute("SELECT kind FROM audit_events ORDER BY seq").fetchall()]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "scsf.duckdb"


@pytest.fixture
def store(db_path: Path):
    with Store.open(db_path) as opened:
        yield opened


# -- migrations ------------------------------------------------------------------------------------------


def test_migrations_are_recorded(store: Store) -> None:
    rows = store.con.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    assert rows == [(number, name) for number, name, _ in MIGRATIONS]
    assert rows[0] == (1, "initial schema")


def test_migrations_are_idempotent_on_reopen(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.import_seeds([(listing1(), "listing1")])
    with Store.open(db_path) as store:
        assert apply_migrations(store.con) == []
        assert store.con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(MIGRATIONS)
        assert [seed.seed_id for seed in store.list_seeds()] == [SEED_ID]


def test_open_creates_parent_directory(db_path: Path) -> None:
    assert not db_path.parent.exists()
    Store.open(db_path).close()
    assert db_path.is_file()


def test_read_only_open_of_missing_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "scsf.duckdb"
    with pytest.raises(StoreError) as info:
        Store.open(path, read_only=True)
    assert info.value.msg == f"{path}: no store here yet (run `scsf-appliance init`)"
    assert not path.parent.exists()


def test_read_only_open_of_existing_store(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.import_seeds([(listing1(), "listing1")])
    with Store.open(db_path, read_only=True) as store:
        assert [seed.seed_id for seed in store.list_seeds()] == [SEED_ID]


# -- seeds -----------------------------------------------------------------------------------------------


def test_seed_import_first_version(store: Store) -> None:
    seed = listing1()
    [stored] = store.import_seeds([(seed, "seeds.json:1")])
    assert (stored.seed_id, stored.version, stored.created) == (SEED_ID, 1, True)
    assert stored.content_hash == seed.content_hash()
    assert stored.domain == "automotive.sales"
    assert stored.tipo_interaccion == "consulta_financiamiento"
    assert stored.document == seed.canonical_document()
    assert stored.document["dominio"] == "automotive.sales"
    assert stored.source == "seeds.json:1"
    assert store.get_seed(SEED_ID) == dataclasses.replace(stored, created=False)
    assert audit_kinds(store) == ["seeds.imported"]


def test_same_content_is_not_a_new_version(store: Store) -> None:
    store.import_seeds([(listing1(), "first.json:1")])
    [again] = store.import_seeds([(listing1(), "second.json:1")])
    assert (again.version, again.created, again.source) == (1, False, "first.json:1")
    assert len(store.list_seeds(all_versions=True)) == 1
    assert audit_kinds(store) == ["seeds.imported"]


def test_alias_and_namespace_are_the_same_content(store: Store) -> None:
    store.import_seeds([(listing1(), "alias.json:1")])
    [again] = store.import_seeds([(listing1(dominio="automotive.sales"), "namespace.json:1")])
    assert (again.version, again.created) == (1, False)


def test_edited_content_is_version_two(store: Store) -> None:
    first, edited = listing1(), listing1(tono_objetivo="formal_cordial")
    store.import_seeds([(first, "v1.json:1")])
    [stored] = store.import_seeds([(edited, "v2.json:1")])
    assert (stored.version, stored.created, stored.content_hash) == (2, True, edited.content_hash())

    [latest] = store.list_seeds()
    assert (latest.version, latest.document["tono_objetivo"], latest.source) == (2, "formal_cordial", "v2.json:1")
    versions = store.list_seeds(all_versions=True)
    assert [(s.version, s.content_hash) for s in versions] == [(1, first.content_hash()), (2, edited.content_hash())]
    assert store.get_seed(SEED_ID).version == 2
    assert store.get_seed(SEED_ID, 1).document["tono_objetivo"] == "consultivo_empatico"
    events = store.con.execute("SELECT payload FROM audit_events ORDER BY seq").fetchall()
    assert [json.loads(payload)["seeds"] for (payload,) in events] == [[f"{SEED_ID}@1"], [f"{SEED_ID}@2"]]


def test_reverting_content_is_a_new_version_too(store: Store) -> None:
    store.import_seeds([(listing1(), "a:1")])
    store.import_seeds([(listing1(tono_objetivo="formal_cordial"), "b:1")])
    [stored] = store.import_seeds([(listing1(), "c:1")])
    assert (stored.version, stored.created) == (3, True)


def test_list_seeds_by_domain_and_order(store: Store) -> None:
    store.import_seeds([(seed_number(3), "s:3"), (seed_number(1), "s:1"), (seed_number(2), "s:2")])
    store.import_seeds([(listing1(seed_id=seed_number(2).seed_id, tono_objetivo="formal_cordial"), "s:2b")])
    ids = [(s.seed_id[-1], s.version) for s in store.list_seeds("automotive.sales")]
    assert ids == [("1", 1), ("2", 2), ("3", 1)]
    assert store.list_seeds("medical.consultation") == []
    assert len(store.list_seeds("automotive.sales", all_versions=True)) == 4


def test_get_seed_unknown(store: Store) -> None:
    with pytest.raises(StoreError) as info:
        store.get_seed(SEED_ID)
    assert info.value.msg == f"seed {SEED_ID} is not in the store"
    store.import_seeds([(listing1(), "s:1")])
    with pytest.raises(StoreError) as info:
        store.get_seed(SEED_ID, 7)
    assert info.value.msg == f"seed {SEED_ID} version 7 is not in the store"


def test_import_is_all_or_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    original = Seed.content_hash
    calls = []

    def fail_on_second(self: Seed) -> str:
        calls.append(self.seed_id)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return original(self)

    monkeypatch.setattr(Seed, "content_hash", fail_on_second)
    with pytest.raises(RuntimeError, match="disk on fire"):
        store.import_seeds([(seed_number(1), "s:1"), (seed_number(2), "s:2"), (seed_number(3), "s:3")])
    assert len(calls) == 2
    assert store.list_seeds(all_versions=True) == []
    assert store.con.execute("SELECT count(*) FROM audit_events").fetchone()[0] == 0

    monkeypatch.setattr(Seed, "content_hash", original)
    stored = store.import_seeds([(seed_number(1), "s:1"), (seed_number(2), "s:2"), (seed_number(3), "s:3")])
    assert [(s.version, s.created) for s in stored] == [(1, True)] * 3
    assert store.verify_audit_chain()[0] == 1


def test_import_of_nothing_writes_no_event(store: Store) -> None:
    assert store.import_seeds([]) == []
    assert audit_kinds(store) == []


# -- conversations ---------------------------------------------------------------------------------------


def test_conversation_round_trip(store: Store) -> None:
    original = conversation(1).model_copy(
        update={"generation": {"model": {"name": "m", "sha256": "ab" * 32}, "sampling": {"seed": 7, "top_p": 0.95}}}
    )
    store.put_conversation(original)
    assert list(store.conversations("run-1")) == [original]
    assert store.count_conversations("run-1") == 1
    assert store.count_conversations("run-2") == 0
    assert store.count_conversations() == 1
    assert audit_kinds(store) == ["conversation.stored"]
    payload, run_id = store.con.execute("SELECT payload, run_id FROM audit_events").fetchone()
    content_hash = store.con.execute("SELECT content_hash FROM conversations").fetchone()[0]
    assert json.loads(payload) == {"conversation_id": "conv-1", "content_hash": content_hash}
    assert run_id == "run-1"
    assert content_hash.startswith("sha256:")


def test_duplicate_conversation_is_refused_and_first_kept(store: Store) -> None:
    first = conversation(1)
    store.put_conversation(first)
    second = first.model_copy(update={"turns": [Turn(role="cliente", text="Otra cosa")]})
    with pytest.raises(StoreError) as info:
        store.put_conversation(second)
    assert info.value.msg == "conversation conv-1 is already stored"
    assert list(store.conversations("run-1")) == [first]
    assert audit_kinds(store) == ["conversation.stored"]
    store.put_conversation(conversation(2))  # the store is still usable after the refused write
    assert store.count_conversations("run-1") == 2


def test_batch_round_trip_in_plan_order(store: Store) -> None:
    batch = [
        conversation(3, seed_id="seed-b", variant="persona:a"),
        conversation(2, seed_id="seed-a", variant="persona:b"),
        conversation(1, seed_id="seed-a", variant="persona:b"),
        conversation(4, seed_id="seed-a", variant="persona:a"),
        conversation(5, run_id="run-other"),
    ]
    store.put_conversations_batch(batch)
    got = list(store.conversations("run-1"))
    assert [c.conversation_id for c in got] == ["conv-4", "conv-1", "conv-2", "conv-3"]
    assert got == [batch[3], batch[2], batch[1], batch[0]]
    assert [c.conversation_id for c in store.conversations("run-other")] == ["conv-5"]
    assert audit_kinds(store) == ["conversations.batch_stored"]
    assert json.loads(store.con.execute("SELECT payload FROM audit_events").fetchone()[0]) == {"count": 5}


def test_batch_with_a_duplicate_stores_nothing(store: Store) -> None:
    store.put_conversation(conversation(1))
    with pytest.raises(Exception):
        store.put_conversations_batch([conversation(2), conversation(1)])
    assert [c.conversation_id for c in store.conversations("run-1")] == ["conv-1"]
    assert audit_kinds(store) == ["conversation.stored"]


def test_empty_batch(store: Store) -> None:
    store.put_conversations_batch([])
    assert store.count_conversations() == 0


# -- runs, attempts, artifacts ---------------------------------------------------------------------------


def test_record_attempt_keeps_raw_output(store: Store) -> None:
    raw = '{"turns": [{"role": "cliente", "text": "Hola"'
    store.record_attempt("run-1", "conv-1", 1, raw, "output is not JSON: Expecting ',' delimiter at column 44")
    store.record_attempt("run-1", "conv-1", 2, "", "output truncated at the token limit")
    rows = store.con.execute(
        "SELECT run_id, conversation_id, attempt, raw_output, error FROM generation_attempts ORDER BY attempt"
    ).fetchall()
    assert rows == [
        ("run-1", "conv-1", 1, raw, "output is not JSON: Expecting ',' delimiter at column 44"),
        ("run-1", "conv-1", 2, "", "output truncated at the token limit"),
    ]
    assert store.failed_attempts("run-1") == 2
    assert store.failed_attempts("run-2") == 0
    payload = store.con.execute("SELECT payload FROM audit_events WHERE seq = 2").fetchone()[0]
    assert json.loads(payload) == {
        "conversation_id": "conv-1", "attempt": 2, "error": "output truncated at the token limit",
    }  # fmt: skip


def test_artifacts_replace_per_kind(store: Store, tmp_path: Path) -> None:
    store.put_artifact("run-1", "dataset.sharegpt", tmp_path / "a.jsonl", "aa" * 32)
    store.put_artifact("run-1", "report", tmp_path / "report.json", "bb" * 32)
    store.put_artifact("run-1", "dataset.sharegpt", tmp_path / "b.jsonl", "cc" * 32)
    store.put_artifact("run-2", "dataset.sharegpt", tmp_path / "c.jsonl", "dd" * 32)
    assert store.artifacts("run-1") == [
        {"kind": "dataset.sharegpt", "path": str(tmp_path / "b.jsonl"), "sha256": "cc" * 32},
        {"kind": "report", "path": str(tmp_path / "report.json"), "sha256": "bb" * 32},
    ]
    assert store.artifacts("run-3") == []
    assert audit_kinds(store) == ["artifact.written"] * 4


def test_run_lifecycle(store: Store) -> None:
    items = [RunItem("conv-1", SEED_ID, 1, "persona:a", 0), RunItem("conv-2", SEED_ID, 1, "persona:a", 1)]
    store.create_run("run-1", {"domain": "automotive.sales"}, items)
    run = store.get_run("run-1")
    assert (run["status"], run["config"], run["finished_at"]) == ("running", {"domain": "automotive.sales"}, None)
    assert store.pending_items("run-1") == items
    store.put_conversation(conversation(1).model_copy(update={"index": 0}))
    assert store.pending_items("run-1") == [items[1]]
    assert store.list_runs()[0] | {"created_at": None} == {
        "run_id": "run-1", "created_at": None, "status": "running", "planned": 2, "stored": 1,
    }  # fmt: skip
    store.finish_run("run-1", "incomplete", {"stored": 1})
    run = store.get_run("run-1")
    assert run["status"] == "incomplete"
    assert run["finished_at"] is not None
    assert audit_kinds(store) == ["run.created", "conversation.stored", "run.incomplete"]
    with pytest.raises(StoreError) as info:
        store.get_run("run-9")
    assert info.value.msg == "run run-9 is not in the store"


def test_replacement_items_extend_a_run_but_not_its_target(store: Store) -> None:
    items = [RunItem("conv-1", SEED_ID, 1, "persona:a", 0), RunItem("conv-2", SEED_ID, 1, "persona:a", 1)]
    store.create_run("run-1", {}, items)
    replacement = RunItem("conv-3", SEED_ID, 1, "persona:b", 2, replaces="conv-1", regen_round=1)
    store.add_replacements("run-1", [replacement])
    assert store.planned_count("run-1") == 2
    assert store.run_items("run-1") == [*items, replacement]
    assert store.pending_items("run-1") == [*items, replacement]
    assert store.list_runs()[0]["planned"] == 2
    payload = store.con.execute("SELECT payload FROM audit_events WHERE kind = 'run.replacements_planned'").fetchone()[0]
    assert json.loads(payload) == {"round": 1, "replaces": {"conv-3": "conv-1"}}
    with pytest.raises(duckdb.ConstraintException):
        store.add_replacements("run-1", [replacement])  # planned once only
    assert store.run_items("run-1") == [*items, replacement]


def test_failed_run_creation_leaves_nothing(store: Store) -> None:
    duplicate = RunItem("conv-1", SEED_ID, 1, "persona:a", 0)
    with pytest.raises(Exception):
        store.create_run("run-1", {}, [duplicate, duplicate])
    assert store.list_runs() == []
    assert audit_kinds(store) == []
