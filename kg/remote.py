"""A remote SPARQL 1.1 endpoint as a kg store: for graphs that outgrow one machine.

``kg --store sparql+http://host:7878/query`` sends every query to that endpoint over the
SPARQL 1.1 Protocol (form-encoded POST) and every build as one SPARQL Update request
(``DROP ALL`` then ``INSERT DATA``), which Oxigraph runs as one transaction. kg's queries
expect the default graph to be the union of all graphs: with Oxigraph add
``?union-default-graph`` to the URL (it is passed through); Virtuoso and GraphDB do this by
default. Parameters are bound with a ``VALUES`` block (see :mod:`kg.sparql`), since the
protocol has no parameters of its own.

Big answers are streamed: :meth:`Endpoint.stream` copies the response to a file as it
arrives and :meth:`Endpoint.solutions` parses rows off the socket one at a time, so the
client's memory stays flat however many rows come back (``kg query --format csv`` and the
NetworkX projection use them).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import BinaryIO

import pyoxigraph as ox

from kg import queries, sparql
from kg.errors import QueryError, StoreError
from kg.namespaces import PREFIXES
from kg.results import GraphResult, SelectResult, tuples
from kg.terms import Term

__all__ = ["SCHEMES", "Endpoint", "is_endpoint"]

SCHEMES = ("sparql+http://", "sparql+https://")
UPDATE_ENV = "KG_UPDATE_ENDPOINT"
TIMEOUT_S = 300.0
CHUNK = 1 << 16
"""Bytes copied at a time when a response is streamed to a file."""


def is_endpoint(location: object) -> bool:
    """True for a store location written as ``sparql+http(s)://...``."""
    return isinstance(location, str) and location.startswith(SCHEMES)


def _prologue() -> str:
    return "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in PREFIXES.items())


