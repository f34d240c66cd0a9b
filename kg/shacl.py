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

Each check alone is cheap, but there are some 150 and each joins its focus nodes again (at a
million quads, 49k claims looked up once per check: 9 s of CPU). So :func:`screenings` groups
them by focus nodes: one query per set of focus nodes scans every value pattern the checks
read, once, and counts what each check needs to know (how many focus nodes have a value, how
many values there are, whether any value could break a constraint). A check runs only when
those counts say it may find something; on valid data that is none of them. The screen may
say "maybe" when nothing is wrong (a value in two graphs, a value typed twice), never "no"
when something is, and the checks it lets through are the same queries as ever, so the
problems reported are the same.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import DataError
from kg.namespaces import RDF, RDFS, SH

__all__ = ["NESTED_BELOW", "Check", "Screen", "Screening", "compile_shapes", "screenings"]

NESTED_BELOW = 1000
"""Below this many focus nodes a screening starts each member pattern from them (:attr:`Screening.nested`);
at 1M quads 3,507 focus nodes took 0.017 s nested against 0.043 s hashed, 5,261 took 0.052 s against 0.019 s."""

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
    Oxigraph evaluates ``rdf:type/rdfs:subClassOf*`` far more slowly once per row inside EXISTS.

    The classes come first: Oxigraph joins in the order written, and a node typed in many graphs
    (an actor an event file types once per event) otherwise has every one of its type quads read
    before the class list is consulted. Class first, each lookup is one index probe that stops at
    the first match."""
    kind = f"?k{next(_counter)}"
    return f"{kind} <{RDFS}subClassOf>* {cls} . {node} <{RDF}type> {kind}"


def _n(local: str) -> ox.NamedNode:
    return ox.NamedNode(SH + local)


@dataclass(frozen=True)
class Screen:
    """What a check's screen looks at: its focus nodes, the pattern it reads, and what would break it.

    ``member`` binds ``?focus`` and the value; ``test`` is ``"min"`` or ``"max"`` (fewer or more
    than ``bound`` values per focus node) or ``"value"`` (some value makes ``condition`` true, or
    matches no ``absent`` pattern: a ``sh:class`` constraint's instance test, which the screening
    runs as one anti-join rather than as a ``NOT EXISTS`` per value).
    """

    targets: str
    member: str
    test: str
    bound: int = 0
    condition: str = ""
    absent: str = ""

    def may_find(self, rows: int, focuses: int, suspects: int, targets: int) -> bool:
        """Whether the check can find anything, given its member pattern's counts over the targets.

        ``rows``: solutions of the member pattern for the targets; ``focuses``: distinct targets
        among them; ``suspects``: solutions whose value may break a value constraint;
        ``targets``: distinct focus nodes. Duplicates only make ``rows`` larger, so "maybe".

        >>> Screen("", "", "max", 1).may_find(rows=5, focuses=5, suspects=0, targets=9)
        False
        >>> Screen("", "", "min", 1).may_find(rows=5, focuses=5, suspects=0, targets=9)
        True
        """
        match self.test:
            case "value":
                return suspects > 0
            case "min" if self.bound == 0:
                return False  # never fewer than none: the check is FILTER(false)
            case "min" if self.bound == 1:
                return focuses < targets
            case "max" if self.bound == 0:
                return rows > 0
            case "max":
                return rows > focuses  # one row per focus node: one value each, at most any bound >= 1
        return True  # a minimum above one cannot be read from the counts: run the check


@dataclass(frozen=True)
class Check:
    """One compiled constraint: a SELECT returning ``?focus`` (and ``?value``) for each violation.

    ``screen`` is how :func:`screenings` tells whether it can find anything (None: always run it).
    """

    shape: str
    path: str | None
    message: str
    text: str
    screen: Screen | None = None


@dataclass(frozen=True)
class _Violation:
    """A constraint's violation pattern (a SPARQL group matching when ?focus breaks it) and how to screen it."""

    component: str
    pattern: str
    member: str = ""
    test: str | None = None
    bound: int = 0
    condition: str = ""
    absent: str = ""


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

    def property_violations(self, prop, focus: str) -> Iterator[_Violation]:
        """The violation of each constraint of a property shape; the pattern binds ?value when it can."""
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
            violation = self._constraint(name, value, prop, p, focus, v)
            if violation is not None:
                yield violation
            elif name not in handled and not name.startswith("qualified"):
                raise DataError(f"shape {prop}: sh:{name} is not supported by kg's SPARQL validation")

    def _constraint(self, name: str, value, prop, p: str, focus: str, v: str) -> _Violation | None:
        count = f"?c{next(_counter)}"
        member = f"{focus} {p} {v}"

        def breaking(condition: str) -> _Violation:
            return _Violation(name, f"{member} FILTER({condition})", member, "value", condition=condition)

        match name:
            case "minCount":
                n = int(value.value)
                return _Violation(name, _fewer_than(n, focus, member, v, count), member, "min", n)
            case "maxCount":
                n = int(value.value)
                return _Violation(name, _more_than(n, focus, member, v, count), member, "max", n)
            case "datatype":
                return breaking(f"!isLITERAL({v}) || DATATYPE({v}) != {value}")
            case "nodeKind":
                test = {"IRI": "isIRI", "Literal": "isLITERAL", "BlankNode": "isBLANK"}[value.value.removeprefix(SH)]
                return breaking(f"!{test}({v})")
            case "pattern":
                return breaking(f"isBLANK({v}) || !REGEX(STR({v}), {ox.Literal(value.value)})")
            case "in":
                members = ", ".join(str(m) for m in self.items(value))
                return breaking(f"{v} NOT IN ({members})")
            case "class":
                instance = _instance(v, value)
                pattern = f"{member} FILTER NOT EXISTS {{ {instance} }}"
                return _Violation(name, pattern, member, "value", absent=instance)
            case "minLength":
                return breaking(f"isBLANK({v}) || STRLEN(STR({v})) < {value.value}")
            case "languageIn":
                tags = self.items(value)
                ok = " || ".join(f"LANGMATCHES(LANG({v}), {ox.Literal(t.value)})" for t in tags)
                return breaking(f"!isLITERAL({v}) || !({ok})")
            case "uniqueLang":
                if value.value != "true":
                    return _Violation(name, "")
                other = f"?w{next(_counter)}"
                return _Violation(
                    name, f"{member} , {other} FILTER({v} != {other} && LANG({v}) != '' && LANG({v}) = LANG({other}))"
                )
            case "minInclusive":
                return breaking(f"!({v} >= {value})")
            case "maxInclusive":
                return breaking(f"!({v} <= {value})")
            case "lessThan":
                other = f"?w{next(_counter)}"
                return _Violation(name, f"{member} . {focus} {value} {other} FILTER(!({v} < {other}))")
        return None

    def _qualified(self, shape, prop, p: str, focus: str, v: str, count: str) -> list[_Violation]:
        cls = self.one(shape, "class")
        if cls is None or len(list(self.g.quads_for_pattern(shape, None, None))) != 1:
            raise DataError(f"shape {prop}: only sh:qualifiedValueShape [ sh:class C ] is supported")
        low, high = self.one(prop, "qualifiedMinCount"), self.one(prop, "qualifiedMaxCount")
        member = f"{focus} {p} {v} . {_instance(v, cls)}"
        tests = []  # separate checks: a count inside a UNION would be recomputed for every focus node
        if low is not None:
            n = int(low.value)
            tests.append(_Violation("qualifiedMinCount", _fewer_than(n, focus, member, v, count), member, "min", n))
        if high is not None:
            n = int(high.value)
            tests.append(_Violation("qualifiedMaxCount", _more_than(n, focus, member, v, count), member, "max", n))
        return tests

    def node_violation(self, shape, focus: str) -> str:
        """A group that matches when ?focus breaks any constraint of the node shape."""
        parts = [
            violation.pattern
            for prop in self.all(shape, "property")
            for violation in self.property_violations(prop, focus)
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
        for violation in shapes.property_violations(prop, focus):
            pattern = violation.pattern
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
            screen = (
                Screen(
                    targets, violation.member, violation.test, violation.bound, violation.condition, violation.absent
                )
                if violation.test is not None
                else None
            )
            worded = message.value if message is not None else f"violates sh:{violation.component}"
            yield Check(str(shape), path, worded, text, screen)
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


@dataclass(frozen=True)
class Screening:
    """The screen of the checks of one set of focus nodes: two queries, and the member patterns they count.

    ``text`` returns one row per member pattern that has solutions for the targets: ``?key``
    (its place in ``members``, from 1), ``?rows``, ``?focuses`` and ``?suspects`` (above zero
    when some value may break a constraint; see :meth:`Screen.may_find`); ``count`` returns
    ``?targets``, the number of focus nodes. In ``text`` the targets are selected once and
    joined to every member pattern by hash, where a check joins them again for each of its focus
    nodes; but the hash join reads every member pattern whole, whoever its subject, so
    ``nested`` (the same counts) starts each member pattern from the targets instead, for few
    focus nodes (:data:`NESTED_BELOW`): at 1M quads the 13 source notes took 0.2 s of CPU
    hashed, reading the 49k claims' sources and selectors, and 0.001 s nested, where the 49k
    claims took 3.3 s nested against 1.2 s hashed. Nested, a focus node typed twice counts its
    values twice, which can only make ``?rows`` say "maybe".
    """

    targets: str
    members: tuple[str, ...]
    text: str
    count: str
    nested: str = ""

    def counts(self, rows: Iterable[Mapping[str, object]]) -> dict[str, tuple[int, int, int]]:
        """(rows, focuses, suspects) by member pattern, from the rows of ``text`` (a pattern without rows: zeros)."""
        found = {member: (0, 0, 0) for member in self.members}
        for row in rows:
            key, *numbers = (int(row[name].value) for name in ("key", "rows", "focuses", "suspects"))  # type: ignore[union-attr]
            found[self.members[key - 1]] = (numbers[0], numbers[1], numbers[2])
        return found


def screenings(checks: Iterable[Check]) -> list[Screening]:
    """One :class:`Screening` per set of focus nodes, over every member pattern its screened checks read.

    A ``sh:class`` constraint's values are screened by an anti-join of their own (a branch of the
    member's rows that no instance pattern matches, counted as suspects but not as rows): a
    ``NOT EXISTS`` inside the member's ``BIND`` looked each value's types up again, one probe per
    row (0.3 s of CPU for the claims' 49k ``prov:wasAttributedTo`` alone at 1M quads). Only
    whether a member has suspects matters (:meth:`Screen.may_find`), so a value counted by both
    kinds of branch changes nothing.
    """
    members: dict[str, dict[str, tuple[list[str], list[str]]]] = {}  # targets -> member -> (conditions, absents)
    for check in checks:
        if check.screen is None:
            continue
        conditions, absents = members.setdefault(check.screen.targets, {}).setdefault(check.screen.member, ([], []))
        if check.screen.test == "value":
            if check.screen.condition:
                conditions.append(check.screen.condition)
            if check.screen.absent:
                absents.append(check.screen.absent)
    found = []
    for targets, by_member in members.items():
        branches = []
        for key, (member, (conditions, absents)) in enumerate(by_member.items(), start=1):
            # an error is a "maybe": the check's FILTER drops the row, so the check itself decides
            either = " || ".join(f"COALESCE({condition}, true)" for condition in conditions) or "false"
            branches.append(f"{{ {member} BIND({key} AS ?key) BIND(1 AS ?row) BIND(IF({either}, 1, 0) AS ?suspect) }}")
            branches += [
                f"{{ {member} MINUS {{ {absent} }} BIND({key} AS ?key) BIND(0 AS ?row) BIND(1 AS ?suspect) }}"
                for absent in absents
            ]
        counts = "SELECT ?key (SUM(?row) AS ?rows) (COUNT(DISTINCT ?focus) AS ?focuses) (SUM(?suspect) AS ?suspects)"
        text = (
            f"{counts} WHERE {{ {{ SELECT DISTINCT ?focus WHERE {{ {targets} }} }} "
            f"{{ SELECT ?focus ?key ?row ?suspect WHERE {{ {' UNION '.join(branches)} }} }} }} GROUP BY ?key"
        )
        nested = f"{counts} WHERE {{ {' UNION '.join('{ ' + targets + ' ' + b[2:] for b in branches)} }} GROUP BY ?key"
        count = f"SELECT (COUNT(DISTINCT ?focus) AS ?targets) WHERE {{ {targets} }}"
        found.append(Screening(targets, tuple(by_member), text, count, nested))
    return found
