"""kg: conflict reporting as a provenance-first RDF knowledge graph.

Every relation is a plain triple backed by a claim: the verbatim quote and its offsets in the
source text, the source document, the claimant, the date and a reliability grade. Typical use::

    import kg
    kg.build()                                   # ontology/ + data/ -> .kg/
    store = kg.open_store()
    store.query("allies", actor="Assad").to_dataframe()
"""

from kg.build import BuildReport, CheckReport, build, check, open_or_build
from kg.errors import DataError, KGError, ParameterError, Problem, QueryError, StoreError, ValidationError
from kg.results import GraphResult, ResultFormat, SelectResult
from kg.stats import Stats, stats
from kg.store import Store, open_store

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
