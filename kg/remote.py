"""A remote SPARQL 1.1 endpoint as a kg store: for graphs that outgrow one machine.

``kg --store sparql+http://host:7878/query`` sends every query to that endpoint over the
SPARQL 1.1 Protocol (form-encoded POST) and every build as one SPARQL Update request
(``DROP ALL`` then ``INSERT DATA``), which Oxigraph runs as one transaction. kg's queries
expect the default graph to be the union of all graphs: with Oxigraph add
``?union-default-graph`` to the URL (it is passed through); Virtuoso and GraphDB do this by
default. Parameters are bound with a ``VALUES`` block (see :mod:`kg.sparql`), since the
protocol has no parameters of its own.

The endpoint's ``Server`` header (asked once per endpoint) decides what is sent (:func:`_prepare`).
Oxigraph gets the query as written. Every other server gets it without ``LATERAL`` (Oxigraph's
extension, not SPARQL 1.1) where a join means the same (:func:`_without_lateral`); a query whose
LATERAL cannot be left out is refused before it is sent. Virtuoso also gets changes that keep its
answers equal to the embedded store's, and mean the same in SPARQL: parameters bound with
``BIND`` at the start of the WHERE group, since a ``VALUES`` block there empties some answers
(event-places with dates); non-ASCII plain literals in the query text written as
``"..."^^xsd:string``, since Virtuoso returns a plain one's characters outside Latin-1 as ``?``
(the neighbourhood's arrows); and an ASK, which it answers as a one-row table, read as yes or no
and written as a W3C boolean result in every format. What still differs is in the README
("Remote stores").

Big answers are streamed: :meth:`Endpoint.stream` copies the response to a file as it
arrives and :meth:`Endpoint.solutions` parses rows off the socket one at a time, so the
client's memory stays flat however many rows come back (``kg query --format csv`` and the
NetworkX projection use them).
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import shutil
import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import BinaryIO

import pyoxigraph as ox

from kg import queries, sparql
from kg.errors import QueryError, StoreError
from kg.namespaces import PREFIXES
from kg.results import GraphResult, SelectResult, tuples
from kg.terms import Term

__all__ = ["SCHEMES", "Endpoint", "Unsupported", "is_endpoint"]

SCHEMES = ("sparql+http://", "sparql+https://")
UPDATE_ENV = "KG_UPDATE_ENDPOINT"
TIMEOUT_S = 300.0
XML = ox.QueryResultsFormat.XML
JSON = ox.QueryResultsFormat.JSON
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
CHUNK = 1 << 16
"""Bytes copied at a time when a response is streamed to a file."""


class Unsupported(QueryError):
    """A query kg will not send to this endpoint, since it would mean something else there (or be
    refused); the store names the query in front of the message."""


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
        import urllib.error  # with http.client and email: 40 ms that `kg --help` should not pay
        import urllib.request

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
        return _prologue() + _prepare(text, bindings, _server(self.query_url))

    def _virtuoso_ask(self, text: str, bindings: Mapping[str, Term]) -> bool | None:
        """An ASK query's answer when the endpoint is Virtuoso (which answers one as a one-row table), else None."""
        if sparql.query_form(text) != "ASK" or not _is_virtuoso(self.query_url):
            return None
        body, _ = self._post(self.query_url, {"query": self._prepared(text, bindings)}, JSON.media_type)
        return _boolean(json.loads(body))

    def run(self, text: str, bindings: Mapping[str, Term]) -> SelectResult | GraphResult | bool:
        """Run a query; the result types are those of the embedded store."""
        form = sparql.query_form(text)
        if form in ("CONSTRUCT", "DESCRIBE"):
            body, _ = self._post(self.query_url, {"query": self._prepared(text, bindings)}, "application/n-triples")
            return GraphResult(list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES)))
        if form == "SELECT" and _is_virtuoso(self.query_url):
            return SelectResult(self.results(text, bindings, ox.QueryResultsFormat.JSON))
        accept = JSON.media_type
        body, _ = self._post(self.query_url, {"query": self._prepared(text, bindings)}, accept)
        if form == "ASK":
            return _boolean(json.loads(body))
        return SelectResult(body)

    def results(self, text: str, bindings: Mapping[str, Term], format: ox.QueryResultsFormat) -> bytes:
        """A SELECT or ASK query's results in ``format``, as the endpoint writes them (or, from Virtuoso,
        as pyoxigraph writes them: see :meth:`open_results`)."""
        with self.open_results(text, bindings, format) as response:
            return response.read()

    @contextlib.contextmanager
    def open_results(
        self, text: str, bindings: Mapping[str, Term], format: ox.QueryResultsFormat
    ) -> Iterator[BinaryIO]:
        """A SELECT or ASK query's results in ``format``, as the open response to read from.

        Virtuoso's TSV is not the W3C's (its IRIs are quoted strings) and it writes booleans as 1
        and 0; so from Virtuoso the answer is read as XML, its booleans written true and false
        (:class:`_CanonicalBooleans`), and written in ``format`` by pyoxigraph, whole. Virtuoso
        answers an ASK as a one-row table: that is read as yes or no (:func:`_boolean`) and written
        as a boolean result.
        """
        answer = self._virtuoso_ask(text, bindings)
        if answer is not None:
            yield io.BytesIO(_boolean_results(answer, format))
            return
        form = {"query": self._prepared(text, bindings)}
        if not _is_virtuoso(self.query_url):
            with self._open(self.query_url, form, format.media_type) as response, _reading(self.query_url):
                yield response
            return
        with self._open(self.query_url, form, XML.media_type) as response, _reading(self.query_url):
            parsed = ox.parse_query_results(_CanonicalBooleans(response), format=XML)
            yield io.BytesIO(parsed.serialize(format=format))

    def stream(self, text: str, bindings: Mapping[str, Term], format: ox.QueryResultsFormat, out: BinaryIO) -> None:
        """Copy a SELECT or ASK query's results in ``format`` to ``out`` as they arrive, a chunk at a time
        (from Virtuoso, solution by solution, read as XML and written in ``format`` by pyoxigraph)."""
        answer = self._virtuoso_ask(text, bindings)
        if answer is not None:
            out.write(_boolean_results(answer, format))
            return
        if not _is_virtuoso(self.query_url):
            with self.open_results(text, bindings, format) as response:
                shutil.copyfileobj(response, out, CHUNK)
            return
        form = {"query": self._prepared(text, bindings)}
        with self._open(self.query_url, form, XML.media_type) as response, _reading(self.query_url):
            ox.parse_query_results(_CanonicalBooleans(response), format=XML).serialize(out, format=format)

    @contextlib.contextmanager
    def solutions(self, text: str, bindings: Mapping[str, Term]) -> Iterator[Iterator[tuple[Term | None, ...]]]:
        """A SELECT query's rows as tuples in variable order, parsed off the connection one at a time (from
        TSV, the lightest format to parse; from Virtuoso, XML).

        Use as ``with endpoint.solutions(text, {}) as rows: for row in rows: ...``.
        """
        form = {"query": self._prepared(text, bindings)}
        virtuoso = _is_virtuoso(self.query_url)
        format = XML if virtuoso else ox.QueryResultsFormat.TSV
        with self._open(self.query_url, form, format.media_type) as response:
            parsed = ox.parse_query_results(_CanonicalBooleans(response) if virtuoso else response, format=format)
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


