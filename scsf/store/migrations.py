"""Numbered schema migrations, applied in order and recorded in `schema_migrations`."""

from __future__ import annotations

from collections.abc import Callable

import duckdb

Migration = Callable[[duckdb.DuckDBPyConnection], None]
MIGRATIONS: list[tuple[int, str, Migration]] = []


def migration(number: int, name: str) -> Callable[[Migration], Migration]:
    """Register a migration; numbers must be strictly increasing."""

    def register(func: Migration) -> Migration:
        if MIGRATIONS and MIGRATIONS[-1][0] >= number:
            raise RuntimeError(f"migration {number} registered out of order")
        MIGRATIONS.append((number, name, func))
        return func

    return register


@migration(1, "initial schema")
def _initial(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        CREATE TABLE seeds (
            seed_id VARCHAR NOT NULL,
            version INTEGER NOT NULL,
            content_hash VARCHAR NOT NULL,
            domain VARCHAR NOT NULL,
            tipo_interaccion VARCHAR NOT NULL,
            document JSON NOT NULL,
            source VARCHAR NOT NULL,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            PRIMARY KEY (seed_id, version)
        );
        CREATE TABLE runs (
            run_id VARCHAR PRIMARY KEY,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            finished_at TIMESTAMPTZ,
            status VARCHAR NOT NULL,
            config JSON NOT NULL,
            config_hash VARCHAR NOT NULL
        );
        CREATE TABLE run_items (
            run_id VARCHAR NOT NULL,
            conversation_id VARCHAR NOT NULL,
            seed_id VARCHAR NOT NULL,
            seed_version INTEGER NOT NULL,
            variant VARCHAR NOT NULL,
            idx INTEGER NOT NULL,
            PRIMARY KEY (run_id, conversation_id)
        );
        CREATE TABLE conversations (
            conversation_id VARCHAR PRIMARY KEY,
            run_id VARCHAR NOT NULL,
            seed_id VARCHAR NOT NULL,
            seed_version INTEGER NOT NULL,
            variant VARCHAR NOT NULL,
            idx INTEGER NOT NULL,
            turns JSON NOT NULL,
            system_prompt VARCHAR NOT NULL,
            generation JSON NOT NULL,
            content_hash VARCHAR NOT NULL,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
        );
        CREATE TABLE generation_attempts (
            run_id VARCHAR NOT NULL,
            conversation_id VARCHAR NOT NULL,
            attempt INTEGER NOT NULL,
            raw_output VARCHAR NOT NULL,
            error VARCHAR NOT NULL,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
        );
        CREATE TABLE evaluations (
            conversation_id VARCHAR NOT NULL,
            metric VARCHAR NOT NULL,
            score DOUBLE,
            threshold DOUBLE,
            passed BOOLEAN,
            details JSON,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            PRIMARY KEY (conversation_id, metric)
        );
        CREATE TABLE artifacts (
            run_id VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            path VARCHAR NOT NULL,
            sha256 VARCHAR NOT NULL,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            PRIMARY KEY (run_id, kind)
        );
        CREATE TABLE audit_events (
            seq BIGINT PRIMARY KEY,
            ts VARCHAR NOT NULL,
            run_id VARCHAR,
            kind VARCHAR NOT NULL,
            payload VARCHAR NOT NULL,
            prev_hash VARCHAR NOT NULL,
            hash VARCHAR NOT NULL
        );
        """
    )


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply every pending migration, each in its own transaction; returns the numbers applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)"
    )
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for number, name, func in MIGRATIONS:
        if number in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            func(con)
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [number, name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(number)
    return applied


@migration(2, "ingest of real conversations")
def _ingest(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        CREATE TABLE imports (
            import_id VARCHAR PRIMARY KEY,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            finished_at TIMESTAMPTZ,
            options JSON NOT NULL,
            report JSON
        );
        CREATE TABLE source_files (
            import_id VARCHAR NOT NULL,
            path VARCHAR NOT NULL,
            sha256 VARCHAR NOT NULL,
            format VARCHAR,
            format_reason VARCHAR,
            status VARCHAR NOT NULL,
            error VARCHAR,
            conversations INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (import_id, path)
        );
        CREATE TABLE imported_conversations (
            conversation_id VARCHAR PRIMARY KEY,
            import_id VARCHAR NOT NULL,
            source VARCHAR NOT NULL,
            source_sha256 VARCHAR NOT NULL,
            source_key VARCHAR NOT NULL,
            format VARCHAR NOT NULL,
            domain VARCHAR NOT NULL,
            role_reason VARCHAR NOT NULL,
            turns JSON NOT NULL,
            metadata JSON NOT NULL,
            redaction VARCHAR NOT NULL,
            pii_counts JSON NOT NULL,
            risk_score DOUBLE NOT NULL,
            validation JSON NOT NULL,
            review_status VARCHAR NOT NULL,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
        );
        CREATE TABLE pii_findings (
            conversation_id VARCHAR NOT NULL,
            turn_index INTEGER NOT NULL,
            entity_type VARCHAR NOT NULL,
            start_offset INTEGER NOT NULL,
            end_offset INTEGER NOT NULL,
            score DOUBLE NOT NULL,
            recognizer VARCHAR NOT NULL
        );
        CREATE TABLE review_queue (
            conversation_id VARCHAR PRIMARY KEY,
            risk_score DOUBLE NOT NULL,
            reason VARCHAR NOT NULL,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            decision VARCHAR,
            decided_at TIMESTAMPTZ
        );
        """
    )


@migration(3, "seed drafts extracted from imported conversations")
def _seed_drafts(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        CREATE TABLE seed_drafts (
            draft_id VARCHAR PRIMARY KEY,
            seed_id VARCHAR NOT NULL,
            source_conversation_id VARCHAR NOT NULL,
            import_id VARCHAR,
            domain VARCHAR NOT NULL,
            document JSON NOT NULL,
            evidence JSON NOT NULL,
            status VARCHAR NOT NULL DEFAULT 'pending_review'
                CHECK (status IN ('pending_review', 'approved', 'rejected')),
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            decided_at TIMESTAMPTZ
        );
        """
    )


@migration(4, "acceptance verdicts of generated conversations")
def _verdicts(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        CREATE TABLE verdicts (
            conversation_id VARCHAR PRIMARY KEY,
            run_id VARCHAR NOT NULL,
            accepted BOOLEAN NOT NULL,
            reasons JSON NOT NULL,
            twin_id VARCHAR,
            evaluated_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
        );
        """
    )


@migration(5, "replacement items of --regenerate-rejected")
def _replacements(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        ALTER TABLE run_items ADD COLUMN replaces VARCHAR;
        ALTER TABLE run_items ADD COLUMN regen_round INTEGER DEFAULT 0;
        """
    )


@migration(6, "evaluator settings of verdicts, result order of evaluations (incremental gate)")
def _incremental_gate(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        ALTER TABLE verdicts ADD COLUMN evaluator JSON;
        ALTER TABLE evaluations ADD COLUMN position INTEGER;
        """
    )


@migration(7, "judge usage of each evaluation of a run")
def _judge_usage(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        CREATE TABLE judge_usage (
            run_id VARCHAR NOT NULL,
            evaluation INTEGER NOT NULL,
            summary JSON NOT NULL,
            recorded_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            PRIMARY KEY (run_id, evaluation)
        );
        """
    )
