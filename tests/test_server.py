"""`certpath serve`: a real server on a free port, driven by SPARQLWrapper and curl."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

CERTPATH = str(Path(sys.executable).with_name("certpath"))
EXPLODING = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read() if process.stderr else ''}")
        try:
            with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"no server at {url}")


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [CERTPATH, "serve", "--port", str(port), "--timeout", "1", "--limit", "1000",
         "--cors", "https://notebook.example"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        wait_for(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def wrapper(endpoint: str, query: str, fmt: str = JSON, method: str = "GET") -> SPARQLWrapper:
    sparql = SPARQLWrapper(endpoint)
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    sparql.setMethod(method)
    return sparql


QUERY = """PREFIX cp: <https://w3id.org/certpath/ontology#>
SELECT ?offer ?cost WHERE { ?offer cp:offeredBy <https://w3id.org/certpath/data/scrum-org> ;
cp:cost ?cost } ORDER BY ?cost ?offer"""


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_json(endpoint: str, method: str) -> None:
    result = wrapper(endpoint, QUERY, JSON, method).queryAndConvert()
    assert isinstance(result, dict)
    rows = [(b["offer"]["value"].rsplit("/", 1)[1], b["cost"]["value"])
            for b in result["results"]["bindings"]]  # fmt: skip
    assert rows == [("learn-scrum-basics", "0"), ("psm-1", "200"), ("pspo-1", "200"),
                    ("pspo-ai-essentials", "200"), ("pspo-2", "250"), ("pspo-3", "500"),
                    ("pspo-a", "1200")]  # fmt: skip


def test_sparqlwrapper_xml_csv_ask_construct(endpoint: str) -> None:
    xml = wrapper(endpoint, QUERY, XML).query()
    assert xml.response.headers["Content-Type"] == "application/sparql-results+xml"
    csv = wrapper(endpoint, QUERY, CSV).queryAndConvert()
    assert isinstance(csv, bytes)
    assert csv.split(b"\r\n")[:2] == [
        b"offer,cost",
        b"https://w3id.org/certpath/data/learn-scrum-basics,0",
    ]
    ask = wrapper(endpoint, "ASK { ?s a <https://w3id.org/certpath/ontology#Role> }").query()
    assert ask.convert() == {"head": {}, "boolean": True}
    graph = wrapper(
        endpoint,
        "CONSTRUCT { ?o ?p ?v } WHERE { ?o ?p ?v "
        "FILTER(?o = <https://w3id.org/certpath/data/scrum-org>) }",
        TURTLE,
    ).queryAndConvert()
    assert isinstance(graph, bytes) and b"Scrum.org" in graph


def test_sparqlwrapper_bad_query_is_400(endpoint: str) -> None:
    with pytest.raises(QueryBadFormed):
        wrapper(endpoint, "SELECT * WHERE { ?s ?p ?o } LIMT 3").query()


def curl(*args: str) -> tuple[int, dict[str, str], bytes]:
    """Run curl; return (status, headers, body)."""
    out = subprocess.run(
        ["curl", "-s", "-i", "--max-time", "20", *args], capture_output=True, check=True
    ).stdout
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


needs_curl = pytest.mark.skipif(shutil.which("curl") is None, reason="curl not installed")


@needs_curl
def test_curl_content_negotiation(endpoint: str) -> None:
    status, headers, body = curl("--data-urlencode", f"query={QUERY}", endpoint)
    assert status == 200
    assert headers["content-type"] == "application/sparql-results+json"
    assert json.loads(body)["head"]["vars"] == ["offer", "cost"]
    status, headers, body = curl("-H", "Accept: text/tab-separated-values", "-G",
                                 "--data-urlencode", f"query={QUERY}", endpoint)  # fmt: skip
    assert status == 200 and body.startswith(b"?offer\t?cost\n<https://w3id.org/certpath/data/")
    status, _, body = curl("-H", "Content-Type: application/sparql-query",
                           "-H", "Accept: text/csv", "--data-binary", QUERY, endpoint)  # fmt: skip
    assert status == 200 and body.startswith(b"offer,cost\r\n")
    status, _, _ = curl("-H", "Accept: image/png", "-G", "--data-urlencode", f"query={QUERY}",
                        endpoint)  # fmt: skip
    assert status == 406


@needs_curl
@pytest.mark.parametrize(
    ("args", "status", "text"),
    [
        (["--data-urlencode", "update=DROP ALL"], 403, b"read-only"),
        (["-H", "Content-Type: application/sparql-update", "--data-binary", "CLEAR ALL"], 403,
         b"read-only"),
        (["--data-urlencode", "query=DROP ALL"], 403, b"updates are refused"),
        (["--data-urlencode", "query=SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"],
         403, b"SERVICE is refused"),
        (["--data-urlencode", "query=SELECT * WHERE { ?s ?p ?o } LIMT 3"], 400, b"'LIMT'"),
        (["--data-urlencode", f"query={EXPLODING}"], 503, b"timed out after 1 s"),
        (["--data-urlencode", "query=SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"], 503,
         b"truncated at 1000 rows"),
        (["-X", "GET"], 400, b"exactly one 'query'"),
    ],
)  # fmt: skip
def test_curl_errors_have_the_right_status(
    endpoint: str, args: list[str], status: int, text: bytes
) -> None:
    started = time.monotonic()
    got, _, body = curl(*args, endpoint)
    assert (got, text in body) == (status, True), body
    assert time.monotonic() - started < 10


@needs_curl
def test_cors_only_for_the_given_origin(endpoint: str) -> None:
    _, headers, _ = curl("-G", "--data-urlencode", "query=ASK {}", endpoint)
    assert headers["access-control-allow-origin"] == "https://notebook.example"
    status, headers, _ = curl("-X", "OPTIONS", endpoint)
    assert status == 204 and "POST" in headers["access-control-allow-methods"]


def test_no_cors_by_default() -> None:
    from certpath.graph import load
    from certpath.server import make_server

    server = make_server(load().store, port=0)
    try:
        assert server.cors is None
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()