class _CanonicalBooleans(io.RawIOBase):
    """A SPARQL XML results stream with Virtuoso's ``"1"^^xsd:boolean`` and ``"0"^^xsd:boolean``
    written ``true`` and ``false`` (the same values), so that CSV and TSV say true and false.

    >>> xml = b'<literal datatype="http://www.w3.org/2001/XMLSchema#boolean">1</literal>'
    >>> _CanonicalBooleans(io.BytesIO(xml * 3)).read().count(b">true</literal>")
    3
    """

    _OPEN = b'<literal datatype="http://www.w3.org/2001/XMLSchema#boolean">'
    _FORMS = {_OPEN + b"1</literal>": _OPEN + b"true</literal>", _OPEN + b"0</literal>": _OPEN + b"false</literal>"}
    _KEEP = len(_OPEN) + len(b"1</literal>") - 1

    def __init__(self, raw: BinaryIO) -> None:
        self._raw, self._carry, self._ready, self._ended = raw, b"", b"", False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001 (a writable buffer)
        while not self._ready and not self._ended:
            chunk = self._raw.read(CHUNK)
            self._ended = not chunk
            text = self._carry + chunk
            for virtuoso, canonical in self._FORMS.items():
                text = text.replace(virtuoso, canonical)
            cut = len(text) if self._ended else max(0, len(text) - self._KEEP)
            self._ready, self._carry = text[:cut], text[cut:]
        size = min(len(buffer), len(self._ready))
        buffer[:size] = self._ready[:size]
        self._ready = self._ready[size:]
        return size


