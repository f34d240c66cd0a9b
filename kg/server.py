"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over the store, safe to leave running.

Starlette handles HTTP; queries run in a pool of worker processes (pebble), each holding the
store open read-only, so a query that runs past the time limit is stopped by killing its
worker, which the pool replaces. The endpoint

- answers ``GET /sparql?query=`` and ``POST /sparql`` (form or ``application/sparql-query``),
  choosing the results format from the Accept header (SPARQL JSON, XML, CSV, TSV; Turtle,
  N-Triples, JSON-LD, RDF/XML for graphs);
- refuses every update (403), ``SERVICE`` (403: it makes no outgoing requests), dataset
  parameters (400), bodies over a size limit (413) and results over a size limit;
- answers 400 with the parser's message for a malformed query and 503 when the time limit
  cuts a query;
- serves the interactive graph page (``kg viz``) at ``/`` and the map (``kg map``) at ``/map``, each
  drawn once per store generation;
- follows a rebuilt store: a worker reopens the store when its live generation changes;
- sets ``X-Content-Type-Options``, a restrictive Content-Security-Policy and, when asked,
  CORS headers for GET and POST only.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import multiprocessing
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg import sparql
from kg.errors import KGError

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

__all__ = ["ServerSettings", "create_app", "negotiate", "serve"]

log = logging.getLogger(__name__)

RESULT_FORMATS = [
    ox.QueryResultsFormat.JSON,
    ox.QueryResultsFormat.XML,
    ox.QueryResultsFormat.CSV,
    ox.QueryResultsFormat.TSV,
]
GRAPH_FORMATS = [ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.JSON_LD, ox.RdfFormat.RDF_XML]
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}


@dataclass(frozen=True)
class ServerSettings:
    """Limits and options of one endpoint."""

    store: Path
    timeout_s: float = 10.0
    max_result_bytes: int = 50_000_000
    max_body_bytes: int = 1_000_000
    workers: int = 2
    cors: bool = False
    listings: bool = True
    """Whether the pages draw their claims from the store's derived tables (kg/listings.py); False: by SPARQL."""


class ResultTooLarge(Exception):
    """Raised inside a worker when a serialised result passes the size limit."""


