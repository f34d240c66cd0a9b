"""The saved query library: one SPARQL query per ``.rq`` file, described by its header.

A header is the block of ``#`` comment lines at the top of the file::

    # title: Allies of an actor
    # description: Everyone allied with the actor, asserted or inferred, with evidence.
    # param actor (entity, required): the actor whose allies to list
    # param since (date, optional): only claims dated on or after this day

Parameter types: ``entity`` (a label, alias, CURIE, IRI or Wikidata id, resolved against the
store), ``source`` (a source document by id, title, CURIE or IRI), ``iri``, ``string``,
``integer``, ``date`` (YYYY-MM-DD), ``grade`` (Admiralty code such as B2) and ``boolean``
(true/false, yes/no, 1/0). A parameter is bound as an RDF term through pyoxigraph's
``substitutions``, never pasted into the query text; for a SELECT query that means the
parameter's variable must be in the projection. An optional parameter may stay unbound, so test
it inside ``COALESCE(test, true)``; Oxigraph evaluates ``BOUND()`` and ``BIND`` of a
substituted variable as if it were unbound, so never use those on a parameter. The ``as_of``
idiom, the one rule of time that queries, the projection and the page share: a claim is in
effect on a day when it began by then (its ``kg:effectiveDate``), or it is a state reported
without a start (``kg:openStart``: "since before" its date) and ``dated_only`` is not set; and
it has not ended before that day::

    OPTIONAL { ?claim kg:effectiveDate ?when }
    OPTIONAL { ?claim kg:eventEnd ?ended }
    OPTIONAL { ?claim kg:openStart ?open }
    FILTER(COALESCE((COALESCE(?when, "9999-12-31"^^xsd:date) <= ?as_of
                     || (COALESCE(?open, false) && !COALESCE(?dated_only, false)))
                    && COALESCE(?ended >= ?as_of, true), true))
    BIND(IF(COALESCE(?open, false), CONCAT("before ", STR(?when)), STR(?when)) AS ?since)

Queries in sub-folders (``checks/``, ``inference/``,
``internal/``, ``stats/``) are used by kg itself and are not listed to users.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from kg.errors import QueryError
from kg.terms import Term

__all__ = [
    "PARAM_TYPES",
    "Param",
    "Runner",
    "SavedQuery",
    "catalog",
    "get",
    "internal",
    "internal_group",
    "internal_query",
    "parse",
    "resolve_text",
    "update",
]

PARAM_TYPES = frozenset({"entity", "source", "iri", "string", "integer", "date", "grade", "boolean"})

_HEADER_KEY = re.compile(r"^#\s*(title|description|message|context message|binding|dataset):\s*(.+?)\s*$")

BINDINGS = ("substitutions", "values")
"""How the embedded store binds a query's parameters: pyoxigraph's ``substitutions`` (the default),
or a ``VALUES`` block at the start of the WHERE group (``# binding: values``, as for remote stores).
Both bind terms, never text. Oxigraph plans some queries far better one way, some the other: the
query's own header says which, as measured on a million triples (``benchmarks/``)."""
DATASETS = ("union", "default graph")
"""What one of kg's own queries reads as its default graph: the union of all graphs (the default), or
``# dataset: default graph``, the store's own default graph alone (named graphs still by ``GRAPH``), for a
check of what sits in it: scanning the union for it read every quad of every source's graph."""
_HEADER_PARAM = re.compile(
    r"^#\s*param\s+(?P<name>[A-Za-z_]\w*)\s*\((?P<type>\w+)(?:,\s*(?P<req>required|optional|default=(?P<default>[^)]*)))?\)"
    r"\s*:\s*(?P<doc>.+?)\s*$"
)


@dataclass(frozen=True)
class Param:
    """One declared parameter of a saved query."""

    name: str
    type: str
    required: bool
    default: str | None
    description: str

    def __str__(self) -> str:
        if self.required:
            return f"{self.name} ({self.type})"
        if self.default is not None:
            return f"[{self.name} ({self.type}) = {self.default}]"
        return f"[{self.name} ({self.type})]"


@dataclass(frozen=True)
class SavedQuery:
    """A query file with its parsed header."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    path: Path | None = None
    message: str = ""
    """For kg's own checks: how to word one result row, with ``{variable}`` placeholders."""
    binding: str = "substitutions"
    """How the embedded store binds the parameters: see :data:`BINDINGS`."""
    context_message: str = ""
    """For the quote check: how to word a quote's prefix or suffix that is not the text beside it."""
    union: bool = True
    """Whether the default graph is the union of all graphs (see :data:`DATASETS`)."""

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


class Runner(Protocol):
    """What runs a bound saved query: :class:`kg.store.Store`, embedded or remote.

    The layers below the store (parameter binding, the file-format readers) take a ``Runner``
    instead of importing the store, so the package's imports point one way only.
    """

    def run(self, saved: SavedQuery, substitutions: Mapping[str, Term] | None = None) -> Any:
        """A SELECT result, a graph result or a bool, as :meth:`kg.store.Store.run` returns."""
        ...


def parse(text: str, *, name: str, path: Path | None = None) -> SavedQuery:
    """Read a query and its header; a malformed ``# param`` line is an error, not ignored.

    >>> q = parse("# title: T\\n# param actor (entity, required): who\\nSELECT ?actor {}", name="t")
    >>> q.title, [str(p) for p in q.params]
    ('T', ['actor (entity)'])
    """
    fields: dict[str, str] = {}
    params: list[Param] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#"):
            break
        if match := _HEADER_KEY.match(line):
            fields[match[1]] = match[2]
        elif line.lstrip("# ").startswith("param"):
            match = _HEADER_PARAM.match(line)
            where = f"{path or name}:{lineno}"
            if not match:
                raise QueryError(
                    f"{where}: malformed parameter line; expected "
                    "'# param NAME (TYPE[, required|optional|default=VALUE]): description'"
                )
            if match["type"] not in PARAM_TYPES:
                raise QueryError(
                    f"{where}: unknown parameter type {match['type']!r}; use one of {', '.join(sorted(PARAM_TYPES))}"
                )
            params.append(
                Param(match["name"], match["type"], match["req"] == "required", match["default"], match["doc"])
            )
    binding = fields.get("binding", BINDINGS[0])
    if binding not in BINDINGS:
        raise QueryError(f"{path or name}: unknown binding {binding!r}; use one of {', '.join(BINDINGS)}")
    dataset = fields.get("dataset", DATASETS[0])
    if dataset not in DATASETS:
        raise QueryError(f"{path or name}: unknown dataset {dataset!r}; use one of {', '.join(DATASETS)}")
    return SavedQuery(
        name,
        fields.get("title", name),
        fields.get("description", ""),
        tuple(params),
        text,
        path,
        fields.get("message", ""),
        binding,
        fields.get("context message", ""),
        dataset == DATASETS[0],
    )


def _folder() -> Path:
    return Path(str(resources.files(__package__)))


@cache
def catalog() -> dict[str, SavedQuery]:
    """The user-facing saved queries by name (file stem), sorted by name."""
    files = sorted(_folder().glob("*.rq"))
    return {f.stem: parse(f.read_text(encoding="utf-8"), name=f.stem, path=f) for f in files}


def get(name: str) -> SavedQuery:
    """A saved query by name; an unknown name lists the known ones."""
    try:
        return catalog()[name]
    except KeyError:
        known = ", ".join(catalog())
        raise QueryError(f"no saved query named {name!r}; known queries: {known}") from None


@cache
def internal_query(name: str) -> SavedQuery:
    """One of kg's own queries, such as ``"internal/resolve-entity"``."""
    path = _folder() / f"{name}.rq"
    return parse(path.read_text(encoding="utf-8"), name=name, path=path)


@cache
def update(name: str) -> str:
    """The text of one of kg's SPARQL updates, in ``updates/NAME.ru``."""
    return (_folder() / "updates" / f"{name}.ru").read_text(encoding="utf-8")


def internal(name: str) -> str:
    """The text of one of kg's own queries."""
    return internal_query(name).text


@cache
def internal_group(folder: str) -> dict[str, SavedQuery]:
    """All of kg's own queries in one sub-folder, by name, in name order."""
    files = sorted((_folder() / folder).glob("*.rq"))
    return {f.stem: parse(f.read_text(encoding="utf-8"), name=f.stem, path=f) for f in files}


def resolve_text(name_or_text: str) -> SavedQuery:
    """A saved query name, a path to a ``.rq`` file, or SPARQL text, as a SavedQuery.

    >>> resolve_text("SELECT * WHERE { ?s ?p ?o }").name
    '<query>'
    """
    candidate = name_or_text.strip()
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", candidate):
        return get(candidate)
    if candidate.endswith(".rq") and "\n" not in candidate:
        path = Path(candidate)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise QueryError(f"cannot read query file {path}: {exc.strerror or exc}") from None
        return parse(text, name=path.stem, path=path)
    return parse(name_or_text, name="<query>")