def _boolean(answer: dict) -> bool:
    """An ASK query's answer from SPARQL JSON results; Virtuoso answers one as a table of one column
    (``__ASK_RETVAL``): a row with the number 1 for yes, and no row at all for no.

    >>> _boolean({"boolean": True}), _boolean({"results": {"bindings": [{"__ASK_RETVAL": {"value": "0"}}]}})
    (True, False)
    >>> _boolean({"head": {"vars": ["__ASK_RETVAL"]}, "results": {"bindings": []}})
    False
    """
    if "boolean" in answer:
        return bool(answer["boolean"])
    rows = answer.get("results", {}).get("bindings", [])
    if not rows and len(answer.get("head", {}).get("vars", [])) == 1:
        return False
    if len(rows) == 1 and len(rows[0]) == 1:
        value = next(iter(rows[0].values())).get("value")
        return value not in ("0", "false")
    raise QueryError("the endpoint answered a yes/no question with rows")


def _boolean_results(answer: bool, format: ox.QueryResultsFormat) -> bytes:
    """A yes/no answer as a W3C boolean result in ``format``, as pyoxigraph writes one for the embedded store.

    >>> _boolean_results(False, ox.QueryResultsFormat.CSV)
    b'false'
    """
    document = json.dumps({"head": {}, "boolean": answer}).encode("ascii")
    return ox.parse_query_results(document, format=JSON).serialize(format=format)


def _is_virtuoso(query_url: str) -> bool:
    """Whether the endpoint says it is Virtuoso."""
    return _server(query_url).startswith("Virtuoso")


