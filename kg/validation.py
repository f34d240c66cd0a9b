"""Check the data before anyone trusts it: SHACL shapes plus evidence rules.

The evidence rules are SPARQL queries in ``queries/checks/``; each returns one row per
problem and words it with its ``# message:`` template. They run inside Oxigraph, so the
quote-against-offsets check of every claim is one query, not a Python loop. The shapes in
``ontology/shapes.ttl`` are compiled to SPARQL by :mod:`kg.shacl` and run on the union of all
graphs, screened first (see :func:`kg.shacl.screenings`: a query per set of focus nodes tells
which checks can find anything, and only those run); shapes using SHACL beyond what it compiles
fall back to pyshacl.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import operator
import os
import re
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg import queries
from kg.config import display_path
from kg.errors import DataError, Problem
from kg.namespaces import OA, SH
from kg.terms import display, shorten

if TYPE_CHECKING:
    from kg.shacl import Check, Screening

__all__ = ["Problem", "check_evidence", "check_shapes", "validate"]

log = logging.getLogger(__name__)

# The graph to blame for a node: preferably the one that declares its type.
_FOCUS_GRAPH = """SELECT ?focus ?graph WHERE {
  GRAPH ?graph { ?focus ?p ?o }
  BIND(EXISTS { GRAPH ?graph { ?focus a ?type } } AS ?declares)
} ORDER BY DESC(?declares) LIMIT 1"""


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


Answer = tuple[list[str], list[ox.QuerySolution]]


def _answers(store: ox.Store, texts: Sequence[str | queries.SavedQuery]) -> list[Answer]:
    """Each query's variables and rows, the queries run side by side on every core.

    Oxigraph lets go of the GIL while it evaluates, and the checks only read, so on two cores
    the 130-odd checks of a million-quad store take half the time they take one after another.
    A query's default graph is the union of all graphs, but for a saved query that reads the
    store's own (:data:`kg.queries.DATASETS`).
    """

    def answer(query: str | queries.SavedQuery) -> Answer:
        union = query.union if isinstance(query, queries.SavedQuery) else True
        text = query.text if isinstance(query, queries.SavedQuery) else query
        result = store.query(text, use_default_graph_as_union=union)
        return [v.value for v in result.variables], list(result)

    if len(texts) < 2:
        return [answer(text) for text in texts]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="kg-check") as pool:
        return list(pool.map(answer, texts))


_QUOTES = "internal/quote-positions"
_CONTENTS = "internal/source-contents"


def _evidence_texts() -> tuple[dict[str, queries.SavedQuery], list[queries.SavedQuery]]:
    """The evidence checks by name, and all the queries they need (checks, quotes, contents)."""
    checks = queries.internal_group("checks")
    return checks, [*checks.values(), queries.internal_query(_QUOTES), queries.internal_query(_CONTENTS)]


def check_evidence(store: ox.Store, graph_files: Mapping[str, Path]) -> list[Problem]:
    """Run every evidence check; return the problems in file order."""
    checks, texts = _evidence_texts()
    return _evidence_problems(checks, _answers(store, texts), graph_files)


def _evidence_problems(
    checks: Mapping[str, queries.SavedQuery], answers: Sequence[Answer], graph_files: Mapping[str, Path]
) -> list[Problem]:
    """The problems found by the checks' queries (``answers`` in the order of :func:`_evidence_texts`)."""
    problems = []
    for (name, check), (variables, rows) in zip(checks.items(), answers[: len(checks)], strict=True):
        for row in rows:
            graph = row["graph"] if "graph" in variables else None
            problems.append(
                Problem(_where(graph, graph_files), display(row["focus"]), _render(check.message, row, variables), name)
            )
    problems += _quote_problems(answers[len(checks)], answers[len(checks) + 1][1], graph_files)
    return sorted(problems)


def _offset(term: ox.Literal) -> int | None:
    try:
        return int(term.value)
    except ValueError:
        return None  # not a number: the shapes report it


