"""A remote SPARQL 1.1 endpoint as a kg store: for graphs that outgrow one machine.

``kg --store sparql+http://host:7878/query`` sends every query to that endpoint over the
SPARQL 1.1 Protocol (form-encoded POST) and every build as one SPARQL Update request
(``DROP ALL`` then ``INSERT DATA``), which Oxigraph runs as one transaction. kg's queries
expect the default graph to be the union of all graphs: with Oxigraph add
``?union-default-graph`` to the URL (it is passed through); Virtuoso and GraphDB do this by
default. Parameters are bound with a ``VALUES`` block (see :mod:`kg.sparql`), since the
protocol has no parameters of its own.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from kg import queries, sparql
from kg.errors import QueryError, StoreError
from kg.namespaces import PREFIXES
from kg.results import GraphResult, SelectResult
from kg.terms import Term

__all__ = ["SCHEMES", "Endpoint", "is_endpoint"]

SCHEMES = ("sparql+http://", "sparql+https://")
UPDATE_ENV = "KG_UPDATE_ENDPOINT"
TIMEOUT_S = 300.0


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
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
                return response.read(), response.headers.get_content_type()
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", errors="replace").strip().splitlines()
            message = body[0] if body else exc.reason
            if exc.code in (400, 422):
                raise QueryError(f"the endpoint refused the query: {message}") from None
            raise StoreError(f"{url} answered {exc.code}: {message}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreError(f"cannot reach the SPARQL endpoint {url}: {reason}") from None

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
