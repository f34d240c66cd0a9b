"""SHACL shapes checked as SPARQL inside Oxigraph, so validation scales with the store.

pyshacl walks every focus node in Python over an rdflib copy of the data: about a minute for
80k quads, which rules it out for stores of millions. The shapes kg uses (``ontology/shapes.ttl``)
need only a small part of SHACL Core, and each of those constraints is one SPARQL pattern, so
this module turns each property constraint into one query that returns its violations, and
node-level ``sh:and``, ``sh:or`` and ``sh:node`` into ``EXISTS`` tests over the same patterns.
Supported: ``sh:targetClass``; property shapes with a single IRI path and ``sh:minCount``,
``sh:maxCount``, ``sh:datatype``, ``sh:nodeKind`` (IRI, Literal, BlankNode), ``sh:pattern``,
``sh:in``, ``sh:class``, ``sh:minLength``, ``sh:languageIn``, ``sh:uniqueLang``,
``sh:minInclusive``, ``sh:maxInclusive``, ``sh:lessThan``, ``sh:qualifiedValueShape`` with ``sh:class`` and
qualified counts; node constraints ``sh:and``, ``sh:or``, ``sh:node``. A shape using anything
else is refused with its name, rather than half checked; the tests compare the results with
pyshacl's on broken data.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import DataError
from kg.namespaces import RDF, RDFS, SH

__all__ = ["Check", "compile_shapes"]

_counter = itertools.count()


def _counted(focus: str, pattern: str, v: str, count: str) -> str:
    return f"{{ SELECT {focus} (COUNT(DISTINCT {v}) AS {count}) WHERE {{ {pattern} }} GROUP BY {focus} }}"


def _fewer_than(n: int, focus: str, pattern: str, v: str, count: str) -> str:
    """Matches a focus node with fewer than ``n`` values; for the usual n = 1, a plain NOT EXISTS."""
    if n <= 1:
        return f"FILTER NOT EXISTS {{ {pattern} }}" if n == 1 else "FILTER(false)"
    return f"FILTER NOT EXISTS {{ {_counted(focus, pattern, v, count)} FILTER({count} >= {n}) }}"


def _more_than(n: int, focus: str, pattern: str, v: str, count: str) -> str:
    """Matches a focus node with more than ``n`` values."""
    return f"{_counted(focus, pattern, v, count)} FILTER({count} > {n})"


def _instance(node: str, cls: object) -> str:
    """``node`` is a SHACL instance of ``cls``: typed with it or a subclass. Written as two patterns, since
    Oxigraph evaluates ``rdf:type/rdfs:subClassOf*`` far more slowly once per row inside EXISTS."""
    kind = f"?k{next(_counter)}"
    return f"{node} <{RDF}type> {kind} . {kind} <{RDFS}subClassOf>* {cls}"


def _n(local: str) -> ox.NamedNode:
    return ox.NamedNode(SH + local)


@dataclass(frozen=True)
class Check:
    """One compiled constraint: a SELECT returning ``?focus`` (and ``?value``) for each violation."""

    shape: str
    path: str | None
    message: str
    text: str


class _Shapes:
    """Reads the shapes graph and writes SPARQL for it."""

    def __init__(self, graph: ox.Store) -> None:
        self.g = graph

    def one(self, subject, local: str):
        found = [q.object for q in self.g.quads_for_pattern(subject, _n(local), None)]
        return found[0] if found else None

    def all(self, subject, local: str) -> list:
        return [q.object for q in self.g.quads_for_pattern(subject, _n(local), None)]

    def items(self, head) -> list:
        """The members of an RDF list."""
        out = []
        while head is not None and head != ox.NamedNode(RDF + "nil"):
            first = next((q.object for q in self.g.quads_for_pattern(head, ox.NamedNode(RDF + "first"), None)), None)
            out.append(first)
            head = next((q.object for q in self.g.quads_for_pattern(head, ox.NamedNode(RDF + "rest"), None)), None)
        return out

    # -- violation patterns: a SPARQL group that matches when ?focus breaks the constraint ---------

    def property_violations(self, prop, focus: str) -> Iterator[tuple[str, str]]:
        """(component, pattern) for each constraint of a property shape; the pattern binds ?value when it can."""
        path = self.one(prop, "path")
        if not isinstance(path, ox.NamedNode):
            raise DataError(f"shape {prop}: only single-IRI sh:path is supported")
        p = str(path)
        v = f"?v{next(_counter)}"
        handled = {"path", "message", "name", "description", "order", "group", "severity"}
        constraints = {
            q.predicate.value.removeprefix(SH): q.object
            for q in self.g.quads_for_pattern(prop, None, None)
            if q.predicate.value.startswith(SH)
        }
        for name, value in constraints.items():
            if name == "qualifiedValueShape":
                yield from self._qualified(value, prop, p, focus, v, f"?c{next(_counter)}")
                continue
            pattern = self._constraint(name, value, prop, p, focus, v)
            if pattern is not None:
                yield name, pattern
            elif name not in handled and not name.startswith("qualified"):
                raise DataError(f"shape {prop}: sh:{name} is not supported by kg's SPARQL validation")

    def _constraint(self, name: str, value, prop, p: str, focus: str, v: str) -> str | None:
        count = f"?c{next(_counter)}"
        match name:
            case "minCount":
                return _fewer_than(int(value.value), focus, f"{focus} {p} {v}", v, count)
            case "maxCount":
                return _more_than(int(value.value), focus, f"{focus} {p} {v}", v, count)
            case "datatype":
                return f"{focus} {p} {v} FILTER(!isLITERAL({v}) || DATATYPE({v}) != {value})"
            case "nodeKind":
                test = {"IRI": "isIRI", "Literal": "isLITERAL", "BlankNode": "isBLANK"}[value.value.removeprefix(SH)]
                return f"{focus} {p} {v} FILTER(!{test}({v}))"
            case "pattern":
                return f"{focus} {p} {v} FILTER(isBLANK({v}) || !REGEX(STR({v}), {ox.Literal(value.value)}))"
            case "in":
                members = ", ".join(str(m) for m in self.items(value))
                return f"{focus} {p} {v} FILTER({v} NOT IN ({members}))"
            case "class":
                return f"{focus} {p} {v} FILTER NOT EXISTS {{ {_instance(v, value)} }}"
            case "minLength":
                return f"{focus} {p} {v} FILTER(isBLANK({v}) || STRLEN(STR({v})) < {value.value})"
            case "languageIn":
                tags = self.items(value)
                ok = " || ".join(f"LANGMATCHES(LANG({v}), {ox.Literal(t.value)})" for t in tags)
                return f"{focus} {p} {v} FILTER(!isLITERAL({v}) || !({ok}))"
            case "uniqueLang":
                if value.value != "true":
                    return ""
                other = f"?w{next(_counter)}"
                return (
                    f"{focus} {p} {v} , {other} FILTER({v} != {other} && LANG({v}) != '' && LANG({v}) = LANG({other}))"
                )
            case "minInclusive":
                return f"{focus} {p} {v} FILTER(!({v} >= {value}))"
            case "maxInclusive":
                return f"{focus} {p} {v} FILTER(!({v} <= {value}))"
            case "lessThan":
                other = f"?w{next(_counter)}"
                return f"{focus} {p} {v} . {focus} {value} {other} FILTER(!({v} < {other}))"
        return None

    def _qualified(self, shape, prop, p: str, focus: str, v: str, count: str) -> list[tuple[str, str]]:
        cls = self.one(shape, "class")
        if cls is None or len(list(self.g.quads_for_pattern(shape, None, None))) != 1:
            raise DataError(f"shape {prop}: only sh:qualifiedValueShape [ sh:class C ] is supported")
        low, high = self.one(prop, "qualifiedMinCount"), self.one(prop, "qualifiedMaxCount")
        member = f"{focus} {p} {v} . {_instance(v, cls)}"
        tests = []  # separate checks: a count inside a UNION would be recomputed for every focus node
        if low is not None:
            tests.append(("qualifiedMinCount", _fewer_than(int(low.value), focus, member, v, count)))
        if high is not None:
            tests.append(("qualifiedMaxCount", _more_than(int(high.value), focus, member, v, count)))
        return tests

    def node_violation(self, shape, focus: str) -> str:
        """A group that matches when ?focus breaks any constraint of the node shape."""
        parts = [
            pattern for prop in self.all(shape, "property") for _, pattern in self.property_violations(prop, focus)
        ]
        for member in [*self.items(self.one(shape, "and")), *self.all(shape, "node")]:
            parts.append(self.node_violation(member, focus))
        if (alternatives := self.one(shape, "or")) is not None:
            every = " && ".join(f"EXISTS {{ {self.node_violation(a, focus)} }}" for a in self.items(alternatives))
            parts.append(f"FILTER({every})")
        if not parts:
            return "FILTER(false)"
        return " UNION ".join(f"{{ {part} }}" for part in parts)


def _checks(shapes: _Shapes, shape, targets: str) -> Iterator[Check]:
    """The checks of one node shape for the focus nodes ``targets`` selects, its sh:and and sh:node members included."""
    focus = "?focus"
    for prop in shapes.all(shape, "property"):
        message = shapes.one(prop, "message")
        path = str(shapes.one(prop, "path").value)
        for component, pattern in shapes.property_violations(prop, focus):
            value = re.search(r"\?v\d+", pattern)
            # the offending value, when the pattern binds one at its top level (not inside a count)
            shown = (
                f"({value[0]} AS ?value)" if value and not pattern.startswith(("{ SELECT", "FILTER NOT EXISTS")) else ""
            )
            if pattern.startswith("FILTER NOT EXISTS {"):
                # Beside the targets that bind ?focus, MINUS means the same and Oxigraph runs it as a
                # hash anti-join, where FILTER NOT EXISTS is a nested loop (seconds per thousand nodes).
                pattern = "MINUS {" + pattern.removeprefix("FILTER NOT EXISTS {")
            text = f"SELECT DISTINCT {focus} {shown} WHERE {{ {targets} {pattern} }}"
            yield Check(str(shape), path, message.value if message is not None else f"violates sh:{component}", text)
    for member in [*shapes.items(shapes.one(shape, "and")), *shapes.all(shape, "node")]:
        yield from _checks(shapes, member, targets)
    if (alternatives := shapes.one(shape, "or")) is not None:
        every = " && ".join(f"EXISTS {{ {shapes.node_violation(a, focus)} }}" for a in shapes.items(alternatives))
        message = shapes.one(shape, "message")
        text = f"SELECT DISTINCT {focus} WHERE {{ {targets} FILTER({every}) }}"
        yield Check(
            str(shape), None, message.value if message is not None else "conforms to none of its alternatives", text
        )


def compile_shapes(path: Path) -> list[Check]:
    """The checks for every node shape with a ``sh:targetClass`` in the Turtle file at ``path``."""
    graph = ox.Store()
    try:
        graph.load(path=str(path), format=ox.RdfFormat.TURTLE)
    except SyntaxError as exc:
        raise DataError(f"{path}:{exc.lineno}: {exc}") from None
    shapes = _Shapes(graph)
    checks = []
    for quad in graph.quads_for_pattern(None, _n("targetClass"), None):
        targets = f"{_instance('?focus', quad.object)} ."
        checks.extend(_checks(shapes, quad.subject, targets))
    return checks
