"""Check the data before anyone trusts it: SHACL shapes plus evidence rules.

The evidence rules are SPARQL queries in ``queries/checks/``; each returns one row per
problem and words it with its ``# message:`` template. They run inside Oxigraph, so the
quote-against-offsets check of every claim is one query, not a Python loop. The shapes in
``ontology/shapes.ttl`` run through pyshacl on the union of all graphs.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg import queries
from kg.dataset import display_path
from kg.errors import DataError
from kg.namespaces import OA, SH
from kg.terms import display, shorten

__all__ = ["Problem", "check_evidence", "check_shapes", "validate"]

log = logging.getLogger(__name__)

# The graph to blame for a node: preferably the one that declares its type.
_FOCUS_GRAPH = """SELECT ?focus ?graph WHERE {
  GRAPH ?graph { ?focus ?p ?o }
  BIND(EXISTS { GRAPH ?graph { ?focus a ?type } } AS ?declares)
} ORDER BY DESC(?declares) LIMIT 1"""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data, worded for the person who has to fix it."""

    where: str
    focus: str
    message: str
    check: str

    def __str__(self) -> str:
        return f"{self.where}: {self.focus}: {self.message}"


def _where(graph: ox.NamedNode | None, graph_files: Mapping[str, Path]) -> str:
    if graph is None:
        return "default graph"
    path = graph_files.get(graph.value)
    return display_path(path) if path else display(graph)


def _render(template: str, row: ox.QuerySolution, variables: list[str]) -> str:
    values = {}
    for name in variables:
        term = row[name]
        values[name] = shorten(display(term), 60) if isinstance(term, ox.Literal) else display(term)
    return template.format_map(values)


def check_evidence(store: ox.Store, graph_files: Mapping[str, Path]) -> list[Problem]:
    """Run every evidence check; return the problems in file order."""
    problems = []
    for name, check in queries.internal_group("checks").items():
        result = store.query(check.text, use_default_graph_as_union=True)
        variables = [v.value for v in result.variables]
        for row in result:
            graph = row["graph"] if "graph" in variables else None
            problems.append(
                Problem(_where(graph, graph_files), display(row["focus"]), _render(check.message, row, variables), name)
            )
    return sorted(problems)


def _union_graph(store: ox.Store):  # -> rdflib.Graph
    from rdflib import Graph

    triples = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    graph = Graph()
    graph.parse(data=triples.serialize(format=ox.RdfFormat.N_TRIPLES), format="nt")
    return graph


def _shapes_graph(path: Path):  # -> rdflib.Graph
    from rdflib import Graph

    try:
        # Parse with Oxigraph first: it names the line of a syntax error.
        ntriples = ox.serialize(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES)
    except SyntaxError as exc:
        raise DataError(f"{display_path(path)}:{exc.lineno}: {exc}") from None
    except OSError as exc:
        raise DataError(f"{display_path(path)}: cannot read shapes: {exc.strerror or exc}") from None
    return Graph().parse(data=ntriples, format="nt")


def check_shapes(store: ox.Store, shapes: Path, graph_files: Mapping[str, Path]) -> list[Problem]:
    """Validate the union of all graphs against the SHACL shapes."""
    from pyshacl import validate as shacl_validate
    from rdflib import URIRef

    data = _union_graph(store)
    conforms, report, _ = shacl_validate(data, shacl_graph=_shapes_graph(shapes), inference="none", allow_warnings=True)
    if conforms:
        return []
    sh = {name: URIRef(SH + name) for name in ("ValidationResult", "focusNode", "resultPath", "resultMessage", "value")}
    has_selector = URIRef(OA + "hasSelector")
    problems = []
    for result in report.subjects(predicate=None, object=sh["ValidationResult"]):
        focus = report.value(result, sh["focusNode"])
        path = report.value(result, sh["resultPath"])
        message = str(report.value(result, sh["resultMessage"]) or "does not conform to its shape")
        value = report.value(result, sh["value"])
        owner = data.value(predicate=has_selector, object=focus)  # a selector's problem is its claim's
        focus_iri = owner if owner is not None else focus
        where = "data"
        if isinstance(focus_iri, URIRef):
            row = next(
                iter(
                    store.query(
                        _FOCUS_GRAPH,
                        substitutions={ox.Variable("focus"): ox.NamedNode(str(focus_iri))},
                        use_default_graph_as_union=True,
                    )
                ),
                None,
            )
            where = _where(row["graph"] if row else None, graph_files)
            focus_text = display(ox.NamedNode(str(focus_iri)))
        else:
            focus_text = "a blank node"
        text = message
        if isinstance(path, URIRef):
            text = f"{display(ox.NamedNode(str(path)))}: {text}"
        if value is not None and value != focus:
            text += f" (found {shorten(str(value), 60)!r})"
        problems.append(Problem(where, focus_text, text, "shacl"))
    return sorted(set(problems))


def validate(store: ox.Store, *, shapes: Path, graph_files: Mapping[str, Path]) -> list[Problem]:
    """All problems with the data in ``store``: evidence rules first, then shapes."""
    problems = check_evidence(store, graph_files)
    problems += check_shapes(store, shapes, graph_files)
    log.info("validation: %d problems", len(problems))
    return problems