def _quote_problems(
    selectors: Answer, contents: Sequence[ox.QuerySolution], graph_files: Mapping[str, Path]
) -> list[Problem]:
    """Quotes that are not the source text between their offsets (code points), with where the quote really is;
    and a quote's context (``oa:prefix``, ``oa:suffix``) that is not the text just before or after it.

    Compared in Python: a Python string slices in constant time, while SPARQL's SUBSTR walks
    the text from its start for every claim (4.5 s for 49k claims quoting 49 long texts). The
    values are taken from each row by position: by name, a row looks each name up among its
    variables (0.18 against 0.05 s of CPU for the six values of 49k rows).
    """
    saved = queries.internal_query(_QUOTES)
    texts = {row["source"]: row["content"].value for row in contents}
    problems = set()
    variables, rows = selectors
    values = operator.itemgetter(*(variables.index(name) for name in ("source", "start", "end", "exact")))
    contexts = operator.itemgetter(variables.index("prefix"), variables.index("suffix"))
    for row in rows:
        source, start_term, end_term, exact_term = values(row)
        text = texts.get(source)
        start, end = _offset(start_term), _offset(end_term)
        if text is None or start is None or end is None:
            continue  # no text attached, or offsets that are not numbers: other checks say so
        exact = exact_term.value
        found = _substring(text, start + 1, end - start)
        if start < 0 or end > len(text) or found != exact:
            at = text.find(exact)
            hint = (
                f"; the quote is at {at}-{at + len(exact)}" if at >= 0 else "; the quote is nowhere in the source text"
            )
            shown = {"exact": shorten(exact, 60), "found": shorten(found, 60)}
            message = saved.message.format(start=start, end=end, hint=hint, **shown)
            problems.add(_at(row, graph_files, message, "quote-offsets"))
        for which, context in zip(("prefix", "suffix"), contexts(row), strict=True):
            if context is None:
                continue
            size = len(context.value)
            found = _substring(text, start - size + 1 if which == "prefix" else end + 1, size)
            if found != context.value or (which == "prefix" and start < size):
                shown = {"context": shorten(context.value, 60), "found": shorten(found, 60)}
                message = saved.context_message.format(which=which, start=start, end=end, **shown)
                problems.add(_at(row, graph_files, message, "quote-context"))
    return sorted(problems)


def _at(row: ox.QuerySolution, graph_files: Mapping[str, Path], message: str, check: str) -> Problem:
    """A problem with the claim in ``row`` (named only when there is one: naming costs more than comparing)."""
    return Problem(_where(row["graph"], graph_files), display(row["focus"]), message, check)


def _substring(text: str, begin: int, length: int) -> str:
    """SPARQL's ``SUBSTR(text, begin, length)``: the characters at positions ``begin`` to ``begin + length - 1``,
    counted from 1, those before the first left out.

    >>> _substring("Homs fell", 1, 4), _substring("Homs fell", -1, 4), _substring("Homs fell", 6, 10)
    ('Homs', 'Ho', 'fell')
    """
    return text[max(begin - 1, 0) : max(begin - 1 + length, 0)]


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
def _compiled(path: Path, digest: str) -> list:
    """The shapes file compiled, once per content (``digest``): a file edited within the modification
    time's resolution, or put back as it was, is compiled from what it holds now."""
    from kg.shacl import compile_shapes

    return compile_shapes(path)


@dataclass(frozen=True)
class _ShapeChecks:
    """The shapes' checks and their screenings, each with its text for one store (class hierarchies listed).

    A screening comes with its number of focus nodes, counted first so that its form can suit
    them (:attr:`kg.shacl.Screening.nested`), and its query, None when there are no focus nodes
    (no check of them can find anything).
    """

    checks: list[tuple[Check, str]]
    screens: list[tuple[Screening, str | None, int]]

    def first(self) -> list[str]:
        """The queries that run first: the screenings that have focus nodes, then the checks that have no screen."""
        screening = [text for _, text, _ in self.screens if text is not None]
        return screening + [text for check, text in self.checks if check.screen is None]

    def unscreened(self) -> list[tuple[Check, str]]:
        return [(check, text) for check, text in self.checks if check.screen is None]

    def suspects(self, answers: Sequence[Answer]) -> list[tuple[Check, str]]:
        """The screened checks that may find something, by the answers to the screenings (in :meth:`first`'s order)."""
        counts: dict[tuple[str, str], tuple[int, int, int, int]] = {}
        answered = iter(answers)
        for screening, text, targets in self.screens:
            rows = next(answered)[1] if text is not None else []
            for member, found in screening.counts(rows).items():
                counts[(screening.targets, member)] = (*found, targets)
        return [
            (check, text)
            for check, text in self.checks
            if check.screen is not None and check.screen.may_find(*counts[(check.screen.targets, check.screen.member)])
        ]


