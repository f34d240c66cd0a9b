"""Query results that can be read more than once: rows for Python, W3C formats for tools.

A SELECT result from the embedded store keeps its solutions as rows of pyoxigraph terms, read
off the solutions one ``tuple(row)`` at a time; a remote store's result keeps the W3C SPARQL JSON
it received and is parsed only when its rows are read. Either way CSV, TSV, JSON and XML output
come from Oxigraph's own serialisers (rows go back through its TSV parser, which reads the very
term syntax pyoxigraph writes), so the bytes are those the query would have written itself.
Keeping rows rather than JSON skips serialising every term to JSON and parsing it back: on the
1M synthetic store (benchmarks/RESULTS.md, measured by hand 2026-11-30, one run each) reading every
claim (48,908 rows) into Python took 15.6 s instead of 24.7 s (1.6x); for answers of a few
thousand rows the difference was within that run's noise (``entity`` 0.9x, ``timeline`` 1.0x).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.namespaces import PREFIXES
from kg.terms import Term, display, to_python

if TYPE_CHECKING:
    import pandas

__all__ = ["GraphResult", "ResultFormat", "SelectResult", "tuples"]

ResultFormat = ox.QueryResultsFormat

Row = tuple[Term | None, ...]


def tuples(solutions: ox.QuerySolutions) -> Iterator[Row]:
    """Each solution as a tuple of terms in variable order (None where unbound), one at a time.

    ``tuple(solution)`` is one call into pyoxigraph per row; looking each variable up by name
    was one per cell, and cost a tenth of a large listing's time.
    """
    for row in solutions:
        yield tuple(row)


class SelectResult:
    """The solutions of a SELECT query.

    >>> from kg.store import Store
    >>> store = Store.from_turtle('<http://e/a> <http://e/p> "x" .')
    >>> result = store.query("SELECT ?s ?o WHERE { ?s ?p ?o }")
    >>> result.variables, len(result), result.records()
    (['s', 'o'], 1, [{'s': '<http://e/a>', 'o': 'x'}])
    """

    def __init__(self, data: bytes) -> None:
        """A result from its W3C SPARQL JSON serialisation (as a remote endpoint sends it)."""
        self._json: bytes | None = data
        self._variables: list[str] | None = None
        self._rows: list[Row] | None = None

    @classmethod
    def from_rows(cls, variables: list[str], rows: list[Row]) -> SelectResult:
        """A result holding ``rows`` of terms (None where unbound) for ``variables``."""
        result = cls.__new__(cls)
        result._json, result._variables, result._rows = None, list(variables), rows
        return result

    @classmethod
    def from_solutions(cls, solutions: ox.QuerySolutions) -> SelectResult:
        """A result holding every solution, read once from pyoxigraph's iterator."""
        return cls.from_rows([v.value for v in solutions.variables], list(tuples(solutions)))

    def _parse(self) -> None:
        if self._rows is None:
            assert self._json is not None
            parsed = ox.parse_query_results(self._json, format=ox.QueryResultsFormat.JSON)
            self._variables, self._rows = [v.value for v in parsed.variables], list(tuples(parsed))

    @property
    def variables(self) -> list[str]:
        self._parse()
        assert self._variables is not None
        return self._variables

    @property
    def rows(self) -> list[Row]:
        """Each solution as a tuple of pyoxigraph terms (None where unbound), in variable order."""
        self._parse()
        assert self._rows is not None
        return self._rows

    def __len__(self) -> int:
        return len(self.rows)

    def head(self, n: int) -> SelectResult:
        """The first ``n`` solutions, as a result of their own."""
        return SelectResult.from_rows(self.variables, self.rows[:n])

    def __iter__(self) -> Iterator[dict[str, object]]:
        return iter(self.records())

    def records(self) -> list[dict[str, object]]:
        """Each solution as a dict of plain Python values (compact IRIs, ints, dates ...).

        Each distinct term is converted once: in a listing the same IRIs (sources, predicates,
        claimants, grades) fill most cells. Against converting every cell, on the 1M synthetic
        store (benchmarks/RESULTS.md, by hand 2026-11-30, one run each) this was 1.2-3.8x faster
        (``claims`` 1.7x, ``neighbourhood`` 3.8x) but 0.5x for ``timeline`` (100 ms against
        52 ms); five runs each at 100k: ``timeline`` 5.5 -> 4.0 ms, ``claims`` 194 -> 80 ms.
        """
        names = self.variables
        seen: dict[Term, object] = {}

        def value(term: Term | None) -> object:
            if term is None:
                return None
            try:
                return seen[term]
            except KeyError:
                converted = seen[term] = to_python(term)
                return converted

        return [{name: value(term) for name, term in zip(names, row, strict=True)} for row in self.rows]

    def display_rows(self) -> list[list[str]]:
        """Each solution as strings for a table."""
        return [[display(term) for term in row] for row in self.rows]

    def to_dataframe(self) -> pandas.DataFrame:
        """The solutions as a pandas DataFrame, one column per variable."""
        import pandas

        return pandas.DataFrame.from_records(self.records(), columns=self.variables)

    def serialize(self, format: ResultFormat) -> bytes:
        """The solutions in a W3C results format (JSON, XML, CSV or TSV), written by Oxigraph."""
        if self._json is not None:
            if format == ox.QueryResultsFormat.JSON:
                return self._json
            return ox.parse_query_results(self._json, format=ox.QueryResultsFormat.JSON).serialize(format=format)
        return _solutions(self.variables, self.rows).serialize(format=format)


def _solutions(variables: list[str], rows: list[Row]) -> ox.QuerySolutions:
    """Rows as pyoxigraph solutions again, to serialise: written as W3C TSV, whose cells are
    N-Triples terms exactly as pyoxigraph prints them (escaped), and parsed back by Oxigraph."""
    header = "\t".join(f"?{name}" for name in variables)
    lines = ["\t".join("" if term is None else str(term) for term in row) for row in rows]
    text = "\n".join([header, *lines]) + "\n"
    return ox.parse_query_results(text.encode("utf-8"), format=ox.QueryResultsFormat.TSV)


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
