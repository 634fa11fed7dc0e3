"""The DuckDB store: one file holding seeds, runs, conversations, evaluations, artifacts and the audit log."""

from scsf.store.duckdb import Store, StoredSeed

__all__ = ["Store", "StoredSeed"]
