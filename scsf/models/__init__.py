"""GGUF models: the bundled manifest, the operator registry, and verified files to load."""

from scsf.models.catalog import ModelCatalog, Status, ensure_file
from scsf.models.manifest import ROLES, Manifest, ModelEntry, Role, manifest_path

__all__ = ["ROLES", "Manifest", "ModelCatalog", "ModelEntry", "Role", "Status", "ensure_file", "manifest_path"]
