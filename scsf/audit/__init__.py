"""Append-only, hash-chained audit log of everything the appliance does."""

from scsf.audit.log import GENESIS, AuditEvent, append_event, verify_chain

__all__ = ["GENESIS", "AuditEvent", "append_event", "verify_chain"]
