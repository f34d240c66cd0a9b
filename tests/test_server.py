"""`kg serve` with a real SPARQL client on loopback: answers, refusals, limits, and a rebuild underneath."""

from __future__ import annotations

import csv
import io
import shutil
import socket
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from SPARQLWrapper import CSV, JSON, POST, TURTLE, URLENCODED, SPARQLWrapper

import kg
from tests.helpers import ROOT
from tests.servers import kg_serve

CAPTURES = "SELECT ?who WHERE { ?who kg:captured kge:homs } ORDER BY ?who"


def http(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, built_store: Path):
    store = tmp_path_factory.mktemp("served") / "store"
    shutil.copytree(built_store, store)
    with kg_serve(store, "--timeout", "120") as url:  # generous: no answer here should be cut on a loaded machine
        yield url, store


def test_select_json_by_get(served) -> None:
    url, _ = served
    client = SPARQLWrapper(url)
    client.setQuery(CAPTURES)
    client.setReturnFormat(JSON)
    bindings = client.queryAndConvert()["results"]["bindings"]
    assert [b["who"]["value"] for b in bindings] == [
        "https://w3id.org/conflict-kg/id/hts",
        "https://w3id.org/conflict-kg/id/syrian-rebels",
    ]


def test_select_csv_by_post(served) -> None:
    url, _ = served
    client = SPARQLWrapper(url)
    client.setMethod(POST)
    client.setRequestMethod(URLENCODED)
    client.setQuery("SELECT ?ally WHERE { kge:russia kg:alliedWith ?ally } ORDER BY ?ally")
    client.setReturnFormat(CSV)
    rows = list(csv.reader(io.StringIO(client.queryAndConvert().decode())))
    assert rows == [
        ["ally"],
        ["https://w3id.org/conflict-kg/id/bashar-al-assad"],
        ["https://w3id.org/conflict-kg/id/syrian-government"],
    ]


def test_construct_as_turtle(served) -> None:
    url, _ = served
    client = SPARQLWrapper(url)
    client.setQuery("CONSTRUCT WHERE { kge:hts kg:captured ?place }")
    client.setReturnFormat(TURTLE)
    turtle = client.queryAndConvert().decode()
    assert "kge:hts kg:captured kge:homs ." in turtle


def test_sparql_query_body_and_tsv(served) -> None:
    url, _ = served
    status, headers, body = http(
        url,
        data=CAPTURES.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "text/tab-separated-values"},
    )
    assert status == 200 and headers["content-type"].startswith("text/tab-separated-values")
    assert body.splitlines()[0] == "?who"
    assert headers["x-content-type-options"] == "nosniff" and "access-control-allow-origin" not in headers


def count(url: str) -> str:
    return http(
        url + "?" + urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}),
        headers={"Accept": "text/csv"},
    )[2]


