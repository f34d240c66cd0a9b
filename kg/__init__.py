"""kg: conflict reporting as a provenance-first RDF knowledge graph.

Every relation is a plain triple backed by a claim: the verbatim quote and its offsets in the
source text, the source document, the claimant, the date and a reliability grade. Typical use::

    import kg
    kg.build()                                   # ontology/ + data/ -> .kg/
    store = kg.open_store()
    store.query("allies", actor="Assad").to_dataframe()

The API's names are imported on first use (PEP 562), so ``import kg`` and ``kg --help`` do not
load the store, the checks and their queries (about 110 ms) before they are needed.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.build import BuildReport, CheckReport, build, check, open_or_build
    from kg.errors import DataError, KGError, ParameterError, Problem, QueryError, StoreError, ValidationError
    from kg.results import GraphResult, ResultFormat, SelectResult
    from kg.stats import Stats, stats
    from kg.store import Store, open_store

_LAZY = {
    "BuildReport": "kg.build",
    "CheckReport": "kg.build",
    "build": "kg.build",
    "check": "kg.build",
    "open_or_build": "kg.build",
    "DataError": "kg.errors",
    "KGError": "kg.errors",
    "ParameterError": "kg.errors",
    "Problem": "kg.errors",
    "QueryError": "kg.errors",
    "StoreError": "kg.errors",
    "ValidationError": "kg.errors",
    "GraphResult": "kg.results",
    "ResultFormat": "kg.results",
    "SelectResult": "kg.results",
    "Stats": "kg.stats",
    "stats": "kg.stats",
    "Store": "kg.store",
    "open_store": "kg.store",
}
"""Each name of the API that is imported on first use, with the module that defines it."""

__all__ = [
    "BuildReport",
    "CheckReport",
    "DataError",
    "GraphResult",
    "KGError",
    "ParameterError",
    "Problem",
    "QueryError",
    "ResultFormat",
    "SelectResult",
    "Stats",
    "Store",
    "StoreError",
    "ValidationError",
    "build",
    "check",
    "open_or_build",
    "open_store",
    "stats",
]

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """An API name from its module; else a submodule, imported now (``import kg`` then ``kg.viz.draw``, as when
    the package imported most of them eagerly)."""
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value
    if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'kg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*__all__, "__version__"])


class _Package(types.ModuleType):
    """The package, whose functions ``kg.build`` and ``kg.stats`` share their names with modules.

    Importing a submodule sets it as an attribute of its package; loading ``kg.build`` (by ``from
    kg.build import ...`` anywhere) would then replace the function ``kg.build`` with the module.
    The eager package imported the functions after their modules, so they won; lazily, this keeps
    them: a submodule never takes the place of an API name.
    """

    def __setattr__(self, name: str, value: object) -> None:
        if name in _LAZY and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
