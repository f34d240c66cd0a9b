"""Query results that can be read more than once: rows for Python, W3C formats for tools.

A SELECT result keeps the W3C SPARQL JSON that Oxigraph wrote for it, so CSV, TSV, JSON and
XML output come from Oxigraph's own serialisers, and the rows can be iterated, counted and
turned into a DataFrame as often as needed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.namespaces import PREFIXES
from kg.terms import Term, display, to_python

if TYPE_CHECKING:
    import pandas

__all__ = ["GraphResult", "ResultFormat", "SelectResult", "tuples"]

ResultFormat = ox.QueryResultsFormat


def tuples(solutions: ox.QuerySolutions) -> Iterator[tuple[Term | None, ...]]:
    """Each solution as a tuple of terms in variable order (None where unbound), one at a time."""
    names = [variable.value for variable in solutions.variables]
    for row in solutions:
        yield tuple(row[name] for name in names)


class SelectResult:
    """The solutions of a SELECT query.

    >>> from kg.store import Store
    >>> store = Store.from_turtle('<http://e/a> <http://e/p> "x" .')
    >>> result = store.query("SELECT ?s ?o WHERE { ?s ?p ?o }")
    >>> result.variables, len(result), result.records()
    (['s', 'o'], 1, [{'s': '<http://e/a>', 'o': 'x'}])
    """

    def __init__(self, data: bytes) -> None:
        self._json = data

    @classmethod
    def from_solutions(cls, solutions: ox.QuerySolutions) -> SelectResult:
        return cls(solutions.serialize(format=ox.QueryResultsFormat.JSON))

    @cached_property
    def _solutions(self) -> tuple[list[str], list[tuple[Term | None, ...]]]:
        parsed = ox.parse_query_results(self._json, format=ox.QueryResultsFormat.JSON)
        names = [v.value for v in parsed.variables]
        return names, [tuple(row[name] for name in names) for row in parsed]

    @property
    def variables(self) -> list[str]:
        return self._solutions[0]

    @property
    def rows(self) -> list[tuple[Term | None, ...]]:
        """Each solution as a tuple of pyoxigraph terms (None where unbound), in variable order."""
        return self._solutions[1]

    def __len__(self) -> int:
        return len(self.rows)

    def head(self, n: int) -> SelectResult:
        """The first ``n`` solutions, as a result of their own."""
        data = json.loads(self._json)
        data["results"]["bindings"] = data["results"]["bindings"][:n]
        return SelectResult(json.dumps(data, ensure_ascii=False).encode("utf-8"))

    def __iter__(self) -> Iterator[dict[str, object]]:
        return iter(self.records())

    def records(self) -> list[dict[str, object]]:
        """Each solution as a dict of plain Python values (compact IRIs, ints, dates ...)."""
        names = self.variables
        return [{name: to_python(term) for name, term in zip(names, row, strict=True)} for row in self.rows]

    def display_rows(self) -> list[list[str]]:
        """Each solution as strings for a table."""
        return [[display(term) for term in row] for row in self.rows]

    def to_dataframe(self) -> pandas.DataFrame:
        """The solutions as a pandas DataFrame, one column per variable."""
        import pandas

        return pandas.DataFrame.from_records(self.records(), columns=self.variables)

    def serialize(self, format: ResultFormat) -> bytes:
        """The solutions in a W3C results format (JSON, XML, CSV or TSV)."""
        if format == ox.QueryResultsFormat.JSON:
            return self._json
        parsed = ox.parse_query_results(self._json, format=ox.QueryResultsFormat.JSON)
        return parsed.serialize(format=format)


@dataclass(frozen=True)
class GraphResult:
    """The triples of a CONSTRUCT or DESCRIBE query."""

    triples: list[ox.Triple]

    def __len__(self) -> int:
        return len(self.triples)

    def serialize(self, format: ox.RdfFormat = ox.RdfFormat.TURTLE) -> bytes:
        """The triples as Turtle (default), N-Triples, JSON-LD, RDF/XML ...; known prefixes are used."""
        if format.supports_datasets:
            # TriG and N-Quads want quads: the triples form the default graph.
            data = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in self.triples]
            return ox.serialize(data, format=format, prefixes=PREFIXES)
        return ox.serialize(self.triples, format=format, prefixes=PREFIXES)