@dataclass(frozen=True)
class Endpoint:
    """The query and update URLs of a remote store."""

    query_url: str
    update_url: str

    @classmethod
    def parse(cls, location: str) -> Endpoint:
        """From ``sparql+http://host/query``; the update URL replaces a final ``query`` by ``update``
        (Oxigraph, Fuseki), or is ``$KG_UPDATE_ENDPOINT``.

        >>> Endpoint.parse("sparql+http://127.0.0.1:7878/query?union-default-graph").update_url
        'http://127.0.0.1:7878/update'
        """
        url = location.removeprefix("sparql+")
        parts = urllib.parse.urlsplit(url)
        path = parts.path
        update_path = path[: -len("query")] + "update" if path.endswith("query") else path
        update = os.environ.get(UPDATE_ENV) or urllib.parse.urlunsplit(
            (parts.scheme, parts.netloc, update_path, "", "")
        )
        return cls(url, update)

    def _post(self, url: str, form: Mapping[str, str], accept: str) -> tuple[bytes, str]:
        with self._open(url, form, accept) as response, _reading(url):
            return response.read(), response.headers.get_content_type()

    @contextlib.contextmanager
    def _open(self, url: str, form: Mapping[str, str], accept: str) -> Iterator[BinaryIO]:
        """The endpoint's response, open for reading; HTTP and connection errors become kg's."""
        data = urllib.parse.urlencode(form).encode("utf-8")
        request = urllib.request.Request(
            url,
            data=data,
            method="POST",
            headers={
                "Accept": accept,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        try:
            response = urllib.request.urlopen(request, timeout=TIMEOUT_S)
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", errors="replace").strip().splitlines()
            message = body[0] if body else exc.reason
            if exc.code in (400, 422):
                raise QueryError(f"the endpoint refused the query: {message}") from None
            raise StoreError(f"{url} answered {exc.code}: {message}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreError(f"cannot reach the SPARQL endpoint {url}: {reason}") from None
        with response:
            yield response

    def _prepared(self, text: str, bindings: Mapping[str, Term]) -> str:
        return _prologue() + sparql.bind_values(text, bindings)

    def run(self, text: str, bindings: Mapping[str, Term]) -> SelectResult | GraphResult | bool:
        """Run a query; the result types are those of the embedded store."""
        form = sparql.query_form(text)
        if form in ("CONSTRUCT", "DESCRIBE"):
            body, _ = self._post(self.query_url, {"query": self._prepared(text, bindings)}, "application/n-triples")
            return GraphResult(list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES)))
        accept = "application/sparql-results+json"
        body, _ = self._post(self.query_url, {"query": self._prepared(text, bindings)}, accept)
        if form == "ASK":
            return bool(json.loads(body)["boolean"])
        return SelectResult(body)

    def results(self, text: str, bindings: Mapping[str, Term], format: ox.QueryResultsFormat) -> bytes:
        """A SELECT or ASK query's results as the endpoint writes them in ``format``."""
        body, _ = self._post(self.query_url, {"query": self._prepared(text, bindings)}, format.media_type)
        return body

    @contextlib.contextmanager
    def open_results(
        self, text: str, bindings: Mapping[str, Term], format: ox.QueryResultsFormat
    ) -> Iterator[BinaryIO]:
        """A SELECT or ASK query's results in ``format``, as the open response to read from."""
        form = {"query": self._prepared(text, bindings)}
        with self._open(self.query_url, form, format.media_type) as response, _reading(self.query_url):
            yield response

    def stream(self, text: str, bindings: Mapping[str, Term], format: ox.QueryResultsFormat, out: BinaryIO) -> None:
        """Copy a SELECT or ASK query's results in ``format`` to ``out`` as they arrive, a chunk at a time."""
        with self.open_results(text, bindings, format) as response:
            shutil.copyfileobj(response, out, CHUNK)

    @contextlib.contextmanager
    def solutions(self, text: str, bindings: Mapping[str, Term]) -> Iterator[Iterator[tuple[Term | None, ...]]]:
        """A SELECT query's rows as tuples in variable order, parsed off the connection one at a time (from
        TSV, the lightest format to parse).

        Use as ``with endpoint.solutions(text, {}) as rows: for row in rows: ...``.
        """
        form = {"query": self._prepared(text, bindings)}
        with self._open(self.query_url, form, ox.QueryResultsFormat.TSV.media_type) as response:
            parsed = ox.parse_query_results(response, format=ox.QueryResultsFormat.TSV)
            if not isinstance(parsed, ox.QuerySolutions):
                raise QueryError("expected the rows of a SELECT query, got a yes/no answer")
            yield _guarded(tuples(parsed), self.query_url)

    def replace_all(self, quads: list[ox.Quad]) -> None:
        """Replace the endpoint's whole dataset by ``quads`` in one update request."""
        by_graph: dict[ox.NamedNode | ox.DefaultGraph, list[ox.Triple]] = {}
        for quad in quads:
            graph = quad.graph_name if isinstance(quad.graph_name, ox.NamedNode) else ox.DefaultGraph()
            by_graph.setdefault(graph, []).append(quad.triple)
        blocks = []
        for graph, triples in by_graph.items():
            lines = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
            blocks.append(lines if isinstance(graph, ox.DefaultGraph) else f"GRAPH {graph} {{\n{lines}}}")
        update = "DROP ALL ;\nINSERT DATA {\n" + "\n".join(blocks) + "\n}"
        self._post(self.update_url, {"update": update}, "*/*")

    def count_quads(self) -> int:
        """Quads in all named graphs plus triples only in the default graph."""
        result = self.run(queries.internal("internal/count-quads"), {})
        assert isinstance(result, SelectResult)
        return int(result.records()[0]["n"])


@contextlib.contextmanager
def _reading(url: str) -> Iterator[None]:
    """A connection lost in the middle of a response, as kg's error."""
    try:
        yield
    except BrokenPipeError:
        raise  # the reader of a streamed answer left: not the endpoint's fault
    except (OSError, ValueError, http.client.HTTPException) as exc:
        raise StoreError(f"the SPARQL endpoint {url} broke off its answer: {exc!r}") from None


def _guarded(rows: Iterator[tuple[Term | None, ...]], url: str) -> Iterator[tuple[Term | None, ...]]:
    with _reading(url):
        yield from rows
