"""ShareGPT export: records mapped by each role's side, written atomically."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from scsf.export.sharegpt import sharegpt_record, write_sharegpt
from scsf.hashing import file_sha256
from scsf.seeds.conversation import Conversation, Turn

SIDES = {"paciente": "usuario", "familiar_cuidador": "usuario", "medico_orientador": "asistente"}


def conversation(number: int, roles: tuple[str, ...] = ("paciente", "medico_orientador")) -> Conversation:
    return Conversation(
        conversation_id=f"conv-{number}",
        run_id="run-1",
        seed_id="9d1f0c52-6f3e-4b8a-9c1d-2e3f4a5b6c7d",
        seed_version=2,
        variant="persona:adulto_mayor",
        index=number,
        turns=[Turn(role=role, text=f"{role} dice algo {n} — ¿sí?") for n, role in enumerate(roles, start=1)],
        system_prompt="Eres el asistente de orientación médica.",
        generation={"sides": SIDES},
    )


def test_record_maps_roles_by_side() -> None:
    record = sharegpt_record(conversation(1, ("paciente", "familiar_cuidador", "medico_orientador", "paciente")))
    assert record == {
        "id": "conv-1",
        "seed_id": "9d1f0c52-6f3e-4b8a-9c1d-2e3f4a5b6c7d",
        "seed_version": 2,
        "system": "Eres el asistente de orientación médica.",
        "conversations": [
            {"from": "human", "value": "paciente dice algo 1 — ¿sí?"},
            {"from": "human", "value": "familiar_cuidador dice algo 2 — ¿sí?"},
            {"from": "gpt", "value": "medico_orientador dice algo 3 — ¿sí?"},
            {"from": "human", "value": "paciente dice algo 4 — ¿sí?"},
        ],
    }


def test_record_needs_the_side_of_every_role() -> None:
    with pytest.raises(KeyError):
        sharegpt_record(conversation(1, ("paciente", "desconocido")))


def test_write_is_one_record_a_line(tmp_path: Path) -> None:
    path = tmp_path / "run-1" / "dataset.sharegpt.jsonl"
    result = write_sharegpt((conversation(n) for n in range(3)), path)
    assert (result.path, result.count, result.sha256) == (path, 3, file_sha256(path))
    text = path.read_text(encoding="utf-8")
    assert "¿sí?" in text  # UTF-8 kept, not \u-escaped
    assert [json.loads(line)["id"] for line in text.splitlines()] == ["conv-0", "conv-1", "conv-2"]
    assert text.endswith("\n")
    assert sorted(p.name for p in path.parent.iterdir()) == ["dataset.sharegpt.jsonl"]


def test_write_nothing_is_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    result = write_sharegpt([], path)
    assert (result.count, path.read_bytes()) == (0, b"")
    assert not (tmp_path / "empty.jsonl.partial").exists()


def test_rewrite_replaces_the_previous_dataset(tmp_path: Path) -> None:
    path = tmp_path / "dataset.jsonl"
    write_sharegpt([conversation(1), conversation(2)], path)
    result = write_sharegpt([conversation(3)], path)
    assert [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()] == ["conv-3"]
    assert result.count == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dataset.jsonl"]


def test_failed_write_keeps_the_old_dataset_and_no_partial(tmp_path: Path) -> None:
    path = tmp_path / "dataset.jsonl"
    write_sharegpt([conversation(1)], path)
    before = path.read_bytes()

    def broken() -> Iterator[Conversation]:
        yield conversation(2)
        raise RuntimeError("store went away")

    with pytest.raises(RuntimeError, match="store went away"):
        write_sharegpt(broken(), path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dataset.jsonl"]
