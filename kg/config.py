"""Where things are: the project checkout, its default inputs and its default store.

The defaults follow the checkout this package was installed from (an editable install), so
``kg`` and the notebooks find ``ontology/``, ``data/`` and ``.kg/`` from any working directory.
``KG_STORE`` (or ``kg --store``) moves the store elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "default_inputs",
    "default_shapes",
    "default_store",
    "default_store_location",
    "display_path",
    "project_root",
]

STORE_ENV = "KG_STORE"


def project_root() -> Path:
    """The checkout holding ``ontology/`` and ``data/``; the working directory when not installed from one."""
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "ontology").is_dir():
        return checkout
    return Path.cwd()


def default_store() -> Path:
    """``$KG_STORE`` when set, else ``.kg/`` in the project checkout."""
    env = os.environ.get(STORE_ENV)
    return Path(env).expanduser() if env else project_root() / ".kg"


def default_store_location() -> str | Path:
    """Like :func:`default_store`, but ``$KG_STORE`` may also name a remote endpoint (``sparql+http://...``)."""
    env = os.environ.get(STORE_ENV, "")
    return env if env.startswith(("sparql+http://", "sparql+https://")) else default_store()


def default_inputs() -> list[Path]:
    """What ``kg build`` reads when given no paths: the ontology and the data."""
    root = project_root()
    return [root / "ontology", root / "data"]


def default_shapes() -> Path:
    """The SHACL shapes every build and validation checks against."""
    return project_root() / "ontology" / "shapes.ttl"


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
