"""Turn what a user types into RDF terms bound to a query's variables.

An ``entity`` parameter accepts a label or alias ("Hezbollah", "HTS", "Assad"), a CURIE
(``kge:hts``), a full IRI, or a Wikidata id (``Q41053``); it is looked up in the store and
must name exactly one entity. Other types are checked and typed (``xsd:date``,
``xsd:integer`` ...). The result is a ``substitutions`` mapping for pyoxigraph, so values
never become query text.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping

import pyoxigraph as ox

from kg import queries
from kg.errors import ParameterError
from kg.namespaces import GRAPH, PREFIXES, SOURCE, WD, XSD, compact, expand
from kg.queries import Param, Runner, SavedQuery
from kg.results import SelectResult
from kg.terms import Term

__all__ = ["bind", "resolve_entity", "resolve_source", "typed_value"]

_GRADE = re.compile(r"^[A-F][1-6]$")
_TRUE = ("true", "1")
"""A boolean a query computes, as Oxigraph answers it or as Virtuoso does (the integer 1)."""
_BOOLEAN = {"true": "true", "yes": "true", "1": "true", "false": "false", "no": "false", "0": "false"}
_QID = re.compile(r"^(?:wd:)?(Q[1-9]\d*)$")
_IRI = re.compile(r"^<?([a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]+)>?$")


def _run(store: Runner | ox.Store, query: str, bindings: Mapping[str, Term]) -> SelectResult | bool:
    """A kg-internal query run on a store, or straight on a pyoxigraph store (as the build's in-memory one)."""
    saved = queries.internal_query(query)
    if not isinstance(store, ox.Store):
        return store.run(saved, bindings)
    substitutions = {ox.Variable(name): term for name, term in bindings.items()}
    result = store.query(
        saved.text, substitutions=substitutions or None, prefixes=PREFIXES, use_default_graph_as_union=True
    )
    return SelectResult.from_solutions(result) if isinstance(result, ox.QuerySolutions) else bool(result)


def _rows(store: Runner | ox.Store, query: str, **bindings: Term) -> list[dict[str, Term | None]]:
    """A kg-internal SELECT query's solutions as dicts of terms."""
    result = _run(store, query, bindings)
    assert isinstance(result, SelectResult)
    return [dict(zip(result.variables, row, strict=True)) for row in result.rows]


def _suggestions(store: Runner | ox.Store, reference: str) -> str:
    names: dict[str, set[str]] = {}
    for row in _rows(store, "internal/entity-names"):
        label = (row["label"] or row["name"]).value  # type: ignore[union-attr]
        names.setdefault(row["name"].value.lower(), set()).add(f"{label} ({compact(row['entity'].value)})")  # type: ignore[union-attr]
    close = difflib.get_close_matches(reference.lower(), list(names), n=5, cutoff=0.6)
    found = sorted({entry for name in close for entry in names[name]})
    return f"; did you mean: {', '.join(found)}?" if found else ""


def _known_iri(store: Runner | ox.Store, iri: str, reference: str) -> ox.NamedNode:
    try:
        node = ox.NamedNode(iri)
    except ValueError as exc:
        raise ParameterError(f"{reference!r} is not a valid IRI: {exc}") from None
    if not _run(store, "internal/term-exists", {"iri": node}):
        raise ParameterError(f"{reference!r} is not in the store")
    return node


def resolve_entity(store: Runner | ox.Store, reference: str) -> ox.NamedNode:
    """The one entity that ``reference`` names; a clear error when none or several match."""
    reference = reference.strip()
    if not reference:
        raise ParameterError("an empty name names no entity")
    if match := _QID.match(reference):
        rows = _rows(store, "internal/resolve-wikidata", item=ox.NamedNode(WD + match[1]))
        exact = [r["entity"] for r in rows if r["exact"].value in _TRUE] or [r["entity"] for r in rows]  # type: ignore[union-attr]
        if len(exact) == 1:
            return exact[0]
        if not exact:
            raise ParameterError(f"no entity is linked to Wikidata item {match[1]}")
        raise ParameterError(
            f"{match[1]} is linked to {len(exact)} entities: {', '.join(compact(e.value) for e in exact)}"
        )
    if (iri := expand(reference)) is not None:
        return _known_iri(store, iri, reference)
    entities = [row["entity"] for row in _rows(store, "internal/resolve-entity", name=ox.Literal(reference))]
    if len(entities) == 1:
        return entities[0]
    if len(entities) > 1:
        listed = ", ".join(compact(e.value) for e in entities)
        raise ParameterError(f"{reference!r} names {len(entities)} entities: {listed}; pass one of these ids instead")
    if (match := _IRI.match(reference)) and ("://" in reference or reference.startswith(("urn:", "<"))):
        return _known_iri(store, match[1], reference)
    raise ParameterError(f"no entity is called {reference!r}{_suggestions(store, reference)}")


def resolve_source(store: Runner | ox.Store, reference: str) -> ox.NamedNode:
    """The one source document that ``reference`` names, however it is written.

    Every command that takes a source takes the same forms: the bare id ``second-report`` (as
    files and ``kg drop`` name it), the CURIE ``kgs:second-report`` or its graph's
    ``kgg:second-report``, either IRI, or the title (any case). A near miss gets suggestions.

    >>> store = ox.Store()
    >>> turtle = b"<https://w3id.org/conflict-kg/source/r1> a <https://w3id.org/conflict-kg/ontology#SourceDocument> ."
    >>> store.load(turtle, format=ox.RdfFormat.TURTLE)
    >>> resolve_source(store, "kgg:r1").value
    'https://w3id.org/conflict-kg/source/r1'
    """
    wanted = reference.strip().strip("<>")
    sources: dict[str, set[str]] = {}
    for row in _rows(store, "internal/source-names"):
        titles = sources.setdefault(row["source"].value, set())  # type: ignore[union-attr]
        if row["title"] is not None:
            titles.add(row["title"].value)  # type: ignore[union-attr]
    iri = expand(wanted) or wanted
    iri = SOURCE + iri.removeprefix(GRAPH) if iri.startswith(GRAPH) else iri
    candidates = [iri, SOURCE + wanted]
    found = [c for c in candidates if c in sources]
    found = found or [s for s, titles in sources.items() if wanted.lower() in {t.lower() for t in titles}]
    if len(found) == 1 or len(set(found)) == 1:
        return ox.NamedNode(found[0])
    if found:
        listed = ", ".join(compact(s) for s in sorted(set(found)))
        raise ParameterError(f"{reference!r} names {len(set(found))} sources: {listed}; pass one of these ids instead")
    names = {s.removeprefix(SOURCE): s for s in sources} | {t.lower(): s for s, ts in sources.items() for t in ts}
    close = difflib.get_close_matches(wanted.lower().removeprefix("kgs:").removeprefix("kgg:"), list(names), n=4)
    hint = f"; did you mean: {', '.join(sorted({compact(names[c]) for c in close}))}?" if close else ""
    known = "" if hint else f"; `kg query sources` lists the {len(sources)} source{'s' if len(sources) != 1 else ''}"
    raise ParameterError(f"no source is called {reference!r}{hint}{known}")


def typed_value(store: Runner, param: Param, value: str | Term) -> Term:
    """``value`` as the RDF term ``param`` expects; RDF terms pass through unchanged."""
    if not isinstance(value, str):
        return value
    try:
        match param.type:
            case "entity":
                return resolve_entity(store, value)
            case "source":
                return resolve_source(store, value)
            case "iri":
                return ox.NamedNode(expand(value) or value.strip("<>"))
            case "date":
                return ox.Literal(dt.date.fromisoformat(value).isoformat(), datatype=ox.NamedNode(XSD + "date"))
            case "integer":
                return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
            case "boolean":
                word = value.strip().lower()
                if word not in _BOOLEAN:
                    raise ValueError("use true or false")
                return ox.Literal(_BOOLEAN[word], datatype=ox.NamedNode(XSD + "boolean"))
            case "grade":
                grade = value.strip().upper()
                if not _GRADE.match(grade):
                    raise ValueError("an Admiralty grade is a letter A-F and a digit 1-6, such as B2")
                return ox.Literal(grade)
            case _:
                return ox.Literal(value)
    except ParameterError as exc:
        raise ParameterError(f"parameter {param.name}: {exc}") from None
    except ValueError as exc:
        hint = {"date": "use YYYY-MM-DD", "integer": "use a whole number"}.get(param.type, str(exc))
        raise ParameterError(f"parameter {param.name}: {value!r} is not a valid {param.type}; {hint}") from None


def bind(store: Runner, query: SavedQuery, values: Mapping[str, str | Term]) -> dict[str, Term]:
    """Bindings (variable name to term) for ``query`` from ``values``, with defaults applied and required ones checked.

    A query without declared parameters (ad-hoc SPARQL) binds each value as given, reading a
    string as an entity reference.
    """
    declared = {p.name: p for p in query.params}
    if not declared:
        params = {name: Param(name, "entity", True, None, "") for name in values}
    else:
        unknown = sorted(set(values) - set(declared))
        if unknown:
            known = ", ".join(str(p) for p in query.params)
            raise ParameterError(f"{query.name} has no parameter {', '.join(unknown)}; its parameters: {known}")
        params = declared
    bound: dict[str, Term] = {}
    for name, param in params.items():
        value = values.get(name, param.default)
        if value is None:
            if param.required:
                raise ParameterError(f"{query.name} needs --param {name}=... ({param.type}: {param.description})")
            continue
        bound[name] = typed_value(store, param, value)
    return bound
