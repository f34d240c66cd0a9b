"""Constants and small helpers shared by the tests."""

from __future__ import annotations

from pathlib import Path

from kg.config import project_root

ROOT = project_root()
SEED_TEXT = ROOT / "data" / "sources" / "syrian-rebels-advance-on-damascus.txt"


def input_paths(root: Path) -> list[Path]:
    """The ontology and data folders of a copied project."""
    return [root / "ontology", root / "data"]


def shapes_of(root: Path) -> Path:
    """The SHACL shapes of a copied project (kept out of the data it validates)."""
    return root / "ontology" / "shapes.ttl"