def test_every_update_form_is_refused_and_nothing_changes(served) -> None:
    url, _ = served
    before = count(url)
    update = "INSERT DATA { <http://e/x> <http://e/p> <http://e/o> }"
    attempts = [
        http(url, data=update.encode(), headers={"Content-Type": "application/sparql-update"}),
        http(
            url,
            data=urllib.parse.urlencode({"update": update}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
        http(url + "?" + urllib.parse.urlencode({"update": "DROP ALL"})),
        http(url, data=b"LOAD <http://127.0.0.1:1/data.ttl>", headers={"Content-Type": "application/sparql-update"}),
        http(url + "?" + urllib.parse.urlencode({"query": update})),
        http(url + "?" + urllib.parse.urlencode({"query": "LOAD <http://127.0.0.1:1/data.ttl>"})),
    ]
    assert [status for status, _, _ in attempts] == [403, 403, 403, 403, 400, 400]
    assert "read-only" in attempts[0][2]
    assert count(url) == before


def test_service_is_refused(served) -> None:
    url, _ = served
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
    status, _, body = http(url + "?" + urllib.parse.urlencode({"query": query}))
    assert (status, body) == (403, "SERVICE is disabled: this endpoint makes no outgoing requests\n")


def test_malformed_query_gets_the_parser_message(served) -> None:
    url, _ = served
    status, _, body = http(url + "?" + urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p }"}))
    assert status == 400 and body.startswith("malformed query: error at 1:25")


def test_a_slow_query_is_cut_at_the_limit(built_store: Path) -> None:
    """A query that would run for years (a 4-way cross product of the seed) answers 503 at the limit.

    ``http`` gives up after 30 s, so an endpoint that did not cut the query fails the test
    rather than hanging it; how fast the cut comes is not asserted (that is the machine's speed).
    """
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with kg_serve(built_store, "--timeout", "1") as url:
        status, _, body = http(url + "?" + urllib.parse.urlencode({"query": slow}))
        assert status == 503 and "1 s limit" in body
        assert http(url + "?" + urllib.parse.urlencode({"query": "ASK {}"}))[0] == 200  # the pool recovered


def test_unacceptable_format_and_oversized_body(served) -> None:
    url, _ = served
    status, _, _ = http(url + "?" + urllib.parse.urlencode({"query": "ASK {}"}), headers={"Accept": "image/png"})
    assert status == 406
    port = urllib.parse.urlsplit(url).port
    with socket.create_connection(("127.0.0.1", port)) as sock:  # announce 2 MB, send none: refused at once
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 2000000\r\n\r\n"
        )
        assert sock.recv(100).startswith(b"HTTP/1.1 413 ")


def test_a_client_that_disconnects_does_not_hurt(served) -> None:
    url, _ = served
    port = int(urllib.parse.urlsplit(url).port or 0)
    for _ in range(3):
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(
                b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                b"Content-Length: 1000\r\n\r\nSELECT"
            )
    assert (
        http(
            url + "?" + urllib.parse.urlencode({"query": "ASK { kge:hts kg:captured kge:homs }"}),
            headers={"Accept": "application/sparql-results+json"},
        )[2]
        == '{"head":{},"boolean":true}'
    )


def test_workers_follow_a_rebuild(served, tmp_path: Path) -> None:
    url, store = served
    ask = url + "?" + urllib.parse.urlencode({"query": "ASK { GRAPH kgg:second-report { ?s ?p ?o } }"})
    assert http(ask)[2] == '{"head":{},"boolean":false}'
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    for name in ("second-report.yaml", "second-report.txt"):
        shutil.copy(ROOT / "tests" / "data" / name, data)
    kg.build([ROOT / "ontology", data], store_path=store)
    assert http(ask)[2] == '{"head":{},"boolean":true}'


def test_cors_is_opt_in(built_store: Path) -> None:
    with kg_serve(built_store, "--cors") as url:
        _, headers, _ = http(url + "?query=ASK%7B%7D", headers={"Origin": "http://example.org"})
    assert headers["access-control-allow-origin"] == "*"


def test_port_zero_takes_a_free_port_and_a_taken_port_is_one_line(served) -> None:
    """`--port 0` serves on the port it announces; asking for that port again fails in one line, at once."""
    import subprocess

    from tests.servers import BIN

    url, store = served
    port = urllib.parse.urlsplit(url).port
    assert port and http(url + "?query=ASK%7B%7D")[0] == 200  # the announced URL is the one that answers
    done = subprocess.run(
        [str(BIN / "kg"), "--store", str(store), "serve", "--port", str(port)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == f"Error: cannot listen on 127.0.0.1:{port}: Address already in use"


def test_load_with_a_rebuild_swapped_in(built_store: Path, tmp_path: Path) -> None:
    """A small run of benchmarks/load_serve.py: concurrent clients, a rebuild half-way, every answer checked."""
    from benchmarks.load_serve import bound_texts, run
    from tests.servers import kg_serve_process

    store = tmp_path / "store"
    shutil.copytree(built_store, store)
    texts = bound_texts(kg.open_store(store))
    with kg_serve_process(store) as (url, pid):
        result = run(
            url,
            texts,
            clients=8,
            seconds=4,
            server_pid=pid,
            during=lambda: kg.build([ROOT / "ontology", ROOT / "data"], store_path=store),
        )
    assert result.after_during >= 8  # every client was answered by the rebuilt store too
    assert result.failures == [] and result.wrong == []


def test_the_graph_page_is_served_at_the_root_with_its_policy(served) -> None:
    url, _ = served
    root = url.removesuffix("sparql")
    status, headers, body = http(root)
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert body.startswith("<!DOCTYPE html>") and "window.network" in body
    policy = headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'sha256-" in policy and "frame-ancestors 'none'" in policy
    assert headers["x-content-type-options"] == "nosniff"


def test_no_table_draws_the_pages_by_sparql(built_store: Path, tmp_path: Path) -> None:
    """`kg serve --no-table` draws the graph page and the map from SPARQL: no claims table is written, and each page
    is the one a server reading the table sends, which builds the table."""
    from kg import listings

    store = tmp_path / "store"
    shutil.copytree(built_store, store)
    generation = kg.open_store(store).generation
    assert generation is not None
    table = listings.table_path(generation, "claims")
    table.unlink(missing_ok=True)
    pages = ("/", "/map")

    def fetch(url: str) -> list[str]:
        answers = [http(url.removesuffix("/sparql") + page) for page in pages]
        assert [status for status, _, _ in answers] == [200, 200]
        return [body for _, _, body in answers]

    with kg_serve(store, "--no-table") as url:
        by_sparql = fetch(url)
        assert not table.exists()
    with kg_serve(store) as url:
        assert fetch(url) == by_sparql
    assert table.exists()


@pytest.mark.parametrize(
    "path", ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/static/../kg/store.py", "/.kg/live"]
)
def test_nothing_else_is_served(served, path: str) -> None:
    url, _ = served
    status, _, body = http(url.removesuffix("/sparql") + path)
    assert status == 404 and "root:" not in body