class _BoundedBuffer:
    """A write-only buffer that refuses to grow past ``limit`` bytes, so serialisation stops early."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.chunks: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise ResultTooLarge(f"the result is larger than {self.limit:,} bytes; add a LIMIT")
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def _media_ranges(accept: str) -> list[str]:
    """Media types of an Accept header, best first (q-values honoured, order kept among equals)."""
    ranked = []
    for position, part in enumerate(accept.split(",")):
        media, *parameters = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranked.append((-quality, position, media.lower()))
    return [media for _, _, media in sorted(ranked)]


def negotiate(accept: str | None, formats: list):
    """The first of ``formats`` the Accept header allows (the first format when it allows anything), else None.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULT_FORMATS).name
    'SPARQL Results in XML'
    >>> negotiate(None, GRAPH_FORMATS).name
    'Turtle'
    """
    if not accept:
        return formats[0]
    for media in _media_ranges(accept):
        if media in ("*/*", "application/*", "text/*"):
            kind = media.split("/")[0]
            return next((f for f in formats if kind == "*" or f.media_type.startswith(kind)), None)
        for candidate in formats:
            offered = candidate.media_type.split(";")[0]
            if media == offered or (media == "application/json" and candidate.name == "JSON"):
                return candidate
    return None


# --- worker side: runs in the pool's processes -------------------------------------------------

_WORKER: dict[str, object] = {}


def _worker_init(store: str, listings: bool = True) -> None:
    _WORKER["root"] = store
    _WORKER["listings"] = listings


def _worker_store():
    """The store, reopened when a rebuild has made another generation live."""
    from kg.store import LIVE, open_store

    root = Path(str(_WORKER["root"]))
    live = (root / LIVE).read_text(encoding="utf-8").strip()
    if _WORKER.get("generation") != live:
        _WORKER["store"] = open_store(root, listings=bool(_WORKER.get("listings", True)))
        _WORKER["generation"] = live
    return _WORKER["store"]


def _execute(text: str, accept: str | None, max_bytes: int) -> tuple[int, str, bytes]:
    """Run one query in a worker: (HTTP status, content type, body)."""
    from kg.namespaces import PREFIXES

    store = _worker_store()
    try:
        result = store.inner.query(text, prefixes=PREFIXES, use_default_graph_as_union=True)  # type: ignore[attr-defined]
    except SyntaxError as exc:
        return 400, "text/plain; charset=utf-8", f"malformed query: {exc}\n".encode()
    formats = GRAPH_FORMATS if isinstance(result, ox.QueryTriples) else RESULT_FORMATS
    chosen = negotiate(accept, formats)
    if chosen is None:
        offered = ", ".join(f.media_type.split(";")[0] for f in formats)
        return 406, "text/plain; charset=utf-8", f"cannot answer in the accepted formats; offered: {offered}\n".encode()
    buffer = _BoundedBuffer(max_bytes)
    try:
        if isinstance(result, ox.QueryTriples):
            ox.serialize(result, buffer, format=chosen, prefixes=PREFIXES)
        else:
            result.serialize(buffer, format=chosen)
    except ResultTooLarge as exc:
        return 400, "text/plain; charset=utf-8", f"{exc}\n".encode()
    except (OSError, RuntimeError) as exc:
        if isinstance(exc.__context__, ResultTooLarge) or "larger than" in str(exc):
            return (
                400,
                "text/plain; charset=utf-8",
                f"the result is larger than {max_bytes:,} bytes; add a LIMIT\n".encode(),
            )
        return 500, "text/plain; charset=utf-8", f"query failed: {exc}\n".encode()
    return 200, chosen.media_type, b"".join(buffer.chunks)


# --- HTTP side ------------------------------------------------------------------------------------


def _text(status: int, message: str) -> Response:
    from starlette.responses import PlainTextResponse

    return PlainTextResponse(message + "\n", status_code=status, headers=SECURITY_HEADERS)


async def _query_text(request: Request, limit: int) -> tuple[str | None, Response | None]:
    """The query of a protocol request, or the response refusing it."""
    if int(request.headers.get("content-length") or 0) > limit:
        return None, _text(413, f"request body larger than {limit:,} bytes")
    params = dict(request.query_params)
    if request.method == "POST":
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                return None, _text(413, f"request body larger than {limit:,} bytes")
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == "application/sparql-update":
            return None, _text(403, "this endpoint is read-only: updates are refused")
        if kind == "application/sparql-query":
            params["query"] = body.decode("utf-8", errors="replace")
        elif kind == "application/x-www-form-urlencoded":
            from urllib.parse import parse_qsl

            params.update(parse_qsl(body.decode("utf-8", errors="replace")))
        else:
            return None, _text(415, "send application/sparql-query or a form with a query field")
    if "update" in params:
        return None, _text(403, "this endpoint is read-only: updates are refused")
    if "default-graph-uri" in params or "named-graph-uri" in params:
        return None, _text(400, "dataset parameters are not supported; use GRAPH in the query")
    text = params.get("query")
    if not text:
        return None, _text(400, "missing query parameter")
    return text, None


def create_app(settings: ServerSettings) -> Starlette:
    """The ASGI application; its worker pool starts with the app and stops with it."""
    from contextlib import asynccontextmanager

    from pebble import ProcessPool
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import Response
    from starlette.routing import Route

    state: dict[str, ProcessPool] = {}

    @asynccontextmanager
    async def lifespan(app: Starlette):
        state["pool"] = ProcessPool(
            max_workers=settings.workers,
            initializer=_worker_init,
            initargs=(str(settings.store), settings.listings),
            context=multiprocessing.get_context("spawn"),
        )
        try:
            yield
        finally:
            state["pool"].stop()
            state["pool"].join()

    async def endpoint(request: Request) -> Response:
        text, refusal = await _query_text(request, settings.max_body_bytes)
        if refusal is not None:
            return refusal
        assert text is not None
        if sparql.uses_service(text):
            return _text(403, "SERVICE is disabled: this endpoint makes no outgoing requests")
        future = state["pool"].schedule(
            _execute, args=(text, request.headers.get("accept"), settings.max_result_bytes), timeout=settings.timeout_s
        )
        try:
            status, media, body = await asyncio.wrap_future(future)
        except concurrent.futures.TimeoutError:
            return _text(503, f"the query ran past the {settings.timeout_s:g} s limit and was stopped")
        return Response(body, status_code=status, media_type=media, headers=SECURITY_HEADERS)

    async def health(request: Request) -> Response:
        return _text(200, "ok")

    page: dict[str, str] = {}

    def render_page() -> str:
        """The graph page of the live generation, drawn once per generation."""
        from kg.store import LIVE, open_store
        from kg.viz import draw

        live = (settings.store / LIVE).read_text(encoding="utf-8").strip()
        if page.get("generation") != live:
            page["html"] = draw(open_store(settings.store, listings=settings.listings), title="kg graph").html
            page["generation"] = live
        return page["html"]

    drawn_map: dict[str, str] = {}

    def render_map() -> str:
        """The map of the live generation, drawn once per generation."""
        from kg.map import draw as draw_map
        from kg.store import LIVE, open_store

        live = (settings.store / LIVE).read_text(encoding="utf-8").strip()
        if drawn_map.get("generation") != live:
            drawn_map["html"] = draw_map(open_store(settings.store, listings=settings.listings)).html
            drawn_map["generation"] = live
        return drawn_map["html"]

    async def graph_page(request: Request) -> Response:
        from starlette.responses import HTMLResponse

        from kg.viz import content_security_policy

        html = await asyncio.to_thread(render_page)
        headers = SECURITY_HEADERS | {"Content-Security-Policy": content_security_policy() + "; frame-ancestors 'none'"}
        return HTMLResponse(html, headers=headers)

    async def map_page(request: Request) -> Response:
        from starlette.responses import HTMLResponse

        from kg.map import content_security_policy

        html = await asyncio.to_thread(render_map)
        headers = SECURITY_HEADERS | {"Content-Security-Policy": content_security_policy() + "; frame-ancestors 'none'"}
        return HTMLResponse(html, headers=headers)

    middleware = []
    if settings.cors:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=["*"],
                allow_methods=["GET", "POST"],
                allow_headers=["Content-Type", "Accept"],
            )
        )
    routes = [
        Route("/", graph_page, methods=["GET"]),
        Route("/map", map_page, methods=["GET"]),
        Route("/sparql", endpoint, methods=["GET", "POST"]),
        Route("/health", health, methods=["GET"]),
    ]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host``:``port``; port 0 takes a free one (read it with ``getsockname``).

    Bound here rather than by uvicorn so that the port is known, and can be announced, before the
    server runs: a script or test asks for port 0 and reads the port back, with no window in which
    another process could take a port found free beforehand.
    """
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0][0]
        return socket.create_server((host, port), family=family, backlog=2048)
    except OSError as exc:
        # create_server's own wording repeats the address; a name that does not resolve has a negative errno
        reason = os.strerror(exc.errno) if exc.errno and exc.errno > 0 else exc.strerror or str(exc)
        raise KGError(f"cannot listen on {host}:{port}: {reason}") from None


def url(host: str, port: int) -> str:
    """The endpoint's URL for a host name or address (IPv6 addresses in brackets)."""
    return f"http://[{host}]:{port}/sparql" if ":" in host else f"http://{host}:{port}/sparql"


def serve(
    settings: ServerSettings,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    ready: Callable[[str], object] | None = None,
) -> None:
    """Run the endpoint until interrupted; ``ready`` is called with its URL (the port bound) once it listens."""
    import uvicorn

    sock = listen(host, port)
    if ready is not None:
        ready(url(host, sock.getsockname()[1]))
    server = uvicorn.Server(uvicorn.Config(create_app(settings), log_level="warning", timeout_graceful_shutdown=5))
    server.run(sockets=[sock])
    if not server.started:  # uvicorn logged why (the worker pool failed to start)
        raise KGError("the server did not start")