@functools.lru_cache(maxsize=16)
def _server(query_url: str) -> str:
    """The endpoint's ``Server`` header, "" if none (one ``ASK {}`` per endpoint and process)."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        query_url,
        data=urllib.parse.urlencode({"query": "ASK {}"}).encode("ascii"),
        method="POST",
        headers={"Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            server = response.headers.get("Server", "")
    except urllib.error.HTTPError as exc:
        server = exc.headers.get("Server", "") if exc.headers else ""
    except (urllib.error.URLError, OSError) as exc:
        raise StoreError(f"cannot reach the SPARQL endpoint {query_url}: {getattr(exc, 'reason', exc)}") from None
    return server


def _prepare(text: str, bindings: Mapping[str, Term], server: str) -> str:
    """The query text (without kg's prefixes) to send to an endpoint whose ``Server`` header is ``server``.

    Oxigraph gets it as written, parameters in a ``VALUES`` block. Any other server (Fuseki, GraphDB,
    one behind a proxy that hides its name...) gets it without the LATERALs a join can replace, and a
    query with one that cannot be replaced is refused here, in one line, rather than by the server;
    Virtuoso also gets its own changes (see the module's docstring).

    >>> q = "SELECT * WHERE { ?c ?p ?o LATERAL { ?c a ?t } }"
    >>> _prepare(q, {}, "Oxigraph/0.5.13") == q, _prepare(q, {}, "Apache Jena Fuseki (4.10.0)")
    (True, 'SELECT * WHERE { ?c ?p ?o  { ?c a ?t } }')
    >>> q = "SELECT * WHERE { ?c ?p ?o LATERAL { SELECT ?c WHERE { ?c ?q ?v } LIMIT 1 } }"
    >>> _prepare(q, {}, "GraphDB")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    kg.remote.Unsupported: it needs LATERAL ... and the endpoint (GraphDB) does not know LATERAL: run it on ...
    """
    if server.startswith("Oxigraph"):
        return sparql.bind_values(text, bindings)
    if server.startswith("Virtuoso"):
        text = _typed_strings(_without_lateral(_bind_first(text, bindings)))
    else:
        text = _without_lateral(sparql.bind_values(text, bindings))
    if any(token.keyword == "LATERAL" for token in sparql.tokens(text)):
        raise Unsupported(
            "it needs LATERAL (Oxigraph's extension of SPARQL) where a join would not mean the same, and the "
            f"endpoint ({server or 'no Server header'}) does not know LATERAL: run it on the embedded store or an "
            "Oxigraph server"
        )
    return text


def _bind_first(text: str, bindings: Mapping[str, Term]) -> str:
    """``text`` with one ``BIND`` per binding at the start of its WHERE group: the same solutions as a
    ``VALUES`` block there.

    >>> import pyoxigraph as ox
    >>> _bind_first("SELECT ?x WHERE { ?x ?p ?o }", {"x": ox.NamedNode("http://e/a")})
    'SELECT ?x WHERE { BIND(<http://e/a> AS ?x) ?x ?p ?o }'

    Not when the query assigns the parameter's variable itself (``BIND(... AS ?x)``, ``(... AS ?x)``):
    there the embedded store keeps the solutions whose value is the parameter's, while a second BIND
    is an error (Virtuoso refuses it), so that is refused here, in one line:

    >>> _bind_first("SELECT ?x WHERE { ?s ?p ?o BIND(?o AS ?x) }", {"x": ox.Literal("a")})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    kg.remote.Unsupported: parameter x is also assigned by the query (AS ?x), which Virtuoso cannot bind: ...
    """
    if not bindings:
        return text
    found = list(sparql.tokens(text))
    assigned = {b.text[1:] for a, b in zip(found, found[1:], strict=False) if a.keyword == "AS" and b.kind == "var"}
    if clash := sorted(assigned & set(bindings)):
        raise Unsupported(
            f"parameter {clash[0]} is also assigned by the query (AS ?{clash[0]}), which Virtuoso cannot bind: "
            "filter on it instead"
        )
    at = sparql.where_start(text)
    binds = " ".join(f"BIND({term} AS ?{name})" for name, term in bindings.items())
    return f"{text[:at]} {binds}{text[at:]}"


_PLAIN_GROUP = {"GRAPH", "A", "TRUE", "FALSE"}
"""Keywords of a group that is triple patterns only (in graphs), which LATERAL evaluates as a join does."""


def _without_lateral(text: str) -> str:
    """``text`` without the ``LATERAL`` keyword (Oxigraph's, not SPARQL 1.1) where the group after it
    gives the same solutions joined: triple patterns only (in graphs), or a subquery grouped by every
    variable it projects bare (so each outer row meets its own group either way). Any other LATERAL
    stays, for the endpoint to refuse.

    >>> _without_lateral("SELECT * WHERE { ?c ?p ?o LATERAL { GRAPH ?g { ?c a ?t } } }")
    'SELECT * WHERE { ?c ?p ?o  { GRAPH ?g { ?c a ?t } } }'
    >>> q = "SELECT * WHERE { ?c ?p ?o LATERAL { SELECT ?c (COUNT(*) AS ?n) WHERE { ?c ?q ?v } GROUP BY ?c } }"
    >>> "LATERAL" in _without_lateral(q), "LATERAL" in _without_lateral(q.replace("GROUP BY ?c", "LIMIT 1"))
    (False, True)
    """
    found = list(sparql.tokens(text))
    drop = []
    for at, token in enumerate(found):
        if token.keyword != "LATERAL" or at + 1 >= len(found) or found[at + 1].text != "{":
            continue
        depth, end = 0, at + 1
        for end in range(at + 1, len(found)):
            depth += {"{": 1, "}": -1}.get(found[end].text, 0)
            if depth == 0:
                break
        group = found[at + 2 : end]
        words = {t.keyword for t in group if t.keyword}
        if words <= _PLAIN_GROUP or _grouped_subquery(group):
            drop.append(token)
    for token in reversed(drop):
        text = text[: token.start] + text[token.start + len(token.text) :]
    return text


def _grouped_subquery(group: list[sparql.Token]) -> bool:
    """Whether ``group`` is one ``SELECT`` grouped by every variable it projects bare, with no LIMIT or OFFSET."""
    if not group or group[0].keyword != "SELECT" or {"LIMIT", "OFFSET"} & {t.keyword for t in group}:
        return False
    projected, grouped, depth, clause = set(), set(), 0, "select"
    for token in group[1:]:
        if token.text in ("(", "{"):
            depth += 1
        elif token.text in (")", "}"):
            depth -= 1
        elif depth == 0 and token.keyword in ("WHERE", "HAVING", "ORDER"):
            clause = "other"
        elif depth == 0 and token.keyword == "BY" and clause == "group":
            clause = "by"
        elif depth == 0 and token.keyword == "GROUP":
            clause = "group"
        elif depth == 0 and token.kind == "var":
            (projected if clause == "select" else grouped if clause == "by" else set()).add(token.text[1:])
        if token.text == "{" and depth == 1 and clause == "select":
            clause = "other"  # SELECT ... { without WHERE
    return bool(grouped) and projected <= grouped


def _typed_strings(text: str) -> str:
    """``text`` with each plain string literal that holds a non-ASCII character typed ``xsd:string``
    (the same term in RDF 1.1); literals with a language tag or a datatype are left alone.

    >>> _typed_strings('SELECT * WHERE { BIND("← a" AS ?x) ?s ?p "é"@fr, "b" }')
    'SELECT * WHERE { BIND("← a"^^<http://www.w3.org/2001/XMLSchema#string> AS ?x) ?s ?p "é"@fr, "b" }'

    A space before the ``^^`` or the ``@`` is legal SPARQL, and such a literal is left alone too:

    >>> _typed_strings('SELECT * WHERE { ?s ?p "é" ^^xsd:string, "è" @fr }')
    'SELECT * WHERE { ?s ?p "é" ^^xsd:string, "è" @fr }'
    """
    parts, done = [], 0
    found = list(sparql.tokens(text))
    for token, after in zip(found, found[1:] + [None], strict=True):
        end = token.start + len(token.text)
        typed = after is not None and after.text in ("^", "@")  # ``^^datatype`` or ``@lang``, spaces or not
        if token.kind == "string" and not token.text.isascii() and not typed:
            parts += [text[done:end], f"^^<{XSD_STRING}>"]
            done = end
    return "".join(parts) + text[done:]


@contextlib.contextmanager
def _reading(url: str) -> Iterator[None]:
    """A connection lost in the middle of a response, as kg's error."""
    import http.client

    try:
        yield
    except BrokenPipeError:
        raise  # the reader of a streamed answer left: not the endpoint's fault
    except (OSError, ValueError, http.client.HTTPException) as exc:
        raise StoreError(f"the SPARQL endpoint {url} broke off its answer: {exc!r}") from None


def _guarded(rows: Iterator[tuple[Term | None, ...]], url: str) -> Iterator[tuple[Term | None, ...]]:
    with _reading(url):
        yield from rows