def _shape_checks(store: ox.Store, shapes: Path) -> _ShapeChecks | None:
    """The shapes compiled to SPARQL for ``store``, with their screenings, or None when they need pyshacl."""
    from kg.shacl import NESTED_BELOW, screenings

    try:
        checks = _compiled(shapes.resolve(), hashlib.sha256(shapes.read_bytes()).hexdigest())
    except OSError as exc:
        raise DataError(f"{display_path(shapes)}: cannot read shapes: {exc.strerror or exc}") from None
    except DataError as exc:
        if "not supported" not in str(exc):
            raise
        log.info("shapes need pyshacl: %s", exc)
        return None
    subclasses = _subclass_values(store)

    def listed(text: str) -> str:
        return _SUBCLASS_PATH.sub(subclasses, text)

    screens: list[tuple[Screening, str | None, int]] = []
    for screening in screenings(checks):
        targets = int(
            next(iter(store.query(listed(screening.count), use_default_graph_as_union=True)))["targets"].value
        )
        text = screening.nested if targets < NESTED_BELOW else screening.text
        screens.append((screening, listed(text) if targets else None, targets))
    return _ShapeChecks([(check, listed(check.text)) for check in checks], screens)


def _shape_problems(
    store: ox.Store, checks: Sequence[tuple[Check, str]], answers: Sequence[Answer], graph_files: Mapping[str, Path]
) -> list[Problem]:
    problems = set()
    for (check, _), (variables, rows) in zip(checks, answers, strict=True):
        for row in rows:
            value = row["value"] if "value" in variables else None
            problems.add(_problem(store, row["focus"], check.path, check.message, value, graph_files))
    return sorted(problems)


def _screened_problems(
    store: ox.Store, compiled: _ShapeChecks, first: Sequence[Answer], graph_files: Mapping[str, Path]
) -> list[Problem]:
    """The shapes' problems, from the answers to :meth:`_ShapeChecks.first` and the checks the screens let through."""
    suspects = compiled.suspects(first)
    if suspects:
        log.info("screens let %d of %d shape checks through", len(suspects), len(compiled.checks))
    screened = sum(text is not None for _, text, _ in compiled.screens)
    answers = [*first[screened:], *_answers(store, [text for _, text in suspects])]
    return _shape_problems(store, compiled.unscreened() + suspects, answers, graph_files)


def check_shapes(
    store: ox.Store, shapes: Path, graph_files: Mapping[str, Path], *, screen: bool = True
) -> list[Problem]:
    """Validate the union of all graphs against the SHACL shapes, as SPARQL inside Oxigraph.

    Shapes that use SHACL beyond what :mod:`kg.shacl` compiles are checked with pyshacl instead.
    ``screen=False`` runs every compiled check, unscreened: the same problems, slower (the tests
    hold the screened run to it).
    """
    compiled = _shape_checks(store, shapes)
    if compiled is None:
        return check_shapes_pyshacl(store, shapes, graph_files)
    if not screen:
        return _shape_problems(store, compiled.checks, _answers(store, [t for _, t in compiled.checks]), graph_files)
    return _screened_problems(store, compiled, _answers(store, compiled.first()), graph_files)


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
    """All problems with the data in ``store``: evidence rules first, then shapes (all run side by side)."""
    evidence, texts = _evidence_texts()
    compiled = _shape_checks(store, shapes)
    answers = _answers(store, [*texts, *(compiled.first() if compiled is not None else [])])
    problems = _evidence_problems(evidence, answers[: len(texts)], graph_files)
    if compiled is None:
        problems += check_shapes_pyshacl(store, shapes, graph_files)
    else:
        problems += _screened_problems(store, compiled, answers[len(texts) :], graph_files)
    log.info("validation: %d problems", len(problems))
    return problems
