"""Check the data before anyone trusts it: SHACL shapes plus evidence rules.

The evidence rules are SPARQL queries in ``queries/checks/``; each returns one row per
problem and words it with its ``# message:`` template. They run inside Oxigraph, so the
quote-against-offsets check of every claim is one query, not a Python loop. The shapes in
``ontology/shapes.ttl`` are compiled to SPARQL by :mod:`kg.shacl` and run on the union of all
graphs; shapes using SHACL beyond what it compiles fall back to pyshacl.
"""

from __future__ import annotations

import functools
import logging
import re
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


def _problem(
    store: ox.Store,
    focus: ox.NamedNode | ox.BlankNode,
    path: str | None,
    message: str,
    value: object,
    graph_files: Mapping[str, Path],
) -> Problem:
    """A shape violation worded like the evidence checks': where, which node, which property, what was found.

    A selector's problem is reported as its claim's, since a blank node cannot be looked up.
    """
    if isinstance(focus, ox.BlankNode):
        owner = next(store.quads_for_pattern(None, ox.NamedNode(OA + "hasSelector"), focus), None)
        focus = owner.subject if owner is not None else focus
    where = "data"
    if isinstance(focus, ox.NamedNode):
        bindings = {ox.Variable("focus"): focus}
        row = next(iter(store.query(_FOCUS_GRAPH, substitutions=bindings, use_default_graph_as_union=True)), None)
        where = _where(row["graph"] if row else None, graph_files)
    text = f"{display(ox.NamedNode(path))}: {message}" if path else message
    if value is not None and value != focus:
        text += (
            f" (found {shorten(display(value) if isinstance(value, ox.Literal | ox.NamedNode) else str(value), 60)!r})"
        )
    focus_text = display(focus) if isinstance(focus, ox.NamedNode) else "a blank node"
    return Problem(where, focus_text, text, "shacl")


_SUBCLASS_PATH = re.compile(r"(\?k\d+) <http://www\.w3\.org/2000/01/rdf-schema#subClassOf>\* <([^>]+)>")


def _subclass_values(store: ox.Store):
    """A substitution for ``?k rdfs:subClassOf* <C>`` in compiled checks: ``VALUES ?k { C and its subclasses }``.

    The class hierarchy is small and the same for every row, but Oxigraph walks the path again for
    each one inside EXISTS; listing the classes once makes those checks hundreds of times faster.
    """
    cache: dict[str, str] = {}

    def values(match: re.Match) -> str:
        cls = match[2]
        if cls not in cache:
            rows = store.query(
                "SELECT DISTINCT ?k ?c WHERE { ?k <http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?c }",
                substitutions={ox.Variable("c"): ox.NamedNode(cls)},
                use_default_graph_as_union=True,
            )
            cache[cls] = " ".join(sorted({str(row["k"]) for row in rows} | {f"<{cls}>"}))
        return f"VALUES {match[1]} {{ {cache[cls]} }}"

    return values


@functools.cache
def _compiled(path: Path, mtime: float) -> list:
    from kg.shacl import compile_shapes

    return compile_shapes(path)


def check_shapes(store: ox.Store, shapes: Path, graph_files: Mapping[str, Path]) -> list[Problem]:
    """Validate the union of all graphs against the SHACL shapes, as SPARQL inside Oxigraph.

    Shapes that use SHACL beyond what :mod:`kg.shacl` compiles are checked with pyshacl instead.
    """
    try:
        checks = _compiled(shapes.resolve(), shapes.stat().st_mtime)
    except OSError as exc:
        raise DataError(f"{display_path(shapes)}: cannot read shapes: {exc.strerror or exc}") from None
    except DataError as exc:
        if "not supported" not in str(exc):
            raise
        log.info("shapes need pyshacl: %s", exc)
        return check_shapes_pyshacl(store, shapes, graph_files)
    problems = set()
    subclasses = _subclass_values(store)
    for check in checks:
        result = store.query(_SUBCLASS_PATH.sub(subclasses, check.text), use_default_graph_as_union=True)
        has_value = any(v.value == "value" for v in result.variables)
        for row in result:
            value = row["value"] if has_value else None
            problems.add(_problem(store, row["focus"], check.path, check.message, value, graph_files))
    return sorted(problems)


def check_shapes_pyshacl(store: ox.Store, shapes: Path, graph_files: Mapping[str, Path]) -> list[Problem]:
    """Validate with pyshacl (all of SHACL, but in Python over a copy of the data: for small stores)."""
    from pyshacl import validate as shacl_validate
    from rdflib import BNode, Literal, URIRef

    data = _union_graph(store)
    conforms, report, _ = shacl_validate(data, shacl_graph=_shapes_graph(shapes), inference="none", allow_warnings=True)
    if conforms:
        return []
    sh = {name: URIRef(SH + name) for name in ("ValidationResult", "focusNode", "resultPath", "resultMessage", "value")}
    has_selector = URIRef(OA + "hasSelector")
    problems = set()
    for result in report.subjects(predicate=None, object=sh["ValidationResult"]):
        focus = report.value(result, sh["focusNode"])
        owner = data.value(predicate=has_selector, object=focus)
        node = owner if owner is not None else focus
        focus_term = ox.NamedNode(str(node)) if isinstance(node, URIRef) else ox.BlankNode()
        path = report.value(result, sh["resultPath"])
        message = str(report.value(result, sh["resultMessage"]) or "does not conform to its shape")
        value = report.value(result, sh["value"])
        shown = (
            None
            if value is None or value == focus or isinstance(value, BNode)
            else (ox.Literal(str(value)) if isinstance(value, Literal) else ox.NamedNode(str(value)))
        )
        problems.add(
            _problem(store, focus_term, str(path) if isinstance(path, URIRef) else None, message, shown, graph_files)
        )
    return sorted(problems)


def validate(store: ox.Store, *, shapes: Path, graph_files: Mapping[str, Path]) -> list[Problem]:
    """All problems with the data in ``store``: evidence rules first, then shapes."""
    problems = check_evidence(store, graph_files)
    problems += check_shapes(store, shapes, graph_files)
    log.info("validation: %d problems", len(problems))
    return problems
